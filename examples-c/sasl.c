/* sasl: AUTHENTICATE with a SASL mechanism of the caller's
 * (imapc_client_authenticate_sasl), against the test Dovecot, which offers
 * PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-1/256.
 *
 * 1. LOGIN, server first: the callback sees "Username:" then "Password:"
 *    and answers each; the client is then authenticated (EXAMINE INBOX
 *    works and counts the user's messages).
 * 2. PLAIN, client first, through the generic call: the first call has an
 *    empty challenge (len 0, pointer not NULL) and its reply holds NUL
 *    bytes, which must reach the server whole.
 * 3. A callback that returns nonzero cancels: IMAPC_ERR_ABORTED, not
 *    fatal, the client not authenticated (EXAMINE refused) and still
 *    usable (LOGIN then works).
 * 4. A wrong password: IMAPC_ERR_AUTH_FAILED, not fatal.
 * 5. Arguments: a NULL step, a name that is not a mechanism name, a
 *    mechanism the server lacks, imapc_sasl_reply_set with a NULL reply
 *    or NULL data of nonzero length.
 *
 * Usage: sasl (settings from the environment, as every example). */
#include "common.h"

struct login_state {
    const char *user, *password;
    char seen[2][32];
    int calls;
    int cancel_at; /* cancel (return nonzero) at this call; 0: never */
};

static int login_step(void *userdata, const uint8_t *challenge, size_t len, imapc_sasl_reply *reply)
{
    struct login_state *st = userdata;
    const char *answer;
    imapc_error *err = NULL;
    CHECK(challenge != NULL, "challenge pointer is NULL");
    if (st->calls < 2) {
        size_t n = len < 31 ? len : 31;
        memcpy(st->seen[st->calls], challenge, n);
        st->seen[st->calls][n] = '\0';
    }
    st->calls++;
    /* NULL data of nonzero length is refused and leaves the reply alone. */
    CHECK(imapc_sasl_reply_set(reply, NULL, 3, &err) == IMAPC_ERR_NULL_POINTER,
          "NULL data accepted");
    imapc_error_free(err);
    err = NULL;
    if (st->calls == st->cancel_at) return 7;
    answer = st->calls == 1 ? st->user : st->password;
    if (imapc_sasl_reply_set(reply, (const uint8_t *)answer, strlen(answer), &err) != IMAPC_OK)
        die("imapc_sasl_reply_set", IMAPC_ERR_INTERNAL, err);
    return 0;
}

struct plain_state {
    const char *user, *password;
    int calls;
    size_t first_len;
};

static int plain_step(void *userdata, const uint8_t *challenge, size_t len, imapc_sasl_reply *reply)
{
    struct plain_state *st = userdata;
    uint8_t buf[256];
    size_t u = strlen(st->user), p = strlen(st->password);
    CHECK(challenge != NULL, "challenge pointer is NULL");
    if (st->calls++ == 0) st->first_len = len;
    CHECK(u + p + 2 <= sizeof buf, "credentials too long");
    buf[0] = 0; /* no authorization identity */
    memcpy(buf + 1, st->user, u);
    buf[1 + u] = 0;
    memcpy(buf + 2 + u, st->password, p);
    TRY(imapc_sasl_reply_set(reply, buf, u + p + 2, ERR));
    return 0;
}

static uint32_t inbox_count(imapc_client *c)
{
    imapc_mailbox_state *st = NULL;
    uint32_t n;
    TRY(imapc_client_examine(c, "INBOX", &st, ERR));
    n = imapc_mailbox_state_exists(st);
    imapc_mailbox_state_free(st);
    return n;
}

int main(void)
{
    const char *user = env_or("IMAP_USER", "test");
    const char *password = env_or("IMAP_PASSWORD", "pass");
    imapc_client *c;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t count;

    /* 1. LOGIN, server first. */
    {
        struct login_state st = {user, password, {{0}}, 0, 0};
        c = connect_only();
        TRY(imapc_client_authenticate_sasl(c, "login", false, login_step, &st, ERR));
        CHECK(st.calls == 2, "LOGIN: %d calls", st.calls);
        CHECK(strcmp(st.seen[0], "Username:") == 0 && strcmp(st.seen[1], "Password:") == 0,
              "LOGIN challenges: \"%s\", \"%s\"", st.seen[0], st.seen[1]);
        count = inbox_count(c);
        CHECK(count > 0, "INBOX of %s is empty", user);
        imapc_client_free(c);
    }

    /* 2. PLAIN, client first, with NUL bytes in the response. */
    {
        struct plain_state st = {user, password, 0, 99};
        c = connect_only();
        TRY(imapc_client_authenticate_sasl(c, "PLAIN", true, plain_step, &st, ERR));
        CHECK(st.calls == 1 && st.first_len == 0, "PLAIN: %d calls, first challenge %zu bytes",
              st.calls, st.first_len);
        CHECK(inbox_count(c) == count, "PLAIN: INBOX count differs");
        imapc_client_free(c);
    }

    /* 3. Cancelled at the second challenge; then 4. a wrong password; then
     * LOGIN on the same client. */
    {
        struct login_state st = {user, password, {{0}}, 0, 2};
        imapc_mailbox_state *ms = NULL;
        c = connect_only();
        rc = imapc_client_authenticate_sasl(c, "LOGIN", false, login_step, &st, &err);
        CHECK(rc == IMAPC_ERR_ABORTED, "cancel: %s", imapc_error_name(rc));
        CHECK(!imapc_error_is_fatal(err), "cancel: fatal");
        CHECK(strstr(imapc_error_message(err), "returned 7") != NULL, "cancel: %s",
              imapc_error_message(err));
        imapc_error_free(err);
        err = NULL;
        rc = imapc_client_examine(c, "INBOX", &ms, &err);
        CHECK(rc == IMAPC_ERR_ILLEGAL_STATE, "examine after cancel: %s", imapc_error_name(rc));
        imapc_error_free(err);
        err = NULL;

        st = (struct login_state){user, "wrong", {{0}}, 0, 0};
        rc = imapc_client_authenticate_sasl(c, "LOGIN", false, login_step, &st, &err);
        CHECK(rc == IMAPC_ERR_AUTH_FAILED, "wrong password: %s", imapc_error_name(rc));
        CHECK(!imapc_error_is_fatal(err), "wrong password: fatal");
        imapc_error_free(err);
        err = NULL;

        TRY(imapc_client_login(c, user, password, ERR));
        CHECK(inbox_count(c) == count, "login after cancel: INBOX count differs");
        imapc_client_free(c);
    }

    /* 5. Arguments. */
    {
        struct login_state st = {user, password, {{0}}, 0, 0};
        static const struct {
            const char *name;
            imapc_result want;
        } names[] = {
            {"PLAIN X", IMAPC_ERR_INVALID_ARGUMENT},
            {"", IMAPC_ERR_INVALID_ARGUMENT},
            {"A-MECHANISM-NAME-TOO-LONG", IMAPC_ERR_INVALID_ARGUMENT},
            {"GSSAPI", IMAPC_ERR_CAPABILITY_MISSING},
        };
        size_t i;
        c = connect_only();
        rc = imapc_client_authenticate_sasl(c, "LOGIN", false, NULL, &st, &err);
        CHECK(rc == IMAPC_ERR_NULL_POINTER, "NULL step: %s", imapc_error_name(rc));
        imapc_error_free(err);
        err = NULL;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            rc = imapc_client_authenticate_sasl(c, names[i].name, false, login_step, &st, &err);
            CHECK(rc == names[i].want, "\"%s\": %s", names[i].name, imapc_error_name(rc));
            imapc_error_free(err);
            err = NULL;
        }
        CHECK(st.calls == 0, "the step ran for a refused call");
        rc = imapc_sasl_reply_set(NULL, (const uint8_t *)"x", 1, &err);
        CHECK(rc == IMAPC_ERR_NULL_POINTER, "NULL reply: %s", imapc_error_name(rc));
        imapc_error_free(err);
        err = NULL;
        /* The client is still usable after all of these. */
        TRY(imapc_client_authenticate_sasl(c, "LOGIN", false, login_step, &st, ERR));
        CHECK(inbox_count(c) == count, "after argument errors: INBOX count differs");
        imapc_client_free(c);
    }

    printf("sasl: LOGIN, PLAIN, cancel, refusal and argument checks passed (%u messages)\n",
           (unsigned)count);
    return 0;
}
