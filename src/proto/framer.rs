//! Response framer: cuts the byte stream into complete responses.
//! (API stub: to be implemented.)

/// Limits that protect the client from hostile or broken servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line (bytes between literals, CRLF included). Default 8 MiB.
    pub max_line: usize,
    /// Largest literal kept in memory. Default 256 MiB.
    pub max_literal: u64,
    /// Deepest parenthesis nesting. Default 100.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 8 << 20,
            max_literal: 256 << 20,
            max_depth: 100,
        }
    }
}

/// A limit or syntax problem found while framing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    LineTooLong { limit: usize },
    LiteralTooLarge { size: u64, limit: u64 },
    TooDeep { limit: usize },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::LineTooLong { limit } => write!(f, "response line longer than {limit} bytes"),
            FrameError::LiteralTooLarge { size, limit } => {
                write!(f, "literal of {size} bytes exceeds the limit of {limit}")
            }
            FrameError::TooDeep { limit } => write!(f, "parentheses nested deeper than {limit}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// What the framer hands out.
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// One complete response, CRLF included.
    Frame(&'a [u8]),
    /// A piece of a literal larger than the streaming threshold.
    /// `prefix` is the response so far, up to and including `{n}\r\n`.
    LiteralChunk {
        prefix: &'a [u8],
        data: &'a [u8],
        offset: u64,
        total: u64,
    },
}

/// The framer.
#[derive(Debug, Default)]
pub struct Framer {
    limits: Limits,
}

impl Framer {
    pub fn new(limits: Limits) -> Self {
        Framer { limits }
    }
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
    /// Literals larger than this are streamed as `LiteralChunk` events.
    pub fn set_stream_threshold(&mut self, _threshold: Option<u64>) {
        todo!()
    }
    /// Spare room to read into, at least `min` bytes; follow with `commit`.
    pub fn read_buf(&mut self, _min: usize) -> &mut [u8] {
        todo!()
    }
    /// `n` bytes were written into the slice from `read_buf`.
    pub fn commit(&mut self, _n: usize) {
        todo!()
    }
    /// Append bytes (convenience for tests).
    pub fn feed(&mut self, _data: &[u8]) {
        todo!()
    }
    /// Bytes received but not yet handed out.
    pub fn buffered(&self) -> usize {
        todo!()
    }
    /// The next complete response (or literal chunk), if there is one.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, FrameError> {
        todo!()
    }
}
