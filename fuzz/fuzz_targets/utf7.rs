//! Modified UTF-7 (RFC 3501 5.1.3) on arbitrary bytes: strict and lenient
//! decoding never panic; what strict decoding accepts is canonical, so
//! encoding it gives the input back, and lenient decoding agrees with it
//! without reporting a problem; encode/decode round-trips any string.
//! (Lenient decoding may accept more than strict, e.g. a null shift.)
#![no_main]

use imapclient::proto::utf7;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = utf7::decode(data);
    let (lenient, had_error) = utf7::decode_lenient(data);
    if let Ok(s) = &strict {
        assert_eq!(utf7::encode(s).as_bytes(), data, "strict decode accepted a non-canonical form");
        assert!(!had_error);
        assert_eq!(&lenient, s);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let wire = utf7::encode(text);
        assert!(wire.bytes().all(|b| (0x20..0x7f).contains(&b)), "{wire:?}");
        assert_eq!(utf7::decode(wire.as_bytes()).as_deref(), Ok(text));
    }
});
