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
