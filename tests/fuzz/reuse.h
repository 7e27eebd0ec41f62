/*
 * A memory store reused across fuzz inputs: opening a store and installing a
 * model cost more than most inputs. After each input the wrapper backend
 * (tests/conformance/wrap.c) swaps in a fresh inner store that holds the
 * same model, which is what a new open and install would give. Renewing at
 * the end of an input frees what the input allocated, so that libFuzzer's
 * leak check (more mallocs than frees in one input) still means a leak.
 */
#ifndef LC_FUZZ_REUSE_H
#define LC_FUZZ_REUSE_H

#include "leadcore/leadcore.h"

/* The store for this input, with preset model PRESET (an index) installed
 * at time AT; opened on first use or after a dirty input. */
lc_db *fuzz_reused_open(size_t preset, lc_time at, const lc_db_options *opts);

/* The input is over. DIRTY: it changed what a renewal does not restore (a
 * model install), so the store is closed instead. A transaction left open
 * makes it dirty too. Aborts when the store cannot be renewed. */
void fuzz_reused_done(int dirty);

/* The number of presets the library ships. */
size_t fuzz_preset_count(void);
/* Preset PRESET, parsed once and kept (never freed). */
const lc_model *fuzz_preset(size_t preset);

#endif
