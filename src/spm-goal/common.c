/* What spm-goal's subcommands share: reading and writing sheets, option values, and what
 * a metric's goals mean when divided. */
#include "spm-goal.h"

#include "diag.h"

#include <string.h>

void read_goal_sheet(struct goal_sheet *g, const char *path, int fiscal_start, const struct metric_catalog *metrics,
		     bool empty_ok)
{
	struct goal_read_options o = { .fiscal_start = fiscal_start, .metrics = metrics, .empty_ok = empty_ok };
	goal_sheet_init(g);
	goal_sheet_read(g, path, &o);
}

void write_goal_sheet(struct goal_sheet *g, const char *path)
{
	struct output out;
	goal_sheet_sort(g);
	output_open(&out, path);
	goal_sheet_write(&out, g);
	output_close(&out);
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

bool goal_is_count(const struct goal *goal)
{
	return goal->metric && (goal->metric->agg == AGG_COUNT || goal->metric->agg == AGG_DISTINCT);
}
