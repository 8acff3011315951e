//! The byte stream under a client: TCP, or TLS over TCP; timeouts and the
//! cross-thread interrupt.

use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::{ClientConnection, StreamOwned};

use super::deflate::Deflate;
use super::error::{Error, ErrorKind, Result};
use super::tls::{server_name, TlsConfig};

/// A plaintext or TLS stream, possibly compressed (COMPRESS=DEFLATE; the
/// stream inside is never compressed itself).
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, NoSigPipe>>),
    Deflate(Box<Deflate>),
}

/// The TCP socket under TLS. Every write goes through `send` with
/// MSG_NOSIGNAL (what `TcpStream::write` uses): rustls writes with
/// `write_vectored`, i.e. `writev`, which raises SIGPIPE on a connection the
/// peer has closed, and SIGPIPE kills a C host program (only Rust binaries
/// ignore it). One buffer per call costs a few more syscalls on the small
/// writes of a client.
pub(crate) struct NoSigPipe(pub(crate) TcpStream);

impl Read for NoSigPipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for NoSigPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        self.0.write(first)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Stream {
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock.0,
            Stream::Deflate(d) => d.inner.tcp(),
        }
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
    pub(crate) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        self.tcp().set_nonblocking(on)
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
/// be matched up), so the client must be reconnected afterwards.
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

/// Connect a TCP socket to `host:port`, trying each address in turn.
pub(crate) fn connect_tcp(
    host: &str,
    port: u16,
    timeout: Option<Duration>,
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
        let r = match timeout.filter(|d| !d.is_zero()) {
            Some(t) => TcpStream::connect_timeout(&a, t),
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

/// Run the TLS handshake over `tcp` (its timeouts apply).
pub(crate) fn tls_handshake(tcp: TcpStream, host: &str, cfg: &TlsConfig) -> Result<Stream> {
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
    let mut tcp = NoSigPipe(tcp);
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
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

    #[test]
    fn readable_now_tells_whether_a_read_would_wait() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = Stream::Plain(TcpStream::connect(l.local_addr().unwrap()).unwrap());
        let (mut peer, _) = l.accept().unwrap();
        assert!(!s.readable_now(), "nothing sent yet");
        peer.write_all(b"* OK\r\n").unwrap();
        let t0 = std::time::Instant::now();
        while !s.readable_now() {
            assert!(t0.elapsed() < Duration::from_secs(5), "bytes never seen");
            std::thread::yield_now();
        }
        let mut plain = match s {
            Stream::Plain(p) => p,
            _ => unreachable!(),
        };
        let mut buf = [0u8; 16];
        assert_eq!(plain.read(&mut buf).unwrap(), 6);
        let s = Stream::Plain(plain);
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
