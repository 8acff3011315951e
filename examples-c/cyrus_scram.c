#define _POSIX_C_SOURCE 200809L
/* cyrus_scram: SCRAM-SHA-256 (RFC 5802, RFC 7677) through the SASL step
 * callback (imapc_client_authenticate_sasl, client first) against Cyrus
 * SASL on the private Cyrus IMAP (see cyrus.c for how it is reached).
 * The hashing is OpenSSL's libcrypto (SHA-256, HMAC, PBKDF2 for SCRAM's
 * Hi(), base64), linked into this test only.
 *
 * 1. The right password: two challenges (server-first, server-final); the
 *    server's signature (v=) must verify; the session is authenticated.
 * 2. A wrong password: the server refuses the proof with
 *    IMAPC_ERR_AUTH_FAILED, not fatal, the signature never checked; LOGIN
 *    then works on the same connection.
 * 3. A server-final message that does not verify (simulated: the step
 *    expects another signature) makes the step return nonzero: the
 *    exchange is cancelled with "*", which Cyrus honours even after its
 *    v=: IMAPC_ERR_ABORTED, not fatal, not authenticated (EXAMINE is
 *    refused), and LOGIN then works on the same connection.
 *
 * Usage: run-with-cyrus.sh cyrus_scram */
#include "cyrus.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* HMAC-SHA-256 */
static void hmac(const uint8_t *key, size_t key_len, const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 0;
    CHECK(HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n) != NULL && n == 32,
          "HMAC-SHA-256");
}

/* Decodes `len` characters of base64 into out (room for len * 3 / 4 + 3);
 * returns the byte count, or -1 when it is not base64. */
static long b64_decode(const char *in, size_t len, uint8_t *out)
{
    int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (n < 0) return -1;
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    while (len > 0 && in[len - 1] == '=') {
        len--;
        n--;
    }
    return n;
}

/* SCRAM-SHA-256 */

struct scram {
    const char *user, *password;
    char nonce[64];
    char first_bare[128];
    uint8_t server_sig[32];
    int have_sig, challenges, verified;
    int spoil_signature; /* expect a wrong signature: the step must refuse it */
};

/* The value of attribute `name` ("r", "s", "i", "v") of a SCRAM message,
 * `len` bytes at `msg`, into buf. */
static int attr(const uint8_t *msg, size_t len, char name, char *buf, size_t size)
{
    size_t i = 0, j;
    while (i < len) {
        for (j = i; j < len && msg[j] != ','; j++) {}
        if (j - i >= 2 && msg[i] == (uint8_t)name && msg[i + 1] == '=' && j - i - 2 < size) {
            memcpy(buf, msg + i + 2, j - i - 2);
            buf[j - i - 2] = '\0';
            return 1;
        }
        i = j + 1;
    }
    return 0;
}

static int scram_step(void *userdata, const uint8_t *ch, size_t len, imapc_sasl_reply *reply)
{
    struct scram *s = userdata;
    char r[128], salt64[128], iter_s[16], v64[64], final[256], proof64[64];
    uint8_t salt[99], salted[32], client_key[32], stored[32], sig[32], server_key[32];
    char auth[512];
    long salt_len, iter;
    int k;

    if (s->first_bare[0] == '\0') { /* the initial response */
        char first[160];
        snprintf(s->nonce, sizeof s->nonce, "c%ldx%ld", (long)getpid(), (long)time(NULL));
        snprintf(s->first_bare, sizeof s->first_bare, "n=%s,r=%s", s->user, s->nonce);
        snprintf(first, sizeof first, "n,,%s", s->first_bare);
        TRY(imapc_sasl_reply_set(reply, (const uint8_t *)first, strlen(first), ERR));
        return 0;
    }
    s->challenges++;
    if (s->have_sig) { /* server-final: v=signature */
        uint8_t v[51];
        if (!attr(ch, len, 'v', v64, sizeof v64) || b64_decode(v64, strlen(v64), v) != 32)
            return 2;
        if (s->spoil_signature) v[0] ^= 1;
        if (memcmp(v, s->server_sig, 32) != 0) return 3; /* does not verify: cancel */
        s->verified = 1;
        return 0; /* an empty response */
    }
    if (!attr(ch, len, 'r', r, sizeof r) || !attr(ch, len, 's', salt64, sizeof salt64) ||
        !attr(ch, len, 'i', iter_s, sizeof iter_s) || strncmp(r, s->nonce, strlen(s->nonce)) != 0)
        return 4;
    salt_len = b64_decode(salt64, strlen(salt64), salt);
    iter = atol(iter_s);
    if (salt_len < 0 || iter < 1) return 5;

    /* Hi(password, salt, i): PBKDF2-HMAC-SHA-256. */
    CHECK(PKCS5_PBKDF2_HMAC(s->password, (int)strlen(s->password), salt, (int)salt_len, (int)iter,
                            EVP_sha256(), 32, salted) == 1,
          "PBKDF2");
    hmac(salted, 32, "Client Key", 10, client_key);
    SHA256(client_key, 32, stored);
    snprintf(final, sizeof final, "c=biws,r=%s", r);
    CHECK(snprintf(auth, sizeof auth, "%s,%.*s,%s", s->first_bare, (int)len, (const char *)ch,
                   final) < (int)sizeof auth,
          "auth message too long");
    hmac(stored, 32, auth, strlen(auth), sig);
    for (k = 0; k < 32; k++) sig[k] ^= client_key[k];
    EVP_EncodeBlock((unsigned char *)proof64, sig, 32);
    hmac(salted, 32, "Server Key", 10, server_key);
    hmac(server_key, 32, auth, strlen(auth), s->server_sig);
    s->have_sig = 1;
    strncat(final, ",p=", sizeof final - strlen(final) - 1);
    strncat(final, proof64, sizeof final - strlen(final) - 1);
    TRY(imapc_sasl_reply_set(reply, (const uint8_t *)final, strlen(final), ERR));
    return 0;
}

int main(void)
{
    const char *user = env_or("IMAP_USER", "test"), *pass = env_or("IMAP_PASSWORD", "pass");
    imapc_client *c;
    imapc_error *err = NULL;
    imapc_result rc;

    /* 1. */
    {
        struct scram s;
        memset(&s, 0, sizeof s);
        s.user = user;
        s.password = pass;
        c = connect_only();
        CHECK(imapc_client_has_capability(c, "AUTH=SCRAM-SHA-256"), "Cyrus offers SCRAM-SHA-256");
        TRY(imapc_client_authenticate_sasl(c, "SCRAM-SHA-256", true, scram_step, &s, ERR));
        CHECK(s.challenges == 2 && s.verified, "%d challenges, signature verified: %d",
              s.challenges, s.verified);
        CHECK(imapc_client_has_capability(c, "UIDPLUS"), "post-login capabilities");
        TRY(imapc_client_examine(c, "INBOX", NULL, ERR));
        logout_and_free(c);
    }
    /* 2. */
    {
        struct scram s;
        memset(&s, 0, sizeof s);
        s.user = user;
        s.password = "wrong";
        c = connect_only();
        rc = imapc_client_authenticate_sasl(c, "SCRAM-SHA-256", true, scram_step, &s, &err);
        CHECK(rc == IMAPC_ERR_AUTH_FAILED && !imapc_error_is_fatal(err), "wrong password: %s: %s",
              imapc_error_name(rc), imapc_error_message(err));
        CHECK(!s.verified, "no signature to verify");
        imapc_error_free(err);
        err = NULL;
        TRY(imapc_client_login(c, user, pass, ERR));
        TRY(imapc_client_examine(c, "INBOX", NULL, ERR));
        logout_and_free(c);
    }
    /* 3. */
    {
        struct scram s;
        memset(&s, 0, sizeof s);
        s.user = user;
        s.password = pass;
        s.spoil_signature = 1;
        c = connect_only();
        rc = imapc_client_authenticate_sasl(c, "SCRAM-SHA-256", true, scram_step, &s, &err);
        CHECK(rc == IMAPC_ERR_ABORTED && !imapc_error_is_fatal(err),
              "a signature that does not verify: %s: %s", imapc_error_name(rc),
              imapc_error_message(err));
        CHECK(!s.verified && s.challenges == 2, "not verified");
        imapc_error_free(err);
        err = NULL;
        rc = imapc_client_examine(c, "INBOX", NULL, &err);
        CHECK(rc == IMAPC_ERR_ILLEGAL_STATE, "EXAMINE after the cancel: %s", imapc_error_name(rc));
        imapc_error_free(err);
        TRY(imapc_client_login(c, user, pass, ERR));
        TRY(imapc_client_examine(c, "INBOX", NULL, ERR));
        logout_and_free(c);
    }
    printf("cyrus_scram: OK (SCRAM-SHA-256 with Cyrus SASL)\n");
    return 0;
}
