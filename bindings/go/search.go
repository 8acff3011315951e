package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// HeaderMatch matches messages whose header Key contains Value.
type HeaderMatch struct{ Key, Value string }

// SearchCriteria are typed SEARCH keys; every field set must match (AND).
// The zero value (or a nil pointer) matches every message. Strings may be
// any UTF-8: the library adds CHARSET UTF-8 when needed.
//
// SeqNums and UIDs are checked by the library's message set parser (the
// one the C search builder and Fetch use): a set that is not IMAP set
// syntax, or names 0, fails the call with ErrInvalidArgument before
// anything is sent, wherever it sits (in Not and Or too).
//
// An empty id list (IDs() with no ids) matches no message, as it names
// none in Fetch, Store, Copy or Move. The criteria are folded around it
// before anything is sent: criteria holding one match nothing (every
// field must match); an entry of Not that matches nothing excludes
// nothing and is dropped; an Or pair with one side matching nothing is
// its other side, and matches nothing when both sides do. When the whole
// criteria match nothing, Search, SearchModSeq, Sort and Thread return an
// empty result without asking the server (and without checking that a
// folder is selected), as Fetch does for IDs(); the other fields are
// still checked first.
type SearchCriteria struct {
	SeqNums *MessageSet // sequence numbers
	UIDs    *MessageSet // UIDs

	Since, Before         time.Time // INTERNALDATE, by day (Before is exclusive)
	SentSince, SentBefore time.Time // Date header, by day

	From, To, Cc, Bcc, Subject []string // substrings of those headers
	Body, Text                 []string // substrings of the body / whole message
	Header                     []HeaderMatch

	Flags    []string // flags the messages have (FlagSeen, keywords...)
	NotFlags []string // flags they do not have

	Larger, Smaller int64 // RFC822.SIZE bounds, 0 = none

	// ModSeq, above 0, matches the messages whose MODSEQ is at least this
	// (CONDSTORE, RFC 7162); SearchModSeq also returns the highest.
	ModSeq uint64

	// Gmail (capability X-GM-EXT-1), as IMAPClient's gmail_search:
	// GmailRaw is a query in Gmail's own syntax ("has:attachment
	// older_than:1y"), sent as X-GM-RAW; GmailMsgID and GmailThrID, above
	// 0, match a message or a thread by its Gmail id (Message.GmMsgID,
	// GmThrID). On another server the call fails with ErrCapability
	// before anything is sent.
	GmailRaw               string
	GmailMsgID, GmailThrID uint64

	Not []SearchCriteria    // each must not match
	Or  [][2]SearchCriteria // one of each pair must match

	// Raw is appended as is (IMAP search syntax, e.g. "NEW").
	Raw string
}

var systemFlagKeys = map[string][2]string{
	`\seen`:     {"SEEN", "UNSEEN"},
	`\answered`: {"ANSWERED", "UNANSWERED"},
	`\flagged`:  {"FLAGGED", "UNFLAGGED"},
	`\deleted`:  {"DELETED", "UNDELETED"},
	`\draft`:    {"DRAFT", "UNDRAFT"},
	`\recent`:   {"RECENT", "OLD"},
}

// quote makes an IMAP quoted string. CR and LF cannot be searched for.
func quote(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", invalidError("Search", "search strings may not contain CR, LF or NUL")
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String(), nil
}

func imapDate(t time.Time) string { return t.Format("2-Jan-2006") }

// String returns the criteria in IMAP search syntax ("ALL" when empty,
// "NOT ALL" when they match no message because of an empty id list).
// It returns "" when a string cannot be expressed (see Search's error).
func (c *SearchCriteria) String() string {
	s, none, err := c.encode()
	if err != nil {
		return ""
	}
	if none {
		return "NOT ALL"
	}
	return s
}

// encode returns the criteria in IMAP syntax, or none = true (and no
// text) when they match no message: an empty id list where every key
// must match, folded through Not and Or as SearchCriteria says.
func (c *SearchCriteria) encode() (q string, none bool, err error) {
	if c == nil {
		return "ALL", false, nil
	}
	var keys []string
	add := func(k ...string) { keys = append(keys, k...) }
	str := func(key string, vals []string) error {
		for _, v := range vals {
			q, err := quote(v)
			if err != nil {
				return err
			}
			add(key + " " + q)
		}
		return nil
	}
	for _, f := range []struct {
		field, prefix string
		set           *MessageSet
	}{{"SeqNums", "", c.SeqNums}, {"UIDs", "UID ", c.UIDs}} {
		switch {
		case f.set == nil:
		case f.set.isIDs && len(f.set.ids) == 0:
			none = true
		default:
			set, err := checkSet(f.field, *f.set)
			if err != nil {
				return "", false, err
			}
			add(f.prefix + set)
		}
	}
	if !c.Since.IsZero() {
		add("SINCE " + imapDate(c.Since))
	}
	if !c.Before.IsZero() {
		add("BEFORE " + imapDate(c.Before))
	}
	if !c.SentSince.IsZero() {
		add("SENTSINCE " + imapDate(c.SentSince))
	}
	if !c.SentBefore.IsZero() {
		add("SENTBEFORE " + imapDate(c.SentBefore))
	}
	for _, f := range []struct {
		key  string
		vals []string
	}{{"FROM", c.From}, {"TO", c.To}, {"CC", c.Cc}, {"BCC", c.Bcc}, {"SUBJECT", c.Subject}, {"BODY", c.Body}, {"TEXT", c.Text}} {
		if err := str(f.key, f.vals); err != nil {
			return "", false, err
		}
	}
	for _, h := range c.Header {
		k, err := quote(h.Key)
		if err != nil {
			return "", false, err
		}
		v, err := quote(h.Value)
		if err != nil {
			return "", false, err
		}
		add("HEADER " + k + " " + v)
	}
	for i, list := range [][]string{c.Flags, c.NotFlags} {
		for _, f := range list {
			if k, ok := systemFlagKeys[strings.ToLower(f)]; ok {
				add(k[i])
				continue
			}
			if f == "" || strings.ContainsAny(f, " ()[]{}\"\\%*\r\n\x00") {
				return "", false, invalidError("Search", "bad keyword "+strconv.Quote(f))
			}
			add([2]string{"KEYWORD", "UNKEYWORD"}[i] + " " + f)
		}
	}
	if c.Larger > 0 {
		add("LARGER " + strconv.FormatInt(c.Larger, 10))
	}
	if c.Smaller > 0 {
		add("SMALLER " + strconv.FormatInt(c.Smaller, 10))
	}
	if c.ModSeq > 0 {
		add("MODSEQ " + strconv.FormatUint(c.ModSeq, 10))
	}
	if c.GmailRaw != "" {
		q, err := quote(c.GmailRaw)
		if err != nil {
			return "", false, err
		}
		add("X-GM-RAW " + q)
	}
	if c.GmailMsgID > 0 {
		add("X-GM-MSGID " + strconv.FormatUint(c.GmailMsgID, 10))
	}
	if c.GmailThrID > 0 {
		add("X-GM-THRID " + strconv.FormatUint(c.GmailThrID, 10))
	}
	for i := range c.Not {
		s, sNone, err := c.Not[i].encode()
		if err != nil {
			return "", false, err
		}
		if !sNone { // NOT of nothing is every message: no key
			add("NOT (" + s + ")")
		}
	}
	for i := range c.Or {
		a, aNone, err := c.Or[i][0].encode()
		if err != nil {
			return "", false, err
		}
		b, bNone, err := c.Or[i][1].encode()
		if err != nil {
			return "", false, err
		}
		switch {
		case aNone && bNone:
			none = true
		case aNone:
			add("(" + b + ")")
		case bNone:
			add("(" + a + ")")
		default:
			add("OR (" + a + ") (" + b + ")")
		}
	}
	if c.Raw != "" {
		add(c.Raw)
	}
	if none {
		return "", true, nil
	}
	if len(keys) == 0 {
		return "ALL", false, nil
	}
	return strings.Join(keys, " "), false, nil
}

// checkSet returns s in IMAP syntax once the library accepted it: the
// text goes through imapc_search_add_uid on a scratch criteria object, the
// C builder's entry point for a set, which parses it as Fetch's set is
// parsed (sequence sets have the same grammar, so SeqNums is checked the
// same way). Without it a Set such as "1:* SUBJECT x" would add search
// keys of its own. The library trims surrounding white space and refuses
// any inside, so what is sent is the trimmed text, digits, ':', ',' and
// '*' only (checked again here, should Go and Rust ever disagree on what
// white space is).
func checkSet(field string, s MessageSet) (string, error) {
	const op = "Search"
	text := s.String()
	cs, err := cstring(op, field, text)
	if err != nil {
		return "", err
	}
	defer free(cs)
	sb := C.imapc_search_new()
	if sb == nil {
		return "", &Error{Code: CodeInternal, Op: op, Message: "out of memory"}
	}
	defer C.imapc_search_free(sb)
	var cerr *C.imapc_error
	if rc := C.imapc_search_add_uid(sb, cs, &cerr); rc != C.IMAPC_OK {
		e := takeError(op, rc, cerr)
		e.Message = field + ": " + e.Message
		return "", e
	}
	text = strings.TrimSpace(text)
	if text == "" || strings.Trim(text, "0123456789:,*") != "" {
		return "", invalidError(op, field+": invalid message set "+strconv.Quote(s.String()))
	}
	return text, nil
}

// usesGmail reports whether c or a criterion nested in it has a Gmail key.
func (c *SearchCriteria) usesGmail() bool {
	if c == nil {
		return false
	}
	if c.GmailRaw != "" || c.GmailMsgID > 0 || c.GmailThrID > 0 {
		return true
	}
	for i := range c.Not {
		if c.Not[i].usesGmail() {
			return true
		}
	}
	for i := range c.Or {
		if c.Or[i][0].usesGmail() || c.Or[i][1].usesGmail() {
			return true
		}
	}
	return false
}

// encodeCriteria is criteria in IMAP syntax for op; Gmail keys need the
// server's X-GM-EXT-1 (the raw search the criteria go through does not
// check, and another server would answer BAD). The capability is asked
// of the client as op itself takes it: waiting for another goroutine's
// call only as long as ctx allows, ErrIllegalState during an Idle,
// ErrClosed once closed (HasCapability, which answers without the
// client, would let the search fail later or differently).
func (c *Client) encodeCriteria(ctx context.Context, op string, criteria *SearchCriteria) (q string, none bool, err error) {
	if criteria.usesGmail() {
		p, err := c.lock(ctx, op)
		if err != nil {
			return "", false, err
		}
		has := cHasCapability(p, "X-GM-EXT-1")
		c.mu.Unlock()
		if !has {
			return "", false, &Error{Code: CodeCapabilityMissing, Op: op,
				Message: op + " by X-GM-RAW, X-GM-MSGID or X-GM-THRID needs the server capability X-GM-EXT-1, which this server does not offer"}
		}
	}
	return criteria.encode()
}
