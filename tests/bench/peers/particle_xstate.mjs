// XState v5 peer of bench_engine's particle cycle: the same stage
// transitions with the same guard (tests/bench/peers/particle_model.py says
// the rules), in memory. Prints one JSON line per rep.
//
// usage: node particle_xstate.mjs [--n N] [--reps R] [--smoke]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assign, createActor, createMachine } from 'xstate';

const here = dirname(fileURLToPath(import.meta.url));
const root = process.env.LC_SOURCE_ROOT || resolve(here, '..', '..', '..');

// Counts as the C programs take them: 1000, 10k, 1m.
function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) return dflt;
  const m = /^(\d+)([km]?)$/i.exec(process.argv[i + 1]);
  if (!m) throw new Error(`${name}: '${process.argv[i + 1]}' is not a count (1000, 10k, 1m)`);
  return Number(m[1]) * ({ k: 1000, m: 1000000 }[m[2].toLowerCase()] || 1);
}
const smoke = process.argv.includes('--smoke');
const wanted = smoke ? 1000 : arg('--n', 1000000);
const reps = smoke ? 1 : arg('--reps', 1);

const model = JSON.parse(readFileSync(join(root, 'src', 'model', 'presets', 'particle.json'), 'utf8'));
const cycle = JSON.parse(readFileSync(join(here, 'particle_cycle.json'), 'utf8'));

const closedPhases = new Set(model.phases.filter((p) => (p.flags || []).includes('closed')).map((p) => p.key));
const stages = model.stages.map((s) => s.key);
const index = Object.fromEntries(stages.map((k, i) => [k, i]));
const flag = (s, f) => (s.flags || []).includes(f);
const closed = Object.fromEntries(model.stages.map((s) => [s.key, flag(s, 'closed') || closedPhases.has(s.phase)]));
const repeatable = Object.fromEntries(model.stages.map((s) => [s.key, flag(s, 'repeatable')]));
const endsContact = Object.fromEntries(model.stages.map((s) => [s.key, flag(s, 'ends_contact')]));
const contact = Object.fromEntries(model.actions.map((a) => [a.key, flag(a, 'contact')]));
const reasons = Object.fromEntries(model.reasons.map((r) => [r.key, r]));

function allowed(src, dst, ev) {
  if (contact[ev.action] && endsContact[src]) return false;
  const i = index[src];
  const j = index[dst];
  switch (ev.outcome) {
    case 'progressing':
    case 'go_back':
      if (closed[dst]) return false;
      if (closed[src]) return true;
      return ev.outcome === 'progressing' ? j > i || (j === i && repeatable[dst]) : j < i;
    case 'exiting':
    case 'problem': {
      const r = reasons[ev.reason];
      return closed[dst] && r !== undefined && r.outcomes.includes(ev.outcome) && (r.stage || dst) === dst;
    }
    case 'no_change':
    case 'no_contact':
      return i === j;
    default:
      return false;
  }
}

// Every stage takes `move.<stage>` to every stage, guarded; the action
// counts accepted moves and repeatable-stage entries in the context.
const states = {};
for (const src of stages) {
  const on = {};
  for (const dst of stages) {
    on[`move.${dst}`] = {
      target: dst,
      guard: ({ event }) => allowed(src, dst, event),
      actions: assign(({ context, event }) => {
        const counted = repeatable[dst] && (src !== dst || event.outcome === 'progressing');
        return {
          accepted: context.accepted + 1,
          checkIns: context.checkIns + (counted && dst === 'periodic_check_in' ? 1 : 0),
        };
      }),
    };
  }
  states[src] = { on };
}

const target = (s) => s.stage || reasons[s.reason].stage;
const events = cycle.steps.map((s) => ({ type: `move.${target(s)}`, action: s.action, outcome: s.outcome, reason: s.reason }));
const k = events.length;
const n = Math.max(k, wanted - (wanted % k));

const machine = createMachine({ id: 'lead', initial: cycle.start, context: { accepted: 0, checkIns: 0 }, states });
// Warm-up (untimed, whole cycles, a fresh actor): the timed run measures
// compiled code, as it would in a long-running service. Every side does the same.
{
  const warm = createActor(machine).start();
  const w = Math.max(k, Math.floor(n / 10 / k) * k);
  for (let i = 0; i < w; i++) warm.send(events[i % k]);
  warm.stop();
}

for (let rep = 0; rep < reps; rep++) {
  const actor = createActor(machine).start();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) actor.send(events[i % k]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const snap = actor.getSnapshot();
  actor.stop();
  const line = {
    bench: 'peers', name: 'particle_transitions', side: 'xstate', rep, n, seconds: secs,
    ops_per_s: secs > 0 ? n / secs : 0,
    // Node reports the peak resident set in KiB on Linux.
    peak_rss_kib: process.resourceUsage().maxRSS,
    accepted: snap.context.accepted, refused: n - snap.context.accepted,
    final_stage: snap.value, check_ins: snap.context.checkIns,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
}
