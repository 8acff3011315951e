//! Arbitrary bytes, fed to the framer at arbitrary split points (taken from
//! the input itself), with small limits and streaming chosen by the first
//! byte so every path is reachable; every frame is parsed. Nothing may
//! panic, and the frames, errors and streamed bytes must be the same as
//! when the whole input is fed at once.
#![no_main]

use imapclient::proto::framer::{Event, FrameError, Framer, Limits};
use imapclient::proto::parser::parse_response_with_depth;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq, Default)]
struct Outcome {
    items: Vec<Result<Vec<u8>, FrameError>>,
    streamed: Vec<u8>,
}

fn drain(f: &mut Framer, depth: usize, out: &mut Outcome) {
    loop {
        match f.next_event() {
            Ok(Some(Event::Frame(frame))) => {
                assert!(frame.ends_with(b"\n"));
                let _ = parse_response_with_depth(frame, depth);
                out.items.push(Ok(frame.to_vec()));
            }
            Ok(Some(Event::LiteralChunk { data, offset, total, .. })) => {
                assert!(offset + data.len() as u64 <= total);
                out.streamed.extend_from_slice(data);
            }
            Ok(None) => return,
            Err(e) => out.items.push(Err(e)),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else { return };
    let limits = Limits {
        max_line: 256 + usize::from(ctl & 0x0f) * 64,
        max_literal: 512,
        max_depth: 8 + usize::from(ctl >> 4),
    };
    let threshold = (ctl & 1 == 1).then_some(u64::from(ctl >> 2));
    let new = || {
        let mut f = Framer::new(limits);
        f.set_stream_threshold(threshold);
        f
    };

    let mut f = new();
    let mut split = Outcome::default();
    let mut input = rest;
    let mut k = 0usize;
    while !input.is_empty() {
        let n = (usize::from(input[k % input.len()]) % 37 + 1).min(input.len());
        k += 1;
        let (piece, tail) = input.split_at(n);
        input = tail;
        f.feed(piece);
        drain(&mut f, limits.max_depth, &mut split);
    }

    let mut g = new();
    let mut whole = Outcome::default();
    g.feed(rest);
    drain(&mut g, limits.max_depth, &mut whole);
    assert_eq!(split, whole);
    assert_eq!(f.buffered(), g.buffered());
});
