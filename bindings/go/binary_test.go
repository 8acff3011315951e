package imapclient

import (
	"strings"
	"testing"
)

// BINARY.SIZE reaches Go (through the pack) for the buffered and the
// streamed fetch, and equals the length of the part BINARY decodes.
func TestBinarySize(t *testing.T) {
	c := dialLogin(t)
	ctx := testCtx(t)
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	all, err := c.Fetch(ctx, All, "BODYSTRUCTURE")
	if err != nil {
		t.Fatal(err)
	}
	var uids []uint32
	for _, m := range all {
		b := m.BodyStructure
		if b != nil && len(b.Children) > 1 && strings.EqualFold(b.Children[1].Encoding, "base64") {
			uids = append(uids, m.UID)
		}
	}
	if len(uids) == 0 {
		t.Fatal("the fixture has a base64 attachment")
	}
	got, err := c.Fetch(ctx, IDs(uids...), "BINARY.PEEK[2] BINARY.SIZE[2]")
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]uint64{}
	for _, m := range got {
		data := m.Section("BINARY[2]")
		n, ok := m.BinarySizes["2"]
		if !ok || n != uint64(len(data)) || n == 0 {
			t.Errorf("UID %d: BINARY.SIZE[2] %d (%v), BINARY[2] %d bytes", m.UID, n, ok, len(data))
		}
		want[m.UID] = n
	}
	// Streamed: the same sizes, and none where none was asked for.
	seen := 0
	_, err = c.FetchStream(ctx, IDs(uids...), "BINARY.SIZE[2] FLAGS", &StreamOptions{
		OnMessage: func(m *Message) error {
			seen++
			if m.BinarySizes["2"] != want[m.UID] || len(m.BinarySizes) != 1 {
				t.Errorf("streamed UID %d: %v, want %d", m.UID, m.BinarySizes, want[m.UID])
			}
			return nil
		},
	})
	if err != nil || seen != len(uids) {
		t.Fatalf("stream: %v, %d messages", err, seen)
	}
	plain, err := c.Fetch(ctx, IDs(uids[0]), "FLAGS")
	if err != nil || len(plain) != 1 || plain[0].BinarySizes != nil {
		t.Fatalf("without BINARY.SIZE: %v %+v", err, plain)
	}
}
