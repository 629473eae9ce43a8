/* spm-goal: goal sheets that are SMART, aligned and add up exactly. One file per
 * subcommand; this header is what they share. */
#ifndef SPM_GOAL_H
#define SPM_GOAL_H

#include "cli.h"
#include "goals.h"
#include "input.h"
#include "metrics.h"
#include "number.h"
#include "output.h"
#include "period.h"
#include "roster.h"
#include "stream.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdnoreturn.h>

/* Each subcommand: its own options and job; returns the exit status. */
int goal_set(int argc, char **argv);
int goal_split(int argc, char **argv);
int goal_allocate(int argc, char **argv);
int goal_rollup(int argc, char **argv);
int goal_check(int argc, char **argv);
int goal_diff(int argc, char **argv);
int goal_periods(int argc, char **argv);

/* Names the subcommand in "Try 'spm-goal CMD --help'" and in getopt's messages. */
void subcommand_begin(char **argv, const char *name);

/* The options the subcommands share, parsed once (goal_parse_options). */
struct goal_common {
	const char *roster;  /* --roster (and --roster-map, kept by roster.c) */
	const char *metrics; /* --metrics-file, or the deprecated --metrics */
	const char *output;  /* -o */
	const char *as_of;   /* --as-of as given */
	int fiscal_start;    /* --fiscal-start, checked */
	enum input_format format; /* --csv, --tsv: the sheets read (standard input too) and a
				   * sheet written to standard output; FORMAT_AUTO: by name */
	bool quiet;          /* -q */
};
/* What a subcommand that reads and writes sheets takes of the common options. */
#define GOAL_TAKES_SHEET                                                                               \
	(CLI_TAKES_ROSTER | CLI_TAKES_METRICS_FILE | CLI_TAKES_METRICS_ALIAS | CLI_TAKES_FISCAL_START | \
	 CLI_TAKES_OUTPUT | CLI_TAKES_QUIET)
/* Parses a subcommand's command line: the common options takes names (cli.h) and --csv,
 * --tsv into gc; the subcommand's own (own, own_short) go to take (cli_parse). Returns the
 * index of the first operand. */
int goal_parse_options(int argc, char **argv, unsigned takes, const struct option *own, const char *own_short,
		       bool (*take)(int c, const char *arg, void *ctx), void *ctx, void (*usage)(void),
		       struct goal_common *gc);

/* Reads a goal sheet with the checks every subcommand wants (period labels, numbers,
 * duplicates); the first bad row exits 1. metrics may be NULL (any metric name);
 * unknown_ok keeps goals of metrics the catalog does not know. format: FORMAT_AUTO, or
 * --csv/--tsv. */
void read_goal_sheet(struct goal_sheet *g, const char *path, int fiscal_start, const struct metric_catalog *metrics,
		     bool unknown_ok, bool empty_ok, enum input_format format);
/* Sorts the sheet and writes it to path (NULL or "-": stdout), atomically: as CSV when
 * format says so, or (FORMAT_AUTO) when path ends in .csv. */
void write_goal_sheet(struct goal_sheet *g, const char *path, enum input_format format);
/* Whether a sheet written to path (NULL or "-": stdout) is CSV: format says so, or
 * (FORMAT_AUTO) path ends in .csv. */
bool sheet_is_csv(const char *path, enum input_format format);

/* Refuses (exit 2, nothing read or written) an output that is one of the inputs: the
 * sheet, the roster, the metrics file (each may be NULL). */
void check_files(const char *sheet, const struct goal_common *gc);
/* The one SHEET operand after the options, "-" (standard input) when none; more is the
 * usage error "one SHEET only (N GIVEN)", given the subcommand's words ("given"). */
const char *goal_sheet_operand(int argc, char **argv, const char *given);

/* A positive decimal option value ("0.01", "1.1"), or a usage error naming the option. */
decimal positive_option(const char *option, const char *arg);

/* Whether a metric's goals add up over time and across people (sums and counts), as
 * opposed to ratios, averages and levels, which are copied instead of divided. A goal
 * of an unknown metric is taken as a sum. */
bool goal_adds_up(const struct goal *goal);
/* Whether goals of the metric add up across people: sums and counts, and open pipeline,
 * which adds up across reps though not over time. Ratios and averages do not. */
bool goal_adds_across_people(const struct goal *goal);
/* Counts split into whole numbers. */
bool goal_is_count(const struct goal *goal);
/* What each part of a divided goal is a multiple of: whole numbers for counts (or a whole
 * --round above 1, such as 10 calls), else --round (NULL: none) or the cent. */
decimal goal_part_unit(const struct goal *goal, const decimal *round);

#endif
