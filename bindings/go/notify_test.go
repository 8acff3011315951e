package imapclient

import (
	"errors"
	"testing"
	"time"
)

func TestNotify(t *testing.T) {
	a := dialLogin(t)
	b := dialLogin(t)
	ctx := testCtx(t)
	if !a.HasCapability("NOTIFY") {
		t.Fatal("the fixture's Dovecot announces NOTIFY")
	}
	base := tempFolder(t, a, "notify")
	child := base + "/Unterordner ✓"
	t.Cleanup(func() { _ = b.DeleteFolder(testCtx(t), child) })
	err := a.Notify(ctx, []NotifyGroup{{
		Target:  NotifySubtree,
		Folders: []string{base},
		Events:  NotifyMessageNew | NotifyMessageExpunge | NotifyMailboxName,
	}}, true)
	if err != nil {
		t.Fatal(err)
	}
	// SET STATUS: the watched folder's counters first.
	evs, err := a.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != EventFolderStatus || evs[0].Text != base ||
		evs[0].Status == nil || evs[0].Status.Messages != 0 {
		t.Fatalf("NOTIFY SET STATUS events: %+v", evs)
	}
	idle, err := a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each change once the previous one was heard of (Dovecot compares
	// snapshots).
	wait := func(what string, ok func(Event) bool) {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case ev, open := <-idle.Events():
				if !open {
					t.Fatalf("%s: events closed: %v", what, idle.Stop())
				}
				if ok(ev) {
					return
				}
			case <-timeout:
				t.Fatalf("%s: not heard of within 15 s", what)
			}
		}
	}
	if _, err := b.Append(ctx, base, testMessage("notify", "x"), nil); err != nil {
		t.Fatal(err)
	}
	wait("appended", func(ev Event) bool {
		return ev.Kind == EventFolderStatus && ev.Text == base && ev.Status != nil && ev.Status.Messages == 1
	})
	if err := b.CreateFolder(ctx, child); err != nil {
		t.Fatal(err)
	}
	wait("created", func(ev Event) bool {
		return ev.Kind == EventFolderList && ev.Text == child && ev.Folder != nil &&
			ev.Folder.Name == child && !ev.Folder.HasAttribute(`\NonExistent`) && ev.OldName == ""
	})
	if err := b.DeleteFolder(ctx, child); err != nil {
		t.Fatal(err)
	}
	wait("deleted", func(ev Event) bool {
		return ev.Kind == EventFolderList && ev.Folder != nil && ev.Folder.Name == child &&
			ev.Folder.HasAttribute(`\NonExistent`)
	})
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
	// The selected folder with FETCH items: the new message's UID and
	// flags come as an EventFetch.
	if _, err := a.Select(ctx, base); err != nil {
		t.Fatal(err)
	}
	err = a.Notify(ctx, []NotifyGroup{{
		Target: NotifySelected,
		Events: NotifyMessageNew | NotifyMessageExpunge,
		Fetch:  "UID FLAGS",
	}}, false)
	if err != nil {
		t.Fatal(err)
	}
	idle, err = a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uid, err := b.Append(ctx, base, testMessage("notify 2", "y"), &AppendOptions{Flags: []string{`\Flagged`}})
	if err != nil {
		t.Fatal(err)
	}
	wait("fetched", func(ev Event) bool {
		return ev.Kind == EventFetch && ev.Message != nil && ev.Message.UID == uid && ev.Message.HasFlag(`\Flagged`)
	})
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := a.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Notify(ctx, []NotifyGroup{{Target: NotifyPersonal, Events: NotifyMessageNew | NotifyMessageExpunge, Fetch: "UID"}}, false); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("FETCH items outside the selected folder: %v", err)
	}
	if EventFolderList.String() != "FOLDER_LIST" {
		t.Errorf("kind name %q", EventFolderList.String())
	}
	// Refused before sending.
	for _, g := range []NotifyGroup{
		{Target: NotifyPersonal, Events: NotifyMessageNew},
		{Target: NotifyFolders, Events: NotifyMailboxName},
		{Target: NotifyInboxes, Folders: []string{"INBOX"}, Events: NotifyMailboxName},
	} {
		if err := a.Notify(ctx, []NotifyGroup{g}, false); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%+v: %v", g, err)
		}
	}
	if err := a.Notify(ctx, nil, false); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no groups: %v", err)
	}
	if err := a.NotifyNone(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Noop(ctx); err != nil {
		t.Fatal(err)
	}
}
