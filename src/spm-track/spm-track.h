/* spm-track: CRM exports (CSV/TSV) to actuals, one row per owner, period and metric, and
 * progress against goals. Also reads its own actuals, so results of shards merge exactly.
 *
 * main.c reads the options and runs the job: each input file is read in chunks by
 * threads into tables of totals (groups.c: the groups, keyed by interned owner, period
 * and metric; actuals.c: the totals, owners and bad rows),
 * from a CRM export (export.c: column mapping, stages, deal and custom metrics) or from
 * actuals (merge.c: regrouping periods, merging ratios exactly); then write.c writes
 * actuals, or progress.c the progress against a goal sheet (--goals). */
#ifndef SPM_TRACK_H
#define SPM_TRACK_H

#include "decimal.h"
#include "goals.h"
#include "input.h"
#include "meter.h"
#include "metrics.h"
#include "number.h"
#include "output.h"
#include "period.h"
#include "reject.h"
#include "progress.h"
#include "roster.h"
#include "stream.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stages that mean won or lost unless --won/--lost say otherwise (case-insensitive). */
#define DEFAULT_WON_STAGES "Closed Won,Won,closedwon"
#define DEFAULT_LOST_STAGES "Closed Lost,Lost,closedlost"

/* ---- the columns of an export ---- */

/* The canonical columns of an export (--map, --rep ...): not a stream of spm.7 but the
 * CRM's own columns, found through the mapping. */
enum export_column { EXPORT_REP, EXPORT_DATE, EXPORT_AMOUNT, EXPORT_STAGE, EXPORT_CREATED, EXPORT_ID, EXPORT_COLUMNS };

/* ---- metrics ---- */

/* The metrics known, and those this run computes. */
struct metric_set {
	struct metric_catalog catalog;
	struct metric **selected;
	size_t nselected;
	size_t ncustom;
	bool any_ratio;
	bool coverage;         /* coverage is selected: won_revenue and pipeline are needed */
	bool needs[EXPORT_COLUMNS]; /* columns the selected metrics read */
};

/* ---- options ---- */

/* The owner of every row with --level all: the company. */
#define OWNER_ALL "all"

struct track_options {
	enum input_format format;
	char delimiter;            /* --delimiter C: CSV fields separated by C; 0: ',' */
	const char *by;            /* --by COLUMN: the owner is this export column */
	bool level_all;            /* --level all: one owner, all */
	const char *map;
	const char *column[EXPORT_COLUMNS];
	const char *won, *lost;
	const char *metrics, *metrics_file;
	enum grain grain;
	bool grain_set;
	const char *period, *from, *to;
	int fiscal_start;
	const char *date_format;
	enum decimal_style style;
	const char *roster;
	enum level level;
	bool level_set;
	const char *reject, *output;
	size_t threads;
	bool quiet;
	bool progress; /* --progress: the meter even off a terminal, and after --quiet */
	bool partial;  /* --partial: write a partial stream (write.c), to be merged later */
	/* progress against goals */
	const char *goals, *reject_goals, *holidays;
	spm_day as_of;
	bool workdays, all;
	struct status_thresholds thresholds;
	/* one version of each record (records.c) and currencies (currency.c) */
	const char *latest;        /* --latest COL */
	bool unique;               /* --unique */
	const char *currency, *rates, *base_currency; /* --currency, --rates, --base-currency */
	int rate_age;              /* --rate-age DAYS */
	enum decimal_rounding rounding; /* --rounding */
	const char *credits;       /* --credits FILE (credits.c) */
	/* clawbacks (clawback.c) */
	const char *cancelled;      /* --cancelled LIST (NULL: the defaults of --map) */
	const char *cancelled_date; /* --cancelled-date COL */
	const char *refunds;        /* --refunds FILE */
	const char *reversals;      /* --reversals FILE */
};

/* ---- the state of a run ---- */

struct range {
	bool limited;
	spm_day lo, hi; /* half-open [lo, hi) */
};

enum input_kind { INPUT_EXPORT, INPUT_ACTUALS };

/* A grain and a fiscal start month: the periods a goal or --grain counts in. Years,
 * halves and quarters exist both ways; months, weeks and days only once: 9 at most. */
#define MAX_CALENDARS 9
struct calendar {
	enum grain grain;
	int fiscal_start;
};

struct goal_plan;

/* What every chunk of one file shares: read-only while the threads run. */
struct job {
	const struct track_options *opt;
	struct metric_set *metrics;
	const struct roster *roster;
	struct range range;
	struct range span;        /* exports with --goals: the days the reported goals cover */
	char **won, **lost;
	size_t nwon, nlost;
	size_t *won_len, *lost_len;
	const char *file;
	const struct header *header;
	enum input_kind kind;
	long col[EXPORT_COLUMNS]; /* export columns, -1 if absent */
	struct stream_binding actuals; /* actuals input: where each column is */
	bool partial_input;       /* the actuals input is a partial stream (item column) */
	struct output *reject;
	/* Periods are counted in every calendar (grain and fiscal start) that a goal uses,
	 * or in the one of --grain; owners at every level a goal names, or at --level. */
	struct calendar cal[MAX_CALENDARS];
	size_t ncal;
	enum level level[LEVEL_COUNT];
	size_t nlevels;
	bool regroup;             /* actuals input: periods regrouped into the calendars */
	struct goal_plan *goals; /* NULL without --goals */
	struct meter *meter;     /* progress on standard error, or NULL */
	size_t file_index;       /* the input being read, 0.. */
	struct records *records; /* --latest/--unique: which rows survive (records.c); NULL: all */
	struct currency *currency; /* --rates: conversion to the base currency (currency.c) */
	struct credits *credits;   /* --credits: split and overlay credit by record id (credits.c) */
	struct clawback *clawback; /* cancelled stages, refunds, reversals (clawback.c) */
};

/* Accumulators for one owner and period of an export, in full: how they are read, and
 * kept for the few groups that outgrow a cell (totals.c). */
struct deal_totals {
	decimal won_revenue;
	decimal pipeline;
	decimal clawback;          /* reversed in this period (won_revenue is net of it) */
	decimal overlay_revenue;   /* --credits: overlay credit, kept out of won_revenue */
	int64_t won_deals, lost_deals;
	int64_t cycle_days, cycle_deals;
	int64_t clawback_deals;    /* reversals dated in this period */
	int64_t overlay_deals;
	/* a group's custom totals follow its cell, not this (deal_custom) */
};
/* the decimals first, then the counts: no padding */
_Static_assert(sizeof(struct deal_totals) == 4 * sizeof(decimal) + 6 * sizeof(int64_t), "deal_totals packed");

struct custom_totals {
	decimal sum, min, max;
	int64_t count;
};

/* A group's deal totals as kept (totals.c): a 32-byte cell, followed by one struct
 * custom_totals per custom metric; the groups whose totals outgrow a cell keep them in
 * full in their chunk's wide list. Read a cell with deal_totals_of. */
#define DEAL_CELL_SIZE 32
#define DEAL_CELL_ALIGN 8
struct wide_totals {
	struct wide_deal *e;
	size_t n, cap;
};

/* Accumulator for one owner, period and metric of an actuals input. */
struct actual_totals {
	decimal value, numerator, denominator;
	bool has_value, has_parts;
	bool in_currency; /* its rows named a currency (the run's one: actuals add up in one) */
};

/* A currency named by an actuals input, and where: the first one a chunk or the run met. */
struct currency_seen {
	char *code; /* NULL: none yet */
	size_t len;
	uint64_t line; /* in a chunk: from the chunk's start; in the run: in its file */
	char *file;    /* a copy: a file's name is gone once it is read */
};

struct tally {
	uint64_t read, used, rejected;
	uint64_t open_undated; /* open deals with no close date: in no period */
	uint64_t outside;      /* rows dated outside --from/--to/--period */
	uint64_t unneeded;     /* rows dated outside every reported goal's period */
	uint64_t after_as_of;  /* rows dated after --as-of */
	uint64_t superseded;   /* --latest: older versions of a record, skipped */
	uint64_t duplicates;   /* --latest/--unique: identical copies of a record, counted once */
	uint64_t converted;    /* --rates: amounts converted to the base currency */
	uint64_t credited;     /* --credits: deals credited by the credits file */
	uint64_t reversals;    /* clawbacks: cancellations, refunds and negative amounts counted */
	uint64_t reversals_outside; /* clawbacks dated outside the periods counted */
};

/* A bad row, kept to report it after the threads are done. */
struct problem {
	uint64_t line;
	const char *column;
	const char *message;
	/* the value's and the record id's (--id, to find it in the CRM) first bytes, which are
	 * all a message shows, and their whole lengths, which a message shows when it cuts */
	char value[SB_VALUE_HEAD];
	size_t value_len;
	bool has_value;
	struct sbuf detail; /* after the message: files, lines, a credited owner (any length) */
	char id[SB_VALUE_HEAD];
	size_t id_len;
};

/* A stage met and its state: STAGE_MEMO of them per chunk, by a hash of the text. */
#define STAGE_MEMO_BITS 6
#define STAGE_MEMO_TEXT 62
struct stage_memo {
	uint64_t word[3]; /* text_words of the text: compared first, and alone up to 24 bytes */
	uint8_t len;      /* the text's length + 1; 0: empty */
	uint8_t state : 7, cancelled : 1;
	char text[STAGE_MEMO_TEXT];
};

/* An owner met and its id in the chunk's groups, where owners are the rep column's bytes
 * and few (export.c): names of up to OWNER_MEMO_TEXT bytes, by a hash of them. */
#define OWNER_MEMO_BITS 11
#define OWNER_MEMO_TEXT TEXT_WORDS_EXACT
struct owner_memo {
	uint64_t word[3]; /* the name, as text_words reads it */
	uint32_t len;     /* 0: empty */
	uint32_t id;
};

/* One chunk's accumulators. */
struct chunk_state {
	const struct job *job;
	struct groups *groups;
	struct wide_totals wide; /* exports: the groups whose deal totals outgrew their cell */
	struct table *distinct; /* (metric slot, group index, value): the values of distinct counts */
	struct tally tally;
	struct problem problem;
	char *distinct_key;
	size_t distinct_key_cap;
	struct period_cache *periods;
	struct date_memo *dates;  /* ISO dates met, their days */
	struct stage_memo *stages; /* stages met, their states (export.c) */
	struct owner_memo *owners; /* owners met, their ids; NULL: not kept (export.c) */
	struct custom_value *custom; /* this row's values of the custom metrics */
	uint64_t line_offset;        /* --latest/--unique: the chunk's first line in its file */
	struct reversal_list *reversals; /* --reversals: the reversals counted, to write */
	struct reject_buffer *rejects; /* --reject: this chunk's bad rows, written in order after the scan */
	/* actuals with a currency column: the first currency, and the first other one (a
	 * conflict, told once the chunks are in order); the run's: has_currency_column */
	struct currency_seen currency, other_currency;
	bool has_currency_column;
	/* the owners of the rows shown ahead (export_ahead): each fetched in three steps, a few
	 * rows apart, before its row is read */
	struct owner_ahead {
		uint64_t hash;
		size_t owner; /* the guess of its id, or SIZE_MAX */
		spm_day close;
		bool dated;   /* close: the row's close date */
		/* the row it was (row.shown), and the bytes of its owner and close date: the
		 * row finds the owner's hash and the date here, not by reading them again */
		uint64_t shown;
		const char *name, *close_at;
		size_t len, close_len;
	} ahead[LINES_AHEAD];
	uint64_t ahead_lines; /* lines shown */
	uint64_t ahead_until; /* the rows read until then (tally.read) were shown first */
};

/* A custom metric's value in the row at hand, read once however many groups it feeds. */
struct custom_value {
	bool match;      /* the where conditions hold */
	bool has_value;  /* a non-empty value */
	decimal value;   /* sum, avg, min, max */
	const char *raw; /* distinct: the value's bytes */
	size_t raw_len;
};

/* Periods of recently seen days: computing a period takes calendar arithmetic, and an
 * export has few distinct dates (a few years' worth) among millions of rows. */
#define PERIOD_CACHE 4096
struct period_cache {
	spm_day day[PERIOD_CACHE];
	struct period period[PERIOD_CACHE][MAX_CALENDARS];
	/* each period's bucket in the chunk's groups by level (export rows), + 1; 0: not yet */
	uint32_t bucket[PERIOD_CACHE][MAX_CALENDARS][LEVEL_COUNT];
	bool filled[PERIOD_CACHE];
};

enum deal_state { DEAL_OPEN, DEAL_WON, DEAL_LOST };

/* A group by name: its period, the owner's level and bytes, and (actuals input) the
 * metric. The level keeps a team apart from a rep of the same name. */
struct group_name {
	struct period period;
	enum level level;
	const char *owner;
	size_t owner_len;
	const char *metric; /* NULL for an export's groups */
};

/* The head of a key of the distinct set: the metric's slot and the group's index. */
#define DISTINCT_KEY_HEAD (2 * sizeof(size_t))

/* An owner a row counts for: the rep, or one of its groups. */
struct owner_ref {
	enum level level;
	const char *name;
	size_t len;
};

enum owner_problem { OWNERS_OK, OWNERS_NOT_IN_ROSTER, OWNERS_NO_GROUP, OWNERS_GAP };

/* ---- goal sheets ---- */

/* The goal sheet, and what it asks of the reading: the calendars and levels to count
 * rows in, and which metrics each calendar needs (to regroup actuals input). */
struct goal_plan {
	struct goal_sheet sheet;
	struct calendar cal[MAX_CALENDARS];
	size_t ncal;
	bool level_used[LEVEL_COUNT];
	struct table *needs;   /* (calendar, metric) */
	uint64_t used;         /* goals reported */
	/* Without a roster every owner is a rep: goal owners with no deal counted, and the
	 * first of them, for the summary (a region's goals read without --roster count none). */
	uint64_t no_deal_owners;
	const struct goal *no_deal_first;
};

struct mapping {
	char *column[EXPORT_COLUMNS];
};

/* What one deal row adds to each of its groups. */
struct deal_row {
	enum deal_state state;
	decimal amount;
	bool has_amount;
	int64_t cycle;
	bool pipeline_only; /* an open deal closing after --as-of: its forecast counts, nothing else */
	bool cancelled;     /* a --cancelled stage: won on its close date, reversed later */
};

/* One actuals row's value: plain, or a ratio's numerator and denominator. */
struct actual_row {
	decimal value, num, den;
	bool has_value, has_parts, in_currency;
	const struct metric *known; /* NULL: a metric this run does not define */
};

/* ---- output ---- */

struct out_row {
	const char *owner;
	size_t owner_len;
	char period[PERIOD_LABEL_SIZE];
	const char *metric;
	size_t metric_len;
	char value[NUMBER_BUFSIZE];
	char numerator[NUMBER_BUFSIZE];
	char denominator[NUMBER_BUFSIZE];
	size_t value_len, numerator_len, denominator_len;
};

/* A row of the progress output: a goal, or with --all an actual that has none. */
struct progress_ref {
	const char *owner;
	size_t owner_len;
	enum level level;
	struct period period;
	char label[PERIOD_LABEL_SIZE];
	const struct metric *metric;
	const struct goal *goal; /* NULL: an actual with no goal */
};

/* Finds groups of the merged totals by owner, period and metric. */
#define ELAPSED_MEMO 16
struct progress_job {
	const struct job *job;
	const struct chunk_state *all;
	struct work_calendar calendar;
	/* the elapsed days of the periods met, by their first day: goals share a few dozen
	 * periods, and counting a period's days (and holidays) once a goal cost as much as
	 * the rest of its row */
	struct {
		struct period period;
		struct elapsed elapsed;
		bool set;
	} elapsed_memo[ELAPSED_MEMO];
	/* the owner of the last lookup and its id: rows come by owner, a few goals each */
	const char *owner;
	size_t owner_len, owner_id;
	enum level owner_level;
};

/* ---- functions shared between the files ---- */

/* export.c */
/* Opens an input as the options say (--csv, --tsv, --delimiter). */
struct source *open_input(const struct track_options *opt, const char *path);
bool map_is_file(const char *map);
void build_mapping(const struct track_options *opt, struct mapping *map);
void free_mapping(struct mapping *map);
enum deal_state deal_state_of(const struct job *job, const char *stage, size_t len);
size_t *item_lengths(char **items, size_t n);
int export_row(void *ctx, const struct row *row);
enum { AHEAD_OWNER, AHEAD_CLOSE }; /* the fields export_ahead is shown */
void export_ahead(void *ctx, const char *const field[], const size_t len[]);
bool export_ahead_wanted(void *ctx);
void resolve_export_columns(struct job *job, const struct mapping *map);
void resolve_custom_columns(struct job *job, const struct mapping *map);
bool *wanted_columns(const struct job *job);

/* actuals.c */
struct metric *find_metric(const struct metric_set *ms, const char *name);
void free_metrics(struct metric_set *ms);
void load_metrics(const struct track_options *opt, struct metric_set *ms);
void select_metrics(const struct track_options *opt, struct metric_set *ms, struct metric **wanted,
		size_t nwanted);
const struct period *cached_periods(struct chunk_state *cs, spm_day d);
/* The slot of day d in the cache of periods (filled); the group of owner (at level) in the
 * k-th period of day d, found from its slot (day: cached_day's, taken again if another
 * day has taken it since). */
size_t cached_day(struct chunk_state *cs, spm_day d);
size_t cached_group(struct chunk_state *cs, spm_day d, size_t day, size_t k, uint32_t owner, enum level level);
int bad_row(struct chunk_state *cs, const struct row *row, long col, const char *message);
void report_problem(const struct job *job, const struct problem *p, uint64_t line);
int reject_or_stop(struct chunk_state *cs, const struct row *row);
int field_count_problem(struct chunk_state *cs, const struct row *row);
int find_owners(struct chunk_state *cs, const struct row *row, long col, struct owner_ref owners[LEVEL_COUNT],
		size_t *n);
/* The same on a day: an effective-dated roster gives the groups of the row in force. */
int find_owners_on(struct chunk_state *cs, const struct row *row, long col, const char *rep, size_t len,
		   spm_day day, struct owner_ref owners[LEVEL_COUNT], size_t *n);
bool is_overlay_metric(const struct metric *m);
/* Adds a deal to group g of the chunk. */
void add_deal(struct chunk_state *cs, const struct deal_row *d, size_t g, decimal amount, bool whole);
/* The key of the distinct set for a value of metric slot in group g (cs->distinct_key). */
size_t distinct_key(struct chunk_state *cs, size_t slot, size_t g, const char *value, size_t len);
bool add_or_fail(decimal *acc, decimal v);
int sum_overflow(const char *what);
void chunk_state_init(struct chunk_state *cs, const struct job *job);
void chunk_state_free(struct chunk_state *cs);
/* Adds from's groups into into (taking them whole when into has none). */
void merge_state(struct chunk_state *into, struct chunk_state *from);
void count_distinct(struct chunk_state *all);
/* The same for partial inputs: each group's value is the number of its distinct items. */
void count_distinct_items(struct chunk_state *all);

/* groups.c: the groups of a chunk, keyed by interned owner, period and metric */
struct groups;
/* Groups whose totals take value_size bytes, aligned to value_align. */
struct groups *groups_new(size_t value_size, size_t value_align);
/* Hints for a walk in output order: a group's key and totals, then its owner's entry, then
 * the owner's name (each step reads what the one before fetched). */
enum group_part { GROUP_TOTALS, GROUP_OWNER_ENTRY, GROUP_OWNER_NAME };
void group_prefetch(const struct groups *g, size_t i, enum group_part part);
void groups_free(struct groups *g);
size_t groups_count(const struct groups *g);
void *group_totals(const struct groups *g, size_t i);
/* An owner's id: hashed once for all the groups of a row. */
uint32_t group_owner(struct groups *g, enum level level, const char *owner, size_t len);
/* An owner's hash, its slot fetched while the rest of the row is read; then interned with it. */
uint64_t group_owner_ahead(const struct groups *g, enum level level, const char *owner, size_t len);
uint32_t group_owner_hashed(struct groups *g, enum level level, const char *owner, size_t len, uint64_t h);
/* The next step, once the owner's slot has come (h: group_owner_ahead's): the owner's
 * entry and its groups' slots in the periods of the cached day (the chunk's cache c,
 * slot day: cached_day; n calendars) are fetched, on a guess of its id. */
void group_ahead(const struct groups *g, enum level level, uint64_t h, const struct period_cache *c, size_t day,
		 size_t n);
/* The same steps for a row seen further ahead (lib/input's ahead hook), a few rows apart:
 * the owner's entry (h: group_owner_ahead's; its guessed id returned, or SIZE_MAX), then
 * the bytes of its name the entry does not hold. */
size_t group_owner_entry_ahead(const struct groups *g, enum level level, uint64_t h);
void group_owner_name_ahead(const struct groups *g, enum level level, size_t owner);
/* group_ahead's fetch of the groups' slots, for an owner whose id is known (guessed). */
void group_slots_ahead(const struct groups *g, enum level level, size_t owner, const struct period_cache *c,
		       size_t day, size_t n);
/* The last step, once the slots group_ahead fetched have come: the groups' totals. */
void group_records_ahead(const struct groups *g, enum level level, size_t owner, const struct period_cache *c,
			 size_t day, size_t n);
/* Whether the groups outgrow the cache (tens of thousands): fetching ahead pays then. */
bool groups_beyond_cache(const struct groups *g);
/* The index of a group, its totals created zeroed if absent (metric: actuals input, else NULL). */
size_t group_add(struct groups *g, uint32_t owner, enum level level, struct period p, const char *metric);
/* The same in two steps, the bucket (period and level, no metric) kept by the caller. */
uint32_t group_bucket_id(struct groups *g, enum level level, struct period p);
size_t group_add_in(struct groups *g, uint32_t owner, uint32_t bucket);
size_t group_upsert(struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric);
/* The index of a group, or SIZE_MAX if absent. */
size_t group_lookup(const struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric);
/* The same in two steps, for many lookups of one owner: its id at level (SIZE_MAX if
 * absent), then the group of that id. */
size_t group_owner_id(const struct groups *g, enum level level, const char *owner, size_t len);
size_t group_lookup_owner(const struct groups *g, size_t owner_id, struct period p, enum level level,
			  const char *metric);
void group_name(const struct groups *g, size_t i, struct group_name *out);
/* A group's metric (actuals input), or NULL: its name without its owner's. */
const char *group_metric_name(const struct groups *g, size_t i);
/* The distinct periods of the groups, by id 0 .. groups_periods() - 1, and a group's. */
size_t groups_periods(const struct groups *g);
struct period groups_period(const struct groups *g, size_t id);
size_t group_period_id(const struct groups *g, size_t i);
/* Adds from's groups to into: returns the index in into of each group of from (free it
 * with group_map_free). Groups new to into get indexes from its former count on, in
 * from's order, totals zeroed; merge(ctx, map, lo, hi) then merges the totals of from's
 * groups lo .. hi-1, block by block: from's records are given back as each block is
 * merged (a million owners' chunks are hundreds of megabytes: the run's table grows as
 * they go). Lookups run on up to `threads` threads. from is spent: its owners' names are
 * freed once mapped, and none of its groups is read after (merge reads those of its
 * block, not their owners: group_metric_name). block: group_merge_block's, or smaller. */
typedef void group_merge_fn(void *ctx, const uint32_t *map, size_t lo, size_t hi);
uint32_t *groups_merge(struct groups *into, struct groups *from, size_t threads, size_t block, group_merge_fn *merge,
		       void *ctx);
size_t group_merge_block(size_t threads);
/* The group indexes in output order: owner bytes, period label, metric name, first seen
 * (owners sorted on up to 2 of `threads`). */
size_t *groups_order(const struct groups *g, size_t threads);
/* Frees what groups_order returned (count: g's groups). */
void group_indexes_free(size_t *indexes, size_t count);
/* Frees what groups_merge returned (count: from's groups). */
void group_map_free(uint32_t *map, size_t count);

/* merge.c */
bool metric_is_selected(const struct metric_set *ms, const char *name);
int actuals_row(void *ctx, const struct row *row);
void merge_actuals(const struct job *job, struct actual_totals *a, const struct actual_totals *b,
		bool created, const char *metric);
bool is_actuals_header(const struct header *h);
bool nearly_actuals(const struct header *h);
void bind_actuals(struct job *job);
void merge_currency(const struct job *job, struct chunk_state *all, struct chunk_state *from, uint64_t line_offset);

/* progress.c */
bool goal_needs(const struct goal_plan *g, size_t cal, const char *metric);
void load_goals(const struct track_options *opt, const struct metric_set *ms, const struct roster *roster,
		struct output *reject, struct goal_plan *g);
void free_goals(struct goal_plan *g);
spm_day *load_holidays(const char *path, size_t *n);
void emit_progress(struct output *o, const struct job *job, const struct chunk_state *all,
		const struct work_calendar *calendar);
struct metric **goal_metrics(const struct goal_sheet *g, size_t *n);
void choose_goals(struct job *job, struct goal_plan *plan);
void print_goal_summary(const struct goal_plan *g);

/* records.c: one version of each record (--latest, --unique) */
struct records;
void records_prepare(struct job *job, const struct mapping *map, char **files, size_t nfiles);
void records_rewind(const struct job *job);
void records_start_chunk(const struct job *job, struct chunk_state *cs, size_t chunk);
bool *records_wanted(const struct job *job, bool *wanted);
enum record_verdict { RECORD_USE, RECORD_SKIP, RECORD_BAD };
enum record_verdict records_check(struct chunk_state *cs, const struct row *row);
void records_free(struct records *r);

/* currency.c: amounts in several currencies (--currency, --rates) */
struct currency;
struct currency *currency_setup(const struct track_options *opt);
void currency_resolve(struct job *job, const struct mapping *map, bool *wanted);
int currency_convert(struct chunk_state *cs, const struct row *row, spm_day close, struct deal_row *d);
const char *currency_base(const struct currency *c);
/* --rates: the base currency for a metric of converted amounts, "" for others; NULL without. */
const char *currency_of_metric(const struct job *job, const struct metric *m);
void currency_free(struct currency *c);

/* credits.c: split and overlay credit (--credits), effective-dated owners */
struct credits;
struct credit;
struct credit_deal;
struct credits *credits_load(const char *path, const struct roster *roster, bool reject, size_t threads);
void credits_free(struct credits *c);
/* The hash of a record id, its place in the tables being fetched meanwhile. */
uint64_t credits_prefetch(const struct credits *c, const char *id, size_t len);
/* The credits of a record id (h: credits_prefetch's), or NULL; marks the id as seen. */
const struct credit_deal *credits_find(const struct credits *c, const char *id, size_t len, uint64_t h);
/* The reason a deal's credits are bad (--reject), or NULL. */
const char *credits_problem(const struct credits *c, const struct credit_deal *cd);
/* Whether the deal has revenue credit (else its owner column takes the revenue). */
bool credits_has_revenue(const struct credit_deal *cd);
/* Adds a deal to the groups of its credited owners; nonzero if the row is bad. */
int credits_add(struct chunk_state *cs, const struct row *row, const struct credit_deal *cd,
		const struct deal_row *d, spm_day close, const struct period *periods);
/* A deal's revenue credits for a reversal (clawback.c): each credited owner's groups on
 * the close date, and whether the credit is the first of the deal in that group (the
 * group counts the deal once). */
struct credit_split {
	size_t n;                 /* revenue credits */
	struct owner_ref *owners; /* n × job->nlevels; len 0: no group at that level */
	bool *whole;              /* n × job->nlevels */
	const char **name;        /* the credited owners */
	size_t *name_len;
	const struct credit *cr;
};
/* Nonzero (a bad row, s freed) if a credited owner has no roster row on day. */
int credits_split(struct chunk_state *cs, const struct row *row, const struct credit_deal *cd, spm_day day,
		  struct credit_split *s);
/* amount apportioned over the credits by their shares, exactly to the cent, as the deal's
 * won_revenue was: parts (s->n of them) add up to amount. */
void credits_split_parts(const struct credit_split *s, decimal amount, decimal *parts);
/* Credit k's share (0.25). */
decimal credits_split_share(const struct credit_split *s, size_t k);
void credits_split_free(struct credit_split *s);
/* Warns about credits whose id no input row had; returns how many. */
uint64_t credits_warn_unknown(const struct credits *c);
size_t credits_rows(const struct credits *c);
/* clawback.c: cancelled stages, refunds and negative amounts (--cancelled, --refunds) */
struct clawback;
struct reversal_list;
#define DEFAULT_CANCELLED_STAGES "Cancelled,Canceled,Refunded,Closed Cancelled,Closed Refunded"
struct clawback *clawback_setup(const struct track_options *opt);
void clawback_resolve(struct job *job, bool *wanted);
bool clawback_stage(const struct job *job, const char *stage, size_t len);
/* split: the deal's credits when it has revenue credit (its reversals are divided among
 * the credited owners in the shares of their credit), else NULL (the owners take them). */
int clawback_row(struct chunk_state *cs, const struct row *row, spm_day close, struct deal_row *d,
		 const struct owner_ref *owners, size_t nowners, const struct credit_deal *split);
/* Whether the refunds file has a line for this row's record id. */
bool clawback_refunded(const struct job *job, const struct row *row);
void clawback_merge(struct chunk_state *into, const struct chunk_state *from);
void clawback_chunk_free(struct chunk_state *cs);
void clawback_finish(const struct job *job, struct chunk_state *all);
bool clawback_metric(const struct metric *m);
void clawback_free(struct clawback *c);

/* records.c, for clawback.c: the day of the row's --latest value */
/* won_revenue before its reversals: what avg_deal averages */
decimal gross_won(const struct deal_totals *t);

/* totals.c: a group's deal totals, kept in a cell (group_totals) and its chunk's wide list */
void deal_totals_of(const struct wide_totals *w, const void *cell, struct deal_totals *out);
struct custom_totals *deal_custom(void *cell);
/* a += b: one custom metric's sum, min, max and count (b->count > 0). */
void custom_add(struct custom_totals *a, const struct custom_totals *b, const char *name);
const struct custom_totals *deal_custom_const(const void *cell);
/* The group's totals in full, from now on (clawbacks, overlay credit: the rare fields). */
struct deal_totals *deal_widen(struct wide_totals *w, void *cell, size_t group);
void deal_add_won(struct wide_totals *w, void *cell, size_t group, decimal amount, bool whole, int64_t cycle);
void deal_add_lost(struct wide_totals *w, void *cell, size_t group);
void deal_add_pipeline(struct wide_totals *w, void *cell, size_t group, decimal amount);
/* Merging deal totals, a block of from's groups at a time (a group_merge_fn). */
struct deal_merge;
struct deal_merge *deal_merge_new(const struct job *job, struct groups *into, struct wide_totals *wide_into,
				  const struct groups *from, const struct wide_totals *wide_from);
void merge_deal_block(void *deal_merge, const uint32_t *map, size_t lo, size_t hi);
void deal_merge_free(struct deal_merge *m);
/* The i-th of the totals kept in full (i < w->n, one per wide group, in no order): the
 * only ones whose sums can pass a cell's 64 bits, or that have a clawback. */
const struct deal_totals *wide_totals_at(const struct wide_totals *w, size_t i);
void wide_totals_swap(struct wide_totals *a, struct wide_totals *b);
void wide_totals_free(struct wide_totals *w);
bool records_latest_day(const struct job *job, const struct row *row, spm_day *day);

/* write.c */
size_t plain_value(const struct metric *m, decimal d, char buf[NUMBER_BUFSIZE]);
void emit_actuals(struct output *o, const struct job *job, const struct chunk_state *all);
/* --partial: the partial stream of an export's groups (spm.7, Partial actuals). */
void emit_partial(struct output *o, const struct job *job, const struct chunk_state *all);

#endif
