#!/usr/bin/env python3
"""Capture a real server's answers for the replay server (bench/replay).

Usage: capture.py OUTDIR FOLDER=ITEMS [FOLDER=ITEMS...]

Connects without TLS to IMAP_HOST:IMAP_PORT, logs in as IMAP_USER with
IMAP_PASSWORD, and records the raw bytes the server sends: the greeting,
the answers to CAPABILITY, LOGIN, EXAMINE of each folder, and
`UID FETCH 1:* (ITEMS)` for each FOLDER=ITEMS pair, each in its own file
in OUTDIR, listed in OUTDIR/manifest.tsv (the replay server's input).
Literals are read by their announced size, so a body line that looks like
a tagged response cannot end an answer early.
"""
import os
import socket
import sys


def read_answer(f, tag):
    """Raw bytes up to and including the line starting with `tag `."""
    out = bytearray()
    want = tag.encode() + b" "
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("capture: connection closed")
        out += line
        # Literals: `{n}\r\n` then n raw bytes, then the line goes on.
        while line.endswith(b"}\r\n") and b"{" in line:
            n = line[line.rindex(b"{") + 1:-3]
            if not n.isdigit():
                break
            out += f.read(int(n))
            line = f.readline()
            out += line
        if line.startswith(want):
            status = line[len(want):].split(b" ", 1)[0]
            if status != b"OK":
                raise SystemExit("capture: %s failed: %r" % (tag, bytes(line)))
            return bytes(out)


def quote(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    if len(sys.argv) < 3 or any("=" not in a for a in sys.argv[2:]):
        raise SystemExit(__doc__)
    outdir = sys.argv[1]
    pairs = [a.split("=", 1) for a in sys.argv[2:]]
    os.makedirs(outdir, exist_ok=True)
    env = os.environ
    sock = socket.create_connection((env["IMAP_HOST"], int(env["IMAP_PORT"])))
    f = sock.makefile("rb", buffering=1 << 20)
    manifest = []

    def save(kind, folder, items, name, data):
        with open(os.path.join(outdir, name), "wb") as out:
            out.write(data)
        manifest.append("\t".join([kind, folder, items, name]))
        print("capture: %-10s %-10s %-60s %12d bytes" % (kind, folder, items, len(data)), file=sys.stderr)

    def command(tag, text):
        sock.sendall(("%s %s\r\n" % (tag, text)).encode())
        return read_answer(f, tag)

    save("greeting", "-", "-", "greeting.imap", f.readline())
    save("capability", "-", "-", "capability.imap", command("A0", "CAPABILITY"))
    save("login", "-", "-", "login.imap",
         command("A1", "LOGIN %s %s" % (quote(env["IMAP_USER"]), quote(env["IMAP_PASSWORD"]))))
    current, examined = None, set()
    for i, (folder, items) in enumerate(pairs):
        if folder != current:
            data = command("A2", "EXAMINE " + quote(folder))
            if folder not in examined:
                save("examine", folder, "-", "examine-%s.imap" % folder, data)
                examined.add(folder)
            current = folder
        save("fetch", folder, items, "fetch-%s-%d.imap" % (folder, i),
             command("A3", "UID FETCH 1:* (%s)" % items))
    sock.sendall(b"A9 LOGOUT\r\n")
    sock.close()
    with open(os.path.join(outdir, "manifest.tsv"), "w") as m:
        m.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
