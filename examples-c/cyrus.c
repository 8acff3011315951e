#define _POSIX_C_SOURCE 200809L
/* cyrus: sessions and folders through the C ABI against a real Cyrus IMAP
 * 3.6 (scripts/cyrus-server.sh; started by `make test`, reached through
 * run-with-cyrus.sh, which skips with 77 without one).
 *
 * 1. TLS, verification on with the test CA: implicit TLS on the TLS port,
 *    STARTTLS on the plaintext one (STARTTLS gone from the capabilities
 *    read again after it); the system roots alone refuse the certificate
 *    (IMAPC_ERR_TLS_UNKNOWN_ISSUER).
 * 2. Logging in: the greeting, a wrong password (IMAPC_ERR_AUTH_FAILED, not
 *    fatal) then LOGIN, AUTHENTICATE PLAIN, and AUTHENTICATE LOGIN through
 *    the SASL step callback (Cyrus SASL's "Username:" / "Password:").
 * 3. NAMESPACE: "INBOX." with ".", "user." with ".", "" with ".".
 * 4. A non-ASCII folder created, listed (modified UTF-7 on the wire,
 *    UTF-8 at the API, '.' as delimiter), renamed into a new level,
 *    deleted; a second DELETE is the server's NO.
 * 5. SELECT and EXAMINE: exists, UIDVALIDITY, UIDNEXT, first unseen,
 *    HIGHESTMODSEQ, flags, permanent flags with \*, read-only, and the
 *    MAILBOXID, which differs between folders and survives RENAME.
 * 6. Refusals as Cyrus words them: SELECT of a missing folder is NO with
 *    no response code (Cyrus sends no [NONEXISTENT]) and "Mailbox does
 *    not exist"; APPEND to it is NO [TRYCREATE]; CREATE of an existing
 *    folder NO without [ALREADYEXISTS].
 * 7. find_special_folder: nothing carries \Sent or \Trash here, so the
 *    names decide, below INBOX. ("INBOX.Sent Messages").
 * 8. CREATE's MAILBOXID (imapc_client_create_folder_with_id: the id SELECT
 *    gives), CREATE-SPECIAL-USE (the folder found by its use; an unknown
 *    use refused with [USEATTR]; Cyrus keeps the folder from DELETE until
 *    the use is taken off), and the server's APPENDLIMIT.
 *
 * Usage: run-with-cyrus.sh cyrus */
#include "cyrus.h"

static const imapc_tls_config *test_ca(void)
{
    imapc_tls_config_builder *b = imapc_tls_config_builder_new();
    const imapc_tls_config *tls = NULL;
    const char *ca = getenv("IMAP_CAFILE");
    CHECK(ca && *ca, "CYRUS_CAFILE is set");
    TRY(imapc_tls_config_builder_add_ca_file(b, ca, ERR));
    TRY(imapc_tls_config_builder_build(b, &tls, ERR));
    imapc_tls_config_builder_free(b);
    return tls;
}

static void tls(void)
{
    const imapc_tls_config *ca = test_ca();
    imapc_client *c = NULL;
    imapc_mailbox_state *st = NULL;
    imapc_connect_options *o = NULL;
    imapc_error *err = NULL;
    imapc_result rc;

    TRY(connect_login(IMAPC_SECURITY_IMPLICIT_TLS, ca, &c, ERR));
    CHECK(imapc_client_is_tls(c), "implicit TLS");
    TRY(imapc_client_examine(c, "INBOX", &st, ERR));
    CHECK(imapc_mailbox_state_read_only(st), "EXAMINE is read-only");
    imapc_mailbox_state_free(st);
    logout_and_free(c);

    c = connect_only();
    CHECK(!imapc_client_is_tls(c), "plaintext");
    CHECK(imapc_client_has_capability(c, "STARTTLS"), "STARTTLS offered");
    imapc_client_free(c);
    TRY(connect_login(IMAPC_SECURITY_STARTTLS, ca, &c, ERR));
    CHECK(imapc_client_is_tls(c), "STARTTLS");
    CHECK(!imapc_client_has_capability(c, "STARTTLS"), "capabilities read again after STARTTLS");
    CHECK(imapc_client_has_capability(c, "UIDPLUS"), "post-login capabilities");
    logout_and_free(c);
    imapc_tls_config_free(ca);

    /* The system roots do not know the test CA. */
    TRY(imapc_connect_options_new(env_or("IMAP_HOST", "127.0.0.1"),
                                  (uint16_t)atoi(env_or("IMAP_TLS_PORT", "0")),
                                  IMAPC_SECURITY_IMPLICIT_TLS, &o, ERR));
    rc = imapc_client_connect(o, &c, &err);
    imapc_connect_options_free(o);
    CHECK(rc == IMAPC_ERR_TLS_UNKNOWN_ISSUER, "system roots: %s: %s", imapc_error_name(rc),
          imapc_error_message(err));
    imapc_error_free(err);
    printf("1. implicit TLS and STARTTLS verified; unknown issuer refused\n");
}

struct login_steps {
    const char *user, *password;
    char seen[2][32];
    int calls;
};

static int login_step(void *userdata, const uint8_t *challenge, size_t len,
                      imapc_sasl_reply *reply)
{
    struct login_steps *st = userdata;
    const char *answer = st->calls == 0 ? st->user : st->password;
    if (st->calls < 2) {
        size_t n = len < 31 ? len : 31;
        memcpy(st->seen[st->calls], challenge, n);
        st->seen[st->calls][n] = '\0';
    }
    st->calls++;
    TRY(imapc_sasl_reply_set(reply, (const uint8_t *)answer, strlen(answer), ERR));
    return 0;
}

static uint32_t inbox_exists(imapc_client *c)
{
    imapc_mailbox_state *st = NULL;
    uint32_t n;
    TRY(imapc_client_examine(c, "INBOX", &st, ERR));
    n = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));
    return n;
}

static void logins(void)
{
    const char *user = env_or("IMAP_USER", "test"), *pass = env_or("IMAP_PASSWORD", "pass");
    imapc_client *c = connect_only();
    imapc_error *err = NULL;
    imapc_result rc;
    char *greeting = NULL;
    uint32_t n;
    static const char *const caps[] = {"UIDPLUS", "MOVE", "IDLE", "NAMESPACE", "MULTIAPPEND",
                                       "SORT", "THREAD=REFERENCES", "OBJECTID", "SPECIAL-USE",
                                       "CONDSTORE", "ESEARCH", "LIST-STATUS"};
    size_t i;

    TRY(imapc_client_greeting(c, &greeting, ERR));
    CHECK(strstr(greeting, "Cyrus IMAP") != NULL, "greeting \"%s\"", greeting);
    imapc_string_free(greeting);
    CHECK(imapc_client_has_capability(c, "AUTH=PLAIN") &&
              imapc_client_has_capability(c, "AUTH=SCRAM-SHA-256"),
          "Cyrus SASL's mechanisms");
    rc = imapc_client_login(c, user, "wrong", &err);
    CHECK(rc == IMAPC_ERR_AUTH_FAILED && !imapc_error_is_fatal(err), "wrong password: %s: %s",
          imapc_error_name(rc), imapc_error_message(err));
    imapc_error_free(err);
    TRY(imapc_client_login(c, user, pass, ERR));
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++)
        CHECK(imapc_client_has_capability(c, caps[i]), "%s after login", caps[i]);
    n = inbox_exists(c);
    logout_and_free(c);

    c = connect_only();
    TRY(imapc_client_authenticate_plain(c, NULL, user, pass, ERR));
    CHECK(inbox_exists(c) == n, "AUTHENTICATE PLAIN: the same INBOX");
    logout_and_free(c);

    {
        struct login_steps st = {user, pass, {{0}}, 0};
        c = connect_only();
        TRY(imapc_client_authenticate_sasl(c, "LOGIN", false, login_step, &st, ERR));
        CHECK(st.calls == 2, "LOGIN: %d steps", st.calls);
        STR(st.seen[0], "Username:");
        STR(st.seen[1], "Password:");
        CHECK(inbox_exists(c) == n, "AUTHENTICATE LOGIN: the same INBOX");
        logout_and_free(c);
    }
    printf("2. LOGIN (after a refused password), AUTHENTICATE PLAIN and LOGIN\n");
}

static void namespaces(imapc_client *c)
{
    imapc_string_list *l[3] = {NULL, NULL, NULL};
    static const char *const want[3] = {"INBOX.", "user.", ""};
    size_t i;
    TRY(imapc_client_namespace(c, &l[0], &l[1], &l[2], ERR));
    for (i = 0; i < 3; i++) {
        CHECK(imapc_string_list_count(l[i]) == 2, "namespace %zu: %zu strings", i,
              imapc_string_list_count(l[i]));
        STR(imapc_string_list_get(l[i], 0), want[i]);
        STR(imapc_string_list_get(l[i], 1), ".");
        imapc_string_list_free(l[i]);
    }
    printf("3. NAMESPACE: INBOX. / user. / \"\", all with '.'\n");
}

static int exists(imapc_client *c, const char *name)
{
    bool yes = false;
    TRY(imapc_client_folder_exists(c, name, &yes, ERR));
    return yes;
}

/* LIST `pattern`: the number of folders, and the first one's name, raw
 * name, delimiter and whether it is selectable into the outputs. */
static size_t list_one(imapc_client *c, const char *pattern, char *name, size_t name_size,
                       char *raw, size_t raw_size, uint32_t *delim, int *selectable)
{
    imapc_folder_list *l = NULL;
    size_t n;
    TRY(imapc_client_list(c, "", pattern, &l, ERR));
    n = imapc_folder_list_count(l);
    if (n > 0) {
        const imapc_folder *f = imapc_folder_list_get(l, 0);
        size_t len = 0;
        const uint8_t *r = imapc_folder_raw_name(f, &len);
        snprintf(name, name_size, "%s", imapc_folder_name(f));
        snprintf(raw, raw_size, "%.*s", (int)len, (const char *)r);
        *delim = imapc_folder_delimiter(f);
        *selectable = !imapc_folder_has_attribute(f, "\\Noselect");
    }
    imapc_folder_list_free(l);
    return n;
}

static void unicode_folders(imapc_client *c)
{
    char base[128], name[256], parent[200], renamed[320], pattern[320];
    char got[256], raw[256];
    uint32_t delim = 0;
    int selectable = 0;
    size_t i;
    imapc_error *err = NULL;
    imapc_result rc;

    snprintf(base, sizeof base, "INBOX.c-uni-%ld", (long)getpid());
    snprintf(name, sizeof name, "%s-\xc3\x84rger & \xc3\x96l \xf0\x9f\x93\xac", base);
    snprintf(parent, sizeof parent, "%s-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", base); /* 日本語 */
    snprintf(renamed, sizeof renamed, "%s.\xe5\x8f\xb0\xe5\x8c\x97", parent);        /* 台北 */
    imapc_client_delete_folder(c, renamed, NULL); /* an interrupted run's */
    imapc_client_delete_folder(c, parent, NULL);
    imapc_client_delete_folder(c, name, NULL);

    TRY(imapc_client_create_folder(c, name, ERR));
    CHECK(exists(c, name), "%s exists", name);
    CHECK(list_one(c, name, got, sizeof got, raw, sizeof raw, &delim, &selectable) == 1,
          "LIST %s", name);
    STR(got, name);
    CHECK(delim == '.', "delimiter %u", (unsigned)delim);
    for (i = 0; raw[i]; i++) CHECK((unsigned char)raw[i] < 0x80, "raw name %s is ASCII", raw);
    CHECK(strstr(raw, "&AMQ-rger &- &ANY-l &2D3c7A-") != NULL, "raw name %s", raw);

    /* RENAME into a level that does not exist yet: Cyrus makes it a
     * folder of its own (selectable, not \Noselect). */
    TRY(imapc_client_rename_folder(c, name, renamed, ERR));
    CHECK(!exists(c, name) && exists(c, renamed), "renamed");
    snprintf(pattern, sizeof pattern, "%s.%%", parent);
    CHECK(list_one(c, pattern, got, sizeof got, raw, sizeof raw, &delim, &selectable) == 1,
          "one folder below %s", parent);
    STR(got, renamed);
    CHECK(strstr(raw, "-&ZeVnLIqe-.&U,BTFw-") != NULL, "raw name %s", raw);
    TRY(imapc_client_delete_folder(c, renamed, ERR));
    CHECK(!exists(c, renamed), "deleted");
    rc = imapc_client_delete_folder(c, renamed, &err);
    CHECK(rc == IMAPC_ERR_NO && !imapc_error_is_fatal(err), "DELETE again: %s",
          imapc_error_name(rc));
    imapc_error_free(err);
    CHECK(list_one(c, parent, got, sizeof got, raw, sizeof raw, &delim, &selectable) == 1 &&
              selectable,
          "the level RENAME made is selectable");
    TRY(imapc_client_delete_folder(c, parent, ERR));
    printf("4. non-ASCII folders: created, listed as %s, renamed, deleted\n", raw);
}

static void select_examine(imapc_client *c)
{
    char a[128], b[128], renamed[160], id_a[128];
    imapc_mailbox_state *st = NULL;
    imapc_folder_status *fs = NULL;
    uint64_t v = 0;
    uint32_t uidvalidity;
    static const char *const sys[] = {"\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen"};
    size_t i;

    new_folder(c, "c-select", a, sizeof a);
    new_folder(c, "c-select-other", b, sizeof b);
    TRY(imapc_client_select(c, a, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == 0 && imapc_mailbox_state_uid_next(st) == 1,
          "empty: exists %u uidnext %u", imapc_mailbox_state_exists(st),
          imapc_mailbox_state_uid_next(st));
    uidvalidity = imapc_mailbox_state_uid_validity(st);
    CHECK(uidvalidity > 0, "UIDVALIDITY");
    CHECK(imapc_mailbox_state_mailbox_id(st) != NULL && *imapc_mailbox_state_mailbox_id(st),
          "MAILBOXID");
    snprintf(id_a, sizeof id_a, "%s", imapc_mailbox_state_mailbox_id(st));
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));

    CHECK(append_simple(c, a, "m0", "sel0", NULL, "\\Seen") == 1, "UID 1");
    CHECK(append_simple(c, a, "m1", "sel1", NULL, NULL) == 2, "UID 2");
    CHECK(append_simple(c, a, "m2", "sel2", NULL, NULL) == 3, "UID 3");
    TRY(imapc_client_status(c, a, &fs, ERR));
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_MESSAGES, &v) && v == 3, "STATUS MESSAGES");
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_UNSEEN, &v) && v == 2, "STATUS UNSEEN");
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_UIDNEXT, &v) && v == 4, "STATUS UIDNEXT");
    CHECK(imapc_folder_status_get(fs, IMAPC_STATUS_UIDVALIDITY, &v) && v == uidvalidity,
          "STATUS UIDVALIDITY");
    imapc_folder_status_free(fs);

    /* Cyrus's untagged OKs of SELECT (MAILBOXID, URLMECH, ANNOTATIONS)
     * are part of the answer, not events. (Those of the commands before,
     * such as RENAME's "OK rename ...", are: taken first.) */
    {
        imapc_event_list *ev = NULL;
        TRY(imapc_client_take_events(c, &ev, ERR));
        imapc_event_list_free(ev);
        TRY(imapc_client_select(c, a, &st, ERR));
        TRY(imapc_client_take_events(c, &ev, ERR));
        CHECK(imapc_event_list_count(ev) == 0, "%zu events after SELECT, the first: %s",
              imapc_event_list_count(ev), imapc_event_list_text(ev, 0));
        imapc_event_list_free(ev);
    }
    STR(imapc_mailbox_state_name(st), a);
    CHECK(imapc_mailbox_state_exists(st) == 3, "exists %u", imapc_mailbox_state_exists(st));
    CHECK(imapc_mailbox_state_uid_next(st) == 4, "uidnext %u", imapc_mailbox_state_uid_next(st));
    CHECK(imapc_mailbox_state_uid_validity(st) == uidvalidity, "the same UIDVALIDITY");
    CHECK(imapc_mailbox_state_unseen(st) == 2, "first unseen %u", imapc_mailbox_state_unseen(st));
    CHECK(imapc_mailbox_state_highest_modseq(st) > 0, "Cyrus sends HIGHESTMODSEQ always");
    CHECK(!imapc_mailbox_state_read_only(st), "SELECT is read-write");
    for (i = 0; i < sizeof sys / sizeof sys[0]; i++) {
        CHECK(imapc_string_list_contains(imapc_mailbox_state_flags(st), sys[i]), "FLAGS %s",
              sys[i]);
        CHECK(imapc_string_list_contains(imapc_mailbox_state_permanent_flags(st), sys[i]),
              "PERMANENTFLAGS %s", sys[i]);
    }
    CHECK(imapc_string_list_contains(imapc_mailbox_state_permanent_flags(st), "\\*"),
          "new keywords allowed");
    STR(imapc_mailbox_state_mailbox_id(st), id_a);
    imapc_mailbox_state_free(st);

    TRY(imapc_client_examine(c, b, &st, ERR));
    CHECK(imapc_mailbox_state_read_only(st), "EXAMINE is read-only");
    CHECK(imapc_mailbox_state_mailbox_id(st) != NULL &&
              strcmp(imapc_mailbox_state_mailbox_id(st), id_a) != 0,
          "another folder, another MAILBOXID");
    imapc_mailbox_state_free(st);
    TRY(imapc_client_examine(c, a, &st, ERR));
    CHECK(imapc_mailbox_state_read_only(st) && imapc_mailbox_state_exists(st) == 3, "EXAMINE");
    STR(imapc_mailbox_state_mailbox_id(st), id_a);
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));

    snprintf(renamed, sizeof renamed, "%s-renamed", a);
    TRY(imapc_client_rename_folder(c, a, renamed, ERR));
    TRY(imapc_client_select(c, renamed, &st, ERR));
    STR(imapc_mailbox_state_mailbox_id(st), id_a); /* the id follows the folder */
    CHECK(imapc_mailbox_state_exists(st) == 3, "the messages moved along");
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, renamed, ERR));
    TRY(imapc_client_delete_folder(c, b, ERR));
    printf("5. SELECT/EXAMINE fields; MAILBOXID %s survives RENAME\n", id_a);
}

static void refusals(imapc_client *c)
{
    char missing[128], name[128], msg[256];
    size_t n = simple_message(msg, sizeof msg, "x", "refused", NULL);
    snprintf(missing, sizeof missing, "INBOX.c-missing-%ld", (long)getpid());
    REFUSED_WITH(imapc_client_select(c, missing, NULL, ERR), IMAPC_ERR_NO, NULL,
                 "Mailbox does not exist");
    REFUSED_WITH(imapc_client_examine(c, missing, NULL, ERR), IMAPC_ERR_NO, NULL,
                 "Mailbox does not exist");
    REFUSED_WITH(imapc_client_append(c, missing, (const uint8_t *)msg, n, NULL, NULL, 0, NULL, ERR),
                 IMAPC_ERR_NO, "TRYCREATE", "");
    new_folder(c, "c-codes", name, sizeof name);
    REFUSED_WITH(imapc_client_create_folder(c, name, ERR), IMAPC_ERR_NO, NULL, "already exists");
    TRY(imapc_client_noop(c, ERR));
    TRY(imapc_client_delete_folder(c, name, ERR));
    printf("6. refusals: NO \"Mailbox does not exist\" (no code), NO [TRYCREATE]\n");
}

static void special_folders(imapc_client *c)
{
    static const char *const names[] = {"INBOX.Sent Messages", "INBOX.Deleted Items"};
    char *got = NULL;
    size_t i;
    CHECK(imapc_client_has_capability(c, "SPECIAL-USE"), "SPECIAL-USE");
    for (i = 0; i < 2; i++) {
        imapc_client_delete_folder(c, names[i], NULL); /* an interrupted run's */
        TRY(imapc_client_create_folder(c, names[i], ERR));
    }
    TRY(imapc_client_find_special_folder(c, "\\Sent", &got, ERR));
    STR(got, names[0]);
    imapc_string_free(got);
    TRY(imapc_client_find_special_folder(c, "\\Trash", &got, ERR));
    STR(got, names[1]);
    imapc_string_free(got);
    got = (char *)"untouched";
    TRY(imapc_client_find_special_folder(c, "\\Junk", &got, ERR));
    CHECK(got == NULL, "no \\Junk folder: %s", got);
    /* Cyrus answers Gmail's XLIST too (Dovecot does not): INBOX with
     * \Inbox. */
    {
        imapc_folder_list *l = NULL;
        int inbox = 0;
        TRY(imapc_client_xlist(c, "", "INBOX*", &l, ERR));
        for (i = 0; i < imapc_folder_list_count(l); i++) {
            const imapc_folder *f = imapc_folder_list_get(l, i);
            inbox |= streq(imapc_folder_name(f), "INBOX") && imapc_folder_has_attribute(f, "\\Inbox");
        }
        CHECK(inbox, "XLIST: INBOX with \\Inbox among %zu", imapc_folder_list_count(l));
        imapc_folder_list_free(l);
    }
    for (i = 0; i < 2; i++) TRY(imapc_client_delete_folder(c, names[i], ERR));
    printf("7. special folders by name below INBOX.; XLIST\n");
}

static void create_and_limits(imapc_client *c)
{
    static const char *const drafts[] = {"\\Drafts"}, *const flagged[] = {"\\Flagged"};
    static const char *const use_entry[] = {"/private/specialuse"};
    char prefix[64], a[128], d[128];
    char *id = NULL, *id_d = NULL, *got = NULL;
    imapc_mailbox_state *st = NULL;
    uint64_t limit = 0;

    personal_prefix(c, prefix, sizeof prefix);
    snprintf(a, sizeof a, "%sc-created-%ld", prefix, (long)getpid());
    snprintf(d, sizeof d, "%sc-drafts-%ld", prefix, (long)getpid());
    imapc_client_delete_folder(c, a, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder_with_id(c, a, &id, ERR));
    CHECK(id != NULL && *id, "MAILBOXID in CREATE's OK");
    TRY(imapc_client_examine(c, a, &st, ERR));
    STR(imapc_mailbox_state_mailbox_id(st), id);
    imapc_mailbox_state_free(st);
    TRY(imapc_client_unselect(c, ERR));

    TRY(imapc_client_create_folder_special_use(c, d, drafts, 1, &id_d, ERR));
    CHECK(id_d != NULL && *id_d && strcmp(id, id_d) != 0, "another folder, another id");
    TRY(imapc_client_find_special_folder(c, "\\Drafts", &got, ERR));
    STR(got, d);
    imapc_string_free(got);
    REFUSED_WITH(imapc_client_create_folder_special_use(c, a, flagged, 1, NULL, &err_),
                 IMAPC_ERR_NO, "USEATTR", "");
    REFUSED_WITH(imapc_client_delete_folder(c, d, &err_), IMAPC_ERR_NO, NULL, "SPECIAL-USE");
    TRY(imapc_client_set_metadata(c, d, use_entry, NULL, NULL, 1, ERR));
    TRY(imapc_client_delete_folder(c, d, ERR));
    TRY(imapc_client_delete_folder(c, a, ERR));
    imapc_string_free(id);
    imapc_string_free(id_d);

    CHECK(imapc_client_append_limit(c, &limit) && limit == 4294967295u, "APPENDLIMIT %llu",
          (unsigned long long)limit);
    printf("8. CREATE's MAILBOXID, CREATE-SPECIAL-USE, APPENDLIMIT\n");
}

int main(void)
{
    imapc_client *c;
    imapc_log_init_from_env();
    tls();
    logins();
    c = connect_from_env();
    namespaces(c);
    unicode_folders(c);
    select_examine(c);
    refusals(c);
    special_folders(c);
    create_and_limits(c);
    logout_and_free(c);
    printf("cyrus: OK\n");
    return 0;
}
