/* spm-track: CRM exports (CSV/TSV) to actuals, one row per owner, period and metric.
 * Also reads its own actuals, so results of shards merge exactly. */
#include "decimal.h"
#include "diag.h"
#include "goals.h"
#include "input.h"
#include "meter.h"
#include "metrics.h"
#include "options.h"
#include "output.h"
#include "period.h"
#include "progress.h"
#include "reject.h"
#include "roster.h"
#include "table.h"

#include <getopt.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the columns of an export ---- */

enum column { COL_REP, COL_DATE, COL_AMOUNT, COL_STAGE, COL_CREATED, COL_ID, COL_COUNT };

static const char *const column_names[COL_COUNT] = { "rep", "date", "amount", "stage", "created", "id" };

struct preset {
	const char *name;
	const char *column[COL_COUNT];
};

/* Header names as the CRMs write them in their standard exports. */
static const struct preset presets[] = {
	{ "salesforce", { "Opportunity Owner", "Close Date", "Amount", "Stage", "Created Date", "Opportunity ID" } },
	{ "hubspot", { "Deal owner", "Close Date", "Amount", "Deal Stage", "Create Date", "Record ID" } },
	{ "pipedrive", { "Deal - Owner", "Deal - Close time", "Deal - Value", "Deal - Status", "Deal - Deal created", "Deal - ID" } },
};

/* ---- metrics ---- */

/* The metrics known, and those this run computes. */
struct metric_set {
	struct metric_catalog catalog;
	struct metric **selected;
	size_t nselected;
	size_t ncustom;
	bool any_ratio;
	bool coverage;         /* coverage is selected: won_revenue and pipeline are needed */
	bool needs[COL_COUNT]; /* columns the selected metrics read */
};

static struct metric *find_metric(const struct metric_set *ms, const char *name)
{
	return metric_find(&ms->catalog, name);
}

static void free_metrics(struct metric_set *ms)
{
	metric_catalog_free(&ms->catalog);
	free(ms->selected);
}

/* ---- options ---- */

struct track_options {
	enum input_format format;
	const char *map;
	const char *column[COL_COUNT];
	const char *won, *lost;
	const char *metrics, *metrics_file;
	enum grain grain;
	bool grain_set;
	const char *period, *from, *to;
	int fiscal_start;
	const char *date_format;
	enum decimal_style style;
	const char *roster;
	enum level level;
	bool level_set;
	const char *reject, *output;
	size_t threads;
	bool quiet;
	bool progress; /* --progress: the meter even off a terminal, and after --quiet */
	/* progress against goals */
	const char *goals, *reject_goals, *holidays;
	spm_day as_of;
	bool workdays, all;
	struct status_thresholds thresholds;
};

/* ---- the state of a run ---- */

struct range {
	bool limited;
	spm_day lo, hi; /* half-open [lo, hi) */
};

enum input_kind { INPUT_EXPORT, INPUT_ACTUALS };

/* A grain and a fiscal start month: the periods a goal or --grain counts in. Years,
 * halves and quarters exist both ways; months, weeks and days only once: 9 at most. */
#define MAX_CALENDARS 9
struct calendar {
	enum grain grain;
	int fiscal_start;
};

struct goal_plan;

/* What every chunk of one file shares: read-only while the threads run. */
struct job {
	const struct track_options *opt;
	struct metric_set *metrics;
	const struct roster *roster;
	struct range range;
	struct range span;        /* exports with --goals: the days the reported goals cover */
	char **won, **lost;
	size_t nwon, nlost;
	size_t *won_len, *lost_len;
	const char *file;
	const struct header *header;
	enum input_kind kind;
	long col[COL_COUNT];      /* export columns, -1 if absent */
	long col_num, col_den;    /* actuals: numerator/denominator columns, -1 if absent */
	struct output *reject;
	/* Periods are counted in every calendar (grain and fiscal start) that a goal uses,
	 * or in the one of --grain; owners at every level a goal names, or at --level. */
	struct calendar cal[MAX_CALENDARS];
	size_t ncal;
	enum level level[LEVEL_COUNT];
	size_t nlevels;
	bool regroup;             /* actuals input: periods regrouped into the calendars */
	struct goal_plan *goals; /* NULL without --goals */
	struct meter *meter;     /* progress on standard error, or NULL */
};

/* Accumulators for one owner and period of an export. */
struct deal_totals {
	decimal won_revenue;
	decimal pipeline;
	int64_t won_deals, lost_deals;
	int64_t cycle_days, cycle_deals;
	/* followed by one struct custom_totals per custom metric */
};

struct custom_totals {
	decimal sum, min, max;
	int64_t count;
};

/* Accumulator for one owner, period and metric of an actuals input. */
struct actual_totals {
	decimal value, numerator, denominator;
	bool has_value, has_parts;
};

struct tally {
	uint64_t read, used, rejected;
	uint64_t open_undated; /* open deals with no close date: in no period */
	uint64_t outside;      /* rows dated outside --from/--to/--period */
	uint64_t unneeded;     /* rows dated outside every reported goal's period */
	uint64_t after_as_of;  /* rows dated after --as-of */
};

/* A bad row, kept to report it after the threads are done. */
struct problem {
	uint64_t line;
	const char *column;
	const char *message;
	char value[256];
	size_t value_len;
	bool has_value;
	char detail[96];
	char id[64];       /* the record's id (--id), to find it in the CRM */
	size_t id_len;
};

/* One chunk's accumulators. */
struct chunk_state {
	const struct job *job;
	struct table *groups;
	struct table *distinct;
	struct tally tally;
	struct problem problem;
	char *key;
	size_t key_cap;
	char *distinct_key; /* (metric, group, value) keys of distinct counts */
	size_t distinct_key_cap;
	struct period_cache *periods;
	struct custom_value *custom; /* this row's values of the custom metrics */
};

/* A custom metric's value in the row at hand, read once however many groups it feeds. */
struct custom_value {
	bool match;      /* the where conditions hold */
	bool has_value;  /* a non-empty value */
	decimal value;   /* sum, avg, min, max */
	const char *raw; /* distinct: the value's bytes */
	size_t raw_len;
};

/* Periods of recently seen days: computing a period takes calendar arithmetic, and an
 * export has few distinct dates (a few years' worth) among millions of rows. */
#define PERIOD_CACHE 4096
struct period_cache {
	spm_day day[PERIOD_CACHE];
	struct period period[PERIOD_CACHE][MAX_CALENDARS];
	bool filled[PERIOD_CACHE];
};

/* The periods holding day d, one per calendar of the job. */
static const struct period *cached_periods(struct chunk_state *cs, spm_day d)
{
	struct period_cache *c = cs->periods;
	const struct job *job = cs->job;
	size_t i = (size_t)(uint32_t)d % PERIOD_CACHE;
	if (!c->filled[i] || c->day[i] != d) {
		for (size_t k = 0; k < job->ncal; k++)
			c->period[i][k] = period_of(d, job->cal[k].grain, job->cal[k].fiscal_start);
		c->day[i] = d;
		c->filled[i] = true;
	}
	return c->period[i];
}

/* ---- usage ---- */

static noreturn void usage(void)
{
	printf("Usage: spm-track [OPTION]... [FILE]...\n"
	       "Turn CRM exports (CSV or TSV) into actuals: one row per owner, period and metric.\n"
	       "With no FILE, or when FILE is -, read standard input (TSV unless --csv).\n"
	       "\n"
	       "Input:\n"
	       "      --csv, --tsv          input format (default: by extension; .csv is CSV)\n"
	       "      --map NAME|FILE       column names: salesforce, hubspot, pipedrive, or a\n"
	       "                            file of 'canonical<TAB>source column' lines\n"
	       "      --rep COL             column of the deal owner\n"
	       "      --date COL            column of the close date (activities: their date)\n"
	       "      --amount COL          column of the amount\n"
	       "      --stage COL           column of the stage\n"
	       "      --created COL         column of the created date (for cycle_days)\n"
	       "      --id COL              column of the record id, named in bad-row reports\n"
	       "      --won LIST            stages that mean won (default: Closed Won,Won,closedwon)\n"
	       "      --lost LIST           stages that mean lost (default: Closed Lost,Lost,closedlost)\n"
	       "      --date-format FMT     strptime layout of dates, e.g. %%m/%%d/%%Y (default: ISO)\n"
	       "      --decimal-comma       amounts are written 1.234,56\n"
	       "\n"
	       "Metrics and periods:\n"
	       "      --metrics LIST        metrics to compute (default: all built-in, or all of\n"
	       "                            --metrics-file): won_revenue won_deals lost_deals\n"
	       "                            win_rate avg_deal cycle_days pipeline\n"
	       "      --metrics-file FILE   custom metrics: metric agg column where unit direction category\n"
	       "      --grain G             year, half, quarter (default), month, week or day\n"
	       "      --period LABEL        only this period (e.g. 2026-Q3, FY2027); sets the grain\n"
	       "      --from DATE           only rows dated on or after DATE\n"
	       "      --to DATE             only rows dated on or before DATE\n"
	       "      --fiscal-start M      fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "      --roster FILE         roster (rep team manager region ...); reps not in it are bad rows\n"
	       "      --level L             roll owners up to rep (default), team, manager or region\n"
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
	       "      --achieved X          status achieved from attainment X (default 1)\n"
	       "      --ahead X             status ahead from pace X (default 1.1)\n"
	       "      --on-track X          status on_track from pace X (default 0.9)\n"
	       "\n"
	       "Output and errors:\n"
	       "  -o, --output FILE         write to FILE atomically instead of standard output\n"
	       "      --reject FILE         write bad rows to FILE with a reason and go on\n"
	       "      --threads N           read big files with N threads (default: cores, up to 8)\n"
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
	       "days_elapsed days_left', one row per goal, sorted the same way.\n"
	       "Exit status: 0 success, 1 bad data, 2 usage or I/O error.\n"
	       "\n"
	       "Examples:\n"
	       "  spm-track --map salesforce --grain quarter --roster roster.tsv --level team deals.csv\n"
	       "  spm-track --map salesforce --goals goals.tsv --as-of 2026-11-26 --workdays deals.csv\n");
	exit(SPM_EXIT_OK);
}

enum {
	OPT_CSV = 256, OPT_TSV, OPT_MAP, OPT_REP, OPT_DATE, OPT_AMOUNT, OPT_STAGE, OPT_CREATED, OPT_ID,
	OPT_WON, OPT_LOST, OPT_METRICS, OPT_METRICS_FILE, OPT_GRAIN, OPT_PERIOD, OPT_FROM, OPT_TO,
	OPT_FISCAL, OPT_DATE_FORMAT, OPT_DECIMAL_COMMA, OPT_ROSTER, OPT_LEVEL, OPT_REJECT, OPT_THREADS,
	OPT_GOALS, OPT_AS_OF, OPT_WORKDAYS, OPT_HOLIDAYS, OPT_ALL, OPT_REJECT_GOALS, OPT_ACHIEVED, OPT_AHEAD,
	OPT_ON_TRACK, OPT_PROGRESS,
};

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
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "grain", required_argument, NULL, OPT_GRAIN },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "fiscal-start", required_argument, NULL, OPT_FISCAL },
	{ "date-format", required_argument, NULL, OPT_DATE_FORMAT },
	{ "decimal-comma", no_argument, NULL, OPT_DECIMAL_COMMA },
	{ "roster", required_argument, NULL, OPT_ROSTER },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "reject", required_argument, NULL, OPT_REJECT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "goals", required_argument, NULL, OPT_GOALS },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "workdays", no_argument, NULL, OPT_WORKDAYS },
	{ "holidays", required_argument, NULL, OPT_HOLIDAYS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "reject-goals", required_argument, NULL, OPT_REJECT_GOALS },
	{ "achieved", required_argument, NULL, OPT_ACHIEVED },
	{ "ahead", required_argument, NULL, OPT_AHEAD },
	{ "on-track", required_argument, NULL, OPT_ON_TRACK },
	{ "output", required_argument, NULL, 'o' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A positive threshold such as 1.1. */
static decimal threshold_option(const char *option, const char *arg)
{
	decimal d;
	if (decimal_parse(arg, strlen(arg), DECIMAL_POINT, &d) != DECIMAL_OK || decimal_sign(d) <= 0)
		diag_usage("%s: expected a positive number such as 0.9 (\"%s\")", option, arg);
	return d;
}

static int parse_options(int argc, char **argv, struct track_options *opt)
{
	const char *fiscal = NULL, *as_of = NULL;
	bool goal_only = false; /* an option that means nothing without --goals */
	int c;
	memset(opt, 0, sizeof *opt);
	opt->grain = GRAIN_QUARTER;
	opt->thresholds = default_thresholds();
	opt->threads = online_cpus(8);
	argv[0] = (char *)diag_program(); /* getopt's own messages name the program, not its path */
	while ((c = getopt_long(argc, argv, "o:qhV", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_CSV: opt->format = FORMAT_CSV; break;
		case OPT_TSV: opt->format = FORMAT_TSV; break;
		case OPT_MAP: opt->map = optarg; break;
		case OPT_REP: opt->column[COL_REP] = optarg; break;
		case OPT_DATE: opt->column[COL_DATE] = optarg; break;
		case OPT_AMOUNT: opt->column[COL_AMOUNT] = optarg; break;
		case OPT_STAGE: opt->column[COL_STAGE] = optarg; break;
		case OPT_CREATED: opt->column[COL_CREATED] = optarg; break;
		case OPT_ID: opt->column[COL_ID] = optarg; break;
		case OPT_WON: opt->won = optarg; break;
		case OPT_LOST: opt->lost = optarg; break;
		case OPT_METRICS: opt->metrics = optarg; break;
		case OPT_METRICS_FILE: opt->metrics_file = optarg; break;
		case OPT_GRAIN:
			if (!grain_parse(optarg, &opt->grain))
				diag_usage("--grain: expected year, half, quarter, month, week or day (\"%s\")", optarg);
			opt->grain_set = true;
			break;
		case OPT_PERIOD: opt->period = optarg; break;
		case OPT_FROM: opt->from = optarg; break;
		case OPT_TO: opt->to = optarg; break;
		case OPT_FISCAL: fiscal = optarg; break;
		case OPT_DATE_FORMAT:
			if (!date_format_is_usable(optarg))
				diag_usage("--date-format: the layout must give a year, a month and a day (\"%s\")", optarg);
			opt->date_format = optarg;
			break;
		case OPT_DECIMAL_COMMA: opt->style = DECIMAL_COMMA; break;
		case OPT_ROSTER: opt->roster = optarg; break;
		case OPT_LEVEL:
			if (!parse_level(optarg, &opt->level))
				diag_usage("--level: expected rep, team, manager or region (\"%s\")", optarg);
			opt->level_set = true;
			break;
		case OPT_REJECT: opt->reject = optarg; break;
		case OPT_THREADS: opt->threads = (size_t)number_option("--threads", optarg, 1, 64); break;
		case OPT_GOALS: opt->goals = optarg; break;
		case OPT_AS_OF: as_of = optarg; goal_only = true; break;
		case OPT_WORKDAYS: opt->workdays = goal_only = true; break;
		case OPT_HOLIDAYS: opt->holidays = optarg; goal_only = true; break;
		case OPT_ALL: opt->all = goal_only = true; break;
		case OPT_REJECT_GOALS: opt->reject_goals = optarg; goal_only = true; break;
		case OPT_ACHIEVED: opt->thresholds.achieved = threshold_option("--achieved", optarg); goal_only = true; break;
		case OPT_AHEAD: opt->thresholds.ahead = threshold_option("--ahead", optarg); goal_only = true; break;
		case OPT_ON_TRACK: opt->thresholds.on_track = threshold_option("--on-track", optarg); goal_only = true; break;
		case 'o': opt->output = optarg; break;
		case OPT_PROGRESS: opt->progress = true; break;
		case 'q': opt->quiet = true; break;
		case 'h': usage();
		case 'V': print_version();
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", diag_program());
			diag_exit(SPM_EXIT_USAGE);
		}
	}
	opt->fiscal_start = fiscal_start_option(fiscal);
	if (opt->level_set && !opt->roster)
		diag_usage("--level needs --roster");
	if (goal_only && !opt->goals)
		diag_usage("--as-of, --workdays, --holidays, --all, --reject-goals and the status thresholds need --goals");
	if (opt->goals && opt->grain_set)
		diag_usage("--grain does not apply with --goals: each goal is measured over its own period");
	if (decimal_cmp(opt->thresholds.on_track, opt->thresholds.ahead) > 0)
		diag_usage("--on-track must not be above --ahead");
	if (opt->goals)
		opt->as_of = as_of_option(as_of);
	return optind;
}

/* ---- column mapping ---- */

static enum column column_by_name(const char *name)
{
	for (int i = 0; i < COL_COUNT; i++)
		if (strcmp(column_names[i], name) == 0)
			return (enum column)i;
	return COL_COUNT;
}

struct mapping {
	char *column[COL_COUNT];
};

struct mapping_reader {
	struct mapping *map;
	struct file_problem problem;
};

static int mapping_row(void *ctx, const struct row *row)
{
	struct mapping_reader *mr = ctx;
	if (row->len[0] && row->field[0][0] == '#')
		return 0;
	if (row->count != 2)
		return file_problem_at(&mr->problem, row, NULL, row->field[0],
				       "expected 'canonical<TAB>source column'");
	enum column c = column_by_name(row->field[0]);
	if (c == COL_COUNT)
		return file_problem_at(&mr->problem, row, NULL, row->field[0],
				       "unknown canonical column (expected rep, date, amount, stage, created or id)");
	free(mr->map->column[c]);
	mr->map->column[c] = xmemdup0(row->field[1], row->len[1]);
	return 0;
}

/* A mapping file is TSV whose header is 'canonical<TAB>source'. */
static void load_mapping_file(const char *path, struct mapping *map)
{
	struct source *src = source_open(path, FORMAT_TSV);
	const struct header *h = source_header(src);
	if (h->count != 2 || strcmp(h->name[0], "canonical") || strcmp(h->name[1], "source")) {
		diag_at(path, 1, NULL, NULL, 0, "a mapping file starts with the header 'canonical<TAB>source'");
		diag_exit(SPM_EXIT_DATA);
	}
	struct mapping_reader mr = { .map = map };
	read_side_file(src, path, mapping_row, &mr, &mr.problem);
}

static void build_mapping(const struct track_options *opt, struct mapping *map)
{
	memset(map, 0, sizeof *map);
	if (opt->map) {
		const struct preset *preset = NULL;
		for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
			if (strcmp(presets[i].name, opt->map) == 0)
				preset = &presets[i];
		if (preset) {
			for (int c = 0; c < COL_COUNT; c++)
				map->column[c] = xstrdup(preset->column[c]);
		} else if (strchr(opt->map, '/') || strchr(opt->map, '.')) {
			load_mapping_file(opt->map, map);
		} else {
			diag_usage("--map: expected salesforce, hubspot, pipedrive or a mapping file (\"%s\")", opt->map);
		}
	}
	for (int c = 0; c < COL_COUNT; c++) {
		if (opt->column[c]) {
			free(map->column[c]);
			map->column[c] = xstrdup(opt->column[c]);
		}
		if (!map->column[c]) /* unmapped: the canonical name itself (rep, date, ...) */
			map->column[c] = xstrdup(column_names[c]);
	}
}

static void free_mapping(struct mapping *map)
{
	for (int c = 0; c < COL_COUNT; c++)
		free(map->column[c]);
}

/* ---- metrics ---- */

static void select_metric(struct metric_set *ms, size_t *cap, struct metric *m)
{
	for (size_t i = 0; i < ms->nselected; i++)
		if (ms->selected[i] == m)
			return;
	xgrow((void **)&ms->selected, cap, ms->nselected + 1, sizeof *ms->selected);
	ms->selected[ms->nselected++] = m;
}

/* Every metric a run knows: the built-ins, then the metrics file's. */
static void load_metrics(const struct track_options *opt, struct metric_set *ms)
{
	memset(ms, 0, sizeof *ms);
	metric_catalog_load(&ms->catalog, opt->metrics_file);
}

/* The metrics to compute: --metrics, else those of the goal sheet, else every built-in
 * (or every metric of the metrics file); then the columns they read. */
static void select_metrics(const struct track_options *opt, struct metric_set *ms, struct metric **wanted,
			   size_t nwanted)
{
	size_t scap = 0;
	if (opt->metrics) {
		size_t n;
		char **names = split_list(opt->metrics, ',', &n);
		if (n == 0)
			diag_usage("--metrics: no metric named");
		for (size_t i = 0; i < n; i++) {
			struct metric *m = find_metric(ms, names[i]);
			if (!m)
				diag_usage("--metrics: unknown metric \"%s\"%s", names[i],
					   opt->metrics_file ? "" : " (custom metrics need --metrics-file)");
			if (m->builtin == M_COVERAGE && !opt->goals)
				diag_usage("--metrics: coverage is measured against won_revenue goals: it needs --goals");
			select_metric(ms, &scap, m);
		}
		free_list(names, n);
	} else if (opt->goals) {
		for (size_t i = 0; i < nwanted; i++)
			select_metric(ms, &scap, wanted[i]);
	} else {
		const struct metric_catalog *c = &ms->catalog;
		for (size_t i = opt->metrics_file ? M_BUILTIN_COUNT : 0; i < c->nall; i++)
			if (c->all[i].builtin != M_COVERAGE)
				select_metric(ms, &scap, &c->all[i]);
	}
	ms->needs[COL_REP] = ms->needs[COL_DATE] = true; /* even with no metric (an empty sheet) */
	for (size_t i = 0; i < ms->nselected; i++) {
		struct metric *m = ms->selected[i];
		ms->any_ratio |= m->ratio;
		if (m->builtin == M_CUSTOM) {
			m->slot = ms->ncustom++;
			continue;
		}
		ms->needs[COL_STAGE] = true;
		if (m->builtin == M_WON_REVENUE || m->builtin == M_AVG_DEAL || m->builtin == M_PIPELINE ||
		    m->builtin == M_COVERAGE)
			ms->needs[COL_AMOUNT] = true;
		if (m->builtin == M_CYCLE_DAYS)
			ms->needs[COL_CREATED] = true;
		if (m->builtin == M_COVERAGE)
			ms->coverage = true;
	}
}

/* ---- dates, stages and the range ---- */

static bool parse_date(const struct track_options *opt, const char *s, size_t len, spm_day *out)
{
	if (opt->date_format)
		return date_parse_format(s, len, opt->date_format, out);
	return date_parse_iso(s, len, out);
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
			diag_usage("--from: expected a date YYYY-MM-DD (\"%s\")", opt->from);
		r->limited = true;
		if (d > r->lo)
			r->lo = d;
	}
	if (opt->to) {
		if (!date_parse_iso(opt->to, strlen(opt->to), &d))
			diag_usage("--to: expected a date YYYY-MM-DD (\"%s\")", opt->to);
		r->limited = true;
		if (d + 1 < r->hi)
			r->hi = d + 1;
	}
	if (r->limited && r->lo >= r->hi)
		diag_usage("--from, --to and --period leave no day to count");
}

enum deal_state { DEAL_OPEN, DEAL_WON, DEAL_LOST };

static bool stage_in(char **list, const size_t *lens, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (lens[i] == len && strncasecmp(list[i], s, len) == 0)
			return true;
	return false;
}

static size_t *item_lengths(char **items, size_t n)
{
	size_t *lens = xcalloc(n + 1, sizeof *lens);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(items[i]);
	return lens;
}

/* ---- bad rows ---- */

static int bad_row(struct chunk_state *cs, const struct row *row, long col, const char *message)
{
	struct problem *p = &cs->problem;
	const struct header *h = cs->job->header;
	memset(p, 0, sizeof *p);
	p->line = row->line;
	p->message = message;
	if (col >= 0 && (size_t)col < h->count) {
		p->column = h->name[col];
		if ((size_t)col < row->count) {
			p->has_value = true;
			p->value_len = row->len[col] < sizeof p->value ? row->len[col] : sizeof p->value - 1;
			memcpy(p->value, row->field[col], p->value_len);
		}
	}
	long id = cs->job->kind == INPUT_EXPORT ? cs->job->col[COL_ID] : -1;
	if (id >= 0 && (size_t)id < row->count && row->len[id]) {
		p->id_len = row->len[id] < sizeof p->id ? row->len[id] : sizeof p->id;
		memcpy(p->id, row->field[id], p->id_len);
	}
	return 1;
}

/* " (record 006A1)" when the export has an id column, else "". */
static void format_record_id(const struct problem *p, char *buf, size_t size)
{
	buf[0] = '\0';
	if (p->id_len) {
		char shown[256] = "";
		diag_quote_value(shown, sizeof shown, p->id, p->id_len);
		snprintf(buf, size, " (record %s)", shown);
	}
}

/* "COLUMN: message ("value") (record ID)": the part after FILE:LINE. */
static void format_problem_text(const struct problem *p, char *buf, size_t size)
{
	char shown[512] = "", record[300];
	if (p->has_value)
		diag_quote_value(shown, sizeof shown, p->value, p->value_len);
	format_record_id(p, record, sizeof record);
	snprintf(buf, size, "%s%s%s%s%s%s%s%s", p->column ? p->column : "", p->column ? ": " : "",
		 p->message, p->detail, p->has_value ? " (\"" : "", shown, p->has_value ? "\")" : "",
		 record);
}

static void format_problem(const struct problem *p, uint64_t line, char *buf, size_t size)
{
	char text[1024];
	format_problem_text(p, text, sizeof text);
	int n = snprintf(buf, size, "line %llu: ", (unsigned long long)line);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s", text);
}

static void report_problem(const struct job *job, const struct problem *p, uint64_t line)
{
	char text[1024];
	format_problem_text(p, text, sizeof text);
	fprintf(stderr, "%s: %s:%llu: %s\n", diag_program(), job->file, (unsigned long long)line, text);
}

/* Writes a bad row to the reject file: its fields, padded to the header, and the reason.
 * Fields past the header's count are listed in the reason so nothing is lost. */
static void write_reject(struct chunk_state *cs, const struct row *row)
{
	const struct job *job = cs->job;
	struct output *o = job->reject;
	char reason[1200];
	size_t ncols = job->header->count;
	format_problem(&cs->problem, row->line, reason, sizeof reason);
	reject_write_row(o, row, ncols, reason);
}

/* Called for a bad row: in --reject mode it is written and the run goes on. */
static int reject_or_stop(struct chunk_state *cs, const struct row *row)
{
	if (!cs->job->reject)
		return 1;
	write_reject(cs, row);
	cs->tally.rejected++;
	return 0;
}

static int field_count_problem(struct chunk_state *cs, const struct row *row)
{
	bad_row(cs, row, -1, "wrong number of fields");
	snprintf(cs->problem.detail, sizeof cs->problem.detail, ": expected %zu, found %zu",
		 cs->job->header->count, row->count);
	return reject_or_stop(cs, row);
}

/* ---- grouping ---- */

/* The key of a group: the period, the owner's level, the metric (actuals input), then
 * the owner's bytes. The level keeps a team apart from a rep of the same name. */
#define GROUP_KEY_HEAD (PERIOD_KEY_SIZE + 1)

static size_t make_group_key(char **buf, size_t *cap, struct period p, enum level level, const char *owner,
			     size_t owner_len, const char *metric)
{
	size_t metric_len = metric ? strlen(metric) + 1 : 0;
	size_t need = GROUP_KEY_HEAD + owner_len + metric_len;
	xgrow((void **)buf, cap, need, 1);
	period_to_key(p, (unsigned char *)*buf); /* no padding bytes in keys */
	(*buf)[PERIOD_KEY_SIZE] = (char)level;
	if (metric_len)
		memcpy(*buf + GROUP_KEY_HEAD, metric, metric_len);
	memcpy(*buf + GROUP_KEY_HEAD + metric_len, owner, owner_len);
	return need;
}

static const char *group_key(struct chunk_state *cs, struct period p, enum level level, const char *owner,
			     size_t owner_len, const char *metric, size_t *key_len)
{
	*key_len = make_group_key(&cs->key, &cs->key_cap, p, level, owner, owner_len, metric);
	return cs->key;
}

/* An owner a row counts for: the rep, or one of its groups. */
struct owner_ref {
	enum level level;
	const char *name;
	size_t len;
};

enum owner_problem { OWNERS_OK, OWNERS_NOT_IN_ROSTER, OWNERS_NO_GROUP };

/* The owners a rep's rows count for, one per level of the job. A rep with no group at a
 * level counts for none there, unless --level asked for that level alone. */
static enum owner_problem row_owners(const struct job *job, const char *rep, size_t rep_len,
				     struct owner_ref owners[LEVEL_COUNT], size_t *n)
{
	*n = 0;
	if (!job->roster) {
		owners[(*n)++] = (struct owner_ref){ LEVEL_REP, rep, rep_len };
		return OWNERS_OK;
	}
	const struct roster_rep *r = roster_find_rep(job->roster, rep, rep_len);
	if (!r)
		return OWNERS_NOT_IN_ROSTER;
	for (size_t i = 0; i < job->nlevels; i++) {
		enum level l = job->level[i];
		if (r->len[l] == 0) {
			if (job->opt->level_set)
				return OWNERS_NO_GROUP;
			continue;
		}
		owners[(*n)++] = (struct owner_ref){ l, r->name[l], r->len[l] };
	}
	return OWNERS_OK;
}

/* Checks the owner field of a row and finds its owners; nonzero if the row is bad. */
static int find_owners(struct chunk_state *cs, const struct row *row, long col, struct owner_ref owners[LEVEL_COUNT],
		       size_t *n)
{
	const struct job *job = cs->job;
	const char *rep = row->field[col];
	size_t len = row->len[col];
	if (len == 0)
		return bad_row(cs, row, col, "empty owner");
	if (memchr(rep, '\0', len))
		return bad_row(cs, row, col, "owner holds a NUL byte");
	switch (row_owners(job, rep, len, owners, n)) {
	case OWNERS_OK:
		return 0;
	case OWNERS_NOT_IN_ROSTER:
		return bad_row(cs, row, col, "not in the roster");
	case OWNERS_NO_GROUP:
		bad_row(cs, row, col, "has no group in the roster");
		snprintf(cs->problem.detail, sizeof cs->problem.detail, " at level %s", level_names[job->opt->level]);
		return 1;
	}
	return 0;
}

/* ---- goal sheets ---- */

/* The goal sheet, and what it asks of the reading: the calendars and levels to count
 * rows in, and which metrics each calendar needs (to regroup actuals input). */
struct goal_plan {
	struct goal_sheet sheet;
	struct calendar cal[MAX_CALENDARS];
	size_t ncal;
	bool level_used[LEVEL_COUNT];
	struct table *needs;   /* (calendar, metric) */
	uint64_t used;         /* goals reported */
};

static size_t calendar_index(struct goal_plan *g, struct period p)
{
	for (size_t k = 0; k < g->ncal; k++)
		if (g->cal[k].grain == (enum grain)p.grain && g->cal[k].fiscal_start == p.fiscal_start)
			return k;
	/* grains × (calendar, fiscal) for year, half and quarter: never more than MAX_CALENDARS */
	g->cal[g->ncal] = (struct calendar){ (enum grain)p.grain, p.fiscal_start };
	return g->ncal++;
}

static void note_need(struct goal_plan *g, size_t cal, const char *metric)
{
	size_t len = strlen(metric);
	char *key = xmalloc(len + 1);
	key[0] = (char)cal;
	memcpy(key + 1, metric, len);
	table_upsert(g->needs, key, len + 1, NULL);
	free(key);
}

/* Called by reader threads, and only for rows whose period straddles a goal's: a key of
 * their own. */
static bool goal_needs(const struct goal_plan *g, size_t cal, const char *metric)
{
	size_t len = strlen(metric);
	char *key = xmalloc(len + 1);
	key[0] = (char)cal;
	memcpy(key + 1, metric, len);
	bool needed = table_find(g->needs, key, len + 1) != NULL;
	free(key);
	return needed;
}

static void load_goals(const struct track_options *opt, const struct metric_set *ms, const struct roster *roster,
		       struct output *reject, struct goal_plan *g)
{
	memset(g, 0, sizeof *g);
	goal_sheet_init(&g->sheet);
	g->needs = table_new(1);
	struct goal_read_options o = { .fiscal_start = opt->fiscal_start, .metrics = &ms->catalog,
				       .roster = roster, .level_set = opt->level_set, .level = opt->level,
				       .reject = reject };
	goal_sheet_read(&g->sheet, opt->goals, &o);
	for (size_t i = 0; i < g->sheet.n; i++) {
		const struct goal *goal = &g->sheet.goal[i];
		size_t cal = calendar_index(g, goal->period);
		g->level_used[goal->level] = true;
		note_need(g, cal, goal->metric_name);
		if (goal->metric->builtin == M_COVERAGE) {
			note_need(g, cal, "won_revenue");
			note_need(g, cal, "pipeline");
		}
	}
}

static void free_goals(struct goal_plan *g)
{
	goal_sheet_free(&g->sheet);
	table_free(g->needs);
}

/* The goal of that owner (at that level), period and metric, or NULL. */
static const struct goal *find_goal(struct goal_plan *g, struct period p, enum level level, const char *owner,
				    size_t owner_len, const char *metric)
{
	const struct goal *goal = goal_sheet_find(&g->sheet, owner, owner_len, p, metric);
	return goal && goal->level == level ? goal : NULL;
}

/* ---- holidays ---- */

struct holiday_reader {
	spm_day *day;
	size_t n, cap;
	long col;
	struct file_problem problem;
};

static int holiday_row(void *ctx, const struct row *row)
{
	struct holiday_reader *hr = ctx;
	spm_day d;
	if (row->count <= (size_t)hr->col)
		return file_problem_at(&hr->problem, row, NULL, NULL, "too few fields");
	const char *text = row->field[hr->col];
	if (!date_parse_iso(text, row->len[hr->col], &d))
		return file_problem_at(&hr->problem, row, "date", text, "not a date (YYYY-MM-DD)");
	xgrow((void **)&hr->day, &hr->cap, hr->n + 1, sizeof *hr->day);
	hr->day[hr->n++] = d;
	return 0;
}

static int compare_days(const void *a, const void *b)
{
	spm_day x = *(const spm_day *)a, y = *(const spm_day *)b;
	return (x > y) - (x < y);
}

/* The days of a holidays file, sorted, each once. */
static spm_day *load_holidays(const char *path, size_t *n)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	struct holiday_reader hr = { NULL, 0, 0, header_find(source_header(src), "date"), { 0 } };
	if (hr.col < 0) {
		diag_at(path, 1, NULL, NULL, 0, "a holidays file needs a column 'date'");
		diag_exit(SPM_EXIT_DATA);
	}
	read_side_file(src, path, holiday_row, &hr, &hr.problem);
	qsort(hr.day, hr.n, sizeof *hr.day, compare_days);
	size_t kept = 0;
	for (size_t i = 0; i < hr.n; i++)
		if (kept == 0 || hr.day[kept - 1] != hr.day[i])
			hr.day[kept++] = hr.day[i];
	*n = kept;
	return hr.day;
}

/* ---- reading exports ---- */

static bool condition_holds(const struct condition *c, const struct row *row)
{
	const char *v = row->field[c->index];
	size_t len = row->len[c->index];
	bool equal = len == strlen(c->value) && memcmp(v, c->value, len) == 0;
	return equal != c->negate;
}

static bool add_or_fail(decimal *acc, decimal v)
{
	return decimal_add(*acc, v, acc);
}

static int sum_overflow(const char *what)
{
	diag_fatal(SPM_EXIT_DATA, "%s: sum too large for exact arithmetic", what);
}

/* Reads the row's values of the custom metrics once; nonzero if one is bad. */
static int read_custom(struct chunk_state *cs, const struct row *row)
{
	const struct job *job = cs->job;
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		struct custom_value *v = &cs->custom[m->slot];
		memset(v, 0, sizeof *v);
		v->match = true;
		for (size_t k = 0; k < m->nwhere && v->match; k++)
			v->match = condition_holds(&m->where[k], row);
		if (!v->match || m->agg == AGG_COUNT)
			continue;
		v->raw = row->field[m->index];
		v->raw_len = row->len[m->index];
		if (v->raw_len == 0 || m->agg == AGG_DISTINCT) {
			v->has_value = v->raw_len != 0; /* empty values are not counted, as in SQL */
			continue;
		}
		enum decimal_status st = decimal_parse(v->raw, v->raw_len, job->opt->style, &v->value);
		if (st != DECIMAL_OK)
			return bad_row(cs, row, m->index, decimal_strerror(st));
		v->has_value = true;
	}
	return 0;
}

/* Adds the row's custom values (read_custom) to one group. */
static void add_custom(struct chunk_state *cs, struct deal_totals *t, const char *group, size_t group_len)
{
	const struct job *job = cs->job;
	struct custom_totals *ct = (struct custom_totals *)(t + 1);
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		const struct custom_value *v = &cs->custom[m->slot];
		struct custom_totals *c = &ct[m->slot];
		if (!v->match)
			continue;
		if (m->agg == AGG_COUNT) {
			c->count++;
			continue;
		}
		if (!v->has_value)
			continue;
		if (m->agg == AGG_DISTINCT) {
			/* The set of values, not a count: chunks and files may share values, so
			 * counts are taken once all sets are merged (count_distinct). */
			size_t klen = 2 * sizeof(size_t) + group_len + v->raw_len;
			xgrow((void **)&cs->distinct_key, &cs->distinct_key_cap, klen, 1);
			char *key = cs->distinct_key;
			memcpy(key, &m->slot, sizeof(size_t));
			memcpy(key + sizeof(size_t), &group_len, sizeof(size_t));
			memcpy(key + 2 * sizeof(size_t), group, group_len);
			memcpy(key + 2 * sizeof(size_t) + group_len, v->raw, v->raw_len);
			table_upsert(cs->distinct, key, klen, NULL);
			continue;
		}
		if (c->count == 0 || decimal_cmp(v->value, c->min) < 0)
			c->min = v->value;
		if (c->count == 0 || decimal_cmp(v->value, c->max) > 0)
			c->max = v->value;
		if (!add_or_fail(&c->sum, v->value))
			sum_overflow(m->name);
		c->count++;
	}
}

/* What one deal row adds to each of its groups. */
struct deal_row {
	enum deal_state state;
	decimal amount;
	bool has_amount;
	int64_t cycle;
	bool pipeline_only; /* an open deal closing after --as-of: its forecast counts, nothing else */
};

static void add_deal(struct chunk_state *cs, const struct deal_row *d, struct deal_totals *t, const char *key,
		     size_t key_len)
{
	if (cs->job->metrics->ncustom && !d->pipeline_only)
		add_custom(cs, t, key, key_len);
	switch (d->state) {
	case DEAL_WON:
		t->won_deals++;
		if (d->has_amount && !add_or_fail(&t->won_revenue, d->amount))
			sum_overflow("won_revenue");
		t->cycle_days += d->cycle;
		t->cycle_deals++;
		break;
	case DEAL_LOST:
		t->lost_deals++;
		break;
	case DEAL_OPEN:
		if (d->has_amount && !add_or_fail(&t->pipeline, d->amount))
			sum_overflow("pipeline");
		break;
	}
}

static int export_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	const struct metric_set *ms = job->metrics;
	const long *col = job->col;
	struct owner_ref owners[LEVEL_COUNT];
	size_t nowners;
	struct deal_row d = { DEAL_OPEN, decimal_zero(), false, 0, false };
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);
	if (find_owners(cs, row, col[COL_REP], owners, &nowners))
		return reject_or_stop(cs, row);

	if (ms->needs[COL_STAGE]) {
		const char *stage = row->field[col[COL_STAGE]];
		size_t len = row->len[col[COL_STAGE]];
		if (len == 0) {
			bad_row(cs, row, col[COL_STAGE], "empty stage");
			return reject_or_stop(cs, row);
		}
		if (stage_in(job->won, job->won_len, job->nwon, stage, len))
			d.state = DEAL_WON;
		else if (stage_in(job->lost, job->lost_len, job->nlost, stage, len))
			d.state = DEAL_LOST;
	}

	spm_day close;
	if (row->len[col[COL_DATE]] == 0) {
		if (ms->needs[COL_STAGE] && d.state == DEAL_OPEN) {
			cs->tally.used++;
			cs->tally.open_undated++; /* an open deal with no close date: in no period */
			return 0;
		}
		bad_row(cs, row, col[COL_DATE], d.state == DEAL_OPEN ? "empty date" : "closed deal without a close date");
		return reject_or_stop(cs, row);
	}
	if (!parse_date(job->opt, row->field[col[COL_DATE]], row->len[col[COL_DATE]], &close)) {
		bad_row(cs, row, col[COL_DATE], job->opt->date_format ? "not a date in the --date-format layout"
								      : "not a date (YYYY-MM-DD; see --date-format)");
		return reject_or_stop(cs, row);
	}

	if (ms->needs[COL_AMOUNT] && d.state != DEAL_LOST) {
		const char *a = row->field[col[COL_AMOUNT]];
		size_t len = row->len[col[COL_AMOUNT]];
		enum decimal_status st = decimal_parse(a, len, job->opt->style, &d.amount);
		if (st == DECIMAL_OK) {
			d.has_amount = true;
		} else if (!(st == DECIMAL_EMPTY && d.state == DEAL_OPEN)) {
			bad_row(cs, row, col[COL_AMOUNT], st == DECIMAL_EMPTY ? "won deal without an amount"
									     : decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
	}

	if (ms->needs[COL_CREATED] && d.state == DEAL_WON) {
		spm_day created;
		const char *c = row->field[col[COL_CREATED]];
		size_t len = row->len[col[COL_CREATED]];
		if (len == 0) {
			bad_row(cs, row, col[COL_CREATED], "won deal without a created date");
			return reject_or_stop(cs, row);
		}
		if (!parse_date(job->opt, c, len, &created)) {
			bad_row(cs, row, col[COL_CREATED], "not a date");
			return reject_or_stop(cs, row);
		}
		if (created > close) {
			bad_row(cs, row, col[COL_CREATED], "created after the close date");
			return reject_or_stop(cs, row);
		}
		d.cycle = close - created;
	}

	if (job->range.limited && (close < job->range.lo || close >= job->range.hi)) {
		cs->tally.used++;
		cs->tally.outside++;
		return 0;
	}
	if (job->span.limited && (close < job->span.lo || close >= job->span.hi)) {
		cs->tally.used++;
		cs->tally.unneeded++;
		return 0;
	}
	if (job->goals && close > job->opt->as_of) {
		/* Not yet happened on the as-of date, except an open deal: its close date is a
		 * forecast, and its amount is pipeline whatever the day. */
		if (!(ms->needs[COL_STAGE] && d.state == DEAL_OPEN)) {
			cs->tally.used++;
			cs->tally.after_as_of++;
			return 0;
		}
		d.pipeline_only = true;
	}
	if (ms->ncustom && !d.pipeline_only && read_custom(cs, row))
		return reject_or_stop(cs, row);

	const struct period *periods = cached_periods(cs, close);
	for (size_t o = 0; o < nowners; o++) {
		for (size_t k = 0; k < job->ncal; k++) {
			size_t key_len;
			const char *key = group_key(cs, periods[k], owners[o].level, owners[o].name, owners[o].len,
						    NULL, &key_len);
			add_deal(cs, &d, table_upsert(cs->groups, key, key_len, NULL), key, key_len);
		}
	}
	cs->tally.used++;
	return 0;
}

/* ---- reading actuals ---- */


static bool metric_is_selected(const struct metric_set *ms, const char *name)
{
	for (size_t i = 0; i < ms->nselected; i++)
		if (strcmp(ms->selected[i]->name, name) == 0)
			return true;
	return false;
}

/* One actuals row's value: plain, or a ratio's numerator and denominator. */
struct actual_row {
	decimal value, num, den;
	bool has_value, has_parts;
	const struct metric *known; /* NULL: a metric this run does not define */
};

static void add_actual(const struct actual_row *a, struct actual_totals *t, const char *metric)
{
	t->has_parts = a->has_parts;
	if (!a->has_value && !a->has_parts) {
		/* an empty value: no value for this group (a min of no rows), nothing to add */
	} else if (a->has_parts) {
		if (!add_or_fail(&t->numerator, a->num) || !add_or_fail(&t->denominator, a->den))
			sum_overflow(metric);
	} else if (a->known && a->known->agg == AGG_MIN) {
		if (!t->has_value || decimal_cmp(a->value, t->value) < 0)
			t->value = a->value;
	} else if (a->known && a->known->agg == AGG_MAX) {
		if (!t->has_value || decimal_cmp(a->value, t->value) > 0)
			t->value = a->value;
	} else if (!add_or_fail(&t->value, a->value)) {
		sum_overflow(metric);
	}
	t->has_value |= a->has_value || a->has_parts;
}

static bool goal_needs(const struct goal_plan *g, size_t cal, const char *metric);

/* The period of calendar k that an actuals row counts in; nonzero if the row is bad. */
static int actual_period(struct chunk_state *cs, const struct row *row, struct period p, size_t k,
			 struct period *out, bool *skip)
{
	const struct job *job = cs->job;
	*skip = false;
	*out = p;
	if (!job->regroup)
		return 0;
	struct period q = period_of(p.start, job->cal[k].grain, job->cal[k].fiscal_start);
	if (period_end(p) > period_end(q) || p.start < q.start) {
		/* a coarser or straddling period: fine unless a goal needs it at this grain */
		if (job->goals && !goal_needs(job->goals, k, row->field[2])) {
			*skip = true;
			return 0;
		}
		bad_row(cs, row, 1, job->goals ? "period does not fit in one period of a goal of this metric"
					       : "period does not fit in one period of --grain");
		return 1;
	}
	*out = q;
	return 0;
}

/* Selected, or read to measure coverage. */
static bool metric_is_read(const struct metric_set *ms, const char *name)
{
	return metric_is_selected(ms, name) ||
	       (ms->coverage && (strcmp(name, "won_revenue") == 0 || strcmp(name, "pipeline") == 0));
}

static int actuals_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	struct owner_ref owners[LEVEL_COUNT];
	size_t nowners;
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);
	const char *metric = row->field[2];
	if (find_owners(cs, row, 0, owners, &nowners))
		return reject_or_stop(cs, row);
	struct period p;
	if (!period_parse(row->field[1], row->len[1], job->opt->fiscal_start, &p)) {
		bad_row(cs, row, 1, row->field[1][0] == 'F' ? "not a period label (FY labels need --fiscal-start)"
							    : "not a period label");
		return reject_or_stop(cs, row);
	}
	if (!is_metric_name(metric) || strlen(metric) != row->len[2]) {
		bad_row(cs, row, 2, "not a metric name");
		return reject_or_stop(cs, row);
	}
	if ((job->opt->metrics || job->goals) && !metric_is_read(job->metrics, metric)) {
		cs->tally.used++;
		return 0;
	}
	struct actual_row a = { decimal_zero(), decimal_zero(), decimal_zero(), false, false, NULL };
	a.known = find_metric(job->metrics, metric);
	enum decimal_status st = decimal_parse(row->field[3], row->len[3], DECIMAL_POINT, &a.value);
	a.has_value = st == DECIMAL_OK;
	if (st != DECIMAL_OK && st != DECIMAL_EMPTY) {
		bad_row(cs, row, 3, decimal_strerror(st));
		return reject_or_stop(cs, row);
	}
	if (job->col_num >= 0 && job->col_den >= 0 &&
	    (row->len[job->col_num] || row->len[job->col_den])) {
		long bad = -1;
		if ((st = decimal_parse(row->field[job->col_num], row->len[job->col_num], DECIMAL_POINT, &a.num)))
			bad = job->col_num;
		else if ((st = decimal_parse(row->field[job->col_den], row->len[job->col_den], DECIMAL_POINT, &a.den)))
			bad = job->col_den;
		if (bad >= 0) {
			bad_row(cs, row, bad, decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
		a.has_parts = true;
	}
	if (a.known && a.known->ratio && !a.has_parts) {
		bad_row(cs, row, 2, "a ratio needs its numerator and denominator to be merged");
		return reject_or_stop(cs, row);
	}
	if (a.known && a.known->agg == AGG_DISTINCT) {
		bad_row(cs, row, 2, "distinct counts cannot be merged from actuals");
		return reject_or_stop(cs, row);
	}
	/* pipeline is a forecast, as for open deals in an export: kept whatever its period */
	if (job->goals && p.start > job->opt->as_of && strcmp(metric, "pipeline") != 0) {
		cs->tally.used++;
		cs->tally.after_as_of++;
		return 0;
	}
	/* Every group this row feeds, checked before any is changed, so that a rejected
	 * row leaves no trace. */
	struct period periods[MAX_CALENDARS];
	bool skip[MAX_CALENDARS];
	size_t counted = 0;
	bool outside = false;
	for (size_t k = 0; k < job->ncal; k++) {
		if (actual_period(cs, row, p, k, &periods[k], &skip[k]))
			return reject_or_stop(cs, row);
		if (skip[k])
			continue;
		if (job->range.limited) {
			spm_day end = period_end(periods[k]);
			if (end <= job->range.lo || periods[k].start >= job->range.hi) {
				skip[k] = outside = true;
				continue;
			}
			if (periods[k].start < job->range.lo || end > job->range.hi) {
				bad_row(cs, row, 1, "period is only partly inside --from/--to/--period");
				return reject_or_stop(cs, row);
			}
		}
		for (size_t o = 0; o < nowners; o++) {
			size_t key_len;
			const char *key = group_key(cs, periods[k], owners[o].level, owners[o].name, owners[o].len,
						    metric, &key_len);
			const struct actual_totals *t = table_find(cs->groups, key, key_len);
			if (t && t->has_parts != a.has_parts) {
				bad_row(cs, row, 2, "rows of this metric mix plain values and numerator/denominator");
				return reject_or_stop(cs, row);
			}
		}
		counted++;
	}
	if (counted == 0 && outside)
		cs->tally.outside++;
	for (size_t k = 0; k < job->ncal; k++) {
		if (skip[k])
			continue;
		for (size_t o = 0; o < nowners; o++) {
			size_t key_len;
			const char *key = group_key(cs, periods[k], owners[o].level, owners[o].name, owners[o].len,
						    metric, &key_len);
			add_actual(&a, table_upsert(cs->groups, key, key_len, NULL), metric);
		}
	}
	cs->tally.used++;
	return 0;
}

/* ---- chunk accumulators ---- */

static size_t totals_size(const struct job *job)
{
	if (job->kind == INPUT_ACTUALS)
		return sizeof(struct actual_totals);
	return sizeof(struct deal_totals) + job->metrics->ncustom * sizeof(struct custom_totals);
}

static void chunk_state_init(struct chunk_state *cs, const struct job *job)
{
	memset(cs, 0, sizeof *cs);
	cs->job = job;
	cs->groups = table_new(totals_size(job));
	cs->distinct = table_new(1);
	cs->periods = xcalloc(1, sizeof *cs->periods);
	cs->custom = xcalloc(job->metrics->ncustom + 1, sizeof *cs->custom);
}

static void chunk_state_free(struct chunk_state *cs)
{
	table_free(cs->groups);
	table_free(cs->distinct);
	free(cs->key);
	free(cs->distinct_key);
	free(cs->periods);
	free(cs->custom);
}

static void merge_custom(const struct metric_set *ms, struct custom_totals *into,
			 const struct custom_totals *from)
{
	for (size_t i = 0; i < ms->nselected; i++) {
		const struct metric *m = ms->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		struct custom_totals *a = &into[m->slot];
		const struct custom_totals *b = &from[m->slot];
		if (b->count == 0)
			continue;
		if (a->count == 0 || decimal_cmp(b->min, a->min) < 0)
			a->min = b->min;
		if (a->count == 0 || decimal_cmp(b->max, a->max) > 0)
			a->max = b->max;
		if (!add_or_fail(&a->sum, b->sum))
			sum_overflow(m->name);
		a->count += b->count;
	}
}

static void merge_deals(const struct job *job, struct deal_totals *a, const struct deal_totals *b)
{
	if (!add_or_fail(&a->won_revenue, b->won_revenue))
		sum_overflow("won_revenue");
	if (!add_or_fail(&a->pipeline, b->pipeline))
		sum_overflow("pipeline");
	a->won_deals += b->won_deals;
	a->lost_deals += b->lost_deals;
	a->cycle_days += b->cycle_days;
	a->cycle_deals += b->cycle_deals;
	merge_custom(job->metrics, (struct custom_totals *)(a + 1), (const struct custom_totals *)(b + 1));
}

/* Merges the totals of one owner, period and metric read from two chunks or files. */
static void merge_actuals(const struct job *job, struct actual_totals *a, const struct actual_totals *b,
			  bool created, const char *key)
{
	const char *metric = key + GROUP_KEY_HEAD;
	const struct metric *m = find_metric(job->metrics, metric);
	if (created) {
		*a = *b;
		return;
	}
	if (a->has_parts != b->has_parts)
		diag_fatal(SPM_EXIT_DATA, "%s: metric %s mixes plain values and numerator/denominator across inputs",
			   job->file, metric);
	if (m && (m->agg == AGG_MIN || m->agg == AGG_MAX) && !a->has_parts) {
		int c = decimal_cmp(b->value, a->value);
		if (b->has_value && (!a->has_value || (m->agg == AGG_MIN && c < 0) || (m->agg == AGG_MAX && c > 0)))
			a->value = b->value;
		a->has_value |= b->has_value;
		return;
	}
	if (!add_or_fail(&a->value, b->value) || !add_or_fail(&a->numerator, b->numerator) ||
	    !add_or_fail(&a->denominator, b->denominator))
		sum_overflow(metric);
	a->has_value |= b->has_value;
}

/* Adds the groups of `from` into `into` (same job, same kind). */
static void merge_state(struct chunk_state *into, const struct chunk_state *from)
{
	const struct job *job = into->job;
	for (size_t i = 0; i < table_count(from->groups); i++) {
		size_t len;
		const void *key = table_key(from->groups, i, &len);
		bool created;
		void *dst = table_upsert(into->groups, key, len, &created);
		if (job->kind == INPUT_EXPORT)
			merge_deals(job, dst, table_value(from->groups, i));
		else
			merge_actuals(job, dst, table_value(from->groups, i), created, key);
	}
	for (size_t i = 0; i < table_count(from->distinct); i++) {
		size_t len;
		const void *key = table_key(from->distinct, i, &len);
		table_upsert(into->distinct, key, len, NULL);
	}
	into->tally.read += from->tally.read;
	into->tally.used += from->tally.used;
	into->tally.rejected += from->tally.rejected;
	into->tally.open_undated += from->tally.open_undated;
	into->tally.outside += from->tally.outside;
	into->tally.unneeded += from->tally.unneeded;
	into->tally.after_as_of += from->tally.after_as_of;
}

/* Counts the distinct values of each group once every chunk and file is merged. */
static void count_distinct(struct chunk_state *all)
{
	for (size_t i = 0; i < table_count(all->distinct); i++) {
		size_t len, slot, group_len;
		const char *key = table_key(all->distinct, i, &len);
		memcpy(&slot, key, sizeof slot);
		memcpy(&group_len, key + sizeof slot, sizeof group_len);
		struct deal_totals *t = table_find(all->groups, key + 2 * sizeof(size_t), group_len);
		if (t)
			((struct custom_totals *)(t + 1))[slot].count++;
	}
}

/* ---- output ---- */

struct out_row {
	const char *owner;
	size_t owner_len;
	char period[PERIOD_LABEL_SIZE];
	const char *metric;
	char value[DECIMAL_BUFSIZE];
	char numerator[DECIMAL_BUFSIZE];
	char denominator[DECIMAL_BUFSIZE];
};

/* value = num ÷ den at the metric's decimals; empty when den is zero. */
static void format_ratio(const struct metric *m, decimal num, decimal den, struct out_row *r)
{
	decimal q;
	decimal_format(num, -1, r->numerator, sizeof r->numerator);
	decimal_format(den, -1, r->denominator, sizeof r->denominator);
	if (decimal_is_zero(den))
		r->value[0] = '\0';
	else if (!decimal_div(num, den, m->places, ROUND_HALF_AWAY, &q))
		sum_overflow(m->name);
	else
		decimal_format(q, m->places, r->value, sizeof r->value);
}

static void fill_deal_metric(const struct metric *m, const struct deal_totals *t, struct out_row *r)
{
	const struct custom_totals *ct = (const struct custom_totals *)(t + 1);
	r->numerator[0] = r->denominator[0] = '\0';
	switch (m->builtin) {
	case M_WON_REVENUE: decimal_format(t->won_revenue, 2, r->value, sizeof r->value); return;
	case M_PIPELINE: decimal_format(t->pipeline, 2, r->value, sizeof r->value); return;
	case M_WON_DEALS: snprintf(r->value, sizeof r->value, "%lld", (long long)t->won_deals); return;
	case M_LOST_DEALS: snprintf(r->value, sizeof r->value, "%lld", (long long)t->lost_deals); return;
	case M_WIN_RATE:
		format_ratio(m, decimal_from_int(t->won_deals), decimal_from_int(t->won_deals + t->lost_deals), r);
		return;
	case M_AVG_DEAL: format_ratio(m, t->won_revenue, decimal_from_int(t->won_deals), r); return;
	case M_CYCLE_DAYS:
		format_ratio(m, decimal_from_int(t->cycle_days), decimal_from_int(t->cycle_deals), r);
		return;
	case M_COVERAGE: r->value[0] = '\0'; return; /* needs goals: never in actuals */
	case M_BUILTIN_COUNT: break;
	}
	const struct custom_totals *c = &ct[m->slot];
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_DISTINCT: snprintf(r->value, sizeof r->value, "%lld", (long long)c->count); break;
	case AGG_SUM: decimal_format(c->sum, m->places, r->value, sizeof r->value); break;
	case AGG_AVG: format_ratio(m, c->sum, decimal_from_int(c->count), r); break;
	case AGG_MIN:
	case AGG_MAX:
		if (c->count == 0)
			r->value[0] = '\0';
		else
			decimal_format(m->agg == AGG_MIN ? c->min : c->max, m->places, r->value, sizeof r->value);
		break;
	}
}

static void write_out_row(struct output *o, const struct out_row *r, bool parts)
{
	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->period);
	output_tab(o);
	output_str(o, r->metric);
	output_tab(o);
	output_str(o, r->value);
	if (parts) {
		output_tab(o);
		output_str(o, r->numerator);
		output_tab(o);
		output_str(o, r->denominator);
	}
	output_newline(o);
}

static void split_key(const char *key, size_t len, bool with_metric, struct out_row *r)
{
	struct period p;
	p = period_from_key((const unsigned char *)key);
	period_format(p, r->period);
	key += GROUP_KEY_HEAD;
	len -= GROUP_KEY_HEAD;
	r->metric = NULL;
	if (with_metric) {
		r->metric = key;
		size_t mlen = strlen(key) + 1;
		key += mlen;
		len -= mlen;
	}
	r->owner = key;
	r->owner_len = len;
}

/* A group in the output order. Values are formatted one row at a time when written,
 * so the memory for output stays small beside the groups themselves. */
struct group_ref {
	const char *owner;
	size_t owner_len;
	const char *metric; /* actuals input: the group's metric */
	char period[PERIOD_LABEL_SIZE];
	size_t index;
};

static int compare_refs(const void *pa, const void *pb)
{
	const struct group_ref *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if ((c = strcmp(a->period, b->period)))
		return c;
	return a->metric && b->metric ? strcmp(a->metric, b->metric) : 0;
}

static int compare_metric_names(const void *pa, const void *pb)
{
	const struct metric *const *a = pa, *const *b = pb;
	return strcmp((*a)->name, (*b)->name);
}

static void fill_actual(const struct metric_set *ms, const struct actual_totals *t, struct out_row *r)
{
	const struct metric *m = find_metric(ms, r->metric);
	r->numerator[0] = r->denominator[0] = r->value[0] = '\0';
	if (t->has_parts) {
		struct metric fallback = { .name = (char *)r->metric, .places = 4 };
		format_ratio(m ? m : &fallback, t->numerator, t->denominator, r);
	} else if (t->has_value) {
		decimal_format(t->value, m ? m->places : -1, r->value, sizeof r->value);
	}
}

static void emit_actuals(struct output *o, const struct job *job, const struct chunk_state *all)
{
	const struct metric_set *ms = job->metrics;
	size_t n = table_count(all->groups);
	bool with_metric = job->kind == INPUT_ACTUALS;
	bool parts = with_metric ? false : ms->any_ratio;
	struct group_ref *refs = xcalloc(n + 1, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *key = table_key(all->groups, i, &len);
		struct out_row r;
		split_key(key, len, with_metric, &r);
		refs[i].owner = r.owner;
		refs[i].owner_len = r.owner_len;
		refs[i].metric = r.metric;
		memcpy(refs[i].period, r.period, sizeof r.period);
		refs[i].index = i;
		if (with_metric && ((const struct actual_totals *)table_value(all->groups, i))->has_parts)
			parts = true;
	}
	qsort(refs, n, sizeof *refs, compare_refs);
	struct metric **metrics = xcalloc(ms->nselected + 1, sizeof *metrics);
	memcpy(metrics, ms->selected, ms->nselected * sizeof *metrics);
	qsort(metrics, ms->nselected, sizeof *metrics, compare_metric_names);

	output_str(o, parts ? "owner\tperiod\tmetric\tvalue\tnumerator\tdenominator\n"
			    : "owner\tperiod\tmetric\tvalue\n");
	for (size_t i = 0; i < n; i++) {
		struct out_row r;
		r.owner = refs[i].owner;
		r.owner_len = refs[i].owner_len;
		memcpy(r.period, refs[i].period, sizeof r.period);
		const void *totals = table_value(all->groups, refs[i].index);
		if (with_metric) {
			r.metric = refs[i].metric;
			fill_actual(ms, totals, &r);
			write_out_row(o, &r, parts);
			continue;
		}
		for (size_t k = 0; k < ms->nselected; k++) {
			r.metric = metrics[k]->name;
			fill_deal_metric(metrics[k], totals, &r);
			write_out_row(o, &r, parts);
		}
	}
	free(metrics);
	free(refs);
}

/* ---- progress against goals ---- */

/* A row of the progress output: a goal, or with --all an actual that has none. */
struct progress_ref {
	const char *owner;
	size_t owner_len;
	enum level level;
	struct period period;
	char label[PERIOD_LABEL_SIZE];
	const struct metric *metric;
	const struct goal *goal; /* NULL: an actual with no goal */
};

static int compare_progress(const void *pa, const void *pb)
{
	const struct progress_ref *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if ((c = strcmp(a->label, b->label)))
		return c;
	if ((c = strcmp(a->metric->name, b->metric->name)))
		return c;
	return (a->level > b->level) - (a->level < b->level);
}

/* Finds groups of the merged totals by owner, period and metric. */
struct progress_job {
	const struct job *job;
	const struct chunk_state *all;
	struct work_calendar calendar;
	char *key;
	size_t key_cap;
};

static const void *group_totals(struct progress_job *pj, const struct progress_ref *r, const char *metric)
{
	bool actuals = pj->job->kind == INPUT_ACTUALS;
	size_t len = make_group_key(&pj->key, &pj->key_cap, r->period, r->level, r->owner, r->owner_len,
				    actuals ? metric : NULL);
	return table_find(pj->all->groups, pj->key, len);
}

/* Sums and counts are 0 where nothing happened; ratios, averages, min and max have no value. */
static bool zero_when_empty(const struct metric *m)
{
	return m->agg == AGG_SUM || m->agg == AGG_COUNT || m->agg == AGG_DISTINCT;
}

static struct fraction deal_fraction(const struct metric *m, const struct deal_totals *t)
{
	const struct custom_totals *c = &((const struct custom_totals *)(t + 1))[m->slot];
	switch (m->builtin) {
	case M_WON_REVENUE: return fraction_of(t->won_revenue);
	case M_PIPELINE: return fraction_of(t->pipeline);
	case M_WON_DEALS: return fraction_of(decimal_from_int(t->won_deals));
	case M_LOST_DEALS: return fraction_of(decimal_from_int(t->lost_deals));
	case M_WIN_RATE:
		return fraction_ratio(decimal_from_int(t->won_deals), decimal_from_int(t->won_deals + t->lost_deals));
	case M_AVG_DEAL: return fraction_ratio(t->won_revenue, decimal_from_int(t->won_deals));
	case M_CYCLE_DAYS: return fraction_ratio(decimal_from_int(t->cycle_days), decimal_from_int(t->cycle_deals));
	case M_COVERAGE: /* measured in actual_of, against the won_revenue goal */
	case M_BUILTIN_COUNT: break;
	}
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_DISTINCT: return fraction_of(decimal_from_int(c->count));
	case AGG_SUM: return fraction_of(c->sum);
	case AGG_AVG: return fraction_ratio(c->sum, decimal_from_int(c->count));
	case AGG_MIN: return c->count ? fraction_of(c->min) : fraction_ratio(decimal_zero(), decimal_zero());
	case AGG_MAX: return c->count ? fraction_of(c->max) : fraction_ratio(decimal_zero(), decimal_zero());
	}
	return fraction_ratio(decimal_zero(), decimal_zero());
}

static struct fraction metric_actual(struct progress_job *pj, const struct progress_ref *r, const struct metric *m)
{
	const struct fraction none = { 0, 0 };
	const void *t = group_totals(pj, r, m->name);
	if (pj->job->kind == INPUT_ACTUALS) {
		const struct actual_totals *a = t;
		if (a && a->has_parts)
			return fraction_ratio(a->numerator, a->denominator);
		if (a && a->has_value)
			return fraction_of(a->value);
		return zero_when_empty(m) ? fraction_of(decimal_zero()) : none;
	}
	if (t)
		return deal_fraction(m, t);
	return zero_when_empty(m) ? fraction_of(decimal_zero()) : none;
}

/* coverage = open pipeline ÷ what is left of the period's won_revenue goal; no value
 * without such a goal, or once it is reached (*reached: the coverage is unbounded). */
static struct fraction coverage_actual(struct progress_job *pj, const struct progress_ref *r, bool *reached)
{
	const struct fraction none = { 0, 0 };
	const struct metric_set *ms = pj->job->metrics;
	const struct goal *won_goal = find_goal(pj->job->goals, r->period, r->level, r->owner, r->owner_len,
						"won_revenue");
	if (!won_goal)
		return none;
	decimal won, pipeline, gap;
	if (!fraction_round(metric_actual(pj, r, find_metric(ms, "won_revenue")), DECIMAL_PLACES, &won) ||
	    !fraction_round(metric_actual(pj, r, find_metric(ms, "pipeline")), DECIMAL_PLACES, &pipeline))
		return none;
	if (!decimal_sub(won_goal->target, won, &gap))
		return none;
	if (decimal_sign(gap) <= 0) {
		*reached = true;
		return none;
	}
	return fraction_ratio(pipeline, gap);
}

static struct fraction actual_of(struct progress_job *pj, const struct progress_ref *r, bool *reached)
{
	*reached = false;
	if (r->metric->builtin == M_COVERAGE)
		return coverage_actual(pj, r, reached);
	return metric_actual(pj, r, r->metric);
}

/* Writes f with `places` decimals; with keep_exact, more when rounding would change it
 * (a target of 7.5 deals stays 7.5). places < 0: as exact as it is. Empty if undefined. */
static void write_quantity(struct output *o, struct fraction f, int places, bool keep_exact)
{
	char buf[DECIMAL_BUFSIZE];
	decimal d;
	if (!fraction_defined(f))
		return;
	if (!fraction_round(f, places < 0 || keep_exact ? DECIMAL_PLACES : places, &d))
		sum_overflow("progress");
	if (places >= 0 && keep_exact && decimal_cmp(decimal_round(d, places, ROUND_HALF_AWAY), d) != 0)
		places = -1;
	decimal_format(d, places, buf, sizeof buf);
	output_str(o, buf);
}

static void write_count(struct output *o, int64_t n)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)n);
	output_str(o, buf);
}

static void write_progress_row(struct output *o, struct progress_job *pj, const struct progress_ref *r)
{
	const struct metric *m = r->metric;
	const struct goal *g = r->goal;
	struct elapsed e = period_elapsed(r->period, pj->job->opt->as_of, &pj->calendar);
	bool reached;
	struct fraction actual = actual_of(pj, r, &reached);
	int quantity = m->places >= 2 ? m->places : 2; /* expected and projected are rarely whole */

	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->label);
	output_tab(o);
	output_str(o, m->name);
	output_tab(o);
	write_quantity(o, actual, m->places, false);
	if (!g) {
		output_str(o, "\t\t\t\t\t\t\t\t\t\t");
	} else {
		struct goal_measure gm = { actual, g->target, g->lower, m->cumulative, e };
		struct progress p;
		char weight[DECIMAL_BUFSIZE];
		if (!progress_compute(&gm, &pj->job->opt->thresholds, &p))
			sum_overflow(m->name);
		if (reached && e.started) { /* coverage of a made number: unbounded, so achieved */
			p.status = STATUS_ACHIEVED;
			p.gap = fraction_of(decimal_zero());
		}
		output_tab(o);
		write_quantity(o, fraction_of(g->target), m->places, true);
		output_tab(o);
		write_quantity(o, p.attainment, 4, false);
		output_tab(o);
		write_quantity(o, p.expected, quantity, false);
		output_tab(o);
		write_quantity(o, p.pace, 4, false);
		output_tab(o);
		write_quantity(o, p.projected, quantity, false);
		output_tab(o);
		write_quantity(o, p.gap, m->places, !m->ratio);
		output_tab(o);
		output_str(o, goal_status_name(p.status));
		output_tab(o);
		decimal_format(g->weight, -1, weight, sizeof weight);
		output_str(o, weight);
		output_tab(o);
		output_str(o, g->lower ? "lower" : "higher");
		output_tab(o);
	}
	write_count(o, e.done);
	output_tab(o);
	write_count(o, e.total - e.done);
	output_newline(o);
}

static bool period_in_range(const struct range *range, struct period p)
{
	return !range->limited || (p.start >= range->lo && period_end(p) <= range->hi);
}

/* Whether an --all row of this group names its owner unambiguously: with several
 * roster levels, a name is shown at the lowest level holding it, and not at all when
 * two levels hold it with different reps (counted, and said on stderr). */
static bool owner_shown_at(const struct job *job, const char *owner, size_t len, enum level level,
			   uint64_t *ambiguous)
{
	if (!job->roster || job->nlevels < 2)
		return true;
	bool allowed[LEVEL_COUNT] = { false };
	for (size_t k = 0; k < job->nlevels; k++)
		allowed[job->level[k]] = true;
	enum level found, other;
	switch (roster_level_of(job->roster, owner, len, allowed, &found, &other)) {
	case NAME_FOUND:
		return found == level;
	case NAME_AMBIGUOUS:
		(*ambiguous)++;
		return false;
	case NAME_UNKNOWN:
		break;
	}
	return true;
}

/* With --all: the actuals of every group that no goal covers. */
static void add_actuals_without_goals(struct progress_job *pj, struct progress_ref **refs, size_t *n,
				      size_t *cap)
{
	const struct job *job = pj->job;
	const struct table *groups = pj->all->groups;
	const struct metric_set *ms = job->metrics;
	uint64_t ambiguous = 0;
	for (size_t i = 0; i < table_count(groups); i++) {
		size_t len;
		const char *key = table_key(groups, i, &len);
		struct progress_ref r;
		memset(&r, 0, sizeof r);
		r.period = period_from_key((const unsigned char *)key);
		r.level = (enum level)key[PERIOD_KEY_SIZE];
		if (!period_in_range(&job->range, r.period))
			continue;
		period_format(r.period, r.label);
		const char *rest = key + GROUP_KEY_HEAD;
		size_t rest_len = len - GROUP_KEY_HEAD;
		const char *metric = NULL;
		if (job->kind == INPUT_ACTUALS) {
			metric = rest;
			size_t mlen = strlen(metric) + 1;
			rest += mlen;
			rest_len -= mlen;
		}
		r.owner = rest;
		r.owner_len = rest_len;
		if (!owner_shown_at(job, r.owner, r.owner_len, r.level, &ambiguous))
			continue;
		for (size_t k = 0; k < ms->nselected; k++) {
			const struct metric *m = ms->selected[k];
			if (metric && strcmp(metric, m->name) != 0)
				continue;
			if (find_goal(job->goals, r.period, r.level, r.owner, r.owner_len, m->name))
				continue;
			r.metric = m;
			xgrow((void **)refs, cap, *n + 1, sizeof **refs);
			(*refs)[(*n)++] = r;
		}
	}
	if (ambiguous)
		fprintf(stderr,
			"%s: --all: %llu group(s) left out: their owner names two roster levels with "
			"different reps (use --level)\n",
			diag_program(), (unsigned long long)ambiguous);
}

static void emit_progress(struct output *o, const struct job *job, const struct chunk_state *all,
			  const struct work_calendar *calendar)
{
	const struct goal_sheet *gs = &job->goals->sheet;
	struct progress_job pj = { job, all, *calendar, NULL, 0 };
	struct progress_ref *refs = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < gs->n; i++) {
		const struct goal *g = &gs->goal[i];
		if (!g->used)
			continue;
		xgrow((void **)&refs, &cap, n + 1, sizeof *refs);
		struct progress_ref *r = &refs[n++];
		*r = (struct progress_ref){ g->owner, g->owner_len, g->level, g->period, "", g->metric, g };
		period_format(g->period, r->label);
	}
	if (job->opt->all)
		add_actuals_without_goals(&pj, &refs, &n, &cap);
	if (n)
		qsort(refs, n, sizeof *refs, compare_progress);
	output_str(o, "owner\tperiod\tmetric\tactual\ttarget\tattainment\texpected\tpace\tprojected\tgap\tstatus\t"
		      "weight\tdirection\tdays_elapsed\tdays_left\n");
	for (size_t i = 0; i < n; i++)
		write_progress_row(o, &pj, &refs[i]);
	free(refs);
	free(pj.key);
}

/* ---- reading the inputs ---- */

static void resolve_export_columns(struct job *job, const struct mapping *map)
{
	const struct header *h = job->header;
	for (int c = 0; c < COL_COUNT; c++) {
		job->col[c] = -1;
		if (!job->metrics->needs[c] && c != COL_ID)
			continue;
		long i = header_find(h, map->column[c]);
		if (i == -2)
			diag_fatal(SPM_EXIT_DATA, "%s:1: column \"%s\" (%s) appears twice in the header",
				   job->file, map->column[c], column_names[c]);
		if (i < 0 && job->metrics->needs[c]) {
			char found[1024] = "";
			for (size_t k = 0; k < h->count; k++) {
				if (strlen(found) > sizeof found - 100) {
					strcat(found, ", ...");
					break;
				}
				if (k)
					strcat(found, ", ");
				diag_quote_value(found, sizeof found - 8, h->name[k], strlen(h->name[k]));
			}
			diag_fatal(SPM_EXIT_DATA,
				   "%s:1: no column \"%s\" for %s (use --map or --%s); the header has: %s",
				   job->file, map->column[c], column_names[c], column_names[c], found);
		}
		job->col[c] = i;
	}
}

/* A custom metric names a column of the export, or one of the canonical names. */
static long resolve_named_column(const struct job *job, const struct mapping *map, const char *name,
				 const char *metric)
{
	long i = header_find(job->header, name);
	if (i < 0) {
		enum column c = column_by_name(name);
		if (c != COL_COUNT)
			i = header_find(job->header, map->column[c]);
	}
	if (i < 0)
		diag_fatal(SPM_EXIT_DATA, "%s:1: no column \"%s\" for metric %s", job->file, name, metric);
	return i;
}

static void resolve_custom_columns(struct job *job, const struct mapping *map)
{
	struct metric_set *ms = job->metrics;
	for (size_t i = 0; i < ms->nselected; i++) {
		struct metric *m = ms->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		m->index = m->column ? resolve_named_column(job, map, m->column, m->name) : -1;
		for (size_t k = 0; k < m->nwhere; k++)
			m->where[k].index = resolve_named_column(job, map, m->where[k].column, m->name);
	}
}

static bool *wanted_columns(const struct job *job)
{
	bool *w = xcalloc(job->header->count + 1, sizeof *w);
	for (int c = 0; c < COL_COUNT; c++)
		if (job->col[c] >= 0)
			w[job->col[c]] = true;
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		if (m->index >= 0)
			w[m->index] = true;
		for (size_t k = 0; k < m->nwhere; k++)
			w[m->where[k].index] = true;
	}
	return w;
}

static bool is_actuals_header(const struct header *h)
{
	return h->count >= 4 && strcmp(h->name[0], "owner") == 0 && strcmp(h->name[1], "period") == 0 &&
	       strcmp(h->name[2], "metric") == 0 && strcmp(h->name[3], "value") == 0;
}

/* Reads one file into `all`; exits on the first bad row unless --reject. */
static void read_input(struct job *job, const struct mapping *map, const char *path,
		       struct header **first_header, struct chunk_state *all)
{
	struct source *src = source_open(path, job->opt->format);
	job->file = source_name(src);
	job->header = source_header(src);
	if (*first_header && !header_equal(*first_header, job->header))
		diag_fatal(SPM_EXIT_DATA, "%s:1: header differs from the first input's", job->file);
	enum input_kind kind = is_actuals_header(job->header) ? INPUT_ACTUALS : INPUT_EXPORT;
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
	} else {
		job->col_num = header_find(job->header, "numerator");
		job->col_den = header_find(job->header, "denominator");
	}
	/* Rejected rows are written in input order, so --reject reads with one thread. */
	size_t threads = job->reject ? 1 : job->opt->threads;
	size_t n = source_plan(src, threads);
	struct chunk_state *states = xcalloc(n, sizeof *states);
	struct scan_chunk *chunks = xcalloc(n, sizeof *chunks);
	for (size_t i = 0; i < n; i++) {
		chunk_state_init(&states[i], job);
		chunks[i].ctx = &states[i];
	}
	struct scan_options so = { wanted, job->reject != NULL, kind == INPUT_EXPORT ? export_row : actuals_row };
	if (job->meter)
		source_set_progress(src, meter_block, job->meter);
	source_scan(src, &so, chunks, n);
	meter_clear(job->meter); /* a diagnostic or the next file's line starts clean */
	for (size_t i = 0; i < n; i++) {
		if (!chunks[i].used)
			continue;
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
	}
	for (size_t i = 0; i < n; i++)
		chunk_state_free(&states[i]);
	free(states);
	free(chunks);
	free(wanted);
	if (!*first_header) {
		/* keep a copy of the header to compare the next files with */
		struct header *copy = xcalloc(1, sizeof *copy);
		copy->count = job->header->count;
		copy->name = xcalloc(copy->count + 1, sizeof *copy->name);
		for (size_t i = 0; i < copy->count; i++)
			copy->name[i] = xstrdup(job->header->name[i]);
		*first_header = copy;
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

static void print_summary(const struct tally *t)
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
	fputc('\n', stderr);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       S_ISREG(sa.st_mode);
}

/* Writing over an input, or two outputs into one file, would destroy data: refuse
 * before reading anything. */
static void check_output_paths(const struct track_options *opt, char **files, size_t nfiles)
{
	const char *outputs[3] = { opt->output, opt->reject, opt->reject_goals };
	const char *names[3] = { "--output", "--reject", "--reject-goals" };
	const char *side[4] = { opt->goals, opt->roster, opt->holidays, opt->metrics_file };
	for (int k = 0; k < 3; k++) {
		if (!outputs[k] || strcmp(outputs[k], "-") == 0)
			continue;
		for (size_t i = 0; i < nfiles + 4; i++) {
			const char *in = i < nfiles ? files[i] : side[i - nfiles];
			if (in && strcmp(in, "-") != 0 && same_file(in, outputs[k]))
				diag_usage("%s %s is also an input", names[k], outputs[k]);
		}
		for (int j = 0; j < k; j++)
			if (outputs[j] && strcmp(outputs[j], "-") != 0 && same_file(outputs[j], outputs[k]))
				diag_usage("%s and %s name the same file (\"%s\")", names[j], names[k], outputs[k]);
	}
}

static char **stage_list(const char *given, const char *fallback, size_t *n)
{
	return split_list(given ? given : fallback, ',', n);
}

/* The distinct metrics of the goal sheet, in order of appearance. */
static struct metric **goal_metrics(const struct goal_sheet *g, size_t *n)
{
	struct metric **list = xcalloc(g->n + 1, sizeof *list);
	*n = 0;
	for (size_t i = 0; i < g->n; i++) {
		size_t k = 0;
		while (k < *n && list[k] != g->goal[i].metric)
			k++;
		if (k == *n)
			list[(*n)++] = (struct metric *)g->goal[i].metric;
	}
	return list;
}

/* Goals within --metrics and the period range are reported; rows outside the span of
 * their periods cannot change them and are skipped early. */
static void choose_goals(struct job *job, struct goal_plan *plan)
{
	struct goal_sheet *g = &plan->sheet;
	bool any = false;
	for (size_t i = 0; i < g->n; i++) {
		struct goal *goal = &g->goal[i];
		goal->used = metric_is_selected(job->metrics, goal->metric->name) &&
			     period_in_range(&job->range, goal->period);
		if (!goal->used)
			continue;
		plan->used++;
		spm_day end = period_end(goal->period);
		if (!any || goal->period.start < job->span.lo)
			job->span.lo = goal->period.start;
		if (!any || end > job->span.hi)
			job->span.hi = end;
		any = true;
	}
	job->span.limited = any && !job->opt->all;
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

static void print_goal_summary(const struct goal_plan *g)
{
	fprintf(stderr, "%s: goals: %llu read, %llu reported, %llu rejected\n", diag_program(),
		(unsigned long long)g->sheet.read, (unsigned long long)g->used,
		(unsigned long long)g->sheet.rejected);
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
		roster_load(&roster, opt.roster, opt.level_set ? opt.level : LEVEL_COUNT);
		job.roster = &roster;
	}
	job.won = stage_list(opt.won, "Closed Won,Won,closedwon", &job.nwon);
	job.lost = stage_list(opt.lost, "Closed Lost,Lost,closedlost", &job.nlost);
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

	job.meter = meter_new(diag_program(), progress_mode(&opt), STDERR_FILENO, input_bytes(files, nfiles));
	for (size_t i = 0; i < nfiles; i++)
		read_input(&job, &map, files[i], &first_header, &all);
	meter_finish(job.meter);
	job.meter = NULL;
	if (job.kind == INPUT_EXPORT)
		count_distinct(&all);
	if (job.goals)
		emit_progress(&out, &job, &all, &calendar);
	else
		emit_actuals(&out, &job, &all);
	if (job.reject)
		output_close(job.reject);
	if (opt.goals && opt.reject_goals)
		output_close(&reject_goals);
	output_close(&out);
	if (!opt.quiet) {
		print_summary(&all.tally);
		if (job.goals)
			print_goal_summary(&goals);
	}

	chunk_state_free(&all);
	if (first_header) {
		for (size_t i = 0; i < first_header->count; i++)
			free(first_header->name[i]);
		free(first_header->name);
		free(first_header);
	}
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
	return SPM_EXIT_OK;
}
