/* spm-goal allocate: turns the goals of teams, managers and regions into goals for their
 * reps (equal shares or by a roster column, over-assigned, prorated for reps who join or
 * leave during the period) that add up exactly to the group's. */
#include "spm-goal.h"

#include "apportion.h"
#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal allocate --roster ROSTER [OPTION]... [SHEET]\n"
	       "Turn each goal whose owner is a team, manager or region of ROSTER into one goal\n"
	       "per rep of that group, in equal shares or in proportion to a roster column. The\n"
	       "reps' goals add up exactly to the group's (times --overassign): to the cent (or\n"
	       "--round UNIT), counts to whole numbers. Ratios, averages and goals of direction\n"
	       "lower are copied to each rep, not divided. A group's goals of several periods of\n"
	       "one year are allocated as one table: each rep's periods also add up to its share\n"
	       "of their sum. Rep goals and goals of owners not in the roster are kept\n"
	       "unchanged; the group's own goal is kept too (so rollup can show the gap) unless\n"
	       "--replace. Without SHEET, or when SHEET is -, the sheet is read from standard\n"
	       "input; the result is written sorted.\n"
	       "\n"
	       "      --roster FILE       the roster (rep team manager region ... start end)\n"
	       "      --roster-map FILE   the roster's columns under other names: TSV lines\n"
	       "                          'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --by equal|COLUMN   equal shares (default), or in proportion to a roster column\n"
	       "                          of numbers, 0 or more (e.g. quota_share)\n"
	       "      --overassign F      the reps' goals add up to the target times F (e.g. 1.1),\n"
	       "                          rounded up to the unit (money) or a whole number (counts)\n"
	       "      --prorate           weigh each rep by the days of the goal's period it is\n"
	       "                          employed (roster columns start and end, inclusive dates,\n"
	       "                          empty: unbounded); reps employed no day get no goal\n"
	       "      --round UNIT        goals are multiples of UNIT (default 0.01, the cent; e.g.\n"
	       "                          1 or 100; counts: 1, or UNIT when it is a whole number)\n"
	       "      --level LEVEL       allocate the goals of owners at LEVEL: team, manager or\n"
	       "                          region (default: the level the roster names each owner at)\n"
	       "      --replace           drop the group's own goal from the sheet\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --metrics-file FILE metrics file: custom metrics (default: built-in metrics only;\n"
	       "                          --metrics FILE: deprecated name of the same option)\n"
	       "      --csv, --tsv        the sheet read, and one written to standard output, is CSV,\n"
	       "                          or TSV (default: by name, .csv is CSV; standard input TSV)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output (CSV\n"
	       "                          when its name ends in .csv); never over an input\n"
	       "  -q, --quiet             do not warn about owners that are not in the roster\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal allocate --roster roster.tsv --by quota_share --overassign 1.1 team-goals.tsv\n"
	       "  spm-goal allocate --roster roster.tsv --round 100 team-goals.tsv\n");
	exit(SPM_EXIT_OK);
}

struct allocate_options {
	struct goal_common c; /* --roster, --metrics-file, -o, -q, --fiscal-start, --csv/--tsv */
	const char *by, *sheet;
	const decimal *overassign, *round;
	decimal overassign_value, round_value;
	bool prorate, replace, level_set;
	enum level level;
};

enum { OPT_BY = CLI_OPT_PROGRAM, OPT_OVERASSIGN, OPT_PRORATE, OPT_ROUND, OPT_LEVEL, OPT_REPLACE };

/* allocate's own options, given to it by cli_parse. */
static bool allocate_option(int c, const char *arg, void *ctx)
{
	struct allocate_options *o = ctx;
	switch (c) {
	case OPT_BY:
		if (!*arg)
			diag_usage("--by: expected equal or a roster column");
		o->by = strcmp(arg, "equal") == 0 ? NULL : arg;
		return true;
	case OPT_OVERASSIGN:
		o->overassign_value = positive_option("--overassign", arg);
		o->overassign = &o->overassign_value;
		return true;
	case OPT_PRORATE: o->prorate = true; return true;
	case OPT_ROUND:
		o->round_value = positive_option("--round", arg);
		o->round = &o->round_value;
		return true;
	case OPT_LEVEL:
		if (!parse_level(arg, &o->level) || o->level == LEVEL_REP)
			diag_usage("--level: expected team, manager or region (\"%s\")", arg);
		o->level_set = true;
		return true;
	case OPT_REPLACE: o->replace = true; return true;
	default: return false;
	}
}

static void parse_allocate_options(int argc, char **argv, struct allocate_options *o)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "overassign", required_argument, NULL, OPT_OVERASSIGN },
		{ "prorate", no_argument, NULL, OPT_PRORATE },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	goal_parse_options(argc, argv, GOAL_TAKES_SHEET, longopts, NULL, allocate_option, o, usage, &o->c);
	if (!o->c.roster)
		diag_usage("--roster is needed: the reps of each team, manager and region");
	o->sheet = goal_sheet_operand(argc, argv, "given");
	check_files(o->sheet, &o->c);
}

/* Roster columns the options read, checked once the roster is loaded. */
struct roster_columns {
	long by, start, end; /* -1: absent */
};

static struct roster_columns find_columns(const struct roster *r, const struct allocate_options *o)
{
	struct roster_columns col = { -1, roster_column(r, column_name(COL_START)),
				      roster_column(r, column_name(COL_END)) };
	if (o->by) {
		col.by = roster_column(r, o->by);
		if (col.by < 0)
			diag_usage("--by: the roster %s has no column '%s'", r->path, o->by);
	}
	if (o->prorate && col.start < 0 && col.end < 0)
		diag_usage("--prorate: the roster %s has no column '%s' or '%s'", r->path, column_name(COL_START),
			   column_name(COL_END));
	return col;
}

/* The owner is quoted unless the message names it already. */
static noreturn void bad_goal(const char *sheet, const struct goal *g, const char *message, bool quote_owner)
{
	diag_at(sheet, g->line, column_name(COL_OWNER), quote_owner ? g->owner : NULL, g->owner_len, message);
	diag_exit(SPM_EXIT_DATA);
}

static noreturn void bad_roster_value(const struct roster *r, const struct roster_rep *rep, long col,
				      const char *message)
{
	const char *value = rep->field[col];
	diag_at(r->path, rep->line, r->column[col], value, strlen(value), message);
	diag_exit(SPM_EXIT_DATA);
}

enum owner_kind { OWNER_REP, OWNER_GROUP, OWNER_UNKNOWN };

/* Whether the goal's owner is a rep, a group to allocate (at *level) or not in the
 * roster. With --level, every owner that is not a rep is a group at that level. */
static enum owner_kind owner_kind(const struct roster *r, const struct goal *g, const struct allocate_options *o,
				  enum level *level)
{
	bool allowed[LEVEL_COUNT] = { !o->level_set, !o->level_set, !o->level_set, !o->level_set };
	enum level other;
	struct sbuf message = { 0 }; /* names owners, groups: any length (bad_goal exits) */
	if (o->level_set)
		allowed[o->level] = true;
	switch (roster_level_of(r, g->owner, g->owner_len, allowed, level, &other)) {
	case NAME_FOUND:
		return *level == LEVEL_REP ? OWNER_REP : OWNER_GROUP;
	case NAME_AMBIGUOUS:
		sb_printf(&message,
			 "names both a %s and a %s of other reps in the roster; say which with --level",
			 level_names[*level], level_names[other]);
		bad_goal(o->sheet, g, sb_text(&message), true);
	case NAME_UNKNOWN:
		break;
	}
	if (!o->level_set)
		return OWNER_UNKNOWN;
	if (roster_find_rep(r, g->owner, g->owner_len))
		return OWNER_REP;
	*level = o->level;
	return OWNER_GROUP;
}

/* The days of period p on which the rep is employed, first and last day included. */
static int employed_days(const struct roster *r, const struct roster_rep *rep, struct period p)
{
	spm_day first, last;
	long bad = roster_employment(r, rep, &first, &last);
	if (bad >= 0)
		bad_roster_value(r, rep, bad,
				 date_problem(rep->field[bad], strlen(rep->field[bad]), "not a date (YYYY-MM-DD)"));
	if (last < first)
		bad_roster_value(r, rep, roster_column(r, column_name(COL_END)), "ends before it starts");
	spm_day from = first > p.start ? first : p.start;
	spm_day end = period_end(p);
	if (last < INT32_MAX && last + 1 < end)
		end = last + 1;
	return end > from ? (int)(end - from) : 0;
}

/* An effective-dated roster: how many rows of the rep are in force during period p (a
 * rep who changes team, manager or region in the period has two or more). */
static size_t rows_in_period(const struct roster *r, const struct roster_rep *rep, struct period p)
{
	const struct roster_rep *before, *after, *e;
	e = roster_find_rep_on(r, rep->name[LEVEL_REP], rep->len[LEVEL_REP], p.start, &before, &after);
	if (!e)
		e = after;
	spm_day end = period_end(p);
	size_t n = 0;
	for (; e && e->from < end; e = e->next ? &r->rep[e->next - 1] : NULL)
		n += e->to >= p.start;
	return n;
}

/* A rep's share weight: 1, or its --by value; times its employed days with --prorate
 * (the period's days would divide every weight alike, so they are left out). */
static decimal rep_weight(const struct roster *r, const struct roster_rep *rep, const struct roster_columns *col,
			  int days)
{
	decimal w = decimal_from_int(1);
	if (col->by >= 0) {
		const char *value = rep->field[col->by];
		if (decimal_parse(value, strlen(value), DECIMAL_POINT, &w) != DECIMAL_OK || decimal_sign(w) < 0)
			bad_roster_value(r, rep, col->by, "expected a number, 0 or more");
	}
	/* only a --by value can be large enough to overflow: 1 × days never does */
	if (days >= 0 && !decimal_mul(w, decimal_from_int(days), DECIMAL_PLACES, ROUND_HALF_EVEN, &w)) {
		if (col->by < 0)
			diag_fatal(SPM_EXIT_DATA, "%s: a weight is too large to prorate exactly", r->path);
		bad_roster_value(r, rep, col->by, "too large to weigh exactly");
	}
	return w;
}

/* The reps' total: the target, times --overassign exactly, rounded up: money to the unit
 * of the parts (the cent, or --round), counts to a whole number. 855,555.547 or 16.5
 * deals would be no one's goal, and a total that is a multiple of the unit gives parts
 * that are. */
static decimal group_total(const struct goal *g, const struct allocate_options *o)
{
	decimal total = g->target, unit = goal_is_count(g) ? decimal_from_int(1) : goal_part_unit(g, o->round);
	if (!o->overassign)
		return total;
	if (!decimal_mul(g->target, *o->overassign, DECIMAL_PLACES, ROUND_HALF_EVEN, &total))
		bad_goal(o->sheet, g, "target times --overassign is too large", true);
	decimal_units odd = total.units % unit.units;
	if (odd > 0 && __builtin_add_overflow(total.units, unit.units - odd, &total.units))
		bad_goal(o->sheet, g, "target times --overassign is too large", true);
	return total;
}

struct allocation {
	const struct roster_rep **rep;
	decimal *weight, *target;
	size_t n, cap;
};

/* The reps of the group (employed in the period, with --prorate) and their weights. */
static void group_reps(const struct roster *r, const struct goal *g, enum level level,
		       const struct roster_columns *col, const struct allocate_options *o, struct allocation *a)
{
	struct sbuf message = { 0 }; /* names owners, groups: any length (bad_goal exits) */
	size_t members;
	const size_t *member = roster_members(r, level, g->owner, g->owner_len, &members);
	for (size_t k = 0; k < members; k++) {
		const struct roster_rep *rep = &r->rep[member[k]];
		/* an effective-dated roster: the rows in force in the period, by their days */
		int days = o->prorate || r->dated ? employed_days(r, rep, g->period) : -1;
		if (days == 0)
			continue;
		if (r->dated && !o->prorate) {
			if (rows_in_period(r, rep, g->period) > 1) {
				char label[PERIOD_LABEL_SIZE];
				period_format(g->period, label);
				sb_printf(&message,
					 "rep %.*s changes group during %s (roster line %zu): use --prorate to share the goal by days",
					 (int)rep->len[LEVEL_REP], rep->name[LEVEL_REP], label, rep->line);
				bad_goal(o->sheet, g, sb_text(&message), false);
			}
			days = -1;
		}
		size_t same = a->n;
		for (size_t i = 0; r->dated && i < a->n; i++) /* two rows of one rep in one group */
			if (a->rep[i]->len[LEVEL_REP] == rep->len[LEVEL_REP] &&
			    memcmp(a->rep[i]->name[LEVEL_REP], rep->name[LEVEL_REP], rep->len[LEVEL_REP]) == 0)
				same = i;
		if (same < a->n) {
			if (!decimal_add(a->weight[same], rep_weight(r, rep, col, days), &a->weight[same]))
				bad_goal(o->sheet, g, "weights too large to allocate exactly", false);
			continue;
		}
		xgrow((void **)&a->rep, &a->cap, a->n + 1, sizeof *a->rep);
		a->weight = xreallocarray(a->weight, a->cap, sizeof *a->weight);
		a->rep[a->n] = rep;
		a->weight[a->n++] = rep_weight(r, rep, col, days);
	}
	if (a->n > 0)
		return;
	if (members == 0) {
		sb_printf(&message, "%s %.*s has no reps in the roster", level_names[level],
			 (int)g->owner_len, g->owner);
	} else {
		char label[PERIOD_LABEL_SIZE];
		period_format(g->period, label);
		sb_printf(&message, "%s %.*s has no reps employed in %s (--prorate)", level_names[level],
			 (int)g->owner_len, g->owner, label);
	}
	bad_goal(o->sheet, g, sb_text(&message), false);
}

/* Each rep's target: a share of the group's total, or the group's target as it is. */
static void rep_targets(const struct goal *g, enum level level, const struct allocate_options *o,
			struct allocation *a)
{
	struct sbuf message = { 0 }; /* names owners, groups: any length (bad_goal exits) */
	a->target = xcalloc(a->n, sizeof *a->target);
	if (!(!g->lower && goal_adds_across_people(g))) {
		for (size_t i = 0; i < a->n; i++)
			a->target[i] = g->target;
		return;
	}
	bool any = false;
	for (size_t i = 0; i < a->n; i++)
		any |= decimal_sign(a->weight[i]) > 0;
	if (!any) {
		sb_printf(&message, "every rep of %s %.*s weighs 0%s%s", level_names[level],
			 (int)g->owner_len, g->owner, o->by ? " in column " : "", o->by ? o->by : "");
		bad_goal(o->sheet, g, sb_text(&message), false);
	}
	if (!apportion(group_total(g, o), a->weight, a->n, goal_part_unit(g, o->round), a->target))
		bad_goal(o->sheet, g, "target too large to allocate exactly", true);
}

/* A rep goal that lands on a goal the result already has. */
static noreturn void duplicate_rep_goal(const struct goal *g, enum level level, const struct goal *part,
					const struct goal *other, const char *sheet)
{
	char label[PERIOD_LABEL_SIZE];
	struct sbuf message = { 0 }; /* names owners, groups: any length (bad_goal exits) */
	period_format(part->period, label);
	if (other->line == g->line && !other->used)
		sb_printf(&message,
			 "%s %.*s has a rep of the same name, whose goal would be this one; use --replace",
			 level_names[level], (int)g->owner_len, g->owner);
	else
		sb_printf(&message, "%s %.*s: rep %.*s already has a goal for %s %s%s on line %llu",
			 level_names[level], (int)g->owner_len, g->owner, (int)part->owner_len, part->owner, label,
			 part->metric_name, other->used ? ", allocated from the goal" : "",
			 (unsigned long long)other->line);
	bad_goal(sheet, g, sb_text(&message), false);
}

static bool divided(const struct goal *g);

static void allocate_goal(const struct roster *r, const struct goal *g, enum level level,
			  const struct roster_columns *col, const struct allocate_options *o, struct goal_sheet *out)
{
	struct allocation a = { NULL, NULL, NULL, 0, 0 };
	group_reps(r, g, level, col, o, &a);
	rep_targets(g, level, o, &a);
	for (size_t i = 0; i < a.n; i++) {
		struct goal part = *g;
		part.owner = a.rep[i]->name[LEVEL_REP];
		part.owner_len = a.rep[i]->len[LEVEL_REP];
		part.level = LEVEL_REP;
		part.target = a.target[i];
		part.used = true; /* marks an allocated goal, for messages */
		if (!goal_sheet_add(out, &part)) {
			struct goal *other = goal_sheet_find(out, part.owner, part.owner_len, part.period, part.metric_name);
			/* a rep who moved during the period: its shares of both groups' goals add up */
			if (r->dated && other && other->used && other->line != g->line && divided(g) &&
			    rows_in_period(r, a.rep[i], g->period) > 1) {
				if (!decimal_add(other->target, part.target, &other->target))
					bad_goal(o->sheet, g, "target too large to allocate exactly", true);
				continue;
			}
			duplicate_rep_goal(g, level, &part, other, o->sheet);
		}
	}
	free(a.rep);
	free(a.weight);
	free(a.target);
}

/* ---- the goals of one group over several periods, as one table ---- */

/* Whether the goal is divided among the reps (and so may join a table), not copied. */
static bool divided(const struct goal *g)
{
	return !g->lower && goal_adds_across_people(g);
}

/* The year that holds the goal's period (a week: the year of its Thursday). */
static struct period year_of(const struct goal *g, int fiscal_start)
{
	spm_day d = g->period.start + ((enum grain)g->period.grain == GRAIN_WEEK ? 3 : 0);
	return period_of(d, GRAIN_YEAR, fiscal_start);
}

struct table_key {
	const struct goal *goal;
	size_t index;
	struct period year;
};

static int by_table(const void *pa, const void *pb)
{
	const struct table_key *a = pa, *b = pb;
	const struct goal *x = a->goal, *y = b->goal;
	size_t n = x->owner_len < y->owner_len ? x->owner_len : y->owner_len;
	int c = memcmp(x->owner, y->owner, n);
	if (c == 0 && x->owner_len != y->owner_len)
		c = x->owner_len < y->owner_len ? -1 : 1;
	if (c == 0)
		c = strcmp(x->metric_name, y->metric_name);
	if (c == 0)
		c = (int)x->period.grain - (int)y->period.grain;
	if (c == 0)
		c = period_cmp(a->year, b->year);
	if (c == 0)
		c = period_cmp(x->period, y->period);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static bool same_table(const struct table_key *a, const struct table_key *b)
{
	const struct goal *x = a->goal, *y = b->goal;
	return x->owner_len == y->owner_len && memcmp(x->owner, y->owner, x->owner_len) == 0 &&
	       strcmp(x->metric_name, y->metric_name) == 0 && x->period.grain == y->period.grain &&
	       period_cmp(a->year, b->year) == 0;
}

/* The goals of one group and metric for several periods of one grain and year (its
 * quarters, say): rows are the periods, columns the group's reps. Each period's goals add
 * up to the group's (times --overassign), and each rep's goals over the periods add up to
 * its share of the group's goals over them, rounded down or up: to what allocating their
 * sum over the year's weights would give whenever that is possible, so that splitting
 * first or allocating first give reps the same total. False when the table cannot be made
 * (a period without reps, numbers too large): then each goal is allocated alone. */
static bool allocate_table(const struct roster *r, const struct table_key *keys, size_t rows, enum level level,
			   const struct roster_columns *col, const struct allocate_options *o, struct goal_sheet *out)
{
	const struct goal *first = keys[0].goal;
	if (r->dated) /* reps who move: each period's goal alone, by the rows in force in it */
		return false;
	size_t members;
	const size_t *member = roster_members(r, level, first->owner, first->owner_len, &members);
	if (members == 0)
		return false;
	decimal unit = goal_part_unit(first, o->round), sum = decimal_zero();
	decimal *totals = xcalloc(rows, sizeof *totals), *w = xcalloc(rows * members, sizeof *w);
	decimal *yearly = xcalloc(members, sizeof *yearly), *want = xcalloc(members, sizeof *want);
	decimal *cells = xcalloc(rows * members, sizeof *cells);
	bool *present = xcalloc(rows * members, sizeof *present), ok = true;
	for (size_t j = 0; j < rows && ok; j++) {
		const struct goal *g = keys[j].goal;
		bool any = false;
		totals[j] = group_total(g, o);
		ok = decimal_add(sum, totals[j], &sum);
		for (size_t m = 0; m < members; m++) {
			const struct roster_rep *rep = &r->rep[member[m]];
			int days = o->prorate ? employed_days(r, rep, g->period) : -1;
			present[j * members + m] = days != 0;
			w[j * members + m] = days != 0 ? rep_weight(r, rep, col, days) : decimal_zero();
			any |= decimal_sign(w[j * members + m]) > 0;
		}
		ok = ok && any;
	}
	for (size_t m = 0; m < members && ok; m++) {
		const struct roster_rep *rep = &r->rep[member[m]];
		int days = o->prorate ? employed_days(r, rep, keys[0].year) : -1;
		yearly[m] = days != 0 ? rep_weight(r, rep, col, days) : decimal_zero();
	}
	bool prefer = ok && apportion(sum, yearly, members, unit, want);
	ok = ok && apportion_table(rows, members, totals, w, unit, prefer ? want : NULL, cells, NULL);
	for (size_t j = 0; j < rows && ok; j++) {
		const struct goal *g = keys[j].goal;
		for (size_t m = 0; m < members; m++) {
			const struct roster_rep *rep = &r->rep[member[m]];
			if (!present[j * members + m])
				continue;
			struct goal part = *g;
			part.owner = rep->name[LEVEL_REP];
			part.owner_len = rep->len[LEVEL_REP];
			part.level = LEVEL_REP;
			part.target = cells[j * members + m];
			part.used = true;
			if (!goal_sheet_add(out, &part))
				duplicate_rep_goal(g, level, &part,
						   goal_sheet_find(out, part.owner, part.owner_len, part.period,
								   part.metric_name),
						   o->sheet);
		}
	}
	free(present);
	free(cells);
	free(want);
	free(yearly);
	free(w);
	free(totals);
	return ok;
}

int goal_allocate(int argc, char **argv)
{
	struct allocate_options o;
	struct metric_catalog metrics;
	struct roster roster;
	struct goal_sheet in, out;
	subcommand_begin(argv, "allocate");
	parse_allocate_options(argc, argv, &o);
	roster_load_dated(&roster, o.c.roster, o.level_set ? o.level : LEVEL_COUNT);
	struct roster_columns col = find_columns(&roster, &o);
	metric_catalog_load(&metrics, o.c.metrics);
	read_goal_sheet(&in, o.sheet, o.c.fiscal_start, &metrics, false, false, o.c.format);
	goal_sheet_init_like(&out, &in);

	/* Which goals are groups' first, and every goal that stays, so that a rep goal
	 * landing on one of them is reported against it whatever the order of lines. */
	enum level *level = xcalloc(in.n + 1, sizeof *level);
	bool *group = xcalloc(in.n + 1, sizeof *group);
	for (size_t i = 0; i < in.n; i++) {
		const struct goal *g = &in.goal[i];
		enum owner_kind kind = owner_kind(&roster, g, &o, &level[i]);
		group[i] = kind == OWNER_GROUP;
		if (kind == OWNER_UNKNOWN && !o.c.quiet)
			diag_at(o.sheet, g->line, column_name(COL_OWNER), g->owner, g->owner_len,
				"not in the roster (as a rep, team, manager or region); goal kept unchanged");
		if (!group[i] || !o.replace)
			goal_sheet_add(&out, g);
	}
	/* the divided goals of a group, metric, grain and year as tables; the rest alone */
	struct table_key *keys = xcalloc(in.n + 1, sizeof *keys);
	size_t nkeys = 0;
	for (size_t i = 0; i < in.n; i++) {
		if (!group[i])
			continue;
		if (divided(&in.goal[i]))
			keys[nkeys++] = (struct table_key){ &in.goal[i], i, year_of(&in.goal[i], o.c.fiscal_start) };
		else
			allocate_goal(&roster, &in.goal[i], level[i], &col, &o, &out);
	}
	qsort(keys, nkeys, sizeof *keys, by_table);
	for (size_t a = 0, b; a < nkeys; a = b) {
		for (b = a + 1; b < nkeys && same_table(&keys[a], &keys[b]);)
			b++;
		if (b - a > 1 && allocate_table(&roster, keys + a, b - a, level[keys[a].index], &col, &o, &out))
			continue;
		for (size_t k = a; k < b; k++)
			allocate_goal(&roster, keys[k].goal, level[keys[k].index], &col, &o, &out);
	}
	free(keys);

	write_goal_sheet(&out, o.c.output, o.c.format);
	free(level);
	free(group);
	goal_sheet_free(&out);
	goal_sheet_free(&in);
	metric_catalog_free(&metrics);
	roster_free(&roster);
	return SPM_EXIT_OK;
}
