#define _POSIX_C_SOURCE 200809L
/* idle_poll: the event-loop way of idling. The program sleeps in poll()
 * on imapc_client_fd and, whenever the descriptor is readable, takes the
 * events with imapc_client_idle_wait(c, 0, ...); it never waits inside
 * the library. The connection is TLS (STARTTLS) and, when the server
 * offers it, COMPRESS=DEFLATE, the two layers that hold data the socket
 * does not show.
 *
 * A second connection (another thread) flags every message of a folder
 * of N messages with many keywords: the first connection hears a burst of
 * N FETCH responses (hundreds of KiB that deflate to a few), and every
 * one of them must arrive through poll + idle_wait(0), each poll bounded
 * by POLL_MS: a poll that times out with events still missing means data
 * was left inside the library where poll cannot see it.
 *
 * The idling connection sets its TCP keepalive (what keeps NAT state
 * alive through a long IDLE and finds a vanished peer), checked on the
 * descriptor with getsockopt where the system names the options. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "common.h"

#define FOLDER "IdlePollTest"
#define N 300
#define POLL_MS 5000

/* Twenty keywords of about 40 characters: a FETCH line of about 900 bytes
 * per message. */
static const char KEYWORDS[] =
    "$Poll-Burst-Keyword-Number-01-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-02-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-03-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-04-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-05-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-06-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-07-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-08-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-09-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-10-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-11-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-12-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-13-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-14-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-15-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-16-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-17-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-18-AAAAAAAAAAAAAAAA "
    "$Poll-Burst-Keyword-Number-19-AAAAAAAAAAAAAAAA $Poll-Burst-Keyword-Number-20-AAAAAAAAAAAAAAAA";

static const char MSG[] = "From: Poll Tester <poll@example.org>\r\n"
                          "To: test4@example.org\r\n"
                          "Subject: one of many\r\n"
                          "\r\n"
                          "Flagged by the second connection.\r\n";

/* The second client: once the first one idles, flag every message. */
static void *flagger(void *arg)
{
    imapc_client *c = connect_from_env();
    imapc_mailbox_state *st = NULL;
    (void)arg;
    sleep_ms(1000);
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    imapc_mailbox_state_free(st);
    TRY(imapc_client_store(c, "1:*", IMAPC_STORE_ADD, KEYWORDS, IMAPC_STORE_SILENT, 0, NULL, ERR));
    logout_and_free(c);
    return NULL;
}

/* Take the events that have arrived; count each message's flag change
 * once (a server may report a message twice). */
static void take(imapc_client *c, unsigned char *seen, int *count)
{
    imapc_event_list *ev = NULL;
    size_t i;
    TRY(imapc_client_idle_wait(c, 0, &ev, ERR));
    for (i = 0; i < imapc_event_list_count(ev); i++) {
        const imapc_message *m;
        uint32_t seq;
        if (imapc_event_list_kind(ev, i) != IMAPC_EVENT_FETCH)
            continue;
        m = imapc_event_list_message(ev, i);
        seq = imapc_message_seq(m);
        CHECK(seq >= 1 && seq <= N, "sequence number %u", seq);
        CHECK(imapc_message_has_flag(m, "$Poll-Burst-Keyword-Number-20-AAAAAAAAAAAAAAAA"),
              "message %u has the new keywords", seq);
        if (!seen[seq]) {
            seen[seq] = 1;
            (*count)++;
        }
    }
    imapc_event_list_free(ev);
}

static int sockopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    CHECK(getsockopt(fd, level, name, &v, &len) == 0, "getsockopt %d %d", level, name);
    return v;
}

/* Connect and log in with keepalive probes after 30 s of silence, every
 * 10 s, 3 of them; refuse a zero interval. */
static imapc_client *connect_with_keepalive(void)
{
    imapc_connect_options *opts = options_from_env();
    imapc_client *c = NULL;
    imapc_error *err = NULL;
    CHECK(imapc_connect_options_set_tcp_keepalive(opts, 30, 0, 3, &err) ==
              IMAPC_ERR_INVALID_ARGUMENT,
          "a zero interval is refused");
    imapc_error_free(err);
    TRY(imapc_connect_options_set_tcp_keepalive(opts, 30, 10, 3, ERR));
    TRY(imapc_client_connect(opts, &c, ERR));
    imapc_connect_options_free(opts);
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    CHECK(sockopt(imapc_client_fd(c), SOL_SOCKET, SO_KEEPALIVE) == 1, "keepalive on");
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
    CHECK(sockopt(imapc_client_fd(c), IPPROTO_TCP, TCP_KEEPIDLE) == 30, "keepalive idle");
    CHECK(sockopt(imapc_client_fd(c), IPPROTO_TCP, TCP_KEEPINTVL) == 10, "keepalive interval");
    CHECK(sockopt(imapc_client_fd(c), IPPROTO_TCP, TCP_KEEPCNT) == 3, "keepalive count");
    printf("TCP keepalive: 30 s, every 10 s, 3 probes\n");
#endif
    return c;
}

int main(void)
{
    imapc_client *c = connect_with_keepalive();
    imapc_mailbox_state *st = NULL;
    unsigned char seen[N + 1] = {0};
    pthread_t th;
    int count = 0, polls = 0, fd;
    uint64_t sent, sent_wire, received, received_wire;

    CHECK(imapc_client_has_capability(c, "IDLE"), "server has IDLE");
    if (!imapc_client_is_compressed(c) && imapc_client_has_capability(c, "COMPRESS=DEFLATE"))
        TRY(imapc_client_compress(c, ERR));
    fresh_folder_with_copies(c, FOLDER, MSG, N);
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == N, "%u messages", imapc_mailbox_state_exists(st));
    imapc_mailbox_state_free(st);

    TRY(imapc_client_idle_start(c, ERR));
    fd = imapc_client_fd(c);
    CHECK(fd >= 0, "a descriptor to poll");
    CHECK(pthread_create(&th, NULL, flagger, NULL) == 0, "pthread_create");

    /* Once before the first poll (events may come with the "+"), then
     * whenever the descriptor is readable. */
    take(c, seen, &count);
    while (count < N) {
        struct pollfd p;
        int r;
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        r = poll(&p, 1, POLL_MS);
        CHECK(r == 1, "poll timed out after %d of %d flag changes (%d polls): data left where "
                      "poll cannot see it", count, N, polls);
        polls++;
        /* A readable descriptor that idle_wait(0) does not read stays
         * readable: the loop would spin. */
        CHECK(polls < 20 * N, "%d polls for %d of %d flag changes: idle_wait(0) takes nothing in",
              polls, count, N);
        take(c, seen, &count);
    }
    TRY(imapc_client_idle_done(c, NULL, ERR));
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    printf("%d flag changes through %d polls\n", count, polls);
    if (imapc_client_compression_stats(c, &sent, &sent_wire, &received, &received_wire))
        printf("COMPRESS=DEFLATE: received %llu bytes as %llu\n", (unsigned long long)received,
               (unsigned long long)received_wire);

    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("idle_poll: OK\n");
    return 0;
}
