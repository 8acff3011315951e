#!/usr/bin/env python3
"""Deterministic benchmark mailbox generator (Maildir++ folder).

Usage: gen_mailbox.py DIR COUNT [--small] [--seed N]

Writes COUNT varied messages into the Maildir folder DIR (DIR/cur, new,
tmp; DIR is removed first). The same arguments always give byte-identical
files, names, flags and mtimes (the INTERNALDATE). Message kinds:

  plain         text/plain, ASCII or UTF-8 quoted-printable
  alternative   multipart/alternative text + HTML
  attachment    multipart/mixed, text + 1-2 base64 attachments
  related       multipart/related HTML + inline images
  nested        multipart/mixed with a forwarded message/rfc822 inside
  large         one big base64 attachment (100-300 KB)

Subjects and display names are sometimes RFC 2047 encoded (UTF-8 B,
ISO-8859-1 Q). Default sizes give about 15 KB per message (10 000
messages ~ 150 MB). --small keeps every header and the MIME structure but
shrinks the bodies to a few hundred bytes: the header-sync answer per
message is about the same size, the disk and server cost much lower (used
for the 100 000-message scale folder).
"""
import argparse
import base64
import os
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if so no what "
    "quarterly report meeting budget invoice schedule release project server client deadline "
    "review draft proposal update status weekly team roadmap customer feedback analysis results "
    "Grüße München café crème naïve façade Zürich Ærøskøbing jalapeño 日本語 привет"
).split()
NAMES = [
    "Alice Martin", "Bob Jones", "Chloé Dubois", "Dmitri Ivanov", "Eve Smith", "François Müller",
    "Gabriela Núñez", "Hiro Tanaka", "Ingrid Østergaard", "Jamal Khan", "Kate O'Brien", "Li Wei",
]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example"]
SUBJECTS = [
    "Quarterly report", "Re: meeting tomorrow", "Invoice {n}", "Fwd: release notes",
    "Grüße aus München", "Café crème et croissants", "日本語の件名 {n}", "Status update week {n}",
    "Re: Re: budget review", "Привет из Москвы", "Project roadmap draft", "[list] digest {n}",
]


def b_word(text):
    return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()


def q_word(text):
    out = []
    for byte in text.encode("iso-8859-1"):
        c = chr(byte)
        out.append("_" if c == " " else c if c.isalnum() and byte < 128 else "=%02X" % byte)
    return "=?ISO-8859-1?Q?%s?=" % "".join(out)


def encode_header(rng, text):
    if all(ord(c) < 128 for c in text):
        return text
    try:
        text.encode("iso-8859-1")
        return q_word(text) if rng.random() < 0.5 else b_word(text)
    except UnicodeEncodeError:
        return b_word(text)


def address(rng):
    name = rng.choice(NAMES)
    local = name.split()[0].lower().encode("ascii", "ignore").decode() or "user"
    return '%s <%s%d@%s>' % (encode_header(rng, name), local, rng.randrange(100), rng.choice(DOMAINS))


class Text:
    """Fast deterministic text: lines drawn from a fixed pool."""

    def __init__(self, rng):
        self.lines = []
        for _ in range(4000):
            words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 14))]
            self.lines.append(" ".join(words))
        self.rng = rng

    def body(self, size):
        out, n = [], 0
        while n < size:
            line = self.rng.choice(self.lines)
            out.append(line)
            n += len(line.encode()) + 2
        return "\r\n".join(out) + "\r\n"


def qp(text):
    """Quoted-printable for UTF-8 text (lines are short already)."""
    out = []
    for line in text.split("\r\n"):
        enc = "".join(c if ord(c) < 128 and c != "=" else "".join("=%02X" % b for b in c.encode()) for c in line)
        while len(enc) > 76:
            cut = 75
            while enc[cut - 2:cut].find("=") >= 0 and cut > 70:
                cut -= 1
            out.append(enc[:cut] + "=")
            enc = enc[cut:]
        out.append(enc)
    return "\r\n".join(out)


def b64(data):
    enc = base64.b64encode(data).decode()
    return "\r\n".join(enc[i:i + 76] for i in range(0, len(enc), 76)) + "\r\n"


class Gen:
    def __init__(self, seed, small):
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.small = small

    def size(self, lo, hi):
        if self.small:
            return self.rng.randrange(120, 480)
        return self.rng.randrange(lo, hi)

    def text_part(self, lo, hi):
        body = self.text.body(self.size(lo, hi))
        if self.rng.random() < 0.5:
            return ("Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(body) + "\r\n")
        body = body.encode("ascii", "replace").decode()
        return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body

    def html_part(self, lo, hi):
        body = self.text.body(self.size(lo, hi))
        html = "<html><body>\r\n" + "".join("<p>%s</p>\r\n" % l for l in body.split("\r\n") if l) + "</body></html>\r\n"
        return ("Content-Type: text/html; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(html) + "\r\n")

    def attachment(self, lo, hi, inline=False):
        kind = self.rng.choice([("application/pdf", "report.pdf"), ("image/png", "photo.png"),
                                ("application/zip", "archive.zip"), ("image/jpeg", "scan.jpg")])
        n = self.size(lo, hi)
        data = self.rng.randbytes(n)
        name = kind[1] if self.rng.random() < 0.7 else encode_header(self.rng, "Prüfbericht %d.pdf" % n)
        disp = "inline" if inline else "attachment"
        cid = "Content-ID: <img%d@bench>\r\n" % n if inline else ""
        return ('Content-Type: %s; name="%s"\r\nContent-Transfer-Encoding: base64\r\n%s'
                'Content-Disposition: %s; filename="%s"\r\n\r\n' % (kind[0], name, cid, disp, name) + b64(data))

    def multipart(self, subtype, parts, extra=""):
        boundary = "=_bench_%016x" % self.rng.getrandbits(64)
        out = ['Content-Type: multipart/%s; boundary="%s"%s\r\n\r\nThis is a multi-part message in MIME format.\r\n'
               % (subtype, boundary, extra)]
        for p in parts:
            out.append("--%s\r\n%s" % (boundary, p))
        out.append("--%s--\r\n" % boundary)
        return "".join(out)

    def headers(self, n, date):
        rng = self.rng
        subj = rng.choice(SUBJECTS).format(n=n)
        h = [
            "Return-Path: <bounce%d@example.com>" % n,
            "Received: from mx%d.example.net (mx.example.net [192.0.2.%d]) by mail.example.com "
            "with ESMTPS id %08x; %s" % (rng.randrange(9), rng.randrange(1, 255), rng.getrandbits(32), format_datetime(date)),
            "From: " + address(rng),
            "To: " + ", ".join(address(rng) for _ in range(rng.randrange(1, 5))),
        ]
        if rng.random() < 0.4:
            h.append("Cc: " + ", ".join(address(rng) for _ in range(rng.randrange(1, 4))))
        if rng.random() < 0.2:
            h.append("Reply-To: " + address(rng))
        h.append("Subject: " + encode_header(rng, subj))
        h.append("Date: " + format_datetime(date))
        h.append("Message-ID: <%d.%08x@bench.example.com>" % (n, rng.getrandbits(32)))
        if n > 1 and rng.random() < 0.3:
            ref = "<%d.ref@bench.example.com>" % rng.randrange(1, n)
            h.append("In-Reply-To: " + ref)
            h.append("References: " + ref)
        h.append("MIME-Version: 1.0")
        return "\r\n".join(h) + "\r\n"

    def message(self, n, date):
        rng = self.rng
        kind = rng.choices(["plain", "alternative", "attachment", "related", "nested", "large"],
                           [36, 25, 20, 7, 10, 2])[0]
        if kind == "plain":
            body = self.text_part(600, 6000)
        elif kind == "alternative":
            body = self.multipart("alternative", [self.text_part(1000, 6000), self.html_part(2000, 12000)])
        elif kind == "attachment":
            parts = [self.text_part(300, 3000)] + [self.attachment(2000, 18000) for _ in range(rng.randrange(1, 3))]
            body = self.multipart("mixed", parts)
        elif kind == "related":
            rel = self.multipart("related", [self.html_part(1000, 6000)] +
                                 [self.attachment(2000, 12000, inline=True) for _ in range(rng.randrange(1, 4))],
                                 '; type="text/html"')
            body = self.multipart("alternative", [self.text_part(500, 3000), rel])
        elif kind == "nested":
            inner_date = date - timedelta(days=rng.randrange(1, 30))
            inner = self.headers(n, inner_date) + self.multipart(
                "alternative", [self.text_part(500, 4000), self.html_part(1000, 8000)])
            body = self.multipart("mixed", [self.text_part(100, 800),
                                            "Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n" + inner])
        else:
            body = self.multipart("mixed", [self.text_part(200, 1000), self.attachment(60000, 160000)])
        return (self.headers(n, date) + body).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("count", type=int)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    shutil.rmtree(a.dir, ignore_errors=True)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(a.dir, sub))
    gen = Gen(a.seed, a.small)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)
    total = 0
    flag_sets = ["S", "S", "S", "", "FS", "RS", "", "DS", "S", ""]
    for i in range(1, a.count + 1):
        date = start + timedelta(minutes=7 * i + gen.rng.randrange(7))
        data = gen.message(i, date)
        total += len(data)
        flags = gen.rng.choice(flag_sets)
        # Names sort in generation order, so UIDs follow it.
        name = "%010d.M%dP1.bench,S=%d:2,%s" % (1700000000 + i, i, len(data), flags)
        path = os.path.join(a.dir, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        ts = date.timestamp()
        os.utime(path, (ts, ts))
    print("%s: %d messages, %d bytes (%.1f MB)" % (a.dir, a.count, total, total / 1e6))


if __name__ == "__main__":
    sys.exit(main())
