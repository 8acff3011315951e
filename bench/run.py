#!/usr/bin/env python3
"""Fetch benchmark: every contender x workload, against a replay server
(client-bound) and the private Dovecot, written to docs/performance.md.

    make bench                       # = python3 bench/run.py
    python3 bench/run.py --runs 7 --servers replay
    python3 bench/run.py --quick     # 1 run each, no report file (smoke test)

Steps: build the helpers and contenders (release), start a private Dovecot
(scripts/test-server.sh, state in bench-out/server), generate the mailboxes
once (bench/gen_mailbox.py, cached in bench-out/mail) and link them into
user test9, capture Dovecot's answers (bench/capture.py), start the replay
server (bench/replay), then run the contenders in alternation, round after
round, timing each by the `seconds=` it prints (the fetch only) and its peak
RSS by /usr/bin/time. Medians are reported. The C client is built with
the project's CMake into build/, the Go one into bench-out/bin; one that
does not build is skipped with a note. Everything generated stays in
bench-out/.
"""
import argparse
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
BTARGET = os.path.join(OUT, "target")  # helpers' own cargo target dir
HEADERS = "FLAGS ENVELOPE RFC822.SIZE INTERNALDATE BODYSTRUCTURE"
BODY = "BODY.PEEK[]"
USER, PASSWORD = "test9", "pass"
MAILBOXES = {  # folder: generator arguments
    "bench10k": ["10000"],
    "bench100k": ["100000", "--small", "--seed", "2"],
}
WORKLOADS = [  # name, folder, items, stream
    ("headers", "bench10k", HEADERS, False),
    # Not among the workloads: the header sync a sync daemon runs,
    # each message handed over and dropped (the streaming API).
    ("headers-stream", "bench10k", HEADERS, True),
    ("download", "bench10k", BODY, False),
    ("download-stream", "bench10k", BODY, True),
    ("headers-100k", "bench100k", HEADERS, False),
]
TARGETS = {  # workload: max ratio of our clients to the floor
    "headers": 1.5,
    "download": 1.15,
    "download-stream": 1.15,
}


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    log("$", " ".join(cmd) if isinstance(cmd, list) else cmd)
    return subprocess.run(cmd, check=True, **kw)


def cargo_target():
    return os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")


class Contender:
    """reference: a floor (not a client): its bytes are the answer's size,
    and it has no row where it does not run."""
    def __init__(self, key, label, argv, stream=True, note=None, env=None, reference=False):
        self.key, self.label, self.argv, self.stream, self.note = key, label, argv, stream, note
        self.env, self.reference = env or {}, reference

    @property
    def present(self):
        return self.argv is not None


def build(args):
    """Build everything; return the contenders (absent ones with a note)."""
    cargo = os.environ.get("CARGO", "cargo")
    for crate in ("replay", "floor", "rust-imap"):
        sh([cargo, "build", "--release", "--quiet", "--manifest-path",
            os.path.join(ROOT, "bench", crate, "Cargo.toml"), "--target-dir", BTARGET])
    sh([cargo, "build", "--release", "--quiet", "--example", "fetch_bench", "--example", "parse_floor"], cwd=ROOT)
    rel = os.path.join(BTARGET, "release")
    examples = os.path.join(cargo_target(), "release", "examples")
    cs = [
        Contender("floor", "floor (raw socket reader)", [os.path.join(rel, "imap-floor")], reference=True),
        # Two more floors, for reading the targets: what keeping the answer
        # costs (any buffered API must), and what framing and parsing cost
        # (any client on our protocol core must).
        Contender("floor-keep", "floor keeping the answer (raw reader, one retained copy)",
                  [os.path.join(rel, "imap-floor")], stream=False, env={"FLOOR_KEEP": "1"}, reference=True),
        Contender("core", "protocol core alone (frame and parse, nothing kept)",
                  [os.path.join(examples, "parse_floor")], reference=True),
        Contender("rust", "libimapclient, Rust API", [os.path.join(cargo_target(), "release", "examples", "fetch_bench")]),
    ]
    # C: the example from the C ABI branch, built with the project's CMake.
    c_bin = os.path.join(ROOT, "build", "examples-c", "fetch_bench")
    c_note = None
    if os.path.exists(os.path.join(ROOT, "examples-c", "fetch_bench.c")) and os.path.exists(os.path.join(ROOT, "CMakeLists.txt")):
        try:
            sh(["make", "--no-print-directory", "lib"], cwd=ROOT)
            sh(["cmake", "-S", ".", "-B", "build", "-DCMAKE_BUILD_TYPE=Release"], cwd=ROOT, stdout=subprocess.DEVNULL)
            sh(["cmake", "--build", "build", "--target", "fetch_bench"], cwd=ROOT, stdout=subprocess.DEVNULL)
        except subprocess.CalledProcessError as e:
            c_note = "C build failed: %s" % e
    cs.append(Contender("c", "libimapclient, C ABI", [c_bin] if os.path.exists(c_bin) else None,
                        note=c_note or "skipped: build/examples-c/fetch_bench was not built (see the log)"))
    # Go: the binding's benchmark command.
    go_dir = os.path.join(ROOT, "bindings", "go")
    go_bin = os.path.join(OUT, "bin", "fetchbench")
    go_note = "skipped: no bindings/go/cmd/fetchbench"
    if os.path.isdir(os.path.join(go_dir, "cmd", "fetchbench")):
        try:
            sh(["go", "build", "-o", go_bin, "./cmd/fetchbench"], cwd=go_dir)
            go_note = None
        except (subprocess.CalledProcessError, FileNotFoundError) as e:
            go_note = "Go build failed: %s" % e
    cs.append(Contender("go", "libimapclient, Go binding", [go_bin] if go_note is None else None, note=go_note))
    cs.append(Contender("rust-imap", "Rust `imap` 2.4 crate", [os.path.join(rel, "rust-imap-bench")], stream=False,
                        note="no streaming API"))
    venv = os.path.join(OUT, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
    req = os.path.join(ROOT, "bench", "requirements.txt")
    if subprocess.run([py, "-c", "import imapclient"], stderr=subprocess.DEVNULL).returncode != 0:
        sh([py, "-m", "pip", "install", "--quiet", "-r", req])
    cs.append(Contender("python", "Python IMAPClient", [py, os.path.join(ROOT, "bench", "py_imapclient_bench.py")],
                        stream=False, note="no streaming API"))
    if not os.path.exists("/usr/bin/time"):
        # GNU time, for the peak RSS (%M); the shell builtin cannot.
        if subprocess.run(["apt-get", "install", "-y", "-q", "time"]).returncode != 0:
            sh(["apt-get", "update", "-q"])
            sh(["apt-get", "install", "-y", "-q", "time"])
    return cs


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def ensure_mail(state_dir, env):
    """Generate the folders once into bench-out/mail, hard-link them into
    test9's Maildir (the server start empties the homes)."""
    gen = os.path.join(ROOT, "bench", "gen_mailbox.py")
    stamp_base = file_hash(gen)
    maildir = os.path.join(state_dir, "home", USER, "Maildir")
    os.makedirs(maildir, exist_ok=True)
    for folder, gargs in MAILBOXES.items():
        cache = os.path.join(OUT, "mail", folder)
        stamp = stamp_base + " " + " ".join(gargs)
        stamp_file = cache + ".stamp"
        if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
            sh([sys.executable, gen, cache] + gargs)
            with open(stamp_file, "w") as f:
                f.write(stamp)
        dest = os.path.join(maildir, "." + folder)
        if not os.path.exists(dest):
            sh(["cp", "-al", cache, dest])
    if os.getuid() == 0:
        # Dovecot reads mail as its own unprivileged user (see test-server.sh).
        for name in ("dovecot", "nobody"):
            try:
                import pwd
                pw = pwd.getpwnam(name)
                sh(["chown", "-R", "%d:%d" % (pw.pw_uid, pw.pw_gid), os.path.join(state_dir, "home", USER)])
                break
            except KeyError:
                continue


def start_dovecot():
    state = os.path.join(OUT, "server")
    env = dict(os.environ, IMAP_TEST_DIR=state)
    out = subprocess.run([os.path.join(ROOT, "scripts", "test-server.sh"), "start", "--env", "--watch", str(os.getpid())],
                         env=env, check=True, capture_output=True, text=True).stdout
    srv = {}
    for line in out.splitlines():
        m = re.match(r"export (\w+)=(.*)", line)
        if m:
            srv[m.group(1)] = m.group(2).strip("'")
    ensure_mail(state, env)
    return state, {"IMAP_HOST": srv["IMAP_HOST"], "IMAP_PORT": srv["IMAP_PORT"]}


def stop_dovecot(state):
    subprocess.run([os.path.join(ROOT, "scripts", "test-server.sh"), "stop"],
                   env=dict(os.environ, IMAP_TEST_DIR=state), check=False)


def capture(server_env, capdir, recapture):
    manifest = os.path.join(capdir, "manifest.tsv")
    stamp = " ".join(open(os.path.join(OUT, "mail", f + ".stamp")).read() for f in MAILBOXES)
    stamp += " " + file_hash(os.path.join(ROOT, "bench", "capture.py"))
    stamp_file = os.path.join(capdir, "stamp")
    if not recapture and os.path.exists(manifest) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        log("reusing captures in", capdir)
        return
    shutil.rmtree(capdir, ignore_errors=True)
    pairs = []
    for _, folder, items, _ in WORKLOADS:
        if "%s=%s" % (folder, items) not in pairs:
            pairs.append("%s=%s" % (folder, items))
    env = dict(os.environ, **server_env, IMAP_USER=USER, IMAP_PASSWORD=PASSWORD)
    sh([sys.executable, os.path.join(ROOT, "bench", "capture.py"), capdir] + pairs, env=env)
    with open(stamp_file, "w") as f:
        f.write(stamp)


def start_replay(capdir):
    p = subprocess.Popen([os.path.join(BTARGET, "release", "imap-replay"), capdir], stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.match(r"port=(\d+)", line)
    if not m:
        p.kill()
        raise SystemExit("replay server did not start")
    return p, {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": m.group(1)}


LINE = re.compile(r"messages=(\d+) bytes=(\d+) seconds=([0-9.eE+-]+)")


def run_one(c, server_env, folder, items, stream, timeout):
    """One run: (seconds, peak RSS in KiB, messages, bytes, CPU seconds of
    the whole process) or an error."""
    env = dict(os.environ, **server_env, IMAP_USER=USER, IMAP_PASSWORD=PASSWORD, IMAP_TLS="none")
    env.pop("IMAP_CAFILE", None)
    env.update(c.env)
    # The C and Go clients load libimapclient.so from the release build.
    lib = os.path.join(cargo_target(), "release")
    env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    with tempfile.NamedTemporaryFile("r", prefix="rss", dir=OUT) as rss:
        argv = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name] + c.argv + [folder, items] + (["--stream"] if stream else [])
        try:
            p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout after %d s" % timeout
        m = LINE.search(p.stdout)
        if p.returncode != 0 or not m:
            return "exit %d: %s" % (p.returncode, (p.stderr.strip().splitlines() or ["?"])[-1][:200])
        # The last line of the file is ours (a killed child adds one first).
        last = open(rss.name).read().strip().splitlines()[-1].split()
        rss_kb, cpu = int(last[0]), float(last[1]) + float(last[2])
        return float(m.group(3)), rss_kb, int(m.group(1)), int(m.group(2)), cpu


def loadavg():
    return open("/proc/loadavg").read().split()[0]


# Contenders whose median run is shorter than this (seconds) get the extra
# rounds of --fast-runs.
FAST_RUN = 2.0


def bench_server(name, server_env, contenders, runs, fast_runs, timeout, results, workloads):
    for wl, folder, items, stream in workloads:
        cs = [c for c in contenders if c.present and (c.stream or not stream)]
        # One unrecorded floor run first: it warms Dovecot's cache and the
        # page cache, so the first recorded contender is not penalised.
        floor = [c for c in cs if c.key == "floor"]
        if floor:
            t0 = time.time()
            run_one(floor[0], server_env, folder, items, stream, timeout)
            log("%-7s %-16s warm-up floor run: %.1f s" % (name, wl, time.time() - t0))
        # `runs` rounds of every contender; then more rounds, up to
        # `fast_runs`, of those whose median so far is under FAST_RUN: a
        # run of a few hundredths of a second is shaken most by the
        # machine's other work, and costs little to repeat.
        for r in range(max(runs, fast_runs)):
            if r < runs:
                rcs = cs
            else:
                rcs = [c for c in cs if (m := median_of(results, (name, wl, c.key))) and m[0] < FAST_RUN]
            for c in rcs:
                res = run_one(c, server_env, folder, items, stream, timeout)
                key = (name, wl, c.key)
                results.setdefault(key, []).append(res)
                if isinstance(res, str):
                    log("%s %s %s run %d: %s" % (name, wl, c.key, r + 1, res))
                else:
                    log("%-7s %-16s %-10s run %d: %.4f s, cpu %.2f s, %d MB, n=%d, bytes=%d (load %s)"
                        % (name, wl, c.key, r + 1, res[0], res[4], res[1] // 1024, res[2], res[3], loadavg()))
        check_counts(results, name, wl, cs)


def counts(results, key):
    """The (messages, bytes) pairs a contender printed, over its runs."""
    return {(r[2], r[3]) for r in results.get(key, []) if not isinstance(r, str)}


def check_counts(results, server, wl, contenders):
    """Every client must see what the Rust API sees (the floor counts the
    whole answer instead); returns the keys that differ."""
    ref = counts(results, (server, wl, "rust"))
    bad = []
    for c in contenders:
        got = counts(results, (server, wl, c.key))
        if not c.reference and c.key != "rust" and ref and got and got != ref:
            log("MISMATCH %s %s %s: messages/bytes %s, Rust API %s" % (server, wl, c.key, sorted(got), sorted(ref)))
            bad.append(c.key)
    return bad


def median_of(results, key):
    ok = [r for r in results.get(key, []) if not isinstance(r, str)]
    if not ok:
        return None
    return (statistics.median(r[0] for r in ok), max(r[1] for r in ok) / 1024, len(ok),
            {(r[2], r[3]) for r in ok}, min(r[0] for r in ok), max(r[0] for r in ok),
            statistics.median(r[4] for r in ok))


NOTES_MARK = "<!-- notes: everything below is kept when the tables are regenerated -->"


def targets_section(results, contenders):
    """Our clients against the targets, on the replay server."""
    ours = [c for c in contenders if c.key in ("rust", "c", "go") and c.present]
    L = ["## Targets (replay server)\n", "| target | " + " | ".join(c.label for c in ours) + " |",
         "|---|" + "---:|" * len(ours)]

    def cell(v, ok):
        return "–" if v is None else "%s %s" % (v, "✅" if ok else "❌")

    def ratio(wl, c):
        m, f = median_of(results, ("replay", wl, c.key)), median_of(results, ("replay", wl, "floor"))
        return m[0] / f[0] if m and f and f[0] > 0 else None

    for wl, limit in TARGETS.items():
        row = []
        for c in ours:
            r = ratio(wl, c)
            row.append(cell(None if r is None else "%.2f×" % r, r is not None and r <= limit))
        L.append("| %s ≤ %.2f × floor | %s |" % (wl, limit, " | ".join(row)))
    row = []
    for c in ours:
        m = median_of(results, ("replay", "download-stream", c.key))
        row.append(cell(None if m is None else "%.1f MB" % m[1], m is not None and m[1] < 32))
    L.append("| download-stream peak RSS < 32 MB | %s |" % " | ".join(row))
    row = []
    for c in ours:
        a, b = median_of(results, ("replay", "headers", c.key)), median_of(results, ("replay", "headers-100k", c.key))
        r = b[0] / a[0] if a and b else None
        row.append(cell(None if r is None else "%.2f×" % r, r is not None and r <= 10.5))
    L.append("| headers 100k ≤ 10.5 × 10k | %s |" % " | ".join(row))
    def worst(a, b):
        """The highest median ratio of contender a to b over the workloads,
        and the ratio of each workload, e.g. "headers 1.02"."""
        w, each = None, []
        for wl, _, _, _ in WORKLOADS:
            x, y = median_of(results, ("replay", wl, a)), median_of(results, ("replay", wl, b))
            if x and y:
                w = max(w or 0, x[0] / y[0])
                each.append("%s %.2f" % (wl, x[0] / y[0]))
        return w, "; ".join(each)

    # The same workloads against the other two floors: no targets, but they
    # show how much of the distance to the raw floor any client pays.
    for wl, ref, what in (("headers", "core", "the protocol core alone (frame and parse)"),
                          ("headers-stream", "core", "the protocol core alone (frame and parse)"),
                          ("download", "floor-keep", "the floor keeping the answer")):
        f = median_of(results, ("replay", wl, ref))
        if f is None or f[0] <= 0:
            continue
        row = []
        for c in ours:
            m = median_of(results, ("replay", wl, c.key))
            row.append("–" if m is None else "%.2f×" % (m[0] / f[0]))
        raw = median_of(results, ("replay", wl, "floor"))
        L.append("| %s: × %s (%.4f s%s; for reading, no target) | %s |"
                 % (wl, what, f[0], ", %.1f× the floor" % (f[0] / raw[0]) if raw and raw[0] > 0 else "",
                    " | ".join(row)))
    keys = {c.key for c in ours}
    if {"go", "c"} <= keys:
        w, each = worst("go", "c")
        L.append("| Go ≤ 1.2 × C (worst workload; each: %s) | %s |" % (each, " | ".join(
            cell("%.2f×" % w, w <= 1.2) if c.key == "go" and w is not None else "" for c in ours)))
    if {"c", "rust"} <= keys:
        w, each = worst("c", "rust")
        L.append("| C ABI against the Rust API (worst workload; no target; each: %s) | %s |" % (each, " | ".join(
            "%.2f×" % w if c.key == "c" and w is not None else "" for c in ours)))
    L.append("")
    return L


def report(path, contenders, results, servers, runs, fast_runs, cmdline, loads, capdir, workloads):
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    vers = []
    for tool in (["rustc", "--version"], ["go", "version"], [os.path.join(OUT, "venv", "bin", "python"), "-c",
                 "import imapclient, sys; print('Python', sys.version.split()[0], 'IMAPClient', imapclient.__version__)"],
                 ["dovecot", "--version"]):
        try:
            vers.append(subprocess.run(tool, capture_output=True, text=True).stdout.strip())
        except OSError:
            pass
    caps = {}
    if os.path.exists(os.path.join(capdir, "manifest.tsv")):
        for line in open(os.path.join(capdir, "manifest.tsv")):
            k, folder, items, fname = line.rstrip("\n").split("\t")
            if k == "fetch":
                caps[(folder, items)] = os.path.getsize(os.path.join(capdir, fname))
    L = []
    L.append("# Performance\n")
    L.append("Generated by `bench/run.py` (`make bench`); do not edit by hand. "
             "Methodology, servers and contenders: `bench/README.md`.\n")
    L.append("- Command: `%s`" % cmdline)
    L.append("- Date: %s" % datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    L.append("- Machine: %s, %d cores, %s %s, %d MB RAM" % (cpu, os.cpu_count(), platform.system(), platform.release(),
             os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)))
    L.append("- Tools: " + "; ".join(v for v in vers if v))
    L.append("- Load average (1 min) before / after the runs: %s / %s. Above about 0.5 on this 2-core machine other "
             "work was running and the times are noisy." % loads)
    L.append("- Runs: %d rounds, contenders alternating within each round; then, up to %d rounds in all, more rounds "
             "of the contenders whose median run is under %.1f s (short runs are the ones the machine's other work "
             "shakes most; the `runs` column has the count). Median seconds (the fetch only, as printed by each "
             "client), ratio to the floor's median, highest peak RSS of the runs." % (runs, max(runs, fast_runs), FAST_RUN))
    for (folder, items), size in sorted(caps.items()):
        L.append("- Captured answer `UID FETCH 1:* (%s)` on %s: %.1f MB" % (items, folder, size / 1e6))
    L.append("")
    for srv in servers:
        L.append("## %s\n" % {"replay": "Replay server (client-bound)", "dovecot": "Dovecot (server-bound)"}[srv])
        L.append("| workload | contender | median s | min–max s | × floor | CPU s | peak RSS MB | runs | messages | bytes |")
        L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for wl, folder, items, stream in workloads:
            floor = median_of(results, (srv, wl, "floor"))
            for c in contenders:
                if stream and not c.stream and c.reference:
                    continue
                if stream and not c.stream:
                    L.append("| %s | %s | – | | | | | | | %s |" % (wl, c.label, c.note))
                    continue
                if not c.present:
                    L.append("| %s | %s | – | | | | | | | %s |" % (wl, c.label, c.note))
                    continue
                m = median_of(results, (srv, wl, c.key))
                if m is None:
                    errs = [r for r in results.get((srv, wl, c.key), []) if isinstance(r, str)]
                    L.append("| %s | %s | failed | | | | | | | %s |" % (wl, c.label, (errs[:1] or ["not run"])[0].replace("|", "/")))
                    continue
                ratio = "%.2f" % (m[0] / floor[0]) if floor and floor[0] > 0 else "–"
                nb = m[3]
                msgs = ",".join(sorted({str(x[0]) for x in nb}))
                byts = ",".join(sorted({str(x[1]) for x in nb}))
                if c.key in check_counts(results, srv, wl, contenders):
                    byts += " ≠ Rust API"
                L.append("| %s | %s | %.4f | %.4f–%.4f | %s | %.2f | %.1f | %d | %s | %s |"
                         % (wl, c.label, m[0], m[4], m[5], ratio, m[6], m[1], m[2], msgs, byts))
        L.append("")
        L.append("Scale (header sync, 100 000 vs 10 000 messages):\n")
        L.append("| contender | 10k s | 100k s | 100k / 10k | 10k CPU s | 100k CPU s | CPU 100k / 10k |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for c in contenders:
            a, b = median_of(results, (srv, "headers", c.key)), median_of(results, (srv, "headers-100k", c.key))
            if a and b:
                L.append("| %s | %.4f | %.4f | %.2f | %.2f | %.2f | %.2f |"
                         % (c.label, a[0], b[0], b[0] / a[0], a[6], b[6], b[6] / a[6] if a[6] else 0))
        L.append("")
    if "replay" in servers:
        L[L.index("## Replay server (client-bound)\n"):L.index("## Replay server (client-bound)\n")] = targets_section(results, contenders)
    L.append("`CPU s` is user + system time of the whole process (connect, login and exit included, "
             "median of the runs): less disturbed than wall time when other work shares the cores.\n")
    L.append("`bytes` is the sum of body section bytes for the clients and the size of the whole answer for the floor. "
             "Rust `imap` and IMAPClient have no streaming API; their buffered download is the comparison for "
             "the streaming memory target.\n")
    notes = ""
    if os.path.exists(path):
        old = open(path).read()
        if NOTES_MARK in old:
            notes = old[old.index(NOTES_MARK) + len(NOTES_MARK):]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n" + NOTES_MARK + notes)
    log("wrote", path)


def main():
    ap = argparse.ArgumentParser(description="fetch benchmark")
    ap.add_argument("--runs", type=int, default=5, help="rounds of every contender")
    ap.add_argument("--fast-runs", type=int, default=11,
                    help="rounds in all for contenders whose median run is under %.1f s" % FAST_RUN)
    ap.add_argument("--servers", default="replay,dovecot", help="comma list: replay,dovecot")
    ap.add_argument("--workloads", default=",".join(w[0] for w in WORKLOADS))
    ap.add_argument("--contenders", default="", help="comma list of keys (default all present)")
    ap.add_argument("--quick", action="store_true", help="one run each, no report")
    ap.add_argument("--recapture", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    a = ap.parse_args()
    cmdline = "python3 bench/run.py " + " ".join(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    contenders = build(a)
    if a.contenders:
        keep = a.contenders.split(",")
        contenders = [c for c in contenders if c.key in keep or c.reference]
    wls = [w for w in WORKLOADS if w[0] in a.workloads.split(",")]
    runs = 1 if a.quick else a.runs
    fast_runs = 1 if a.quick else a.fast_runs
    servers = a.servers.split(",")
    capdir = os.path.join(OUT, "capture")
    state, dovecot_env = start_dovecot()
    replay = None
    results = {}
    loads = [loadavg()]
    try:
        capture(dovecot_env, capdir, a.recapture)
        if "replay" in servers:
            replay, replay_env = start_replay(capdir)
            bench_server("replay", replay_env, contenders, runs, fast_runs, a.timeout, results, wls)
        if "dovecot" in servers:
            bench_server("dovecot", dovecot_env, contenders, runs, fast_runs, a.timeout, results, wls)
    finally:
        if replay:
            replay.send_signal(signal.SIGTERM)
            replay.wait()
        stop_dovecot(state)
    loads.append(loadavg())
    # Every run's figures, for a second look without re-running.
    import json
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"command": cmdline, "loadavg": loads,
                   "runs": [{"server": k[0], "workload": k[1], "contender": k[2],
                             "results": [r if isinstance(r, str) else dict(zip(
                                 ("seconds", "rss_kib", "messages", "bytes", "cpu_seconds"), r)) for r in v]}
                            for k, v in results.items()]}, f, indent=1)
    if not a.quick:
        report(a.out, contenders, results, servers, runs, fast_runs, cmdline, tuple(loads), capdir, wls)


if __name__ == "__main__":
    main()
