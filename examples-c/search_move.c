/* search_move: search INBOX with criteria, move the hits to another folder,
 * check COPYUID and the counts before and after. */
#include "common.h"

static uint32_t count(imapc_client *c, const char *criteria)
{
    imapc_id_list *ids = NULL;
    uint32_t n;
    TRY(imapc_client_search(c, criteria, &ids, ERR));
    n = (uint32_t)imapc_id_list_count(ids);
    imapc_id_list_free(ids);
    return n;
}

int main(void)
{
    const char *dest = "Moved by search_move";
    imapc_client *c = connect_from_env();
    imapc_id_list *hits = NULL;
    imapc_copy_result *moved = NULL;
    imapc_mailbox_state *st = NULL;
    uint32_t all_before, seen_before, n, i;
    bool exists = false;

    TRY(imapc_client_folder_exists(c, dest, &exists, ERR));
    if (!exists) TRY(imapc_client_create_folder(c, dest, ERR));

    TRY(imapc_client_select(c, "INBOX", NULL, ERR));
    all_before = count(c, NULL);
    seen_before = count(c, "SEEN");
    TRY(imapc_client_search(c, "UNSEEN NOT DELETED", &hits, ERR));
    n = (uint32_t)imapc_id_list_count(hits);
    printf("INBOX: %u messages, %u seen, %u unseen hits\n", all_before, seen_before, n);
    CHECK(n > 0 && n < all_before, "some but not all messages are unseen");

    TRY(imapc_client_move_ids(c, imapc_id_list_data(hits), n, dest, &moved, ERR));
    printf("COPYUID validity %u, %zu pairs\n", imapc_copy_result_uid_validity(moved),
           imapc_copy_result_count(moved));
    CHECK(imapc_copy_result_uid_validity(moved) != 0, "COPYUID reported");
    CHECK(imapc_copy_result_count(moved) == n, "one pair per moved message");
    for (i = 0; i < n; i++) {
        uint32_t src = imapc_copy_result_source_uid(moved, i);
        uint32_t j, found = 0;
        for (j = 0; j < n; j++) found |= imapc_id_list_get(hits, j) == src;
        CHECK(found && imapc_copy_result_dest_uid(moved, i) != 0, "pair %u maps a hit", (unsigned)i);
    }
    imapc_copy_result_free(moved);
    imapc_id_list_free(hits);

    CHECK(count(c, NULL) == all_before - n, "INBOX lost exactly the hits");
    CHECK(count(c, "UNSEEN") == 0, "no unseen left in INBOX");
    CHECK(count(c, "SEEN") == seen_before, "seen messages stayed");

    TRY(imapc_client_select(c, dest, &st, ERR));
    CHECK(imapc_mailbox_state_exists(st) == n, "destination holds the moved messages");
    imapc_mailbox_state_free(st);

    /* Put everything back as it was, so the example can run again. */
    TRY(imapc_client_move(c, "1:*", "INBOX", &moved, ERR));
    CHECK(imapc_copy_result_count(moved) == n, "moved back");
    TRY(imapc_client_select(c, "INBOX", NULL, ERR));
    for (i = 0; i < n; i++) {
        uint32_t uid = imapc_copy_result_dest_uid(moved, i);
        const char *flags[] = {IMAPC_FLAG_SEEN};
        TRY(imapc_client_store_ids(c, &uid, 1, IMAPC_STORE_REMOVE, flags, 1, IMAPC_STORE_SILENT, 0,
                                   NULL, ERR));
    }
    imapc_copy_result_free(moved);
    CHECK(count(c, NULL) == all_before && count(c, "UNSEEN") == n, "INBOX restored");
    TRY(imapc_client_delete_folder(c, dest, ERR));

    logout_and_free(c);
    printf("search_move: OK\n");
    return 0;
}
