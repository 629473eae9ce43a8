/* What spm-goal's subcommands share: reading and writing sheets, option values, and what
 * a metric's goals mean when divided. */
#include "spm-goal.h"

#include "diag.h"
#include "options.h"

#include <string.h>

void read_goal_sheet(struct goal_sheet *g, const char *path, int fiscal_start, const struct metric_catalog *metrics,
		     bool unknown_ok, bool empty_ok, enum input_format format)
{
	struct goal_read_options o = { .fiscal_start = fiscal_start,
				       .metrics = metrics,
				       .unknown_metrics_ok = unknown_ok,
				       .empty_ok = empty_ok,
				       .format = format };
	goal_sheet_init(g);
	goal_sheet_read(g, path, &o);
}

bool sheet_is_csv(const char *path, enum input_format format)
{
	/* a sheet named .csv stays CSV, so that it can be read again */
	return format == FORMAT_CSV ||
	       (format == FORMAT_AUTO && path && strcmp(path, "-") != 0 && format_for_path(path) == FORMAT_CSV);
}

void write_goal_sheet(struct goal_sheet *g, const char *path, enum input_format format)
{
	struct output out;
	goal_sheet_sort(g);
	output_open(&out, path);
	goal_sheet_write(&out, g, sheet_is_csv(path, format));
	output_close(&out);
}

/* --csv and --tsv: the values getopt gives them. */
enum { OPT_SHEET_CSV = CLI_OPT_PROGRAM + 0x80, OPT_SHEET_TSV };

struct goal_take {
	struct goal_common *gc;
	bool (*take)(int c, const char *arg, void *ctx);
	void *ctx;
};

static bool take_goal_option(int c, const char *arg, void *ctx)
{
	struct goal_take *t = ctx;
	if (c == OPT_SHEET_CSV || c == OPT_SHEET_TSV) {
		t->gc->format = c == OPT_SHEET_CSV ? FORMAT_CSV : FORMAT_TSV;
		return true;
	}
	return t->take && t->take(c, arg, t->ctx);
}

int goal_parse_options(int argc, char **argv, unsigned takes, const struct option *own, const char *own_short,
		       bool (*take)(int c, const char *arg, void *ctx), void *ctx, void (*usage)(void),
		       struct goal_common *gc)
{
	static const struct option sheet_format[] = {
		{ "csv", no_argument, NULL, OPT_SHEET_CSV },
		{ "tsv", no_argument, NULL, OPT_SHEET_TSV },
		{ NULL, 0, NULL, 0 },
	};
	struct goal_take t = { gc, take, ctx };
	struct cli_common cc;
	memset(gc, 0, sizeof *gc);
	int first = cli_parse(argc, argv, takes, own, sheet_format, own_short, take_goal_option, &t, usage, &cc);
	gc->roster = cc.roster;
	gc->metrics = cc.metrics_file;
	gc->output = cc.output;
	gc->as_of = cc.as_of;
	gc->quiet = cc.quiet;
	gc->fiscal_start = fiscal_start_option(cc.fiscal);
	return first;
}

decimal positive_option(const char *option, const char *arg)
{
	decimal d;
	if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &d) != DECIMAL_OK || decimal_sign(d) <= 0)
		diag_usage("%s: expected a positive number (\"%s\")", option, arg);
	return d;
}

bool goal_adds_up(const struct goal *goal)
{
	return !goal->metric || goal->metric->cumulative;
}

bool goal_adds_across_people(const struct goal *goal)
{
	const struct metric *m = goal->metric;
	return !m || (!m->ratio && (m->agg == AGG_SUM || m->agg == AGG_COUNT || m->agg == AGG_DISTINCT));
}

decimal goal_part_unit(const struct goal *goal, const decimal *round)
{
	decimal cent;
	if (goal_is_count(goal)) {
		bool whole = round && decimal_cmp(decimal_round(*round, 0, ROUND_HALF_EVEN), *round) == 0;
		return whole && decimal_cmp(*round, decimal_from_int(1)) > 0 ? *round : decimal_from_int(1);
	}
	if (round)
		return *round;
	decimal_parse("0.01", 4, DECIMAL_POINT, &cent);
	return cent;
}

bool goal_is_count(const struct goal *goal)
{
	return goal->metric && (goal->metric->agg == AGG_COUNT || goal->metric->agg == AGG_DISTINCT);
}

const char *goal_sheet_operand(int argc, char **argv, const char *given)
{
	if (argc - optind > 1)
		diag_usage("one SHEET only (%d %s)", argc - optind, given);
	return optind < argc ? argv[optind] : "-";
}

void check_files(const char *sheet, const struct goal_common *gc)
{
	const char *roster = gc->roster, *metrics = gc->metrics, *output = gc->output;
	struct run_files rf;
	memset(&rf, 0, sizeof rf);
	run_files_input(&rf, NULL, sheet);
	cli_roster_files(&rf, roster);
	run_files_input(&rf, "--metrics-file", metrics);
	run_files_output(&rf, "-o", output);
	run_files_check(&rf);
	run_files_free(&rf);
}
