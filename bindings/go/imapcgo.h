/* Types shared by the C preambles of the Go binding (bridge.go, exports.go).
 * Not part of the library's API. */
#ifndef IMAPCGO_H
#define IMAPCGO_H

#include <stddef.h>
#include <stdint.h>
#include <imapclient.h>

/* How many sections' data a imapcgo_msg carries; Go asks the library for
 * the others. */
#define IMAPCGO_SECTIONS 8

struct imapcgo_section {
	const uint8_t *data; /* NULL when NIL or streamed */
	size_t len;
};

/* What Go reads of a message, gathered on the C side so that one call into
 * Go carries it all, with no call back into C per field: the pack and the
 * first IMAPCGO_SECTIONS sections. All borrowed from m. */
struct imapcgo_msg {
	const imapc_message *m;
	const uint8_t *pack;
	size_t pack_len;
	size_t nsections; /* all of them, also those beyond IMAPCGO_SECTIONS */
	struct imapcgo_section sections[IMAPCGO_SECTIONS];
};

#endif
