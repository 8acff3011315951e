#define _POSIX_C_SOURCE 200809L
/* log_swap: imapc_log_set_callback's promise to callers who free their
 * userdata. A worker thread fetches at TRACE level (a log record per
 * protocol line) while the main thread, again and again, installs a
 * callback with a freshly allocated userdata, turns logging off, marks
 * the userdata retired and frees it. Once the call that turns logging off
 * has returned, the old callback must not run any more: a callback that
 * finds its userdata retired counts a late call (under valgrind, the read
 * of freed memory is an error too). The library used to copy the
 * callback out of its lock and call it afterwards, so some calls came
 * late (18 in 15 828 in one run). */
#include <pthread.h>
#include <time.h>

#include "common.h"

#define FOLDER "LogSwapTest"
#define N 20

struct userdata {
    int retired;
    long calls;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total_calls, late_calls;
static int stop;
static struct userdata kept;

static void sleep_us(long us)
{
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = us * 1000L;
    nanosleep(&ts, NULL);
}

static void on_log(void *p, uint32_t level, const char *target, const char *message)
{
    struct userdata *u = p;
    (void)level;
    (void)target;
    (void)message;
    /* A callback that takes its time (as one writing to a file does)
     * widens the window in which a switch can overtake it. */
    sleep_us(20);
    pthread_mutex_lock(&mu);
    total_calls++;
    if (u->retired)
        late_calls++;
    u->calls++;
    pthread_mutex_unlock(&mu);
}

static int stopped(void)
{
    int s;
    pthread_mutex_lock(&mu);
    s = stop;
    pthread_mutex_unlock(&mu);
    return s;
}

static void *worker(void *arg)
{
    imapc_client *c = arg;
    while (!stopped()) {
        imapc_message_list *l = NULL;
        TRY(imapc_client_fetch(c, "1:*", "FLAGS ENVELOPE BODY.PEEK[]", &l, ERR));
        CHECK(imapc_message_list_count(l) == N, "%zu messages", imapc_message_list_count(l));
        imapc_message_list_free(l);
    }
    return NULL;
}

int main(void)
{
    imapc_client *c = connect_from_env();
    static const char MSG[] = "From: log@example.org\r\nSubject: log swap\r\n\r\nbody\r\n";
    pthread_t th;
    long rounds = 0;

    fresh_folder_with_copies(c, FOLDER, MSG, N);
    TRY(imapc_client_select(c, FOLDER, NULL, ERR));
    CHECK(pthread_create(&th, NULL, worker, c) == 0, "pthread_create");

    /* Until the worker's fetches have produced plenty of records, and at
     * least 500 switches. */
    for (;;) {
        struct userdata *u = calloc(1, sizeof *u);
        long total;
        CHECK(u != NULL, "calloc");
        imapc_log_set_callback(on_log, u, IMAPC_LOG_TRACE);
        sleep_us(200);
        if (rounds % 2)
            imapc_log_set_callback(NULL, NULL, IMAPC_LOG_OFF);
        else /* replaced (here by a userdata never retired): the same promise */
            imapc_log_set_callback(on_log, &kept, IMAPC_LOG_TRACE);
        pthread_mutex_lock(&mu);
        u->retired = 1;
        total = total_calls;
        pthread_mutex_unlock(&mu);
        free(u); /* what the promise allows */
        rounds++;
        if (rounds >= 500 && total >= 5000)
            break;
        CHECK(rounds < 100000, "only %ld log records in %ld rounds", total, rounds);
    }
    pthread_mutex_lock(&mu);
    stop = 1;
    pthread_mutex_unlock(&mu);
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    printf("%ld switches, %ld callbacks, %ld after their logging was turned off\n", rounds,
           total_calls, late_calls);
    CHECK(late_calls == 0, "%ld callbacks ran after the call that turned them off returned",
          late_calls);

    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("log_swap: OK\n");
    return 0;
}
