/* leadctl lead show: the lead as a person reads it. At the top, seed 001's
 * "current / next status": the values with their labels (a repeatable
 * stage with its entry number), the next stage or milestone from the model,
 * the follow-up planned with its action and how far off it is, the unit and
 * agent by name; then the other fields, times with their distance from now
 * and durations in days and hours. --json is lead_json() plus the same
 * facts as keys and names (raw times and seconds stay as they are). */
#include <stdlib.h>
#include <string.h>

#include "store.h"

static json_t *opt_key(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The model's next value after the lead's on an ordered axis, or NULL. */
static const char *next_value(const lc_lead *l, lc_axis axis)
{
	const lc_model *m = lc_lead_model(l);
	const char *key = lc_state_get(lc_lead_state(l), axis);
	size_t i, n;

	if (!key || lc_model_value_find(m, axis, key, &i) != 0 ||
	    lc_model_value_next(m, axis, i, &n) != 0)
		return NULL;
	return lc_model_value_key(m, axis, n);
}

/* The action recorded with the lead's follow-up: that of the last event
 * that set it (a disposition's action, or a workflow follow_up's). */
static const char *follow_up_action(lc_db *db, const lc_lead *l, char *buf, size_t cap)
{
	lc_time fu = lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP);
	lc_event_iter *it = NULL;
	const lc_event *ev;
	const char *found = NULL;

	if (fu == LC_TIME_NONE || lc_db_history(db, lc_lead_number(l, LC_LEAD_NUM_ID), &it) != 0)
		return NULL;
	while (lc_event_iter_next(it, &ev) == 1)
		if (lc_event_number(ev, LC_EVENT_NUM_FOLLOW_UP) == fu && lc_event_value(ev, LC_AXIS_ACTION)) {
			snprintf(buf, cap, "%s", lc_event_value(ev, LC_AXIS_ACTION));
			found = buf;
		}
	lc_event_iter_free(it);
	return found;
}

/* An agent's or unit's name, or NULL. */
static const char *party_name(lc_db *db, lc_id id, bool agent, char *buf, size_t cap)
{
	lc_table *t = NULL;
	const char *found = NULL;

	if (!id || (agent ? lc_db_agents(db, 0, &t) : lc_db_units(db, 0, &t)) != 0)
		return NULL;
	for (size_t i = 0; i < lc_table_row_count(t) && !found; i++)
		if (lc_table_int_named(t, i, "id") == id) {
			snprintf(buf, cap, "%s", lc_table_text_named(t, i, "name"));
			found = buf;
		}
	lc_table_free(t);
	return found;
}

json_t *lead_show_json(lc_db *db, const lc_lead *l)
{
	json_t *j = lead_json(db, l);
	char action[128], agent[256], unit[256];

	json_object_set_new(j, "next_milestone", opt_key(next_value(l, LC_AXIS_MILESTONE)));
	json_object_set_new(j, "next_stage", opt_key(next_value(l, LC_AXIS_STAGE)));
	json_object_set_new(j, "follow_up_action",
			    opt_key(follow_up_action(db, l, action, sizeof action)));
	json_object_set_new(j, "unit_name",
			    opt_key(party_name(db, lc_lead_number(l, LC_LEAD_NUM_UNIT), false, unit, sizeof unit)));
	json_object_set_new(j, "agent_name",
			    opt_key(party_name(db, lc_lead_number(l, LC_LEAD_NUM_AGENT), true, agent, sizeof agent)));
	return j;
}

/* A value's label; a value the model no longer knows is shown as stored. */
static const char *label_of(const lc_model *m, lc_axis axis, const char *key)
{
	size_t i;
	if (!key || lc_model_value_find(m, axis, key, &i) != 0)
		return key;
	return lc_model_value_label(m, axis, i);
}

static void value_line(const lc_lead *l, json_t *j, lc_axis axis)
{
	const lc_model *m = lc_lead_model(l);
	const char *key = lc_state_get(lc_lead_state(l), axis);
	json_t *n = json_object_get(json_object_get(j, "stage_counts"), key ? key : "");
	char name[32];

	if (!key)
		return;
	printf("%-20s %s", lc_axis_name(axis), label_of(m, axis, key));
	if (axis == LC_AXIS_STAGE && json_is_integer(n))
		printf(" %lld", (long long)json_integer_value(n));
	if (lc_model_value_find(m, axis, key, &(size_t){ 0 }) != 0)
		printf(" (not in model %s)", lc_model_name(m));
	putchar('\n');
	if (axis != LC_AXIS_STAGE && axis != LC_AXIS_MILESTONE)
		return;
	snprintf(name, sizeof name, "next %s", lc_axis_name(axis));
	key = json_string_value(json_object_get(j, axis == LC_AXIS_STAGE ? "next_stage"
									 : "next_milestone"));
	if (key && axis == LC_AXIS_STAGE && json_is_integer(n) &&
	    strcmp(key, lc_state_get(lc_lead_state(l), axis)) == 0)
		printf("%-20s %s %lld\n", name, label_of(m, axis, key),
		       (long long)json_integer_value(n) + 1);
	else
		printf("%-20s %s\n", name, key ? label_of(m, axis, key) : "none");
}

/* "in 3 d 7 h" / "overdue by 2 h" / "3 d ago": a time against now. */
static const char *distance(lc_time t, lc_time now, bool due, char *buf, size_t cap)
{
	char d[48];
	if (t > now)
		snprintf(buf, cap, "in %s", fmt_duration(t - now, d, sizeof d));
	else
		snprintf(buf, cap, due ? "overdue by %s" : "%s ago", fmt_duration(now - t, d, sizeof d));
	return buf;
}

static void header(lc_db *db, const lc_lead *l, json_t *j)
{
	static const lc_axis axes[] = { LC_AXIS_MILESTONE, LC_AXIS_STATUS, LC_AXIS_STAGE,
					LC_AXIS_PHASE, LC_AXIS_LIFECYCLE };
	lc_time fu = lc_state_time(lc_lead_state(l), LC_STATE_TIME_FOLLOW_UP);
	const char *action = json_string_value(json_object_get(j, "follow_up_action"));
	char t[LC_TIME_FORMAT_SIZE], far[64];

	printf("lead %lld (version %lld)\n", (long long)lc_lead_number(l, LC_LEAD_NUM_ID), (long long)lc_lead_number(l, LC_LEAD_NUM_VERSION));
	for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++)
		value_line(l, j, axes[i]);
	if (fu != LC_TIME_NONE)
		printf("%-20s %s%s%s (%s)\n", "follow-up",
		       action ? label_of(lc_lead_model(l), LC_AXIS_ACTION, action) : "",
		       action ? " on " : "", fmt_time(fu, t),
		       distance(fu, lc_db_now(db), true, far, sizeof far));
	else
		printf("%-20s none\n", "follow-up");
	if (lc_lead_number(l, LC_LEAD_NUM_UNIT))
		printf("%-20s %s (id %lld)\n", "unit", json_string_value(json_object_get(j, "unit_name")),
		       (long long)lc_lead_number(l, LC_LEAD_NUM_UNIT));
	if (lc_lead_number(l, LC_LEAD_NUM_AGENT))
		printf("%-20s %s (id %lld)\n", "agent", json_string_value(json_object_get(j, "agent_name")),
		       (long long)lc_lead_number(l, LC_LEAD_NUM_AGENT));
}

static bool in_header(const char *key)
{
	static const char *const keys[] = { "id", "version", "milestone", "status", "stage", "phase",
					    "lifecycle", "follow_up", "unit", "agent", "stage_counts",
					    "next_milestone", "next_stage", "follow_up_action",
					    "unit_name", "agent_name" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* A field's text: times with their distance from now, seconds as days and hours. */
static void field_line(const char *key, json_t *v, lc_time now)
{
	static const char *const seconds[] = { "estimated_completion_time", "time_to_completion",
					       "time_overdue" };
	static const char *const times[] = { "start", "expected_completion", "actual_completion",
					     "created_at", "touched_at" };
	char buf[64], d[48];
	lc_time t;

	for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++)
		if (strcmp(key, seconds[i]) == 0 && json_is_integer(v)) {
			json_int_t s = json_integer_value(v);
			printf("%-20s %s%s\n", key, s < 0 ? "-" : "",
			       fmt_duration(s < 0 ? -s : s, d, sizeof d));
			return;
		}
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		if (strcmp(key, times[i]) == 0 && lc_time_parse(json_string_value(v), &t) == 0) {
			if (strcmp(key, "created_at") == 0 && t <= now)
				snprintf(buf, sizeof buf, "age %s", fmt_duration(now - t, d, sizeof d));
			else
				distance(t, now, false, buf, sizeof buf);
			printf("%-20s %s (%s)\n", key, json_string_value(v), buf);
			return;
		}
	if (json_is_string(v)) {
		printf("%-20s %s\n", key, json_string_value(v));
		return;
	}
	{
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
		printf("%-20s %s\n", key, text ? text : "?");
		free(text);
	}
}

void lead_show(lc_db *db, const lc_lead *l, bool json)
{
	json_t *j = lead_show_json(db, l), *v;
	lc_time now = lc_db_now(db);
	const char *key;

	if (json) {
		print_json(j);
		return;
	}
	header(db, l, j);
	json_object_foreach(j, key, v) {
		if (in_header(key) || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0) ||
		    (json_is_object(v) && json_object_size(v) == 0))
			continue;
		field_line(key, v, now);
	}
	json_decref(j);
}
