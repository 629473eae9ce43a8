/* spm-goal set: inserts or replaces one goal, the sheet kept sorted; written back to
 * --file FILE atomically, or from standard input to standard output. */
#include "spm-goal.h"

#include "diag.h"
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal set [--file FILE] OWNER PERIOD METRIC TARGET [OPTION]...\n"
	       "Insert the goal of OWNER for PERIOD and METRIC, or replace its target (and the\n"
	       "attributes given) if the sheet has it; the sheet stays sorted by owner, period and\n"
	       "metric. Without --file, the sheet is read from standard input (which may be empty)\n"
	       "and written to standard output.\n"
	       "\n"
	       "      --file FILE         the sheet to change in place, atomically (created if absent);\n"
	       "                          -f FILE: the same, deprecated (-f is --format elsewhere)\n"
	       "      --weight W          weight of the goal in a scorecard (default 1)\n"
	       "      --category C        financial, activity, innovation, ... (free text)\n"
	       "      --direction D       higher or lower (default: the metric's)\n"
	       "      --metrics-file FILE metrics file: METRIC must be built in or defined there\n"
	       "                          (--metrics FILE: deprecated name of the same option)\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --csv, --tsv        the sheet is CSV, or TSV (default: by name, .csv is CSV;\n"
	       "                          standard input and output are TSV)\n"
	       "  -q, --quiet             do not report what changed on standard error\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Examples:\n"
	       "  spm-goal set --file goals.tsv 'Ana Diaz' 2026-Q3 won_revenue 120000 --category financial\n"
	       "  spm-goal set --csv 'Ana Diaz' 2026-Q3 won_deals 12 < goals.csv > new-goals.csv\n");
	exit(SPM_EXIT_OK);
}

struct set_options {
	struct goal_common c; /* --metrics-file, -q, --fiscal-start, --csv/--tsv */
	const char *file, *weight, *category, *direction;
};

enum { OPT_FILE = CLI_OPT_PROGRAM, OPT_WEIGHT, OPT_CATEGORY, OPT_DIRECTION };

/* set's own options, given to it by cli_parse. */
static bool set_option(int c, const char *arg, void *ctx)
{
	struct set_options *o = ctx;
	switch (c) {
	case 'f':
	case OPT_FILE: o->file = arg; return true;
	case OPT_WEIGHT: o->weight = arg; return true;
	case OPT_CATEGORY: o->category = arg; return true;
	case OPT_DIRECTION: o->direction = arg; return true;
	default: return false;
	}
}

static int parse_set_options(int argc, char **argv, struct set_options *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "weight", required_argument, NULL, OPT_WEIGHT },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "direction", required_argument, NULL, OPT_DIRECTION },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	/* -f: the deprecated short name of --file (set has no --format to clash with) */
	goal_parse_options(argc, argv,
			   CLI_TAKES_METRICS_FILE | CLI_TAKES_METRICS_ALIAS | CLI_TAKES_FISCAL_START | CLI_TAKES_QUIET,
			   longopts, "f:", set_option, o, usage, &o->c);
	if (o->file && strcmp(o->file, "-") == 0)
		o->file = NULL; /* --file -: standard input to standard output, as without it */
	if (argc - optind != 4)
		diag_usage("expected OWNER PERIOD METRIC TARGET (%d argument%s given)", argc - optind,
			   argc - optind == 1 ? "" : "s");
	/* the sheet is read and rewritten on purpose; no other file may be written over */
	struct run_files rf;
	memset(&rf, 0, sizeof rf);
	run_files_input(&rf, "--metrics-file", o->c.metrics);
	run_files_output(&rf, "--file", o->file);
	run_files_check(&rf);
	run_files_free(&rf);
	return optind;
}

/* The goal the command line describes; bad values are usage errors. */
static void goal_from_arguments(char **arg, const struct set_options *o, const struct metric_catalog *metrics,
				struct goal *g)
{
	memset(g, 0, sizeof *g);
	g->owner = arg[0];
	g->owner_len = strlen(arg[0]);
	if (g->owner_len == 0)
		diag_usage("OWNER is empty");
	if (!period_parse(arg[1], strlen(arg[1]), o->c.fiscal_start, &g->period))
		diag_usage("PERIOD: not a period label%s (\"%s\")",
			   arg[1][0] == 'F' && o->c.fiscal_start == 1 ? " (FY labels need --fiscal-start)" : "", arg[1]);
	g->metric_name = arg[2];
	if (!is_metric_name(arg[2]))
		diag_usage("METRIC: lowercase letters, digits and _ (\"%s\")", arg[2]);
	g->metric = metric_find(metrics, arg[2]);
	if (o->c.metrics && !g->metric)
		diag_usage("METRIC: unknown metric (not built in, not in %s) (\"%s\")", o->c.metrics, arg[2]);
	enum decimal_status st = decimal_parse(arg[3], strlen(arg[3]), DECIMAL_POINT, &g->target);
	if (st != DECIMAL_OK || decimal_sign(g->target) < 0)
		diag_usage("TARGET: expected a number, 0 or more (\"%s\")", arg[3]);
	g->weight = decimal_from_int(1);
	if (o->weight) {
		st = decimal_parse(o->weight, strlen(o->weight), DECIMAL_POINT, &g->weight);
		if (st != DECIMAL_OK || decimal_sign(g->weight) < 0)
			diag_usage("--weight: expected a number, 0 or more (\"%s\")", o->weight);
		g->has_weight = true;
	}
	g->category = (char *)(o->category ? o->category : "");
	g->direction = DIRECTION_DEFAULT;
	if (o->direction && (!*o->direction || !goal_direction_parse(o->direction, strlen(o->direction), &g->direction)))
		diag_usage("--direction: expected higher or lower (\"%s\")", o->direction);
}

static void report(const struct goal *g, const char *verb, const char *was)
{
	char label[PERIOD_LABEL_SIZE], target[NUMBER_BUFSIZE];
	period_format(g->period, label);
	goal_number(g->metric, g->target, target);
	struct sbuf owner = { 0 }; /* whole, a TAB or newline escaped */
	sb_escape(&owner, g->owner, g->owner_len);
	fprintf(stderr, "%s: %s %s %s %s %s%s\n", diag_program(), verb, sb_text(&owner), label, g->metric_name, target,
		was);
	sb_free(&owner);
}

int goal_set(int argc, char **argv)
{
	struct set_options o;
	struct metric_catalog metrics;
	struct goal_sheet sheet;
	struct goal wanted;
	subcommand_begin(argv, "set");
	int first = parse_set_options(argc, argv, &o);
	/* the built-in metrics always: they say how a target prints (money, count, ratio) */
	metric_catalog_load(&metrics, o.c.metrics);
	goal_from_arguments(argv + first, &o, &metrics, &wanted);

	struct stat st;
	bool exists = o.file && stat(o.file, &st) == 0;
	if (o.file && !exists && errno != ENOENT)
		diag_fatal(SPM_EXIT_USAGE, "%s: %s", o.file, strerror(errno));
	if (o.file && !exists)
		goal_sheet_init(&sheet); /* a new sheet */
	else
		read_goal_sheet(&sheet, o.file ? o.file : "-", o.c.fiscal_start, &metrics, !o.c.metrics, true, o.c.format);

	struct goal *old = goal_sheet_find(&sheet, wanted.owner, wanted.owner_len, wanted.period, wanted.metric_name);
	char was[NUMBER_BUFSIZE + 16] = "";
	if (old) {
		char before[NUMBER_BUFSIZE];
		goal_number(old->metric, old->target, before);
		snprintf(was, sizeof was, " (was %s)", before);
		old->target = wanted.target;
		if (o.weight) {
			old->weight = wanted.weight;
			old->has_weight = true;
		}
		if (o.category) {
			old->category = goal_sheet_text(&sheet, o.category);
		}
		if (o.direction)
			old->direction = wanted.direction;
	} else {
		goal_sheet_add(&sheet, &wanted);
	}
	write_goal_sheet(&sheet, o.file, o.c.format); /* reported once written: a failed write exits first */
	if (!o.c.quiet)
		report(&wanted, old ? "replaced" : "added", old ? was : "");
	goal_sheet_free(&sheet);
	metric_catalog_free(&metrics);
	return SPM_EXIT_OK;
}
