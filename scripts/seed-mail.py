#!/usr/bin/env python3
"""Write the deterministic test mail fixture into a Maildir++ directory.

Usage: seed-mail.py MAILDIR

MAILDIR is removed and recreated: seeding resets a user to the same state
every time. Messages are written as Maildir files so that flags (the ":2,"
suffix, keywords through dovecot-keywords) and internal dates (the file
mtime) are exact. File names sort in fixture order, so Dovecot assigns UIDs
1..N in the order listed below. Folder directories use Maildir++ names
(".Parent.Child") in modified UTF-7, as Dovecot 2.3 expects.

INBOX (UID: subject [flags]):
  1  Plain ASCII text                         [\\Seen]
  2  Grüße aus München ☕ (UTF-8 B)            [\\Seen]
  3  Café crème (ISO-8859-1 Q)                 []
  4  multipart/alternative text+html           [\\Seen \\Flagged]
  5  Quarterly report (PDF attachment)         [\\Answered \\Seen]
  6  Fwd: nested message/rfc822                [\\Seen $Forwarded]
  7  Cc/Bcc/Reply-To/multiple recipients       [\\Flagged]
  8  Draft reply                               [\\Draft]
  9  Large message (~100 KB)                   []
  10 multipart/related html + inline image     [\\Seen $MDNSent]
  11 Re: Plain ASCII text (thread)             [\\Answered \\Seen]
  12 日本語の件名 (UTF-8 B, base64 body)         []
  13 raw UTF-8 header (RFC 6532)               [\\Seen]
  14 (no subject, minimal headers)             []
Entwürfe: 1 message; Entwürfe/日本語: 2; Archive/2024: 2; Sent: 1.
"""
import base64
import os
import shutil
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime


def b_word(text, charset="UTF-8"):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def q_word(text, charset="ISO-8859-1"):
    out = []
    for byte in text.encode(charset):
        c = chr(byte)
        if c == " ":
            out.append("_")
        elif c.isalnum() and byte < 128:
            out.append(c)
        else:
            out.append("=%02X" % byte)
    return "=?%s?Q?%s?=" % (charset, "".join(out))


def mutf7(name):
    """RFC 3501 modified UTF-7."""
    out, buf = [], []

    def flush():
        if buf:
            raw = "".join(buf).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def b64_lines(data):
    enc = base64.b64encode(data).decode()
    return "\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))


def pseudo_bytes(n, seed):
    """Deterministic binary bytes (a tiny LCG), no randomness."""
    out, x = bytearray(), seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


def dt(y, mo, d, h, mi, tzh=0):
    return datetime(y, mo, d, h, mi, 0, tzinfo=timezone(timedelta(hours=tzh)))


def headers(date, frm, to, subject, msgid, extra=()):
    lines = []
    if date is not None:
        lines.append("Date: " + format_datetime(date))
    lines.append("From: " + frm)
    if to:
        lines.append("To: " + to)
    lines.extend(extra)
    if subject is not None:
        lines.append("Subject: " + subject)
    lines.append("Message-ID: <%s@imapc.test>" % msgid)
    lines.append("MIME-Version: 1.0")
    return "\n".join(lines)


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + pseudo_bytes(3000, 42) + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + pseudo_bytes(600, 7)
ALICE = "Alice Example <alice@example.com>"
BOB = "Bob Builder <bob@example.org>"
TEST = "Test User <test@localhost>"
JUERGEN = b_word("Jürgen Müller") + " <juergen@example.de>"


def inbox():
    msgs = []
    d1 = dt(2019, 3, 4, 9, 15, 1)
    msgs.append((d1, "S", headers(d1, ALICE, TEST, "Plain ASCII text", "m1")
                 + "\nContent-Type: text/plain; charset=us-ascii\n\n"
                 "Hello,\n\nthis is a plain text message.\nIt has three lines of body.\n\n-- \nAlice\n"))
    d2 = dt(2020, 12, 24, 18, 0, 1)
    msgs.append((d2, "S", headers(d2, JUERGEN, TEST, b_word("Grüße aus München ☕"), "m2")
                 + "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                 "Sch=C3=B6ne Gr=C3=BC=C3=9Fe und frohe Weihnachten! =E2=98=95\n"))
    d3 = dt(2021, 6, 1, 7, 30, 2)
    latin = "Voilà: un café crème, s'il vous plaît.\n".encode("iso-8859-1")
    msgs.append((d3, "", headers(d3, q_word("Amélie Poulain") + " <amelie@example.fr>", TEST,
                                 q_word("Café crème"), "m3")
                 + "\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n",
                 latin))
    d4 = dt(2022, 1, 15, 12, 0, -5)
    msgs.append((d4, "FS", headers(d4, BOB, TEST, "Newsletter: alternative parts", "m4")
                 + '\nContent-Type: multipart/alternative; boundary="alt-boundary-4"\n\n'
                 "This is a multi-part message in MIME format.\n\n"
                 "--alt-boundary-4\nContent-Type: text/plain; charset=utf-8\n\n"
                 "Plain version of the newsletter.\n\n"
                 "--alt-boundary-4\nContent-Type: text/html; charset=utf-8\n\n"
                 "<html><body><p>HTML <b>version</b> of the newsletter.</p></body></html>\n\n"
                 "--alt-boundary-4--\n"))
    d5 = dt(2022, 4, 1, 16, 45, 0)
    msgs.append((d5, "RS", headers(d5, ALICE, TEST, "Quarterly report", "m5")
                 + '\nContent-Type: multipart/mixed; boundary="mixed-boundary-5"\n\n'
                 "--mixed-boundary-5\nContent-Type: text/plain; charset=us-ascii\n\n"
                 "The report is attached.\n\n"
                 "--mixed-boundary-5\nContent-Type: application/pdf; name=\"report-q1.pdf\"\n"
                 "Content-Disposition: attachment; filename=\"report-q1.pdf\"\n"
                 "Content-Transfer-Encoding: base64\n\n" + b64_lines(PDF) + "\n\n"
                 "--mixed-boundary-5--\n"))
    d6 = dt(2022, 7, 8, 10, 5, 2)
    inner = (headers(dt(2022, 7, 7, 9, 0, 0), BOB, ALICE, "Original message", "m6-inner")
             + "\nContent-Type: text/plain; charset=us-ascii\n\nThis is the original, forwarded message.\n")
    msgs.append((d6, "Sa", headers(d6, ALICE, TEST, "Fwd: Original message", "m6")
                 + '\nContent-Type: multipart/mixed; boundary="fwd-boundary-6"\n\n'
                 "--fwd-boundary-6\nContent-Type: text/plain; charset=us-ascii\n\n"
                 "See the forwarded message below.\n\n"
                 "--fwd-boundary-6\nContent-Type: message/rfc822\n"
                 "Content-Disposition: inline\n\n" + inner + "\n"
                 "--fwd-boundary-6--\n"))
    d7 = dt(2023, 2, 28, 23, 59, 9)
    msgs.append((d7, "F", headers(d7, "Carol <carol@example.net>",
                                  "Test User <test@localhost>, " + JUERGEN, "Meeting notes", "m7",
                                  extra=("Cc: Bob Builder <bob@example.org>, dave@example.com",
                                         "Bcc: secret@example.com",
                                         "Reply-To: Team List <team@lists.example.net>",
                                         "Sender: Carol's Assistant <assistant@example.net>"))
                 + "\nContent-Type: text/plain; charset=us-ascii\n\nNotes from today's meeting.\n"))
    d8 = dt(2023, 5, 5, 8, 0, 0)
    msgs.append((d8, "D", headers(d8, TEST, ALICE, "Re: Quarterly report (draft)", "m8",
                                  extra=("In-Reply-To: <m5@imapc.test>",))
                 + "\nContent-Type: text/plain; charset=us-ascii\n\nUnfinished draft reply.\n"))
    d9 = dt(2023, 9, 10, 14, 20, 0)
    big = "".join("Line %05d: The quick brown fox jumps over the lazy dog.\n" % i for i in range(1800))
    msgs.append((d9, "", headers(d9, BOB, TEST, "Large message", "m9")
                 + "\nContent-Type: text/plain; charset=us-ascii\n\n" + big))
    d10 = dt(2024, 1, 2, 3, 4, 0)
    msgs.append((d10, "Sb", headers(d10, ALICE, TEST, "Inline image", "m10")
                 + '\nContent-Type: multipart/related; boundary="rel-boundary-10"; type="text/html"\n\n'
                 "--rel-boundary-10\nContent-Type: text/html; charset=utf-8\n\n"
                 '<html><body><img src="cid:logo@imapc.test"></body></html>\n\n'
                 "--rel-boundary-10\nContent-Type: image/png\nContent-ID: <logo@imapc.test>\n"
                 "Content-Disposition: inline; filename=\"logo.png\"\n"
                 "Content-Transfer-Encoding: base64\n\n" + b64_lines(PNG) + "\n\n"
                 "--rel-boundary-10--\n"))
    d11 = dt(2024, 2, 29, 11, 11, 1)
    msgs.append((d11, "RS", headers(d11, BOB, ALICE + ",\n " + TEST, "Re: Plain ASCII text", "m11",
                                    extra=("In-Reply-To: <m1@imapc.test>",
                                           "References: <m1@imapc.test>",
                                           "X-Long-Header: this header is deliberately long so that it\n"
                                           "\tis folded over several lines, as real mail often is"))
                 + "\nContent-Type: text/plain; charset=us-ascii\n\n> this is a plain text message.\n\nIndeed.\n"))
    d12 = dt(2024, 6, 1, 9, 0, 9)
    msgs.append((d12, "", headers(d12, b_word("山田太郎") + " <yamada@example.jp>", TEST,
                                  b_word("日本語の件名"), "m12")
                 + "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                 + b64_lines("こんにちは、世界。\n".encode()) + "\n"))
    d13 = dt(2024, 7, 14, 20, 0, 2)
    msgs.append((d13, "S", (headers(d13, "Zoë Ünicode <zoe@example.com>", TEST, "Raw UTF-8 header: Ünïcödé", "m13")
                            + "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                            "Body with raw UTF-8: ✓\n")))
    d14 = dt(2024, 12, 31, 23, 59, 0)
    msgs.append((d14, "", "From: nobody@example.com\n\nminimal\n"))
    return msgs


def simple(date, subject, msgid, flags="S", frm=ALICE, body="Body.\n"):
    return (date, flags, headers(date, frm, TEST, subject, msgid)
            + "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body)


FOLDERS = {
    "Entwürfe": [simple(dt(2023, 3, 3, 10, 0, 1), b_word("Entwurf über Öl"), "e1", flags="D")],
    "Entwürfe/日本語": [
        simple(dt(2023, 4, 1, 10, 0, 9), b_word("会議の議事録"), "j1", body="議事録です。\n"),
        simple(dt(2023, 4, 2, 10, 0, 9), b_word("お知らせ"), "j2", flags=""),
    ],
    "Archive/2024": [
        simple(dt(2024, 3, 1, 8, 0, 0), "Archived one", "a1"),
        simple(dt(2024, 3, 2, 8, 0, 0), "Archived two", "a2", flags="SF"),
    ],
    "Sent": [simple(dt(2024, 5, 5, 5, 5, 0), "Sent by test", "s1", frm=TEST)],
}
KEYWORDS = "0 $Forwarded\n1 $MDNSent\n"


def write_mailbox(path, msgs):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    with open(os.path.join(path, "dovecot-keywords"), "w") as f:
        f.write(KEYWORDS)
    for i, msg in enumerate(msgs, 1):
        date, flags, text = msg[0], msg[1], msg[2]
        data = text.encode("utf-8") + (msg[3] if len(msg) > 3 else b"")
        # Upper-case system flags first, then keyword letters, each sorted.
        flags = "".join(sorted(c for c in flags if c.isupper())) + \
            "".join(sorted(c for c in flags if c.islower()))
        name = "%d.M%dP0.imapc-seed:2,%s" % (1600000000 + i, i, flags)
        fpath = os.path.join(path, "cur", name)
        with open(fpath, "wb") as f:
            f.write(data)
        ts = date.timestamp()
        os.utime(fpath, (ts, ts))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    shutil.rmtree(root, ignore_errors=True)
    write_mailbox(root, inbox())
    for name, msgs in FOLDERS.items():
        path = os.path.join(root, "." + ".".join(mutf7(p) for p in name.split("/")))
        write_mailbox(path, msgs)
        open(os.path.join(path, "maildirfolder"), "w").close()


if __name__ == "__main__":
    main()
