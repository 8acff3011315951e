//! The typed search builder: criteria built by calls instead of a string,
//! so values are quoted and checked by the library (no injection, dates
//! validated, non-ASCII sent with CHARSET UTF-8).
//!
//! Keys are added to a list that means "all of these". `imapc_search_not`,
//! `imapc_search_or` and `imapc_search_and` combine the most recently added
//! keys, in the manner of a stack (postfix): add A, add B, `or` gives
//! `OR A B`.

use std::os::raw::c_char;

use super::boundary::str_arg;
use super::client::{boxed, call, imapc_client, put_boxed};
use super::error::{imapc_error, imapc_result, need_out, run};
use super::lists::{free_box, imapc_id_list};
use crate::client::{Date, Error, ErrorKind, MessageSet, Result, SearchKey};

/// Search criteria under construction. Created by `imapc_search_new`,
/// owned by the caller, freed with `imapc_search_free`; use from one
/// thread at a time. A criteria object may be used for many searches.
pub struct imapc_search {
    pub(super) keys: Vec<SearchKey>,
}

/// A new, empty criteria object (an empty one matches every message).
/// Free with `imapc_search_free`. NULL only when out of memory.
#[no_mangle]
pub extern "C" fn imapc_search_new() -> *mut imapc_search {
    super::boundary::catch_value(std::ptr::null_mut(), || {
        boxed(imapc_search { keys: Vec::new() })
    })
}

/// Free a criteria object. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_search_free(search: *mut imapc_search) {
    free_box(search)
}

/// Number of top-level keys (which are ANDed); 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_search_count(search: *const imapc_search) -> usize {
    super::lists::get(search).map_or(0, |s| s.keys.len())
}

/// Add the key `f` makes, inside the panic boundary.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
unsafe fn add(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
    f: impl FnOnce() -> Result<SearchKey>,
) -> imapc_result {
    // SAFETY: err_out NULL or writable per the contract.
    unsafe {
        run(err_out, || {
            // SAFETY: NULL or a live, exclusively used object per the contract.
            let s = search_mut(search)?;
            let k = f()?;
            // Refused here, where the caller can tell which key, rather
            // than at the search.
            crate::proto::encoder::check_search_key(&k)
                .map_err(|e| Error::new(ErrorKind::InvalidArgument, e.message))?;
            s.keys.push(k);
            Ok(())
        })
    }
}

/// # Safety
/// `search` is NULL or live and not used by another thread.
unsafe fn search_mut<'a>(search: *mut imapc_search) -> Result<&'a mut imapc_search> {
    // SAFETY: forwarded contract.
    unsafe { search.as_mut() }.ok_or_else(|| Error::new(ErrorKind::NullPointer, "search is NULL"))
}

fn date(year: i32, month: u32, day: u32) -> Result<Date> {
    let m = u8::try_from(month)
        .map_err(|_| Error::invalid(format!("month {month} is out of range 1-12")))?;
    let d = u8::try_from(day).map_err(|_| Error::invalid(format!("day {day} is out of range")))?;
    Date::new(year, m, d).map_err(|e| Error::invalid(e.message))
}

/// Add ALL: every message (the meaning of an empty criteria object).
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_all(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::All)) }
}

/// Add ANSWERED: messages with `\\Answered`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_answered(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Answered)) }
}

/// Add UNANSWERED: messages without `\\Answered`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_unanswered(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Unanswered)) }
}

/// Add DELETED: messages with `\\Deleted`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_deleted(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Deleted)) }
}

/// Add UNDELETED: messages without `\\Deleted`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_undeleted(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Undeleted)) }
}

/// Add DRAFT: messages with `\\Draft`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_draft(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Draft)) }
}

/// Add UNDRAFT: messages without `\\Draft`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_undraft(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Undraft)) }
}

/// Add FLAGGED: messages with `\\Flagged`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_flagged(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Flagged)) }
}

/// Add UNFLAGGED: messages without `\\Flagged`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_unflagged(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Unflagged)) }
}

/// Add SEEN: messages with `\\Seen`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_seen(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Seen)) }
}

/// Add UNSEEN: messages without `\\Seen`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_unseen(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Unseen)) }
}

/// Add NEW: messages that are `\\Recent` and not `\\Seen`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_new(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::New)) }
}

/// Add OLD: messages that are not `\\Recent`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_old(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Old)) }
}

/// Add RECENT: messages with `\\Recent`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_recent(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Recent)) }
}

/// Add FROM: the From header contains `value` (substring, case-insensitive). `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_from(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::From(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add TO: the To header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_to(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::To(str_arg(value, "value")?.as_bytes().to_vec()))
        })
    }
}

/// Add CC: the Cc header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_cc(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Cc(str_arg(value, "value")?.as_bytes().to_vec()))
        })
    }
}

/// Add BCC: the Bcc header contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_bcc(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Bcc(str_arg(value, "value")?.as_bytes().to_vec()))
        })
    }
}

/// Add SUBJECT: the subject contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_subject(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Subject(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add BODY: the body contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_body(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Body(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add TEXT: the header or body contains `value`. `value` is UTF-8 (non-ASCII makes the search use CHARSET
/// UTF-8); it is quoted by the library.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_text(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Text(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add KEYWORD: messages with the keyword (flag) `value`. A keyword is an atom
/// (RFC 3501 flag-keyword: ASCII, no space, parenthesis, quote, `\`, `%`,
/// `*`, `]` or control character): anything else fails here with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_keyword(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Keyword(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add UNKEYWORD: messages without the keyword `value`. A keyword is an atom
/// (RFC 3501 flag-keyword: ASCII, no space, parenthesis, quote, `\`, `%`,
/// `*`, `]` or control character): anything else fails here with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `value` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_unkeyword(
    search: *mut imapc_search,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Unkeyword(
                str_arg(value, "value")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add HEADER: the header field `name` contains `value` (an empty value
/// matches every message that has the field). `name` is a header field
/// name (printable ASCII without `:` or space), else
/// `IMAPC_ERR_INVALID_ARGUMENT`; `value` is UTF-8, as for FROM.
///
/// # Safety
/// `search` is NULL or live; strings NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_header(
    search: *mut imapc_search,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            let n = str_arg(name, "name")?;
            let v = str_arg(value, "value")?;
            if n.is_empty() {
                return Err(Error::invalid("header name is empty"));
            }
            Ok(SearchKey::Header(
                n.as_bytes().to_vec(),
                v.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add SINCE: internal date on or after the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_since(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Since(date(year, month, day)?))
        })
    }
}

/// Add BEFORE: internal date before the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_before(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::Before(date(year, month, day)?))
        })
    }
}

/// Add ON: internal date on the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_on(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::On(date(year, month, day)?))
        })
    }
}

/// Add SENTSINCE: Date header on or after the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_sent_since(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::SentSince(date(year, month, day)?))
        })
    }
}

/// Add SENTBEFORE: Date header before the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_sent_before(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::SentBefore(date(year, month, day)?))
        })
    }
}

/// Add SENTON: Date header on the day (`year` 1-9999, `month` 1-12, `day` 1-31;
/// days are in the server's time zone). An invalid date fails with
/// `IMAPC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_sent_on(
    search: *mut imapc_search,
    year: i32,
    month: u32,
    day: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::SentOn(date(year, month, day)?))
        })
    }
}

/// Add LARGER: messages larger than `n` bytes.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_larger(
    search: *mut imapc_search,
    n: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Larger(n))) }
}

/// Add SMALLER: messages smaller than `n` bytes.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_smaller(
    search: *mut imapc_search,
    n: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Smaller(n))) }
}

/// Add YOUNGER (RFC 5032, capability WITHIN): internal date within the last `n` seconds.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_younger(
    search: *mut imapc_search,
    n: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Younger(n))) }
}

/// Add OLDER (RFC 5032, capability WITHIN): internal date more than `n` seconds ago.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_older(
    search: *mut imapc_search,
    n: u32,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::Older(n))) }
}

/// Add MODSEQ (CONDSTORE): messages whose mod-sequence is `n` or higher.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_modseq(
    search: *mut imapc_search,
    n: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::ModSeq(n))) }
}

/// Add X-GM-RAW (Gmail, capability X-GM-EXT-1): messages matching
/// `query` in Gmail's own search syntax (`"has:attachment
/// older_than:1y"`), as IMAPClient's `gmail_search`. `query` is UTF-8
/// (non-ASCII makes the search use CHARSET UTF-8); it is quoted by the
/// library. A search with a Gmail key on a server without X-GM-EXT-1 fails
/// with `IMAPC_ERR_CAPABILITY_MISSING` before anything is sent.
///
/// # Safety
/// `search` is NULL or live; `query` NULL or NUL-terminated; `err_out`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_gmail_raw(
    search: *mut imapc_search,
    query: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            Ok(SearchKey::GmRaw(
                str_arg(query, "query")?.as_bytes().to_vec(),
            ))
        })
    }
}

/// Add X-GM-MSGID (Gmail, capability X-GM-EXT-1): the message with Gmail
/// message id `id` (see `imapc_message_gm_msgid`).
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_gmail_msgid(
    search: *mut imapc_search,
    id: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::GmMsgId(id))) }
}

/// Add X-GM-THRID (Gmail, capability X-GM-EXT-1): the messages of the
/// Gmail thread `id` (see `imapc_message_gm_thrid`).
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_gmail_thrid(
    search: *mut imapc_search,
    id: u64,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe { add(search, err_out, || Ok(SearchKey::GmThrId(id))) }
}

/// Add UID: messages whose UID is in `set` (e.g. `"1:5,9"`, `"10:*"`),
/// whatever the client's `use_uid` says.
///
/// # Safety
/// `search` is NULL or live; `set` NULL or NUL-terminated; `err_out` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_add_uid(
    search: *mut imapc_search,
    set: *const c_char,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        add(search, err_out, || {
            let s = str_arg(set, "set")?;
            let set = MessageSet::parse(s.trim()).map_err(|e| Error::invalid(e.message))?;
            Ok(SearchKey::Uid(set))
        })
    }
}

/// Replace the most recently added key K with NOT K.
/// `IMAPC_ERR_INVALID_ARGUMENT` when there is no key.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_not(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(err_out, || {
            let s = search_mut(search)?;
            let k = s
                .keys
                .pop()
                .ok_or_else(|| Error::invalid("search NOT: no key to negate"))?;
            s.keys.push(SearchKey::Not(Box::new(k)));
            Ok(())
        })
    }
}

/// Replace the two most recently added keys A, B with OR A B.
/// `IMAPC_ERR_INVALID_ARGUMENT` when there are fewer than two.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_or(
    search: *mut imapc_search,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(err_out, || {
            let s = search_mut(search)?;
            if s.keys.len() < 2 {
                return Err(Error::invalid("search OR: needs two keys"));
            }
            let b = s.keys.pop().unwrap_or(SearchKey::All);
            let a = s.keys.pop().unwrap_or(SearchKey::All);
            s.keys.push(SearchKey::Or(Box::new(a), Box::new(b)));
            Ok(())
        })
    }
}

/// Replace the `n` (at least 2) most recently added keys with one
/// parenthesised group meaning all of them, so that `imapc_search_not` or
/// `imapc_search_or` applies to the group. `IMAPC_ERR_INVALID_ARGUMENT`
/// when there are fewer than `n` keys.
///
/// # Safety
/// `search` is NULL or live; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_search_and(
    search: *mut imapc_search,
    n: usize,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: forwarded contract.
    unsafe {
        run(err_out, || {
            let s = search_mut(search)?;
            if n < 2 || n > s.keys.len() {
                return Err(Error::invalid(format!(
                    "search AND: cannot group {n} of {} keys",
                    s.keys.len()
                )));
            }
            let group = s.keys.split_off(s.keys.len() - n);
            s.keys.push(SearchKey::And(group));
            Ok(())
        })
    }
}

/// SEARCH with a criteria object (borrowed: it stays the caller's and may
/// be reused; an empty one means ALL). Ids are UIDs or sequence numbers
/// per `use_uid`. Caller owns `*ids_out`; free with `imapc_id_list_free`.
///
/// # Safety
/// `client` and `search` are live; `ids_out` writable; `err_out` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_search_criteria(
    client: *mut imapc_client,
    search: *const imapc_search,
    ids_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let s = super::lists::get(search)
                .ok_or_else(|| Error::new(ErrorKind::NullPointer, "search is NULL"))?;
            need_out(ids_out, "ids_out")?;
            let r = c.search(&s.keys)?;
            put_boxed(
                ids_out,
                imapc_id_list {
                    ids: r.ids,
                    modseq: r.modseq,
                },
            );
            Ok(())
        })
    }
}

/// SORT (RFC 5256) with a criteria object: `order` is space-separated
/// sort keys as in `imapc_client_sort` (e.g. `"REVERSE DATE"`); `search`
/// is borrowed as in `imapc_client_search_criteria`. Ids come in sorted
/// order. Caller owns `*ids_out`; free with `imapc_id_list_free`.
///
/// # Safety
/// `client` and `search` are live; `order` NUL-terminated; `ids_out`
/// writable; `err_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_sort_criteria(
    client: *mut imapc_client,
    order: *const c_char,
    search: *const imapc_search,
    ids_out: *mut *mut imapc_id_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let o: Vec<&str> = str_arg(order, "order")?.split_ascii_whitespace().collect();
            let s = super::lists::get(search)
                .ok_or_else(|| Error::new(ErrorKind::NullPointer, "search is NULL"))?;
            need_out(ids_out, "ids_out")?;
            let ids = c.sort(&o, &s.keys)?;
            put_boxed(ids_out, imapc_id_list { ids, modseq: None });
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: *mut imapc_search) -> Vec<SearchKey> {
        super::super::lists::get(s).unwrap().keys.clone()
    }

    #[test]
    fn keys_are_checked_when_added() {
        // Before, these were taken and refused only by the search (the
        // keyword docs even said non-ASCII would be quoted).
        let s = imapc_search_new();
        let null = std::ptr::null_mut();
        // SAFETY: s is live; strings NUL-terminated; err_out NULL.
        unsafe {
            for bad in [c"a b", c"\u{fc}n\u{ef}", c"\\Seen", c"", c"x)"] {
                assert_eq!(
                    imapc_search_add_keyword(s, bad.as_ptr(), null),
                    100,
                    "{bad:?}"
                );
                assert_eq!(
                    imapc_search_add_unkeyword(s, bad.as_ptr(), null),
                    100,
                    "{bad:?}"
                );
            }
            for bad in [c"Bad Name", c"X-A:", c""] {
                assert_eq!(
                    imapc_search_add_header(s, bad.as_ptr(), c"x".as_ptr(), null),
                    100
                );
            }
            assert_eq!(imapc_search_count(s), 0);
            assert_eq!(imapc_search_add_keyword(s, c"$Work".as_ptr(), null), 0);
            assert_eq!(
                imapc_search_add_header(s, c"List-Id".as_ptr(), c"\u{fc}".as_ptr(), null),
                0
            );
            assert_eq!(imapc_search_count(s), 2);
            imapc_search_free(s);
        }
    }

    #[test]
    fn builder_combines_like_a_stack() {
        let s = imapc_search_new();
        // SAFETY: s is live; err_out NULL.
        unsafe {
            assert_eq!(imapc_search_not(s, std::ptr::null_mut()), 100);
            assert_eq!(imapc_search_add_flagged(s, std::ptr::null_mut()), 0);
            assert_eq!(
                imapc_search_add_from(s, c"bob".as_ptr(), std::ptr::null_mut()),
                0
            );
            assert_eq!(imapc_search_or(s, std::ptr::null_mut()), 0);
            assert_eq!(
                imapc_search_add_since(s, 2024, 2, 30, std::ptr::null_mut()),
                100
            );
            assert_eq!(
                imapc_search_add_since(s, 2024, 2, 29, std::ptr::null_mut()),
                0
            );
            assert_eq!(imapc_search_not(s, std::ptr::null_mut()), 0);
            assert_eq!(imapc_search_add_seen(s, std::ptr::null_mut()), 0);
            assert_eq!(imapc_search_and(s, 4, std::ptr::null_mut()), 100);
            assert_eq!(imapc_search_and(s, 2, std::ptr::null_mut()), 0);
            assert_eq!(
                imapc_search_add_from(std::ptr::null_mut(), c"x".as_ptr(), std::ptr::null_mut()),
                101
            );
            assert_eq!(
                imapc_search_add_from(s, std::ptr::null(), std::ptr::null_mut()),
                101
            );
            assert_eq!(
                imapc_search_add_uid(s, c"1:x".as_ptr(), std::ptr::null_mut()),
                100
            );
        }
        let since = Date::new(2024, 2, 29).unwrap();
        assert_eq!(
            keys(s),
            vec![
                SearchKey::Or(
                    Box::new(SearchKey::Flagged),
                    Box::new(SearchKey::From(b"bob".to_vec()))
                ),
                SearchKey::And(vec![
                    SearchKey::Not(Box::new(SearchKey::Since(since))),
                    SearchKey::Seen
                ]),
            ]
        );
        assert_eq!(imapc_search_count(s), 2);
        imapc_search_free(s);
        imapc_search_free(std::ptr::null_mut());
    }
}
