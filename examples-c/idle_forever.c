#define _POSIX_C_SOURCE 200809L
/* idle_forever: imapc_client_idle_wait with timeout UINT64_MAX "waits
 * without end (IDLE is renewed meanwhile)", and imapc_client_interrupt
 * ends such a wait.
 *
 * The idling connection has an I/O timeout of 1 s
 * (imapc_connect_options_set_io_timeout_ms); a second connection (another
 * thread) appends a message APPEND_DELAY_MS later. idle_wait(UINT64_MAX)
 * must return IMAPC_OK with the EXISTS of that message, after the append
 * and soon after it, first with the default renewal interval (no renewal
 * during the wait), then renewing IDLE every 400 ms (several renewals
 * during the wait, each a DONE/IDLE exchange under the 1 s I/O timeout).
 * Then a third wait without end is ended from another thread by
 * imapc_client_interrupt: IMAPC_ERR_INTERRUPTED, fatal, promptly, and
 * imapc_client_fd is -1 afterwards.
 * Broken looks like: IMAPC_ERR_TIMEOUT after about 1 s (the I/O timeout
 * applied to the wait), IMAPC_OK with no events before the append (the
 * infinite timeout taken as a short one, e.g. an overflowed deadline), an
 * internal error (a panic on the deadline's overflow), or no return at all:
 * a watchdog interrupts a wait that lasts WATCHDOG_MS and the test fails.
 *
 * A folder of its own; the account is left as it was. */
#include <pthread.h>
#include <time.h>

#include "common.h"

#define FOLDER "IdleForeverTest"
#define IO_TIMEOUT_MS 1000
#define APPEND_DELAY_MS 3000
#define RENEW_MS 400
#define INTERRUPT_MS 1500
#define WATCHDOG_MS 30000
/* The EXISTS must come this soon after the APPEND completed (Dovecot tells
 * idling clients at once; the margin is for valgrind). */
#define PROMPT_S 3.0

static const char MSG[] = "From: Forever Tester <forever@example.org>\r\n"
                          "Subject: the end of a wait without end\r\n"
                          "\r\n"
                          "Appended by the second connection.\r\n";

/* A thread that calls imapc_client_interrupt after `ms` unless stopped
 * before: the watchdog of a wait, or the interrupt under test. */
struct timer {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    imapc_client *c;
    long ms;
    int stopped, fired;
    double fired_at;
};

static void *timer_main(void *arg)
{
    struct timer *t = arg;
    struct timespec until;
    int r = 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += t->ms / 1000;
    until.tv_nsec += (t->ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    CHECK(pthread_mutex_lock(&t->mu) == 0, "lock");
    while (!t->stopped && r == 0) r = pthread_cond_timedwait(&t->cv, &t->mu, &until);
    if (!t->stopped) {
        t->fired = 1;
        t->fired_at = now_s();
        imapc_client_interrupt(t->c);
    }
    CHECK(pthread_mutex_unlock(&t->mu) == 0, "unlock");
    return NULL;
}

static void timer_start(struct timer *t, imapc_client *c, long ms)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    t->ms = ms;
    CHECK(pthread_mutex_init(&t->mu, NULL) == 0, "mutex");
    CHECK(pthread_cond_init(&t->cv, NULL) == 0, "cond");
    CHECK(pthread_create(&t->th, NULL, timer_main, t) == 0, "pthread_create");
}

/* Stop the timer (if it has not fired) and wait for its thread; true when
 * it fired. */
static int timer_stop(struct timer *t)
{
    CHECK(pthread_mutex_lock(&t->mu) == 0, "lock");
    t->stopped = 1;
    CHECK(pthread_cond_broadcast(&t->cv) == 0, "broadcast");
    CHECK(pthread_mutex_unlock(&t->mu) == 0, "unlock");
    CHECK(pthread_join(t->th, NULL) == 0, "pthread_join");
    pthread_cond_destroy(&t->cv);
    pthread_mutex_destroy(&t->mu);
    return t->fired;
}

/* The second client: appends after APPEND_DELAY_MS, notes when. */
struct appender {
    pthread_t th;
    double sent, done; /* the APPEND was sent, completed */
    uint32_t uid;
};

static void *appender_main(void *arg)
{
    struct appender *a = arg;
    imapc_client *c;
    sleep_ms(APPEND_DELAY_MS);
    c = connect_from_env();
    a->sent = now_s();
    TRY(imapc_client_append(c, FOLDER, (const uint8_t *)MSG, sizeof MSG - 1, NULL, NULL, 0,
                            &a->uid, ERR));
    a->done = now_s();
    logout_and_free(c);
    return NULL;
}

/* One wait without end for a message appended meanwhile: the EXISTS
 * must say `want` messages. */
static void wait_for_append(imapc_client *c, uint32_t want, const char *how)
{
    struct appender a;
    struct timer dog;
    imapc_event_list *ev = NULL;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t exists = 0;
    double t0, t1;
    size_t i;

    memset(&a, 0, sizeof a);
    TRY(imapc_client_idle_start(c, ERR));
    CHECK(pthread_create(&a.th, NULL, appender_main, &a) == 0, "pthread_create");
    timer_start(&dog, c, WATCHDOG_MS);
    t0 = now_s();
    rc = imapc_client_idle_wait(c, UINT64_MAX, &ev, &err);
    t1 = now_s();
    CHECK(!timer_stop(&dog), "[%s] idle_wait(UINT64_MAX) had not returned after %d ms, with the "
          "message appended after %d ms: the watchdog interrupted it", how, WATCHDOG_MS,
          APPEND_DELAY_MS);
    CHECK(rc == IMAPC_OK, "[%s] idle_wait(UINT64_MAX) after %.2f s: %s (%s), with an I/O timeout "
          "of %d ms", how, t1 - t0, imapc_error_name(rc), imapc_error_message(err),
          IO_TIMEOUT_MS);
    CHECK(pthread_join(a.th, NULL) == 0, "pthread_join");
    for (i = 0; i < imapc_event_list_count(ev); i++)
        if (imapc_event_list_kind(ev, i) == IMAPC_EVENT_EXISTS)
            exists = imapc_event_list_number(ev, i);
    CHECK(imapc_event_list_count(ev) > 0, "[%s] idle_wait(UINT64_MAX) returned OK without events "
          "after %.2f s (the append came %.2f s in)", how, t1 - t0, a.sent - t0);
    CHECK(exists == want, "[%s] EXISTS %u, want %u", how, exists, want);
    /* Only the append could end the wait, and it did so promptly. */
    CHECK(t1 > a.sent && t1 - a.done < PROMPT_S, "[%s] returned %.2f s in, the APPEND ran from "
          "%.2f to %.2f s", how, t1 - t0, a.sent - t0, a.done - t0);
    imapc_event_list_free(ev);
    TRY(imapc_client_idle_done(c, NULL, ERR));
    printf("[%s] idle_wait(UINT64_MAX) with a %d ms I/O timeout returned EXISTS %u after %.2f s\n",
           how, IO_TIMEOUT_MS, exists, t1 - t0);
}

int main(void)
{
    imapc_connect_options *opts = options_from_env();
    imapc_client *c = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_event_list *ev = NULL;
    imapc_message_list *l = NULL;
    imapc_error *err = NULL;
    struct timer intr;
    imapc_result rc;
    double t0, t1;
    size_t i;

    imapc_log_init_from_env();
    TRY(imapc_connect_options_set_io_timeout_ms(opts, IO_TIMEOUT_MS, ERR));
    TRY(imapc_client_connect(opts, &c, ERR));
    imapc_connect_options_free(opts);
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    CHECK(imapc_client_has_capability(c, "IDLE"), "server has IDLE");
    imapc_client_delete_folder(c, FOLDER, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == 0, "a new folder is empty");
    imapc_mailbox_state_free(st);

    wait_for_append(c, 1, "default renewal");
    TRY(imapc_client_set_idle_renew_interval_ms(c, RENEW_MS, ERR));
    wait_for_append(c, 2, "renewed every 400 ms");

    /* The appended messages are there, in step after the renewals. */
    TRY(imapc_client_fetch(c, "1:*", "ENVELOPE", &l, ERR));
    CHECK(imapc_message_list_count(l) == 2, "%zu messages", imapc_message_list_count(l));
    for (i = 0; i < 2; i++)
        CHECK(strcmp(imapc_envelope_subject(imapc_message_envelope(imapc_message_list_get(l, i))),
                     "the end of a wait without end") == 0,
              "subject of message %zu", i + 1);
    imapc_message_list_free(l);

    /* A wait without end, ended by an interrupt from another thread. */
    TRY(imapc_client_idle_start(c, ERR));
    timer_start(&intr, c, INTERRUPT_MS);
    t0 = now_s();
    rc = imapc_client_idle_wait(c, UINT64_MAX, &ev, &err);
    t1 = now_s();
    CHECK(timer_stop(&intr), "the interrupt fired");
    CHECK(rc == IMAPC_ERR_INTERRUPTED, "the interrupted wait: %s (%s)", imapc_error_name(rc),
          imapc_error_message(err));
    CHECK(imapc_error_is_fatal(err), "the interrupt closed the connection: fatal");
    CHECK(ev == NULL, "no events from a failed wait");
    CHECK(t1 - intr.fired_at < 1.0, "the wait returned %.3f s after the interrupt",
          t1 - intr.fired_at);
    CHECK(imapc_client_fd(c) == -1, "fd %d after the interrupted call", imapc_client_fd(c));
    imapc_error_free(err);
    imapc_client_free(c);
    printf("interrupted after %.2f s: IDLE ended with IMAPC_ERR_INTERRUPTED %.3f s later\n",
           t1 - t0, t1 - intr.fired_at);

    /* Leave the account as it was. */
    c = connect_from_env();
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("idle_forever: OK\n");
    return 0;
}
