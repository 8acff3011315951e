//! TLS configuration: a mutable builder that ends in an immutable,
//! reference-counted configuration shared by any number of clients and
//! threads.

use std::os::raw::c_char;
use std::path::Path;
use std::sync::Arc;

use super::boundary::{catch_value, slice_arg, str_arg};
use super::error::{imapc_error, imapc_result, need_out, put, run};
use crate::client::{Error, ErrorKind, Result, TlsConfig, TlsConfigBuilder, TlsVersion};

/// Builds an `imapc_tls_config`. Owned by the caller; free with
/// `imapc_tls_config_builder_free`. Use from one thread at a time.
pub struct imapc_tls_config_builder {
    inner: TlsConfigBuilder,
}

/// An immutable TLS configuration. Thread-safe: one config may be passed
/// to many connect options and clients at once, from any thread; each of
/// them keeps its own reference, so the caller may free its pointer with
/// `imapc_tls_config_free` as soon as it no longer needs it.
pub struct imapc_tls_config {
    pub(crate) inner: Arc<TlsConfig>,
}

/// Lowest TLS version: 1.2 (the default).
pub const IMAPC_TLS_VERSION_1_2: u32 = 12;
/// Lowest TLS version: 1.3.
pub const IMAPC_TLS_VERSION_1_3: u32 = 13;

unsafe fn builder<'a>(
    b: *mut imapc_tls_config_builder,
) -> Result<&'a mut imapc_tls_config_builder> {
    // SAFETY: NULL or a live builder used by one thread, per the API contract.
    unsafe { b.as_mut() }.ok_or_else(|| Error::new(ErrorKind::NullPointer, "builder is NULL"))
}

/// A new builder: system trust store, host name verified, TLS 1.2 or
/// later. Caller owns it; free with `imapc_tls_config_builder_free`. The
/// system store is read once per process, by the first configuration
/// (built here or a connection's default) that uses it.
/// Returns NULL only if memory ran out.
#[no_mangle]
pub extern "C" fn imapc_tls_config_builder_new() -> *mut imapc_tls_config_builder {
    catch_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(imapc_tls_config_builder {
            inner: TlsConfigBuilder::new(),
        }))
    })
}

/// Free a builder. NULL is allowed.
///
/// # Safety
/// `b` is NULL or a live builder, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_free(b: *mut imapc_tls_config_builder) {
    if !b.is_null() {
        // SAFETY: came from Box::into_raw in _new; freed once.
        catch_value((), || drop(unsafe { Box::from_raw(b) }));
    }
}

/// Trust the CA certificates of a PEM file. Adding a CA replaces the
/// system store unless `imapc_tls_config_builder_use_system_roots` turns
/// it back on. A self-signed server's own certificate may be given here
/// too: a server presenting exactly that certificate is trusted (its dates
/// and, unless turned off, its host name still checked). Fails with
/// `IMAPC_ERR_TLS_CONFIG` for an unreadable file or bad PEM.
///
/// # Safety
/// `b` is a live builder; `path` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_add_ca_file(
    b: *mut imapc_tls_config_builder,
    path: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let b = builder(b)?;
            let p = str_arg(path, "path")?;
            b.inner.add_ca_file(Path::new(p)).map(|_| ())
        })
    }
}

/// Trust the CA certificates in PEM bytes (`pem`, `len`), as
/// `imapc_tls_config_builder_add_ca_file`. Borrowed for the call only.
///
/// # Safety
/// `b` is a live builder; `pem` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_add_ca_pem(
    b: *mut imapc_tls_config_builder,
    pem: *const u8,
    len: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let b = builder(b)?;
            let data = slice_arg(pem, len, "pem")?;
            if data.is_empty() {
                return Err(Error::new(ErrorKind::TlsConfig, "empty PEM"));
            }
            b.inner.add_ca_pem(data).map(|_| ())
        })
    }
}

/// Also trust the system store (on by default only when no CA was added).
///
/// # Safety
/// `b` is NULL or a live builder.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_use_system_roots(
    b: *mut imapc_tls_config_builder,
    yes: bool,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            builder(b)?.inner.use_system_roots(yes);
            Ok(())
        })
    }
}

/// DANGEROUS: stop checking that the certificate names the host (the
/// chain is still verified against the trusted CAs). Anyone holding any
/// certificate from a trusted CA can impersonate the server. A warning is
/// logged at every connection made with it.
///
/// # Safety
/// `b` is NULL or a live builder.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_dangerous_disable_hostname_verification(
    b: *mut imapc_tls_config_builder,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            builder(b)?.inner.verify_hostname(false);
            Ok(())
        })
    }
}

/// DANGEROUS: accept any certificate. Anyone on the network path can read
/// and change the session, passwords included. A warning is logged at
/// every connection. For tests only.
///
/// # Safety
/// `b` is NULL or a live builder.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_dangerous_disable_verification(
    b: *mut imapc_tls_config_builder,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            builder(b)?.inner.dangerous_disable_verification(true);
            Ok(())
        })
    }
}

/// Present a client certificate: the chain and the private key, both PEM.
/// Borrowed for the call only.
///
/// # Safety
/// `b` is a live builder; each buffer has its length readable.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_set_client_cert(
    b: *mut imapc_tls_config_builder,
    chain_pem: *const u8,
    chain_len: usize,
    key_pem: *const u8,
    key_len: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let b = builder(b)?;
            let chain = slice_arg(chain_pem, chain_len, "chain_pem")?;
            let key = slice_arg(key_pem, key_len, "key_pem")?;
            b.inner.client_cert_pem(chain, key).map(|_| ())
        })
    }
}

/// The lowest TLS version accepted: `IMAPC_TLS_VERSION_1_2` (default) or
/// `IMAPC_TLS_VERSION_1_3`.
///
/// # Safety
/// `b` is NULL or a live builder.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_set_min_version(
    b: *mut imapc_tls_config_builder,
    version: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointer checked inside.
    unsafe {
        run(err_out, || {
            let b = builder(b)?;
            let v = match version {
                IMAPC_TLS_VERSION_1_2 => TlsVersion::Tls12,
                IMAPC_TLS_VERSION_1_3 => TlsVersion::Tls13,
                _ => return Err(Error::invalid(format!("unknown TLS version {version}"))),
            };
            b.inner.min_version(v);
            Ok(())
        })
    }
}

/// Finish: write an immutable configuration to `*config_out`. The builder
/// is not consumed (free it separately) and may build again. Caller owns
/// the config; free with `imapc_tls_config_free`.
///
/// # Safety
/// `b` is a live builder; `config_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_builder_build(
    b: *const imapc_tls_config_builder,
    config_out: *mut *const imapc_tls_config,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside; contract as documented.
    unsafe {
        run(err_out, || {
            let b = b
                .as_ref()
                .ok_or_else(|| Error::new(ErrorKind::NullPointer, "builder is NULL"))?;
            need_out(config_out, "config_out")?;
            let cfg = b.inner.build()?;
            put(
                config_out,
                Box::into_raw(Box::new(imapc_tls_config { inner: cfg })) as *const _,
            );
            Ok(())
        })
    }
}

/// Release the caller's reference to a configuration. Clients and options
/// that use it keep their own. NULL is allowed.
///
/// # Safety
/// `config` is NULL or came from `imapc_tls_config_builder_build` and was
/// not freed yet.
#[no_mangle]
pub unsafe extern "C" fn imapc_tls_config_free(config: *const imapc_tls_config) {
    if !config.is_null() {
        // SAFETY: came from Box::into_raw in build; freed once.
        catch_value((), || {
            drop(unsafe { Box::from_raw(config as *mut imapc_tls_config) })
        });
    }
}
