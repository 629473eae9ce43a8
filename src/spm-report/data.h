/* spm-report's input: the streams it reads (actuals, progress, scores, payouts: data.c)
 * and the side files of feedback (catalog, self: sidefiles.c), as rows of numbers kept as
 * written and names stored once. Part of spm-report.h. */
#ifndef SPM_REPORT_DATA_H
#define SPM_REPORT_DATA_H

#include "arena.h"
#include "decimal.h"
#include "goals.h"
#include "period.h"
#include "progress.h"
#include "stream.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NONE SIZE_MAX /* no name (an owner with no team, a row with no tier) */

/* ---- numbers as read ---- */

/* A number of a stream: its exact value and the decimals it was written with, so that it
 * is printed again exactly as it came. */
/* Packed to 18 bytes (2-byte aligned, not 16): a progress row holds ten of them, and a
 * report of 50,000 owners holds hundreds of thousands of rows. Never take &n.v. */
struct __attribute__((packed, aligned(2))) num {
	decimal v;
	signed char places; /* 0 .. DECIMAL_PLACES */
	bool has;           /* false: an empty field, a value that cannot be computed */
};

struct num num_of(decimal v, int places);
struct num num_none(void);
bool num_parse(const char *s, size_t len, struct num *out);
/* The number as the stream wrote it ("1.0534", "42000.00"); "" when it has no value. */
size_t num_text(struct num n, char *buf, size_t size);

/* ---- names ---- */

/* Every name of the input (owners, metrics, teams, tiers, plans, courses) is stored once
 * and known by its index. */
struct names {
	struct table *index; /* bytes → 1-based index */
	struct arena store;  /* the names' bytes, and the rows' own texts (payout details, score details) */
	char **s;
	size_t *len;
	size_t n, cap, len_cap;
};

size_t name_id(struct names *nm, const char *s, size_t len);
/* The index of a name already stored, or NONE. */
size_t name_find(const struct names *nm, const char *s, size_t len);
int name_cmp(const struct names *nm, size_t a, size_t b); /* byte order */

/* ---- the input streams ---- */

/* A report reads four streams of the core's (stream.h): STREAM_ACTUALS, STREAM_PROGRESS,
 * STREAM_SCORES and STREAM_PAYOUTS. */

struct where {
	const char *file;
	uint64_t line;
};

struct actual_row {
	size_t owner, metric;
	struct period period;
	struct num value;
	struct where at;
};

struct progress_row {
	size_t owner, metric;
	struct period period;
	struct num actual, target, attainment, expected, pace, projected, gap, weight;
	struct num days_elapsed, days_left;
	enum goal_status status;
	bool lower;
	size_t level; /* the level column (rep, team, manager, region), or NONE */
	struct where at;
};

struct detail_value {
	size_t metric;
	struct num value;
};

struct score_row {
	size_t owner, team, tier; /* team NONE when the scores are not grouped */
	size_t basis, level;      /* the basis and level columns ("pace", "rep"), or NONE */
	struct period period;
	struct num score, rank, percentile, prev_score, delta, prev_rank, streak;
	struct detail_value *detail; /* one per metric column: the clamped attainment */
	size_t ndetail;
	struct where at;
};

struct payout_row {
	size_t owner, plan, metric; /* metric "*": the total of the owner and period */
	struct period period;
	struct num actual, target, attainment, payout;
	char *detail;
	size_t detail_len;
	bool total;
	int8_t basis; /* enum payout_basis: final, estimate (the period runs), early; -1 when
		       * the stream has no basis column (an older spm-score's: read as before) */
	struct where at;
};

struct data {
	struct names names;
	struct actual_row *actual;
	struct progress_row *progress;
	struct score_row *score;
	struct payout_row *payout;
	size_t nactual, nprogress, nscore, npayout;
	size_t cap[STREAM_ID_COUNT];
	bool has[STREAM_ID_COUNT];
	bool scores_grouped; /* a team column */
	size_t group_word;   /* the name of the scores' group column ("team", "region"), or NONE */
	size_t total_metric; /* the name "*" */
	struct table *seen[STREAM_ID_COUNT]; /* key → first row: one row per key across all files */
	size_t nread;                      /* files read so far */
	size_t npayout_files, nadjust_files; /* payouts files read; those that are adjustments */
	/* the currency the actuals name (their currency column, spm-track --rates): one for
	 * all, or the run stops; its name, or NONE, and the row that named it first */
	size_t currency;
	struct where currency_at;
};

/* Every payouts input is an adjustments stream (spm-score --against: the columns paid and
 * recomputed), and there is at least one: no row then means nothing to adjust. */
bool adjustments_only(const struct data *d);

void data_init(struct data *d);
void data_free(struct data *d);
/* Reads one file ("-": standard input) of any spm stream, recognised by its header. The
 * first bad row exits 1 with FILE:LINE: COLUMN: message ("value"). */
void data_read(struct data *d, const char *path, int fiscal_start);

/* ---- side files ---- */

struct course {
	size_t metric;
	struct num below; /* attainment under which the course is recommended */
	char *title;
	size_t title_len;
};

struct catalog {
	struct course *course;
	size_t n, cap;
};

struct self_rating {
	size_t owner, metric; /* metric may be "score": the overall score */
	struct period period;
	int rating;           /* 1..5 */
	struct where at;
};

struct self_sheet {
	struct self_rating *r;
	size_t n, cap;
};

void catalog_read(struct catalog *c, struct names *nm, const char *path);
void catalog_free(struct catalog *c);
void self_read(struct self_sheet *s, struct names *nm, const char *path, int fiscal_start);
void self_free(struct self_sheet *s);

#endif
