#define _POSIX_C_SOURCE 200809L
/* tls_errors: an untrusted certificate and a wrong host name give the right
 * error codes and readable messages; turning off only the host-name check
 * connects. Uses implicit TLS on IMAP_TLS_PORT. */
#include "common.h"

static imapc_result try_connect(const char *cafile, const char *server_name, int no_hostname,
                                imapc_error **err_out)
{
    imapc_connect_options *opts = NULL;
    imapc_client *c = NULL;
    imapc_result rc;
    const char *port = env_or("IMAP_TLS_PORT", "993");

    TRY(imapc_connect_options_new(env_or("IMAP_HOST", "127.0.0.1"), (uint16_t)atoi(port),
                                  IMAPC_SECURITY_IMPLICIT_TLS, &opts, ERR));
    if (cafile || no_hostname) {
        imapc_tls_config_builder *b = imapc_tls_config_builder_new();
        const imapc_tls_config *cfg = NULL;
        if (cafile) TRY(imapc_tls_config_builder_add_ca_file(b, cafile, ERR));
        if (no_hostname) TRY(imapc_tls_config_builder_dangerous_disable_hostname_verification(b, ERR));
        TRY(imapc_tls_config_builder_build(b, &cfg, ERR));
        imapc_tls_config_builder_free(b);
        TRY(imapc_connect_options_set_tls_config(opts, cfg, ERR));
        imapc_tls_config_free(cfg);
    }
    if (server_name) TRY(imapc_connect_options_set_tls_server_name(opts, server_name, ERR));
    TRY(imapc_connect_options_set_connect_timeout_ms(opts, 10000, ERR));
    rc = imapc_client_connect(opts, &c, err_out);
    imapc_connect_options_free(opts);
    if (rc == IMAPC_OK) {
        TRY(imapc_client_logout(c, ERR));
        imapc_client_free(c);
    }
    return rc;
}

static void expect(const char *what, imapc_result got, imapc_error *err, imapc_result want)
{
    printf("%-40s -> %s: %s\n", what, imapc_error_name(got), err ? imapc_error_message(err) : "");
    CHECK(got == want, "%s: expected %s", what, imapc_error_name(want));
    CHECK(got == IMAPC_OK || imapc_error_code(err) == got, "error object carries the code");
    CHECK(got == IMAPC_OK || strlen(imapc_error_message(err)) > 10, "readable message");
    imapc_error_free(err);
}

int main(void)
{
    const char *ca = getenv("IMAP_CAFILE");
    imapc_error *err = NULL;
    imapc_result rc;

    CHECK(ca && *ca, "IMAP_CAFILE must be set");

    err = NULL;
    rc = try_connect(NULL, NULL, 0, &err);
    expect("system roots (test CA not trusted)", rc, err, IMAPC_ERR_TLS_UNKNOWN_ISSUER);

    err = NULL;
    rc = try_connect(ca, "wrong.example", 0, &err);
    expect("CA trusted, name wrong.example", rc, err, IMAPC_ERR_TLS_NAME_MISMATCH);

    err = NULL;
    rc = try_connect(ca, "wrong.example", 1, &err);
    expect("hostname check off, chain checked", rc, err, IMAPC_OK);

    err = NULL;
    rc = try_connect(ca, NULL, 0, &err);
    expect("CA trusted, right name", rc, err, IMAPC_OK);

    printf("tls_errors: OK\n");
    return 0;
}
