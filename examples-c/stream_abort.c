/* stream_abort: a streaming fetch stopped by on_chunk in the middle of a
 * large literal, and imapc_client_fetch_stream_ids with real id arrays.
 *
 * imapc_client_fetch_stream promises: a callback that returns nonzero
 * stops the fetch, "the rest of the answer is read and discarded and the
 * call fails with IMAPC_ERR_ABORTED", a non-fatal error. Other tests stop
 * from on_message, between messages; here on_chunk stops once STOP_AT
 * bytes of a 2 MiB message (between two small ones) have come, with most
 * of its literal still on the way. Asserted:
 * - the call returns IMAPC_ERR_ABORTED, not fatal, last_error says so,
 *   and *count_out is not written (outputs only on success);
 * - on_chunk saw, up to the stop, exactly the message's bytes in order
 *   (every piece compared with what was appended) and the stop fell
 *   inside the literal; no callback ran after the stop (not the rest of
 *   the big message, not the third message);
 * - the discarded rest left nothing behind: no FETCH among the events,
 *   and the next fetch of the same client gives the right UIDs and sizes
 *   and the right 4096 bytes from the middle of the big message;
 * - imapc_client_fetch_stream_ids with UIDs {3rd, 2nd} (use_uid) streams
 *   exactly those two messages, every byte right, the count 2; with the
 *   sequence numbers {3, 1} (use_uid false) exactly those two.
 * All of it twice: over plain TLS and over COMPRESS=DEFLATE (the test
 * server offers it), where the discarded rest sits in the inflater too.
 * Broken looks like: IMAPC_OK or a fatal error from the stop, a client
 * out of step afterwards (wrong values, a timeout, FETCH data as events),
 * bytes missing or misplaced in the pieces, or the id arrays ignored.
 *
 * A folder of its own; the account is left as it was. */
#include "common.h"

#define FOLDER "StreamAbortTest"
#define BIG_BODY (2 * 1024 * 1024)
#define THRESHOLD 4096
#define STOP_AT (512 * 1024) /* stop once this much of the big literal came */
#define PART_AT 1000000      /* the piece fetched from the middle afterwards */
#define PART_LEN 4096
#define N 3
#define BIG_SEQ 2
#define UNTOUCHED ((size_t)12345)

static const char SMALL1[] = "From: Stream Tester <stream@example.org>\r\n"
                             "Subject: small one\r\n"
                             "\r\n"
                             "Before the big one.\r\n";
static const char SMALL3[] = "From: Stream Tester <stream@example.org>\r\n"
                             "Subject: small three\r\n"
                             "\r\n"
                             "After the big one.\r\n";

/* The messages as appended, by sequence number, and their UIDs. */
static const uint8_t *msg_data[N + 1];
static size_t msg_len[N + 1];
static uint32_t msg_uid[N + 1];

/* The big message: a header, then numbered lines, so a piece in the wrong
 * place never matches. */
static uint8_t *make_big(size_t *len)
{
    static const char head[] = "From: Stream Tester <stream@example.org>\r\n"
                               "Subject: big one\r\n"
                               "\r\n";
    size_t cap = sizeof head + BIG_BODY + 100, n = sizeof head - 1;
    uint8_t *b = malloc(cap);
    unsigned long line = 0;
    CHECK(b != NULL, "malloc");
    memcpy(b, head, n);
    while (n < sizeof head - 1 + BIG_BODY) {
        /* 78 bytes: number, letters that shift with it, CRLF */
        int k;
        n += (size_t)sprintf((char *)b + n, "%08lu ", line);
        for (k = 0; k < 67; k++) b[n++] = (uint8_t)('a' + (line + (unsigned long)k) % 26);
        b[n++] = '\r';
        b[n++] = '\n';
        line++;
    }
    *len = n;
    return b;
}

struct run {
    int by_seq;          /* ids are sequence numbers: UIDs are not fetched */
    uint64_t stop_at;    /* stop in message BIG_SEQ after this many bytes; 0: never */
    int stopped;
    int after_stop;      /* callbacks after the stop */
    uint64_t stop_total;
    uint64_t got[N + 1]; /* bytes per sequence number, via on_chunk */
    int delivered[N + 1];
    int messages;
};

static int on_chunk(void *ud, uint32_t seq, uint32_t uid, const char *section, uint64_t offset,
                    uint64_t total, const uint8_t *data, size_t len)
{
    struct run *r = ud;
    if (r->stopped) {
        r->after_stop++;
        return 1;
    }
    CHECK(seq >= 1 && seq <= N, "chunk of message %u", seq);
    CHECK(uid == 0 || uid == msg_uid[seq], "message %u: UID %u, appended as %u", seq, uid,
          msg_uid[seq]);
    CHECK(strcmp(section, "BODY[]") == 0, "section %s", section);
    CHECK(total == msg_len[seq], "message %u: total %llu, appended %zu bytes", seq,
          (unsigned long long)total, msg_len[seq]);
    CHECK(offset == r->got[seq] && offset + len <= total,
          "message %u: piece at %llu+%zu after %llu bytes", seq, (unsigned long long)offset, len,
          (unsigned long long)r->got[seq]);
    CHECK(memcmp(data, msg_data[seq] + offset, len) == 0, "message %u: the bytes at %llu+%zu",
          seq, (unsigned long long)offset, len);
    r->got[seq] += len;
    if (r->stop_at && seq == BIG_SEQ && r->got[seq] >= r->stop_at) {
        r->stopped = 1;
        r->stop_total = total;
        return 1;
    }
    return 0;
}

static int on_message(void *ud, const imapc_message *m)
{
    struct run *r = ud;
    uint32_t seq = imapc_message_seq(m);
    if (r->stopped) {
        r->after_stop++;
        return 1;
    }
    CHECK(seq >= 1 && seq <= N, "message %u", seq);
    CHECK(imapc_message_uid(m) == msg_uid[seq] || (r->by_seq && imapc_message_uid(m) == 0),
          "message %u: UID %u, appended as %u", seq, imapc_message_uid(m), msg_uid[seq]);
    CHECK(r->got[seq] == msg_len[seq], "message %u: %llu of %zu bytes before on_message", seq,
          (unsigned long long)r->got[seq], msg_len[seq]);
    CHECK(!r->delivered[seq], "message %u delivered twice", seq);
    r->delivered[seq] = 1;
    r->messages++;
    return 0;
}

static imapc_client *connect_plain_or_compressed(int compress)
{
    imapc_connect_options *opts = options_from_env();
    imapc_client *c = NULL;
    TRY(imapc_client_connect(opts, &c, ERR));
    imapc_connect_options_free(opts);
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    if (compress) {
        CHECK(imapc_client_has_capability(c, "COMPRESS=DEFLATE"),
              "the test server offers COMPRESS=DEFLATE");
        TRY(imapc_client_compress(c, ERR));
    }
    CHECK(imapc_client_is_compressed(c) == (compress != 0), "compressed: %d",
          imapc_client_is_compressed(c));
    return c;
}

/* The stop in the middle of the big literal, and what follows it. */
static void stop_in_literal(imapc_client *c, const char *how)
{
    struct run r;
    imapc_error *err = NULL;
    imapc_event_list *ev = NULL;
    imapc_message_list *l = NULL;
    const imapc_message *m;
    const uint8_t *data = NULL;
    size_t count = UNTOUCHED, len = 0, i;
    const char *le;
    imapc_result rc;

    memset(&r, 0, sizeof r);
    r.stop_at = STOP_AT;
    rc = imapc_client_fetch_stream(c, "1:*", "BODY.PEEK[]", THRESHOLD, on_message, on_chunk, &r,
                                   &count, &err);
    CHECK(rc == IMAPC_ERR_ABORTED, "[%s] the stopped fetch: %s (%s), want IMAPC_ERR_ABORTED",
          how, imapc_error_name(rc), imapc_error_message(err));
    CHECK(!imapc_error_is_fatal(err), "[%s] the stop is not fatal", how);
    imapc_error_free(err);
    le = imapc_client_last_error(c);
    CHECK(le && strncmp(le, "IMAPC_ERR_ABORTED: ", 19) == 0, "[%s] last_error %s", how,
          le ? le : "NULL");
    CHECK(count == UNTOUCHED, "[%s] count_out written (%zu) by a failed call", how, count);
    CHECK(r.stopped && r.got[BIG_SEQ] < r.stop_total,
          "[%s] the stop fell inside the literal: %llu of %llu bytes", how,
          (unsigned long long)r.got[BIG_SEQ], (unsigned long long)r.stop_total);
    CHECK(r.after_stop == 0, "[%s] %d callbacks after the stop", how, r.after_stop);
    CHECK(r.messages == 1 && r.delivered[1] && r.got[3] == 0,
          "[%s] only message 1 delivered before the stop (%d messages, %llu bytes of 3)", how,
          r.messages, (unsigned long long)r.got[3]);
    printf("[%s] stopped at %llu of %llu bytes of the big literal: IMAPC_ERR_ABORTED\n", how,
           (unsigned long long)r.got[BIG_SEQ], (unsigned long long)r.stop_total);

    /* Nothing of the discarded rest comes back as events. */
    TRY(imapc_client_take_events(c, &ev, ERR));
    for (i = 0; i < imapc_event_list_count(ev); i++)
        CHECK(imapc_event_list_kind(ev, i) != IMAPC_EVENT_FETCH,
              "[%s] a FETCH of the discarded answer as event %zu (message %u)", how, i,
              imapc_event_list_number(ev, i));
    imapc_event_list_free(ev);

    /* The client is in step: exact values from the next fetches. */
    TRY(imapc_client_fetch(c, "1:*", "UID RFC822.SIZE", &l, ERR));
    CHECK(imapc_message_list_count(l) == N, "[%s] %zu messages", how,
          imapc_message_list_count(l));
    for (i = 0; i < N; i++) {
        uint32_t seq;
        m = imapc_message_list_get(l, i);
        seq = imapc_message_seq(m);
        CHECK(seq >= 1 && seq <= N && imapc_message_uid(m) == msg_uid[seq] &&
                  imapc_message_size(m) == msg_len[seq],
              "[%s] message %u: UID %u size %llu", how, seq, imapc_message_uid(m),
              (unsigned long long)imapc_message_size(m));
    }
    imapc_message_list_free(l);
    l = NULL;
    {
        char items[64];
        uint32_t id = msg_uid[BIG_SEQ];
        snprintf(items, sizeof items, "BODY.PEEK[]<%d.%d>", PART_AT, PART_LEN);
        TRY(imapc_client_fetch_ids(c, &id, 1, items, &l, ERR));
    }
    CHECK(imapc_message_list_count(l) == 1, "[%s] %zu messages", how, imapc_message_list_count(l));
    m = imapc_message_list_get(l, 0);
    CHECK(imapc_message_section_data(m, 0, &data, &len), "[%s] the partial section", how);
    CHECK(len == PART_LEN && memcmp(data, msg_data[BIG_SEQ] + PART_AT, PART_LEN) == 0,
          "[%s] %zu bytes at %d of the big message, the appended ones", how, len, PART_AT);
    imapc_message_list_free(l);
    TRY(imapc_client_noop(c, ERR));
    printf("[%s] the next fetches gave the right UIDs, sizes and bytes\n", how);
}

/* fetch_stream_ids: exactly the messages of the array, every byte. */
static void stream_ids(imapc_client *c, const char *how)
{
    struct run r;
    size_t count = UNTOUCHED;
    uint32_t uids[2], seqs[2];

    uids[0] = msg_uid[3];
    uids[1] = msg_uid[BIG_SEQ];
    memset(&r, 0, sizeof r);
    TRY(imapc_client_fetch_stream_ids(c, uids, 2, "BODY.PEEK[]", THRESHOLD, on_message, on_chunk,
                                      &r, &count, ERR));
    CHECK(count == 2 && r.messages == 2, "[%s] UIDs: %zu counted, %d delivered", how, count,
          r.messages);
    CHECK(!r.delivered[1] && r.delivered[BIG_SEQ] && r.delivered[3] && r.got[1] == 0,
          "[%s] UIDs {%u, %u}: the messages delivered were 1:%d 2:%d 3:%d", how, uids[0],
          uids[1], r.delivered[1], r.delivered[2], r.delivered[3]);
    CHECK(r.got[BIG_SEQ] == msg_len[BIG_SEQ] && r.got[3] == msg_len[3],
          "[%s] UIDs: all bytes (%llu, %llu)", how, (unsigned long long)r.got[BIG_SEQ],
          (unsigned long long)r.got[3]);

    TRY(imapc_client_set_use_uid(c, false, ERR));
    seqs[0] = 3;
    seqs[1] = 1;
    memset(&r, 0, sizeof r);
    r.by_seq = 1;
    count = UNTOUCHED;
    TRY(imapc_client_fetch_stream_ids(c, seqs, 2, "BODY.PEEK[]", THRESHOLD, on_message, on_chunk,
                                      &r, &count, ERR));
    TRY(imapc_client_set_use_uid(c, true, ERR));
    CHECK(count == 2 && r.messages == 2, "[%s] sequence numbers: %zu counted, %d delivered", how,
          count, r.messages);
    CHECK(r.delivered[1] && !r.delivered[BIG_SEQ] && r.delivered[3] && r.got[BIG_SEQ] == 0,
          "[%s] sequence numbers {3, 1}: the messages delivered were 1:%d 2:%d 3:%d", how,
          r.delivered[1], r.delivered[2], r.delivered[3]);
    printf("[%s] fetch_stream_ids: UIDs {%u, %u} and sequence numbers {3, 1} gave exactly those "
           "messages\n", how, uids[0], uids[1]);
}

static void run(imapc_client *c, const char *how)
{
    imapc_mailbox_state *st = NULL;
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == N, "%u messages", imapc_mailbox_state_exists(st));
    imapc_mailbox_state_free(st);
    CHECK(imapc_client_use_uid(c), "ids are UIDs by default");
    stop_in_literal(c, how);
    stream_ids(c, how);
    TRY(imapc_client_unselect(c, ERR));
}

int main(void)
{
    imapc_client *c, *z;
    uint8_t *big;
    size_t big_len;
    int i;

    imapc_log_init_from_env();
    c = connect_plain_or_compressed(0);
    big = make_big(&big_len);
    msg_data[1] = (const uint8_t *)SMALL1;
    msg_len[1] = sizeof SMALL1 - 1;
    msg_data[2] = big;
    msg_len[2] = big_len;
    msg_data[3] = (const uint8_t *)SMALL3;
    msg_len[3] = sizeof SMALL3 - 1;

    imapc_client_delete_folder(c, FOLDER, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));
    for (i = 1; i <= N; i++) {
        TRY(imapc_client_append(c, FOLDER, msg_data[i], msg_len[i], NULL, NULL, 0, &msg_uid[i],
                                ERR));
        CHECK(msg_uid[i] != 0, "the server gives the UID (UIDPLUS)");
    }

    run(c, "plain");
    z = connect_plain_or_compressed(1);
    run(z, "deflate");
    logout_and_free(z);

    /* Leave the account as it was. */
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    free(big);
    printf("stream_abort: OK\n");
    return 0;
}
