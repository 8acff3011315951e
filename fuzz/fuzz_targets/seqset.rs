//! Message sets on arbitrary strings: parsing never panics, and whatever
//! parses prints to a form that parses back to the same set; splitting it
//! keeps every range and respects the length bound when it can.
#![no_main]

use imapclient::proto::seqset::MessageSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(set) = MessageSet::parse(s) else { return };
    let shown = set.to_string();
    let again = MessageSet::parse(&shown).expect("display output must parse");
    assert_eq!(again, set, "{s:?} -> {shown:?}");
    let max = 1 + (data.len() % 40);
    let parts = set.split(max);
    let joined: Vec<_> = parts.iter().flat_map(|p| p.ranges().to_vec()).collect();
    assert_eq!(joined, set.ranges().to_vec(), "split({max}) lost or reordered ranges");
});
