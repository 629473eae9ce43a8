/* spm-report: renders spm streams for people. The input streams (actuals, progress,
 * scores, payouts) are read into memory (data.c); a kind (leaderboard, progress,
 * scorecard, team, statement, feedback, review) turns them into a document of sections,
 * tables and sentences (doc.c, kind_*.c, feedback.c); a format writes the document as
 * text, Markdown, HTML, JSON, CSV or an xlsx workbook (render_*.c); split.c writes one file per owner. */
#ifndef SPM_REPORT_H
#define SPM_REPORT_H

#include "decimal.h"
#include "goals.h"
#include "metrics.h"
#include "number.h"
#include "output.h"
#include "period.h"
#include "progress.h"
#include "roster.h"
#include "scorecard.h"
#include "stream.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define NONE SIZE_MAX /* no name (an owner with no team, a row with no tier) */

/* ---- numbers as read ---- */

/* A number of a stream: its exact value and the decimals it was written with, so that it
 * is printed again exactly as it came. */
struct num {
	decimal v;
	int places;
	bool has; /* false: an empty field, a value that cannot be computed */
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

/* ---- options and the run ---- */

enum kind { K_LEADERBOARD, K_PROGRESS, K_SCORECARD, K_TEAM, K_STATEMENT, K_FEEDBACK, K_REVIEW, K_COUNT };
enum format { F_TEXT, F_MARKDOWN, F_HTML, F_JSON, F_CSV, F_XLSX, F_COUNT };

extern const char *const kind_names[K_COUNT];
extern const char *const format_names[F_COUNT];

struct report_options {
	enum kind kind;
	bool kind_set;
	enum format format;
	const char *output, *split_dir, *title, *period, *owner, *metric;
	const char *roster, *metrics, *goals, *catalog, *self, *tiers;
	enum level level;
	bool has_as_of;
	spm_day as_of;
	long top;            /* 0: every row */
	decimal attention;   /* a score under it needs attention */
	bool workdays, raw, color;
	const char *currency; /* --currency: xlsx money format */
	int fiscal_start;
	char **files;
	size_t nfiles;
};

/* How a metric reads to people. */
enum unit { U_PLAIN, U_COUNT, U_MONEY, U_PERCENT, U_MULTIPLE, U_DAYS };

struct metric_view {
	enum unit unit;
	bool cumulative; /* grows through the period: per-day figures make sense */
	bool lower;      /* less is better */
};

/* Everything a kind reads. */
struct report {
	const struct report_options *opt;
	struct data *data;
	struct names *names;
	struct metric_catalog metrics;
	struct roster roster;
	bool has_roster;
	struct goal_sheet goals;
	bool has_goals;
	struct catalog catalog;
	struct self_sheet self;
	struct tier_list tiers;   /* --tiers, parsed by the core as spm-score parses it */
	struct period *current;   /* the periods reported on: the latest of each grain */
	size_t ncurrent;
	size_t owner_filter;      /* --owner, or NONE */
	struct table *progress_at; /* (period, owner, metric) → 1-based progress row */
	struct table *score_at;    /* (period, owner) → 1-based score row */
	struct table *actual_at;   /* (period, owner, metric) → 1-based actual row */
	struct table *groups;      /* (period, metric or NONE, team) → struct group_values */
	size_t *by_owner;          /* progress row indexes grouped by owner, in file order */
	size_t *owner_first;       /* owner id → its first entry in by_owner (n + 1 entries) */
};

/* The values of a group in a period, sorted: attainments of a metric, or scores (metric
 * NONE) with the largest rise in score. Computed once, kept until report_free. */
struct group_values {
	decimal *v;
	size_t n;
	decimal max_delta;
	bool has_delta;
};

/* Sets up what every kind reads (indexes, current periods, tiers); report_free undoes it. */
void report_setup(struct report *r, enum stream_id primary);
void report_free(struct report *r);
/* The stream a kind reports from, among those given. */
enum stream_id primary_stream(const struct data *d, enum kind k);

struct metric_view metric_view(const struct report *r, size_t metric);
/* The group an owner is compared within: the roster's (--roster), else the scores' team
 * column for that period, else NONE (everyone together). */
size_t team_of(const struct report *r, size_t owner, struct period p);
bool is_current(const struct report *r, struct period p);
/* The current period of p's grain, if any. */
bool owner_wanted(const struct report *r, size_t owner);
/* A label for a period ("2017-Q3"). */
const char *period_label(struct period p, char buf[PERIOD_LABEL_SIZE]);

/* ---- the document ---- */

enum col_type { COL_TEXT, COL_NUMBER, COL_BAR, COL_SPARK };
/* Where a column is shown: in text, Markdown and HTML, in JSON and CSV, or both. */
enum { SHOW_HUMAN = 1, SHOW_DATA = 2, SHOW_ALL = 3 };

/* How a cell reads: its figures' tone colours text and HTML (never the only signal: the
 * status word or the figure is always printed too). */
enum tone { TONE_NONE, TONE_GOOD, TONE_ON, TONE_WARN, TONE_LOW };

struct doc_column {
	const char *key;   /* JSON and CSV name */
	const char *label; /* heading for people */
	enum col_type type;
	int show;
	bool whole; /* text: never cut in text tables (details, reasons) */
};

struct cell {
	enum unit unit;     /* numbers: how they read (U_PERCENT: a fraction as a percentage) */
	bool points;        /* a difference of fractions, shown in percentage points */
	bool sign;          /* a difference: + before a positive figure */
	char *text;         /* COL_TEXT, and numbers' words when no value ("") */
	size_t len;
	struct num num;     /* COL_NUMBER and COL_BAR */
	struct num *series; /* COL_SPARK: values in period order (no value: a gap) */
	size_t nseries;
	enum tone tone;
	bool strong;        /* a total row */
};

struct dtable {
	struct doc_column *col; /* its own copy: a kind may change its static table's flags per table */
	size_t ncol;
	struct cell *cell; /* row-major */
	size_t nrow, cap;
};

enum block_type { BLOCK_TABLE, BLOCK_NOTES, BLOCK_TEXT };

/* A note: one sentence of feedback or recognition, under a topic. */
enum topic { T_RECOGNITION, T_STRENGTH, T_IMPROVE, T_COMPARE, T_TRAINING, T_SELF, T_COUNT };
extern const char *const topic_keys[T_COUNT];
extern const char *const topic_labels[T_COUNT];

struct note {
	enum topic topic;
	size_t metric; /* or NONE */
	char *text;
	size_t len;
};

struct block {
	enum block_type type;
	const char *key;   /* JSON name */
	char *title;       /* heading for people, or NULL */
	struct dtable t;   /* BLOCK_TABLE */
	struct note *note; /* BLOCK_NOTES */
	size_t nnote, cap;
	char *text;        /* BLOCK_TEXT: a line for people (JSON: a string) */
};

/* Fields of a section: the first `ntitle` make its heading ("owner — period"), the rest
 * are shown under it; all go to JSON and CSV. */
struct section {
	size_t split;        /* the owner or group whose file it goes to (--split-dir), or NONE */
	struct dtable fields; /* one row */
	size_t ntitle;
	struct block *block;
	size_t nblock, cap;
};

struct doc {
	enum kind kind;
	const struct names *names; /* what notes' metrics are named by */
	char *title;
	char as_of[DATE_TEXT_SIZE]; /* "" when not given */
	struct section *section;
	size_t nsection, cap;
	char **footer; /* definitions used */
	size_t nfooter, footer_cap;
	bool json_flat; /* JSON: one object per row of the section's table, with its fields */
	bool csv_ok;    /* one table per section: CSV can hold it */
	char *empty;    /* the sentence for a document without a section, or NULL: "Nothing to report
			 * for the period." */
};

void doc_init(struct doc *d, enum kind kind, const char *title);
void doc_free(struct doc *d);
struct section *doc_section(struct doc *d, size_t split, const struct doc_column *fields, size_t nfields,
			    size_t ntitle);
void doc_footer(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The sentence for a document without a section. */
const char *doc_empty(const struct doc *d);

void dtable_init(struct dtable *t, const struct doc_column *col, size_t ncol);
size_t dtable_row(struct dtable *t);
struct cell *dtable_cell(struct dtable *t, size_t row, size_t col);
void dtable_free(struct dtable *t);

struct block *section_table(struct section *s, const char *key, const char *title, const struct doc_column *col,
			    size_t ncol);
struct block *section_notes(struct section *s, const char *key, const char *title);
struct block *section_text(struct section *s, const char *key, const char *title, const char *text);
void block_note(struct block *b, enum topic topic, size_t metric, const char *text, size_t len);

void set_text(struct cell *c, const char *s, size_t len);
void set_str(struct cell *c, const char *s);
void set_name(struct cell *c, const struct names *nm, size_t id);
void set_num(struct cell *c, struct num n, enum unit unit);
void set_series(struct cell *c, const struct num *v, size_t n);
struct cell *field(struct section *s, size_t col);

/* ---- words and figures ---- */

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sb_add(struct sbuf *b, const char *s, size_t len);
void sb_str(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct sbuf *b);

/* Figures as people read them: 42,000.00; 105.34 %; +4.20 pts; 3.20×. Exact: decimal
 * arithmetic, rounded half away from zero. */
void sb_grouped(struct sbuf *b, decimal v, int places);
void sb_percent(struct sbuf *b, decimal fraction);
void sb_points(struct sbuf *b, decimal fraction_difference, bool sign);
void sb_value(struct sbuf *b, struct num n, enum unit unit);
/* A cell as people read it ("" for no value). */
void sb_cell(struct sbuf *b, const struct cell *c);
/* "won revenue" for won_revenue. */
void sb_metric(struct sbuf *b, const struct names *nm, size_t metric);

/* ---- kinds ---- */

void build_leaderboard(struct report *r, struct doc *d);
void build_progress(struct report *r, struct doc *d);
void build_scorecard(struct report *r, struct doc *d);
void build_team(struct report *r, struct doc *d);
void build_statement(struct report *r, struct doc *d);
void build_feedback(struct report *r, struct doc *d);
void build_review(struct report *r, struct doc *d);

/* Progress rows of the current periods for the owners shown, by owner, period, metric. */
size_t *current_progress(const struct report *r, size_t *n);
/* The progress table's columns, and one goal as a row of it (the review shares them). */
const struct doc_column *progress_columns(size_t *n);
void progress_cells(const struct report *r, struct dtable *t, const struct progress_row *p);
/* Owners with rows of the primary stream in period p, shown by the report, in byte order. */
size_t *owners_in(const struct report *r, enum stream_id s, struct period p, size_t *n);
/* Payout rows of an owner in a period: lines by metric, the total last. */
size_t *payout_lines(const struct report *r, size_t owner, struct period p, size_t *n);
/* The statement's columns, and an owner's lines in a table: returns the total (the *
 * row's payout, else the sum of the lines, with *summed set). */
const struct doc_column *statement_columns(size_t *n);
struct num statement_table(const struct report *r, struct dtable *t, size_t owner, struct period p, bool *summed);

/* Feedback sentences for one owner and period, into a notes block (feedback.c). */
void owner_feedback(struct report *r, size_t owner, struct period p, struct block *notes);
/* Recognition across owners of a period (leaderboard, team). */
void period_recognition(struct report *r, struct period p, size_t team, struct block *notes);

/* ---- statistics over a period's rows (stats.c) ---- */

/* Median of n values (sorted in place); false when n is 0. */
bool median_of(decimal *v, size_t n, decimal *out);
bool median_sorted(const decimal *v, size_t n, decimal *out);
/* Ranks with ties sharing a rank (1, 2, 2, 4): rank[i] for value[i], best first. */
void rank_values(const decimal *v, size_t n, bool lower_is_better, size_t *rank);
/* Attainments of a metric in a period of the owners of a team (NONE: all), and scores
 * (metric NONE), sorted. */
const struct group_values *group_values(const struct report *r, size_t metric, struct period p, size_t team);
/* How many of the sorted values are below (above) x. */
size_t count_below(const struct group_values *g, decimal x);
size_t count_above(const struct group_values *g, decimal x);
const struct progress_row *progress_find(const struct report *r, size_t owner, size_t metric, struct period p);
const struct score_row *score_find(const struct report *r, size_t owner, struct period p);
/* The progress rows of an owner (indexes into data->progress); *n of them. */
const size_t *owner_progress(const struct report *r, size_t owner, size_t *n);
const struct actual_row *actual_find(const struct report *r, size_t owner, size_t metric, struct period p);
/* The n periods of p's grain up to p, oldest first. */
void last_periods(struct period p, size_t n, struct period *out);
/* The footer lines every kind shares: days, rounding, tiers, percentiles. */
void common_footer(const struct report *r, struct doc *d);
/* What a cumulative goal needs per remaining day and has done per day so far (a goal
 * kept under a ceiling: how much is left to use per day). No value where it makes no
 * sense: levels (ratios, averages), no day left, nothing left to do. */
struct daily {
	struct num needed, so_far;
};
struct daily daily_figures(const struct report *r, const struct progress_row *p);
/* A tone for an attainment and a status. */
enum tone status_tone(enum goal_status s);
enum tone attainment_tone(struct num attainment);

/* ---- rendering ---- */

struct render_options {
	enum format format;
	bool raw;   /* CSV and xlsx: no formula neutralisation */
	bool color; /* text: ANSI colours */
	const char *currency; /* xlsx: the money cells' currency code (--currency), or NULL */
};

/* Writes the sections `which` (n of them) of the document, with its title and footer. */
void render(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which, size_t n);
void render_text(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n);
void render_markdown(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_html(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_json(struct output *o, const struct doc *d, const size_t *which, size_t n);
void render_csv(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		size_t n);
/* A workbook (render_xlsx.c): refuses a terminal. */
void render_xlsx(struct output *o, const struct doc *d, const struct render_options *ro, const size_t *which,
		 size_t n);
/* Whether a column shows in this format. */
bool column_shown(const struct doc_column *c, enum format f);
/* The section's heading for people: its title fields joined with " — ". */
void sb_heading(struct sbuf *b, const struct section *s);
/* A bar's length in eighths of a cell for a fraction: 0..cells*8 for 0..1.5. */
long bar_eighths(struct num v, long cells);
/* A sparkline level 0..levels-1 of each value between the series' least and greatest
 * (-1: no value). */
void spark_levels(const struct num *v, size_t n, int levels, int *out);

/* The text of a cell as people see it, made visible (controls escaped) and cut to max
 * columns when max > 0 (with an ellipsis). Newly allocated. */
char *visible(const char *s, size_t len, size_t max, size_t *out_len);

/* --split-dir: one file per owner with a safe name (split.c). */
char *safe_file_name(const char *name, size_t len, const char *ext);
void write_split(const struct doc *d, const struct names *nm, const char *dir, const struct render_options *ro,
		 const char *index_path);

#endif
