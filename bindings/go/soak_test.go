package imapclient

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak runs many clients at once, each in its own goroutine and its own
// folder, looping select/fetch/store/noop for a bounded time (5 s; set
// IMAP_SOAK_SECONDS for longer and IMAP_SOAK_CLIENTS for more or fewer
// clients than 24). Any failure fails the test.
func TestSoak(t *testing.T) {
	e := serverEnv(t)
	if testing.Short() {
		t.Skip("soak skipped in -short mode")
	}
	dur := 5 * time.Second
	if s, err := strconv.Atoi(os.Getenv("IMAP_SOAK_SECONDS")); err == nil && s > 0 {
		dur = time.Duration(s) * time.Second
	}
	clients := 24
	if n, err := strconv.Atoi(os.Getenv("IMAP_SOAK_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	setup := dialLogin(t)
	folders := make([]string, clients)
	for i := range folders {
		folders[i] = tempFolder(t, setup, fmt.Sprintf("soak%d", i))
		for j := 0; j < 5; j++ {
			if _, err := setup.Append(testCtx(t), folders[i], testMessage(fmt.Sprintf("soak %d/%d", i, j), "body"), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur+60*time.Second)
	defer cancel()
	deadline := time.Now().Add(dur)
	var ops, failures atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			fail := func(what string, err error) {
				failures.Add(1)
				t.Errorf("client %d: %s: %v", i, what, err)
			}
			mode := []TLSMode{TLSImplicit, TLSStartTLS, TLSNone}[i%3]
			c, err := Dial(ctx, e.addr(mode), e.options(mode))
			if err != nil {
				fail("Dial", err)
				return
			}
			defer c.Close()
			if err := c.Login(ctx, e.user, e.pass); err != nil {
				fail("Login", err)
				return
			}
			for n := 0; time.Now().Before(deadline); n++ {
				ms, err := c.Select(ctx, folders[i])
				if err != nil || ms.Exists != 5 {
					fail("Select", err)
					return
				}
				msgs, err := c.Fetch(ctx, All, "UID FLAGS ENVELOPE BODY.PEEK[]")
				if err != nil || len(msgs) != 5 {
					fail("Fetch", err)
					return
				}
				uid := msgs[n%5].UID
				flag := fmt.Sprintf("$Soak%d", n%3)
				if err := c.AddFlags(ctx, IDs(uid), flag); err != nil {
					fail("AddFlags", err)
					return
				}
				got, err := c.Fetch(ctx, IDs(uid), "FLAGS")
				if err != nil || len(got) != 1 || !got[0].HasFlag(flag) {
					fail("Fetch FLAGS", fmt.Errorf("%v (%v)", err, got))
					return
				}
				if err := c.RemoveFlags(ctx, IDs(uid), flag); err != nil {
					fail("RemoveFlags", err)
					return
				}
				if err := c.Noop(ctx); err != nil {
					fail("Noop", err)
					return
				}
				if _, err := c.Events(); err != nil {
					fail("Events", err)
					return
				}
				ops.Add(6)
			}
			if err := c.Logout(ctx); err != nil {
				fail("Logout", err)
			}
		}(i)
	}
	wg.Wait()
	t.Logf("%d clients, %v: %d operations, %d failures", clients, dur, ops.Load(), failures.Load())
	if ops.Load() == 0 {
		t.Error("no operation completed")
	}
}
