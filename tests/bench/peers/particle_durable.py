#!/usr/bin/env python3
"""The durable peer of bench_durable: the particle cycle applied to leads kept
in SQLite, written the way a Python team would do it with pytransitions and
the sqlite3 module. Each transition is its own transaction: read the lead,
let the machine judge the move, append an event that records the stage
before and after, write the lead's new stage and version, commit. A refused
move writes nothing. The store uses WAL and synchronous=NORMAL, as
leadcore's SQLite backend does.

usage: particle_durable.py [--n N] [--leads L] [--reps R] [--dir D] [--smoke]
"""

import argparse
import json
import os
import sqlite3
import time

import particle_model as pm

SCHEMA = """
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  stage TEXT NOT NULL,
  counts TEXT NOT NULL DEFAULT '{}',
  version INTEGER NOT NULL DEFAULT 1,
  touched_at INTEGER NOT NULL
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads(id),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  stage_before TEXT NOT NULL,
  stage_after TEXT NOT NULL,
  UNIQUE (lead_id, seq)
);
"""


def open_store(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    # isolation_level=None: transactions are ours (BEGIN IMMEDIATE ... COMMIT).
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    return conn


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=pm.count, default=20000)
    ap.add_argument("--leads", type=pm.count, default=100)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--dir", default=".")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.leads, args.reps = 200, 10, 1

    rules, cycle = pm.load()
    # The durable cycle leaves out the refused step, as bench_durable does:
    # every transition is a write.
    steps = [s for i, s in enumerate(cycle["steps"]) if i != cycle["refused_step"]]
    k = len(steps)
    moves = [("move_" + rules.target(s), s) for s in steps]
    n = args.n
    path = os.path.join(args.dir, "bench-durable-python.db")

    for rep in range(args.reps):
        conn = open_store(path)
        now = 1795000000
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO leads (id, stage, touched_at) VALUES (?, ?, ?)",
                         [(i + 1, cycle["start"], now) for i in range(args.leads)])
        conn.execute("COMMIT")

        lead = pm.Lead(rules)
        machine = pm.machine_for(lead, cycle["start"])
        accepted = 0
        t0 = time.perf_counter()
        for i in range(n):
            lead_id = 1 + i % args.leads
            trigger, step = moves[(i // args.leads) % k]
            conn.execute("BEGIN IMMEDIATE")
            stage, counts, version = conn.execute(
                "SELECT stage, counts, version FROM leads WHERE id = ?", (lead_id,)).fetchone()
            machine.set_state(stage, model=lead)
            lead.counts = json.loads(counts)
            if getattr(lead, trigger)(action=step["action"], outcome=step["outcome"],
                                      reason=step.get("reason")):
                conn.execute(
                    "INSERT INTO events (lead_id, seq, at, action, outcome, reason, "
                    "stage_before, stage_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (lead_id, version + 1, now, step["action"], step["outcome"],
                     step.get("reason"), stage, lead.state))
                conn.execute(
                    "UPDATE leads SET stage = ?, counts = ?, version = ?, touched_at = ? "
                    "WHERE id = ? AND version = ?",
                    (lead.state, json.dumps(lead.counts), version + 1, now, lead_id, version))
                accepted += 1
            conn.execute("COMMIT")
        secs = time.perf_counter() - t0
        final = conn.execute("SELECT stage, counts FROM leads WHERE id = 1").fetchone()
        conn.close()
        pm.emit("durable", "particle_apply_per_tx", "pytransitions_sqlite3", rep, n, secs,
                accepted=accepted, refused=n - accepted, leads=args.leads,
                final_stage=final[0],
                check_ins=json.loads(final[1]).get("periodic_check_in", 0))


if __name__ == "__main__":
    main()
