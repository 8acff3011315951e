#define _POSIX_C_SOURCE 200809L
/* cyrus_messages: messages through the C ABI against a real Cyrus IMAP 3.6
 * (see cyrus.c for how it is reached).
 *
 * 1. APPEND of the MIME message of tests/cyrus.rs with flags and an
 *    INTERNALDATE at +0200 (UID 1 from APPENDUID), MULTIAPPEND of two more
 *    (UIDs 2 and 3, the folder's UIDVALIDITY).
 * 2. FETCH of it: flags, size, the bytes of BODY[] identical to those
 *    appended, INTERNALDATE the same instant (Cyrus answers in its own
 *    zone), the envelope (RFC 2047 subject and name decoded, addresses),
 *    the body structure, whose MIME types Cyrus sends in upper case and
 *    the getters give in lower case, and a part by number; a message
 *    with a NUL byte (sent as a literal8) comes back whole.
 * 3. The streaming fetch: a 300 kB message in pieces and the MIME one,
 *    reassembled identical.
 * 4. SEARCH with UTF-8 terms (CHARSET UTF-8) and flags, SORT, THREAD
 *    REFERENCES and ORDEREDSUBJECT.
 * 5. STORE: flags added, removed, replaced, as echoed and as fetched;
 *    EXAMINE refuses STORE (IMAPC_ERR_READ_ONLY).
 * 6. COPY and MOVE with COPYUID.
 * 7. IDLE hears an EXPUNGE made by a second connection on a thread.
 *
 * Usage: run-with-cyrus.sh cyrus_messages */
#include <pthread.h>
#include <strings.h>

#include "cyrus.h"

/* 14-May-2024 09:31:07 +0200 */
#define APPEND_TIME 1715671867
#define APPEND_OFFSET 120

static void append_mime(imapc_client *c, const char *folder, uint32_t *uidvalidity)
{
    int64_t t = APPEND_TIME;
    uint32_t uid = 0, v = 0;
    char a[256], b[256];
    imapc_append_message msgs[2];
    imapc_id_list *uids = NULL;
    imapc_mailbox_state *st = NULL;

    TRY(imapc_client_append(c, folder, (const uint8_t *)MIME, sizeof MIME - 1,
                            "\\Flagged $Label1", &t, APPEND_OFFSET, &uid, ERR));
    CHECK(uid == 1, "APPENDUID gave UID %u", uid);
    memset(msgs, 0, sizeof msgs);
    msgs[0].data = (const uint8_t *)a;
    msgs[0].len = simple_message(a, sizeof a, "two", "ma2", NULL);
    msgs[1].data = (const uint8_t *)b;
    msgs[1].len = simple_message(b, sizeof b, "three", "ma3", NULL);
    msgs[1].flags = "\\Draft";
    TRY(imapc_client_multiappend(c, folder, msgs, 2, IMAPC_APPEND_MESSAGE_VERSION, &uids, &v, ERR));
    CHECK(imapc_id_list_count(uids) == 2 && imapc_id_list_get(uids, 0) == 2 &&
              imapc_id_list_get(uids, 1) == 3,
          "MULTIAPPEND UIDs");
    imapc_id_list_free(uids);
    TRY(imapc_client_examine(c, folder, &st, ERR));
    CHECK(v != 0 && v == imapc_mailbox_state_uid_validity(st), "APPENDUID's UIDVALIDITY %u", v);
    CHECK(imapc_mailbox_state_exists(st) == 3, "3 messages");
    *uidvalidity = v;
    imapc_mailbox_state_free(st);
    printf("1. APPEND UID 1, MULTIAPPEND UIDs 2 and 3 (UIDVALIDITY %u)\n", v);
}

static void address(const imapc_address_list *l, size_t i, const char *name, const char *email)
{
    const imapc_address *a = imapc_address_list_get(l, i);
    CHECK(a != NULL, "address %zu of %zu", i, imapc_address_list_count(l));
    if (name)
        STR(imapc_address_name(a), name);
    else
        CHECK(imapc_address_name(a) == NULL, "no name: %s", imapc_address_name(a));
    STR(imapc_address_email(a), email);
}

/* The encoding as sent: any case. */
static void encoding(const imapc_body_part *p, const char *want)
{
    const char *got = imapc_body_part_encoding(p);
    CHECK(got && strcasecmp(got, want) == 0, "encoding %s, want %s", got ? got : "(NULL)", want);
}

static void fetch_mime(imapc_client *c, const char *folder)
{
    imapc_message_list *l = NULL;
    const imapc_message *m;
    const imapc_envelope *e;
    const imapc_body_part *root, *p;
    const uint8_t *data = NULL;
    size_t len = 0;
    int64_t t = 0;
    int32_t off = -1;

    TRY(imapc_client_fetch(c, "1", "FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[]",
                           &l, ERR));
    CHECK(imapc_message_list_count(l) == 1, "one message");
    m = imapc_message_list_get(l, 0);
    CHECK(imapc_message_error_count(m) == 0, "every item parsed");
    CHECK(imapc_message_uid(m) == 1, "UID %u", imapc_message_uid(m));
    CHECK(imapc_message_has_flag(m, "\\Flagged") && imapc_message_has_flag(m, "$Label1"),
          "the flags given to APPEND");
    CHECK(!imapc_message_has_flag(m, "\\Seen"), "BODY.PEEK sets no \\Seen");
    CHECK(imapc_message_size(m) == sizeof MIME - 1, "size %llu",
          (unsigned long long)imapc_message_size(m));
    CHECK(imapc_message_section(m, "BODY[]", &data, &len), "BODY[]");
    CHECK(len == sizeof MIME - 1 && memcmp(data, MIME, len) == 0, "the bytes appended (%zu)", len);
    /* The instant given, whatever zone Cyrus shows it in (its own). */
    CHECK(imapc_message_internal_date(m, &t, &off), "INTERNALDATE");
    CHECK(t == APPEND_TIME, "INTERNALDATE %lld, want %d", (long long)t, APPEND_TIME);

    e = imapc_message_envelope(m);
    CHECK(e != NULL, "an envelope");
    STR(imapc_envelope_subject(e), MIME_SUBJECT);
    STR(imapc_envelope_message_id(e), "<mime-1@example.org>");
    {
        int64_t dt = 0;
        int32_t doff = 0;
        CHECK(imapc_envelope_date(e, &dt, &doff) && dt == 1715671800 && doff == 120,
              "Date %lld %+d", (long long)dt, (int)doff);
    }
    CHECK(imapc_address_list_count(imapc_envelope_from(e)) == 1, "one From");
    address(imapc_envelope_from(e), 0, "J\xc3\xb6rg M\xc3\xbcller", "joerg@example.org");
    /* Sender and Reply-To default to From (RFC 3501 7.4.2). */
    address(imapc_envelope_sender(e), 0, "J\xc3\xb6rg M\xc3\xbcller", "joerg@example.org");
    address(imapc_envelope_reply_to(e), 0, "J\xc3\xb6rg M\xc3\xbcller", "joerg@example.org");
    CHECK(imapc_address_list_count(imapc_envelope_to(e)) == 2, "two To");
    address(imapc_envelope_to(e), 0, "Anna", "anna@example.com");
    address(imapc_envelope_to(e), 1, NULL, "bob@example.net");
    CHECK(imapc_address_list_count(imapc_envelope_cc(e)) == 1, "one Cc");
    address(imapc_envelope_cc(e), 0, "Team, Ops", "ops@example.com");
    CHECK(imapc_address_list_count(imapc_envelope_bcc(e)) == 0, "no Bcc");

    /* Cyrus: ("TEXT" "PLAIN" ("CHARSET" "utf-8" ...) ... "QUOTED-PRINTABLE"
     * ...) ... "MIXED" ("BOUNDARY" ...): types in lower case here. */
    root = imapc_message_body_structure(m);
    CHECK(root != NULL, "a body structure");
    STR(imapc_body_part_type(root), "multipart");
    STR(imapc_body_part_subtype(root), "mixed");
    STR(imapc_body_part_param(root, "boundary"), "=-b0undary-=");
    CHECK(imapc_body_part_child_count(root) == 2, "%zu parts", imapc_body_part_child_count(root));
    p = imapc_body_part_child(root, 0);
    STR(imapc_body_part_number(p), "1");
    STR(imapc_body_part_type(p), "text");
    STR(imapc_body_part_subtype(p), "plain");
    STR(imapc_body_part_param(p, "charset"), "utf-8");
    STR(imapc_body_part_param(p, "format"), "flowed");
    /* Cyrus sends the names in upper case; they come in lower case, as
     * in Go's Params. */
    STR(imapc_body_part_param_name(p, 0), "charset");
    STR(imapc_body_part_param_name(p, 1), "format");
    encoding(p, "quoted-printable");
    /* RFC 2046: the CRLF before a boundary belongs to the boundary. */
    CHECK(imapc_body_part_size(p) == 58 && imapc_body_part_lines(p) == 1, "size %llu lines %llu",
          (unsigned long long)imapc_body_part_size(p), (unsigned long long)imapc_body_part_lines(p));
    CHECK(imapc_body_part_disposition(p) == NULL, "no disposition");
    p = imapc_body_part_find(root, "2");
    CHECK(p == imapc_body_part_child(root, 1), "part 2");
    STR(imapc_body_part_type(p), "application");
    STR(imapc_body_part_subtype(p), "octet-stream");
    STR(imapc_body_part_param(p, "name"), "daten.bin");
    encoding(p, "base64");
    STR(imapc_body_part_disposition(p), "attachment");
    STR(imapc_body_part_disposition_param(p, "filename"), "daten.bin");
    CHECK(imapc_body_part_size(p) == 44, "size %llu", (unsigned long long)imapc_body_part_size(p));
    imapc_message_list_free(l);

    /* The attachment by its part number, still without \Seen. */
    TRY(imapc_client_fetch(c, "1", "FLAGS BODY.PEEK[2]", &l, ERR));
    m = imapc_message_list_get(l, 0);
    CHECK(imapc_message_section(m, "BODY[2]", &data, &len), "BODY[2]");
    CHECK(len == 44 && memcmp(data, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 44) == 0,
          "part 2: %.*s", (int)len, (const char *)data);
    CHECK(!imapc_message_has_flag(m, "\\Seen"), "still unseen");
    imapc_message_list_free(l);
    /* A NUL in the body goes as a literal8 (BINARY) and comes back. */
    {
        static const char nul[] = "Subject: nul\r\n\r\na\0b\r\n";
        uint32_t uid = 0;
        TRY(imapc_client_append(c, folder, (const uint8_t *)nul, sizeof nul - 1, NULL, NULL, 0,
                                &uid, ERR));
        CHECK(uid == 4, "UID %u", uid);
        TRY(imapc_client_fetch(c, "4", "BODY.PEEK[]", &l, ERR));
        CHECK(imapc_message_section(imapc_message_list_get(l, 0), "BODY[]", &data, &len), "BODY[]");
        CHECK(len == sizeof nul - 1 && memcmp(data, nul, len) == 0, "the NUL message (%zu bytes)",
              len);
        imapc_message_list_free(l);
    }
    printf("2. FETCH: bytes, INTERNALDATE (shown at %+d min), envelope, structure\n", (int)off);
}

struct streamed {
    char *body[2];
    size_t len[2];
    uint32_t uid[2];
    uint64_t size[2];
    size_t messages, chunks;
    int bad; /* a chunk out of order, or for an unknown UID */
};

static int on_message(void *userdata, const imapc_message *m)
{
    struct streamed *s = userdata;
    if (s->messages < 2) {
        s->uid[s->messages] = imapc_message_uid(m);
        s->size[s->messages] = imapc_message_size(m);
    }
    s->messages++;
    return 0;
}

static int on_chunk(void *userdata, uint32_t seq, uint32_t uid, const char *section,
                    uint64_t offset, uint64_t total, const uint8_t *data, size_t len)
{
    struct streamed *s = userdata;
    size_t i = uid - 1;
    (void)seq;
    if (uid < 1 || uid > 2 || strcmp(section, "BODY[]") != 0 || offset != s->len[i] ||
        offset + len > total) {
        s->bad = 1;
        return 1;
    }
    s->body[i] = realloc(s->body[i], s->len[i] + len);
    CHECK(s->body[i] != NULL, "realloc");
    memcpy(s->body[i] + s->len[i], data, len);
    s->len[i] += len;
    s->chunks++;
    return 0;
}

static void stream(imapc_client *c)
{
    char folder[128];
    static const char head[] = "Subject: big\r\nContent-Type: text/plain\r\n\r\n";
    static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
    size_t big_len = sizeof head - 1, n = 0;
    char *big = malloc(400000);
    struct streamed s;
    CHECK(big != NULL, "malloc");
    memcpy(big, head, big_len);
    while (big_len < 300000) {
        memcpy(big + big_len, line, sizeof line - 1);
        big_len += sizeof line - 1;
    }
    new_folder(c, "c-stream", folder, sizeof folder);
    TRY(imapc_client_append(c, folder, (const uint8_t *)big, big_len, NULL, NULL, 0, NULL, ERR));
    TRY(imapc_client_append(c, folder, (const uint8_t *)MIME, sizeof MIME - 1, NULL, NULL, 0, NULL,
                            ERR));
    TRY(imapc_client_examine(c, folder, NULL, ERR));
    memset(&s, 0, sizeof s);
    TRY(imapc_client_fetch_stream(c, "1:*", "UID RFC822.SIZE BODY.PEEK[]", 16 * 1024, on_message,
                                  on_chunk, &s, &n, ERR));
    CHECK(!s.bad, "chunks in order");
    CHECK(n == 2 && s.messages == 2, "%zu messages", n);
    CHECK(s.uid[0] == 1 && s.uid[1] == 2, "UIDs %u %u", s.uid[0], s.uid[1]);
    CHECK(s.size[0] == big_len && s.size[1] == sizeof MIME - 1, "sizes");
    CHECK(s.chunks > 2, "%zu chunks", s.chunks);
    CHECK(s.len[0] == big_len && memcmp(s.body[0], big, big_len) == 0, "the big message");
    CHECK(s.len[1] == sizeof MIME - 1 && memcmp(s.body[1], MIME, s.len[1]) == 0, "the MIME one");
    free(s.body[0]);
    free(s.body[1]);
    free(big);
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, folder, ERR));
    printf("3. streaming fetch: %zu chunks, both messages identical\n", s.chunks);
}

/* A folder with the MIME message (UID 1, \Seen) and four simple ones: a
 * thread of three (2; 3 replies to 2, \Flagged; 4 replies to 3, $Work) and
 * a lone one (5). */
static void search_folder(imapc_client *c, const char *tag, char *folder, size_t size)
{
    new_folder(c, tag, folder, size);
    TRY(imapc_client_append(c, folder, (const uint8_t *)MIME, sizeof MIME - 1, "\\Seen", NULL, 0,
                            NULL, ERR));
    append_simple(c, folder, "Apples", "t1", NULL, NULL);
    append_simple(c, folder, "Re: Apples", "t2", "t1", "\\Flagged");
    append_simple(c, folder, "Re: Apples", "t3", "t2", "$Work");
    append_simple(c, folder, "Bananas", "t4", NULL, NULL);
}

static const char *sort_ids(imapc_client *c, const char *order, const char *criteria, char *buf,
                            size_t size)
{
    imapc_id_list *ids = NULL;
    TRY(imapc_client_sort(c, order, criteria, &ids, ERR));
    return ids_text(ids, buf, size);
}

static void search_sort_thread(imapc_client *c)
{
    char folder[128], buf[128];
    imapc_thread_list *t = NULL;
    size_t i, roots = 0;
    static const struct {
        const char *criteria, *want;
    } searches[] = {
        {NULL, "1,2,3,4,5"},
        {"SUBJECT \"Z\xc3\xbcrich\"", "1"},     /* decoded subject */
        {"BODY \"Gr\xc3\xbc\xc3\x9f" "e\"", "1"}, /* decoded quoted-printable body */
        {"FROM \"M\xc3\xbcller\"", "1"},
        {"SUBJECT apples", "2,3,4"},
        {"SEEN", "1"},
        {"UNSEEN", "2,3,4,5"},
        {"FLAGGED", "3"},
        {"KEYWORD $Work", "4"},
        {"LARGER 500", "1"},
        {"OR FLAGGED SUBJECT bananas", "3,5"},
        {"SENTON 14-May-2024", "1"},
        {"SUBJECT \"nothing like it\"", ""},
    };
    search_folder(c, "c-search", folder, sizeof folder);
    TRY(imapc_client_examine(c, folder, NULL, ERR));
    for (i = 0; i < sizeof searches / sizeof searches[0]; i++)
        CHECK(streq(search_ids(c, searches[i].criteria, buf, sizeof buf), searches[i].want),
              "SEARCH %s: %s, want %s", searches[i].criteria ? searches[i].criteria : "ALL", buf,
              searches[i].want);
    /* The base subject: "Apples" x3 (by UID), "Bananas", "Grüße ...". */
    STR(sort_ids(c, "SUBJECT", NULL, buf, sizeof buf), "2,3,4,5,1");
    CHECK(strncmp(sort_ids(c, "REVERSE SIZE", NULL, buf, sizeof buf), "1,", 2) == 0, "%s", buf);
    STR(sort_ids(c, "SUBJECT", "SUBJECT apples", buf, sizeof buf), "2,3,4");

    /* REFERENCES: 2 -> 3 -> 4, and 1 and 5 alone. */
    TRY(imapc_client_thread(c, "REFERENCES", NULL, &t, ERR));
    CHECK(imapc_thread_list_count(t) == 5, "%zu nodes", imapc_thread_list_count(t));
    for (i = 0; i < imapc_thread_list_count(t); i++) {
        uint32_t id = imapc_thread_list_id(t, i);
        int64_t parent = imapc_thread_list_parent(t, i);
        uint32_t parent_id = parent < 0 ? 0 : imapc_thread_list_id(t, (size_t)parent);
        uint32_t want_parent = id == 3 ? 2 : id == 4 ? 3 : 0;
        CHECK(parent_id == want_parent, "node %u: parent %u, want %u", id, parent_id, want_parent);
        CHECK(imapc_thread_list_depth(t, i) == (id == 3 ? 1u : id == 4 ? 2u : 0u), "depth of %u",
              id);
        roots += parent < 0;
    }
    CHECK(roots == 3, "%zu threads", roots);
    imapc_thread_list_free(t);
    TRY(imapc_client_thread(c, "ORDEREDSUBJECT", NULL, &t, ERR));
    for (i = 0, roots = 0; i < imapc_thread_list_count(t); i++)
        roots += imapc_thread_list_parent(t, i) < 0;
    CHECK(roots == 3, "ORDEREDSUBJECT: %zu threads", roots);
    imapc_thread_list_free(t);
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, folder, ERR));
    printf("4. SEARCH (UTF-8 terms too), SORT, THREAD\n");
}

static void store_copy_move(imapc_client *c)
{
    char src[128], dst[128], buf[64];
    imapc_message_list *l = NULL;
    imapc_copy_result *r = NULL;
    imapc_folder_status *fs = NULL;
    uint64_t v = 0;
    size_t i;
    imapc_error *err = NULL;
    imapc_result rc;

    search_folder(c, "c-store", src, sizeof src);
    new_folder(c, "c-store-dst", dst, sizeof dst);
    TRY(imapc_client_select(c, src, NULL, ERR));
    TRY(imapc_client_store(c, "2:3", IMAPC_STORE_ADD, "\\Seen $Important", 0, 0, &l, ERR));
    CHECK(imapc_message_list_count(l) == 2, "%zu echoed", imapc_message_list_count(l));
    for (i = 0; i < 2; i++) {
        const imapc_message *m = imapc_message_list_get(l, i);
        CHECK(imapc_message_has_flag(m, "\\Seen") && imapc_message_has_flag(m, "$Important"),
              "UID %u: the flags added", imapc_message_uid(m));
    }
    imapc_message_list_free(l);
    TRY(imapc_client_store(c, "3", IMAPC_STORE_REMOVE, "\\Flagged $Important", 0, 0, &l, ERR));
    CHECK(imapc_message_has_flag(imapc_message_list_find(l, 3), "\\Seen") &&
              !imapc_message_has_flag(imapc_message_list_find(l, 3), "\\Flagged") &&
              !imapc_message_has_flag(imapc_message_list_find(l, 3), "$Important"),
          "UID 3: the flags removed");
    imapc_message_list_free(l);
    TRY(imapc_client_store(c, "5", IMAPC_STORE_SET, "\\Answered", IMAPC_STORE_SILENT, 0, NULL, ERR));
    STR(search_ids(c, "SEEN", buf, sizeof buf), "1,2,3");
    STR(search_ids(c, "KEYWORD $Important", buf, sizeof buf), "2");
    STR(search_ids(c, "FLAGGED", buf, sizeof buf), "");
    STR(search_ids(c, "ANSWERED", buf, sizeof buf), "5");

    TRY(imapc_client_copy(c, "1,2", dst, &r, ERR));
    TRY(imapc_client_status(c, dst, &fs, ERR));
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_UIDVALIDITY, &v) &&
              v == imapc_copy_result_uid_validity(r),
          "COPYUID's UIDVALIDITY");
    imapc_folder_status_free(fs);
    CHECK(imapc_copy_result_count(r) == 2 && imapc_copy_result_source_uid(r, 0) == 1 &&
              imapc_copy_result_dest_uid(r, 0) == 1 && imapc_copy_result_source_uid(r, 1) == 2 &&
              imapc_copy_result_dest_uid(r, 1) == 2,
          "COPYUID 1,2 -> 1,2");
    imapc_copy_result_free(r);
    TRY(imapc_client_move(c, "3:4", dst, &r, ERR));
    CHECK(imapc_copy_result_count(r) == 2 && imapc_copy_result_source_uid(r, 0) == 3 &&
              imapc_copy_result_dest_uid(r, 0) == 3 && imapc_copy_result_dest_uid(r, 1) == 4,
          "MOVE 3,4 -> 3,4");
    imapc_copy_result_free(r);
    STR(search_ids(c, NULL, buf, sizeof buf), "1,2,5");
    TRY(imapc_client_status(c, dst, &fs, ERR));
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_MESSAGES, &v) && v == 4, "4 in %s", dst);
    imapc_folder_status_free(fs);

    /* EXAMINE: refused before anything is sent. */
    TRY(imapc_client_examine(c, src, NULL, ERR));
    rc = imapc_client_store(c, "1", IMAPC_STORE_ADD, "\\Deleted", 0, 0, NULL, &err);
    CHECK(rc == IMAPC_ERR_READ_ONLY, "STORE after EXAMINE: %s", imapc_error_name(rc));
    imapc_error_free(err);
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, src, ERR));
    TRY(imapc_client_delete_folder(c, dst, ERR));
    printf("5. STORE add/remove/set; 6. COPY and MOVE with COPYUID\n");
}

/* The second connection: marks message 2 \Deleted and expunges it. */
static void *expunger(void *arg)
{
    const char *folder = arg;
    imapc_client *c = connect_from_env();
    sleep_ms(300);
    TRY(imapc_client_select(c, folder, NULL, ERR));
    TRY(imapc_client_store(c, "2", IMAPC_STORE_ADD, "\\Deleted", IMAPC_STORE_SILENT, 0, NULL, ERR));
    TRY(imapc_client_expunge(c, NULL, ERR));
    logout_and_free(c);
    return NULL;
}

static void idle_expunge(imapc_client *c)
{
    char folder[128], buf[32];
    pthread_t th;
    uint32_t expunged = 0;
    double deadline;
    new_folder(c, "c-idle", folder, sizeof folder);
    append_simple(c, folder, "e0", "e0", NULL, NULL);
    append_simple(c, folder, "e1", "e1", NULL, NULL);
    append_simple(c, folder, "e2", "e2", NULL, NULL);
    TRY(imapc_client_select(c, folder, NULL, ERR));
    {
        imapc_event_list *ev = NULL;
        TRY(imapc_client_take_events(c, &ev, ERR)); /* the SELECT's, if any */
        imapc_event_list_free(ev);
    }
    TRY(imapc_client_idle_start(c, ERR));
    CHECK(pthread_create(&th, NULL, expunger, folder) == 0, "pthread_create");
    deadline = now_s() + 30.0;
    while (!expunged && now_s() < deadline) {
        imapc_event_list *ev = NULL;
        size_t i;
        TRY(imapc_client_idle_wait(c, 1000, &ev, ERR));
        for (i = 0; i < imapc_event_list_count(ev); i++)
            if (imapc_event_list_kind(ev, i) == IMAPC_EVENT_EXPUNGE)
                expunged = imapc_event_list_number(ev, i);
        imapc_event_list_free(ev);
    }
    TRY(imapc_client_idle_done(c, NULL, ERR));
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    CHECK(expunged == 2, "EXPUNGE %u heard in IDLE", expunged);
    STR(search_ids(c, NULL, buf, sizeof buf), "1,3");
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, folder, ERR));
    printf("7. IDLE heard EXPUNGE 2 of another session\n");
}

int main(void)
{
    imapc_client *c = connect_from_env();
    char folder[128];
    uint32_t uidvalidity = 0;

    new_folder(c, "c-mime", folder, sizeof folder);
    append_mime(c, folder, &uidvalidity);
    fetch_mime(c, folder);
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, folder, ERR));
    stream(c);
    search_sort_thread(c);
    store_copy_move(c);
    idle_expunge(c);
    logout_and_free(c);
    printf("cyrus_messages: OK\n");
    return 0;
}
