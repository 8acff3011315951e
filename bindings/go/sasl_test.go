package imapclient

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// CRAM-MD5 (RFC 2195) through CustomSASL against the test Dovecot: the
// server's one challenge answered with "user hex(HMAC-MD5(password,
// challenge))"; then a wrong password, a step error, a panic and argument
// checks, each leaving the client usable; LOGIN and client-first PLAIN.
func TestCustomSASL(t *testing.T) {
	e := serverEnv(t)
	ctx := testCtx(t)
	dial := func() *Client { return dialOnly(t) }
	cram := func(password string, seen *[]string) CustomSASL {
		return CustomSASL{Name: "cram-md5", Step: func(ch []byte) ([]byte, error) {
			*seen = append(*seen, string(ch))
			m := hmac.New(md5.New, []byte(password))
			m.Write(ch)
			return []byte(e.user + " " + hex.EncodeToString(m.Sum(nil))), nil
		}}
	}
	inbox := func(c *Client) uint32 {
		t.Helper()
		st, err := c.Examine(ctx, "INBOX")
		if err != nil {
			t.Fatalf("Examine: %v", err)
		}
		return st.Exists
	}

	var seen []string
	c := dial()
	if err := c.Authenticate(ctx, cram(e.pass, &seen)); err != nil {
		t.Fatalf("CRAM-MD5: %v", err)
	}
	// The challenge is an RFC 822 msg-id: <...@...>.
	if len(seen) != 1 || !strings.HasPrefix(seen[0], "<") || !strings.Contains(seen[0], "@") {
		t.Fatalf("CRAM-MD5 challenges: %q", seen)
	}
	want := inbox(c)
	if want == 0 {
		t.Fatal("INBOX is empty")
	}

	// A wrong password: ErrAuth, not fatal; then the step's own error
	// comes back as it is, the client not authenticated but usable.
	c = dial()
	seen = nil
	err := c.Authenticate(ctx, cram("nope", &seen))
	var ie *Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &ie) || ie.Fatal {
		t.Fatalf("wrong password: %v", err)
	}
	stop := errors.New("server signature does not verify")
	err = c.Authenticate(ctx, &CustomSASL{Name: "CRAM-MD5", Step: func([]byte) ([]byte, error) { return nil, stop }})
	if err != stop {
		t.Fatalf("step error: %v, want the step's own", err)
	}
	if _, err := c.Examine(ctx, "INBOX"); !errors.Is(err, ErrIllegalState) {
		t.Fatalf("Examine after a cancelled exchange: %v", err)
	}

	// A panic in the step is raised on this goroutine; the exchange was
	// cancelled, so the client goes on.
	func() {
		defer func() {
			if r := recover(); r != "step bug" {
				t.Fatalf("recovered %v, want the step's panic", r)
			}
		}()
		c.Authenticate(ctx, CustomSASL{Name: "CRAM-MD5", Step: func([]byte) ([]byte, error) { panic("step bug") }})
		t.Fatal("no panic")
	}()

	// LOGIN (server first), client-first PLAIN with NUL bytes, then the
	// argument checks.
	var prompts []string
	login := CustomSASL{Name: "LOGIN", Step: func(ch []byte) ([]byte, error) {
		prompts = append(prompts, string(ch))
		if len(prompts) == 1 {
			return []byte(e.user), nil
		}
		return []byte(e.pass), nil
	}}
	for name, m := range map[string]CustomSASL{
		"no step":     {Name: "LOGIN"},
		"bad name":    {Name: "PLAIN X", Step: login.Step},
		"NUL in name": {Name: "LO\x00GIN", Step: login.Step},
	} {
		if err := c.Authenticate(ctx, m); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
	if err := c.Authenticate(ctx, CustomSASL{Name: "GSSAPI", Step: login.Step}); !errors.Is(err, ErrCapability) {
		t.Errorf("GSSAPI: %v, want ErrCapability", err)
	}
	if err := c.Authenticate(ctx, login); err != nil {
		t.Fatalf("LOGIN: %v", err)
	}
	if strings.Join(prompts, "|") != "Username:|Password:" {
		t.Fatalf("LOGIN challenges: %q", prompts)
	}
	if got := inbox(c); got != want {
		t.Fatalf("INBOX after LOGIN: %d, want %d", got, want)
	}

	c = dial()
	var first []byte = []byte("unset")
	plain := CustomSASL{Name: "PLAIN", ClientFirst: true, Step: func(ch []byte) ([]byte, error) {
		first = ch
		return []byte("\x00" + e.user + "\x00" + e.pass), nil
	}}
	if err := c.Authenticate(ctx, plain); err != nil {
		t.Fatalf("PLAIN: %v", err)
	}
	if len(first) != 0 {
		t.Fatalf("PLAIN's first challenge: %q, want empty", first)
	}
	if got := inbox(c); got != want {
		t.Fatalf("INBOX after PLAIN: %d, want %d", got, want)
	}
}
