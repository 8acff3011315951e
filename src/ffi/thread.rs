//! THREAD results (RFC 5256) as a flat list: the forest in depth-first
//! order, each node with its message id, its parent's index and its
//! depth, so C walks it with a loop instead of a tree of pointers.

use std::os::raw::c_char;

use super::boundary::str_arg;
use super::client::{call, criteria_arg, imapc_client, put_boxed};
use super::error::{imapc_error, imapc_result, need_out};
use super::lists::{free_box, get};
use crate::client::{Error, ErrorKind, ThreadNode};

struct Node {
    id: u32,
    parent: Option<usize>,
    depth: u32,
}

/// Threads from `imapc_client_thread`: every node of every thread in
/// depth-first order (a parent before its children, siblings in server
/// order). Caller owns it; free with `imapc_thread_list_free`.
pub struct imapc_thread_list {
    nodes: Vec<Node>,
}

impl imapc_thread_list {
    /// Flatten without recursion: a reply chain can be thousands deep.
    fn new(forest: &[ThreadNode]) -> imapc_thread_list {
        let mut nodes = Vec::new();
        let mut stack: Vec<(&ThreadNode, Option<usize>, u32)> =
            forest.iter().rev().map(|n| (n, None, 0)).collect();
        while let Some((n, parent, depth)) = stack.pop() {
            let me = nodes.len();
            nodes.push(Node {
                id: n.id.unwrap_or(0),
                parent,
                depth,
            });
            stack.extend(
                n.children
                    .iter()
                    .rev()
                    .map(|c| (c, Some(me), depth.saturating_add(1))),
            );
        }
        imapc_thread_list { nodes }
    }
}

/// Number of nodes (all threads together); 0 for NULL.
#[no_mangle]
pub extern "C" fn imapc_thread_list_count(list: *const imapc_thread_list) -> usize {
    get(list).map_or(0, |l| l.nodes.len())
}

/// The message id of node `i` (UID or sequence number per `use_uid`), or
/// 0 for a placeholder node standing for a missing parent message, for
/// NULL or out of range.
#[no_mangle]
pub extern "C" fn imapc_thread_list_id(list: *const imapc_thread_list, i: usize) -> u32 {
    get(list).and_then(|l| l.nodes.get(i)).map_or(0, |n| n.id)
}

/// The index of node `i`'s parent (always below `i`), or -1 when node `i`
/// is the root of a thread, for NULL or out of range.
#[no_mangle]
pub extern "C" fn imapc_thread_list_parent(list: *const imapc_thread_list, i: usize) -> i64 {
    get(list)
        .and_then(|l| l.nodes.get(i))
        .and_then(|n| n.parent)
        .map_or(-1, |p| p as i64)
}

/// The depth of node `i`: 0 for a thread's root, 1 for its children...;
/// 0 for NULL or out of range.
#[no_mangle]
pub extern "C" fn imapc_thread_list_depth(list: *const imapc_thread_list, i: usize) -> u32 {
    get(list)
        .and_then(|l| l.nodes.get(i))
        .map_or(0, |n| n.depth)
}

/// Free a thread list. NULL is allowed.
#[no_mangle]
pub extern "C" fn imapc_thread_list_free(list: *mut imapc_thread_list) {
    free_box(list)
}

/// THREAD (RFC 5256) with `algorithm` (`"REFERENCES"` or
/// `"ORDEREDSUBJECT"`, as the server's `THREAD=` capabilities allow) over
/// the messages matching `criteria` (raw search keys as in
/// `imapc_client_search`; NULL or `""` means ALL). Caller owns
/// `*threads_out`; free with `imapc_thread_list_free`. Without the
/// capability it fails with `IMAPC_ERR_CAPABILITY_MISSING`.
///
/// # Safety
/// `client` is live; strings NUL-terminated (criteria may be NULL);
/// `threads_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_thread(
    client: *mut imapc_client,
    algorithm: *const c_char,
    criteria: *const c_char,
    threads_out: *mut *mut imapc_thread_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let a = str_arg(algorithm, "algorithm")?;
            let keys = criteria_arg(criteria)?;
            need_out(threads_out, "threads_out")?;
            if a.is_empty() {
                return Err(Error::invalid("THREAD: empty algorithm"));
            }
            let forest = c.thread(a, &keys)?;
            put_boxed(threads_out, imapc_thread_list::new(&forest));
            Ok(())
        })
    }
}

/// As `imapc_client_thread`, with the messages chosen by a criteria object
/// (borrowed as in `imapc_client_search_criteria`; empty means ALL).
///
/// # Safety
/// `client` and `search` are live; `algorithm` NUL-terminated;
/// `threads_out` writable.
#[no_mangle]
pub unsafe extern "C" fn imapc_client_thread_criteria(
    client: *mut imapc_client,
    algorithm: *const c_char,
    search: *const super::search::imapc_search,
    threads_out: *mut *mut imapc_thread_list,
    err_out: *mut *mut imapc_error,
) -> imapc_result {
    // SAFETY: pointers checked inside.
    unsafe {
        call(client, err_out, |c| {
            let a = str_arg(algorithm, "algorithm")?;
            let s =
                get(search).ok_or_else(|| Error::new(ErrorKind::NullPointer, "search is NULL"))?;
            need_out(threads_out, "threads_out")?;
            if a.is_empty() {
                return Err(Error::invalid("THREAD: empty algorithm"));
            }
            let forest = c.thread(a, &s.keys)?;
            put_boxed(threads_out, imapc_thread_list::new(&forest));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: Option<u32>, children: Vec<ThreadNode>) -> ThreadNode {
        ThreadNode { id, children }
    }

    #[test]
    fn flattened_depth_first() {
        // A lone message, then a thread whose root message is missing.
        let forest = vec![
            n(Some(2), vec![]),
            n(
                None,
                vec![n(Some(3), vec![]), n(Some(6), vec![n(Some(4), vec![])])],
            ),
        ];
        let l = imapc_thread_list::new(&forest);
        let p = &l as *const imapc_thread_list;
        let got: Vec<(u32, i64, u32)> = (0..imapc_thread_list_count(p))
            .map(|i| {
                (
                    imapc_thread_list_id(p, i),
                    imapc_thread_list_parent(p, i),
                    imapc_thread_list_depth(p, i),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(2, -1, 0), (0, -1, 0), (3, 1, 1), (6, 1, 1), (4, 3, 2)]
        );
        assert_eq!(imapc_thread_list_parent(p, 99), -1);
        assert_eq!(imapc_thread_list_count(std::ptr::null()), 0);
    }
}
