package imapclient_test

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"time"

	imapclient "github.com/libimapclient/imapclient-go"
)

// These examples need a server, so they have no Output comment: they are
// compiled by `go test` and `go vet` but not run.

func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil) // implicit TLS, system trust store
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX"); err != nil {
		log.Fatal(err)
	}
	uids, err := c.Search(ctx, &imapclient.SearchCriteria{NotFlags: []string{imapclient.FlagSeen}})
	if err != nil {
		log.Fatal(err)
	}
	msgs, err := c.Fetch(ctx, imapclient.IDs(uids...), "ENVELOPE FLAGS")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println(m.UID, m.Envelope.Subject)
	}
	c.Logout(ctx)
}

func ExampleDial() {
	ctx := context.Background()
	// STARTTLS on port 143 with a private CA.
	c, err := imapclient.Dial(ctx, "mail.internal:143", &imapclient.Options{
		TLS:       imapclient.TLSStartTLS,
		TLSConfig: &imapclient.TLSConfig{CAFile: "/etc/ssl/internal-ca.pem"},
		IOTimeout: 20 * time.Second,
	})
	if errors.Is(err, imapclient.ErrTLS) {
		var ie *imapclient.Error
		errors.As(err, &ie)
		log.Fatalf("TLS failed (%v): %s", ie.Code, ie.Message)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

func ExampleClient_Authenticate() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.gmail.com:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = c.Authenticate(ctx, imapclient.XOAuth2{Username: "alice@gmail.com", Token: os.Getenv("TOKEN")})
	if errors.Is(err, imapclient.ErrAuth) {
		log.Fatal("token refused")
	}
}

// A mechanism the library does not build in: CRAM-MD5 (RFC 2195), the
// server's one challenge answered with the user name and an HMAC of it.
func ExampleCustomSASL() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	user, password := "alice", os.Getenv("PASSWORD")
	err = c.Authenticate(ctx, imapclient.CustomSASL{Name: "CRAM-MD5",
		Step: func(challenge []byte) ([]byte, error) {
			m := hmac.New(md5.New, []byte(password))
			m.Write(challenge)
			return []byte(user + " " + hex.EncodeToString(m.Sum(nil))), nil
		}})
	if errors.Is(err, imapclient.ErrAuth) {
		log.Fatal("refused")
	}
}

// A sync's first look at an account over a slow link: compression after
// login, then every folder's counters in one call.
func ExampleClient_ListFoldersStatus() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if c.HasCapability("COMPRESS=DEFLATE") {
		if err := c.Compress(ctx); err != nil {
			log.Fatal(err)
		}
	}
	folders, err := c.ListFoldersStatus(ctx, "", "*")
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range folders {
		if f.Status != nil {
			fmt.Printf("%s: %d messages, UIDVALIDITY %d, UIDNEXT %d\n",
				f.Name, f.Status.Messages, f.Status.UIDValidity, f.Status.UIDNext)
		}
	}
}

func ExampleClient_FetchStream() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Examine(ctx, "Archive"); err != nil {
		log.Fatal(err)
	}
	// Save every message to a file, through fixed memory.
	_, err = c.FetchStream(ctx, imapclient.All, "UID BODY.PEEK[]", &imapclient.StreamOptions{
		OnSectionReader: func(s imapclient.SectionInfo, r io.Reader) error {
			f, err := os.Create(fmt.Sprintf("msg-%d.eml", s.SeqNum))
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(f, r)
			return err
		},
	})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleClient_Idle() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX"); err != nil {
		log.Fatal(err)
	}
	// Watch for ten minutes; the context's end stops IDLE politely.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	idle, err := c.Idle(wctx)
	if err != nil {
		log.Fatal(err)
	}
	for ev := range idle.Events() {
		if ev.Kind == imapclient.EventExists {
			fmt.Println("now", ev.Number, "messages")
		}
	}
	if err := idle.Stop(); err != nil {
		log.Fatal(err)
	}
}

func ExampleClient_Move() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX"); err != nil {
		log.Fatal(err)
	}
	old, err := c.Search(ctx, &imapclient.SearchCriteria{Before: time.Now().AddDate(-1, 0, 0)})
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Move(ctx, imapclient.IDs(old...), "Archive/2024")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("moved", len(res.DestUIDs), "messages")
}

func ExampleSetLogger() {
	imapclient.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, nil)), slog.LevelInfo)
	defer imapclient.SetLogger(nil, 0)
}

// A sync daemon's loop with CONDSTORE: remember the folder's
// HighestModSeq, and next time fetch only what changed since.
func ExampleClient_FetchChangedSince() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	st, err := c.SelectCondStore(ctx, "INBOX")
	if err != nil {
		log.Fatal(err)
	}
	last := st.HighestModSeq // stored with the local copy
	// ... later, on the same or a new connection:
	changed, err := c.FetchChangedSince(ctx, imapclient.All, "FLAGS", last)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range changed {
		fmt.Println(m.UID, m.Flags, m.ModSeq)
	}
}

func ExampleClient_Thread() {
	ctx := context.Background()
	c, err := imapclient.Dial(ctx, "imap.example.org:993", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Examine(ctx, "INBOX"); err != nil {
		log.Fatal(err)
	}
	roots, err := c.Thread(ctx, "REFERENCES", &imapclient.SearchCriteria{Since: time.Now().AddDate(0, -1, 0)})
	if errors.Is(err, imapclient.ErrCapability) {
		log.Fatal("the server cannot thread")
	}
	if err != nil {
		log.Fatal(err)
	}
	var show func(n *imapclient.ThreadNode, depth int)
	show = func(n *imapclient.ThreadNode, depth int) {
		fmt.Printf("%*s%d\n", 2*depth, "", n.ID) // 0: a parent the folder lacks
		for _, ch := range n.Children {
			show(ch, depth+1)
		}
	}
	for _, r := range roots {
		show(r, 0)
	}
}
