#define _POSIX_C_SOURCE 200809L
/* download: stream every message of a folder into a Maildir (tmp/, new/,
 * cur/; one file per message, named with its UID) in fixed memory: bodies
 * larger than a small threshold arrive in chunks that are written as they
 * come. Prints a progress line per message, then checks every file's size
 * against RFC822.SIZE from a second, buffered fetch.
 *
 * With IMAP_COMPRESS=1 the session is compressed (COMPRESS=DEFLATE) and
 * the byte counts before and after compression are checked and printed.
 *
 * usage: download MAILDIR [FOLDER]   (FOLDER defaults to INBOX) */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

/* Bodies above this many bytes are never held whole; smaller ones come
 * whole with their message and as a single chunk (the seeded mail has
 * both kinds). */
#define STREAM_THRESHOLD 1024

struct dl {
    const char *dir;
    long long stamp;   /* part of every file name */
    uint32_t total;    /* messages in the folder */
    uint32_t done;     /* messages written */
    uint32_t file_seq; /* sequence number of the open file, 0 when none */
    FILE *file;
    char tmp_path[4096];
    uint64_t bytes;    /* bytes written to the open file */
    uint64_t chunks;
    uint64_t all_bytes;
};

static void file_name(const struct dl *d, const char *sub, uint32_t uid, char *out, size_t n)
{
    snprintf(out, n, "%s/%s/%lld.U%u.imapc-download", d->dir, sub, d->stamp, (unsigned)uid);
}

static void open_tmp(struct dl *d, uint32_t seq)
{
    snprintf(d->tmp_path, sizeof d->tmp_path, "%s/tmp/%lld.S%u.part", d->dir, d->stamp,
             (unsigned)seq);
    d->file = fopen(d->tmp_path, "wb");
    CHECK(d->file != NULL, "open %s: %s", d->tmp_path, strerror(errno));
    d->file_seq = seq;
    d->bytes = 0;
}

static void write_bytes(struct dl *d, const uint8_t *data, size_t len)
{
    CHECK(fwrite(data, 1, len, d->file) == len, "write %s: %s", d->tmp_path, strerror(errno));
    d->bytes += len;
    d->all_bytes += len;
}

static int on_chunk(void *userdata, uint32_t seq, uint32_t uid, const char *section,
                    uint64_t offset, uint64_t total, const uint8_t *data, size_t len)
{
    struct dl *d = userdata;
    (void)uid;
    (void)total;
    CHECK(strcmp(section, "BODY[]") == 0, "unexpected section %s", section);
    if (offset == 0) {
        CHECK(d->file == NULL, "chunk of message %u while %u is open", seq, d->file_seq);
        open_tmp(d, seq);
    }
    CHECK(d->file != NULL && d->file_seq == seq, "chunk for message %u", seq);
    CHECK(offset == d->bytes, "chunk offset %llu, have %llu", (unsigned long long)offset,
          (unsigned long long)d->bytes);
    write_bytes(d, data, len);
    d->chunks++;
    return 0;
}

/* Runs when the message is complete (its body has been written by
 * on_chunk): move tmp/ -> new/ (Maildir delivery). */
static int on_message(void *userdata, const imapc_message *m)
{
    struct dl *d = userdata;
    const uint8_t *data = NULL;
    size_t len = 0;
    char final_path[4096];
    uint32_t seq = imapc_message_seq(m), uid = imapc_message_uid(m);

    CHECK(uid != 0, "message %u has a UID", seq);
    if (d->file == NULL) open_tmp(d, seq);
    CHECK(d->file_seq == seq, "message %u completes file of %u", seq, d->file_seq);
    /* A body at or below the threshold is in the message too, but it has
     * also been passed to on_chunk (as one chunk), which wrote it. */
    if (imapc_message_section(m, "BODY[]", &data, &len))
        CHECK(len == 0 || len == d->bytes, "whole body %zu == written %llu", len,
              (unsigned long long)d->bytes);
    CHECK(fclose(d->file) == 0, "close %s: %s", d->tmp_path, strerror(errno));
    d->file = NULL;
    file_name(d, "new", uid, final_path, sizeof final_path);
    CHECK(rename(d->tmp_path, final_path) == 0, "rename to %s: %s", final_path, strerror(errno));
    d->done++;
    printf("[%u/%u] UID %u: %llu bytes%s\n", d->done, d->total, uid,
           (unsigned long long)d->bytes, d->bytes > STREAM_THRESHOLD ? " (streamed)" : "");
    fflush(stdout);
    return 0;
}

static void make_dir(const char *path)
{
    CHECK(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

/* Create DIR/{tmp,new,cur}, emptying them of an earlier run's files. */
static void prepare_maildir(const char *dir)
{
    static const char *subs[] = {"tmp", "new", "cur"};
    char path[4096];
    size_t i;
    make_dir(dir);
    for (i = 0; i < 3; i++) {
        DIR *dh;
        struct dirent *e;
        snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
        make_dir(path);
        dh = opendir(path);
        CHECK(dh != NULL, "opendir %s", path);
        while ((e = readdir(dh)) != NULL) {
            char f[4096 + 256];
            if (e->d_name[0] == '.') continue;
            snprintf(f, sizeof f, "%s/%s", path, e->d_name);
            CHECK(unlink(f) == 0, "unlink %s: %s", f, strerror(errno));
        }
        closedir(dh);
    }
}

int main(int argc, char **argv)
{
    struct dl d;
    imapc_client *c;
    imapc_mailbox_state *st = NULL;
    imapc_message_list *sizes = NULL;
    const char *folder = argc > 2 ? argv[2] : "INBOX";
    size_t count = 0, i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s MAILDIR [FOLDER]\n", argv[0]);
        return 2;
    }
    memset(&d, 0, sizeof d);
    d.dir = argv[1];
    d.stamp = (long long)time(NULL);
    prepare_maildir(d.dir);

    c = connect_from_env();
    TRY(imapc_client_examine(c, folder, &st, ERR));
    d.total = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    CHECK(d.total > 0, "%s has messages", folder);

    TRY(imapc_client_fetch_stream(c, "1:*", "UID BODY.PEEK[]", STREAM_THRESHOLD, on_message,
                                  on_chunk, &d, &count, ERR));
    CHECK(d.file == NULL, "no file left open");
    CHECK(count == d.total && d.done == d.total, "downloaded %u of %u (count %zu)", d.done,
          d.total, count);
    CHECK(d.chunks > 0, "some body was streamed in chunks");
    printf("downloaded %u messages, %llu bytes, %llu chunks into %s/new\n", d.done,
           (unsigned long long)d.all_bytes, (unsigned long long)d.chunks, d.dir);

    /* Verify: every file is exactly RFC822.SIZE bytes. */
    TRY(imapc_client_fetch(c, "1:*", "RFC822.SIZE", &sizes, ERR));
    CHECK(imapc_message_list_count(sizes) == d.total, "sizes of all messages");
    for (i = 0; i < imapc_message_list_count(sizes); i++) {
        const imapc_message *m = imapc_message_list_get(sizes, i);
        char path[4096];
        struct stat sb;
        file_name(&d, "new", imapc_message_uid(m), path, sizeof path);
        CHECK(stat(path, &sb) == 0, "stat %s: %s", path, strerror(errno));
        CHECK((uint64_t)sb.st_size == imapc_message_size(m), "%s: %lld bytes, RFC822.SIZE %llu",
              path, (long long)sb.st_size, (unsigned long long)imapc_message_size(m));
    }
    imapc_message_list_free(sizes);
    printf("all %u file sizes match RFC822.SIZE\n", d.total);

    if (compress_from_env()) {
        /* IMAP_COMPRESS=1: the bodies came deflated; say what it saved. */
        uint64_t sent = 0, sent_wire = 0, got = 0, got_wire = 0;
        CHECK(imapc_client_compression_stats(c, &sent, &sent_wire, &got, &got_wire),
              "compression stats");
        CHECK(got >= d.all_bytes, "inflated %llu >= bodies %llu", (unsigned long long)got,
              (unsigned long long)d.all_bytes);
        CHECK(got_wire > 0 && got_wire * 2 < got, "mail text deflates 2:1 at least (%llu of %llu)",
              (unsigned long long)got_wire, (unsigned long long)got);
        CHECK(sent > 0 && sent_wire > 0, "commands went through the compressor");
        printf("COMPRESS=DEFLATE: received %llu bytes as %llu on the wire (%.1f:1), sent %llu as %llu\n",
               (unsigned long long)got, (unsigned long long)got_wire, (double)got / (double)got_wire,
               (unsigned long long)sent, (unsigned long long)sent_wire);
    } else {
        uint64_t z = 1;
        CHECK(!imapc_client_is_compressed(c), "not compressed unless asked");
        CHECK(!imapc_client_compression_stats(c, &z, NULL, NULL, NULL) && z == 0,
              "no stats without compression");
    }

    logout_and_free(c);
    printf("download: OK\n");
    return 0;
}
