#define _GNU_SOURCE
/* soak: load and memory soak over the C ABI against a real server.
 *
 * IMAP_SOAK_CLIENTS clients (default 50), one thread and one client each,
 * every client in a folder of its own (it appends 5 messages), loop
 * SELECT, FETCH (UID FLAGS ENVELOPE BODY.PEEK[]), STORE
 * +FLAGS, STORE -FLAGS, NOOP and the event queue for IMAP_SOAK_SECONDS
 * (default 20; the clock starts once every client is set up). Connections
 * alternate STARTTLS, implicit TLS and plaintext; one client in four also
 * runs compressed (COMPRESS=DEFLATE). Every result is checked
 * (message count, subject, flag added and removed); any failed check or
 * call counts as a failure, and any failure fails the run.
 *
 * Memory must stay flat. Every 100 ms the main thread samples the process
 * RSS (/proc/self/statm) and, with glibc, the live heap (mallinfo2: bytes
 * in use by malloc, which is what the library allocates with). After a
 * warm-up (a tenth of the run, at least 1 s) the median of the first
 * quarter of the samples is compared with the median of the last quarter:
 * the last may exceed the first by at most 10% plus a slack: 4 MiB for
 * the RSS, 512 KiB for the heap (2 MiB while glibc's tcache is on, see
 * below). The relative part absorbs allocator behaviour that scales with
 * the working set (glibc's per-thread arenas keep what they once held);
 * the slack absorbs what the threads happen to hold at a sample (each
 * client owns a 64 KiB read buffer, TLS records and one FETCH result,
 * changing as the loop runs).
 *
 * glibc's per-thread cache (tcache) keeps freed chunks, which mallinfo2
 * counts as in use: with 50 threads it fills slowly as more chunk sizes
 * get used (measured: +0.9 MiB over 300 s, decelerating, RSS flat; with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0 the heap stays within
 * 40 KiB over 120 s). The ctest sets that tunable, so the heap figure
 * counts live objects only and the tight slack applies: at some 2000
 * operations a second, a leak of about 40 bytes per operation fails a
 * 20 s run (measured: 80 bytes fails, 20 bytes passes); a longer run
 * (IMAP_SOAK_SECONDS=180) is proportionally more sensitive. IMAP_SOAK_TRACE=1 prints the samples every 10 s.
 *
 * IMAP_SOAK_FLAT=0 skips the memory check (under valgrind, whose own leak
 * check replaces it). IMAP_SOAK_LEAK=N leaks N bytes per loop on purpose,
 * to show the check fails (a ctest checks that it does).
 *
 * The folders are created before and deleted after the run by one extra
 * client, one at a time: Dovecot 2.3 (maildir) now and then answers
 * concurrent CREATEs of distinct new names with a spurious "NO
 * [ALREADYEXISTS]" (Python's imaplib gets the same), a server race that is
 * not what this program measures.
 *
 * Output: one summary line, then "soak: OK" or the reasons for failing. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#if __GLIBC_PREREQ(2, 33)
#define HAVE_MALLINFO2 1
#endif
#endif

#include "common.h"

#define MESSAGES 5
#define SAMPLE_MS 100
#define GROWTH_PERCENT 10
#define RSS_SLACK_KIB (4 * 1024)
#define HEAP_SLACK_KIB 512
#define HEAP_SLACK_TCACHE_KIB (2 * 1024)

struct config {
    int clients;
    int seconds;
    int flat_check;
    int trace;
    size_t leak;
    const imapc_tls_config *tls;
};

struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready;  /* clients set up (or failed to) */
    int go;     /* the loop may start */
    int stop;   /* the loop must end */
};

struct client_state {
    int id;
    const struct config *cfg;
    struct shared *sh;
    char folder[96];
    int created;
    int dead; /* the last error was fatal: this client is done */
    unsigned long ops, failures;
    char first_error[300];
};

static int env_int(const char *name, int dflt, int min)
{
    const char *v = getenv(name);
    int n = (v && *v) ? atoi(v) : dflt;
    return n < min ? min : n;
}

/* Record a failure; the first one is kept for the report. Returns 0. */
static int failed(struct client_state *s, const char *what, imapc_result rc, imapc_error *err)
{
    s->dead = imapc_error_is_fatal(err);
    if (s->failures++ == 0) {
        snprintf(s->first_error, sizeof s->first_error, "%s: %s%s%s", what,
                 rc ? imapc_error_name(rc) : "check failed", err ? ": " : "",
                 err ? imapc_error_message(err) : "");
    }
    imapc_error_free(err);
    return 0;
}

/* Run a call taking `&err` (spelled E); on failure record it and yield 0. */
#define CALL(s, what, call)                                                \
    do {                                                                   \
        imapc_error *e_ = NULL;                                            \
        imapc_result rc_ = (call);                                         \
        if (rc_ != IMAPC_OK) return failed((s), (what), rc_, e_);          \
    } while (0)
#define E (&e_)
#define EXPECT(s, what, cond)                                              \
    do {                                                                   \
        if (!(cond)) return failed((s), (what), 0, NULL);                  \
    } while (0)

static imapc_client *open_client(struct client_state *s)
{
    static const uint32_t modes[3] = {IMAPC_SECURITY_STARTTLS, IMAPC_SECURITY_IMPLICIT_TLS,
                                      IMAPC_SECURITY_DANGEROUS_PLAINTEXT};
    imapc_client *c = NULL;
    imapc_error *err = NULL;
    imapc_result rc = connect_login(modes[s->id % 3], s->cfg->tls, &c, &err);
    if (rc != IMAPC_OK) {
        failed(s, "connect/login", rc, err);
        return NULL;
    }
    /* One client in four runs compressed, over each kind of connection. */
    if (s->id % 4 == 3 && (rc = imapc_client_compress(c, &err)) != IMAPC_OK) {
        failed(s, "compress", rc, err);
        imapc_client_free(c);
        return NULL;
    }
    return c;
}

/* The messages of the client's folder. Returns 1 on success. */
static int setup(struct client_state *s, imapc_client *c)
{
    char msg[256];
    int i, n;
    for (i = 0; i < MESSAGES; i++) {
        n = snprintf(msg, sizeof msg,
                     "From: soak@example.org\r\nTo: test@example.org\r\n"
                     "Subject: soak %d/%d\r\nMessage-ID: <soak-%d-%d@example.org>\r\n\r\n"
                     "body %d of client %d\r\n",
                     s->id, i, s->id, i, i, s->id);
        CALL(s, "APPEND", imapc_client_append(c, s->folder, (const uint8_t *)msg, (size_t)n, NULL,
                                              NULL, 0, NULL, E));
    }
    return 1;
}

/* Where IMAP_SOAK_LEAK's blocks go (each overwrites the last: leaked). */
static void *volatile leak_sink;

/* One round: 6 operations, every result checked. Returns 1 on success. */
static int round_trip(struct client_state *s, imapc_client *c, unsigned long n)
{
    imapc_mailbox_state *st = NULL;
    imapc_message_list *l = NULL, *stored = NULL;
    imapc_event_list *ev = NULL;
    const imapc_message *m;
    char want[64], flag[16], uid[16];
    uint32_t exists;
    int ok;

    CALL(s, "SELECT", imapc_client_select(c, s->folder, &st, E));
    exists = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    EXPECT(s, "SELECT: 5 messages", exists == MESSAGES);

    CALL(s, "FETCH", imapc_client_fetch(c, "1:*", "UID FLAGS ENVELOPE BODY.PEEK[]", &l, E));
    m = imapc_message_list_get(l, n % MESSAGES);
    snprintf(want, sizeof want, "soak %d/%lu", s->id, n % MESSAGES);
    ok = imapc_message_list_count(l) == MESSAGES && m && imapc_message_envelope(m) &&
         strcmp(imapc_envelope_subject(imapc_message_envelope(m)), want) == 0;
    snprintf(uid, sizeof uid, "%u", m ? imapc_message_uid(m) : 0);
    imapc_message_list_free(l);
    EXPECT(s, "FETCH: 5 messages with their subjects", ok);

    snprintf(flag, sizeof flag, "$Soak%lu", n % 3);
    CALL(s, "STORE +FLAGS", imapc_client_store(c, uid, IMAPC_STORE_ADD, flag, 0, 0, &stored, E));
    ok = imapc_message_list_count(stored) == 1 &&
         imapc_message_has_flag(imapc_message_list_get(stored, 0), flag);
    imapc_message_list_free(stored);
    stored = NULL;
    EXPECT(s, "STORE +FLAGS: flag set", ok);
    CALL(s, "STORE -FLAGS",
         imapc_client_store(c, uid, IMAPC_STORE_REMOVE, flag, 0, 0, &stored, E));
    ok = imapc_message_list_count(stored) == 1 &&
         !imapc_message_has_flag(imapc_message_list_get(stored, 0), flag);
    imapc_message_list_free(stored);
    EXPECT(s, "STORE -FLAGS: flag cleared", ok);

    CALL(s, "NOOP", imapc_client_noop(c, E));
    CALL(s, "events", imapc_client_take_events(c, &ev, E));
    imapc_event_list_free(ev);
    s->ops += 6;
    if (s->cfg->leak) {
        /* On purpose (IMAP_SOAK_LEAK): touched, so it counts in the RSS, and
         * stored through a volatile pointer, or an optimising compiler
         * removes the unused malloc and memset (a Release build did). */
        void *p = malloc(s->cfg->leak);
        if (p) memset(p, 0x5a, s->cfg->leak);
        leak_sink = p;
    }
    return 1;
}

static void *client_main(void *arg)
{
    struct client_state *s = arg;
    struct shared *sh = s->sh;
    imapc_client *c = s->created ? open_client(s) : NULL;
    int ok = c && setup(s, c), stop;

    pthread_mutex_lock(&sh->mu);
    sh->ready++;
    pthread_cond_broadcast(&sh->cv);
    while (!sh->go) pthread_cond_wait(&sh->cv, &sh->mu);
    pthread_mutex_unlock(&sh->mu);

    for (unsigned long n = 0; ok; n++) {
        pthread_mutex_lock(&sh->mu);
        stop = sh->stop;
        pthread_mutex_unlock(&sh->mu);
        if (stop) break;
        /* After a failure the client goes on, unless it was fatal. */
        if (!round_trip(s, c, n) && s->dead) break;
    }
    if (c && !s->dead) {
        imapc_error *err = NULL;
        imapc_result rc = imapc_client_logout(c, &err);
        if (rc != IMAPC_OK) failed(s, "LOGOUT", rc, err);
    }
    imapc_client_free(c);
    return NULL;
}

/* Memory samples, KiB. */
struct samples {
    size_t n, cap;
    long *rss, *heap;
};

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long heap_kib(void)
{
#ifdef HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    return (long)((mi.uordblks + mi.hblkhd) / 1024);
#else
    return -1;
#endif
}

static void sample(struct samples *sm)
{
    if (sm->n == sm->cap) {
        sm->cap = sm->cap ? sm->cap * 2 : 256;
        sm->rss = realloc(sm->rss, sm->cap * sizeof *sm->rss);
        sm->heap = realloc(sm->heap, sm->cap * sizeof *sm->heap);
        CHECK(sm->rss && sm->heap, "out of memory");
    }
    sm->rss[sm->n] = rss_kib();
    sm->heap[sm->n] = heap_kib();
    sm->n++;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long median(const long *v, size_t n)
{
    long *tmp = malloc(n * sizeof *tmp);
    long m;
    CHECK(tmp && n > 0, "median of nothing");
    memcpy(tmp, v, n * sizeof *tmp);
    qsort(tmp, n, sizeof *tmp, cmp_long);
    m = tmp[n / 2];
    free(tmp);
    return m;
}

/* Check one series: returns 1 when flat (or not measured). */
static int flat(const char *what, const long *v, size_t from, size_t n, long slack_kib,
                long *first_out, long *last_out)
{
    size_t q = (n - from) / 4;
    long first, last, limit;
    *first_out = *last_out = -1;
    if (v[from] < 0) return 1; /* not available here */
    first = median(v + from, q);
    last = median(v + n - q, q);
    limit = first + first * GROWTH_PERCENT / 100 + slack_kib;
    *first_out = first;
    *last_out = last;
    if (last > limit) {
        fprintf(stderr, "soak: %s grew from %ld KiB to %ld KiB (limit %ld KiB: +%d%% + %ld KiB)\n",
                what, first, last, limit, GROWTH_PERCENT, slack_kib);
        return 0;
    }
    return 1;
}

int main(void)
{
    struct config cfg;
    struct shared sh;
    struct samples sm = {0, 0, NULL, NULL};
    struct client_state *st, admin;
    imapc_client *admin_c;
    pthread_t *th;
    imapc_tls_config_builder *b = imapc_tls_config_builder_new();
    const char *cafile = getenv("IMAP_CAFILE");
    const char *tunables;
    long heap_slack;
    unsigned long ops = 0, failures = 0;
    long rss_first = -1, rss_last = -1, heap_first = -1, heap_last = -1;
    double t0, warm_until, end;
    size_t warm = 0;
    int i, ok = 1;

    cfg.clients = env_int("IMAP_SOAK_CLIENTS", 50, 1);
    cfg.seconds = env_int("IMAP_SOAK_SECONDS", 20, 1);
    cfg.flat_check = env_int("IMAP_SOAK_FLAT", 1, 0) != 0;
    cfg.trace = env_int("IMAP_SOAK_TRACE", 0, 0) != 0;
    cfg.leak = (size_t)env_int("IMAP_SOAK_LEAK", 0, 0);
    tunables = getenv("GLIBC_TUNABLES");
    heap_slack = tunables && strstr(tunables, "glibc.malloc.tcache_count=0") ? HEAP_SLACK_KIB
                                                                             : HEAP_SLACK_TCACHE_KIB;
    if (cafile && *cafile) TRY(imapc_tls_config_builder_add_ca_file(b, cafile, ERR));
    TRY(imapc_tls_config_builder_build(b, &cfg.tls, ERR));
    imapc_tls_config_builder_free(b);
    imapc_log_init_from_env();

    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cv, NULL);
    st = calloc((size_t)cfg.clients, sizeof *st);
    th = calloc((size_t)cfg.clients, sizeof *th);
    CHECK(st && th, "out of memory");
    memset(&admin, 0, sizeof admin);
    admin.cfg = &cfg;
    admin_c = open_client(&admin);
    CHECK(admin_c, "setup client: %s", admin.first_error);
    for (i = 0; i < cfg.clients; i++) {
        imapc_error *err = NULL;
        imapc_result rc;
        st[i].id = i;
        st[i].cfg = &cfg;
        st[i].sh = &sh;
        snprintf(st[i].folder, sizeof st[i].folder, "soak-%ld-%d", (long)getpid(), i);
        rc = imapc_client_create_folder(admin_c, st[i].folder, &err);
        if (rc == IMAPC_OK)
            st[i].created = 1;
        else
            failed(&admin, "CREATE", rc, err);
    }
    for (i = 0; i < cfg.clients; i++)
        CHECK(pthread_create(&th[i], NULL, client_main, &st[i]) == 0, "pthread_create %d", i);

    /* Every client connected, logged in and set up: start the clock. */
    pthread_mutex_lock(&sh.mu);
    while (sh.ready < cfg.clients) pthread_cond_wait(&sh.cv, &sh.mu);
    sh.go = 1;
    pthread_cond_broadcast(&sh.cv);
    pthread_mutex_unlock(&sh.mu);
    t0 = now_s();
    end = t0 + cfg.seconds;
    warm_until = t0 + (cfg.seconds / 10.0 > 1.0 ? cfg.seconds / 10.0 : 1.0);
    while (now_s() < end) {
        sleep_ms(SAMPLE_MS);
        if (now_s() < warm_until) {
            warm++;
        }
        sample(&sm);
        if (cfg.trace && sm.n % (10000 / SAMPLE_MS) == 0)
            fprintf(stderr, "soak: t=%.0fs rss=%ldKiB heap=%ldKiB\n", now_s() - t0,
                    sm.rss[sm.n - 1], sm.heap[sm.n - 1]);
    }
    pthread_mutex_lock(&sh.mu);
    sh.stop = 1;
    pthread_mutex_unlock(&sh.mu);
    for (i = 0; i < cfg.clients; i++) {
        pthread_join(th[i], NULL);
        ops += st[i].ops;
        failures += st[i].failures;
        if (st[i].failures)
            fprintf(stderr, "soak: client %d: %lu failures, first: %s\n", i, st[i].failures,
                    st[i].first_error);
    }
    for (i = 0; i < cfg.clients; i++) {
        imapc_error *err = NULL;
        imapc_result rc;
        if (st[i].created && (rc = imapc_client_delete_folder(admin_c, st[i].folder, &err)))
            failed(&admin, "DELETE", rc, err);
    }
    if (!admin.dead) {
        imapc_error *err = NULL;
        imapc_result rc = imapc_client_logout(admin_c, &err);
        if (rc != IMAPC_OK) failed(&admin, "LOGOUT", rc, err);
    }
    imapc_client_free(admin_c);
    failures += admin.failures;
    if (admin.failures)
        fprintf(stderr, "soak: setup client: %lu failures, first: %s\n", admin.failures,
                admin.first_error);

    if (sm.n - warm < 8) {
        fprintf(stderr, "soak: too few memory samples (%zu) to compare\n", sm.n - warm);
        if (cfg.flat_check) ok = 0;
    } else {
        int rss_ok = flat("RSS", sm.rss, warm, sm.n, RSS_SLACK_KIB, &rss_first, &rss_last);
        int heap_ok = flat("heap", sm.heap, warm, sm.n, heap_slack, &heap_first, &heap_last);
        if (cfg.flat_check && !(rss_ok && heap_ok)) ok = 0;
    }
    printf("soak: clients=%d seconds=%d ops=%lu failures=%lu rss_first=%ldKiB rss_last=%ldKiB "
           "heap_first=%ldKiB heap_last=%ldKiB samples=%zu%s\n",
           cfg.clients, cfg.seconds, ops, failures, rss_first, rss_last, heap_first, heap_last,
           sm.n - warm, cfg.flat_check ? "" : " (memory check off)");
    if (failures) {
        fprintf(stderr, "soak: %lu failures\n", failures);
        ok = 0;
    }
    if (ops == 0) {
        fprintf(stderr, "soak: no operation completed\n");
        ok = 0;
    }
    imapc_tls_config_free(cfg.tls);
    free(sm.rss);
    free(sm.heap);
    free(st);
    free(th);
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.mu);
    if (!ok) return 1;
    printf("soak: OK\n");
    return 0;
}
