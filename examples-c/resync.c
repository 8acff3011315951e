/* resync: the two passes of a mail sync daemon, over COMPRESS when the
 * server offers it.
 *
 * First session: every folder's counters in one call
 * (imapc_client_list_status), then the state of one folder is kept:
 * UIDVALIDITY and HIGHESTMODSEQ. Between sessions another client flags a
 * message, expunges one and appends one. Second session: the counters
 * show which folder changed (HIGHESTMODSEQ moved, UIDVALIDITY did not),
 * and one QRESYNC command (imapc_client_fetch_vanished) brings the
 * changed messages and the UIDs expunged since. Every value is checked.
 * Last, what EXPUNGE reports with QRESYNC on (UIDs) and off (sequence
 * numbers). */
#include "common.h"

#define FOLDER "resync-example"

static const imapc_folder_status *status_of(const imapc_folder_list *l, const char *name)
{
    size_t i;
    for (i = 0; i < imapc_folder_list_count(l); i++) {
        const imapc_folder *f = imapc_folder_list_get(l, i);
        if (strcmp(imapc_folder_name(f), name) == 0) return imapc_folder_status_of(f);
    }
    return NULL;
}

static uint64_t get(const imapc_folder_status *s, uint32_t item)
{
    uint64_t v = 0;
    CHECK(s != NULL && imapc_folder_status_get(s, item, &v), "status item %u", (unsigned)item);
    return v;
}

/* A session as the daemon opens it: logged in, compressed if offered,
 * QRESYNC on (before any SELECT). */
static imapc_client *session(void)
{
    imapc_client *c = connect_from_env();
    const char *caps[] = {"QRESYNC"};
    imapc_string_list *on = NULL;
    if (!imapc_client_is_compressed(c) && imapc_client_has_capability(c, "COMPRESS=DEFLATE"))
        TRY(imapc_client_compress(c, ERR));
    TRY(imapc_client_enable(c, caps, 1, &on, ERR));
    CHECK(imapc_string_list_contains(on, "QRESYNC"), "QRESYNC enabled");
    imapc_string_list_free(on);
    return c;
}

static void append(imapc_client *c, const char *subject)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "From: a@example.org\r\nSubject: %s\r\n\r\nbody\r\n", subject);
    TRY(imapc_client_append(c, FOLDER, (const uint8_t *)msg, (size_t)n, NULL, NULL, 0, NULL, ERR));
}

int main(void)
{
    imapc_client *c;
    imapc_folder_list *l = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_message_list *changed = NULL;
    imapc_id_list *gone = NULL;
    uint64_t validity, modseq, messages;
    size_t i;

    /* The folder, fresh: four messages, UIDs 1 to 4. */
    c = connect_from_env();
    imapc_client_delete_folder(c, FOLDER, NULL);
    TRY(imapc_client_create_folder(c, FOLDER, ERR));
    append(c, "one");
    append(c, "two");
    append(c, "three");
    append(c, "four");
    logout_and_free(c);

    /* First pass: what the daemon keeps. */
    c = session();
    TRY(imapc_client_list_status(c, "", "*", &l, ERR));
    validity = get(status_of(l, FOLDER), IMAPC_STATUS_UIDVALIDITY);
    modseq = get(status_of(l, FOLDER), IMAPC_STATUS_HIGHESTMODSEQ);
    messages = get(status_of(l, FOLDER), IMAPC_STATUS_MESSAGES);
    imapc_folder_list_free(l);
    CHECK(messages == 4, "4 messages, not %llu", (unsigned long long)messages);
    printf("first pass: %s UIDVALIDITY %llu HIGHESTMODSEQ %llu, %llu messages%s\n", FOLDER,
           (unsigned long long)validity, (unsigned long long)modseq,
           (unsigned long long)messages, imapc_client_is_compressed(c) ? " (compressed)" : "");
    logout_and_free(c);

    /* Meanwhile, another client: a flag, an expunge, a new message. */
    c = connect_from_env();
    TRY(imapc_client_select(c, FOLDER, NULL, ERR));
    TRY(imapc_client_store(c, "2", IMAPC_STORE_ADD, "\\Flagged", 0, 0, NULL, ERR));
    TRY(imapc_client_store(c, "3", IMAPC_STORE_ADD, "\\Deleted", 0, 0, NULL, ERR));
    TRY(imapc_client_uid_expunge(c, "3", NULL, ERR));
    append(c, "five");
    logout_and_free(c);

    /* Second pass: the counters say the folder changed; one command
     * says how. */
    c = session();
    TRY(imapc_client_list_status(c, "", "*", &l, ERR));
    CHECK(get(status_of(l, FOLDER), IMAPC_STATUS_UIDVALIDITY) == validity, "same UIDVALIDITY");
    CHECK(get(status_of(l, FOLDER), IMAPC_STATUS_HIGHESTMODSEQ) > modseq, "HIGHESTMODSEQ moved");
    imapc_folder_list_free(l);
    TRY(imapc_client_select_condstore(c, FOLDER, true, &st, ERR));
    CHECK(imapc_mailbox_state_uid_validity(st) == validity, "UIDVALIDITY on SELECT");
    imapc_mailbox_state_free(st);
    TRY(imapc_client_fetch_vanished(c, "1:*", "FLAGS", modseq, &changed, &gone, ERR));
    printf("second pass: %zu changed,", imapc_message_list_count(changed));
    for (i = 0; i < imapc_message_list_count(changed); i++)
        printf(" UID %u", imapc_message_uid(imapc_message_list_get(changed, i)));
    printf("; %zu vanished,", imapc_id_list_count(gone));
    for (i = 0; i < imapc_id_list_count(gone); i++) printf(" UID %u", imapc_id_list_get(gone, i));
    printf("\n");
    CHECK(imapc_message_list_count(changed) == 2, "two changed messages");
    CHECK(imapc_message_uid(imapc_message_list_get(changed, 0)) == 2 &&
              imapc_message_has_flag(imapc_message_list_get(changed, 0), "\\Flagged"),
          "UID 2 flagged");
    CHECK(imapc_message_uid(imapc_message_list_get(changed, 1)) == 5, "UID 5 new");
    CHECK(imapc_id_list_count(gone) == 1 && imapc_id_list_get(gone, 0) == 3, "UID 3 vanished");
    imapc_message_list_free(changed);
    imapc_id_list_free(gone);

    /* What EXPUNGE reports: under QRESYNC the server sends VANISHED, and
     * the list holds UIDs (UID 5, the fourth message)... */
    TRY(imapc_client_select(c, FOLDER, NULL, ERR)); /* read-write now */
    TRY(imapc_client_store(c, "5", IMAPC_STORE_ADD, "\\Deleted", 0, 0, NULL, ERR));
    TRY(imapc_client_expunge(c, &gone, ERR));
    CHECK(imapc_id_list_count(gone) == 1 && imapc_id_list_get(gone, 0) == 5,
          "under QRESYNC, EXPUNGE reports UID 5 (got %u)", imapc_id_list_get(gone, 0));
    imapc_id_list_free(gone);
    TRY(imapc_client_unselect(c, ERR));
    logout_and_free(c);
    /* ... without it, sequence numbers, whatever use_uid says (UID 4 is
     * the third message now: UIDs 1, 2, 4). */
    c = connect_from_env();
    TRY(imapc_client_select(c, FOLDER, NULL, ERR));
    TRY(imapc_client_store(c, "4", IMAPC_STORE_ADD, "\\Deleted", 0, 0, NULL, ERR));
    TRY(imapc_client_uid_expunge(c, "4", &gone, ERR));
    CHECK(imapc_id_list_count(gone) == 1 && imapc_id_list_get(gone, 0) == 3,
          "without QRESYNC, UID EXPUNGE reports sequence number 3 (got %u)",
          imapc_id_list_get(gone, 0));
    imapc_id_list_free(gone);

    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("resync: OK\n");
    return 0;
}
