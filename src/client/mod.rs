//! Blocking IMAP client over TCP, TLS and STARTTLS.
//!
//! A [`Client`] is used by one thread at a time; [`Interrupter`] may be used
//! from any thread. Results are plain owned data, so they cross into C and
//! Go without lifetimes. Unsolicited server data (EXISTS, EXPUNGE, flag
//! changes of other sessions, ALERT, BYE) never pollutes a command's result:
//! it goes to an event queue drained with [`Client::take_events`].

mod core;
pub(crate) mod deflate;
pub mod error;
mod folders;
mod idle;
mod messages;
mod notify;
mod session;
pub mod tls;
mod transport;
pub mod types;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

pub use self::deflate::CompressionStats;
pub use self::error::{Error, ErrorKind, Result};
pub use self::idle::IdleEvents;
pub(crate) use self::messages::StreamSink;
pub use self::messages::{
    AppendMessage, Chunk, FetchOptions, IntoMessageSet, StoreAction, StoreOptions, StoreResult,
};
pub(crate) use self::messages::{FetchSink, Withheld};
pub use self::notify::check_notify_group;
pub use self::session::Sasl;
pub use self::tls::{TlsConfig, TlsConfigBuilder, TlsVersion};
pub use self::transport::Interrupter;
pub use self::types::*;

pub use crate::proto::dates::{Date, DateTime};
pub use crate::proto::flags::{ANSWERED, DELETED, DRAFT, FLAGGED, RECENT, SEEN};
pub use crate::proto::framer::Limits;
pub use crate::proto::search::SearchKey;
pub use crate::proto::seqset::MessageSet;

use self::transport::{InterruptState, Stream};
use crate::proto::framer::Framer;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// TLS from the first byte (port 993). The default.
    #[default]
    Implicit,
    /// Plaintext, then STARTTLS before anything else (port 143). Required:
    /// if the server does not offer or refuses it, the connection fails.
    StartTls,
    /// No TLS at all. Credentials travel in the clear: opt in explicitly.
    Plain,
}

impl Security {
    /// The standard port for this mode.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Implicit => 993,
            Security::StartTls | Security::Plain => 143,
        }
    }
}

/// Everything needed to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub host: String,
    /// 0 means the standard port for the security mode.
    pub port: u16,
    pub security: Security,
    /// TLS settings; `None` uses the default (system roots, host name
    /// verified).
    pub tls: Option<Arc<TlsConfig>>,
    /// The name to verify the certificate against (and send as SNI), when
    /// it differs from `host` (e.g. connecting to an IP address).
    pub tls_server_name: Option<String>,
    /// Longest the set-up of the connection may take in all, until the
    /// client is ready to log in: the TCP connect (the addresses the host
    /// resolves to are tried in turn, within it), the TLS handshake, the
    /// greeting, STARTTLS with its handshake, and the CAPABILITY command
    /// sent when the greeting listed none or after STARTTLS. Every read
    /// and write of the set-up waits at most until it, and at most
    /// `io_timeout` too; past it `connect` fails with `Timeout`. Default
    /// 30 s; `None` or zero: no bound on the whole (each read and write
    /// still has `io_timeout`; the TCP connect then has the system's own
    /// timeout).
    pub connect_timeout: Option<Duration>,
    /// Timeout of every read and write, those of the set-up included
    /// (which `connect_timeout` also bounds in all): a read that gets no
    /// byte, or a write the server takes nothing of, for this long fails
    /// with a fatal `Timeout`. Default 60 s; `None` or zero waits forever.
    /// `idle_wait` waits as long as it is told to.
    pub io_timeout: Option<Duration>,
    /// Longest one command may wait for the server in all, however
    /// steadily data moves (`io_timeout` bounds each read and write; a
    /// server sending a byte now and then, or taking an APPEND's message
    /// a few bytes at a time, could keep a call going for ever): the call
    /// then fails with a fatal `Timeout`. Checked at every read and every
    /// write (of TLS records and compressed data too), and each waits at
    /// most until it; a call that takes several commands (a long set
    /// split, MOVE's fallback) gives each its own.
    /// Default `None` (or zero): no bound. Not applied to IDLE, which
    /// `idle_wait`'s own timeout bounds, nor to `connect`'s set-up, which
    /// `connect_timeout` bounds in all. AUTHENTICATE is one command.
    pub command_timeout: Option<Duration>,
    /// Response size limits.
    pub limits: Limits,
    /// Longest command line the client sends; longer message sets are split
    /// into several commands. Default 8000 (RFC 7162 advises 8192).
    pub max_command_len: usize,
    /// Most unsolicited events the client queues until they are taken
    /// (`take_events`, `idle_wait`); default 1 000 000. Beyond it the
    /// running call fails with a fatal `LimitExceeded` (events lost would
    /// leave the caller's view of the folder wrong): a bound on the memory
    /// a server flooding the client with untagged data can take. At least
    /// 1 (`connect` refuses 0).
    pub max_events: usize,
    /// TCP keepalive; `None` turns it off. Default: probes after 60 s of
    /// silence, every 15 s, 4 unanswered ones end the connection. It keeps
    /// NAT and firewall state alive during a long IDLE and finds a peer
    /// that vanished (a laptop's network changed, a router rebooted):
    /// the waiting call then fails instead of waiting for news that can
    /// never come. IDLE's own renewal only comes every 28 minutes.
    pub keepalive: Option<Keepalive>,
}

/// TCP keepalive settings (see `ConnectOptions::keepalive`). The system
/// may round the times to whole seconds; where it cannot set the interval
/// or count they are left at its own values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// Silence before the first probe.
    pub idle: Duration,
    /// Time between unanswered probes.
    pub interval: Duration,
    /// Unanswered probes before the connection is given up.
    pub count: u32,
}

impl Default for Keepalive {
    fn default() -> Keepalive {
        Keepalive {
            idle: Duration::from_secs(60),
            interval: Duration::from_secs(15),
            count: 4,
        }
    }
}

impl ConnectOptions {
    pub fn new(host: impl Into<String>, security: Security) -> ConnectOptions {
        ConnectOptions {
            host: host.into(),
            port: 0,
            security,
            tls: None,
            tls_server_name: None,
            connect_timeout: Some(Duration::from_secs(30)),
            io_timeout: Some(Duration::from_secs(60)),
            command_timeout: None,
            limits: Limits::default(),
            max_command_len: 8000,
            max_events: 1_000_000,
            keepalive: Some(Keepalive::default()),
        }
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn tls(mut self, cfg: Arc<TlsConfig>) -> Self {
        self.tls = Some(cfg);
        self
    }
}

/// Where the session is in the IMAP state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    NotAuthenticated,
    Authenticated,
    Selected,
    Idle,
    Closed,
}

/// Session state the response handlers update while the framer's buffer is
/// borrowed (kept apart from the I/O so both can be borrowed at once).
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) caps: Vec<String>,
    /// Capabilities the caller told us not to use (buggy server features).
    pub(crate) masked_caps: Vec<String>,
    pub(crate) idle_renew: Duration,
    pub(crate) session: SessionState,
    pub(crate) selected: Option<MailboxState>,
    pub(crate) events: VecDeque<Event>,
    pub(crate) bye: Option<String>,
    pub(crate) use_uid: bool,
    pub(crate) folder_encode: bool,
    /// ENABLE UTF8=ACCEPT succeeded (RFC 6855): folder names are UTF-8 on
    /// the wire and SEARCH takes no CHARSET.
    pub(crate) utf8_accept: bool,
    /// ENABLE QRESYNC succeeded (RFC 7162).
    pub(crate) qresync: bool,
    /// NOTIFY SET was sent and no NOTIFY NONE succeeded since (RFC 5465):
    /// unsolicited LIST and STATUS responses may come with any answer.
    pub(crate) notify: bool,
    /// Most events the queue holds (`ConnectOptions::max_events`).
    pub(crate) max_events: usize,
    /// Something in a response that leaves the session in step with the
    /// server but makes the running command's result incomplete (a
    /// response that did not parse, a set too large to expand): the
    /// command fails with it, not fatally, once it has completed.
    pub(crate) deferred: Option<Error>,
    /// Something that ends the connection at once (the event queue
    /// overflowed, the command's completion did not parse): the call
    /// reading it fails with it.
    pub(crate) abort: Option<Error>,
}

impl State {
    /// Folder names go to and come from the wire in modified UTF-7.
    pub(crate) fn utf7_names(&self) -> bool {
        self.folder_encode && !self.utf8_accept
    }
}

/// A blocking IMAP client.
pub struct Client {
    pub(crate) stream: Option<Stream>,
    pub(crate) framer: Framer,
    pub(crate) st: State,
    pub(crate) tag: u32,
    pub(crate) greeting: String,
    pub(crate) broken: Option<Error>,
    pub(crate) intr: Arc<InterruptState>,
    pub(crate) opts: ConnectOptions,
    pub(crate) idle: Option<idle::IdleState>,
    /// When the running call must end (`ConnectOptions::command_timeout`).
    pub(crate) deadline: Option<std::time::Instant>,
    /// `connect` is still setting up (its waits have the connect timeout,
    /// not the command timeout).
    pub(crate) set_up: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.opts.host)
            .field("state", &self.st.session)
            .field("use_uid", &self.st.use_uid)
            .finish()
    }
}

impl Client {
    /// Message ids are UIDs (default) or sequence numbers.
    pub fn use_uid(&self) -> bool {
        self.st.use_uid
    }

    /// Switch between UIDs and sequence numbers; takes effect at the next
    /// call.
    pub fn set_use_uid(&mut self, yes: bool) {
        self.st.use_uid = yes;
    }

    /// Folder names are Unicode, encoded to modified UTF-7 on the wire
    /// (default on). Off: names are raw bytes both ways.
    pub fn folder_encode(&self) -> bool {
        self.st.folder_encode
    }

    pub fn set_folder_encode(&mut self, yes: bool) {
        self.st.folder_encode = yes;
    }

    /// The server's greeting text.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// Where the session is.
    pub fn state(&self) -> SessionState {
        self.st.session
    }

    /// The folder selected now, with its latest counters.
    pub fn selected(&self) -> Option<&MailboxState> {
        self.st.selected.as_ref()
    }

    /// Drain the unsolicited events received so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.st.events.drain(..).collect()
    }

    /// Events waiting to be drained.
    pub fn pending_events(&self) -> usize {
        self.st.events.len()
    }

    /// A handle that interrupts this client's blocking call from another
    /// thread.
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.intr.clone())
    }

    /// The socket's file descriptor (for poll/select while idling: when it
    /// is readable, call `idle_wait` with a zero timeout). Data held inside
    /// TLS or the decompressor does not show on it, and `idle_wait` leaves
    /// none behind; call it once after `idle_start`, before the first poll.
    #[cfg(unix)]
    pub fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        self.stream.as_ref().map(|s| s.tcp().as_raw_fd())
    }

    /// True when the connection is TLS-protected.
    pub fn is_tls(&self) -> bool {
        self.stream.as_ref().is_some_and(Stream::is_tls)
    }

    /// True when COMPRESS=DEFLATE is active (see `compress`).
    pub fn is_compressed(&self) -> bool {
        self.compression_stats().is_some()
    }

    /// Bytes before and after compression each way since `compress`, or
    /// `None` when the connection is not compressed.
    pub fn compression_stats(&self) -> Option<CompressionStats> {
        match self.stream.as_ref()? {
            Stream::Deflate(d) => Some(d.stats()),
            _ => None,
        }
    }

    /// Do not use a capability even though the server offers it (for
    /// servers with a broken implementation of an extension, e.g. `MOVE`);
    /// `has_capability` then answers false for it.
    pub fn mask_capability(&mut self, cap: &str) {
        self.st.masked_caps.push(cap.to_ascii_uppercase());
    }

    /// How long one IDLE command may run before it is renewed (DONE, then
    /// IDLE again). Default 28 minutes, under the 30 minutes after which
    /// RFC 2177 lets servers drop an idle client.
    pub fn set_idle_renew_interval(&mut self, every: Duration) {
        self.st.idle_renew = every.max(Duration::from_millis(100));
    }

    /// The error that made this client unusable, if one did.
    pub fn fatal_error(&self) -> Option<&Error> {
        self.broken.as_ref()
    }
}
