/* metadata: annotate a folder and the account (RFC 5464 METADATA), as a
 * desktop client keeps a folder's comment or a sync daemon its own state
 * on the server: set entries in one command, read them back (a value with
 * CR LF and 8-bit bytes comes back byte for byte), walk a subtree with
 * DEPTH, let the server leave out long values with MAXSIZE, remove an
 * entry, and see bad entry names refused before anything is sent. */
#include "common.h"

#define FOLDER "Notizen über Projekte"

/* The value of `name` in `l`: 1 and its bytes when present with a value. */
static int value_of(const imapc_metadata_list *l, const char *name, const uint8_t **data,
                    size_t *len)
{
    size_t i, n = imapc_metadata_list_count(l);
    for (i = 0; i < n; i++) {
        if (strcmp(imapc_metadata_list_name(l, i), name) == 0)
            return imapc_metadata_list_value(l, i, data, len);
    }
    return 0;
}

static int has_value(const imapc_metadata_list *l, const char *name, const char *want,
                     size_t want_len)
{
    const uint8_t *d = NULL;
    size_t len = 0;
    return value_of(l, name, &d, &len) && len == want_len && memcmp(d, want, len) == 0;
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_metadata_list *l = NULL;
    imapc_error *err = NULL;
    imapc_result rc;
    const char *comment = "Alles zu den Projekten, Stand 2026 ✓";
    const char bin[] = "line 1\r\nline 2\t\xff";
    const char *entries[] = {"/private/comment", "/shared/comment",
                             "/private/vendor/imapc/state"};
    const uint8_t *values[] = {(const uint8_t *)comment, (const uint8_t *)"team folder",
                               (const uint8_t *)bin};
    size_t lens[] = {strlen(comment), 11, sizeof bin - 1};
    const char *subtree = "/private/vendor";
    const uint64_t max_size = 12;
    size_t i, n;

    if (!imapc_client_has_capability(c, "METADATA")) {
        printf("the server has no METADATA; nothing to do\n");
        logout_and_free(c);
        return 0;
    }
    (void)imapc_client_delete_folder(c, FOLDER, NULL); /* from an earlier run */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));

    /* Three entries in one SETMETADATA. */
    TRY(imapc_client_set_metadata(c, FOLDER, entries, values, lens, 3, ERR));
    TRY(imapc_client_get_metadata(c, FOLDER, entries, 3, NULL, IMAPC_METADATA_DEPTH_0, &l, ERR));
    n = imapc_metadata_list_count(l);
    CHECK(n == 3, "3 entries back, got %zu", n);
    for (i = 0; i < n; i++) {
        const uint8_t *d = NULL;
        size_t len = 0;
        CHECK(imapc_metadata_list_value(l, i, &d, &len), "entry %zu has a value", i);
        printf("  %-30s %zu bytes\n", imapc_metadata_list_name(l, i), len);
    }
    CHECK(has_value(l, "/private/comment", comment, strlen(comment)), "the comment");
    CHECK(has_value(l, "/shared/comment", "team folder", 11), "the shared comment");
    CHECK(has_value(l, "/private/vendor/imapc/state", bin, sizeof bin - 1),
          "the value with CR LF and 8-bit bytes, byte for byte");
    CHECK(imapc_metadata_list_long_entries(l) == 0, "nothing left out");
    CHECK(!imapc_metadata_list_value(l, n, NULL, NULL), "out of range");
    imapc_metadata_list_free(l);

    /* DEPTH infinity below /private/vendor; MAXSIZE leaves the comment out. */
    TRY(imapc_client_get_metadata(c, FOLDER, &subtree, 1, NULL, IMAPC_METADATA_DEPTH_INFINITY,
                                  &l, ERR));
    CHECK(has_value(l, "/private/vendor/imapc/state", bin, sizeof bin - 1), "found by DEPTH");
    imapc_metadata_list_free(l);
    TRY(imapc_client_get_metadata(c, FOLDER, entries, 2, &max_size, IMAPC_METADATA_DEPTH_0, &l,
                                  ERR));
    CHECK(has_value(l, "/shared/comment", "team folder", 11), "short enough");
    CHECK(!value_of(l, "/private/comment", NULL, NULL), "left out by MAXSIZE");
    CHECK(imapc_metadata_list_long_entries(l) == strlen(comment),
          "LONGENTRIES is the comment's length, got %llu",
          (unsigned long long)imapc_metadata_list_long_entries(l));
    imapc_metadata_list_free(l);

    /* A NULL value removes its entry; NULL values remove them all. */
    {
        const uint8_t *keep_one[] = {NULL, (const uint8_t *)"still here"};
        size_t keep_lens[] = {0, 10};
        TRY(imapc_client_set_metadata(c, FOLDER, entries, keep_one, keep_lens, 2, ERR));
    }
    TRY(imapc_client_get_metadata(c, FOLDER, entries, 2, NULL, IMAPC_METADATA_DEPTH_0, &l, ERR));
    CHECK(!value_of(l, "/private/comment", NULL, NULL), "removed");
    CHECK(has_value(l, "/shared/comment", "still here", 10), "replaced");
    imapc_metadata_list_free(l);
    TRY(imapc_client_set_metadata(c, FOLDER, entries, NULL, NULL, 3, ERR));

    /* The account's own entries: folder "". */
    {
        const char *e = "/private/vendor/imapc/last-sync";
        const uint8_t *v = (const uint8_t *)"2026-11-27T03:00:00Z";
        size_t len = 20;
        TRY(imapc_client_set_metadata(c, "", &e, &v, &len, 1, ERR));
        TRY(imapc_client_get_metadata(c, "", &e, 1, NULL, IMAPC_METADATA_DEPTH_0, &l, ERR));
        CHECK(has_value(l, e, (const char *)v, len), "server entry");
        imapc_metadata_list_free(l);
        TRY(imapc_client_set_metadata(c, "", &e, NULL, NULL, 1, ERR));
    }

    /* Bad names and a bad depth: refused here; the session goes on. */
    {
        const char *bad[] = {"/comment", "/private/", "/private/a*", "/shared//x"};
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            rc = imapc_client_get_metadata(c, FOLDER, &bad[i], 1, NULL, IMAPC_METADATA_DEPTH_0,
                                           &l, &err);
            CHECK(rc == IMAPC_ERR_INVALID_ARGUMENT && !imapc_error_is_fatal(err),
                  "%s refused: %s", bad[i], imapc_error_name(rc));
            imapc_error_free(err);
            err = NULL;
        }
        rc = imapc_client_get_metadata(c, FOLDER, entries, 1, NULL, 7, &l, &err);
        CHECK(rc == IMAPC_ERR_INVALID_ARGUMENT, "depth 7: %s", imapc_error_name(rc));
        imapc_error_free(err);
        err = NULL;
    }
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    printf("metadata: folder and server entries set, read, walked, limited and removed\n");
    logout_and_free(c);
    return 0;
}
