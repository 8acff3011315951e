package imapclient

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// idleWithUnreadFlags starts IDLE on a folder of n messages and has a
// second client flag them all: n FETCH events arrive that nobody reads
// (the channel holds 64).
func idleWithUnreadFlags(t *testing.T, n int) (*Client, *IdleCmd) {
	t.Helper()
	a, b := dialLogin(t), dialLogin(t)
	ctx := testCtx(t)
	folder := tempFolder(t, b, "idlestop")
	var msgs []AppendMessage
	for k := 0; k < n; k++ {
		msgs = append(msgs, AppendMessage{Data: testMessage(fmt.Sprintf("unread %d", k), "x")})
	}
	if _, _, err := b.MultiAppend(ctx, folder, msgs); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Client{a, b} {
		if _, err := c.Select(ctx, folder); err != nil {
			t.Fatal(err)
		}
	}
	idle, err := a.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AddFlags(ctx, All, "$Unread"); err != nil {
		t.Fatal(err)
	}
	// Until the channel is full or every event is in.
	deadline := time.Now().Add(10 * time.Second)
	for len(idle.Events()) < min(n, cap(idle.Events())) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	return a, idle
}

// Stop keeps the events nobody read from the channel for Client.Events:
// those still in the channel's buffer used to be lost.
func TestIdleStopKeepsUnreadEvents(t *testing.T) {
	a, idle := idleWithUnreadFlags(t, 10)
	if err := idle.Stop(); err != nil {
		t.Fatal(err)
	}
	evs, err := a.Events()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint32]bool{}
	for _, ev := range evs {
		if ev.Kind == EventFetch {
			seen[ev.Number] = true
		}
	}
	if len(seen) != 10 {
		t.Errorf("Client.Events after Stop: %d of 10 flag changes (%d events)", len(seen), len(evs))
	}
	if _, ok := <-idle.Events(); ok {
		t.Errorf("an event was still in the closed channel")
	}
}

// Close interrupts a running Idle even when its loop is blocked handing
// an event to a full channel nobody reads: it used to wait forever.
func TestCloseStopsIdleWithAFullChannel(t *testing.T) {
	a, idle := idleWithUnreadFlags(t, 150)
	done := make(chan struct{})
	go func() { a.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	select {
	case <-idle.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("Idle not done after Close")
	}
	if err := a.Noop(context.Background()); err == nil {
		t.Error("Noop after Close succeeded")
	}
}
