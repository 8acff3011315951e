//! Logging: a `log::Log` that forwards records to a C callback, or to
//! stderr when `IMAPCLIENT_LOG=debug|trace` (or info, warn, error) asks.

use std::ffi::c_void;
use std::os::raw::c_char;
use std::sync::{Once, RwLock};

use super::boundary::{catch_value, cstring};

/// Log levels passed to the callback and accepted as the maximum level.
pub const IMAPC_LOG_OFF: u32 = 0;
/// An error.
pub const IMAPC_LOG_ERROR: u32 = 1;
/// A warning (e.g. TLS verification turned off).
pub const IMAPC_LOG_WARN: u32 = 2;
/// Information (connections, logins).
pub const IMAPC_LOG_INFO: u32 = 3;
/// Debugging detail.
pub const IMAPC_LOG_DEBUG: u32 = 4;
/// Everything, including protocol lines (passwords are masked).
pub const IMAPC_LOG_TRACE: u32 = 5;

/// A log callback: `userdata` as registered, the level (`IMAPC_LOG_*`),
/// the target (e.g. `"imapclient::wire"`) and the message, both borrowed
/// for the duration of the call. May run on any thread that uses a client;
/// it must not call back into the library.
pub type imapc_log_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        level: u32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

#[derive(Clone, Copy)]
enum Sink {
    None,
    Stderr,
    Callback(
        unsafe extern "C" fn(*mut c_void, u32, *const c_char, *const c_char),
        usize,
    ),
}

static SINK: RwLock<Sink> = RwLock::new(Sink::None);
static INSTALL: Once = Once::new();

struct Logger;

fn level_num(l: log::Level) -> u32 {
    match l {
        log::Level::Error => IMAPC_LOG_ERROR,
        log::Level::Warn => IMAPC_LOG_WARN,
        log::Level::Info => IMAPC_LOG_INFO,
        log::Level::Debug => IMAPC_LOG_DEBUG,
        log::Level::Trace => IMAPC_LOG_TRACE,
    }
}

impl log::Log for Logger {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &log::Record<'_>) {
        if !self.enabled(r.metadata()) {
            return;
        }
        // The read guard is held through the callback: a caller that turns
        // logging off or replaces the callback waits in `set_sink` until
        // the calls in flight have returned, and may then free the old
        // userdata. Readers do not wait for each other.
        let sink = read_sink();
        match *sink {
            Sink::None => {}
            Sink::Stderr => eprintln!("imapclient {:5} {}: {}", r.level(), r.target(), r.args()),
            Sink::Callback(f, ud) => {
                let target = cstring(r.target());
                let msg = cstring(&r.args().to_string());
                // SAFETY: the callback and userdata were registered together
                // by the C caller, who promised they stay valid until the
                // call replacing them returns, which waits for this guard.
                unsafe {
                    f(
                        ud as *mut c_void,
                        level_num(r.level()),
                        target.as_ptr(),
                        msg.as_ptr(),
                    )
                };
            }
        }
    }

    fn flush(&self) {}
}

fn install() {
    INSTALL.call_once(|| {
        // Fails only when the host program installed its own `log` logger
        // (a Rust program linking us): then that logger gets our records.
        let _ = log::set_logger(&Logger);
    });
}

fn filter(level: u32) -> log::LevelFilter {
    match level {
        IMAPC_LOG_OFF => log::LevelFilter::Off,
        IMAPC_LOG_ERROR => log::LevelFilter::Error,
        IMAPC_LOG_WARN => log::LevelFilter::Warn,
        IMAPC_LOG_INFO => log::LevelFilter::Info,
        IMAPC_LOG_DEBUG => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

fn read_sink() -> std::sync::RwLockReadGuard<'static, Sink> {
    SINK.read().unwrap_or_else(|p| p.into_inner())
}

fn set_sink(s: Sink) {
    match SINK.write() {
        Ok(mut g) => *g = s,
        Err(p) => *p.into_inner() = s,
    }
}

/// Send log records up to `max_level` (`IMAPC_LOG_*`) to `callback`, with
/// `userdata` passed back unchanged. A NULL callback (or `IMAPC_LOG_OFF`)
/// turns logging off. Process-wide; call it before creating clients.
/// `userdata` must stay valid until logging is turned off or the callback
/// replaced: when that call returns, no call of the old callback is still
/// running or will start (the call waits for those in flight), so the old
/// userdata may then be freed. The callback must not call this function
/// (it would wait for itself).
#[no_mangle]
pub extern "C" fn imapc_log_set_callback(
    callback: imapc_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) {
    catch_value((), || {
        install();
        match callback {
            Some(f) if max_level != IMAPC_LOG_OFF => {
                set_sink(Sink::Callback(f, userdata as usize));
                log::set_max_level(filter(max_level));
            }
            _ => {
                set_sink(Sink::None);
                log::set_max_level(log::LevelFilter::Off);
            }
        }
    })
}

/// Log to stderr when the environment variable `IMAPCLIENT_LOG` is set to
/// `error`, `warn`, `info`, `debug` or `trace`; does nothing otherwise.
/// Returns true when logging was switched on.
#[no_mangle]
pub extern "C" fn imapc_log_init_from_env() -> bool {
    catch_value(false, || {
        let level = match std::env::var("IMAPCLIENT_LOG")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "error" => IMAPC_LOG_ERROR,
            "warn" => IMAPC_LOG_WARN,
            "info" => IMAPC_LOG_INFO,
            "debug" => IMAPC_LOG_DEBUG,
            "trace" => IMAPC_LOG_TRACE,
            _ => return false,
        };
        install();
        set_sink(Sink::Stderr);
        log::set_max_level(filter(level));
        true
    })
}
