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

#endif  /* IMAPCLIENT_H */
