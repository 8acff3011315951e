//! INTERNALDATE and RFC 2822 dates.
//!
//! No calendar crate: the only arithmetic needed is days-from-civil and its
//! inverse (Howard Hinnant's algorithms), which are exact for the proleptic
//! Gregorian calendar.

use super::quote::quoted;

/// A calendar date for SEARCH (`1-Feb-1994`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Full year, e.g. 1994.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// 1 to the length of the month.
    pub day: u8,
}

/// A date and time with its zone offset in minutes east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The local date.
    pub date: Date,
    /// 0 to 23, local time.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 60 (60 only for a leap second).
    pub second: u8,
    /// Minutes east of UTC (`-0700` is -420).
    pub offset_minutes: i32,
}

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// Human-readable reason, naming the input.
    pub message: String,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for DateError {}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Largest zone offset accepted, in minutes (+/-23:59).
const MAX_OFFSET: i32 = 23 * 60 + 59;

fn date_err(msg: impl Into<String>) -> DateError {
    DateError {
        message: msg.into(),
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn month_from_name(name: &str) -> Option<u8> {
    if name.len() < 3 || !name.is_ascii() {
        return None;
    }
    month_from_abbr(&name.as_bytes()[..3])
}

/// 1 to 12 for a three-letter month abbreviation, any case.
fn month_from_abbr(abbr: &[u8]) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(abbr))
        .map(|i| i as u8 + 1)
}

impl Date {
    /// Validated constructor: year 1 to 9999 (SEARCH wants four digits),
    /// month 1 to 12, day within the month.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(date_err(format!("year {year} is out of range 1-9999")));
        }
        if !(1..=12).contains(&month) {
            return Err(date_err(format!("month {month} is out of range 1-12")));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(date_err(format!(
                "day {day} is out of range for {}-{year} (1-{max})",
                MONTHS[usize::from(month - 1)]
            )));
        }
        Ok(Date { year, month, day })
    }

    /// `1-Feb-1994` as SEARCH wants it.
    pub fn to_imap(&self) -> String {
        format!("{}-{}-{:04}", self.day, self.month_name(), self.year)
    }

    /// Three-letter English month name; `???` for an invalid month (the
    /// fields are public, so one can be built by hand).
    fn month_name(&self) -> &'static str {
        MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or("???")
    }
}

impl DateTime {
    /// Validated constructor: hour 0-23, minute 0-59, second 0-60, offset
    /// within +/-23:59.
    pub fn new(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        offset_minutes: i32,
    ) -> Result<DateTime, DateError> {
        let date = Date::new(date.year, date.month, date.day)?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(date_err(format!(
                "time {hour:02}:{minute:02}:{second:02} is out of range"
            )));
        }
        if offset_minutes.unsigned_abs() > MAX_OFFSET as u32 {
            return Err(date_err(format!(
                "zone offset {offset_minutes} minutes is out of range"
            )));
        }
        Ok(DateTime {
            date,
            hour,
            minute,
            second,
            offset_minutes,
        })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_timestamp(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.date.year),
            i64::from(self.date.month),
            i64::from(self.date.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// From a timestamp and an offset. Saturates at the ends of the `i32`
    /// year range instead of overflowing.
    pub fn from_unix(ts: i64, offset_minutes: i32) -> DateTime {
        let local = ts.saturating_add(i64::from(offset_minutes) * 60);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, month, day) = civil_from_days(days);
        DateTime {
            date: Date {
                year: y.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
                month,
                day,
            },
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
            offset_minutes,
        }
    }

    /// `"17-Jul-1996 02:44:25 -0700"` as APPEND wants it (with the quotes).
    pub fn to_internal_date(&self) -> String {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.unsigned_abs();
        format!(
            "\"{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"",
            self.date.day,
            self.date.month_name(),
            self.date.year,
            self.hour,
            self.minute,
            self.second,
            sign,
            off / 60,
            off % 60
        )
    }
}

/// Parse 1 to `max` ASCII digits.
fn digits(s: &str, max: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `hh:mm[:ss]` or `hh.mm[.ss]`.
fn parse_time(s: &str) -> Option<(u8, u8, u8)> {
    let sep = if s.contains(':') { ':' } else { '.' };
    let mut it = s.split(sep);
    let h = digits(it.next()?, 2)?;
    let m = digits(it.next()?, 2)?;
    let sec = match it.next() {
        Some(x) => digits(x, 2)?,
        None => 0,
    };
    if it.next().is_some() {
        return None;
    }
    Some((h as u8, m as u8, sec as u8))
}

/// `+hhmm`, `-hhmm`, `hhmm` (no sign, seen in the wild) or `+hh:mm`.
fn parse_numeric_zone(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let rest: String = if rest.len() == 5 && rest.as_bytes()[2] == b':' {
        rest.replacen(':', "", 1)
    } else {
        rest.to_string()
    };
    if rest.len() != 4 {
        return None;
    }
    let v = digits(&rest, 4)? as i32;
    let (h, m) = (v / 100, v % 100);
    if m > 59 || h > 23 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// Named zones of RFC 2822 section 4.3; other alphabetic zones (military
/// letters, `CEST`, ...) mean "unknown", taken as 0 as the RFC says.
fn parse_named_zone(s: &str) -> Option<i32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphabetic()) || s.len() > 5 {
        return None;
    }
    let h = match s.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        _ => 0,
    };
    Some(h * 60)
}

/// Two ASCII digits at `b[0..2]`.
#[inline]
fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9', ..] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// `HH:MM:SS SHHMM` exactly (14 bytes), the tail that both canonical forms
/// share. `None` for anything else, including out-of-range zone digits.
#[inline]
fn fast_time_zone(b: &[u8]) -> Option<(u8, u8, u8, i32)> {
    if b.len() != 14 || b[2] != b':' || b[5] != b':' || b[8] != b' ' {
        return None;
    }
    let (h, m, sec) = (two_digits(b)?, two_digits(&b[3..])?, two_digits(&b[6..])?);
    let sign = match b[9] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (zh, zm) = (two_digits(&b[10..])?, two_digits(&b[12..])?);
    if zh > 23 || zm > 59 {
        return None;
    }
    Some((h, m, sec, sign * (i32::from(zh) * 60 + i32::from(zm))))
}

/// `Mon YYYY` / `Mon-YYYY` (with the separator `sep`) at the start of `b`.
#[inline]
fn fast_month_year(b: &[u8], sep: u8) -> Option<(u8, i32)> {
    if b.len() < 8 || b[3] != sep {
        return None;
    }
    let month = month_from_abbr(&b[..3])?;
    let year = i32::from(two_digits(&b[4..])?) * 100 + i32::from(two_digits(&b[6..])?);
    Some((month, year))
}

/// `d[d]<sep>Mon<sep>yyyy HH:MM:SS +zzzz`, the shape both canonical forms
/// share after their prefix (`sep` is `-` for INTERNALDATE, a space for
/// RFC 5322). `None` for anything else.
fn fast_date_time(s: &[u8], sep: u8) -> Option<DateTime> {
    let (day, rest) = match s {
        [d @ b'0'..=b'9', c, rest @ ..] if *c == sep => (d - b'0', rest),
        [_, _, c, rest @ ..] if *c == sep => (two_digits(s)?, rest),
        _ => return None,
    };
    let (month, year) = fast_month_year(rest, sep)?;
    if rest.get(8) != Some(&b' ') {
        return None;
    }
    let (h, m, sec, off) = fast_time_zone(&rest[9..])?;
    DateTime::new(Date::new(year, month, day).ok()?, h, m, sec, off).ok()
}

/// The canonical INTERNALDATE `dd-Mon-yyyy HH:MM:SS +zzzz` (day possibly
/// space-padded), as every server sends it. `None` sends the caller to the
/// general parser, which also produces the error messages.
fn fast_internal_date(s: &[u8]) -> Option<DateTime> {
    fast_date_time(s.strip_prefix(b" ").unwrap_or(s), b'-')
}

/// The canonical RFC 5322 date `[Ddd, ]d[d] Mon yyyy HH:MM:SS +zzzz` with
/// nothing before or after; `None` for every variant (the general parser
/// then handles it).
fn fast_rfc2822(s: &[u8]) -> Option<DateTime> {
    let s = match s {
        [a, b, c, b',', b' ', rest @ ..] => {
            let w = [
                a.to_ascii_lowercase(),
                b.to_ascii_lowercase(),
                c.to_ascii_lowercase(),
            ];
            if !WEEKDAYS.iter().any(|d| d.as_bytes().starts_with(&w)) {
                return None;
            }
            rest
        }
        _ => s,
    };
    fast_date_time(s, b' ')
}

/// Parse an INTERNALDATE string (`17-Jul-1996 02:44:25 -0700`, also with a
/// space-padded day).
pub fn parse_internal_date(s: &[u8]) -> Result<DateTime, DateError> {
    if let Some(d) = fast_internal_date(s) {
        return Ok(d);
    }
    parse_internal_date_general(s)
}

/// [`parse_internal_date`] without the fast path for the canonical form.
fn parse_internal_date_general(s: &[u8]) -> Result<DateTime, DateError> {
    let text = String::from_utf8_lossy(s);
    let bad = |why: &str| date_err(format!("invalid INTERNALDATE {}: {why}", quoted(&text)));
    let mut t: &str = &text;
    // Tolerate the quotes of the wire form.
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t = &t[1..t.len() - 1];
    }
    // A space-padded day (` 7-Jul-1996`) leaves one leading space.
    let t = t.strip_prefix(' ').unwrap_or(t);
    let (day, rest) = t
        .split_once('-')
        .ok_or_else(|| bad("expected dd-Mon-yyyy"))?;
    let (mon, rest) = rest
        .split_once('-')
        .ok_or_else(|| bad("expected dd-Mon-yyyy"))?;
    let (year, rest) = rest.split_once(' ').ok_or_else(|| bad("expected a time"))?;
    let (time, zone) = rest.split_once(' ').ok_or_else(|| bad("expected a zone"))?;
    let day = digits(day, 2).ok_or_else(|| bad("bad day"))?;
    let month = if mon.len() == 3 {
        month_from_name(mon)
    } else {
        None
    }
    .ok_or_else(|| bad("bad month name"))?;
    let year = digits(year, 4)
        .filter(|_| year.len() == 4)
        .ok_or_else(|| bad("year must be 4 digits"))?;
    let (h, m, sec) = parse_time(time)
        .filter(|_| time.len() == 8 && time.contains(':'))
        .ok_or_else(|| bad("time must be hh:mm:ss"))?;
    let offset = if zone.len() == 5 && !zone.contains(':') {
        parse_numeric_zone(zone).filter(|_| zone.starts_with(['+', '-']))
    } else {
        None
    }
    .ok_or_else(|| bad("zone must be +hhmm or -hhmm"))?;
    let date = Date::new(year as i32, month, day as u8).map_err(|e| bad(&e.message))?;
    DateTime::new(date, h, m, sec, offset).map_err(|e| bad(&e.message))
}

/// Replace `(comments)` (nested, with `\` quoting) by spaces; an unclosed
/// comment runs to the end.
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => {
                depth += 1;
                out.push(' ');
            }
            ')' if depth > 0 => depth -= 1,
            '\\' if depth > 0 => {
                chars.next();
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// Parse an RFC 2822 Date header value with real-world variants (optional
/// weekday, zone without sign, named zones, dotted times, 2-digit years,
/// trailing comments).
///
/// Also accepted: `17-Jul-1996` style dates, month before day (`Jul 17`),
/// asctime's year after the time, a missing zone (taken as 0).
pub fn parse_rfc2822(s: &[u8]) -> Result<DateTime, DateError> {
    if let Some(d) = fast_rfc2822(s) {
        return Ok(d);
    }
    parse_rfc2822_general(s)
}

/// [`parse_rfc2822`] without the fast path for the canonical form.
fn parse_rfc2822_general(s: &[u8]) -> Result<DateTime, DateError> {
    let text = String::from_utf8_lossy(s);
    let bad = |why: &str| date_err(format!("invalid date {}: {why}", quoted(&text)));
    let cleaned = strip_comments(&text);
    let mut tokens: Vec<&str> = Vec::new();
    for tok in cleaned.split(|c: char| c.is_whitespace() || c == ',') {
        if tok.is_empty() {
            continue;
        }
        // `17-Jul-1996`: split on '-', but not a `-0700` zone.
        if tok.contains('-') && !tok.starts_with('-') {
            tokens.extend(tok.split('-').filter(|t| !t.is_empty()));
        } else {
            tokens.push(tok);
        }
    }
    let mut toks = tokens.into_iter().peekable();
    if let Some(first) = toks.peek() {
        let lower = first.to_ascii_lowercase();
        if lower.len() >= 3 && WEEKDAYS.iter().any(|w| lower.starts_with(w)) {
            toks.next();
        }
    }
    let mut day: Option<u32> = None;
    let mut month: Option<u8> = None;
    let mut year: Option<(u32, usize)> = None;
    let mut time: Option<(u8, u8, u8)> = None;
    let mut zone: Option<i32> = None;
    for tok in toks {
        let all_digits = tok.bytes().all(|b| b.is_ascii_digit());
        if time.is_none() {
            if tok.contains([':', '.']) {
                time = Some(parse_time(tok).ok_or_else(|| bad("bad time"))?);
            } else if all_digits && day.is_none() {
                day = Some(digits(tok, 2).ok_or_else(|| bad("bad day"))?);
            } else if all_digits && year.is_none() {
                year = Some((digits(tok, 4).ok_or_else(|| bad("bad year"))?, tok.len()));
            } else if month.is_none() {
                month = Some(month_from_name(tok).ok_or_else(|| bad("bad month name"))?);
            } else {
                return Err(bad(&format!("unexpected {}", quoted(tok))));
            }
        } else if zone.is_none() {
            if all_digits && year.is_none() {
                // asctime: `Wed Jul 17 02:44:25 1996`.
                year = Some((digits(tok, 4).ok_or_else(|| bad("bad year"))?, tok.len()));
            } else {
                zone = Some(
                    parse_numeric_zone(tok)
                        .or_else(|| parse_named_zone(tok))
                        .ok_or_else(|| bad("bad zone"))?,
                );
            }
        }
        // Anything after the zone (`CEST` without parentheses) is ignored.
    }
    let day = day.ok_or_else(|| bad("no day"))?;
    let month = month.ok_or_else(|| bad("no month"))?;
    let (y, len) = year.ok_or_else(|| bad("no year"))?;
    let (h, m, sec) = time.ok_or_else(|| bad("no time"))?;
    // RFC 2822 section 4.3 obsolete years.
    let y = match len {
        1 | 2 if y < 50 => 2000 + y,
        1 | 2 => 1900 + y,
        3 => 1900 + y,
        _ => y,
    };
    let date =
        Date::new(y as i32, month, u8::try_from(day).unwrap_or(0)).map_err(|e| bad(&e.message))?;
    DateTime::new(date, h, m, sec, zone.unwrap_or(0)).map_err(|e| bad(&e.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dt(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8, off: i32) -> DateTime {
        DateTime::new(Date::new(y, mo, d).unwrap(), h, mi, s, off).unwrap()
    }

    #[test]
    fn date_new_validates() {
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2023, 2, 29).is_err());
        assert!(Date::new(1900, 2, 29).is_err());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert!(Date::new(2024, 13, 1).is_err());
        assert!(Date::new(2024, 0, 1).is_err());
        assert!(Date::new(2024, 4, 31).is_err());
        assert!(Date::new(2024, 4, 0).is_err());
        assert!(Date::new(0, 1, 1).is_err());
        assert!(Date::new(10000, 1, 1).is_err());
    }

    #[test]
    fn to_imap() {
        assert_eq!(Date::new(1994, 2, 1).unwrap().to_imap(), "1-Feb-1994");
        assert_eq!(Date::new(2024, 12, 25).unwrap().to_imap(), "25-Dec-2024");
    }

    #[test]
    fn internal_date() {
        let d = parse_internal_date(b"17-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!(d, dt(1996, 7, 17, 2, 44, 25, -420));
        assert_eq!(d.to_internal_date(), "\"17-Jul-1996 02:44:25 -0700\"");
        let d = parse_internal_date(b" 7-Jul-1996 02:44:25 +0130").unwrap();
        assert_eq!(d, dt(1996, 7, 7, 2, 44, 25, 90));
        assert_eq!(d.to_internal_date(), "\"07-Jul-1996 02:44:25 +0130\"");
        assert_eq!(
            parse_internal_date(b"\"07-jul-1996 02:44:25 +0000\"").unwrap(),
            dt(1996, 7, 7, 2, 44, 25, 0)
        );
        // Round trip through the wire form.
        let w = d.to_internal_date();
        assert_eq!(parse_internal_date(w.as_bytes()).unwrap(), d);
    }

    #[test]
    fn internal_date_errors() {
        for s in [
            "",
            "17-Jul-1996",
            "17-Jul-1996 02:44:25",
            "17-Jul-96 02:44:25 -0700",
            "32-Jul-1996 02:44:25 -0700",
            "17-Jux-1996 02:44:25 -0700",
            "17-Jul-1996 24:44:25 -0700",
            "17-Jul-1996 02:60:25 -0700",
            "17-Jul-1996 2:44:25 -0700",
            "17-Jul-1996 02:44:25 0700",
            "17-Jul-1996 02:44:25 -0760",
            "17-Jul-1996 02:44:25 -07000",
            "17-Jul-1996 02:44:25 -0700 x",
            "29-Feb-2023 02:44:25 -0700",
            "17-July-1996 02:44:25 -0700",
            "\u{fffd}-Jul-1996 02:44:25 -0700",
        ] {
            assert!(parse_internal_date(s.as_bytes()).is_err(), "{s:?}");
        }
        assert!(parse_internal_date(b"\xff\xfe").is_err());
    }

    #[test]
    fn rfc2822_variants() {
        let want = dt(2024, 3, 5, 14, 30, 45, 60);
        for s in [
            "Tue, 05 Mar 2024 14:30:45 +0100",
            "Tue, 5 Mar 2024 14:30:45 +0100",
            "5 Mar 2024 14:30:45 +0100",
            "Tue,5 Mar 2024 14:30:45 +0100",
            "  Tue,   5   Mar   2024   14:30:45   +0100  ",
            "Tue, 5 mar 2024 14:30:45 +0100",
            "Tue, 5 MARCH 2024 14:30:45 +0100",
            "Tuesday, 5 Mar 2024 14:30:45 +0100",
            "Tue, 5 Mar 2024 14.30.45 +0100",
            "Tue, 5 Mar 2024 14:30:45 0100",
            "Tue, 5 Mar 2024 14:30:45 +0100 (CET)",
            "Tue, 5 Mar 2024 14:30:45 +0100 CET",
            "Tue, 5 Mar 24 14:30:45 +0100",
            "Tue, 5 Mar 124 14:30:45 +0100",
            "Tue, 5-Mar-2024 14:30:45 +0100",
            "Tue, 5 Mar 2024 14:30:45 +01:00",
            "(comment) Tue, 5 Mar 2024 (x (nested)) 14:30:45 +0100",
            "Tue Mar  5 14:30:45 2024 +0100",
        ] {
            assert_eq!(parse_rfc2822(s.as_bytes()), Ok(want), "{s:?}");
        }
    }

    #[test]
    fn rfc2822_zones_and_years() {
        let p = |s: &str| parse_rfc2822(s.as_bytes()).unwrap();
        assert_eq!(p("1 Jan 2000 00:00 GMT"), dt(2000, 1, 1, 0, 0, 0, 0));
        assert_eq!(p("1 Jan 2000 00:00:00 UT").offset_minutes, 0);
        assert_eq!(p("1 Jan 2000 00:00:00 Z").offset_minutes, 0);
        assert_eq!(p("1 Jan 2000 00:00:00 EST").offset_minutes, -300);
        assert_eq!(p("1 Jan 2000 00:00:00 EDT").offset_minutes, -240);
        assert_eq!(p("1 Jan 2000 00:00:00 CST").offset_minutes, -360);
        assert_eq!(p("1 Jan 2000 00:00:00 CDT").offset_minutes, -300);
        assert_eq!(p("1 Jan 2000 00:00:00 MST").offset_minutes, -420);
        assert_eq!(p("1 Jan 2000 00:00:00 MDT").offset_minutes, -360);
        assert_eq!(p("1 Jan 2000 00:00:00 PST").offset_minutes, -480);
        assert_eq!(p("1 Jan 2000 00:00:00 pdt").offset_minutes, -420);
        assert_eq!(p("1 Jan 2000 00:00:00 A").offset_minutes, 0);
        assert_eq!(p("1 Jan 2000 00:00:00 -0000").offset_minutes, 0);
        assert_eq!(p("1 Jan 2000 00:00:00 -0930").offset_minutes, -570);
        assert_eq!(p("1 Jan 2000 00:00:00").offset_minutes, 0);
        assert_eq!(p("1 Jan 49 00:00:00 +0000").date.year, 2049);
        assert_eq!(p("1 Jan 50 00:00:00 +0000").date.year, 1950);
        assert_eq!(p("1 Jan 99 00:00:00 +0000").date.year, 1999);
        assert_eq!(p("1 Jan 00 00:00:00 +0000").date.year, 2000);
        assert_eq!(p("1 Jan 103 00:00:00 +0000").date.year, 2003);
        assert_eq!(p("31 Dec 1999 23:59:60 +0000").second, 60);
    }

    #[test]
    fn rfc2822_errors() {
        for s in [
            "",
            "garbage",
            "Tue, 5 Mar 2024",
            "Tue, 32 Mar 2024 14:30:45 +0100",
            "Tue, 5 Foo 2024 14:30:45 +0100",
            "Tue, 5 Mar 2024 25:30:45 +0100",
            "Tue, 5 Mar 2024 14:30:45 +2500",
            "Tue, 5 Mar 2024 14:30:45 +01",
            "Tue, 5 Mar 2024 14:30:45 12345",
            "Tue, 5 Mar 2024 14::45 +0100",
            "Tue, 5 Mar 20245 14:30:45 +0100",
            "Tue, 123 Mar 2024 14:30:45 +0100",
            "Tue, 5 Mar 2024 1 14:30:45 +0100",
            "Mar 2024 14:30:45 +0100",
        ] {
            assert!(parse_rfc2822(s.as_bytes()).is_err(), "{s:?}");
        }
        assert!(parse_rfc2822(b"\xff\xfe\x00(").is_err());
    }

    #[test]
    fn unix_round_trips() {
        let d = parse_internal_date(b"17-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!(d.unix_timestamp(), 837_596_665);
        assert_eq!(DateTime::from_unix(837_596_665, -420), d);
        assert_eq!(DateTime::from_unix(0, 0), dt(1970, 1, 1, 0, 0, 0, 0));
        assert_eq!(DateTime::from_unix(-1, 0), dt(1969, 12, 31, 23, 59, 59, 0));
        assert_eq!(
            DateTime::from_unix(951_782_400, 0),
            dt(2000, 2, 29, 0, 0, 0, 0)
        );
        // Same instant, different zones.
        let a = parse_rfc2822(b"Tue, 5 Mar 2024 14:30:45 +0100").unwrap();
        let b = parse_rfc2822(b"Tue, 5 Mar 2024 08:30:45 EST").unwrap();
        assert_eq!(a.unix_timestamp(), b.unix_timestamp());
        // Every day over a few centuries.
        let mut ts = -5_000_000_000i64;
        while ts < 5_000_000_000 {
            for off in [-720, -420, 0, 90, 840] {
                let d = DateTime::from_unix(ts, off);
                assert_eq!(d.unix_timestamp(), ts);
                assert!(DateTime::new(d.date, d.hour, d.minute, d.second, off).is_ok());
            }
            ts += 86_400 * 7 + 3_607;
        }
        // Extremes do not panic.
        let _ = DateTime::from_unix(i64::MAX, i32::MAX).to_internal_date();
        let _ = DateTime::from_unix(i64::MIN, i32::MIN).to_internal_date();
    }

    /// Canonical-looking dates with every field possibly out of range.
    fn canonical_parts() -> impl Strategy<Value = (String, String, String)> {
        let mon = prop_oneof![
            proptest::sample::select(MONTHS.to_vec()).prop_map(str::to_string),
            Just("jUL".to_string()),
            Just("Jux".to_string()),
        ];
        (
            0u32..40,
            mon,
            prop_oneof![
                Just(1996u32),
                Just(2024),
                Just(2000),
                Just(1900),
                0u32..10000
            ],
            (0u32..30, 0u32..70, 0u32..70),
            (
                prop_oneof![Just('+'), Just('-'), Just(' ')],
                0u32..30,
                0u32..70,
            ),
            any::<bool>(),
        )
            .prop_map(|(d, mon, y, (h, mi, se), (sign, zh, zm), pad)| {
                let day = if pad && d < 10 {
                    format!(" {d}")
                } else if d < 10 && !pad {
                    format!("{d}")
                } else {
                    format!("{d:02}")
                };
                let tail = format!("{h:02}:{mi:02}:{se:02} {sign}{zh:02}{zm:02}");
                (day, mon, format!("{y:04} {tail}"))
            })
    }

    proptest! {
        /// The fast paths give exactly what the general parsers give.
        #[test]
        fn fast_paths_agree((day, mon, rest) in canonical_parts(), weekday in any::<bool>()) {
            let internal = format!("{day}-{mon}-{rest}");
            let fast = fast_internal_date(internal.as_bytes());
            let general = parse_internal_date_general(internal.as_bytes()).ok();
            prop_assert!(fast.is_none() || fast == general, "{internal:?}: {fast:?} vs {general:?}");
            let wd = if weekday { "Wed, " } else { "" };
            let rfc = format!("{wd}{} {mon} {rest}", day.trim_start());
            let fast = fast_rfc2822(rfc.as_bytes());
            let general = parse_rfc2822_general(rfc.as_bytes()).ok();
            prop_assert!(fast.is_none() || fast == general, "{rfc:?}: {fast:?} vs {general:?}");
            // The canonical valid form always takes the fast path.
            if general.is_some() && !mon.contains('x') && !rest.contains("  ") {
                prop_assert!(fast.is_some());
            }
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..60)) {
            let _ = parse_internal_date(&bytes);
            let _ = parse_rfc2822(&bytes);
        }

        #[test]
        fn never_panics_dateish(s in "[A-Za-z]{0,4},? ?[0-9]{0,3}[ -][A-Za-z]{0,5}[ -][0-9]{0,5} [0-9:.]{0,9} [-+A-Z0-9:]{0,6}( \\(.{0,5}\\)?)?") {
            let _ = parse_internal_date(s.as_bytes());
            let _ = parse_rfc2822(s.as_bytes());
        }

        #[test]
        fn internal_date_round_trip(ts in -62_000_000_000i64..250_000_000_000, off in -1439i32..=1439) {
            let d = DateTime::from_unix(ts, off);
            let wire = d.to_internal_date();
            let parsed = parse_internal_date(wire.as_bytes()).unwrap();
            prop_assert_eq!(parsed, d);
            prop_assert_eq!(parsed.unix_timestamp(), ts);
            // The same instant written as RFC 2822.
            let (sign, abs) = (if off < 0 { '-' } else { '+' }, off.unsigned_abs());
            let rfc = format!(
                "{} {} {:04} {:02}:{:02}:{:02} {}{:02}{:02}",
                d.date.day, MONTHS[usize::from(d.date.month - 1)], d.date.year,
                d.hour, d.minute, d.second, sign, abs / 60, abs % 60
            );
            prop_assert_eq!(parse_rfc2822(rfc.as_bytes()).unwrap(), d);
        }
    }
}
