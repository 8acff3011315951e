//! Connecting, STARTTLS, greeting, capabilities, authentication, logout and
//! the small session commands (NOOP, ID, ENABLE, NAMESPACE).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::core::{route, with, Incoming, NoData, Step};
use super::deflate::Deflate;
use super::error::{Error, ErrorKind, Result};
use super::tls::TlsConfig;
use super::transport::{
    connect_tcp, set_keepalive, tls_handshake, Deadline, InterruptState, Sock, Stream,
};
use super::types::Namespaces;
use super::{Client, ConnectOptions, Security, SessionState, State};
use crate::proto::framer::Framer;
use crate::proto::types::{Response, ResponseCode, StatusKind, StatusResponse, Untagged};

/// SASL mechanisms the client speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sasl<'a> {
    /// RFC 4616 PLAIN, with an optional authorization identity.
    Plain {
        authzid: Option<&'a str>,
        user: &'a str,
        password: &'a str,
    },
    /// Google/Microsoft XOAUTH2 with a bearer token; `vendor` is added as
    /// `vendor=` when given.
    XOAuth2 {
        user: &'a str,
        token: &'a str,
        vendor: Option<&'a str>,
    },
    /// RFC 7628 OAUTHBEARER.
    OAuthBearer { user: &'a str, token: &'a str },
}

impl Sasl<'_> {
    fn mechanism(&self) -> &'static str {
        match self {
            Sasl::Plain { .. } => "PLAIN",
            Sasl::XOAuth2 { .. } => "XOAUTH2",
            Sasl::OAuthBearer { .. } => "OAUTHBEARER",
        }
    }

    /// The initial client response (before base64), made in one buffer
    /// of its final size (no growing copy is left behind) and wiped when
    /// dropped.
    fn initial(&self, host: &str, port: u16) -> Zeroizing<Vec<u8>> {
        let port = port.to_string();
        let parts: &[&[u8]] = match self {
            Sasl::Plain {
                authzid,
                user,
                password,
            } => &[
                authzid.unwrap_or("").as_bytes(),
                b"\0",
                user.as_bytes(),
                b"\0",
                password.as_bytes(),
            ],
            Sasl::XOAuth2 {
                user,
                token,
                vendor: Some(v),
            } => &[
                b"user=",
                user.as_bytes(),
                b"\x01auth=Bearer ",
                token.as_bytes(),
                b"\x01vendor=",
                v.as_bytes(),
                b"\x01\x01",
            ],
            Sasl::XOAuth2 {
                user,
                token,
                vendor: None,
            } => &[
                b"user=",
                user.as_bytes(),
                b"\x01auth=Bearer ",
                token.as_bytes(),
                b"\x01\x01",
            ],
            Sasl::OAuthBearer { user, token } => &[
                b"n,a=",
                user.as_bytes(),
                b",\x01host=",
                host.as_bytes(),
                b"\x01port=",
                port.as_bytes(),
                b"\x01auth=Bearer ",
                token.as_bytes(),
                b"\x01\x01",
            ],
        };
        let mut v = Zeroizing::new(Vec::with_capacity(parts.iter().map(|p| p.len()).sum()));
        for p in parts {
            v.extend_from_slice(p);
        }
        v
    }
}

/// `raw` in base64, followed by CRLF when `crlf`, in one buffer of its
/// final size, wiped when dropped: a SASL response as it goes on the wire.
fn base64_line(raw: &[u8], crlf: bool) -> Zeroizing<Vec<u8>> {
    use base64::engine::general_purpose::STANDARD as B64;
    // Padded base64: 4 bytes for every 3 or fewer.
    let n = raw.len().div_ceil(3) * 4;
    let mut line = Zeroizing::new(vec![0; n + if crlf { 2 } else { 0 }]);
    let written = B64.encode_slice(raw, &mut line[..n]);
    debug_assert_eq!(written, Ok(n));
    if crlf {
        line[n..].copy_from_slice(b"\r\n");
    }
    line
}

/// A SASL mechanism's step: the response to a decoded challenge, or why
/// the exchange is to be cancelled.
type SaslStep<'a> = dyn FnMut(&[u8]) -> std::result::Result<Vec<u8>, String> + 'a;

/// The error of an AUTHENTICATE exchange the mechanism cancelled.
fn cancelled(name: &str, reason: &str) -> Error {
    Error::new(
        ErrorKind::Aborted,
        format!("AUTHENTICATE {name}: cancelled by the mechanism: {reason}"),
    )
}

fn check_credential(what: &str, s: &str) -> Result<()> {
    if s.bytes().any(|b| b == 0) {
        return Err(Error::invalid(format!("{what} contains a NUL byte")));
    }
    Ok(())
}

/// Options that the client cannot survive are refused before connecting.
fn check_limits(opts: &ConnectOptions) -> Result<()> {
    if opts.max_events == 0 {
        return Err(Error::invalid("max_events must be at least 1"));
    }
    let max = crate::proto::framer::MAX_DEPTH_LIMIT;
    if opts.limits.max_depth > max {
        return Err(Error::invalid(format!(
            "max_depth {} is above the largest supported nesting, {max}: \
             deeper body structures would overflow the stack",
            opts.limits.max_depth
        )));
    }
    Ok(())
}

impl Client {
    /// Connect, secure the connection as asked, read the greeting and the
    /// capabilities.
    pub fn connect(opts: &ConnectOptions) -> Result<Client> {
        check_limits(opts)?;
        let opts = opts.clone();
        let port = if opts.port == 0 {
            opts.security.default_port()
        } else {
            opts.port
        };
        let intr = Arc::new(InterruptState::default());
        let tls_cfg = match opts.security {
            Security::Plain => None,
            _ => Some(match &opts.tls {
                Some(c) => c.clone(),
                None => TlsConfig::default_config()?,
            }),
        };
        // The connect timeout bounds the whole set-up (the TCP connect,
        // the TLS handshake, the greeting, STARTTLS with its handshake, the
        // first CAPABILITY), in all; the I/O timeout bounds each read and
        // write of it, as of everything after.
        let setup_deadline = opts
            .connect_timeout
            .filter(|d| !d.is_zero())
            .and_then(|t| Instant::now().checked_add(t));
        let io_timeout = opts.io_timeout.filter(|d| !d.is_zero());
        let tcp = connect_tcp(&opts.host, port, setup_deadline, &intr)?;
        if let Some(k) = &opts.keepalive {
            set_keepalive(&tcp, k);
        }
        intr.set_socket(&tcp);
        tcp.set_read_timeout(io_timeout)?;
        tcp.set_write_timeout(io_timeout)?;
        let mut sock = Sock::new(tcp);
        // Every read and write of the set-up, under TLS too, waits at most
        // until the deadline (see `Sock`).
        sock.set_deadline(setup_deadline.map(|at| Deadline { at, io_timeout }));
        let stream = match (&opts.security, &tls_cfg) {
            (Security::Implicit, Some(cfg)) => tls_handshake(
                sock,
                opts.tls_server_name.as_deref().unwrap_or(&opts.host),
                cfg,
            )
            .map_err(|e| interrupted_or(&intr, e))?,
            _ => Stream::Plain(sock),
        };
        if opts.security == Security::Plain {
            log::info!(target: "imapclient::client", "connection to {} is not encrypted", opts.host);
        }
        let mut client = Client {
            stream: Some(stream),
            framer: Framer::new(opts.limits),
            st: State {
                caps: Vec::new(),
                masked_caps: Vec::new(),
                idle_renew: super::idle::RENEW_AFTER,
                session: SessionState::NotAuthenticated,
                selected: None,
                events: VecDeque::new(),
                bye: None,
                use_uid: true,
                folder_encode: true,
                utf8_accept: false,
                qresync: false,
                notify: false,
                max_events: opts.max_events,
                deferred: None,
                abort: None,
            },
            tag: 0,
            greeting: String::new(),
            broken: None,
            intr,
            opts,
            idle: None,
            deadline: setup_deadline,
            set_up: true,
        };
        client.read_greeting()?;
        if client.opts.security == Security::StartTls {
            client.starttls(
                tls_cfg
                    .as_deref()
                    .ok_or_else(|| Error::state("no TLS configuration"))?,
            )?;
        }
        if client.st.caps.is_empty() {
            client.refresh_capabilities()?;
        }
        // From here on every read and write waits at most the I/O timeout
        // (forever when it is `None` or zero), without the set-up's
        // deadline.
        client.deadline = None;
        if let Some(s) = client.stream.as_mut() {
            s.set_deadline(None);
            s.set_read_timeout(io_timeout)?;
            s.tcp().set_write_timeout(io_timeout)?;
        }
        // The command timeout applies from here on (set-up's waits have
        // the connect timeout).
        client.set_up = false;
        Ok(client)
    }

    fn read_greeting(&mut self) -> Result<()> {
        let g = self.next(|st, inc| match inc {
            Incoming::Resp(Response::Untagged(Untagged::Status(s))) => {
                if let Some(ResponseCode::Capability(c)) = &s.code {
                    st.set_caps(c);
                }
                Ok(s.into_owned())
            }
            Incoming::Resp(r) => Err(Error::new(
                ErrorKind::Protocol,
                format!(
                    "not an IMAP server: it greeted with {:?} (not `* OK`)",
                    describe(&r)
                ),
            )),
            Incoming::Malformed { raw, .. } => Err(Error::protocol(
                format!(
                    "not an IMAP server: it greeted with {:?}",
                    String::from_utf8_lossy(&raw[..raw.len().min(200)]).trim_end()
                ),
                raw,
            )),
            Incoming::Limit { err: fe, .. } => Err(Error::new(
                ErrorKind::Protocol,
                format!("not an IMAP server: {fe}"),
            )),
            Incoming::Chunk { .. } => Err(Error::new(ErrorKind::Protocol, "not an IMAP server")),
        });
        let g = match g {
            Ok(Ok(g)) => g,
            Ok(Err(e)) | Err(e) => return Err(self.fail(interrupted_or(&self.intr, e))),
        };
        self.greeting = String::from_utf8_lossy(&g.text).into_owned();
        log::debug!(target: "imapclient::client", "greeting: {:?} {}", g.kind, self.greeting);
        match g.kind {
            StatusKind::Ok => Ok(()),
            StatusKind::PreAuth => {
                self.st.session = SessionState::Authenticated;
                Ok(())
            }
            StatusKind::Bye => {
                let e = Error::new(
                    ErrorKind::Bye,
                    format!("the server refused the connection: {}", self.greeting),
                );
                Err(self.fail(e))
            }
            _ => Err(self.fail(Error::new(
                ErrorKind::Protocol,
                format!("not an IMAP greeting: {:?} {}", g.kind, self.greeting),
            ))),
        }
    }

    fn starttls(&mut self, cfg: &TlsConfig) -> Result<()> {
        if self.st.caps.is_empty() {
            self.refresh_capabilities()?;
        }
        if !self.st.has_capability("STARTTLS") {
            let e = Error::new(
                ErrorKind::StartTlsFailed,
                "STARTTLS is required but the server does not offer it",
            );
            return Err(self.fail(e));
        }
        let cmd = self.command("STARTTLS").finish();
        if let Err(e) = self.run(cmd, "STARTTLS", &mut NoData) {
            let e = Error::new(
                ErrorKind::StartTlsFailed,
                format!("STARTTLS refused: {}", e.message),
            );
            return Err(self.fail(e));
        }
        // Anything after the OK and before the handshake was not protected:
        // a man in the middle may have injected it.
        if self.framer.buffered() > 0 {
            let e = Error::new(
                ErrorKind::StartTlsFailed,
                "the server sent data after STARTTLS OK before the TLS handshake (possible injection)",
            );
            return Err(self.fail(e));
        }
        let Some(Stream::Plain(sock)) = self.stream.take() else {
            return Err(self.fail(Error::state("STARTTLS on a connection that is already TLS")));
        };
        // The socket keeps the set-up's deadline and timeouts.
        let name = self
            .opts
            .tls_server_name
            .clone()
            .unwrap_or_else(|| self.opts.host.clone());
        let stream = match tls_handshake(sock, &name, cfg) {
            Ok(s) => s,
            Err(e) => return Err(self.fail(interrupted_or(&self.intr, e))),
        };
        self.stream = Some(stream);
        self.framer = Framer::new(self.opts.limits);
        // Capabilities seen before TLS cannot be trusted.
        self.st.caps.clear();
        self.refresh_capabilities().map(|_| ())
    }

    /// Ask the server for its capabilities (refreshing the cache).
    pub fn refresh_capabilities(&mut self) -> Result<Vec<String>> {
        let cmd = self.command("CAPABILITY").finish();
        let mut got = None;
        self.run(
            cmd,
            "CAPABILITY",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Capability(c) => {
                    got = Some(
                        c.iter()
                            .map(|c| String::from_utf8_lossy(c).to_ascii_uppercase())
                            .collect::<Vec<_>>(),
                    );
                    None
                }
                u => Some(u),
            }),
        )?;
        match got {
            Some(c) => {
                self.st.set_caps(&c);
                Ok(c)
            }
            // The command completed: the connection is in step.
            None => Err(Error::new(
                ErrorKind::Protocol,
                "CAPABILITY: the server sent no capability list",
            )
            .with_fatal(false)),
        }
    }

    /// The cached capabilities (upper case).
    pub fn capabilities(&self) -> &[String] {
        &self.st.caps
    }

    /// Case-insensitive capability test against the cache, e.g. `"IDLE"`,
    /// `"AUTH=PLAIN"`.
    pub fn has_capability(&self, cap: &str) -> bool {
        self.st.has_capability(cap)
    }

    /// A clear error, and nothing sent, when a capability is missing.
    pub(crate) fn require(&self, cap: &str, what: &str) -> Result<()> {
        if self.has_capability(cap) {
            Ok(())
        } else {
            // A client an earlier error broke says so (fatally) first.
            self.check_usable()?;
            Err(Error::new(
                ErrorKind::CapabilityMissing,
                format!(
                    "{what} needs the server capability {cap}, which this server does not offer"
                ),
            ))
        }
    }

    pub(crate) fn require_auth(&self, what: &str) -> Result<()> {
        match self.st.session {
            SessionState::Authenticated | SessionState::Selected => Ok(()),
            SessionState::NotAuthenticated => Err(Error::state(format!("{what}: log in first"))),
            SessionState::Idle => Err(Error::state(format!("{what}: IDLE is running"))),
            SessionState::Closed => {
                self.check_usable()?;
                Err(Error::state(format!("{what}: the connection is closed")).with_fatal(true))
            }
        }
    }

    fn after_auth(&mut self, st: &StatusResponse<'_>) -> Result<()> {
        self.st.session = SessionState::Authenticated;
        match &st.code {
            Some(ResponseCode::Capability(c)) => {
                self.st.set_caps(c);
                Ok(())
            }
            _ => self.refresh_capabilities().map(|_| ()),
        }
    }

    fn auth_error(e: Error) -> Error {
        if e.kind == ErrorKind::No || e.kind == ErrorKind::Bad {
            Error {
                kind: ErrorKind::AuthFailed,
                ..e
            }
        } else {
            e
        }
    }

    /// LOGIN with a user name and password (any Unicode: non-ASCII goes as
    /// a literal). The password is never logged.
    ///
    /// Memory: the library's own copy of the password (in the command as
    /// it goes on the wire) is overwritten with zeros once sent, and no
    /// buffer that grew on the way leaves a copy behind; the client keeps
    /// no credentials (nor do `ConnectOptions`). Not wiped: `password`
    /// itself and any copy of the caller's, what rustls holds of the TLS
    /// plaintext inside its own buffers (it encrypts each record in
    /// place, where this library cannot reach), and the kernel's socket
    /// buffers.
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        // A client an error broke says so (fatal) before anything else.
        self.check_usable()?;
        if self.st.session != SessionState::NotAuthenticated {
            return Err(Error::state("LOGIN: already authenticated"));
        }
        check_credential("user name", user)?;
        check_credential("password", password)?;
        if self.has_capability("LOGINDISABLED") {
            return Err(Error::new(
                ErrorKind::CapabilityMissing,
                "LOGIN is disabled by the server (LOGINDISABLED): use TLS or authenticate",
            ));
        }
        let cmd = self
            .command("LOGIN")
            .astring(user.as_bytes())
            .secret(password.as_bytes())
            .finish();
        let st = self
            .run(cmd, "LOGIN", &mut NoData)
            .map_err(Self::auth_error)?;
        log::debug!(target: "imapclient::client", "logged in as {user}");
        self.after_auth(&st)
    }

    /// AUTHENTICATE with a SASL mechanism (initial response inline when the
    /// server has SASL-IR). Secrets are never logged.
    ///
    /// Memory: the response the library builds (password or token) and
    /// its base64 form are overwritten with zeros once sent, as for
    /// [`Client::login`], with the same limits (the caller's strings, rustls'
    /// buffers).
    pub fn authenticate(&mut self, mech: &Sasl<'_>) -> Result<()> {
        self.check_usable()?;
        let name = mech.mechanism();
        self.sasl_precheck(name)?;
        let port = if self.opts.port == 0 {
            self.opts.security.default_port()
        } else {
            self.opts.port
        };
        let initial = mech.initial(&self.opts.host, port);
        // A challenge after our response is an error report (RFC 7628):
        // keep its text (as it came when it is not base64) and acknowledge
        // it to get the tagged NO.
        let mut failure: Option<String> = None;
        let mut report = |c: &[u8]| -> std::result::Result<Vec<u8>, String> {
            failure = Some(String::from_utf8_lossy(c).into_owned());
            Ok(if name == "OAUTHBEARER" {
                vec![1]
            } else {
                Vec::new()
            })
        };
        match self.sasl_exchange(name, Some(initial), true, &mut report) {
            Err(mut e) if e.kind == ErrorKind::AuthFailed => {
                if let Some(f) = failure {
                    e.message.push_str(&format!(" (server detail: {f})"));
                }
                Err(e)
            }
            r => r,
        }
    }

    /// AUTHENTICATE with a SASL mechanism of the caller's (RFC 4422), as
    /// IMAPClient's `sasl_login`: SCRAM-SHA-256, CRAM-MD5, GSSAPI, NTLM,
    /// LOGIN, or any other the server announces as `AUTH=<mechanism>`.
    ///
    /// `step` is called with each server challenge, decoded from base64,
    /// and returns the response, which the library encodes (an empty
    /// response is sent as an empty line). For a client-first mechanism
    /// (`client_first`: PLAIN, SCRAM-*, GSSAPI, EXTERNAL...) it is first
    /// called with an empty challenge for the initial response, which
    /// goes inline when the server has SASL-IR. Returning `Err(reason)`
    /// cancels the exchange (the `*` line of RFC 3501): the call fails
    /// with `ErrorKind::Aborted` carrying `reason`, and the client stays
    /// usable and not authenticated. Check the server's final message
    /// this way too (SCRAM's `v=`): a cancelled exchange the server
    /// accepts anyway is a fatal `Protocol` error (the session is closed).
    /// A challenge that is not base64 cancels it with a non-fatal
    /// `Protocol` error. Refusal is `AuthFailed`. Responses are never
    /// logged. A panic in `step` goes on unwinding; once the command is
    /// sent it breaks the client first (fatal: the exchange is cut in the
    /// middle), while in the first call of a client-first mechanism
    /// (nothing sent yet) it leaves the client as it was.
    ///
    /// Memory: each `Vec` `step` returns becomes the library's, and it and
    /// its base64 form are overwritten with zeros once sent (or dropped
    /// unsent); what `step` used to make it (keys, the password) is the
    /// caller's to wipe. The server's challenges are not treated as
    /// secrets. rustls' buffers are out of reach, as for [`Client::login`].
    ///
    /// `mechanism` is 1 to 20 of `A-Z 0-9 - _` (lower case is raised).
    pub fn authenticate_with(
        &mut self,
        mechanism: &str,
        client_first: bool,
        mut step: impl FnMut(&[u8]) -> std::result::Result<Vec<u8>, String>,
    ) -> Result<()> {
        self.check_usable()?;
        let name = mechanism.to_ascii_uppercase();
        if name.is_empty()
            || name.len() > 20
            || !name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid(format!(
                "SASL mechanism name {}: 1 to 20 of A-Z, 0-9, '-' and '_' (RFC 4422)",
                crate::proto::quote::quoted(mechanism)
            )));
        }
        self.sasl_precheck(&name)?;
        let initial = if client_first {
            // Nothing is sent yet: a panic here leaves the client as it was.
            Some(Zeroizing::new(
                step(b"").map_err(|reason| cancelled(&name, &reason))?,
            ))
        } else {
            None
        };
        self.sasl_exchange(&name, initial, false, &mut step)
    }

    /// What every AUTHENTICATE checks before anything is sent (and before
    /// a caller's step is first called).
    fn sasl_precheck(&mut self, name: &str) -> Result<()> {
        if self.st.session != SessionState::NotAuthenticated {
            return Err(Error::state("AUTHENTICATE: already authenticated"));
        }
        self.require(&format!("AUTH={name}"), "AUTHENTICATE")
    }

    /// One call of a caller's SASL step; a panic in it breaks the client
    /// (the exchange is cut in the middle) before it goes on unwinding.
    fn sasl_step(
        &mut self,
        name: &str,
        step: &mut SaslStep<'_>,
        challenge: &[u8],
    ) -> Result<std::result::Result<Vec<u8>, String>> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(challenge))) {
            Ok(r) => Ok(r),
            Err(p) => {
                let e = Error::new(
                    ErrorKind::Internal,
                    format!("AUTHENTICATE {name}: the mechanism's step panicked"),
                )
                .with_fatal(true);
                self.fail(e);
                std::panic::resume_unwind(p)
            }
        }
    }

    /// The AUTHENTICATE exchange, once `sasl_precheck` passed: `initial`
    /// (a client-first mechanism's first response) goes inline with
    /// SASL-IR or answers the server's first challenge; every other challenge goes to `step`, as it came
    /// when it is not base64 and `raw_challenges` (the built-ins' error
    /// reports), else cancelling the exchange.
    fn sasl_exchange(
        &mut self,
        name: &str,
        initial: Option<Zeroizing<Vec<u8>>>,
        raw_challenges: bool,
        step: &mut SaslStep<'_>,
    ) -> Result<()> {
        use base64::engine::general_purpose::STANDARD as B64;
        // Every response, in every form, is in a buffer wiped when dropped.
        let sasl_ir = self.has_capability("SASL-IR");
        let mut initial = initial.map(|r| base64_line(&r, !sasl_ir));
        let mut b = self.command("AUTHENTICATE");
        b.raw(name.as_bytes());
        if sasl_ir {
            if let Some(ir) = initial.take() {
                // RFC 4959: an empty initial response is sent as "=".
                b.secret(if ir.is_empty() { b"=" } else { &ir });
            }
        }
        let cmd = b.finish();
        // Why the exchange was cancelled, when it was.
        let mut cancel: Option<Error> = None;
        self.st.deferred = None;
        let r: Result<StatusResponse<'static>> = self.under_deadline(|this| {
            // `send` logs the redacted form (the SASL-IR response is a secret).
            this.send(&cmd, &mut NoData)?;
            loop {
                let mut challenge = None;
                let step_now = this.next(|st, inc| {
                    if let Incoming::Resp(Response::Continuation(c)) = &inc {
                        challenge = Some(c.text.to_vec());
                    }
                    route(st, inc, &cmd.tag, &mut NoData, true)
                })?;
                match step_now {
                    Step::GoOn => {
                        let line = if let Some(ir) = initial.take() {
                            Some(ir)
                        } else if cancel.is_some() {
                            None
                        } else {
                            let c = challenge.unwrap_or_default();
                            let decoded = match B64.decode(c.trim_ascii()) {
                                Ok(d) => Some(d),
                                Err(_) if raw_challenges => Some(c),
                                Err(_) => {
                                    cancel = Some(
                                        Error::protocol(
                                            format!("AUTHENTICATE {name}: a challenge that is not base64"),
                                            &c,
                                        )
                                        .with_fatal(false),
                                    );
                                    None
                                }
                            };
                            match decoded {
                                Some(c) => match this.sasl_step(name, step, &c)? {
                                    Ok(resp) => Some(base64_line(&Zeroizing::new(resp), true)),
                                    Err(reason) => {
                                        cancel = Some(cancelled(name, &reason));
                                        None
                                    }
                                },
                                None => None,
                            }
                        };
                        match line {
                            Some(l) => this.send_line(&l, true)?,
                            None => this.send_line(b"*\r\n", false)?,
                        }
                    }
                    Step::Done(s) => return Ok(s),
                    Step::Continue => {}
                    Step::Lost(e) => return Err(e),
                    Step::Limit(fe) => {
                        return Err(Error::new(ErrorKind::LimitExceeded, fe.to_string()))
                    }
                }
            }
        });
        let st = r.map_err(|e| self.fail(e))?;
        match (st.kind, cancel) {
            (StatusKind::Ok, Some(e)) => {
                // Authenticated by a server the mechanism did not accept
                // (a SCRAM server signature that did not verify, say).
                let e = Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{}; the server accepted the cancelled exchange: session closed",
                        e.message
                    ),
                )
                .with_fatal(true);
                Err(self.fail(e))
            }
            (_, Some(e)) => Err(e),
            (StatusKind::Ok, None) => {
                if let Some(e) = self.st.deferred.take() {
                    // Logged in, but a response that did not parse came with it.
                    self.after_auth(&st)?;
                    return Err(e);
                }
                self.after_auth(&st)
            }
            (_, None) => Err(Self::auth_error(Error::from_status(
                &format!("AUTHENTICATE {name}"),
                &st,
            ))),
        }
    }

    /// LOGOUT and close the connection. The client is closed afterwards even
    /// when the server misbehaves.
    pub fn logout(&mut self) -> Result<()> {
        if self.stream.is_none() {
            return Ok(());
        }
        if self.idle.is_some() {
            let _ = self.idle_done();
        }
        let cmd = self.command("LOGOUT").finish();
        let r = self.run(cmd, "LOGOUT", &mut NoData);
        self.st.session = SessionState::Closed;
        if let Some(s) = self.stream.take() {
            let _ = s.tcp().shutdown(std::net::Shutdown::Both);
        }
        match r {
            // Some servers close right after BYE without the tagged OK.
            Err(e) if e.kind == ErrorKind::Bye || self.st.bye.is_some() => Ok(()),
            Err(e) => Err(e),
            Ok(_) => Ok(()),
        }
    }

    /// NOOP: lets the server deliver pending events (see `take_events`).
    pub fn noop(&mut self) -> Result<()> {
        let cmd = self.command("NOOP").finish();
        self.run(cmd, "NOOP", &mut NoData).map(|_| ())
    }

    /// RFC 2971 ID: send our identification, get the server's.
    pub fn id(&mut self, params: &[(&str, &str)]) -> Result<Vec<(String, Option<String>)>> {
        self.check_usable()?;
        self.require("ID", "ID")?;
        let mut b = self.command("ID");
        if params.is_empty() {
            b.raw(b"NIL");
        } else {
            b.begin_list();
            for (k, v) in params {
                b.string(k.as_bytes()).string(v.as_bytes());
            }
            b.end_list();
        }
        let cmd = b.finish();
        let mut out = Vec::new();
        self.run(
            cmd,
            "ID",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Id(v) => {
                    for (k, val) in v.unwrap_or_default() {
                        out.push((
                            String::from_utf8_lossy(&k).into_owned(),
                            val.map(|x| String::from_utf8_lossy(&x).into_owned()),
                        ));
                    }
                    None
                }
                u => Some(u),
            }),
        )?;
        Ok(out)
    }

    /// RFC 4978 COMPRESS=DEFLATE: from here on the connection's bytes are
    /// deflated both ways, which cuts the traffic of header syncs and
    /// downloads several times over on slow or metered links. Call it
    /// once, after logging in (servers offer it only then); it cannot be
    /// undone for the life of the connection. Under TLS the compression
    /// sits inside the encryption. `compression_stats` tells what it saved.
    pub fn compress(&mut self) -> Result<()> {
        self.require_auth("COMPRESS")?;
        if self.is_compressed() {
            return Err(Error::state(
                "COMPRESS: the connection is already compressed",
            ));
        }
        self.require("COMPRESS=DEFLATE", "COMPRESS")?;
        let mut b = self.command("COMPRESS");
        b.raw(b"DEFLATE");
        let cmd = b.finish();
        self.run(cmd, "COMPRESS", &mut NoData)?;
        // Both directions are compressed from the byte after the OK's line:
        // what the framer holds beyond it is compressed data already.
        let unread = self.framer.take_unread();
        let Some(inner) = self.stream.take() else {
            return Err(self.fail(Error::new(
                ErrorKind::ConnectionClosed,
                "the connection is closed",
            )));
        };
        self.stream = Some(Stream::Deflate(Box::new(Deflate::new(inner, unread))));
        log::debug!(target: "imapclient::client", "COMPRESS=DEFLATE active");
        Ok(())
    }

    /// RFC 5161 ENABLE: returns what the server enabled. Once the server
    /// enabled `UTF8=ACCEPT` (RFC 6855), folder names go to and come from
    /// the wire as UTF-8 instead of modified UTF-7, whatever
    /// `folder_encode` says, and `search` sends no CHARSET.
    pub fn enable(&mut self, caps: &[&str]) -> Result<Vec<String>> {
        self.check_usable()?;
        self.require("ENABLE", "ENABLE")?;
        self.require_auth("ENABLE")?;
        if caps.is_empty() {
            return Err(Error::invalid("ENABLE: no capability given"));
        }
        let mut b = self.command("ENABLE");
        for c in caps {
            if c.is_empty()
                || !c
                    .bytes()
                    .all(|x| x.is_ascii_alphanumeric() || b"-+=._".contains(&x))
            {
                return Err(Error::invalid(format!(
                    "ENABLE: {} is not a capability name",
                    crate::proto::quote::quoted(c)
                )));
            }
            b.raw(c.as_bytes());
        }
        let cmd = b.finish();
        let mut out = Vec::new();
        self.run(
            cmd,
            "ENABLE",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Enabled(v) => {
                    out.extend(
                        v.iter()
                            .map(|x| String::from_utf8_lossy(x).to_ascii_uppercase()),
                    );
                    None
                }
                u => Some(u),
            }),
        )?;
        if out.iter().any(|c| c == "UTF8=ACCEPT") {
            // RFC 6855: names are UTF-8 on the wire from now on, and
            // SEARCH must not name a charset.
            self.st.utf8_accept = true;
        }
        if out.iter().any(|c| c == "QRESYNC") {
            self.st.qresync = true;
        }
        Ok(out)
    }

    /// RFC 2342 NAMESPACE.
    pub fn namespace(&mut self) -> Result<Namespaces> {
        self.check_usable()?;
        self.require("NAMESPACE", "NAMESPACE")?;
        self.require_auth("NAMESPACE")?;
        let cmd = self.command("NAMESPACE").finish();
        let mut out = None;
        let enc = self.st.utf7_names();
        self.run(
            cmd,
            "NAMESPACE",
            &mut with(|_st: &mut State, u| match u {
                Untagged::Namespace(n) => {
                    let conv = |v: &[crate::proto::types::NamespaceDesc<'_>]| {
                        v.iter()
                            .map(|d| {
                                (
                                    super::folders::decode_name(&d.prefix, enc),
                                    d.delimiter.map(char::from),
                                )
                            })
                            .collect::<Vec<_>>()
                    };
                    out = Some(Namespaces {
                        personal: conv(&n.personal),
                        other: conv(&n.other),
                        shared: conv(&n.shared),
                    });
                    None
                }
                u => Some(u),
            }),
        )?;
        // The command completed: the connection is in step.
        out.ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                "NAMESPACE: no namespace data in the answer",
            )
            .with_fatal(false)
        })
    }
}

/// A response that parsed but cannot be a greeting, as text for the error
/// (a POP3 `+OK ...` banner parses as a continuation request).
fn describe(r: &Response<'_>) -> String {
    let text = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(200)]).into_owned();
    match r {
        Response::Continuation(c) => format!("+{}", text(&c.text)),
        Response::Tagged { tag, status } => {
            format!(
                "{} {} {}",
                text(tag),
                format!("{:?}", status.kind).to_ascii_uppercase(),
                text(&status.text)
            )
        }
        Response::Untagged(u) => format!(
            "* {}",
            format!("{u:?}").chars().take(200).collect::<String>()
        ),
    }
}

/// An I/O failure caused by `interrupt()` is reported as Interrupted.
fn interrupted_or(intr: &InterruptState, e: Error) -> Error {
    if intr.is_set() {
        Error::new(ErrorKind::Interrupted, "interrupted")
    } else {
        e
    }
}
