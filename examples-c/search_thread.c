/* search_thread: the calls added to the C ABI after the first examples.
 * MULTIAPPEND three messages (a thread of two and one alone) into a new
 * folder (another imapc_append_message layout version is refused, with
 * nothing appended), search them with the typed builder (imapc_search_*),
 * THREAD them (flattened tree), then mask a capability, and check the
 * errors of X-GM-LABELS (not a Gmail server) and of a bad IDLE renewal
 * interval.
 * Deletes its folder at the end. */
#include "common.h"

#define FOLDER "Extras"

static const char MSG_A[] = "From: Alice <alice@example.org>\r\n"
                            "To: team@example.org\r\n"
                            "Subject: Plan\r\n"
                            "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                            "Message-ID: <plan@example.org>\r\n"
                            "\r\n"
                            "Shall we?\r\n";
static const char MSG_B[] = "From: Bob <bob@example.org>\r\n"
                            "To: team@example.org\r\n"
                            "Subject: Re: Plan\r\n"
                            "Date: Mon, 1 Jan 2024 11:00:00 +0000\r\n"
                            "Message-ID: <re-plan@example.org>\r\n"
                            "In-Reply-To: <plan@example.org>\r\n"
                            "References: <plan@example.org>\r\n"
                            "\r\n"
                            "Yes.\r\n";
static const char MSG_C[] = "From: Carol <carol@example.org>\r\n"
                            "To: team@example.org\r\n"
                            "Subject: =?UTF-8?Q?Mittagessen_Gr=C3=BC=C3=9Fe?=\r\n"
                            "Date: Tue, 2 Jan 2024 12:00:00 +0100\r\n"
                            "Message-ID: <lunch@example.org>\r\n"
                            "\r\n"
                            "Noon.\r\n";

static void expect_code(const char *what, imapc_result rc, imapc_error *err, imapc_result want)
{
    CHECK(rc == want, "%s gave %s (%s), want %s", what, imapc_error_name(rc),
          err ? imapc_error_message(err) : "-", imapc_error_name(want));
    CHECK(rc == IMAPC_OK || (err && imapc_error_code(err) == rc), "%s: error object", what);
    imapc_error_free(err);
}

/* Search with `s` and return the number of hits; `*first` gets the first. */
static size_t hits(imapc_client *c, const imapc_search *s, uint32_t *first)
{
    imapc_id_list *ids = NULL;
    size_t n;
    TRY(imapc_client_search_criteria(c, s, &ids, ERR));
    n = imapc_id_list_count(ids);
    if (first) *first = n ? imapc_id_list_get(ids, 0) : 0;
    imapc_id_list_free(ids);
    return n;
}

int main(void)
{
    imapc_client *c = connect_from_env();
    imapc_append_message msgs[3];
    imapc_id_list *uids = NULL;
    imapc_thread_list *th = NULL;
    imapc_search *s;
    imapc_error *err = NULL;
    imapc_result rc;
    uint32_t uidvalidity = 0, ua, ub, uc, got = 0;
    int64_t when = 1704196800; /* 2024-01-02 12:00:00 UTC */
    size_t i, ia = 99, ib = 99, ic = 99;

    imapc_client_delete_folder(c, FOLDER, NULL); /* an interrupted run's */
    TRY(imapc_client_create_folder(c, FOLDER, ERR));

    /* MULTIAPPEND: one command, three messages, C flagged and dated. */
    memset(msgs, 0, sizeof msgs);
    msgs[0].data = (const uint8_t *)MSG_A;
    msgs[0].len = sizeof MSG_A - 1;
    msgs[1].data = (const uint8_t *)MSG_B;
    msgs[1].len = sizeof MSG_B - 1;
    msgs[1].flags = "\\Seen";
    msgs[2].data = (const uint8_t *)MSG_C;
    msgs[2].len = sizeof MSG_C - 1;
    msgs[2].flags = "\\Flagged \\Seen";
    msgs[2].internal_date = &when;
    msgs[2].offset_minutes = 60;
    CHECK(imapc_client_has_capability(c, "MULTIAPPEND"), "server has MULTIAPPEND");
    TRY(imapc_client_multiappend(c, FOLDER, msgs, 3, IMAPC_APPEND_MESSAGE_VERSION, &uids,
                                 &uidvalidity, ERR));
    CHECK(imapc_id_list_count(uids) == 3, "3 UIDs, got %zu", imapc_id_list_count(uids));
    CHECK(uidvalidity != 0, "UIDVALIDITY reported");
    ua = imapc_id_list_get(uids, 0);
    ub = imapc_id_list_get(uids, 1);
    uc = imapc_id_list_get(uids, 2);
    imapc_id_list_free(uids);
    printf("multiappend: UIDs %u %u %u\n", ua, ub, uc);

    /* Another layout of imapc_append_message is refused, naming the
     * version this library reads, before anything is sent and without
     * reading the array (NULL the second time): the folder still holds 3. */
    {
        imapc_folder_status *st = NULL;
        uint64_t count = 0;
        char want[32];
        snprintf(want, sizeof want, "version %u", (unsigned)IMAPC_APPEND_MESSAGE_VERSION);
        uids = NULL; /* freed above */
        rc = imapc_client_multiappend(c, FOLDER, msgs, 3, IMAPC_APPEND_MESSAGE_VERSION + 1,
                                      &uids, &uidvalidity, &err);
        CHECK(err && strstr(imapc_error_message(err), want), "version error names %s: %s", want,
              err ? imapc_error_message(err) : "-");
        expect_code("append message version + 1", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
        err = NULL;
        CHECK(uids == NULL, "no UIDs output on failure");
        rc = imapc_client_multiappend(c, FOLDER, NULL, 3, IMAPC_APPEND_MESSAGE_VERSION + 1, NULL,
                                      NULL, &err);
        expect_code("append message version + 1, messages NULL", rc, err,
                    IMAPC_ERR_INVALID_ARGUMENT);
        err = NULL;
        TRY(imapc_client_status(c, FOLDER, &st, ERR));
        CHECK(imapc_folder_status_get(st, IMAPC_STATUS_MESSAGES, &count) && count == 3,
              "%s holds %llu messages after the refused versions, want 3", FOLDER,
              (unsigned long long)count);
        imapc_folder_status_free(st);
        printf("multiappend: version %u refused, nothing appended\n",
               (unsigned)IMAPC_APPEND_MESSAGE_VERSION + 1);
    }

    TRY(imapc_client_select(c, FOLDER, NULL, ERR));
    {
        imapc_message_list *l = NULL;
        int64_t t = 0;
        int32_t off = 0;
        TRY(imapc_client_fetch_ids(c, &uc, 1, "INTERNALDATE", &l, ERR));
        CHECK(imapc_message_internal_date(imapc_message_list_get(l, 0), &t, &off), "date");
        /* Maildir keeps the instant, not the zone: compare the instant. */
        CHECK(t == when, "internal date %lld %+d", (long long)t, off);
        imapc_message_list_free(l);
    }

    /* The typed search builder. */
    s = imapc_search_new();
    CHECK(hits(c, s, NULL) == 3, "empty criteria = ALL");
    TRY(imapc_search_add_flagged(s, ERR));
    CHECK(hits(c, s, &got) == 1 && got == uc, "FLAGGED");
    TRY(imapc_search_add_from(s, "bob", ERR));
    TRY(imapc_search_or(s, ERR)); /* OR FLAGGED FROM bob */
    CHECK(hits(c, s, NULL) == 2, "OR FLAGGED FROM bob");
    TRY(imapc_search_add_unseen(s, ERR)); /* ... and UNSEEN: nothing */
    CHECK(hits(c, s, NULL) == 0, "(OR ..) UNSEEN");
    TRY(imapc_search_not(s, ERR)); /* ... and NOT UNSEEN */
    CHECK(hits(c, s, NULL) == 2, "(OR ..) NOT UNSEEN");
    imapc_search_free(s);

    s = imapc_search_new();
    TRY(imapc_search_add_subject(s, "Grüße", ERR)); /* sent with CHARSET UTF-8 */
    CHECK(hits(c, s, &got) == 1 && got == uc, "SUBJECT Grüße");
    TRY(imapc_search_add_sent_since(s, 2024, 1, 2, ERR));
    TRY(imapc_search_add_header(s, "Message-ID", "lunch@", ERR));
    TRY(imapc_search_add_larger(s, 10, ERR));
    CHECK(hits(c, s, &got) == 1 && got == uc, "subject, date, header, size");
    imapc_search_free(s);

    s = imapc_search_new();
    rc = imapc_search_not(s, &err);
    expect_code("NOT of nothing", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
    err = NULL;
    rc = imapc_search_add_since(s, 2024, 2, 30, &err);
    expect_code("30 Feb", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
    err = NULL;
    rc = imapc_search_add_text(s, "\xff\xfe", &err);
    expect_code("invalid UTF-8", rc, err, IMAPC_ERR_INVALID_UTF8);
    err = NULL;
    TRY(imapc_search_add_uid(s, "1:*", ERR));
    TRY(imapc_search_add_text(s, "Shall", ERR));
    TRY(imapc_search_and(s, 2, ERR));
    TRY(imapc_search_not(s, ERR)); /* NOT (UID 1:* TEXT Shall) */
    CHECK(imapc_search_count(s) == 1, "one grouped key");
    CHECK(hits(c, s, NULL) == 2, "NOT (UID 1:* TEXT Shall)");
    imapc_search_free(s);
    printf("search builder: OK\n");

    /* THREAD=REFERENCES: A with child B; C alone. */
    TRY(imapc_client_thread(c, "REFERENCES", NULL, &th, ERR));
    CHECK(imapc_thread_list_count(th) == 3, "3 nodes, got %zu", imapc_thread_list_count(th));
    for (i = 0; i < imapc_thread_list_count(th); i++) {
        uint32_t id = imapc_thread_list_id(th, i);
        printf("  %*sUID %u (parent %lld)\n", (int)(2 * imapc_thread_list_depth(th, i)), "", id,
               (long long)imapc_thread_list_parent(th, i));
        if (id == ua) ia = i;
        if (id == ub) ib = i;
        if (id == uc) ic = i;
    }
    CHECK(ia < 3 && ib < 3 && ic < 3, "every message in a thread");
    CHECK(imapc_thread_list_parent(th, ia) == -1 && imapc_thread_list_depth(th, ia) == 0, "A root");
    CHECK(imapc_thread_list_parent(th, ib) == (int64_t)ia && imapc_thread_list_depth(th, ib) == 1,
          "B under A");
    CHECK(imapc_thread_list_parent(th, ic) == -1, "C alone");
    imapc_thread_list_free(th);
    /* THREAD and SORT over builder criteria. */
    s = imapc_search_new();
    TRY(imapc_search_add_from(s, "carol", ERR));
    TRY(imapc_search_add_from(s, "bob", ERR));
    TRY(imapc_search_or(s, ERR));
    TRY(imapc_client_thread_criteria(c, "REFERENCES", s, &th, ERR));
    CHECK(imapc_thread_list_count(th) == 2, "2 nodes for bob or carol, got %zu",
          imapc_thread_list_count(th));
    imapc_thread_list_free(th);
    th = NULL;
    {
        imapc_id_list *sorted = NULL;
        TRY(imapc_client_sort_criteria(c, "REVERSE DATE", s, &sorted, ERR));
        CHECK(imapc_id_list_count(sorted) == 2 && imapc_id_list_get(sorted, 0) == uc &&
                  imapc_id_list_get(sorted, 1) == ub,
              "SORT REVERSE DATE: carol, then bob");
        imapc_id_list_free(sorted);
    }
    imapc_search_free(s);

    rc = imapc_client_thread(c, "NO SUCH", NULL, &th, &err);
    expect_code("bad algorithm", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
    err = NULL;

    /* X-GM-LABELS needs Gmail: refused before anything is sent. */
    {
        const char *labels[] = {"Work stuff", "\\Important"};
        rc = imapc_client_store_gmail_labels(c, "1:*", IMAPC_STORE_ADD, labels, 2, 0, NULL, &err);
        expect_code("X-GM-LABELS on Dovecot", rc, err, IMAPC_ERR_CAPABILITY_MISSING);
        err = NULL;
    }

    /* A masked capability is gone, and the call that needs it says so. */
    TRY(imapc_client_mask_capability(c, "multiappend", ERR));
    CHECK(!imapc_client_has_capability(c, "MULTIAPPEND"), "MULTIAPPEND masked");
    rc = imapc_client_multiappend(c, FOLDER, msgs, 1, IMAPC_APPEND_MESSAGE_VERSION, NULL, NULL,
                                  &err);
    expect_code("masked MULTIAPPEND", rc, err, IMAPC_ERR_CAPABILITY_MISSING);
    err = NULL;
    rc = imapc_client_mask_capability(c, "TWO WORDS", &err);
    expect_code("bad capability", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
    err = NULL;

    rc = imapc_client_set_idle_renew_interval_ms(c, 50, &err);
    expect_code("50 ms renewal", rc, err, IMAPC_ERR_INVALID_ARGUMENT);
    TRY(imapc_client_set_idle_renew_interval_ms(c, 60000, ERR));

    TRY(imapc_client_unselect(c, ERR));
    TRY(imapc_client_delete_folder(c, FOLDER, ERR));
    logout_and_free(c);
    printf("search_thread: OK\n");
    return 0;
}
