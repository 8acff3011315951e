//! The byte stream under a client: TCP, or TLS over TCP; timeouts and the
//! cross-thread interrupt.

use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::{ClientConnection, StreamOwned};

use super::deflate::Deflate;
use super::error::{Error, ErrorKind, Result};
use super::tls::{server_name, TlsConfig};

/// A plaintext or TLS stream, possibly compressed (COMPRESS=DEFLATE; the
/// stream inside is never compressed itself).
pub(crate) enum Stream {
    Plain(Sock),
    Tls(Box<StreamOwned<ClientConnection, Sock>>),
    Deflate(Box<Deflate>),
}

/// The TCP socket under every stream (under TLS and the compressor too):
/// every byte the client sends goes through `Sock::write`, one `send` a
/// call, and every byte it receives through `Sock::read`, one `recv` a
/// call.
///
/// That `send` has MSG_NOSIGNAL (what `TcpStream::write` uses): rustls
/// writes with `write_vectored`, i.e. `writev`, which raises SIGPIPE on a
/// connection the peer has closed, and SIGPIPE kills a C host program
/// (only Rust binaries ignore it). One buffer per call costs a few more
/// syscalls on the small writes of a client.
///
/// While a call runs under the command timeout (`set_deadline`), each
/// `send` and `recv` waits at most until the deadline: the socket's
/// timeout is cut to the time left before it (one more syscall a read or
/// write, only then), and one the deadline stopped, or one tried after
/// it, fails with `DeadlinePassed`. Checked here, below TLS and the
/// compressor, it bounds every syscall of theirs, however many one read or
/// write of theirs makes (rustls writes a record at a time, and reads
/// until it has a whole record, which a server may send a byte at a time;
/// the compressor sends on as its output grows).
///
/// A `send` the I/O timeout stopped (nothing sent for that long) fails with
/// `WriteStalled`, and so does every later `send` at once: the connection
/// is lost (the client closes it), and rustls, given the socket's
/// `WouldBlock`, would read for another I/O timeout and its next write
/// wait a third (a stalled TLS write took 3 I/O timeouts before).
pub(crate) struct Sock {
    pub(crate) tcp: TcpStream,
    deadline: Option<Deadline>,
    /// The write timeout was cut below the I/O timeout and must be put
    /// back.
    write_cut: bool,
    /// The socket is in non-blocking mode: `WouldBlock` is no timeout.
    nonblocking: bool,
    /// A send timed out: every later one fails at once.
    stalled: bool,
}

/// When the running call must end, and the I/O timeout, which still bounds
/// each wait (`None`: none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) io_timeout: Option<Duration>,
}

/// A read or write stopped by the command deadline (see `Sock`). Its kind
/// is `TimedOut`, not `WouldBlock`: rustls takes `WouldBlock` from a write
/// as a cue to read instead, which would wait on.
#[derive(Debug)]
pub(crate) struct DeadlinePassed;

impl std::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the command deadline passed")
    }
}

impl std::error::Error for DeadlinePassed {}

/// A send the I/O timeout stopped (see `Sock`). Its kind is `TimedOut`,
/// not the socket's `WouldBlock`, for the reason `DeadlinePassed`'s is.
#[derive(Debug)]
pub(crate) struct WriteStalled;

impl std::fmt::Display for WriteStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the server took nothing sent to it within the write timeout (io_timeout)")
    }
}

impl std::error::Error for WriteStalled {}

fn write_stalled() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, WriteStalled)
}

fn deadline_passed() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, DeadlinePassed)
}

/// True when `e` is (or carries) a `DeadlinePassed`.
pub(crate) fn is_deadline_passed(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|r| r.is::<DeadlinePassed>())
}

impl Sock {
    pub(crate) fn new(tcp: TcpStream) -> Sock {
        Sock {
            tcp,
            deadline: None,
            write_cut: false,
            nonblocking: false,
            stalled: false,
        }
    }

    /// Bound every write by `d` from now on; `None` ends that and puts
    /// the write timeout back to the I/O timeout.
    pub(crate) fn set_deadline(&mut self, d: Option<Deadline>) {
        if d.is_none() && self.write_cut {
            if let Some(old) = self.deadline {
                let _ = self.tcp.set_write_timeout(old.io_timeout);
            }
            self.write_cut = false;
        }
        self.deadline = d;
    }

    /// Read with the read timeout cut to what is left of `d` (set each
    /// time: `idle_wait` sets its own between calls).
    fn read_by(&mut self, d: Deadline, buf: &mut [u8]) -> io::Result<usize> {
        let left = d.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(deadline_passed());
        }
        let (wait, cut) = match d.io_timeout {
            Some(io) if io <= left => (io, false),
            _ => (left, true),
        };
        self.tcp.set_read_timeout(Some(wait))?;
        match self.tcp.read(buf) {
            Err(e) if cut && is_timeout(&e) => Err(deadline_passed()),
            r => r,
        }
    }

    fn write_by(&mut self, d: Deadline, buf: &[u8]) -> io::Result<usize> {
        let left = d.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(deadline_passed());
        }
        let cut = d.io_timeout.map_or(true, |io| left < io);
        if cut {
            self.tcp.set_write_timeout(Some(left))?;
            self.write_cut = true;
        } else if self.write_cut {
            self.tcp.set_write_timeout(d.io_timeout)?;
            self.write_cut = false;
        }
        match self.tcp.write(buf) {
            // The socket's timeout was the deadline's: it has passed (the
            // kernel's timer may fire a hair early).
            Err(e) if cut && is_timeout(&e) => Err(deadline_passed()),
            r => r,
        }
    }
}

/// What a blocking socket's timeout gives.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.deadline {
            None => self.tcp.read(buf),
            Some(d) => self.read_by(d, buf),
        }
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stalled {
            return Err(write_stalled());
        }
        let r = match self.deadline {
            None => self.tcp.write(buf),
            Some(d) => self.write_by(d, buf),
        };
        match r {
            // A blocking socket's write timeout (the deadline's gives
            // `DeadlinePassed`, of kind `TimedOut`).
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && !self.nonblocking => {
                self.stalled = true;
                Err(write_stalled())
            }
            r => r,
        }
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        self.write(first)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

impl Stream {
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => &s.tcp,
            Stream::Tls(s) => &s.sock.tcp,
            Stream::Deflate(d) => d.inner.tcp(),
        }
    }

    fn sock_mut(&mut self) -> &mut Sock {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &mut s.sock,
            Stream::Deflate(d) => d.inner.sock_mut(),
        }
    }

    /// Bound every write, whatever layer makes it, by the command
    /// deadline `d` (see `Sock`); `None` ends that.
    pub(crate) fn set_deadline(&mut self, d: Option<Deadline>) {
        self.sock_mut().set_deadline(d);
    }

    pub(crate) fn is_tls(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(_) => true,
            Stream::Deflate(d) => d.inner.is_tls(),
        }
    }

    /// True when a read would return at once: on a plain socket, when it
    /// holds bytes (or an end of file or error to report); under TLS, only
    /// when rustls holds decrypted plaintext (or the peer's close_notify).
    /// Bytes on a TLS socket may be part of a record whose rest is still
    /// in flight, and a read would wait for it, so they do not count.
    pub(crate) fn readable_now(&self) -> bool {
        match self {
            Stream::Plain(_) => self.socket_readable(),
            Stream::Tls(s) => !s.conn.wants_read(),
            Stream::Deflate(d) => d.readable_now(),
        }
    }

    /// True when the socket itself has bytes (or an end of file or error)
    /// to read, whatever layers are above it.
    pub(crate) fn socket_readable(&self) -> bool {
        use std::os::fd::AsRawFd;
        let mut p = libc::pollfd {
            fd: self.tcp().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, a zero timeout: poll only looks.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        n > 0 && p.revents != 0
    }

    /// True when data is held inside this stream rather than in the
    /// socket, where poll cannot see it: TLS plaintext already decrypted
    /// (or the peer's close_notify), compressed bytes not yet inflated, or
    /// inflated output a full buffer left behind. Compressed bytes may be
    /// only part of a block, so a read may still need the socket.
    pub(crate) fn holds_data(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(s) => !s.conn.wants_read(),
            Stream::Deflate(d) => d.holds_data(),
        }
    }

    /// Make reads return `WouldBlock` at once instead of waiting (or wait
    /// again, with `false`).
    pub(crate) fn set_nonblocking(&mut self, on: bool) -> io::Result<()> {
        let sock = self.sock_mut();
        sock.tcp.set_nonblocking(on)?;
        sock.nonblocking = on;
        Ok(())
    }

    /// Read timeout for the next reads (`None` blocks forever).
    pub(crate) fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.tcp().set_read_timeout(t.filter(|d| !d.is_zero()))
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Deflate(d) => d.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::Deflate(d) => d.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::Deflate(d) => d.flush(),
        }
    }
}

/// Shared between a client and its [`Interrupter`]s.
#[derive(Debug, Default)]
pub(crate) struct InterruptState {
    pub(crate) flag: AtomicBool,
    sock: Mutex<Option<TcpStream>>,
}

impl InterruptState {
    pub(crate) fn set_socket(&self, s: &TcpStream) {
        if let Ok(c) = s.try_clone() {
            if let Ok(mut g) = self.sock.lock() {
                *g = Some(c);
            }
        }
    }

    pub(crate) fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// Interrupts a client's blocking call from another thread.
///
/// The call in progress returns `Interrupted` promptly; the connection is
/// shut down (the server's answer to the interrupted command can no longer
/// be matched up), so the error is fatal and the client must be
/// reconnected afterwards. A call waiting for the server stops at once;
/// one working through an answer already received stops before the next
/// response it would handle and before the next callback of a streaming
/// fetch (a callback running when the interrupt comes finishes; none runs
/// after it). The interrupt is reported once, by the call it interrupted,
/// even if that call had received its whole answer; later calls fail with
/// `IllegalState`. Requested when no call runs (or as one returns, after
/// its last look at the interrupt), it closes the connection all the
/// same, and the next call fails at once with `Interrupted`, later ones
/// with `IllegalState`.
#[derive(Debug, Clone)]
pub struct Interrupter(pub(crate) Arc<InterruptState>);

impl Interrupter {
    pub fn interrupt(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        if let Ok(g) = self.0.sock.lock() {
            if let Some(s) = g.as_ref() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

/// Turn on TCP keepalive with `k`'s times. A system that refuses (some
/// have no interval or count) keeps its own values: logged, not fatal.
pub(crate) fn set_keepalive(s: &TcpStream, k: &super::Keepalive) {
    let ka = socket2::TcpKeepalive::new()
        .with_time(k.idle)
        .with_interval(k.interval)
        .with_retries(k.count);
    if let Err(e) = socket2::SockRef::from(s).set_tcp_keepalive(&ka) {
        log::warn!(target: "imapclient::client", "cannot set TCP keepalive {k:?}: {e}");
    }
}

/// Connect a TCP socket to `host:port`, trying each address in turn, each
/// until `deadline` at most (`None`: the system's own connect timeout).
pub(crate) fn connect_tcp(
    host: &str,
    port: u16,
    deadline: Option<Instant>,
    intr: &InterruptState,
) -> Result<TcpStream> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<_> = (h, port)
        .to_socket_addrs()
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot resolve {host}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::new(ErrorKind::Io, format!("{host} has no address")));
    }
    let mut last = None;
    for a in addrs {
        if intr.is_set() {
            return Err(Error::new(
                ErrorKind::Interrupted,
                "interrupted while connecting",
            ));
        }
        let r = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => TcpStream::connect_timeout(&a, left),
                _ => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the connect timeout passed",
                )),
            },
            None => TcpStream::connect(a),
        };
        match r {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                log::debug!(target: "imapclient::client", "connected to {a}");
                return Ok(s);
            }
            Err(e) => {
                log::debug!(target: "imapclient::client", "connect {a}: {e}");
                last = Some(e);
            }
        }
    }
    let e = last
        .map(Error::from)
        .unwrap_or_else(|| Error::new(ErrorKind::Io, "connect failed"));
    Err(Error::new(
        e.kind,
        format!("cannot connect to {host}:{port}: {}", e.message),
    ))
}

/// Run the TLS handshake over `tcp` (its socket timeouts and its deadline,
/// the set-up's, apply).
pub(crate) fn tls_handshake(mut tcp: Sock, host: &str, cfg: &TlsConfig) -> Result<Stream> {
    if cfg.dangerous {
        log::warn!(target: "imapclient::tls",
            "certificate verification is OFF for {host}: anyone on the network path can read and alter this session");
    } else if !cfg.verify_hostname {
        log::warn!(target: "imapclient::tls",
            "host name verification is off for {host}: any certificate a trusted CA issued, for any name, is accepted");
    }
    let name = server_name(host)?;
    let mut conn = ClientConnection::new(cfg.rustls.clone(), name)
        .map_err(|e| Error::new(ErrorKind::Tls, format!("TLS setup: {e}")))?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            if is_deadline_passed(&e) {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "TLS handshake with {host}: the connection set-up took longer \
                         than the connect timeout"
                    ),
                ));
            }
            let err = Error::from(e);
            return Err(match err.kind {
                ErrorKind::ConnectionClosed => Error::new(
                    ErrorKind::Tls,
                    format!(
                        "TLS handshake with {host}: the server closed the connection ({})",
                        err.message
                    ),
                ),
                _ => err,
            });
        }
    }
    log::debug!(target: "imapclient::tls", "TLS established with {host}: {:?} {:?}",
        conn.protocol_version(), conn.negotiated_cipher_suite().map(|c| c.suite()));
    Ok(Stream::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected `Sock` whose write timeout is `io`, and its peer.
    fn sock_with_write_timeout(io: Duration) -> (Sock, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (peer, _) = l.accept().unwrap();
        tcp.set_write_timeout(Some(io)).unwrap();
        (Sock::new(tcp), peer)
    }

    #[test]
    fn a_deadline_bounds_each_write_and_its_end_restores_the_io_timeout() {
        let io = Duration::from_secs(30);
        let (mut s, _peer) = sock_with_write_timeout(io);
        let limit = Duration::from_millis(300);
        let t0 = Instant::now();
        s.set_deadline(Some(Deadline {
            at: t0 + limit,
            io_timeout: Some(io),
        }));
        // The peer never reads: the write stalls once the buffers fill.
        let e = s.write_all(&vec![0u8; 64 << 20]).unwrap_err();
        let took = t0.elapsed();
        assert!(is_deadline_passed(&e), "{e:?}");
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(took >= limit - Duration::from_millis(50), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        // Cut to the time left (the kernel keeps it in clock ticks).
        let cut = s.tcp.write_timeout().unwrap();
        assert!(
            cut.is_some_and(|t| t <= limit + Duration::from_millis(20)),
            "{cut:?}"
        );
        // Past the deadline a write fails at once, sending nothing.
        assert!(is_deadline_passed(&s.write(b"x").unwrap_err()));
        s.set_deadline(None);
        assert_eq!(s.tcp.write_timeout().unwrap(), Some(io));
    }

    #[test]
    fn a_deadline_bounds_each_read() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (mut peer, _) = l.accept().unwrap();
        let mut s = Sock::new(tcp);
        let limit = Duration::from_millis(300);
        let t0 = Instant::now();
        s.set_deadline(Some(Deadline {
            at: t0 + limit,
            io_timeout: Some(Duration::from_secs(30)),
        }));
        peer.write_all(b"* OK").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(s.read(&mut buf).unwrap(), 4, "what has come is read");
        // The peer says no more.
        let e = s.read(&mut buf).unwrap_err();
        let took = t0.elapsed();
        assert!(is_deadline_passed(&e), "{e:?}");
        assert!(took >= limit - Duration::from_millis(50), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(is_deadline_passed(&s.read(&mut buf).unwrap_err()));
    }

    /// A send the I/O timeout stopped fails with `WriteStalled` (kind
    /// `TimedOut`: rustls must not read on), and every later one at once;
    /// in non-blocking mode `WouldBlock` is only that.
    #[test]
    fn a_stalled_write_fails_every_later_write_at_once() {
        let (s, _peer) = sock_with_write_timeout(Duration::from_millis(200));
        let mut st = Stream::Plain(s);
        st.set_nonblocking(true).unwrap();
        // The peer never reads: the buffers fill, then `WouldBlock` at once.
        let e = loop {
            if let Err(e) = st.write(&[0u8; 1 << 16]) {
                break e;
            }
        };
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock, "{e:?}");
        st.set_nonblocking(false).unwrap();
        let Stream::Plain(mut s) = st else {
            unreachable!()
        };
        assert!(!s.stalled, "a non-blocking WouldBlock is no stall");
        let t0 = Instant::now();
        let e = s.write(&[0u8; 1 << 16]).unwrap_err();
        assert!(
            t0.elapsed() >= Duration::from_millis(150),
            "{:?}",
            t0.elapsed()
        );
        assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e:?}");
        assert!(e.get_ref().is_some_and(|r| r.is::<WriteStalled>()), "{e:?}");
        let t1 = Instant::now();
        let again = s.write(b"x").unwrap_err();
        assert!(
            t1.elapsed() < Duration::from_millis(100),
            "{:?}",
            t1.elapsed()
        );
        assert!(
            again.get_ref().is_some_and(|r| r.is::<WriteStalled>()),
            "{again:?}"
        );
        let c = crate::client::Error::from(again);
        assert_eq!(c.kind, crate::client::ErrorKind::Timeout, "{c}");
        assert!(
            c.message.contains("within the write timeout (io_timeout"),
            "{c}"
        );
    }

    #[test]
    fn without_a_deadline_the_write_timeout_is_left_alone() {
        let io = Duration::from_secs(30);
        let (mut s, _peer) = sock_with_write_timeout(io);
        // A deadline further off than the I/O timeout leaves it too.
        s.set_deadline(Some(Deadline {
            at: Instant::now() + Duration::from_secs(600),
            io_timeout: Some(io),
        }));
        s.write_all(b"A1 NOOP\r\n").unwrap();
        assert_eq!(s.tcp.write_timeout().unwrap(), Some(io));
        s.set_deadline(None);
        s.write_all(b"A2 NOOP\r\n").unwrap();
        assert_eq!(s.tcp.write_timeout().unwrap(), Some(io));
    }

    #[test]
    fn readable_now_tells_whether_a_read_would_wait() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = Stream::Plain(Sock::new(
            TcpStream::connect(l.local_addr().unwrap()).unwrap(),
        ));
        let (mut peer, _) = l.accept().unwrap();
        assert!(!s.readable_now(), "nothing sent yet");
        peer.write_all(b"* OK\r\n").unwrap();
        let t0 = std::time::Instant::now();
        while !s.readable_now() {
            assert!(t0.elapsed() < Duration::from_secs(5), "bytes never seen");
            std::thread::yield_now();
        }
        let mut plain = match s {
            Stream::Plain(p) => p.tcp,
            _ => unreachable!(),
        };
        let mut buf = [0u8; 16];
        assert_eq!(plain.read(&mut buf).unwrap(), 6);
        let s = Stream::Plain(Sock::new(plain));
        assert!(!s.readable_now(), "all read");
        drop(peer);
        let t0 = std::time::Instant::now();
        while !s.readable_now() {
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "end of file never seen"
            );
            std::thread::yield_now();
        }
    }
}
