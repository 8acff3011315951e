//! Shared fixture for integration tests against a real IMAP server.
//!
//! ```ignore
//! mod common;
//! let srv = common::TestServer::get();
//! let folder = common::unique_folder("move");
//! ```
//!
//! If `IMAP_HOST` is set (as under `make test`, which runs every test inside
//! `scripts/test-server.sh run`), tests use that server: `IMAP_HOST`,
//! `IMAP_PORT`, `IMAP_TLS_PORT`, `IMAP_USER`, `IMAP_PASSWORD`, `IMAP_CAFILE`,
//! `IMAP_TEST_DIR`. Otherwise the first call starts a private Dovecot for
//! this test binary in `.testserver/<binary>-<pid>` and stops it when the
//! process exits, whether tests pass, fail or panic (an `atexit` hook, plus
//! a watcher process in case the binary is killed). Set `IMAPC_TEST_KEEP=1`
//! to keep that state directory (config, log, mail) for debugging.
#![allow(dead_code)] // each test binary uses a different part of this

pub mod scram;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where and how to reach the test server.
#[derive(Debug, Clone)]
pub struct TestServer {
    /// Host to connect to; `127.0.0.1` for the private server.
    pub host: String,
    /// Plaintext port offering STARTTLS.
    pub port: u16,
    /// Implicit-TLS port.
    pub tls_port: u16,
    /// The seeded user (`test`).
    pub user: String,
    /// Its password (`pass`).
    pub password: String,
    /// CA certificate that signs the server certificate (for `localhost` and
    /// `127.0.0.1`).
    pub cafile: PathBuf,
    /// The server's state directory (config, `certs/`, `home/`, log).
    pub dir: PathBuf,
}

static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();
static OWNED_DIR: OnceLock<PathBuf> = OnceLock::new();

fn repo_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn script() -> PathBuf {
    repo_dir().join("scripts/test-server.sh")
}

impl TestServer {
    /// The server for this test binary, started on first use.
    ///
    /// Panics (failing the calling test) if the server cannot be started;
    /// the message includes the script's error and the Dovecot log tail.
    pub fn get() -> &'static TestServer {
        match SERVER.get_or_init(Self::init) {
            Ok(s) => s,
            Err(e) => panic!("test server unavailable: {e}"),
        }
    }

    fn init() -> Result<TestServer, String> {
        if let Ok(host) = std::env::var("IMAP_HOST") {
            return Self::from_env(host, |k| std::env::var(k).ok());
        }
        Self::start_private()
    }

    fn from_env(host: String, var: impl Fn(&str) -> Option<String>) -> Result<TestServer, String> {
        let port = |k: &str, default: u16| -> Result<u16, String> {
            match var(k) {
                None => Ok(default),
                Some(v) => v.parse().map_err(|_| format!("{k}={v:?} is not a port")),
            }
        };
        let dir = PathBuf::from(var("IMAP_TEST_DIR").unwrap_or_default());
        Ok(TestServer {
            host,
            port: port("IMAP_PORT", 143)?,
            tls_port: port("IMAP_TLS_PORT", 993)?,
            user: var("IMAP_USER").unwrap_or_else(|| "test".into()),
            password: var("IMAP_PASSWORD").unwrap_or_else(|| "pass".into()),
            cafile: var("IMAP_CAFILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| dir.join("certs/ca.pem")),
            dir,
        })
    }

    fn start_private() -> Result<TestServer, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let name = exe
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("test")
            .to_owned();
        let pid = std::process::id();
        let dir = repo_dir().join(".testserver").join(format!("{name}-{pid}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

        // Register the stop hook before starting, so that a start that fails
        // halfway still cleans up.
        let _ = OWNED_DIR.set(dir.clone());
        // SAFETY: registering a plain extern "C" fn with no captured state.
        unsafe { libc::atexit(stop_private_server) };

        let out = Command::new(script())
            .args(["start", "--env", "--watch", &pid.to_string()])
            .env("IMAP_TEST_DIR", &dir)
            .output()
            .map_err(|e| format!("running {}: {e}", script().display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} start failed ({}):\n{}",
                script().display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let env = parse_env(&String::from_utf8_lossy(&out.stdout));
        let var = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let host = var("IMAP_HOST").ok_or("start printed no IMAP_HOST")?;
        Self::from_env(host, var)
    }

    /// Reset `user`'s mail to the seeded fixture (14 INBOX messages plus
    /// folders; see scripts/seed-mail.py). Do not reseed a user that other
    /// tests of the same run use concurrently, such as `test`: take one of
    /// `test2`..`test9` that only your test touches.
    pub fn seed(&self, user: &str) {
        let out = Command::new(script())
            .args(["seed", user])
            .env("IMAP_TEST_DIR", &self.dir)
            .output()
            .expect("running test-server.sh seed");
        assert!(
            out.status.success(),
            "seeding {user} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A file from the server's `certs/` directory, e.g. `untrusted-ca.pem`,
    /// `expired.pem`, `selfsigned.pem`, `wronghost.pem` (see
    /// scripts/test-server.sh for the list).
    pub fn cert(&self, name: &str) -> PathBuf {
        self.dir.join("certs").join(name)
    }

    /// `host:port` of the plaintext (STARTTLS) port.
    pub fn plain_addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// `host:port` of the implicit-TLS port.
    pub fn tls_addr(&self) -> String {
        format!("{}:{}", self.host, self.tls_port)
    }
}

/// A mailbox name no other test (in this or another process) will use:
/// `<prefix>-<pid>-<counter>-<nanos>`, ASCII only.
pub fn unique_folder(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// Parse `export NAME=value` lines; values may be single-quoted.
fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = match v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                Some(inner) => inner.replace("'\\''", "'"),
                None => v.to_owned(),
            };
            (k.to_owned(), v)
        })
        .collect()
}

extern "C" fn stop_private_server() {
    // Runs at process exit: must not panic.
    let Some(dir) = OWNED_DIR.get() else { return };
    let keep = std::env::var_os("IMAPC_TEST_KEEP").is_some_and(|v| !v.is_empty() && v != "0");
    let mut cmd = Command::new(script());
    cmd.arg("stop");
    if !keep {
        cmd.arg("--clean");
    }
    let _ = cmd.env("IMAP_TEST_DIR", dir).status();
}

/// CREATE `name`, a name no folder has had (from [`unique_folder`]).
///
/// Dovecot 2.3.19 now and then answers `NO [ALREADYEXISTS]` to the CREATE
/// of a new name while other sessions of the same user create folders at
/// the same moment, and has created the folder all the same (seen about
/// once in three runs of the client tests with 8 threads; with or without
/// its mailbox list index). The client reports what the server said; the
/// tests, which share user `test`, take that answer for a new name when
/// the folder is there and empty.
///
/// The CREATEs of one test binary go one at a time: two at once, by two
/// sessions of one user, can deadlock Dovecot 2.3.19 itself (a fresh-clone
/// CI run lost two tests to `Panic: fcntl(.../mailboxes.lock) ... Resource
/// deadlock avoided`, each process holding the lock the other wanted, in
/// CREATE's mailbox list index refresh).
pub fn create_new(c: &mut imapclient::client::Client, name: &str) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    match c.create_folder(name) {
        Ok(()) => {}
        Err(e) if e.response_code.as_deref() == Some("ALREADYEXISTS") => {
            let st = c
                .folder_status(name)
                .unwrap_or_else(|s| panic!("CREATE {name}: {e}; STATUS: {s}"));
            assert_eq!(st.messages, Some(0), "CREATE {name}: {e}; {st:?}");
            eprintln!("note: Dovecot said {e} to a new name; the folder is there, empty");
        }
        Err(e) => panic!("CREATE {name}: {e}"),
    }
}
