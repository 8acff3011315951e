//! Typed errors with stable numeric codes.
//!
//! The numbers are part of the C ABI (`imapc_error_code`): grouped by kind in
//! hundreds, never renumbered or reused. New kinds get new numbers.

use std::fmt;
use std::io;

use crate::proto::types::{ResponseCode, StatusResponse};

/// What went wrong, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // 1xx: the caller's input or the call's timing.
    /// An argument is malformed (message set, flag, date, name...).
    InvalidArgument = 100,
    /// A required pointer was NULL (C ABI only).
    NullPointer = 101,
    /// A string was not valid UTF-8.
    InvalidUtf8 = 102,
    /// The call is not allowed in this state (e.g. fetch with no folder
    /// selected, a command during IDLE, a client after a fatal error: see
    /// `Error::is_fatal`).
    IllegalState = 103,
    /// A write was attempted on a folder opened read-only (EXAMINE).
    ReadOnly = 104,
    /// The server lacks a capability the call needs; nothing was sent.
    CapabilityMissing = 105,
    // 2xx: the connection.
    /// Any other I/O failure (connection refused, reset, DNS...).
    Io = 200,
    /// A connect, read or write timed out.
    Timeout = 201,
    /// `interrupt()` was called while the call blocked.
    Interrupted = 202,
    /// The connection closed before the command completed.
    ConnectionClosed = 203,
    /// A streaming callback asked to stop.
    Aborted = 204,
    // 3xx: TLS.
    /// A TLS failure without a more specific code.
    Tls = 300,
    /// The certificate chain does not lead to a trusted CA.
    TlsUnknownIssuer = 301,
    /// A certificate has expired (or is not valid yet).
    TlsExpired = 302,
    /// The certificate is not valid for the host name.
    TlsNameMismatch = 303,
    /// The server's certificate is self-signed and not trusted.
    TlsSelfSigned = 304,
    /// STARTTLS was required but the server does not offer or refused it,
    /// or sent data before the handshake (injection guard).
    StartTlsFailed = 305,
    /// The TLS configuration itself is unusable (bad PEM, bad key...).
    TlsConfig = 306,
    // 4xx: the server's answers.
    /// The server's bytes are not valid IMAP (not an IMAP server, malformed).
    Protocol = 400,
    /// The server answered NO.
    No = 401,
    /// The server answered BAD.
    Bad = 402,
    /// The server said BYE and closed the session.
    Bye = 403,
    /// Login or authentication was refused.
    AuthFailed = 404,
    /// A response exceeded a configured limit (line, literal, nesting).
    /// When the client could skip the response and the command still
    /// completed, the client stays usable: that error's `Error::is_fatal`
    /// is false and `Client::fatal_error` is `None`. Too long lines and too
    /// deep nesting are skipped; an oversized literal is skipped when it is
    /// at most 64 MiB, larger ones end the connection. When the response
    /// skipped is the command's own completion, the command ends at once
    /// with this error, not fatal either, and whether it succeeded is
    /// unknown.
    LimitExceeded = 405,
    // 5xx: the library itself.
    /// A bug: a panic was caught at the C boundary, or an invariant broke.
    Internal = 500,
}

impl ErrorKind {
    /// The stable number.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// A stable short name, e.g. `"IMAPC_ERR_TIMEOUT"`.
    pub fn name(self) -> &'static str {
        use ErrorKind::*;
        match self {
            InvalidArgument => "IMAPC_ERR_INVALID_ARGUMENT",
            NullPointer => "IMAPC_ERR_NULL_POINTER",
            InvalidUtf8 => "IMAPC_ERR_INVALID_UTF8",
            IllegalState => "IMAPC_ERR_ILLEGAL_STATE",
            ReadOnly => "IMAPC_ERR_READ_ONLY",
            CapabilityMissing => "IMAPC_ERR_CAPABILITY_MISSING",
            Io => "IMAPC_ERR_IO",
            Timeout => "IMAPC_ERR_TIMEOUT",
            Interrupted => "IMAPC_ERR_INTERRUPTED",
            ConnectionClosed => "IMAPC_ERR_CONNECTION_CLOSED",
            Aborted => "IMAPC_ERR_ABORTED",
            Tls => "IMAPC_ERR_TLS",
            TlsUnknownIssuer => "IMAPC_ERR_TLS_UNKNOWN_ISSUER",
            TlsExpired => "IMAPC_ERR_TLS_EXPIRED",
            TlsNameMismatch => "IMAPC_ERR_TLS_NAME_MISMATCH",
            TlsSelfSigned => "IMAPC_ERR_TLS_SELF_SIGNED",
            StartTlsFailed => "IMAPC_ERR_STARTTLS_FAILED",
            TlsConfig => "IMAPC_ERR_TLS_CONFIG",
            Protocol => "IMAPC_ERR_PROTOCOL",
            No => "IMAPC_ERR_NO",
            Bad => "IMAPC_ERR_BAD",
            Bye => "IMAPC_ERR_BYE",
            AuthFailed => "IMAPC_ERR_AUTH_FAILED",
            LimitExceeded => "IMAPC_ERR_LIMIT_EXCEEDED",
            Internal => "IMAPC_ERR_INTERNAL",
        }
    }

    /// The kind for a stable number, if it is one.
    pub fn from_code(code: i32) -> Option<ErrorKind> {
        ALL_KINDS.iter().copied().find(|k| k.code() == code)
    }

    /// True when errors of this kind leave the connection unusable. This
    /// is the verdict for a kind; a given error may differ, so ask
    /// `Error::is_fatal`: a `LimitExceeded` the client recovered from is
    /// not fatal, and an `IllegalState` refusing a call on a client that
    /// an earlier error broke is.
    pub fn is_fatal(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            Io | Timeout
                | Interrupted
                | ConnectionClosed
                | Tls
                | TlsUnknownIssuer
                | TlsExpired
                | TlsNameMismatch
                | TlsSelfSigned
                | StartTlsFailed
                | Protocol
                | Bye
                | LimitExceeded
                | Internal
        )
    }
}

/// Every kind, for lookups and tests.
pub const ALL_KINDS: &[ErrorKind] = &[
    ErrorKind::InvalidArgument,
    ErrorKind::NullPointer,
    ErrorKind::InvalidUtf8,
    ErrorKind::IllegalState,
    ErrorKind::ReadOnly,
    ErrorKind::CapabilityMissing,
    ErrorKind::Io,
    ErrorKind::Timeout,
    ErrorKind::Interrupted,
    ErrorKind::ConnectionClosed,
    ErrorKind::Aborted,
    ErrorKind::Tls,
    ErrorKind::TlsUnknownIssuer,
    ErrorKind::TlsExpired,
    ErrorKind::TlsNameMismatch,
    ErrorKind::TlsSelfSigned,
    ErrorKind::StartTlsFailed,
    ErrorKind::TlsConfig,
    ErrorKind::Protocol,
    ErrorKind::No,
    ErrorKind::Bad,
    ErrorKind::Bye,
    ErrorKind::AuthFailed,
    ErrorKind::LimitExceeded,
    ErrorKind::Internal,
];

/// An error: a kind, a readable message, and for server refusals the
/// response code; for protocol errors the offending raw bytes. Whether the
/// connection survived it is `is_fatal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The bracketed response code of a NO/BAD/BYE, e.g. `TRYCREATE`.
    pub response_code: Option<String>,
    /// For protocol errors: the bytes that did not parse (truncated).
    pub raw: Option<Vec<u8>>,
    /// The connection is unusable after this error (set from the kind,
    /// overridden where the client knows better).
    pub(crate) fatal: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            response_code: None,
            raw: None,
            fatal: kind.is_fatal(),
        }
    }

    /// The same error, with the verdict on the connection set explicitly.
    pub(crate) fn with_fatal(self, fatal: bool) -> Error {
        Error { fatal, ..self }
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub fn state(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::IllegalState, message)
    }

    pub fn protocol(message: impl Into<String>, raw: &[u8]) -> Error {
        const MAX_RAW: usize = 512;
        let mut e = Error::new(ErrorKind::Protocol, message);
        e.raw = Some(raw[..raw.len().min(MAX_RAW)].to_vec());
        e
    }

    /// From a NO, BAD or BYE status; `what` names the command.
    pub fn from_status(what: &str, st: &StatusResponse<'_>) -> Error {
        use crate::proto::types::StatusKind;
        let kind = match st.kind {
            StatusKind::No => ErrorKind::No,
            StatusKind::Bad => ErrorKind::Bad,
            StatusKind::Bye => ErrorKind::Bye,
            _ => ErrorKind::Protocol,
        };
        let text = String::from_utf8_lossy(&st.text).into_owned();
        let code = st.code.as_ref().map(code_name);
        // The message shows an unknown code with its arguments: some say
        // what went wrong only there (`METADATA MAXSIZE 1024`).
        let shown = match &st.code {
            Some(ResponseCode::Other {
                name,
                args: Some(args),
            }) => Some(format!(
                "{} {}",
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(args)
            )),
            _ => code.clone(),
        };
        let verdict = match st.kind {
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::Bye => "BYE",
            StatusKind::Ok => "OK",
            StatusKind::PreAuth => "PREAUTH",
        };
        let message = match &shown {
            Some(c) => format!("{what}: server said {verdict} [{c}] {text}"),
            None => format!("{what}: server said {verdict} {text}"),
        };
        Error {
            kind,
            message,
            response_code: code,
            raw: None,
            fatal: kind.is_fatal(),
        }
    }

    /// True when the connection is unusable after this error, so
    /// reconnect: every later call that would talk to the server fails
    /// with `IllegalState` (itself fatal), before any check of its own
    /// but that of its arguments (a malformed set or item list is still an
    /// `InvalidArgument`). The exceptions: `logout` returns `Ok(())` (there is nothing left to
    /// log out from), and the methods that only read or set what the client
    /// holds keep working (`state`, `capabilities`, `has_capability`,
    /// `selected`, `greeting`, `take_events`, `fatal_error`, `is_idle`,
    /// `set_use_uid`, ...). False when the client is still in step with the server,
    /// e.g. after a NO, or after a response that exceeded a limit was
    /// skipped and its command completed.
    pub fn is_fatal(&self) -> bool {
        self.fatal
    }
}

/// The name of a response code as the server spelled it.
pub fn code_name(code: &ResponseCode<'_>) -> String {
    use ResponseCode::*;
    match code {
        Alert => "ALERT".into(),
        BadCharset(_) => "BADCHARSET".into(),
        Capability(_) => "CAPABILITY".into(),
        Parse => "PARSE".into(),
        PermanentFlags(_) => "PERMANENTFLAGS".into(),
        ReadOnly => "READ-ONLY".into(),
        ReadWrite => "READ-WRITE".into(),
        TryCreate => "TRYCREATE".into(),
        UidNext(_) => "UIDNEXT".into(),
        UidValidity(_) => "UIDVALIDITY".into(),
        Unseen(_) => "UNSEEN".into(),
        AppendUid { .. } => "APPENDUID".into(),
        CopyUid { .. } => "COPYUID".into(),
        HighestModSeq(_) => "HIGHESTMODSEQ".into(),
        NoModSeq => "NOMODSEQ".into(),
        Modified(_) => "MODIFIED".into(),
        Closed => "CLOSED".into(),
        AuthenticationFailed => "AUTHENTICATIONFAILED".into(),
        OverQuota => "OVERQUOTA".into(),
        MailboxId(_) => "MAILBOXID".into(),
        Other { name, .. } => String::from_utf8_lossy(name).into_owned(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        // rustls reports handshake and record failures as io::Error wrapping
        // a rustls::Error: keep its precise reason.
        if let Some(tls) = e.get_ref().and_then(|r| r.downcast_ref::<rustls::Error>()) {
            return crate::client::tls::classify(tls);
        }
        if let Some(c) = e
            .get_ref()
            .and_then(|r| r.downcast_ref::<crate::client::deflate::CompressFailure>())
        {
            return Error::new(ErrorKind::Protocol, c.0.clone());
        }
        let kind = match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ErrorKind::ConnectionClosed,
            _ => ErrorKind::Io,
        };
        let message = match kind {
            ErrorKind::Timeout => format!("timed out: {e}"),
            ErrorKind::ConnectionClosed => format!("connection closed: {e}"),
            _ => format!("I/O error: {e}"),
        };
        Error::new(kind, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for k in ALL_KINDS {
            assert!(seen.insert(k.code()), "duplicate code {}", k.code());
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert!(k.name().starts_with("IMAPC_ERR_"));
        }
        assert_eq!(ErrorKind::Timeout.code(), 201);
        assert_eq!(ErrorKind::from_code(999), None);
    }

    #[test]
    fn the_verdict_belongs_to_the_error() {
        let e = Error::new(ErrorKind::LimitExceeded, "line too long");
        assert!(e.is_fatal(), "by default as its kind says");
        let skipped = e.with_fatal(false);
        assert!(!skipped.is_fatal());
        assert_eq!(skipped.kind, ErrorKind::LimitExceeded);
        assert!(!Error::state("no folder").is_fatal());
        assert!(Error::state("unusable").with_fatal(true).is_fatal());
    }

    #[test]
    fn status_error_carries_code_and_text() {
        use crate::proto::types::StatusKind;
        use std::borrow::Cow;
        let st = StatusResponse {
            kind: StatusKind::No,
            code: Some(ResponseCode::TryCreate),
            text: Cow::Borrowed(b"Mailbox doesn't exist"),
        };
        let e = Error::from_status("COPY", &st);
        assert_eq!(e.kind, ErrorKind::No);
        assert_eq!(e.response_code.as_deref(), Some("TRYCREATE"));
        assert_eq!(
            e.message,
            "COPY: server said NO [TRYCREATE] Mailbox doesn't exist"
        );
    }
}
