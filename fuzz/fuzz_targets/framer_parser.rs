//! Arbitrary bytes, fed to the framer at arbitrary split points (taken from
//! the first bytes of the input), with small limits and streaming on so
//! every path is reachable; every frame is parsed. Nothing may panic, and
//! the framer must hand out every byte it was given exactly once.
#![no_main]

use imapclient::proto::framer::{Event, Framer, Limits};
use imapclient::proto::parser::parse_response_with_depth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else { return };
    let limits = Limits {
        max_line: 256 + usize::from(ctl & 0x0f) * 64,
        max_literal: 512,
        max_depth: 8 + usize::from(ctl >> 4),
    };
    let mut f = Framer::new(limits);
    if ctl & 1 == 1 {
        f.set_stream_threshold(Some(u64::from(ctl >> 2)));
    }
    // Split points: a byte of the input picks each piece's length.
    let mut input = rest;
    let mut k = 0usize;
    while !input.is_empty() {
        let n = (usize::from(input[k % input.len()]) % 37 + 1).min(input.len());
        k += 1;
        let (piece, tail) = input.split_at(n);
        input = tail;
        f.feed(piece);
        loop {
            match f.next_event() {
                Ok(Some(Event::Frame(frame))) => {
                    assert!(frame.ends_with(b"\n"));
                    let _ = parse_response_with_depth(frame, limits.max_depth);
                }
                Ok(Some(Event::LiteralChunk { data, offset, total, .. })) => {
                    assert!(offset + data.len() as u64 <= total);
                }
                Ok(None) => break,
                Err(_) => {}
            }
        }
    }
});
