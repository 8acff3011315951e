package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import (
	"context"
	"strings"
	"unsafe"
)

// Folder is one entry of ListFolders.
type Folder struct {
	// Name is UTF-8 (decoded from modified UTF-7 when FolderEncode is on,
	// the default). Pass it back unchanged to Select, Status...
	Name string
	// RawName is the name exactly as the server sent it.
	RawName []byte
	// Delimiter is the hierarchy delimiter ('/' or '.'), 0 when flat.
	Delimiter rune
	// Attributes such as \HasNoChildren, \Noselect, \Sent.
	Attributes []string
	// Status holds the folder's counters, from ListFoldersStatus only;
	// nil for folders that cannot be selected and those whose STATUS the
	// server refused.
	Status *FolderStatus
}

// HasAttribute reports whether the folder has the attribute
// (case-insensitive), e.g. `\Noselect`.
func (f *Folder) HasAttribute(attr string) bool {
	for _, a := range f.Attributes {
		if strings.EqualFold(a, attr) {
			return true
		}
	}
	return false
}

// withCString runs f with s as a C string.
func withCString(op, what, s string, f func(cs *C.char) error) error {
	cs, err := cstring(op, what, s)
	if err != nil {
		return err
	}
	defer free(cs)
	return f(cs)
}

// run2 is run with two strings converted for f, as by withCString.
func (c *Client) run2(ctx context.Context, op, what1, s1, what2, s2 string, f func(p *C.imapc_client, c1, c2 *C.char, e **C.imapc_error) C.imapc_result) error {
	return withCString(op, what1, s1, func(c1 *C.char) error {
		return withCString(op, what2, s2, func(c2 *C.char) error {
			return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
				return f(p, c1, c2, e)
			})
		})
	})
}

// ListFolders lists the folders under reference (usually "") matching
// pattern ("*" all, "%" one level).
func (c *Client) ListFolders(ctx context.Context, reference, pattern string) ([]Folder, error) {
	return c.list(ctx, "ListFolders", reference, pattern, listPlain)
}

// ListSubscribed lists the subscribed folders (LSUB), as ListFolders.
func (c *Client) ListSubscribed(ctx context.Context, reference, pattern string) ([]Folder, error) {
	return c.list(ctx, "ListSubscribed", reference, pattern, listSubscribed)
}

// XListFolders lists folders with Gmail's XLIST command, as ListFolders,
// with Gmail's attributes (\Inbox, \AllMail, \Spam, \Starred,
// \Important, \Sent, \Drafts, \Trash), as IMAPClient's xlist_folders.
// Google deprecated XLIST for SPECIAL-USE, which ListFolders and
// SpecialFolder read; XLIST is for servers that answer only it. The folder
// with \Inbox may have a localized Name ("Posteingang"), returned as the
// server sent it; select it as "INBOX".
//
// Without the server capability XLIST (Dovecot, most servers, or after
// MaskCapability) it fails with ErrCapability and nothing is sent. A NO or
// BAD from the server (ErrNo, ErrBad) fails the call only.
func (c *Client) XListFolders(ctx context.Context, reference, pattern string) ([]Folder, error) {
	return c.list(ctx, "XListFolders", reference, pattern, listXList)
}

// ListFoldersStatus lists folders as ListFolders with every folder's
// STATUS counters in Folder.Status: a sync's first look at an account
// (which folders changed: UIDValidity, UIDNext, HighestModSeq, Messages).
// One command where the server offers LIST-STATUS (RFC 5819), else LIST
// and a STATUS per selectable folder. Folders that cannot be selected
// (\Noselect, \NonExistent) have a nil Status, as have (without
// LIST-STATUS) folders whose STATUS the server refused with NO; any other
// failure fails the call.
func (c *Client) ListFoldersStatus(ctx context.Context, reference, pattern string) ([]Folder, error) {
	return c.list(ctx, "ListFoldersStatus", reference, pattern, listStatus)
}

type listKind int

const (
	listPlain listKind = iota
	listSubscribed
	listStatus
	listXList
)

func (c *Client) list(ctx context.Context, op, reference, pattern string, kind listKind) ([]Folder, error) {
	var out []Folder
	err := c.run2(ctx, op, "reference", reference, "pattern", pattern, func(p *C.imapc_client, cref, cpat *C.char, e **C.imapc_error) C.imapc_result {
		var l *C.imapc_folder_list
		var rc C.imapc_result
		switch kind {
		case listSubscribed:
			rc = C.imapc_client_lsub(p, cref, cpat, &l, e)
		case listStatus:
			rc = C.imapc_client_list_status(p, cref, cpat, &l, e)
		case listXList:
			rc = C.imapc_client_xlist(p, cref, cpat, &l, e)
		default:
			rc = C.imapc_client_list(p, cref, cpat, &l, e)
		}
		if rc != C.IMAPC_OK {
			return rc
		}
		defer C.imapc_folder_list_free(l)
		n := int(C.imapc_folder_list_count(l))
		out = make([]Folder, n)
		for i := range out {
			out[i] = goFolder(C.imapc_folder_list_get(l, C.size_t(i)))
		}
		return rc
	})
	return out, err
}

// goFolder copies a folder of the library (not freed here).
func goFolder(f *C.imapc_folder) Folder {
	var rawLen C.size_t
	raw := C.imapc_folder_raw_name(f, &rawLen)
	out := Folder{
		Name:       C.GoString(C.imapc_folder_name(f)),
		RawName:    C.GoBytes(unsafe.Pointer(raw), C.int(rawLen)),
		Delimiter:  rune(C.imapc_folder_delimiter(f)),
		Attributes: goStrings(C.imapc_folder_attributes(f)),
	}
	if s := C.imapc_folder_status_of(f); s != nil {
		out.Status = goStatus(out.Name, s)
	}
	return out
}

// StatusItem names one counter of FolderStatus.
type StatusItem uint32

// Status items, as the C ABI's IMAPC_STATUS_*.
const (
	StatusMessages      StatusItem = C.IMAPC_STATUS_MESSAGES
	StatusRecent        StatusItem = C.IMAPC_STATUS_RECENT
	StatusUIDNext       StatusItem = C.IMAPC_STATUS_UIDNEXT
	StatusUIDValidity   StatusItem = C.IMAPC_STATUS_UIDVALIDITY
	StatusUnseen        StatusItem = C.IMAPC_STATUS_UNSEEN
	StatusDeleted       StatusItem = C.IMAPC_STATUS_DELETED
	StatusHighestModSeq StatusItem = C.IMAPC_STATUS_HIGHESTMODSEQ
	StatusSize          StatusItem = C.IMAPC_STATUS_SIZE
)

// FolderStatus holds the counters STATUS reported. A counter the server
// did not report is 0; Has tells them apart.
type FolderStatus struct {
	Name          string
	Messages      uint32
	Recent        uint32
	UIDNext       uint32
	UIDValidity   uint32
	Unseen        uint32
	Deleted       uint32
	HighestModSeq uint64
	Size          uint64
	known         uint32
}

// Has reports whether the server reported the item.
func (s *FolderStatus) Has(item StatusItem) bool { return s.known&(1<<item) != 0 }

// Status asks for the counters of a folder (not the selected one).
func (c *Client) Status(ctx context.Context, folder string) (*FolderStatus, error) {
	const op = "Status"
	var st *FolderStatus
	err := withCString(op, "folder", folder, func(cf *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var s *C.imapc_folder_status
			rc := C.imapc_client_status(p, cf, &s, e)
			if rc != C.IMAPC_OK {
				return rc
			}
			defer C.imapc_folder_status_free(s)
			st = goStatus(folder, s)
			return rc
		})
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// goStatus copies the counters of s (not freed here).
func goStatus(name string, s *C.imapc_folder_status) *FolderStatus {
	st := &FolderStatus{Name: name}
	get := func(item StatusItem) uint64 {
		var v C.uint64_t
		if C.imapc_folder_status_get(s, C.uint32_t(item), &v) {
			st.known |= 1 << item
		}
		return uint64(v)
	}
	st.Messages = uint32(get(StatusMessages))
	st.Recent = uint32(get(StatusRecent))
	st.UIDNext = uint32(get(StatusUIDNext))
	st.UIDValidity = uint32(get(StatusUIDValidity))
	st.Unseen = uint32(get(StatusUnseen))
	st.Deleted = uint32(get(StatusDeleted))
	st.HighestModSeq = get(StatusHighestModSeq)
	st.Size = get(StatusSize)
	return st
}

// MailboxState is the state of a folder after Select or Examine.
type MailboxState struct {
	Name           string
	Exists         uint32
	Recent         uint32
	UIDValidity    uint32 // 0 when the server sent none
	UIDNext        uint32 // 0 when the server sent none
	FirstUnseen    uint32 // sequence number; 0 when not reported
	HighestModSeq  uint64 // 0 when not reported
	NoModSeq       bool
	ReadOnly       bool
	Flags          []string
	PermanentFlags []string
	// MailboxID is the folder's object id (RFC 8474 OBJECTID), "" when
	// the server has none. Unlike the name it survives a rename.
	MailboxID string
}

type selectMode int

const (
	selectReadOnly selectMode = 1 << iota // EXAMINE
	selectCondStore
)

func (c *Client) selectFolder(ctx context.Context, op, folder string, mode selectMode) (*MailboxState, error) {
	readOnly := mode&selectReadOnly != 0
	var st *MailboxState
	err := withCString(op, "folder", folder, func(cf *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var s *C.imapc_mailbox_state
			var rc C.imapc_result
			switch {
			case mode&selectCondStore != 0:
				rc = C.imapc_client_select_condstore(p, cf, C.bool(readOnly), &s, e)
			case readOnly:
				rc = C.imapc_client_examine(p, cf, &s, e)
			default:
				rc = C.imapc_client_select(p, cf, &s, e)
			}
			if rc != C.IMAPC_OK {
				return rc
			}
			defer C.imapc_mailbox_state_free(s)
			st = &MailboxState{
				Name:           C.GoString(C.imapc_mailbox_state_name(s)),
				Exists:         uint32(C.imapc_mailbox_state_exists(s)),
				Recent:         uint32(C.imapc_mailbox_state_recent(s)),
				UIDValidity:    uint32(C.imapc_mailbox_state_uid_validity(s)),
				UIDNext:        uint32(C.imapc_mailbox_state_uid_next(s)),
				FirstUnseen:    uint32(C.imapc_mailbox_state_unseen(s)),
				HighestModSeq:  uint64(C.imapc_mailbox_state_highest_modseq(s)),
				NoModSeq:       bool(C.imapc_mailbox_state_no_modseq(s)),
				ReadOnly:       bool(C.imapc_mailbox_state_read_only(s)),
				Flags:          goStrings(C.imapc_mailbox_state_flags(s)),
				PermanentFlags: goStrings(C.imapc_mailbox_state_permanent_flags(s)),
				MailboxID:      C.GoString(C.imapc_mailbox_state_mailbox_id(s)), // "" for NULL
			}
			return rc
		})
	})
	// A failed SELECT leaves no folder selected.
	if err == nil {
		c.exists.Store(st.Exists)
	} else {
		c.exists.Store(0)
	}
	return st, err
}

// Select opens a folder for reading and writing.
func (c *Client) Select(ctx context.Context, folder string) (*MailboxState, error) {
	return c.selectFolder(ctx, "Select", folder, 0)
}

// Examine opens a folder read-only.
func (c *Client) Examine(ctx context.Context, folder string) (*MailboxState, error) {
	return c.selectFolder(ctx, "Examine", folder, selectReadOnly)
}

// Unselect leaves the selected folder without expunging (RFC 3691).
func (c *Client) Unselect(ctx context.Context) error {
	c.exists.Store(0)
	return c.run(ctx, "Unselect", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_unselect(p, e)
	})
}

// CloseFolder leaves the selected folder, expunging \Deleted messages if
// it was opened read-write (IMAP CLOSE; not to be confused with Close).
func (c *Client) CloseFolder(ctx context.Context) error {
	c.exists.Store(0)
	return c.run(ctx, "CloseFolder", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_close(p, e)
	})
}

func (c *Client) folderCall(ctx context.Context, op, folder string, f func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result) error {
	return withCString(op, "folder", folder, func(cf *C.char) error {
		return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			return f(p, cf, e)
		})
	})
}

// CreateFolder creates a folder (UTF-8 name). Like every method taking a
// folder name, it refuses names with control characters (CR, LF, TAB...)
// with ErrInvalidArgument before sending anything.
func (c *Client) CreateFolder(ctx context.Context, folder string) error {
	return c.folderCall(ctx, "CreateFolder", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_create_folder(p, cf, e)
	})
}

// CreateFolderWithID creates a folder like CreateFolder and returns its
// object id (RFC 8474 MAILBOXID) from the server's OK, the id
// MailboxState.MailboxID reports and that survives a rename: "" when the
// server gave none (servers without OBJECTID, such as Dovecot 2.3) or gave
// one that is not an object id.
func (c *Client) CreateFolderWithID(ctx context.Context, folder string) (string, error) {
	var id string
	err := c.folderCall(ctx, "CreateFolderWithID", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		var out *C.char
		rc := C.imapc_client_create_folder_with_id(p, cf, &out, e)
		id = takeCString(out)
		return rc
	})
	return id, err
}

// CreateFolderSpecialUse creates a folder with special-use attributes
// (RFC 6154 CREATE-SPECIAL-USE), such as `\Sent`, `\Drafts`, `\Trash`,
// `\Junk`, `\Archive`, `\All` or `\Flagged`, so that every client finds
// it by its use, and returns its object id as CreateFolderWithID does.
// Refused before anything is sent: a server without CREATE-SPECIAL-USE
// (ErrCapability; Dovecot 2.3 has none), no use, or a use that is not `\`
// and an atom (ErrInvalidArgument). A server that will not give a use
// answers NO with ResponseCode "USEATTR".
func (c *Client) CreateFolderSpecialUse(ctx context.Context, folder string, uses ...string) (string, error) {
	const op = "CreateFolderSpecialUse"
	var id string
	err := withCStrings(op, "use", uses, func(cu **C.char, n C.size_t) error {
		return c.folderCall(ctx, op, folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
			var out *C.char
			rc := C.imapc_client_create_folder_special_use(p, cf, cu, n, &out, e)
			id = takeCString(out)
			return rc
		})
	})
	return id, err
}

// DeleteFolder deletes a folder.
func (c *Client) DeleteFolder(ctx context.Context, folder string) error {
	return c.folderCall(ctx, "DeleteFolder", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_delete_folder(p, cf, e)
	})
}

// Subscribe subscribes to a folder.
func (c *Client) Subscribe(ctx context.Context, folder string) error {
	return c.folderCall(ctx, "Subscribe", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_subscribe_folder(p, cf, e)
	})
}

// Unsubscribe unsubscribes from a folder.
func (c *Client) Unsubscribe(ctx context.Context, folder string) error {
	return c.folderCall(ctx, "Unsubscribe", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_unsubscribe_folder(p, cf, e)
	})
}

// RenameFolder renames a folder.
func (c *Client) RenameFolder(ctx context.Context, oldName, newName string) error {
	const op = "RenameFolder"
	return withCString(op, "new name", newName, func(cn *C.char) error {
		return c.folderCall(ctx, op, oldName, func(p *C.imapc_client, co *C.char, e **C.imapc_error) C.imapc_result {
			return C.imapc_client_rename_folder(p, co, cn, e)
		})
	})
}

// FolderExists reports whether a folder exists. A name with the LIST
// wildcards % or * (which servers may allow in names) is looked for
// exactly: it is listed as a pattern, which matches the folder itself
// and may match others, and only a folder of exactly that name counts
// (an INBOX prefix in any case, as the server's INBOX).
func (c *Client) FolderExists(ctx context.Context, folder string) (bool, error) {
	var ok C.bool
	err := c.folderCall(ctx, "FolderExists", folder, func(p *C.imapc_client, cf *C.char, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_folder_exists(p, cf, &ok, e)
	})
	return bool(ok), err
}

// SpecialFolder returns the folder with a special-use attribute (`\Sent`,
// `\Trash`, `\Drafts`, `\Junk`, `\Archive`...), by SPECIAL-USE or by
// well-known names; "" when there is none.
func (c *Client) SpecialFolder(ctx context.Context, attr string) (string, error) {
	var name string
	err := withCString("SpecialFolder", "attr", attr, func(ca *C.char) error {
		return c.run(ctx, "SpecialFolder", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
			var out *C.char
			rc := C.imapc_client_find_special_folder(p, ca, &out, e)
			name = takeCString(out)
			return rc
		})
	})
	return name, err
}

// takeCString copies into Go, and frees, a string a call stored in its
// char** out-parameter: "" for NULL (none, or a call that failed and so
// stored nothing).
func takeCString(out *C.char) string {
	if out == nil {
		return ""
	}
	defer C.imapc_string_free(out)
	return C.GoString(out)
}
