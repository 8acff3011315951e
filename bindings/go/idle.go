package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// EventKind says what an Event reports.
type EventKind uint32

// Event kinds, as the C ABI's IMAPC_EVENT_*.
const (
	EventExists   EventKind = C.IMAPC_EVENT_EXISTS   // Number: messages in the folder
	EventExpunge  EventKind = C.IMAPC_EVENT_EXPUNGE  // Number: sequence number expunged
	EventRecent   EventKind = C.IMAPC_EVENT_RECENT   // Number: \Recent messages
	EventVanished EventKind = C.IMAPC_EVENT_VANISHED // UIDs vanished (QRESYNC)
	EventFetch    EventKind = C.IMAPC_EVENT_FETCH    // Message: flags or other data changed
	EventFlags    EventKind = C.IMAPC_EVENT_FLAGS    // Text: the folder's defined flags
	EventAlert    EventKind = C.IMAPC_EVENT_ALERT    // Text: an alert the user must see
	EventBye      EventKind = C.IMAPC_EVENT_BYE      // Text: the server's reason
	EventStatus   EventKind = C.IMAPC_EVENT_STATUS   // Text: "KIND [CODE] text"
	EventOther    EventKind = C.IMAPC_EVENT_OTHER    // Text: the raw line
	// EventFolderStatus (NOTIFY): Text is a folder's name, Status its
	// counters (messages arrived or were expunged there).
	EventFolderStatus EventKind = C.IMAPC_EVENT_FOLDER_STATUS
	// EventFolderList (NOTIFY): Text is a folder's name, Folder the folder
	// (created; deleted: `\NonExistent`; renamed: OldName is set; or
	// (un)subscribed).
	EventFolderList EventKind = C.IMAPC_EVENT_FOLDER_LIST
)

// String returns the kind's name as the C ABI spells it ("EXISTS",
// "FOLDER_STATUS", ...), or "UNKNOWN".
func (k EventKind) String() string {
	names := [...]string{"", "EXISTS", "EXPUNGE", "RECENT", "VANISHED", "FETCH", "FLAGS", "ALERT", "BYE", "STATUS", "OTHER",
		"FOLDER_STATUS", "FOLDER_LIST"}
	if int(k) < len(names) && k > 0 {
		return names[k]
	}
	return "UNKNOWN"
}

// Event is unsolicited data from the server.
type Event struct {
	Kind    EventKind
	Number  uint32        // EXISTS, RECENT: count; EXPUNGE, FETCH: sequence number
	Text    string        // FLAGS, ALERT, BYE, STATUS, OTHER
	Message *Message      // FETCH
	UIDs    []uint32      // VANISHED
	Status  *FolderStatus // FOLDER_STATUS
	Folder  *Folder       // FOLDER_LIST
	OldName string        // FOLDER_LIST of a renamed folder: its name before
}

func goEvents(l *C.imapc_event_list) []Event {
	n := int(C.imapc_event_list_count(l))
	out := make([]Event, n)
	for i := range out {
		ci := C.size_t(i)
		ev := Event{
			Kind:   EventKind(C.imapc_event_list_kind(l, ci)),
			Number: uint32(C.imapc_event_list_number(l, ci)),
			Text:   optString(C.imapc_event_list_text(l, ci)),
		}
		if m := C.imapc_event_list_message(l, ci); m != nil {
			ev.Message = newMessage()
			goMessage(ev.Message, heldMessage(m), true)
		}
		if s := C.imapc_event_list_folder_status(l, ci); s != nil {
			ev.Status = goStatus(ev.Text, s)
		}
		if f := C.imapc_event_list_folder(l, ci); f != nil {
			folder := goFolder(f)
			ev.Folder = &folder
			ev.OldName = optString(C.imapc_event_list_old_name(l, ci))
		}
		var cnt C.size_t
		if ids := C.imapc_event_list_ids(l, ci, &cnt); ids != nil && cnt > 0 {
			ev.UIDs = make([]uint32, int(cnt))
			copy(ev.UIDs, unsafe.Slice((*uint32)(unsafe.Pointer(ids)), int(cnt)))
		}
		out[i] = ev
	}
	return out
}

// Events drains the events received so far (EXISTS, EXPUNGE, flag
// changes, ALERT...) without network traffic; call Noop first to ask the
// server for news. Events that arrived while an Idle was stopping are
// included.
func (c *Client) Events() ([]Event, error) {
	var out []Event
	err := c.run(context.Background(), "Events", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_event_list
		rc := C.imapc_client_take_events(p, &l, e)
		if rc == C.IMAPC_OK {
			out = append(c.pending, goEvents(l)...)
			c.pending = nil
			C.imapc_event_list_free(l)
		}
		return rc
	})
	return out, err
}

// IdleCmd is a running IDLE, started by Client.Idle.
type IdleCmd struct {
	c      *Client
	events chan Event
	stop   chan struct{}
	done   chan struct{}
	err    error

	wakeMu     sync.Mutex
	wakeR      int
	wakeW      int
	wakeClosed bool
	stopOnce   sync.Once
	afterStop  func() bool
	ctx        context.Context
}

// idlePollMs bounds each poll: the library then renews IDLE when due.
const idlePollMs = 30_000

// idleDoneGrace is how long the server has to answer DONE once Idle's
// context has ended; then the connection is interrupted (ErrCanceled or
// ErrTimeout, fatal).
const idleDoneGrace = time.Second

// Idle starts IDLE on the selected folder: events arrive on the channel
// of Events() until Stop is called or ctx ends (both end IDLE politely
// with DONE; after ctx ends the server has one second to answer it, then
// the connection is interrupted and Stop returns ErrCanceled or
// ErrTimeout, fatal). While IDLE runs, other calls on the client fail with
// ErrIllegalState, except Close, which interrupts it. A failing
// connection ends IDLE too: the channel closes and Stop returns the error;
// a response that does not parse ends it with DONE and a non-fatal
// CodeProtocol error (the client stays usable).
func (c *Client) Idle(ctx context.Context) (*IdleCmd, error) {
	const op = "Idle"
	if _, err := c.lock(ctx, op); err != nil {
		return nil, err
	}
	unlock := true
	defer func() {
		if unlock {
			c.mu.Unlock()
		}
	}()
	if err := c.call(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_idle_start(p, e)
	}); err != nil {
		return nil, err
	}
	if c.lateCancel {
		// IDLE started as the context's interrupt closed the connection.
		return nil, interruptedError(op, ctx.Err())
	}
	fd := int(C.imapc_client_fd(c.ptr))
	var pfd [2]int
	if fd < 0 || syscall.Pipe(pfd[:]) != nil {
		var cerr *C.imapc_error
		C.imapc_client_idle_done(c.ptr, nil, &cerr)
		C.imapc_error_free(cerr)
		return nil, &Error{Code: CodeIO, Op: op, Message: "cannot poll the connection"}
	}
	i := &IdleCmd{
		c:      c,
		events: make(chan Event, 64),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		wakeR:  pfd[0],
		wakeW:  pfd[1],
	}
	c.idle.Store(i)
	c.idling.Store(true)
	unlock = false
	i.ctx = ctx
	i.afterStop = context.AfterFunc(ctx, func() {
		// DONE, and a bound on its answer: a server that does not answer
		// within idleDoneGrace gets the connection interrupted, so the
		// context's end is never waited past by more than that.
		i.wake()
		time.AfterFunc(idleDoneGrace, func() {
			select {
			case <-i.done:
			default:
				c.interrupt()
			}
		})
	})
	go i.loop(fd)
	return i, nil
}

// Events returns the channel of events; it is closed when IDLE ends.
func (i *IdleCmd) Events() <-chan Event { return i.events }

// Done is closed when IDLE has ended (after DONE was answered).
func (i *IdleCmd) Done() <-chan struct{} { return i.done }

// Stop ends IDLE (DONE) and waits for it; events that were not read from
// the channel by then are kept for Client.Events. It returns the error
// that ended IDLE, if any. Stop may be called more than once.
func (i *IdleCmd) Stop() error {
	i.wake()
	<-i.done
	return i.err
}

func (i *IdleCmd) wake() {
	i.stopOnce.Do(func() {
		close(i.stop)
		i.wakeMu.Lock()
		if !i.wakeClosed {
			syscall.Write(i.wakeW, []byte{1})
		}
		i.wakeMu.Unlock()
	})
}

func (i *IdleCmd) loop(fd int) {
	c := i.c
	p := c.ptr
	var leftover []Event
	defer func() {
		i.afterStop()
		i.wakeMu.Lock()
		syscall.Close(i.wakeR)
		syscall.Close(i.wakeW)
		i.wakeClosed = true
		i.wakeMu.Unlock()
		// Events sent but not read stay for Client.Events, before the
		// ones never sent (a reader racing this takes each at most once).
	drain:
		for {
			select {
			case ev := <-i.events:
				c.pending = append(c.pending, ev)
			default:
				break drain
			}
		}
		c.pending = append(c.pending, leftover...)
		c.idle.Store(nil)
		c.idling.Store(false)
		close(i.events)
		close(i.done)
		c.mu.Unlock()
	}()
	// wait takes the events that have arrived, without waiting (timeout
	// 0: the library reads what the socket holds and everything TLS and
	// COMPRESS buffered, so the next poll of fd is exact).
	wait := func() ([]Event, error) {
		var l *C.imapc_event_list
		var cerr *C.imapc_error
		if rc := C.imapc_client_idle_wait(p, 0, &l, &cerr); rc != C.IMAPC_OK {
			e := takeError("Idle", rc, cerr)
			c.dead = c.dead || e.Fatal
			return nil, e
		}
		evs := goEvents(l)
		C.imapc_event_list_free(l)
		return evs, nil
	}
	// The library renews IDLE inside a wait once it is due: poll often
	// enough for a renewal interval shorter than the usual bound.
	pollMs := idlePollMs
	if d := time.Duration(c.idleRenew.Load()); d > 0 {
		pollMs = min(pollMs, max(int(d.Milliseconds()/4), 25))
	}
	stopped := false
	// The first round takes events without polling: some may have come
	// with the server's "+", and the socket does not show those.
	for first := true; !stopped; first = false {
		if !first {
			r := cPoll2(fd, i.wakeR, pollMs)
			if r < 0 {
				i.err = &Error{Code: CodeIO, Op: "Idle", Message: "poll failed"}
				return
			}
			if r&2 != 0 {
				break
			}
		}
		// Readable, or the poll timed out (the library renews IDLE when
		// due inside a wait): take events until none are left.
		for {
			evs, err := wait()
			if err != nil {
				i.err = err
				if err.(*Error).Fatal {
					return
				}
				// Not fatal (a response that did not parse): IDLE still
				// runs in the library; end it with DONE below, so the
				// client is usable, and report the error.
				stopped = true
				break
			}
			if len(evs) == 0 {
				break
			}
			for k, ev := range evs {
				select {
				case i.events <- ev:
				case <-i.stop:
					leftover = append(leftover, evs[k:]...)
					stopped = true
				}
				if stopped {
					break
				}
			}
			if stopped {
				break
			}
		}
	}
	var l *C.imapc_event_list
	var cerr *C.imapc_error
	if rc := C.imapc_client_idle_done(p, &l, &cerr); rc != C.IMAPC_OK {
		e := takeError("Idle", rc, cerr)
		c.dead = c.dead || e.Fatal
		if i.ctx.Err() != nil && e.Code == CodeInterrupted {
			// The context ended and the server did not answer DONE in
			// time: its interrupt closed the connection.
			e = interruptedError("Idle", i.ctx.Err())
			c.dead = true
		}
		if i.err == nil || e.Fatal {
			i.err = e
		}
		return
	}
	leftover = append(leftover, goEvents(l)...)
	C.imapc_event_list_free(l)
}
