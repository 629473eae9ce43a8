/* spm-goal rollup: sums the reps' goals to the team, manager or region each rep belongs
 * to, per period and metric, and sets the sum against the group's own goal, so a sales
 * leader sees whether the reps' goals cover the goal the group was given. */
#include "spm-goal.h"

#include "diag.h"
#include "number.h"
#include "options.h"
#include "table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal rollup --roster FILE [--level LEVEL] [--grain GRAIN] [OPTION]... [SHEET]\n"
	       "Sum the goals of the reps of the roster to the team, manager or region each rep\n"
	       "belongs to, per period and metric, and compare the sum with that group's own goal\n"
	       "in the sheet. Writes TSV 'owner period metric target reps own_target gap': target\n"
	       "is the exact sum of the reps' goals, reps how many reps it sums, own_target the\n"
	       "group's own goal (empty if none) and gap = own_target - target (positive: the\n"
	       "reps' goals fall short of the group's; negative: over-assigned). Only goals that\n"
	       "add up are summed (sums and counts): goals of ratios, averages and levels\n"
	       "(win_rate, avg_deal, cycle_days...) are left out, with a note. Goals of\n"
	       "groups at other levels are ignored. Without SHEET, or when SHEET is -, the sheet\n"
	       "is read from standard input.\n"
	       "\n"
	       "      --roster FILE       the roster: a column rep and the column of --level (required)\n"
	       "      --roster-map FILE   the roster's columns under other names: TSV lines\n"
	       "                          'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --level LEVEL       team, manager or region (default team)\n"
	       "      --as-of DATE        an effective-dated roster (several rows per rep with\n"
	       "                          start/end): every rep in the group of its row in force\n"
	       "                          on DATE; without it, of its row in force on the last\n"
	       "                          day of each goal's period\n"
	       "      --grain GRAIN       first regroup each period into the year, half, quarter,\n"
	       "                          month or week that holds it (2026-Q1..2026-Q4 -> 2026)\n"
	       "      --metrics-file FILE metrics file: tells which custom metrics add up (a metric\n"
	       "                          neither built in nor defined there is taken as a sum;\n"
	       "                          --metrics FILE: deprecated name of the same option)\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --csv, --tsv        the sheet is CSV, or TSV (default: by name, .csv is CSV;\n"
	       "                          standard input TSV)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output\n"
	       "  -q, --quiet             no notes on standard error about goals left out\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal rollup --roster roster.tsv --level region --grain year goals.tsv\n"
	       "  spm-goal rollup --roster dated-roster.tsv --as-of 2026-09-30 goals.tsv\n");
	exit(SPM_EXIT_OK);
}

struct rollup_options {
	struct goal_common c; /* --roster, --metrics-file, -o, -q, --fiscal-start, --csv/--tsv */
	const char *sheet;
	enum level level;
	bool regroup;
	enum grain grain;
	bool has_as_of; /* --as-of: the roster's rows in force that day */
	spm_day as_of;
};

enum { OPT_LEVEL = CLI_OPT_PROGRAM, OPT_GRAIN };

/* rollup's own options, given to it by cli_parse. */
static bool rollup_option(int c, const char *arg, void *ctx)
{
	struct rollup_options *o = ctx;
	switch (c) {
	case OPT_LEVEL:
		if (!parse_level(arg, &o->level) || o->level == LEVEL_REP)
			diag_usage("--level: expected team, manager or region (\"%s\")", arg);
		return true;
	case OPT_GRAIN:
		/* a day holds no coarser period, and summing never splits one */
		if (!grain_parse(arg, &o->grain) || o->grain == GRAIN_DAY)
			diag_usage("--grain: expected year, half, quarter, month or week (\"%s\")", arg);
		o->regroup = true;
		return true;
	default: return false;
	}
}

static void parse_rollup_options(int argc, char **argv, struct rollup_options *o)
{
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "grain", required_argument, NULL, OPT_GRAIN },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	o->level = LEVEL_TEAM;
	goal_parse_options(argc, argv, GOAL_TAKES_SHEET | CLI_TAKES_AS_OF, longopts, NULL, rollup_option, o, usage, &o->c);
	if (o->c.as_of) { /* only as given: without it, each goal's own period decides */
		o->has_as_of = true;
		o->as_of = as_of_option(o->c.as_of);
	}
	if (!o->c.roster)
		diag_usage("--roster is needed (the reps and the groups they belong to)");
	o->sheet = goal_sheet_operand(argc, argv, "arguments given");
	check_files(o->sheet, &o->c);
}

/* What a goal's owner is to this roll-up. */
enum owner_kind {
	OWNER_REP,         /* a rep: summed into its group */
	OWNER_GROUP,       /* a group at the level: its own goal */
	OWNER_OTHER_LEVEL, /* a group at another level: not this roll-up's business */
	OWNER_UNKNOWN,     /* in no column of the roster */
};

static enum owner_kind classify_owner(const struct roster *r, enum level level, const char *path,
				      const struct goal *g)
{
	bool allowed[LEVEL_COUNT] = { false };
	enum level found, other;
	allowed[LEVEL_REP] = allowed[level] = true;
	switch (roster_level_of(r, g->owner, g->owner_len, allowed, &found, &other)) {
	case NAME_FOUND:
		return found == LEVEL_REP ? OWNER_REP : OWNER_GROUP;
	case NAME_AMBIGUOUS: {
		/* summed as a rep or compared as the group: either answer could be wrong */
		char message[160];
		snprintf(message, sizeof message, "names both a %s and a %s of other reps in the roster; rename one",
			 level_names[found], level_names[other]);
		diag_at(path, g->line, column_name(COL_OWNER), g->owner, g->owner_len, message);
		diag_exit(SPM_EXIT_DATA);
	}
	case NAME_UNKNOWN:
		break;
	}
	const bool every[LEVEL_COUNT] = { true, true, true, true };
	return roster_level_of(r, g->owner, g->owner_len, every, &found, &other) == NAME_UNKNOWN ? OWNER_UNKNOWN
												 : OWNER_OTHER_LEVEL;
}

/* Whether the goals of a metric add up to the group's: sums and counts across reps (and
 * open pipeline, unless periods are regrouped: it does not add up over time). A goal of
 * direction lower is a ceiling that allocate copies to every rep: not summed either. */
static bool rolls_up(const struct rollup_options *o, const struct goal *g)
{
	if (!goal_adds_across_people(g) || g->lower)
		return false;
	return !o->regroup || goal_adds_up(g);
}

/* The period of --grain that holds the goal's period; the goal's own without --grain. */
static struct period regrouped_period(const struct rollup_options *o, const char *path, const struct goal *g)
{
	if (!o->regroup)
		return g->period;
	char label[PERIOD_LABEL_SIZE], message[200];
	period_format(g->period, label);
	if (o->grain > (enum grain)g->period.grain) {
		/* sums are never split here: that is spm-goal split's job, with seasonality */
		snprintf(message, sizeof message,
			 "period is coarser than --grain %s (goals are summed, never split: use spm-goal split first)",
			 grain_name(o->grain));
		diag_at(path, g->line, column_name(COL_PERIOD), label, strlen(label), message);
		diag_exit(SPM_EXIT_DATA);
	}
	if ((enum grain)g->period.grain == GRAIN_WEEK && o->grain != GRAIN_WEEK)
		/* a week counts in the period that holds its Thursday, as spm-goal split cuts them */
		return period_of(g->period.start + 3, o->grain, o->c.fiscal_start);
	struct period q = period_of(g->period.start, o->grain, o->c.fiscal_start);
	spm_day end = period_end(g->period);
	if (end > period_end(q)) {
		char first[PERIOD_LABEL_SIZE], last[PERIOD_LABEL_SIZE];
		period_format(q, first);
		period_format(period_of(end - 1, o->grain, o->c.fiscal_start), last);
		snprintf(message, sizeof message, "period does not fit in one period of --grain %s (it runs from %s into %s)",
			 grain_name(o->grain), first, last);
		diag_at(path, g->line, column_name(COL_PERIOD), label, strlen(label), message);
		diag_exit(SPM_EXIT_DATA);
	}
	return q;
}

#define OWN_GOAL SIZE_MAX /* the rep of a group's own goal: sorts after every rep */

/* One goal counted in the roll-up: a rep's, summed into its group, or the group's own. */
struct contribution {
	const char *group;
	size_t group_len;
	char label[PERIOD_LABEL_SIZE]; /* of the (regrouped) period: the sort and group key */
	const char *metric;
	size_t rep; /* index in the roster, or OWN_GOAL */
	const struct goal *goal;
};

struct rollup {
	const struct rollup_options *opt;
	const struct roster *roster;
	const char *path; /* the sheet, as diagnostics name it */
	struct contribution *c;
	size_t n, cap;
	uint64_t not_adding;   /* goals of ratios, averages and levels left out */
	uint64_t groupless;    /* goals of reps with no group at the level */
	size_t groupless_reps;
	bool *rep_noted;       /* per roster rep: already counted as groupless */
};

static void add_contribution(struct rollup *ru, const char *group, size_t group_len, size_t rep,
			     const struct goal *g)
{
	xgrow((void **)&ru->c, &ru->cap, ru->n + 1, sizeof *ru->c);
	struct contribution *c = &ru->c[ru->n++];
	c->group = group;
	c->group_len = group_len;
	period_format(regrouped_period(ru->opt, ru->path, g), c->label);
	c->metric = g->metric_name;
	c->rep = rep;
	c->goal = g;
}

/* The roster row of a goal's rep in force on --as-of, else on the last day of the goal's
 * period (an effective-dated roster; else its only row). NULL, with a note, when that
 * day falls between two rows of the rep: the goal is left out. */
static const struct roster_rep *rep_in_force(struct rollup *ru, const struct goal *g)
{
	const struct roster *r = ru->roster;
	if (!r->dated)
		return roster_find_rep(r, g->owner, g->owner_len);
	spm_day day = ru->opt->has_as_of ? ru->opt->as_of : period_end(g->period) - 1;
	const struct roster_rep *before = NULL, *after = NULL;
	const struct roster_rep *rep = roster_find_rep_on(r, g->owner, g->owner_len, day, &before, &after);
	if (rep)
		return rep;
	char date[DATE_TEXT_SIZE];
	date_format(day, date);
	diag_atf(ru->path, g->line, column_name(COL_OWNER), g->owner, g->owner_len,
		      "no row of the rep in the roster is in force on %s (%s:%zu ends before, line %zu starts after); goal left out",
		      date, r->path, before ? before->line : (size_t)0, after ? after->line : (size_t)0);
	return NULL;
}

static void count_goal(struct rollup *ru, const struct goal *g)
{
	enum level level = ru->opt->level;
	const struct roster *r = ru->roster;
	char message[160];
	switch (classify_owner(r, level, ru->path, g)) {
	case OWNER_UNKNOWN:
		snprintf(message, sizeof message, "not a rep or a %s in the roster; goal left out", level_names[level]);
		diag_at(ru->path, g->line, column_name(COL_OWNER), g->owner, g->owner_len, message);
		return;
	case OWNER_OTHER_LEVEL:
		return;
	case OWNER_GROUP:
		if (!rolls_up(ru->opt, g)) {
			ru->not_adding++;
			return;
		}
		add_contribution(ru, g->owner, g->owner_len, OWN_GOAL, g);
		return;
	case OWNER_REP:
		break;
	}
	if (!rolls_up(ru->opt, g)) {
		ru->not_adding++;
		return;
	}
	/* the rep is counted once by its first row; its group is that of the row in force */
	size_t index = (size_t)(roster_find_rep(r, g->owner, g->owner_len) - r->rep);
	const struct roster_rep *rep = rep_in_force(ru, g);
	if (!rep)
		return;
	if (rep->len[level] == 0) {
		ru->groupless++;
		if (!ru->rep_noted[index]) {
			ru->rep_noted[index] = true;
			ru->groupless_reps++;
		}
		return;
	}
	add_contribution(ru, rep->name[level], rep->len[level], index, g);
}

/* By group (bytes), period label, metric; within one row, by rep, the own goal last. */
static int compare_contributions(const void *pa, const void *pb)
{
	const struct contribution *a = pa, *b = pb;
	int c = bytes_cmp(a->group, a->group_len, b->group, b->group_len);
	if (c || (c = strcmp(a->label, b->label)) || (c = strcmp(a->metric, b->metric)))
		return c;
	return (a->rep > b->rep) - (a->rep < b->rep);
}

static bool same_row(const struct contribution *a, const struct contribution *b)
{
	return bytes_cmp(a->group, a->group_len, b->group, b->group_len) == 0 &&
	       strcmp(a->label, b->label) == 0 && strcmp(a->metric, b->metric) == 0;
}

static noreturn void sum_overflows(const struct rollup *ru, const struct goal *g, const char *what)
{
	char target[NUMBER_BUFSIZE];
	size_t len = number_exact(g->target, target);
	diag_at(ru->path, g->line, column_name(COL_TARGET), target, len, what);
	diag_exit(SPM_EXIT_DATA);
}

/* One output row from the contributions [first, end) of one group, period and metric. */
static void write_rollup_row(struct output *out, const struct rollup *ru, const struct contribution *first,
			     const struct contribution *end)
{
	decimal target = decimal_zero(), own = decimal_zero(), gap;
	size_t reps = 0, last_rep = OWN_GOAL;
	bool has_own = false;
	for (const struct contribution *c = first; c < end; c++) {
		if (c->rep == OWN_GOAL) {
			/* with --grain, the group's own goals of the finer periods add up too */
			if (!decimal_add(own, c->goal->target, &own))
				sum_overflows(ru, c->goal, "the sum of the group's own goals is too large");
			has_own = true;
			continue;
		}
		if (!decimal_add(target, c->goal->target, &target))
			sum_overflows(ru, c->goal, "the sum of the reps' goals is too large");
		if (c->rep != last_rep) /* a rep's several goals (regrouped periods) count once */
			reps++;
		last_rep = c->rep;
	}
	if (has_own && !decimal_sub(own, target, &gap))
		sum_overflows(ru, first->goal, "the gap to the group's own goal is too large");
	/* targets, own targets and gaps print as the metric's goals do (money: 2 decimals at least) */
	const struct metric *m = first->goal->metric;
	output_field(out, first->group, first->group_len);
	output_tab(out);
	output_str(out, first->label);
	output_tab(out);
	output_str(out, first->metric);
	output_tab(out);
	output_goal_number(out, m, target);
	output_tab(out);
	output_count(out, reps);
	output_tab(out);
	if (has_own)
		output_goal_number(out, m, own);
	output_tab(out);
	if (has_own)
		output_goal_number(out, m, gap);
	output_newline(out);
}

static void write_rollup(struct rollup *ru)
{
	struct output out;
	if (ru->n > 1)
		qsort(ru->c, ru->n, sizeof *ru->c, compare_contributions);
	output_open(&out, ru->opt->c.output);
	static const enum column header[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_TARGET,
					      COL_REPS, COL_OWN_TARGET, COL_GAP };
	stream_write_header(&out, header, sizeof header / sizeof header[0]);
	for (size_t i = 0, j; i < ru->n; i = j) {
		for (j = i + 1; j < ru->n && same_row(&ru->c[i], &ru->c[j]); j++)
			;
		write_rollup_row(&out, ru, &ru->c[i], &ru->c[j]);
	}
	output_close(&out);
}

/* What was left out, unless -q: silence would let a reader take the sums as complete. */
static void report_left_out(const struct rollup *ru)
{
	if (ru->opt->c.quiet)
		return;
	if (ru->not_adding)
		fprintf(stderr, "%s: %llu goal%s of ratios, averages, levels or ceilings (direction lower) left out: such targets do not add up\n",
			diag_program(), (unsigned long long)ru->not_adding, ru->not_adding == 1 ? "" : "s");
	if (ru->groupless_reps)
		fprintf(stderr, "%s: %zu rep%s with no %s in the roster left out (%llu goal%s)\n", diag_program(),
			ru->groupless_reps, ru->groupless_reps == 1 ? "" : "s", level_names[ru->opt->level],
			(unsigned long long)ru->groupless, ru->groupless == 1 ? "" : "s");
}

int goal_rollup(int argc, char **argv)
{
	struct rollup_options o;
	struct roster roster;
	struct metric_catalog metrics;
	struct goal_sheet sheet;
	subcommand_begin(argv, "rollup");
	parse_rollup_options(argc, argv, &o);
	roster_load_dated(&roster, o.c.roster, o.level); /* several rows a rep: see rep_in_force */
	/* always the catalog: it is what tells win_rate from won_revenue */
	metric_catalog_load(&metrics, o.c.metrics);
	struct goal_read_options ro = {
		.fiscal_start = o.c.fiscal_start,
		.metrics = &metrics,
		.unknown_metrics_ok = true, /* taken as sums, as goal_adds_across_people says */
		.format = o.c.format,
	};
	goal_sheet_init(&sheet);
	goal_sheet_read(&sheet, o.sheet, &ro);

	struct rollup ru = { .opt = &o, .roster = &roster, .path = o.sheet };
	ru.rep_noted = xcalloc(roster.nreps + 1, sizeof *ru.rep_noted);
	for (size_t i = 0; i < sheet.n; i++)
		count_goal(&ru, &sheet.goal[i]);
	write_rollup(&ru);
	report_left_out(&ru);

	free(ru.c);
	free(ru.rep_noted);
	goal_sheet_free(&sheet);
	metric_catalog_free(&metrics);
	roster_free(&roster);
	return SPM_EXIT_OK;
}
