/* stream_batched: imapc_client_fetch_stream_batched against the unbatched
 * imapc_client_fetch_stream on the seeded INBOX (14 messages, one over
 * 50 000 bytes).
 *
 * Both fetches are reduced to the same log of events in order: a message
 * (seq, uid, and per section its length and a checksum of its bytes when
 * it came whole) and a streamed section (seq, total, checksum of its
 * pieces in order, which must follow each other without gap or overlap;
 * where the pieces are cut depends on the reads, so it is not compared).
 * The logs must be equal, value for value: a batch that lost, duplicated
 * or reordered a message or a piece fails. Then: items point
 * where they say (the pack is imapc_message_pack's, the section data
 * imapc_message_section_data's); a stop at the first message of a batch
 * of several delivers nothing after it and fails with IMAPC_ERR_ABORTED,
 * the client still usable; ids; a NULL callback only counts; an unknown item version is
 * refused.
 *
 * usage: stream_batched   (IMAP_* environment as the other examples) */
#include "common.h"

#define THRESHOLD 600 /* about half the seeded messages are larger */
#define MAX_EVENTS 4096

struct event {
    int kind; /* 1 message, 2 streamed section */
    uint32_t seq, uid;
    uint64_t total, sum;
    size_t sections;
    uint64_t section_len[4], section_sum[4];
};

struct log {
    struct event ev[MAX_EVENTS];
    size_t n;
    size_t batches, items, max_batch; /* batched fetch only */
    size_t stop_at;            /* stop at this message (1-based); 0: never */
    int stop_mid;              /* stop at the first message of a batch of several */
    size_t stop_batch;         /* the messages of that batch */
    size_t messages;
    int called_after_stop;
    size_t waits;              /* IMAPC_STREAM_ITEM_WAIT items (IMAPC_STREAM_WANT_WAIT) */
    int handed;                /* items other than a wait since the last wait */
    /* the streamed section being received */
    int open;
    uint32_t open_seq;
    uint64_t got, sum;
};

#define FNV_START 1469598103934665603ULL

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n) /* FNV-1a */
{
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint64_t checksum(const uint8_t *p, size_t n) { return fnv(FNV_START, p, n); }

static struct event *next_event(struct log *l)
{
    CHECK(l->n < MAX_EVENTS, "too many events");
    memset(&l->ev[l->n], 0, sizeof l->ev[0]);
    return &l->ev[l->n++];
}

/* A piece of a streamed section: it must continue the section open (or
 * start one); the section's event is logged once it is complete. */
static void log_piece(struct log *l, uint32_t seq, uint64_t offset, uint64_t total,
                      const uint8_t *data, size_t len)
{
    struct event *e;
    if (!l->open) {
        CHECK(offset == 0, "seq %u: a section starts at offset %llu", seq,
              (unsigned long long)offset);
        l->open = 1;
        l->open_seq = seq;
        l->got = 0;
        l->sum = FNV_START;
    }
    CHECK(seq == l->open_seq && offset == l->got && offset + len <= total,
          "seq %u: piece at %llu+%zu of %llu, after %llu bytes of seq %u", seq,
          (unsigned long long)offset, len, (unsigned long long)total,
          (unsigned long long)l->got, l->open_seq);
    l->sum = fnv(l->sum, data, len);
    l->got += len;
    if (l->got < total) return;
    l->open = 0;
    e = next_event(l);
    e->kind = 2;
    e->seq = seq;
    e->total = total;
    e->sum = l->sum;
}

/* A message with the data of each section (NULL for none). */
static void log_message(struct log *l, uint32_t seq, uint32_t uid, size_t n,
                        const uint8_t *const *data, const size_t *len)
{
    struct event *e;
    size_t i;
    CHECK(!l->open, "message %u while a section of %u is open", seq, l->open_seq);
    e = next_event(l);
    e->kind = 1;
    e->seq = seq;
    e->uid = uid;
    e->sections = n;
    for (i = 0; i < n && i < 4; i++) {
        e->section_len[i] = data[i] ? len[i] : 0;
        e->section_sum[i] = data[i] ? checksum(data[i], len[i]) : 0;
    }
}

/* The unbatched fetch: pieces of streamed sections as they come, whole
 * sections from the message (on_chunk sees them too: skipped). */
static int on_chunk(void *ud, uint32_t seq, uint32_t uid, const char *section, uint64_t offset,
                    uint64_t total, const uint8_t *data, size_t len)
{
    (void)uid, (void)section;
    if (total > THRESHOLD) log_piece(ud, seq, offset, total, data, len);
    return 0;
}

static int on_message(void *ud, const imapc_message *m)
{
    const uint8_t *data[4] = {NULL, NULL, NULL, NULL};
    size_t len[4] = {0, 0, 0, 0}, i, n = imapc_message_section_count(m);
    for (i = 0; i < n && i < 4; i++)
        if (!imapc_message_section_data(m, i, &data[i], &len[i]) || len[i] == 0) data[i] = NULL;
    log_message(ud, imapc_message_seq(m), imapc_message_uid(m), n, data, len);
    return 0;
}

static int on_batch(void *ud, const imapc_stream_item *items, size_t n)
{
    struct log *l = ud;
    size_t i, j;
    if (l->stop_at && l->messages >= l->stop_at) l->called_after_stop = 1;
    CHECK(items != NULL && n > 0, "a batch has items (%zu)", n);
    if (l->stop_mid && !l->stop_at) {
        size_t k = 0;
        for (i = 0; i < n; i++) k += items[i].kind == IMAPC_STREAM_ITEM_MESSAGE;
        if (k >= 2) {
            l->stop_at = l->messages + 1;
            l->stop_batch = k;
        }
    }
    l->batches++;
    l->items += n;
    if (n > l->max_batch) l->max_batch = n;
    for (i = 0; i < n; i++) {
        const imapc_stream_item *it = &items[i];
        if (it->kind == IMAPC_STREAM_ITEM_WAIT) {
            /* Asked for: last of its batch, after something handed over
             * since the last one, every other field 0. */
            CHECK(i == n - 1 && l->handed, "wait item %zu of %zu, handed %d", i, n, l->handed);
            CHECK(it->seq == 0 && it->uid == 0 && it->message == NULL && it->pack == NULL &&
                      it->sections == NULL && it->section == NULL && it->data == NULL &&
                      it->len == 0 && it->offset == 0 && it->total == 0,
                  "wait item fields");
            l->waits++;
            l->handed = 0;
            continue;
        }
        l->handed = 1;
        if (it->kind == IMAPC_STREAM_ITEM_CHUNK) {
            CHECK(it->message == NULL && it->section && strcmp(it->section, "BODY[]") == 0,
                  "piece %zu names its section", i);
            CHECK(it->total > THRESHOLD, "only sections over the threshold come in pieces");
            log_piece(l, it->seq, it->offset, it->total, it->data, it->len);
        } else {
            const uint8_t *data[4] = {NULL, NULL, NULL, NULL}, *pack = NULL;
            size_t len[4] = {0, 0, 0, 0}, pack_len = 0;
            CHECK(it->kind == IMAPC_STREAM_ITEM_MESSAGE, "kind %u", it->kind);
            CHECK(it->message != NULL, "message item %zu has its message", i);
            /* The item says what the accessors say. */
            CHECK(it->seq == imapc_message_seq(it->message) &&
                      it->uid == imapc_message_uid(it->message),
                  "ids of item %zu", i);
            CHECK(imapc_message_pack(it->message, &pack, &pack_len) && pack == it->pack &&
                      pack_len == it->pack_len && pack[0] == IMAPC_PACK_VERSION,
                  "pack of item %zu", i);
            CHECK(it->section_count == imapc_message_section_count(it->message),
                  "section count of item %zu", i);
            for (j = 0; j < it->section_count && j < 4; j++) {
                const uint8_t *d = NULL;
                size_t dl = 0;
                imapc_message_section_data(it->message, j, &d, &dl);
                CHECK(it->sections[j].len == dl && (dl == 0 || it->sections[j].data == d),
                      "section %zu of item %zu", j, i);
                if (dl > 0) {
                    data[j] = it->sections[j].data;
                    len[j] = dl;
                }
            }
            log_message(l, it->seq, it->uid, it->section_count, data, len);
            l->messages++;
            if (l->stop_at && l->messages == l->stop_at) return 1;
        }
    }
    return 0;
}

static void compare(const struct log *a, const struct log *b)
{
    size_t i;
    CHECK(a->n == b->n, "%zu events batched, %zu unbatched", a->n, b->n);
    for (i = 0; i < a->n; i++) {
        const struct event *x = &a->ev[i], *y = &b->ev[i];
        CHECK(x->kind == y->kind && x->seq == y->seq && x->uid == y->uid &&
                  x->total == y->total && x->sum == y->sum && x->sections == y->sections &&
                  memcmp(x->section_len, y->section_len, sizeof x->section_len) == 0 &&
                  memcmp(x->section_sum, y->section_sum, sizeof x->section_sum) == 0,
              "event %zu differs (kind %d/%d, seq %u/%u)", i, x->kind, y->kind, x->seq, y->seq);
    }
}

static struct log plain, batched, stopped, ids, whole, waited;

int main(void)
{
    imapc_client *c = connect_from_env();
    size_t count = 0, i, pieces = 0, messages = 0, whole_sections;
    const uint32_t some[] = {1, 9, 12};
    imapc_error *err = NULL;
    imapc_result rc;

    TRY(imapc_client_examine(c, "INBOX", NULL, ERR));

    TRY(imapc_client_fetch_stream(c, "1:*", "UID BODY.PEEK[]", THRESHOLD, on_message, on_chunk,
                                  &plain, &count, ERR));
    CHECK(count == 14, "unbatched count %zu", count);
    TRY(imapc_client_fetch_stream_batched(c, "1:*", "UID BODY.PEEK[]", THRESHOLD,
                                          IMAPC_STREAM_ITEM_VERSION, on_batch, &batched, &count,
                                          ERR));
    CHECK(count == 14, "batched count %zu", count);
    for (i = 0; i < batched.n; i++) {
        pieces += batched.ev[i].kind == 2;
        messages += batched.ev[i].kind == 1;
    }
    for (i = 0, whole_sections = 0; i < batched.n; i++)
        whole_sections += batched.ev[i].kind == 1 && batched.ev[i].section_len[0] > 0;
    CHECK(messages == 14 && pieces >= 3 && whole_sections >= 3,
          "%zu messages, %zu streamed sections, %zu whole", messages, pieces, whole_sections);
    compare(&batched, &plain);
    CHECK(batched.batches < batched.items, "%zu batches for %zu items: some held several",
          batched.batches, batched.items);
    printf("stream_batched: %zu messages, %zu streamed sections, %zu items in %zu batches "
           "(largest %zu)\n",
           messages, pieces, batched.items, batched.batches, batched.max_batch);

    /* Every section whole: messages only, up to 64 a batch. */
    TRY(imapc_client_fetch_stream_batched(c, "1:*", "BODY.PEEK[HEADER]", 0xFFFFFFFFFFFFFFFFULL,
                                          IMAPC_STREAM_ITEM_VERSION, on_batch, &whole, &count,
                                          ERR));
    CHECK(count == 14 && whole.n == 14 && whole.max_batch <= 64, "whole: %zu in %zu (max %zu)",
          whole.n, whole.batches, whole.max_batch);
    for (i = 0; i < whole.n; i++)
        CHECK(whole.ev[i].kind == 1 && whole.ev[i].seq == i + 1 && whole.ev[i].section_len[0] > 0,
              "whole message %zu", i);

    /* Stop at the first message of a batch of several: the rest of the
     * batch and of the answer is dropped, the callback not called again. */
    stopped.stop_mid = 1;
    rc = imapc_client_fetch_stream_batched(c, "1:*", "BODY.PEEK[HEADER]", 0xFFFFFFFFFFFFFFFFULL,
                                           IMAPC_STREAM_ITEM_VERSION, on_batch, &stopped, &count,
                                           &err);
    CHECK(rc == IMAPC_ERR_ABORTED, "stop gives %s", imapc_error_name(rc));
    imapc_error_free(err);
    err = NULL;
    CHECK(stopped.stop_at > 0 && stopped.stop_batch >= 2, "a batch of several messages came");
    CHECK(stopped.messages == stopped.stop_at && stopped.n == stopped.stop_at &&
              !stopped.called_after_stop,
          "stop at %zu (batch of %zu): %zu messages seen, called again: %d", stopped.stop_at,
          stopped.stop_batch, stopped.messages, stopped.called_after_stop);
    for (i = 0; i < stopped.n; i++) CHECK(stopped.ev[i].seq == i + 1, "stopped message %zu", i);
    printf("stream_batched: whole: %zu batches (largest %zu); stopped at message %zu of a "
           "batch of %zu\n",
           whole.batches, whole.max_batch, stopped.stop_at, stopped.stop_batch);
    TRY(imapc_client_noop(c, ERR));

    /* Ids; a NULL callback only counts; an unknown layout is refused. */
    TRY(imapc_client_fetch_stream_batched_ids(c, some, 3, "UID BODY.PEEK[]", THRESHOLD,
                                              IMAPC_STREAM_ITEM_VERSION, on_batch, &ids, &count,
                                              ERR));
    for (i = 0, messages = 0; i < ids.n; i++)
        if (ids.ev[i].kind == 1) CHECK(ids.ev[i].uid == some[messages++], "id order");
    CHECK(count == 3 && messages == 3, "ids: %zu, %zu", count, messages);
    TRY(imapc_client_fetch_stream_batched(c, "1:*", "FLAGS", 0, IMAPC_STREAM_ITEM_VERSION, NULL,
                                          NULL, &count, ERR));
    CHECK(count == 14, "NULL callback count %zu", count);
    rc = imapc_client_fetch_stream_batched(c, "1:*", "FLAGS", 0, IMAPC_STREAM_ITEM_VERSION + 100,
                                           on_batch, &ids, &count, &err);
    CHECK(rc == IMAPC_ERR_INVALID_ARGUMENT, "unknown version gives %s", imapc_error_name(rc));
    imapc_error_free(err);
    err = NULL;
    rc = imapc_client_fetch_stream_batched(c, "1:*", "FLAGS", 0,
                                           IMAPC_STREAM_ITEM_VERSION | (IMAPC_STREAM_WANT_WAIT << 1),
                                           on_batch, &ids, &count, &err);
    CHECK(rc == IMAPC_ERR_INVALID_ARGUMENT, "unknown flag gives %s", imapc_error_name(rc));
    imapc_error_free(err);
    err = NULL;

    /* Wait items asked for: the same messages and pieces, each wait item
     * where on_batch checks it; none without the flag (above). */
    TRY(imapc_client_fetch_stream_batched(c, "1:*", "UID BODY.PEEK[]", THRESHOLD,
                                          IMAPC_STREAM_ITEM_VERSION | IMAPC_STREAM_WANT_WAIT,
                                          on_batch, &waited, &count, ERR));
    CHECK(count == 14, "count with wait items %zu", count);
    compare(&waited, &plain);
    CHECK(batched.waits == 0 && whole.waits == 0 && ids.waits == 0, "wait items unasked for");
    printf("stream_batched: with wait items: %zu items in %zu batches, %zu waits\n",
           waited.items, waited.batches, waited.waits);

    logout_and_free(c);
    printf("stream_batched: ok\n");
    return 0;
}
