/* spm-goal split: replaces each goal by goals for the parts of its period (halves,
 * quarters, months, ISO weeks or days), weighted by days or by seasonality, so that the
 * parts add up exactly to the whole. */
#include "spm-goal.h"

#include "apportion.h"
#include "diag.h"
#include "options.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal split --into GRAIN [OPTION]... [SHEET]\n"
	       "Replace each goal of SHEET by goals for the parts of its period, in proportion to\n"
	       "the days of each part or to --season weights. The parts add up exactly to the\n"
	       "whole: to the cent (or --round UNIT), counts to whole numbers. Ratios, averages,\n"
	       "pipeline and goals of direction lower are copied to each part, not divided. Goals\n"
	       "already at GRAIN or finer are kept unchanged. Weight, category, direction and\n"
	       "other columns are copied to the parts. Without SHEET, or when SHEET is -, the\n"
	       "sheet is read from standard input; the result is written sorted.\n"
	       "\n"
	       "      --into GRAIN        half, quarter, month, week or day (weeks are the ISO weeks\n"
	       "                          whose Thursday lies in the period)\n"
	       "      --season W1,W2,...  weights of the parts in order, one per part, 0 or more\n"
	       "                          (default: the days of each part)\n"
	       "      --round UNIT        parts are multiples of UNIT (default 0.01, the cent; e.g.\n"
	       "                          1 or 100; counts: 1, or UNIT when it is a whole number)\n"
	       "      --roster FILE       the roster: a group's goal and its reps' goals of the same\n"
	       "                          period and metric that add up to it are split as one table,\n"
	       "                          so that the reps' parts also add up to the group's parts\n"
	       "      --roster-map FILE   the roster's columns under other names: TSV lines\n"
	       "                          'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1);\n"
	       "                          halves and quarters are then fiscal ones\n"
	       "      --metrics-file FILE metrics file: custom metrics (default: built-in metrics only;\n"
	       "                          --metrics FILE: deprecated name of the same option)\n"
	       "      --csv, --tsv        the sheet read, and one written to standard output, is CSV,\n"
	       "                          or TSV (default: by name, .csv is CSV; standard input TSV)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output (CSV\n"
	       "                          when its name ends in .csv); never over an input\n"
	       "  -q, --quiet             do not say on standard error how many goals were kept\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal split --into quarter --season 20,25,25,30 goals-2026.tsv\n"
	       "  spm-goal split --into quarter --round 100 --roster roster.tsv goals-2026.tsv\n");
	exit(SPM_EXIT_OK);
}

struct split_options {
	enum grain into;
	decimal *season; /* NULL: weigh parts by their days */
	size_t nseason;
	const decimal *round;
	decimal round_value;
	struct goal_common c; /* --roster, --metrics-file, -o, -q, --fiscal-start, --csv/--tsv */
	const char *sheet;
};

/* "halves", not "halfs": for messages that count parts. */
/* "8,8,9,...": one weight per part, each 0 or more, not all 0. */
static decimal *parse_season(const char *arg, size_t *n)
{
	decimal *weights = NULL;
	size_t count = 0, cap = 0;
	bool any = false;
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		decimal w;
		if (decimal_parse(p, len, DECIMAL_POINT, &w) != DECIMAL_OK || decimal_sign(w) < 0)
			diag_usage("--season: expected weights of 0 or more, separated by commas (\"%.*s\")",
				   (int)(len > 60 ? 60 : len), p);
		any |= decimal_sign(w) > 0;
		xgrow((void **)&weights, &cap, count + 1, sizeof *weights);
		weights[count++] = w;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!any)
		diag_usage("--season: the weights are all 0 (\"%s\")", arg);
	*n = count;
	return weights;
}

enum { OPT_INTO = CLI_OPT_PROGRAM, OPT_SEASON, OPT_ROUND };

/* The options being parsed: --season is read once --into is known. */
struct split_parse {
	struct split_options *o;
	const char *season;
	bool into_given;
};

/* split's own options, given to it by cli_parse. */
static bool split_option(int c, const char *arg, void *ctx)
{
	struct split_parse *sp = ctx;
	switch (c) {
	case OPT_INTO:
		if (!grain_parse(arg, &sp->o->into) || sp->o->into == GRAIN_YEAR)
			diag_usage("--into: expected half, quarter, month, week or day (\"%s\")", arg);
		sp->into_given = true;
		return true;
	case OPT_SEASON: sp->season = arg; return true;
	case OPT_ROUND:
		sp->o->round_value = positive_option("--round", arg);
		sp->o->round = &sp->o->round_value;
		return true;
	default: return false;
	}
}

static void parse_split_options(int argc, char **argv, struct split_options *o)
{
	static const struct option longopts[] = {
		{ "into", required_argument, NULL, OPT_INTO },
		{ "season", required_argument, NULL, OPT_SEASON },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	struct split_parse sp = { o, NULL, false };
	goal_parse_options(argc, argv, GOAL_TAKES_SHEET, longopts, NULL, split_option, &sp, usage, &o->c);
	if (!sp.into_given)
		diag_usage("--into is needed: half, quarter, month, week or day");
	o->sheet = goal_sheet_operand(argc, argv, "given");
	if (sp.season)
		o->season = parse_season(sp.season, &o->nseason);
	check_files(o->sheet, &o->c);
}

static noreturn void bad_goal(const char *sheet, const struct goal *g, const char *column, const char *message)
{
	diag_at(sheet, g->line, column, NULL, 0, message);
	diag_exit(SPM_EXIT_DATA);
}

/* When the split of the whole sheet, one goal after another, would add a goal to the
 * result: kept goals first (step: their order), then the goals in order (step: kept +
 * the goal's index; a table's at its group's), a table's group (sub 0) before its reps
 * (sub 1 + r); j 0 before the goal's parts, 1 + i its part i. The result is made owner
 * by owner, but its problems are reported as that order would meet them: the first. */
struct seq {
	size_t step, sub, j;
};

static int seq_cmp(struct seq a, struct seq b)
{
	if (a.step != b.step)
		return a.step < b.step ? -1 : 1;
	if (a.sub != b.sub)
		return a.sub < b.sub ? -1 : 1;
	return (a.j > b.j) - (a.j < b.j);
}

/* The first problem met, in that order. */
struct split_error {
	bool set;
	struct seq seq;
	size_t goal; /* index in the sheet of the goal it is reported against */
	const char *column;
	char message[256];
};

static void note_error(struct split_error *e, struct seq at, size_t goal, const char *column, const char *message)
{
	if (e->set && seq_cmp(at, e->seq) >= 0)
		return;
	e->set = true;
	e->seq = at;
	e->goal = goal;
	e->column = column;
	snprintf(e->message, sizeof e->message, "%s", message);
}

/* The parts of the goal's period, or NULL and the problem in message. Halves and
 * quarters follow --fiscal-start, so a calendar year cut into quarters of a February
 * fiscal year does not fit. */
static struct period *parts_checked(const struct goal *g, const struct split_options *o, size_t *n,
				    char message[static 256])
{
	char label[PERIOD_LABEL_SIZE];
	struct period *parts = period_split(g->period, o->into, o->c.fiscal_start, n);
	if (parts && *n > 0) {
		/* a part only a program could name (0000-04, 10000-01) could never be read back */
		for (size_t i = 0; i < *n; i++) {
			struct period back;
			size_t len = period_format(parts[i], label);
			if (!period_parse(label, len, o->c.fiscal_start, &back) || period_cmp(back, parts[i]) != 0) {
				snprintf(message, 256, "its part %s would be a period no program can read (years 1 to 9999)",
					 label);
				free(parts);
				return NULL;
			}
		}
		return parts;
	}
	free(parts);
	period_format(g->period, label);
	if (o->c.fiscal_start > 1 && o->into <= GRAIN_QUARTER)
		snprintf(message, 256, "%s cannot be cut into fiscal %s of a year starting in month %d (--fiscal-start %d)",
			 label, grain_plural(o->into), o->c.fiscal_start, o->c.fiscal_start);
	else
		snprintf(message, 256, "%s cannot be cut into %s", label, grain_plural(o->into));
	return NULL;
}

/* The last period cut and its parts (or problem): goals of a sheet share few periods. */
static struct {
	bool set;
	struct period period;
	struct period *parts; /* NULL: the problem is message */
	size_t n;
	char message[256];
} last_cut;

static void forget_last_cut(void)
{
	free(last_cut.parts);
	memset(&last_cut, 0, sizeof last_cut);
}

static struct period *parts_of(const struct goal *g, const struct split_options *o, size_t *n,
			       char message[static 256])
{
	if (!last_cut.set || period_cmp(last_cut.period, g->period) != 0) {
		forget_last_cut();
		last_cut.parts = parts_checked(g, o, &last_cut.n, last_cut.message);
		last_cut.period = g->period;
		last_cut.set = true;
	}
	if (!last_cut.parts) {
		/* the message names the goal's own period label: made again for this goal */
		free(parts_checked(g, o, n, message));
		return NULL;
	}
	*n = last_cut.n;
	struct period *parts = xcalloc(*n, sizeof *parts);
	memcpy(parts, last_cut.parts, *n * sizeof *parts);
	return parts;
}

/* The weight of each part: --season, or its days; NULL and the problem in message when
 * --season has another number of weights. */
static decimal *part_weights(const struct goal *g, const struct split_options *o, const struct period *parts,
			     size_t n, char message[static 256])
{
	if (o->season && o->nseason != n) {
		char label[PERIOD_LABEL_SIZE];
		period_format(g->period, label);
		snprintf(message, 256, "--season has %zu weight%s, %s has %zu %s", o->nseason, o->nseason == 1 ? "" : "s",
			 label, n, grain_plural(o->into));
		return NULL;
	}
	decimal *weights = xcalloc(n, sizeof *weights);
	for (size_t i = 0; i < n; i++)
		weights[i] = o->season ? o->season[i] : decimal_from_int(period_days(parts[i]));
	return weights;
}

/* Whether the goal is divided over time (and so may join a table), not copied. */
static bool divided(const struct goal *g)
{
	return goal_adds_up(g) && !g->lower;
}

static const char too_large[] = "too large to split exactly";

/* One goal alone: its parts and their targets, divided exactly when the metric adds up
 * over time, else (ratios, averages, levels, ceilings) the same target for every part.
 * false: the problem in message, against column. */
static bool split_goal(const struct goal *g, const struct split_options *o, struct period **parts, decimal **targets,
		       size_t *n, char message[static 256], const char **column)
{
	*targets = NULL;
	*column = column_name(COL_PERIOD);
	if (!(*parts = parts_of(g, o, n, message)))
		return false;
	decimal *weights = part_weights(g, o, *parts, *n, message);
	if (!weights) {
		free(*parts);
		return false;
	}
	*targets = xcalloc(*n, sizeof **targets);
	bool ok = true;
	if (!divided(g)) {
		for (size_t i = 0; i < *n; i++)
			(*targets)[i] = g->target;
	} else if (!apportion(g->target, weights, *n, goal_part_unit(g, o->round), *targets)) {
		*column = column_name(COL_TARGET);
		snprintf(message, 256, "%s", too_large);
		free(*parts);
		free(*targets);
		ok = false;
	}
	free(weights);
	return ok;
}

/* A group's goal and the goals of its reps for the same period and metric, which add up
 * to it: split as one table (rows: the reps; columns: the parts), so that each rep's parts
 * add up to its goal and each part of the group's to the reps' parts of that period. */
struct split_table {
	size_t group;  /* index of the group's goal in the sheet */
	size_t *rep;   /* indices of the reps' goals */
	size_t nrep;
};

/* A table's split, kept while some of its rows are still to be written. */
struct table_split {
	struct period *parts;
	size_t n;
	decimal *rows;  /* (1 + nrep) × n: row 0 the group's parts, row 1 + r rep r's */
	bool *row_ok;   /* false: that row alone is too large to split exactly */
	bool failed;    /* the group's goal cannot be split: message, column */
	char message[256];
	const char *column;
	size_t left;    /* rows not yet taken */
};

static struct table_split *split_table(const struct goal_sheet *in, const struct split_table *t,
				       const struct split_options *o)
{
	const struct goal *g = &in->goal[t->group];
	struct table_split *ts = xcalloc(1, sizeof *ts);
	size_t n, k = t->nrep;
	ts->left = k + 1;
	ts->column = column_name(COL_PERIOD);
	if (!(ts->parts = parts_of(g, o, &n, ts->message))) {
		ts->failed = true;
		return ts;
	}
	ts->n = n;
	decimal *weights = part_weights(g, o, ts->parts, n, ts->message);
	if (!weights) {
		ts->failed = true;
		return ts;
	}
	decimal unit = goal_part_unit(g, o->round);
	if (k + 1 > SIZE_MAX / sizeof(decimal) / n || k > SIZE_MAX / sizeof(decimal) / n)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	ts->rows = xcalloc((k + 1) * n, sizeof *ts->rows);
	ts->row_ok = xcalloc(k + 1, sizeof *ts->row_ok);
	decimal *group = xcalloc(n, sizeof *group);
	decimal *totals = xcalloc(k + 1, sizeof *totals), *w = xcalloc(k * n + 1, sizeof *w);
	if (!apportion(g->target, weights, n, unit, group)) {
		ts->failed = true;
		ts->column = column_name(COL_TARGET);
		snprintf(ts->message, sizeof ts->message, "%s", too_large);
	} else {
		for (size_t i = 0; i < k; i++) {
			totals[i] = in->goal[t->rep[i]].target;
			memcpy(w + i * n, weights, n * sizeof *weights);
		}
		/* the group's parts as it would be split alone, when the reps' parts can add up
		 * to them; else the sums of the reps' parts, each within a unit of its exact
		 * share too */
		if (apportion_table(k, n, totals, w, unit, group, ts->rows + n, ts->rows)) {
			for (size_t r = 0; r <= k; r++)
				ts->row_ok[r] = true;
		} else {
			/* too large for one table (or targets off the unit): each alone, as
			 * without a roster */
			memcpy(ts->rows, group, n * sizeof *group);
			ts->row_ok[0] = true;
			for (size_t i = 0; i < k; i++) {
				const struct goal *rg = &in->goal[t->rep[i]];
				ts->row_ok[1 + i] =
					apportion(rg->target, weights, n, goal_part_unit(rg, o->round), ts->rows + (1 + i) * n);
			}
		}
	}
	free(w);
	free(totals);
	free(group);
	free(weights);
	return ts;
}

static void table_split_free(struct table_split *ts)
{
	if (!ts)
		return;
	free(ts->parts);
	free(ts->rows);
	free(ts->row_ok);
	free(ts);
}

/* The tables of the sheet: each divided goal of a group (lowest levels first: a team
 * before its region) whose reps' goals for its period and metric add up to it exactly and
 * are in no other table. role[i]: ALONE, IN_TABLE (a rep's goal), or 1 + the index of
 * the table the goal heads. */
enum { ALONE = 0, IN_TABLE = SIZE_MAX };

static struct split_table *find_tables(const struct goal_sheet *in, const struct roster *r,
				       const struct split_options *o, size_t *role, size_t *ntables)
{
	static const bool any_level[LEVEL_COUNT] = { true, true, true, true };
	struct split_table *tables = NULL;
	size_t n = 0, cap = 0;
	enum level *level = xcalloc(in->n + 1, sizeof *level);
	for (size_t i = 0; i < in->n; i++) {
		const struct goal *g = &in->goal[i];
		enum level other;
		level[i] = LEVEL_REP;
		if ((enum grain)g->period.grain < o->into && divided(g) && goal_adds_across_people(g) &&
		    roster_level_of(r, g->owner, g->owner_len, any_level, &level[i], &other) != NAME_FOUND)
			level[i] = LEVEL_REP;
	}
	size_t *rep = xcalloc(r->nreps + 1, sizeof *rep);
	for (enum level lv = LEVEL_TEAM; lv < LEVEL_COUNT; lv++) {
		for (size_t i = 0; i < in->n; i++) {
			const struct goal *g = &in->goal[i];
			if (level[i] != lv || role[i])
				continue;
			size_t members, k = 0;
			const size_t *member = roster_members(r, lv, g->owner, g->owner_len, &members);
			decimal sum = decimal_zero();
			bool ok = true;
			for (size_t m = 0; m < members && ok; m++) {
				const struct roster_rep *e = &r->rep[member[m]];
				struct goal *rg = goal_sheet_find((struct goal_sheet *)in, e->name[LEVEL_REP], e->len[LEVEL_REP],
								  g->period, g->metric_name);
				if (!rg)
					continue;
				size_t j = (size_t)(rg - in->goal);
				ok = j != i && !role[j] && level[j] == LEVEL_REP && period_cmp(rg->period, g->period) == 0 &&
				     divided(rg) && decimal_add(sum, rg->target, &sum);
				rep[k++] = j;
			}
			if (!ok || k == 0 || decimal_cmp(sum, g->target) != 0)
				continue;
			xgrow((void **)&tables, &cap, n + 1, sizeof *tables);
			tables[n].group = i;
			tables[n].nrep = k;
			tables[n].rep = xcalloc(k, sizeof *rep);
			memcpy(tables[n++].rep, rep, k * sizeof *rep);
			role[i] = n;
			for (size_t q = 0; q < k; q++)
				role[rep[q]] = IN_TABLE;
		}
	}
	free(rep);
	free(level);
	*ntables = n;
	return tables;
}

/* A goal of the result: a kept goal or a part of one. */
struct part {
	size_t goal; /* the sheet's goal it is (kept) or a part of */
	struct period period;
	spm_day end;
	decimal target;
	struct seq seq;
	bool kept;
	char label[PERIOD_LABEL_SIZE];
};

/* The result is made one owner at a time (the parts of one owner's goals can only
 * duplicate each other), twice: once to find the first problem, if any, then to write
 * it, sorted, as it is made. Memory: the sheet, one owner's parts, and the tables split
 * but not yet written. */
enum { LABEL_MEMO = 1024 };
struct label_memo {
	bool set;
	struct period period;
	char label[PERIOD_LABEL_SIZE];
};

struct splitter {
	struct label_memo labels[LABEL_MEMO];
	const struct goal_sheet *in;
	const struct split_options *o;
	size_t nkept;
	size_t *kept_at;       /* a kept goal's place among the kept goals */
	size_t *table_of;      /* 0: alone; 1 + the table the goal is in */
	size_t *row_of;        /* its row in that table: 0 the group, 1 + r rep r */
	struct split_table *tables;
	struct table_split **split; /* per table, while some of its rows are to be taken */
	struct part *parts;
	size_t nparts, cap;
	struct split_error error;
};

static void add_part(struct splitter *sp, size_t goal, struct period p, decimal target, struct seq at, bool kept)
{
	xgrow((void **)&sp->parts, &sp->cap, sp->nparts + 1, sizeof *sp->parts);
	struct part *q = &sp->parts[sp->nparts++];
	q->goal = goal;
	q->period = p;
	q->end = period_end(p);
	q->target = target;
	q->seq = at;
	q->kept = kept;
	q->label[0] = '\0';
}

/* The parts of goal i into sp->parts (or its problem into sp->error). */
static void goal_parts(struct splitter *sp, size_t i)
{
	const struct goal *g = &sp->in->goal[i];
	if ((enum grain)g->period.grain >= sp->o->into) {
		add_part(sp, i, g->period, g->target, (struct seq){ sp->kept_at[i], 0, 0 }, true);
		return;
	}
	if (sp->table_of[i]) {
		size_t t = sp->table_of[i] - 1, r = sp->row_of[i];
		if (!sp->split[t])
			sp->split[t] = split_table(sp->in, &sp->tables[t], sp->o);
		struct table_split *ts = sp->split[t];
		size_t step = sp->nkept + sp->tables[t].group;
		if (ts->failed)
			note_error(&sp->error, (struct seq){ step, 0, 0 }, sp->tables[t].group, ts->column, ts->message);
		else if (!ts->row_ok[r])
			note_error(&sp->error, (struct seq){ step, r, 0 }, i, column_name(COL_TARGET), too_large);
		else
			for (size_t j = 0; j < ts->n; j++)
				add_part(sp, i, ts->parts[j], ts->rows[r * ts->n + j], (struct seq){ step, r, 1 + j }, false);
		if (--ts->left == 0) {
			table_split_free(ts);
			sp->split[t] = NULL;
		}
		return;
	}
	struct period *parts;
	decimal *targets;
	size_t n;
	char message[256];
	const char *column;
	size_t step = sp->nkept + i;
	if (!split_goal(g, sp->o, &parts, &targets, &n, message, &column)) {
		note_error(&sp->error, (struct seq){ step, 0, 0 }, i, column, message);
		return;
	}
	for (size_t j = 0; j < n; j++)
		add_part(sp, i, parts[j], targets[j], (struct seq){ step, 0, 1 + j }, false);
	free(targets);
	free(parts);
}

static const struct goal_sheet *sort_sheet; /* for the qsort comparators */

static int compare_keys(const void *pa, const void *pb)
{
	const struct part *a = pa, *b = pb;
	if (a->period.start != b->period.start)
		return a->period.start < b->period.start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	int c = strcmp(sort_sheet->goal[a->goal].metric_name, sort_sheet->goal[b->goal].metric_name);
	return c ? c : seq_cmp(a->seq, b->seq);
}

static int compare_written(const void *pa, const void *pb)
{
	const struct part *a = pa, *b = pb;
	int c = strcmp(a->label, b->label);
	return c ? c : strcmp(sort_sheet->goal[a->goal].metric_name, sort_sheet->goal[b->goal].metric_name);
}

/* A part that lands on a goal the result already has: this sheet would count it twice. */
static void check_duplicates(struct splitter *sp)
{
	sort_sheet = sp->in;
	if (sp->nparts > 1)
		qsort(sp->parts, sp->nparts, sizeof *sp->parts, compare_keys);
	for (size_t i = 1; i < sp->nparts; i++) {
		const struct part *a = &sp->parts[i - 1], *b = &sp->parts[i];
		if (a->period.start != b->period.start || a->end != b->end ||
		    strcmp(sp->in->goal[a->goal].metric_name, sp->in->goal[b->goal].metric_name) != 0)
			continue;
		/* the first of the run is the goal the second lands on */
		size_t first = i - 1;
		while (first > 0 && compare_keys(&sp->parts[first - 1], a) == 0)
			first--;
		if (first != i - 1)
			continue; /* a third or later: the second is the one met first */
		char label[PERIOD_LABEL_SIZE], message[256];
		period_format(b->period, label);
		snprintf(message, sizeof message, "its part %s would duplicate %s on line %llu (same owner, period and metric)",
			 label, a->kept ? "the goal" : "a part of the goal",
			 (unsigned long long)sp->in->goal[a->goal].line);
		note_error(&sp->error, b->seq, b->goal, column_name(COL_PERIOD), message);
	}
}

static int compare_owners(const void *pa, const void *pb)
{
	const struct goal *a = &sort_sheet->goal[*(const size_t *)pa], *b = &sort_sheet->goal[*(const size_t *)pb];
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	return (*(const size_t *)pa > *(const size_t *)pb) - (*(const size_t *)pa < *(const size_t *)pb);
}

/* Every owner's parts, in owner order: checked for duplicates (out NULL), or written. */
static void split_owners(struct splitter *sp, const size_t *by_owner, struct output *out, bool csv,
			 const bool with[G_COUNT])
{
	const struct goal_sheet *in = sp->in;
	for (size_t a = 0, b; a < in->n; a = b) {
		const struct goal *first = &in->goal[by_owner[a]];
		for (b = a + 1; b < in->n; b++) {
			const struct goal *g = &in->goal[by_owner[b]];
			if (bytes_cmp(g->owner, g->owner_len, first->owner, first->owner_len) != 0)
				break;
		}
		sp->nparts = 0;
		for (size_t i = a; i < b; i++)
			goal_parts(sp, by_owner[i]);
		if (!out) {
			check_duplicates(sp);
			continue;
		}
		for (size_t i = 0; i < sp->nparts; i++) {
			/* labels of recent periods, by their first day: owners share their periods */
			struct period p = sp->parts[i].period;
			struct label_memo *m = &sp->labels[(size_t)p.start % LABEL_MEMO];
			if (!m->set || period_cmp(m->period, p) != 0) {
				m->set = true;
				m->period = p;
				period_format(p, m->label);
			}
			memcpy(sp->parts[i].label, m->label, sizeof m->label);
		}
		sort_sheet = in;
		if (sp->nparts > 1)
			qsort(sp->parts, sp->nparts, sizeof *sp->parts, compare_written);
		for (size_t i = 0; i < sp->nparts; i++) {
			const struct part *q = &sp->parts[i];
			goal_sheet_write_goal(out, in, &in->goal[q->goal], q->label, q->target, csv, with);
		}
	}
}

int goal_split(int argc, char **argv)
{
	struct split_options o;
	struct metric_catalog metrics;
	struct goal_sheet in;
	subcommand_begin(argv, "split");
	parse_split_options(argc, argv, &o);
	metric_catalog_load(&metrics, o.c.metrics);
	read_goal_sheet(&in, o.sheet, o.c.fiscal_start, &metrics, false, false, o.c.format);

	struct splitter sp;
	memset(&sp, 0, sizeof sp);
	sp.in = &in;
	sp.o = &o;
	sp.kept_at = xcalloc(in.n + 1, sizeof *sp.kept_at);
	for (size_t i = 0; i < in.n; i++)
		if ((enum grain)in.goal[i].period.grain >= o.into)
			sp.kept_at[i] = sp.nkept++;
	/* with a roster, groups and their reps as tables; every other goal alone */
	size_t *role = xcalloc(in.n + 1, sizeof *role);
	size_t ntables = 0;
	if (o.c.roster) {
		struct roster roster;
		roster_load(&roster, o.c.roster, LEVEL_COUNT);
		sp.tables = find_tables(&in, &roster, &o, role, &ntables);
		roster_free(&roster);
	}
	sp.table_of = xcalloc(in.n + 1, sizeof *sp.table_of);
	sp.row_of = xcalloc(in.n + 1, sizeof *sp.row_of);
	sp.split = xcalloc(ntables + 1, sizeof *sp.split);
	for (size_t t = 0; t < ntables; t++) {
		sp.table_of[sp.tables[t].group] = t + 1;
		for (size_t r = 0; r < sp.tables[t].nrep; r++) {
			sp.table_of[sp.tables[t].rep[r]] = t + 1;
			sp.row_of[sp.tables[t].rep[r]] = 1 + r;
		}
	}
	free(role);
	size_t *by_owner = xcalloc(in.n + 1, sizeof *by_owner);
	for (size_t i = 0; i < in.n; i++)
		by_owner[i] = i;
	sort_sheet = &in;
	if (in.n > 1)
		qsort(by_owner, in.n, sizeof *by_owner, compare_owners);

	split_owners(&sp, by_owner, NULL, false, NULL);
	if (sp.error.set)
		bad_goal(o.sheet, &in.goal[sp.error.goal], sp.error.column, sp.error.message);
	if (sp.nkept && !o.c.quiet)
		fprintf(stderr, "%s: kept %zu goal%s unchanged (already by %s or finer)\n", diag_program(), sp.nkept,
			sp.nkept == 1 ? "" : "s", grain_name(o.into));

	struct output out;
	bool with[G_COUNT];
	bool csv = sheet_is_csv(o.c.output, o.c.format);
	goal_sheet_columns(&in, with);
	output_open(&out, o.c.output);
	goal_sheet_write_header(&out, &in, csv, with);
	split_owners(&sp, by_owner, &out, csv, with);
	output_close(&out);

	for (size_t t = 0; t < ntables; t++) {
		table_split_free(sp.split[t]);
		free(sp.tables[t].rep);
	}
	free(sp.split);
	free(sp.tables);
	forget_last_cut();
	free(sp.parts);
	free(sp.row_of);
	free(sp.table_of);
	free(sp.kept_at);
	free(by_owner);
	goal_sheet_free(&in);
	metric_catalog_free(&metrics);
	free(o.season);
	return SPM_EXIT_OK;
}
