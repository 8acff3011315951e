#define _POSIX_C_SOURCE 200809L
/* cyrus_scram: SCRAM-SHA-256 (RFC 5802, RFC 7677) through the SASL step
 * callback (imapc_client_authenticate_sasl, client first) against Cyrus
 * SASL on the private Cyrus IMAP (see cyrus.c for how it is reached).
 * The examples link no crypto library, so SHA-256 (FIPS 180-4), HMAC
 * (RFC 2104) and the one-block PBKDF2 of SCRAM's Hi() are written out
 * here; base64 is needed only for the salt, the proof and the signature.
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

/* SHA-256 */

typedef struct {
    uint32_t h[8];
    uint8_t block[64];
    size_t used;
    uint64_t total;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256 *s, const uint8_t *p)
{
    uint32_t w[64], v[8], t1, t2;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 64; i++)
        w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7] +
               (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
    memcpy(v, s->h, sizeof v);
    for (i = 0; i < 64; i++) {
        t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
             ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
        t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
             ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (i = 0; i < 8; i++) s->h[i] += v[i];
}

static void sha256_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->used = 0;
    s->total = 0;
}

static void sha256_add(sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->total += len;
    while (len > 0) {
        size_t n = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->block + s->used, p, n);
        s->used += n;
        p += n;
        len -= n;
        if (s->used == 64) {
            sha256_block(s, s->block);
            s->used = 0;
        }
    }
}

static void sha256_end(sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, len[8];
    int i;
    sha256_add(s, &pad, 1);
    pad = 0;
    while (s->used != 56) sha256_add(s, &pad, 1);
    for (i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_add(s, len, 8);
    for (i = 0; i < 32; i++) out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* HMAC-SHA-256 of the two pieces a, b (b may be empty). */
static void hmac(const uint8_t *key, size_t key_len, const void *a, size_t a_len, const void *b,
                 size_t b_len, uint8_t out[32])
{
    uint8_t k[64] = {0}, pad[64], inner[32];
    sha256 s;
    int i;
    if (key_len > 64) {
        sha256_init(&s);
        sha256_add(&s, key, key_len);
        sha256_end(&s, k);
    } else {
        memcpy(k, key, key_len);
    }
    for (i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
    sha256_init(&s);
    sha256_add(&s, pad, 64);
    sha256_add(&s, a, a_len);
    sha256_add(&s, b, b_len);
    sha256_end(&s, inner);
    for (i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
    sha256_init(&s);
    sha256_add(&s, pad, 64);
    sha256_add(&s, inner, 32);
    sha256_end(&s, out);
}

/* base64 */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t i;
    for (i = 0; i + 2 < n; i += 3, out += 4) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[0] = B64[v >> 18];
        out[1] = B64[(v >> 12) & 63];
        out[2] = B64[(v >> 6) & 63];
        out[3] = B64[v & 63];
    }
    if (n - i == 1) {
        out[0] = B64[in[i] >> 2];
        out[1] = B64[(in[i] & 3) << 4];
        out[2] = out[3] = '=';
        out += 4;
    } else if (n - i == 2) {
        out[0] = B64[in[i] >> 2];
        out[1] = B64[(in[i] & 3) << 4 | in[i + 1] >> 4];
        out[2] = B64[(in[i + 1] & 15) << 2];
        out[3] = '=';
        out += 4;
    }
    *out = '\0';
}

/* Decodes `len` characters of base64 into out (room for len * 3 / 4);
 * returns the byte count, or -1 when it is not base64. */
static long b64_decode(const char *in, size_t len, uint8_t *out)
{
    uint32_t v = 0;
    size_t i, bits = 0, n = 0;
    for (i = 0; i < len && in[i] != '='; i++) {
        const char *p = strchr(B64, in[i]);
        if (p == NULL || *p == '\0') return -1;
        v = v << 6 | (uint32_t)(p - B64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(v >> bits);
        }
    }
    return (long)n;
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
    uint8_t salt[96], salted[32], u[32], client_key[32], stored[32], sig[32], server_key[32];
    char auth[512];
    long salt_len, i, iter;
    int k;
    sha256 h;

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
        uint8_t v[48];
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

    /* Hi(password, salt, i): PBKDF2-HMAC-SHA-256, one block. */
    hmac((const uint8_t *)s->password, strlen(s->password), salt, (size_t)salt_len,
         "\0\0\0\1", 4, u);
    memcpy(salted, u, 32);
    for (i = 1; i < iter; i++) {
        hmac((const uint8_t *)s->password, strlen(s->password), u, 32, "", 0, u);
        for (k = 0; k < 32; k++) salted[k] ^= u[k];
    }
    hmac(salted, 32, "Client Key", 10, "", 0, client_key);
    sha256_init(&h);
    sha256_add(&h, client_key, 32);
    sha256_end(&h, stored);
    snprintf(final, sizeof final, "c=biws,r=%s", r);
    CHECK(snprintf(auth, sizeof auth, "%s,%.*s,%s", s->first_bare, (int)len, (const char *)ch,
                   final) < (int)sizeof auth,
          "auth message too long");
    hmac(stored, 32, auth, strlen(auth), "", 0, sig);
    for (k = 0; k < 32; k++) sig[k] ^= client_key[k];
    b64_encode(sig, 32, proof64);
    hmac(salted, 32, "Server Key", 10, "", 0, server_key);
    hmac(server_key, 32, auth, strlen(auth), "", 0, s->server_sig);
    s->have_sig = 1;
    strncat(final, ",p=", sizeof final - strlen(final) - 1);
    strncat(final, proof64, sizeof final - strlen(final) - 1);
    TRY(imapc_sasl_reply_set(reply, (const uint8_t *)final, strlen(final), ERR));
    return 0;
}

static imapc_client *connect_only(void)
{
    imapc_connect_options *o = options_from_env();
    imapc_client *c = NULL;
    TRY(imapc_client_connect(o, &c, ERR));
    imapc_connect_options_free(o);
    return c;
}

/* SHA-256 and HMAC against FIPS 180-2's "abc" and RFC 4231 test case 2,
 * so a failure below is not the hash's. */
static void self_test(void)
{
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                    0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t jefe[32] = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
                                     0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
                                     0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
                                     0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
    uint8_t out[32], back[8];
    char b[16];
    sha256 s;
    sha256_init(&s);
    sha256_add(&s, "abc", 3);
    sha256_end(&s, out);
    CHECK(memcmp(out, abc, 32) == 0, "SHA-256(\"abc\")");
    hmac((const uint8_t *)"Jefe", 4, "what do ya want ", 16, "for nothing?", 12, out);
    CHECK(memcmp(out, jefe, 32) == 0, "HMAC-SHA-256, RFC 4231 case 2");
    b64_encode((const uint8_t *)"n,,", 3, b);
    STR(b, "biws");
    CHECK(b64_decode("YWI=", 4, back) == 2 && memcmp(back, "ab", 2) == 0, "base64 decode");
}

int main(void)
{
    const char *user = env_or("IMAP_USER", "test"), *pass = env_or("IMAP_PASSWORD", "pass");
    imapc_client *c;
    imapc_error *err = NULL;
    imapc_result rc;

    self_test();

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
