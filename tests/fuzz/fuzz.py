#!/usr/bin/env python3
"""Driver of the Wyn mutation fuzzer (run through tests/fuzz/run.sh).

    python3 tests/fuzz/fuzz.py --wyn BIN [--seconds N] [--plain ./wyn]

Loop until the time is up: pick an input (a seed from tests/fuzz/corpus, or an
earlier mutant that was interesting), mutate it with mutate.py, write it to
tests/fuzz/out/work/case.wyn and run `BIN --emit-c case.wyn` (10 s timeout).
If that succeeds, the C it printed is compiled with `tcc -c -I runtime`
(and a sample with `cc -fsyntax-only`, as `wyn build` would).

A finding is one of
  crash       signal / exit >= 128 / sanitizer report from the compiler
  oom         sanitizer memory limit hit
  hang        the compiler ran past the timeout
  bad-exit    exit status other than 0 or 1
  bad-diag    exit 1 without a first stderr line `FILE:LINE:COL: error: ...`
  bad-loc     a diagnostic whose LINE:COL lies outside the file
  bad-c       exit 0 but tcc rejects the generated C (a compiler bug)
  cc-reject   exit 0 but cc rejects the generated C
  tcc-warning exit 0 and tcc warns about the generated C, other than the
              harmless "might return no value" / "discards qualifiers" (the
              JIT hides warnings, but e.g. "makes integer from pointer"
              means the C mixes up types)
  tcc-crash   tcc itself crashed or hung on the generated C

Findings are grouped by a signature (kind + normalized message / top frame).
The first example of each signature is minimized (line, then token deletion,
keeping the signature) and saved in tests/fuzz/crashers/ as
SIG.case (minimized) and SIG.orig.case (as found), with SIG.txt telling the
kind, the command and the compiler's output.  The .case extension keeps the
test runner from picking them up.  tests/fuzz/out/summary.json accumulates
executions, time and per-signature counts across runs.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import mutate  # noqa: E402

CASE = "case.wyn"
SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:exitcode=86:max_allocation_size_mb=1024:"
                    "hard_rss_limit_mb=1024:allocator_may_return_null=0:"
                    "detect_stack_use_after_return=0:print_summary=1",
    "UBSAN_OPTIONS": "halt_on_error=1:exitcode=87:print_stacktrace=1:"
                     "suppressions=" + os.path.join(HERE, "ubsan.supp"),
    "WYN_THREADS": "1",
}
DIAG_RE = re.compile(rb"^(\S+?\.wyn):(\d+):(\d+): error: (.*)$")


def norm(msg):
    """Turn a message into a template: names, numbers and quotes go."""
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    msg = re.sub(r"'[^']*'", "'Q'", msg)
    msg = re.sub(r'"[^"]*"', '"Q"', msg)
    msg = re.sub(r"\b(w_|wyn_|_p|_t|_v|tmp)[A-Za-z0-9_]*", "ID", msg)
    msg = re.sub(r"\d+", "N", msg)
    msg = re.sub(r"\s+", " ", msg).strip()
    return msg[:160]


def top_frame(err):
    """First stack frame inside our sources, for a sanitizer report."""
    for m in re.finditer(rb"#\d+ 0x[0-9a-f]+ in (\S+) (\S+?):(\d+)", err):
        fn, path = m.group(1).decode(), m.group(2).decode()
        if re.search(r"(^|/)(front|codegen|runtime|ffi)/", path):
            return "%s@%s" % (fn, os.path.basename(path))
    return "?"


class Runner:
    def __init__(self, args):
        self.wyn = os.path.abspath(args.wyn)
        self.plain = os.path.abspath(args.plain) if args.plain else None
        self.timeout = args.timeout
        self.work = os.path.join(args.out, "work")
        self.runtime_inc = os.path.join(ROOT, "runtime")
        self.cc_fraction = args.cc_fraction
        self.env = dict(os.environ)
        self.env.update(SAN_ENV)
        self.execs = 0
        self.rng = random.Random()
        os.makedirs(self.work, exist_ok=True)

    def run(self, cmd, timeout, stdin=None):
        try:
            p = subprocess.Popen(cmd, cwd=self.work, env=self.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            return 127, b"", str(e).encode(), False
        try:
            out, err = p.communicate(timeout=timeout)
            return p.returncode, out, err, False
        except subprocess.TimeoutExpired:
            # SIGSEGV first: the sanitizer prints where the compiler was stuck
            try:
                os.killpg(p.pid, signal.SIGSEGV)
                out, err = p.communicate(timeout=10)
            except (subprocess.TimeoutExpired, OSError):
                os.killpg(p.pid, signal.SIGKILL)
                out, err = p.communicate()
            return p.returncode, out, err, True

    def check(self, data, binary=None, cc=None):
        """Run one input.  Returns (kind, signature, detail) or None, and
        a 'feedback' string (message template) for corpus selection."""
        self.execs += 1
        path = os.path.join(self.work, CASE)
        with open(path, "wb") as f:
            f.write(data)
        rc, out, err, hung = self.run([binary or self.wyn, "--emit-c", CASE], self.timeout)
        detail = {"rc": rc, "stderr": err[-4000:].decode("utf-8", "replace")}
        if hung:
            return ("hang", "hang:" + top_frame(err), detail), None
        if b"AddressSanitizer" in err or b"LeakSanitizer" in err:
            m = re.search(rb"ERROR: AddressSanitizer: ([\w-]+)", err)
            what = m.group(1).decode() if m else "asan"
            if b"hard rss limit" in err or what in ("allocation-size-too-big", "out-of-memory"):
                return ("oom", "oom:" + what, detail), None
            return ("crash", "crash:%s:%s" % (what, top_frame(err)), detail), None
        k = err.find(b"runtime error:")
        m = None
        if k >= 0:      # match on that line only: stderr can hold huge source lines
            ln = err[err.rfind(b"\n", 0, k) + 1:k + 300].split(b"\n")[0]
            m = re.search(rb"([^\s:]+\.c):(\d+):\d+: runtime error: (.*)", ln[-400:])
        if m:
            where = "%s:%s" % (os.path.basename(m.group(1).decode()), m.group(2).decode())
            return ("crash", "ubsan:%s:%s" % (where, norm(m.group(3))), detail), None
        if rc < 0 or rc >= 128:
            sig = -rc if rc < 0 else rc - 128
            return ("crash", "crash:signal%d" % sig, detail), None
        if rc == 127 and not os.path.exists(binary or self.wyn):
            return None, None                   # binary being rebuilt
        if rc not in (0, 1):
            return ("bad-exit", "bad-exit:%d:%s" % (rc, norm(err.split(b"\n")[0])), detail), None
        if rc == 1:
            first = err.split(b"\n")[0]
            m = DIAG_RE.match(first)
            if not m:
                return ("bad-diag", "bad-diag:" + norm(first), detail), None
            fname, line, col = m.group(1), int(m.group(2)), int(m.group(3))
            if os.path.basename(fname) == CASE.encode():
                lines = data.split(b"\n")
                if line < 1 or line > len(lines) + 1 or col < 1 or \
                        (line <= len(lines) and col > len(lines[line - 1]) + 2):
                    return ("bad-loc", "bad-loc:" + norm(m.group(4)), detail), None
            for ln in err.split(b"\n"):        # every error line, not just the first
                if b": error:" in ln and not ln.startswith(b" ") and not DIAG_RE.match(ln):
                    return ("bad-diag", "bad-diag:" + norm(ln), detail), None
            return None, "E:" + norm(m.group(4))
        # rc == 0: compile the C
        if not out.startswith(b"#include"):
            return ("bad-c", "bad-c:no-include-line", detail), None
        cpath = os.path.join(self.work, "case.c")
        with open(cpath, "wb") as f:
            f.write(out)
        trc, tout, terr, thung = self.run(
            # never "-o /dev/null": as root, tcc replaces /dev/null with its output file
            ["tcc", "-c", "-I", self.runtime_inc, "-o", os.path.join(self.work, "case.o"), cpath], self.timeout)
        if thung or trc < 0 or trc >= 128:
            return ("tcc-crash", "tcc-crash:%d" % trc, detail), None
        if trc != 0:
            detail["tcc"] = terr[-3000:].decode("utf-8", "replace")
            m = re.search(rb"error: ([^\n]*)", terr)
            msg = m.group(1) if m else terr.split(b"\n")[0]
            return ("bad-c", "bad-c:" + norm(msg), detail), None
        for m in re.finditer(rb"warning: ([^\n]*)", terr):
            # the JIT hides tcc warnings; these kinds mean the C mixes up types
            if not re.search(rb"might return no value|discards qualifiers", m.group(1)):
                detail["tcc"] = terr[-3000:].decode("utf-8", "replace")
                return ("tcc-warning", "tcc-warning:" + norm(m.group(1)), detail), None
        if cc if cc is not None else self.rng.random() < self.cc_fraction:
            crc, cout, cerr, chung = self.run(
                ["cc", "-fsyntax-only", "-fwrapv", "-w", "-I", self.runtime_inc, cpath],
                self.timeout * 3)
            if not chung and crc != 0:
                detail["cc"] = cerr[-3000:].decode("utf-8", "replace")
                m = re.search(rb"error: ([^\n]*)", cerr)
                msg = m.group(1) if m else cerr.split(b"\n")[0]
                return ("cc-reject", "cc-reject:" + norm(msg), detail), None
        return None, "OK"


def minimize(runner, data, sig, budget):
    """Delete lines, then tokens, while the signature stays the same."""
    deadline = time.time() + budget
    cc = sig.startswith("cc-reject")

    def same(d):
        f, _ = runner.check(d, cc=cc)
        return f is not None and f[1] == sig

    for split, join in ((lambda d: d.split(b"\n"), b"\n"),
                        (lambda d: mutate.tokens(d), b"")):
        units = split(data)
        n = max(1, len(units) // 2)
        while n >= 1 and time.time() < deadline:
            i, changed = 0, False
            while i < len(units) and time.time() < deadline:
                cand = units[:i] + units[i + n:]
                if cand and same(join.join(cand)):
                    units, changed = cand, True
                else:
                    i += n
            if not changed:
                n //= 2
        data = join.join(units)
        if time.time() >= deadline:
            break
    return data


def slug(sig):
    h = hashlib.sha1(sig.encode()).hexdigest()[:8]
    kind = sig.split(":")[0]
    return "%s-%s" % (kind, h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wyn", required=True)
    ap.add_argument("--plain", help="the normal ./wyn, to recheck findings")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--crashers", default=os.path.join(HERE, "crashers"))
    ap.add_argument("--cc-fraction", type=float, default=0.05)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--min-budget", type=float, default=60)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    runner = Runner(args)
    runner.rng = rng
    seeds = []
    for d, _, files in os.walk(args.corpus):
        for f in sorted(files):
            if f.endswith(".wyn"):
                p = os.path.join(d, f)
                seeds.append(open(p, "rb").read())
                # modules imported by seeds must sit next to case.wyn
                shutil.copy(p, os.path.join(runner.work, f)) if f != CASE else None
    if not seeds:
        sys.exit("fuzz.py: no seeds in " + args.corpus)
    pool = []                 # interesting mutants
    templates = set()
    os.makedirs(args.crashers, exist_ok=True)
    sumpath = os.path.join(args.out, "summary.json")
    try:
        summary = json.load(open(sumpath))
    except (OSError, ValueError):
        summary = {"seconds": 0.0, "execs": 0, "runs": 0, "signatures": {}}
    summary["runs"] += 1
    sigs = summary["signatures"]

    mut = mutate.Mutator(rng, seeds)
    start = time.time()
    deadline = start + args.seconds
    last_report = start
    new_found = []
    mutants = 0
    compiled = 0

    def save_summary():
        summary["seconds"] = round(base_seconds + (time.time() - start), 1)
        summary["execs"] = base_execs + runner.execs
        tmp = sumpath + ".tmp"
        with open(tmp, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
        os.replace(tmp, sumpath)

    base_seconds, base_execs = summary["seconds"], summary["execs"]
    while time.time() < deadline:
        src = rng.choice(pool) if pool and rng.random() < 0.35 else rng.choice(seeds)
        data, used = mut.mutate(src)
        mutants += 1
        finding, fb = runner.check(data)
        if fb == "OK":
            compiled += 1
        if finding is None:
            if fb and fb not in templates:
                templates.add(fb)
                if len(data) < 50_000:
                    pool.append(data)
            elif fb == "OK" and rng.random() < 0.05 and len(data) < 50_000:
                pool.append(data)
            if len(pool) > 3000:
                pool.pop(rng.randrange(len(pool)))
        else:
            kind, sig, detail = finding
            ent = sigs.setdefault(sig, {"kind": kind, "count": 0, "first_seen": time.strftime("%Y-%m-%d %H:%M:%S"),
                                        "file": slug(sig)})
            ent["count"] += 1
            base = os.path.join(args.crashers, ent["file"])
            if not os.path.exists(base + ".case"):
                new_found.append(sig)
                print("[fuzz] NEW %s  (mutations: %s)" % (sig, " ".join(used)), flush=True)
                with open(base + ".orig.case", "wb") as f:
                    f.write(data)
                small = minimize(runner, data, sig,
                                 args.min_budget if kind not in ("hang", "oom") else 3 * args.timeout)
                with open(base + ".case", "wb") as f:
                    f.write(small)
                replain = ""
                if args.plain and os.path.exists(args.plain) and kind in ("crash", "hang", "oom"):
                    f2, _ = runner.check(small, binary=args.plain)
                    replain = "reproduces with %s: %s" % (
                        os.path.relpath(args.plain, ROOT), f2[1] if f2 else "no")
                with open(base + ".txt", "w") as f:
                    f.write("kind: %s\nsignature: %s\nfound: %s\nmutations: %s\n"
                            "reproduce: ./wyn --emit-c %s.case   (copy to a .wyn name)\n%s\n"
                            "exit status: %s\n--- stderr (tail) ---\n%s\n" % (
                                kind, sig, time.strftime("%Y-%m-%d %H:%M:%S"), " ".join(used),
                                ent["file"], replain, detail["rc"], detail["stderr"]))
                    if "tcc" in detail:
                        f.write("--- tcc ---\n%s\n" % detail["tcc"])
                    if "cc" in detail:
                        f.write("--- cc ---\n%s\n" % detail["cc"])
                save_summary()
        if time.time() - last_report > 60:
            last_report = time.time()
            save_summary()
            kinds = {}
            for s, e in sigs.items():
                kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
            print("[fuzz] %4ds  execs %d (%.0f/s)  compiled %d/%d  pool %d  templates %d  signatures %s" % (
                time.time() - start, runner.execs, runner.execs / (time.time() - start), compiled, mutants,
                len(pool), len(templates), kinds), flush=True)
    save_summary()
    print("[fuzz] done: %.0f s, %d executions (%d mutants), %d new signatures this run" % (
        time.time() - start, runner.execs, mutants, len(new_found)))
    print("[fuzz] total so far: %.0f s, %d executions, %d signatures" % (
        summary["seconds"], summary["execs"], len(sigs)))
    for s in new_found:
        print("   NEW  %-10s %s  -> crashers/%s.case" % (sigs[s]["kind"], s, sigs[s]["file"]))


if __name__ == "__main__":
    main()
