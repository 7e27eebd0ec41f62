#!/usr/bin/env python3
"""pytransitions peer of bench_engine's particle cycle: the same stage
transitions with the same guard, in memory. Prints one JSON line per rep.

usage: particle_pytransitions.py [--n N] [--reps R] [--smoke]
"""

import argparse
import time

import particle_model as pm


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=pm.count, default=1_000_000)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.reps = 1000, 1

    rules, cycle = pm.load()
    steps = cycle["steps"]
    calls = []
    for s in steps:
        calls.append(("move_" + rules.target(s),
                      {"action": s["action"], "outcome": s["outcome"],
                       "reason": s.get("reason")}))
    k = len(steps)
    n = max(k, args.n - args.n % k)

    # Warm-up (untimed, whole cycles, a fresh lead), as every side does.
    warm = pm.Lead(rules)
    pm.machine_for(warm, cycle["start"])
    for i in range(max(k, n // 10 // k * k)):
        t, kw = calls[i % k]
        getattr(warm, t)(**kw)

    for rep in range(args.reps):
        lead = pm.Lead(rules)
        pm.machine_for(lead, cycle["start"])
        triggers = [(getattr(lead, t), kw) for t, kw in calls]
        accepted = 0
        t0 = time.perf_counter()
        for i in range(n):
            trigger, kw = triggers[i % k]
            if trigger(**kw):
                accepted += 1
        secs = time.perf_counter() - t0
        pm.emit("peers", "particle_transitions", "pytransitions", rep, n, secs,
                accepted=accepted, refused=n - accepted, final_stage=lead.state,
                check_ins=lead.counts.get("periodic_check_in", 0))


if __name__ == "__main__":
    main()
