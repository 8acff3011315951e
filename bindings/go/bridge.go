package imapclient

// C trampolines between the library's callback types and the exported Go
// functions, and poll(2) for IDLE. userdata carries a runtime/cgo.Handle
// as an integer, so no Go pointer crosses into C.

/*
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stddef.h>
#include <imapclient.h>
#include "imapcgo.h"

extern int imapcgoMessage(uintptr_t h, struct imapcgo_msg *g);
extern int imapcgoChunk(uintptr_t h, uint32_t seq, uint32_t uid, char *section,
                        uint64_t offset, uint64_t total, uint8_t *data, size_t len);
extern void imapcgoLog(uint32_t level, char *target, char *msg);

// A fetch's userdata: the Go handle, and the threshold up to which
// sections come whole with their message.
struct imapcgo_stream {
	uintptr_t h;
	uint64_t threshold;
};

static void imapcgo_gather(const imapc_message *m, struct imapcgo_msg *g) {
	size_t i;
	g->m = m;
	if (!imapc_message_pack(m, &g->pack, &g->pack_len)) {
		g->pack = NULL;
		g->pack_len = 0;
	}
	g->nsections = imapc_message_section_count(m);
	for (i = 0; i < g->nsections && i < IMAPCGO_SECTIONS; i++) {
		struct imapcgo_section *s = &g->sections[i];
		if (!imapc_message_section_data(m, i, &s->data, &s->len)) {
			s->data = NULL;
			s->len = 0;
		}
	}
}

static int imapcgo_on_message(void *ud, const imapc_message *m) {
	struct imapcgo_msg g;
	imapcgo_gather(m, &g);
	return imapcgoMessage(((struct imapcgo_stream *)ud)->h, &g);
}

static int imapcgo_on_chunk(void *ud, uint32_t seq, uint32_t uid, const char *section,
                            uint64_t offset, uint64_t total, const uint8_t *data, size_t len) {
	struct imapcgo_stream *s = ud;
	// A section up to the threshold is also in its message: Go takes it
	// from there, one callback instead of two.
	if (total <= s->threshold)
		return 0;
	return imapcgoChunk(s->h, seq, uid, (char *)section, offset, total, (uint8_t *)data, len);
}

static void imapcgo_on_log(void *ud, uint32_t level, const char *target, const char *msg) {
	(void)ud;
	imapcgoLog(level, (char *)target, (char *)msg);
}

static imapc_result imapcgo_fetch_stream(imapc_client *c, const char *set, const uint32_t *ids, size_t n,
                                         const char *items, uint64_t threshold, int want_messages,
                                         int want_chunks, uintptr_t h, size_t *count, imapc_error **err) {
	imapc_message_callback on_msg = want_messages ? imapcgo_on_message : NULL;
	imapc_chunk_callback on_chunk = want_chunks ? imapcgo_on_chunk : NULL;
	struct imapcgo_stream s = {h, threshold};
	if (set != NULL)
		return imapc_client_fetch_stream(c, set, items, threshold, on_msg, on_chunk, &s, count, err);
	return imapc_client_fetch_stream_ids(c, ids, n, items, threshold, on_msg, on_chunk, &s, count,
	                                     err);
}

static void imapcgo_set_log(uint32_t max_level) {
	imapc_log_set_callback(max_level ? imapcgo_on_log : NULL, NULL, max_level);
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

import "runtime/cgo"

func cFetchStream(p *C.imapc_client, set *C.char, ids *C.uint32_t, n C.size_t, items *C.char,
	threshold uint64, wantMessages, wantChunks bool, h cgo.Handle, count *C.size_t, e **C.imapc_error) C.imapc_result {
	return C.imapcgo_fetch_stream(p, set, ids, n, items, C.uint64_t(threshold), cBool(wantMessages),
		cBool(wantChunks), C.uintptr_t(h), count, e)
}

// cGather fills g from m (for messages that do not come through a
// streaming callback, such as IDLE's).
func cGather(m *C.imapc_message, g *C.struct_imapcgo_msg) { C.imapcgo_gather(m, g) }

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func cSetLogLevel(level uint32) { C.imapcgo_set_log(C.uint32_t(level)) }

func cPoll2(fd, wakefd int, timeoutMs int) int {
	return int(C.imapcgo_poll2(C.int(fd), C.int(wakefd), C.int(timeoutMs)))
}
