package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"runtime"
	"sort"
	"strings"
	"time"
	"unsafe"
)

// The IMAP extensions beyond the core commands: ID, ENABLE, NAMESPACE,
// CONDSTORE, ACL, QUOTA, MULTIAPPEND, THREAD, Gmail labels, and the
// client settings that go with them.

// withCStrings converts ss for C and hands f the array (NULL when ss is
// empty; the array is Go memory holding C pointers, which cgo allows);
// NUL bytes are refused as by withCString.
func withCStrings(op, what string, ss []string, f func(arr **C.char, n C.size_t) error) error {
	return withCStringSlice(op, what, ss, free, func(cs []*C.char) error {
		if len(cs) == 0 {
			return f(nil, 0)
		}
		return f(&cs[0], C.size_t(len(cs)))
	})
}

// takeStrings copies a string list into Go and frees it.
func takeStrings(l *C.imapc_string_list) []string {
	defer C.imapc_string_list_free(l)
	return goStrings(l)
}

// ID exchanges identification with the server (RFC 2971): it sends
// fields (nil or empty: none; sent in key order) and returns the
// server's, nil when the server sends NIL. A NIL value reads as "".
func (c *Client) ID(ctx context.Context, fields map[string]string) (map[string]string, error) {
	const op = "ID"
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = fields[k]
	}
	var flat []string
	err := withCStrings(op, "ID key", keys, func(ck **C.char, n C.size_t) error {
		return withCStrings(op, "ID value", values, func(cv **C.char, _ C.size_t) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				var l *C.imapc_string_list
				rc := C.imapc_client_id(p, ck, cv, n, &l, e)
				if rc == C.IMAPC_OK {
					flat = takeStrings(l)
				}
				return rc
			})
		})
	})
	if err != nil || len(flat) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		out[flat[i]] = flat[i+1]
	}
	return out, nil
}

// Enable turns on extensions that change how the server talks (RFC 5161,
// e.g. "CONDSTORE", "QRESYNC", "UTF8=ACCEPT") and returns those the
// server enabled.
func (c *Client) Enable(ctx context.Context, caps ...string) ([]string, error) {
	const op = "Enable"
	if len(caps) == 0 {
		return nil, invalidError(op, "no capability to enable")
	}
	var out []string
	err := withCStrings(op, "capability", caps, func(cc **C.char, n C.size_t) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var l *C.imapc_string_list
			rc := C.imapc_client_enable(p, cc, n, &l, e)
			if rc == C.IMAPC_OK {
				out = takeStrings(l)
			}
			return rc
		})
	})
	return out, err
}

// Namespace is one namespace of NAMESPACE: folder names under it start
// with Prefix; Delimiter separates levels ("" when the server has none).
type Namespace struct {
	Prefix    string
	Delimiter string
}

// Namespaces are the server's namespaces (RFC 2342): the user's own,
// other users', and shared folders. A kind the server does not offer is
// empty.
type Namespaces struct {
	Personal, Other, Shared []Namespace
}

func goNamespaces(l *C.imapc_string_list) []Namespace {
	flat := takeStrings(l)
	if len(flat) < 2 {
		return nil
	}
	out := make([]Namespace, len(flat)/2)
	for i := range out {
		out[i] = Namespace{Prefix: flat[2*i], Delimiter: flat[2*i+1]}
	}
	return out
}

// Namespace asks the server for its namespaces (RFC 2342); it fails with
// ErrCapability when the server lacks NAMESPACE.
func (c *Client) Namespace(ctx context.Context) (*Namespaces, error) {
	var out Namespaces
	err := c.run(ctx, "Namespace", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		var pl, ol, sl *C.imapc_string_list
		rc := C.imapc_client_namespace(p, &pl, &ol, &sl, e)
		if rc == C.IMAPC_OK {
			out = Namespaces{Personal: goNamespaces(pl), Other: goNamespaces(ol), Shared: goNamespaces(sl)}
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SelectCondStore is Select with CONDSTORE (RFC 7162): the state carries
// HighestModSeq (NoModSeq when the folder has none), and later fetches
// can ask for MODSEQ and use FetchChangedSince.
func (c *Client) SelectCondStore(ctx context.Context, folder string) (*MailboxState, error) {
	return c.selectFolder(ctx, "SelectCondStore", folder, selectCondStore)
}

// ExamineCondStore is Examine (read-only) with CONDSTORE.
func (c *Client) ExamineCondStore(ctx context.Context, folder string) (*MailboxState, error) {
	return c.selectFolder(ctx, "ExamineCondStore", folder, selectReadOnly|selectCondStore)
}

// FetchChangedSince is Fetch of only the messages whose MODSEQ is above
// modSeq (CONDSTORE CHANGEDSINCE): the changes since a HighestModSeq
// seen before. Each message has its ModSeq. It fails with ErrCapability
// when the server lacks CONDSTORE.
func (c *Client) FetchChangedSince(ctx context.Context, set MessageSet, items string, modSeq uint64) ([]Message, error) {
	const op = "FetchChangedSince"
	if set.isIDs && len(set.ids) == 0 {
		return []Message{}, nil
	}
	var out []Message
	err := c.run2(ctx, op, "message set", set.String(), "items", items, func(p *C.imapc_client, cs, ci *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_message_list
		rc := C.imapc_client_fetch_changed_since(p, cs, ci, C.uint64_t(modSeq), &l, e)
		if rc == C.IMAPC_OK {
			out = goMessageList(l)
			C.imapc_message_list_free(l)
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FetchVanished resynchronises the selected folder in one QRESYNC
// command (RFC 7162): the messages of set changed since modSeq (a
// HighestModSeq kept from an earlier session with the same UIDValidity)
// and the UIDs of set expunged since then (sorted). QRESYNC must have been
// enabled first (Enable, before Select), else ErrIllegalState with
// nothing sent; message ids must be UIDs (the default).
//
// The expunged UIDs are those the server reports during this call: what
// went before (VANISHED (EARLIER)) and what another session expunged while
// this one has the folder selected (plain VANISHED, also delivered as an
// EventVanished since it changes the folder's count). Expunges told
// earlier, during another call or Idle, are events only.
func (c *Client) FetchVanished(ctx context.Context, set MessageSet, items string, modSeq uint64) ([]Message, []uint32, error) {
	const op = "FetchVanished"
	if set.isIDs && len(set.ids) == 0 {
		return []Message{}, []uint32{}, nil
	}
	var out []Message
	var gone []uint32
	err := c.run2(ctx, op, "message set", set.String(), "items", items, func(p *C.imapc_client, cs, ci *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_message_list
		var v *C.imapc_id_list
		rc := C.imapc_client_fetch_vanished(p, cs, ci, C.uint64_t(modSeq), &l, &v, e)
		if rc == C.IMAPC_OK {
			out = goMessageList(l)
			C.imapc_message_list_free(l)
			gone = goIDs(v)
			C.imapc_id_list_free(v)
		}
		return rc
	})
	if err != nil {
		return nil, nil, err
	}
	return out, gone, nil
}

// goMessageList copies a message list into Go, section data included.
func goMessageList(l *C.imapc_message_list) []Message {
	out := make([]Message, int(C.imapc_message_list_count(l)))
	for i := range out {
		goMessage(&out[i], heldMessage(C.imapc_message_list_get(l, C.size_t(i))), true)
	}
	return out
}

// ACLEntry is one identifier's rights on a folder (RFC 4314), e.g.
// {"anyone", "lr"}.
type ACLEntry struct {
	Identifier string
	Rights     string
}

// GetACL returns a folder's access control list (GETACL; RFC 4314). It
// fails with ErrCapability when the server lacks ACL.
func (c *Client) GetACL(ctx context.Context, folder string) ([]ACLEntry, error) {
	const op = "GetACL"
	var flat []string
	err := c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_string_list
		rc := C.imapc_client_get_acl(p, cf, &l, e)
		if rc == C.IMAPC_OK {
			flat = takeStrings(l)
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	out := make([]ACLEntry, len(flat)/2)
	for i := range out {
		out[i] = ACLEntry{Identifier: flat[2*i], Rights: flat[2*i+1]}
	}
	return out, nil
}

// SetACL gives identifier these rights on folder (SETACL): "lrs" sets
// them, "+w" adds, "-w" removes.
func (c *Client) SetACL(ctx context.Context, folder, identifier, rights string) error {
	const op = "SetACL"
	return withCString(op, "identifier", identifier, func(ci *C.char) error {
		return withCString(op, "rights", rights, func(cr *C.char) error {
			return c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
				return C.imapc_client_set_acl(p, cf, ci, cr, e)
			})
		})
	})
}

// Quota is one resource of a quota root (RFC 9208): "STORAGE" in KiB,
// "MESSAGE" in messages...
type Quota struct {
	Root     string
	Resource string
	Usage    uint64
	Limit    uint64
}

func takeQuotas(l *C.imapc_quota_list) []Quota {
	defer C.imapc_quota_list_free(l)
	out := make([]Quota, int(C.imapc_quota_list_count(l)))
	for i := range out {
		n := C.size_t(i)
		out[i] = Quota{
			Root:     C.GoString(C.imapc_quota_list_root(l, n)),
			Resource: C.GoString(C.imapc_quota_list_resource(l, n)),
			Usage:    uint64(C.imapc_quota_list_usage(l, n)),
			Limit:    uint64(C.imapc_quota_list_limit(l, n)),
		}
	}
	return out
}

// GetQuotaRoot returns the quota roots of a folder and their quotas
// (GETQUOTAROOT). It fails with ErrCapability when the server lacks
// QUOTA.
func (c *Client) GetQuotaRoot(ctx context.Context, folder string) (roots []string, quotas []Quota, err error) {
	err = c.folderCall(ctx, "GetQuotaRoot", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		var rl *C.imapc_string_list
		var ql *C.imapc_quota_list
		rc := C.imapc_client_get_quota_root(p, cf, &rl, &ql, e)
		if rc == C.IMAPC_OK {
			roots, quotas = takeStrings(rl), takeQuotas(ql)
		}
		return rc
	})
	if err != nil {
		return nil, nil, err
	}
	return roots, quotas, nil
}

// GetQuota returns the quotas of a quota root (GETQUOTA; the root is
// often "").
func (c *Client) GetQuota(ctx context.Context, root string) ([]Quota, error) {
	const op = "GetQuota"
	var out []Quota
	err := withCString(op, "quota root", root, func(cr *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var l *C.imapc_quota_list
			rc := C.imapc_client_get_quota(p, cr, &l, e)
			if rc == C.IMAPC_OK {
				out = takeQuotas(l)
			}
			return rc
		})
	})
	return out, err
}

// QuotaLimit is one resource limit for SetQuota: Resource is "STORAGE"
// (in kilobytes), "MESSAGE" or another the server names.
type QuotaLimit struct {
	Resource string
	Limit    uint64
}

// SetQuota sets the limits of a quota root (SETQUOTA, RFC 2087 / RFC
// 9208); no limits removes them. Servers usually allow it to
// administrators only (ErrNo otherwise). It returns the QUOTA responses
// the server sends back, often none. Resource names that are not atoms
// (letters, digits, "-", "_", ".") and limits above 2^63-1 fail with
// ErrInvalidArgument before anything is sent.
func (c *Client) SetQuota(ctx context.Context, root string, limits []QuotaLimit) ([]Quota, error) {
	const op = "SetQuota"
	names := make([]string, len(limits))
	values := make([]C.uint64_t, len(limits))
	for i, l := range limits {
		names[i], values[i] = l.Resource, C.uint64_t(l.Limit)
	}
	var out []Quota
	err := withCString(op, "quota root", root, func(cr *C.char) error {
		return withCStrings(op, "resource", names, func(cn **C.char, n C.size_t) error {
			var cv *C.uint64_t
			if n > 0 {
				cv = &values[0]
			}
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				var l *C.imapc_quota_list
				rc := C.imapc_client_set_quota(p, cr, cn, cv, n, &l, e)
				if rc == C.IMAPC_OK {
					out = takeQuotas(l)
				}
				return rc
			})
		})
	})
	return out, err
}

// AppendMessage is one message of MultiAppend.
type AppendMessage struct {
	Data  []byte // raw RFC 5322 bytes
	Flags []string
	Date  time.Time // INTERNALDATE; zero: the server's now
}

// MultiAppend stores messages in folder in one atomic command (RFC
// 3502): all are stored or none. It returns their new UIDs in order and
// the folder's UIDVALIDITY (nil and 0 when the server does not say: no
// UIDPLUS). It fails with ErrCapability, sending nothing, when the server
// lacks MULTIAPPEND.
func (c *Client) MultiAppend(ctx context.Context, folder string, msgs []AppendMessage) (uids []uint32, uidValidity uint32, err error) {
	const op = "MultiAppend"
	if len(msgs) == 0 {
		return nil, 0, invalidError(op, "no message to append")
	}
	// The library reads the data in place: pinned, the Go memory may sit
	// in the array handed to C.
	var pin runtime.Pinner
	defer pin.Unpin()
	arr := make([]C.imapc_append_message, len(msgs))
	dates := make([]C.int64_t, len(msgs))
	var flags []*C.char
	defer func() {
		for _, f := range flags {
			free(f)
		}
	}()
	for i := range msgs {
		m := &msgs[i]
		a := &arr[i]
		if len(m.Data) > 0 {
			pin.Pin(&m.Data[0])
			a.data = (*C.uint8_t)(unsafe.Pointer(&m.Data[0]))
		}
		a.len = C.size_t(len(m.Data))
		if err := checkFlags(op, m.Flags); err != nil {
			return nil, 0, err
		}
		if len(m.Flags) > 0 {
			a.flags = C.CString(strings.Join(m.Flags, " "))
			flags = append(flags, a.flags)
		}
		if !m.Date.IsZero() {
			_, off := m.Date.Zone()
			dates[i] = C.int64_t(m.Date.Unix())
			pin.Pin(&dates[i])
			a.internal_date = &dates[i]
			a.offset_minutes = C.int32_t(off / 60)
		}
	}
	err = c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_id_list
		var v C.uint32_t
		rc := C.imapc_client_multiappend(p, cf, &arr[0], C.size_t(len(arr)),
			C.IMAPC_APPEND_MESSAGE_VERSION, &l, &v, e)
		if rc == C.IMAPC_OK {
			if n := int(C.imapc_id_list_count(l)); n > 0 {
				uids = goIDs(l)
			}
			C.imapc_id_list_free(l)
			uidValidity = uint32(v)
		}
		return rc
	})
	if err != nil {
		return nil, 0, err
	}
	return uids, uidValidity, nil
}

// ThreadNode is one message of a THREAD answer: ID is its UID or
// sequence number (per UseUID), 0 for a placeholder standing for a parent
// message the server does not have; Children reply to it.
type ThreadNode struct {
	ID       uint32
	Children []*ThreadNode
}

// Thread groups the messages matching criteria (nil: all) into threads
// (RFC 5256) with algorithm "REFERENCES" or "ORDEREDSUBJECT", as the
// server's THREAD= capabilities allow; it fails with ErrCapability
// otherwise. It returns the threads' roots.
func (c *Client) Thread(ctx context.Context, algorithm string, criteria *SearchCriteria) ([]*ThreadNode, error) {
	const op = "Thread"
	q, none, err := c.encodeCriteria(ctx, op, criteria)
	if err != nil {
		return nil, err
	}
	if none {
		return []*ThreadNode{}, nil
	}
	var roots []*ThreadNode
	err = c.run2(ctx, op, "algorithm", algorithm, "criteria", q, func(p *C.imapc_client, ca, cq *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_thread_list
		rc := C.imapc_client_thread(p, ca, cq, &l, e)
		if rc == C.IMAPC_OK {
			roots = goThreads(l)
			C.imapc_thread_list_free(l)
		}
		return rc
	})
	if err != nil {
		return nil, err
	}
	return roots, nil
}

// goThreads builds the trees of a thread list, whose nodes come with the
// index of their parent (always an earlier node).
func goThreads(l *C.imapc_thread_list) []*ThreadNode {
	n := int(C.imapc_thread_list_count(l))
	nodes := make([]ThreadNode, n)
	roots := []*ThreadNode{}
	for i := range nodes {
		nodes[i].ID = uint32(C.imapc_thread_list_id(l, C.size_t(i)))
		parent := int64(C.imapc_thread_list_parent(l, C.size_t(i)))
		if parent < 0 || parent >= int64(i) {
			roots = append(roots, &nodes[i])
			continue
		}
		p := &nodes[parent]
		p.Children = append(p.Children, &nodes[i])
	}
	return roots
}

func (c *Client) storeLabels(ctx context.Context, op string, set MessageSet, action C.uint32_t, labels []string) error {
	if set.isIDs && len(set.ids) == 0 {
		return nil
	}
	return withCString(op, "message set", set.String(), func(cs *C.char) error {
		return withCStrings(op, "label", labels, func(cl **C.char, n C.size_t) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				return C.imapc_client_store_gmail_labels(p, cs, action, cl, n, C.IMAPC_STORE_SILENT, nil, e)
			})
		})
	})
}

// AddGmailLabels adds Gmail labels (X-GM-LABELS; UTF-8, spaces allowed;
// system labels such as `\Important` as they are) to the messages. Like
// RemoveGmailLabels and SetGmailLabels it fails with ErrCapability,
// sending nothing, on a server without X-GM-EXT-1.
func (c *Client) AddGmailLabels(ctx context.Context, set MessageSet, labels ...string) error {
	return c.storeLabels(ctx, "AddGmailLabels", set, storeAdd, labels)
}

// RemoveGmailLabels removes Gmail labels from the messages.
func (c *Client) RemoveGmailLabels(ctx context.Context, set MessageSet, labels ...string) error {
	return c.storeLabels(ctx, "RemoveGmailLabels", set, storeRemove, labels)
}

// SetGmailLabels replaces the Gmail labels of the messages.
func (c *Client) SetGmailLabels(ctx context.Context, set MessageSet, labels ...string) error {
	return c.storeLabels(ctx, "SetGmailLabels", set, storeSet, labels)
}

// MaskCapability hides a capability the server announces (e.g. "MOVE",
// "CONDSTORE"), from now on: for servers whose implementation of an
// extension is broken. The client then uses its fallback (MOVE becomes
// COPY, STORE and UID EXPUNGE) or fails with ErrCapability.
func (c *Client) MaskCapability(capability string) error {
	const op = "MaskCapability"
	return withCString(op, "capability", capability, func(cc *C.char) error {
		return c.run(context.Background(), op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			rc := C.imapc_client_mask_capability(p, cc, e)
			if rc == C.IMAPC_OK {
				c.masked = true // HasCapability's reading leaves it out from now on
			}
			return rc
		})
	})
}

// SetIdleRenewInterval sets how long one IDLE command may run before the
// client renews it (DONE, then IDLE again) while an Idle is waiting:
// default 28 minutes, under the 30 after which servers may drop an idle
// client (RFC 2177). At least 100 ms.
func (c *Client) SetIdleRenewInterval(d time.Duration) error {
	const op = "SetIdleRenewInterval"
	if d < 100*time.Millisecond {
		return invalidError(op, "the interval must be at least 100 ms")
	}
	err := c.run(context.Background(), op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_set_idle_renew_interval_ms(p, millis(d), e)
	})
	if err == nil {
		c.idleRenew.Store(int64(d))
	}
	return err
}
