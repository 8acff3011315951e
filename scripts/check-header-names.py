#!/usr/bin/env python3
"""Check that include/imapclient.h exports only imapc_ / IMAPC_ names.

CONVENTIONS.md, C ABI rule 1: every exported name starts with `imapc_`
(macros and enum values `IMAPC_`). cbindgen writes every `pub const` of the
crate into the header as a macro, wherever it lives, so a plain Rust constant
(say `pub const FROM: usize = 0` in src/proto) becomes `#define FROM 0` and
breaks C code such as `enum { FROM, TO };`. This script fails on any macro,
enum value, type, struct/enum tag or function of the header whose name does
not carry the prefix. Only the include guard and the standard includes are
exempt.

usage: check-header-names.py [HEADER]     (default: include/imapclient.h)
       check-header-names.py --self-test  (the checker finds planted names)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.normpath(os.path.join(HERE, "..", "include", "imapclient.h"))
GUARD = "IMAPCLIENT_H"
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def check(text):
    """Return a list of (kind, name) that break the naming rule."""
    bad = []
    code = strip_comments(text)
    rest = []
    for line in code.split("\n"):
        s = line.strip()
        if not s.startswith("#"):
            rest.append(line)
            continue
        m = re.match(r"#\s*define\s+(" + IDENT + ")", s)
        if m:
            name = m.group(1)
            if name != GUARD and not name.startswith("IMAPC_"):
                bad.append(("macro", name))
            continue
        m = re.match(r"#\s*include\s*<([^>]+)>", s)
        if m:
            if m.group(1) not in ("stdbool.h", "stddef.h", "stdint.h"):
                bad.append(("include", m.group(1)))
            continue
        if re.match(r"#\s*(ifndef|endif)\b", s) or s.startswith("#ifdef __cplusplus"):
            continue
        bad.append(("directive", s))
    code = "\n".join(rest)
    # The C++ wrapper is not a declaration.
    code = code.replace('extern "C" {', " ")
    code = re.sub(r"}\s*$", " ", code.rstrip())

    # Tags and enum values (struct/union/enum bodies).
    for m in re.finditer(r"\b(struct|union|enum)\s+(" + IDENT + r")\s*\{", code):
        if not m.group(2).startswith("imapc_"):
            bad.append((m.group(1) + " tag", m.group(2)))
    for m in re.finditer(r"\benum\b[^{;]*\{([^}]*)\}", code):
        for item in m.group(1).split(","):
            name = item.split("=")[0].strip()
            if name and not name.startswith("IMAPC_"):
                bad.append(("enum value", name))

    # Top-level declarations: split at `;` outside braces, drop bodies.
    decls, depth, cur = [], 0, []
    for ch in code:
        if ch == "{":
            depth += 1
            cur.append(" { } ")
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ";":
                decls.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
    if "".join(cur).strip():
        bad.append(("unparsed", " ".join("".join(cur).split())))
    for d in decls:
        d = " ".join(d.split())
        if not d:
            continue
        if d.startswith("typedef "):
            m = re.search(r"\(\s*\*\s*(" + IDENT + r")\s*\)\s*\(", d)
            name = m.group(1) if m else re.findall(IDENT, d)[-1]
            kind = "typedef"
        else:
            m = re.search(r"(" + IDENT + r")\s*\(", d)
            if m:
                name, kind = m.group(1), "function"
            else:
                idents = re.findall(IDENT, d)
                if re.fullmatch(r"(struct|union|enum) " + IDENT + r"( \{ \})?", d):
                    continue  # a tag, checked above
                name, kind = (idents[-1] if idents else d), "declaration"
        if not name.startswith("imapc_"):
            bad.append((kind, name))
    return bad


SELF_TEST = """
#ifndef IMAPCLIENT_H
#define IMAPCLIENT_H
#include <stdint.h>
#define IMAPC_GOOD 1
#define FROM 0
typedef struct imapc_ok imapc_ok;
typedef struct bad_handle bad_handle;
typedef int (*bad_callback)(void *userdata);
typedef struct imapc_fine { int x; } imapc_fine;
enum bad_tag { IMAPC_A = 1, B = 2 };
extern int bad_global;
#ifdef __cplusplus
extern "C" {
#endif
/** doc with FROM */
int32_t imapc_good_fn(const struct imapc_ok *o, int (*cb)(void *u));
int32_t bad_fn(void);
#ifdef __cplusplus
}
#endif
#endif
"""
SELF_TEST_EXPECT = {
    ("macro", "FROM"),
    ("typedef", "bad_handle"),
    ("typedef", "bad_callback"),
    ("enum tag", "bad_tag"),
    ("enum value", "B"),
    ("declaration", "bad_global"),
    ("function", "bad_fn"),
}


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        got = set(check(SELF_TEST))
        if got != SELF_TEST_EXPECT:
            print("self-test failed: got %s" % sorted(got), file=sys.stderr)
            return 1
        print("check-header-names: self-test ok")
        return 0
    path = args[0] if args else DEFAULT_HEADER
    with open(path, encoding="utf-8") as f:
        bad = check(f.read())
    for kind, name in bad:
        print("%s: %s %s does not start with imapc_/IMAPC_" % (path, kind, name),
              file=sys.stderr)
    if bad:
        print("Every exported name needs the prefix (CONVENTIONS.md, C ABI rule 1). "
              "A Rust `pub const` outside src/ffi ends up in the header: exclude it "
              "in cbindgen.toml [export] exclude.", file=sys.stderr)
        return 1
    print("check-header-names: %s ok" % os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
