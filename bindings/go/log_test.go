package imapclient

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

type captureHandler struct {
	mu      sync.Mutex
	records []string
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	var target string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "target" {
			target = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, r.Level.String()+" "+target+" "+r.Message)
	h.mu.Unlock()
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func TestSlogLogging(t *testing.T) {
	e := serverEnv(t)
	h := &captureHandler{}
	SetLogger(slog.New(h), LevelTrace)
	defer SetLogger(nil, 0)
	ctx := testCtx(t)
	c, err := Dial(ctx, e.addr(TLSStartTLS), e.options(TLSStartTLS))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.records) == 0 {
		t.Fatal("no log records")
	}
	all := strings.Join(h.records, "\n")
	if strings.Contains(all, e.pass+"\r") || strings.Contains(all, " "+e.pass+" ") || strings.Contains(all, `"`+e.pass+`"`) {
		t.Errorf("password in the log:\n%s", all)
	}
	if !strings.Contains(all, "imapclient") {
		t.Errorf("no target in records:\n%s", all)
	}
}
