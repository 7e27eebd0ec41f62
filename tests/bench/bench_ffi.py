#!/usr/bin/env python3
"""The cost of the FFI: dispositions per second through the Python package against the same
C calls made by tests/bench/bench_ffi.c, interleaved C, Python, C, Python ... in one run.

    python3 tests/bench/bench_ffi.py --c build/tests/bench/bench_ffi [--n 100000] [--reps 5]

The Python side needs the package importable (installed, or PYTHONPATH=examples/python/src)
and the library findable (LEADCORE_LIBRARY=build). It prints one JSON line per measurement
(as the C programs do), then a table of medians with the load average before and after.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import leadcore

LEADS, BATCH = 1000, 1000
CYCLE = json.loads((Path(__file__).parent / "peers" / "particle_cycle.json").read_text())
STEPS = [s for i, s in enumerate(CYCLE["steps"]) if i != CYCLE["refused_step"]]


def python_side(case: str, n: int, directory: Path) -> float:
    """Seconds for n dispositions through leadcore.Store.dispose()."""
    uri = "memory:" if case == "memory" else str(directory / "bench_ffi_py.db")
    if case != "memory":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(uri + suffix).unlink(missing_ok=True)
    with leadcore.Store(uri, preset="particle") as store:
        with store.transaction():
            ids = [store.add_lead().id for _ in range(LEADS)]
        assert store.lead(ids[0]).stage == CYCLE["start"]
        dispose = store.dispose
        t0 = time.perf_counter()
        i = 0
        while i < n:
            with store.transaction():
                for i in range(i, min(i + BATCH, n)):
                    step = STEPS[(i // LEADS) % len(STEPS)]
                    dispose(ids[i % LEADS], action=step["action"], outcome=step["outcome"],
                            stage=step.get("stage"), reason=step.get("reason"))
                i += 1
        return time.perf_counter() - t0


def emit(case: str, side: str, rep: int, n: int, seconds: float) -> Dict[str, object]:
    row = {"bench": "ffi", "name": case, "side": side, "rep": rep, "n": n, "seconds": seconds,
           "ops_per_s": round(n / seconds, 1)}
    print(json.dumps(row), flush=True)
    return row


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--c", required=True, help="the bench_ffi program (C side)")
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dir", default=".")
    ap.add_argument("--case", choices=["memory", "sqlite"], action="append")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, one rep")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.reps = 2000, 1
    cases = args.case or ["memory", "sqlite"]
    directory = Path(args.dir)
    rates: Dict[str, Dict[str, List[float]]] = {c: {"c": [], "python": []} for c in cases}
    before = loadavg()
    for rep in range(args.reps):
        for case in cases:
            out = subprocess.run([args.c, "--case", case, "--n", str(args.n), "--reps", "1",
                                  "--dir", str(directory)], check=True, capture_output=True,
                                 text=True).stdout
            c_row = json.loads(out.strip().splitlines()[-1])
            print(json.dumps({**c_row, "rep": rep}), flush=True)
            rates[case]["c"].append(c_row["ops_per_s"])
            seconds = python_side(case, args.n, directory)
            rates[case]["python"].append(emit(case, "python", rep, args.n, seconds)["ops_per_s"])
    after = loadavg()
    print(f"\n{args.n} dispositions a rep, {args.reps} reps interleaved; medians; "
          f"load average {before} before, {after} after; python {sys.version.split()[0]}, "
          f"libleadcore {leadcore.library().version_string}")
    print("| store | C (dispositions/s) | Python (dispositions/s) | Python / C |")
    print("|---|---:|---:|---:|")
    for case in cases:
        c, py = statistics.median(rates[case]["c"]), statistics.median(rates[case]["python"])
        print(f"| {case} | {c:,.0f} | {py:,.0f} | {py / c:.2f} |")
    for suffix in ("", "-wal", "-shm", "-journal"):
        for name in ("bench_ffi_py.db", "bench_ffi.db"):
            (directory / (name + suffix)).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
