package imapclient

import (
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIDEnableNamespace(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if !c.HasCapability("ID") {
		t.Fatal("the fixture's Dovecot announces ID")
	}
	id, err := c.ID(ctx, map[string]string{"name": "libimapclient-go", "version": "0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(id["name"], "Dovecot") {
		t.Errorf("server ID %v", id)
	}
	if _, err := c.ID(ctx, map[string]string{"bad\x00key": "x"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NUL in an ID key: %v", err)
	}

	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns.Personal) != 1 || ns.Personal[0].Delimiter != "/" || ns.Personal[0].Prefix != "" {
		t.Errorf("personal namespaces %+v", ns.Personal)
	}
	if len(ns.Other) != 0 || len(ns.Shared) != 0 {
		t.Errorf("other %+v, shared %+v", ns.Other, ns.Shared)
	}

	en, err := c.Enable(ctx, "CONDSTORE")
	if err != nil || !slices.Equal(en, []string{"CONDSTORE"}) {
		t.Errorf("Enable(CONDSTORE) = %v, %v", en, err)
	}
	if _, err := c.Enable(ctx); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Enable() without capabilities: %v", err)
	}
}

func TestCondStore(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, c, "condstore")
	for _, s := range []string{"one", "two"} {
		if _, err := c.Append(ctx, folder, testMessage(s, s), nil); err != nil {
			t.Fatal(err)
		}
	}
	ro, err := c.ExamineCondStore(ctx, folder)
	if err != nil || !ro.ReadOnly || ro.HighestModSeq == 0 {
		t.Fatalf("ExamineCondStore: %+v, %v", ro, err)
	}
	st, err := c.SelectCondStore(ctx, folder)
	if err != nil || st.ReadOnly || st.HighestModSeq == 0 || st.Exists != 2 {
		t.Fatalf("SelectCondStore: %+v, %v", st, err)
	}
	ms := st.HighestModSeq
	if err := c.AddFlags(ctx, IDs(1), FlagFlagged); err != nil {
		t.Fatal(err)
	}
	changed, err := c.FetchChangedSince(ctx, All, "FLAGS", ms)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].UID != 1 || changed[0].ModSeq <= ms || !changed[0].HasFlag(FlagFlagged) {
		t.Fatalf("changed since %d: %+v", ms, changed)
	}
	// SEARCH MODSEQ finds the changed message and reports its MODSEQ.
	found, highest, err := c.SearchModSeq(ctx, &SearchCriteria{ModSeq: ms + 1})
	if err != nil || !slices.Equal(found, []uint32{1}) || highest != changed[0].ModSeq {
		t.Errorf("SearchModSeq(MODSEQ %d) = %v, %d, %v; want [1], %d", ms+1, found, highest, err, changed[0].ModSeq)
	}
	// Without MODSEQ in the criteria there is none in the answer.
	if all, highest, err := c.SearchModSeq(ctx, nil); err != nil || len(all) != 2 || highest != 0 {
		t.Errorf("SearchModSeq(nil) = %v, %d, %v", all, highest, err)
	}
	// Nothing changed since the flag's own MODSEQ.
	none, err := c.FetchChangedSince(ctx, All, "FLAGS", changed[0].ModSeq)
	if err != nil || len(none) != 0 {
		t.Errorf("changed since %d: %+v, %v", changed[0].ModSeq, none, err)
	}
	// Section data comes along, as with Fetch.
	withBody, err := c.FetchChangedSince(ctx, IDs(1, 2), "BODY.PEEK[TEXT]", ms)
	if err != nil || len(withBody) != 1 || string(withBody[0].Sections[0].Data) != "one\r\n" {
		t.Errorf("with a section: %+v, %v", withBody, err)
	}
	// UNCHANGEDSINCE: message 1 changed after ms and is left alone.
	res, err := c.Store(ctx, IDs(1, 2), StoreAdd, []string{FlagSeen}, &StoreOptions{UnchangedSince: ms})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Modified, []uint32{1}) {
		t.Errorf("modified %v", res.Modified)
	}
	if len(res.Messages) != 1 || res.Messages[0].UID != 2 || !res.Messages[0].HasFlag(FlagSeen) || res.Messages[0].ModSeq <= ms {
		t.Errorf("stored %+v", res.Messages)
	}
	// Without options: the new flags of the messages the store changed
	// (Dovecot reports only those).
	res, err = c.Store(ctx, All, StoreRemove, []string{FlagSeen}, nil)
	if err != nil || len(res.Messages) != 1 || res.Messages[0].UID != 2 || res.Messages[0].HasFlag(FlagSeen) || res.Modified != nil {
		t.Errorf("Store -FLAGS: %+v, %v", res, err)
	}
	if _, err := c.Store(ctx, All, StoreAction(9), []string{FlagSeen}, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestACLAndQuota(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, c, "acl")
	if err := c.SetACL(ctx, folder, "test2", "lr"); err != nil {
		t.Fatal(err)
	}
	rightsOf := func(who string) string {
		t.Helper()
		acl, err := c.GetACL(ctx, folder)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range acl {
			if e.Identifier == who {
				return e.Rights
			}
		}
		t.Fatalf("%s not in %+v", who, acl)
		return ""
	}
	if r := rightsOf("test2"); r != "lr" {
		t.Errorf("test2 has %q", r)
	}
	if err := c.SetACL(ctx, folder, "test2", "-r"); err != nil {
		t.Fatal(err)
	}
	if r := rightsOf("test2"); r != "l" {
		t.Errorf("after -r test2 has %q", r)
	}
	if _, err := c.GetACL(ctx, "no-such-folder-acl"); !errors.Is(err, ErrNo) {
		t.Errorf("GetACL of a missing folder: %v", err)
	}

	roots, quotas, err := c.GetQuotaRoot(ctx, "INBOX")
	if err != nil || len(roots) == 0 {
		t.Fatalf("GetQuotaRoot: %v, %+v, %v", roots, quotas, err)
	}
	used := false
	for _, q := range quotas {
		used = used || (q.Root == roots[0] && q.Usage > 0 && q.Limit > q.Usage)
	}
	if !used {
		t.Errorf("no quota in use below its limit: %+v", quotas)
	}
	q, err := c.GetQuota(ctx, roots[0])
	if err != nil || len(q) != len(quotas) {
		t.Errorf("GetQuota(%q) = %+v, %v; GETQUOTAROOT gave %+v", roots[0], q, err, quotas)
	}
	// SetQuota: Dovecot parses it and refuses a non-administrator (NO, not
	// BAD); bad names and limits are refused before sending. The success
	// path is tested through the C ABI against a fake (tests/quirks.rs).
	_, err = c.SetQuota(ctx, roots[0], []QuotaLimit{{"STORAGE", 5000}, {"MESSAGE", 77}})
	if !errors.Is(err, ErrNo) || !strings.Contains(err.Error(), "only by admin") {
		t.Errorf("SetQuota as a user: %v", err)
	}
	for _, bad := range [][]QuotaLimit{{{"STOR AGE", 1}}, {{"", 1}}, {{"STORAGE", 1 << 63}}} {
		if _, err := c.SetQuota(ctx, roots[0], bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("SetQuota(%v): %v", bad, err)
		}
	}
	// Limits only: usage may move with other tests' mail.
	limits := func(qs []Quota) (out []string) {
		for _, x := range qs {
			out = append(out, x.Resource+"="+strconv.FormatUint(x.Limit, 10))
		}
		return out
	}
	if q2, err := c.GetQuota(ctx, roots[0]); err != nil || !slices.Equal(limits(q2), limits(q)) {
		t.Errorf("quota limits changed: %+v, %v (was %+v)", q2, err, q)
	}
}

func TestMultiAppendAndMaskCapability(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	a := tempFolder(t, c, "multi")
	b := tempFolder(t, c, "fallback")
	when := time.Date(2023, 11, 14, 22, 13, 20, 0, time.FixedZone("", 60*60))
	uids, validity, err := c.MultiAppend(ctx, a, []AppendMessage{
		{Data: testMessage("one", "1"), Flags: []string{FlagSeen}, Date: when},
		{Data: testMessage("two", "2")},
		{Data: testMessage("three", "3"), Flags: []string{FlagDeleted}},
	})
	if err != nil || !slices.Equal(uids, []uint32{1, 2, 3}) || validity == 0 {
		t.Fatalf("MultiAppend = %v, %d, %v", uids, validity, err)
	}
	if _, err := c.Select(ctx, a); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, All, "FLAGS INTERNALDATE")
	if err != nil || len(msgs) != 3 {
		t.Fatalf("Fetch: %+v, %v", msgs, err)
	}
	if !msgs[0].HasFlag(FlagSeen) || !msgs[0].InternalDate.Equal(when) || msgs[1].HasFlag(FlagSeen) || !msgs[2].HasFlag(FlagDeleted) {
		t.Errorf("appended: %+v", msgs)
	}
	if _, _, err := c.MultiAppend(ctx, a, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("MultiAppend of nothing: %v", err)
	}
	if _, _, err := c.MultiAppend(ctx, a, []AppendMessage{{Data: []byte("x"), Flags: []string{"two words"}}}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a flag with a space: %v", err)
	}

	// Without MOVE: COPY, STORE \Deleted and UID EXPUNGE of exactly the
	// moved message; message 3, \Deleted already, stays.
	if err := c.MaskCapability("MOVE"); err != nil {
		t.Fatal(err)
	}
	if c.HasCapability("MOVE") {
		t.Fatal("MOVE still announced")
	}
	if _, err := c.Move(ctx, IDs(1), b); err != nil {
		t.Fatal(err)
	}
	if ids, err := c.Search(ctx, nil); err != nil || !slices.Equal(ids, []uint32{2, 3}) {
		t.Errorf("after the move: %v, %v", ids, err)
	}
	if err := c.MaskCapability("MULTIAPPEND"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.MultiAppend(ctx, a, []AppendMessage{{Data: testMessage("four", "4")}}); !errors.Is(err, ErrCapability) {
		t.Errorf("MultiAppend without MULTIAPPEND: %v", err)
	}
	if st, err := c.Status(ctx, a); err != nil || st.Messages != 2 {
		t.Errorf("after the refused MultiAppend: %+v, %v", st, err)
	}
}

func TestThreadAndGmailLabels(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	if !c.HasCapability("THREAD=REFERENCES") {
		t.Fatal("the fixture's Dovecot announces THREAD=REFERENCES")
	}
	roots, err := c.Thread(ctx, "REFERENCES", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Message 11 replies to 1; every message is in exactly one thread.
	seen := map[uint32]int{}
	var walk func(n *ThreadNode)
	walk = func(n *ThreadNode) {
		seen[n.ID]++
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	var one *ThreadNode
	for _, r := range roots {
		walk(r)
		if r.ID == 1 {
			one = r
		}
	}
	if one == nil || !slices.ContainsFunc(one.Children, func(n *ThreadNode) bool { return n.ID == 11 }) {
		t.Errorf("no thread 1 -> 11 in %d roots", len(roots))
	}
	for id := uint32(1); id <= 14; id++ {
		if seen[id] != 1 {
			t.Errorf("message %d is in %d threads", id, seen[id])
		}
	}
	// With criteria: only 1 and 11 match, still threaded.
	sub, err := c.Thread(ctx, "REFERENCES", &SearchCriteria{UIDs: ptr(IDs(1, 11))})
	if err != nil || len(sub) != 1 || sub[0].ID != 1 || len(sub[0].Children) != 1 || sub[0].Children[0].ID != 11 {
		t.Errorf("thread of 1 and 11: %v", err)
	}
	if _, err := c.Thread(ctx, "NO-SUCH-ALGORITHM", nil); !errors.Is(err, ErrCapability) {
		t.Errorf("unknown algorithm: %v", err)
	}

	// Dovecot is not Gmail: refused before anything is sent.
	if err := c.AddGmailLabels(ctx, IDs(1), "x"); !errors.Is(err, ErrCapability) {
		t.Errorf("AddGmailLabels on Dovecot: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("the connection after the refusal: %v", err)
	}
}

func TestIdleRenewal(t *testing.T) {
	a := dialLogin(t)
	b := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, a, "renew")
	if _, err := a.Select(ctx, folder); err != nil {
		t.Fatal(err)
	}
	if err := a.SetIdleRenewInterval(50 * time.Millisecond); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("50 ms: %v", err)
	}
	if err := a.SetIdleRenewInterval(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	h := &captureHandler{}
	SetLogger(slog.New(h), slog.LevelDebug)
	defer SetLogger(nil, 0)
	idle, err := a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	h.mu.Lock()
	renewals := 0
	for _, r := range h.records {
		if strings.Contains(r, "renewing IDLE") {
			renewals++
		}
	}
	h.mu.Unlock()
	// Due every 300 ms: at least three in 1.5 s (the poll bound of 30 s
	// would give none).
	if renewals < 3 {
		t.Errorf("%d renewals in 1.5 s", renewals)
	}
	if _, err := b.Append(ctx, folder, testMessage("after renewals", "x"), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-idle.Events():
		if ev.Kind != EventExists || ev.Number != 1 {
			t.Errorf("event %+v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Error("no EXISTS within 10 s")
	}
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestFetchVanished(t *testing.T) {
	a := dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, a, "qresync")
	for _, s := range []string{"one", "two", "three", "four"} {
		if _, err := a.Append(ctx, folder, testMessage(s, s), nil); err != nil {
			t.Fatal(err)
		}
	}
	st, err := a.SelectCondStore(ctx, folder)
	if err != nil {
		t.Fatal(err)
	}
	validity, ms := st.UIDValidity, st.HighestModSeq
	// Without QRESYNC enabled: refused before anything is sent.
	if _, _, err := a.FetchVanished(ctx, All, "FLAGS", ms); !errors.Is(err, ErrIllegalState) {
		t.Errorf("FetchVanished without QRESYNC = %v, want ErrIllegalState", err)
	}
	if err := a.AddFlags(ctx, IDs(2), FlagFlagged); err != nil {
		t.Fatal(err)
	}
	if err := a.AddFlags(ctx, IDs(3), FlagDeleted); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UIDExpunge(ctx, IDs(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Append(ctx, folder, testMessage("five", "five"), nil); err != nil {
		t.Fatal(err)
	}

	// The next session: ENABLE QRESYNC before SELECT, then one command.
	b := dialLogin(t)
	if on, err := b.Enable(ctx, "QRESYNC"); err != nil || !slices.Contains(on, "QRESYNC") {
		t.Fatalf("Enable = %v, %v", on, err)
	}
	st, err = b.SelectCondStore(ctx, folder)
	if err != nil || st.UIDValidity != validity {
		t.Fatalf("SelectCondStore = %+v, %v", st, err)
	}
	changed, gone, err := b.FetchVanished(ctx, All, "FLAGS", ms)
	if err != nil {
		t.Fatal(err)
	}
	var uids []uint32
	for _, m := range changed {
		uids = append(uids, m.UID)
	}
	if !slices.Equal(uids, []uint32{2, 5}) || !changed[0].HasFlag(FlagFlagged) || !slices.Equal(gone, []uint32{3}) {
		t.Errorf("changed %v (%+v), vanished %v; want UIDs 2 (flagged) and 5, vanished 3", uids, changed, gone)
	}
}
