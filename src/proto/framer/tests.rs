use super::*;
use crate::proto::parser::parse_response;
use crate::proto::types::{FetchItem, Response, Untagged};

/// Drain all events; literal chunks are concatenated per response.
#[derive(Debug, Default)]
struct Out {
    frames: Vec<Vec<u8>>,
    errors: Vec<FrameError>,
    streamed: Vec<u8>,
    chunk_prefixes: Vec<Vec<u8>>,
}

fn drain(f: &mut Framer, out: &mut Out) {
    loop {
        match f.next_event() {
            Ok(Some(Event::Frame(fr))) => out.frames.push(fr.to_vec()),
            Ok(Some(Event::LiteralChunk {
                prefix,
                data,
                offset,
                total,
            })) => {
                assert!(offset + data.len() as u64 <= total);
                out.streamed.extend_from_slice(data);
                out.chunk_prefixes.push(prefix.to_vec());
            }
            Ok(None) => return,
            Err(e) => out.errors.push(e),
        }
    }
}

fn run(f: &mut Framer, input: &[u8], piece: usize) -> Out {
    let mut out = Out::default();
    for p in input.chunks(piece.max(1)) {
        f.feed(p);
        drain(f, &mut out);
    }
    out
}

fn small_limits() -> Limits {
    Limits {
        max_line: 64,
        max_literal: 16,
        max_depth: 5,
    }
}

#[test]
fn frames_lines_and_literals() {
    let input =
        b"* 1 EXISTS\r\n* 1 FETCH (BODY[] {5}\r\nab\r\nc UID 3)\r\n* LIST () \"/\" {3}\r\na\"b\r\n";
    for piece in [1, 2, 3, 7, 1000] {
        let out = run(&mut Framer::default(), input, piece);
        assert_eq!(out.frames.len(), 3);
        assert_eq!(
            out.frames[1],
            b"* 1 FETCH (BODY[] {5}\r\nab\r\nc UID 3)\r\n"
        );
        assert!(out.errors.is_empty());
    }
}

#[test]
fn quoted_braces_are_not_literals() {
    let input = b"* 1 FETCH (X \"a{5}\" Y \"q\\\"{3}\r\n* 2 EXISTS\r\n";
    let out = run(&mut Framer::default(), input, 1);
    assert_eq!(out.frames.len(), 2);
    // `{3}` before CRLF but inside an (unterminated) quote: not a literal.
    let out = run(&mut Framer::default(), b"a OK \"x {3}\r\n* 1 EXISTS\r\n", 1);
    assert_eq!(out.frames.len(), 2);
    // Literal8 and non-synchronising headers.
    let out = run(
        &mut Framer::default(),
        b"* 1 FETCH (BINARY[] ~{2}\r\n\r\n)\r\n* 2 FETCH (X {1+}\r\nx)\r\n",
        3,
    );
    assert_eq!(out.frames.len(), 2);
}

#[test]
fn blank_lines_and_bare_lf() {
    let out = run(
        &mut Framer::default(),
        b"\r\n\r\n* 1 EXISTS\n\n* 2 EXISTS\r\n",
        1,
    );
    assert_eq!(
        out.frames,
        vec![b"* 1 EXISTS\n".to_vec(), b"* 2 EXISTS\r\n".to_vec()]
    );
}

#[test]
fn many_literals_one_response() {
    let mut input = b"* 1 FETCH (X (".to_vec();
    for _ in 0..16_000 {
        input.extend_from_slice(b"{3}\r\nabc ");
    }
    input.extend_from_slice(b"))\r\n");
    let mut f = Framer::default();
    let out = run(&mut f, &input, 4096);
    assert_eq!(out.frames.len(), 1);
    assert_eq!(out.frames[0], input);
    // Linear: no line byte is scanned twice, however the reads fell (the
    // literal bytes themselves are skipped by count, not scanned).
    assert!(f.scanned <= input.len(), "{} > {}", f.scanned, input.len());
    // Everything but the literal bytes and the line ends was scanned.
    assert!(f.scanned >= input.len() - 16_000 * 4 - 1);
}

#[test]
fn line_too_long_then_recovers() {
    let mut f = Framer::new(small_limits());
    let mut input = b"* 1 FETCH (X \"".to_vec();
    input.extend(std::iter::repeat(b'a').take(500));
    input.extend_from_slice(b"\" {3}\r\nabc)\r\n* 2 EXISTS\r\n");
    for piece in [1, 10, 1000] {
        let out = run(&mut f, &input, piece);
        assert_eq!(out.errors, vec![FrameError::LineTooLong { limit: 64 }]);
        assert_eq!(out.frames, vec![b"* 2 EXISTS\r\n".to_vec()]);
        assert_eq!(f.buffered(), 0);
    }
}

#[test]
fn huge_literal_is_rejected_without_allocation() {
    let mut f = Framer::default();
    let mut out = run(&mut f, b"* 1 FETCH (BODY[] {4294967295}\r\nabc", 1000);
    assert_eq!(
        out.errors,
        vec![FrameError::LiteralTooLarge {
            size: 4294967295,
            limit: 256 << 20
        }]
    );
    assert!(f.buf.len() < 1 << 20, "buffer grew to {}", f.buf.len());
    // Overflowing u64 is also a clean error.
    let mut f = Framer::default();
    f.feed(b"* 1 FETCH (BODY[] {99999999999999999999999}\r\n");
    drain(&mut f, &mut out);
    assert!(matches!(
        out.errors.last(),
        Some(FrameError::LiteralTooLarge { .. })
    ));
}

#[test]
fn literal_too_large_then_recovers() {
    let mut f = Framer::new(small_limits());
    let input = b"* 1 FETCH (BODY[] {20}\r\n01234567890123456789 UID 1)\r\n* 2 FETCH (UID 2)\r\n";
    for piece in [1, 5, 1000] {
        let out = run(&mut f, input, piece);
        assert_eq!(
            out.errors,
            vec![FrameError::LiteralTooLarge {
                size: 20,
                limit: 16
            }]
        );
        assert_eq!(out.frames, vec![b"* 2 FETCH (UID 2)\r\n".to_vec()]);
        assert!(parse_response(&out.frames[0]).is_ok());
    }
}

#[test]
fn depth_rejected_quickly_then_recovers() {
    let mut input = b"* 1 FETCH (BODY ".to_vec();
    input.extend(std::iter::repeat(b'(').take(100_000));
    input.extend_from_slice(b"\r\n* 2 EXISTS\r\n");
    let mut f = Framer::default();
    let out = run(&mut f, &input, 8192);
    assert_eq!(out.errors, vec![FrameError::TooDeep { limit: 100 }]);
    assert_eq!(out.frames, vec![b"* 2 EXISTS\r\n".to_vec()]);
    // Each byte looked at once (the rest of the deep line is skipped in
    // the same pass, not re-scanned).
    assert!(f.scanned <= input.len(), "{} > {}", f.scanned, input.len());
    // Parentheses inside quotes do not count.
    let mut f = Framer::new(small_limits());
    let out = run(&mut f, b"* 1 X \"((((((((\" ((x))\r\n", 1);
    assert!(out.errors.is_empty());
    assert_eq!(out.frames.len(), 1);
}

#[test]
fn streaming_large_literals() {
    let body: Vec<u8> = (0..10_000u32).map(|k| (k % 251) as u8).collect();
    let mut input = b"* 12 FETCH (UID 5 BODY[] {10000}\r\n".to_vec();
    input.extend_from_slice(&body);
    input.extend_from_slice(b" BODY[1] {3}\r\nabc BINARY[2] ~{6}\r\n123456)\r\n* 1 EXISTS\r\n");
    for piece in [1, 7, 4096, 100_000] {
        let mut f = Framer::default();
        f.set_stream_threshold(Some(5));
        let out = run(&mut f, &input, piece);
        assert!(out.errors.is_empty());
        let mut want = body.clone();
        want.extend_from_slice(b"123456");
        assert_eq!(out.streamed, want);
        assert_eq!(
            out.chunk_prefixes[0],
            b"* 12 FETCH (UID 5 BODY[] {10000}\r\n"
        );
        assert_eq!(out.frames.len(), 2);
        assert_eq!(
            out.frames[0],
            b"* 12 FETCH (UID 5 BODY[] {0*}\r\n BODY[1] {3}\r\nabc BINARY[2] ~{0*}\r\n)\r\n"
        );
        let Ok(Response::Untagged(Untagged::Fetch { items, .. })) = parse_response(&out.frames[0])
        else {
            panic!()
        };
        assert!(matches!(
            items[1],
            FetchItem::Section { streamed: true, .. }
        ));
        assert!(matches!(
            items[2],
            FetchItem::Section {
                streamed: false,
                ..
            }
        ));
        assert!(matches!(items[3], FetchItem::Binary { streamed: true, .. }));
        // Memory stays bounded: the literal was never stored.
        assert!(f.buf.len() < 64 << 10 || piece == 100_000);
    }
}

/// Only a body section's literal is streamed: literals inside ENVELOPE
/// and BODYSTRUCTURE (Dovecot sends 8-bit subjects and names as
/// literals), a PREVIEW, or any response other than a FETCH list stay in
/// the frame whatever the threshold; with threshold 0 they were streamed
/// and lost from the envelope (the Go binding streams with 0 by default).
#[test]
fn streaming_only_section_literals() {
    let input: &[u8] = b"* 13 FETCH (UID 13 ENVELOPE (\"Sun, 14 Jul 2024\" {10}\r\nR\xc3\xa4w ]subj ((NIL NIL \"a\" {7}\r\nexample)) NIL NIL NIL NIL NIL NIL \"<m@x>\") \
PREVIEW {4}\r\nprev BODYSTRUCTURE (\"text\" \"plain\" (\"name\" {3}\r\nx]y) NIL NIL \"7bit\" 3 1) \
BODY[HEADER.FIELDS (SUBJECT)] {4}\r\nhead BODY[]<0> {3}\r\nabc BINARY[1] ~{2}\r\nxy RFC822.TEXT  {2}\r\npq rfc822 {2}\r\nrs)\r\n\
* LIST () \"/\" {3}\r\nbox\r\n* METADATA \"INBOX\" (/private/comment {2}\r\nhi)\r\n";
    for piece in [1, 5, 100_000] {
        let mut f = Framer::default();
        f.set_stream_threshold(Some(0));
        let out = run(&mut f, input, piece);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.streamed, b"headabcxypqrs");
        // One prefix per streamed literal (a literal split over reads
        // gives several chunks with the same prefix).
        let mut prefixes = out.chunk_prefixes.clone();
        prefixes.dedup();
        assert_eq!(prefixes.len(), 5);
        assert!(prefixes[0].ends_with(b"BODY[HEADER.FIELDS (SUBJECT)] {4}\r\n"));
        assert!(prefixes[4].ends_with(b" rfc822 {2}\r\n"));
        assert_eq!(out.frames.len(), 3);
        assert_eq!(
            out.frames[0],
            b"* 13 FETCH (UID 13 ENVELOPE (\"Sun, 14 Jul 2024\" {10}\r\nR\xc3\xa4w ]subj ((NIL NIL \"a\" {7}\r\nexample)) NIL NIL NIL NIL NIL NIL \"<m@x>\") \
PREVIEW {4}\r\nprev BODYSTRUCTURE (\"text\" \"plain\" (\"name\" {3}\r\nx]y) NIL NIL \"7bit\" 3 1) \
BODY[HEADER.FIELDS (SUBJECT)] {0*}\r\n BODY[]<0> {0*}\r\n BINARY[1] ~{0*}\r\n RFC822.TEXT  {0*}\r\n rfc822 {0*}\r\n)\r\n"
                .to_vec()
        );
        assert_eq!(out.frames[1], b"* LIST () \"/\" {3}\r\nbox\r\n");
        assert_eq!(
            out.frames[2],
            b"* METADATA \"INBOX\" (/private/comment {2}\r\nhi)\r\n"
        );
        let Ok(Response::Untagged(Untagged::Fetch { items, .. })) = parse_response(&out.frames[0])
        else {
            panic!("{:?}", parse_response(&out.frames[0]))
        };
        let Some(FetchItem::Envelope(e)) =
            items.iter().find(|i| matches!(i, FetchItem::Envelope(_)))
        else {
            panic!("{items:?}")
        };
        assert_eq!(e.subject.as_deref(), Some("R\u{e4}w ]subj".as_bytes()));
    }
}

#[test]
fn read_buf_and_commit() {
    let mut f = Framer::default();
    let data = b"* 1 EXISTS\r\n* 2 EXISTS\r\n";
    let room = f.read_buf(4);
    assert!(room.len() >= 4);
    room[..data.len()].copy_from_slice(data);
    f.commit(data.len());
    assert_eq!(f.buffered(), data.len());
    assert_eq!(
        f.next_event(),
        Ok(Some(Event::Frame(&b"* 1 EXISTS\r\n"[..])))
    );
    assert_eq!(
        f.next_event(),
        Ok(Some(Event::Frame(&b"* 2 EXISTS\r\n"[..])))
    );
    assert_eq!(f.next_event(), Ok(None));
    assert_eq!(f.buffered(), 0);
}

#[test]
fn braces_in_status_text_are_not_literals() {
    // Dovecot echoes a mailbox name in its NO text, decoded from modified
    // UTF-7, CR LF included: the line ends in `{5}`. Taking that for a
    // literal swallowed the next response and hung the command.
    let input: &[u8] = b"A3 NO [NONEXISTENT] Mailbox doesn't exist: x {5}\r\n\
A5 DELETE foo (0.002 + 0.000 secs).\r\n\
* OK [ALERT] quota {3}\r\n\
+ {2}\r\n\
* BYE see you {1}\r\n\
A4 OK done {9}\r\n";
    for piece in [1, 7, input.len()] {
        let mut f = Framer::new(Limits::default());
        let out = run(&mut f, input, piece);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
        assert_eq!(out.frames, lines, "piece {piece}");
        assert_eq!(f.buffered(), 0);
    }
}

#[test]
fn literals_in_response_codes_and_data_still_frame() {
    let input: &[u8] = b"* NO [BADCHARSET ({5}\r\nUTF-8)] no\r\n\
* 1 FETCH (BODY[] {3}\r\nabc)\r\n\
* LIST () \"/\" {2}\r\nab\r\n\
A1 OK [COPYUID 1 2 3] {0}\r\n";
    let mut f = Framer::new(Limits::default());
    let out = run(&mut f, input, input.len());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.frames.len(), 4, "{:?}", out.frames);
    assert_eq!(out.frames[0], b"* NO [BADCHARSET ({5}\r\nUTF-8)] no\r\n");
    assert_eq!(out.frames[3], b"A1 OK [COPYUID 1 2 3] {0}\r\n");
}

#[test]
fn first_limit_hit_does_not_depend_on_splits() {
    // Too long before it gets too deep: LineTooLong however it is read.
    let mut input = b"* 1 X ".to_vec();
    input.extend(std::iter::repeat(b'a').take(100));
    input.extend_from_slice(b" ((((((((((\r\n* 2 EXISTS\r\n");
    for piece in [1, 13, 1000] {
        let out = run(&mut Framer::new(small_limits()), &input, piece);
        assert_eq!(
            out.errors,
            vec![FrameError::LineTooLong { limit: 64 }],
            "piece {piece}"
        );
        assert_eq!(out.frames, vec![b"* 2 EXISTS\r\n".to_vec()]);
    }
}

#[test]
fn status_text_rule_does_not_depend_on_splits_while_discarding() {
    // Found by the framer_parser fuzz target: while a response is being
    // discarded only the tail of its line is kept, and with small reads
    // that tail can look like the start of a status line.
    let mut input = b"* 1 FETCH ((((((((((((((((((((( x ".to_vec();
    let mut tail = b"A3 NO [X] ".to_vec();
    while tail.len() < 28 {
        tail.push(b'z');
    }
    tail.extend_from_slice(b"{5}\r");
    input.extend_from_slice(&tail);
    input.extend_from_slice(b"\nabcde)\r\n* 2 EXISTS\r\n");
    let whole = run(&mut Framer::new(small_limits()), &input, input.len());
    assert_eq!(whole.frames, vec![b"* 2 EXISTS\r\n".to_vec()]);
    for piece in [1, 2, 5] {
        let out = run(&mut Framer::new(small_limits()), &input, piece);
        assert_eq!(out.frames, whole.frames, "piece {piece}");
        assert_eq!(out.errors, whole.errors, "piece {piece}");
    }
}

/// What the line scan must find, byte by byte: each LF-terminated line is a
/// frame, or `TooDeep` when brackets outside quoted strings nest deeper
/// than `max_depth`.
fn reference_lines(input: &[u8], max_depth: usize) -> (Vec<Vec<u8>>, Vec<FrameError>) {
    let (mut frames, mut errors) = (Vec::new(), Vec::new());
    for line in input.split_inclusive(|&b| b == b'\n') {
        if line.last() != Some(&b'\n') {
            break;
        }
        let (mut depth, mut in_quote, mut escape, mut deep) = (0usize, false, false, false);
        for &b in line {
            if in_quote {
                if escape {
                    escape = false;
                } else if b == b'\\' {
                    escape = true;
                } else if b == b'"' {
                    in_quote = false;
                }
                continue;
            }
            match b {
                b'"' => in_quote = true,
                b'(' | b'[' => {
                    depth += 1;
                    if depth > max_depth {
                        deep = true;
                        break;
                    }
                }
                b')' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if deep {
            errors.push(FrameError::TooDeep { limit: max_depth });
        } else if line != b"\n" && line != b"\r\n" {
            frames.push(line.to_vec());
        }
    }
    (frames, errors)
}

mod scan_properties {
    use super::*;
    use proptest::prelude::*;

    /// Long lines (the 64-byte block path) of quotes, escapes and brackets.
    fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            20 => Just(b'a'),
            4 => Just(b' '),
            2 => Just(b'"'),
            1 => Just(b'\\'),
            3 => Just(b'('),
            3 => Just(b')'),
            1 => Just(b'['),
            1 => Just(b']'),
        ];
        proptest::collection::vec(byte, 0..400)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn block_scan_matches_bytewise_reference(
            lines in proptest::collection::vec(line_bytes(), 1..4),
            max_depth in 1usize..40,
            piece in prop_oneof![Just(1usize), Just(13), Just(64), Just(100_000)],
        ) {
            let mut input = Vec::new();
            for l in &lines {
                input.extend_from_slice(b"* ");
                input.extend_from_slice(l);
                input.extend_from_slice(b"\r\n");
            }
            let limits = Limits { max_line: 1 << 20, max_literal: 1 << 20, max_depth };
            let (frames, errors) = reference_lines(&input, max_depth);
            let out = run(&mut Framer::new(limits), &input, piece);
            prop_assert_eq!(out.frames, frames);
            prop_assert_eq!(out.errors, errors);
        }

        /// Streaming literals over the threshold, however the input is
        /// split into reads: each response's frame has `{0*}` where a
        /// streamed literal was and the others as sent (as every literal
        /// of its ENVELOPE, a subject of any size, whose `]` ending is not
        /// a section's); the chunks carry
        /// the streamed bytes in order, each with its response's text up
        /// to its header as prefix. (Moving the short side of the buffer
        /// around a chunk or a header must not show.)
        #[test]
        fn streamed_literals_match_the_expected_frames(
            responses in proptest::collection::vec(
                proptest::collection::vec(
                    (0usize..40, any::<u8>(), 0usize..3),
                    1..4,
                ),
                1..6,
            ),
            threshold in 0u64..24,
            piece in prop_oneof![1usize..16, 16usize..300, Just(100_000)],
            subject in 0usize..40,
        ) {
            let mut input = Vec::new();
            let mut frames = Vec::new();
            let mut streamed = Vec::new();
            let mut prefixes = Vec::new();
            for (k, lits) in responses.iter().enumerate() {
                let subject = "s]{}".repeat(subject)[..subject].to_string();
                let head = format!(
                    "* {} FETCH (UID {} ENVELOPE (NIL {{{}}}\r\n{subject} NIL NIL NIL NIL NIL NIL NIL NIL)",
                    k + 1,
                    k + 7,
                    subject.len()
                );
                let mut sent = head.clone().into_bytes();
                let mut frame = sent.clone();
                for (j, &(len, seed, pad)) in lits.iter().enumerate() {
                    // Data with line ends and braces in it.
                    let data: Vec<u8> = (0..len)
                        .map(|x| b"ab{}\r\n)("[(seed as usize + x * 7) % 8])
                        .collect();
                    let name = format!(" BODY[{j}]{}", " ".repeat(pad));
                    sent.extend_from_slice(name.as_bytes());
                    frame.extend_from_slice(name.as_bytes());
                    sent.extend_from_slice(format!(" {{{len}}}\r\n").as_bytes());
                    if len as u64 > threshold {
                        frame.extend_from_slice(b" ");
                        if len > 0 {
                            prefixes.push(frame.clone());
                            // The chunk's prefix is the frame so far, with
                            // this literal's header as sent.
                            let p = prefixes.last_mut().unwrap();
                            p.extend_from_slice(format!("{{{len}}}\r\n").as_bytes());
                        }
                        frame.extend_from_slice(b"{0*}\r\n");
                        streamed.extend_from_slice(&data);
                    } else {
                        frame.extend_from_slice(format!(" {{{len}}}\r\n").as_bytes());
                        frame.extend_from_slice(&data);
                    }
                    sent.extend_from_slice(&data);
                }
                sent.extend_from_slice(b" FLAGS (\\Seen))\r\n");
                frame.extend_from_slice(b" FLAGS (\\Seen))\r\n");
                input.extend_from_slice(&sent);
                frames.push(frame);
            }
            input.extend_from_slice(b"A1 OK done\r\n");
            frames.push(b"A1 OK done\r\n".to_vec());
            let mut f = Framer::default();
            f.set_stream_threshold(Some(threshold));
            let out = run(&mut f, &input, piece);
            prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
            prop_assert_eq!(out.frames, frames);
            prop_assert_eq!(out.streamed, streamed);
            // One prefix per chunk; a literal split over reads gives
            // several chunks with the same prefix.
            let mut distinct = out.chunk_prefixes.clone();
            distinct.dedup();
            prop_assert_eq!(distinct, prefixes);
        }

        /// Mid-line, the scan state (depth, inside quotes, after a
        /// backslash) equals the byte-wise reference's.
        #[test]
        fn block_scan_state_matches_reference(body in line_bytes(), piece in 1usize..200) {
            let mut input = b"* ".to_vec();
            input.extend_from_slice(&body);
            let limits = Limits { max_line: 1 << 20, max_literal: 1 << 20, max_depth: 1000 };
            let mut f = Framer::new(limits);
            let out = run(&mut f, &input, piece);
            prop_assert!(out.frames.is_empty() && out.errors.is_empty());
            let (mut depth, mut in_quote, mut escape) = (0usize, false, false);
            for &b in &input {
                if in_quote {
                    if escape { escape = false } else if b == b'\\' { escape = true } else if b == b'"' { in_quote = false }
                    continue;
                }
                match b {
                    b'"' => in_quote = true,
                    b'(' | b'[' => depth += 1,
                    b')' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            prop_assert_eq!((f.depth, f.in_quote, f.escape), (depth, in_quote, escape));
        }
    }
}

#[test]
fn long_literal_header_is_kept_while_discarding() {
    // Found by the framer_parser fuzz target: while a response is being
    // discarded only the tail of its line is kept, and a literal header
    // with leading zeros is longer than that tail. Read in small pieces,
    // its start was dropped, the literal's bytes were framed as responses.
    let zeros = "0".repeat(60);
    let header = format!("{{{zeros}5}}");
    let deep = format!("* 1 FETCH ((((((((( x {header}\r\nA9 OK)\r\n* 2 EXISTS\r\n");
    let long = format!(
        "* 1 X {} {header}\r\nA9 OK)\r\n* 2 EXISTS\r\n",
        "a".repeat(70)
    );
    let nonsync = format!("* 1 FETCH (((((((((( x ~{{{zeros}5+}}\r\nA9 OK)\r\n* 2 EXISTS\r\n");
    for (input, error) in [
        (&deep, FrameError::TooDeep { limit: 5 }),
        (&long, FrameError::LineTooLong { limit: 64 }),
        (&nonsync, FrameError::TooDeep { limit: 5 }),
    ] {
        for piece in [1, 2, 3, 7, 16, 1000] {
            let out = run(&mut Framer::new(small_limits()), input.as_bytes(), piece);
            assert_eq!(out.errors, vec![error.clone()], "{input:?} piece {piece}");
            // The 5 literal bytes `A9 OK` were skipped, not framed.
            assert_eq!(
                out.frames,
                vec![b"* 2 EXISTS\r\n".to_vec()],
                "{input:?} piece {piece}"
            );
        }
    }
    // A zero-padded size that overflows u64 skips everything, however read.
    let input =
        format!("* 1 FETCH ((((((((( {{{zeros}400099276463602122581}}\r\nline1\r\n* 2 EXISTS\r\n");
    for piece in [1, 5, 1000] {
        let out = run(&mut Framer::new(small_limits()), input.as_bytes(), piece);
        assert_eq!(
            out.errors,
            vec![FrameError::TooDeep { limit: 5 }],
            "piece {piece}"
        );
        assert!(out.frames.is_empty(), "piece {piece}: {:?}", out.frames);
    }
}

#[test]
fn discarded_line_keeps_the_same_bytes_however_split() {
    // Found by the framer_parser fuzz target after the fix above: the
    // bytes kept of a discarded line must not depend on the reads either
    // (`buffered` is the same), also when the input stops inside a
    // literal header with leading zeros, or with a `~` or `+` in it.
    let zeros = "0".repeat(41);
    for end in [
        format!("{{{zeros}"),
        format!("x ~{{{zeros}12"),
        format!("{{{zeros}7+"),
        format!("{{{zeros}7+}}\r"),
        "{5}3".to_string(),
        "~".to_string(),
        format!("\"{{{zeros}5"),
    ] {
        let input = format!("* 1 FETCH ((((((((( x {end}");
        let mut whole = Framer::new(small_limits());
        let w = run(&mut whole, input.as_bytes(), input.len());
        for piece in [1, 2, 3, 5, 9] {
            let mut f = Framer::new(small_limits());
            let out = run(&mut f, input.as_bytes(), piece);
            assert_eq!(out.errors, w.errors, "{end:?} piece {piece}");
            assert_eq!(f.buffered(), whole.buffered(), "{end:?} piece {piece}");
        }
        // At most a short header is kept.
        assert!(whole.buffered() <= 25, "{end:?}: {}", whole.buffered());
    }
}

#[test]
fn take_unread_hands_over_the_bytes_after_a_response() {
    let mut f = Framer::new(small_limits());
    f.set_stream_threshold(Some(3));
    f.feed(b"A2 OK DEFLATE active\r\n\x78\x9c\x01\x02");
    match f.next_event() {
        Ok(Some(Event::Frame(fr))) => assert_eq!(fr, b"A2 OK DEFLATE active\r\n"),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.take_unread(), b"\x78\x9c\x01\x02");
    assert_eq!(f.buffered(), 0);
    assert!(matches!(f.next_event(), Ok(None)));
    // Limits and the stream threshold carry over to what follows.
    assert_eq!(f.limits(), &small_limits());
    let out = run(&mut f, b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n", 64);
    assert_eq!(out.streamed, b"hello");
    assert_eq!(out.frames.len(), 1);
    assert!(f.take_unread().is_empty());
}

/// Drain like `drain`, recording `discarded_head` at each error.
fn run_heads(f: &mut Framer, input: &[u8], piece: usize) -> (Out, Vec<Vec<u8>>) {
    let mut out = Out::default();
    let mut heads = Vec::new();
    for p in input.chunks(piece.max(1)) {
        f.feed(p);
        loop {
            match f.next_event() {
                Ok(Some(Event::Frame(fr))) => out.frames.push(fr.to_vec()),
                Ok(Some(Event::LiteralChunk { .. })) => unreachable!("no threshold"),
                Ok(None) => break,
                Err(e) => {
                    heads.push(f.discarded_head().to_vec());
                    out.errors.push(e);
                }
            }
        }
    }
    (out, heads)
}

#[test]
fn discarded_status_text_keeps_its_braces_as_text() {
    // A tagged completion over `max_line` whose free text ends in `{n}`
    // (a name echoed in a NO, a long CAPABILITY code and then text):
    // taking that for a literal, as the discarding framer did, swallowed
    // the next responses (with a large n every later one).
    let long = "x".repeat(100);
    let cases: Vec<(String, &str)> = vec![
        (
            format!("A3 NO Mailbox doesn't exist: {long} {{5}}\r\n"),
            "A3 NO ",
        ),
        (
            format!("A3 OK [CAPABILITY IMAP4rev1 {long}] Logged in {{99999}}\r\n"),
            "A3 OK [CAPABILITY ",
        ),
        (format!("A3 OK [X] {long} {{5}}\r\n"), "A3 OK [X] "),
        (format!("* BYE {long} {{5}}\r\n"), "* BYE "),
        (format!("+ {long} {{5}}\r\n"), "+ "),
    ];
    let after: &[u8] = b"* 2 EXISTS\r\nA4 OK done\r\n";
    for (line, head) in cases {
        let mut input = line.clone().into_bytes();
        input.extend_from_slice(after);
        for piece in [1, 7, 64, input.len()] {
            let mut f = Framer::new(small_limits());
            let (out, heads) = run_heads(&mut f, &input, piece);
            assert_eq!(
                out.errors,
                vec![FrameError::LineTooLong { limit: 64 }],
                "{line:?} piece {piece}"
            );
            assert!(
                heads[0].starts_with(head.as_bytes()),
                "{line:?} piece {piece}: head {:?}",
                String::from_utf8_lossy(&heads[0])
            );
            assert!(heads[0].len() <= 64);
            assert_eq!(
                out.frames,
                vec![b"* 2 EXISTS\r\n".to_vec(), b"A4 OK done\r\n".to_vec()],
                "{line:?} piece {piece}"
            );
            assert_eq!(f.buffered(), 0);
            assert!(f.discarded_head().is_empty(), "nothing discarded now");
        }
    }
}

#[test]
fn discarded_status_line_still_skips_literals_of_its_code_and_later_lines() {
    // A literal inside the response code of an over-limit status line
    // (the code has not closed before it), and one on a later line, are
    // literals: skipped by count.
    let long = "a".repeat(100);
    let input = format!(
        "A3 NO [BADCHARSET ({long} {{6}}\r\nUT]F-8 {{3}}\r\nabc)] no\r\n\
         * 2 EXISTS\r\nA4 OK done\r\n"
    );
    let input = input.as_bytes();
    for piece in [1, 5, 64, input.len()] {
        let mut f = Framer::new(small_limits());
        let (out, heads) = run_heads(&mut f, input, piece);
        assert_eq!(out.errors, vec![FrameError::LineTooLong { limit: 64 }]);
        assert!(
            heads[0].starts_with(b"A3 NO [BADCHARSET ("),
            "piece {piece}"
        );
        assert_eq!(
            out.frames,
            vec![b"* 2 EXISTS\r\n".to_vec(), b"A4 OK done\r\n".to_vec()],
            "piece {piece}"
        );
    }
}

#[test]
fn discarded_head_is_the_start_of_the_response() {
    // The line over the limit comes after a literal: the head is still
    // the response's start.
    let mut input = b"A7 OK [X {3}\r\nabc ".to_vec();
    input.extend(std::iter::repeat(b'y').take(200));
    input.extend_from_slice(b"] done\r\nA8 OK next\r\n");
    for piece in [1, 9, input.len()] {
        let (out, heads) = run_heads(&mut Framer::new(small_limits()), &input, piece);
        assert_eq!(heads.len(), 1, "piece {piece}");
        assert!(heads[0].starts_with(b"A7 OK [X {3}\r\nabc "), "{heads:?}");
        assert_eq!(out.frames, vec![b"A8 OK next\r\n".to_vec()]);
    }
}
