/* notify: one connection hears of changes in every folder (RFC 5465
 * NOTIFY), as a sync daemon needs: where each folder stands first, then,
 * while idling, a folder created by another client, a message arriving in
 * it, its rename and its deletion, each as an event with the folder's name
 * and counters or attributes. */
#include "common.h"

#define FOLDER "Projekte ✓"
#define RENAMED "Projekte ✓ 2026"

enum { WAIT_MS = 15000 };

/* Idle on `c` until an event `match` accepts arrives; exit 1 after 15 s. */
static void wait_for(imapc_client *c, const char *what,
                     int (*match)(const imapc_event_list *l, size_t i))
{
    unsigned waited = 0;
    while (waited < WAIT_MS) {
        imapc_event_list *l = NULL;
        size_t i, n;
        TRY(imapc_client_idle_wait(c, 500, &l, ERR));
        n = imapc_event_list_count(l);
        for (i = 0; i < n; i++) {
            if (match(l, i)) {
                printf("  heard: %-8s %s\n", what, imapc_event_list_text(l, i));
                imapc_event_list_free(l);
                return;
            }
        }
        imapc_event_list_free(l);
        waited += 500;
    }
    CHECK(0, "no event for %s within %d ms", what, WAIT_MS);
}

static int text_is(const imapc_event_list *l, size_t i, const char *name)
{
    const char *t = imapc_event_list_text(l, i);
    return t && strcmp(t, name) == 0;
}

static int is_gone(const imapc_folder *f)
{
    return imapc_folder_has_attribute(f, "\\NonExistent");
}

static int created(const imapc_event_list *l, size_t i)
{
    return imapc_event_list_kind(l, i) == IMAPC_EVENT_FOLDER_LIST && text_is(l, i, FOLDER) &&
           !is_gone(imapc_event_list_folder(l, i)) && !imapc_event_list_old_name(l, i);
}

static int arrived(const imapc_event_list *l, size_t i)
{
    uint64_t messages = 0;
    return imapc_event_list_kind(l, i) == IMAPC_EVENT_FOLDER_STATUS && text_is(l, i, FOLDER) &&
           imapc_folder_status_get(imapc_event_list_folder_status(l, i), IMAPC_STATUS_MESSAGES,
                                   &messages) &&
           messages == 1;
}

static int renamed(const imapc_event_list *l, size_t i)
{
    const char *old = imapc_event_list_old_name(l, i);
    return imapc_event_list_kind(l, i) == IMAPC_EVENT_FOLDER_LIST && text_is(l, i, RENAMED) &&
           old && strcmp(old, FOLDER) == 0;
}

static int deleted(const imapc_event_list *l, size_t i)
{
    return imapc_event_list_kind(l, i) == IMAPC_EVENT_FOLDER_LIST && text_is(l, i, RENAMED) &&
           is_gone(imapc_event_list_folder(l, i));
}

int main(void)
{
    imapc_client *a = connect_from_env(), *b = connect_from_env();
    imapc_notify *groups = imapc_notify_new();
    imapc_event_list *l = NULL;
    size_t i, n, statuses = 0;
    uint64_t inbox = 0;
    static const char msg[] = "Subject: notify\r\n\r\nhello\r\n";

    if (!imapc_client_has_capability(a, "NOTIFY")) {
        printf("the server has no NOTIFY; nothing to do\n");
        imapc_notify_free(groups);
        logout_and_free(a);
        logout_and_free(b);
        return 0;
    }
    (void)imapc_client_delete_folder(b, FOLDER, NULL); /* from an earlier run */
    (void)imapc_client_delete_folder(b, RENAMED, NULL);
    TRY(imapc_notify_add(groups, IMAPC_NOTIFY_PERSONAL, NULL, 0,
                         IMAPC_NOTIFY_MESSAGE_NEW | IMAPC_NOTIFY_MESSAGE_EXPUNGE |
                             IMAPC_NOTIFY_MAILBOX_NAME,
                         NULL, ERR));
    TRY(imapc_client_notify(a, groups, true, ERR));
    imapc_notify_free(groups);

    /* Where each folder stands. */
    TRY(imapc_client_take_events(a, &l, ERR));
    n = imapc_event_list_count(l);
    for (i = 0; i < n; i++) {
        if (imapc_event_list_kind(l, i) != IMAPC_EVENT_FOLDER_STATUS) continue;
        statuses++;
        if (text_is(l, i, "INBOX"))
            CHECK(imapc_folder_status_get(imapc_event_list_folder_status(l, i),
                                          IMAPC_STATUS_MESSAGES, &inbox),
                  "INBOX's message count");
    }
    imapc_event_list_free(l);
    printf("  %zu folders reported, INBOX has %llu messages\n", statuses,
           (unsigned long long)inbox);
    CHECK(statuses >= 5 && inbox == 14, "every folder's status first (INBOX: 14)");

    /* Another client changes things; each is heard while idling. */
    TRY(imapc_client_idle_start(a, ERR));
    TRY(imapc_client_create_folder(b, FOLDER, ERR));
    wait_for(a, "created", created);
    TRY(imapc_client_append(b, FOLDER, (const uint8_t *)msg, sizeof msg - 1, NULL, NULL, 0, NULL,
                            ERR));
    wait_for(a, "arrived", arrived);
    TRY(imapc_client_rename_folder(b, FOLDER, RENAMED, ERR));
    wait_for(a, "renamed", renamed);
    TRY(imapc_client_delete_folder(b, RENAMED, ERR));
    wait_for(a, "deleted", deleted);
    TRY(imapc_client_idle_done(a, NULL, ERR));

    TRY(imapc_client_notify(a, NULL, false, ERR)); /* NOTIFY NONE */
    printf("notify: creation, new mail, rename and deletion heard from one connection\n");
    logout_and_free(a);
    logout_and_free(b);
    return 0;
}
