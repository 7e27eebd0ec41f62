/* The backend registry: built-in schemes and the ones hosts register. */
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "core/versioned.h"
#include "store_internal.h"

#define SCHEME_MAX 32
/* Registered backends live in a fixed table so that a pointer handed out by
 * lc_storage_get() stays valid while the scheme is registered. */
#define REGISTRY_MAX 32

typedef struct entry {
	char scheme[SCHEME_MAX + 1];
	lc_storage vt;
	bool used;
} entry;

static entry registry[REGISTRY_MAX];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct slot_info {
	size_t offset;
	const char *name;
} slot_info;

#define SLOT(n) { offsetof(lc_storage, n), #n }
static const slot_info required_v1[] = {
	SLOT(open),           SLOT(close),           SLOT(begin),        SLOT(commit),
	SLOT(rollback),       SLOT(lead_get),        SLOT(lead_find),
	SLOT(lead_insert),    SLOT(lead_update),     SLOT(note_append),  SLOT(event_append),
	SLOT(event_iter_open), SLOT(event_iter_next), SLOT(lead_iter_open),
	SLOT(lead_iter_next), SLOT(iter_close),      SLOT(model_put),    SLOT(model_get),
	SLOT(model_latest),   SLOT(meta_get),        SLOT(meta_set),     SLOT(agent_put),
	SLOT(agent_list),     SLOT(unit_put),        SLOT(unit_list),    SLOT(member_set),
};
#undef SLOT

/* Bytes each vtable version defines: a slot appended in version N ends the
 * Nth entry. */
LC_STRUCT_DESC(storage_desc, lc_storage, LC_STORAGE_VERSION, LC_STORAGE_INIT,
	       LC_FIELD_END(lc_storage, savepoint), LC_FIELD_END(lc_storage, defer));

int lc_storage_init(lc_storage *st, unsigned int version)
{
	LC__ARG(st, "st");
	return lc__struct_init(&storage_desc, st, version, "lc_storage_init");
}

/* The PostgreSQL backend answers both schemes libpq's URIs use. */
static bool is_postgres(const char *scheme, size_t len)
{
	return (len == 8 && memcmp(scheme, "postgres", 8) == 0) ||
	       (len == 10 && memcmp(scheme, "postgresql", 10) == 0);
}

static bool builtin(const char *scheme, size_t len)
{
	return (len == 6 && memcmp(scheme, "sqlite", 6) == 0) ||
	       (len == 6 && memcmp(scheme, "memory", 6) == 0) || is_postgres(scheme, len);
}

static int check_scheme(const char *scheme)
{
	size_t n = strlen(scheme);

	if (n == 0 || n > SCHEME_MAX ||
	    !((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z')))
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = scheme[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '-' || c == '.'))
			goto bad;
	}
	return 0;
bad:
	return lc__error(LC_EINVAL,
			 "'%.40s' is not a valid scheme: use 1 to %d letters, digits, '+', '-' or "
			 "'.', starting with a letter",
			 scheme, SCHEME_MAX);
}

/* Copy the caller's vtable as far as its version reaches (later slots stay
 * NULL) and check that every required slot is set. */
static int copy_vtable(lc_storage *vt, const lc_storage *src)
{
	int rc;

	if ((rc = lc__struct_copy(&storage_desc, vt, src, "lc_storage_register")))
		return rc;
	for (size_t i = 0; i < LC_ARRAY_LEN(required_v1); i++) {
		void *const *slot = (void *const *)((const char *)vt + required_v1[i].offset);
		if (!*slot)
			return lc__error(LC_EINVAL,
					 "the backend's required slot '%s' is not set; every version-1 "
					 "slot but count_grouped, worklist and bulk_insert must be set",
					 required_v1[i].name);
	}
	return 0;
}

int lc_storage_register(const char *scheme, const lc_storage *vtable)
{
	lc_storage vt;
	int rc, free_slot = -1;

	LC__ARG(scheme, "scheme");
	LC__ARG(vtable, "vtable");
	if ((rc = check_scheme(scheme)) || (rc = copy_vtable(&vt, vtable)))
		return rc;
	if (builtin(scheme, strlen(scheme)))
		return lc__error(LC_EEXISTS, "the scheme '%s' is built in and cannot be replaced; "
					     "register your backend under another name",
				 scheme);
	pthread_mutex_lock(&registry_lock);
	for (int i = 0; i < REGISTRY_MAX; i++) {
		if (registry[i].used && strcmp(registry[i].scheme, scheme) == 0) {
			pthread_mutex_unlock(&registry_lock);
			return lc__error(LC_EEXISTS, "a backend is already registered as '%s'; "
						     "unregister it first",
					 scheme);
		}
		if (!registry[i].used && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		pthread_mutex_unlock(&registry_lock);
		return lc__error(LC_ENOMEM, "at most %d backends can be registered at once",
				 REGISTRY_MAX);
	}
	registry[free_slot].vt = vt;
	memcpy(registry[free_slot].scheme, scheme, strlen(scheme) + 1);
	registry[free_slot].used = true;
	pthread_mutex_unlock(&registry_lock);
	return 0;
}

int lc_storage_unregister(const char *scheme)
{
	int rc;

	LC__ARG(scheme, "scheme");
	if ((rc = check_scheme(scheme)))
		return rc;
	if (builtin(scheme, strlen(scheme)))
		return lc__error(LC_EINVAL, "the built-in scheme '%s' cannot be unregistered", scheme);
	pthread_mutex_lock(&registry_lock);
	for (int i = 0; i < REGISTRY_MAX; i++)
		if (registry[i].used && strcmp(registry[i].scheme, scheme) == 0) {
			registry[i].used = false;
			pthread_mutex_unlock(&registry_lock);
			return 0;
		}
	pthread_mutex_unlock(&registry_lock);
	return lc__error(LC_ENOTFOUND, "no backend is registered as '%s'", scheme);
}

const lc_storage *lc_storage_get(const char *scheme)
{
	const lc_storage *found = NULL;

	if (!scheme)
		return NULL;
	if (strcmp(scheme, "sqlite") == 0)
		return &lc__storage_sqlite;
#ifdef LC_HAVE_MEMORY_BACKEND
	if (strcmp(scheme, "memory") == 0)
		return &lc__storage_memory;
#endif
#ifdef LC_HAVE_POSTGRES_BACKEND
	if (is_postgres(scheme, strlen(scheme)))
		return &lc__storage_postgres;
#endif
	pthread_mutex_lock(&registry_lock);
	for (int i = 0; i < REGISTRY_MAX; i++)
		if (registry[i].used && strcmp(registry[i].scheme, scheme) == 0) {
			found = &registry[i].vt;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
	return found;
}

int lc__storage_lookup(const char *scheme, size_t len, lc_storage *out)
{
	if (len == 6 && memcmp(scheme, "sqlite", 6) == 0) {
		*out = lc__storage_sqlite;
		return 0;
	}
	if (len == 6 && memcmp(scheme, "memory", 6) == 0) {
#ifdef LC_HAVE_MEMORY_BACKEND
		*out = lc__storage_memory;
		return 0;
#else
		return lc__error(LC_EUNSUPPORTED,
				 "this build of leadcore has no memory backend; use sqlite::memory: "
				 "or :memory: instead");
#endif
	}
	if (is_postgres(scheme, len)) {
#ifdef LC_HAVE_POSTGRES_BACKEND
		*out = lc__storage_postgres;
		return 0;
#else
		return lc__error(LC_EUNSUPPORTED,
				 "this build of leadcore has no PostgreSQL backend (libpq was not "
				 "found when it was built; install libpq-dev and rebuild)");
#endif
	}
	pthread_mutex_lock(&registry_lock);
	for (int i = 0; i < REGISTRY_MAX; i++)
		if (registry[i].used && strlen(registry[i].scheme) == len &&
		    memcmp(registry[i].scheme, scheme, len) == 0) {
			*out = registry[i].vt;
			pthread_mutex_unlock(&registry_lock);
			return 0;
		}
	pthread_mutex_unlock(&registry_lock);
	return lc__error(LC_ENOTFOUND,
			 "no backend is registered for the scheme '%.*s'; use a path, sqlite:PATH, "
			 ":memory:, memory: or register the backend with lc_storage_register()",
			 (int)(len > 40 ? 40 : len), scheme);
}
