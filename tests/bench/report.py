#!/usr/bin/env python3
"""Turn the benchmark programs' JSON lines into the table of DESIGN §7:
medians per side, ratios against the baseline, and whether each target is
met. Writes the generated part of docs/performance.md (between the
`<!-- bench:begin -->` and `<!-- bench:end -->` markers), leaving the prose
around it alone.

Every row keeps the commands that produced it and the load average around
them (scripts/bench.sh adds "cmd", "load_before" and "load_after" to each
JSON line); a row measured while the machine was not quiet (1-minute load
average above --max-load before a program, or above --max-load + 1 after it,
the program's own share) is marked "(loaded)".

usage: report.py --results FILE.jsonl --out docs/performance.md --command "..."
                 [--max-load L] [--print] [--check-quiet]
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from collections import defaultdict

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def load(path):
    rows = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            key = (r["bench"], r["name"], r["side"], r.get("size"))
            rows[key].append(r)
    return rows


class Results:
    def __init__(self, rows):
        self.rows = rows
        self.touched = []  # the measurements read since the last take()

    def get(self, bench, name, side, size=None):
        found = self.rows.get((bench, name, side, size), [])
        self.touched.extend(found)
        return found

    def take(self):
        used, self.touched = self.touched, []
        return used

    def median(self, bench, name, side, field, size=None):
        vals = [r[field] for r in self.get(bench, name, side, size) if field in r]
        return statistics.median(vals) if vals else None

    def per_op(self, bench, name, side, size=None):
        """Median seconds per operation (a measurement may time several calls)."""
        vals = [r["seconds"] / r["n"] for r in self.get(bench, name, side, size) if r["n"]]
        return statistics.median(vals) if vals else None

    def peak(self, bench, name, side, size=None):
        vals = [r["peak_rss_kib"] for r in self.get(bench, name, side, size)]
        return max(vals) if vals else None

    def sizes(self, bench, name, side):
        return sorted({k[3] for k in self.rows if k[:3] == (bench, name, side) and k[3]})


def loaded(r, max_load):
    """Whether a measurement ran on a machine that was not quiet."""
    return (r.get("load_before", 0) > max_load or
            r.get("load_after", 0) > max_load + 1)


class Rows(list):
    """Table rows, each with the measurements it was computed from."""

    def __init__(self, res):
        super().__init__()
        self.res = res
        res.take()

    def append(self, row):
        super().append((row, self.res.take()))


def provenance(used, max_load):
    """The commands behind a row and the load average around them."""
    if not used:
        return "", False
    cmds = sorted({r["cmd"] for r in used if "cmd" in r})
    before = [r["load_before"] for r in used if "load_before" in r]
    after = [r["load_after"] for r in used if "load_after" in r]
    text = "; ".join(f"`{c}`" for c in cmds)
    if before and after:
        text += f" (load {min(before):g}–{max(before):g} before, {min(after):g}–{max(after):g} after)"
    return text, any(loaded(r, max_load) for r in used)


def fmt_rate(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M/s"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k/s"
    return f"{v:.1f} /s"


def fmt_time(s):
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_size(n):
    if n is None:
        return "—"
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000} k"
    return str(n)


def fmt_rss(kib):
    return "—" if kib is None else f"{kib / 1024:.1f} MiB"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "met" if ok else "**missed**"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "unknown"
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "unknown"
    return {
        "load": load,
        "cpu": cpu, "nproc": os.cpu_count(), "mem": mem,
        "kernel": platform.release(),
        "sqlite": version(["sqlite3", "--version"]).split(" ")[0] or "unknown",
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
    }


def table(res):
    """Rows of ((what, target, leadcore, baseline, ratio, verdict, notes), measurements)."""
    out = Rows(res)

    # validate
    v = res.median("engine", "validate", "leadcore", "ops_per_s")
    allocs = res.median("engine", "validate", "leadcore", "allocs_per_call")
    ok = None if v is None else (v >= 20e6 and allocs == 0)
    out.append(("validate a disposition in memory", "≥ 20 M/s, no allocation per call",
                fmt_rate(v) + ("" if allocs is None else f", {allocs:g} allocations/call"),
                "—", "—", verdict(ok), ""))

    # memory apply
    v = res.median("apply", "memory", "leadcore", "ops_per_s")
    out.append(("apply through the memory backend", "≥ 2 M/s", fmt_rate(v), "—", "—",
                verdict(None if v is None else v >= 2e6), ""))

    # sqlite apply
    for name, what in (("sqlite_batched", "apply through SQLite, batched (1,000 per transaction)"),
                       ("sqlite_per_tx", "apply through SQLite, one transaction per call")):
        a = res.median("apply", name, "leadcore", "ops_per_s")
        b = res.median("apply", name, "baseline", "ops_per_s")
        r = a / b if a and b else None
        out.append((what, "≥ 0.9 × hand-written SQLite", fmt_rate(a), fmt_rate(b),
                    "—" if r is None else f"{r:.2f} ×", verdict(None if r is None else r >= 0.9),
                    ""))

    # import
    a = res.median("import", "csv", "leadcore", "ops_per_s")
    b = res.median("import", "csv", "baseline", "ops_per_s")
    r = a / b if a and b else None
    rss = res.peak("import", "csv_rss", "leadcore")
    rss_n = res.median("import", "csv_rss", "leadcore", "n")
    ok = None if r is None else r >= 0.7
    note = ""
    if rss is not None:
        note = f"peak RSS {fmt_rss(rss)} importing {fmt_size(rss_n)} rows (target ≤ 64 MiB at 1 M)"
        if rss_n and rss_n >= 1_000_000:
            ok = ok and rss <= 64 * 1024 if ok is not None else rss <= 64 * 1024
    out.append(("import CSV", "≥ 0.7 × prepared-insert loop; 1 M rows in ≤ 64 MiB",
                fmt_rate(a), fmt_rate(b), "—" if r is None else f"{r:.2f} ×", verdict(ok), note))

    # pipeline report
    sizes = res.sizes("report", "pipeline", "leadcore")
    if not sizes:
        out.append(("pipeline report over 1 M leads", "≤ 1.5 × raw GROUP BY", "—", "—", "—",
                    verdict(None), ""))
    for size in sizes:
        a = res.per_op("report", "pipeline", "leadcore", size)
        b = res.per_op("report", "pipeline", "baseline", size)
        r = a / b if a and b else None
        out.append((f"pipeline report over {fmt_size(size)} leads", "≤ 1.5 × raw GROUP BY",
                    fmt_time(a), fmt_time(b), "—" if r is None else f"{r:.2f} ×",
                    verdict(None if r is None else r <= 1.5), "time per report"))

    # worklist
    sizes = res.sizes("worklist", "worklist", "leadcore")
    if not sizes:
        out.append(("one agent's worklist over 1 M leads", "≤ 1 ms", "—", "—", "—",
                    verdict(None), ""))
    for size in sizes:
        a = res.per_op("worklist", "worklist", "leadcore", size)
        b = res.per_op("worklist", "worklist", "baseline", size)
        r = a / b if a and b else None
        out.append((f"one agent's worklist over {fmt_size(size)} leads", "≤ 1 ms", fmt_time(a),
                    fmt_time(b), "—" if r is None else f"{r:.2f} ×",
                    verdict(None if a is None else a <= 1e-3),
                    "baseline: the same rows by one hand-written SELECT"))

    # peers
    c = res.median("peers", "particle_transitions", "leadcore", "ops_per_s")
    ce = res.median("peers", "particle_transitions_explained", "leadcore", "ops_per_s")
    for side, label in (("pytransitions", "pytransitions"), ("xstate", "XState v5")):
        p = res.median("peers", "particle_transitions", side, "ops_per_s")
        r = c / p if c and p else None
        note = agreement(res, "peers", "particle_transitions", side)
        if ce and p:
            note += (f"; with a violation list filled on each refusal leadcore runs "
                     f"{fmt_rate(ce)} ({ce / p:.0f} ×)")
        out.append((f"particle stage transitions in memory vs {label}", "leadcore ≥ 100 ×",
                    fmt_rate(c), fmt_rate(p), "—" if r is None else f"{r:.0f} ×",
                    verdict(None if r is None else r >= 100), note))
    c = res.median("durable", "particle_apply_per_tx", "leadcore", "ops_per_s")
    p = res.median("durable", "particle_apply_per_tx", "pytransitions_sqlite3", "ops_per_s")
    r = c / p if c and p else None
    out.append(("durable: the same transitions in SQLite vs pytransitions + sqlite3",
                "(no target; reported)", fmt_rate(c), fmt_rate(p),
                "—" if r is None else f"{r:.1f} ×", "reported",
                agreement(res, "durable", "particle_apply_per_tx", "pytransitions_sqlite3")))

    # growth
    for name, what in (("apply", "apply latency"), ("worklist", "worklist latency")):
        sizes = res.sizes("growth", name, "leadcore")
        if not sizes:
            out.append((f"growth 10 k → 10 M leads: {what}", "flat (within 2 ×)", "—", "—", "—",
                        verdict(None), ""))
            continue
        lat = {s: res.per_op("growth", name, "leadcore", s) for s in sizes}
        lo, hi = min(lat.values()), max(lat.values())
        r = hi / lo if lo else None
        cells = ", ".join(f"{fmt_size(s)}: {fmt_time(lat[s])}" for s in sizes)
        out.append((f"growth {fmt_size(sizes[0])} → {fmt_size(sizes[-1])} leads: {what}",
                    "flat (within 2 ×)", cells, "smallest store",
                    "—" if r is None else f"{r:.2f} × (max/min)",
                    verdict(None if r is None else r <= 2.0), ""))
    return out


def agreement(res, bench, name, side):
    """Whether a peer ended where leadcore did (same accepted, refused, stage, count)."""
    a = res.get(bench, name, "leadcore")
    b = res.get(bench, name, side)
    if not a or not b:
        return ""
    fields = ("accepted", "refused", "final_stage", "check_ins")
    same = all(tuple(x.get(f) for f in fields) == tuple(a[0].get(f) for f in fields)
               for x in a + b if x["n"] == a[0]["n"])
    return "same results as leadcore" if same else "**results differ from leadcore**"


def render(res, command, reps, max_load):
    m = machine()
    rows = table(res)
    marked = []
    for row, used in rows:
        how, was_loaded = provenance(used, max_load)
        row = list(row)
        if was_loaded:
            row[5] += " (loaded)"
        marked.append(row + [how])
    n_loaded = sum(1 for row in marked if row[5].endswith("(loaded)"))
    quiet = (f"Every row was measured on a quiet machine (1-minute load average at most "
             f"{max_load:g} before each program and {max_load + 1:g} after it)."
             if n_loaded == 0 else
             f"**Loaded:** {n_loaded} of {len(marked)} rows were measured while the machine was "
             f"not quiet (1-minute load average above {max_load:g} before a program or "
             f"{max_load + 1:g} after it); they are marked \"(loaded)\" and their figures, "
             "absolute rates above all, are not evidence. Rerun on a quiet machine.")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        BEGIN,
        "",
        f"Measured {now} on {m['nproc']} × {m['cpu']}, {m['mem']} of memory, Linux "
        f"{m['kernel']}; SQLite {m['sqlite']}, Python {m['python']}, Node {m['node']}. "
        f"Load average when the table was written: {m['load']} (the machine is shared; "
        "interleaving keeps the two sides of a comparison under the same load).",
        "",
        f"Produced by `{command}` (medians of {reps} interleaved runs a side; one single-threaded program "
        "at a time). " + quiet,
        "",
        "| what | target | leadcore | baseline | ratio | verdict | notes | measured by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in marked:
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Peak RSS per program (getrusage):", ""]
    peaks = defaultdict(int)
    for (bench, name, side, size), rs in res.rows.items():
        peaks[(bench, side)] = max(peaks[(bench, side)], max(r["peak_rss_kib"] for r in rs))
    lines.append("| program | side | peak RSS |")
    lines.append("|---|---|---|")
    for (bench, side), kib in sorted(peaks.items()):
        lines.append(f"| {bench} | {side} | {fmt_rss(kib)} |")
    lines += ["", END]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--out")
    ap.add_argument("--command", default="scripts/bench.sh")
    ap.add_argument("--reps", default="?")
    ap.add_argument("--max-load", type=float, default=0.5)
    ap.add_argument("--print", action="store_true")
    ap.add_argument("--check-quiet", action="store_true",
                    help="exit 1, writing nothing, when any measurement ran loaded")
    args = ap.parse_args()
    res = Results(load(args.results))
    if args.check_quiet:
        noisy = [r for rs in res.rows.values() for r in rs if loaded(r, args.max_load)]
        for cmd in sorted({r.get("cmd", "?") for r in noisy}):
            print(f"loaded: {cmd}", file=sys.stderr)
        return 1 if noisy else 0
    block = render(res, args.command, args.reps, args.max_load)
    if args.print or not args.out:
        print(block)
    if args.out:
        text = ""
        if os.path.exists(args.out):
            with open(args.out, encoding="utf-8") as f:
                text = f.read()
        if BEGIN in text and END in text:
            text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text,
                          count=1, flags=re.S)
        else:
            text = (text.rstrip() + "\n\n" if text else "# Performance\n\n") + block + "\n"
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
