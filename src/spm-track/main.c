/* spm-track's options, and the outline of a run: read every input into one table of
 * totals (chunk by chunk, on threads), then write actuals or progress. */
#include "spm-track.h"

#include "cli.h"
#include "diag.h"
#include "options.h"
#include "reject.h"

#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- usage ---- */

static noreturn void usage(void)
{
	printf("Usage: spm-track [OPTION]... [FILE]...\n"
	       "Turn CRM exports (CSV or TSV) into actuals: one row per owner, period and metric.\n"
	       "With no FILE, or when FILE is -, read standard input (TSV unless --csv).\n"
	       "\n"
	       "Input:\n"
	       "      --csv, --tsv          input format (default: by extension; .csv is CSV)\n"
	       "      --delimiter C         CSV whose fields are separated by C: | ; or tab (with\n"
	       "                            CSV quoting; implies --csv)\n"
	       "      --map NAME|FILE       column names: salesforce, hubspot, pipedrive, or a\n"
	       "                            file of 'canonical<TAB>source column' lines\n"
	       "      --rep COL             column of the deal owner\n"
	       "      --date COL            column of the close date (activities: their date)\n"
	       "      --amount COL          column of the amount\n"
	       "      --stage COL           column of the stage\n"
	       "      --created COL         column of the created date (for cycle_days)\n"
	       "      --id COL              column of the record id, named in bad-row reports\n"
	       "      --won LIST            stages that mean won (default: " DEFAULT_WON_STAGES ")\n"
	       "      --lost LIST           stages that mean lost (default: " DEFAULT_LOST_STAGES ")\n"
	       "      --date-format FMT     strptime layout of dates, e.g. %%m/%%d/%%Y (default: ISO)\n"
	       "      --decimal-comma       amounts are written 1.234,56\n"
	       "\n"
	       "One version of each record (see DUPLICATES in spm-track(1)):\n"
	       "      --latest COL          keep the row of each record id (--id) with the latest\n"
	       "                            COL (e.g. 'Last Modified Date'); ties: the later file,\n"
	       "                            then the later line\n"
	       "      --unique              each record id once: identical copies count once, a\n"
	       "                            copy with other values is a bad row\n"
	       "\n"
	       "Currencies (see CURRENCIES in spm-track(1)):\n"
	       "      --rates FILE          rates to the base currency: 'currency date rate' or\n"
	       "                            'currency period rate' (optional 'base' column)\n"
	       "      --currency COL        column of the amount's currency code (default by --map:\n"
	       "                            'Amount Currency', 'Currency', 'Deal - Currency';\n"
	       "                            else 'currency')\n"
	       "      --base-currency CODE  the currency of the output (default: the rates file's\n"
	       "                            'base' column)\n"
	       "      --rate-age DAYS       a daily rate may be up to DAYS older than the close date\n"
	       "                            (default 7; 0: the close date's own rate)\n"
	       "      --rounding MODE       each converted amount is rounded to the cent:\n"
	       "                            half-away (default) or half-even\n"
	       "\n"
	       "Clawbacks (see CLAWBACKS in spm-track(1)):\n"
	       "      --cancelled LIST      stages that mean won, then cancelled or refunded\n"
	       "                            (default: " DEFAULT_CANCELLED_STAGES ")\n"
	       "      --cancelled-date COL  column of the day a deal was cancelled (default: the\n"
	       "                            --latest column's day; else a cancelled row is bad)\n"
	       "      --refunds FILE        refunds of won deals: 'id date amount'\n"
	       "      --reversals FILE      write every reversal counted (owner id closed\n"
	       "                            cancelled amount), for spm-score --reversals\n"
	       "\n"
	       "Metrics and periods:\n"
	       "      --metrics LIST        metrics to compute (default: all built-in, or all of\n"
	       "                            --metrics-file): won_revenue won_deals lost_deals\n"
	       "                            win_rate avg_deal cycle_days pipeline (and clawback\n"
	       "                            clawback_deals with --cancelled or --refunds)\n"
	       "      --metrics-file FILE   custom metrics: metric agg column where unit direction category\n"
	       "      --grain G             year, half, quarter (default), month, week or day\n"
	       "      --period LABEL        only this period (e.g. 2026-Q3, FY2027); sets the grain\n"
	       "      --from DATE           only rows dated on or after DATE\n"
	       "      --to DATE             only rows dated on or before DATE\n"
	       "      --fiscal-start M      fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --roster FILE         roster (rep team manager region ...); reps not in it are bad rows\n"
	       "      --roster-map FILE     the roster's columns under other names: TSV lines\n"
	       "                            'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --level L             roll owners up to rep (default), team, manager or region;\n"
	       "                            all: one owner, 'all' (the company; no --roster needed)\n"
	       "      --by COLUMN           the owner is the export's COLUMN (product, segment...)\n"
	       "                            instead of the rep\n"
	       "      --credits FILE        split and overlay credit: 'id owner share type' rows\n"
	       "                            (type revenue or overlay) keyed by the record id (--id);\n"
	       "                            see CREDITS in spm-track(1)\n"
	       "\n"
	       "Progress against goals:\n"
	       "      --goals FILE          goal sheet (owner period metric target [weight category\n"
	       "                            direction]): one progress row per goal\n"
	       "      --as-of DATE          measure as of DATE; later rows are ignored (default:\n"
	       "                            $SPM_AS_OF, else today)\n"
	       "      --workdays            elapsed share counts Monday to Friday (default: every day)\n"
	       "      --holidays FILE       TSV with a 'date' column: days that do not count\n"
	       "      --all                 also actuals with no goal, with empty goal columns\n"
	       "      --reject-goals FILE   write bad goal rows to FILE with a reason and go on\n"
	       "      --achieved X          status achieved from attainment X (default 1; a ratio or\n"
	       "                            an average only once its period is over)\n"
	       "      --ahead X             status ahead from pace X (default 1.1)\n"
	       "      --on-track X          status on_track from pace X (default 0.9)\n"
	       "      --early SHARE         status early, not a judgement of pace, until SHARE of a\n"
	       "                            running period has passed (default 0.1; 0: never)\n"
	       "\n"
	       "Output and errors:\n"
	       "  -o, --output FILE         write to FILE atomically instead of standard output\n"
	       "      --partial             write a partial stream (distinct counts as their values)\n"
	       "                            that spm-track merges into the actuals of all the inputs\n"
	       "      --reject FILE         write bad rows to FILE with a reason and go on\n"
	       "      --threads N           read big files, and write big actuals, with N threads\n"
	       "                            (default: cores, up to 8)\n"
	       "      --progress            show progress (rows, MB/s, percent) on standard error\n"
	       "                            even when it is not a terminal (default: on a\n"
	       "                            terminal, for inputs that take more than a second)\n"
	       "  -q, --quiet               no summary line, and no progress unless --progress\n"
	       "  -h, --help                display this help and exit\n"
	       "  -V, --version             output version information and exit\n"
	       "\n"
	       "Output: TSV 'owner period metric value', plus 'numerator denominator' when a ratio\n"
	       "metric is asked for, sorted by owner, period and metric. With --goals: 'owner period\n"
	       "metric actual target attainment expected pace projected gap status weight direction\n"
	       "days_elapsed days_left', plus 'level' with --roster, one row per goal, sorted the\n"
	       "same way.\n"
	       "Exit status: 0 success, 1 bad data, 2 usage or I/O error.\n"
	       "\n"
	       "Examples:\n"
	       "  spm-track --map salesforce --grain quarter --roster roster.tsv --level team deals.csv\n"
	       "  spm-track --map salesforce --goals goals.tsv --as-of 2026-11-26 --workdays deals.csv\n"
	       "  spm-track --map salesforce --latest 'Last Modified Date' --rates rates.tsv old.csv new.csv\n"
	       "  spm-track --map salesforce --latest 'Last Modified Date' --refunds refunds.tsv \\\n"
	       "            --reversals reversals.tsv deals.csv\n"
	       "  spm-track --map salesforce --partial -o jan.partial jan.csv   (then: spm-track *.partial)\n");
	exit(SPM_EXIT_OK);
}

/* spm-track's own options; the common ones are CLI_OPT_* (cli.h). */
enum {
	OPT_CSV = CLI_OPT_PROGRAM, OPT_TSV, OPT_MAP, OPT_REP, OPT_DATE, OPT_AMOUNT, OPT_STAGE, OPT_CREATED,
	OPT_ID, OPT_WON, OPT_LOST, OPT_METRICS, OPT_GRAIN, OPT_PERIOD, OPT_FROM, OPT_TO, OPT_DATE_FORMAT,
	OPT_DECIMAL_COMMA, OPT_LEVEL, OPT_GOALS, OPT_WORKDAYS, OPT_HOLIDAYS, OPT_ALL, OPT_REJECT_GOALS,
	OPT_ACHIEVED, OPT_AHEAD, OPT_ON_TRACK, OPT_EARLY, OPT_PROGRESS,
	OPT_LATEST, OPT_UNIQUE, OPT_DELIMITER, OPT_BY, OPT_CURRENCY, OPT_RATES, OPT_BASE_CURRENCY, OPT_RATE_AGE,
	OPT_ROUNDING, OPT_CREDITS, OPT_CANCELLED, OPT_CANCELLED_DATE, OPT_REFUNDS, OPT_REVERSALS, OPT_PARTIAL,
};

/* spm-track's own options, for cli_parse. The common options --roster, --roster-map,
 * --reject and --as-of stand at their old places so that getopt lists the possibilities of
 * an ambiguous abbreviation ("--r", "--a") as it always has; the others follow the table. */
static const struct option long_options[] = {
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "tsv", no_argument, NULL, OPT_TSV },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "rep", required_argument, NULL, OPT_REP },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "amount", required_argument, NULL, OPT_AMOUNT },
	{ "stage", required_argument, NULL, OPT_STAGE },
	{ "created", required_argument, NULL, OPT_CREATED },
	{ "id", required_argument, NULL, OPT_ID },
	{ "won", required_argument, NULL, OPT_WON },
	{ "lost", required_argument, NULL, OPT_LOST },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "grain", required_argument, NULL, OPT_GRAIN },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "date-format", required_argument, NULL, OPT_DATE_FORMAT },
	{ "decimal-comma", no_argument, NULL, OPT_DECIMAL_COMMA },
	CLI_OPTION_ROSTER,
	CLI_OPTION_ROSTER_MAP,
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "credits", required_argument, NULL, OPT_CREDITS },
	{ "delimiter", required_argument, NULL, OPT_DELIMITER },
	{ "by", required_argument, NULL, OPT_BY },
	CLI_OPTION_REJECT,
	{ "goals", required_argument, NULL, OPT_GOALS },
	CLI_OPTION_AS_OF,
	{ "workdays", no_argument, NULL, OPT_WORKDAYS },
	{ "holidays", required_argument, NULL, OPT_HOLIDAYS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "reject-goals", required_argument, NULL, OPT_REJECT_GOALS },
	{ "achieved", required_argument, NULL, OPT_ACHIEVED },
	{ "ahead", required_argument, NULL, OPT_AHEAD },
	{ "on-track", required_argument, NULL, OPT_ON_TRACK },
	{ "early", required_argument, NULL, OPT_EARLY },
	{ "latest", required_argument, NULL, OPT_LATEST },
	{ "unique", no_argument, NULL, OPT_UNIQUE },
	{ "currency", required_argument, NULL, OPT_CURRENCY },
	{ "rates", required_argument, NULL, OPT_RATES },
	{ "base-currency", required_argument, NULL, OPT_BASE_CURRENCY },
	{ "rate-age", required_argument, NULL, OPT_RATE_AGE },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "rounding", required_argument, NULL, OPT_ROUNDING },
	{ "cancelled", required_argument, NULL, OPT_CANCELLED },
	{ "cancelled-date", required_argument, NULL, OPT_CANCELLED_DATE },
	{ "refunds", required_argument, NULL, OPT_REFUNDS },
	{ "reversals", required_argument, NULL, OPT_REVERSALS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ NULL, 0, NULL, 0 },
};

/* ---- options ---- */

/* A positive threshold such as 1.1. */
static decimal threshold_option(const char *option, const char *arg)
{
	decimal d;
	if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &d) != DECIMAL_OK || decimal_sign(d) <= 0)
		diag_usage("%s: expected a positive number such as 0.9 (\"%s\")", option, arg);
	return d;
}

/* A share of a period: 0 to 1. */
static decimal share_option(const char *option, const char *arg)
{
	decimal d;
	if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &d) != DECIMAL_OK || decimal_sign(d) < 0 ||
	    decimal_cmp(d, decimal_from_int(1)) > 0)
		diag_usage("%s: expected a share of the period from 0 to 1 such as 0.1 (\"%s\")", option, arg);
	return d;
}

/* What parse_options gathers beyond the options themselves. */
struct track_parse {
	struct track_options *opt;
	bool goal_only;     /* an option that means nothing without --goals */
	bool currency_only; /* an option that means nothing without --rates */
};

/* spm-track's own options, given to it by cli_parse. */
static bool track_option(int c, const char *arg, void *ctx)
{
	struct track_parse *tp = ctx;
	struct track_options *opt = tp->opt;
	switch (c) {
	case OPT_CSV: opt->format = FORMAT_CSV; break;
	case OPT_BY: opt->by = arg; break;
	case OPT_DELIMITER:
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0 || strcmp(arg, "\t") == 0)
			opt->delimiter = '\t';
		else if (strlen(arg) == 1 && !strchr("\"\r\n", arg[0]))
			opt->delimiter = arg[0];
		else
			diag_usage("--delimiter: expected one character, such as '|', ';' or tab (\"%s\")", arg);
		break;
	case OPT_TSV: opt->format = FORMAT_TSV; break;
	case OPT_MAP: opt->map = arg; break;
	case OPT_REP: opt->column[EXPORT_REP] = arg; break;
	case OPT_DATE: opt->column[EXPORT_DATE] = arg; break;
	case OPT_AMOUNT: opt->column[EXPORT_AMOUNT] = arg; break;
	case OPT_STAGE: opt->column[EXPORT_STAGE] = arg; break;
	case OPT_CREATED: opt->column[EXPORT_CREATED] = arg; break;
	case OPT_ID: opt->column[EXPORT_ID] = arg; break;
	case OPT_WON: opt->won = arg; break;
	case OPT_LOST: opt->lost = arg; break;
	case OPT_METRICS: opt->metrics = arg; break;
	case OPT_GRAIN:
		if (!grain_parse(arg, &opt->grain))
			diag_usage("--grain: expected year, half, quarter, month, week or day (\"%s\")", arg);
		opt->grain_set = true;
		break;
	case OPT_PERIOD: opt->period = arg; break;
	case OPT_FROM: opt->from = arg; break;
	case OPT_TO: opt->to = arg; break;
	case OPT_DATE_FORMAT:
		if (!date_format_is_usable(arg))
			diag_usage("--date-format: the layout must give a year, a month and a day (\"%s\")", arg);
		opt->date_format = arg;
		break;
	case OPT_DECIMAL_COMMA: opt->style = DECIMAL_COMMA; break;
	case OPT_LEVEL:
		if (strcmp(arg, "all") == 0) {
			opt->level_all = true;
			break;
		}
		if (!parse_level(arg, &opt->level))
			diag_usage("--level: expected rep, team, manager, region or all (\"%s\")", arg);
		opt->level_set = true;
		break;
	case OPT_GOALS: opt->goals = arg; break;
	case OPT_WORKDAYS: opt->workdays = tp->goal_only = true; break;
	case OPT_HOLIDAYS: opt->holidays = arg; tp->goal_only = true; break;
	case OPT_ALL: opt->all = tp->goal_only = true; break;
	case OPT_REJECT_GOALS: opt->reject_goals = arg; tp->goal_only = true; break;
	case OPT_ACHIEVED: opt->thresholds.achieved = threshold_option("--achieved", arg); tp->goal_only = true; break;
	case OPT_AHEAD: opt->thresholds.ahead = threshold_option("--ahead", arg); tp->goal_only = true; break;
	case OPT_ON_TRACK: opt->thresholds.on_track = threshold_option("--on-track", arg); tp->goal_only = true; break;
	case OPT_EARLY: opt->thresholds.early = share_option("--early", arg); tp->goal_only = true; break;
	case OPT_LATEST: opt->latest = arg; break;
	case OPT_UNIQUE: opt->unique = true; break;
	case OPT_CURRENCY: opt->currency = arg; tp->currency_only = true; break;
	case OPT_RATES: opt->rates = arg; break;
	case OPT_BASE_CURRENCY: opt->base_currency = arg; tp->currency_only = true; break;
	case OPT_RATE_AGE: opt->rate_age = (int)number_option("--rate-age", arg, 0, 3660); tp->currency_only = true; break;
	case OPT_ROUNDING:
		if (strcmp(arg, "half-away") == 0)
			opt->rounding = ROUND_HALF_AWAY;
		else if (strcmp(arg, "half-even") == 0)
			opt->rounding = ROUND_HALF_EVEN;
		else
			diag_usage("--rounding: expected half-away or half-even (\"%s\")", arg);
		tp->currency_only = true;
		break;
	case OPT_CANCELLED: opt->cancelled = arg; break;
	case OPT_CANCELLED_DATE: opt->cancelled_date = arg; break;
	case OPT_REFUNDS: opt->refunds = arg; break;
	case OPT_REVERSALS: opt->reversals = arg; break;
	case OPT_PROGRESS: opt->progress = true; break;
	case OPT_CREDITS: opt->credits = arg; break;
	case OPT_PARTIAL: opt->partial = true; break;
	default: return false;
	}
	return true;
}

static int parse_options(int argc, char **argv, struct track_options *opt)
{
	struct cli_common cc;
	struct track_parse tp = { opt, false, false };
	memset(opt, 0, sizeof *opt);
	opt->grain = GRAIN_QUARTER;
	opt->thresholds = default_thresholds();
	opt->rate_age = 7;
	opt->rounding = ROUND_HALF_AWAY;
	argv[0] = (char *)diag_program(); /* getopt's own messages name the program, not its path */
	int first = cli_parse(argc, argv,
			      CLI_TAKES_OUTPUT | CLI_TAKES_QUIET | CLI_TAKES_REJECT | CLI_TAKES_THREADS |
				      CLI_TAKES_FISCAL_START | CLI_TAKES_ROSTER | CLI_TAKES_AS_OF | CLI_TAKES_METRICS_FILE,
			      long_options, NULL, NULL, track_option, &tp, usage, &cc);
	bool goal_only = tp.goal_only, currency_only = tp.currency_only;
	opt->output = cc.output;
	opt->reject = cc.reject;
	opt->roster = cc.roster;
	opt->metrics_file = cc.metrics_file;
	opt->quiet = cc.quiet;
	opt->threads = cc.threads ? cc.threads : online_cpus(8);
	if (cc.as_of)
		goal_only = true;
	opt->fiscal_start = fiscal_start_option(cc.fiscal);
	if (opt->level_set && !opt->roster)
		diag_usage("--level needs --roster");
	if (opt->delimiter && opt->format == FORMAT_TSV)
		diag_usage("--delimiter reads CSV: not with --tsv");
	if (opt->level_all && (opt->roster || opt->by))
		diag_usage("--level all counts every row for one owner: not with %s", opt->by ? "--by" : "--roster");
	if (opt->by && (opt->roster || opt->level_set || opt->column[EXPORT_REP]))
		diag_usage("--by COLUMN names the owner: not with %s",
			   opt->roster ? "--roster" : opt->level_set ? "--level" : "--rep");
	if (goal_only && !opt->goals)
		diag_usage("--as-of, --workdays, --holidays, --all, --reject-goals and the status thresholds need --goals");
	if (currency_only && !opt->rates)
		diag_usage("--currency, --base-currency, --rate-age and --rounding need --rates");
	if (opt->latest && opt->unique)
		diag_usage("--latest and --unique exclude each other: --latest already keeps one row per record");
	if (opt->partial && opt->goals)
		diag_usage("--partial writes actuals to merge later; progress against goals comes after the merge (--goals there)");
	if (opt->goals && opt->grain_set)
		diag_usage("--grain does not apply with --goals: each goal is measured over its own period");
	if (decimal_cmp(opt->thresholds.on_track, opt->thresholds.ahead) > 0)
		diag_usage("--on-track must not be above --ahead");
	if (opt->goals)
		opt->as_of = as_of_option(cc.as_of);
	return first;
}

static void build_range(const struct track_options *opt, struct range *r, enum grain *grain)
{
	r->limited = false;
	r->lo = INT32_MIN;
	r->hi = INT32_MAX;
	if (opt->period) {
		struct period p;
		if (!period_parse(opt->period, strlen(opt->period), opt->fiscal_start, &p))
			diag_usage("--period: not a period label%s (\"%s\")",
				   opt->period[0] == 'F' ? " (FY labels need --fiscal-start)" : "", opt->period);
		r->limited = true;
		r->lo = p.start;
		r->hi = period_end(p);
		if (!opt->grain_set)
			*grain = (enum grain)p.grain; /* actuals input is regrouped to it too */
		else if (*grain < (enum grain)p.grain)
			diag_usage("--grain %s is coarser than --period %s", grain_name(*grain), opt->period);
	}
	spm_day d;
	if (opt->from) {
		if (!date_parse_iso(opt->from, strlen(opt->from), &d))
			diag_usage("--from: %s (\"%s\")",
				   date_problem(opt->from, strlen(opt->from), "expected a date YYYY-MM-DD"), opt->from);
		r->limited = true;
		if (d > r->lo)
			r->lo = d;
	}
	if (opt->to) {
		if (!date_parse_iso(opt->to, strlen(opt->to), &d))
			diag_usage("--to: %s (\"%s\")", date_problem(opt->to, strlen(opt->to), "expected a date YYYY-MM-DD"),
				   opt->to);
		r->limited = true;
		if (d + 1 < r->hi)
			r->hi = d + 1;
	}
	if (r->limited && r->lo >= r->hi)
		diag_usage("--from, --to and --period leave no day to count");
}

/* ---- reading the inputs ---- */

/* Reads one file into `all`; exits on the first bad row unless --reject. */
static void read_input(struct job *job, const struct mapping *map, const char *path,
		       struct header **first_header, struct chunk_state *all)
{
	records_rewind(job); /* --latest/--unique read standard input a second time */
	struct source *src = open_input(job->opt, path);
	job->file = source_name(src);
	job->header = source_header(src);
	if (*first_header && !header_equal(*first_header, job->header))
		diag_fatal(SPM_EXIT_DATA, "%s:1: header differs from the first input's", job->file);
	enum input_kind kind = is_actuals_header(job->header) ? INPUT_ACTUALS : INPUT_EXPORT;
	if (kind == INPUT_ACTUALS && job->currency) /* --rates */
		diag_usage("%s: --rates converts CRM exports; actuals are already in one currency", job->file);
	if (kind == INPUT_ACTUALS && job->credits) /* --credits */
		diag_usage("%s: --credits credits the deals of CRM exports; actuals are already credited", job->file);
	if (kind == INPUT_ACTUALS && job->opt->partial)
		diag_usage("%s: --partial reads CRM exports; actuals and partial streams merge without it", job->file);
	if (*first_header && kind != job->kind)
		diag_fatal(SPM_EXIT_DATA, "%s: inputs mix exports and actuals", job->file);
	if (!*first_header) {
		job->kind = kind;
		chunk_state_init(all, job);
		if (job->reject) /* the reject file repeats the input's header, plus the reason */
			reject_write_header(job->reject, job->header);
	}
	bool *wanted = NULL;
	if (kind == INPUT_EXPORT) {
		resolve_export_columns(job, map);
		resolve_custom_columns(job, map);
		wanted = wanted_columns(job);
		currency_resolve(job, map, wanted);  /* --rates: the currency column */
		clawback_resolve(job, wanted);       /* --cancelled-date, --refunds: their columns */
		wanted = records_wanted(job, wanted); /* --latest/--unique: every column */
	} else {
		bind_actuals(job);
		all->has_currency_column |= stream_at(&job->actuals, COL_CURRENCY) >= 0;
	}
	/* each chunk keeps its rejected rows; they are written in input order below */
	size_t n = source_plan(src, job->opt->threads);
	struct chunk_state *states = xcalloc(n, sizeof *states);
	struct scan_chunk *chunks = xcalloc(n, sizeof *chunks);
	for (size_t i = 0; i < n; i++) {
		chunk_state_init(&states[i], job);
		records_start_chunk(job, &states[i], i);
		chunks[i].ctx = &states[i];
	}
	struct scan_options so = { wanted, job->reject != NULL, kind == INPUT_EXPORT ? export_row : actuals_row, NULL };
	struct scan_ahead ahead = { export_ahead, { 0 }, 2, export_ahead_wanted };
	ahead.col[AHEAD_OWNER] = job->col[EXPORT_REP];
	ahead.col[AHEAD_CLOSE] = job->col[EXPORT_DATE];
	if (kind == INPUT_EXPORT && !job->roster && !job->opt->level_all) /* the owner is the rep column's bytes */
		so.ahead = &ahead;
	if (job->meter)
		source_set_progress(src, meter_block, job->meter);
	source_scan(src, &so, chunks, n);
	meter_clear(job->meter); /* a diagnostic or the next file's line starts clean */
	for (size_t i = 0; i < n; i++) {
		if (!chunks[i].used)
			continue;
		/* first: a chunk's scan stops at its first bad row, after any conflict it met */
		merge_currency(job, all, &states[i], chunks[i].line_offset);
		if (chunks[i].error.line) {
			const struct header *h = job->header;
			size_t col = chunks[i].error.column;
			diag_at(job->file, chunks[i].error.line + chunks[i].line_offset,
				col < h->count ? h->name[col] : NULL, NULL, 0, chunks[i].error.message);
			diag_exit(SPM_EXIT_DATA);
		}
		if (chunks[i].stop) {
			report_problem(job, &states[i].problem, states[i].problem.line + chunks[i].line_offset);
			diag_exit(SPM_EXIT_DATA);
		}
		merge_state(all, &states[i]);
		if (job->reject)
			reject_buffer_flush(states[i].rejects, job->reject, chunks[i].line_offset);
		chunk_state_free(&states[i]); /* at once: the peak holds one chunk's groups less */
	}
	for (size_t i = 0; i < n; i++)
		if (!chunks[i].used)
			chunk_state_free(&states[i]);
	free(states);
	free(chunks);
	free(wanted);
	if (!*first_header) {
		/* keep a copy of the header to compare the next files with */
		*first_header = header_copy(job->header);
	}
	source_close(src);
}

/* The bytes the inputs hold, for the meter's percent: 0 (not known) as soon as one of
 * them is not a regular file (a pipe, standard input from a terminal). */
static uint64_t input_bytes(char **files, size_t nfiles)
{
	uint64_t total = 0;
	for (size_t i = 0; i < nfiles; i++) {
		struct stat st;
		int r = strcmp(files[i], "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(files[i], &st);
		if (r != 0 || !S_ISREG(st.st_mode))
			return 0;
		total += (uint64_t)st.st_size;
	}
	return total;
}

/* Progress is on by default on a terminal only (never into a pipe or a log); --quiet
 * turns it off; --progress forces it on, after --quiet too. */
static enum meter_mode progress_mode(const struct track_options *opt)
{
	if (opt->progress)
		return METER_ON;
	return opt->quiet ? METER_OFF : METER_AUTO;
}

static void print_summary(const struct tally *t, const char *base)
{
	fprintf(stderr, "%s: %llu rows read, %llu used, %llu rejected", diag_program(),
		(unsigned long long)t->read, (unsigned long long)t->used, (unsigned long long)t->rejected);
	if (t->open_undated)
		fprintf(stderr, "; %llu open deal(s) without a close date count in no period",
			(unsigned long long)t->open_undated);
	if (t->outside)
		fprintf(stderr, "; %llu row(s) outside the period range", (unsigned long long)t->outside);
	if (t->unneeded)
		fprintf(stderr, "; %llu row(s) outside the goals' periods", (unsigned long long)t->unneeded);
	if (t->after_as_of)
		fprintf(stderr, "; %llu row(s) dated after the as-of date", (unsigned long long)t->after_as_of);
	if (t->superseded)
		fprintf(stderr, "; %llu row(s) superseded by a later version of their record",
			(unsigned long long)t->superseded);
	if (t->duplicates)
		fprintf(stderr, "; %llu identical duplicate row(s) counted once", (unsigned long long)t->duplicates);
	if (t->reversals)
		fprintf(stderr, "; %llu reversal(s) of won deals counted", (unsigned long long)t->reversals);
	if (t->reversals_outside)
		fprintf(stderr, "; %llu reversal(s) dated outside the periods counted", (unsigned long long)t->reversals_outside);
	if (t->converted)
		fprintf(stderr, "; %llu amount(s) converted to %s", (unsigned long long)t->converted, base);
	if (t->credited)
		fprintf(stderr, "; %llu deal(s) credited by --credits", (unsigned long long)t->credited);
	fputc('\n', stderr);
}

/* Writing over an input, or two outputs into one file, would destroy data: every file
 * the run reads and writes, checked before anything is read (cli.h, run_files). */
static void check_output_paths(const struct track_options *opt, char **files, size_t nfiles)
{
	struct run_files rf = { 0 };
	for (size_t i = 0; i < nfiles; i++)
		run_files_input(&rf, NULL, files[i]);
	run_files_input(&rf, "--goals", opt->goals);
	cli_roster_files(&rf, opt->roster);
	run_files_input(&rf, "--holidays", opt->holidays);
	run_files_input(&rf, "--metrics-file", opt->metrics_file);
	run_files_input(&rf, "--rates", opt->rates);
	run_files_input(&rf, "--credits", opt->credits);
	run_files_input(&rf, "--refunds", opt->refunds);
	if (map_is_file(opt->map))
		run_files_input(&rf, "--map", opt->map);
	run_files_output(&rf, "-o", opt->output);
	run_files_output(&rf, "--reject", opt->reject);
	run_files_output(&rf, "--reversals", opt->reversals);
	run_files_output(&rf, "--reject-goals", opt->reject_goals);
	run_files_check(&rf);
	run_files_free(&rf);
}

static char **stage_list(const char *given, const char *fallback, size_t *n)
{
	return split_list(given ? given : fallback, ',', n);
}

/* The calendars and owner levels that rows are counted in. */
static void plan_groups(struct job *job, const struct goal_plan *g)
{
	const struct track_options *opt = job->opt;
	job->nlevels = 0;
	if (!g) {
		job->cal[0] = (struct calendar){ opt->grain, opt->fiscal_start };
		job->ncal = 1;
		job->regroup = opt->grain_set;
		job->level[job->nlevels++] = opt->level_set ? opt->level : LEVEL_REP;
		return;
	}
	memcpy(job->cal, g->cal, sizeof job->cal);
	job->ncal = g->ncal;
	job->regroup = true;
	if (opt->level_set) {
		job->level[job->nlevels++] = opt->level;
		return;
	}
	for (int l = 0; l < LEVEL_COUNT; l++)
		if (g->level_used[l] || (l == LEVEL_REP && !job->roster))
			job->level[job->nlevels++] = (enum level)l;
}

int main(int argc, char **argv)
{
	struct track_options opt;
	struct mapping map;
	struct metric_set metrics;
	struct roster roster;
	struct goal_plan goals;
	struct job job;
	struct output out, reject, reject_goals;
	struct header *first_header = NULL;
	struct chunk_state all;
	struct work_calendar calendar = { false, NULL, 0 };
	spm_day *holidays = NULL;

	diag_set_program("spm-track");
	atexit(output_close_stdout);
	int first = parse_options(argc, argv, &opt);
	memset(&job, 0, sizeof job);
	job.opt = &opt;
	build_range(&opt, &job.range, &opt.grain);
	if (opt.period)
		opt.grain_set = true;
	const char *stdin_only[] = { "-" };
	char **files = first < argc ? argv + first : (char **)stdin_only;
	size_t nfiles = first < argc ? (size_t)(argc - first) : 1;
	check_output_paths(&opt, files, nfiles);
	build_mapping(&opt, &map);
	load_metrics(&opt, &metrics);
	job.metrics = &metrics;
	if (opt.roster) {
		roster_load_dated(&roster, opt.roster, opt.level_set ? opt.level : LEVEL_COUNT);
		job.roster = &roster;
	}
	job.won = stage_list(opt.won, DEFAULT_WON_STAGES, &job.nwon);
	job.lost = stage_list(opt.lost, DEFAULT_LOST_STAGES, &job.nlost);
	job.won_len = item_lengths(job.won, job.nwon);
	job.lost_len = item_lengths(job.lost, job.nlost);
	if (job.nwon == 0)
		diag_usage("--won: no stage named");

	output_open(&out, opt.output);
	if (opt.reject) {
		output_open(&reject, opt.reject);
		job.reject = &reject;
	}
	if (opt.goals) {
		if (opt.reject_goals)
			output_open(&reject_goals, opt.reject_goals);
		load_goals(&opt, &metrics, job.roster, opt.reject_goals ? &reject_goals : NULL, &goals);
		size_t n;
		struct metric **wanted = goal_metrics(&goals.sheet, &n);
		select_metrics(&opt, &metrics, wanted, n);
		free(wanted);
		job.goals = &goals;
		choose_goals(&job, &goals);
		if (opt.holidays) {
			holidays = load_holidays(opt.holidays, &calendar.nholidays);
			calendar.holidays = holidays;
		}
		calendar.workdays = opt.workdays;
	} else {
		select_metrics(&opt, &metrics, NULL, 0);
	}
	plan_groups(&job, job.goals);
	if (opt.credits) {
		metrics.needs[EXPORT_ID] = true; /* deals are known by their record id */
		job.credits = credits_load(opt.credits, job.roster, opt.reject != NULL, opt.threads);
	}
	job.currency = currency_setup(&opt); /* --rates; NULL without */
	job.clawback = clawback_setup(&opt); /* cancelled stages; --refunds */

	job.meter = meter_new(diag_program(), progress_mode(&opt), STDERR_FILENO, input_bytes(files, nfiles));
	records_prepare(&job, &map, files, nfiles); /* --latest/--unique: the first reading */
	for (size_t i = 0; i < nfiles; i++) {
		job.file_index = i;
		read_input(&job, &map, files[i], &first_header, &all);
	}
	meter_finish(job.meter);
	job.meter = NULL;
	if (job.credits && job.kind == INPUT_EXPORT)
		credits_warn_unknown(job.credits);
	if (job.kind == INPUT_EXPORT) {
		if (!opt.partial)
			count_distinct(&all); /* --partial writes the sets, not their counts */
		clawback_finish(&job, &all); /* every refund matched; --reversals written */
	}
	if (job.kind == INPUT_ACTUALS)
		count_distinct_items(&all);
	if (job.goals)
		emit_progress(&out, &job, &all, &calendar);
	else if (opt.partial)
		emit_partial(&out, &job, &all);
	else
		emit_actuals(&out, &job, &all);
	if (job.reject)
		output_close(job.reject);
	if (opt.goals && opt.reject_goals)
		output_close(&reject_goals);
	output_close(&out);
	if (!opt.quiet) {
		print_summary(&all.tally, currency_base(job.currency));
		if (job.goals)
			print_goal_summary(&goals);
	}

	chunk_state_free(&all);
	header_free(first_header);
	free_list(job.won, job.nwon);
	free(job.won_len);
	free(job.lost_len);
	free_list(job.lost, job.nlost);
	if (opt.goals)
		free_goals(&goals);
	free(holidays);
	if (opt.roster)
		roster_free(&roster);
	free_metrics(&metrics);
	free_mapping(&map);
	records_free(job.records);
	currency_free(job.currency);
	credits_free(job.credits);
	clawback_free(job.clawback);
	return SPM_EXIT_OK;
}
