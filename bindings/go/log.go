package imapclient

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
)

// LevelTrace is the slog level of the library's protocol traces (every
// line sent and received, passwords masked): below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

var (
	logger  atomic.Pointer[slog.Logger]
	logMu   sync.Mutex
	logCtx  = context.Background()
	cLevels = []struct {
		c    uint32
		slog slog.Level
	}{{5, LevelTrace}, {4, slog.LevelDebug}, {3, slog.LevelInfo}, {2, slog.LevelWarn}, {1, slog.LevelError}}
)

// SetLogger routes the library's log records (connections, TLS warnings,
// protocol traces...) to l, for records at level or above (LevelTrace for
// everything). A nil logger turns logging off. Logging is process-wide:
// set it before dialing. Records carry the library's target (e.g.
// "imapclient::wire") as the attribute "target". Records are emitted on
// the goroutine whose call produced them. The handler must not call this
// package (SetLogger waits for the records being handled).
func SetLogger(l *slog.Logger, level slog.Level) {
	logMu.Lock()
	defer logMu.Unlock()
	if l == nil {
		cSetLogLevel(0)
		logger.Store(nil)
		return
	}
	logger.Store(l)
	max := uint32(1)
	for _, cl := range cLevels {
		if level <= cl.slog {
			max = cl.c
			break
		}
	}
	cSetLogLevel(max)
}

func logRecord(level uint32, target, msg string) {
	l := logger.Load()
	if l == nil {
		return
	}
	lvl := slog.LevelError
	for _, cl := range cLevels {
		if level == cl.c {
			lvl = cl.slog
		}
	}
	l.Log(logCtx, lvl, msg, slog.String("target", target))
}
