//! The `max_depth` limit has a hard upper bound (`IMAPC_MAX_DEPTH_LIMIT`,
//! `proto::framer::MAX_DEPTH_LIMIT`): a BODYSTRUCTURE nested that deep must
//! go through the whole path (framer, parser, the C fetch's pack, every C
//! accessor, the Rust API's owned conversion and drop) on a thread with a
//! 512 KiB stack; one level deeper is refused with LIMIT_EXCEEDED; a limit
//! above the bound is refused by the C setter and by `Client::connect`.
//!
//! Against a scripted fake server (tests/fake).

mod fake;

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

use fake::{expect, login_steps, select_steps, send, FakeServer};
use imapclient::client::{Client, ErrorKind, Security};
use imapclient::ffi::client::*;
use imapclient::ffi::error::*;
use imapclient::ffi::lists::*;
use imapclient::ffi::message::*;
use imapclient::ffi::options::*;
use imapclient::proto::framer::MAX_DEPTH_LIMIT;
use imapclient::proto::types::BodyPart;

/// The stack of the threads that read the deep structures.
const STACK: usize = 512 << 10;

/// How the levels nest.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// multipart/mixed inside multipart/mixed ...
    Multipart,
    /// message/rfc822 enclosing message/rfc822 ... (envelope and body).
    Rfc822,
}

/// A FETCH response whose deepest parenthesis sits at `depth` as the
/// framer counts it (the FETCH list is level 1, the leaf part `depth`),
/// so it passes a `max_depth` of `depth` and fails one of `depth - 1`.
/// Also the number of body parts in it.
fn nested_fetch(depth: usize, shape: Shape) -> (Vec<u8>, usize) {
    let mut p = b"* 1 FETCH (UID 1 FLAGS (\\Seen) BODYSTRUCTURE ".to_vec();
    match shape {
        Shape::Multipart => {
            // Multipart levels at 2..depth-1, the leaf at depth.
            let levels = depth - 2;
            p.extend(std::iter::repeat(b'(').take(levels));
            p.extend_from_slice(b"(\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)");
            for _ in 0..levels {
                p.extend_from_slice(b" \"mixed\")");
            }
        }
        Shape::Rfc822 => {
            // Message levels at 2..depth-3, each with an envelope whose
            // From address sits two levels below it; the last address at
            // depth, the leaf at depth-2.
            let levels = depth - 4;
            for _ in 0..levels {
                p.extend_from_slice(
                    b"(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 100 \
                      (NIL \"s\" ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL NIL \"<id>\") ",
                );
            }
            p.extend_from_slice(b"(\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)");
            for _ in 0..levels {
                p.extend_from_slice(b" 5)");
            }
        }
    }
    p.extend_from_slice(b")\r\n");
    let parts = match shape {
        Shape::Multipart => depth - 1,
        Shape::Rfc822 => depth - 3,
    };
    (p, parts)
}

/// LOGIN, SELECT, one FETCH answered with `payload`, then a NOOP.
fn server(payload: Vec<u8>) -> FakeServer {
    let mut steps = login_steps();
    steps.extend(select_steps("A2", 1));
    steps.extend([
        expect("A3 UID FETCH 1 "),
        fake::Step::Send(payload),
        send("A3 OK Fetch completed\r\n"),
        expect("A4 NOOP"),
        send("A4 OK NOOP completed\r\n"),
    ]);
    FakeServer::start(steps)
}

/// Run `f` on a thread with a `STACK` stack (a stack overflow aborts the
/// whole test binary, which fails the test as well).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the small-stack thread panicked")
}

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Touch a C string: it must be NULL or NUL-terminated.
fn touch(p: *const c_char) -> usize {
    if p.is_null() {
        0
    } else {
        // SAFETY: the accessors return NULL or NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }.to_bytes().len()
    }
}

fn touch_strings(l: *const imapc_string_list) -> usize {
    (0..imapc_string_list_count(l))
        .map(|i| touch(imapc_string_list_get(l, i)))
        .sum()
}

fn touch_envelope(e: *const imapc_envelope) {
    let (mut t, mut off) = (0, 0);
    // SAFETY: live envelope (or NULL), writable outputs.
    unsafe { imapc_envelope_date(e, &mut t, &mut off) };
    for s in [
        imapc_envelope_date_raw(e),
        imapc_envelope_subject(e),
        imapc_envelope_in_reply_to(e),
        imapc_envelope_message_id(e),
    ] {
        touch(s);
    }
    for l in [
        imapc_envelope_from(e),
        imapc_envelope_sender(e),
        imapc_envelope_reply_to(e),
        imapc_envelope_to(e),
        imapc_envelope_cc(e),
        imapc_envelope_bcc(e),
    ] {
        for i in 0..imapc_address_list_count(l) {
            let a = imapc_address_list_get(l, i);
            for s in [
                imapc_address_name(a),
                imapc_address_mailbox(a),
                imapc_address_host(a),
                imapc_address_route(a),
                imapc_address_email(a),
            ] {
                touch(s);
            }
        }
    }
}

/// Read every accessor of every message of `list`, walking the body
/// structure without recursion (only the library's own stack use counts).
/// The number of body parts and the deepest part's number.
fn read_all(list: *const imapc_message_list) -> (usize, String) {
    let mut parts = 0;
    let mut deepest = (0, String::new());
    for i in 0..imapc_message_list_count(list) {
        let m = imapc_message_list_get(list, i);
        let (mut t, mut off, mut size) = (0, 0, 0);
        let seen = cs("\\Seen");
        let part = cs("1");
        let (mut pack, mut pack_len) = (null(), 0);
        // SAFETY: live message, NUL-terminated strings, writable outputs.
        unsafe {
            imapc_message_internal_date(m, &mut t, &mut off);
            assert!(imapc_message_has_flag(m, seen.as_ptr()));
            imapc_message_binary_size(m, part.as_ptr(), &mut size);
            assert!(imapc_message_pack(m, &mut pack, &mut pack_len));
        }
        assert!(pack_len > 0);
        assert_eq!(imapc_message_uid(m), 1);
        let _ = (
            imapc_message_seq(m),
            imapc_message_size(m),
            imapc_message_modseq(m),
            imapc_message_gm_msgid(m),
            imapc_message_gm_thrid(m),
            imapc_message_error_count(m),
        );
        for s in [
            imapc_message_preview(m),
            imapc_message_email_id(m),
            imapc_message_thread_id(m),
        ] {
            touch(s);
        }
        assert_eq!(touch_strings(imapc_message_flags(m)), "\\Seen".len());
        touch_strings(imapc_message_gm_labels(m));
        for k in 0..imapc_message_section_count(m) {
            touch(imapc_message_section_name(m, k));
        }
        touch_envelope(imapc_message_envelope(m));
        let root = imapc_message_body_structure(m);
        assert!(!root.is_null(), "no body structure");
        let mut stack = vec![(root, 0usize)];
        while let Some((p, level)) = stack.pop() {
            parts += 1;
            for s in [
                imapc_body_part_number(p),
                imapc_body_part_type(p),
                imapc_body_part_subtype(p),
                imapc_body_part_id(p),
                imapc_body_part_description(p),
                imapc_body_part_encoding(p),
                imapc_body_part_disposition(p),
                imapc_body_part_md5(p),
                imapc_body_part_location(p),
            ] {
                touch(s);
            }
            let _ = (imapc_body_part_size(p), imapc_body_part_lines(p));
            for k in 0..imapc_body_part_param_count(p) {
                touch(imapc_body_part_param_name(p, k));
                touch(imapc_body_part_param_value(p, k));
            }
            let charset = cs("charset");
            // SAFETY: live part, NUL-terminated name.
            unsafe {
                touch(imapc_body_part_param(p, charset.as_ptr()));
                touch(imapc_body_part_disposition_param(p, charset.as_ptr()));
            }
            touch_strings(imapc_body_part_languages(p));
            if level >= deepest.0 {
                // SAFETY: the number is NUL-terminated (checked by touch).
                let n = imapc_body_part_number(p);
                if touch(n) > 0 {
                    deepest = (level, unsafe { CStr::from_ptr(n) }.to_str().unwrap().into());
                }
            }
            let env = imapc_body_part_message_envelope(p);
            if !env.is_null() {
                touch_envelope(env);
                stack.push((imapc_body_part_message_body(p), level + 1));
            }
            for k in 0..imapc_body_part_child_count(p) {
                stack.push((imapc_body_part_child(p, k), level + 1));
            }
        }
        // The deepest part, found from the root by its number (a search
        // through every level).
        let n = cs(&deepest.1);
        // SAFETY: live part, NUL-terminated number.
        let found = unsafe { imapc_body_part_find(root, n.as_ptr()) };
        assert!(!found.is_null(), "part {} not found", deepest.1);
    }
    (parts, deepest.1)
}

/// Connect through the C ABI with `max_depth`, LOGIN, SELECT and FETCH the
/// message of `srv`; read it all on success. The fetch's code and, on
/// success, the number of body parts read.
fn c_fetch(port: u16, max_depth: usize) -> (imapc_result, bool, usize) {
    let (set, items) = (cs("1"), cs("UID FLAGS BODYSTRUCTURE"));
    // SAFETY: C ABI calls with valid strings and out-pointers; every object
    // is freed once.
    unsafe {
        let o = fake::c_options(port);
        assert_eq!(
            imapc_connect_options_set_limits(o, 0, 0, max_depth, null_mut()),
            IMAPC_OK
        );
        let c = fake::c_login_select(o);
        let (mut list, mut err) = (null_mut(), null_mut());
        let rc = imapc_client_fetch(c, set.as_ptr(), items.as_ptr(), &mut list, &mut err);
        let fatal = imapc_error_is_fatal(err);
        imapc_error_free(err);
        let parts = if rc == IMAPC_OK {
            let (parts, _) = read_all(list);
            imapc_message_list_free(list);
            parts
        } else {
            0
        };
        assert_eq!(
            imapc_client_noop(c, null_mut()),
            IMAPC_OK,
            "NOOP after the fetch"
        );
        imapc_client_free(c);
        (rc, fatal, parts)
    }
}

/// The same through the Rust API: the parts of the owned body structure,
/// counted without recursion, or the error.
fn rust_fetch(port: u16, max_depth: usize) -> Result<usize, imapclient::client::Error> {
    let mut o = imapclient::client::ConnectOptions::new("127.0.0.1", Security::Plain).port(port);
    o.limits.max_depth = max_depth;
    let mut c = Client::connect(&o).expect("connect");
    c.login("user", "secret").expect("login");
    c.select_folder("INBOX").expect("select");
    let r = c.fetch(1, &["UID", "FLAGS", "BODYSTRUCTURE"]).map(|m| {
        let mut parts = 0;
        let mut stack: Vec<&BodyPart<'static>> = m.messages[0]
            .body_structure
            .as_deref()
            .into_iter()
            .collect();
        while let Some(p) = stack.pop() {
            parts += 1;
            stack.extend(p.children.iter());
            stack.extend(p.message.as_deref().map(|(_, b)| b));
        }
        parts
        // `m` dropped here, on the small stack too.
    });
    c.noop().expect("NOOP after the fetch");
    r
}

/// Both paths at `depth` with `max_depth`, on a small stack.
fn both(
    depth: usize,
    max_depth: usize,
    shape: Shape,
) -> (
    (imapc_result, bool, usize),
    Result<usize, imapclient::client::Error>,
    usize,
) {
    let (payload, parts) = nested_fetch(depth, shape);
    let srv_c = server(payload.clone());
    let srv_r = server(payload);
    let (pc, pr) = (srv_c.port, srv_r.port);
    let c = on_small_stack(move || c_fetch(pc, max_depth));
    let r = on_small_stack(move || rust_fetch(pr, max_depth));
    for srv in [srv_c, srv_r] {
        let t = srv.finish();
        assert!(t.error.is_none(), "{t:?}");
    }
    (c, r, parts)
}

#[test]
fn the_c_bound_is_the_rust_bound() {
    assert_eq!(IMAPC_MAX_DEPTH_LIMIT, MAX_DEPTH_LIMIT);
}

#[test]
fn multipart_nested_at_the_bound_is_read_completely_on_a_small_stack() {
    let (c, r, parts) = both(MAX_DEPTH_LIMIT, MAX_DEPTH_LIMIT, Shape::Multipart);
    assert_eq!(c, (IMAPC_OK, false, parts), "C: code, fatal, parts read");
    assert_eq!(r.expect("Rust fetch"), parts);
}

#[test]
fn rfc822_nested_at_the_bound_is_read_completely_on_a_small_stack() {
    let (c, r, parts) = both(MAX_DEPTH_LIMIT, MAX_DEPTH_LIMIT, Shape::Rfc822);
    assert_eq!(c, (IMAPC_OK, false, parts), "C: code, fatal, parts read");
    assert_eq!(r.expect("Rust fetch"), parts);
}

#[test]
fn one_level_deeper_than_the_bound_is_limit_exceeded() {
    for shape in [Shape::Multipart, Shape::Rfc822] {
        let (c, r, _) = both(MAX_DEPTH_LIMIT + 1, MAX_DEPTH_LIMIT, shape);
        // Skipped, not fatal: c_fetch and rust_fetch check that NOOP works.
        assert_eq!(c, (IMAPC_ERR_LIMIT_EXCEEDED, false, 0), "{shape:?}");
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{shape:?}: {e}");
        assert!(!e.is_fatal(), "{e}");
    }
}

#[test]
fn max_depth_above_the_bound_is_refused() {
    // SAFETY: C ABI calls with a valid string and out-pointers.
    unsafe {
        let host = cs("127.0.0.1");
        let mut o = null_mut();
        assert_eq!(
            imapc_connect_options_new(
                host.as_ptr(),
                1,
                IMAPC_SECURITY_DANGEROUS_PLAINTEXT,
                &mut o,
                null_mut()
            ),
            IMAPC_OK
        );
        let mut err = null_mut();
        let rc = imapc_connect_options_set_limits(o, 0, 0, IMAPC_MAX_DEPTH_LIMIT + 1, &mut err);
        assert_eq!(rc, IMAPC_ERR_INVALID_ARGUMENT);
        let msg = CStr::from_ptr(imapc_error_message(err))
            .to_string_lossy()
            .into_owned();
        assert!(msg.contains("IMAPC_MAX_DEPTH_LIMIT (128)"), "{msg}");
        imapc_error_free(err);
        assert_eq!(
            imapc_connect_options_set_limits(o, 0, 0, usize::MAX, null_mut()),
            IMAPC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            imapc_connect_options_set_limits(o, 0, 0, IMAPC_MAX_DEPTH_LIMIT, null_mut()),
            IMAPC_OK
        );
        imapc_connect_options_free(o);
    }
    // The Rust API refuses it at connect, before any connection (nothing
    // listens on port 1: an attempt would be an I/O error).
    let mut o = imapclient::client::ConnectOptions::new("127.0.0.1", Security::Plain).port(1);
    o.limits.max_depth = MAX_DEPTH_LIMIT + 1;
    let e = Client::connect(&o).expect_err("refused");
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    o.limits.max_depth = MAX_DEPTH_LIMIT;
    let e = Client::connect(&o).expect_err("nothing listens on port 1");
    assert_ne!(e.kind, ErrorKind::InvalidArgument, "{e}");
}
