/* folders_utf7: create, list, rename and delete folders with non-ASCII
 * names. Checks that the decoded UTF-8 name round-trips and that the name
 * on the wire (imapc_folder_raw_name) is modified UTF-7 (RFC 3501 5.1.3).
 * Names with control characters (CR, LF, TAB...) are refused before
 * anything is sent, with a non-fatal IMAPC_ERR_INVALID_ARGUMENT; so is
 * Gmail's XLIST (imapc_client_xlist), with IMAPC_ERR_CAPABILITY_MISSING,
 * as Dovecot does not offer it. */
#include "common.h"

#define PARENT "Ärger"
#define CHILD PARENT "/日本語 📬 & more"
#define CHILD_UTF7 "&AMQ-rger/&ZeVnLIqe- &2D3c7A- &- more"
#define RENAMED PARENT "/Grüße ✓ erledigt"
#define RENAMED_UTF7 "&AMQ-rger/Gr&APwA3w-e &JxM- erledigt"

/* Find `name` in a fresh LIST; check its raw (wire) name and delimiter.
 * Returns 1 when found. */
static int listed(imapc_client *c, const char *name, const char *raw_expected)
{
    imapc_folder_list *l = NULL;
    size_t i, n, raw_len = 0;
    int found = 0;
    TRY(imapc_client_list(c, "", "*", &l, ERR));
    n = imapc_folder_list_count(l);
    for (i = 0; i < n; i++) {
        const imapc_folder *f = imapc_folder_list_get(l, i);
        const uint8_t *raw;
        if (strcmp(imapc_folder_name(f), name) != 0) continue;
        found = 1;
        raw = imapc_folder_raw_name(f, &raw_len);
        printf("  %-28s wire: %.*s\n", imapc_folder_name(f), (int)raw_len, (const char *)raw);
        CHECK(raw_len == strlen(raw_expected) && memcmp(raw, raw_expected, raw_len) == 0,
              "raw name of %s is %.*s, want %s", name, (int)raw_len, (const char *)raw,
              raw_expected);
        CHECK(imapc_folder_delimiter(f) == '/', "delimiter '/' (got %u)",
              (unsigned)imapc_folder_delimiter(f));
        CHECK(imapc_folder_status_of(f) == NULL, "a plain LIST carries no status");
    }
    imapc_folder_list_free(l);
    return found;
}

/* `call` (passing ERR) is refused as an invalid argument, not fatally. */
#define REFUSED(call)                                                      \
    do {                                                                   \
        imapc_error *err_ = NULL;                                          \
        imapc_result rc_ = (call);                                         \
        CHECK(rc_ == IMAPC_ERR_INVALID_ARGUMENT && err_ &&                 \
                  strstr(imapc_error_message(err_), "control character") && \
                  !imapc_error_is_fatal(err_),                             \
              "%s gave %s: %s", #call, imapc_error_name(rc_),              \
              err_ ? imapc_error_message(err_) : "-");                     \
        imapc_error_free(err_);                                            \
    } while (0)

static int exists(imapc_client *c, const char *name)
{
    bool yes = false;
    TRY(imapc_client_folder_exists(c, name, &yes, ERR));
    return yes;
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_mailbox_state *st = NULL;

    /* Leftovers of an interrupted run: remove them, ignoring errors. */
    imapc_client_delete_folder(c, RENAMED, NULL);
    imapc_client_delete_folder(c, CHILD, NULL);
    imapc_client_delete_folder(c, PARENT, NULL);

    TRY(imapc_client_create_folder(c, PARENT, ERR));
    TRY(imapc_client_create_folder(c, CHILD, ERR));
    printf("created:\n");
    CHECK(listed(c, PARENT, "&AMQ-rger"), "%s listed", PARENT);
    CHECK(listed(c, CHILD, CHILD_UTF7), "%s listed", CHILD);
    CHECK(exists(c, CHILD), "%s exists", CHILD);

    /* The folder is usable under its UTF-8 name. */
    TRY(imapc_client_select(c, CHILD, &st, ERR));
    CHECK(strcmp(imapc_mailbox_state_name(st), CHILD) == 0, "state name %s",
          imapc_mailbox_state_name(st));
    CHECK(imapc_mailbox_state_exists(st) == 0, "new folder is empty");
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));

    /* Every folder's counters in one call (LIST-STATUS on Dovecot): the
     * same as STATUS asked folder by folder; none for placeholders. */
    {
        imapc_folder_list *l = NULL;
        size_t i, with_status = 0;
        TRY(imapc_client_list_status(c, "", "*", &l, ERR));
        for (i = 0; i < imapc_folder_list_count(l); i++) {
            const imapc_folder *f = imapc_folder_list_get(l, i);
            const imapc_folder_status *s = imapc_folder_status_of(f);
            uint64_t n = 0, m = 0, v = 0, w = 0;
            imapc_folder_status *one = NULL;
            if (imapc_folder_has_attribute(f, "\\Noselect") ||
                imapc_folder_has_attribute(f, "\\NonExistent")) {
                CHECK(s == NULL, "%s: no status", imapc_folder_name(f));
                continue;
            }
            CHECK(s != NULL, "%s has a status", imapc_folder_name(f));
            TRY(imapc_client_status(c, imapc_folder_name(f), &one, ERR));
            CHECK(imapc_folder_status_get(s, IMAPC_STATUS_MESSAGES, &n) &&
                      imapc_folder_status_get(one, IMAPC_STATUS_MESSAGES, &m) && n == m,
                  "%s: MESSAGES %llu == %llu", imapc_folder_name(f), (unsigned long long)n,
                  (unsigned long long)m);
            CHECK(imapc_folder_status_get(s, IMAPC_STATUS_UIDVALIDITY, &v) &&
                      imapc_folder_status_get(one, IMAPC_STATUS_UIDVALIDITY, &w) && v == w,
                  "%s: UIDVALIDITY", imapc_folder_name(f));
            if (strcmp(imapc_folder_name(f), "INBOX") == 0)
                CHECK(n == 14, "INBOX holds the 14 fixture messages, not %llu",
                      (unsigned long long)n);
            imapc_folder_status_free(one);
            with_status++;
        }
        imapc_folder_list_free(l);
        /* INBOX, the fixture's folders, the special-use ones, ours. */
        CHECK(with_status >= 8, "%zu folders with status", with_status);
        printf("list with status: %zu folders\n", with_status);
    }

    TRY(imapc_client_rename_folder(c, CHILD, RENAMED, ERR));
    printf("renamed:\n");
    CHECK(!listed(c, CHILD, CHILD_UTF7), "old name gone");
    CHECK(listed(c, RENAMED, RENAMED_UTF7), "%s listed", RENAMED);

    /* Without encoding, names pass through as they are: the UTF-7 form
     * names the same folder. */
    TRY(imapc_client_set_folder_encode(c, false, ERR));
    CHECK(!imapc_client_folder_encode(c), "encoding off");
    CHECK(exists(c, RENAMED_UTF7), "raw UTF-7 name exists with encoding off");
    TRY(imapc_client_set_folder_encode(c, true, ERR));

    TRY(imapc_client_delete_folder(c, RENAMED, ERR));
    TRY(imapc_client_delete_folder(c, PARENT, ERR));
    CHECK(!exists(c, RENAMED) && !exists(c, PARENT), "deleted");
    printf("deleted\n");

    /* Control characters in names are refused by the client: nothing
     * reaches the server, the session goes on, INBOX is untouched. */
    REFUSED(imapc_client_create_folder(c, "x\r\nA1 DELETE INBOX", ERR));
    REFUSED(imapc_client_rename_folder(c, "INBOX", "x\nA1 DELETE INBOX", ERR));
    REFUSED(imapc_client_select(c, "tab\there", NULL, ERR));
    REFUSED(imapc_client_delete_folder(c, "INBOX\r", ERR));
    TRY(imapc_client_noop(c, ERR));
    CHECK(exists(c, "INBOX"), "INBOX still exists");
    printf("control characters refused\n");

    /* Gmail's XLIST needs the XLIST capability, which Dovecot lacks:
     * refused before sending, not fatally, the output left alone. */
    {
        imapc_folder_list *l = NULL;
        imapc_error *xerr = NULL;
        imapc_result rc = imapc_client_xlist(c, "", "*", &l, &xerr);
        CHECK(rc == IMAPC_ERR_CAPABILITY_MISSING && xerr && imapc_error_code(xerr) == rc &&
                  strstr(imapc_error_message(xerr), "XLIST") && !imapc_error_is_fatal(xerr),
              "XLIST on Dovecot gave %s: %s", imapc_error_name(rc),
              xerr ? imapc_error_message(xerr) : "-");
        CHECK(l == NULL, "no folder list on failure");
        imapc_error_free(xerr);
        TRY(imapc_client_noop(c, ERR));
        printf("XLIST refused: %s\n", imapc_error_name(rc));
    }

    logout_and_free(c);
    printf("folders_utf7: OK\n");
    return 0;
}
