package imapclient

// C trampolines between the library's callback types and the exported Go
// functions, and poll(2) for IDLE. userdata carries a runtime/cgo.Handle
// as an integer, so no Go pointer crosses into C.

/*
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <imapclient.h>

extern int imapcgoBatch(uintptr_t h, imapc_stream_item *items, size_t n, int *pending);
extern void imapcgoLog(uint32_t level, char *target, char *msg);
extern int imapcgoSASLStep(uintptr_t h, uint8_t *challenge, size_t len, imapc_sasl_reply *reply);

// A fetch's userdata: the Go handle and the kinds of item Go wants;
// pending, set by Go, says whether it holds messages decoded ahead (then
// it wants wait items).
struct imapcgo_stream {
	uintptr_t h;
	int want_messages, want_chunks, pending;
};

// One call into Go per batch of messages and pieces (the library hands
// several over at once: a cgo callback costs much more than a C call),
// none for a batch of only what Go does not want.
static int imapcgo_on_batch(void *ud, const imapc_stream_item *items, size_t n) {
	struct imapcgo_stream *s = ud;
	size_t i;
	for (i = 0; i < n; i++) {
		uint32_t k = items[i].kind;
		if (k == IMAPC_STREAM_ITEM_CHUNK ? s->want_chunks
		    : k == IMAPC_STREAM_ITEM_WAIT ? s->pending : s->want_messages)
			return imapcgoBatch(s->h, (imapc_stream_item *)items, n, &s->pending);
	}
	return 0;
}

static void imapcgo_on_log(void *ud, uint32_t level, const char *target, const char *msg) {
	(void)ud;
	imapcgoLog(level, (char *)target, (char *)msg);
}

static imapc_result imapcgo_fetch_stream(imapc_client *c, const char *set, const uint32_t *ids, size_t n,
                                         const char *items, uint64_t threshold, int want_messages,
                                         int want_chunks, int want_wait, uintptr_t h, size_t *count,
                                         imapc_error **err) {
	imapc_batch_callback on_batch = want_messages || want_chunks ? imapcgo_on_batch : NULL;
	struct imapcgo_stream s = {h, want_messages, want_chunks, 0};
	uint32_t version = IMAPC_STREAM_ITEM_VERSION | (want_wait ? IMAPC_STREAM_WANT_WAIT : 0);
	if (set != NULL)
		return imapc_client_fetch_stream_batched(c, set, items, threshold, version, on_batch, &s, count,
		                                         err);
	return imapc_client_fetch_stream_batched_ids(c, ids, n, items, threshold, version, on_batch, &s,
	                                             count, err);
}

static int imapcgo_sasl_step(void *ud, const uint8_t *challenge, size_t len, imapc_sasl_reply *reply) {
	return imapcgoSASLStep((uintptr_t)ud, (uint8_t *)challenge, len, reply);
}

static imapc_result imapcgo_authenticate_sasl(imapc_client *c, const char *mechanism, int client_first,
                                              uintptr_t h, imapc_error **err) {
	return imapc_client_authenticate_sasl(c, mechanism, client_first != 0, imapcgo_sasl_step, (void *)h, err);
}

static void imapcgo_set_log(uint32_t max_level) {
	imapc_log_set_callback(max_level ? imapcgo_on_log : NULL, NULL, max_level);
}

// What the client getters report (see clientInfo in client.go), read in
// one call into C: the flags, the APPEND limit, the compression counters,
// and the capabilities the client uses written space-separated to buf, of
// which info->caps_len is the length needed (more than cap: not all was
// written, call again with more room). With masks (MaskCapability was
// used) only those imapc_client_has_capability accepts are written, so
// masked ones are left out; without, the check (a tenth of the time of a
// NOOP to a local server) is skipped.
// Returns 0, or -1 when the library refused (client busy or closed).
struct imapcgo_info {
	int tls, compressed, has_limit, stats_ok;
	uint64_t limit, sent, sent_wire, received, received_wire;
	size_t caps_len;
};

static int imapcgo_client_info(imapc_client *c, int masks, struct imapcgo_info *info, char *buf,
                               size_t cap) {
	imapc_string_list *l = NULL;
	size_t i, n, len = 0;
	if (imapc_client_capabilities(c, &l, NULL) != IMAPC_OK)
		return -1;
	info->tls = imapc_client_is_tls(c);
	info->compressed = imapc_client_is_compressed(c);
	info->has_limit = imapc_client_append_limit(c, &info->limit);
	info->stats_ok = imapc_client_compression_stats(c, &info->sent, &info->sent_wire, &info->received,
	                                                &info->received_wire);
	n = imapc_string_list_count(l);
	for (i = 0; i < n; i++) {
		const char *s = imapc_string_list_get(l, i);
		size_t k = strlen(s);
		if (masks && !imapc_client_has_capability(c, s))
			continue;
		if (len > 0) {
			if (len < cap)
				buf[len] = ' ';
			len++;
		}
		if (len + k <= cap)
			memcpy(buf + len, s, k);
		len += k;
	}
	imapc_string_list_free(l);
	info->caps_len = len;
	return 0;
}

// Wait until fd or wakefd is readable: bit 1 for fd, bit 2 for wakefd,
// 0 on timeout, -1 on error.
static int imapcgo_poll2(int fd, int wakefd, int timeout_ms) {
	struct pollfd p[2];
	p[0].fd = fd; p[0].events = POLLIN; p[0].revents = 0;
	p[1].fd = wakefd; p[1].events = POLLIN; p[1].revents = 0;
	int r = poll(p, 2, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	int out = 0;
	if (p[0].revents) out |= 1;
	if (p[1].revents) out |= 2;
	return out;
}
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

func cFetchStream(p *C.imapc_client, set *C.char, ids *C.uint32_t, n C.size_t, items *C.char,
	threshold uint64, wantMessages, wantChunks, wantWait bool, h cgo.Handle, count *C.size_t,
	e **C.imapc_error) C.imapc_result {
	return C.imapcgo_fetch_stream(p, set, ids, n, items, C.uint64_t(threshold), cBool(wantMessages),
		cBool(wantChunks), cBool(wantWait), C.uintptr_t(h), count, e)
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// cInfo is imapcgo_info in Go.
type cInfo struct {
	tls, compressed, hasLimit, statsOK bool
	limit                              uint64
	stats                              CompressionStats
	capsLen                            int
}

// infoScratch is the memory cClientInfo reads into, kept with its client
// so that a reading allocates nothing.
type infoScratch struct {
	i   C.struct_imapcgo_info
	buf []byte
}

// cClientInfo reads what the getters report, the capabilities into
// sc.buf (see imapcgo_client_info); false when the library refused.
func cClientInfo(p *C.imapc_client, masks bool, sc *infoScratch) (cInfo, bool) {
	var b *C.char
	if len(sc.buf) > 0 {
		b = (*C.char)(unsafe.Pointer(&sc.buf[0]))
	}
	i := &sc.i
	if C.imapcgo_client_info(p, cBool(masks), i, b, C.size_t(len(sc.buf))) != 0 {
		return cInfo{}, false
	}
	return cInfo{
		tls: i.tls != 0, compressed: i.compressed != 0, hasLimit: i.has_limit != 0, statsOK: i.stats_ok != 0,
		limit:   uint64(i.limit),
		stats:   CompressionStats{uint64(i.sent), uint64(i.sent_wire), uint64(i.received), uint64(i.received_wire)},
		capsLen: int(i.caps_len),
	}, true
}

func cSetLogLevel(level uint32) { C.imapcgo_set_log(C.uint32_t(level)) }

func cPoll2(fd, wakefd int, timeoutMs int) int {
	return int(C.imapcgo_poll2(C.int(fd), C.int(wakefd), C.int(timeoutMs)))
}

func cAuthenticateSASL(p *C.imapc_client, mechanism *C.char, clientFirst bool, h cgo.Handle, e **C.imapc_error) C.imapc_result {
	return C.imapcgo_authenticate_sasl(p, mechanism, cBool(clientFirst), C.uintptr_t(h), e)
}
