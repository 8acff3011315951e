package imapclient

import (
	"testing"
)

// UseUID and FolderEncode report the setting while an Idle holds the
// client (they used to report false then, whatever the setting), and
// after the Idle and after Close. Both combinations of differing values
// catch a getter reading the other setting.
func TestSettingsDuringIdle(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if !c.UseUID() || !c.FolderEncode() {
		t.Fatalf("defaults: UseUID %v, FolderEncode %v; want true, true", c.UseUID(), c.FolderEncode())
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}} {
		if err := c.SetUseUID(want[0]); err != nil {
			t.Fatal(err)
		}
		if err := c.SetFolderEncode(want[1]); err != nil {
			t.Fatal(err)
		}
		idle, err := c.Idle(ctx)
		if err != nil {
			t.Fatal(err)
		}
		uid, enc := c.UseUID(), c.FolderEncode()
		if err := idle.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if uid != want[0] || enc != want[1] {
			t.Errorf("during Idle: UseUID %v, FolderEncode %v; want %v, %v", uid, enc, want[0], want[1])
		}
		if c.UseUID() != want[0] || c.FolderEncode() != want[1] {
			t.Errorf("after Idle: UseUID %v, FolderEncode %v; want %v, %v", c.UseUID(), c.FolderEncode(), want[0], want[1])
		}
	}
	// A setter that fails leaves the reported setting alone.
	if err := c.SetUseUID(true); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := c.SetUseUID(false); err == nil {
		t.Error("SetUseUID after Close succeeded")
	}
	if !c.UseUID() || c.FolderEncode() {
		t.Errorf("after Close: UseUID %v, FolderEncode %v; want true, false", c.UseUID(), c.FolderEncode())
	}
}

// HasCapability, IsTLS, IsCompressed, CompressionStats and AppendLimit
// answer during an Idle as before it: they answered false (IsTLS false on
// a TLS connection: a check in another goroutine would have taken it for
// plaintext), and CompressionStats not ok. After Close they answer false.
func TestGettersDuringIdle(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if err := c.Compress(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := c.MaskCapability("MOVE"); err != nil {
		t.Fatal(err)
	}
	limit, hasLimit := c.AppendLimit()
	before, ok := c.CompressionStats()
	if !c.IsTLS() || !c.IsCompressed() || !ok || before.Received == 0 || !c.HasCapability("IDLE") || c.HasCapability("MOVE") {
		t.Fatalf("before Idle: IsTLS %v IsCompressed %v CompressionStats %+v %v IDLE %v MOVE %v",
			c.IsTLS(), c.IsCompressed(), before, ok, c.HasCapability("IDLE"), c.HasCapability("MOVE"))
	}
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tls, compressed, idleCap, move := c.IsTLS(), c.IsCompressed(), c.HasCapability("idle"), c.HasCapability("MOVE")
	stats, statsOK := c.CompressionStats()
	l, hl := c.AppendLimit()
	if err := idle.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !tls || !compressed || !idleCap || move {
		t.Errorf("during Idle: IsTLS %v, IsCompressed %v, HasCapability(idle) %v, HasCapability(MOVE) (masked) %v; want true, true, true, false",
			tls, compressed, idleCap, move)
	}
	if !statsOK || stats.Received < before.Received || stats.Sent < before.Sent {
		t.Errorf("during Idle: CompressionStats %+v, %v; before %+v", stats, statsOK, before)
	}
	if l != limit || hl != hasLimit {
		t.Errorf("during Idle: AppendLimit %d, %v; before %d, %v", l, hl, limit, hasLimit)
	}
	c.Close()
	if _, ok := c.CompressionStats(); c.IsTLS() || c.IsCompressed() || c.HasCapability("IDLE") || ok {
		t.Error("after Close: a getter answered true")
	}
}
