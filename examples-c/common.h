/* Shared helpers of the C examples: environment, connection, failure. */
#ifndef IMAPC_EXAMPLES_COMMON_H
#define IMAPC_EXAMPLES_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imapclient.h"

#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 199309L
/* Timing helpers, for the examples that ask for POSIX (they define
 * _POSIX_C_SOURCE before any include). */
#include <time.h>

static inline void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif

/* Print the error's name and message, free it, exit 1. */
static inline void die(const char *what, imapc_result rc, imapc_error *err)
{
    fprintf(stderr, "%s failed: %s: %s\n", what, imapc_error_name(rc),
            err ? imapc_error_message(err) : "(no detail)");
    imapc_error_free(err);
    exit(1);
}

/* Exit 1 with a message when a checked condition is false. */
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "check failed: %s: ", #cond);                  \
            fprintf(stderr, __VA_ARGS__);                                  \
            fprintf(stderr, "\n");                                         \
            exit(1);                                                       \
        }                                                                  \
    } while (0)

/* Run an imapc call whose last argument is &err; die on failure. */
#define TRY(call)                                                          \
    do {                                                                   \
        imapc_error *err_ = NULL;                                          \
        imapc_result rc_ = (call);                                         \
        (void)err_;                                                        \
        if (rc_ != IMAPC_OK) die(#call, rc_, err_);                        \
    } while (0)
/* TRY's call must pass &err_ as the error out-parameter. */
#define ERR (&err_)

static inline const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return (v && *v) ? v : dflt;
}

/* Build connect options from IMAP_HOST, IMAP_PORT, IMAP_TLS
 * (implicit|starttls|none) and IMAP_CAFILE. For implicit TLS the port is
 * IMAP_TLS_PORT when set. */
static inline imapc_connect_options *options_from_env(void)
{
    const char *host = env_or("IMAP_HOST", "127.0.0.1");
    const char *tls = env_or("IMAP_TLS", "starttls");
    const char *port_s = env_or("IMAP_PORT", "0");
    uint32_t security = IMAPC_SECURITY_STARTTLS;
    imapc_connect_options *opts = NULL;
    const char *cafile = getenv("IMAP_CAFILE");

    if (strcmp(tls, "implicit") == 0) {
        security = IMAPC_SECURITY_IMPLICIT_TLS;
        port_s = env_or("IMAP_TLS_PORT", port_s);
    } else if (strcmp(tls, "none") == 0) {
        security = IMAPC_SECURITY_DANGEROUS_PLAINTEXT;
    }
    TRY(imapc_connect_options_new(host, (uint16_t)atoi(port_s), security, &opts, ERR));
    if (security != IMAPC_SECURITY_DANGEROUS_PLAINTEXT && cafile && *cafile) {
        imapc_tls_config_builder *b = imapc_tls_config_builder_new();
        const imapc_tls_config *cfg = NULL;
        TRY(imapc_tls_config_builder_add_ca_file(b, cafile, ERR));
        TRY(imapc_tls_config_builder_build(b, &cfg, ERR));
        imapc_tls_config_builder_free(b);
        TRY(imapc_connect_options_set_tls_config(opts, cfg, ERR));
        imapc_tls_config_free(cfg); /* the options keep their own reference */
    }
    return opts;
}

/* Connect to IMAP_HOST with `security` (implicit TLS on IMAP_TLS_PORT,
 * else IMAP_PORT) and the shared TLS config `tls` (not used for
 * plaintext), then log in as IMAP_USER / IMAP_PASSWORD. For threads: on
 * failure the code is returned with the error in *err, nothing exits. */
static inline imapc_result connect_login(uint32_t security, const imapc_tls_config *tls,
                                         imapc_client **out, imapc_error **err)
{
    const char *port = security == IMAPC_SECURITY_IMPLICIT_TLS
                           ? env_or("IMAP_TLS_PORT", env_or("IMAP_PORT", "993"))
                           : env_or("IMAP_PORT", "143");
    imapc_connect_options *o = NULL;
    imapc_client *c = NULL;
    imapc_result rc = imapc_connect_options_new(env_or("IMAP_HOST", "127.0.0.1"),
                                                (uint16_t)atoi(port), security, &o, err);
    if (rc == IMAPC_OK && security != IMAPC_SECURITY_DANGEROUS_PLAINTEXT)
        rc = imapc_connect_options_set_tls_config(o, tls, err);
    if (rc == IMAPC_OK) rc = imapc_client_connect(o, &c, err);
    imapc_connect_options_free(o);
    if (rc == IMAPC_OK)
        rc = imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"),
                                err);
    if (rc != IMAPC_OK) {
        imapc_client_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

/* True when IMAP_COMPRESS=1 asks for COMPRESS=DEFLATE after login. */
static inline int compress_from_env(void)
{
    return strcmp(env_or("IMAP_COMPRESS", "0"), "1") == 0;
}

/* Both strings there and equal. */
static inline int streq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static inline void check_str(const char *expr, const char *got, const char *want)
{
    CHECK(streq(got, want), "%s: \"%s\", want \"%s\"", expr, got ? got : "(NULL)", want);
}

/* The string `got` is `want` (not NULL). */
#define STR(got, want) check_str(#got, (got), (want))

/* A connection, not logged in, with the options of the environment. */
static inline imapc_client *connect_only(void)
{
    imapc_connect_options *o = options_from_env();
    imapc_client *c = NULL;
    TRY(imapc_client_connect(o, &c, ERR));
    imapc_connect_options_free(o);
    return c;
}

/* Connect and log in as IMAP_USER / IMAP_PASSWORD; with IMAP_COMPRESS=1
 * turn on COMPRESS=DEFLATE. */
static inline imapc_client *connect_from_env(void)
{
    imapc_client *c;
    imapc_log_init_from_env();
    c = connect_only();
    TRY(imapc_client_login(c, env_or("IMAP_USER", "test"), env_or("IMAP_PASSWORD", "pass"), ERR));
    if (compress_from_env()) {
        TRY(imapc_client_compress(c, ERR));
        CHECK(imapc_client_is_compressed(c), "compression is on");
    }
    return c;
}

/* Create `folder` anew (deleting an interrupted run's) holding `n` copies
 * of the message `msg` (NUL-terminated), in one MULTIAPPEND. */
static inline void fresh_folder_with_copies(imapc_client *c, const char *folder, const char *msg,
                                            size_t n)
{
    imapc_append_message *msgs = calloc(n, sizeof *msgs);
    size_t i;
    CHECK(msgs != NULL, "calloc");
    imapc_client_delete_folder(c, folder, NULL);
    TRY(imapc_client_create_folder(c, folder, ERR));
    for (i = 0; i < n; i++) {
        msgs[i].data = (const uint8_t *)msg;
        msgs[i].len = strlen(msg);
    }
    TRY(imapc_client_multiappend(c, folder, msgs, n, IMAPC_APPEND_MESSAGE_VERSION, NULL, NULL,
                                 ERR));
    free(msgs);
}

static inline void logout_and_free(imapc_client *c)
{
    TRY(imapc_client_logout(c, ERR));
    imapc_client_free(c);
}

#endif
