/*
 * Shared helpers for the benchmark programs: a monotonic clock, peak RSS,
 * one JSON line per measurement, command-line sizes, and the particle
 * transition cycle that the peers (tests/bench/peers/) run too.
 *
 * Every program prints lines such as
 *   {"bench":"engine","name":"validate","side":"leadcore","rep":0,"n":1000000,
 *    "seconds":0.041,"ops_per_s":24390243.9,"peak_rss_kib":2048}
 * and tests/bench/report.py turns them into medians and ratios.
 */
#ifndef LC_BENCH_H
#define LC_BENCH_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <leadcore/leadcore.h>

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The process's peak resident set so far (getrusage reports KiB on Linux). */
static inline long bench_peak_rss_kib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss;
}

/* One measurement as one JSON line; `extra` is either NULL or more
 * `"key":value` pairs without the leading comma. Names are fixed ASCII, so
 * no escaping is needed. */
static inline void bench_emit(const char *bench, const char *name, const char *side, int rep,
			      int64_t n, double seconds, const char *extra)
{
	double ops = seconds > 0 ? (double)n / seconds : 0.0;
	printf("{\"bench\":\"%s\",\"name\":\"%s\",\"side\":\"%s\",\"rep\":%d,\"n\":%" PRId64
	       ",\"seconds\":%.9f,\"ops_per_s\":%.1f,\"peak_rss_kib\":%ld%s%s}\n",
	       bench, name, side, rep, n, seconds, ops, bench_peak_rss_kib(), extra ? "," : "",
	       extra ? extra : "");
	fflush(stdout);
}

/* Stop with a message naming what failed and leadcore's last error. */
#define BENCH_CHECK(expr)                                                                          \
	do {                                                                                       \
		int bench_rc_ = (expr);                                                            \
		if (bench_rc_ < 0) {                                                               \
			fprintf(stderr, "%s:%d: %s failed: %d %s\n", __FILE__, __LINE__, #expr,    \
				bench_rc_, lc_error_last() ? lc_error_last() : "");                \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

#define BENCH_FAIL(...)                                                                            \
	do {                                                                                       \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(1);                                                                           \
	} while (0)

/* Command line shared by every program:
 *   --n N        operations (or leads) per measurement
 *   --reps R     measurements per side (interleaved A B A B ...)
 *   --sizes a,b  store sizes for growth programs
 *   --only S     run one side only (leadcore or baseline): for peak RSS per side
 *   --case C     run one case of the program only (each program names its cases)
 *   --dir D      where store files go (default: the current directory)
 *   --smoke      tiny sizes, one rep: keeps the program building and running in CI */
typedef struct bench_args {
	int64_t n;
	int reps;
	const char *sizes;
	const char *only;
	const char *only_case;
	const char *dir;
	int smoke;
} bench_args;

static inline void bench_usage(const char *prog, const char *what)
{
	fprintf(stderr,
		"usage: %s [--n N] [--reps R] [--sizes a,b,...] [--only leadcore|baseline] "
		"[--case NAME] [--dir DIR] [--smoke]\n%s\n",
		prog, what);
}

static inline int64_t bench_parse_count(const char *s, const char *prog)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (end && (*end == 'k' || *end == 'K'))
		v *= 1000, end++;
	else if (end && (*end == 'm' || *end == 'M'))
		v *= 1000000, end++;
	if (!end || *end != '\0' || v <= 0) {
		fprintf(stderr, "%s: '%s' is not a positive count (e.g. 1000, 10k, 1m)\n", prog, s);
		exit(2);
	}
	return (int64_t)v;
}

static inline void bench_parse(bench_args *a, int argc, char **argv, const char *what)
{
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(k, "--smoke") == 0) {
			a->smoke = 1;
			continue;
		}
		if (strcmp(k, "--help") == 0 || strcmp(k, "-h") == 0) {
			bench_usage(argv[0], what);
			exit(0);
		}
		if (!v) {
			bench_usage(argv[0], what);
			exit(2);
		}
		if (strcmp(k, "--n") == 0)
			a->n = bench_parse_count(v, argv[0]);
		else if (strcmp(k, "--reps") == 0)
			a->reps = (int)bench_parse_count(v, argv[0]);
		else if (strcmp(k, "--sizes") == 0)
			a->sizes = v;
		else if (strcmp(k, "--only") == 0) {
			if (strcmp(v, "leadcore") != 0 && strcmp(v, "baseline") != 0) {
				bench_usage(argv[0], what);
				exit(2);
			}
			a->only = v;
		} else if (strcmp(k, "--case") == 0)
			a->only_case = v;
		else if (strcmp(k, "--dir") == 0)
			a->dir = v;
		else {
			bench_usage(argv[0], what);
			exit(2);
		}
		i++;
	}
}

/* Whether a side runs under --only. */
static inline int bench_side(const bench_args *a, const char *side)
{
	return !a->only || strcmp(a->only, side) == 0;
}

/* Whether a case runs under --case. */
static inline int bench_case(const bench_args *a, const char *name)
{
	return !a->only_case || strcmp(a->only_case, name) == 0;
}

/* The next size from a comma-separated list; returns 0 at the end. */
static inline int bench_next_size(const char **cursor, int64_t *out, const char *prog)
{
	const char *s = *cursor;
	if (!s || !*s)
		return 0;
	const char *comma = strchr(s, ',');
	size_t len = comma ? (size_t)(comma - s) : strlen(s);
	char buf[32];
	if (len == 0 || len >= sizeof buf) {
		fprintf(stderr, "%s: bad size list\n", prog);
		exit(2);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = bench_parse_count(buf, prog);
	*cursor = comma ? comma + 1 : s + len;
	return 1;
}

/* A store path under --dir, removed first (with its WAL files) so each run
 * starts empty. */
static inline void bench_path(char *buf, size_t size, const bench_args *a, const char *name)
{
	snprintf(buf, size, "%s/%s", a->dir ? a->dir : ".", name);
	char aux[4352];
	remove(buf);
	snprintf(aux, sizeof aux, "%s-wal", buf);
	remove(aux);
	snprintf(aux, sizeof aux, "%s-shm", buf);
	remove(aux);
	snprintf(aux, sizeof aux, "%s-journal", buf);
	remove(aux);
}

/* Median of a small array (sorted in place). */
static inline int bench_cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static inline double bench_median(double *v, size_t n)
{
	if (n == 0)
		return 0.0;
	qsort(v, n, sizeof *v, bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

#endif
