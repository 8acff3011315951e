//! libimapclient: an IMAP client library with a C ABI.
//!
//! Layers, one direction: [`proto`] (bytes only, sans-I/O) -> [`client`]
//! (blocking client over TCP/TLS) -> [`ffi`] (the C ABI).

pub mod client;
pub mod ffi;
pub mod proto;
