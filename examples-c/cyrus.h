/* Shared parts of the C tests against the private Cyrus IMAP (cyrus.c,
 * cyrus_messages.c): run-with-cyrus.sh has pointed IMAP_* at it (IMAP_TLS
 * none: the plaintext port, whose LOGIN Cyrus allows). tests/cyrus.rs is
 * the map of what this Cyrus does; these check the same through the C
 * getters. Every test works in folders of its own (the personal
 * namespace's prefix, then the tag and the process id), because the Rust
 * and Go suites use the same user's mailboxes. */
#ifndef IMAPC_EXAMPLES_CYRUS_H
#define IMAPC_EXAMPLES_CYRUS_H

#include <unistd.h>

#include "common.h"

/* The test message of tests/cyrus.rs: multipart/mixed with a
 * quoted-printable UTF-8 text part and a base64 attachment, an RFC 2047
 * subject and display name. */
static const char MIME[] =
    "Date: Tue, 14 May 2024 09:30:00 +0200\r\n"
    "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>\r\n"
    "To: Anna <anna@example.com>, bob@example.net\r\n"
    "Cc: \"Team, Ops\" <ops@example.com>\r\n"
    "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaCDimJU=?=\r\n"
    "Message-ID: <mime-1@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"=-b0undary-=\"\r\n"
    "\r\n"
    "This is a multi-part message in MIME format.\r\n"
    "--=-b0undary-=\r\n"
    "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Gr=C3=BC=C3=9Fe aus Z=C3=BCrich, die Rechnung liegt bei.\r\n"
    "\r\n"
    "--=-b0undary-=\r\n"
    "Content-Type: application/octet-stream; name=\"daten.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"daten.bin\"\r\n"
    "\r\n"
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n"
    "--=-b0undary-=--\r\n";

/* The subject above, decoded. */
#define MIME_SUBJECT "Gr\xc3\xbc\xc3\x9f" "e aus Z\xc3\xbcrich \xe2\x98\x95"

/* The personal namespace's prefix as NAMESPACE gives it ("INBOX." on this
 * Cyrus), into buf. */
static inline void personal_prefix(imapc_client *c, char *buf, size_t size)
{
    imapc_string_list *personal = NULL;
    TRY(imapc_client_namespace(c, &personal, NULL, NULL, ERR));
    CHECK(imapc_string_list_count(personal) >= 2, "a personal namespace");
    snprintf(buf, size, "%s", imapc_string_list_get(personal, 0));
    imapc_string_list_free(personal);
}

/* "<prefix><tag>-c<pid>" into buf, created (an interrupted run's deleted
 * first). */
static inline void new_folder(imapc_client *c, const char *tag, char *buf, size_t size)
{
    char prefix[64];
    personal_prefix(c, prefix, sizeof prefix);
    snprintf(buf, size, "%s%s-c%ld", prefix, tag, (long)getpid());
    imapc_client_delete_folder(c, buf, NULL);
    TRY(imapc_client_create_folder(c, buf, ERR));
}

/* A small message with this subject and Message-ID <id@example.org>, a
 * reply to <refs@example.org> when refs is not NULL; into buf. */
static inline size_t simple_message(char *buf, size_t size, const char *subject, const char *id,
                                    const char *refs)
{
    int n;
    if (refs)
        n = snprintf(buf, size,
                     "From: sender@example.org\r\nTo: test@example.org\r\nSubject: %s\r\n"
                     "Message-ID: <%s@example.org>\r\nReferences: <%s@example.org>\r\n"
                     "In-Reply-To: <%s@example.org>\r\n\r\nbody of %s\r\n",
                     subject, id, refs, refs, subject);
    else
        n = snprintf(buf, size,
                     "From: sender@example.org\r\nTo: test@example.org\r\nSubject: %s\r\n"
                     "Message-ID: <%s@example.org>\r\n\r\nbody of %s\r\n",
                     subject, id, subject);
    CHECK(n > 0 && (size_t)n < size, "message too long");
    return (size_t)n;
}

/* APPEND a simple message with flags (may be NULL); returns its UID. */
static inline uint32_t append_simple(imapc_client *c, const char *folder, const char *subject,
                                     const char *id, const char *refs, const char *flags)
{
    char msg[512];
    size_t n = simple_message(msg, sizeof msg, subject, id, refs);
    uint32_t uid = 0;
    TRY(imapc_client_append(c, folder, (const uint8_t *)msg, n, flags, NULL, 0, &uid, ERR));
    return uid;
}

/* The ids as "1,2,5" into buf, and the list freed; buf is returned. */
static inline const char *ids_text(imapc_id_list *ids, char *buf, size_t size)
{
    size_t i, used = 0;
    buf[0] = '\0';
    for (i = 0; i < imapc_id_list_count(ids) && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? "," : "",
                                 imapc_id_list_get(ids, i));
    imapc_id_list_free(ids);
    return buf;
}

/* The ids of a SEARCH with raw criteria, as "1,2,3" into buf (ids sorted
 * by the server; "" for none). */
static inline const char *search_ids(imapc_client *c, const char *criteria, char *buf,
                                     size_t size)
{
    imapc_id_list *ids = NULL;
    TRY(imapc_client_search(c, criteria, &ids, ERR));
    return ids_text(ids, buf, size);
}

/* The response code `got` is `want`; NULL: none. */
static inline int rcode_is(const char *got, const char *want)
{
    return want ? streq(got, want) : got == NULL;
}

/* Expect `call` (passing ERR) to fail with `code` and response code
 * `rcode` (NULL: none), not fatally, its message containing `text`. */
#define REFUSED_WITH(call, code, rcode, text)                                           \
    do {                                                                                \
        imapc_error *err_ = NULL;                                                       \
        imapc_result rc_ = (call);                                                      \
        const char *rc_code_ = err_ ? imapc_error_response_code(err_) : NULL;           \
        CHECK(rc_ == (code), "%s gave %s: %s", #call, imapc_error_name(rc_),            \
              err_ ? imapc_error_message(err_) : "-");                                  \
        CHECK(rcode_is(rc_code_, (rcode)),                                              \
              "%s: response code %s", #call, rc_code_ ? rc_code_ : "(none)");           \
        CHECK(strstr(imapc_error_message(err_), (text)) != NULL, "%s: message \"%s\"",  \
              #call, imapc_error_message(err_));                                        \
        CHECK(!imapc_error_is_fatal(err_), "%s: fatal", #call);                         \
        imapc_error_free(err_);                                                         \
    } while (0)

#endif
