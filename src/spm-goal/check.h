/* spm-goal check, in three parts: the SMART checks of each goal (check.c), the growth
 * bound against last year's actuals (history.c) and the coverage of goal categories
 * among the roster's reps (coverage.c). This header is what they share. */
#ifndef SPM_GOAL_CHECK_H
#define SPM_GOAL_CHECK_H

#include "spm-goal.h"

#include "decimal.h"
#include "input.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --require CATEGORY=SHARE: the share of reps that must hold a goal of that category. */
struct requirement {
	char *category;
	decimal share;
};

struct check_options {
	struct goal_common c; /* --roster, --metrics-file, -o, -q, --as-of, --fiscal-start, --csv/--tsv */
	const char *history;
	decimal max_growth;
	struct requirement *require;
	size_t nrequire;
	char **categories; /* --categories, or the default list */
	size_t ncategories;
	spm_day as_of;
	bool as_of_given;  /* --as-of or $SPM_AS_OF: else today, or the sheets' first day */
	bool level_set;    /* --level: owners are taken at that level */
	enum level level;
};

/* A finding: every problem, printed in file and line order at the end. */
struct finding {
	size_t file;   /* 0: the roster; 1..: the sheets in command-line order */
	uint64_t line;
	size_t seq;    /* the order found, so one line's problems keep theirs */
	char *text;    /* "error: COLUMN: message ("value")" */
};

struct check {
	const struct check_options *opt;
	struct metric_catalog metrics;
	struct roster roster;
	bool has_roster;
	char **paths;             /* [file]: the roster's path, then the sheets' */
	struct goal_sheet *sheet; /* [file - 1] */
	size_t nsheets;
	struct finding *finding;
	size_t nfindings, cap;
	uint64_t errors, warnings;
};

/* A finding at FILE:LINE (file 0: the roster); column and value may be NULL. */
void check_report(struct check *ck, size_t file, uint64_t line, bool error, const char *column,
		  const char *message, const char *value, size_t value_len);
/* A finding about a goal, quoting the goal's own field of that column. */
void check_report_goal(struct check *ck, size_t file, const struct goal *g, bool error, enum goal_column column,
		       const char *message);
/* The same with the message formatted (printf): of any length. */
void check_report_goalf(struct check *ck, size_t file, const struct goal *g, bool error, enum goal_column column,
			const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The level the roster names g's owner at: with --level, that level whenever the roster
 * has the name there, else the lowest level that has it. */
enum name_lookup check_owner_level(const struct check *ck, const struct goal *g, enum level *found);

/* ---- history.c: last year's actuals, for the growth bound ---- */

/* The actuals of path (an actuals stream) of the owners and metrics of the sheets' goals
 * that go upward; a bad row or header exits 1 (after the findings so far). */
struct table *history_read(const struct check *ck, const char *path);
void history_free(struct table *history);
/* achievable: a warning when g's target is above --max-growth times the owner's actual
 * of the same period a year before. */
void history_check_growth(struct check *ck, size_t file, const struct goal *g, struct table *history);

/* ---- coverage.c: goal categories among the reps on the books ---- */

struct category_cover {
	const char *name;
	bool *has; /* [rep]: holds a goal of this category in the current period */
	size_t with;
};

struct coverage {
	struct category_cover *cat;
	size_t n, cap;
	struct table *index; /* name → 1-based index into cat */
	bool *on_board;      /* [rep] */
	size_t reps;         /* reps on board */
};

/* Per category of the goals of the period that holds the as-of date (and per --require):
 * the reps on the books who hold such a goal themselves. */
void coverage_count(struct check *ck, struct coverage *cv);
/* The coverage stream to path (NULL: standard output), atomically. */
void coverage_write(const struct coverage *cv, const char *path);
/* --require: an error below the share, naming every rep on board without such a goal. */
void coverage_check_requirements(struct check *ck, const struct coverage *cv);
void coverage_free(struct coverage *cv);

#endif
