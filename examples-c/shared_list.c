#define _POSIX_C_SOURCE 200809L
/* shared_list: one FETCH result read by several threads at once.
 *
 *   usage: shared_list [FOLDER]   (default INBOX; connection from IMAP_*)
 *
 * A result (a message list and everything its getters return) may be read
 * from several threads at once (imapclient.h, thread rules): a message's
 * envelope, address and body part objects are built on first use, once,
 * by whichever thread asks first. Four threads walk every message of one
 * list, each from its own start, and sum what they read (flags, subject,
 * addresses, every body part's type and number); every thread must read
 * the same sums and get the same envelope and body objects, and so must
 * the main thread reading the list again afterwards. */
#include <pthread.h>

#include "common.h"

#define THREADS 4

struct reader {
    const imapc_message_list *list;
    size_t start;
    uint64_t sum;        /* what was read, position-weighted */
    const void **envs;   /* by message: the envelope object returned */
    const void **bodies; /* by message: the body structure returned */
};

static uint64_t strsum(const char *s)
{
    uint64_t n = 0;
    if (s)
        while (*s) n = n * 31 + (unsigned char)*s++;
    return n;
}

static uint64_t read_addresses(const imapc_address_list *l)
{
    uint64_t n = 0;
    size_t i;
    for (i = 0; i < imapc_address_list_count(l); i++) {
        const imapc_address *a = imapc_address_list_get(l, i);
        n += strsum(imapc_address_name(a)) ^ strsum(imapc_address_email(a));
    }
    return n;
}

static uint64_t read_part(const imapc_body_part *p)
{
    uint64_t n = strsum(imapc_body_part_type(p)) + strsum(imapc_body_part_subtype(p)) +
                 strsum(imapc_body_part_number(p)) + imapc_body_part_size(p);
    size_t i;
    for (i = 0; i < imapc_body_part_child_count(p); i++)
        n += read_part(imapc_body_part_child(p, i));
    if (imapc_body_part_message_body(p)) n += read_part(imapc_body_part_message_body(p));
    return n;
}

static uint64_t read_message(const imapc_message *m, const void **env_out, const void **body_out)
{
    const imapc_string_list *flags = imapc_message_flags(m);
    const imapc_envelope *env = imapc_message_envelope(m);
    const imapc_body_part *body = imapc_message_body_structure(m);
    uint64_t n = imapc_message_uid(m);
    size_t i;
    for (i = 0; i < imapc_string_list_count(flags); i++)
        n += strsum(imapc_string_list_get(flags, i));
    if (env)
        n += strsum(imapc_envelope_subject(env)) + read_addresses(imapc_envelope_from(env)) +
             read_addresses(imapc_envelope_to(env));
    if (body) n += read_part(body);
    *env_out = env;
    *body_out = body;
    return n;
}

static void *run(void *arg)
{
    struct reader *r = arg;
    size_t n = imapc_message_list_count(r->list), k;
    for (k = 0; k < n; k++) {
        size_t i = (r->start + k) % n;
        r->sum += (i + 1) * read_message(imapc_message_list_get(r->list, i), &r->envs[i],
                                         &r->bodies[i]);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *folder = argc > 1 ? argv[1] : "INBOX";
    imapc_client *c = connect_from_env();
    imapc_message_list *list = NULL;
    struct reader readers[THREADS + 1];
    pthread_t threads[THREADS];
    size_t n, i, t;

    TRY(imapc_client_examine(c, folder, NULL, ERR));
    TRY(imapc_client_fetch(c, "1:*", "FLAGS ENVELOPE BODYSTRUCTURE", &list, ERR));
    n = imapc_message_list_count(list);
    CHECK(n > 0, "%s has messages", folder);

    for (t = 0; t <= THREADS; t++) {
        readers[t].list = list;
        readers[t].start = t * n / THREADS;
        readers[t].sum = 0;
        readers[t].envs = calloc(n, sizeof(void *));
        readers[t].bodies = calloc(n, sizeof(void *));
        CHECK(readers[t].envs && readers[t].bodies, "memory");
    }
    for (t = 0; t < THREADS; t++)
        CHECK(pthread_create(&threads[t], NULL, run, &readers[t]) == 0, "thread %zu started", t);
    for (t = 0; t < THREADS; t++) CHECK(pthread_join(threads[t], NULL) == 0, "thread %zu joined", t);
    /* Once more on this thread, every object built by now. */
    run(&readers[THREADS]);

    for (t = 0; t < THREADS; t++) {
        CHECK(readers[t].sum == readers[THREADS].sum, "thread %zu read %llu, main %llu", t,
              (unsigned long long)readers[t].sum, (unsigned long long)readers[THREADS].sum);
        for (i = 0; i < n; i++) {
            CHECK(readers[t].envs[i] == readers[THREADS].envs[i] &&
                      readers[t].bodies[i] == readers[THREADS].bodies[i],
                  "message %zu: thread %zu got other envelope or body objects", i, t);
        }
    }
    for (i = 0; i < n; i++)
        CHECK(readers[THREADS].envs[i] && readers[THREADS].bodies[i],
              "message %zu has its envelope and body structure", i);
    printf("%zu messages read by %d threads at once: the same values and objects\n", n, THREADS);

    for (t = 0; t <= THREADS; t++) {
        free(readers[t].envs);
        free(readers[t].bodies);
    }
    imapc_message_list_free(list);
    logout_and_free(c);
    return 0;
}
