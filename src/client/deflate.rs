//! COMPRESS=DEFLATE (RFC 4978): raw deflate (RFC 1951) over the connection
//! in both directions, after the command's OK.
//!
//! Writes are buffered and sent on `flush` as complete deflate blocks, so
//! every command (and every literal the server must answer with `+`)
//! reaches the server whole: the client flushes after each. A client's
//! commands are short, and a compressor's state is large (some 300 KiB
//! with miniz_oxide), so they go out as stored (uncompressed) deflate
//! blocks until the first large write (an APPEND's literal); from then on
//! a real compressor takes over, its blocks following the stored ones in
//! the same stream (both end on a byte boundary). Reads inflate straight
//! into the caller's buffer (the framer's room); the compressed bytes read
//! but not yet inflated stay here.

use std::io::{self, Read, Write};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::transport::Stream;

/// Compressed bytes read from the socket at a time: a TLS record's worth
/// (each inflates to several times as many), and little memory per
/// connection.
const IN_CHUNK: usize = 16 * 1024;
/// Compressed output sent on before a flush once this much is waiting, so
/// a large literal (APPEND) goes out in pieces instead of being held.
const OUT_HIGH: usize = 64 * 1024;
/// Unflushed plain bytes from which the real compressor is started.
const COMPRESS_FROM: usize = 4096;
/// The largest stored block's data (its length field is 16 bits).
const STORED_MAX: usize = 65535;

/// Byte counts of a compressed connection, each way: the protocol's bytes
/// and the bytes on the wire (under TLS, the TLS plaintext).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompressionStats {
    /// Bytes of commands sent since COMPRESS, before compression.
    pub sent: u64,
    /// The same after compression.
    pub sent_wire: u64,
    /// Bytes of responses received since COMPRESS, after inflating.
    pub received: u64,
    /// The same as they came off the wire.
    pub received_wire: u64,
}

/// A stream whose bytes are deflated both ways.
pub(crate) struct Deflate {
    pub(crate) inner: Stream,
    /// The compressor, from the first large write on (see the module
    /// documentation); before it, writes wait in `plain`.
    comp: Option<Box<Compress>>,
    /// Written bytes not yet sent, while there is no compressor.
    plain: Vec<u8>,
    /// Bytes sent as stored blocks: (plain, on the wire).
    stored: (u64, u64),
    dec: Decompress,
    /// Compressed bytes `in_start..in_end` of `inbuf` are read, not yet
    /// inflated.
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    /// The last read filled the caller's buffer: the decompressor may
    /// hold more output.
    out_full: bool,
    /// Compressed bytes not yet written.
    out: Vec<u8>,
    /// Input was compressed since the last sync flush.
    dirty: bool,
}

/// A failure of the compression layer itself (corrupt data from the
/// server): the client reports it as a protocol error, not as I/O.
#[derive(Debug)]
pub(crate) struct CompressFailure(pub(crate) String);

impl std::fmt::Display for CompressFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CompressFailure {}

fn corrupt(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        CompressFailure(format!("COMPRESS: {what}: {e}")),
    )
}

impl Deflate {
    /// Wrap `inner`; `unread` holds bytes already received after the
    /// command's OK, which are compressed too.
    pub(crate) fn new(inner: Stream, unread: Vec<u8>) -> Self {
        let mut inbuf = unread;
        let in_end = inbuf.len();
        inbuf.resize(in_end.max(IN_CHUNK), 0);
        Deflate {
            inner,
            comp: None,
            plain: Vec::new(),
            stored: (0, 0),
            dec: Decompress::new(false),
            inbuf,
            in_start: 0,
            in_end,
            out_full: false,
            out: Vec::new(),
            dirty: false,
        }
    }

    pub(crate) fn stats(&self) -> CompressionStats {
        let (cin, cout) = self
            .comp
            .as_ref()
            .map_or((0, 0), |c| (c.total_in(), c.total_out()));
        CompressionStats {
            sent: self.stored.0 + self.plain.len() as u64 + cin,
            sent_wire: self.stored.1 + cout,
            received: self.dec.total_out(),
            received_wire: self.dec.total_in(),
        }
    }

    /// True when compressed bytes are buffered here or the stream below
    /// has some (they may be only part of a block, whose rest is on its
    /// way: a read then waits for it, briefly).
    pub(crate) fn readable_now(&self) -> bool {
        self.in_start < self.in_end || self.inner.readable_now()
    }

    /// True when data is held here or in the stream below rather than in
    /// the socket (see `Stream::holds_data`). Also after a read that
    /// filled its buffer, since the decompressor may hold more output: if
    /// that output ended exactly there, a read finds nothing (callers that
    /// ask read without waiting).
    pub(crate) fn holds_data(&self) -> bool {
        self.out_full || self.in_start < self.in_end || self.inner.holds_data()
    }

    /// The waiting plain bytes as stored blocks into `out`.
    fn store_plain(&mut self) {
        for piece in self.plain.chunks(STORED_MAX) {
            let n = piece.len() as u16;
            // BFINAL 0, BTYPE 00, padded to the byte; LEN; NLEN.
            self.out.push(0);
            self.out.extend_from_slice(&n.to_le_bytes());
            self.out.extend_from_slice(&(!n).to_le_bytes());
            self.out.extend_from_slice(piece);
            self.stored.0 += piece.len() as u64;
            self.stored.1 += piece.len() as u64 + 5;
        }
        self.plain.clear();
    }

    /// Compress `input` into `out`; with `FlushCompress::Sync` also end
    /// the block so that the server can inflate everything so far. Output
    /// over `OUT_HIGH` goes on to the stream as it comes, so one large
    /// write (an APPEND's literal) never holds its compressed copy whole.
    fn deflate(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        let Some(comp) = self.comp.as_mut() else {
            return Ok(());
        };
        loop {
            if self.out.len() >= OUT_HIGH {
                self.inner.write_all(&self.out)?;
                self.out.clear();
            }
            if self.out.capacity() - self.out.len() < 256 {
                self.out.reserve(OUT_HIGH.min(input.len() / 2 + 4096));
            }
            let before = comp.total_in();
            comp.compress_vec(input, &mut self.out, flush)
                .map_err(|e| corrupt("compressing", e))?;
            let used = (comp.total_in() - before) as usize;
            input = &input[used..];
            // Done when all input is taken and the output did not fill the
            // room given (zlib's rule for a complete flush).
            if input.is_empty() && self.out.len() < self.out.capacity() {
                return Ok(());
            }
        }
    }
}

impl Write for Deflate {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.comp.is_none() {
            if self.plain.len() + buf.len() < COMPRESS_FROM {
                self.plain.extend_from_slice(buf);
                return Ok(buf.len());
            }
            // A large write: what waits goes out stored, then the
            // compressor takes over for good. Level 1: uploads stay fast,
            // and mail text compresses nearly as well as at the default.
            self.store_plain();
            self.plain = Vec::new();
            self.comp = Some(Box::new(Compress::new(Compression::fast(), false)));
        }
        self.deflate(buf, FlushCompress::None)?;
        self.dirty = true;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.plain.is_empty() {
            self.store_plain();
        }
        if self.dirty {
            self.deflate(&[], FlushCompress::Sync)?;
            self.dirty = false;
        }
        if !self.out.is_empty() {
            self.inner.write_all(&self.out)?;
            self.out.clear();
        }
        self.inner.flush()
    }
}

impl Read for Deflate {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            // Inflate first even with no input buffered: a full `buf` last
            // time may have left output inside the decompressor.
            let input = &self.inbuf[self.in_start..self.in_end];
            let (in0, out0) = (self.dec.total_in(), self.dec.total_out());
            let status = self
                .dec
                .decompress(input, buf, FlushDecompress::None)
                .map_err(|e| corrupt("the server's compressed data is corrupt", e))?;
            let used = (self.dec.total_in() - in0) as usize;
            let made = (self.dec.total_out() - out0) as usize;
            self.in_start += used;
            // A full `buf` may leave output inside the decompressor, with
            // no input left to show it.
            self.out_full = made == buf.len();
            if made > 0 {
                return Ok(made);
            }
            if status == Status::StreamEnd {
                // The server finished its compressed stream: nothing can
                // follow it, as after the end of the connection.
                return Ok(0);
            }
            if used > 0 {
                continue;
            }
            // More compressed bytes are needed.
            if self.in_start == self.in_end {
                self.in_start = 0;
                self.in_end = 0;
            } else if self.in_start > 0 {
                self.inbuf.copy_within(self.in_start..self.in_end, 0);
                self.in_end -= self.in_start;
                self.in_start = 0;
            }
            if self.in_end == self.inbuf.len() {
                let n = self.inbuf.len() * 2;
                self.inbuf.resize(n, 0);
            }
            let n = self.inner.read(&mut self.inbuf[self.in_end..])?;
            if n == 0 {
                return Ok(0);
            }
            self.in_end += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::transport::Sock;
    use super::*;
    use std::net::{TcpListener, TcpStream};

    fn pair() -> (Deflate, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (peer, _) = l.accept().unwrap();
        (Deflate::new(Stream::Plain(Sock::new(s)), Vec::new()), peer)
    }

    /// What a server would send: `data` deflated and sync-flushed.
    fn deflated(c: &mut Compress, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 1024);
        c.compress_vec(data, &mut out, FlushCompress::Sync).unwrap();
        assert!(out.len() < out.capacity());
        out
    }

    #[test]
    fn output_left_inside_the_decompressor_counts_as_held_data() {
        // A few bytes inflate to a long run: reads of 100 bytes take all
        // the input at once and leave the run inside the decompressor,
        // where the socket shows nothing.
        let (mut d, mut peer) = pair();
        let mut c = Compress::new(Compression::default(), false);
        let text = vec![b'a'; 5050];
        peer.write_all(&deflated(&mut c, &text)).unwrap();
        let mut buf = [0u8; 100];
        let mut got = d.read(&mut buf).unwrap();
        assert_eq!(d.in_start, d.in_end, "all the input was taken");
        assert!(!d.inner.socket_readable());
        while got < text.len() {
            assert!(d.holds_data(), "after {got} bytes");
            got += d.read(&mut buf).unwrap();
        }
        assert_eq!(got, text.len());
        // The last read did not fill the buffer: nothing is left.
        assert!(!d.holds_data());
    }

    #[test]
    fn writes_reach_the_peer_whole_at_each_flush() {
        let (mut d, mut peer) = pair();
        d.write_all(b"A1 NOOP\r\n").unwrap();
        d.flush().unwrap();
        let mut dec = Decompress::new(false);
        let mut wire = vec![0u8; 256];
        let n1 = peer.read(&mut wire).unwrap();
        let mut plain = vec![0u8; 256];
        dec.decompress(&wire[..n1], &mut plain, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(&plain[..dec.total_out() as usize], b"A1 NOOP\r\n");
        // A flush with nothing new sends nothing.
        d.flush().unwrap();
        d.write_all(b"A2 LOGOUT\r\n").unwrap();
        d.flush().unwrap();
        let n = peer.read(&mut wire).unwrap();
        let before = dec.total_out() as usize;
        dec.decompress(&wire[..n], &mut plain[before..], FlushDecompress::Sync)
            .unwrap();
        assert_eq!(
            &plain[..dec.total_out() as usize],
            b"A1 NOOP\r\nA2 LOGOUT\r\n"
        );
        let s = d.stats();
        assert_eq!(s.sent, 20);
        assert_eq!(s.sent_wire as usize, n1 + n, "every byte written was sent");
    }

    #[test]
    fn commands_go_stored_until_a_large_write_starts_the_compressor() {
        let (mut d, mut peer) = pair();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            peer.read_to_end(&mut all).unwrap();
            all
        });
        let mut want = Vec::new();
        for i in 0..50 {
            let line = format!("A{i} NOOP\r\n");
            d.write_all(line.as_bytes()).unwrap();
            d.flush().unwrap();
            want.extend_from_slice(line.as_bytes());
        }
        assert!(d.comp.is_none(), "no compressor for short commands");
        let s = d.stats();
        assert_eq!(s.sent, want.len() as u64);
        assert_eq!(
            s.sent_wire,
            want.len() as u64 + 50 * 5,
            "one stored block each"
        );
        // An APPEND's literal: compressible text, then more commands.
        let big: Vec<u8> = (0..2000u32)
            .flat_map(|i| format!("Line {i} of a long message body.\r\n").into_bytes())
            .collect();
        d.write_all(b"A50 APPEND INBOX {65890+}\r\n").unwrap();
        d.write_all(&big).unwrap();
        d.write_all(b"\r\n").unwrap();
        d.flush().unwrap();
        assert!(d.comp.is_some(), "the large write started the compressor");
        d.write_all(b"A51 LOGOUT\r\n").unwrap();
        d.flush().unwrap();
        want.extend_from_slice(b"A50 APPEND INBOX {65890+}\r\n");
        want.extend_from_slice(&big);
        want.extend_from_slice(b"\r\nA51 LOGOUT\r\n");
        let s = d.stats();
        assert_eq!(s.sent, want.len() as u64);
        drop(d);
        let wire = reader.join().unwrap();
        assert_eq!(wire.len() as u64, s.sent_wire, "every byte counted");
        assert!(wire.len() * 4 < want.len(), "the body was compressed");
        // One standard inflater reads the stored and compressed blocks.
        let mut dec = Decompress::new(false);
        let mut plain = vec![0u8; want.len() + 64];
        dec.decompress(&wire, &mut plain, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(&plain[..dec.total_out() as usize], &want[..]);
    }

    #[test]
    fn reads_inflate_across_small_buffers_and_split_blocks() {
        let (mut d, mut peer) = pair();
        let mut c = Compress::new(Compression::default(), false);
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("* {i} FETCH (FLAGS (\\Seen))\r\n").into_bytes())
            .collect();
        let wire = deflated(&mut c, &text);
        assert!(wire.len() * 5 < text.len(), "compresses");
        // Sent in two pieces split mid-block; read through a small buffer.
        let (a, b) = wire.split_at(wire.len() / 2);
        peer.write_all(a).unwrap();
        let t = std::thread::spawn({
            let b = b.to_vec();
            let mut peer = peer.try_clone().unwrap();
            move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                peer.write_all(&b).unwrap();
            }
        });
        let mut got = Vec::new();
        let mut buf = [0u8; 777];
        while got.len() < text.len() {
            let n = d.read(&mut buf).unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        t.join().unwrap();
        assert_eq!(got, text);
        assert_eq!(d.stats().received, text.len() as u64);
        assert_eq!(d.stats().received_wire, wire.len() as u64);
        drop(peer);
        assert_eq!(d.read(&mut buf).unwrap(), 0, "end of file passes through");
    }

    #[test]
    fn bytes_received_before_the_switch_are_inflated_first() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (mut peer, _) = l.accept().unwrap();
        let mut c = Compress::new(Compression::default(), false);
        let w1 = deflated(&mut c, b"* 3 EXISTS\r\n");
        let w2 = deflated(&mut c, b"A5 OK done\r\n");
        let mut d = Deflate::new(Stream::Plain(Sock::new(s)), w1);
        peer.write_all(&w2).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while got.len() < 24 {
            let n = d.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"* 3 EXISTS\r\nA5 OK done\r\n");
    }

    #[test]
    fn the_end_of_the_compressed_stream_reads_as_end_of_file() {
        let (mut d, mut peer) = pair();
        let mut c = Compress::new(Compression::default(), false);
        let mut wire = Vec::with_capacity(256);
        c.compress_vec(b"* BYE closing\r\n", &mut wire, FlushCompress::Finish)
            .unwrap();
        peer.write_all(&wire).unwrap();
        let mut buf = [0u8; 64];
        let n = d.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"* BYE closing\r\n");
        // The socket is still open: the end is the stream's, not TCP's.
        assert_eq!(d.read(&mut buf).unwrap(), 0);
        assert_eq!(d.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn corrupt_data_is_an_invalid_data_error() {
        let (mut d, mut peer) = pair();
        // Block type 3 is reserved: no deflate stream starts so.
        peer.write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
        let e = d.read(&mut [0u8; 64]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("corrupt"), "{e}");
    }

    #[test]
    fn a_large_write_goes_out_before_the_flush() {
        let (mut d, mut peer) = pair();
        // Incompressible bytes: a literal of random-looking data.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let data: Vec<u8> = (0..300_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            peer.read_to_end(&mut all).unwrap();
            all
        });
        d.write_all(&data).unwrap();
        assert!(d.out.len() < OUT_HIGH, "held back {} bytes", d.out.len());
        assert!(
            d.out.capacity() < 2 * OUT_HIGH + 4096,
            "the compressed copy was held whole: {} bytes of room",
            d.out.capacity()
        );
        d.flush().unwrap();
        drop(d);
        let wire = reader.join().unwrap();
        let mut dec = Decompress::new(false);
        let mut plain = vec![0u8; data.len() + 16];
        dec.decompress(&wire, &mut plain, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(&plain[..dec.total_out() as usize], &data[..]);
    }
}
