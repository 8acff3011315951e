//! Connect options built through the C ABI, for tests that check what a C
//! caller gets: a TLS config from the C builder, implicit TLS.

use std::ffi::{CStr, CString};
use std::ptr::null_mut;

use imapclient::ffi::error::IMAPC_OK;
use imapclient::ffi::options::*;
use imapclient::ffi::tls::*;

/// Implicit-TLS options for `host:port` whose TLS config comes from the C
/// builder after `setup` (which makes and checks its own builder calls).
/// Caller frees the options.
///
/// # Safety
/// Only C ABI calls with valid strings and live handles; each handle made
/// here is freed once or handed back.
pub unsafe fn implicit_tls_options(
    host: &CStr,
    port: u16,
    setup: impl FnOnce(*mut imapc_tls_config_builder),
) -> *mut imapc_connect_options {
    // SAFETY: as the function's contract.
    unsafe {
        let b = imapc_tls_config_builder_new();
        setup(b);
        let mut cfg = std::ptr::null();
        assert_eq!(
            imapc_tls_config_builder_build(b, &mut cfg, null_mut()),
            IMAPC_OK
        );
        imapc_tls_config_builder_free(b);
        let mut o = null_mut();
        assert_eq!(
            imapc_connect_options_new(
                host.as_ptr(),
                port,
                IMAPC_SECURITY_IMPLICIT_TLS,
                &mut o,
                null_mut()
            ),
            IMAPC_OK
        );
        assert_eq!(
            imapc_connect_options_set_tls_config(o, cfg, null_mut()),
            IMAPC_OK
        );
        imapc_tls_config_free(cfg);
        o
    }
}

/// The test server's CA file as a C string (not every test crate uses it).
#[allow(dead_code)]
pub fn test_cafile() -> CString {
    let ca = super::common::TestServer::get()
        .cafile
        .to_string_lossy()
        .into_owned();
    CString::new(ca).unwrap()
}
