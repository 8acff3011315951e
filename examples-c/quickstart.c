#define _POSIX_C_SOURCE 200809L
/* quickstart: verified TLS with a CA file, login, list folders, select
 * INBOX, print a table of envelopes, set and clear \Flagged (verified with
 * a fetch). Checks the seeded subjects it printed. */
#include <time.h>

#include "common.h"

static const char *first_from(const imapc_envelope *env)
{
    const imapc_address_list *from = imapc_envelope_from(env);
    const imapc_address *a = imapc_address_list_get(from, 0);
    if (!a) return "";
    return imapc_address_name(a) ? imapc_address_name(a) : imapc_address_email(a);
}

static int has_flag(imapc_client *c, uint32_t uid, const char *flag)
{
    imapc_message_list *l = NULL;
    int yes;
    TRY(imapc_client_fetch_ids(c, &uid, 1, "FLAGS", &l, ERR));
    CHECK(imapc_message_list_count(l) == 1, "one message for uid %u", (unsigned)uid);
    yes = imapc_message_has_flag(imapc_message_list_find(l, uid), flag);
    imapc_message_list_free(l);
    return yes;
}

int main(void)
{
    imapc_client *c;
    imapc_folder_list *folders = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_message_list *msgs = NULL;
    size_t i, n;
    int saw_plain = 0, saw_umlaut = 0, saw_japanese = 0;
    uint32_t uid;

    printf("libimapclient %s\n", imapc_version());
    c = connect_from_env();
    CHECK(imapc_client_is_tls(c) || strcmp(env_or("IMAP_TLS", ""), "none") == 0, "TLS expected");

    TRY(imapc_client_list(c, "", "*", &folders, ERR));
    printf("%zu folders:\n", imapc_folder_list_count(folders));
    for (i = 0; i < imapc_folder_list_count(folders); i++)
        printf("  %s\n", imapc_folder_name(imapc_folder_list_get(folders, i)));
    CHECK(imapc_folder_list_count(folders) >= 4, "seeded folders");
    imapc_folder_list_free(folders);

    TRY(imapc_client_select(c, "INBOX", &st, ERR));
    printf("INBOX: %u messages, UIDVALIDITY %u\n", imapc_mailbox_state_exists(st),
           imapc_mailbox_state_uid_validity(st));
    CHECK(imapc_mailbox_state_exists(st) >= 12, "seeded INBOX has 12+ messages");
    imapc_mailbox_state_free(st);

    TRY(imapc_client_fetch(c, "1:*", "FLAGS ENVELOPE INTERNALDATE", &msgs, ERR));
    n = imapc_message_list_count(msgs);
    printf("%-5s %-17s %-24s %s\n", "UID", "DATE", "FROM", "SUBJECT");
    for (i = 0; i < n; i++) {
        const imapc_message *m = imapc_message_list_get(msgs, i);
        const imapc_envelope *env = imapc_message_envelope(m);
        const char *subject = imapc_envelope_subject(env);
        char date[32] = "";
        int64_t t;
        int32_t off;
        if (imapc_envelope_date(env, &t, &off)) {
            time_t tt = (time_t)(t + off * 60);
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
        }
        printf("%-5u %-17s %-24.24s %s\n", imapc_message_uid(m), date, first_from(env),
               subject ? subject : "(none)");
        if (subject && strcmp(subject, "Plain ASCII text") == 0) saw_plain = 1;
        if (subject && strstr(subject, "Grüße aus München")) saw_umlaut = 1;
        if (subject && strcmp(subject, "日本語の件名") == 0) saw_japanese = 1;
    }
    CHECK(n >= 12, "fetched %zu messages", n);
    CHECK(saw_plain && saw_umlaut && saw_japanese, "seeded subjects decoded (%d %d %d)", saw_plain,
          saw_umlaut, saw_japanese);
    uid = imapc_message_uid(imapc_message_list_get(msgs, 0));
    imapc_message_list_free(msgs);

    /* Message 1 is not flagged in the seed: set, verify, clear, verify. */
    CHECK(!has_flag(c, uid, IMAPC_FLAG_FLAGGED), "uid %u starts unflagged", (unsigned)uid);
    {
        const char *flags[] = {IMAPC_FLAG_FLAGGED};
        TRY(imapc_client_store_ids(c, &uid, 1, IMAPC_STORE_ADD, flags, 1, 0, 0, NULL, ERR));
    }
    CHECK(has_flag(c, uid, IMAPC_FLAG_FLAGGED), "flag set");
    TRY(imapc_client_store(c, "1", IMAPC_STORE_REMOVE, "\\Flagged", IMAPC_STORE_SILENT, 0, NULL, ERR));
    CHECK(!has_flag(c, uid, IMAPC_FLAG_FLAGGED), "flag cleared");
    printf("set and cleared \\Flagged on UID %u\n", (unsigned)uid);

    logout_and_free(c);
    printf("quickstart: OK\n");
    return 0;
}
