package imapclient

import (
	"io"
	"testing"
)

// Benchmarks against the fixture (skipped without IMAP_HOST):
//
//	scripts/test-server.sh run -- sh -c 'cd bindings/go && go test -run - -bench .'
func benchClient(b *testing.B) *Client {
	c := dialLogin(b)
	if _, err := c.Examine(testCtx(b), "INBOX"); err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkFetchEnvelopes(b *testing.B) {
	c := benchClient(b)
	ctx := testCtx(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Fetch(ctx, All, "UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFetchBodies(b *testing.B) {
	c := benchClient(b)
	ctx := testCtx(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Fetch(ctx, All, "BODY.PEEK[]"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFetchStreamBodies(b *testing.B) {
	c := benchClient(b)
	ctx := testCtx(b)
	opts := &StreamOptions{OnSection: func(SectionInfo) (io.Writer, error) { return io.Discard, nil }}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.FetchStream(ctx, All, "BODY.PEEK[]", opts); err != nil {
			b.Fatal(err)
		}
	}
}
