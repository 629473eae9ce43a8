/* spm-report: renders spm streams for people. It reads actuals, progress, scores and
 * payouts (each file recognised by its header), builds the kind of report asked for
 * (or the one the input calls for) and writes it as text, Markdown, HTML, JSON, CSV or
 * an xlsx workbook, to standard output, a file, or one file per owner. */
#include "spm-report.h"

#include "cli.h"
#include "diag.h"
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const kind_names[K_COUNT] = { "leaderboard", "progress", "scorecard", "team", /* kinds, not columns */
					  "statement", "feedback", "review" };
const char *const format_names[F_COUNT] = { "text", "markdown", "html", "json", "csv", "xlsx" };

static noreturn void usage(void)
{
	printf("Usage: spm-report [-k KIND] [-f FORMAT] [OPTION]... [FILE]...\n"
	       "Render spm streams for people: leaderboards, progress, scorecards, team summaries,\n"
	       "payout statements, feedback and quarterly reviews, as text, Markdown, HTML, JSON,\n"
	       "CSV or an xlsx workbook. Each FILE is an actuals, progress, scores or payouts stream, recognised by\n"
	       "its header; streams may be given together (a review reads progress, scores and\n"
	       "payouts). Without FILE, or when FILE is -, standard input is read.\n"
	       "\n"
	       "Kinds (the default follows from the input: payouts: statement; scores:\n"
	       "leaderboard; progress: progress; actuals: leaderboard):\n"
	       "  leaderboard   rank, owner, score or attainment, tier, delta, totals, recognition;\n"
	       "                reps ranked among reps, teams/managers/regions in tables of their own\n"
	       "  progress      each owner's goals: status, and what is needed per remaining day\n"
	       "  scorecard     an owner's metrics against the team median\n"
	       "  team          per group: totals (and over all reps), tiers, statuses, who needs\n"
	       "                attention (a score under the line, or behind while short of 100 %%,\n"
	       "                worst first); goals not measurable yet apart\n"
	       "  statement     payouts per owner: each line with its detail, each plan's total\n"
	       "                and the total over all plans\n"
	       "                (adjustments with no line for the period: nothing to adjust)\n"
	       "  feedback      per rep: strengths first, then what to improve, with numbers\n"
	       "  review        the quarterly packet: attainment, payouts, trend, feedback, goals\n"
	       "\n"
	       "  -k, --kind KIND          one of the kinds above\n"
	       "  -f, --format FORMAT      text (default), markdown, html, json, csv or xlsx (a\n"
	       "                           workbook: never to a terminal, use -o FILE.xlsx)\n"
	       "  -o, --output FILE        write to FILE atomically instead of standard output\n"
	       "      --split-dir DIR      one file per owner (team: per group) in DIR, with safe\n"
	       "                           names; the list 'owner file' goes to standard output\n"
	       "      --title TEXT         the title (default: the kind and the period)\n"
	       "      --as-of DATE         the date in the header; by default the report is on the\n"
	       "                           latest period begun by then (default: $SPM_AS_OF)\n"
	       "      --period PERIOD      report on this period (default: the latest of each grain;\n"
	       "                           a statement: the latest over when that one is too\n"
	       "                           early to estimate, e.g. Q3 on 2017-10-05, not Q4)\n"
	       "      --owner NAME         only this owner (the others still count in medians)\n"
	       "      --top N              leaderboard: the first N ranks (ties included)\n"
	       "      --metric METRIC      leaderboard of progress or actuals: rank on this metric\n"
	       "      --roster FILE        the groups owners are compared within (default: the\n"
	       "                           scores' team column, else everyone together)\n"
	       "      --roster-map FILE    the roster's columns under other names: TSV lines\n"
	       "                           'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --level LEVEL        the roster's group: team (default), manager or region\n"
	       "      --metrics-file FILE  metrics file: units and directions of custom metrics\n"
	       "                           (--metrics FILE: deprecated name of the same option)\n"
	       "      --goals FILE         review and feedback: next period's goals\n"
	       "      --catalog FILE       training catalogue (metric below course)\n"
	       "      --self FILE          self-assessment (owner period metric rating, 1 to 5)\n"
	       "      --tiers SPEC         the tiers spm-score used (exceeds:1.0,meets:0.9,...):\n"
	       "                           stated in the footer and checked against the scores\n"
	       "      --attention-below F  team: a score under F needs attention (default 0.9)\n"
	       "      --workdays           the progress days are working days (said so in words)\n"
	       "      --fiscal-start M     fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --raw                csv, xlsx: cells as they are (no ' before a formula such\n"
	       "                           as =1+1; csv: no escapes of controls or bidi characters)\n"
	       "      --currency CODE      xlsx: money cells show this currency code (EUR, USD, ...);\n"
	       "                           not another than the actuals' currency column names\n"
	       "      --color WHEN         text colours: auto (when standard output is a terminal),\n"
	       "                           always or never; NO_COLOR set in the environment: never\n"
	       "  -h, --help               display this help and exit\n"
	       "  -V, --version            output version information and exit\n"
	       "\n"
	       "Scores of spm-score --basis pace (a period not over) read \"on pace\" and tiers \"on\n"
	       "course for\"; the group column and sentences follow spm-score --group (\"in region\n"
	       "West\"). Text, Markdown, HTML and xlsx show labels (Won revenue, Far below, money\n"
	       "to the cent); JSON and CSV keep identifiers and every digit.\n"
	       "\n"
	       "Exit status: 0 success, 1 bad data, 2 usage or I/O error.\n"
	       "\n"
	       "Examples:\n"
	       "  spm-score --roster roster.tsv --group region progress.tsv > scores.tsv\n"
	       "  spm-report -k team --as-of 2017-08-15 progress.tsv scores.tsv\n"
	       "  spm-report -k feedback --catalog courses.tsv --split-dir feedback progress.tsv scores.tsv\n"
	       "  spm-report -k statement -f xlsx --currency EUR -o statements.xlsx payouts.tsv\n");
	exit(SPM_EXIT_OK);
}

static bool parse_name(const char *arg, const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(arg, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* Colour: never with NO_COLOR set (https://no-color.org), else as --color says. */
static bool want_color(const char *when)
{
	const char *no = getenv("NO_COLOR");
	if (no && *no)
		return false;
	if (!when || strcmp(when, "auto") == 0)
		return isatty(STDOUT_FILENO);
	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	diag_usage("--color: expected auto, always or never (\"%s\")", when);
}

enum { O_SPLIT = CLI_OPT_PROGRAM, O_TITLE, O_PERIOD, O_OWNER, O_TOP, O_METRIC, O_LEVEL, O_GOALS, O_CATALOG,
       O_SELF, O_TIERS, O_ATTENTION, O_WORKDAYS, O_RAW, O_COLOR, O_CURRENCY };

/* The options being parsed: --color is settled once --format is known. */
struct report_parse {
	struct report_options *o;
	const char *color;
};

/* spm-report's own options, given to it by cli_parse. */
static bool report_option(int c, const char *arg, void *ctx)
{
	struct report_parse *rp = ctx;
	struct report_options *o = rp->o;
	int v;
	switch (c) {
	case 'k':
		if (!parse_name(arg, kind_names, K_COUNT, &v))
			diag_usage("--kind: expected leaderboard, progress, scorecard, team, statement, feedback "
				   "or review (\"%s\")", arg);
		o->kind = (enum kind)v;
		o->kind_set = true;
		break;
	case 'f':
		if (!parse_name(arg, format_names, F_COUNT, &v))
			diag_usage("--format: expected text, markdown, html, json, csv or xlsx (\"%s\")", arg);
		o->format = (enum format)v;
		break;
	case O_SPLIT: o->split_dir = arg; break;
	case O_TITLE: o->title = arg; break;
	case O_PERIOD: o->period = arg; break;
	case O_OWNER: o->owner = arg; break;
	case O_TOP: o->top = number_option("--top", arg, 1, 1000000000L); break;
	case O_METRIC:
		if (!is_metric_name(arg))
			diag_usage("--metric: not a metric name (\"%s\")", arg);
		o->metric = arg;
		break;
	case O_LEVEL:
		if (!parse_level(arg, &o->level) || o->level == LEVEL_REP)
			diag_usage("--level: expected team, manager or region (\"%s\")", arg);
		break;
	case O_GOALS: o->goals = arg; break;
	case O_CATALOG: o->catalog = arg; break;
	case O_SELF: o->self = arg; break;
	case O_TIERS: o->tiers = arg; break;
	case O_ATTENTION:
		if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &o->attention) != DECIMAL_OK ||
		    decimal_sign(o->attention) < 0)
			diag_usage("--attention-below: expected a score such as 0.9 (\"%s\")", arg);
		break;
	case O_WORKDAYS: o->workdays = true; break;
	case O_RAW: o->raw = true; break;
	case O_CURRENCY:
		if (strlen(arg) != 3 || strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			diag_usage("--currency: expected a three-letter code such as EUR or USD (\"%s\")", arg);
		o->currency = arg;
		break;
	case O_COLOR: rp->color = arg; break;
	default: return false;
	}
	return true;
}

static void parse_options(int argc, char **argv, struct report_options *o)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "split-dir", required_argument, NULL, O_SPLIT },
		{ "title", required_argument, NULL, O_TITLE },
		{ "period", required_argument, NULL, O_PERIOD },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "top", required_argument, NULL, O_TOP },
		{ "metric", required_argument, NULL, O_METRIC },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "goals", required_argument, NULL, O_GOALS },
		{ "catalog", required_argument, NULL, O_CATALOG },
		{ "self", required_argument, NULL, O_SELF },
		{ "tiers", required_argument, NULL, O_TIERS },
		{ "attention-below", required_argument, NULL, O_ATTENTION },
		{ "workdays", no_argument, NULL, O_WORKDAYS },
		{ "raw", no_argument, NULL, O_RAW },
		{ "currency", required_argument, NULL, O_CURRENCY },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cc;
	struct report_parse rp = { o, NULL };
	memset(o, 0, sizeof *o);
	o->level = LEVEL_TEAM;
	decimal_parse("0.9", 3, DECIMAL_POINT, &o->attention);
	argv[0] = (char *)diag_program(); /* getopt's own messages name the program, not its path */
	cli_parse(argc, argv,
		  CLI_TAKES_OUTPUT | CLI_TAKES_AS_OF | CLI_TAKES_ROSTER | CLI_TAKES_METRICS_FILE | CLI_TAKES_METRICS_ALIAS |
			  CLI_TAKES_FISCAL_START,
		  longopts, NULL, "k:f:", report_option, &rp, usage, &cc);
	o->output = cc.output;
	o->roster = cc.roster;
	o->metrics = cc.metrics_file;
	const char *fiscal = cc.fiscal, *as_of = cc.as_of;
	o->fiscal_start = fiscal_start_option(fiscal);
	const char *env = getenv("SPM_AS_OF");
	if (as_of || (env && *env)) {
		o->has_as_of = true;
		o->as_of = as_of_option(as_of);
	}
	o->color = want_color(rp.color) && o->format == F_TEXT;
	/* before standard input is read: a workbook is binary, never for a terminal */
	if (o->format == F_XLSX && !o->split_dir && (!o->output || strcmp(o->output, "-") == 0) &&
	    isatty(STDOUT_FILENO))
		diag_usage("-f xlsx: standard output is a terminal; write the workbook with -o FILE.xlsx");
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
}

/* The kind the input calls for when -k is not given. */
static enum kind default_kind(const struct data *d)
{
	if (d->has[STREAM_PAYOUTS])
		return K_STATEMENT;
	if (d->has[STREAM_SCORES])
		return K_LEADERBOARD;
	if (d->has[STREAM_PROGRESS])
		return K_PROGRESS;
	return K_LEADERBOARD;
}

/* Kinds need certain streams, and some pairs of kind and format do not make sense. */
static void check_kind(const struct report_options *o, const struct data *d)
{
	const char *k = kind_names[o->kind];
	switch (o->kind) {
	case K_STATEMENT:
		if (!d->has[STREAM_PAYOUTS])
			diag_usage("-k statement needs a payouts stream (from spm-score --plan)");
		break;
	case K_PROGRESS:
		if (!d->has[STREAM_PROGRESS])
			diag_usage("-k progress needs a progress stream (from spm-track --goals)");
		break;
	case K_LEADERBOARD:
		if (!d->has[STREAM_SCORES] && !d->has[STREAM_PROGRESS] && !d->has[STREAM_ACTUALS])
			diag_usage("-k leaderboard needs scores, progress or actuals");
		if (o->split_dir)
			diag_usage("--split-dir: a leaderboard is one page for everyone; use -o");
		break;
	case K_SCORECARD: case K_TEAM: case K_FEEDBACK: case K_REVIEW:
		if (!d->has[STREAM_PROGRESS] && !d->has[STREAM_SCORES])
			diag_usage("-k %s needs progress (spm-track --goals) or scores (spm-score)", k);
		break;
	case K_COUNT:
		break;
	}
	if (o->format == F_CSV && (o->kind == K_TEAM || o->kind == K_REVIEW))
		diag_usage("-f csv: the %s report holds several tables; use -f json (or -k %s -f csv)", k,
			   o->kind == K_TEAM ? "scorecard" : "progress");
	if (o->top && o->kind != K_LEADERBOARD)
		diag_usage("--top is for -k leaderboard");
	if (o->raw && o->format != F_CSV && o->format != F_XLSX)
		diag_usage("--raw is for -f csv and -f xlsx");
	if (o->currency && o->format != F_XLSX)
		diag_usage("--currency is for -f xlsx");
	if (o->self && o->kind != K_FEEDBACK && o->kind != K_REVIEW)
		diag_usage("--self is for -k feedback and -k review");
	if (o->catalog && o->kind != K_FEEDBACK && o->kind != K_REVIEW)
		diag_usage("--catalog is for -k feedback and -k review");
}

static void load_side_files(struct report *r)
{
	const struct report_options *o = r->opt;
	metric_catalog_load(&r->metrics, o->metrics);
	if (o->roster) {
		roster_load(&r->roster, o->roster, o->level);
		r->has_roster = true;
	}
	goal_sheet_init(&r->goals);
	if (o->goals) {
		struct goal_read_options go = { .fiscal_start = o->fiscal_start, .metrics = &r->metrics,
						.unknown_metrics_ok = true };
		goal_sheet_read(&r->goals, o->goals, &go);
		r->has_goals = true;
	}
	if (o->catalog)
		catalog_read(&r->catalog, r->names, o->catalog);
	if (o->self)
		self_read(&r->self, r->names, o->self, o->fiscal_start);
}

/* The currency the actuals name, against --currency: spm converts none, so a workbook
 * does not call them another; where the actuals are the report's only stream (no other
 * stream's amounts to mislabel), their currency is the workbook's when --currency is not
 * given. */
static void check_currency(struct report_options *o, const struct data *d)
{
	if (d->currency == NONE)
		return;
	const char *code = d->names.s[d->currency];
	size_t len = d->names.len[d->currency];
	if (o->currency && (strlen(o->currency) != len || memcmp(o->currency, code, len) != 0)) {
		struct sbuf shown = { 0 }; /* the input's bytes, cut visibly as values are; diag_usage escapes them */
		sb_cut_value(&shown, code, len);
		diag_usage("--currency %s: the actuals are in %s (%s:%llu), and spm converts no currency", o->currency,
			   sb_text(&shown), d->currency_at.file, (unsigned long long)d->currency_at.line);
	}
	bool actuals_alone = !d->has[STREAM_PROGRESS] && !d->has[STREAM_SCORES] && !d->has[STREAM_PAYOUTS];
	if (!o->currency && o->format == F_XLSX && actuals_alone && len == 3 &&
	    strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3) /* a code, not number-format syntax */
		o->currency = code;
}

static void build(struct report *r, struct doc *d)
{
	switch (r->opt->kind) {
	case K_LEADERBOARD: build_leaderboard(r, d); break;
	case K_PROGRESS: build_progress(r, d); break;
	case K_SCORECARD: build_scorecard(r, d); break;
	case K_TEAM: build_team(r, d); break;
	case K_STATEMENT: build_statement(r, d); break;
	case K_FEEDBACK: build_feedback(r, d); break;
	case K_REVIEW: build_review(r, d); break;
	case K_COUNT: break;
	}
}

/* The default title: the kind and the periods reported on. */
static char *default_title(const struct report *r)
{
	static const char *const what[K_COUNT] = { "Leaderboard", "Progress", "Scorecard", "Team summary",
						   "Payout statement", "Feedback", "Quarterly review" };
	struct sbuf b = { 0 };
	char label[PERIOD_LABEL_SIZE];
	/* a statement of a period still running is no statement of what was earned */
	int basis = r->opt->kind == K_STATEMENT ? statements_basis(r) : -1;
	sb_str(&b, basis == PAYOUT_ESTIMATE ? "Payout estimate to date" : basis == PAYOUT_EARLY ? "Payouts" : what[r->opt->kind]);
	for (size_t i = 0; i < r->ncurrent; i++) {
		sb_str(&b, i ? ", " : " \xe2\x80\x94 ");
		sb_str(&b, period_label(r->current[i], label));
	}
	if (basis == PAYOUT_EARLY)
		sb_str(&b, ": too early in the period to estimate");
	return b.s;
}

int main(int argc, char **argv)
{
	struct report_options o;
	struct data data;
	diag_set_program("spm-report");
	atexit(output_close_stdout);
	parse_options(argc, argv, &o);
	/* no output (-o, the --split-dir folder) names, holds or lies over an input, side
	 * files included: checked before anything is read or written */
	struct run_files rf = { 0 };
	for (size_t i = 0; i < o.nfiles; i++)
		run_files_input(&rf, NULL, o.files[i]);
	cli_roster_files(&rf, o.roster);
	run_files_input(&rf, "--metrics-file", o.metrics);
	run_files_input(&rf, "--goals", o.goals);
	run_files_input(&rf, "--catalog", o.catalog);
	run_files_input(&rf, "--self", o.self);
	run_files_output(&rf, "-o", o.output);
	run_files_output_dir(&rf, "--split-dir", o.split_dir);
	run_files_check(&rf);
	run_files_free(&rf);
	data_init(&data);
	if (o.nfiles == 0)
		data_read(&data, "-", o.fiscal_start);
	for (size_t i = 0; i < o.nfiles; i++)
		data_read(&data, o.files[i], o.fiscal_start);
	if (!o.kind_set)
		o.kind = default_kind(&data);
	check_kind(&o, &data);
	check_currency(&o, &data);

	struct report r;
	memset(&r, 0, sizeof r);
	r.opt = &o;
	r.data = &data;
	r.names = &data.names;
	load_side_files(&r);
	report_setup(&r, primary_stream(&data, o.kind));

	struct doc d;
	char *title = o.title ? xstrdup(o.title) : default_title(&r);
	doc_init(&d, o.kind, title);
	free(title);
	d.names = r.names;
	if (o.has_as_of)
		date_format(o.as_of, d.as_of);
	build(&r, &d);

	struct render_options ro = { o.format, o.raw, o.color, o.currency };
	if (o.split_dir) {
		write_split(&d, r.names, o.split_dir, &ro, o.output);
	} else {
		struct output out;
		size_t *all = xcalloc(d.nsection + 1, sizeof *all);
		for (size_t i = 0; i < d.nsection; i++)
			all[i] = i;
		output_open(&out, o.output);
		render(&out, &d, &ro, all, d.nsection);
		output_close(&out);
		free(all);
	}

	doc_free(&d);
	report_free(&r);
	self_free(&r.self);
	catalog_free(&r.catalog);
	goal_sheet_free(&r.goals);
	if (r.has_roster)
		roster_free(&r.roster);
	metric_catalog_free(&r.metrics);
	data_free(&data);
	return SPM_EXIT_OK;
}
