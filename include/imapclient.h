/**
 * @file imapclient.h
 * @brief libimapclient: an IMAP client library with a C ABI.
 *
 * Thread rules:
 * - A client is used by one thread at a time.
 * - imapc_client_interrupt may be called from any thread.
 * - imapc_tls_config objects are immutable and shareable across threads.
 *
 * Ownership: functions ending in _new create an object the caller frees with
 * the matching _free (which accepts NULL); a `**out` parameter transfers
 * ownership to the caller and is written only on success. Strings are UTF-8
 * and NUL-terminated.
 */

#ifndef IMAPCLIENT_H
#define IMAPCLIENT_H

/* Generated from src/ffi by build.rs with cbindgen. Do not edit: change the Rust
 * doc comments and rebuild, then commit this file (make header-check). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Nesting limit used by [`parse_response`], equal to the framer's default
 * `max_depth`.
 */
#define DEFAULT_MAX_DEPTH 100

/**
 * [`MessageSet::to_ids`] refuses to expand sets larger than this, so a
 * set such as `1:4294967295` cannot make it allocate 16 GiB.
 */
#define MAX_EXPANDED_IDS (1 << 24)

#endif  /* IMAPCLIENT_H */
