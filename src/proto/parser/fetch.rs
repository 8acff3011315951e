//! FETCH items, ENVELOPE and BODYSTRUCTURE: the hot path.

use std::borrow::Cow;

use super::*;

/// Parse a FETCH item list `(...)` on its own (for callers that frame
/// FETCH data themselves); `max_depth` bounds the nesting.
pub fn parse_fetch_items(input: &[u8], max_depth: usize) -> Result<Vec<FetchItem<'_>>, ParseError> {
    match fetch_list(input, max_depth) {
        Ok((_, v)) => Ok(v),
        Err(e) => Err(to_parse_error(input, e)),
    }
}

/// `( item *(SP item) )`. A malformed item becomes [`FetchItem::Error`]
/// covering its balanced extent; the rest are kept.
pub(crate) fn fetch_list(i: &[u8], budget: usize) -> Res<'_, Vec<FetchItem<'_>>> {
    if budget == 0 {
        return fail(i, "nesting too deep");
    }
    let budget = budget - 1;
    let (mut i, ()) = byte(i, b'(')?;
    let mut items = Vec::with_capacity(8);
    loop {
        let r = match i {
            [b' ', c, ..] if *c != b' ' && *c != b')' && !items.is_empty() => &i[1..],
            [b')', rest @ ..] => {
                if items.is_empty() {
                    log::debug!(target: LOG, "quirk: empty FETCH list");
                }
                return Ok((rest, items));
            }
            [b' ', ..] => {
                log::debug!(target: LOG, "quirk: extra space in a FETCH list");
                let r = skip_spaces(i);
                if let Some(rest) = r.strip_prefix(b")") {
                    return Ok((rest, items));
                }
                r
            }
            _ if items.is_empty() => i,
            _ => return fail(i, "expected a space or ')' after a FETCH item"),
        };
        let start = r;
        let res = fetch_item(r, budget).and_then(|(r2, item)| match r2.first() {
            Some(b' ') | Some(b')') => Ok((r2, item)),
            _ => fail(r2, "unexpected bytes after a FETCH item"),
        });
        match res {
            Ok((r2, item)) => {
                items.push(item);
                i = r2;
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                // Skip the item's name, section and value, keep it raw.
                let (r2, _) = skip_item(start)?;
                let raw = &start[..start.len() - r2.len()];
                log::debug!(target: LOG, "malformed FETCH item kept as an error: {}", e.msg);
                items.push(FetchItem::Error {
                    raw: Cow::Borrowed(raw),
                    message: e.msg.to_string(),
                });
                i = r2;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Name (with `[section]` and `<origin>`), SP, one balanced value.
/// The skip is iterative, so no depth bound is needed to find the end.
fn skip_item(i: &[u8]) -> Res<'_, ()> {
    let (r, _) = item_name(i)?;
    let (r, ()) = sp(r)?;
    let (r, _) = skip_value(r, usize::MAX)?;
    Ok((r, ()))
}

/// An item name with its optional `[section]` and `<origin>`.
fn item_name(i: &[u8]) -> Res<'_, &[u8]> {
    let (mut r, _) = name_atom(i)?;
    if r.first() == Some(&b'[') {
        let (r2, _) = section(r)?;
        r = r2;
    }
    if r.first() == Some(&b'<') {
        let (r2, _) = origin(r)?;
        r = r2;
    }
    Ok((r, &i[..i.len() - r.len()]))
}

/// `[section]`: the raw text between the brackets.
fn section(i: &[u8]) -> Res<'_, &[u8]> {
    let (r, ()) = byte(i, b'[')?;
    match memchr::memchr2(b']', b'\n', r) {
        Some(k) if r[k] == b']' => Ok((&r[k + 1..], &r[..k])),
        _ => fail(i, "unterminated section"),
    }
}

/// `<number>`.
fn origin(i: &[u8]) -> Res<'_, u32> {
    delimited(byte_p(b'<'), number_u32, byte_p(b'>')).parse(i)
}

/// NIL / string, and whether a literal was streamed.
fn nstring_streamed(i: &[u8]) -> Res<'_, (Option<Bytes<'_>>, bool)> {
    match i.first() {
        Some(b'{') | Some(b'~') => literal(i).map(|(r, (s, st))| (r, (Some(s), st))),
        _ => nstring(i).map(|(r, s)| (r, (s, false))),
    }
}

#[inline(always)]
fn eq(a: &[u8], b: &[u8]) -> bool {
    keyword_eq(a, b)
}

/// An item name: atom characters up to `[`.
#[inline]
fn name_atom(i: &[u8]) -> Res<'_, &[u8]> {
    let n = i
        .iter()
        .position(|&b| b == b'[' || CHARS[b as usize] & ATOM_STOP != 0)
        .unwrap_or(i.len());
    if n == 0 {
        return fail(i, "expected a FETCH item name");
    }
    Ok((&i[n..], &i[..n]))
}

fn fetch_item(i: &[u8], budget: usize) -> Res<'_, FetchItem<'_>> {
    let (r, name) = name_atom(i)?;
    let first = name.first().map_or(0, u8::to_ascii_uppercase);
    // Dispatch on first byte then compare case-insensitively: no alt chain.
    match first {
        b'U' if eq(name, b"UID") => {
            let (r, ()) = sp(r)?;
            let (r, n) = number_u32(r)?;
            return Ok((r, FetchItem::Uid(n)));
        }
        b'F' if eq(name, b"FLAGS") => {
            let (r, ()) = sp(r)?;
            let (r, v) = flag_list(r)?;
            return Ok((r, FetchItem::Flags(v)));
        }
        b'I' if eq(name, b"INTERNALDATE") => {
            let (r, ()) = sp(r)?;
            let (r, s) = string_or_nil(r)?;
            return Ok((r, FetchItem::InternalDate(s)));
        }
        b'E' if eq(name, b"ENVELOPE") => {
            let (r, ()) = sp(r)?;
            let mut e = Box::<Envelope>::default();
            let (r, ()) = envelope_into(r, budget, &mut e)?;
            return Ok((r, FetchItem::Envelope(e)));
        }
        b'E' if eq(name, b"EMAILID") => {
            let (r, ()) = sp(r)?;
            let (r, id) = objectid_in_parens(r, name, "EMAILID is not an object id")?;
            return Ok((r, FetchItem::EmailId(Cow::Borrowed(id))));
        }
        b'B' if eq(name, b"BODYSTRUCTURE") => {
            let (r, ()) = sp(r)?;
            let mut b = Box::<BodyPart>::default();
            let (r, ()) = body_into(r, budget, &mut b)?;
            return Ok((r, FetchItem::BodyStructure(b)));
        }
        b'B' if eq(name, b"BODY") => {
            if r.first() == Some(&b'[') {
                let (r, (section, origin, data, streamed)) = section_data(r)?;
                return Ok((
                    r,
                    FetchItem::Section {
                        section: Cow::Borrowed(section),
                        origin,
                        data,
                        streamed,
                    },
                ));
            }
            let (r, ()) = sp(r)?;
            let mut b = Box::<BodyPart>::default();
            let (r, ()) = body_into(r, budget, &mut b)?;
            return Ok((r, FetchItem::BodyStructure(b)));
        }
        b'B' if eq(name, b"BINARY") => {
            let (r, (section, origin, data, streamed)) = section_data(r)?;
            return Ok((
                r,
                FetchItem::Binary {
                    section: Cow::Borrowed(section),
                    origin,
                    data,
                    streamed,
                },
            ));
        }
        b'B' if eq(name, b"BINARY.SIZE") => {
            let (r, section) = section(r)?;
            let (r, ()) = sp(r)?;
            let (r, size) = number_u64(r)?;
            return Ok((
                r,
                FetchItem::BinarySize {
                    section: Cow::Borrowed(section),
                    size,
                },
            ));
        }
        b'R' if name.len() >= 6 && eq(&name[..6], b"RFC822") => {
            let sect: &'static [u8] = match &name[6..] {
                b"" => b"",
                s if eq(s, b".SIZE") => {
                    let (r, ()) = sp(r)?;
                    let (r, n) = number_u64(r)?;
                    return Ok((r, FetchItem::Rfc822Size(n)));
                }
                s if eq(s, b".HEADER") => b"HEADER",
                s if eq(s, b".TEXT") => b"TEXT",
                _ => return other_item(i, budget),
            };
            let (r, ()) = sp(r)?;
            let (r, (data, streamed)) = nstring_streamed(r)?;
            return Ok((
                r,
                FetchItem::Section {
                    section: Cow::Borrowed(sect),
                    origin: None,
                    data,
                    streamed,
                },
            ));
        }
        b'M' if eq(name, b"MODSEQ") => {
            let (r, ()) = sp(r)?;
            let (r, n) = delimited(byte_p(b'('), number_u64, byte_p(b')')).parse(r)?;
            return Ok((r, FetchItem::ModSeq(n)));
        }
        b'X' if eq(name, b"X-GM-MSGID") => {
            let (r, n) = preceded(sp, number_u64).parse(r)?;
            return Ok((r, FetchItem::GmMsgId(n)));
        }
        b'X' if eq(name, b"X-GM-THRID") => {
            let (r, n) = preceded(sp, number_u64).parse(r)?;
            return Ok((r, FetchItem::GmThrId(n)));
        }
        b'X' if eq(name, b"X-GM-LABELS") => {
            let (r, ()) = sp(r)?;
            let (r, v) = paren_list(r, 4, astring)?;
            return Ok((r, FetchItem::GmLabels(v)));
        }
        b'T' if eq(name, b"THREADID") => {
            let (r, ()) = sp(r)?;
            if let Some(r) = nil(r) {
                return Ok((r, FetchItem::ThreadId(None)));
            }
            let (r, id) = objectid_in_parens(r, name, "THREADID is not an object id")?;
            if id.eq_ignore_ascii_case(b"NIL") {
                // Cyrus 3.6 without conversations: `THREADID (NIL)`, not
                // the grammar's bare NIL; no thread id, not one "NIL"
                // shared by every message.
                log::debug!(target: LOG, "quirk: THREADID (NIL)");
                return Ok((r, FetchItem::ThreadId(None)));
            }
            return Ok((r, FetchItem::ThreadId(Some(Cow::Borrowed(id)))));
        }
        b'S' if eq(name, b"SAVEDATE") => {
            let (r, s) = sp_nstring(r)?;
            return Ok((r, FetchItem::SaveDate(s)));
        }
        b'P' if eq(name, b"PREVIEW") => {
            let (r, s) = sp_nstring(r)?;
            return Ok((r, FetchItem::Preview(s)));
        }
        _ => {}
    }
    other_item(i, budget)
}

/// An unknown item: name (with any section) and one raw balanced value.
fn other_item(i: &[u8], budget: usize) -> Res<'_, FetchItem<'_>> {
    let (r, name) = item_name(i)?;
    let (r, ()) = sp(r)?;
    let (r, value) = skip_value(r, budget)?;
    Ok((
        r,
        FetchItem::Other {
            name: Cow::Borrowed(name),
            value: Cow::Borrowed(value),
        },
    ))
}

type SectionData<'a> = (&'a [u8], Option<u32>, Option<Bytes<'a>>, bool);

/// `[section]<origin> SP nstring` after BODY or BINARY.
fn section_data(i: &[u8]) -> Res<'_, SectionData<'_>> {
    let (r, sect) = section(i)?;
    let (r, origin) = if r.first() == Some(&b'<') {
        let (r, o) = origin(r)?;
        (r, Some(o))
    } else {
        (r, None)
    };
    let (r, ()) = sp(r)?;
    let (r, (data, streamed)) = nstring_streamed(r)?;
    Ok((r, (sect, origin, data, streamed)))
}

/// `(date subject from sender reply-to to cc bcc in-reply-to message-id)`,
/// filled in place (the model's structs are large: no moves on the hot path).
pub(crate) fn envelope_into<'a>(i: &'a [u8], budget: usize, e: &mut Envelope<'a>) -> Res<'a, ()> {
    if budget < 3 {
        return fail(i, "nesting too deep");
    }
    let (r, ()) = byte(i, b'(')?;
    let (r, date) = nstring(r)?;
    e.date = date;
    let (r, subject) = sp_nstring(r)?;
    e.subject = subject;
    let mut r = r;
    for list in 0..6 {
        let (r2, ()) = sp(r)?;
        let (r2, ()) = address_list(r2, e, list)?;
        r = r2;
    }
    let (r, in_reply_to) = sp_nstring(r)?;
    e.in_reply_to = in_reply_to;
    let (r, message_id) = sp_nstring(r)?;
    e.message_id = message_id;
    close(r)
}

/// `)`, with trailing spaces before it accepted as a quirk.
#[inline(always)]
fn close(i: &[u8]) -> Res<'_, ()> {
    match i {
        [b')', rest @ ..] => Ok((rest, ())),
        [b' ', ..] => {
            log::debug!(target: LOG, "quirk: trailing space before ')'");
            byte(skip_spaces(i), b')')
        }
        _ => fail(i, "expected ')'"),
    }
}

/// NIL or `(address+)`; spaces between addresses accepted as a quirk.
fn address_list<'a>(i: &'a [u8], e: &mut Envelope<'a>, list: usize) -> Res<'a, ()> {
    if let Some(r) = nil(i) {
        return Ok((r, ()));
    }
    let (mut r, ()) = byte(i, b'(')?;
    loop {
        match r.first() {
            Some(b')') => return Ok((&r[1..], ())),
            Some(b' ') => {
                log::debug!(target: LOG, "quirk: space between addresses");
                r = skip_spaces(r);
                continue;
            }
            _ => {}
        }
        let (r2, ()) = byte(r, b'(')?;
        let (r2, name) = nstring(r2)?;
        let (r2, adl) = sp_nstring(r2)?;
        let (r2, mailbox) = sp_nstring(r2)?;
        let (r2, host) = sp_nstring(r2)?;
        let (r2, ()) = close(r2)?;
        // The lists are read in order: never refused.
        e.push_address(
            list,
            Address {
                name,
                adl,
                mailbox,
                host,
            },
        );
        r = r2;
    }
}

/// If another field follows (SP not followed by `)`), the input after the
/// space; otherwise `None` (the caller then expects `)`).
#[inline(always)]
fn next_field(i: &[u8]) -> Option<&[u8]> {
    match i {
        [b' ', c, ..] if *c != b' ' && *c != b')' => Some(&i[1..]),
        [b' ', ..] => {
            let r = skip_spaces(i);
            if r.first() == Some(&b')') {
                log::debug!(target: LOG, "quirk: trailing space before ')'");
                None
            } else {
                log::debug!(target: LOG, "quirk: doubled space");
                Some(r)
            }
        }
        _ => None,
    }
}

/// NIL or `(string string ...)` pairs.
fn params(i: &[u8]) -> Res<'_, Vec<(Bytes<'_>, Bytes<'_>)>> {
    if let Some(r) = nil(i) {
        return Ok((r, Vec::new()));
    }
    let (mut r, ()) = byte(i, b'(')?;
    let mut out = Vec::with_capacity(2);
    loop {
        r = match r.first() {
            Some(b')') => return Ok((&r[1..], out)),
            Some(b' ') if !out.is_empty() => &r[1..],
            _ if out.is_empty() => r,
            _ => return fail(r, "expected a space or ')'"),
        };
        let (r2, k) = string_or_nil(r)?;
        let (r2, ()) = sp(r2)?;
        let (r2, v) = string_or_nil(r2)?;
        out.push((k, v));
        r = r2;
    }
}

/// Disposition: NIL, `(string params)`, or (quirk) a bare string.
fn disposition(i: &[u8]) -> Res<'_, Option<Disposition<'_>>> {
    if let Some(r) = nil(i) {
        return Ok((r, None));
    }
    if i.first() != Some(&b'(') {
        let (r, kind) = string(i)?;
        log::debug!(target: LOG, "quirk: bare string as a disposition");
        return Ok((
            r,
            Some(Disposition {
                kind,
                params: Vec::new(),
            }),
        ));
    }
    let (r, ()) = byte(i, b'(')?;
    let (r, kind) = string(r)?;
    let (r, ()) = sp(r)?;
    let (r, params) = params(r)?;
    let (r, ()) = close(r)?;
    Ok((r, Some(Disposition { kind, params })))
}

/// Language: NIL, a string, or a list of strings.
fn language(i: &[u8]) -> Res<'_, Vec<Bytes<'_>>> {
    if i.first() == Some(&b'(') {
        return paren_list(i, 1, string);
    }
    let (r, s) = nstring(i)?;
    Ok((r, s.into_iter().collect()))
}

/// Optional extension fields shared by both kinds of part, from
/// disposition on; `i` is at the SP before disposition (or `)`).
fn body_ext_tail<'a>(i: &'a [u8], part: &mut BodyPart<'a>, budget: usize) -> Res<'a, ()> {
    let Some(r) = next_field(i) else {
        return Ok((i, ()));
    };
    let (r, d) = disposition(r)?;
    part.disposition = d;
    let Some(r) = next_field(r) else {
        return Ok((r, ()));
    };
    let (r, l) = language(r)?;
    part.language = l;
    let Some(r) = next_field(r) else {
        return Ok((r, ()));
    };
    let (r, loc) = nstring(r)?;
    part.location = loc;
    // Anything further is future extension data: keep it raw.
    let start = r;
    let mut r = r;
    while let Some(r2) = next_field(r) {
        let (r3, _) = skip_value(r2, budget)?;
        r = r3;
    }
    if r.len() != start.len() {
        let raw = &start[..start.len() - r.len()];
        part.extension = Some(Cow::Borrowed(raw.strip_prefix(b" ").unwrap_or(raw)));
    }
    Ok((r, ()))
}

/// BODY / BODYSTRUCTURE: one part or a multipart tree, filled into
/// `part` (a default `BodyPart`). `budget` bounds the nesting.
///
/// The recursive functions (`body_into`, `multipart_into`) only steer; the
/// field parsing sits in `#[inline(never)]` helpers so each nesting level
/// costs a small stack frame, even in debug builds.
pub(crate) fn body_into<'a>(i: &'a [u8], budget: usize, part: &mut BodyPart<'a>) -> Res<'a, ()> {
    if budget == 0 {
        return fail(i, "nesting too deep");
    }
    let budget = budget - 1;
    let (r, ()) = byte(i, b'(')?;
    if r.first() == Some(&b'(') {
        return multipart_into(r, budget, part);
    }
    let (mut r, is_message) = single_head(r, part)?;
    if is_message {
        let mut m = Box::<(Envelope, BodyPart)>::default();
        let (r2, ()) = message_envelope(r, budget, &mut m.0)?;
        let (r2, ()) = body_into(r2, budget, &mut m.1)?;
        part.message = Some(m);
        r = r2;
    }
    single_tail(r, part, budget, is_message)
}

/// type, subtype, params, id, description, encoding, size, and for text
/// parts the line count. Returns whether a message/rfc822 body follows.
#[inline(never)]
fn single_head<'a>(r: &'a [u8], part: &mut BodyPart<'a>) -> Res<'a, bool> {
    let (r, media_type) = string_or_nil(r)?;
    part.media_type = media_type;
    let (r, ()) = sp(r)?;
    let (r, media_subtype) = string_or_nil(r)?;
    part.media_subtype = media_subtype;
    let (r, ()) = sp(r)?;
    let (r, params) = params(r)?;
    part.params = params;
    let (r, id) = sp_nstring(r)?;
    part.id = id;
    let (r, description) = sp_nstring(r)?;
    part.description = description;
    let (r, encoding) = sp_nstring(r)?;
    part.encoding = encoding;
    let (r, ()) = sp(r)?;
    let (r, size) = number_or_minus1(r)?;
    part.size = size.unwrap_or(0);
    if eq(&part.media_type, b"TEXT") {
        let (r, ()) = sp(r)?;
        let (r, lines) = number_or_minus1(r)?;
        part.lines = lines;
        return Ok((r, false));
    }
    let is_message = eq(&part.media_type, b"MESSAGE")
        && (eq(&part.media_subtype, b"RFC822") || eq(&part.media_subtype, b"GLOBAL"))
        && r.starts_with(b" (");
    Ok((r, is_message))
}

/// ` envelope ` before the enclosed body of a message/rfc822 part.
#[inline(never)]
fn message_envelope<'a>(r: &'a [u8], budget: usize, env: &mut Envelope<'a>) -> Res<'a, ()> {
    let (r, ()) = sp(r)?;
    let (r, ()) = envelope_into(r, budget, env)?;
    sp(r)
}

/// The line count of a message/rfc822 part, then extension data (md5,
/// disposition, language, location, more) and `)`.
#[inline(never)]
fn single_tail<'a>(
    r: &'a [u8],
    part: &mut BodyPart<'a>,
    budget: usize,
    is_message: bool,
) -> Res<'a, ()> {
    let mut r = r;
    if is_message {
        let (r2, ()) = sp(r)?;
        let (r2, lines) = number_or_minus1(r2)?;
        part.lines = lines;
        r = r2;
    }
    if let Some(r2) = next_field(r) {
        let (r2, md5) = nstring(r2)?;
        part.md5 = md5;
        let (r2, ()) = body_ext_tail(r2, part, budget)?;
        r = r2;
    }
    close(r)
}

fn multipart_into<'a>(i: &'a [u8], budget: usize, part: &mut BodyPart<'a>) -> Res<'a, ()> {
    part.media_type = Cow::Borrowed(b"multipart");
    part.children.reserve(2);
    let mut r = i;
    loop {
        part.children.push(BodyPart::default());
        let Some(child) = part.children.last_mut() else {
            return fail(r, "internal error");
        };
        let (r2, ()) = body_into(r, budget, child)?;
        r = r2;
        if r.first() == Some(&b'(') {
            continue;
        }
        if r.starts_with(b" (") {
            log::debug!(target: LOG, "quirk: space between body parts");
            r = &r[1..];
            continue;
        }
        break;
    }
    multipart_tail(r, part, budget)
}

/// Subtype, extension data and `)` of a multipart.
#[inline(never)]
fn multipart_tail<'a>(r: &'a [u8], part: &mut BodyPart<'a>, budget: usize) -> Res<'a, ()> {
    let (r, ()) = sp(r)?;
    let (mut r, media_subtype) = string_or_nil(r)?;
    part.media_subtype = media_subtype;
    if let Some(r2) = next_field(r) {
        let (r2, params) = params(r2)?;
        part.params = params;
        let (r2, ()) = body_ext_tail(r2, part, budget)?;
        r = r2;
    }
    close(r)
}
