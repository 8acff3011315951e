//! The same workloads as `benches/parse.rs`, timed by this thread's CPU
//! time (best of 15) instead of wall time, so figures stay meaningful on a
//! machine shared with other jobs. Run: `cargo bench --bench parse_cpu`.

use imapclient::proto::framer::{Event, Framer, Limits};
use imapclient::proto::parser::{parse_response, testgen};
fn cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
fn run(data: &[u8], limits: Limits, parse: bool) -> usize {
    let mut f = Framer::new(limits);
    let mut n = 0;
    for c in data.chunks(65536) {
        let room = f.read_buf(c.len());
        room[..c.len()].copy_from_slice(c);
        f.commit(c.len());
        while let Ok(Some(ev)) = f.next_event() {
            if let Event::Frame(fr) = ev {
                if parse {
                    n += parse_response(fr).is_ok() as usize
                } else {
                    n += 1
                }
            }
        }
    }
    n
}
fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let big = Limits {
        max_line: 64 << 20,
        ..Limits::default()
    };
    let sets: Vec<(&str, Vec<u8>, Limits)> = vec![
        ("a", testgen::fetch_stream(10_000), Limits::default()),
        ("b", testgen::literal_stream(100 << 20), Limits::default()),
        ("c", testgen::many_literals(16_000), Limits::default()),
        ("d", testgen::big_search(1_000_000), big),
    ];
    for (name, data, limits) in &sets {
        if !filter.is_empty() && !filter.iter().any(|f| f == name) {
            continue;
        }
        for parse in [false, true] {
            let mut best = f64::MAX;
            for _ in 0..15 {
                let t = cpu();
                std::hint::black_box(run(data, *limits, parse));
                best = best.min(cpu() - t);
            }
            println!(
                "{name} parse={parse} bytes={} best_cpu={:.3} ms  {:.0} MB/s",
                data.len(),
                best * 1e3,
                data.len() as f64 / best / 1e6
            );
        }
    }
}
