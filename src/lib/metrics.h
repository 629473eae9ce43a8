/* The metrics spm knows: the built-in deal metrics and the custom ones of a metrics file
 * (metric agg column where unit direction category label), with what each means for goals. */
#ifndef SPM_METRICS_H
#define SPM_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* Which way a metric (its default) or a goal counts: more is better, or less. */
enum goal_direction { DIRECTION_DEFAULT, DIRECTION_HIGHER, DIRECTION_LOWER };
/* "higher", "lower" or "" as written. */
const char *goal_direction_name(enum goal_direction d);
/* A direction column or option: "higher", "lower" or empty (DIRECTION_DEFAULT); false for
 * any other word. The one parser of the word, for every stream that has the column. */
bool goal_direction_parse(const char *s, size_t len, enum goal_direction *d);

enum agg { AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_DISTINCT };

enum builtin {
	M_WON_REVENUE, M_WON_DEALS, M_LOST_DEALS, M_WIN_RATE, M_AVG_DEAL, M_CYCLE_DAYS, M_PIPELINE,
	M_COVERAGE, /* pipeline ÷ the gap to the won_revenue goal: needs --goals */
	M_OVERLAY_REVENUE, M_OVERLAY_DEALS, /* overlay credit (spm-track --credits): its own family */
	M_CLAWBACK, M_CLAWBACK_DEALS, /* won revenue reversed, and reversals (spm-track clawbacks) */
	M_BUILTIN_COUNT, M_CUSTOM = M_BUILTIN_COUNT
};

struct condition {
	char *column;
	char *value;
	bool negate;
	long index; /* resolved per file */
};

struct metric {
	char *name;
	enum builtin builtin; /* M_CUSTOM for a metrics-file metric */
	enum agg agg;
	bool ratio;           /* value = numerator ÷ denominator: merges by its parts */
	int places;           /* decimals printed; -1: as exact as the value is */
	bool cumulative;      /* grows through a period (sums, counts), so goals are prorated */
	bool lower;           /* default direction: less is better (cycle_days) */
	char *column;         /* custom: the column aggregated */
	char *unit;           /* metrics file: money, ratio, count, ... ("" if none) */
	char *category;       /* metrics file: financial, activity, innovation, ... ("" if none) */
	char *label;          /* what people read: "Won revenue"; metrics file: its label column */
	struct condition *where;
	size_t nwhere;
	long index;           /* custom: resolved column index per file */
	size_t slot;          /* custom: its accumulator */
};

/* Every metric a run knows: the built-ins, then the metrics file's. */
struct metric_catalog {
	struct metric *all;
	size_t nall, cap;
};

extern const char *const builtin_metric_names[M_BUILTIN_COUNT];

/* The built-ins, then the metrics of path (NULL: none). A bad metrics file exits 1 with
 * FILE:LINE: COLUMN: message. */
void metric_catalog_load(struct metric_catalog *c, const char *path);
void metric_catalog_free(struct metric_catalog *c);
struct metric *metric_find(const struct metric_catalog *c, const char *name);

/* What people read for a metric: its label, or one made from its name ("new_logos" →
 * "New logos"), which *made then holds for the caller to free. */
const char *metric_label(const struct metric_catalog *c, const char *name, char **made);
char *label_from_name(const char *name);

/* Lowercase letters, digits and _; not empty. */
bool is_metric_name(const char *s);

#endif
