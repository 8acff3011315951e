#define _POSIX_C_SOURCE 200809L
/* ffi_misuse: the C ABI survives misuse.
 *  1. NULL for every pointer parameter of every exported function (calls
 *     generated from the header by gen_misuse_calls.py into
 *     ffi_misuse_calls.h): an error code with an error object, or a
 *     neutral value for getters; never a crash. Free functions take NULL.
 *  2. Invalid UTF-8 is refused with IMAPC_ERR_INVALID_UTF8.
 *  3. A client fails cleanly after a fatal error: interrupted during IDLE,
 *     and with its connection gone (socket shut down under it); those
 *     errors, and every later refusal, say imapc_error_is_fatal. A
 *     response over a limit that could be skipped is not fatal: the same
 *     client goes on.
 *  4. 16 threads each drive their own client at once (sharing one TLS
 *     config): connect, login, examine, fetch, logout; zero failures. */
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "common.h"

struct fixture {
    imapc_client *client;
    imapc_connect_options *connect_options;
    imapc_tls_config_builder *tls_config_builder;
    const imapc_tls_config *tls_config;
    imapc_message_list *messages;
    const imapc_message *message;
    const imapc_envelope *envelope;
    const imapc_body_part *body_part;
    imapc_folder_list *folders;
    const imapc_folder *folder;
    imapc_folder_status *folder_status;
    imapc_event_list *event_list;
    imapc_string_list *string_list;
    imapc_search *search;
    imapc_metadata_list *metadata_list;
    imapc_notify *notify;
    imapc_append_message append_message[1];
    const char *strv[1];
    const uint8_t *bytes;
    const uint8_t *bytesv[1];
    size_t lens[1];
    uint32_t one;
    int64_t when;
    uint64_t max_size;
};

static unsigned failures, checks;

static void fail(const char *fn, const char *label, const char *why)
{
    fprintf(stderr, "MISUSE FAILED: %s(%s): %s\n", fn, label, why);
    failures++;
}

/* A fallible call with a NULL argument: an error code and, when err_out
 * was given, an error object carrying that code. `nullable`: the NULL is
 * documented as "ignore this output"/"none", so success is fine. */
static void expect_rc(const char *fn, const char *label, imapc_result rc, imapc_error *err,
                      int nullable)
{
    checks++;
    if (rc == IMAPC_OK) {
        if (!nullable) fail(fn, label, "succeeded");
        if (err) fail(fn, label, "error object on success");
    } else {
        if (!imapc_error_name(rc) || strncmp(imapc_error_name(rc), "IMAPC_ERR_", 10) != 0)
            fail(fn, label, "unknown error code");
        if (!nullable && rc != IMAPC_ERR_NULL_POINTER) {
            fprintf(stderr, "  %s(%s): %s: %s\n", fn, label, imapc_error_name(rc),
                    err ? imapc_error_message(err) : "");
            fail(fn, label, "error is not IMAPC_ERR_NULL_POINTER");
        }
    }
    imapc_error_free(err);
}

static void expect_neutral(const char *fn, const char *label, int neutral, int nullable)
{
    checks++;
    if (!neutral && !nullable) fail(fn, label, "not a neutral value");
}

static void expect_done(const char *fn, const char *label)
{
    (void)fn, (void)label;
    checks++;
}

#include "ffi_misuse_calls.h"

static const char MSG[] = "From: a@example.org\r\nSubject: misuse\r\n\r\nx\r\n";

static void fixture_init(struct fixture *fx)
{
    imapc_error *err = NULL;
    memset(fx, 0, sizeof *fx);
    fx->client = connect_from_env();
    fx->connect_options = options_from_env();
    fx->tls_config_builder = imapc_tls_config_builder_new();
    TRY(imapc_tls_config_builder_build(fx->tls_config_builder, &fx->tls_config, ERR));
    TRY(imapc_client_select(fx->client, "INBOX", NULL, ERR));
    TRY(imapc_client_fetch(fx->client, "1",
                           "UID FLAGS ENVELOPE BODYSTRUCTURE INTERNALDATE BODY.PEEK[HEADER]",
                           &fx->messages, ERR));
    fx->message = imapc_message_list_get(fx->messages, 0);
    fx->envelope = imapc_message_envelope(fx->message);
    fx->body_part = imapc_message_body_structure(fx->message);
    CHECK(fx->message && fx->envelope && fx->body_part, "fixture message");
    TRY(imapc_client_list(fx->client, "", "*", &fx->folders, ERR));
    fx->folder = imapc_folder_list_get(fx->folders, 0);
    TRY(imapc_client_status(fx->client, "INBOX", &fx->folder_status, ERR));
    TRY(imapc_client_take_events(fx->client, &fx->event_list, ERR));
    TRY(imapc_client_capabilities(fx->client, &fx->string_list, ERR));
    fx->search = imapc_search_new();
    fx->notify = imapc_notify_new();
    {
        const char *entry = "/private/comment";
        TRY(imapc_client_get_metadata(fx->client, "INBOX", &entry, 1, NULL,
                                      IMAPC_METADATA_DEPTH_0, &fx->metadata_list, ERR));
    }
    fx->bytes = (const uint8_t *)MSG;
    fx->append_message[0].data = fx->bytes;
    fx->append_message[0].len = sizeof MSG - 1;
    fx->strv[0] = "\\Seen";
    fx->one = 1;
    fx->when = 1700000000;
    fx->bytesv[0] = fx->bytes;
    fx->lens[0] = 1;
    fx->max_size = 100;
    (void)err;
}

static void fixture_free(struct fixture *fx)
{
    imapc_search_free(fx->search);
    imapc_notify_free(fx->notify);
    imapc_metadata_list_free(fx->metadata_list);
    imapc_string_list_free(fx->string_list);
    imapc_event_list_free(fx->event_list);
    imapc_folder_status_free(fx->folder_status);
    imapc_folder_list_free(fx->folders);
    imapc_message_list_free(fx->messages);
    imapc_tls_config_free(fx->tls_config);
    imapc_tls_config_builder_free(fx->tls_config_builder);
    imapc_connect_options_free(fx->connect_options);
    /* The generated calls may have logged this client out (or not). */
    imapc_client_free(fx->client);
}

static void expect_code(const char *what, imapc_result rc, imapc_error *err, imapc_result want)
{
    checks++;
    if (rc != want) {
        fprintf(stderr, "%s: %s (%s), want %s\n", what, imapc_error_name(rc),
                err ? imapc_error_message(err) : "-", imapc_error_name(want));
        failures++;
    } else if (rc != IMAPC_OK && (!err || imapc_error_code(err) != rc)) {
        fprintf(stderr, "%s: no matching error object\n", what);
        failures++;
    }
    imapc_error_free(err);
}

/* Run `call` (which passes ERR as its err_out) and check its code. */
#define EXPECT(what, want, call)                                           \
    do {                                                                   \
        imapc_error *err_ = NULL;                                          \
        imapc_result rc_ = (call);                                         \
        expect_code(what, rc_, err_, want);                                \
    } while (0)

static void invalid_utf8(void)
{
    static const char bad[] = "IN\xff\xfe" "BOX";   /* not UTF-8 */
    static const char overlong[] = "\xc0\xaf";        /* overlong '/' */
    static const char surrogate[] = "\xed\xa0\x80";   /* UTF-16 surrogate */
    imapc_client *c = connect_from_env();
    imapc_connect_options *o = NULL;
    imapc_tls_config_builder *b = imapc_tls_config_builder_new();
    imapc_search *s = imapc_search_new();
    imapc_string_list *caps = NULL;

    EXPECT("select", IMAPC_ERR_INVALID_UTF8, imapc_client_select(c, bad, NULL, ERR));
    EXPECT("create", IMAPC_ERR_INVALID_UTF8, imapc_client_create_folder(c, overlong, ERR));
    EXPECT("list", IMAPC_ERR_INVALID_UTF8, imapc_client_list(c, "", surrogate, NULL, ERR));
    EXPECT("login", IMAPC_ERR_INVALID_UTF8, imapc_client_login(c, bad, "pass", ERR));
    EXPECT("options", IMAPC_ERR_INVALID_UTF8, imapc_connect_options_new(bad, 143, 1, &o, ERR));
    EXPECT("ca file", IMAPC_ERR_INVALID_UTF8, imapc_tls_config_builder_add_ca_file(b, bad, ERR));
    EXPECT("search", IMAPC_ERR_INVALID_UTF8, imapc_search_add_subject(s, bad, ERR));
    TRY(imapc_client_capabilities(c, &caps, ERR));
    checks++;
    if (imapc_string_list_contains(caps, bad)) failures++;
    imapc_string_list_free(caps);
    /* Nothing reached the server: the session is still fine. */
    TRY(imapc_client_noop(c, ERR));
    CHECK(o == NULL, "no output on failure");
    imapc_search_free(s);
    imapc_tls_config_builder_free(b);
    logout_and_free(c);
}

static void *interrupter(void *arg)
{
    sleep_ms(300);
    imapc_client_interrupt(arg);
    return NULL;
}

/* After a fatal error every call fails (and the client can be freed). */
static void expect_dead(imapc_client *c, const char *why)
{
    imapc_error *err = NULL;
    imapc_id_list *ids = NULL;
    imapc_result rc = imapc_client_noop(c, &err);
    checks += 5;
    /* The first call may be the one that finds the connection gone. */
    if (rc == IMAPC_OK) {
        fprintf(stderr, "%s: NOOP succeeded\n", why);
        failures++;
    } else if (!imapc_error_is_fatal(err)) {
        fprintf(stderr, "%s: NOOP gave %s, not fatal\n", why, imapc_error_name(rc));
        failures++;
    }
    imapc_error_free(err);
    err = NULL;
    rc = imapc_client_search(c, "ALL", &ids, &err);
    if (rc == IMAPC_OK || ids) {
        fprintf(stderr, "%s: SEARCH succeeded\n", why);
        failures++;
    } else if (rc != IMAPC_ERR_ILLEGAL_STATE || !imapc_error_is_fatal(err)) {
        fprintf(stderr, "%s: SEARCH gave %s, fatal %d; want a fatal IMAPC_ERR_ILLEGAL_STATE\n",
                why, imapc_error_name(rc), (int)imapc_error_is_fatal(err));
        failures++;
    }
    imapc_error_free(err);
    imapc_id_list_free(ids);
    err = NULL;
    if (imapc_client_last_error(c) == NULL) {
        fprintf(stderr, "%s: no last error\n", why);
        failures++;
    }
    printf("%s: calls fail with %s\n", why, imapc_client_last_error(c));
    rc = imapc_client_logout(c, &err);
    imapc_error_free(err);
    imapc_client_free(c);
}

static void fatal_errors(void)
{
    imapc_client *c = connect_from_env();
    imapc_event_list *ev = NULL;
    imapc_error *err = NULL;
    imapc_result rc;
    pthread_t th;
    int fd;

    /* Interrupted while blocked in IDLE. */
    TRY(imapc_client_select(c, "INBOX", NULL, ERR));
    TRY(imapc_client_idle_start(c, ERR));
    CHECK(pthread_create(&th, NULL, interrupter, c) == 0, "pthread_create");
    rc = imapc_client_idle_wait(c, 20000, &ev, &err);
    checks++;
    if (!err || !imapc_error_is_fatal(err)) {
        fprintf(stderr, "idle_wait interrupted: error not fatal\n");
        failures++;
    }
    expect_code("idle_wait interrupted", rc, err, IMAPC_ERR_INTERRUPTED);
    err = NULL;
    CHECK(ev == NULL, "no events output on failure");
    pthread_join(th, NULL);
    expect_dead(c, "after interrupt");

    /* The connection goes away under the client. */
    c = connect_from_env();
    TRY(imapc_client_select(c, "INBOX", NULL, ERR));
    fd = imapc_client_fd(c);
    CHECK(fd >= 0, "client fd");
    CHECK(shutdown(fd, SHUT_RDWR) == 0, "shutdown");
    expect_dead(c, "after the connection is gone");
}

/* A 1 KiB literal limit against the seeded INBOX (messages of up to
 * 100 kB): the FETCH fails with IMAPC_ERR_LIMIT_EXCEEDED, which is not
 * fatal since the oversized literals were skipped and the command
 * completed; the same client goes on. */
static void recovered_limit(void)
{
    imapc_connect_options *opts = options_from_env();
    imapc_client *c = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_message_list *l = NULL;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t exists;

    TRY(imapc_connect_options_set_limits(opts, 0, 1024, 0, ERR));
    TRY(imapc_client_connect(opts, &c, ERR));
    imapc_connect_options_free(opts);
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    TRY(imapc_client_select(c, "INBOX", &st, ERR));
    exists = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    CHECK(exists > 1, "seeded INBOX, %u messages", exists);

    rc = imapc_client_fetch(c, "1:*", "BODY.PEEK[]", &l, &err);
    checks += 3;
    if (rc != IMAPC_ERR_LIMIT_EXCEEDED || !err ||
        !strstr(imapc_error_message(err), "exceeds the limit of 1024")) {
        fprintf(stderr, "limit: fetch gave %s: %s\n", imapc_error_name(rc),
                err ? imapc_error_message(err) : "-");
        failures++;
    }
    if (imapc_error_is_fatal(err)) {
        fprintf(stderr, "limit: a skipped literal is reported as fatal\n");
        failures++;
    }
    if (l != NULL) {
        fprintf(stderr, "limit: output written on failure\n");
        failures++;
    }
    imapc_error_free(err);

    /* The same client, in step with the server. */
    TRY(imapc_client_noop(c, ERR));
    TRY(imapc_client_fetch(c, "1:*", "UID RFC822.SIZE", &l, ERR));
    checks++;
    if (imapc_message_list_count(l) != exists) {
        fprintf(stderr, "limit: then fetched %zu of %u\n", imapc_message_list_count(l), exists);
        failures++;
    }
    imapc_message_list_free(l);
    logout_and_free(c);
    printf("limit exceeded and skipped: not fatal, the client goes on\n");
}

/* 16 clients at once, one per thread, sharing one TLS config. */
#define THREADS 16
struct worker {
    const imapc_tls_config *cfg;
    int ok;
    char why[256];
};

static int worker_fail(struct worker *w, const char *what, imapc_result rc, imapc_error *err)
{
    snprintf(w->why, sizeof w->why, "%s: %s: %s", what, imapc_error_name(rc),
             err ? imapc_error_message(err) : "");
    imapc_error_free(err);
    return 0;
}

static int work(struct worker *w)
{
    const char *tls = env_or("IMAP_TLS", "starttls");
    uint32_t security = strcmp(tls, "implicit") == 0 ? IMAPC_SECURITY_IMPLICIT_TLS
                        : strcmp(tls, "none") == 0   ? IMAPC_SECURITY_DANGEROUS_PLAINTEXT
                                                     : IMAPC_SECURITY_STARTTLS;
    imapc_client *c = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_message_list *l = NULL;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t exists;
    int ok = 0;

    rc = connect_login(security, w->cfg, &c, &err);
    if (rc) return worker_fail(w, "connect/login", rc, err);
    if ((rc = imapc_client_examine(c, "INBOX", &st, &err))) {
        worker_fail(w, "examine", rc, err);
    } else if (exists = imapc_mailbox_state_exists(st),
               (rc = imapc_client_fetch(c, "1:*", "UID FLAGS ENVELOPE RFC822.SIZE", &l, &err))) {
        worker_fail(w, "fetch", rc, err);
    } else if (imapc_message_list_count(l) != exists) {
        snprintf(w->why, sizeof w->why, "fetched %zu of %u", imapc_message_list_count(l), exists);
    } else if ((rc = imapc_client_logout(c, &err))) {
        worker_fail(w, "logout", rc, err);
    } else {
        ok = 1;
    }
    imapc_message_list_free(l);
    imapc_mailbox_state_free(st);
    imapc_client_free(c);
    return ok;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    w->ok = work(w);
    return NULL;
}

static void threads(void)
{
    struct worker w[THREADS];
    pthread_t th[THREADS];
    imapc_tls_config_builder *b = imapc_tls_config_builder_new();
    const imapc_tls_config *cfg = NULL;
    const char *cafile = getenv("IMAP_CAFILE");
    int i, ok = 0;

    if (cafile && *cafile) TRY(imapc_tls_config_builder_add_ca_file(b, cafile, ERR));
    TRY(imapc_tls_config_builder_build(b, &cfg, ERR));
    imapc_tls_config_builder_free(b);
    for (i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].cfg = cfg;
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0, "pthread_create %d", i);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        checks++;
        if (w[i].ok) {
            ok++;
        } else {
            fprintf(stderr, "thread %d failed: %s\n", i, w[i].why);
            failures++;
        }
    }
    imapc_tls_config_free(cfg);
    printf("%d of %d threads succeeded\n", ok, THREADS);
}

int main(void)
{
    struct fixture fx;

    fixture_init(&fx);
    misuse_generated(&fx);
    fixture_free(&fx);
    printf("NULL arguments: %d functions, %d calls\n", MISUSE_FUNCTIONS, MISUSE_CALLS);

    invalid_utf8();
    fatal_errors();
    recovered_limit();
    threads();

    printf("%u checks, %u failures\n", checks, failures);
    if (failures) return 1;
    printf("ffi_misuse: OK\n");
    return 0;
}
