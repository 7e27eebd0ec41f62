/*
 * The memory backend ("memory:"): every required slot of the vtable over
 * plain arrays. It is the reference semantics for other backends, so it
 * stays simple: ids are array positions + 1, rows are only ever appended,
 * and a transaction keeps an undo log.
 *
 * - New rows (leads, events, models, metadata keys, agents, units) are
 *   appended; rollback cuts the arrays back to where the transaction began,
 *   as SQLite would give the same rowids again.
 * - The first time a transaction changes a stored lead, its state,
 *   bookkeeping and event chain are logged (all an apply changes); the first
 *   time it changes fields, lists or notes, the whole record is copied. The
 *   copy goes back in on rollback and into a pool of warm records on commit,
 *   so that a steady stream of applies allocates nothing.
 * - Metadata values, agent and unit names and memberships log their old
 *   values.
 *
 * Each open is a new, empty, private store; it lives until close. Nothing in
 * it is shared, so it needs no locks (a handle is used by one thread at a
 * time).
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "leadcore/sys/storage.h"

/* The axes a lead's state keeps, and the values an event's disposition chose. */
static const lc_axis state_axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_PHASE,
				      LC_AXIS_STAGE, LC_AXIS_LIFECYCLE };
static const lc_axis event_axes[] = { LC_AXIS_ACTION, LC_AXIS_MILESTONE, LC_AXIS_STATUS,
				      LC_AXIS_STAGE, LC_AXIS_REASON };

/* ---- growable arrays ---- */

static int grow(void *vp, size_t *cap, size_t need, size_t size)
{
	void **v = vp;
	size_t nc;
	void *nv;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	nv = lc__realloc(*v, nc * size);
	if (!nv)
		return LC_ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* ---- interned keys: state values are short model keys, so an event keeps
 * small ids instead of copies ---- */

/* Where a key sat in the model, per axis, when last restored
 * (lc_state_set_stored()). */
typedef struct khint {
	int32_t at[LC_AXIS_COUNT];
} khint;

typedef struct intern {
	char **str;   /* str[0] is unused: id 0 means "none" */
	khint *hints; /* parallel to str */
	size_t n, cap, cap_hints;
	uint32_t *slots; /* open addressing; 0 = empty */
	size_t nslots;
} intern;

static int intern_rehash(intern *t, size_t nslots)
{
	uint32_t *s = lc__calloc(nslots, sizeof *s);

	if (!s)
		return LC_ENOMEM;
	for (size_t id = 1; id < t->n; id++) {
		size_t i = hash_str(t->str[id]) & (nslots - 1);
		while (s[i])
			i = (i + 1) & (nslots - 1);
		s[i] = (uint32_t)id;
	}
	lc__free(t->slots);
	t->slots = s;
	t->nslots = nslots;
	return 0;
}

static int intern_get(intern *t, const char *key, uint32_t *id)
{
	uint64_t h;
	size_t i = 0;
	char *copy;
	int rc;

	*id = 0;
	if (!key)
		return 0;
	h = hash_str(key);
	if (t->nslots) {
		for (i = h & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
			if (strcmp(t->str[t->slots[i]], key) == 0) {
				*id = t->slots[i];
				return 0;
			}
	}
	if (t->n == 0) {
		if ((rc = grow(&t->str, &t->cap, 1, sizeof *t->str)))
			return rc;
		t->str[0] = NULL;
		t->n = 1;
	}
	if ((t->n + 1) * 2 > t->nslots &&
	    (rc = intern_rehash(t, t->nslots ? t->nslots * 2 : 64)))
		return rc;
	if ((rc = grow(&t->str, &t->cap, t->n + 1, sizeof *t->str)) ||
	    (rc = grow(&t->hints, &t->cap_hints, t->n + 1, sizeof *t->hints)))
		return rc;
	if (!(copy = lc__strdup(key)))
		return LC_ENOMEM;
	t->str[t->n] = copy;
	for (int a = 0; a < LC_AXIS_COUNT; a++)
		t->hints[t->n].at[a] = -1;
	for (i = h & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = (uint32_t)t->n;
	*id = (uint32_t)t->n++;
	return 0;
}

static const char *intern_str(const intern *t, uint32_t id)
{
	return id ? t->str[id] : NULL;
}

/* ---- external id index: keys are borrowed from the stored records, which
 * re-point them whenever a record's buffer changes ---- */

typedef struct xslot {
	const char *key;
	uint64_t hash;
	uint32_t lead; /* index + 1; 0 = empty */
} xslot;

typedef struct xindex {
	xslot *v;
	size_t nslots, n;
} xindex;

static uint32_t xfind(const xindex *x, const char *key)
{
	uint64_t h;

	if (!x->nslots || !key)
		return 0;
	h = hash_str(key);
	for (size_t i = h & (x->nslots - 1); x->v[i].lead; i = (i + 1) & (x->nslots - 1))
		if (x->v[i].hash == h && strcmp(x->v[i].key, key) == 0)
			return x->v[i].lead;
	return 0;
}

/* Make room for `n` keys; the only step of the index that can fail. */
static int xreserve(xindex *x, size_t n)
{
	size_t ns = x->nslots ? x->nslots : 64;
	xslot *v;

	while (n * 2 > ns)
		ns *= 2;
	if (ns == x->nslots)
		return 0;
	v = lc__calloc(ns, sizeof *v);
	if (!v)
		return LC_ENOMEM;
	for (size_t j = 0; j < x->nslots; j++)
		if (x->v[j].lead) {
			size_t i = x->v[j].hash & (ns - 1);
			while (v[i].lead)
				i = (i + 1) & (ns - 1);
			v[i] = x->v[j];
		}
	lc__free(x->v);
	x->v = v;
	x->nslots = ns;
	return 0;
}

/* Map key to lead (replacing its entry); room was reserved. */
static void xput(xindex *x, const char *key, uint32_t lead)
{
	uint64_t h;
	size_t i = 0;

	if (!key)
		return;
	h = hash_str(key);
	for (i = h & (x->nslots - 1); x->v[i].lead; i = (i + 1) & (x->nslots - 1))
		if (x->v[i].hash == h && strcmp(x->v[i].key, key) == 0)
			break;
	if (!x->v[i].lead)
		x->n++;
	x->v[i] = (xslot){ key, h, lead };
}

/* Remove key when it maps to lead (backward-shift deletion). */
static void xdel(xindex *x, const char *key, uint32_t lead)
{
	uint64_t h;
	size_t i, j, mask = x->nslots - 1;

	if (!key || !x->nslots)
		return;
	h = hash_str(key);
	for (i = h & mask; x->v[i].lead; i = (i + 1) & mask)
		if (x->v[i].hash == h && strcmp(x->v[i].key, key) == 0)
			break;
	if (!x->v[i].lead || x->v[i].lead != lead)
		return;
	x->v[i].lead = 0;
	x->n--;
	for (j = (i + 1) & mask; x->v[j].lead; j = (j + 1) & mask) {
		size_t home = x->v[j].hash & mask;
		/* Move j back into the hole unless its home lies in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			x->v[i] = x->v[j];
			x->v[j].lead = 0;
			i = j;
		}
	}
}

/* ---- the store ---- */

typedef struct mstate {
	uint32_t val[LC_AXIS_COUNT]; /* interned keys; 0 when unset */
	lc_time follow_up;
	lc_time completed_at;
	uint32_t flags;
	uint32_t counts;  /* offset into mem.counts: (stage key, count) pairs */
	uint32_t ncounts; /* pairs */
} mstate;

typedef struct mlead {
	lc_lead *rec; /* unbound: fields, lists, notes and bookkeeping */
	mstate st;
	uint32_t ev_first, ev_last; /* the lead's events: index + 1, 0 when none */
	uint64_t light;             /* the transaction that saved its state and bookkeeping */
	uint64_t saved;             /* the transaction that saved a copy of all of it */
} mlead;

typedef struct mevent {
	lc_id lead;
	int64_t seq;
	lc_time time;
	int64_t model_version;
	lc_time follow_up;
	int kind;
	int outcome;
	const char *text[3]; /* in the arena */
	uint32_t val[LC_AXIS_COUNT];
	mstate before, after;
	uint32_t next; /* the lead's next event: index + 1 */
} mevent;

typedef struct ablock {
	char *p;
	size_t size, used;
} ablock;

typedef struct party {
	char *name;
	bool active;
} party;

typedef struct member {
	lc_id unit, agent;
} member;

typedef struct mmodel {
	int64_t version;
	lc_time at;
	char *json;
} mmodel;

typedef struct mmeta {
	char *key;
	char *value; /* NULL: deleted */
} mmeta;

enum { U_LIGHT, U_LEAD, U_META, U_AGENT, U_UNIT, U_MEMBER_ADDED, U_MEMBER_REMOVED };

/* What an apply changes in a lead: its state, bookkeeping and event chain.
 * Saving only this keeps the hot path from copying the whole record. */
typedef struct light {
	mstate st;
	int64_t version;
	lc_time touched_at;
	bool recycled;
	uint32_t ev_first, ev_last;
} light;

typedef struct undo {
	int kind;
	size_t idx;
	light lt;    /* U_LIGHT */
	mlead *lead; /* U_LEAD: the lead as it was */
	char *str;   /* U_META: old value; U_AGENT, U_UNIT: old name */
	bool active;
	member mb;
} undo;

/* Array lengths (and the undo log's) when the transaction or the savepoint
 * began. */
typedef struct mark {
	size_t leads, events, counts, models, meta, agents, units, blocks, block_used, undo;
} mark;

typedef struct mem {
	mlead **leads;
	size_t nleads, cap_leads;
	mevent *events;
	size_t nevents, cap_events;
	uint32_t *counts;
	size_t ncounts, cap_counts;
	ablock *blocks; /* text of events */
	size_t nblocks, cap_blocks;
	intern keys;
	/* Recently interned keys by address: the model's keys and the core's
	 * scratch objects keep their addresses from one apply to the next. */
	struct {
		const char *p;
		uint32_t id;
	} pcache[256];
	xindex ext;
	mmodel *models;
	size_t nmodels, cap_models;
	mmeta *meta;
	size_t nmeta, cap_meta;
	party *agents;
	size_t nagents, cap_agents;
	party *units;
	size_t nunits, cap_units;
	member *members;
	size_t nmembers, cap_members;

	undo *undo;
	size_t nundo, cap_undo;
	mlead **pool; /* spare records, buffers warm */
	size_t npool, cap_pool;
	bool in_txn;
	uint64_t txn; /* a generation: a new one at each begin and savepoint */
	mark mk;
	bool in_sp;   /* the savepoint sp is set (the importer's row) */
	mark sp;
} mem;

typedef struct cursor {
	bool events;
	lc_id lead;         /* events: 0 for every lead */
	size_t pos;         /* events of every lead / leads: the next index */
	uint32_t next;      /* events of one lead: next index + 1 */
	lc_id after;
	const lc_query *q;
	size_t limit, emitted;
} cursor;

/* ---- arena for event texts ---- */

#define BLOCK_SIZE ((size_t)64 * 1024)

static const char *arena_put(mem *m, const char *s, int *rc)
{
	size_t n;
	ablock *b;

	*rc = 0;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	b = m->nblocks ? &m->blocks[m->nblocks - 1] : NULL;
	if (!b || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		char *p;
		if ((*rc = grow(&m->blocks, &m->cap_blocks, m->nblocks + 1, sizeof *m->blocks)))
			return NULL;
		if (!(p = lc__malloc(size))) {
			*rc = LC_ENOMEM;
			return NULL;
		}
		b = &m->blocks[m->nblocks++];
		*b = (ablock){ p, size, 0 };
	}
	memcpy(b->p + b->used, s, n);
	b->used += n;
	return b->p + b->used - n;
}

/* ---- states ---- */

/* intern_get() with a cache by address; a hit is checked by content, so a
 * reused address cannot give a wrong id. */
static int intern_fast(mem *m, const char *key, uint32_t *id)
{
	size_t h;
	int rc;

	if (!key) {
		*id = 0;
		return 0;
	}
	h = (((uintptr_t)key >> 3) ^ ((uintptr_t)key >> 11)) & (LC_ARRAY_LEN(m->pcache) - 1);
	if (m->pcache[h].p == key && strcmp(m->keys.str[m->pcache[h].id], key) == 0) {
		*id = m->pcache[h].id;
		return 0;
	}
	if ((rc = intern_get(&m->keys, key, id)))
		return rc;
	m->pcache[h].p = key;
	m->pcache[h].id = *id;
	return 0;
}

/* Counters read in one pass; a state with more is read one by one after them. */
#define MAX_COUNTS 32

/* A state read once through the public getters, so that comparing it and
 * keeping it read nothing twice. Its keys belong to the state or its model:
 * a snapshot lives for one backend call. */
typedef struct snap {
	const lc_state *s;
	const char *v[LC_AXIS_COUNT];
	lc_time follow_up, completed_at;
	uint32_t flags;
	size_t n; /* counters; only the first MAX_COUNTS are in the arrays */
	const char *names[MAX_COUNTS];
	size_t entries[MAX_COUNTS];
} snap;

static void snap_take(snap *sn, const lc_state *s)
{
	sn->s = s;
	if (!s)
		return;
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
		sn->v[state_axes[i]] = lc_state_get(s, state_axes[i]);
	sn->follow_up = lc_state_time(s, LC_STATE_TIME_FOLLOW_UP);
	sn->completed_at = lc_state_time(s, LC_STATE_TIME_COMPLETED_AT);
	sn->flags = lc_state_flags(s);
	sn->n = lc_state_sys_entries(s, 0, sn->names, sn->entries, MAX_COUNTS);
}

/* Whether snapshot sn holds what st keeps, compared by content: cheaper than
 * keeping it again, and an apply keeps states it already has (the event's
 * before is the lead's state; the lead's new state is the event's after).
 * `was`, when given, is a snapshot st was kept from in this same call: a key
 * at the same address as there is the same key, with no strcmp. */
static bool snap_same(const mem *m, const snap *sn, const mstate *st, const snap *was)
{
	if (!sn->s || sn->follow_up != st->follow_up || sn->completed_at != st->completed_at ||
	    sn->flags != st->flags || sn->n != st->ncounts || sn->n > MAX_COUNTS)
		return false;
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++) {
		lc_axis a = state_axes[i];
		const char *v = sn->v[a];
		uint32_t id = st->val[a];
		if (was && v == was->v[a])
			continue;
		if (id ? !v || strcmp(v, m->keys.str[id]) != 0 : v != NULL)
			return false;
	}
	for (size_t i = 0; i < sn->n; i++) {
		const uint32_t *pair = &m->counts[st->counts + 2 * i];
		if (pair[1] != sn->entries[i])
			return false;
		if (!(was && i < was->n && sn->names[i] == was->names[i]) &&
		    strcmp(sn->names[i], m->keys.str[pair[0]]) != 0)
			return false;
	}
	return true;
}

/* The id of the snapshot's value of axis a: the hint's when `was` (the
 * snapshot the hint was kept from in this call) has the same key there. */
static int snap_id(mem *m, const snap *sn, lc_axis a, const mstate *hint, const snap *was,
		   uint32_t *id)
{
	if (hint && was && sn->v[a] == was->v[a]) {
		*id = hint->val[a];
		return 0;
	}
	return intern_fast(m, sn->v[a], id);
}

/* Append the snapshot's stage counters to m->counts. */
static int snap_counts(mem *m, const snap *sn, mstate *st, const mstate *hint, const snap *was)
{
	int rc;

	st->counts = (uint32_t)m->ncounts;
	for (size_t i = 0; i < sn->n; i++) {
		const char *name = i < MAX_COUNTS ? sn->names[i] : NULL;
		size_t n = i < MAX_COUNTS ? sn->entries[i] : 0;
		uint32_t key;
		if (i >= MAX_COUNTS && lc_state_sys_entries(sn->s, i, &name, &n, 1) <= i)
			break;
		if (hint && was && i < was->n && i < hint->ncounts && i < MAX_COUNTS &&
		    name == was->names[i])
			key = m->counts[hint->counts + 2 * i];
		else if ((rc = intern_fast(m, name, &key)))
			return rc;
		if ((rc = grow(&m->counts, &m->cap_counts, m->ncounts + 2, sizeof *m->counts)))
			return rc;
		m->counts[m->ncounts++] = key;
		m->counts[m->ncounts++] = (uint32_t)n; /* a state keeps at most UINT32_MAX */
		st->ncounts++;
	}
	return 0;
}

/* Keep a snapshot: its values interned, its stage counts appended to
 * m->counts unless they equal those of `hint` (a state kept earlier), which
 * are shared; when it holds just what `hint` keeps, `hint` itself. `was`:
 * as for snap_same(). */
static int snap_save(mem *m, mstate *out, const snap *sn, const mstate *hint, const snap *was)
{
	mstate st;
	int rc;

	if (hint && snap_same(m, sn, hint, was)) {
		*out = *hint;
		return 0;
	}
	memset(&st, 0, sizeof st);
	st.follow_up = st.completed_at = LC_TIME_NONE;
	if (sn->s) {
		for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++)
			if ((rc = snap_id(m, sn, state_axes[i], hint, was, &st.val[state_axes[i]])))
				return rc;
		st.follow_up = sn->follow_up;
		st.completed_at = sn->completed_at;
		st.flags = sn->flags;
		if ((rc = snap_counts(m, sn, &st, hint, was)))
			return rc;
		if (st.ncounts && hint && hint->ncounts == st.ncounts &&
		    memcmp(&m->counts[hint->counts], &m->counts[st.counts],
			   2 * st.ncounts * sizeof *m->counts) == 0) {
			m->ncounts = st.counts;
			st.counts = hint->counts;
		}
	}
	*out = st;
	return 0;
}

static int state_save(mem *m, mstate *out, const lc_state *s, const mstate *hint)
{
	snap sn;

	snap_take(&sn, s);
	return snap_save(m, out, &sn, hint, NULL);
}

/* Restore a kept state into a state the core reset and bound to its model.
 * A lead's contact flags come from the record (which mirrors them), an
 * event's from what was kept. */
static int state_load(mem *m, lc_state *s, const mstate *st, bool flags)
{
	int rc;

	if (!s)
		return 0;
	/* The core hands over a reset state: what is unset stays so. */
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++) {
		uint32_t id = st->val[state_axes[i]];
		if (id && (rc = lc_state_set_stored(s, state_axes[i], intern_str(&m->keys, id),
							 &m->keys.hints[id].at[state_axes[i]])))
			return rc;
	}
	if ((st->follow_up != LC_TIME_NONE &&
	     (rc = lc_state_set_time(s, LC_STATE_TIME_FOLLOW_UP, st->follow_up))) ||
	    (st->completed_at != LC_TIME_NONE &&
	     (rc = lc_state_set_time(s, LC_STATE_TIME_COMPLETED_AT, st->completed_at))) ||
	    (flags && st->flags && (rc = lc_state_set_flags(s, st->flags))))
		return rc;
	for (uint32_t i = 0; i < st->ncounts; i++) {
		const uint32_t *pair = &m->counts[st->counts + 2 * i];
		if ((rc = lc_state_set_stored_entries(s, m->keys.str[pair[0]], pair[1],
							 &m->keys.hints[pair[0]].at[LC_AXIS_STAGE])))
			return rc;
	}
	return 0;
}

/* ---- records ---- */

/* What a stored record keeps: all but the state, which is kept interned. */
#define REC_PARTS (LC_STORAGE_PART_FIELDS | LC_STORAGE_PART_LISTS | LC_STORAGE_PART_NOTES)

static bool recycled(const lc_lead *rec)
{
	return ((uint32_t)lc_lead_number(rec, LC_LEAD_NUM_FLAGS) & LC_LEAD_RECYCLED) != 0;
}

/* Set a stored record's bookkeeping; its id and creation time stay. */
static void set_meta(lc_lead *rec, int64_t version, lc_time touched_at, bool is_recycled)
{
	/* Cannot fail: a stored record has an id and a version. */
	(void)lc_lead_sys_set_meta(rec, lc_lead_number(rec, LC_LEAD_NUM_ID), version, lc_lead_number(rec, LC_LEAD_NUM_CREATED_AT),
				   touched_at, is_recycled);
}

static mlead *pool_get(mem *m)
{
	mlead *ml;

	if (m->npool) {
		ml = m->pool[--m->npool];
		lc_lead_reset(ml->rec);
	} else {
		if (!(ml = lc__calloc(1, sizeof *ml)))
			return NULL;
		if (lc_lead_new(&ml->rec)) {
			lc__free(ml);
			return NULL;
		}
	}
	ml->ev_first = ml->ev_last = 0;
	ml->light = ml->saved = 0;
	memset(&ml->st, 0, sizeof ml->st);
	return ml;
}

static void mlead_free(mlead *ml)
{
	if (!ml)
		return;
	lc_lead_free(ml->rec);
	lc__free(ml);
}

/* Never fails: a record that does not fit in the pool is freed. */
static void pool_put(mem *m, mlead *ml)
{
	if (m->npool == m->cap_pool && grow(&m->pool, &m->cap_pool, m->npool + 1, sizeof *m->pool)) {
		mlead_free(ml);
		return;
	}
	m->pool[m->npool++] = ml;
}

static int undo_push(mem *m, undo u)
{
	int rc = grow(&m->undo, &m->cap_undo, m->nundo + 1, sizeof *m->undo);

	if (rc)
		return rc;
	m->undo[m->nundo++] = u;
	return 0;
}

/* What a change must be able to undo: rows older than the savepoint when
 * one is set, else than the transaction. */
static const mark *scope(const mem *m)
{
	return m->in_sp ? &m->sp : &m->mk;
}

static mark mark_now(const mem *m)
{
	return (mark){ m->nleads, m->nevents, m->ncounts, m->nmodels, m->nmeta, m->nagents,
		       m->nunits, m->nblocks, m->nblocks ? m->blocks[m->nblocks - 1].used : 0,
		       m->nundo };
}

/* Before the transaction first changes lead i, keep its state and
 * bookkeeping; before it first changes its fields, lists or notes (`full`),
 * keep a copy of the whole record. */
static int lead_save(mem *m, size_t i, bool full)
{
	mlead *cur = m->leads[i], *copy;
	int rc;

	if (!m->in_txn || i >= scope(m)->leads)
		return 0;
	if (cur->light != m->txn) {
		if ((rc = grow(&m->undo, &m->cap_undo, m->nundo + 1, sizeof *m->undo)))
			return rc;
		m->undo[m->nundo++] = (undo){
			.kind = U_LIGHT,
			.idx = i,
			.lt = { cur->st, lc_lead_number(cur->rec, LC_LEAD_NUM_VERSION), lc_lead_number(cur->rec, LC_LEAD_NUM_TOUCHED_AT),
				recycled(cur->rec), cur->ev_first, cur->ev_last },
		};
		cur->light = m->txn;
	}
	if (!full || cur->saved == m->txn)
		return 0;
	if ((rc = grow(&m->undo, &m->cap_undo, m->nundo + 1, sizeof *m->undo)))
		return rc;
	if (!(copy = pool_get(m)))
		return LC_ENOMEM;
	if ((rc = lc_lead_sys_copy(copy->rec, cur->rec, REC_PARTS))) {
		pool_put(m, copy);
		return rc;
	}
	copy->st = cur->st;
	copy->ev_first = cur->ev_first;
	copy->ev_last = cur->ev_last;
	cur->saved = m->txn;
	m->undo[m->nundo++] = (undo){ .kind = U_LEAD, .idx = i, .lead = copy };
	return 0;
}

static const char *ext_of(const mlead *ml)
{
	return lc_lead_text(ml->rec, LC_LEAD_EXTERNAL_ID);
}

static int find_lead(mem *m, lc_id id, size_t *i)
{
	if (id < 1 || (uint64_t)id > m->nleads)
		return lc__error(LC_ENOTFOUND, "there is no lead %lld", (long long)id);
	*i = (size_t)(id - 1);
	return 0;
}

/* Fill a record the core reset and bound: fields, lists, notes,
 * bookkeeping, state. */
static int fill_lead(mem *m, const mlead *ml, lc_lead *out)
{
	int rc = lc_lead_sys_copy(out, ml->rec, REC_PARTS);

	if (rc)
		return rc;
	return state_load(m, lc_lead_sys_state(out), &ml->st, false);
}

/* ---- transactions ---- */

static int mem_begin(void *be, int write)
{
	mem *m = be;

	(void)write;
	if (m->in_txn)
		return lc__error(LC_ESTATE, "the memory store already has a transaction open");
	m->in_txn = true;
	m->txn++;
	m->mk = mark_now(m);
	return 0;
}

static int mem_commit(void *be)
{
	mem *m = be;

	for (size_t i = 0; i < m->nundo; i++) {
		undo *u = &m->undo[i];
		if (u->kind == U_LEAD)
			pool_put(m, u->lead);
		else if (u->kind != U_LIGHT)
			lc__free(u->str);
	}
	m->nundo = 0;
	m->in_txn = false;
	m->in_sp = false;
	return 0;
}

static void member_remove(mem *m, lc_id unit, lc_id agent)
{
	for (size_t i = 0; i < m->nmembers; i++)
		if (m->members[i].unit == unit && m->members[i].agent == agent) {
			m->members[i] = m->members[--m->nmembers];
			return;
		}
}

/* Undo everything since mark `to` (the transaction's or the savepoint's):
 * leads inserted since go first, then every change in reverse order (a
 * change to a lead inserted since is moot), then the appended rows. */
static void undo_to(mem *m, const mark *to)
{
	while (m->nleads > to->leads) {
		mlead *ml = m->leads[--m->nleads];
		xdel(&m->ext, ext_of(ml), (uint32_t)m->nleads + 1);
		pool_put(m, ml);
	}
	while (m->nundo > to->undo) {
		undo *u = &m->undo[--m->nundo];
		if ((u->kind == U_LIGHT || u->kind == U_LEAD) && u->idx >= m->nleads) {
			if (u->kind == U_LEAD)
				pool_put(m, u->lead);
			continue;
		}
		switch (u->kind) {
		case U_LIGHT: {
			mlead *ml = m->leads[u->idx];
			ml->st = u->lt.st;
			set_meta(ml->rec, u->lt.version, u->lt.touched_at, u->lt.recycled);
			ml->ev_first = u->lt.ev_first;
			ml->ev_last = u->lt.ev_last;
			/* Its last event before the transaction ends its chain again. */
			if (ml->ev_last)
				m->events[ml->ev_last - 1].next = 0;
			break;
		}
		case U_LEAD: {
			mlead *live = m->leads[u->idx];
			xdel(&m->ext, ext_of(live), (uint32_t)u->idx + 1);
			xput(&m->ext, ext_of(u->lead), (uint32_t)u->idx + 1);
			/* Its last event before the transaction ends its chain again. */
			if (u->lead->ev_last)
				m->events[u->lead->ev_last - 1].next = 0;
			m->leads[u->idx] = u->lead;
			pool_put(m, live);
			break;
		}
		case U_META:
			lc__free(m->meta[u->idx].value);
			m->meta[u->idx].value = u->str;
			break;
		case U_AGENT:
			lc__free(m->agents[u->idx].name);
			m->agents[u->idx] = (party){ u->str, u->active };
			break;
		case U_UNIT:
			lc__free(m->units[u->idx].name);
			m->units[u->idx].name = u->str;
			break;
		case U_MEMBER_ADDED:
			member_remove(m, u->mb.unit, u->mb.agent);
			break;
		case U_MEMBER_REMOVED:
			/* The slot it left is still allocated. */
			m->members[m->nmembers++] = u->mb;
			break;
		}
	}
	m->nevents = to->events;
	m->ncounts = to->counts;
	while (m->nmodels > to->models)
		lc__free(m->models[--m->nmodels].json);
	while (m->nmeta > to->meta) {
		m->nmeta--;
		lc__free(m->meta[m->nmeta].key);
		lc__free(m->meta[m->nmeta].value);
	}
	while (m->nagents > to->agents)
		lc__free(m->agents[--m->nagents].name);
	while (m->nunits > to->units)
		lc__free(m->units[--m->nunits].name);
	while (m->nblocks > to->blocks)
		lc__free(m->blocks[--m->nblocks].p);
	if (m->nblocks)
		m->blocks[m->nblocks - 1].used = to->block_used;
}

static int mem_rollback(void *be)
{
	mem *m = be;

	if (!m->in_txn)
		return 0;
	undo_to(m, &m->mk);
	m->in_txn = false;
	m->in_sp = false;
	return 0;
}

/* The importer's mark a row: the undo log past the mark and the lengths at
 * it are what a rollback to it undoes. A new generation makes the changes
 * after the mark save what they overwrite again. */
static int mem_savepoint(void *be, int op)
{
	mem *m = be;

	if (!m->in_txn)
		return lc__error(LC_ESTATE, "a savepoint needs an open transaction");
	switch (op) {
	case LC_STORAGE_SAVEPOINT_BEGIN:
		m->sp = mark_now(m);
		m->in_sp = true;
		m->txn++;
		return 0;
	case LC_STORAGE_SAVEPOINT_RELEASE:
		/* The changes stay in the log, for the transaction's rollback. */
		m->in_sp = false;
		return 0;
	case LC_STORAGE_SAVEPOINT_ROLLBACK:
		if (m->in_sp)
			undo_to(m, &m->sp);
		m->in_sp = false;
		m->txn++;
		return 0;
	default:
		return lc__error(LC_EINVAL, "savepoint: unknown op %d", op);
	}
}

/* ---- open and close ---- */

static void mem_close(void *be)
{
	mem *m = be;

	if (!m)
		return;
	mem_rollback(m);
	for (size_t i = 0; i < m->nleads; i++)
		mlead_free(m->leads[i]);
	for (size_t i = 0; i < m->npool; i++)
		mlead_free(m->pool[i]);
	for (size_t i = 0; i < m->nblocks; i++)
		lc__free(m->blocks[i].p);
	for (size_t i = 1; i < m->keys.n; i++)
		lc__free(m->keys.str[i]);
	for (size_t i = 0; i < m->nmodels; i++)
		lc__free(m->models[i].json);
	for (size_t i = 0; i < m->nmeta; i++) {
		lc__free(m->meta[i].key);
		lc__free(m->meta[i].value);
	}
	for (size_t i = 0; i < m->nagents; i++)
		lc__free(m->agents[i].name);
	for (size_t i = 0; i < m->nunits; i++)
		lc__free(m->units[i].name);
	lc__free(m->leads);
	lc__free(m->events);
	lc__free(m->counts);
	lc__free(m->blocks);
	lc__free(m->keys.str);
	lc__free(m->keys.hints);
	lc__free(m->keys.slots);
	lc__free(m->ext.v);
	lc__free(m->models);
	lc__free(m->meta);
	lc__free(m->agents);
	lc__free(m->units);
	lc__free(m->members);
	lc__free(m->undo);
	lc__free(m->pool);
	lc__free(m);
}

static int mem_open(void **be, const char *location, const lc_db_options *opts, void *user_data)
{
	mem *m;

	(void)opts;
	(void)user_data;
	*be = NULL;
	if (location && location[0])
		return lc__error(LC_EINVAL,
				 "the memory backend takes no location ('memory:%.40s'): each open "
				 "of 'memory:' is a new, empty store",
				 location);
	if (!(m = lc__calloc(1, sizeof *m)))
		return LC_ENOMEM;
	*be = m;
	return 0;
}

/* ---- leads ---- */

static int mem_lead_get(void *be, lc_id id, lc_lead *out)
{
	mem *m = be;
	size_t i = 0;
	int rc = find_lead(m, id, &i);

	return rc ? rc : fill_lead(m, m->leads[i], out);
}

static int mem_lead_find(void *be, const char *external_id, lc_lead *out)
{
	mem *m = be;
	uint32_t at = xfind(&m->ext, external_id);

	if (!at)
		return lc__error(LC_ENOTFOUND, "there is no lead with external id '%.80s'",
				 external_id ? external_id : "(null)");
	return fill_lead(m, m->leads[at - 1], out);
}

static int mem_lead_find_many(void *be, lc_lead_text_field field, const char *const *keys,
			      size_t n, lc_id *ids)
{
	mem *m = be;

	for (size_t k = 0; k < n; k++) {
		ids[k] = 0;
		if (!keys[k])
			continue;
		if (field == LC_LEAD_EXTERNAL_ID) {
			ids[k] = xfind(&m->ext, keys[k]);
			continue;
		}
		for (size_t i = 0; i < m->nleads && !ids[k]; i++) {
			const char *v = lc_lead_text(m->leads[i]->rec, field);
			if (v && strcmp(v, keys[k]) == 0)
				ids[k] = (lc_id)i + 1;
		}
	}
	return 0;
}

static int ext_taken(const mem *m, const char *ext, uint32_t self)
{
	uint32_t at = xfind(&m->ext, ext);

	if (at && at != self)
		return lc__error(LC_EEXISTS, "the external id '%.80s' is taken by lead %lu",
				 ext, (unsigned long)at);
	return 0;
}

static int mem_lead_insert(void *be, lc_lead *lead)
{
	mem *m = be;
	const char *ext = lc_lead_text(lead, LC_LEAD_EXTERNAL_ID);
	uint32_t id;
	mlead *ml;
	int rc;

	if ((rc = ext_taken(m, ext, 0)))
		return rc;
	if ((rc = grow(&m->leads, &m->cap_leads, m->nleads + 1, sizeof *m->leads)) ||
	    (rc = xreserve(&m->ext, m->ext.n + 1)))
		return rc;
	if (!(ml = pool_get(m)))
		return LC_ENOMEM;
	id = (uint32_t)m->nleads + 1;
	if ((rc = lc_lead_sys_copy(ml->rec, lead, REC_PARTS)) ||
	    (rc = lc_lead_sys_set_id(ml->rec, id)) ||
	    (rc = state_save(m, &ml->st, lc_lead_state(lead), NULL))) {
		pool_put(m, ml);
		return rc;
	}
	ml->st.completed_at = lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION);
	m->leads[m->nleads++] = ml;
	xput(&m->ext, ext_of(ml), id);
	return lc_lead_sys_set_id(lead, id);
}

static int mem_lead_update(void *be, const lc_lead *lead, unsigned int parts)
{
	mem *m = be;
	size_t i = 0;
	mlead *ml;
	int rc;

	if ((rc = find_lead(m, lc_lead_number(lead, LC_LEAD_NUM_ID), &i)))
		return rc;
	if ((parts & LC_STORAGE_PART_FIELDS) &&
	    ((rc = ext_taken(m, lc_lead_text(lead, LC_LEAD_EXTERNAL_ID), (uint32_t)i + 1)) ||
	     (rc = xreserve(&m->ext, m->ext.n + 1))))
		return rc;
	if ((rc = lead_save(m, i, (parts & (LC_STORAGE_PART_FIELDS | LC_STORAGE_PART_LISTS)) != 0)))
		return rc;
	ml = m->leads[i];
	if (parts & LC_STORAGE_PART_FIELDS) {
		/* The index borrows the record's buffer, which the copy may move. */
		xdel(&m->ext, ext_of(ml), (uint32_t)i + 1);
		rc = lc_lead_sys_copy(ml->rec, lead, LC_STORAGE_PART_FIELDS);
		xput(&m->ext, ext_of(ml), (uint32_t)i + 1);
		if (rc)
			return rc;
	}
	if ((parts & LC_STORAGE_PART_LISTS) &&
	    (rc = lc_lead_sys_copy(ml->rec, lead, LC_STORAGE_PART_LISTS)))
		return rc;
	if (parts & LC_STORAGE_PART_STATE) {
		mstate st;
		/* Usually the state its last event ended in: share its counts. */
		const mstate *hint = ml->ev_last ? &m->events[ml->ev_last - 1].after : &ml->st;
		if ((rc = state_save(m, &st, lc_lead_state(lead), hint)))
			return rc;
		st.completed_at = lc_lead_date(lead, LC_LEAD_ACTUAL_COMPLETION);
		ml->st = st;
	}
	set_meta(ml->rec, lc_lead_number(lead, LC_LEAD_NUM_VERSION), lc_lead_number(lead, LC_LEAD_NUM_TOUCHED_AT), recycled(lead));
	return 0;
}

static int mem_note_append(void *be, lc_id lead, lc_time time, const char *author, const char *text)
{
	mem *m = be;
	size_t i = 0;
	int rc;

	if (!text)
		return lc__error(LC_EINVAL, "a shared note needs a text");
	if ((rc = find_lead(m, lead, &i)) || (rc = lead_save(m, i, true)))
		return rc;
	return lc_lead_sys_add_note(m->leads[i]->rec, time, author, text);
}

/* ---- events ---- */

static int mem_event_append(void *be, lc_event *ev)
{
	mem *m = be;
	mevent e;
	snap before, after;
	size_t i = 0;
	mlead *ml;
	int rc;

	if ((rc = find_lead(m, lc_event_number(ev, LC_EVENT_NUM_LEAD), &i)))
		return lc__error_prefix(rc, "an event must belong to a stored lead");
	if ((rc = grow(&m->events, &m->cap_events, m->nevents + 1, sizeof *m->events)))
		return rc;
	memset(&e, 0, sizeof e);
	e.lead = lc_event_number(ev, LC_EVENT_NUM_LEAD);
	e.seq = lc_event_number(ev, LC_EVENT_NUM_SEQ);
	e.time = lc_event_number(ev, LC_EVENT_NUM_TIME);
	e.model_version = lc_event_number(ev, LC_EVENT_NUM_MODEL_VERSION);
	e.follow_up = lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP);
	e.kind = (int)(lc_event_kind)lc_event_number(ev, LC_EVENT_NUM_KIND);
	e.outcome = (int)(lc_outcome)lc_event_number(ev, LC_EVENT_NUM_OUTCOME);
	for (int t = 0; t < 3; t++) {
		e.text[t] = arena_put(m, lc_event_text(ev, (lc_event_text_field)t), &rc);
		if (rc)
			return rc;
	}
	for (size_t a = 0; a < LC_ARRAY_LEN(event_axes); a++)
		if ((rc = intern_fast(m, lc_event_value(ev, event_axes[a]), &e.val[event_axes[a]])))
			return rc;
	snap_take(&before, lc_event_state(ev, 0));
	snap_take(&after, lc_event_state(ev, 1));
	if ((rc = snap_save(m, &e.before, &before, &m->leads[i]->st, NULL)) ||
	    (rc = snap_save(m, &e.after, &after, &e.before, &before)) ||
	    (rc = lead_save(m, i, false)))
		return rc;
	ml = m->leads[i];
	m->events[m->nevents] = e;
	if (ml->ev_last)
		m->events[ml->ev_last - 1].next = (uint32_t)m->nevents + 1;
	else
		ml->ev_first = (uint32_t)m->nevents + 1;
	ml->ev_last = (uint32_t)m->nevents + 1;
	m->nevents++;
	return lc_event_sys_set_id(ev, (lc_id)m->nevents);
}

static int mem_event_iter_open(void *be, lc_id lead, lc_id after, void **out)
{
	mem *m = be;
	cursor *c = lc__calloc(1, sizeof *c);

	*out = NULL;
	if (!c)
		return LC_ENOMEM;
	c->events = true;
	c->lead = lead;
	c->after = after > 0 ? after : 0;
	if (lead == 0)
		c->pos = (size_t)c->after;
	else if (lead > 0 && (uint64_t)lead <= m->nleads)
		c->next = m->leads[lead - 1]->ev_first;
	*out = c;
	return 0;
}

static int fill_event(mem *m, size_t i, lc_event *out)
{
	const mevent *e = &m->events[i];
	int rc;

	if ((rc = lc_event_sys_set_meta(out, (lc_id)i + 1, e->lead, e->seq, e->time,
					(lc_event_kind)e->kind, e->model_version,
					(lc_outcome)e->outcome, e->follow_up)))
		return rc;
	for (int t = 0; t < 3; t++)
		if ((rc = lc_event_sys_set_text(out, (lc_event_text_field)t, e->text[t])))
			return rc;
	for (size_t a = 0; a < LC_ARRAY_LEN(event_axes); a++)
		if ((rc = lc_event_sys_set_value(out, event_axes[a],
						 intern_str(&m->keys, e->val[event_axes[a]]))))
			return rc;
	if ((rc = state_load(m, lc_event_sys_state(out, 0), &e->before, true)))
		return rc;
	return state_load(m, lc_event_sys_state(out, 1), &e->after, true);
}

static int event_next(mem *m, cursor *c, lc_event *out)
{
	if (c->lead == 0) {
		if (c->pos >= m->nevents)
			return 0;
		int rc = fill_event(m, c->pos++, out);
		return rc ? rc : 1;
	}
	while (c->next && c->next <= m->nevents) {
		size_t i = c->next - 1;
		/* A link to an event that a rollback took away (its slot may
		 * hold another lead's event now) ends the walk. */
		if (m->events[i].lead != c->lead)
			return 0;
		c->next = m->events[i].next;
		if ((lc_id)i + 1 > c->after) {
			int rc = fill_event(m, i, out);
			return rc ? rc : 1;
		}
	}
	return 0;
}

static int mem_event_iter_next(void *be, void *cur, lc_event *out)
{
	return event_next(be, cur, out);
}

/* ---- lead queries ---- */

static bool text_eq(const char *want, const char *have)
{
	return have && strcmp(want, have) == 0;
}

static bool id_match(lc_id want, lc_id have)
{
	if (want == 0)
		return true;
	if (want == LC_QUERY_NONE)
		return have == 0;
	return want == have;
}

static bool in_window(lc_time t, lc_time from, lc_time to)
{
	return t != LC_TIME_NONE && (from == LC_TIME_NONE || t >= from) &&
	       (to == LC_TIME_NONE || t < to);
}

/* Every condition of the query but lc_query_invalid() (the core's) and paging. */
static bool matches(const mem *m, const lc_query *q, const mlead *ml)
{
	const lc_lead *r = ml->rec;
	lc_recycled_filter rf = lc_query_recycled(q);
	const char *key, *value;
	lc_time from, to;

	if ((rf == LC_RECYCLED_EXCLUDE && recycled(r)) || (rf == LC_RECYCLED_ONLY && !recycled(r)))
		return false;
	for (size_t i = 0; i < LC_ARRAY_LEN(state_axes); i++) {
		const char *want = lc_query_value(q, state_axes[i]);
		if (want && !text_eq(want, intern_str(&m->keys, ml->st.val[state_axes[i]])))
			return false;
	}
	for (int f = 0; f < LC_LEAD_TEXT_COUNT; f++) {
		const char *want = lc_query_text(q, (lc_lead_text_field)f);
		if (want && !text_eq(want, lc_lead_text(r, (lc_lead_text_field)f)))
			return false;
	}
	if (!id_match(lc_query_agent(q), lc_lead_number(r, LC_LEAD_NUM_AGENT)) ||
	    !id_match(lc_query_unit(q), lc_lead_number(r, LC_LEAD_NUM_UNIT)))
		return false;
	if (lc_query_follow_up(q, &from, &to) && !in_window(ml->st.follow_up, from, to))
		return false;
	if (lc_query_created(q, &from, &to) && !in_window(lc_lead_number(r, LC_LEAD_NUM_CREATED_AT), from, to))
		return false;
	key = lc_query_attribute(q, &value);
	if (key && !text_eq(value, lc_lead_attr_get(r, key)))
		return false;
	return true;
}

static int mem_lead_iter_open(void *be, const lc_query *q, void **out)
{
	cursor *c = lc__calloc(1, sizeof *c);
	lc_id after = 0;

	(void)be;
	*out = NULL;
	if (!c)
		return LC_ENOMEM;
	c->q = q;
	c->limit = lc_query_page(q, &after);
	c->pos = after > 0 ? (size_t)after : 0;
	*out = c;
	return 0;
}

static int mem_lead_iter_next(void *be, void *cur, lc_lead *out)
{
	mem *m = be;
	cursor *c = cur;

	if (c->limit && c->emitted >= c->limit)
		return 0;
	while (c->pos < m->nleads) {
		const mlead *ml = m->leads[c->pos++];
		if (c->q && !matches(m, c->q, ml))
			continue;
		if (!c->q && recycled(ml->rec))
			continue;
		c->emitted++;
		int rc = fill_lead(m, ml, out);
		return rc ? rc : 1;
	}
	return 0;
}

static void mem_iter_close(void *be, void *cur)
{
	(void)be;
	lc__free(cur);
}

/* ---- models ---- */

static int mem_model_put(void *be, int64_t version, lc_time installed_at, const char *json)
{
	mem *m = be;
	char *copy;
	int rc;

	if (version >= 1 && (uint64_t)version <= m->nmodels)
		return lc__error(LC_EEXISTS, "model version %lld is already stored", (long long)version);
	if ((uint64_t)version != m->nmodels + 1)
		return lc__error(LC_EINVAL, "model versions are stored in order; the next is %lld, not %lld",
				 (long long)m->nmodels + 1, (long long)version);
	if (!json)
		return lc__error(LC_EINVAL, "a stored model needs its JSON");
	if ((rc = grow(&m->models, &m->cap_models, m->nmodels + 1, sizeof *m->models)))
		return rc;
	if (!(copy = lc__strdup(json)))
		return LC_ENOMEM;
	m->models[m->nmodels++] = (mmodel){ version, installed_at, copy };
	return 0;
}

static int mem_model_get(void *be, int64_t version, const char **json, lc_time *installed_at)
{
	mem *m = be;

	if (version < 1 || (uint64_t)version > m->nmodels)
		return lc__error(LC_ENOTFOUND, "the store has no model version %lld", (long long)version);
	*json = m->models[version - 1].json;
	if (installed_at)
		*installed_at = m->models[version - 1].at;
	return 0;
}

static int mem_model_latest(void *be, int64_t *version)
{
	*version = (int64_t)((mem *)be)->nmodels;
	return 0;
}

/* ---- metadata ---- */

static long meta_find(const mem *m, const char *key)
{
	for (size_t i = 0; i < m->nmeta; i++)
		if (strcmp(m->meta[i].key, key) == 0)
			return (long)i;
	return -1;
}

static int mem_meta_get(void *be, const char *key, const char **value)
{
	mem *m = be;
	long i = key ? meta_find(m, key) : -1;

	if (i < 0 || !m->meta[i].value)
		return lc__error(LC_ENOTFOUND, "the store has no metadata '%.64s'", key ? key : "(null)");
	*value = m->meta[i].value;
	return 0;
}

static int mem_meta_set(void *be, const char *key, const char *value)
{
	mem *m = be;
	long i;
	char *v = NULL;
	int rc;

	if (!key)
		return lc__error(LC_EINVAL, "a metadata key is needed");
	i = meta_find(m, key);
	if (i < 0 && !value)
		return 0;
	if (value && !(v = lc__strdup(value)))
		return LC_ENOMEM;
	if (i >= 0) {
		if (m->in_txn && (size_t)i < scope(m)->meta) {
			if ((rc = undo_push(m, (undo){ .kind = U_META, .idx = (size_t)i,
						       .str = m->meta[i].value }))) {
				lc__free(v);
				return rc;
			}
		} else {
			lc__free(m->meta[i].value);
		}
		m->meta[i].value = v;
		return 0;
	}
	if ((rc = grow(&m->meta, &m->cap_meta, m->nmeta + 1, sizeof *m->meta)))
		goto fail;
	if (!(m->meta[m->nmeta].key = lc__strdup(key))) {
		rc = LC_ENOMEM;
		goto fail;
	}
	m->meta[m->nmeta++].value = v;
	return 0;
fail:
	lc__free(v);
	return rc;
}

/* ---- agents and units ---- */

static int party_put(mem *m, party **v, size_t *n, size_t *cap, size_t mark_n, lc_id *id,
		     const char *name, bool active, int kind, const char *what)
{
	char *copy;
	int rc;

	if (!name || !id)
		return lc__error(LC_EINVAL, "the %s needs a name", what);
	for (size_t i = 0; i < *n; i++)
		if ((lc_id)i + 1 != *id && strcmp((*v)[i].name, name) == 0)
			return lc__error(LC_EEXISTS, "the %s name '%.80s' is taken", what, name);
	if (*id != 0 && (*id < 0 || (uint64_t)*id > *n))
		return lc__error(LC_ENOTFOUND, "there is no %s %lld", what, (long long)*id);
	if (*id == 0 && (rc = grow(v, cap, *n + 1, sizeof **v)))
		return rc;
	if (!(copy = lc__strdup(name)))
		return LC_ENOMEM;
	if (*id == 0) {
		(*v)[*n] = (party){ copy, active };
		*id = (lc_id)++(*n);
		return 0;
	}
	party *p = &(*v)[*id - 1];
	if (m->in_txn && (size_t)(*id - 1) < mark_n) {
		if ((rc = undo_push(m, (undo){ .kind = kind, .idx = (size_t)(*id - 1),
					       .str = p->name, .active = p->active }))) {
			lc__free(copy);
			return rc;
		}
	} else {
		lc__free(p->name);
	}
	*p = (party){ copy, active };
	return 0;
}

static int mem_agent_put(void *be, lc_id *id, const char *name, int active)
{
	mem *m = be;
	return party_put(m, &m->agents, &m->nagents, &m->cap_agents, scope(m)->agents, id, name,
			 active != 0, U_AGENT, "agent");
}

static int mem_unit_put(void *be, lc_id *id, const char *name)
{
	mem *m = be;
	return party_put(m, &m->units, &m->nunits, &m->cap_units, scope(m)->units, id, name, true,
			 U_UNIT, "unit");
}

static bool is_member(const mem *m, lc_id unit, lc_id agent)
{
	for (size_t i = 0; i < m->nmembers; i++)
		if (m->members[i].unit == unit && m->members[i].agent == agent)
			return true;
	return false;
}

static int mem_agent_list(void *be, lc_id unit, lc_table *out)
{
	mem *m = be;
	int rc;

	if (unit != 0 && (unit < 0 || (uint64_t)unit > m->nunits))
		return lc__error(LC_ENOTFOUND, "there is no unit %lld", (long long)unit);
	for (size_t i = 0; i < m->nagents; i++)
		if ((unit == 0 || is_member(m, unit, (lc_id)i + 1)) &&
		    (rc = lc_table_sys_add_agent(out, (lc_id)i + 1, m->agents[i].name,
						m->agents[i].active)))
			return rc;
	return 0;
}

static int mem_unit_list(void *be, lc_id agent, lc_table *out)
{
	mem *m = be;
	int rc;

	if (agent != 0 && (agent < 0 || (uint64_t)agent > m->nagents))
		return lc__error(LC_ENOTFOUND, "there is no agent %lld", (long long)agent);
	for (size_t i = 0; i < m->nunits; i++)
		if ((agent == 0 || is_member(m, (lc_id)i + 1, agent)) &&
		    (rc = lc_table_sys_add_unit(out, (lc_id)i + 1, m->units[i].name)))
			return rc;
	return 0;
}

static int mem_member_set(void *be, lc_id unit, lc_id agent, int member_on)
{
	mem *m = be;
	bool now;
	int rc;

	if (unit < 1 || (uint64_t)unit > m->nunits)
		return lc__error(LC_ENOTFOUND, "there is no unit %lld", (long long)unit);
	if (agent < 1 || (uint64_t)agent > m->nagents)
		return lc__error(LC_ENOTFOUND, "there is no agent %lld", (long long)agent);
	now = is_member(m, unit, agent);
	if (now == (member_on != 0))
		return 0;
	if (m->in_txn && (rc = grow(&m->undo, &m->cap_undo, m->nundo + 1, sizeof *m->undo)))
		return rc;
	if (member_on) {
		if ((rc = grow(&m->members, &m->cap_members, m->nmembers + 1, sizeof *m->members)))
			return rc;
		m->members[m->nmembers++] = (member){ unit, agent };
	} else {
		member_remove(m, unit, agent);
	}
	if (m->in_txn)
		m->undo[m->nundo++] = (undo){ .kind = member_on ? U_MEMBER_ADDED : U_MEMBER_REMOVED,
					      .mb = { unit, agent } };
	return 0;
}

/* The built-in registration (src/store/registry.c). */
extern const lc_storage lc__storage_memory;
const lc_storage lc__storage_memory = {
	.version = LC_STORAGE_VERSION,
	.open = mem_open,
	.close = mem_close,
	.begin = mem_begin,
	.commit = mem_commit,
	.rollback = mem_rollback,
	.lead_get = mem_lead_get,
	.lead_find = mem_lead_find,
	.lead_insert = mem_lead_insert,
	.lead_update = mem_lead_update,
	.note_append = mem_note_append,
	.event_append = mem_event_append,
	.event_iter_open = mem_event_iter_open,
	.event_iter_next = mem_event_iter_next,
	.lead_iter_open = mem_lead_iter_open,
	.lead_iter_next = mem_lead_iter_next,
	.iter_close = mem_iter_close,
	.model_put = mem_model_put,
	.model_get = mem_model_get,
	.model_latest = mem_model_latest,
	.meta_get = mem_meta_get,
	.meta_set = mem_meta_set,
	.agent_put = mem_agent_put,
	.agent_list = mem_agent_list,
	.unit_put = mem_unit_put,
	.unit_list = mem_unit_list,
	.member_set = mem_member_set,
	.savepoint = mem_savepoint,
	.lead_find_many = mem_lead_find_many,
	/* count_grouped, worklist and bulk_insert: the core iterates. */
};
