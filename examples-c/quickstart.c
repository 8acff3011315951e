#define _XOPEN_SOURCE 700
/* quickstart: verified TLS with a CA file, login, list folders, select
 * INBOX, print a table of envelopes, set and clear \Flagged (verified with
 * a fetch). Checks the seeded subjects it printed. Against another server
 * (not the test fixture: its greeting differs and IMAP_TEST_DIR is unset)
 * it only reads and prints: no fixture checks, no flag changes. */
#include <locale.h>
#include <time.h>
#include <wchar.h>

#include "common.h"

static const char *first_from(const imapc_envelope *env)
{
    const imapc_address_list *from = imapc_envelope_from(env);
    const imapc_address *a = imapc_address_list_get(from, 0);
    if (!a) return "";
    return imapc_address_name(a) ? imapc_address_name(a) : imapc_address_email(a);
}

/* How much of s fits in `width` terminal cells, cut at a character (never
 * inside one), counting the cells each character takes (2 for CJK, 0 for
 * combining marks): the cells, and the bytes in *bytes. printf's
 * `%-24.24s` counts bytes instead, which misaligns UTF-8 names and can cut
 * a character in half. Needs an UTF-8 LC_CTYPE (see main); without one
 * every byte counts as a cell. */
static int column_cut(const char *s, int width, size_t *bytes)
{
    mbstate_t st;
    int used = 0;
    size_t i = 0, len = strlen(s);
    memset(&st, 0, sizeof st);
    while (i < len) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, len - i, &st);
        int w;
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            k = 1; /* not UTF-8 (or no UTF-8 locale): one byte, one cell */
            w = 1;
            memset(&st, 0, sizeof st);
        } else {
            w = wcwidth(wc);
            if (w < 0) w = 1;
        }
        if (used + w > width) break;
        used += w;
        i += k;
    }
    *bytes = i;
    return used;
}

/* Print s in a column `width` cells wide, cut or padded (column_cut). */
static void print_column(const char *s, int width)
{
    size_t bytes;
    int used = column_cut(s, width, &bytes);
    printf("%.*s%*s", (int)bytes, s, width - used, "");
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
    int fixture;
    uint32_t uid;

    /* Character widths for print_column; the rest stays in the C locale. */
    if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "en_US.UTF-8");
    printf("libimapclient %s\n", imapc_version());
    if (MB_CUR_MAX > 1) {
        size_t b;
        CHECK(column_cut("山田太郎", 24, &b) == 8 && b == 12, "CJK: two cells a character");
        CHECK(column_cut("Jürgen Müller", 5, &b) == 5 && b == 6, "cut after five characters");
        CHECK(column_cut("日本", 3, &b) == 2 && b == 3, "a wide character that does not fit is left out");
    }
    c = connect_from_env();
    CHECK(imapc_client_is_tls(c) || strcmp(env_or("IMAP_TLS", ""), "none") == 0, "TLS expected");
    {
        char *greeting = NULL;
        TRY(imapc_client_greeting(c, &greeting, ERR));
        printf("server: %s\n", greeting);
        /* The fixture's login_greeting, without the [CAPABILITY ...] code;
         * under the test server's environment it must be the fixture. */
        fixture = strcmp(greeting, "libimapclient fixture ready.") == 0;
        if (*env_or("IMAP_TEST_DIR", "")) CHECK(fixture, "greeting %s", greeting);
        imapc_string_free(greeting);
    }

    TRY(imapc_client_list(c, "", "*", &folders, ERR));
    printf("%zu folders:\n", imapc_folder_list_count(folders));
    for (i = 0; i < imapc_folder_list_count(folders); i++)
        printf("  %s\n", imapc_folder_name(imapc_folder_list_get(folders, i)));
    if (fixture) CHECK(imapc_folder_list_count(folders) >= 4, "seeded folders");
    imapc_folder_list_free(folders);

    TRY(imapc_client_select(c, "INBOX", &st, ERR));
    printf("INBOX: %u messages, UIDVALIDITY %u\n", imapc_mailbox_state_exists(st),
           imapc_mailbox_state_uid_validity(st));
    if (fixture) CHECK(imapc_mailbox_state_exists(st) >= 12, "seeded INBOX has 12+ messages");
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
        printf("%-5u %-17s ", imapc_message_uid(m), date);
        print_column(first_from(env), 24);
        printf(" %s\n", subject ? subject : "(none)");
        if (subject && strcmp(subject, "Plain ASCII text") == 0) saw_plain = 1;
        if (subject && strstr(subject, "Grüße aus München")) saw_umlaut = 1;
        if (subject && strcmp(subject, "日本語の件名") == 0) saw_japanese = 1;
    }
    if (!fixture) {
        imapc_message_list_free(msgs);
        logout_and_free(c);
        printf("quickstart: OK (not the test fixture: nothing checked or changed)\n");
        return 0;
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
