//! Sans-I/O protocol core: bytes in, typed values out; commands in, bytes out.
//! Nothing here touches a socket.

pub mod dates;
pub mod encoder;
pub mod flags;
pub mod framer;
pub mod listpattern;
pub mod mime;
pub mod parser;
pub mod quote;
pub mod search;
pub mod seqset;
pub mod types;
pub mod utf7;
