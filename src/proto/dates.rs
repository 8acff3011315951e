//! INTERNALDATE and RFC 2822 dates. (API stub: to be implemented.)

/// A calendar date for SEARCH (`1-Feb-1994`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A date and time with its zone offset in minutes east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub offset_minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for DateError {}

impl Date {
    /// Validated constructor.
    pub fn new(_year: i32, _month: u8, _day: u8) -> Result<Date, DateError> {
        todo!()
    }
    /// `1-Feb-1994` as SEARCH wants it.
    pub fn to_imap(&self) -> String {
        todo!()
    }
}

impl DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_timestamp(&self) -> i64 {
        todo!()
    }
    /// From a timestamp and an offset.
    pub fn from_unix(_ts: i64, _offset_minutes: i32) -> DateTime {
        todo!()
    }
    /// `"17-Jul-1996 02:44:25 -0700"` as APPEND wants it (with the quotes).
    pub fn to_internal_date(&self) -> String {
        todo!()
    }
}

/// Parse an INTERNALDATE string (`17-Jul-1996 02:44:25 -0700`, also with a
/// space-padded day).
pub fn parse_internal_date(_s: &[u8]) -> Result<DateTime, DateError> {
    todo!()
}

/// Parse an RFC 2822 Date header value with real-world variants (optional
/// weekday, zone without sign, named zones, dotted times, 2-digit years,
/// trailing comments).
pub fn parse_rfc2822(_s: &[u8]) -> Result<DateTime, DateError> {
    todo!()
}
