/* Goal sheets: the goals stream (owner period metric target, and optionally weight
 * category direction, in any column order, other columns kept), read with every row
 * checked, and written back sorted. */
#ifndef SPM_GOALS_H
#define SPM_GOALS_H

#include "arena.h"
#include "decimal.h"
#include "input.h"
#include "metrics.h"
#include "output.h"
#include "period.h"
#include "roster.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The goals stream's columns, in the order sheets are written; their names are those of
 * the stream contract (lib/stream.c). */
enum goal_column { G_OWNER, G_PERIOD, G_METRIC, G_TARGET, G_WEIGHT, G_CATEGORY, G_DIRECTION, G_COUNT };

const char *goal_column_name(enum goal_column c);

struct goal {
	char *owner;
	size_t owner_len;
	enum level level;            /* with a roster: the level the owner is named at */
	struct period period;
	char label[PERIOD_LABEL_SIZE]; /* the period's label, set by goal_sheet_add (sorting) */
	char *metric_name;
	const struct metric *metric; /* NULL when unknown (only if unknown metrics are allowed) */
	decimal target;
	decimal weight;              /* 1 when not given */
	bool has_weight;
	char *category;              /* "" when not given */
	enum goal_direction direction; /* as written */
	bool lower;                  /* the direction in effect: written, else the metric's */
	uint64_t line;               /* in the sheet; 0 for a goal made by a program */
	char **extra;                /* values of the sheet's other columns */
	bool used;                   /* free for the program's own marks */
};

struct goal_sheet {
	struct goal *goal;
	size_t n, cap;
	struct table *index;       /* (days of the period, metric, owner) → 1-based goal */
	char **extra_column;       /* other columns of the header, kept in order */
	size_t nextra;
	bool has_column[G_COUNT];  /* optional columns the sheet has */
	uint64_t read, rejected;
	char *key;
	size_t key_cap;
	struct arena text;         /* the goals' owners, metric names, categories, extra values */
};

/* Called for a bad row (column NULL: the row as a whole). Returns 0 to leave the row out
 * and go on, nonzero to stop reading (the reader then exits 1 after the diagnostic). */
typedef int (*goal_problem_fn)(void *ctx, const struct row *row, const char *column, const char *value,
			       size_t value_len, const char *message);

struct goal_read_options {
	int fiscal_start;
	const struct metric_catalog *metrics; /* NULL: any metric name is taken */
	bool unknown_metrics_ok;              /* keep goals of unknown metrics (metric NULL) */
	const struct roster *roster;          /* NULL: owners are not checked */
	bool level_set;                       /* owners are all at `level` */
	enum level level;
	bool empty_ok;                        /* no input at all is an empty sheet */
	enum input_format format;             /* FORMAT_AUTO: by the name (.csv), stdin TSV */
	struct output *reject;                /* bad rows go here (header + reason) and are left out */
	goal_problem_fn on_problem;           /* else this decides; else the first stops the run */
	void *ctx;
};

void goal_sheet_init(struct goal_sheet *g);
/* An empty sheet with the columns of another, so every column survives a rewrite. */
void goal_sheet_init_like(struct goal_sheet *g, const struct goal_sheet *like);
/* Reads path ("-": standard input) into a fresh sheet (one per file: the other columns
 * are the file's). Without reject or on_problem, the first bad row exits
 * 1 with FILE:LINE: COLUMN: message ("value"). */
void goal_sheet_read(struct goal_sheet *g, const char *path, const struct goal_read_options *o);
void goal_sheet_free(struct goal_sheet *g);

/* The goal of that owner, period and metric, or NULL. Periods compare by their days:
 * 2026-Q2 finds FY2027-Q1 of a fiscal year that starts in April. */
struct goal *goal_sheet_find(struct goal_sheet *g, const char *owner, size_t owner_len, struct period p,
			     const char *metric);
/* Adds a copy of *goal (owner, metric name, category and extras are copied, owned by the
 * sheet); NULL if the sheet already has a goal for its owner, period and metric. */
struct goal *goal_sheet_add(struct goal_sheet *g, const struct goal *goal);
/* A copy of text owned by the sheet (freed with it): to change a goal's category. */
char *goal_sheet_text(struct goal_sheet *g, const char *text);

/* Sorts by owner (bytes), period label, metric: the order goal sheets are written in. */
void goal_sheet_sort(struct goal_sheet *g);
/* Writes the header (owner period metric target, then the optional columns the sheet has
 * or a goal uses, then the other columns) and every goal, as TSV or as CSV. */
void goal_sheet_write(struct output *o, const struct goal_sheet *g, bool csv);
/* The same in pieces, for a program that streams goals it makes from a sheet's (spm-goal
 * split): the optional columns written (the sheet's, and any its goals use), the header,
 * and one goal of the sheet (or made from one: its other columns are the sheet's) with
 * the period labelled label and the target given. */
void goal_sheet_columns(const struct goal_sheet *g, bool with[G_COUNT]);
void goal_sheet_write_header(struct output *o, const struct goal_sheet *g, bool csv, const bool with[G_COUNT]);
void goal_sheet_write_goal(struct output *o, const struct goal_sheet *g, const struct goal *goal, const char *label,
			   decimal target, bool csv, const bool with[G_COUNT]);

/* A goal's target (or a sum or difference of targets) as its metric's kind of number
 * prints (lib/number.h): money every digit and at least 2 decimals, ratios at least 4,
 * counts and unknown metrics exactly (never a digit lost). */
size_t goal_number(const struct metric *m, decimal d, char *buf /* NUMBER_BUFSIZE */);
void output_goal_number(struct output *o, const struct metric *m, decimal d);

/* The message for a second goal of g's owner, period and metric: 'duplicate goal: "Ana
 * Diaz" 2026-Q3 won_revenue already has a goal on line 4' (where "on line", file NULL), or
 * '... in goals-a.tsv:4' (where "in"), appended to b. */
void goal_duplicate_message(const struct goal *g, const char *where, const char *file, uint64_t line,
			    struct sbuf *b);

#endif
