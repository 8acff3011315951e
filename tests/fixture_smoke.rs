//! The test fixture itself: the server starts, both ports answer.
mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn plain_port_greets() {
    let srv = common::TestServer::get();
    let stream = TcpStream::connect(srv.plain_addr()).expect("connect plain port");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut greeting = String::new();
    BufReader::new(stream).read_line(&mut greeting).unwrap();
    assert!(greeting.starts_with("* OK"), "greeting: {greeting:?}");
}

#[test]
fn tls_port_accepts() {
    let srv = common::TestServer::get();
    TcpStream::connect(srv.tls_addr()).expect("connect TLS port");
    assert!(srv.cafile.is_file(), "{} missing", srv.cafile.display());
}

#[test]
fn unique_folders_differ() {
    let a = common::unique_folder("t");
    let b = common::unique_folder("t");
    assert_ne!(a, b);
    assert!(a.starts_with("t-") && a.is_ascii());
}
