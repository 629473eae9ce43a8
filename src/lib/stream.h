/* The stream contract in code: every column of every stream spm reads or writes, its type,
 * and which streams require it. man/spm.7 (STREAMS) says the same; a test compares them.
 * Programs find their columns through stream_bind() and name no column as a literal. */
#ifndef SPM_STREAM_H
#define SPM_STREAM_H

#include "input.h"
#include "output.h"
#include "sbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

/* What a column holds; how a value of it is checked and printed. */
enum column_type {
	CT_TEXT,      /* an owner, a plan, a note: any bytes but TAB/LF (escaped) */
	CT_PERIOD,    /* a period label (spm.7 PERIODS) */
	CT_DATE,      /* a day, YYYY-MM-DD */
	CT_METRIC,    /* a metric name */
	CT_VALUE,     /* a number whose kind follows its metric: money, count or ratio */
	CT_MONEY,     /* an amount: every significant digit, at least two decimals */
	CT_COUNT,     /* a whole number */
	CT_RATIO,     /* a fraction such as an attainment, printed with 4 decimals */
	CT_SCORE,     /* a percentile, printed with 2 decimals (a score is a CT_RATIO) */
	CT_EXACT,     /* a decimal printed with as few decimals as keep it exact */
	CT_ENUM,      /* one word of a fixed list: status, direction, tier, level, rule... */
};

/* Every column name of every stream, once. */
enum column {
	COL_OWNER, COL_PERIOD, COL_METRIC, COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR,
	COL_TARGET, COL_WEIGHT, COL_CATEGORY, COL_DIRECTION,
	COL_ACTUAL, COL_ATTAINMENT, COL_EXPECTED, COL_PACE, COL_PROJECTED, COL_GAP, COL_STATUS,
	COL_DAYS_ELAPSED, COL_DAYS_LEFT, COL_LEVEL,
	COL_SCORE, COL_RANK, COL_PERCENTILE, COL_TIER, COL_TEAM, COL_PREV_SCORE, COL_DELTA,
	COL_PREV_RANK, COL_STREAK, COL_BASIS,
	COL_N, COL_PEARSON, COL_SPEARMAN, COL_STRENGTH, COL_TOP_MEAN, COL_BOTTOM_MEAN, COL_RATIO,
	COL_NOTE,
	COL_PLAN, COL_PAYOUT, COL_DETAIL, COL_PAID, COL_RECOMPUTED,
	COL_RULE, COL_LOWER, COL_UPPER, COL_RATE,
	COL_AGG, COL_COLUMN, COL_WHERE, COL_UNIT, COL_LABEL,
	COL_BELOW, COL_COURSE, COL_RATING,
	COL_REP, COL_MANAGER, COL_REGION, COL_ROLE, COL_INCENTIVE, COL_DRAW, COL_START, COL_END,
	COL_DATE,
	COL_CHANGE, COL_OLD_TARGET, COL_NEW_TARGET, COL_CHANGE_RATIO,
	COL_REPS, COL_OWN_TARGET, COL_WITH_GOAL, COL_COVERAGE, COL_DAYS, COL_WORKDAYS, COL_FILE,
	COL_CURRENCY, COL_BASE, COL_ITEM,
	COL_ID, COL_SHARE, COL_TYPE, COL_AMOUNT, COL_CLOSED, COL_CANCELLED, COL_DEAL_AMOUNT,
	COL_COUNT
};

/* Every stream of spm.7. */
enum stream_id {
	STREAM_ROSTER, STREAM_GOALS, STREAM_ACTUALS, STREAM_PROGRESS, STREAM_SCORES,
	STREAM_DRIVERS, STREAM_PAYOUTS, STREAM_METRICS, STREAM_PLAN, STREAM_CATALOG,
	STREAM_SELF, STREAM_HOLIDAYS, STREAM_GOAL_DIFF, STREAM_ROLLUP, STREAM_COVERAGE,
	STREAM_PERIODS, STREAM_SPLIT_INDEX, STREAM_RATES, STREAM_CREDITS,
	STREAM_REFUNDS, STREAM_REVERSALS, STREAM_PARTIAL,
	STREAM_ID_COUNT
};

struct stream_column {
	enum column column;
	bool required;
};

struct stream_def {
	const char *name;                     /* "progress" */
	const char *what;                     /* "a progress stream": for messages */
	const struct stream_column *columns;  /* in the order programs write them */
	size_t count;
	bool extra_columns;                   /* other columns are data (scores: one per metric) */
};

/* A column's name and type. The name is an array, so COLUMN_KEY(c) is a constant a static
 * table (a report's columns) may hold; everywhere else column_name(c) says the same. */
struct column_def {
	char name[16];
	enum column_type type;
};
extern const struct column_def stream_columns[COL_COUNT];
#define COLUMN_KEY(c) (stream_columns[(c)].name)

const struct stream_def *stream_def(enum stream_id s);
const char *column_name(enum column c);
enum column_type column_type(enum column c);
/* The column of that name, or COL_COUNT. */
enum column column_named(const char *name);

/* Where each column of a stream is in one file's header: -1 when absent. */
struct stream_binding {
	enum stream_id stream;
	long at[COL_COUNT];
};

/* Binds the stream's columns in h. needs lists the required columns this reader reads
 * (a subset of the stream's required columns: asking for an optional one is a programming
 * error and aborts); every other column of the stream is bound when present. A missing
 * needed column, or any column of the stream found twice, is reported as
 * "PROG: FILE:1: message (found: ...)" and exits 1; the message lists what the reader
 * needs. needs NULL: all required columns. */
void stream_bind(enum stream_id s, const struct header *h, const char *file,
		 const enum column *needs, size_t nneeds, struct stream_binding *b);
/* "PROG: FILE:1: the column 'NAME' (ROLE) appears twice in the header", exit 1: the one
 * message of a column name found twice wherever a column is bound by name (role NULL:
 * none). */
noreturn void stream_column_twice(const char *file, const char *name, const char *role);
/* The same, returning the message (written into msg, emptied first; the caller frees it)
 * instead of exiting; NULL if bound. */
const char *stream_try_bind(enum stream_id s, const struct header *h, const enum column *needs,
			    size_t nneeds, struct stream_binding *b, struct sbuf *msg);
/* The index of c in the bound header, or -1. */
static inline long stream_at(const struct stream_binding *b, enum column c)
{
	return b->at[c];
}
static inline bool stream_has(const struct stream_binding *b, enum column c)
{
	return b->at[c] >= 0;
}

/* Which stream a header is (the most specific whose telling columns it holds), among the
 * streams in the candidates list (NULL: any); -1 when none. */
int stream_detect(const struct header *h, const enum stream_id *candidates, size_t n);
/* When stream_detect finds none: the stream the header was most likely meant to be, the
 * candidate holding the most of its required columns if that is more than half of them
 * (binding it then names what is missing); -1 when none comes close. */
int stream_nearest(const struct header *h, const enum stream_id *candidates, size_t n);

/* Writes a header line: the named columns, tab-separated, then a newline. */
void stream_write_header(struct output *o, const enum column *cols, size_t n);
/* One column name (for headers built piece by piece), without separator. */
void stream_write_name(struct output *o, enum column c);

/* The basis column of a payouts line: what its figures are. final: the period is over, the
 * line pays its attainment; estimate: the period still runs at the as-of date, the line
 * pays the attainment so far (what the plan would pay were the period to end that day);
 * early: the period still runs and is too young to judge (spm-track's status early), the
 * amount is the attainment so far's and says next to nothing. A payouts file without the
 * column (older spm-score) has no basis: read as before. */
enum payout_basis { PAYOUT_FINAL, PAYOUT_ESTIMATE, PAYOUT_EARLY, PAYOUT_BASIS_COUNT };
extern const char *const payout_basis_names[PAYOUT_BASIS_COUNT]; /* "final", "estimate", "early" */
/* The basis of that word, or -1. */
int payout_basis_parse(const char *s, size_t len);

/* Actuals add up and compare in one currency only (spm-track --rates writes every amount
 * in its base currency; spm converts none): the message for a row whose currency column
 * names another than first (cut visibly past 60 bytes, escaped by diag when shown), appended to out, which file:line
 * named first. spm-track (merging actuals) and
 * spm-report (ranking and adding them) stop on it alike. */
void stream_currency_conflict(struct sbuf *out, const char *first, size_t first_len, const char *file,
			      uint64_t line);

#endif
