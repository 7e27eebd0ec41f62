/* structs: every versioned public struct is read and written at the size of
 * its version only. Each struct is placed at the very end of a page followed
 * by a page that may not be touched (mmap + mprotect), at the size its
 * version 1 defines, so that reading or writing one byte more crashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "leadcore/leadcore.h"
#include "leadcore/sys/storage.h"

/* The end of a field: the size of a struct version that ends with it. */
#define END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* Version 1 of each struct ends with these fields. */
#define ALLOCATOR_V1 END(lc_allocator, ud)
#define DB_OPTIONS_V1 END(lc_db_options, flags)
#define REPORT_OPTIONS_V1 END(lc_report_options, agent)
#define REPORT_OPTIONS_V2 END(lc_report_options, flags)
#define ASSIGN_OPTIONS_V1 END(lc_assign_options, nagents)
#define IMPORT_OPTIONS_V1 END(lc_import_options, max_rejects)
#define STORAGE_V1 END(lc_storage, savepoint)

typedef struct guarded {
	char *base;
	size_t page;
} guarded;

/* @p size bytes that end where the guard page starts. The size is rounded
 * up to the structs' alignment (8), as a caller's struct of that version
 * would be, so that the struct is aligned. */
static void *guard_alloc(guarded *g, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->base = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	assert_true(g->base != MAP_FAILED);
	assert_int_equal(mprotect(g->base + g->page, g->page, PROT_NONE), 0);
	assert_true(size <= g->page);
	return g->base + g->page - size;
}

static void guard_free(guarded *g)
{
	munmap(g->base, 2 * g->page);
}

static lc_db *open_store(const lc_db_options *opts)
{
	lc_db *db = NULL;
	lc_model *m = NULL;

	assert_int_equal(lc_db_open(&db, "memory:", opts), 0);
	assert_int_equal(lc_model_preset(&m, "leadmanager"), 0);
	assert_int_equal(lc_db_install_model(db, m, NULL), 0);
	lc_model_free(m);
	return db;
}

static void *hook_malloc(size_t n, void *ud)
{
	(void)ud;
	return malloc(n);
}
static void *hook_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	return realloc(p, n);
}
static void hook_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static void allocator_v1(void **state)
{
	guarded g;
	lc_allocator *a = guard_alloc(&g, ALLOCATOR_V1);
	(void)state;
	assert_int_equal(lc_allocator_init(a, 1), 0);
	assert_int_equal(a->version, 1);
	assert_null(a->malloc_fn);
	a->malloc_fn = hook_malloc;
	a->realloc_fn = hook_realloc;
	a->free_fn = hook_free;
	assert_int_equal(lc_set_allocator(a), 0);
	assert_int_equal(lc_set_allocator(NULL), 0);
	guard_free(&g);
}

static void db_options_v1(void **state)
{
	guarded g;
	lc_db_options *o = guard_alloc(&g, DB_OPTIONS_V1);
	lc_db *db;
	(void)state;
	assert_int_equal(lc_db_options_init(o, 1), 0);
	assert_int_equal(o->busy_timeout_ms, 5000);
	assert_int_equal(o->flags, LC_DB_CREATE);
	db = open_store(o);
	lc_db_close(db);
	guard_free(&g);
}

static void report_options_v1(void **state)
{
	guarded g;
	lc_report_options *o = guard_alloc(&g, REPORT_OPTIONS_V1);
	lc_db *db = open_store(NULL);
	lc_table *r = NULL;
	(void)state;
	assert_int_equal(lc_report_options_init(o, 1), 0);
	assert_true(o->from == LC_TIME_NONE);
	assert_int_equal(lc_report_followups(db, o, &r), 0);
	lc_table_free(r);
	assert_int_equal(lc_report_funnel(db, o, &r), 0);
	lc_table_free(r);
	assert_int_equal(lc_report_overdue(db, o, &r), 0);
	lc_table_free(r);
	lc_db_close(db);
	guard_free(&g);
}

/* Version 2 adds the filter and the flags. */
static void report_options_v2(void **state)
{
	guarded g;
	lc_report_options *o = guard_alloc(&g, REPORT_OPTIONS_V2);
	lc_db *db = open_store(NULL);
	lc_table *r = NULL;
	lc_axis axis = LC_AXIS_STATUS;
	(void)state;
	assert_int_equal(lc_report_options_init(o, 2), 0);
	assert_null(o->filter);
	o->flags = LC_REPORT_SUM_AMOUNT;
	assert_int_equal(lc_report_pipeline(db, &axis, 1, o, &r), 0);
	assert_int_equal(lc_table_column_find(r, "amount", &(size_t){ 0 }), 0);
	lc_table_free(r);
	lc_db_close(db);
	guard_free(&g);
}

static void assign_options_v1(void **state)
{
	guarded g;
	lc_assign_options *o = guard_alloc(&g, ASSIGN_OPTIONS_V1);
	lc_db *db = open_store(NULL);
	lc_table *a = NULL, *ag = NULL;
	(void)state;
	assert_int_equal(lc_assign_options_init(o, 1), 0);
	assert_int_equal(o->quota, 50);
	assert_int_equal(lc_assign(db, LC_TIME_NONE, o, &a, &ag), 0);
	lc_table_free(a);
	lc_table_free(ag);
	lc_db_close(db);
	guard_free(&g);
}

static void import_options_v1(void **state)
{
	static const char map_json[] = "{\"format\": 1, \"fields\": {\"name\": \"Name\"}}";
	static const char csv[] = "Name\nAnn\n";
	guarded g;
	lc_import_options *o = guard_alloc(&g, IMPORT_OPTIONS_V1);
	lc_db *db = open_store(NULL);
	lc_mapping *map = NULL;
	lc_table *res = NULL;
	(void)state;
	assert_int_equal(lc_import_options_init(o, 1), 0);
	assert_true(o->at == LC_TIME_NONE);
	assert_int_equal(lc_mapping_load_string(&map, map_json, "test"), 0);
	assert_int_equal(lc_import_buffer(db, csv, strlen(csv), map, o, &res), 0);
	lc_table_free(res);
	lc_mapping_free(map);
	lc_db_close(db);
	guard_free(&g);
}

/* Slots that are never called: registering only checks that they are set. */
static int never(void)
{
	return LC_EUNSUPPORTED;
}

static void storage_v1(void **state)
{
	guarded g;
	lc_storage *vt = guard_alloc(&g, STORAGE_V1);
	lc_storage full;
	(void)state;
	assert_int_equal(lc_storage_init(vt, 1), 0);
	assert_int_equal(vt->version, 1);
	assert_null(vt->bulk_insert);
	assert_null(vt->savepoint);
	/* Every slot of version 1 set to a function that is never called. */
	memset(&full, 0, sizeof full);
	for (size_t off = offsetof(lc_storage, open); off < STORAGE_V1; off += sizeof(void *)) {
		int (*fn)(void) = never;
		memcpy((char *)&full + off, &fn, sizeof fn);
	}
	full.version = 1;
	memcpy(vt, &full, STORAGE_V1);
	assert_int_equal(lc_storage_register("guarded", vt), 0);
	assert_non_null(lc_storage_get("guarded"));
	assert_int_equal(lc_storage_unregister("guarded"), 0);
	guard_free(&g);
}

/* Version 0 and versions newer than the library are refused by every
 * initialiser and every reader, with LC_EVERSION. */
static void versions_refused(void **state)
{
	lc_allocator a = LC_ALLOCATOR_INIT;
	lc_db_options dbo = LC_DB_OPTIONS_INIT;
	lc_report_options ro = LC_REPORT_OPTIONS_INIT;
	lc_assign_options ao = LC_ASSIGN_OPTIONS_INIT;
	lc_import_options io = LC_IMPORT_OPTIONS_INIT;
	lc_storage st = LC_STORAGE_INIT;
	lc_db *db = NULL;
	lc_table *r = NULL;
	(void)state;
	unsigned int bad[] = { 0, 99 };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(lc_allocator_init(&a, bad[i]), LC_EVERSION);
		assert_int_equal(lc_db_options_init(&dbo, bad[i]), LC_EVERSION);
		assert_int_equal(lc_report_options_init(&ro, bad[i]), LC_EVERSION);
		assert_int_equal(lc_assign_options_init(&ao, bad[i]), LC_EVERSION);
		assert_int_equal(lc_import_options_init(&io, bad[i]), LC_EVERSION);
		assert_int_equal(lc_storage_init(&st, bad[i]), LC_EVERSION);
		assert_non_null(strstr(lc_error_last(), "version"));
	}
	a.version = 2;
	a.malloc_fn = hook_malloc;
	a.realloc_fn = hook_realloc;
	a.free_fn = hook_free;
	assert_int_equal(lc_set_allocator(&a), LC_EVERSION);
	dbo.version = 0;
	assert_int_equal(lc_db_open(&db, "memory:", &dbo), LC_EVERSION);
	assert_null(db);
	db = open_store(NULL);
	ro.version = LC_REPORT_OPTIONS_VERSION + 1;
	assert_int_equal(lc_report_followups(db, &ro, &r), LC_EVERSION);
	assert_null(r);
	ao.version = 0;
	assert_int_equal(lc_assign(db, LC_TIME_NONE, &ao, NULL, NULL), LC_EVERSION);
	st.version = LC_STORAGE_VERSION + 1;
	assert_int_equal(lc_storage_register("future", &st), LC_EVERSION);
	assert_null(lc_storage_get("future"));
	lc_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocator_v1),      cmocka_unit_test(db_options_v1),
		cmocka_unit_test(report_options_v1),
		cmocka_unit_test(report_options_v2), cmocka_unit_test(assign_options_v1),
		cmocka_unit_test(import_options_v1), cmocka_unit_test(storage_v1),
		cmocka_unit_test(versions_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
