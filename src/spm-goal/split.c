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
	       "      --round UNIT        parts are multiples of UNIT (default 0.01; counts: 1, or\n"
	       "                          UNIT when it is a whole number)\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1);\n"
	       "                          halves and quarters are then fiscal ones\n"
	       "      --metrics FILE      metrics file: custom metrics (default: built-in metrics only)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output\n"
	       "  -q, --quiet             do not say on standard error how many goals were kept\n"
	       "  -h, --help              display this help and exit\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal split --into quarter --season 20,25,25,30 goals-2026.tsv\n");
	exit(SPM_EXIT_OK);
}

struct split_options {
	enum grain into;
	decimal *season; /* NULL: weigh parts by their days */
	size_t nseason;
	const decimal *round;
	decimal round_value;
	int fiscal_start;
	const char *metrics, *output, *sheet;
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
	static const struct option longopts[] = {
		{ "into", required_argument, NULL, 'i' },
		{ "season", required_argument, NULL, 's' },
		{ "round", required_argument, NULL, 'r' },
		{ "fiscal-start", required_argument, NULL, 'F' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fiscal = NULL, *season = NULL;
	bool into_given = false;
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!grain_parse(optarg, &o->into) || o->into == GRAIN_YEAR)
				diag_usage("--into: expected half, quarter, month, week or day (\"%s\")", optarg);
			into_given = true;
			break;
		case 's': season = optarg; break;
		case 'r':
			o->round_value = positive_option("--round", optarg);
			o->round = &o->round_value;
			break;
		case 'F': fiscal = optarg; break;
		case 'm': o->metrics = optarg; break;
		case 'o': o->output = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage();
		default: subcommand_bad_option();
		}
	}
	o->fiscal_start = fiscal_start_option(fiscal);
	if (!into_given)
		diag_usage("--into is needed: half, quarter, month, week or day");
	if (argc - optind > 1)
		diag_usage("one SHEET only (%d given)", argc - optind);
	o->sheet = optind < argc ? argv[optind] : "-";
	if (season)
		o->season = parse_season(season, &o->nseason);
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
	if (parts && *n > 0)
		return parts;
	free(parts);
	period_format(g->period, label);
	if (o->fiscal_start > 1 && o->into <= GRAIN_QUARTER)
		snprintf(message, sizeof message,
			 "%s cannot be cut into fiscal %s of a year starting in month %d (--fiscal-start %d)",
			 label, grain_plural(o->into), o->fiscal_start, o->fiscal_start);
	else
		snprintf(message, sizeof message, "%s cannot be cut into %s", label, grain_plural(o->into));
	bad_goal(o->sheet, g, "period", message);
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
		bad_goal(o->sheet, g, "period", message);
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
	bad_goal(sheet, g, "period", message);
}

/* Adds the parts of one goal to out: divided exactly when the metric adds up over time,
 * else (ratios, averages, levels, ceilings) the same target for every part. */
static void split_goal(const struct goal *g, const struct split_options *o, struct goal_sheet *out)
{
	size_t n;
	struct period *parts = parts_of(g, o, &n);
	decimal *weights = part_weights(g, o, parts, n);
	decimal *targets = xcalloc(n, sizeof *targets);
	if (!goal_adds_up(g) || g->lower) {
		for (size_t i = 0; i < n; i++)
			targets[i] = g->target;
	} else if (!apportion(g->target, weights, n, goal_part_unit(g, o->round), targets)) {
		bad_goal(o->sheet, g, "target", "too large to split exactly");
	}
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
	free(targets);
	free(weights);
	free(parts);
}

int goal_split(int argc, char **argv)
{
	struct split_options o;
	struct metric_catalog metrics;
	struct goal_sheet in, out;
	subcommand_begin(argv, "split");
	parse_split_options(argc, argv, &o);
	metric_catalog_load(&metrics, o.metrics);
	read_goal_sheet(&in, o.sheet, o.fiscal_start, &metrics, false);
	goal_sheet_init_like(&out, &in);

	/* Kept goals first, so that a part landing on one is reported against it. */
	size_t kept = 0;
	for (size_t i = 0; i < in.n; i++) {
		if ((enum grain)in.goal[i].period.grain >= o.into) {
			goal_sheet_add(&out, &in.goal[i]);
			kept++;
		}
	}
	for (size_t i = 0; i < in.n; i++)
		if ((enum grain)in.goal[i].period.grain < o.into)
			split_goal(&in.goal[i], &o, &out);
	if (kept && !o.quiet)
		fprintf(stderr, "%s: kept %zu goal%s unchanged (already by %s or finer)\n", diag_program(), kept,
			kept == 1 ? "" : "s", grain_name(o.into));

	write_goal_sheet(&out, o.output);
	goal_sheet_free(&out);
	goal_sheet_free(&in);
	metric_catalog_free(&metrics);
	free(o.season);
	return SPM_EXIT_OK;
}
