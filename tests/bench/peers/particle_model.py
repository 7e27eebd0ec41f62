"""The particle preset's stage rules, as a Python team would write them for
pytransitions: read the preset file, then guard each move the way leadcore's
engine does for stages (docs/engine.md): progressing moves forward (skips
allowed; a repeatable stage may be entered again), go_back moves back,
neither reaches a closed stage, a lead coming back from a closed stage may go
either way, exiting and problem need a closed stage and a reason that allows
the outcome and leads there, and a stage that ends contact refuses contact
actions. Entering a repeatable stage (or re-entering it with progressing)
counts it.
"""

import json
import os
import resource
import sys

from transitions import Machine

HERE = os.path.dirname(os.path.abspath(__file__))


def source_root():
    root = os.environ.get("LC_SOURCE_ROOT")
    if root:
        return root
    return os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def load(model_path=None, cycle_path=None):
    model_path = model_path or os.path.join(source_root(), "src", "model", "presets",
                                            "particle.json")
    cycle_path = cycle_path or os.path.join(HERE, "particle_cycle.json")
    with open(model_path, encoding="utf-8") as f:
        model = json.load(f)
    with open(cycle_path, encoding="utf-8") as f:
        cycle = json.load(f)
    return ParticleRules(model), cycle


class ParticleRules:
    def __init__(self, model):
        closed_phases = {p["key"] for p in model["phases"] if "closed" in p.get("flags", [])}
        self.stages = [s["key"] for s in model["stages"]]
        self.index = {k: i for i, k in enumerate(self.stages)}
        self.closed = {}
        self.repeatable = {}
        self.ends_contact = {}
        for s in model["stages"]:
            flags = s.get("flags", [])
            self.closed[s["key"]] = "closed" in flags or s["phase"] in closed_phases
            self.repeatable[s["key"]] = "repeatable" in flags
            self.ends_contact[s["key"]] = "ends_contact" in flags
        self.contact = {a["key"]: "contact" in a.get("flags", []) for a in model["actions"]}
        self.reasons = {r["key"]: r for r in model["reasons"]}

    def target(self, step):
        """The stage a step moves to (a reason chooses it when the step names none)."""
        if step.get("stage"):
            return step["stage"]
        return self.reasons[step["reason"]]["stage"]

    def allowed(self, src, dst, action, outcome, reason):
        if self.contact[action] and self.ends_contact[src]:
            return False
        i, j = self.index[src], self.index[dst]
        if outcome in ("progressing", "go_back"):
            if self.closed[dst]:
                return False
            if self.closed[src]:
                return True
            if outcome == "progressing":
                return j > i or (j == i and self.repeatable[dst])
            return j < i
        if outcome in ("exiting", "problem"):
            r = self.reasons.get(reason)
            return (self.closed[dst] and r is not None and outcome in r["outcomes"]
                    and r.get("stage", dst) == dst)
        if outcome in ("no_change", "no_contact"):
            return i == j
        return False

    def counts_entry(self, src, dst, outcome):
        return self.repeatable[dst] and (src != dst or outcome == "progressing")


class Lead:
    """The object pytransitions drives: its stage and its stage counters."""

    def __init__(self, rules):
        self.rules = rules
        self.counts = {}

    def guard(self, event):
        k = event.kwargs
        return self.rules.allowed(event.transition.source, event.transition.dest,
                                  k["action"], k["outcome"], k.get("reason"))

    def entered(self, event):
        src, dst = event.transition.source, event.transition.dest
        if self.rules.counts_entry(src, dst, event.kwargs["outcome"]):
            self.counts[dst] = self.counts.get(dst, 0) + 1


def machine_for(lead, initial):
    """One trigger per destination stage (`move_<stage>`), from any stage,
    guarded: the cheapest dispatch pytransitions offers for a chosen target."""
    rules = lead.rules
    m = Machine(model=lead, states=rules.stages, initial=initial, auto_transitions=False,
                send_event=True)
    for dst in rules.stages:
        m.add_transition("move_" + dst, source="*", dest=dst, conditions="guard",
                         after="entered")
    return m


def count(text):
    """A count as the C programs take it: 1000, 10k, 1m."""
    t = text.strip().lower()
    mult = {"k": 1000, "m": 1000000}.get(t[-1:], 1)
    value = int(t[:-1] if mult > 1 else t) * mult
    if value <= 0:
        raise ValueError(text)
    return value


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(bench, name, side, rep, n, seconds, **extra):
    line = {"bench": bench, "name": name, "side": side, "rep": rep, "n": n,
            "seconds": seconds, "ops_per_s": n / seconds if seconds > 0 else 0.0,
            "peak_rss_kib": peak_rss_kib()}
    line.update(extra)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
