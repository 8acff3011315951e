//! Framing + parsing throughput on generated server output.
//!
//! (a) 10 000 FETCH responses with UID FLAGS RFC822.SIZE INTERNALDATE
//!     ENVELOPE BODYSTRUCTURE (~8 MB), target >= 300 MB/s;
//! (b) 100 MB of BODY[] literals, target >= 2 GB/s;
//! (c) one response with 16 000 literals, target < 20 ms;
//! (d) `* SEARCH` with 1 000 000 ids, target < 50 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use imapclient::proto::framer::{Event, Framer, Limits};
use imapclient::proto::parser::parse_response;
use imapclient::proto::parser::testgen::{big_search, fetch_stream, literal_stream, many_literals};

/// Socket-sized reads.
const READ: usize = 64 << 10;

/// Feed `data` in socket-sized reads, parse every frame; returns the
/// number of frames (checked so the work is not optimised away).
fn frame_and_parse(data: &[u8], limits: Limits) -> usize {
    let mut f = Framer::new(limits);
    let mut frames = 0;
    for chunk in data.chunks(READ) {
        let room = f.read_buf(chunk.len());
        room[..chunk.len()].copy_from_slice(chunk);
        f.commit(chunk.len());
        while let Ok(Some(ev)) = f.next_event() {
            if let Event::Frame(fr) = ev {
                let r = parse_response(fr);
                assert!(r.is_ok(), "{:?}", r.err());
                black_box(&r);
                frames += 1;
            }
        }
    }
    frames
}

/// Framing alone.
fn frame_only(data: &[u8]) -> usize {
    let mut f = Framer::new(Limits::default());
    let mut frames = 0;
    for chunk in data.chunks(READ) {
        f.feed(chunk);
        while let Ok(Some(ev)) = f.next_event() {
            frames += matches!(ev, Event::Frame(_)) as usize;
        }
    }
    frames
}

/// The frames of `data`, for parse-only timing.
fn framed(data: &[u8]) -> Vec<Vec<u8>> {
    let mut f = Framer::new(Limits::default());
    f.feed(data);
    let mut out = Vec::new();
    while let Ok(Some(Event::Frame(fr))) = f.next_event() {
        out.push(fr.to_vec());
    }
    out
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);

    let a = fetch_stream(10_000);
    g.throughput(Throughput::Bytes(a.len() as u64));
    g.bench_function("a_fetch_stream_frame_parse", |b| {
        b.iter(|| assert_eq!(frame_and_parse(&a, Limits::default()), 10_000))
    });

    g.bench_function("a_fetch_stream_frame_only", |b| {
        b.iter(|| assert_eq!(frame_only(&a), 10_000))
    });
    let frames = framed(&a);
    g.bench_function("a_fetch_stream_parse_only", |b| {
        b.iter(|| {
            for fr in &frames {
                black_box(parse_response(fr).is_ok());
            }
        })
    });

    let bb = literal_stream(100 << 20);
    g.throughput(Throughput::Bytes(bb.len() as u64));
    g.bench_function("b_body_literals_frame_parse", |b| {
        b.iter(|| frame_and_parse(&bb, Limits::default()))
    });

    let cc = many_literals(16_000);
    g.throughput(Throughput::Bytes(cc.len() as u64));
    g.bench_function("c_16000_literals_frame_parse", |b| {
        b.iter(|| assert_eq!(frame_and_parse(&cc, Limits::default()), 1))
    });

    let d = big_search(1_000_000);
    g.throughput(Throughput::Bytes(d.len() as u64));
    let limits = Limits {
        max_line: 64 << 20,
        ..Limits::default()
    };
    g.bench_function("d_search_1m_ids_frame_parse", |b| {
        b.iter(|| assert_eq!(frame_and_parse(&d, limits), 1))
    });
    g.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
