package imapclient

import (
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// paramText is the decoded value of the MIME parameter name of ps (see
// BodyPart.Filename): the RFC 2231 form (name*, or the continuations
// name*0, name*0*, name*1...) before the plain one (unless the former is
// in a charset it cannot decode), whose RFC 2047 encoded words are
// decoded.
func paramText(ps Params, name string) string {
	if v, ok := ps.Lookup(name + "*"); ok {
		if text, ok := decode2231(v); ok {
			return text
		}
		if _, plain := ps.Lookup(name); !plain {
			return v
		}
		// In a charset it cannot decode: the plain one, meant for that.
	}
	if v, ok := continuations(ps, name); ok {
		return v
	}
	v := ps.Get(name)
	if strings.Contains(v, "=?") {
		if text, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
			return text
		}
	}
	return v
}

// continuations joins the RFC 2231 section 3 and 4.1 pieces name*0,
// name*1... (each name*N* percent-encoded, the charset given by the
// first); false when there is no name*0 or name*0*.
func continuations(ps Params, name string) (string, bool) {
	prefix := strings.ToLower(name) + "*"
	type piece struct {
		v       string
		encoded bool
	}
	pieces := map[int]piece{}
	for _, p := range ps {
		rest, ok := strings.CutPrefix(strings.ToLower(p.Name), prefix)
		if !ok {
			continue
		}
		enc := strings.HasSuffix(rest, "*")
		n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
		if err != nil || n < 0 || (n > 0 && rest[0] == '0') {
			continue
		}
		if _, dup := pieces[n]; !dup {
			pieces[n] = piece{p.Value, enc}
		}
	}
	first, ok := pieces[0]
	if !ok {
		return "", false
	}
	charset := ""
	var raw []byte
	for i := 0; ; i++ {
		pc, ok := pieces[i]
		if !ok {
			break
		}
		v := pc.v
		if i == 0 && first.encoded {
			cs, value, ok := splitExtended(v)
			if !ok {
				return first.v, true
			}
			charset, v = cs, value
		}
		if pc.encoded {
			b, ok := unescapePercent(v)
			if !ok {
				return first.v, true
			}
			raw = append(raw, b...)
		} else {
			raw = append(raw, v...)
		}
	}
	if !first.encoded {
		return string(raw), true
	}
	text, ok := decodeCharset(charset, raw)
	if !ok {
		return first.v, true
	}
	return text, true
}

// decode2231 decodes an RFC 2231 extended value, charset'language'
// percent-encoded text.
func decode2231(v string) (string, bool) {
	cs, value, ok := splitExtended(v)
	if !ok {
		return "", false
	}
	raw, ok := unescapePercent(value)
	if !ok {
		return "", false
	}
	return decodeCharset(cs, raw)
}

// splitExtended splits charset'language'value (the language is dropped).
func splitExtended(v string) (charset, value string, ok bool) {
	charset, rest, ok1 := strings.Cut(v, "'")
	_, value, ok2 := strings.Cut(rest, "'")
	return charset, value, ok1 && ok2
}

// unescapePercent undoes %XX escapes (nothing else: '+' stays '+').
func unescapePercent(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return nil, false
		}
		b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return nil, false
		}
		out = append(out, byte(b))
		i += 2
	}
	return out, true
}

// decodeCharset makes text of raw in charset: UTF-8 (or none given) and
// US-ASCII must be valid UTF-8; ISO-8859-1 maps each byte to its code
// point. False for another charset.
func decodeCharset(charset string, raw []byte) (string, bool) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "", "us-ascii", "ascii":
		if !utf8.Valid(raw) {
			return "", false
		}
		return string(raw), true
	case "iso-8859-1", "latin1", "iso8859-1", "iso_8859-1":
		r := make([]rune, len(raw))
		for i, b := range raw {
			r[i] = rune(b)
		}
		return string(r), true
	}
	return "", false
}
