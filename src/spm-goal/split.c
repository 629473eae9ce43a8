/* spm-goal split: replaces each goal by goals for the parts of its period (halves,
 * quarters, months, ISO weeks or days), weighted by days or by seasonality, so that the
 * parts add up exactly to the whole. */
#include "spm-goal.h"

#include "apportion.h"
#include "diag.h"
#include "options.h"

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
	int fiscal_start;
	const char *metrics, *output, *sheet, *roster;
	enum input_format format;
	bool quiet;
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

static void parse_split_options(int argc, char **argv, struct split_options *o)
{
	enum { OPT_INTO = CLI_OPT_PROGRAM, OPT_SEASON, OPT_ROUND };
	static const struct option longopts[] = {
		{ "into", required_argument, NULL, OPT_INTO },
		{ "season", required_argument, NULL, OPT_SEASON },
		{ "round", required_argument, NULL, OPT_ROUND },
		CLI_OPTION_ROSTER,
		CLI_OPTION_ROSTER_MAP,
		CLI_OPTION_FISCAL_START,
		CLI_OPTION_METRICS_FILE,
		{ "metrics", required_argument, NULL, CLI_OPT_METRICS_FILE }, /* deprecated */
		GOAL_OPTION_CSV,
		GOAL_OPTION_TSV,
		CLI_OPTION_OUTPUT,
		CLI_OPTION_QUIET,
		CLI_OPTION_HELP,
		CLI_OPTION_VERSION,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cc;
	const char *season = NULL;
	bool into_given = false;
	int c;
	memset(o, 0, sizeof *o);
	memset(&cc, 0, sizeof cc);
	while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
		if (cli_common_option(&cc, c, optarg, usage) || sheet_format_option(c, &o->format))
			continue;
		switch (c) {
		case OPT_INTO:
			if (!grain_parse(optarg, &o->into) || o->into == GRAIN_YEAR)
				diag_usage("--into: expected half, quarter, month, week or day (\"%s\")", optarg);
			into_given = true;
			break;
		case OPT_SEASON: season = optarg; break;
		case OPT_ROUND:
			o->round_value = positive_option("--round", optarg);
			o->round = &o->round_value;
			break;
		default: cli_bad_option();
		}
	}
	o->roster = cc.roster;
	o->metrics = cc.metrics_file;
	o->output = cc.output;
	o->quiet = cc.quiet;
	o->fiscal_start = fiscal_start_option(cc.fiscal);
	if (!into_given)
		diag_usage("--into is needed: half, quarter, month, week or day");
	if (argc - optind > 1)
		diag_usage("one SHEET only (%d given)", argc - optind);
	o->sheet = optind < argc ? argv[optind] : "-";
	if (season)
		o->season = parse_season(season, &o->nseason);
	check_files(o->sheet, o->roster, o->metrics, o->output);
}

static noreturn void bad_goal(const char *sheet, const struct goal *g, const char *column, const char *message)
{
	diag_at(sheet, g->line, column, NULL, 0, message);
	diag_exit(SPM_EXIT_DATA);
}

/* The parts of the goal's period. Halves and quarters follow --fiscal-start, so a
 * calendar year cut into quarters of a February fiscal year does not fit. */
static struct period *parts_of(const struct goal *g, const struct split_options *o, size_t *n)
{
	char label[PERIOD_LABEL_SIZE], message[256];
	struct period *parts = period_split(g->period, o->into, o->fiscal_start, n);
	if (parts && *n > 0) {
		/* a part only a program could name (0000-04, 10000-01) could never be read back */
		for (size_t i = 0; i < *n; i++) {
			struct period back;
			size_t len = period_format(parts[i], label);
			if (!period_parse(label, len, o->fiscal_start, &back) || period_cmp(back, parts[i]) != 0) {
				snprintf(message, sizeof message,
					 "its part %s would be a period no program can read (years 1 to 9999)", label);
				free(parts);
				bad_goal(o->sheet, g, column_name(COL_PERIOD), message);
			}
		}
		return parts;
	}
	free(parts);
	period_format(g->period, label);
	if (o->fiscal_start > 1 && o->into <= GRAIN_QUARTER)
		snprintf(message, sizeof message,
			 "%s cannot be cut into fiscal %s of a year starting in month %d (--fiscal-start %d)",
			 label, grain_plural(o->into), o->fiscal_start, o->fiscal_start);
	else
		snprintf(message, sizeof message, "%s cannot be cut into %s", label, grain_plural(o->into));
	bad_goal(o->sheet, g, column_name(COL_PERIOD), message);
}

/* The weight of each part: --season, or its days. */
static decimal *part_weights(const struct goal *g, const struct split_options *o, const struct period *parts,
			     size_t n)
{
	if (o->season && o->nseason != n) {
		char label[PERIOD_LABEL_SIZE], message[256];
		period_format(g->period, label);
		snprintf(message, sizeof message, "--season has %zu weight%s, %s has %zu %s", o->nseason,
			 o->nseason == 1 ? "" : "s", label, n, grain_plural(o->into));
		bad_goal(o->sheet, g, column_name(COL_PERIOD), message);
	}
	decimal *weights = xcalloc(n, sizeof *weights);
	for (size_t i = 0; i < n; i++)
		weights[i] = o->season ? o->season[i] : decimal_from_int(period_days(parts[i]));
	return weights;
}

/* A part that lands on a goal the result already has: this sheet would count it twice. */
static noreturn void duplicate_part(const struct goal *g, const struct goal *part, const struct goal *other,
				    const char *sheet)
{
	char label[PERIOD_LABEL_SIZE], message[256];
	period_format(part->period, label);
	snprintf(message, sizeof message, "its part %s would duplicate %s on line %llu (same owner, period and metric)",
		 label, other->used ? "a part of the goal" : "the goal", (unsigned long long)other->line);
	bad_goal(sheet, g, column_name(COL_PERIOD), message);
}

/* Whether the goal is divided over time (and so may join a table), not copied. */
static bool divided(const struct goal *g)
{
	return goal_adds_up(g) && !g->lower;
}

/* The parts of one goal, with their targets, into out. */
static void add_parts(const struct goal *g, const struct period *parts, const decimal *targets, size_t n,
		      const struct split_options *o, struct goal_sheet *out)
{
	for (size_t i = 0; i < n; i++) {
		struct goal part = *g;
		part.period = parts[i];
		part.target = targets[i];
		part.used = true; /* marks a part, for messages */
		if (!goal_sheet_add(out, &part))
			duplicate_part(g, &part,
				       goal_sheet_find(out, part.owner, part.owner_len, part.period, part.metric_name),
				       o->sheet);
	}
}

/* Adds the parts of one goal to out: divided exactly when the metric adds up over time,
 * else (ratios, averages, levels, ceilings) the same target for every part. */
static void split_goal(const struct goal *g, const struct split_options *o, struct goal_sheet *out)
{
	size_t n;
	struct period *parts = parts_of(g, o, &n);
	decimal *weights = part_weights(g, o, parts, n);
	decimal *targets = xcalloc(n, sizeof *targets);
	if (!divided(g)) {
		for (size_t i = 0; i < n; i++)
			targets[i] = g->target;
	} else if (!apportion(g->target, weights, n, goal_part_unit(g, o->round), targets)) {
		bad_goal(o->sheet, g, column_name(COL_TARGET), "too large to split exactly");
	}
	add_parts(g, parts, targets, n, o, out);
	free(targets);
	free(weights);
	free(parts);
}

/* A group's goal and the goals of its reps for the same period and metric, which add up
 * to it: split as one table (rows: the reps; columns: the parts), so that each rep's parts
 * add up to its goal and each part of the group's to the reps' parts of that period. */
struct split_table {
	size_t group;  /* index of the group's goal in the sheet */
	size_t *rep;   /* indices of the reps' goals */
	size_t nrep;
};

static void split_table(const struct goal_sheet *in, const struct split_table *t, const struct split_options *o,
			struct goal_sheet *out)
{
	const struct goal *g = &in->goal[t->group];
	size_t n, k = t->nrep;
	struct period *parts = parts_of(g, o, &n);
	decimal *weights = part_weights(g, o, parts, n), unit = goal_part_unit(g, o->round);
	decimal *group = xcalloc(n, sizeof *group), *sums = xcalloc(n, sizeof *sums);
	decimal *totals = xcalloc(k, sizeof *totals), *w = xcalloc(k * n, sizeof *w), *cells = xcalloc(k * n, sizeof *cells);
	if (!apportion(g->target, weights, n, unit, group))
		bad_goal(o->sheet, g, column_name(COL_TARGET), "too large to split exactly");
	for (size_t i = 0; i < k; i++) {
		totals[i] = in->goal[t->rep[i]].target;
		memcpy(w + i * n, weights, n * sizeof *weights);
	}
	/* the group's parts as it would be split alone, when the reps' parts can add up to
	 * them; else the sums of the reps' parts, each within a unit of its exact share too */
	if (apportion_table(k, n, totals, w, unit, group, cells, sums)) {
		add_parts(g, parts, sums, n, o, out);
		for (size_t i = 0; i < k; i++)
			add_parts(&in->goal[t->rep[i]], parts, cells + i * n, n, o, out);
	} else {
		/* too large for one table (or targets off the unit): each alone, as without a roster */
		split_goal(g, o, out);
		for (size_t i = 0; i < k; i++)
			split_goal(&in->goal[t->rep[i]], o, out);
	}
	free(cells);
	free(w);
	free(totals);
	free(sums);
	free(group);
	free(weights);
	free(parts);
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

int goal_split(int argc, char **argv)
{
	struct split_options o;
	struct metric_catalog metrics;
	struct goal_sheet in, out;
	subcommand_begin(argv, "split");
	parse_split_options(argc, argv, &o);
	metric_catalog_load(&metrics, o.metrics);
	read_goal_sheet(&in, o.sheet, o.fiscal_start, &metrics, false, false, o.format);
	goal_sheet_init_like(&out, &in);

	/* Kept goals first, so that a part landing on one is reported against it. */
	size_t kept = 0;
	for (size_t i = 0; i < in.n; i++) {
		if ((enum grain)in.goal[i].period.grain >= o.into) {
			goal_sheet_add(&out, &in.goal[i]);
			kept++;
		}
	}
	/* with a roster, groups and their reps as tables; every other goal alone */
	size_t *role = xcalloc(in.n + 1, sizeof *role);
	struct split_table *tables = NULL;
	size_t ntables = 0;
	if (o.roster) {
		struct roster roster;
		roster_load(&roster, o.roster, LEVEL_COUNT);
		tables = find_tables(&in, &roster, &o, role, &ntables);
		roster_free(&roster);
	}
	for (size_t i = 0; i < in.n; i++) {
		if ((enum grain)in.goal[i].period.grain >= o.into || role[i] == IN_TABLE)
			continue;
		if (role[i] != ALONE)
			split_table(&in, &tables[role[i] - 1], &o, &out);
		else
			split_goal(&in.goal[i], &o, &out);
	}
	for (size_t t = 0; t < ntables; t++)
		free(tables[t].rep);
	free(tables);
	free(role);
	if (kept && !o.quiet)
		fprintf(stderr, "%s: kept %zu goal%s unchanged (already by %s or finer)\n", diag_program(), kept,
			kept == 1 ? "" : "s", grain_name(o.into));

	write_goal_sheet(&out, o.output, o.format);
	goal_sheet_free(&out);
	goal_sheet_free(&in);
	metric_catalog_free(&metrics);
	free(o.season);
	return SPM_EXIT_OK;
}
