#define _POSIX_C_SOURCE 200809L
/* structure: every envelope, address and body-part getter of the C ABI
 * against what Dovecot parses out of one crafted message. Until now the C
 * examples read a few of them (subject, from, type, children) and the rest
 * were only unit-tested on hand-made structures; here each getter must
 * return exactly what the message says, fetched both buffered and
 * streamed (the two paths build their views apart).
 *
 * The message: a multipart/mixed with
 *   1   text/plain; charset=utf-8; format=flowed, quoted-printable,
 *       Content-Language: de, en
 *   2   text/html with Content-ID, Content-Description, Content-Location
 *   3   application/pdf attachment (base64, disposition parameters,
 *       Content-MD5)
 *   4   message/rfc822 holding its own envelope and a multipart/alternative
 *       (4.1 text/plain, 4.2 text/html)
 * and every envelope field set, with an RFC 2047 subject and name, a group
 * in To, Cc, Bcc, Reply-To, Sender, In-Reply-To. */
#include "common.h"

#define FOLDER "StructureTest"

static const char MSG[] =
    "Date: Tue, 03 Nov 2026 14:05:09 +0100\r\n"
    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>\r\n"
    "Sender: Mail Robot <robot@lists.example.org>\r\n"
    "Reply-To: Replies <replies@example.org>\r\n"
    "To: Team: alice@example.org, bob@example.net;, carol@example.com\r\n"
    "Cc: \"Dave D.\" <dave@example.org>\r\n"
    "Bcc: eve@example.org\r\n"
    "Subject: =?UTF-8?B?QmVyaWNodCDDvGJlciBkaWUgU3RydWt0dXI=?=\r\n"
    "In-Reply-To: <earlier@example.org>\r\n"
    "Message-ID: <structure-1@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "Content-Language: de, en\r\n"
    "\r\n"
    "Gr=C3=BC=C3=9Fe,\r\n"
    "the report.\r\n"
    "--outer\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "Content-ID: <html-part@example.org>\r\n"
    "Content-Description: The report as HTML\r\n"
    "Content-Location: http://example.org/report.html\r\n"
    "\r\n"
    "<p>the report</p>\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"; size=12\r\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
    "\r\n"
    "JVBERi0xLjQKJeLjz9MK\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: Inner Sender <inner@example.org>\r\n"
    "To: juergen@example.org\r\n"
    /* Raw UTF-8 (no RFC 2047 word): Dovecot sends it as a literal inside
       BODYSTRUCTURE, which streaming with threshold 0 must leave there. */
    "Subject: the forwarded one, \xc3\xbcml\xc3\xa4ut\r\n"
    "Message-ID: <inner-1@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "inner text\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "\r\n"
    "<b>inner</b>\r\n"
    "--inner--\r\n"
    "--outer--\r\n";

#define NUL(got) CHECK((got) == NULL, "%s: \"%s\", want NULL", #got, (got) ? (got) : "")

static void address(const imapc_address_list *l, size_t i, const char *name, const char *mailbox,
                    const char *host)
{
    const imapc_address *a = imapc_address_list_get(l, i);
    CHECK(a != NULL, "address %zu of %zu", i, imapc_address_list_count(l));
    if (name)
        STR(imapc_address_name(a), name);
    else
        NUL(imapc_address_name(a));
    if (mailbox)
        STR(imapc_address_mailbox(a), mailbox);
    else
        NUL(imapc_address_mailbox(a));
    if (host)
        STR(imapc_address_host(a), host);
    else
        NUL(imapc_address_host(a));
    NUL(imapc_address_route(a));
}

static void check_envelope(const imapc_envelope *e)
{
    const imapc_address_list *to;
    int64_t t = 0;
    int32_t off = 0;
    CHECK(e != NULL, "an envelope");
    STR(imapc_envelope_subject(e), "Bericht \xc3\xbc" "ber die Struktur");
    STR(imapc_envelope_date_raw(e), "Tue, 03 Nov 2026 14:05:09 +0100");
    CHECK(imapc_envelope_date(e, &t, &off), "the date parses");
    CHECK(t == 1793711109 && off == 60, "date %lld %+d", (long long)t, (int)off);
    STR(imapc_envelope_in_reply_to(e), "<earlier@example.org>");
    STR(imapc_envelope_message_id(e), "<structure-1@example.org>");

    CHECK(imapc_address_list_count(imapc_envelope_from(e)) == 1, "one From");
    address(imapc_envelope_from(e), 0, "J\xc3\xbcrgen M\xc3\xbcller", "juergen", "example.org");
    STR(imapc_address_email(imapc_address_list_get(imapc_envelope_from(e), 0)),
        "juergen@example.org");
    address(imapc_envelope_sender(e), 0, "Mail Robot", "robot", "lists.example.org");
    address(imapc_envelope_reply_to(e), 0, "Replies", "replies", "example.org");
    address(imapc_envelope_cc(e), 0, "Dave D.", "dave", "example.org");
    address(imapc_envelope_bcc(e), 0, NULL, "eve", "example.org");

    /* The group: its start (mailbox = the group's name, no host), its
     * members, its end (neither), then the plain address. */
    to = imapc_envelope_to(e);
    CHECK(imapc_address_list_count(to) == 5, "%zu To entries", imapc_address_list_count(to));
    address(to, 0, NULL, "Team", NULL);
    address(to, 1, NULL, "alice", "example.org");
    address(to, 2, NULL, "bob", "example.net");
    address(to, 3, NULL, NULL, NULL);
    address(to, 4, NULL, "carol", "example.com");
    CHECK(imapc_address_list_get(to, 5) == NULL, "out of range");
}

static void check_structure(const imapc_body_part *root)
{
    const imapc_body_part *p, *inner;
    const imapc_string_list *langs;
    CHECK(root != NULL, "a body structure");
    STR(imapc_body_part_type(root), "multipart");
    STR(imapc_body_part_subtype(root), "mixed");
    STR(imapc_body_part_number(root), "");
    STR(imapc_body_part_param(root, "boundary"), "outer");
    CHECK(imapc_body_part_child_count(root) == 4, "%zu parts", imapc_body_part_child_count(root));
    CHECK(imapc_body_part_child(root, 4) == NULL, "out of range");
    CHECK(imapc_body_part_size(root) == 0, "a multipart has no size");

    /* 1: text/plain */
    p = imapc_body_part_child(root, 0);
    CHECK(imapc_body_part_find(root, "1") == p, "find 1");
    STR(imapc_body_part_number(p), "1");
    STR(imapc_body_part_type(p), "text");
    STR(imapc_body_part_subtype(p), "plain");
    CHECK(imapc_body_part_param_count(p) == 2, "%zu params", imapc_body_part_param_count(p));
    STR(imapc_body_part_param(p, "charset"), "utf-8");
    STR(imapc_body_part_param(p, "FORMAT"), "flowed"); /* names in any case */
    NUL(imapc_body_part_param(p, "name"));
    STR(imapc_body_part_param_name(p, 0), "charset"); /* lower case, whatever was sent */
    STR(imapc_body_part_param_value(p, 1), "flowed");
    NUL(imapc_body_part_param_name(p, 2));
    NUL(imapc_body_part_param_value(p, 2));
    STR(imapc_body_part_encoding(p), "quoted-printable"); /* as sent: Dovecot keeps the header's case */
    CHECK(imapc_body_part_size(p) == 29, "size %llu", (unsigned long long)imapc_body_part_size(p));
    CHECK(imapc_body_part_lines(p) == 1, "lines %llu", /* Dovecot counts the line breaks */
          (unsigned long long)imapc_body_part_lines(p));
    langs = imapc_body_part_languages(p);
    CHECK(imapc_string_list_count(langs) == 2, "%zu languages", imapc_string_list_count(langs));
    STR(imapc_string_list_get(langs, 0), "de");
    STR(imapc_string_list_get(langs, 1), "en");
    NUL(imapc_body_part_id(p));
    NUL(imapc_body_part_disposition(p));
    CHECK(imapc_body_part_child_count(p) == 0, "a leaf");
    CHECK(imapc_body_part_message_envelope(p) == NULL && imapc_body_part_message_body(p) == NULL,
          "not a message/rfc822");

    /* 2: text/html with id, description, location */
    p = imapc_body_part_find(root, "2");
    CHECK(p == imapc_body_part_child(root, 1), "find 2");
    STR(imapc_body_part_subtype(p), "html");
    STR(imapc_body_part_id(p), "<html-part@example.org>");
    STR(imapc_body_part_description(p), "The report as HTML");
    STR(imapc_body_part_location(p), "http://example.org/report.html");
    STR(imapc_body_part_encoding(p), "7bit"); /* the default, in Dovecot's case */
    CHECK(imapc_string_list_count(imapc_body_part_languages(p)) == 0, "no languages");

    /* 3: the attachment */
    p = imapc_body_part_find(root, "3");
    STR(imapc_body_part_type(p), "application");
    STR(imapc_body_part_subtype(p), "pdf");
    STR(imapc_body_part_param(p, "name"), "report.pdf");
    STR(imapc_body_part_encoding(p), "base64");
    STR(imapc_body_part_disposition(p), "attachment");
    STR(imapc_body_part_disposition_param(p, "filename"), "report.pdf");
    STR(imapc_body_part_disposition_param(p, "size"), "12");
    NUL(imapc_body_part_disposition_param(p, "creation-date"));
    STR(imapc_body_part_md5(p), "Q2hlY2sgSW50ZWdyaXR5IQ==");
    CHECK(imapc_body_part_size(p) == 20, "size %llu", (unsigned long long)imapc_body_part_size(p));
    CHECK(imapc_body_part_lines(p) == 0, "no line count for application/*");

    /* 4: the forwarded message, its envelope and its own structure */
    p = imapc_body_part_find(root, "4");
    STR(imapc_body_part_type(p), "message");
    STR(imapc_body_part_subtype(p), "rfc822");
    CHECK(imapc_body_part_lines(p) > 0, "a message/rfc822 counts lines");
    STR(imapc_envelope_subject(imapc_body_part_message_envelope(p)),
        "the forwarded one, \xc3\xbcml\xc3\xa4ut");
    STR(imapc_envelope_message_id(imapc_body_part_message_envelope(p)), "<inner-1@example.org>");
    address(imapc_envelope_from(imapc_body_part_message_envelope(p)), 0, "Inner Sender", "inner",
            "example.org");
    inner = imapc_body_part_message_body(p);
    STR(imapc_body_part_type(inner), "multipart");
    STR(imapc_body_part_subtype(inner), "alternative");
    STR(imapc_body_part_number(inner), "4"); /* the enclosed body is part 4's */
    CHECK(imapc_body_part_child_count(inner) == 2, "two alternatives");
    STR(imapc_body_part_number(imapc_body_part_child(inner, 0)), "4.1");
    STR(imapc_body_part_number(imapc_body_part_child(inner, 1)), "4.2");
    CHECK(imapc_body_part_find(root, "4.2") == imapc_body_part_child(inner, 1), "find 4.2");
    STR(imapc_body_part_subtype(imapc_body_part_find(root, "4.2")), "html");
    CHECK(imapc_body_part_find(root, "5") == NULL && imapc_body_part_find(root, "4.3") == NULL &&
              imapc_body_part_find(root, "x") == NULL && imapc_body_part_find(root, NULL) == NULL,
          "no such parts");
}

struct seen {
    int messages;
};

static int on_message(void *userdata, const imapc_message *m)
{
    struct seen *s = userdata;
    check_envelope(imapc_message_envelope(m));
    check_structure(imapc_message_body_structure(m));
    s->messages++;
    return 0;
}

/* Chunk names of a streamed partial fetch, in order. */
struct ranges {
    char names[4][32];
    size_t n;
};

static int on_range_chunk(void *userdata, uint32_t seq, uint32_t uid, const char *section,
                          uint64_t offset, uint64_t total, const uint8_t *data, size_t len)
{
    struct ranges *r = userdata;
    (void)seq, (void)uid, (void)total, (void)data, (void)len;
    if (offset == 0 && r->n < 4) snprintf(r->names[r->n++], sizeof r->names[0], "%s", section);
    return 0;
}

/* Two ranges of one section and the whole of it in one FETCH: three
 * sections, each found by its name as requested. Before, the second range
 * replaced the first under the name "BODY[]". */
static void check_partial_ranges(imapc_client *c)
{
    imapc_message_list *l = NULL;
    const imapc_message *m;
    const uint8_t *full, *a, *b;
    size_t full_len, a_len, b_len, n = 0;
    struct ranges r = {0};

    TRY(imapc_client_fetch(c, "1", "BODY.PEEK[]<0.10> BODY.PEEK[]<10.10> BODY.PEEK[]", &l, ERR));
    m = imapc_message_list_get(l, 0);
    CHECK(m && imapc_message_section_count(m) == 3, "three sections");
    CHECK(streq(imapc_message_section_name(m, 0), "BODY[]<0>"), "name 0: %s",
          imapc_message_section_name(m, 0));
    CHECK(streq(imapc_message_section_name(m, 1), "BODY[]<10>"), "name 1: %s",
          imapc_message_section_name(m, 1));
    CHECK(streq(imapc_message_section_name(m, 2), "BODY[]"), "name 2: %s",
          imapc_message_section_name(m, 2));
    CHECK(imapc_message_section(m, "BODY[]", &full, &full_len) && full_len > 20, "whole body");
    CHECK(imapc_message_section(m, "BODY.PEEK[]<0.10>", &a, &a_len) && a_len == 10 &&
              memcmp(a, full, 10) == 0,
          "first range");
    CHECK(imapc_message_section(m, "BODY.PEEK[]<10.10>", &b, &b_len) && b_len == 10 &&
              memcmp(b, full + 10, 10) == 0,
          "second range");
    imapc_message_list_free(l);

    /* A range alone is not the whole section. */
    TRY(imapc_client_fetch(c, "1", "BODY.PEEK[]<0.10>", &l, ERR));
    CHECK(!imapc_message_section(imapc_message_list_get(l, 0), "BODY[]", &a, &a_len),
          "a range is not BODY[]");
    imapc_message_list_free(l);

    /* Streamed (threshold 0: every section in chunks): the same names. */
    TRY(imapc_client_fetch_stream(c, "1", "BODY.PEEK[]<0.10> BODY.PEEK[]<10.10>", 0, NULL,
                                  on_range_chunk, &r, &n, ERR));
    CHECK(r.n == 2 && streq(r.names[0], "BODY[]<0>") && streq(r.names[1], "BODY[]<10>"),
          "streamed range names: %zu %s %s", r.n, r.names[0], r.names[1]);
    printf("partial ranges: one section each, found by name\n");
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_message_list *l = NULL;
    struct seen s = {0};
    size_t n = 0;

    fresh_folder_with_copies(c, FOLDER, MSG, 1);
    TRY(imapc_client_select(c, FOLDER, NULL, ERR));

    TRY(imapc_client_fetch(c, "1:*", "ENVELOPE BODYSTRUCTURE", &l, ERR));
    CHECK(imapc_message_list_count(l) == 1, "one message");
    check_envelope(imapc_message_envelope(imapc_message_list_get(l, 0)));
    check_structure(imapc_message_body_structure(imapc_message_list_get(l, 0)));
    imapc_message_list_free(l);
    printf("buffered: every getter as the message says\n");

    TRY(imapc_client_fetch_stream(c, "1:*", "ENVELOPE BODYSTRUCTURE", 0, on_message, NULL, &s, &n,
                                  ERR));
    CHECK(n == 1 && s.messages == 1, "one streamed message");
    printf("streamed: the same\n");

    check_partial_ranges(c);

    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("structure: OK\n");
    return 0;
}
