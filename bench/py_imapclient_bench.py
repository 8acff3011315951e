#!/usr/bin/env python3
"""Contender: Python IMAPClient under the fetch_bench contract.

Usage: py_imapclient_bench.py FOLDER ITEMS
Environment: IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_TLS=none.
Prints `messages=N bytes=B seconds=S` (S covers only the fetch).
IMAPClient has no streaming API: --stream is refused.
"""
import os
import sys
import time

from imapclient import IMAPClient
from imapclient.imapclient import seq_to_parenstr_upper
from imapclient.response_parser import parse_fetch_response


def fetch_all(c, items):
    """IMAPClient.fetch("1:*", items) without its last step: since 4.x it
    keeps only the ids asked for, converting them with int(), which fails on
    `1:*`. The wire command, imaplib's reading and IMAPClient's parser are
    exactly those of IMAPClient.fetch."""
    tag = c._imap._command("UID", "FETCH", b"1:*", seq_to_parenstr_upper(items))
    typ, data = c._imap._command_complete("FETCH", tag)
    c._checkok("fetch", typ, data)
    typ, data = c._imap._untagged_response(typ, data, "FETCH")
    return parse_fetch_response(data, c.normalise_times, c.use_uid)


def main():
    args = sys.argv[1:]
    if len(args) != 2:
        raise SystemExit("usage: py_imapclient_bench.py FOLDER ITEMS   (no --stream: IMAPClient cannot stream)")
    if os.environ.get("IMAP_TLS", "none") != "none":
        raise SystemExit("py_imapclient_bench: only IMAP_TLS=none is supported")
    folder, items = args
    c = IMAPClient(os.environ["IMAP_HOST"], port=int(os.environ["IMAP_PORT"]), ssl=False, use_uid=True)
    c.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
    c.select_folder(folder, readonly=True)
    t0 = time.perf_counter()
    resp = fetch_all(c, items.split())
    messages = envelopes = nbytes = 0
    for data in resp.values():
        messages += 1
        if b"ENVELOPE" in data:
            envelopes += 1
        body = data.get(b"BODY[]")
        if body is not None:
            nbytes += len(body)
        data.get(b"FLAGS"), data.get(b"RFC822.SIZE"), data.get(b"INTERNALDATE"), data.get(b"BODYSTRUCTURE")
    secs = time.perf_counter() - t0
    print("messages=%d bytes=%d seconds=%.6f" % (messages, nbytes, secs))
    c.logout()


if __name__ == "__main__":
    main()
