#define _POSIX_C_SOURCE 200809L
/* fetch_bench: time one FETCH of every message of a folder.
 *
 * usage: fetch_bench FOLDER ITEMS [--stream]
 *   ITEMS e.g. "FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE" or
 *   "BODY.PEEK[]". Logs in, examines FOLDER, fetches 1:* by UID and touches
 *   every returned value (flags, envelopes, sizes, dates, body structures,
 *   section bytes). With --stream the streaming API is used and body chunks
 *   are discarded as they arrive. Prints exactly one line:
 *     messages=N bytes=B seconds=S
 *   B is the sum of body section bytes; S covers the fetch (and touching
 *   the values) only, measured with CLOCK_MONOTONIC.
 *   FETCH_BENCH_STREAM_THRESHOLD sets the streaming threshold (default
 *   64 KiB, as the Rust and Go twins): smaller sections arrive whole, in
 *   one chunk. */
#include <time.h>

#include "common.h"

struct tally {
    uint64_t messages, envelopes, bytes, touched;
    int streaming; /* section bytes are counted by on_chunk */
};

static uint64_t strsum(const char *s)
{
    uint64_t n = 0;
    if (s)
        while (*s) n += (unsigned char)*s++;
    return n;
}

static void touch_addresses(struct tally *t, const imapc_address_list *l)
{
    size_t i;
    for (i = 0; i < imapc_address_list_count(l); i++) {
        const imapc_address *a = imapc_address_list_get(l, i);
        t->touched += strsum(imapc_address_name(a)) + strsum(imapc_address_email(a));
    }
}

/* Depth-first walk of a BODYSTRUCTURE, with an explicit stack. */
static void touch_body(struct tally *t, const imapc_body_part *root)
{
    const imapc_body_part *stack[64];
    size_t top = 0;
    if (root) stack[top++] = root;
    while (top > 0) {
        const imapc_body_part *p = stack[--top];
        size_t i, n = imapc_body_part_child_count(p);
        t->touched += strsum(imapc_body_part_type(p)) + strsum(imapc_body_part_subtype(p)) +
                      imapc_body_part_size(p);
        for (i = 0; i < n && top < 64; i++) stack[top++] = imapc_body_part_child(p, i);
        if (imapc_body_part_message_body(p) && top < 64)
            stack[top++] = imapc_body_part_message_body(p);
    }
}

static void touch_message(struct tally *t, const imapc_message *m)
{
    const imapc_envelope *env = imapc_message_envelope(m);
    const imapc_string_list *flags = imapc_message_flags(m);
    size_t i;
    int64_t when;
    int32_t off;

    t->messages++;
    t->touched += imapc_message_uid(m) + imapc_message_size(m);
    for (i = 0; i < imapc_string_list_count(flags); i++)
        t->touched += strsum(imapc_string_list_get(flags, i));
    if (imapc_message_internal_date(m, &when, &off)) t->touched += (uint64_t)when;
    if (env) {
        t->envelopes++;
        t->touched += strsum(imapc_envelope_subject(env)) + strsum(imapc_envelope_message_id(env));
        touch_addresses(t, imapc_envelope_from(env));
        touch_addresses(t, imapc_envelope_to(env));
    }
    touch_body(t, imapc_message_body_structure(m));
    for (i = 0; i < imapc_message_section_count(m); i++) {
        const uint8_t *data;
        size_t len;
        if (imapc_message_section_data(m, i, &data, &len)) {
            if (!t->streaming) t->bytes += len;
            if (len) t->touched += data[0] + data[len - 1];
        }
    }
}

static int on_message(void *userdata, const imapc_message *m)
{
    touch_message(userdata, m);
    return 0;
}

static int on_chunk(void *userdata, uint32_t seq, uint32_t uid, const char *section,
                    uint64_t offset, uint64_t total, const uint8_t *data, size_t len)
{
    struct tally *t = userdata;
    (void)seq, (void)uid, (void)section, (void)offset, (void)total;
    t->bytes += len; /* discarded: only counted */
    if (len) t->touched += data[len - 1];
    return 0;
}

int main(int argc, char **argv)
{
    struct tally t = {0, 0, 0, 0, 0};
    imapc_client *c;
    int stream;
    uint64_t threshold;
    double t0, t1;

    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--stream") != 0)) {
        fprintf(stderr, "usage: %s FOLDER ITEMS [--stream]\n", argv[0]);
        return 2;
    }
    stream = argc == 4;
    t.streaming = stream;
    threshold = getenv("FETCH_BENCH_STREAM_THRESHOLD")
                    ? strtoull(getenv("FETCH_BENCH_STREAM_THRESHOLD"), NULL, 10)
                    : 64 * 1024;
    c = connect_from_env();
    TRY(imapc_client_examine(c, argv[1], NULL, ERR));

    t0 = now_s();
    if (stream) {
        size_t count = 0;
        TRY(imapc_client_fetch_stream(c, "1:*", argv[2], threshold, on_message, on_chunk, &t, &count,
                                      ERR));
        CHECK(count == t.messages, "count %zu == %llu", count, (unsigned long long)t.messages);
    } else {
        imapc_message_list *l = NULL;
        size_t i;
        TRY(imapc_client_fetch(c, "1:*", argv[2], &l, ERR));
        for (i = 0; i < imapc_message_list_count(l); i++)
            touch_message(&t, imapc_message_list_get(l, i));
        imapc_message_list_free(l);
    }
    t1 = now_s();

    {
        uint64_t got = 0, got_wire = 0;
        if (imapc_client_compression_stats(c, NULL, NULL, &got, &got_wire))
            fprintf(stderr, "compressed: received %llu bytes as %llu\n", (unsigned long long)got,
                    (unsigned long long)got_wire);
    }
    logout_and_free(c);
    CHECK(t.touched > 0, "values touched");
    printf("messages=%llu bytes=%llu seconds=%.6f\n", (unsigned long long)t.messages,
           (unsigned long long)t.bytes, t1 - t0);
    fprintf(stderr, "envelopes=%llu\n", (unsigned long long)t.envelopes);
    return 0;
}
