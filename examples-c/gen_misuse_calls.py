#!/usr/bin/env python3
"""Generate examples-c/ffi_misuse_calls.h from include/imapclient.h.

For every exported function and every pointer parameter, one call with that
parameter NULL and every other argument valid (live objects from the
fixture in ffi_misuse.c), plus one call with all pointers NULL. The checks
(`expect_rc`, `expect_neutral`) live in ffi_misuse.c.

Pointer parameters that are documented as nullable, where a NULL may
therefore succeed, are listed in NULLABLE below; any other NULL must give
an error code (IMAPC_ERR_NULL_POINTER), and getters must return a neutral
value (0, false, NULL, -1).

usage: gen_misuse_calls.py [--check]   (--check: exit 1 if the committed
                                         file differs from what it would write)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "include", "imapclient.h")
OUT = os.path.join(HERE, "ffi_misuse_calls.h")

# (function, parameter): NULL is a documented "ignore this output" or
# "none" and the call may succeed.
NULLABLE = {
    ("imapc_client_authenticate_plain", "authzid"),
    ("imapc_client_authenticate_xoauth2", "vendor"),
    ("imapc_client_id", "server_id_out"),
    ("imapc_client_create_folder_special_use", "mailbox_id_out"),
    ("imapc_client_enable", "enabled_out"),
    ("imapc_client_namespace", "personal_out"),
    ("imapc_client_namespace", "other_out"),
    ("imapc_client_namespace", "shared_out"),
    ("imapc_client_select", "state_out"),
    ("imapc_client_examine", "state_out"),
    ("imapc_client_select_condstore", "state_out"),
    ("imapc_client_get_quota_root", "roots_out"),
    ("imapc_client_get_quota_root", "quotas_out"),
    ("imapc_client_set_quota", "quotas_out"),
    ("imapc_client_search", "criteria"),
    ("imapc_client_sort", "criteria"),
    ("imapc_client_thread", "criteria"),
    ("imapc_client_fetch_stream", "userdata"),
    ("imapc_client_fetch_stream", "count_out"),
    ("imapc_client_fetch_stream_ids", "userdata"),
    ("imapc_client_fetch_stream_ids", "count_out"),
    ("imapc_client_fetch_stream_batched", "userdata"),
    ("imapc_client_fetch_stream_batched", "count_out"),
    ("imapc_client_fetch_stream_batched_ids", "userdata"),
    ("imapc_client_fetch_stream_batched_ids", "count_out"),
    ("imapc_client_store", "messages_out"),
    ("imapc_client_store_ids", "messages_out"),
    ("imapc_client_store_gmail_labels", "messages_out"),
    ("imapc_client_append", "flags"),
    ("imapc_client_append", "internal_date"),
    ("imapc_client_append", "uid_out"),
    ("imapc_client_multiappend", "uids_out"),
    ("imapc_client_multiappend", "uid_validity_out"),
    ("imapc_client_copy", "result_out"),
    ("imapc_client_copy_ids", "result_out"),
    ("imapc_client_move", "result_out"),
    ("imapc_client_move_ids", "result_out"),
    ("imapc_client_expunge", "expunged_out"),
    ("imapc_client_uid_expunge", "expunged_out"),
    ("imapc_client_uid_expunge_ids", "expunged_out"),
    ("imapc_client_idle_done", "events_out"),
    ("imapc_log_set_callback", "userdata"),
    ("imapc_event_list_ids", "count_out"),
    ("imapc_envelope_date", "time_out"),
    ("imapc_envelope_date", "offset_out"),
    ("imapc_message_internal_date", "time_out"),
    ("imapc_message_internal_date", "offset_out"),
    ("imapc_message_section", "data_out"),
    ("imapc_message_section", "len_out"),
    ("imapc_message_section_data", "data_out"),
    ("imapc_message_section_data", "len_out"),
    ("imapc_message_pack", "data_out"),
    ("imapc_message_pack", "len_out"),
    ("imapc_folder_raw_name", "len_out"),
    ("imapc_folder_status_get", "value_out"),
    ("imapc_connect_options_set_tls_config", "config"),
    ("imapc_client_get_metadata", "max_size"),
    ("imapc_client_notify", "notify"),
    ("imapc_notify_add", "folders"),
    ("imapc_notify_add", "fetch"),
    ("imapc_client_set_metadata", "values"),
    ("imapc_metadata_list_value", "data_out"),
    ("imapc_metadata_list_value", "len_out"),
    ("imapc_connect_options_set_tls_server_name", "name"),
}

# Valid values for string parameters, by name (default "x").
STRINGS = {
    "folder": '"INBOX"', "old_name": '"INBOX"', "new_name": '"misuse-renamed"',
    "set": '"1"', "uids": '"1"', "items": '"FLAGS"', "flags": '"\\\\Seen"',
    "criteria": '"ALL"', "order": '"DATE"', "pattern": '"*"', "reference": '""',
    "user": '"nobody"', "password": '"wrong"', "token": '"t"', "host": '"127.0.0.1"',
    "path": '"/nonexistent/ca.pem"', "cap": '"IDLE"', "attr": '"\\\\Sent"',
    "algorithm": '"REFERENCES"', "root": '""', "identifier": '"nobody"',
    "rights": '"l"', "name": '"INBOX"', "number": '"1"', "flag": '"\\\\Seen"',
    "s": '"IDLE"', "value": '"x"', "vendor": '"v"', "authzid": '"z"',
}

SCALARS = {
    "bool": "false", "uint16_t": "143", "uint32_t": "1", "int32_t": "0", "int64_t": "0",
    "uint64_t": "1", "size_t": "1", "imapc_result": "0", "int": "0",
}
# Getters documented to return a static "" (never NULL) for NULL.
EMPTY_STRING_FOR_NULL = {"imapc_error_message"}

# Scalars whose default would be rejected before the NULL check.
SCALAR_BY_NAME = {"max_len": "4096", "message_version": "IMAPC_APPEND_MESSAGE_VERSION"}

CALLBACKS = {"imapc_message_callback", "imapc_chunk_callback", "imapc_batch_callback",
             "imapc_log_callback", "imapc_sasl_callback"}


def parse(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    funcs = []
    for m in re.finditer(r"^([A-Za-z_][^;{}()#]*?)\b(imapc_\w+)\s*\(([^;]*?)\)\s*;", text, re.M):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        if ret.startswith("typedef"):
            continue
        ps = []
        if params.strip() != "void":
            for p in params.split(","):
                p = " ".join(p.split())
                pm = re.match(r"(.*?)(\w+)$", p)
                ps.append((pm.group(1).strip().replace(" *", "*").replace("* ", "*"), pm.group(2)))
        funcs.append((ret, name, ps))
    return funcs


def is_pointer(ty):
    return "*" in ty or ty in CALLBACKS


def base(ty):
    """`const struct imapc_x**` -> imapc_x"""
    return re.sub(r"\b(const|struct)\b", "", ty).replace("*", "").strip()


def valid(fn, ty, name, decls, frees):
    """C expression for a valid argument; may add declarations and frees."""
    if ty in CALLBACKS or ty == "void*":
        return "NULL"
    if ty in SCALARS:
        return SCALAR_BY_NAME.get(name, SCALARS[ty])
    b = base(ty)
    stars = ty.count("*")
    if ty == "const char*":
        return STRINGS.get(name, '"x"')
    if ty == "const char*const*":
        return "fx->strv"
    if ty == "char**":
        decls.append(f"char *o_{name} = NULL;")
        frees.append(f"imapc_string_free(o_{name});")
        return f"&o_{name}"
    if ty == "const uint8_t*":
        return "fx->bytes"
    if ty == "const uint8_t**":
        decls.append(f"const uint8_t *o_{name} = NULL;")
        return f"&o_{name}"
    if ty == "const uint32_t*":
        return "&fx->one"
    if ty == "const int64_t*":
        return "&fx->when"
    if ty == "const uint64_t*":
        return "&fx->max_size"
    if ty == "const uint8_t*const*":
        return "fx->bytesv"
    if ty == "const size_t*":
        return "fx->lens"
    if b == "imapc_sasl_reply":
        # A reply exists only inside a SASL step callback: NULL here, so
        # each call fails with NULL_POINTER whichever argument is NULL.
        return "NULL"
    if stars == 1 and b in SCALARS:
        decls.append(f"{b} o_{name} = 0;")
        return f"&o_{name}"
    if b.startswith("imapc_") and stars == 1:
        return f"fx->{b[len('imapc_'):]}"
    if b.startswith("imapc_") and stars == 2:
        const = "const " if ty.startswith("const") else ""
        decls.append(f"{const}{b} *o_{name} = NULL;")
        frees.append(f"{b}_free(o_{name});")
        return f"&o_{name}"
    raise SystemExit(f"{fn}: no valid value for {ty} {name}")


def call_block(ret, fn, params, null_idx, label):
    decls, frees, args = [], [], []
    has_err = False
    for i, (ty, name) in enumerate(params):
        if null_idx == "all" and is_pointer(ty):
            args.append("NULL")
        elif i == null_idx:
            args.append("NULL")
        elif name == "err_out":
            decls.append("imapc_error *err = NULL;")
            has_err = True
            args.append("&err")
        else:
            args.append(valid(fn, ty, name, decls, frees))
    call = f"{fn}({', '.join(args)})"
    nullable = 1 if (null_idx != "all" and (fn, params[null_idx][1]) in NULLABLE) else 0
    err = "err" if has_err else "NULL"
    # The result is stored first: `err` is read only after the call.
    if ret == "imapc_result":
        decls.append(f"imapc_result rc = {call};")
        body = f"expect_rc(\"{fn}\", \"{label}\", rc, {err}, {nullable});"
    elif ret == "void":
        body = f"{call}; expect_done(\"{fn}\", \"{label}\");"
    elif fn in EMPTY_STRING_FOR_NULL:
        decls.append(f"{ret} r = {call};")
        body = f"expect_neutral(\"{fn}\", \"{label}\", r != NULL && *r == 0, {nullable});"
    elif "*" in ret:
        decls.append(f"{ret} r = {call};")
        body = f"expect_neutral(\"{fn}\", \"{label}\", r == NULL, {nullable});"
    elif ret == "bool":
        decls.append(f"bool r = {call};")
        body = f"expect_neutral(\"{fn}\", \"{label}\", !r, {nullable});"
    else:
        decls.append(f"{ret} r = {call};")
        body = f"expect_neutral(\"{fn}\", \"{label}\", r == 0 || r == ({ret})-1, {nullable});"
    lines = ["    {"] + [f"        {d}" for d in decls] + [f"        {body}"]
    lines += [f"        {f}" for f in frees] + ["    }"]
    return "\n".join(lines)


def generate():
    with open(HEADER, encoding="utf-8") as f:
        funcs = parse(f.read())
    out = [
        "/* Generated by gen_misuse_calls.py from include/imapclient.h: do not edit.",
        " * One block per (function, pointer parameter) with that parameter NULL,",
        " * and one per function with every pointer NULL. */",
        f"#define MISUSE_FUNCTIONS {len(funcs)}",
        "static void misuse_generated(struct fixture *fx)",
        "{",
        "    (void)fx;",
    ]
    n_calls = 0
    for ret, fn, params in funcs:
        ptrs = [i for i, (ty, name) in enumerate(params) if is_pointer(ty)]
        if not ptrs:
            continue
        out.append(f"    /* {fn} */")
        for i in ptrs:
            if params[i][1] == "err_out" or params[i][0] in CALLBACKS:
                continue  # nullable by contract; covered by the all-NULL call
            out.append(call_block(ret, fn, params, i, params[i][1] + "=NULL"))
            n_calls += 1
        out.append(call_block(ret, fn, params, "all", "all NULL"))
        n_calls += 1
    out.append("}")
    out.append(f"#define MISUSE_CALLS {n_calls}")
    return "\n".join(out) + "\n"


def main():
    global OUT
    text = generate()
    args = sys.argv[1:]
    if "--output" in args:
        # The build generates the file into its own directory.
        OUT = args[args.index("--output") + 1]
    if "--check" in args:
        try:
            with open(OUT, encoding="utf-8") as f:
                same = f.read() == text
        except OSError:
            same = False
        if not same:
            print("examples-c/ffi_misuse_calls.h is stale: run examples-c/gen_misuse_calls.py",
                  file=sys.stderr)
            return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
