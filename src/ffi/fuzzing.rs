//! For the `pack` fuzz target and the tests only (hidden, not part of the
//! C ABI): FETCH responses collected by the C buffered fetch's two paths,
//! and everything a C program can read of a message, as text.

use std::ffi::CStr;
use std::fmt::Write;
use std::os::raw::c_char;

use super::message::*;
use crate::client::FetchSink;
use crate::client::Messages;
use crate::proto::framer::{Event, Framer, Limits};
use crate::proto::parser::parse_response;
use crate::proto::types as pt;

/// The FETCH responses framed from `input` (anything else is skipped),
/// collected as the C buffered fetch does (packed from the parse, as they
/// arrive) and, for reference, as owned messages packed at the end. The
/// two lists must have the same packs.
pub fn lists_from_responses(input: &[u8]) -> (Box<imapc_message_list>, Box<imapc_message_list>) {
    let mut framer = Framer::new(Limits::default());
    framer.feed(input);
    let mut owned = Messages::new(true);
    let mut sink = PackingSink::new(true);
    loop {
        match framer.next_event() {
            Ok(Some(Event::Frame(frame))) => {
                if let Ok(pt::Response::Untagged(pt::Untagged::Fetch { seq, items })) =
                    parse_response(frame)
                {
                    owned.merge(seq, items.clone());
                    sink.response(seq, items);
                }
            }
            Ok(Some(Event::LiteralChunk { .. })) => {}
            Ok(None) => break,
            Err(_) => {}
        }
    }
    (
        Box::new(sink.finish(Vec::new())),
        Box::new(imapc_message_list::new(owned, Vec::new())),
    )
}

/// The packs of a list's messages.
pub fn packs(l: &imapc_message_list) -> Vec<Vec<u8>> {
    (0..imapc_message_list_count(l))
        .map(|i| {
            let m = imapc_message_list_get(l, i);
            let (mut p, mut n) = (std::ptr::null(), 0);
            // SAFETY: a live message of `l`; the pack lives as long.
            unsafe {
                imapc_message_pack(m, &mut p, &mut n);
                std::slice::from_raw_parts(p, n).to_vec()
            }
        })
        .collect()
}

fn s(p: *const c_char) -> String {
    if p.is_null() {
        return "NULL".into();
    }
    // SAFETY: the accessors return NULL or NUL-terminated strings that
    // live as long as their message.
    format!("{:?}", unsafe { CStr::from_ptr(p) }.to_string_lossy())
}

fn strings(out: &mut String, l: *const crate::ffi::lists::imapc_string_list) {
    use crate::ffi::lists::{imapc_string_list_count, imapc_string_list_get};
    if l.is_null() {
        out.push_str(" NULL");
    }
    for i in 0..imapc_string_list_count(l) {
        let _ = write!(out, " {}", s(imapc_string_list_get(l, i)));
    }
}

fn envelope(out: &mut String, e: *const imapc_envelope) {
    if e.is_null() {
        out.push_str("envelope NULL\n");
        return;
    }
    let (mut t, mut off) = (0, 0);
    // SAFETY: live envelope, writable outputs.
    let dated = unsafe { imapc_envelope_date(e, &mut t, &mut off) };
    let _ = writeln!(
        out,
        "envelope date {dated} {t} {off} raw {} subject {} in-reply-to {} id {}",
        s(imapc_envelope_date_raw(e)),
        s(imapc_envelope_subject(e)),
        s(imapc_envelope_in_reply_to(e)),
        s(imapc_envelope_message_id(e)),
    );
    for (name, l) in [
        ("from", imapc_envelope_from(e)),
        ("sender", imapc_envelope_sender(e)),
        ("reply-to", imapc_envelope_reply_to(e)),
        ("to", imapc_envelope_to(e)),
        ("cc", imapc_envelope_cc(e)),
        ("bcc", imapc_envelope_bcc(e)),
    ] {
        let _ = write!(out, " {name}:");
        for i in 0..imapc_address_list_count(l) {
            let a = imapc_address_list_get(l, i);
            let _ = write!(
                out,
                " ({} {} {} {} {})",
                s(imapc_address_name(a)),
                s(imapc_address_mailbox(a)),
                s(imapc_address_host(a)),
                s(imapc_address_route(a)),
                s(imapc_address_email(a)),
            );
        }
        out.push('\n');
    }
}

fn part(out: &mut String, p: *const imapc_body_part, depth: usize) {
    let pad = " ".repeat(depth);
    if p.is_null() {
        let _ = writeln!(out, "{pad}part NULL");
        return;
    }
    let _ = write!(
        out,
        "{pad}part {} {}/{} id {} desc {} enc {} size {} lines {} disp {} md5 {} loc {} params",
        s(imapc_body_part_number(p)),
        s(imapc_body_part_type(p)),
        s(imapc_body_part_subtype(p)),
        s(imapc_body_part_id(p)),
        s(imapc_body_part_description(p)),
        s(imapc_body_part_encoding(p)),
        imapc_body_part_size(p),
        imapc_body_part_lines(p),
        s(imapc_body_part_disposition(p)),
        s(imapc_body_part_md5(p)),
        s(imapc_body_part_location(p)),
    );
    for i in 0..imapc_body_part_param_count(p) {
        let name = imapc_body_part_param_name(p, i);
        let _ = write!(out, " {}={}", s(name), s(imapc_body_part_param_value(p, i)));
        // Lookup by name finds a value (the first of that name).
        // SAFETY: live part; `name` NULL or NUL-terminated.
        assert!(name.is_null() || !unsafe { imapc_body_part_param(p, name) }.is_null());
    }
    out.push_str(" languages");
    strings(out, imapc_body_part_languages(p));
    out.push('\n');
    // Finding the part by its own number gives it back.
    let number = imapc_body_part_number(p);
    if !number.is_null() && depth == 0 {
        // SAFETY: live part, NUL-terminated number.
        let found = unsafe { imapc_body_part_find(p, number) };
        let _ = writeln!(out, "{pad}find-self {}", found == p);
    }
    let inner = imapc_body_part_message_envelope(p);
    if !inner.is_null() {
        envelope(out, inner);
        part(out, imapc_body_part_message_body(p), depth + 1);
    }
    for i in 0..imapc_body_part_child_count(p) {
        part(out, imapc_body_part_child(p, i), depth + 1);
    }
}

/// Everything the C accessors give of the messages of `l`, as text.
pub fn dump(l: &imapc_message_list) -> String {
    let mut out = String::new();
    for i in 0..imapc_message_list_count(l) {
        let m = imapc_message_list_get(l, i);
        let (mut t, mut off) = (0, 0);
        // SAFETY: live message, writable outputs.
        let dated = unsafe { imapc_message_internal_date(m, &mut t, &mut off) };
        let _ = write!(
            out,
            "message {} uid {} size {} date {dated} {t} {off} modseq {} gm {} {} errors {} preview {} email-id {} thread-id {} flags",
            imapc_message_seq(m),
            imapc_message_uid(m),
            imapc_message_size(m),
            imapc_message_modseq(m),
            imapc_message_gm_msgid(m),
            imapc_message_gm_thrid(m),
            imapc_message_error_count(m),
            s(imapc_message_preview(m)),
            s(imapc_message_email_id(m)),
            s(imapc_message_thread_id(m)),
        );
        strings(&mut out, imapc_message_flags(m));
        out.push_str(" labels");
        strings(&mut out, imapc_message_gm_labels(m));
        out.push('\n');
        for k in 0..imapc_message_section_count(m) {
            let (mut d, mut n) = (std::ptr::null(), 0);
            // SAFETY: live message, writable outputs.
            let got = unsafe { imapc_message_section_data(m, k, &mut d, &mut n) };
            // SAFETY: `n` bytes at `d` when got.
            let data = if got && !d.is_null() {
                unsafe { std::slice::from_raw_parts(d, n) }
            } else {
                &[]
            };
            // Looked up by its name: the first section of that name.
            let name = imapc_message_section_name(m, k);
            let (mut bd, mut bn) = (std::ptr::null(), 0);
            // SAFETY: live message; `name` NULL or NUL-terminated.
            let by_name = unsafe { imapc_message_section(m, name, &mut bd, &mut bn) };
            let _ = writeln!(
                out,
                "section {} {got} {:?} by name {by_name} {bn}",
                s(name),
                String::from_utf8_lossy(data)
            );
        }
        envelope(&mut out, imapc_message_envelope(m));
        part(&mut out, imapc_message_body_structure(m), 0);
        // The views are built once: a second read gives the same objects.
        assert_eq!(imapc_message_envelope(m), imapc_message_envelope(m));
        assert_eq!(
            imapc_message_body_structure(m),
            imapc_message_body_structure(m)
        );
    }
    out
}
