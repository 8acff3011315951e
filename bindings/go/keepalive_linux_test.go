package imapclient

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

// keepalive reads SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and
// TCP_KEEPCNT of the client's socket.
func keepalive(t *testing.T, c *Client) [4]int {
	t.Helper()
	fd := c.socketFd()
	if fd < 0 {
		t.Fatal("no socket")
	}
	var got [4]int
	for i, o := range [4][2]int{
		{syscall.SOL_SOCKET, syscall.SO_KEEPALIVE},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT},
	} {
		v, err := syscall.GetsockoptInt(fd, o[0], o[1])
		if err != nil {
			t.Fatalf("getsockopt %v: %v", o, err)
		}
		got[i] = v
	}
	return got
}

func TestKeepAlive(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	dial := func(o *Options) *Client {
		t.Helper()
		c, err := Dial(ctx, e.addr(TLSStartTLS), o)
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	if got := keepalive(t, dial(e.options(TLSStartTLS))); got != [4]int{1, 60, 15, 4} {
		t.Errorf("default keepalive %v, want on, 60 s, 15 s, 4", got)
	}
	o := e.options(TLSStartTLS)
	o.KeepAliveIdle, o.KeepAliveInterval, o.KeepAliveCount = 20*time.Second, 7*time.Second, 2
	if got := keepalive(t, dial(o)); got != [4]int{1, 20, 7, 2} {
		t.Errorf("keepalive %v, want on, 20 s, 7 s, 2", got)
	}
	// Only the count set: the other two keep their defaults.
	o = e.options(TLSStartTLS)
	o.KeepAliveCount = 9
	if got := keepalive(t, dial(o)); got != [4]int{1, 60, 15, 9} {
		t.Errorf("keepalive %v, want on, 60 s, 15 s, 9", got)
	}
	o = e.options(TLSStartTLS)
	o.KeepAliveIdle = -1
	if got := keepalive(t, dial(o)); got[0] != 0 {
		t.Errorf("keepalive %v, want off", got)
	}
	o = e.options(TLSStartTLS)
	o.KeepAliveCount = -1
	if _, err := Dial(ctx, e.addr(TLSStartTLS), o); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("negative count: %v, want an invalid argument error", err)
	}
}
