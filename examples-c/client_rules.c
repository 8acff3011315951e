#define _POSIX_C_SOURCE 200809L
/* client_rules: the rules of the client handle that include/imapclient.h
 * states and no other test checks, each asserted as the header words it.
 *
 * 1. imapc_client: "a concurrent call fails with IMAPC_ERR_ILLEGAL_STATE".
 *    A fetch_stream runs and its on_message callback waits (on a condition
 *    variable, up to 5 s) while a second thread calls noop, take_events,
 *    fetch, select, set_use_uid, idle_start and logout on the same client:
 *    each must fail with ILLEGAL_STATE, not fatal (the client goes on), in
 *    under QUICK_S, and the running fetch must deliver every byte right and
 *    succeed. The same during a blocking imapc_client_idle_wait: the other
 *    thread's idle_done, take_events and idle_wait are refused while the
 *    wait lasts its full time. Broken looks like: a call that blocks until
 *    the running one ends (about 5 s here: the callback's wait runs out),
 *    a call that goes through (a LOGOUT under a running fetch, a DONE under
 *    a running wait), or a running call cut short.
 * 2. imapc_client_idle_start: while IDLE runs "only idle_wait, idle_done,
 *    take_events, logout and interrupt are allowed": noop, fetch, select,
 *    store and a second idle_start fail with a non-fatal ILLEGAL_STATE and
 *    IDLE goes on (a message appended by a second connection afterwards
 *    still arrives as EXISTS); take_events succeeds; logout during IDLE
 *    succeeds. Broken looks like: a refused command sent in the middle of
 *    IDLE (the server ends IDLE, the EXISTS never comes) or a fatal error.
 * 3. imapc_client_last_error: NULL when the last call succeeded, else
 *    "IMAPC_ERR_NAME: detail", the name of the code the call returned and
 *    the detail of its error (imapc_error_message), also when the call got
 *    no error object (err_out NULL): a server NO, an invalid argument and
 *    a refused call, each followed by a success that clears it.
 * 4. imapc_client_fd: -1 when closed: after logout, and after an
 *    interrupted call.
 * 5. imapc_client_interrupt: "safe to call at any time, also when no call
 *    runs" (and for NULL). The interrupt closes the connection, so the next
 *    call fails at once with IMAPC_ERR_INTERRUPTED, fatal (the header's
 *    promise for the interrupted call; it does not say in as many words
 *    that the next call is the one interrupted), and later calls with a
 *    fatal ILLEGAL_STATE (imapc_error_is_fatal: "every later call on that
 *    client fails with IMAPC_ERR_ILLEGAL_STATE"). Broken looks like: the
 *    next call succeeding, blocking until the I/O timeout, or a client
 *    still usable. (Interrupting a running call: examples-c/idle_forever.c.)
 *
 * A folder of its own; the account is left as it was. */
#include <pthread.h>
#include <time.h>

#include "common.h"

#define FOLDER "ClientRulesTest"
#define MISSING "ClientRulesNoSuchFolder"
#define N 3
#define THRESHOLD 4096
/* A refused call must return this fast (it returns in microseconds; the
 * margin is for valgrind). A call that waits for the running one takes
 * CALLBACK_WAIT_S or more. */
#define QUICK_S 0.5
#define CALLBACK_WAIT_S 5
#define IDLE_WAIT_MS 2000

static const char *const MSGS[N] = {
    "From: Rules Tester <rules@example.org>\r\nSubject: rule one\r\n\r\nThe first.\r\n",
    "From: Rules Tester <rules@example.org>\r\nSubject: rule two\r\n\r\nThe second, a bit "
    "longer than the first.\r\n",
    "From: Rules Tester <rules@example.org>\r\nSubject: rule three\r\n\r\nThe third.\r\n",
};

static const char LATE[] = "From: Rules Tester <rules@example.org>\r\n"
                           "Subject: rule four\r\n"
                           "\r\n"
                           "Appended while the first connection idles.\r\n";

/* A call that must be refused with a non-fatal ILLEGAL_STATE at once.
 * `call` passes ERR as its error out-parameter. */
#define REFUSED(what, call)                                                                \
    do {                                                                                   \
        imapc_error *err_ = NULL;                                                          \
        double t0_ = now_s(), took_;                                                       \
        imapc_result rc_ = (call);                                                         \
        took_ = now_s() - t0_;                                                             \
        CHECK(rc_ == IMAPC_ERR_ILLEGAL_STATE, "%s: %s (%s), want IMAPC_ERR_ILLEGAL_STATE", \
              what, imapc_error_name(rc_), imapc_error_message(err_));                     \
        CHECK(!imapc_error_is_fatal(err_), "%s: the refusal is not fatal", what);          \
        CHECK(took_ < QUICK_S, "%s: refused after %.3f s, not at once", what, took_);      \
        imapc_error_free(err_);                                                            \
    } while (0)

/* last_error after a failed call that returned `rc` (and `err`, or NULL
 * when the call got no error object): "NAME: detail". */
static void check_last_error(imapc_client *c, const char *what, imapc_result rc,
                             const imapc_error *err)
{
    const char *le = imapc_client_last_error(c);
    const char *name = imapc_error_name(rc);
    size_t n = strlen(name);
    CHECK(le != NULL, "%s: last_error is set after a failure", what);
    CHECK(strncmp(le, name, n) == 0 && le[n] == ':' && le[n + 1] == ' ',
          "%s: last_error \"%s\" starts with \"%s: \"", what, le, name);
    CHECK(le[n + 2] != '\0', "%s: last_error \"%s\" has a detail", what, le);
    if (err)
        CHECK(strcmp(le + n + 2, imapc_error_message(err)) == 0,
              "%s: last_error detail \"%s\" is the error's message \"%s\"", what, le + n + 2,
              imapc_error_message(err));
    printf("%s: last_error \"%s\"\n", what, le);
}

static void check_no_last_error(imapc_client *c, const char *what)
{
    const char *le = imapc_client_last_error(c);
    CHECK(le == NULL, "%s: last_error NULL after a success, not \"%s\"", what, le);
}

/* ---- 1. a concurrent call, while a fetch_stream runs its callback ---- */

struct meeting {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int inside; /* the running call is in its callback */
    int done;   /* the other thread made its calls */
};

/* Wait until *flag is set or `seconds` pass; true when it was set. */
static int wait_flag(struct meeting *m, int *flag, int seconds)
{
    struct timespec until;
    int r = 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    CHECK(pthread_mutex_lock(&m->mu) == 0, "lock");
    while (!*flag && r == 0) r = pthread_cond_timedwait(&m->cv, &m->mu, &until);
    r = *flag;
    CHECK(pthread_mutex_unlock(&m->mu) == 0, "unlock");
    return r;
}

static void set_flag(struct meeting *m, int *flag)
{
    CHECK(pthread_mutex_lock(&m->mu) == 0, "lock");
    *flag = 1;
    CHECK(pthread_cond_broadcast(&m->cv) == 0, "broadcast");
    CHECK(pthread_mutex_unlock(&m->mu) == 0, "unlock");
}

struct stream_run {
    struct meeting meet;
    imapc_client *c;
    uint64_t got[N + 1]; /* bytes per sequence number, via on_chunk */
    int messages;
    int waited;          /* the callback waited for the other thread */
    double waited_s;
};

static int on_chunk(void *ud, uint32_t seq, uint32_t uid, const char *section, uint64_t offset,
                    uint64_t total, const uint8_t *data, size_t len)
{
    struct stream_run *r = ud;
    size_t want;
    (void)uid;
    CHECK(seq >= 1 && seq <= N, "chunk of message %u", seq);
    want = strlen(MSGS[seq - 1]);
    CHECK(strcmp(section, "BODY[]") == 0, "section %s", section);
    CHECK(total == want && offset == r->got[seq] && offset + len <= total,
          "message %u: piece at %llu+%zu of %llu after %llu bytes (message of %zu)", seq,
          (unsigned long long)offset, len, (unsigned long long)total,
          (unsigned long long)r->got[seq], want);
    CHECK(memcmp(data, MSGS[seq - 1] + offset, len) == 0, "message %u: bytes at %llu", seq,
          (unsigned long long)offset);
    r->got[seq] += len;
    return 0;
}

/* At the first message: let the other thread in, wait until it is done. */
static int on_message(void *ud, const imapc_message *m)
{
    struct stream_run *r = ud;
    r->messages++;
    CHECK(imapc_message_seq(m) >= 1 && imapc_message_seq(m) <= N, "message %u",
          imapc_message_seq(m));
    if (!r->waited) {
        double t0 = now_s();
        r->waited = 1;
        set_flag(&r->meet, &r->meet.inside);
        /* Without a lock refusing at once, the other thread's first call
         * blocks until this returns: then it takes CALLBACK_WAIT_S. */
        wait_flag(&r->meet, &r->meet.done, CALLBACK_WAIT_S);
        r->waited_s = now_s() - t0;
    }
    return 0;
}

static void *intrude_stream(void *arg)
{
    struct stream_run *r = arg;
    imapc_client *c = r->c;
    imapc_event_list *ev = NULL;
    imapc_message_list *l = NULL;
    CHECK(wait_flag(&r->meet, &r->meet.inside, 30), "the fetch reached its callback");
    REFUSED("concurrent noop", imapc_client_noop(c, ERR));
    REFUSED("concurrent take_events", imapc_client_take_events(c, &ev, ERR));
    REFUSED("concurrent fetch", imapc_client_fetch(c, "1", "FLAGS", &l, ERR));
    REFUSED("concurrent select", imapc_client_select(c, FOLDER, NULL, ERR));
    REFUSED("concurrent set_use_uid", imapc_client_set_use_uid(c, false, ERR));
    REFUSED("concurrent idle_start", imapc_client_idle_start(c, ERR));
    REFUSED("concurrent logout", imapc_client_logout(c, ERR));
    CHECK(ev == NULL && l == NULL, "refused calls write no output");
    set_flag(&r->meet, &r->meet.done);
    return NULL;
}

static void concurrent_during_stream(imapc_client *c)
{
    struct stream_run r;
    pthread_t th;
    size_t count = 0;
    int i;
    memset(&r, 0, sizeof r);
    CHECK(pthread_mutex_init(&r.meet.mu, NULL) == 0, "mutex");
    CHECK(pthread_cond_init(&r.meet.cv, NULL) == 0, "cond");
    r.c = c;
    CHECK(pthread_create(&th, NULL, intrude_stream, &r) == 0, "pthread_create");
    TRY(imapc_client_fetch_stream(c, "1:*", "BODY.PEEK[]", THRESHOLD, on_message, on_chunk, &r,
                                  &count, ERR));
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    CHECK(r.waited_s < CALLBACK_WAIT_S - 1, "the other thread's calls took %.3f s", r.waited_s);
    /* The running fetch is unaffected: every message, every byte. */
    CHECK(count == N && r.messages == N, "%zu messages counted, %d delivered", count, r.messages);
    for (i = 1; i <= N; i++)
        CHECK(r.got[i] == strlen(MSGS[i - 1]), "message %d: %llu bytes", i,
              (unsigned long long)r.got[i]);
    check_no_last_error(c, "after the running fetch");
    CHECK(imapc_client_use_uid(c), "the refused set_use_uid changed nothing");
    TRY(imapc_client_noop(c, ERR));
    pthread_cond_destroy(&r.meet.cv);
    pthread_mutex_destroy(&r.meet.mu);
    printf("1. seven concurrent calls refused at once during a fetch_stream (%.3f s), "
           "which delivered all %d messages\n", r.waited_s, N);
}

/* ---- 1b. a concurrent call, while idle_wait blocks ---- */

struct idle_intruder {
    imapc_client *c;
    double start, end;
};

static void *intrude_idle(void *arg)
{
    struct idle_intruder *in = arg;
    imapc_event_list *ev = NULL;
    sleep_ms(300);
    in->start = now_s();
    REFUSED("idle_done while idle_wait runs", imapc_client_idle_done(in->c, NULL, ERR));
    REFUSED("take_events while idle_wait runs", imapc_client_take_events(in->c, &ev, ERR));
    REFUSED("idle_wait while idle_wait runs", imapc_client_idle_wait(in->c, 0, &ev, ERR));
    CHECK(ev == NULL, "refused calls write no output");
    in->end = now_s();
    return NULL;
}

static void concurrent_during_idle_wait(imapc_client *c)
{
    struct idle_intruder in;
    imapc_event_list *ev = NULL;
    pthread_t th;
    double t0, t1;
    in.c = c;
    in.start = in.end = 0;
    CHECK(pthread_create(&th, NULL, intrude_idle, &in) == 0, "pthread_create");
    t0 = now_s();
    TRY(imapc_client_idle_wait(c, IDLE_WAIT_MS, &ev, ERR));
    t1 = now_s();
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    /* The calls fell inside the wait (else this test proved nothing). */
    CHECK(in.start > t0 && in.end < t1, "the other thread's calls (%.3f..%.3f s) during the wait "
          "(0..%.3f s)", in.start - t0, in.end - t0, t1 - t0);
    /* The wait was not cut short and nothing happened meanwhile. */
    CHECK(t1 - t0 >= IDLE_WAIT_MS / 1000.0 - 0.05, "idle_wait returned after %.3f s of %d ms",
          t1 - t0, IDLE_WAIT_MS);
    CHECK(imapc_event_list_count(ev) == 0, "%zu events in an idle folder",
          imapc_event_list_count(ev));
    imapc_event_list_free(ev);
    check_no_last_error(c, "after the running idle_wait");
    printf("1b. idle_done, take_events, idle_wait from another thread refused during a %.2f s "
           "idle_wait\n", t1 - t0);
}

/* ---- 2. calls during IDLE, on the idling thread ---- */

static void calls_during_idle(imapc_client *c)
{
    imapc_message_list *l = NULL;
    imapc_event_list *ev = NULL;
    imapc_client *other;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t exists = 0;
    double deadline;

    REFUSED("noop during IDLE", imapc_client_noop(c, ERR));
    REFUSED("fetch during IDLE", imapc_client_fetch(c, "1:*", "FLAGS", &l, ERR));
    REFUSED("select during IDLE", imapc_client_select(c, FOLDER, NULL, ERR));
    REFUSED("store during IDLE", imapc_client_store(c, "1", IMAPC_STORE_ADD, IMAPC_FLAG_FLAGGED,
                                                    IMAPC_STORE_SILENT, 0, NULL, ERR));
    REFUSED("idle_start during IDLE", imapc_client_idle_start(c, ERR));
    CHECK(l == NULL, "refused fetch writes no output");

    /* last_error during IDLE: set by the refusal, cleared by a success. */
    rc = imapc_client_fetch(c, "1", "FLAGS", &l, &err);
    check_last_error(c, "fetch during IDLE", rc, err);
    imapc_error_free(err);
    err = NULL;
    TRY(imapc_client_take_events(c, &ev, ERR));
    imapc_event_list_free(ev);
    ev = NULL;
    check_no_last_error(c, "take_events during IDLE");
    TRY(imapc_client_idle_wait(c, 0, &ev, ERR));
    imapc_event_list_free(ev);
    ev = NULL;

    /* IDLE goes on: a message appended now arrives as EXISTS. */
    other = connect_from_env();
    TRY(imapc_client_append(other, FOLDER, (const uint8_t *)LATE, sizeof LATE - 1, NULL, NULL, 0,
                            NULL, ERR));
    logout_and_free(other);
    deadline = now_s() + 30.0;
    while (!exists && now_s() < deadline) {
        size_t i;
        TRY(imapc_client_idle_wait(c, 1000, &ev, ERR));
        for (i = 0; i < imapc_event_list_count(ev); i++)
            if (imapc_event_list_kind(ev, i) == IMAPC_EVENT_EXISTS)
                exists = imapc_event_list_number(ev, i);
        imapc_event_list_free(ev);
        ev = NULL;
    }
    CHECK(exists == N + 1, "EXISTS %u after the refused calls, want %d", exists, N + 1);
    TRY(imapc_client_take_events(c, &ev, ERR));
    imapc_event_list_free(ev);
    printf("2. noop, fetch, select, store, idle_start refused during IDLE; IDLE went on "
           "(EXISTS %u)\n", exists);

    /* Logout is allowed during IDLE and closes the descriptor. */
    CHECK(imapc_client_fd(c) >= 0, "a descriptor while connected");
    TRY(imapc_client_logout(c, ERR));
    check_no_last_error(c, "logout during IDLE");
    CHECK(imapc_client_fd(c) == -1, "fd %d after logout", imapc_client_fd(c));
    rc = imapc_client_noop(c, &err);
    CHECK(rc == IMAPC_ERR_ILLEGAL_STATE && imapc_error_is_fatal(err),
          "noop after logout: %s (%s) fatal=%d", imapc_error_name(rc), imapc_error_message(err),
          imapc_error_is_fatal(err));
    imapc_error_free(err);
    printf("2. logout during IDLE; fd -1 afterwards\n");
}

/* ---- 3. last_error on a client in the ordinary state ---- */

static void last_error_rules(imapc_client *c)
{
    imapc_message_list *l = NULL;
    imapc_error *err = NULL;
    imapc_result rc;

    check_no_last_error(c, "after login");

    rc = imapc_client_select(c, MISSING, NULL, &err); /* the server's NO */
    CHECK(rc != IMAPC_OK && !imapc_error_is_fatal(err), "select of a missing folder: %s",
          imapc_error_name(rc));
    check_last_error(c, "select of a missing folder", rc, err);
    imapc_error_free(err);
    err = NULL;
    TRY(imapc_client_noop(c, ERR));
    check_no_last_error(c, "noop after the NO");

    /* No error object: the handle still has the message. */
    rc = imapc_client_fetch(c, "1:*", "FLAGS", &l, NULL); /* no folder selected */
    CHECK(rc == IMAPC_ERR_ILLEGAL_STATE && l == NULL, "fetch without a folder: %s",
          imapc_error_name(rc));
    check_last_error(c, "fetch without a folder (err_out NULL)", rc, NULL);

    TRY(imapc_client_select(c, FOLDER, NULL, ERR));
    check_no_last_error(c, "select");
    rc = imapc_client_fetch(c, "1:x", "FLAGS", &l, &err);
    CHECK(rc == IMAPC_ERR_INVALID_ARGUMENT && l == NULL, "fetch of set 1:x: %s",
          imapc_error_name(rc));
    check_last_error(c, "fetch of set 1:x", rc, err);
    imapc_error_free(err);
    TRY(imapc_client_fetch(c, "1:*", "FLAGS", &l, ERR));
    CHECK(imapc_message_list_count(l) == N + 1, "%zu messages", imapc_message_list_count(l));
    imapc_message_list_free(l);
    check_no_last_error(c, "fetch");
    TRY(imapc_client_unselect(c, ERR));
    printf("3. last_error: NULL after each success, \"NAME: detail\" after each failure\n");
}

/* ---- 5. interrupt when no call runs ---- */

/* The command timeout bounds each command in all, not each read: with a
 * real server and a bound well above what a command takes, every call
 * (a fetch of the folder, IDLE, which it does not apply to, and its end)
 * goes through, and after the IDLE longer than the bound the next command
 * still has its own. */
static void command_timeout_leaves_quick_commands_alone(void)
{
    imapc_connect_options *o = options_from_env();
    imapc_client *c = NULL;
    imapc_message_list *l = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_event_list *ev = NULL;
    TRY(imapc_connect_options_set_command_timeout_ms(o, 400, ERR));
    TRY(imapc_client_connect(o, &c, ERR));
    imapc_connect_options_free(o);
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    TRY(imapc_client_fetch(c, "1:*", "UID BODY.PEEK[]", &l, ERR));
    CHECK(imapc_mailbox_state_exists(st) > 0 &&
              imapc_message_list_count(l) == imapc_mailbox_state_exists(st),
          "%zu messages of %u", imapc_message_list_count(l), imapc_mailbox_state_exists(st));
    imapc_mailbox_state_free(st);
    imapc_message_list_free(l);
    TRY(imapc_client_idle_start(c, ERR));
    TRY(imapc_client_idle_wait(c, 700, &ev, ERR)); /* longer than the bound: not applied */
    imapc_event_list_free(ev);
    ev = NULL;
    TRY(imapc_client_idle_done(c, &ev, ERR));
    imapc_event_list_free(ev);
    TRY(imapc_client_noop(c, ERR));
    logout_and_free(c);
    printf("6. command timeout 400 ms: fetch, a 700 ms IDLE wait and NOOP all succeed\n");
}

static void interrupt_idle_client(void)
{
    imapc_client *c = connect_from_env();
    imapc_error *err = NULL;
    imapc_result rc;
    double t0, took;

    CHECK(imapc_client_fd(c) >= 0, "a descriptor while connected");
    imapc_client_interrupt(NULL); /* does nothing */
    imapc_client_interrupt(c);
    imapc_client_interrupt(c); /* twice is as once */
    t0 = now_s();
    rc = imapc_client_noop(c, &err);
    took = now_s() - t0;
    CHECK(rc == IMAPC_ERR_INTERRUPTED, "the call after the interrupt: %s (%s)",
          imapc_error_name(rc), imapc_error_message(err));
    CHECK(imapc_error_is_fatal(err), "the interrupt closed the connection: fatal");
    CHECK(took < QUICK_S, "the interrupted call took %.3f s", took);
    check_last_error(c, "the call after the interrupt", rc, err);
    imapc_error_free(err);
    err = NULL;
    CHECK(imapc_client_fd(c) == -1, "fd %d after the interrupted call", imapc_client_fd(c));

    rc = imapc_client_select(c, "INBOX", NULL, &err);
    CHECK(rc == IMAPC_ERR_ILLEGAL_STATE && imapc_error_is_fatal(err),
          "a later call: %s (%s) fatal=%d", imapc_error_name(rc), imapc_error_message(err),
          imapc_error_is_fatal(err));
    imapc_error_free(err);
    imapc_client_free(c);
    printf("5. interrupt with no call running: the next call INTERRUPTED in %.3f s, later ones "
           "ILLEGAL_STATE, fd -1\n", took);
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_append_message msgs[N];
    imapc_mailbox_state *st = NULL;
    int i;

    CHECK(imapc_client_has_capability(c, "IDLE"), "server has IDLE");
    check_no_last_error(c, "after login");
    imapc_client_delete_folder(c, FOLDER, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));
    for (i = 0; i < N; i++) {
        msgs[i].data = (const uint8_t *)MSGS[i];
        msgs[i].len = strlen(MSGS[i]);
        msgs[i].flags = NULL;
        msgs[i].internal_date = NULL;
        msgs[i].offset_minutes = 0;
    }
    TRY(imapc_client_multiappend(c, FOLDER, msgs, N, IMAPC_APPEND_MESSAGE_VERSION, NULL, NULL,
                                 ERR));
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == N, "%u messages", imapc_mailbox_state_exists(st));
    imapc_mailbox_state_free(st);

    concurrent_during_stream(c);
    TRY(imapc_client_idle_start(c, ERR));
    concurrent_during_idle_wait(c);
    calls_during_idle(c); /* ends with a logout */
    imapc_client_free(c);

    c = connect_from_env();
    last_error_rules(c);
    interrupt_idle_client();
    command_timeout_leaves_quick_commands_alone();

    /* Leave the account as it was. */
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("client_rules: OK\n");
    return 0;
}
