/* A program outside the repository that uses the installed library:
 * built with pkg-config and with CMake's find_package(imapclient). */
#include <imapclient.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char want[32];
    imapc_tls_config_builder *b = imapc_tls_config_builder_new();
    imapc_error *err = NULL;
    imapc_result rc;

    if (!b) {
        fprintf(stderr, "imapc_tls_config_builder_new failed\n");
        return 1;
    }
    rc = imapc_tls_config_builder_set_min_version(b, IMAPC_TLS_VERSION_1_3, &err);
    if (rc != IMAPC_OK) {
        fprintf(stderr, "set_min_version: %s: %s\n", imapc_error_name(rc), imapc_error_message(err));
        imapc_error_free(err);
        imapc_tls_config_builder_free(b);
        return 1;
    }
    imapc_tls_config_builder_free(b);

    /* The header and the library agree. */
    snprintf(want, sizeof want, "%d.%d.%d", IMAPC_VERSION_MAJOR, IMAPC_VERSION_MINOR,
             IMAPC_VERSION_PATCH);
    printf("libimapclient %s (header %s)\n", imapc_version(), want);
    return strcmp(imapc_version(), want) == 0 ? 0 : 1;
}
