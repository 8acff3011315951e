package imapclient

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak runs many clients at once, each in its own goroutine and its own
// folder, looping select/fetch/store/noop for a bounded time: 50 clients
// for 10 s (IMAP_SOAK_CLIENTS and IMAP_SOAK_SECONDS change that), one in
// four over COMPRESS=DEFLATE. Any
// failure fails the test, and so does memory that does not stay flat: the
// Go heap in use (runtime.MemStats.HeapInuse) and the process RSS (which
// also holds the C library's memory) are sampled every 100 ms, and after
// a warm-up (a tenth of the run, at least 1 s) the median of the last
// quarter of the samples may exceed that of the first quarter by at most
// 10% plus a slack (heapSlack, rssSlack). IMAP_SOAK_LEAK=N keeps N bytes
// per round on purpose, to see the check fail; IMAP_SOAK_TRACE=1 logs the
// samples every 10 s.
//
// Under -race the RSS is logged but not checked: the race detector's own
// memory (shadow memory, vector clocks of 50 goroutines) takes some 10 s
// to level off (measured: 54 to 88 MiB, then flat for the next 30 s), so
// a short run would fail on it. `make test` runs this test once more
// without -race, where the RSS check applies.
func TestSoak(t *testing.T) {
	e := serverEnv(t)
	if testing.Short() {
		t.Skip("soak skipped in -short mode")
	}
	dur := 10 * time.Second
	if s, err := strconv.Atoi(os.Getenv("IMAP_SOAK_SECONDS")); err == nil && s > 0 {
		dur = time.Duration(s) * time.Second
	}
	clients := 50
	if n, err := strconv.Atoi(os.Getenv("IMAP_SOAK_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	leak, _ := strconv.Atoi(os.Getenv("IMAP_SOAK_LEAK"))
	trace := os.Getenv("IMAP_SOAK_TRACE") != ""
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
	var ops, failures atomic.Int64
	var leaked [][]byte
	var leakMu sync.Mutex
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	var deadline time.Time // written before start is closed
	for i := 0; i < clients; i++ {
		wg.Add(1)
		ready.Add(1)
		go func(i int) {
			defer wg.Done()
			fail := func(what string, err error) {
				failures.Add(1)
				t.Errorf("client %d: %s: %v", i, what, err)
			}
			mode := []TLSMode{TLSImplicit, TLSStartTLS, TLSNone}[i%3]
			c, err := Dial(ctx, e.addr(mode), e.options(mode))
			if err == nil {
				defer c.Close()
				err = c.Login(ctx, e.user, e.pass)
			}
			// One client in four runs compressed (COMPRESS=DEFLATE), over
			// each kind of connection in turn.
			if err == nil && i%4 == 3 {
				err = c.Compress(ctx)
			}
			ready.Done()
			<-start
			if err != nil {
				fail("Dial/Login", err)
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
				if want := fmt.Sprintf("soak %d/%d", i, n%5); msgs[n%5].Envelope == nil || msgs[n%5].Envelope.Subject != want {
					fail("Fetch", fmt.Errorf("message %d is not %q: %+v", n%5, want, msgs[n%5].Envelope))
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
				if leak > 0 {
					leakMu.Lock()
					leaked = append(leaked, make([]byte, leak))
					leakMu.Unlock()
				}
			}
			if err := c.Logout(ctx); err != nil {
				fail("Logout", err)
			}
		}(i)
	}
	// Every client connected and logged in: start the clock.
	ready.Wait()
	t0 := time.Now()
	deadline = t0.Add(dur)
	close(start)
	var heap, rss []float64
	warm := 0
	warmUntil := t0.Add(max(time.Second, dur/10))
	var ms runtime.MemStats
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if time.Now().Before(warmUntil) {
			warm++
		}
		runtime.ReadMemStats(&ms)
		heap = append(heap, float64(ms.HeapInuse)/1024)
		rss = append(rss, rssKiB())
		if trace && len(heap)%100 == 0 {
			t.Logf("t=%v heap in use %.0f KiB, RSS %.0f KiB, threads %s", time.Since(t0).Round(time.Second), heap[len(heap)-1], rss[len(rss)-1], threads())
		}
	}
	wg.Wait()
	heapFirst, heapLast, heapErr := flatMemory(heap[warm:], heapSlack)
	rssFirst, rssLast, rssErr := flatMemory(rss[warm:], rssSlack)
	t.Logf("%d clients, %v: %d operations, %d failures; heap in use %.0f -> %.0f KiB, RSS %.0f -> %.0f KiB (%d samples)",
		clients, dur, ops.Load(), failures.Load(), heapFirst, heapLast, rssFirst, rssLast, len(heap)-warm)
	if ops.Load() == 0 {
		t.Error("no operation completed")
	}
	if heapErr != nil {
		t.Errorf("Go heap in use: %v", heapErr)
	}
	switch {
	case rssErr != nil && raceDetector:
		t.Logf("RSS not checked under -race: %v", rssErr)
	case rssErr != nil:
		t.Errorf("RSS: %v", rssErr)
	}
	runtime.KeepAlive(leaked)
}

// The slack of the memory check, KiB. The Go heap in use rises and falls
// with every GC cycle by up to GOGC (100%) of the live heap, a few MiB
// here; the medians of hundreds of samples smooth that out, the slack
// covers what is left. The RSS also holds the C library's memory (some
// 100-200 KiB per client, varying with what each is doing at a sample)
// and, under -race, the race detector's shadow memory, which grows with
// the heap.
const (
	heapSlack = 4 * 1024
	rssSlack  = 8 * 1024
)

// flatMemory compares the median of the first and of the last quarter of
// the samples (KiB): an error when the last exceeds the first by more
// than 10% plus slack.
func flatMemory(samples []float64, slack float64) (first, last float64, err error) {
	q := len(samples) / 4
	if q < 2 {
		return 0, 0, fmt.Errorf("too few samples (%d) to compare", len(samples))
	}
	median := func(v []float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2]
	}
	first, last = median(samples[:q]), median(samples[len(samples)-q:])
	if limit := first*1.10 + slack; last > limit {
		return first, last, fmt.Errorf("grew from %.0f KiB to %.0f KiB (limit %.0f KiB: +10%% + %.0f KiB)", first, last, limit, slack)
	}
	return first, last, nil
}

// rssKiB is the resident set size of the process (/proc/self/statm), or 0
// where that does not exist.
func rssKiB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0
	}
	return pages * float64(os.Getpagesize()) / 1024
}

// The memory check can fail: flat and noisy series pass, steady growth
// and a late jump do not.
func TestFlatMemory(t *testing.T) {
	series := func(n int, f func(i int) float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = f(i)
		}
		return s
	}
	flat := series(200, func(i int) float64 { return 20000 + float64(i%7)*300 })
	growing := series(200, func(i int) float64 { return 20000 + float64(i)*50 })
	jump := series(200, func(i int) float64 {
		if i > 150 {
			return 40000
		}
		return 20000
	})
	if _, _, err := flatMemory(flat, 1024); err != nil {
		t.Errorf("flat series: %v", err)
	}
	if first, last, err := flatMemory(growing, 1024); err == nil {
		t.Errorf("growing series passed (%.0f -> %.0f)", first, last)
	}
	if _, _, err := flatMemory(jump, 1024); err == nil || !strings.Contains(err.Error(), "grew from 20000 KiB to 40000 KiB") {
		t.Errorf("late jump: %v", err)
	}
	if _, _, err := flatMemory(flat[:5], 1024); err == nil {
		t.Error("5 samples compared")
	}
}

// threads is the number of OS threads of the process (for the trace).
func threads() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
