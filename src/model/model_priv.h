/*
 * Private to src/model: the JSON checker shared by the reader and the
 * builder, the problem list, the position locator and the embedded presets.
 * The engine reads model_internal.h only.
 */
#ifndef LC_MODEL_PRIV_H
#define LC_MODEL_PRIV_H

#include <jansson.h>

#include "model/model_internal.h"

/* Longest label and description a model value may carry. */
#define LC_MODEL_LABEL_MAX 256
#define LC_MODEL_DESCRIPTION_MAX 4096
/* Longest model name ([a-z0-9_-]+). */
#define LC_MODEL_NAME_MAX 64
/* Largest model text the reader accepts. */
#define LC_MODEL_TEXT_MAX ((size_t)16 << 20)

typedef struct lc_problem {
	uint32_t line;   /* 0 when unknown (builder) */
	uint32_t column; /* 0 when unknown */
	char *text;      /* "SOURCE:LINE:COLUMN: sentence" */
} lc_problem;

/* The problems of a model text (lc_model_check_string() gives them as a table). */
struct lc_model_problems {
	lc_problem *v;
	size_t n, cap;
};

void lc__problems_clear(struct lc_model_problems *p);
/* Appends a problem; returns LC_ENOMEM or 0. */
int lc__problems_add(struct lc_model_problems *p, uint32_t line, uint32_t column, char *text);
/* Sets the last error to LC_EFORMAT listing the problems (as many as fit). */
int lc__problems_raise(const struct lc_model_problems *p);

/* Position locator: maps JSON pointer paths ("/stages/2/phase") of a valid
 * JSON text to the line and column (1-based, in characters) of the member
 * name (for object members) and of the value. */
typedef struct lc_locator lc_locator;
int lc__locator_new(lc_locator **out, const char *text);
void lc__locator_free(lc_locator *loc);
/* Returns true when found; key positions are 0 for array elements. */
bool lc__locator_find(const lc_locator *loc, const char *path, uint32_t *kline, uint32_t *kcol,
		      uint32_t *vline, uint32_t *vcol);

/*
 * Check a parsed model document and build the model. `text` is the JSON it
 * came from (for positions), NULL for the builder. Problems are appended to
 * `probs`. Returns 0 (a model in *out), LC_EFORMAT (problems listed; the last
 * error is not set) or LC_ENOMEM.
 */
int lc__model_from_json(const json_t *root, const char *text, const char *source, lc_model **out,
			struct lc_model_problems *probs);

/* Parse text and check it (JSON syntax problems included). Same returns. */
int lc__model_check_text(const char *text, size_t len, const char *source, lc_model **out,
			 struct lc_model_problems *probs);

/* Names of flags (bit i -> name) and requirements, for the reader and the
 * writer. */
#define LC__FLAG_COUNT 16
extern const char *const lc__flag_names[LC__FLAG_COUNT];
extern const char *const lc__require_names[3];
/* JSON member name of each valued axis: "actions", "milestones", ..., "sources";
 * NULL for a record axis a model cannot list. */
extern const char *const lc__axis_plural[LC__AXIS_SLOTS];

/* Per-axis hash index over keys and labels. */
int lc__model_index_build(lc_model *m);
/* Like lc__model_find, and says whether the text matched the value's label
 * (rather than its key). First value wins when two share a text. */
int32_t lc__model_find_entry(const lc_model *m, lc_axis axis, const char *text, bool *is_label);

/* Rule sentences (m->rules), built once the model is complete. */
int lc__model_rules_build(lc_model *m);

/* Embedded presets, generated at build time from presets/<name>.json. */
typedef struct lc_preset {
	const char *name;
	const char *json;
} lc_preset;
extern const lc_preset lc__presets[];
extern const size_t lc__npresets;

#endif
