/**
 * @file imapclient.h
 * @brief libimapclient: an IMAP client library with a C ABI.
 *
 * Thread rules:
 * - A client is used by one thread at a time.
 * - imapc_client_interrupt may be called from any thread.
 * - imapc_tls_config objects are immutable and shareable across threads.
 * - Results (message, folder, string and id lists, and the objects their
 *   getters return) may be read from several threads at once; free one
 *   once no thread reads it any more.
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

/** The \Seen flag: the message has been read. */
#define IMAPC_FLAG_SEEN "\\Seen"
/** The \Answered flag: the message has been answered. */
#define IMAPC_FLAG_ANSWERED "\\Answered"
/** The \Flagged flag: the message is flagged for attention. */
#define IMAPC_FLAG_FLAGGED "\\Flagged"
/** The \Deleted flag: the message is marked for removal by expunge. */
#define IMAPC_FLAG_DELETED "\\Deleted"
/** The \Draft flag: the message is a draft. */
#define IMAPC_FLAG_DRAFT "\\Draft"
/** The \Recent flag (read-only: set by the server, never stored). */
#define IMAPC_FLAG_RECENT "\\Recent"


/**
 * Major version of the library.
 */
#define IMAPC_VERSION_MAJOR 0

/**
 * Minor version of the library.
 */
#define IMAPC_VERSION_MINOR 1

/**
 * Patch version of the library.
 */
#define IMAPC_VERSION_PATCH 0

/**
 * GETMETADATA depth: the named entries only.
 */
#define IMAPC_METADATA_DEPTH_0 0

/**
 * GETMETADATA depth: the named entries and their immediate children.
 */
#define IMAPC_METADATA_DEPTH_1 1

/**
 * GETMETADATA depth: the named entries and everything below them.
 */
#define IMAPC_METADATA_DEPTH_INFINITY 2

/**
 * STORE: add the flags.
 */
#define IMAPC_STORE_ADD 1

/**
 * STORE: remove the flags.
 */
#define IMAPC_STORE_REMOVE 2

/**
 * STORE: replace all flags with these.
 */
#define IMAPC_STORE_SET 3

/**
 * STORE option: `.SILENT` (the server does not echo the new flags).
 */
#define IMAPC_STORE_SILENT 1

/**
 * Layout version of `imapc_append_message`: pass it to
 * `imapc_client_multiappend`, which fails with `IMAPC_ERR_INVALID_ARGUMENT`
 * for a version it does not read. The messages are an array, so a field
 * added later changes its stride: the version lets the library refuse a
 * layout it does not know instead of misreading it. A later library may
 * read older layouts too; a new layout gets a new number.
 */
#define IMAPC_APPEND_MESSAGE_VERSION 1

/**
 * The folder now has `number` messages.
 */
#define IMAPC_EVENT_EXISTS 1

/**
 * The message with sequence number `number` was expunged.
 */
#define IMAPC_EVENT_EXPUNGE 2

/**
 * `number` messages are \Recent.
 */
#define IMAPC_EVENT_RECENT 3

/**
 * UIDs vanished (QRESYNC): see `imapc_event_list_ids`.
 */
#define IMAPC_EVENT_VANISHED 4

/**
 * Flags or other data of a message changed: see `imapc_event_list_message`.
 */
#define IMAPC_EVENT_FETCH 5

/**
 * The folder's defined flags changed; the text holds them, space-separated.
 */
#define IMAPC_EVENT_FLAGS 6

/**
 * An `[ALERT]` the user must see; the text holds it.
 */
#define IMAPC_EVENT_ALERT 7

/**
 * The server is closing the connection; the text holds its reason.
 */
#define IMAPC_EVENT_BYE 8

/**
 * Another untagged status; the text is `KIND [CODE] text`.
 */
#define IMAPC_EVENT_STATUS 9

/**
 * Anything else; the text holds the raw line.
 */
#define IMAPC_EVENT_OTHER 10

/**
 * NOTIFY: a folder's counters (new or expunged messages in a folder not
 * selected, or NOTIFY SET STATUS); the text is the folder's name, see
 * `imapc_event_list_folder_status`.
 */
#define IMAPC_EVENT_FOLDER_STATUS 11

/**
 * NOTIFY: a folder was created, deleted (it has `\NonExistent`), renamed
 * (see `imapc_event_list_old_name`) or (un)subscribed; the text is its
 * name, see `imapc_event_list_folder`.
 */
#define IMAPC_EVENT_FOLDER_LIST 12

/**
 * STATUS item: number of messages.
 */
#define IMAPC_STATUS_MESSAGES 1

/**
 * STATUS item: number of \Recent messages.
 */
#define IMAPC_STATUS_RECENT 2

/**
 * STATUS item: the next UID.
 */
#define IMAPC_STATUS_UIDNEXT 3

/**
 * STATUS item: UIDVALIDITY.
 */
#define IMAPC_STATUS_UIDVALIDITY 4

/**
 * STATUS item: number of unseen messages.
 */
#define IMAPC_STATUS_UNSEEN 5

/**
 * STATUS item: number of \Deleted messages (IMAP4rev2).
 */
#define IMAPC_STATUS_DELETED 6

/**
 * STATUS item: HIGHESTMODSEQ (CONDSTORE).
 */
#define IMAPC_STATUS_HIGHESTMODSEQ 7

/**
 * STATUS item: total size in octets (STATUS=SIZE).
 */
#define IMAPC_STATUS_SIZE 8

/**
 * Log levels passed to the callback and accepted as the maximum level.
 */
#define IMAPC_LOG_OFF 0

/**
 * An error.
 */
#define IMAPC_LOG_ERROR 1

/**
 * A warning (e.g. TLS verification turned off).
 */
#define IMAPC_LOG_WARN 2

/**
 * Information (connections, logins).
 */
#define IMAPC_LOG_INFO 3

/**
 * Debugging detail.
 */
#define IMAPC_LOG_DEBUG 4

/**
 * Everything, including protocol lines (passwords are masked).
 */
#define IMAPC_LOG_TRACE 5

/**
 * Version of the format written by `imapc_message_pack` (its first byte).
 */
#define IMAPC_PACK_VERSION 2

/**
 * NOTIFY filter: the selected folder.
 */
#define IMAPC_NOTIFY_SELECTED 1

/**
 * NOTIFY filter: the selected folder, expunges held back until allowed.
 */
#define IMAPC_NOTIFY_SELECTED_DELAYED 2

/**
 * NOTIFY filter: the folders that receive mail.
 */
#define IMAPC_NOTIFY_INBOXES 3

/**
 * NOTIFY filter: every folder of the personal namespace.
 */
#define IMAPC_NOTIFY_PERSONAL 4

/**
 * NOTIFY filter: the subscribed folders.
 */
#define IMAPC_NOTIFY_SUBSCRIBED 5

/**
 * NOTIFY filter: the given folders and all below them.
 */
#define IMAPC_NOTIFY_SUBTREE 6

/**
 * NOTIFY filter: the given folders.
 */
#define IMAPC_NOTIFY_FOLDERS 7

/**
 * NOTIFY event: new messages (with MESSAGE_EXPUNGE).
 */
#define IMAPC_NOTIFY_MESSAGE_NEW 1

/**
 * NOTIFY event: expunged messages (with MESSAGE_NEW).
 */
#define IMAPC_NOTIFY_MESSAGE_EXPUNGE 2

/**
 * NOTIFY event: flag changes (needs MESSAGE_NEW and MESSAGE_EXPUNGE).
 */
#define IMAPC_NOTIFY_FLAG_CHANGE 4

/**
 * NOTIFY event: annotation changes (needs MESSAGE_NEW and MESSAGE_EXPUNGE).
 */
#define IMAPC_NOTIFY_ANNOTATION_CHANGE 8

/**
 * NOTIFY event: folders created, deleted or renamed.
 */
#define IMAPC_NOTIFY_MAILBOX_NAME 16

/**
 * NOTIFY event: subscriptions changed.
 */
#define IMAPC_NOTIFY_SUBSCRIPTION_CHANGE 32

/**
 * NOTIFY event: a folder's METADATA changed.
 */
#define IMAPC_NOTIFY_MAILBOX_METADATA_CHANGE 64

/**
 * NOTIFY event: the server's METADATA changed.
 */
#define IMAPC_NOTIFY_SERVER_METADATA_CHANGE 128

/**
 * TLS from the first byte (port 993). The default and the recommended mode.
 */
#define IMAPC_SECURITY_IMPLICIT_TLS 0

/**
 * Plaintext, then STARTTLS before anything else (port 143); failure to
 * upgrade fails the connection.
 */
#define IMAPC_SECURITY_STARTTLS 1

/**
 * DANGEROUS: no TLS at all; passwords travel in the clear.
 */
#define IMAPC_SECURITY_DANGEROUS_PLAINTEXT 2

/**
 * The largest `max_depth` of `imapc_connect_options_set_limits`: 128
 * nested parentheses. The library reads nested body structures
 * recursively; this bound keeps a fetch and every accessor of its result
 * within a 512 KiB thread stack with room to spare. A response nested
 * deeper than the limit in force fails with `IMAPC_ERR_LIMIT_EXCEEDED`.
 */
#define IMAPC_MAX_DEPTH_LIMIT 128

/**
 * Layout version of `imapc_stream_item`: pass it to
 * `imapc_client_fetch_stream_batched`, which fails with
 * `IMAPC_ERR_INVALID_ARGUMENT` for a version it does not write. A later
 * library may write older layouts too; a new layout gets a new number.
 */
#define IMAPC_STREAM_ITEM_VERSION 1

/**
 * `imapc_stream_item.kind`: a complete message.
 */
#define IMAPC_STREAM_ITEM_MESSAGE 1

/**
 * `imapc_stream_item.kind`: a piece of a streamed section.
 */
#define IMAPC_STREAM_ITEM_CHUNK 2

/**
 * `imapc_stream_item.kind`: the client is about to wait for the server
 * (only with `IMAPC_STREAM_WANT_WAIT`). Its other fields are 0 and NULL.
 */
#define IMAPC_STREAM_ITEM_WAIT 3

/**
 * OR it into `item_version` to hear when the client is about to wait for
 * the server: the batch handed over just before the wait ends with an
 * `IMAPC_STREAM_ITEM_WAIT` item, or is that item alone when everything
 * was handed over already. There is one such item per wait that follows
 * something handed over, none at the end of the command (the call
 * returns). It is for a caller that finishes a batch's work after its
 * callback has returned (the Go binding decodes a batch on another
 * thread while the client parses the next): at a wait item nothing more
 * is there to read, so that work is best finished now, or the messages
 * would sit until the server sends more.
 */
#define IMAPC_STREAM_WANT_WAIT 65536

/**
 * Lowest TLS version: 1.2 (the default).
 */
#define IMAPC_TLS_VERSION_1_2 12

/**
 * Lowest TLS version: 1.3.
 */
#define IMAPC_TLS_VERSION_1_3 13

/**
 * One address of an envelope; borrowed from its envelope.
 */
typedef struct imapc_address imapc_address;

/**
 * The addresses of one envelope field; borrowed from its envelope.
 */
typedef struct imapc_address_list imapc_address_list;

/**
 * One node of a BODYSTRUCTURE tree; borrowed from its message.
 */
typedef struct imapc_body_part imapc_body_part;

/**
 * A connection to an IMAP server. Created by `imapc_client_connect`,
 * owned by the caller, freed with `imapc_client_free`. Use a client from
 * one thread at a time (a concurrent call fails with
 * `IMAPC_ERR_ILLEGAL_STATE`); only `imapc_client_interrupt` may be called
 * from any thread at any time.
 */
typedef struct imapc_client imapc_client;

/**
 * Everything needed to connect. Owned by the caller; free with
 * `imapc_connect_options_free`. Use from one thread at a time.
 */
typedef struct imapc_connect_options imapc_connect_options;

/**
 * The result of COPY or MOVE: source and destination UIDs (COPYUID, when
 * the server has UIDPLUS). Caller owns it; free with
 * `imapc_copy_result_free`.
 */
typedef struct imapc_copy_result imapc_copy_result;

/**
 * An ENVELOPE; borrowed from its message.
 */
typedef struct imapc_envelope imapc_envelope;

/**
 * The details of a failed call. Created by the library, owned by the
 * caller, freed with `imapc_error_free`.
 */
typedef struct imapc_error imapc_error;

/**
 * Events in arrival order. Caller owns it; free with
 * `imapc_event_list_free`.
 */
typedef struct imapc_event_list imapc_event_list;

/**
 * One folder of an `imapc_folder_list`; borrowed from the list.
 */
typedef struct imapc_folder imapc_folder;

/**
 * Folders from LIST, LSUB or XLIST. Caller owns it; free with
 * `imapc_folder_list_free`.
 */
typedef struct imapc_folder_list imapc_folder_list;

/**
 * Counters from STATUS. Caller owns it; free with
 * `imapc_folder_status_free`.
 */
typedef struct imapc_folder_status imapc_folder_status;

/**
 * Message ids: the result of SEARCH and SORT (UIDs or sequence numbers,
 * as the client's `use_uid` was), of EXPUNGE (sequence numbers, or UIDs
 * once QRESYNC is enabled: see `imapc_client_expunge`) and of QRESYNC's
 * VANISHED (UIDs). Caller owns it; free with `imapc_id_list_free`.
 */
typedef struct imapc_id_list imapc_id_list;

/**
 * The state of a folder after SELECT or EXAMINE. Caller owns it; free
 * with `imapc_mailbox_state_free`.
 */
typedef struct imapc_mailbox_state imapc_mailbox_state;

/**
 * One message of a FETCH result; borrowed from its list (or, in a
 * streaming fetch callback, valid only during the callback).
 */
typedef struct imapc_message imapc_message;

/**
 * FETCH (or STORE) results in server order. Caller owns it; free with
 * `imapc_message_list_free`, which frees every message in it.
 */
typedef struct imapc_message_list imapc_message_list;

/**
 * Metadata entries from GETMETADATA (RFC 5464), in the server's order.
 * Caller owns it; free with `imapc_metadata_list_free`.
 */
typedef struct imapc_metadata_list imapc_metadata_list;

/**
 * Event groups for `imapc_client_notify`. Create with `imapc_notify_new`,
 * free with `imapc_notify_free`.
 */
typedef struct imapc_notify imapc_notify;

/**
 * Quotas from GETQUOTA / GETQUOTAROOT: one entry per (root, resource).
 * Caller owns it; free with `imapc_quota_list_free`.
 */
typedef struct imapc_quota_list imapc_quota_list;

/**
 * The response a SASL step gives the server (see `imapc_sasl_callback`):
 * set with `imapc_sasl_reply_set`, valid only during the callback.
 */
typedef struct imapc_sasl_reply imapc_sasl_reply;

/**
 * Search criteria under construction. Created by `imapc_search_new`,
 * owned by the caller, freed with `imapc_search_free`; use from one
 * thread at a time. A criteria object may be used for many searches.
 */
typedef struct imapc_search imapc_search;

/**
 * A list of strings (capabilities, flags, ENABLE results, ID or ACL
 * pairs...). Owned by the caller when returned through `**out`; free with
 * `imapc_string_list_free`. Lists borrowed from other objects are never
 * freed by the caller.
 */
typedef struct imapc_string_list imapc_string_list;

/**
 * Threads from `imapc_client_thread`: every node of every thread in
 * depth-first order (a parent before its children, siblings in server
 * order). Caller owns it; free with `imapc_thread_list_free`.
 */
typedef struct imapc_thread_list imapc_thread_list;

/**
 * An immutable TLS configuration. Thread-safe: one config may be passed
 * to many connect options and clients at once, from any thread; each of
 * them keeps its own reference, so the caller may free its pointer with
 * `imapc_tls_config_free` as soon as it no longer needs it.
 */
typedef struct imapc_tls_config imapc_tls_config;

/**
 * Builds an `imapc_tls_config`. Owned by the caller; free with
 * `imapc_tls_config_builder_free`. Use from one thread at a time.
 */
typedef struct imapc_tls_config_builder imapc_tls_config_builder;

/**
 * The result of a fallible call: `IMAPC_OK` (0) or an `IMAPC_ERR_*` code.
 * Codes are stable: never renumbered or reused.
 */
typedef int32_t imapc_result;

/**
 * One step of a SASL mechanism of the caller's
 * (`imapc_client_authenticate_sasl`): `challenge` holds the server's
 * challenge decoded from base64 (`challenge_len` bytes, possibly NUL
 * bytes among them, not NUL-terminated; borrowed for the call; for a
 * client-first mechanism the first call has an empty challenge and asks
 * for the initial response). Give the response with
 * `imapc_sasl_reply_set` (none given: an empty response) and return 0;
 * return nonzero to cancel the exchange, e.g. when the server's final
 * message does not verify. Runs on the calling thread; a call of another
 * function on the same client from it fails with
 * `IMAPC_ERR_ILLEGAL_STATE`.
 */
typedef int (*imapc_sasl_callback)(void *userdata,
                                   const uint8_t *challenge,
                                   size_t challenge_len,
                                   struct imapc_sasl_reply *reply);

/**
 * Streaming fetch, per-message callback: the message (borrowed: valid
 * only during the call; sections delivered as chunks are empty there).
 * Return nonzero to stop the fetch.
 */
typedef int (*imapc_message_callback)(void *userdata, const struct imapc_message *message);

/**
 * Streaming fetch, body-chunk callback: piece `data`/`len` of section
 * `section` (normalised, e.g. `"BODY[]"`, or `"BODY[]<100>"` for a
 * range requested as `BODY.PEEK[]<100.50>`) of message `seq`/`uid` (uid 0
 * when not known yet), at `offset` within the section of `total` bytes.
 * All borrowed for the call. Return nonzero to stop the fetch.
 */
typedef int (*imapc_chunk_callback)(void *userdata,
                                    uint32_t seq,
                                    uint32_t uid,
                                    const char *section,
                                    uint64_t offset,
                                    uint64_t total,
                                    const uint8_t *data,
                                    size_t len);

/**
 * One message for `imapc_client_multiappend`. Every pointer in it is
 * borrowed for the duration of the call only.
 */
typedef struct imapc_append_message {
    /**
     * The raw RFC 5322 bytes (`len` of them).
     */
    const uint8_t *data;
    /**
     * Number of bytes at `data`.
     */
    size_t len;
    /**
     * Space-separated flags (e.g. `"\\Seen"`), or NULL for none.
     */
    const char *flags;
    /**
     * NULL (the server's clock), or the internal date in seconds since
     * the epoch.
     */
    const int64_t *internal_date;
    /**
     * The zone the internal date is shown in, minutes east of UTC.
     */
    int32_t offset_minutes;
} imapc_append_message;

/**
 * A log callback: `userdata` as registered, the level (`IMAPC_LOG_*`),
 * the target (e.g. `"imapclient::wire"`) and the message, both borrowed
 * for the duration of the call. May run on any thread that uses a client;
 * it must not call back into the library.
 */
typedef void (*imapc_log_callback)(void *userdata,
                                   uint32_t level,
                                   const char *target,
                                   const char *message);

/**
 * `len` bytes at `data` (NULL when `len` is 0), borrowed.
 */
typedef struct imapc_bytes {
    /**
     * The first byte, or NULL.
     */
    const uint8_t *data;
    /**
     * Number of bytes.
     */
    size_t len;
} imapc_bytes;

/**
 * One item of a batch (see `imapc_batch_callback`): a message, or a piece
 * of a streamed section. Fields that do not apply to the kind are 0 or
 * NULL. Everything it points to is borrowed for the callback.
 */
typedef struct imapc_stream_item {
    /**
     * `IMAPC_STREAM_ITEM_MESSAGE`, `IMAPC_STREAM_ITEM_CHUNK` or (asked
     * for with `IMAPC_STREAM_WANT_WAIT`) `IMAPC_STREAM_ITEM_WAIT`.
     */
    uint32_t kind;
    /**
     * The message's sequence number.
     */
    uint32_t seq;
    /**
     * Its UID; 0 when not fetched or, for a chunk, not sent before the
     * section.
     */
    uint32_t uid;
    /**
     * MESSAGE: the number of entries of `sections`.
     */
    uint32_t section_count;
    /**
     * MESSAGE: the message, as `imapc_message_callback` gets it (its
     * streamed sections are empty).
     */
    const struct imapc_message *message;
    /**
     * MESSAGE: its pack, as `imapc_message_pack` gives it.
     */
    const uint8_t *pack;
    /**
     * MESSAGE: bytes at `pack`.
     */
    size_t pack_len;
    /**
     * MESSAGE: the data of each of its sections, in the order of
     * `imapc_message_section_name` (as `imapc_message_section_data`:
     * NULL and 0 when NIL or streamed).
     */
    const struct imapc_bytes *sections;
    /**
     * CHUNK: normalised section name (e.g. `"BODY[]"`).
     */
    const char *section;
    /**
     * CHUNK: offset of `data` within the section.
     */
    uint64_t offset;
    /**
     * CHUNK: size of the whole section.
     */
    uint64_t total;
    /**
     * CHUNK: the piece.
     */
    const uint8_t *data;
    /**
     * CHUNK: bytes at `data`.
     */
    size_t len;
} imapc_stream_item;

/**
 * Streaming fetch in batches: `n` (at least 1) items in server order,
 * all borrowed for the call. Return nonzero to stop the fetch: the items
 * after the one being handled are dropped, the rest of the answer is read
 * and discarded and the call fails with `IMAPC_ERR_ABORTED`.
 */
typedef int (*imapc_batch_callback)(void *userdata, const struct imapc_stream_item *items, size_t n);

/**
 * Success.
 */
#define IMAPC_OK 0

/**
 * An argument is malformed (message set, flag, date, name...).
 */
#define IMAPC_ERR_INVALID_ARGUMENT 100

/**
 * A required pointer was NULL.
 */
#define IMAPC_ERR_NULL_POINTER 101

/**
 * A string was not valid UTF-8.
 */
#define IMAPC_ERR_INVALID_UTF8 102

/**
 * The call is not allowed now (no folder selected, IDLE running, client
 * unusable after a fatal error, client in use by another thread).
 */
#define IMAPC_ERR_ILLEGAL_STATE 103

/**
 * A write on a folder opened read-only (EXAMINE).
 */
#define IMAPC_ERR_READ_ONLY 104

/**
 * The server lacks a capability the call needs; nothing was sent.
 */
#define IMAPC_ERR_CAPABILITY_MISSING 105

/**
 * Any other I/O failure (connection refused, reset, DNS...).
 */
#define IMAPC_ERR_IO 200

/**
 * A connect, read or write timed out.
 */
#define IMAPC_ERR_TIMEOUT 201

/**
 * `imapc_client_interrupt` was called while the call ran (or, with no
 * call running, before it). Fatal.
 */
#define IMAPC_ERR_INTERRUPTED 202

/**
 * The connection closed before the command completed.
 */
#define IMAPC_ERR_CONNECTION_CLOSED 203

/**
 * A streaming callback asked to stop.
 */
#define IMAPC_ERR_ABORTED 204

/**
 * A TLS failure without a more specific code.
 */
#define IMAPC_ERR_TLS 300

/**
 * The certificate chain does not lead to a trusted CA.
 */
#define IMAPC_ERR_TLS_UNKNOWN_ISSUER 301

/**
 * A certificate has expired or is not valid yet.
 */
#define IMAPC_ERR_TLS_EXPIRED 302

/**
 * The certificate is not valid for the host name.
 */
#define IMAPC_ERR_TLS_NAME_MISMATCH 303

/**
 * The server's certificate is self-signed and not trusted.
 */
#define IMAPC_ERR_TLS_SELF_SIGNED 304

/**
 * STARTTLS was required but not offered, refused, or preceded by injected data.
 */
#define IMAPC_ERR_STARTTLS_FAILED 305

/**
 * The TLS configuration is unusable (bad PEM, bad key...).
 */
#define IMAPC_ERR_TLS_CONFIG 306

/**
 * The server's bytes are not valid IMAP.
 */
#define IMAPC_ERR_PROTOCOL 400

/**
 * The server answered NO (see the message and response code).
 */
#define IMAPC_ERR_NO 401

/**
 * The server answered BAD.
 */
#define IMAPC_ERR_BAD 402

/**
 * The server said BYE and closed the session.
 */
#define IMAPC_ERR_BYE 403

/**
 * Login or authentication was refused.
 */
#define IMAPC_ERR_AUTH_FAILED 404

/**
 * A response exceeded a configured limit (line, literal, nesting).
 */
#define IMAPC_ERR_LIMIT_EXCEEDED 405

/**
 * A bug in the library (a panic was caught at the boundary).
 */
#define IMAPC_ERR_INTERNAL 500

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The library's version as `"MAJOR.MINOR.PATCH"` (static storage). Compare
 * with the `IMAPC_VERSION_*` macros to detect a header/library mismatch.
 */
const char *imapc_version(void);

/**
 * Connect as the options say: TCP, TLS or STARTTLS, greeting and
 * capabilities. On success the caller owns `*client_out`; free with
 * `imapc_client_free` (after `imapc_client_logout` for a polite goodbye).
 * TLS failures give `IMAPC_ERR_TLS_*` codes with the reason in the message.
 *
 * # Safety
 * `options` is live; `client_out` is writable.
 */
imapc_result imapc_client_connect(const struct imapc_connect_options *options,
                                  struct imapc_client **client_out,
                                  struct imapc_error **err_out);

/**
 * Close the connection (without LOGOUT) and free the client. NULL is
 * allowed. No other thread may be using the client.
 */
void imapc_client_free(struct imapc_client *client);

/**
 * Interrupt the blocking call running on this client, from any thread:
 * it returns `IMAPC_ERR_INTERRUPTED` (fatal) promptly and the connection
 * is closed (reconnect afterwards). A call waiting for the server stops
 * at once; one working through an answer already received stops before
 * the next response it would handle and before the next callback or
 * batch of a streaming fetch (a callback running when the interrupt
 * comes finishes; none runs after it). The interrupt is reported once,
 * by the call it interrupted, even if that call had received its whole
 * answer; later calls fail with `IMAPC_ERR_ILLEGAL_STATE`. Safe to call
 * at any time, also when no call runs (or as one returns, after its last
 * look at the interrupt): the connection is closed all the same, and the
 * next call fails at once with `IMAPC_ERR_INTERRUPTED` (fatal), later
 * ones with `IMAPC_ERR_ILLEGAL_STATE`. Does nothing for NULL. The client
 * must not be freed concurrently.
 */
void imapc_client_interrupt(const struct imapc_client *client);

/**
 * The message of the last failed call on this client (`"IMAPC_ERR_NAME:
 * detail"`), or NULL when the last call succeeded. Valid until the next
 * call on this client.
 */
const char *imapc_client_last_error(const struct imapc_client *client);

/**
 * LOGIN with a user name and password (UTF-8; never logged).
 * `IMAPC_ERR_AUTH_FAILED` when refused.
 *
 * Memory: `password` is read in place, not copied; the library's copy in
 * the command it sends is overwritten with zeros once sent, and the
 * client keeps no credentials. `password` itself is the caller's to
 * wipe (it is not written to: it is `const`). What rustls holds of the
 * TLS plaintext in its own buffers, and the kernel's socket buffers,
 * are out of the library's reach.
 *
 * # Safety
 * `client` is live; strings are NUL-terminated.
 */
imapc_result imapc_client_login(struct imapc_client *client,
                                const char *user,
                                const char *password,
                                struct imapc_error **err_out);

/**
 * AUTHENTICATE PLAIN (RFC 4616); `authzid` may be NULL. The response
 * the library builds from `password` and its base64 form are
 * overwritten with zeros once sent (see `imapc_client_login` for what is
 * not).
 *
 * # Safety
 * `client` is live; strings are NUL-terminated (authzid may be NULL).
 */
imapc_result imapc_client_authenticate_plain(struct imapc_client *client,
                                             const char *authzid,
                                             const char *user,
                                             const char *password,
                                             struct imapc_error **err_out);

/**
 * Set the response of a SASL step to `len` bytes at `data` (copied;
 * `data` may be NULL when `len` is 0); a later call replaces it. The
 * library base64-encodes it and never logs it. Its copy is overwritten
 * with zeros when replaced, once sent, and when the step cancels; `data`
 * is the caller's to wipe.
 *
 * # Safety
 * `reply` is the one the callback was given; `data` holds `len` bytes.
 */
imapc_result imapc_sasl_reply_set(struct imapc_sasl_reply *reply,
                                  const uint8_t *data,
                                  size_t len,
                                  struct imapc_error **err_out);

/**
 * AUTHENTICATE with a SASL mechanism of the caller's (RFC 4422), as
 * IMAPClient's `sasl_login`: SCRAM-SHA-256, CRAM-MD5, GSSAPI, NTLM,
 * LOGIN, any the server announces as `AUTH=<mechanism>` (1 to 20 of
 * `A-Z 0-9 - _`; lower case is raised). `step` answers each challenge
 * (see `imapc_sasl_callback`); with `client_first` (PLAIN, SCRAM-*,
 * GSSAPI, EXTERNAL...) it is first called with an empty challenge for
 * the initial response, sent inline when the server has SASL-IR.
 *
 * Errors: `IMAPC_ERR_AUTH_FAILED` when the server refuses;
 * `IMAPC_ERR_ABORTED` when `step` returned nonzero (the exchange was
 * cancelled, the client stays usable and not authenticated); a
 * non-fatal `IMAPC_ERR_PROTOCOL` for a challenge that is not base64; a
 * fatal `IMAPC_ERR_PROTOCOL` when the server accepts an exchange `step`
 * cancelled (the session is closed); `IMAPC_ERR_CAPABILITY_MISSING`
 * when the server does not offer the mechanism. Responses are never
 * logged, and the library's copies of them (see `imapc_sasl_reply_set`)
 * are overwritten with zeros once sent.
 *
 * # Safety
 * `client` is live; `mechanism` is NUL-terminated; `step` follows its
 * contract with `userdata`.
 */
imapc_result imapc_client_authenticate_sasl(struct imapc_client *client,
                                            const char *mechanism,
                                            bool client_first,
                                            imapc_sasl_callback step,
                                            void *userdata,
                                            struct imapc_error **err_out);

/**
 * AUTHENTICATE XOAUTH2 (Google, Microsoft) with an OAuth 2 bearer token;
 * `vendor` may be NULL. The response the library builds from `token` and
 * its base64 form are overwritten with zeros once sent (see
 * `imapc_client_login` for what is not).
 *
 * # Safety
 * `client` is live; strings are NUL-terminated (vendor may be NULL).
 */
imapc_result imapc_client_authenticate_xoauth2(struct imapc_client *client,
                                               const char *user,
                                               const char *token,
                                               const char *vendor,
                                               struct imapc_error **err_out);

/**
 * AUTHENTICATE OAUTHBEARER (RFC 7628) with an OAuth 2 bearer token.
 * The response the library builds from `token` and its base64 form are
 * overwritten with zeros once sent (see `imapc_client_login` for what
 * is not).
 *
 * # Safety
 * `client` is live; strings are NUL-terminated.
 */
imapc_result imapc_client_authenticate_oauthbearer(struct imapc_client *client,
                                                   const char *user,
                                                   const char *token,
                                                   struct imapc_error **err_out);

/**
 * The server's capabilities as last seen (no network traffic). Caller
 * owns `*caps_out`; free with `imapc_string_list_free`.
 *
 * # Safety
 * `client` is live; `caps_out` is writable.
 */
imapc_result imapc_client_capabilities(struct imapc_client *client,
                                       struct imapc_string_list **caps_out,
                                       struct imapc_error **err_out);

/**
 * The text of the server's greeting, after its status and response code
 * (`* OK [CAPABILITY ...] Dovecot ready.` gives `Dovecot ready.`; no
 * network traffic). IMAPClient calls it `welcome`. Caller owns
 * `*text_out`; free with `imapc_string_free`.
 *
 * # Safety
 * `client` is live; `text_out` is writable.
 */
imapc_result imapc_client_greeting(struct imapc_client *client,
                                   char **text_out,
                                   struct imapc_error **err_out);

/**
 * True when the server has the capability (case-insensitive, e.g.
 * `"IDLE"`, `"AUTH=PLAIN"`). False for NULL arguments or a busy client.
 *
 * # Safety
 * `client` is NULL or live; `cap` is NULL or NUL-terminated.
 */
bool imapc_client_has_capability(struct imapc_client *client, const char *cap);

/**
 * The largest message the server takes in an APPEND (its
 * `APPENDLIMIT=n` capability, RFC 7889): true with the limit in
 * `*limit_out`, false when it announces none (or only per-folder limits),
 * the capability is masked, or for NULL arguments or a busy client.
 * `imapc_client_append` and `imapc_client_multiappend` refuse a larger
 * message before sending anything: `IMAPC_ERR_INVALID_ARGUMENT` with the
 * response code `TOOBIG`, the code a server's NO would carry.
 *
 * # Safety
 * `client` is NULL or live; `limit_out` is NULL or writable.
 */
bool imapc_client_append_limit(struct imapc_client *client, uint64_t *limit_out);

/**
 * True when the connection is protected by TLS.
 *
 * # Safety
 * `client` is NULL or live.
 */
bool imapc_client_is_tls(struct imapc_client *client);

/**
 * COMPRESS=DEFLATE (RFC 4978): from here on the connection's bytes are
 * deflated both ways (inside TLS when there is TLS), which cuts the
 * traffic of header syncs and downloads several times over on slow or
 * metered links. Call it once, after logging in; it lasts as long as the
 * connection. `IMAPC_ERR_CAPABILITY_MISSING` when the server does not
 * offer COMPRESS=DEFLATE, `IMAPC_ERR_ILLEGAL_STATE` before login or when
 * already compressed (nothing is sent then).
 *
 * # Safety
 * `client` is NULL or live; `err_out` is NULL or writable.
 */
imapc_result imapc_client_compress(struct imapc_client *client, struct imapc_error **err_out);

/**
 * True when COMPRESS=DEFLATE is active on the connection.
 *
 * # Safety
 * `client` is NULL or live.
 */
bool imapc_client_is_compressed(struct imapc_client *client);

/**
 * Byte counts since `imapc_client_compress`: commands sent before and
 * after compression, responses received after and before inflating.
 * Each output may be NULL. Returns false, with every output set to 0,
 * when the connection is not compressed (or `client` is NULL or busy).
 *
 * # Safety
 * `client` is NULL or live; each output is NULL or writable.
 */
bool imapc_client_compression_stats(struct imapc_client *client,
                                    uint64_t *sent_out,
                                    uint64_t *sent_wire_out,
                                    uint64_t *received_out,
                                    uint64_t *received_wire_out);

/**
 * Message ids are UIDs (true, the default) or sequence numbers (false)
 * from the next call on.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_set_use_uid(struct imapc_client *client,
                                      bool yes,
                                      struct imapc_error **err_out);

/**
 * Whether message ids are UIDs. False for NULL or a busy client.
 *
 * # Safety
 * `client` is NULL or live.
 */
bool imapc_client_use_uid(struct imapc_client *client);

/**
 * Folder names are UTF-8, encoded to modified UTF-7 on the wire (true,
 * the default); false passes names through as raw bytes.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_set_folder_encode(struct imapc_client *client,
                                            bool yes,
                                            struct imapc_error **err_out);

/**
 * Whether folder names are encoded. False for NULL or a busy client.
 *
 * # Safety
 * `client` is NULL or live.
 */
bool imapc_client_folder_encode(struct imapc_client *client);

/**
 * NOOP: lets the server deliver pending events (see
 * `imapc_client_take_events`).
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_noop(struct imapc_client *client, struct imapc_error **err_out);

/**
 * LOGOUT and close the connection. The client stays allocated: free it
 * with `imapc_client_free`.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_logout(struct imapc_client *client, struct imapc_error **err_out);

/**
 * Drain the events received so far (EXISTS, EXPUNGE, flag changes,
 * ALERT...). Caller owns `*events_out` (possibly empty); free with
 * `imapc_event_list_free`.
 *
 * # Safety
 * `client` is live; `events_out` is writable.
 */
imapc_result imapc_client_take_events(struct imapc_client *client,
                                      struct imapc_event_list **events_out,
                                      struct imapc_error **err_out);

/**
 * ID (RFC 2971): send `n` key/value pairs (`keys[i]`, `values[i]`; n may
 * be 0) and receive the server's as a flat list `key0, value0, key1,
 * ...` (a NIL value is `""`). Caller owns `*server_id_out` (may be NULL to
 * ignore it); free with `imapc_string_list_free`.
 *
 * # Safety
 * `client` is live; `keys` and `values` hold `n` strings each.
 */
imapc_result imapc_client_id(struct imapc_client *client,
                             const char *const *keys,
                             const char *const *values,
                             size_t n,
                             struct imapc_string_list **server_id_out,
                             struct imapc_error **err_out);

/**
 * ENABLE (RFC 5161) `n` capabilities (e.g. `"CONDSTORE"`, `"UTF8=ACCEPT"`);
 * the enabled ones go to `*enabled_out` (may be NULL). Caller owns it.
 * Once the server enabled UTF8=ACCEPT (RFC 6855), folder names go to
 * and come from the wire as UTF-8, whatever `folder_encode` says, and
 * SEARCH sends no CHARSET.
 *
 * # Safety
 * `client` is live; `caps` holds `n` strings.
 */
imapc_result imapc_client_enable(struct imapc_client *client,
                                 const char *const *caps,
                                 size_t n,
                                 struct imapc_string_list **enabled_out,
                                 struct imapc_error **err_out);

/**
 * NAMESPACE (RFC 2342): three flat lists `prefix0, delimiter0, prefix1,
 * ...` (delimiter `""` when none) for personal, other users' and shared
 * namespaces. Each output may be NULL to ignore it; the caller owns and
 * frees the others with `imapc_string_list_free`.
 *
 * # Safety
 * `client` is live; outputs are NULL or writable.
 */
imapc_result imapc_client_namespace(struct imapc_client *client,
                                    struct imapc_string_list **personal_out,
                                    struct imapc_string_list **other_out,
                                    struct imapc_string_list **shared_out,
                                    struct imapc_error **err_out);

/**
 * LIST folders under `reference` (usually `""`) matching `pattern` (`"*"`
 * all, `"%"` one level). Names are decoded to UTF-8. Caller owns
 * `*folders_out`; free with `imapc_folder_list_free`.
 *
 * # Safety
 * `client` is live; strings NUL-terminated; `folders_out` writable.
 */
imapc_result imapc_client_list(struct imapc_client *client,
                               const char *reference,
                               const char *pattern,
                               struct imapc_folder_list **folders_out,
                               struct imapc_error **err_out);

/**
 * LIST as `imapc_client_list`, with every folder's STATUS counters
 * (`imapc_folder_status_of`): a sync's first look at an account. One
 * command where the server offers LIST-STATUS (RFC 5819), else LIST and
 * a STATUS per selectable folder. Folders that cannot be selected
 * (`\Noselect`, `\NonExistent`) have no status, nor (without
 * LIST-STATUS) do folders whose STATUS the server refused with NO; any
 * other failure fails the call.
 *
 * # Safety
 * As `imapc_client_list`.
 */
imapc_result imapc_client_list_status(struct imapc_client *client,
                                      const char *reference,
                                      const char *pattern,
                                      struct imapc_folder_list **folders_out,
                                      struct imapc_error **err_out);

/**
 * LSUB: the subscribed folders, as `imapc_client_list`.
 *
 * # Safety
 * As `imapc_client_list`.
 */
imapc_result imapc_client_lsub(struct imapc_client *client,
                               const char *reference,
                               const char *pattern,
                               struct imapc_folder_list **folders_out,
                               struct imapc_error **err_out);

/**
 * XLIST (Gmail): the folders as `imapc_client_list`, with Gmail's
 * attributes (`"\\Inbox"`, `"\\AllMail"`, `"\\Spam"`, `"\\Starred"`,
 * `"\\Important"`, `"\\Sent"`, `"\\Drafts"`, `"\\Trash"`; test them
 * with `imapc_folder_has_attribute`), as IMAPClient's `xlist_folders`.
 * Google deprecated XLIST for SPECIAL-USE, which `imapc_client_list` and
 * `imapc_client_find_special_folder` read; XLIST is for servers that
 * answer only it. The folder with `"\\Inbox"` may have a localized name
 * (`Posteingang`), returned as the server sent it; select it as `INBOX`.
 *
 * Needs the server capability `XLIST`: without it (Dovecot, most
 * servers, or after `imapc_client_mask_capability`) the call fails with
 * `IMAPC_ERR_CAPABILITY_MISSING` and nothing is sent. A NO or BAD from
 * the server fails the call only (not fatal). Caller owns
 * `*folders_out`, written only on success; free with
 * `imapc_folder_list_free`.
 *
 * # Safety
 * As `imapc_client_list`.
 */
imapc_result imapc_client_xlist(struct imapc_client *client,
                                const char *reference,
                                const char *pattern,
                                struct imapc_folder_list **folders_out,
                                struct imapc_error **err_out);

/**
 * STATUS of a folder (not the selected one). Caller owns `*status_out`;
 * free with `imapc_folder_status_free`.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `status_out` writable.
 */
imapc_result imapc_client_status(struct imapc_client *client,
                                 const char *folder,
                                 struct imapc_folder_status **status_out,
                                 struct imapc_error **err_out);

/**
 * The folder with a special-use attribute (`"\\Sent"`, `"\\Trash"`,
 * `"\\Drafts"`, `"\\Junk"`, `"\\Archive"`...), by SPECIAL-USE or by
 * well-known names. `*name_out` receives a string the caller frees with
 * `imapc_string_free`, or NULL when there is none.
 *
 * # Safety
 * `client` is live; `attr` NUL-terminated; `name_out` writable.
 */
imapc_result imapc_client_find_special_folder(struct imapc_client *client,
                                              const char *attr,
                                              char **name_out,
                                              struct imapc_error **err_out);

/**
 * Whether a folder exists: true or false to `*exists_out`. A name may
 * hold `%` or `*` (servers allow them): LIST takes it as a pattern, which
 * may match other folders too, and only a folder of exactly that name
 * counts (an INBOX prefix in any case).
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `exists_out` writable.
 */
imapc_result imapc_client_folder_exists(struct imapc_client *client,
                                        const char *folder,
                                        bool *exists_out,
                                        struct imapc_error **err_out);

/**
 * CREATE a folder (UTF-8 name).
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated.
 */
imapc_result imapc_client_create_folder(struct imapc_client *client,
                                        const char *folder,
                                        struct imapc_error **err_out);

/**
 * CREATE a folder (UTF-8 name), and its object id (RFC 8474 MAILBOXID)
 * from the server's OK: `*mailbox_id_out` receives a string to free with
 * `imapc_string_free`, or NULL when the server gave none (servers without
 * OBJECTID, such as Dovecot 2.3) or gave one that is not an object id. A
 * server with OBJECTID (Cyrus) gives the id SELECT reports
 * (`imapc_mailbox_state_mailbox_id`), which survives a RENAME.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `mailbox_id_out` writable.
 */
imapc_result imapc_client_create_folder_with_id(struct imapc_client *client,
                                                const char *folder,
                                                char **mailbox_id_out,
                                                struct imapc_error **err_out);

/**
 * CREATE a folder with special-use attributes (RFC 6154
 * CREATE-SPECIAL-USE): `uses` holds `n_uses` attributes such as `"\\Sent"`
 * (`\` and an atom: `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`,
 * `\All`, `\Flagged`, or an extension), so that every client finds the
 * folder by its use. `*mailbox_id_out` (may be NULL: not wanted) receives
 * the folder's object id as from `imapc_client_create_folder_with_id`.
 * Refused before anything is sent: a server without CREATE-SPECIAL-USE
 * (`IMAPC_ERR_CAPABILITY_MISSING`; Dovecot 2.3 has none), no use or one of
 * another form (`IMAPC_ERR_INVALID_ARGUMENT`). A server that will not give
 * a use answers NO with the response code `USEATTR`.
 *
 * # Safety
 * `client` is live; `folder` and the `n_uses` strings of `uses`
 * NUL-terminated; `mailbox_id_out` NULL or writable.
 */
imapc_result imapc_client_create_folder_special_use(struct imapc_client *client,
                                                    const char *folder,
                                                    const char *const *uses,
                                                    size_t n_uses,
                                                    char **mailbox_id_out,
                                                    struct imapc_error **err_out);

/**
 * DELETE a folder.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated.
 */
imapc_result imapc_client_delete_folder(struct imapc_client *client,
                                        const char *folder,
                                        struct imapc_error **err_out);

/**
 * SUBSCRIBE to a folder.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated.
 */
imapc_result imapc_client_subscribe_folder(struct imapc_client *client,
                                           const char *folder,
                                           struct imapc_error **err_out);

/**
 * UNSUBSCRIBE from a folder.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated.
 */
imapc_result imapc_client_unsubscribe_folder(struct imapc_client *client,
                                             const char *folder,
                                             struct imapc_error **err_out);

/**
 * RENAME a folder.
 *
 * # Safety
 * `client` is live; names NUL-terminated.
 */
imapc_result imapc_client_rename_folder(struct imapc_client *client,
                                        const char *old_name,
                                        const char *new_name,
                                        struct imapc_error **err_out);

/**
 * SELECT a folder for reading and writing. `*state_out` (may be NULL to
 * ignore it) receives its state; caller owns it and frees it with
 * `imapc_mailbox_state_free`.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `state_out` NULL or writable.
 */
imapc_result imapc_client_select(struct imapc_client *client,
                                 const char *folder,
                                 struct imapc_mailbox_state **state_out,
                                 struct imapc_error **err_out);

/**
 * EXAMINE: select read-only, as `imapc_client_select`.
 *
 * # Safety
 * As `imapc_client_select`.
 */
imapc_result imapc_client_examine(struct imapc_client *client,
                                  const char *folder,
                                  struct imapc_mailbox_state **state_out,
                                  struct imapc_error **err_out);

/**
 * SELECT (or EXAMINE when `read_only`) with CONDSTORE, so HIGHESTMODSEQ
 * is reported. As `imapc_client_select`.
 *
 * # Safety
 * As `imapc_client_select`.
 */
imapc_result imapc_client_select_condstore(struct imapc_client *client,
                                           const char *folder,
                                           bool read_only,
                                           struct imapc_mailbox_state **state_out,
                                           struct imapc_error **err_out);

/**
 * UNSELECT (RFC 3691): leave the folder without expunging.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_unselect(struct imapc_client *client, struct imapc_error **err_out);

/**
 * CLOSE: leave the folder, expunging `\Deleted` messages if writable.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_close(struct imapc_client *client, struct imapc_error **err_out);

/**
 * GETACL (RFC 4314): a flat list `identifier0, rights0, ...`. Caller owns
 * `*acl_out`; free with `imapc_string_list_free`.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `acl_out` writable.
 */
imapc_result imapc_client_get_acl(struct imapc_client *client,
                                  const char *folder,
                                  struct imapc_string_list **acl_out,
                                  struct imapc_error **err_out);

/**
 * SETACL (RFC 4314): give `identifier` these `rights` (`+`/`-` prefixes
 * add or remove).
 *
 * # Safety
 * `client` is live; strings NUL-terminated.
 */
imapc_result imapc_client_set_acl(struct imapc_client *client,
                                  const char *folder,
                                  const char *identifier,
                                  const char *rights,
                                  struct imapc_error **err_out);

/**
 * GETQUOTAROOT: the quota roots of a folder to `*roots_out` (may be NULL)
 * and their quotas to `*quotas_out` (may be NULL). Caller owns both.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; outputs NULL or writable.
 */
imapc_result imapc_client_get_quota_root(struct imapc_client *client,
                                         const char *folder,
                                         struct imapc_string_list **roots_out,
                                         struct imapc_quota_list **quotas_out,
                                         struct imapc_error **err_out);

/**
 * GETQUOTA for a quota root (often `""`). Caller owns `*quotas_out`; free
 * with `imapc_quota_list_free`.
 *
 * # Safety
 * `client` is live; `root` NUL-terminated; `quotas_out` writable.
 */
imapc_result imapc_client_get_quota(struct imapc_client *client,
                                    const char *root,
                                    struct imapc_quota_list **quotas_out,
                                    struct imapc_error **err_out);

/**
 * SETQUOTA (RFC 2087, RFC 9208): set the limits of quota root `root`,
 * `n` resources (`resources[i]`, e.g. `"STORAGE"` in kilobytes or
 * `"MESSAGE"`, with `limits[i]`); `n == 0` removes the limits. Servers
 * usually allow it to administrators only (`IMAPC_ERR_NO` otherwise).
 * The QUOTA responses the server sends back go to `*quotas_out` (may be
 * NULL to ignore them; often empty). Resource names that are not atoms
 * (letters, digits, `-`, `_`, `.`) and limits above 2^63 - 1 fail with
 * `IMAPC_ERR_INVALID_ARGUMENT` before anything is sent.
 *
 * # Safety
 * `client` is live; `root` NUL-terminated; `resources` and `limits` hold
 * `n` items each (NULL when `n` is 0).
 */
imapc_result imapc_client_set_quota(struct imapc_client *client,
                                    const char *root,
                                    const char *const *resources,
                                    const uint64_t *limits,
                                    size_t n,
                                    struct imapc_quota_list **quotas_out,
                                    struct imapc_error **err_out);

/**
 * GETMETADATA (RFC 5464): the values of `n` entries (`"/private/comment"`,
 * `"/shared/vendor/x/y"`) of `folder`, or of the server when `folder` is
 * `""`. `max_size` (NULL: no limit) leaves out values longer than that
 * many bytes, and `imapc_metadata_list_long_entries` then says how long
 * the longest was; `depth` is an `IMAPC_METADATA_DEPTH_*`. Entries without
 * a value come back without one, or not at all, as the server chooses.
 * Caller owns `*list_out`; free with `imapc_metadata_list_free`.
 *
 * Entry names must be `/private` or `/shared` or below them, without `*`,
 * `%`, `//`, a trailing `/` or control characters
 * (`IMAPC_ERR_INVALID_ARGUMENT`, nothing sent). Needs the METADATA
 * capability (METADATA-SERVER is enough for `""`):
 * `IMAPC_ERR_CAPABILITY_MISSING` otherwise.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `entries` holds `n`
 * NUL-terminated strings; `max_size` NULL or readable; `list_out` writable.
 */
imapc_result imapc_client_get_metadata(struct imapc_client *client,
                                       const char *folder,
                                       const char *const *entries,
                                       size_t n,
                                       const uint64_t *max_size,
                                       uint32_t depth,
                                       struct imapc_metadata_list **list_out,
                                       struct imapc_error **err_out);

/**
 * SETMETADATA (RFC 5464): set `n` entries of `folder` (`""`: the
 * server's) in one command: entry `entries[i]` to the `value_lens[i]`
 * bytes at `values[i]` (any bytes, NUL included), or removes it when
 * `values[i]` is NULL. `values` NULL removes them all (`value_lens` may
 * then be NULL). Entry names as for `imapc_client_get_metadata`. A
 * server's refusal is `IMAPC_ERR_NO` with its reason in the message, e.g.
 * `[METADATA MAXSIZE 1024]` (a value too long), `[METADATA TOOMANY]`,
 * `[METADATA NOPRIVATE]`.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `entries` holds `n`
 * NUL-terminated strings; `values` is NULL or holds `n` pointers, each
 * NULL or readable for its length in `value_lens` (`n` lengths).
 */
imapc_result imapc_client_set_metadata(struct imapc_client *client,
                                       const char *folder,
                                       const char *const *entries,
                                       const uint8_t *const *values,
                                       const size_t *value_lens,
                                       size_t n,
                                       struct imapc_error **err_out);

/**
 * SEARCH with raw IMAP search keys (e.g. `"UNSEEN FROM \"alice\""`,
 * `"SINCE 1-Feb-2024 NOT DELETED"`; NULL or `""` means ALL), passed
 * through after validation (one line, balanced parentheses and quotes,
 * no literals). Non-ASCII strings are sent with CHARSET UTF-8. Ids are
 * UIDs or sequence numbers per `use_uid`. Caller owns `*ids_out`; free
 * with `imapc_id_list_free`.
 *
 * # Safety
 * `client` is live; `criteria` NULL or NUL-terminated; `ids_out` writable.
 */
imapc_result imapc_client_search(struct imapc_client *client,
                                 const char *criteria,
                                 struct imapc_id_list **ids_out,
                                 struct imapc_error **err_out);

/**
 * SORT (RFC 5256): `order` is space-separated sort keys such as
 * `"REVERSE DATE"` or `"FROM SUBJECT"`; `criteria` as in
 * `imapc_client_search`. Ids come in sorted order. Caller owns `*ids_out`.
 *
 * # Safety
 * `client` is live; strings NUL-terminated (criteria may be NULL);
 * `ids_out` writable.
 */
imapc_result imapc_client_sort(struct imapc_client *client,
                               const char *order,
                               const char *criteria,
                               struct imapc_id_list **ids_out,
                               struct imapc_error **err_out);

/**
 * QRESYNC (RFC 7162) resynchronisation of the selected folder in one
 * command: the messages of `set` changed since `changed_since` (a
 * HIGHESTMODSEQ kept from an earlier session with the same UIDVALIDITY)
 * go to `*messages_out`, and the UIDs of `set` expunged since then to
 * `*vanished_out` (sorted; an `imapc_id_list`, free with
 * `imapc_id_list_free`). QRESYNC must have been enabled first
 * (`imapc_client_enable`, before selecting the folder), else
 * `IMAPC_ERR_ILLEGAL_STATE` with nothing sent; UIDs only (`use_uid`).
 * Caller owns both outputs, written only on success.
 *
 * The expunged UIDs are those the server reports during this call: what
 * went before (`VANISHED (EARLIER)`) and what another session expunged
 * while this one has the folder selected (plain `VANISHED`, also queued
 * as an `IMAPC_EVENT_VANISHED` event since it changes the folder's
 * count). Expunges the server told earlier, during another call or IDLE,
 * are events only: a client that keeps the folder selected reads them
 * from `imapc_client_take_events` too.
 *
 * # Safety
 * As `imapc_client_fetch`; `vanished_out` writable.
 */
imapc_result imapc_client_fetch_vanished(struct imapc_client *client,
                                         const char *set,
                                         const char *items,
                                         uint64_t changed_since,
                                         struct imapc_message_list **messages_out,
                                         struct imapc_id_list **vanished_out,
                                         struct imapc_error **err_out);

/**
 * FETCH `items` (a string such as `"FLAGS ENVELOPE RFC822.SIZE
 * INTERNALDATE BODYSTRUCTURE"` or `"BODY.PEEK[HEADER] BODY.PEEK[1]"`) of
 * the messages in `set` (`"2,4:7,9,12:*"`; UIDs or sequence numbers per
 * `use_uid`), buffered. Caller owns `*messages_out`; free with
 * `imapc_message_list_free`.
 *
 * # Safety
 * `client` is live; strings NUL-terminated; `messages_out` writable.
 */
imapc_result imapc_client_fetch(struct imapc_client *client,
                                const char *set,
                                const char *items,
                                struct imapc_message_list **messages_out,
                                struct imapc_error **err_out);

/**
 * As `imapc_client_fetch`, with the messages given as `n` ids.
 *
 * # Safety
 * `ids` holds `n` ids; otherwise as `imapc_client_fetch`.
 */
imapc_result imapc_client_fetch_ids(struct imapc_client *client,
                                    const uint32_t *ids,
                                    size_t n,
                                    const char *items,
                                    struct imapc_message_list **messages_out,
                                    struct imapc_error **err_out);

/**
 * As `imapc_client_fetch`, only messages whose MODSEQ is above
 * `changed_since` (CONDSTORE CHANGEDSINCE).
 *
 * # Safety
 * As `imapc_client_fetch`.
 */
imapc_result imapc_client_fetch_changed_since(struct imapc_client *client,
                                              const char *set,
                                              const char *items,
                                              uint64_t changed_since,
                                              struct imapc_message_list **messages_out,
                                              struct imapc_error **err_out);

/**
 * Streaming FETCH: messages are handed to `on_message` as they arrive and
 * body sections larger than `stream_threshold` bytes (0: all of them) to
 * `on_chunk` in pieces, so mail of any size flows through fixed memory.
 * Smaller sections stay in the message and are also passed to `on_chunk`
 * as one chunk (offset 0) just before `on_message`, so `on_chunk` alone
 * sees every section's bytes, in order.
 * Both callbacks may be NULL, run on the calling thread with `userdata`
 * first, and may return nonzero to stop: the rest of the answer is read
 * and discarded and the call fails with `IMAPC_ERR_ABORTED`. A callback
 * must not call functions on this client. The number of messages goes to
 * `*count_out` (may be NULL).
 *
 * # Safety
 * `client` is live; strings NUL-terminated; callbacks valid.
 */
imapc_result imapc_client_fetch_stream(struct imapc_client *client,
                                       const char *set,
                                       const char *items,
                                       uint64_t stream_threshold,
                                       imapc_message_callback on_message,
                                       imapc_chunk_callback on_chunk,
                                       void *userdata,
                                       size_t *count_out,
                                       struct imapc_error **err_out);

/**
 * As `imapc_client_fetch_stream`, with the messages given as `n` ids.
 *
 * # Safety
 * `ids` holds `n` ids; otherwise as `imapc_client_fetch_stream`.
 */
imapc_result imapc_client_fetch_stream_ids(struct imapc_client *client,
                                           const uint32_t *ids,
                                           size_t n,
                                           const char *items,
                                           uint64_t stream_threshold,
                                           imapc_message_callback on_message,
                                           imapc_chunk_callback on_chunk,
                                           void *userdata,
                                           size_t *count_out,
                                           struct imapc_error **err_out);

/**
 * STORE flags on the messages of `set`: `action` is `IMAPC_STORE_ADD`,
 * `_REMOVE` or `_SET`; `flags` is space-separated (`"\\Seen \\Flagged"`,
 * see `IMAPC_FLAG_*`); `options` is 0 or `IMAPC_STORE_SILENT`;
 * `unchanged_since` > 0 adds CONDSTORE UNCHANGEDSINCE. The new flags (and
 * the ids not changed because of UNCHANGEDSINCE) go to `*messages_out`
 * (may be NULL); caller owns it.
 *
 * # Safety
 * `client` is live; strings NUL-terminated; `messages_out` NULL or writable.
 */
imapc_result imapc_client_store(struct imapc_client *client,
                                const char *set,
                                uint32_t action,
                                const char *flags,
                                uint32_t options,
                                uint64_t unchanged_since,
                                struct imapc_message_list **messages_out,
                                struct imapc_error **err_out);

/**
 * As `imapc_client_store`, with `n_ids` ids and `n_flags` flags as arrays.
 *
 * # Safety
 * Arrays hold their counts; otherwise as `imapc_client_store`.
 */
imapc_result imapc_client_store_ids(struct imapc_client *client,
                                    const uint32_t *ids,
                                    size_t n_ids,
                                    uint32_t action,
                                    const char *const *flags,
                                    size_t n_flags,
                                    uint32_t options,
                                    uint64_t unchanged_since,
                                    struct imapc_message_list **messages_out,
                                    struct imapc_error **err_out);

/**
 * X-GM-LABELS STORE (Gmail, capability `X-GM-EXT-1`): add, remove or set
 * (`action` as in `imapc_client_store`) the `n_labels` labels (UTF-8, may
 * contain spaces; system labels like `"\\Important"` as they are) on the
 * messages of `set`. `options` and `*messages_out` (may be NULL; caller
 * owns it, with the new labels in `imapc_message_gm_labels`) as in
 * `imapc_client_store`. Without the capability it fails with
 * `IMAPC_ERR_CAPABILITY_MISSING` and sends nothing.
 *
 * # Safety
 * `client` is live; `set` NUL-terminated; `labels` holds `n_labels`
 * strings; `messages_out` NULL or writable.
 */
imapc_result imapc_client_store_gmail_labels(struct imapc_client *client,
                                             const char *set,
                                             uint32_t action,
                                             const char *const *labels,
                                             size_t n_labels,
                                             uint32_t options,
                                             struct imapc_message_list **messages_out,
                                             struct imapc_error **err_out);

/**
 * MULTIAPPEND (RFC 3502): append the `n` (at least 1) `messages` to
 * `folder` in one atomic command: either all are stored or none.
 * `message_version` is `IMAPC_APPEND_MESSAGE_VERSION`; any other value
 * fails with `IMAPC_ERR_INVALID_ARGUMENT` (the message names the version
 * this library reads) before anything is sent and without reading
 * `messages`. The new UIDs (UIDPLUS, in order) go to `*uids_out` (may be
 * NULL; caller owns it; free with `imapc_id_list_free`; empty when the
 * server does not say) and the folder's UIDVALIDITY to `*uid_validity_out`
 * (may be NULL; 0 when not said). Fails with
 * `IMAPC_ERR_CAPABILITY_MISSING` (nothing sent) when the server lacks
 * MULTIAPPEND.
 *
 * # Safety
 * `client` is live; `folder` NUL-terminated; `messages` holds `n` entries
 * of the layout `message_version` names, whose pointers obey their field
 * documentation; outputs NULL or writable.
 */
imapc_result imapc_client_multiappend(struct imapc_client *client,
                                      const char *folder,
                                      const struct imapc_append_message *messages,
                                      size_t n,
                                      uint32_t message_version,
                                      struct imapc_id_list **uids_out,
                                      uint32_t *uid_validity_out,
                                      struct imapc_error **err_out);

/**
 * APPEND a message (`data`, `len`: the raw RFC 5322 bytes) to `folder`
 * with space-separated `flags` (may be NULL or `""`) and, when
 * `internal_date` is not NULL, that time (seconds since the epoch) shown
 * at `offset_minutes` east of UTC. The new UID (UIDPLUS) goes to
 * `*uid_out` (may be NULL; 0 when the server does not say).
 *
 * # Safety
 * `client` is live; `data` has `len` bytes; strings NUL-terminated.
 */
imapc_result imapc_client_append(struct imapc_client *client,
                                 const char *folder,
                                 const uint8_t *data,
                                 size_t len,
                                 const char *flags,
                                 const int64_t *internal_date,
                                 int32_t offset_minutes,
                                 uint32_t *uid_out,
                                 struct imapc_error **err_out);

/**
 * COPY the messages of `set` to `folder`. The UID mapping (COPYUID) goes
 * to `*result_out` (may be NULL); caller owns it; free with
 * `imapc_copy_result_free`. Sequence numbers that take more than one
 * command are fixed by UID first (an expunge reported with one COPY's
 * answer would renumber the next one's).
 *
 * # Safety
 * `client` is live; strings NUL-terminated; `result_out` NULL or writable.
 */
imapc_result imapc_client_copy(struct imapc_client *client,
                               const char *set,
                               const char *folder,
                               struct imapc_copy_result **result_out,
                               struct imapc_error **err_out);

/**
 * As `imapc_client_copy` with `n` ids.
 *
 * # Safety
 * `ids` holds `n` ids; otherwise as `imapc_client_copy`.
 */
imapc_result imapc_client_copy_ids(struct imapc_client *client,
                                   const uint32_t *ids,
                                   size_t n,
                                   const char *folder,
                                   struct imapc_copy_result **result_out,
                                   struct imapc_error **err_out);

/**
 * MOVE the messages of `set` to `folder` (RFC 6851; without MOVE, COPY +
 * STORE \Deleted + UID EXPUNGE of exactly those messages). COPYUID as in
 * `imapc_client_copy`. When it takes more than one command (a set longer
 * than the command line, or the fallback), the messages are fixed by UID
 * first (one `UID FETCH ... (UID)` for sequence numbers or a `*`), so
 * expunges renumbering messages and mail arriving meanwhile change
 * nothing.
 *
 * # Safety
 * As `imapc_client_copy`.
 */
imapc_result imapc_client_move(struct imapc_client *client,
                               const char *set,
                               const char *folder,
                               struct imapc_copy_result **result_out,
                               struct imapc_error **err_out);

/**
 * As `imapc_client_move` with `n` ids.
 *
 * # Safety
 * `ids` holds `n` ids; otherwise as `imapc_client_move`.
 */
imapc_result imapc_client_move_ids(struct imapc_client *client,
                                   const uint32_t *ids,
                                   size_t n,
                                   const char *folder,
                                   struct imapc_copy_result **result_out,
                                   struct imapc_error **err_out);

/**
 * EXPUNGE every `\Deleted` message of the selected folder. What was
 * expunged goes to `*expunged_out` (may be NULL; caller owns it), in the
 * server's order: sequence numbers as the server's EXPUNGE responses give
 * them (each counted after the ones before were removed), whatever
 * `use_uid` says; but once QRESYNC is enabled (`imapc_client_enable`)
 * the server reports VANISHED instead, and the list holds UIDs.
 *
 * # Safety
 * `client` is live; `expunged_out` NULL or writable.
 */
imapc_result imapc_client_expunge(struct imapc_client *client,
                                  struct imapc_id_list **expunged_out,
                                  struct imapc_error **err_out);

/**
 * UID EXPUNGE (UIDPLUS): expunge only these `\Deleted` messages; `uids`
 * are UIDs whatever `use_uid` says. Output as `imapc_client_expunge`.
 *
 * # Safety
 * As `imapc_client_expunge`; `uids` NUL-terminated.
 */
imapc_result imapc_client_uid_expunge(struct imapc_client *client,
                                      const char *uids,
                                      struct imapc_id_list **expunged_out,
                                      struct imapc_error **err_out);

/**
 * As `imapc_client_uid_expunge` with `n` UIDs.
 *
 * # Safety
 * `uids` holds `n` ids; otherwise as `imapc_client_expunge`.
 */
imapc_result imapc_client_uid_expunge_ids(struct imapc_client *client,
                                          const uint32_t *uids,
                                          size_t n,
                                          struct imapc_id_list **expunged_out,
                                          struct imapc_error **err_out);

/**
 * Start IDLE. While it runs, only `imapc_client_idle_wait`,
 * `imapc_client_idle_done`, `imapc_client_take_events`,
 * `imapc_client_logout` and `imapc_client_interrupt` are allowed.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_idle_start(struct imapc_client *client, struct imapc_error **err_out);

/**
 * Wait up to `timeout_ms` for events during IDLE; returns as soon as some
 * arrived. `*events_out` receives them (empty when the time ran out);
 * caller owns it; free with `imapc_event_list_free`. What has arrived is
 * taken in first without waiting: with `timeout_ms` 0 the call reads what
 * the socket holds and returns at once (see `imapc_client_fd`).
 * `UINT64_MAX` waits without end (IDLE is renewed meanwhile).
 *
 * # Safety
 * `client` is live; `events_out` writable.
 */
imapc_result imapc_client_idle_wait(struct imapc_client *client,
                                    uint64_t timeout_ms,
                                    struct imapc_event_list **events_out,
                                    struct imapc_error **err_out);

/**
 * End IDLE (DONE). Events that arrived meanwhile go to `*events_out` (may
 * be NULL to drop them); caller owns it.
 *
 * # Safety
 * `client` is live; `events_out` NULL or writable.
 */
imapc_result imapc_client_idle_done(struct imapc_client *client,
                                    struct imapc_event_list **events_out,
                                    struct imapc_error **err_out);

/**
 * The socket's file descriptor, for poll/select while idling, or -1 when
 * closed or NULL, and while another thread is inside a call on this
 * client (the descriptor is not handed out from under a running call:
 * ask for it from the thread that drives the client). Do not read, write
 * or close it. Readable means: call
 * `imapc_client_idle_wait` with timeout 0. Each `imapc_client_idle_wait`
 * returns with nothing left buffered inside the library (TLS records,
 * COMPRESS data), so the descriptor's readiness is exact from then on;
 * call it once after `imapc_client_idle_start`, before the first poll, for
 * what came with the server's `+`. IDLE is renewed
 * inside `imapc_client_idle_wait`: give poll a timeout no longer than the
 * renewal interval (28 minutes unless set with
 * `imapc_client_set_idle_renew_interval_ms`) and call
 * `imapc_client_idle_wait(c, 0, ...)` when it runs out too.
 *
 * # Safety
 * `client` is NULL or live.
 */
int imapc_client_fd(struct imapc_client *client);

/**
 * Hide a capability the server announces (case-insensitive, e.g.
 * `"MOVE"` or `"CONDSTORE"`), from now on and across later CAPABILITY
 * updates: for servers whose implementation of an extension is broken.
 * The client then uses its fallback or fails with
 * `IMAPC_ERR_CAPABILITY_MISSING`.
 *
 * # Safety
 * `client` is live; `cap` NUL-terminated.
 */
imapc_result imapc_client_mask_capability(struct imapc_client *client,
                                          const char *cap,
                                          struct imapc_error **err_out);

/**
 * How long one IDLE command may run before the client renews it (DONE,
 * then IDLE again, inside `imapc_client_idle_wait`). Default 28 minutes,
 * under the 30 after which RFC 2177 lets servers drop an idle client.
 * `interval_ms` must be at least 100.
 *
 * # Safety
 * `client` is NULL or live.
 */
imapc_result imapc_client_set_idle_renew_interval_ms(struct imapc_client *client,
                                                     uint64_t interval_ms,
                                                     struct imapc_error **err_out);

/**
 * Free a string the library returned (e.g. by
 * `imapc_client_find_special_folder`). NULL is allowed.
 *
 * # Safety
 * `s` is NULL or a string from this library, not yet freed.
 */
void imapc_string_free(char *s);

/**
 * Free an error. NULL is allowed.
 *
 * # Safety
 * `err` is NULL or came from this library and was not freed yet.
 */
void imapc_error_free(struct imapc_error *err);

/**
 * The error's code (`IMAPC_ERR_*`); `IMAPC_ERR_NULL_POINTER` for NULL.
 *
 * # Safety
 * `err` is NULL or a live error.
 */
imapc_result imapc_error_code(const struct imapc_error *err);

/**
 * The error's readable message: the server's text for NO/BAD, the TLS
 * reason for certificate failures. Valid until the error is freed; never
 * NULL (an empty string for a NULL error).
 *
 * # Safety
 * `err` is NULL or a live error.
 */
const char *imapc_error_message(const struct imapc_error *err);

/**
 * The bracketed response code of a server refusal (e.g. `"TRYCREATE"`,
 * `"AUTHENTICATIONFAILED"`), or NULL when there was none. Valid until the
 * error is freed.
 *
 * # Safety
 * `err` is NULL or a live error.
 */
const char *imapc_error_response_code(const struct imapc_error *err);

/**
 * True when the client's connection is unusable after this error: every
 * later call on that client fails with `IMAPC_ERR_ILLEGAL_STATE` (an error
 * that is itself fatal), so free it and reconnect. False when the client
 * is still in step with the server and the next call may succeed: a NO or
 * BAD, an invalid argument, an `IMAPC_ERR_LIMIT_EXCEEDED` whose
 * oversized response was skipped while its command completed (or was
 * the command's own completion, whose verdict is then unknown), or a set
 * of ids from the server too large to expand (the same code is fatal when
 * the response could not be skipped, or the event queue overflowed), an
 * `IMAPC_ERR_PROTOCOL` for an untagged response that did not parse while
 * its command completed (fatal when the command's own completion did
 * not parse). Errors of calls
 * without a client (connect, options) are fatal when the connection
 * failed. False for NULL.
 *
 * # Safety
 * `err` is NULL or a live error.
 */
bool imapc_error_is_fatal(const struct imapc_error *err);

/**
 * The stable name of a code: `"IMAPC_OK"`, `"IMAPC_ERR_TIMEOUT"`, ...;
 * `"IMAPC_ERR_UNKNOWN"` for a number that is not a code. Static storage:
 * never freed.
 */
const char *imapc_error_name(imapc_result code);

/**
 * Number of events; 0 for NULL.
 */
size_t imapc_event_list_count(const struct imapc_event_list *list);

/**
 * Kind of event `i` (`IMAPC_EVENT_*`), or 0 when out of range.
 */
uint32_t imapc_event_list_kind(const struct imapc_event_list *list, size_t i);

/**
 * The number of event `i`: the count for EXISTS and RECENT, the sequence
 * number for EXPUNGE and FETCH, 1 for a VANISHED (EARLIER); else 0.
 */
uint32_t imapc_event_list_number(const struct imapc_event_list *list, size_t i);

/**
 * The text of event `i` (ALERT, BYE, STATUS, FLAGS, OTHER; the folder's
 * name for FOLDER_STATUS and FOLDER_LIST), or NULL.
 */
const char *imapc_event_list_text(const struct imapc_event_list *list, size_t i);

/**
 * The changed message of a FETCH event, or NULL. Valid until the list is
 * freed.
 */
const struct imapc_message *imapc_event_list_message(const struct imapc_event_list *list, size_t i);

/**
 * The UIDs of a VANISHED event: array to return, count to `*count_out`
 * (may be NULL). NULL (count 0) for other events.
 *
 * # Safety
 * `count_out` is NULL or writable.
 */
const uint32_t *imapc_event_list_ids(const struct imapc_event_list *list,
                                     size_t i,
                                     size_t *count_out);

/**
 * The counters of a FOLDER_STATUS event (read them with
 * `imapc_folder_status_get`), or NULL for other events. Valid until the
 * list is freed.
 */
const struct imapc_folder_status *imapc_event_list_folder_status(const struct imapc_event_list *list,
                                                                 size_t i);

/**
 * The folder of a FOLDER_LIST event (name, attributes, delimiter, as
 * from `imapc_client_list`), or NULL for other events. Valid until the
 * list is freed.
 */
const struct imapc_folder *imapc_event_list_folder(const struct imapc_event_list *list, size_t i);

/**
 * The name a renamed folder had (FOLDER_LIST events of a rename), or NULL.
 */
const char *imapc_event_list_old_name(const struct imapc_event_list *list, size_t i);

/**
 * Free a list. NULL is allowed.
 */
void imapc_event_list_free(struct imapc_event_list *list);

/**
 * Number of folders; 0 for NULL.
 */
size_t imapc_folder_list_count(const struct imapc_folder_list *list);

/**
 * Folder `i`, or NULL when out of range. Valid until the list is freed.
 */
const struct imapc_folder *imapc_folder_list_get(const struct imapc_folder_list *list, size_t i);

/**
 * Free a list and its folders. NULL is allowed.
 */
void imapc_folder_list_free(struct imapc_folder_list *list);

/**
 * The folder's name, decoded from modified UTF-7 to UTF-8 (when the
 * client's `folder_encode` is on, the default). Pass it back unchanged to
 * select, rename, delete... NULL for a NULL folder.
 */
const char *imapc_folder_name(const struct imapc_folder *folder);

/**
 * The name exactly as the server sent it (modified UTF-7 bytes); the
 * length goes to `*len_out` (may be NULL). Not NUL-terminated.
 *
 * # Safety
 * `len_out` is NULL or writable.
 */
const uint8_t *imapc_folder_raw_name(const struct imapc_folder *folder, size_t *len_out);

/**
 * The hierarchy delimiter as a Unicode code point (usually `'/'` or
 * `'.'`), or 0 for a flat namespace.
 */
uint32_t imapc_folder_delimiter(const struct imapc_folder *folder);

/**
 * The folder's attributes (`\HasNoChildren`, `\Noselect`, `\Sent`, ...),
 * borrowed: valid until the list is freed; do not free it.
 */
const struct imapc_string_list *imapc_folder_attributes(const struct imapc_folder *folder);

/**
 * The folder's STATUS counters (read them with `imapc_folder_status_get`)
 * from `imapc_client_list_status`, borrowed: valid until the list is
 * freed; do not free it. NULL when the list came from another call, for
 * a folder that cannot be selected or whose STATUS the server refused,
 * and for NULL.
 */
const struct imapc_folder_status *imapc_folder_status_of(const struct imapc_folder *folder);

/**
 * True when the folder has the attribute (case-insensitive), e.g.
 * `"\\Noselect"`.
 *
 * # Safety
 * `attr` is NULL or a NUL-terminated string.
 */
bool imapc_folder_has_attribute(const struct imapc_folder *folder, const char *attr);

/**
 * Free a state. NULL is allowed.
 */
void imapc_mailbox_state_free(struct imapc_mailbox_state *state);

/**
 * The folder's name (UTF-8), valid until the state is freed.
 */
const char *imapc_mailbox_state_name(const struct imapc_mailbox_state *state);

/**
 * Number of messages (EXISTS).
 */
uint32_t imapc_mailbox_state_exists(const struct imapc_mailbox_state *state);

/**
 * Number of \Recent messages.
 */
uint32_t imapc_mailbox_state_recent(const struct imapc_mailbox_state *state);

/**
 * UIDVALIDITY, or 0 when the server sent none.
 */
uint32_t imapc_mailbox_state_uid_validity(const struct imapc_mailbox_state *state);

/**
 * UIDNEXT, or 0 when the server sent none.
 */
uint32_t imapc_mailbox_state_uid_next(const struct imapc_mailbox_state *state);

/**
 * Sequence number of the first unseen message, or 0 when not reported.
 */
uint32_t imapc_mailbox_state_unseen(const struct imapc_mailbox_state *state);

/**
 * HIGHESTMODSEQ (CONDSTORE), or 0 when not reported.
 */
uint64_t imapc_mailbox_state_highest_modseq(const struct imapc_mailbox_state *state);

/**
 * True when the server answered `[NOMODSEQ]` (no CONDSTORE for this folder).
 */
bool imapc_mailbox_state_no_modseq(const struct imapc_mailbox_state *state);

/**
 * The folder's object id (RFC 8474 OBJECTID: `[MAILBOXID (id)]` in the
 * SELECT answer), valid until the state is freed, or NULL when the
 * server has no OBJECTID. Unlike the name it stays the same across
 * RENAME: a sync keyed on it follows a renamed folder.
 */
const char *imapc_mailbox_state_mailbox_id(const struct imapc_mailbox_state *state);

/**
 * True when the folder is open read-only (EXAMINE or `[READ-ONLY]`).
 */
bool imapc_mailbox_state_read_only(const struct imapc_mailbox_state *state);

/**
 * The flags defined in the folder (FLAGS), borrowed until the state is
 * freed.
 */
const struct imapc_string_list *imapc_mailbox_state_flags(const struct imapc_mailbox_state *state);

/**
 * The flags that can be stored permanently (PERMANENTFLAGS; `\*` means
 * new keywords are allowed), borrowed until the state is freed.
 */
const struct imapc_string_list *imapc_mailbox_state_permanent_flags(const struct imapc_mailbox_state *state);

/**
 * Number of strings; 0 for NULL.
 */
size_t imapc_string_list_count(const struct imapc_string_list *list);

/**
 * String `i` (UTF-8), or NULL when out of range. Valid until the list is
 * freed.
 */
const char *imapc_string_list_get(const struct imapc_string_list *list, size_t i);

/**
 * True when the list holds `s`, compared ASCII case-insensitively (for
 * capabilities and flags). False for NULL arguments.
 *
 * # Safety
 * `s` is NULL or a NUL-terminated string.
 */
bool imapc_string_list_contains(const struct imapc_string_list *list, const char *s);

/**
 * Free a list. NULL is allowed.
 */
void imapc_string_list_free(struct imapc_string_list *list);

/**
 * Number of ids; 0 for NULL.
 */
size_t imapc_id_list_count(const struct imapc_id_list *list);

/**
 * Id `i`, or 0 when out of range.
 */
uint32_t imapc_id_list_get(const struct imapc_id_list *list, size_t i);

/**
 * All ids as an array of `imapc_id_list_count` items (NULL when empty),
 * valid until the list is freed.
 */
const uint32_t *imapc_id_list_data(const struct imapc_id_list *list);

/**
 * The highest MODSEQ of the matches when CONDSTORE reported it, else 0.
 */
uint64_t imapc_id_list_modseq(const struct imapc_id_list *list);

/**
 * Free a list. NULL is allowed.
 */
void imapc_id_list_free(struct imapc_id_list *list);

/**
 * UIDVALIDITY of the destination folder, or 0 when the server sent no
 * COPYUID.
 */
uint32_t imapc_copy_result_uid_validity(const struct imapc_copy_result *r);

/**
 * Number of source/destination UID pairs (0 without COPYUID).
 */
size_t imapc_copy_result_count(const struct imapc_copy_result *r);

/**
 * Source UID of pair `i`, or 0 when out of range.
 */
uint32_t imapc_copy_result_source_uid(const struct imapc_copy_result *r, size_t i);

/**
 * Destination UID of pair `i`, or 0 when out of range.
 */
uint32_t imapc_copy_result_dest_uid(const struct imapc_copy_result *r, size_t i);

/**
 * Free a result. NULL is allowed.
 */
void imapc_copy_result_free(struct imapc_copy_result *r);

/**
 * Number of entries; 0 for NULL.
 */
size_t imapc_quota_list_count(const struct imapc_quota_list *list);

/**
 * Quota root of entry `i`, or NULL when out of range.
 */
const char *imapc_quota_list_root(const struct imapc_quota_list *list, size_t i);

/**
 * Resource name of entry `i` (`"STORAGE"` in KiB, `"MESSAGE"`...), or NULL.
 */
const char *imapc_quota_list_resource(const struct imapc_quota_list *list, size_t i);

/**
 * Usage of entry `i`, or 0.
 */
uint64_t imapc_quota_list_usage(const struct imapc_quota_list *list, size_t i);

/**
 * Limit of entry `i`, or 0.
 */
uint64_t imapc_quota_list_limit(const struct imapc_quota_list *list, size_t i);

/**
 * Free a list. NULL is allowed.
 */
void imapc_quota_list_free(struct imapc_quota_list *list);

/**
 * Number of entries; 0 for NULL.
 */
size_t imapc_metadata_list_count(const struct imapc_metadata_list *list);

/**
 * Name of entry `i` (`"/private/comment"`), or NULL when out of range.
 */
const char *imapc_metadata_list_name(const struct imapc_metadata_list *list, size_t i);

/**
 * Value of entry `i`: its bytes (any bytes, NUL included; not
 * NUL-terminated) in `*data_out` and `*len_out`, owned by the list.
 * Returns false, leaving the outputs alone, when the entry has no value
 * (NIL) or `i` is out of range.
 *
 * # Safety
 * `list` is NULL or live; outputs are NULL or writable.
 */
bool imapc_metadata_list_value(const struct imapc_metadata_list *list,
                               size_t i,
                               const uint8_t **data_out,
                               size_t *len_out);

/**
 * With a `max_size`: the size of the longest value the server left out
 * (`[METADATA LONGENTRIES n]`); 0 when none was, and for NULL.
 */
uint64_t imapc_metadata_list_long_entries(const struct imapc_metadata_list *list);

/**
 * Free a list. NULL is allowed.
 */
void imapc_metadata_list_free(struct imapc_metadata_list *list);

/**
 * Read one counter (`IMAPC_STATUS_*`) into `*value_out`. Returns true and
 * writes the value when the server reported it; false (nothing written)
 * when it did not, or for NULL or an unknown item.
 *
 * # Safety
 * `value_out` is NULL or writable.
 */
bool imapc_folder_status_get(const struct imapc_folder_status *status,
                             uint32_t item,
                             uint64_t *value_out);

/**
 * Free a status. NULL is allowed.
 */
void imapc_folder_status_free(struct imapc_folder_status *status);

/**
 * Send log records up to `max_level` (`IMAPC_LOG_*`) to `callback`, with
 * `userdata` passed back unchanged. A NULL callback (or `IMAPC_LOG_OFF`)
 * turns logging off. Process-wide; call it before creating clients.
 * `userdata` must stay valid until logging is turned off or the callback
 * replaced: when that call returns, no call of the old callback is still
 * running or will start (the call waits for those in flight), so the old
 * userdata may then be freed. The callback must not call this function
 * (it would wait for itself).
 */
void imapc_log_set_callback(imapc_log_callback callback, void *userdata, uint32_t max_level);

/**
 * Log to stderr when the environment variable `IMAPCLIENT_LOG` is set to
 * `error`, `warn`, `info`, `debug` or `trace`; does nothing otherwise.
 * Returns true when logging was switched on.
 */
bool imapc_log_init_from_env(void);

/**
 * Number of addresses; 0 for NULL.
 */
size_t imapc_address_list_count(const struct imapc_address_list *list);

/**
 * Address `i`, or NULL when out of range.
 */
const struct imapc_address *imapc_address_list_get(const struct imapc_address_list *list, size_t i);

/**
 * Display name, RFC 2047 decoded to UTF-8, or NULL when absent.
 */
const char *imapc_address_name(const struct imapc_address *a);

/**
 * Local part (before the `@`), or NULL. For a group start it is the group
 * name and the host is NULL.
 */
const char *imapc_address_mailbox(const struct imapc_address *a);

/**
 * Domain (after the `@`), or NULL.
 */
const char *imapc_address_host(const struct imapc_address *a);

/**
 * Source route (obsolete), or NULL.
 */
const char *imapc_address_route(const struct imapc_address *a);

/**
 * `mailbox@host` (or whichever part exists; `""` when neither). Never
 * NULL for a non-NULL address.
 *
 * A group (`To: Team: a@x, b@y;`) comes as RFC 3501 writes it: a start
 * marker (mailbox the group name, host NULL), its members, and an end
 * marker (mailbox and host NULL); a marker's "email" is `"Team"` or `""`,
 * no address. To collect addresses, skip those whose host is NULL.
 */
const char *imapc_address_email(const struct imapc_address *a);

/**
 * Subject, RFC 2047 decoded to UTF-8, or NULL when absent.
 */
const char *imapc_envelope_subject(const struct imapc_envelope *e);

/**
 * The Date header as sent, or NULL.
 */
const char *imapc_envelope_date_raw(const struct imapc_envelope *e);

/**
 * The Date header parsed: seconds since the epoch to `*time_out` and the
 * zone offset in minutes east of UTC to `*offset_out` (either may be
 * NULL). Returns false, writing nothing, when absent or unparsable.
 *
 * # Safety
 * Output pointers are NULL or writable.
 */
bool imapc_envelope_date(const struct imapc_envelope *e, int64_t *time_out, int32_t *offset_out);

/**
 * From addresses (never NULL for a non-NULL envelope; may be empty).
 */
const struct imapc_address_list *imapc_envelope_from(const struct imapc_envelope *e);

/**
 * Sender addresses.
 */
const struct imapc_address_list *imapc_envelope_sender(const struct imapc_envelope *e);

/**
 * Reply-To addresses.
 */
const struct imapc_address_list *imapc_envelope_reply_to(const struct imapc_envelope *e);

/**
 * To addresses.
 */
const struct imapc_address_list *imapc_envelope_to(const struct imapc_envelope *e);

/**
 * Cc addresses.
 */
const struct imapc_address_list *imapc_envelope_cc(const struct imapc_envelope *e);

/**
 * Bcc addresses.
 */
const struct imapc_address_list *imapc_envelope_bcc(const struct imapc_envelope *e);

/**
 * In-Reply-To, or NULL.
 */
const char *imapc_envelope_in_reply_to(const struct imapc_envelope *e);

/**
 * Message-ID, or NULL.
 */
const char *imapc_envelope_message_id(const struct imapc_envelope *e);

/**
 * Media type in lower case (`"text"`, `"multipart"`, `"image"`...).
 */
const char *imapc_body_part_type(const struct imapc_body_part *p);

/**
 * Media subtype in lower case (`"plain"`, `"mixed"`, `"pdf"`...).
 */
const char *imapc_body_part_subtype(const struct imapc_body_part *p);

/**
 * The value of a Content-Type parameter (`"charset"`, `"name"`,
 * `"boundary"`), matched case-insensitively, or NULL.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
const char *imapc_body_part_param(const struct imapc_body_part *p, const char *name);

/**
 * Number of Content-Type parameters.
 */
size_t imapc_body_part_param_count(const struct imapc_body_part *p);

/**
 * Name of parameter `i` in lower case (`"charset"`, also where the server
 * sent `"CHARSET"`, as Cyrus does; Go's `Params` are the same), or NULL
 * when out of range. `imapc_body_part_param` finds a parameter by name
 * without case.
 */
const char *imapc_body_part_param_name(const struct imapc_body_part *p, size_t i);

/**
 * Value of parameter `i`, or NULL when out of range.
 */
const char *imapc_body_part_param_value(const struct imapc_body_part *p, size_t i);

/**
 * Content-ID, or NULL.
 */
const char *imapc_body_part_id(const struct imapc_body_part *p);

/**
 * Content-Description, or NULL.
 */
const char *imapc_body_part_description(const struct imapc_body_part *p);

/**
 * Content-Transfer-Encoding as sent (`"BASE64"`, `"7BIT"`...), or NULL.
 */
const char *imapc_body_part_encoding(const struct imapc_body_part *p);

/**
 * Size in octets (encoded); 0 for multipart nodes.
 */
uint64_t imapc_body_part_size(const struct imapc_body_part *p);

/**
 * Number of lines (text and message/rfc822 parts), or 0.
 */
uint64_t imapc_body_part_lines(const struct imapc_body_part *p);

/**
 * Content-Disposition in lower case (`"inline"`, `"attachment"`), or NULL.
 */
const char *imapc_body_part_disposition(const struct imapc_body_part *p);

/**
 * A Content-Disposition parameter (e.g. `"filename"`), or NULL.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
const char *imapc_body_part_disposition_param(const struct imapc_body_part *p, const char *name);

/**
 * Content-MD5, or NULL.
 */
const char *imapc_body_part_md5(const struct imapc_body_part *p);

/**
 * Content-Location, or NULL.
 */
const char *imapc_body_part_location(const struct imapc_body_part *p);

/**
 * Content-Language values (borrowed list, possibly empty).
 */
const struct imapc_string_list *imapc_body_part_languages(const struct imapc_body_part *p);

/**
 * The IMAP part number (`"1"`, `"2.1"`): what goes between the brackets
 * of `BODY.PEEK[...]` to fetch this part. `""` for a multipart root.
 */
const char *imapc_body_part_number(const struct imapc_body_part *p);

/**
 * Number of children (parts of a multipart); 0 for leaves.
 */
size_t imapc_body_part_child_count(const struct imapc_body_part *p);

/**
 * Child `i`, or NULL when out of range.
 */
const struct imapc_body_part *imapc_body_part_child(const struct imapc_body_part *p, size_t i);

/**
 * For a message/rfc822 part: the enclosed message's envelope, else NULL.
 */
const struct imapc_envelope *imapc_body_part_message_envelope(const struct imapc_body_part *p);

/**
 * For a message/rfc822 part: the enclosed message's body, else NULL.
 */
const struct imapc_body_part *imapc_body_part_message_body(const struct imapc_body_part *p);

/**
 * The part with this part number anywhere below (or at) `p`, or NULL.
 *
 * # Safety
 * `number` is NULL or a NUL-terminated string.
 */
const struct imapc_body_part *imapc_body_part_find(const struct imapc_body_part *p,
                                                   const char *number);

/**
 * Number of messages; 0 for NULL.
 */
size_t imapc_message_list_count(const struct imapc_message_list *list);

/**
 * Message `i` in server order, or NULL when out of range.
 */
const struct imapc_message *imapc_message_list_get(const struct imapc_message_list *list, size_t i);

/**
 * The message with this id (a UID when the list was fetched with
 * `use_uid` on, else a sequence number), or NULL.
 */
const struct imapc_message *imapc_message_list_find(const struct imapc_message_list *list,
                                                    uint32_t id);

/**
 * True when ids in this list are UIDs.
 */
bool imapc_message_list_by_uid(const struct imapc_message_list *list);

/**
 * STORE with UNCHANGEDSINCE: number of ids the server did not change
 * (the MODIFIED response code). 0 otherwise.
 */
size_t imapc_message_list_modified_count(const struct imapc_message_list *list);

/**
 * Id `i` of the messages not changed by STORE UNCHANGEDSINCE, or 0.
 */
uint32_t imapc_message_list_modified(const struct imapc_message_list *list, size_t i);

/**
 * Free a list and its messages. NULL is allowed.
 */
void imapc_message_list_free(struct imapc_message_list *list);

/**
 * Sequence number; 0 for a FETCH response whose number did not parse
 * (the message then has an error: `imapc_message_error_count`), or for
 * NULL.
 */
uint32_t imapc_message_seq(const struct imapc_message *m);

/**
 * UID, or 0 when not fetched (it always is when `use_uid` is on).
 */
uint32_t imapc_message_uid(const struct imapc_message *m);

/**
 * The flags (borrowed list), or NULL when FLAGS was not fetched.
 */
const struct imapc_string_list *imapc_message_flags(const struct imapc_message *m);

/**
 * True when the message has the flag (case-insensitive), e.g.
 * `IMAPC_FLAG_SEEN`.
 *
 * # Safety
 * `flag` is NULL or a NUL-terminated string.
 */
bool imapc_message_has_flag(const struct imapc_message *m, const char *flag);

/**
 * INTERNALDATE: seconds since the epoch to `*time_out` and the zone offset
 * in minutes east of UTC to `*offset_out` (either may be NULL). Returns
 * false, writing nothing, when it was not fetched.
 *
 * # Safety
 * Output pointers are NULL or writable.
 */
bool imapc_message_internal_date(const struct imapc_message *m,
                                 int64_t *time_out,
                                 int32_t *offset_out);

/**
 * RFC822.SIZE, or 0 when not fetched.
 */
uint64_t imapc_message_size(const struct imapc_message *m);

/**
 * The envelope, or NULL when ENVELOPE was not fetched.
 */
const struct imapc_envelope *imapc_message_envelope(const struct imapc_message *m);

/**
 * The root of the body structure tree, or NULL when BODYSTRUCTURE was not
 * fetched.
 */
const struct imapc_body_part *imapc_message_body_structure(const struct imapc_message *m);

/**
 * The data of a body section, by name as requested (`"BODY.PEEK[]"`,
 * `"BODY[HEADER]"`, `"RFC822"`, `"BINARY[1]"`...): pointer to `*data_out`
 * and length to `*len_out`, owned by the message (not NUL-terminated).
 * A range is its own section: `"BODY.PEEK[]<100.50>"` (or `"BODY[]<100>"`,
 * as the server names it) finds the bytes from 100, `"BODY[]"` only the
 * whole body; two ranges of one section fetched at once are both kept.
 * Returns false, writing nothing, when the section is absent or NIL.
 *
 * # Safety
 * `name` is NULL or NUL-terminated; outputs are NULL or writable.
 */
bool imapc_message_section(const struct imapc_message *m,
                           const char *name,
                           const uint8_t **data_out,
                           size_t *len_out);

/**
 * Number of body sections received.
 */
size_t imapc_message_section_count(const struct imapc_message *m);

/**
 * Normalised name of section `i` (`"BODY[]"`, `"BODY[HEADER]"`, and for a
 * range the origin the server answered, `"BODY[]<100>"`), or NULL.
 */
const char *imapc_message_section_name(const struct imapc_message *m, size_t i);

/**
 * Data of section `i` as in `imapc_message_section`. Returns false when
 * out of range or NIL (a streamed section has length 0).
 *
 * # Safety
 * Outputs are NULL or writable.
 */
bool imapc_message_section_data(const struct imapc_message *m,
                                size_t i,
                                const uint8_t **data_out,
                                size_t *len_out);

/**
 * MODSEQ (CONDSTORE), or 0.
 */
uint64_t imapc_message_modseq(const struct imapc_message *m);

/**
 * BINARY.SIZE (RFC 3516) of body part `part` (`"2"`, `"1.3"`, as in
 * `BINARY.SIZE[2]`): the size of the part once its content transfer
 * encoding is undone, known before fetching it. Writes it to `*size_out`
 * and returns true when the message has it; false otherwise (not
 * fetched, or NULL arguments).
 *
 * # Safety
 * `part` is NULL or NUL-terminated; `size_out` NULL or writable.
 */
bool imapc_message_binary_size(const struct imapc_message *m, const char *part, uint64_t *size_out);

/**
 * PREVIEW text (RFC 8970), or NULL.
 */
const char *imapc_message_preview(const struct imapc_message *m);

/**
 * EMAILID (RFC 8474), or NULL.
 */
const char *imapc_message_email_id(const struct imapc_message *m);

/**
 * THREADID (RFC 8474), or NULL.
 */
const char *imapc_message_thread_id(const struct imapc_message *m);

/**
 * Gmail X-GM-MSGID, or 0.
 */
uint64_t imapc_message_gm_msgid(const struct imapc_message *m);

/**
 * Gmail X-GM-THRID, or 0.
 */
uint64_t imapc_message_gm_thrid(const struct imapc_message *m);

/**
 * Gmail X-GM-LABELS (borrowed list), or NULL when not fetched.
 */
const struct imapc_string_list *imapc_message_gm_labels(const struct imapc_message *m);

/**
 * Number of FETCH items of this message that did not parse (the rest of
 * the message is still usable).
 */
size_t imapc_message_error_count(const struct imapc_message *m);

/**
 * The whole message (everything but section data) flattened into one
 * buffer, for language bindings that would otherwise make one call per
 * field: pointer to `*data_out`, length to `*len_out`, owned by the message
 * and valid as long as it is. Strings in it are the very strings the
 * getters return. Returns false, writing nothing, for NULL.
 *
 * Format, version 2 (integers little-endian; version 1 had no BINARY.SIZE):
 *
 * ```text
 * str     = u32 len, len bytes, 0x00      len 0xFFFFFFFF: absent (no bytes, no NUL)
 * strs    = u32 n, n × str                n 0xFFFFFFFF: absent
 * pairs   = u32 n, n × (str name, str value)
 * date    = u8 present, i64 seconds since the epoch, i32 zone offset in minutes east
 * message = u8 version (2), u32 seq, u32 uid (0: absent), u64 RFC822.SIZE (0: absent),
 *           date INTERNALDATE, u64 MODSEQ, u64 X-GM-MSGID, u64 X-GM-THRID,
 *           u32 item errors, strs FLAGS, strs X-GM-LABELS, str PREVIEW, str EMAILID,
 *           str THREADID, u32 n sections, n × str section name,
 *           u32 n BINARY.SIZEs, n × (str part ("2", "1.3"), u64 decoded size),
 *           u8 has envelope [envelope], u8 has body structure [part]
 * envelope = date, str Date as sent, str subject (decoded), 6 × addresses
 *           (from, sender, reply-to, to, cc, bcc), str in-reply-to, str message-id
 * addresses = u32 n, n × (str name (decoded), str mailbox, str host, str route,
 *           str email ("mailbox@host"; never absent))
 * part    = str type (lower case), str subtype (lower case), pairs params, str id,
 *           str description, str encoding, u64 size, u64 lines, str disposition
 *           (lower case), pairs disposition params, str md5, str location,
 *           strs languages, str part number, u32 n children, n × part,
 *           u8 is message/rfc822 [envelope, part]
 * ```
 *
 * Text is UTF-8 without NUL bytes (invalid bytes and NULs become U+FFFD),
 * so every str is also a C string. The first byte is the version
 * (`IMAPC_PACK_VERSION`); a later version may change everything after it.
 *
 * # Safety
 * Outputs are NULL or writable.
 */
bool imapc_message_pack(const struct imapc_message *m, const uint8_t **data_out, size_t *len_out);

/**
 * A new, empty set of event groups; NULL only when out of memory.
 */
struct imapc_notify *imapc_notify_new(void);

/**
 * Free a set of event groups. NULL is allowed.
 */
void imapc_notify_free(struct imapc_notify *notify);

/**
 * Add an event group: the folders of `target` (an `IMAPC_NOTIFY_*`
 * filter; `IMAPC_NOTIFY_SUBTREE` and `IMAPC_NOTIFY_FOLDERS` take the `n`
 * UTF-8 names in `folders`, the others none), the `IMAPC_NOTIFY_*`
 * event bits in `events` (0: none, to silence part of a wider group).
 * `fetch` (NULL: none) gives, for `IMAPC_NOTIFY_SELECTED` or
 * `_SELECTED_DELAYED` with MESSAGE_NEW, the FETCH items the server sends
 * with each new message (`"UID FLAGS"`, as for `imapc_client_fetch`),
 * which arrive as `IMAPC_EVENT_FETCH` events. RFC 5465's rules are
 * checked here (`IMAPC_ERR_INVALID_ARGUMENT`): MESSAGE_NEW and
 * MESSAGE_EXPUNGE go together, FLAG_CHANGE and ANNOTATION_CHANGE need
 * them, FETCH items go with the selected folder's MESSAGE_NEW only.
 *
 * # Safety
 * `notify` is NULL or live and used by one thread; `folders` holds `n`
 * NUL-terminated strings; `fetch` NULL or NUL-terminated; `err_out` NULL
 * or writable.
 */
imapc_result imapc_notify_add(struct imapc_notify *notify,
                              uint32_t target,
                              const char *const *folders,
                              size_t n,
                              uint32_t events,
                              const char *fetch,
                              struct imapc_error **err_out);

/**
 * NOTIFY SET (RFC 5465) with the groups of `notify`, or NOTIFY NONE when
 * `notify` is NULL. From then on the server reports changes in those
 * folders as events (`IMAPC_EVENT_FOLDER_STATUS`, `IMAPC_EVENT_FOLDER_LIST`,
 * and EXISTS, EXPUNGE, FETCH for the selected folder), which arrive with
 * any command's answer (`imapc_client_take_events`) and during IDLE. With
 * `status`, each watched folder's counters come first, as
 * FOLDER_STATUS events. A server that cannot watch an event answers
 * `IMAPC_ERR_NO` with `[BADEVENT ...]`. Needs the NOTIFY capability.
 *
 * # Safety
 * `client` is live; `notify` NULL or live.
 */
imapc_result imapc_client_notify(struct imapc_client *client,
                                 const struct imapc_notify *notify,
                                 bool status,
                                 struct imapc_error **err_out);

/**
 * New options for `host` (a name or an IP address) and `port` (0 = the
 * standard port of the mode: 993 or 143), with `security` one of
 * `IMAPC_SECURITY_*`. Defaults: system trust store, connect timeout 30 s,
 * I/O timeout 60 s. Caller owns `*options_out`; free with
 * `imapc_connect_options_free`.
 *
 * # Safety
 * `host` is a NUL-terminated string; `options_out` is writable.
 */
imapc_result imapc_connect_options_new(const char *host,
                                       uint16_t port,
                                       uint32_t security,
                                       struct imapc_connect_options **options_out,
                                       struct imapc_error **err_out);

/**
 * Free options. NULL is allowed. Clients already connected are unaffected.
 *
 * # Safety
 * `options` is NULL or live, not used afterwards.
 */
void imapc_connect_options_free(struct imapc_connect_options *options);

/**
 * Use this TLS configuration (the options keep their own reference; the
 * caller may free `config` afterwards). NULL restores the default.
 *
 * # Safety
 * `options` is live; `config` is NULL or live.
 */
imapc_result imapc_connect_options_set_tls_config(struct imapc_connect_options *options,
                                                  const struct imapc_tls_config *config,
                                                  struct imapc_error **err_out);

/**
 * Verify the certificate against (and send as SNI) `name` instead of the
 * host, e.g. when connecting to an IP address. NULL restores the host.
 *
 * # Safety
 * `options` is live; `name` is NULL or a NUL-terminated string.
 */
imapc_result imapc_connect_options_set_tls_server_name(struct imapc_connect_options *options,
                                                       const char *name,
                                                       struct imapc_error **err_out);

/**
 * Connect timeout in milliseconds: the longest `imapc_client_connect`'s
 * set-up may take in all (the TCP connect, the TLS handshake, the
 * greeting, STARTTLS with its handshake, the first CAPABILITY); past it
 * the connect fails with `IMAPC_ERR_TIMEOUT`. Each read and write of the
 * set-up is also bounded by the I/O timeout. 0: no bound on the whole
 * (each read and write still has the I/O timeout; the TCP connect then
 * has the system's own timeout). Default 30000.
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_connect_timeout_ms(struct imapc_connect_options *options,
                                                          uint64_t timeout_ms,
                                                          struct imapc_error **err_out);

/**
 * Timeout of every read and write in milliseconds, those of
 * `imapc_client_connect`'s set-up included (which the connect timeout
 * also bounds in all): a read that gets no byte, or a write the server
 * takes nothing of, for this long fails with a fatal `IMAPC_ERR_TIMEOUT`.
 * 0 waits forever. Default 60000.
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_io_timeout_ms(struct imapc_connect_options *options,
                                                     uint64_t timeout_ms,
                                                     struct imapc_error **err_out);

/**
 * Longest one command may wait for the server in all, in milliseconds (0,
 * the default: no bound). The I/O timeout bounds each read and write; a
 * server sending a byte now and then, or taking an APPEND's message a few
 * bytes at a time, could keep a call going for ever. Past it the call
 * fails with a fatal `IMAPC_ERR_TIMEOUT`. Each read and each write (of
 * TLS records and compressed data too) waits at most until it; a call
 * that takes several commands gives each its own (AUTHENTICATE, with its
 * exchanges, is one). Not applied to IDLE
 * (`imapc_client_idle_wait` has its own timeout) nor to the set-up of
 * `imapc_client_connect`, which the connect timeout bounds in all.
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_command_timeout_ms(struct imapc_connect_options *options,
                                                          uint64_t timeout_ms,
                                                          struct imapc_error **err_out);

/**
 * Response limits that protect against hostile servers; 0 keeps the
 * default of each: `max_line` (8 MiB), `max_literal` (256 MiB),
 * `max_depth` (100 nested parentheses; at most `IMAPC_MAX_DEPTH_LIMIT`,
 * 128: a larger value fails with `IMAPC_ERR_INVALID_ARGUMENT` and changes
 * nothing). A response over a limit fails its
 * command with `IMAPC_ERR_LIMIT_EXCEEDED`. The client skips such a
 * response without keeping it (a literal of up to 64 MiB is read and
 * dropped) and the error is not fatal (`imapc_error_is_fatal`); a larger
 * literal, or one met while sending a command, during authentication or
 * IDLE, ends the connection. When the response over the limit is the
 * command's own completion (its tagged line), the command ends at once
 * with `IMAPC_ERR_LIMIT_EXCEEDED`, not fatal (unless it holds a literal
 * too large to skip): the server's verdict is lost, so whether the
 * command succeeded is unknown (a LOGIN may have logged in, a STORE
 * changed flags).
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_limits(struct imapc_connect_options *options,
                                              size_t max_line,
                                              uint64_t max_literal,
                                              size_t max_depth,
                                              struct imapc_error **err_out);

/**
 * Longest command line sent (default 8000); longer message sets are split
 * into several commands. Must be at least 100.
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_max_command_len(struct imapc_connect_options *options,
                                                       size_t max_len,
                                                       struct imapc_error **err_out);

/**
 * Most unsolicited events (`imapc_client_take_events`) the client queues
 * until they are taken; default 1 000 000, at least 1. Beyond it the call
 * reading the next one fails with a fatal `IMAPC_ERR_LIMIT_EXCEEDED`: a
 * bound on the memory a server flooding the client with untagged data
 * can take (events dropped would leave the caller's view of the folder
 * wrong, so the connection ends instead).
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_max_events(struct imapc_connect_options *options,
                                                  size_t max_events,
                                                  struct imapc_error **err_out);

/**
 * TCP keepalive: probes after `idle_s` seconds of silence, every
 * `interval_s` seconds, and the connection is given up (the waiting call
 * fails) after `count` unanswered ones. `idle_s` 0 turns keepalive off;
 * otherwise `interval_s` and `count` must not be 0. Default on: 60 s,
 * 15 s, 4 probes. It keeps NAT and firewall state alive during a long
 * IDLE and finds a peer that vanished (IDLE's own renewal only comes
 * every 28 minutes). A system that cannot set the interval or count
 * keeps its own values.
 *
 * # Safety
 * `options` is NULL or live.
 */
imapc_result imapc_connect_options_set_tcp_keepalive(struct imapc_connect_options *options,
                                                     uint32_t idle_s,
                                                     uint32_t interval_s,
                                                     uint32_t count,
                                                     struct imapc_error **err_out);

/**
 * A new, empty criteria object (an empty one matches every message).
 * Free with `imapc_search_free`. NULL only when out of memory.
 */
struct imapc_search *imapc_search_new(void);

/**
 * Free a criteria object. NULL is allowed.
 */
void imapc_search_free(struct imapc_search *search);

/**
 * Number of top-level keys (which are ANDed); 0 for NULL.
 */
size_t imapc_search_count(const struct imapc_search *search);

/**
 * Add ALL: every message (the meaning of an empty criteria object).
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_all(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add ANSWERED: messages with `\\Answered`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_answered(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add UNANSWERED: messages without `\\Answered`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_unanswered(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add DELETED: messages with `\\Deleted`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_deleted(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add UNDELETED: messages without `\\Deleted`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_undeleted(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add DRAFT: messages with `\\Draft`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_draft(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add UNDRAFT: messages without `\\Draft`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_undraft(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add FLAGGED: messages with `\\Flagged`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_flagged(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add UNFLAGGED: messages without `\\Flagged`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_unflagged(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add SEEN: messages with `\\Seen`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_seen(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add UNSEEN: messages without `\\Seen`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_unseen(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add NEW: messages that are `\\Recent` and not `\\Seen`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_new(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add OLD: messages that are not `\\Recent`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_old(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add RECENT: messages with `\\Recent`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_recent(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Add FROM: the From header contains `value` (substring, case-insensitive). `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_from(struct imapc_search *search,
                                   const char *value,
                                   struct imapc_error **err_out);

/**
 * Add TO: the To header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_to(struct imapc_search *search,
                                 const char *value,
                                 struct imapc_error **err_out);

/**
 * Add CC: the Cc header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_cc(struct imapc_search *search,
                                 const char *value,
                                 struct imapc_error **err_out);

/**
 * Add BCC: the Bcc header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_bcc(struct imapc_search *search,
                                  const char *value,
                                  struct imapc_error **err_out);

/**
 * Add SUBJECT: the subject contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_subject(struct imapc_search *search,
                                      const char *value,
                                      struct imapc_error **err_out);

/**
 * Add BODY: the body contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_body(struct imapc_search *search,
                                   const char *value,
                                   struct imapc_error **err_out);

/**
 * Add TEXT: the header or body contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
 * UTF-8); it is quoted by the library.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_text(struct imapc_search *search,
                                   const char *value,
                                   struct imapc_error **err_out);

/**
 * Add KEYWORD: messages with the keyword (flag) `value`. A keyword is an atom
 * (RFC 3501 flag-keyword: ASCII, no space, parenthesis, quote, `\`, `%`,
 * `*`, `]` or control character): anything else fails here with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_keyword(struct imapc_search *search,
                                      const char *value,
                                      struct imapc_error **err_out);

/**
 * Add UNKEYWORD: messages without the keyword `value`. A keyword is an atom
 * (RFC 3501 flag-keyword: ASCII, no space, parenthesis, quote, `\`, `%`,
 * `*`, `]` or control character): anything else fails here with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_unkeyword(struct imapc_search *search,
                                        const char *value,
                                        struct imapc_error **err_out);

/**
 * Add HEADER: the header field `name` contains `value` (an empty value
 * matches every message that has the field). `name` is a header field
 * name (printable ASCII without `:` or space), else
 * `IMAPC_ERR_INVALID_ARGUMENT`; `value` is UTF-8, as for FROM.
 *
 * # Safety
 * `search` is NULL or live; strings NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_header(struct imapc_search *search,
                                     const char *name,
                                     const char *value,
                                     struct imapc_error **err_out);

/**
 * Add SINCE: internal date on or after the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_since(struct imapc_search *search,
                                    int32_t year,
                                    uint32_t month,
                                    uint32_t day,
                                    struct imapc_error **err_out);

/**
 * Add BEFORE: internal date before the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_before(struct imapc_search *search,
                                     int32_t year,
                                     uint32_t month,
                                     uint32_t day,
                                     struct imapc_error **err_out);

/**
 * Add ON: internal date on the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_on(struct imapc_search *search,
                                 int32_t year,
                                 uint32_t month,
                                 uint32_t day,
                                 struct imapc_error **err_out);

/**
 * Add SENTSINCE: Date header on or after the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_sent_since(struct imapc_search *search,
                                         int32_t year,
                                         uint32_t month,
                                         uint32_t day,
                                         struct imapc_error **err_out);

/**
 * Add SENTBEFORE: Date header before the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_sent_before(struct imapc_search *search,
                                          int32_t year,
                                          uint32_t month,
                                          uint32_t day,
                                          struct imapc_error **err_out);

/**
 * Add SENTON: Date header on the day (`year` 1-9999, `month` 1-12, `day` 1-31;
 * days are in the server's time zone). An invalid date fails with
 * `IMAPC_ERR_INVALID_ARGUMENT`.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_sent_on(struct imapc_search *search,
                                      int32_t year,
                                      uint32_t month,
                                      uint32_t day,
                                      struct imapc_error **err_out);

/**
 * Add LARGER: messages larger than `n` bytes.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_larger(struct imapc_search *search,
                                     uint64_t n,
                                     struct imapc_error **err_out);

/**
 * Add SMALLER: messages smaller than `n` bytes.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_smaller(struct imapc_search *search,
                                      uint64_t n,
                                      struct imapc_error **err_out);

/**
 * Add YOUNGER (RFC 5032, capability WITHIN): internal date within the last `n` seconds.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_younger(struct imapc_search *search,
                                      uint32_t n,
                                      struct imapc_error **err_out);

/**
 * Add OLDER (RFC 5032, capability WITHIN): internal date more than `n` seconds ago.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_older(struct imapc_search *search,
                                    uint32_t n,
                                    struct imapc_error **err_out);

/**
 * Add MODSEQ (CONDSTORE): messages whose mod-sequence is `n` or higher.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_modseq(struct imapc_search *search,
                                     uint64_t n,
                                     struct imapc_error **err_out);

/**
 * Add X-GM-RAW (Gmail, capability X-GM-EXT-1): messages matching
 * `query` in Gmail's own search syntax (`"has:attachment
 * older_than:1y"`), as IMAPClient's `gmail_search`. `query` is UTF-8
 * (non-ASCII makes the search use CHARSET UTF-8); it is quoted by the
 * library. A search with a Gmail key on a server without X-GM-EXT-1 fails
 * with `IMAPC_ERR_CAPABILITY_MISSING` before anything is sent.
 *
 * # Safety
 * `search` is NULL or live; `query` NULL or NUL-terminated; `err_out`
 * NULL or writable.
 */
imapc_result imapc_search_add_gmail_raw(struct imapc_search *search,
                                        const char *query,
                                        struct imapc_error **err_out);

/**
 * Add X-GM-MSGID (Gmail, capability X-GM-EXT-1): the message with Gmail
 * message id `id` (see `imapc_message_gm_msgid`).
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_gmail_msgid(struct imapc_search *search,
                                          uint64_t id,
                                          struct imapc_error **err_out);

/**
 * Add X-GM-THRID (Gmail, capability X-GM-EXT-1): the messages of the
 * Gmail thread `id` (see `imapc_message_gm_thrid`).
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_add_gmail_thrid(struct imapc_search *search,
                                          uint64_t id,
                                          struct imapc_error **err_out);

/**
 * Add UID: messages whose UID is in `set` (e.g. `"1:5,9"`, `"10:*"`),
 * whatever the client's `use_uid` says.
 *
 * # Safety
 * `search` is NULL or live; `set` NULL or NUL-terminated; `err_out` NULL
 * or writable.
 */
imapc_result imapc_search_add_uid(struct imapc_search *search,
                                  const char *set,
                                  struct imapc_error **err_out);

/**
 * Replace the most recently added key K with NOT K.
 * `IMAPC_ERR_INVALID_ARGUMENT` when there is no key.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_not(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Replace the two most recently added keys A, B with OR A B.
 * `IMAPC_ERR_INVALID_ARGUMENT` when there are fewer than two.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_or(struct imapc_search *search, struct imapc_error **err_out);

/**
 * Replace the `n` (at least 2) most recently added keys with one
 * parenthesised group meaning all of them, so that `imapc_search_not` or
 * `imapc_search_or` applies to the group. `IMAPC_ERR_INVALID_ARGUMENT`
 * when there are fewer than `n` keys.
 *
 * # Safety
 * `search` is NULL or live; `err_out` NULL or writable.
 */
imapc_result imapc_search_and(struct imapc_search *search, size_t n, struct imapc_error **err_out);

/**
 * SEARCH with a criteria object (borrowed: it stays the caller's and may
 * be reused; an empty one means ALL). Ids are UIDs or sequence numbers
 * per `use_uid`. Caller owns `*ids_out`; free with `imapc_id_list_free`.
 *
 * # Safety
 * `client` and `search` are live; `ids_out` writable; `err_out` NULL or
 * writable.
 */
imapc_result imapc_client_search_criteria(struct imapc_client *client,
                                          const struct imapc_search *search,
                                          struct imapc_id_list **ids_out,
                                          struct imapc_error **err_out);

/**
 * SORT (RFC 5256) with a criteria object: `order` is space-separated
 * sort keys as in `imapc_client_sort` (e.g. `"REVERSE DATE"`); `search`
 * is borrowed as in `imapc_client_search_criteria`. Ids come in sorted
 * order. Caller owns `*ids_out`; free with `imapc_id_list_free`.
 *
 * # Safety
 * `client` and `search` are live; `order` NUL-terminated; `ids_out`
 * writable; `err_out` NULL or writable.
 */
imapc_result imapc_client_sort_criteria(struct imapc_client *client,
                                        const char *order,
                                        const struct imapc_search *search,
                                        struct imapc_id_list **ids_out,
                                        struct imapc_error **err_out);

/**
 * Streaming FETCH in batches: as `imapc_client_fetch_stream`, but the
 * messages and the pieces of sections larger than `stream_threshold`
 * reach `on_batch` several at a time, as `imapc_stream_item`s in server
 * order (a message's pieces before the message). Sections up to the
 * threshold come whole in their message item only (`sections`), not as
 * chunks. `item_version` is `IMAPC_STREAM_ITEM_VERSION`, optionally ORed
 * with `IMAPC_STREAM_WANT_WAIT` (see there).
 *
 * A batch never waits for the network: it is handed over before the
 * client waits for the server, at the end of the command, with each
 * streamed piece, and once it holds 64 messages or about 1 MiB of them.
 * `on_batch` may be NULL (the fetch only counts), runs on the calling
 * thread with `userdata` first, must not call functions on this client,
 * and may return nonzero to stop (see `imapc_batch_callback`). The
 * number of messages goes to `*count_out` (may be NULL).
 *
 * # Safety
 * `client` is live; strings NUL-terminated; the callback valid.
 */
imapc_result imapc_client_fetch_stream_batched(struct imapc_client *client,
                                               const char *set,
                                               const char *items,
                                               uint64_t stream_threshold,
                                               uint32_t item_version,
                                               imapc_batch_callback on_batch,
                                               void *userdata,
                                               size_t *count_out,
                                               struct imapc_error **err_out);

/**
 * As `imapc_client_fetch_stream_batched`, with the messages given as `n`
 * ids.
 *
 * # Safety
 * `ids` holds `n` ids; otherwise as `imapc_client_fetch_stream_batched`.
 */
imapc_result imapc_client_fetch_stream_batched_ids(struct imapc_client *client,
                                                   const uint32_t *ids,
                                                   size_t n,
                                                   const char *items,
                                                   uint64_t stream_threshold,
                                                   uint32_t item_version,
                                                   imapc_batch_callback on_batch,
                                                   void *userdata,
                                                   size_t *count_out,
                                                   struct imapc_error **err_out);

/**
 * Number of nodes (all threads together); 0 for NULL.
 */
size_t imapc_thread_list_count(const struct imapc_thread_list *list);

/**
 * The message id of node `i` (UID or sequence number per `use_uid`), or
 * 0 for a placeholder node standing for a missing parent message, for
 * NULL or out of range.
 */
uint32_t imapc_thread_list_id(const struct imapc_thread_list *list, size_t i);

/**
 * The index of node `i`'s parent (always below `i`), or -1 when node `i`
 * is the root of a thread, for NULL or out of range.
 */
int64_t imapc_thread_list_parent(const struct imapc_thread_list *list, size_t i);

/**
 * The depth of node `i`: 0 for a thread's root, 1 for its children...;
 * 0 for NULL or out of range.
 */
uint32_t imapc_thread_list_depth(const struct imapc_thread_list *list, size_t i);

/**
 * Free a thread list. NULL is allowed.
 */
void imapc_thread_list_free(struct imapc_thread_list *list);

/**
 * THREAD (RFC 5256) with `algorithm` (`"REFERENCES"` or
 * `"ORDEREDSUBJECT"`, as the server's `THREAD=` capabilities allow) over
 * the messages matching `criteria` (raw search keys as in
 * `imapc_client_search`; NULL or `""` means ALL). Caller owns
 * `*threads_out`; free with `imapc_thread_list_free`. Without the
 * capability it fails with `IMAPC_ERR_CAPABILITY_MISSING`.
 *
 * # Safety
 * `client` is live; strings NUL-terminated (criteria may be NULL);
 * `threads_out` writable.
 */
imapc_result imapc_client_thread(struct imapc_client *client,
                                 const char *algorithm,
                                 const char *criteria,
                                 struct imapc_thread_list **threads_out,
                                 struct imapc_error **err_out);

/**
 * As `imapc_client_thread`, with the messages chosen by a criteria object
 * (borrowed as in `imapc_client_search_criteria`; empty means ALL).
 *
 * # Safety
 * `client` and `search` are live; `algorithm` NUL-terminated;
 * `threads_out` writable.
 */
imapc_result imapc_client_thread_criteria(struct imapc_client *client,
                                          const char *algorithm,
                                          const struct imapc_search *search,
                                          struct imapc_thread_list **threads_out,
                                          struct imapc_error **err_out);

/**
 * A new builder: system trust store, host name verified, TLS 1.2 or
 * later. Caller owns it; free with `imapc_tls_config_builder_free`. The
 * system store is read once per process, by the first configuration
 * (built here or a connection's default) that uses it.
 * Returns NULL only if memory ran out.
 */
struct imapc_tls_config_builder *imapc_tls_config_builder_new(void);

/**
 * Free a builder. NULL is allowed.
 *
 * # Safety
 * `b` is NULL or a live builder, not used afterwards.
 */
void imapc_tls_config_builder_free(struct imapc_tls_config_builder *b);

/**
 * Trust the CA certificates of a PEM file. Adding a CA replaces the
 * system store unless `imapc_tls_config_builder_use_system_roots` turns
 * it back on. A self-signed server's own certificate may be given here
 * too: a server presenting exactly that certificate is trusted (its dates
 * and, unless turned off, its host name still checked). Fails with
 * `IMAPC_ERR_TLS_CONFIG` for an unreadable file or bad PEM.
 *
 * # Safety
 * `b` is a live builder; `path` a NUL-terminated string.
 */
imapc_result imapc_tls_config_builder_add_ca_file(struct imapc_tls_config_builder *b,
                                                  const char *path,
                                                  struct imapc_error **err_out);

/**
 * Trust the CA certificates in PEM bytes (`pem`, `len`), as
 * `imapc_tls_config_builder_add_ca_file`. Borrowed for the call only.
 *
 * # Safety
 * `b` is a live builder; `pem` points to `len` readable bytes.
 */
imapc_result imapc_tls_config_builder_add_ca_pem(struct imapc_tls_config_builder *b,
                                                 const uint8_t *pem,
                                                 size_t len,
                                                 struct imapc_error **err_out);

/**
 * Also trust the system store (on by default only when no CA was added).
 *
 * # Safety
 * `b` is NULL or a live builder.
 */
imapc_result imapc_tls_config_builder_use_system_roots(struct imapc_tls_config_builder *b,
                                                       bool yes,
                                                       struct imapc_error **err_out);

/**
 * DANGEROUS: stop checking that the certificate names the host (the
 * chain is still verified against the trusted CAs). Anyone holding any
 * certificate from a trusted CA can impersonate the server. A warning is
 * logged at every connection made with it.
 *
 * # Safety
 * `b` is NULL or a live builder.
 */
imapc_result imapc_tls_config_builder_dangerous_disable_hostname_verification(struct imapc_tls_config_builder *b,
                                                                              struct imapc_error **err_out);

/**
 * DANGEROUS: accept any certificate. Anyone on the network path can read
 * and change the session, passwords included. A warning is logged at
 * every connection. For tests only.
 *
 * # Safety
 * `b` is NULL or a live builder.
 */
imapc_result imapc_tls_config_builder_dangerous_disable_verification(struct imapc_tls_config_builder *b,
                                                                     struct imapc_error **err_out);

/**
 * Present a client certificate: the chain and the private key, both PEM.
 * Borrowed for the call only.
 *
 * # Safety
 * `b` is a live builder; each buffer has its length readable.
 */
imapc_result imapc_tls_config_builder_set_client_cert(struct imapc_tls_config_builder *b,
                                                      const uint8_t *chain_pem,
                                                      size_t chain_len,
                                                      const uint8_t *key_pem,
                                                      size_t key_len,
                                                      struct imapc_error **err_out);

/**
 * The lowest TLS version accepted: `IMAPC_TLS_VERSION_1_2` (default) or
 * `IMAPC_TLS_VERSION_1_3`.
 *
 * # Safety
 * `b` is NULL or a live builder.
 */
imapc_result imapc_tls_config_builder_set_min_version(struct imapc_tls_config_builder *b,
                                                      uint32_t version,
                                                      struct imapc_error **err_out);

/**
 * Finish: write an immutable configuration to `*config_out`. The builder
 * is not consumed (free it separately) and may build again. Caller owns
 * the config; free with `imapc_tls_config_free`.
 *
 * # Safety
 * `b` is a live builder; `config_out` is writable.
 */
imapc_result imapc_tls_config_builder_build(const struct imapc_tls_config_builder *b,
                                            const struct imapc_tls_config **config_out,
                                            struct imapc_error **err_out);

/**
 * Release the caller's reference to a configuration. Clients and options
 * that use it keep their own. NULL is allowed.
 *
 * # Safety
 * `config` is NULL or came from `imapc_tls_config_builder_build` and was
 * not freed yet.
 */
void imapc_tls_config_free(const struct imapc_tls_config *config);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IMAPCLIENT_H */
