#!/usr/bin/env python3
"""Compile every ```c block of README.md against include/imapclient.h.

A block with its own main() is compiled as it stands (-Wall -Wextra
-Werror). Any other block is a fragment: its #include lines go first and
the rest into a main() that declares `c` and `err` when the fragment does
not (definitions before a line "/* ... */" stay at file scope, before
main); a fragment without #include lines gets <imapclient.h>, and nothing
else, so a fragment that includes the header but uses stdio without
<stdio.h> fails. Syntax and types only (-fsyntax-only): nothing runs.

usage: check-readme-c.py [README.md] [--cc CC]
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if re.match(r"^\s*```c\s*$", lines[i]):
            j = i + 1
            while not lines[j].strip().startswith("```"):
                j += 1
            yield i + 2, lines[i + 1:j]
            i = j
        i += 1


def wrap(body, readme, line):
    """The source to compile, with #line directives that point the
    compiler's messages at README.md's own lines, and whether it is a
    fragment."""
    text = "\n".join(body)
    if re.search(r"\bint\s+main\s*\(", text):
        return '#line %d "%s"\n' % (line, readme) + text + "\n", False
    inc = [l for l in body if l.startswith("#include")]
    rest = [l for l in body if not l.startswith("#include")]
    pre = []
    if not re.search(r"\bimapc_client\s*\*\s*c\b", text):
        pre.append("    imapc_client *c = NULL;")
    if not re.search(r"\bimapc_error\s*\*\s*err\b", text):
        pre.append("    imapc_error *err = NULL;")
    head = inc or ["#include <imapclient.h>"]
    first = next(k for k, l in enumerate(body) if not l.startswith("#include"))
    # Definitions (a callback) may come first, up to a line "/* ... */":
    # they stay at file scope, the rest goes into main().
    scope = []
    cut = next((k for k, l in enumerate(rest) if l.strip() == "/* ... */"), None)
    if cut is not None:
        scope = ['#line %d "%s"' % (line + first, readme)] + rest[:cut]
        first += cut + 1
        rest = rest[cut + 1:]
    lines = (head + scope + ["int main(void)", "{"] + pre + ['#line %d "%s"' % (line + first, readme)]
             + rest + ["    return 0;", "}"])
    return "\n".join(lines) + "\n", True


def main():
    args = sys.argv[1:]
    cc = os.environ.get("CC", "cc")
    if "--cc" in args:
        k = args.index("--cc")
        cc = args[k + 1]
        del args[k:k + 2]
    readme = args[0] if args else os.path.join(ROOT, "README.md")
    failed = 0
    n = 0
    with tempfile.TemporaryDirectory() as d:
        for line, body in blocks(readme):
            n += 1
            src, fragment = wrap(body, readme, line)
            f = os.path.join(d, "readme_%d.c" % line)
            with open(f, "w", encoding="utf-8") as out:
                out.write(src)
            cmd = [cc, "-std=c99", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                   "-I" + os.path.join(ROOT, "include"), f]
            if fragment:
                cmd[4:4] = ["-Wno-unused-variable", "-Wno-unused-but-set-variable"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failed += 1
                print("%s:%d: the C block does not compile:\n%s" % (readme, line, r.stderr))
    if n == 0:
        print("no ```c block found in %s" % readme)
        return 1
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
