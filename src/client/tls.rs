//! TLS configuration (rustls with ring), built once and shared by clients.
//!
//! The default verifies the chain against the system trust store and the
//! host name. Adding CA certificates replaces the system store (as Python's
//! `create_default_context(cafile=...)` does) unless `use_system_roots(true)`
//! is asked for explicitly. The system store is read once per process
//! (`system_roots`). Turning off the host-name check keeps the chain
//! check; `dangerous_disable_verification` turns off both.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::error::{Error, ErrorKind, Result};

/// Lowest TLS version accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersion {
    #[default]
    Tls12,
    Tls13,
}

/// An immutable TLS configuration; share it with `Arc` across clients and
/// threads.
pub struct TlsConfig {
    pub(crate) rustls: Arc<ClientConfig>,
    pub(crate) dangerous: bool,
    pub(crate) verify_hostname: bool,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("dangerous", &self.dangerous)
            .field("verify_hostname", &self.verify_hostname)
            .finish()
    }
}

impl TlsConfig {
    /// The default: system trust store, host name verified, TLS 1.2+.
    pub fn default_config() -> Result<Arc<TlsConfig>> {
        TlsConfigBuilder::new().build()
    }

    /// True when verification is switched off entirely.
    pub fn is_dangerous(&self) -> bool {
        self.dangerous
    }
}

/// Builds a [`TlsConfig`].
#[derive(Debug, Default)]
pub struct TlsConfigBuilder {
    system_roots: Option<bool>,
    cas: Vec<CertificateDer<'static>>,
    no_hostname: bool,
    dangerous: bool,
    client_auth: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    min_version: TlsVersion,
}

impl TlsConfigBuilder {
    pub fn new() -> TlsConfigBuilder {
        TlsConfigBuilder::default()
    }

    /// Trust the CA certificates in a PEM file (the seed's `cafile`). A
    /// self-signed server's own certificate may be given too: a server
    /// presenting exactly that certificate is trusted, its dates and (unless
    /// turned off) its host name still checked.
    pub fn add_ca_file(&mut self, path: &Path) -> Result<&mut Self> {
        let data = std::fs::read(path).map_err(|e| {
            Error::new(
                ErrorKind::TlsConfig,
                format!("cannot read CA file {}: {e}", path.display()),
            )
        })?;
        self.add_ca_pem(&data).map_err(|e| {
            Error::new(
                ErrorKind::TlsConfig,
                format!("{}: {}", path.display(), e.message),
            )
        })
    }

    /// Trust the CA certificates in PEM bytes.
    pub fn add_ca_pem(&mut self, pem: &[u8]) -> Result<&mut Self> {
        let mut n = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| {
                Error::new(ErrorKind::TlsConfig, format!("bad PEM certificate: {e}"))
            })?;
            self.cas.push(cert);
            n += 1;
        }
        if n == 0 {
            return Err(Error::new(ErrorKind::TlsConfig, "no PEM certificate found"));
        }
        Ok(self)
    }

    /// Also trust the system store (default: only when no CA was added).
    pub fn use_system_roots(&mut self, yes: bool) -> &mut Self {
        self.system_roots = Some(yes);
        self
    }

    /// Check the certificate's host name (default on). Off keeps the chain
    /// check (the seed's `check_hostname = False`) and logs a warning at
    /// every connection.
    pub fn verify_hostname(&mut self, yes: bool) -> &mut Self {
        self.no_hostname = !yes;
        self
    }

    /// Accept any certificate (the seed's `CERT_NONE`). Anyone on the path
    /// can read and change the session; a warning is logged at every
    /// connection.
    pub fn dangerous_disable_verification(&mut self, yes: bool) -> &mut Self {
        self.dangerous = yes;
        self
    }

    /// Present a client certificate chain and key (PEM).
    pub fn client_cert_pem(&mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<&mut Self> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| {
                Error::new(
                    ErrorKind::TlsConfig,
                    format!("bad client certificate PEM: {e}"),
                )
            })?;
        if chain.is_empty() {
            return Err(Error::new(
                ErrorKind::TlsConfig,
                "no client certificate in PEM",
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| Error::new(ErrorKind::TlsConfig, format!("bad client key PEM: {e}")))?;
        self.client_auth = Some((chain, key));
        Ok(self)
    }

    /// Lowest TLS version to accept (default 1.2).
    pub fn min_version(&mut self, v: TlsVersion) -> &mut Self {
        self.min_version = v;
        self
    }

    /// Finish: an immutable, shareable configuration.
    pub fn build(&self) -> Result<Arc<TlsConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&'static rustls::SupportedProtocolVersion] = match self.min_version {
            TlsVersion::Tls12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
            TlsVersion::Tls13 => &[&rustls::version::TLS13],
        };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| Error::new(ErrorKind::TlsConfig, format!("TLS versions: {e}")))?;

        let verifier: Arc<dyn ServerCertVerifier> = if self.dangerous {
            Arc::new(NoVerification(provider.clone()))
        } else {
            let mut roots = RootCertStore::empty();
            for ca in &self.cas {
                roots.add(ca.clone()).map_err(|e| {
                    Error::new(
                        ErrorKind::TlsConfig,
                        format!("CA certificate rejected: {e}"),
                    )
                })?;
            }
            let use_system = self.system_roots.unwrap_or(self.cas.is_empty());
            let roots = match (use_system, self.cas.is_empty()) {
                (true, true) => system_roots(),
                (true, false) => {
                    roots.roots.extend(system_roots().roots.iter().cloned());
                    Arc::new(roots)
                }
                (false, _) => Arc::new(roots),
            };
            if roots.is_empty() {
                return Err(Error::new(
                    ErrorKind::TlsConfig,
                    if use_system {
                        "no trusted CA certificates: the system store is empty and no CA file was given"
                    } else {
                        "no trusted CA certificates: the system store is turned off and no CA file was given"
                    },
                ));
            }
            let inner = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                .build()
                .map_err(|e| Error::new(ErrorKind::TlsConfig, format!("verifier: {e}")))?;
            Arc::new(Verifier {
                inner,
                check_hostname: !self.no_hostname,
                added: self.cas.clone(),
            })
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match &self.client_auth {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain.clone(), key.clone_key())
                .map_err(|e| {
                    Error::new(ErrorKind::TlsConfig, format!("client certificate: {e}"))
                })?,
            None => builder.with_no_client_auth(),
        };
        Ok(Arc::new(TlsConfig {
            rustls: Arc::new(config),
            dangerous: self.dangerous,
            verify_hostname: !self.no_hostname && !self.dangerous,
        }))
    }
}

/// The system trust store, read and parsed once per process, at the first
/// configuration that needs it (as Go's `crypto/x509` does): reading it
/// takes about 3 ms, which a program connecting to many accounts with the
/// default configuration would otherwise pay at every connection. A store
/// found empty is not kept: the next configuration reads it again.
fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: Mutex<Option<Arc<RootCertStore>>> = Mutex::new(None);
    // A panic while loading leaves nothing behind to distrust.
    let mut kept = ROOTS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(r) = kept.as_ref() {
        return r.clone();
    }
    let found = rustls_native_certs::load_native_certs();
    for e in &found.errors {
        log::debug!(target: "imapclient::tls", "system trust store: {e}");
    }
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    log::debug!(target: "imapclient::tls", "loaded {added} system CA certificates");
    let roots = Arc::new(roots);
    if !roots.is_empty() {
        *kept = Some(roots.clone());
    }
    roots
}

/// The server name for SNI and verification: IP literals send no SNI.
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(h.to_owned()).map_err(|_| {
        Error::invalid(format!(
            "invalid host name {}",
            crate::proto::quote::quoted(host)
        ))
    })
}

/// The webpki verifier, with an optional host-name check, a distinct
/// error for self-signed certificates, and the added certificates trusted
/// as server certificates themselves.
#[derive(Debug)]
struct Verifier {
    inner: Arc<WebPkiServerVerifier>,
    check_hostname: bool,
    /// The certificates added with `add_ca_file` / `add_ca_pem`.
    added: Vec<CertificateDer<'static>>,
}

impl Verifier {
    /// A server certificate that is itself one of the added certificates
    /// (a self-signed server's own certificate, given as its CA file):
    /// trusted as it is, once it is within its validity period and, unless
    /// the check is off, names the server. webpki alone refuses it when it
    /// says CA:TRUE (as `openssl req -x509` makes them: "CA used as end
    /// entity"), which left only turning verification off.
    fn verify_added(
        &self,
        end_entity: &CertificateDer<'_>,
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Option<std::result::Result<ServerCertVerified, rustls::Error>> {
        if !self.added.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            return None;
        }
        let bad = |e| Some(Err(rustls::Error::InvalidCertificate(e)));
        let Some((not_before, not_after)) = der::validity(end_entity) else {
            return bad(CertificateError::BadEncoding);
        };
        let now = now.as_secs() as i64;
        if now > not_after {
            return bad(CertificateError::Expired);
        }
        if now < not_before {
            return bad(CertificateError::NotValidYet);
        }
        if self.check_hostname {
            let checked = rustls::server::ParsedCertificate::try_from(end_entity)
                .and_then(|p| rustls::client::verify_server_name(&p, server_name));
            if let Err(e) = checked {
                return Some(Err(e));
            }
        }
        log::debug!(target: "imapclient::tls", "the server's certificate is one of the added certificates: trusted as it is");
        Some(Ok(ServerCertVerified::assertion()))
    }
}

/// Marker carried in `CertificateError::Other` for a self-signed server.
#[derive(Debug)]
struct SelfSigned;

impl fmt::Display for SelfSigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("self-signed certificate")
    }
}

impl std::error::Error for SelfSigned {}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Ok(v) => Ok(v),
            Err(rustls::Error::InvalidCertificate(e))
                if !self.check_hostname && is_name_error(&e) =>
            {
                log::debug!(target: "imapclient::tls", "host name check off: accepting {server_name:?} ({e:?})");
                Ok(ServerCertVerified::assertion())
            }
            Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer | CertificateError::Other(_),
            )) if let Some(r) = self.verify_added(end_entity, server_name, now) => r,
            // A lone self-signed certificate fails as UnknownIssuer, or, when
            // it says CA:TRUE (as `openssl req -x509` makes them), as
            // webpki's CaUsedAsEndEntity, which rustls passes on as Other.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer | CertificateError::Other(_),
            )) if intermediates.is_empty() && der::is_self_signed(end_entity) => {
                Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                    rustls::OtherError(Arc::new(SelfSigned)),
                )))
            }
            Err(e) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

fn is_name_error(e: &CertificateError) -> bool {
    matches!(
        e,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
    )
}

/// Accepts any certificate but still checks handshake signatures, so the
/// peer must at least hold the key of the certificate it shows.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Map a rustls error to a stable kind with a readable reason.
pub(crate) fn classify(e: &rustls::Error) -> Error {
    let kind = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => ErrorKind::TlsUnknownIssuer,
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => ErrorKind::TlsExpired,
            c if is_name_error(c) => ErrorKind::TlsNameMismatch,
            CertificateError::Other(o) if o.0.downcast_ref::<SelfSigned>().is_some() => {
                ErrorKind::TlsSelfSigned
            }
            _ => ErrorKind::Tls,
        },
        _ => ErrorKind::Tls,
    };
    let reason = match kind {
        ErrorKind::TlsUnknownIssuer => "certificate is not signed by a trusted CA",
        ErrorKind::TlsExpired => "certificate has expired or is not yet valid",
        ErrorKind::TlsNameMismatch => "certificate is not valid for this host name",
        ErrorKind::TlsSelfSigned => "certificate is self-signed and not trusted",
        // A server below `min_version` answers with a protocol_version
        // alert (or, if it ignores supported_versions, with a version we
        // did not offer): say so rather than a bare "TLS failure".
        _ if is_version_error(e) => {
            "no TLS protocol version in common with the server (is the lowest version allowed above what it speaks?)"
        }
        _ => "TLS failure",
    };
    Error::new(kind, format!("TLS: {reason} ({e})"))
}

/// The server and this configuration share no protocol version.
fn is_version_error(e: &rustls::Error) -> bool {
    use rustls::{AlertDescription, PeerIncompatible as P};
    matches!(
        e,
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion)
            | rustls::Error::PeerIncompatible(
                P::ServerTlsVersionIsDisabledByOurConfig
                    | P::ServerDoesNotSupportTls12Or13
                    | P::SupportedVersionsExtensionRequired
                    | P::Tls12NotOffered
                    | P::Tls12NotOfferedOrEnabled
            )
    )
}

/// Just enough DER to compare a certificate's issuer and subject.
mod der {
    /// One TLV: (tag, content, rest).
    fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, b) = b.split_first()?;
        let (&l0, mut b) = b.split_first()?;
        let len = if l0 < 0x80 {
            l0 as usize
        } else {
            let n = (l0 & 0x7f) as usize;
            if n == 0 || n > 4 || b.len() < n {
                return None;
            }
            let mut len = 0usize;
            for &x in &b[..n] {
                len = (len << 8) | x as usize;
            }
            b = &b[n..];
            len
        };
        if b.len() < len {
            return None;
        }
        Some((tag, &b[..len], &b[len..]))
    }

    /// A UTCTime (`YYMMDDHHMMSSZ`, tag 0x17) or GeneralizedTime
    /// (`YYYYMMDDHHMMSSZ`, tag 0x18) as seconds since the Unix epoch.
    fn time(tag: u8, t: &[u8]) -> Option<i64> {
        let t = std::str::from_utf8(t).ok()?.strip_suffix('Z')?;
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, rest) = match (tag, t.len()) {
            (0x17, 12) => {
                // RFC 5280 4.1.2.5.1: 50-99 are 19xx, 00-49 20xx.
                let yy: i32 = t[..2].parse().ok()?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &t[2..])
            }
            (0x18, 14) => (t[..4].parse().ok()?, &t[4..]),
            _ => return None,
        };
        let n = |i: usize| rest[i..i + 2].parse::<u8>().ok();
        let date = crate::proto::dates::Date::new(year, n(0)?, n(2)?).ok()?;
        let dt = crate::proto::dates::DateTime::new(date, n(4)?, n(6)?, n(8)?, 0).ok()?;
        Some(dt.unix_timestamp())
    }

    /// The issuer, validity and subject of a certificate's TBSCertificate.
    fn tbs_fields(cert: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
        let (_, certificate, _) = tlv(cert)?;
        let (_, tbs, _) = tlv(certificate)?;
        let (tag, _, mut rest) = tlv(tbs)?;
        if tag == 0xa0 {
            // [0] version: the serial number follows.
            rest = tlv(rest)?.2;
        }
        let rest = tlv(rest)?.2; // signature algorithm
        let (_, issuer, rest) = tlv(rest)?;
        let (_, validity, rest) = tlv(rest)?;
        let (_, subject, _) = tlv(rest)?;
        Some((issuer, validity, subject))
    }

    /// (notBefore, notAfter) of a certificate, in Unix seconds.
    pub(super) fn validity(cert: &[u8]) -> Option<(i64, i64)> {
        let (_, validity, _) = tbs_fields(cert)?;
        let (t0, from, rest) = tlv(validity)?;
        let (t1, until, _) = tlv(rest)?;
        Some((time(t0, from)?, time(t1, until)?))
    }

    /// Issuer equals subject.
    pub(super) fn is_self_signed(cert: &[u8]) -> bool {
        tbs_fields(cert).is_some_and(|(issuer, _, subject)| issuer == subject)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn certificate_times() {
            use super::time;
            // UTCTime: 50-99 are 19xx, 00-49 20xx (RFC 5280).
            assert_eq!(time(0x17, b"700101000000Z"), Some(0));
            assert_eq!(time(0x17, b"491231235959Z"), Some(2_524_607_999));
            assert_eq!(time(0x17, b"500101000000Z"), Some(-631_152_000));
            assert_eq!(time(0x18, b"20210101000000Z"), Some(1_609_459_200));
            for bad in [
                &b"2101010000Z"[..],
                b"210101000000",
                b"211301000000Z",
                b"21010100000aZ",
                b"",
            ] {
                assert_eq!(time(0x17, bad), None, "{bad:?}");
            }
            assert_eq!(time(0x18, b"210101000000Z"), None);
            assert_eq!(time(0x02, b"210101000000Z"), None);
            assert_eq!(super::validity(b"\x30\x00"), None);
        }

        #[test]
        fn garbage_is_not_self_signed() {
            assert!(!super::is_self_signed(b""));
            assert!(!super::is_self_signed(&[0x30, 0x82, 0xff]));
            assert!(!super::is_self_signed(&[0x30, 0x03, 0x30, 0x01, 0x00]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pem_is_a_config_error() {
        let mut b = TlsConfigBuilder::new();
        let e = b.add_ca_pem(b"not a certificate").unwrap_err();
        assert_eq!(e.kind, ErrorKind::TlsConfig);
        let e = b.add_ca_file(Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TlsConfig);
        assert!(e.message.contains("/nonexistent/ca.pem"));
    }

    #[test]
    fn dangerous_config_builds_without_roots() {
        let c = TlsConfigBuilder::new()
            .dangerous_disable_verification(true)
            .build()
            .unwrap();
        assert!(c.is_dangerous());
        assert!(!c.verify_hostname);
    }

    #[test]
    fn version_mismatch_says_so() {
        for e in [
            rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion),
            rustls::Error::PeerIncompatible(
                rustls::PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
            ),
        ] {
            let c = classify(&e);
            assert_eq!(c.kind, ErrorKind::Tls);
            assert!(
                c.message
                    .starts_with("TLS: no TLS protocol version in common with the server"),
                "{c}"
            );
        }
        let other = classify(&rustls::Error::AlertReceived(
            rustls::AlertDescription::HandshakeFailure,
        ));
        assert!(other.message.starts_with("TLS: TLS failure ("), "{other}");
    }

    #[test]
    fn ip_literals_are_ip_server_names() {
        assert!(matches!(
            server_name("127.0.0.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("[::1]").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            server_name("localhost").unwrap(),
            ServerName::DnsName(_)
        ));
        assert!(server_name("bad name!").is_err());
    }
}
