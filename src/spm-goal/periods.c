/* spm-goal periods: the calendar of a period (start, end, days), whole or cut into a
 * finer grain, so boundaries can be checked before anyone is paid on them. */
#include "spm-goal.h"

#include "diag.h"
#include "number.h"
#include "stream.h"
#include "options.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal periods PERIOD [--into GRAIN] [OPTION]...\n"
	       "Print the calendar of PERIOD as TSV 'period start end days workdays': its first and\n"
	       "last day (inclusive), its days and its Monday-to-Friday days; with --into, one row per\n"
	       "part of that grain (weeks are the ISO weeks whose Thursday lies in PERIOD; halves\n"
	       "and quarters are those of the fiscal year with --fiscal-start), as spm-goal split\n"
	       "cuts goals.\n"
	       "\n"
	       "      --into GRAIN        half, quarter, month, week or day\n"
	       "      --fiscal-start M    fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "  -o, --output FILE       write to FILE atomically instead of standard output\n"
	       "  -h, --help              display this help and exit\n"
	       "  -V, --version           output version information and exit\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal periods FY2027 --fiscal-start 2 --into quarter\n");
	exit(SPM_EXIT_OK);
}

static void write_period(struct output *o, struct period p)
{
	char label[PERIOD_LABEL_SIZE], first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];
	spm_day end = period_end(p);
	struct work_calendar weekdays = { true, NULL, 0 };
	period_format(p, label);
	date_format(p.start, first);
	date_format(end - 1, last);
	output_str(o, label);
	output_tab(o);
	output_str(o, first);
	output_tab(o);
	output_str(o, last);
	output_tab(o);
	output_count(o, (uint64_t)period_days(p));
	output_tab(o);
	output_count(o, (uint64_t)counted_days(&weekdays, p.start, end));
	output_newline(o);
}

enum { OPT_INTO = CLI_OPT_PROGRAM };

/* --into: the grain the period is cut into. */
struct periods_parse {
	enum grain into;
	bool split;
};

/* periods' own option, given to it by cli_parse. */
static bool periods_option(int c, const char *arg, void *ctx)
{
	struct periods_parse *pp = ctx;
	if (c != OPT_INTO)
		return false;
	if (!grain_parse(arg, &pp->into) || pp->into == GRAIN_YEAR)
		diag_usage("--into: expected half, quarter, month, week or day (\"%s\")", arg);
	pp->split = true;
	return true;
}

int goal_periods(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "into", required_argument, NULL, OPT_INTO },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cc;
	struct periods_parse pp = { GRAIN_DAY, false };
	subcommand_begin(argv, "periods");
	cli_parse(argc, argv, CLI_TAKES_FISCAL_START | CLI_TAKES_OUTPUT, longopts, NULL, NULL, periods_option, &pp, usage,
		  &cc);
	enum grain into = pp.into;
	bool split = pp.split;
	const char *output = cc.output;
	int fiscal_start = fiscal_start_option(cc.fiscal);
	if (optind != argc - 1)
		diag_usage(optind == argc ? "a PERIOD is needed (e.g. 2026-Q3)" : "one PERIOD only");
	const char *label = argv[optind];
	struct period p;
	if (!period_parse(label, strlen(label), fiscal_start, &p)) {
		const char *why = date_problem(label, strlen(label), NULL); /* a day label */
		if (why)
			diag_usage("%s (\"%s\")", why, label);
		diag_usage("not a period label%s (\"%s\")",
			   label[0] == 'F' && fiscal_start == 1 ? " (FY labels need --fiscal-start)" : "", label);
	}
	size_t n = 1;
	struct period *parts = split ? period_split(p, into, fiscal_start, &n) : NULL;
	if (split && !parts)
		diag_usage("%s cannot be cut into %s%s", label, grain_plural(into),
			   (enum grain)p.grain > into ? " (not a finer grain)"
			   : fiscal_start > 1 ? " of the fiscal year (their boundaries differ)" : " (their boundaries differ)");
	/* a part only a program could name (0000-04, 10000-01): split refuses to make it */
	for (size_t i = 0; parts && i < n; i++) {
		char part[PERIOD_LABEL_SIZE];
		struct period back;
		size_t len = period_format(parts[i], part);
		if (!period_parse(part, len, fiscal_start, &back) || period_cmp(back, parts[i]) != 0)
			diag_usage("%s cannot be cut into %s: its part %s would be a period no program can read "
				   "(years 1 to 9999)", label, grain_plural(into), part);
	}
	struct output out;
	output_open(&out, output);
	static const enum column header[] = { COL_PERIOD, COL_START, COL_END, COL_DAYS, COL_WORKDAYS };
	stream_write_header(&out, header, sizeof header / sizeof header[0]);
	for (size_t i = 0; i < n; i++)
		write_period(&out, parts ? parts[i] : p);
	output_close(&out);
	free(parts);
	return SPM_EXIT_OK;
}
