package imapclient

// #include <stdlib.h>
// #include <imapclient.h>
import "C"

import "context"

// NotifyTarget is the folder filter of a NotifyGroup (RFC 5465).
type NotifyTarget uint32

// Notify filters, as the C ABI's IMAPC_NOTIFY_*.
const (
	NotifySelected        NotifyTarget = C.IMAPC_NOTIFY_SELECTED         // the selected folder
	NotifySelectedDelayed NotifyTarget = C.IMAPC_NOTIFY_SELECTED_DELAYED // the same, expunges held back
	NotifyInboxes         NotifyTarget = C.IMAPC_NOTIFY_INBOXES          // folders that receive mail
	NotifyPersonal        NotifyTarget = C.IMAPC_NOTIFY_PERSONAL         // the personal namespace
	NotifySubscribed      NotifyTarget = C.IMAPC_NOTIFY_SUBSCRIBED       // subscribed folders
	NotifySubtree         NotifyTarget = C.IMAPC_NOTIFY_SUBTREE          // Folders and all below them
	NotifyFolders         NotifyTarget = C.IMAPC_NOTIFY_FOLDERS          // Folders
)

// NotifyEvents are NOTIFY event bits, combined with |.
type NotifyEvents uint32

// Notify events, as the C ABI's IMAPC_NOTIFY_* event bits.
const (
	NotifyMessageNew            NotifyEvents = C.IMAPC_NOTIFY_MESSAGE_NEW     // with NotifyMessageExpunge
	NotifyMessageExpunge        NotifyEvents = C.IMAPC_NOTIFY_MESSAGE_EXPUNGE // with NotifyMessageNew
	NotifyFlagChange            NotifyEvents = C.IMAPC_NOTIFY_FLAG_CHANGE
	NotifyAnnotationChange      NotifyEvents = C.IMAPC_NOTIFY_ANNOTATION_CHANGE
	NotifyMailboxName           NotifyEvents = C.IMAPC_NOTIFY_MAILBOX_NAME
	NotifySubscriptionChange    NotifyEvents = C.IMAPC_NOTIFY_SUBSCRIPTION_CHANGE
	NotifyMailboxMetadataChange NotifyEvents = C.IMAPC_NOTIFY_MAILBOX_METADATA_CHANGE
	NotifyServerMetadataChange  NotifyEvents = C.IMAPC_NOTIFY_SERVER_METADATA_CHANGE
)

// NotifyGroup is one event group of Notify: the folders of Target
// (Folders names them for NotifySubtree and NotifyFolders), the Events to
// report there (0: none, to silence part of a wider group). For
// NotifySelected with NotifyMessageNew, Fetch ("UID FLAGS", as for Fetch)
// has the server send those items with each new message, as EventFetch.
type NotifyGroup struct {
	Target  NotifyTarget
	Folders []string
	Events  NotifyEvents
	Fetch   string
}

// Notify turns on NOTIFY (RFC 5465): from then on the server reports
// changes in the folders of groups as events (EventFolderStatus,
// EventFolderList, and EXISTS, EXPUNGE, FETCH for the selected folder),
// which arrive with any command (Events) and during Idle. With status,
// each watched folder's counters come first, as EventFolderStatus events.
// A later call replaces the groups; NotifyNone ends it. RFC 5465's rules
// (NotifyMessageNew and NotifyMessageExpunge together; flag and
// annotation changes need them) are checked before sending
// (ErrInvalidArgument); a server that cannot watch an event answers ErrNo
// with [BADEVENT ...]. It fails with ErrCapability when the server lacks
// NOTIFY.
func (c *Client) Notify(ctx context.Context, groups []NotifyGroup, status bool) error {
	const op = "Notify"
	if len(groups) == 0 {
		return invalidError(op, "no event group (NotifyNone turns it off)")
	}
	n := C.imapc_notify_new()
	if n == nil {
		return invalidError(op, "out of memory")
	}
	defer C.imapc_notify_free(n)
	for _, g := range groups {
		err := withCStrings(op, "folder", g.Folders, func(cf **C.char, cnt C.size_t) error {
			var fetch *C.char
			if g.Fetch != "" {
				var err error
				if fetch, err = cstring(op, "fetch items", g.Fetch); err != nil {
					return err
				}
				defer free(fetch)
			}
			var e *C.imapc_error
			if rc := C.imapc_notify_add(n, C.uint32_t(g.Target), cf, cnt, C.uint32_t(g.Events), fetch, &e); rc != C.IMAPC_OK {
				return takeError(op, rc, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return c.run(ctx, op, func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_notify(p, n, C.bool(status), e)
	})
}

// NotifyNone turns NOTIFY off (NOTIFY NONE).
func (c *Client) NotifyNone(ctx context.Context) error {
	return c.run(ctx, "NotifyNone", func(p *C.imapc_client, e **C.imapc_error) C.imapc_result {
		return C.imapc_client_notify(p, nil, false, e)
	})
}
