#define _POSIX_C_SOURCE 200809L
/* idle: wait in IDLE for a message that a second connection (on another
 * thread) appends; check the EXISTS event and the new message. IDLE is
 * renewed every 500 ms meanwhile (imapc_client_set_idle_renew_interval_ms),
 * so the event must survive renewals too. A folder of its own keeps the
 * counts exact (INBOX may still be resyncing after the test's seeding). */
#include <pthread.h>
#include <time.h>

#include "common.h"

#define FOLDER "IdleTest"

static const char MSG[] = "From: Idle Tester <idle@example.org>\r\n"
                          "To: test4@example.org\r\n"
                          "Subject: wake up from IDLE\r\n"
                          "Message-ID: <idle-example@example.org>\r\n"
                          "\r\n"
                          "Appended by the second connection.\r\n";

/* The second client: waits until the first one idles, then appends. */
static void *appender(void *arg)
{
    uint32_t *uid = arg;
    imapc_client *c = connect_from_env();
    sleep_ms(1500);
    TRY(imapc_client_append(c, FOLDER, (const uint8_t *)MSG, sizeof MSG - 1, NULL, NULL, 0, uid,
                            ERR));
    logout_and_free(c);
    return NULL;
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_mailbox_state *st = NULL;
    pthread_t th;
    uint32_t before, got_exists = 0, appended_uid = 0;
    double deadline;

    CHECK(imapc_client_has_capability(c, "IDLE"), "server has IDLE");
    imapc_client_delete_folder(c, FOLDER, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));
    TRY(imapc_client_set_idle_renew_interval_ms(c, 500, ERR));
    TRY(imapc_client_select(c, FOLDER, &st, ERR));
    before = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    printf(FOLDER " has %u messages; idling\n", before);
    CHECK(before == 0, "a new folder is empty");

    TRY(imapc_client_idle_start(c, ERR));
    CHECK(pthread_create(&th, NULL, appender, &appended_uid) == 0, "pthread_create");

    deadline = now_s() + 60.0;
    while (!got_exists && now_s() < deadline) {
        imapc_event_list *ev = NULL;
        size_t i;
        TRY(imapc_client_idle_wait(c, 1000, &ev, ERR));
        for (i = 0; i < imapc_event_list_count(ev); i++) {
            uint32_t kind = imapc_event_list_kind(ev, i);
            printf("event kind %u number %u\n", kind, imapc_event_list_number(ev, i));
            if (kind == IMAPC_EVENT_EXISTS && imapc_event_list_number(ev, i) > before)
                got_exists = imapc_event_list_number(ev, i);
        }
        imapc_event_list_free(ev);
    }
    TRY(imapc_client_idle_done(c, NULL, ERR));
    CHECK(pthread_join(th, NULL) == 0, "pthread_join");
    CHECK(got_exists == before + 1, "EXISTS %u after %u", got_exists, before);
    printf("EXISTS %u: the appended message (UID %u) arrived\n", got_exists, appended_uid);

    /* The new message is the one the other thread appended. */
    {
        imapc_message_list *l = NULL;
        const imapc_message *m;
        char set[16];
        TRY(imapc_client_set_use_uid(c, false, ERR));
        snprintf(set, sizeof set, "%u", got_exists);
        TRY(imapc_client_fetch(c, set, "UID ENVELOPE", &l, ERR));
        m = imapc_message_list_get(l, 0);
        CHECK(m != NULL, "message %s fetched", set);
        CHECK(strcmp(imapc_envelope_subject(imapc_message_envelope(m)), "wake up from IDLE") == 0,
              "subject of the new message");
        CHECK(appended_uid == 0 || imapc_message_uid(m) == appended_uid, "UID %u == %u",
              imapc_message_uid(m), appended_uid);
        appended_uid = imapc_message_uid(m);
        imapc_message_list_free(l);
    }

    /* Leave the account as it was. */
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("idle: OK\n");
    return 0;
}
