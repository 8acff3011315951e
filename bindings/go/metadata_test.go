package imapclient

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"testing"
)

func TestMetadata(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if !c.HasCapability("METADATA") {
		t.Fatal("the fixture's Dovecot announces METADATA")
	}
	folder := tempFolder(t, c, "metadata")
	state := []byte("uidvalidity=7\r\nmodseq=42\t\xff")
	err := c.SetMetadata(ctx, folder, []MetadataEntry{
		{Name: "/private/comment", Value: []byte("Projektordner ✓")},
		{Name: "/shared/comment", Value: []byte("team")},
		{Name: "/private/vendor/imapc-go/state", Value: state},
		{Name: "/private/vendor/imapc-go/empty", Value: []byte{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.GetMetadata(ctx, folder, []string{"/private/comment", "/shared/comment", "/private/nothing"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Get("/private/comment"); !ok || string(v) != "Projektordner ✓" {
		t.Errorf("comment %q %v", v, ok)
	}
	if v, ok := m.Get("/SHARED/comment"); !ok || string(v) != "team" {
		t.Errorf("shared comment %q %v", v, ok)
	}
	if v, ok := m.Get("/private/nothing"); ok || v != nil {
		t.Errorf("no value expected, got %q", v)
	}
	// DEPTH infinity: both vendor entries, the binary one byte for byte,
	// the empty one empty but present.
	m, err = c.GetMetadata(ctx, folder, []string{"/private/vendor"}, &MetadataOptions{Depth: MetadataDepthInfinity})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range m.Entries {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	if fmt.Sprint(names) != "[/private/vendor/imapc-go/empty /private/vendor/imapc-go/state]" {
		t.Errorf("entries below /private/vendor: %v", names)
	}
	if v, _ := m.Get("/private/vendor/imapc-go/state"); !bytes.Equal(v, state) {
		t.Errorf("state %q", v)
	}
	if v, ok := m.Get("/private/vendor/imapc-go/empty"); !ok || len(v) != 0 {
		t.Errorf("empty value %q %v", v, ok)
	}
	// MAXSIZE: the comment (17 bytes) is left out and its size reported.
	m, err = c.GetMetadata(ctx, folder, []string{"/private/comment", "/shared/comment"}, &MetadataOptions{MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Get("/private/comment"); ok || m.LongEntries != uint64(len("Projektordner ✓")) {
		t.Errorf("MAXSIZE 10: %+v", m)
	}
	// A nil Value removes.
	if err := c.SetMetadata(ctx, folder, []MetadataEntry{{Name: "/private/comment"}}); err != nil {
		t.Fatal(err)
	}
	m, err = c.GetMetadata(ctx, folder, []string{"/private/comment"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Get("/private/comment"); ok {
		t.Errorf("removed entry still there: %+v", m)
	}
	// The account's own entries.
	entry := fmt.Sprintf("/private/vendor/imapc-go/run-%d", os.Getpid())
	if err := c.SetMetadata(ctx, "", []MetadataEntry{{Name: entry, Value: []byte("server wide")}}); err != nil {
		t.Fatal(err)
	}
	m, err = c.GetMetadata(ctx, "", []string{entry}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(entry); string(v) != "server wide" {
		t.Errorf("server entry %q", v)
	}
	if err := c.SetMetadata(ctx, "", []MetadataEntry{{Name: entry}}); err != nil {
		t.Fatal(err)
	}
	// Refused before sending; the session goes on.
	for _, bad := range []string{"/comment", "/private/", "/private/a%", "/shared//x", "/private/a\x00b"} {
		if _, err := c.GetMetadata(ctx, folder, []string{bad}, nil); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%q: %v", bad, err)
		}
		if err := c.SetMetadata(ctx, folder, []MetadataEntry{{Name: bad, Value: []byte("x")}}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("set %q: %v", bad, err)
		}
	}
	if _, err := c.GetMetadata(ctx, folder, []string{"/private/comment"}, &MetadataOptions{Depth: 9}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("depth 9: %v", err)
	}
	if err := c.SetMetadata(ctx, "no-such-folder-metadata", []MetadataEntry{{Name: "/private/comment", Value: []byte("x")}}); !errors.Is(err, ErrNo) {
		t.Errorf("missing folder: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
}
