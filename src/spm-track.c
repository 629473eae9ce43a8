/* spm-track: CRM exports (CSV/TSV) to actuals, one row per owner, period and metric.
 * Also reads its own actuals, so results of shards merge exactly. */
#include "decimal.h"
#include "diag.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "period.h"
#include "table.h"

#include <getopt.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

enum agg { AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_DISTINCT };

enum builtin {
	M_WON_REVENUE, M_WON_DEALS, M_LOST_DEALS, M_WIN_RATE, M_AVG_DEAL, M_CYCLE_DAYS, M_PIPELINE,
	M_BUILTIN_COUNT, M_CUSTOM = M_BUILTIN_COUNT
};

static const char *const builtin_names[M_BUILTIN_COUNT] = {
	"won_revenue", "won_deals", "lost_deals", "win_rate", "avg_deal", "cycle_days", "pipeline",
};

struct condition {
	char *column;
	char *value;
	bool negate;
	long index; /* resolved per file */
};

struct metric {
	char *name;
	enum builtin builtin; /* M_CUSTOM for a metrics-file metric */
	enum agg agg;
	bool ratio;           /* value = numerator ÷ denominator: merges by its parts */
	int places;           /* decimals printed; -1: as exact as the value is */
	char *column;         /* custom: the column aggregated */
	struct condition *where;
	size_t nwhere;
	long index;           /* custom: resolved column index per file */
	size_t slot;          /* custom: its accumulator */
};

struct metric_set {
	struct metric *all; /* built-ins, then the metrics file's */
	size_t nall;
	struct metric **selected;
	size_t nselected;
	size_t ncustom;
	bool any_ratio;
	bool needs[COL_COUNT]; /* columns the selected metrics read */
};

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
	const char *roster, *level;
	const char *reject, *output;
	size_t threads;
	bool quiet;
};

/* ---- the state of a run ---- */

struct roster {
	struct table *reps; /* rep → index into group names */
	char **group;
	size_t ngroups, cap;
	const char *level;
};

struct range {
	bool limited;
	spm_day lo, hi; /* half-open [lo, hi) */
};

enum input_kind { INPUT_EXPORT, INPUT_ACTUALS };

/* What every chunk of one file shares: read-only while the threads run. */
struct job {
	const struct track_options *opt;
	struct metric_set *metrics;
	const struct roster *roster;
	struct range range;
	char **won, **lost;
	size_t nwon, nlost;
	size_t *won_len, *lost_len;
	const char *file;
	const struct header *header;
	enum input_kind kind;
	long col[COL_COUNT];      /* export columns, -1 if absent */
	long col_num, col_den;    /* actuals: numerator/denominator columns, -1 if absent */
	struct output *reject;
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
};

/* Periods of recently seen days: computing a period takes calendar arithmetic, and an
 * export has few distinct dates (a few years' worth) among millions of rows. */
#define PERIOD_CACHE 4096
struct period_cache {
	spm_day day[PERIOD_CACHE];
	struct period period[PERIOD_CACHE];
	bool filled[PERIOD_CACHE];
};

static struct period cached_period(struct chunk_state *cs, spm_day d)
{
	struct period_cache *c = cs->periods;
	size_t i = (size_t)(uint32_t)d % PERIOD_CACHE;
	if (!c->filled[i] || c->day[i] != d) {
		c->period[i] = period_of(d, cs->job->opt->grain, cs->job->opt->fiscal_start);
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
	       "Output and errors:\n"
	       "  -o, --output FILE         write to FILE atomically instead of standard output\n"
	       "      --reject FILE         write bad rows to FILE with a reason and go on\n"
	       "      --threads N           read big files with N threads (default: cores, up to 8)\n"
	       "  -q, --quiet               no summary line on standard error\n"
	       "  -h, --help                display this help and exit\n"
	       "  -V, --version             output version information and exit\n"
	       "\n"
	       "Output: TSV 'owner period metric value', plus 'numerator denominator' when a ratio\n"
	       "metric is asked for, sorted by owner, period and metric.\n"
	       "Exit status: 0 success, 1 bad data, 2 usage or I/O error.\n"
	       "\n"
	       "Example:\n"
	       "  spm-track --map salesforce --grain quarter --roster roster.tsv --level team deals.csv\n");
	exit(SPM_EXIT_OK);
}

enum {
	OPT_CSV = 256, OPT_TSV, OPT_MAP, OPT_REP, OPT_DATE, OPT_AMOUNT, OPT_STAGE, OPT_CREATED, OPT_ID,
	OPT_WON, OPT_LOST, OPT_METRICS, OPT_METRICS_FILE, OPT_GRAIN, OPT_PERIOD, OPT_FROM, OPT_TO,
	OPT_FISCAL, OPT_DATE_FORMAT, OPT_DECIMAL_COMMA, OPT_ROSTER, OPT_LEVEL, OPT_REJECT, OPT_THREADS,
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
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(int argc, char **argv, struct track_options *opt)
{
	const char *fiscal = NULL;
	int c;
	memset(opt, 0, sizeof *opt);
	opt->grain = GRAIN_QUARTER;
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
		case OPT_LEVEL: opt->level = optarg; break;
		case OPT_REJECT: opt->reject = optarg; break;
		case OPT_THREADS: opt->threads = (size_t)number_option("--threads", optarg, 1, 64); break;
		case 'o': opt->output = optarg; break;
		case 'q': opt->quiet = true; break;
		case 'h': usage();
		case 'V': print_version();
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", diag_program());
			diag_exit(SPM_EXIT_USAGE);
		}
	}
	opt->fiscal_start = fiscal_start_option(fiscal);
	if (opt->level && !opt->roster)
		diag_usage("--level needs --roster");
	if (opt->level && strcmp(opt->level, "rep") && strcmp(opt->level, "team") &&
	    strcmp(opt->level, "manager") && strcmp(opt->level, "region"))
		diag_usage("--level: expected rep, team, manager or region (\"%s\")", opt->level);
	return optind;
}

/* ---- side files (mapping, metrics file, roster) ---- */

/* The first problem found in a side file; reading stops there. */
struct file_problem {
	uint64_t line;
	const char *column;
	const char *message;
	char value[128];
	bool has_value;
};

static int file_problem_at(struct file_problem *fp, const struct row *row, const char *column,
			   const char *value, const char *message)
{
	fp->line = row->line;
	fp->column = column;
	fp->message = message;
	fp->has_value = value != NULL;
	snprintf(fp->value, sizeof fp->value, "%s", value ? value : "");
	return 1;
}

/* Reads a whole side file through on_row (one chunk); its first problem exits 1. */
static void read_side_file(struct source *src, const char *path, row_fn on_row, void *ctx,
			   const struct file_problem *fp)
{
	struct scan_chunk chunk = { .ctx = ctx };
	struct scan_options so = { NULL, true, on_row };
	source_plan(src, 1);
	source_scan(src, &so, &chunk, 1);
	if (chunk.error.line) {
		diag_at(path, chunk.error.line, NULL, NULL, 0, chunk.error.message);
		diag_exit(SPM_EXIT_DATA);
	}
	if (fp->line) {
		diag_at(path, fp->line, fp->column, fp->has_value ? fp->value : NULL, strlen(fp->value),
			fp->message);
		diag_exit(SPM_EXIT_DATA);
	}
	source_close(src);
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

static void add_builtin(struct metric_set *ms, size_t *cap, enum builtin b)
{
	static const struct {
		enum agg agg;
		bool ratio;
		int places;
	} spec[M_BUILTIN_COUNT] = {
		[M_WON_REVENUE] = { AGG_SUM, false, 2 },
		[M_WON_DEALS] = { AGG_COUNT, false, 0 },
		[M_LOST_DEALS] = { AGG_COUNT, false, 0 },
		[M_WIN_RATE] = { AGG_AVG, true, 4 },
		[M_AVG_DEAL] = { AGG_AVG, true, 2 },
		[M_CYCLE_DAYS] = { AGG_AVG, true, 2 },
		[M_PIPELINE] = { AGG_SUM, false, 2 },
	};
	xgrow((void **)&ms->all, cap, ms->nall + 1, sizeof *ms->all);
	struct metric *m = &ms->all[ms->nall++];
	memset(m, 0, sizeof *m);
	m->name = xstrdup(builtin_names[b]);
	m->builtin = b;
	m->agg = spec[b].agg;
	m->ratio = spec[b].ratio;
	m->places = spec[b].places;
	m->index = -1;
}

static bool parse_agg(const char *s, enum agg *out)
{
	static const char *const names[] = { "count", "sum", "avg", "min", "max", "distinct" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum agg)i;
			return true;
		}
	}
	return false;
}

static bool is_metric_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static char *trimmed_copy(const char *s, size_t len)
{
	while (len && *s == ' ') {
		s++;
		len--;
	}
	while (len && s[len - 1] == ' ')
		len--;
	return xmemdup0(s, len);
}

/* "type=Call&stage!=Lost": conditions that must all hold. */
static bool parse_where(const char *text, struct metric *m)
{
	size_t n, cap = 0;
	char **parts = split_list(text, '&', &n);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		char *p = parts[i];
		char *ne = strstr(p, "!=");
		char *eq = strchr(p, '=');
		struct condition cond = { NULL, NULL, ne != NULL, -1 };
		char *op = ne ? ne : eq;
		if (!op || op == p) {
			ok = false;
			break;
		}
		cond.column = trimmed_copy(p, (size_t)(op - p));
		const char *value = op + (ne ? 2 : 1);
		cond.value = xstrdup(value);
		if (!*cond.column) {
			free(cond.column);
			free(cond.value);
			ok = false;
			break;
		}
		xgrow((void **)&m->where, &cap, m->nwhere + 1, sizeof *m->where);
		m->where[m->nwhere++] = cond;
	}
	free_list(parts, n);
	return ok;
}

/* The built-in or custom metric of that name, or NULL. */
static struct metric *find_metric(const struct metric_set *ms, const char *name)
{
	for (size_t i = 0; i < ms->nall; i++)
		if (strcmp(ms->all[i].name, name) == 0)
			return &ms->all[i];
	return NULL;
}

struct metrics_reader {
	struct metric_set *ms;
	size_t *cap;
	long col[7];
	struct file_problem problem;
};

enum { MF_METRIC, MF_AGG, MF_COLUMN, MF_WHERE, MF_UNIT, MF_DIRECTION, MF_CATEGORY };

static const char *mf_field(const struct metrics_reader *mr, const struct row *row, int which)
{
	long i = mr->col[which];
	return i >= 0 && (size_t)i < row->count ? row->field[i] : "";
}

static int metrics_bad(struct metrics_reader *mr, const struct row *row, const char *column,
		       const char *value, const char *message)
{
	return file_problem_at(&mr->problem, row, column, value, message);
}

static int metrics_row(void *ctx, const struct row *row)
{
	struct metrics_reader *mr = ctx;
	struct metric_set *ms = mr->ms;
	const char *name = mf_field(mr, row, MF_METRIC);
	const char *agg = mf_field(mr, row, MF_AGG);
	const char *column = mf_field(mr, row, MF_COLUMN);
	const char *where = mf_field(mr, row, MF_WHERE);
	const char *unit = mf_field(mr, row, MF_UNIT);
	struct metric m;
	if (name[0] == '#')
		return 0;
	memset(&m, 0, sizeof m);
	if (!is_metric_name(name))
		return metrics_bad(mr, row, "metric", name, "a metric name is lowercase letters, digits and _");
	const struct metric *same = find_metric(ms, name);
	if (same)
		return metrics_bad(mr, row, "metric", name,
				   same->builtin == M_CUSTOM ? "defined twice" : "is a built-in metric");
	if (!parse_agg(agg, &m.agg))
		return metrics_bad(mr, row, "agg", agg, "expected count, sum, avg, min, max or distinct");
	if (m.agg != AGG_COUNT && !*column)
		return metrics_bad(mr, row, "column", column, "this aggregation needs a column");
	if (*where && !parse_where(where, &m)) {
		for (size_t i = 0; i < m.nwhere; i++) {
			free(m.where[i].column);
			free(m.where[i].value);
		}
		free(m.where);
		return metrics_bad(mr, row, "where", where, "expected column=value or column!=value, joined by &");
	}
	m.name = xstrdup(name);
	m.builtin = M_CUSTOM;
	m.column = *column ? xstrdup(column) : NULL;
	m.ratio = m.agg == AGG_AVG;
	if (strcmp(unit, "money") == 0 || strcmp(unit, "currency") == 0)
		m.places = 2;
	else if (strcmp(unit, "ratio") == 0)
		m.places = 4;
	else
		m.places = m.agg == AGG_AVG ? 2 : -1;
	m.index = -1;
	xgrow((void **)&ms->all, mr->cap, ms->nall + 1, sizeof *ms->all);
	ms->all[ms->nall++] = m;
	return 0;
}

static void load_metrics_file(const char *path, struct metric_set *ms, size_t *cap)
{
	static const char *const names[] = { "metric", "agg", "column", "where", "unit", "direction", "category" };
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	struct metrics_reader mr = { .ms = ms, .cap = cap };
	for (int i = 0; i < 7; i++)
		mr.col[i] = header_find(h, names[i]);
	if (mr.col[MF_METRIC] < 0 || mr.col[MF_AGG] < 0) {
		diag_at(path, 1, NULL, NULL, 0, "a metrics file needs the columns metric and agg");
		diag_exit(SPM_EXIT_DATA);
	}
	read_side_file(src, path, metrics_row, &mr, &mr.problem);
}


static void select_metric(struct metric_set *ms, size_t *cap, struct metric *m)
{
	for (size_t i = 0; i < ms->nselected; i++)
		if (ms->selected[i] == m)
			return;
	xgrow((void **)&ms->selected, cap, ms->nselected + 1, sizeof *ms->selected);
	ms->selected[ms->nselected++] = m;
}

static void build_metrics(const struct track_options *opt, struct metric_set *ms)
{
	size_t cap = 0, scap = 0;
	memset(ms, 0, sizeof *ms);
	for (int b = 0; b < M_BUILTIN_COUNT; b++)
		add_builtin(ms, &cap, (enum builtin)b);
	if (opt->metrics_file)
		load_metrics_file(opt->metrics_file, ms, &cap);
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
			select_metric(ms, &scap, m);
		}
		free_list(names, n);
	} else {
		for (size_t i = opt->metrics_file ? M_BUILTIN_COUNT : 0; i < ms->nall; i++)
			select_metric(ms, &scap, &ms->all[i]);
	}
	for (size_t i = 0; i < ms->nselected; i++) {
		struct metric *m = ms->selected[i];
		ms->any_ratio |= m->ratio;
		ms->needs[COL_REP] = ms->needs[COL_DATE] = true;
		if (m->builtin == M_CUSTOM) {
			m->slot = ms->ncustom++;
			continue;
		}
		ms->needs[COL_STAGE] = true;
		if (m->builtin == M_WON_REVENUE || m->builtin == M_AVG_DEAL || m->builtin == M_PIPELINE)
			ms->needs[COL_AMOUNT] = true;
		if (m->builtin == M_CYCLE_DAYS)
			ms->needs[COL_CREATED] = true;
	}
}

static void free_metrics(struct metric_set *ms)
{
	for (size_t i = 0; i < ms->nall; i++) {
		struct metric *m = &ms->all[i];
		for (size_t k = 0; k < m->nwhere; k++) {
			free(m->where[k].column);
			free(m->where[k].value);
		}
		free(m->where);
		free(m->column);
		free(m->name);
	}
	free(ms->all);
	free(ms->selected);
}

/* ---- roster ---- */

struct roster_reader {
	struct roster *roster;
	long rep_col, level_col;
	struct file_problem problem;
};

static int roster_row(void *ctx, const struct row *row)
{
	struct roster_reader *rr = ctx;
	struct roster *r = rr->roster;
	size_t need = (size_t)(rr->rep_col > rr->level_col ? rr->rep_col : rr->level_col) + 1;
	if (row->count < need)
		return file_problem_at(&rr->problem, row, NULL, NULL, "too few fields");
	const char *rep = row->field[rr->rep_col];
	size_t rep_len = row->len[rr->rep_col];
	if (rep_len == 0)
		return file_problem_at(&rr->problem, row, "rep", NULL, "empty rep");
	bool created;
	size_t *group = table_upsert(r->reps, rep, rep_len, &created);
	if (!created)
		return file_problem_at(&rr->problem, row, "rep", rep, "appears twice in the roster");
	const char *name = rr->level_col >= 0 ? row->field[rr->level_col] : rep;
	size_t name_len = rr->level_col >= 0 ? row->len[rr->level_col] : rep_len;
	xgrow((void **)&r->group, &r->cap, r->ngroups + 1, sizeof *r->group);
	r->group[r->ngroups] = xmemdup0(name, name_len);
	*group = ++r->ngroups; /* 1-based: 0 never names a group */
	return 0;
}

static void load_roster(const struct track_options *opt, struct roster *r)
{
	memset(r, 0, sizeof *r);
	r->reps = table_new(sizeof(size_t));
	r->level = opt->level ? opt->level : "rep";
	struct source *src = source_open(opt->roster, FORMAT_AUTO);
	const struct header *h = source_header(src);
	struct roster_reader rr = { .roster = r, .level_col = -1 };
	rr.rep_col = header_find(h, "rep");
	if (rr.rep_col < 0) {
		diag_at(opt->roster, 1, NULL, NULL, 0, "a roster needs a column 'rep'");
		diag_exit(SPM_EXIT_DATA);
	}
	if (strcmp(r->level, "rep") != 0) {
		rr.level_col = header_find(h, r->level);
		if (rr.level_col < 0) {
			char msg[128];
			snprintf(msg, sizeof msg, "the roster has no column '%s' for --level", r->level);
			diag_at(opt->roster, 1, NULL, NULL, 0, msg);
			diag_exit(SPM_EXIT_DATA);
		}
	}
	read_side_file(src, opt->roster, roster_row, &rr, &rr.problem);
}

static void free_roster(struct roster *r)
{
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->group[i]);
	free(r->group);
	table_free(r->reps);
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
	for (size_t i = 0; i < ncols; i++) {
		if (i < row->count)
			output_field(o, row->field[i], row->len[i]);
		output_tab(o);
	}
	output_field(o, reason, strlen(reason));
	for (size_t i = ncols; i < row->count; i++) {
		output_str(o, i == ncols ? "; extra fields: " : " | ");
		output_field(o, row->field[i], row->len[i]);
	}
	output_newline(o);
}

static void write_reject_header(struct output *o, const struct header *h)
{
	for (size_t k = 0; k < h->count; k++) {
		output_field(o, h->name[k], strlen(h->name[k]));
		output_tab(o);
	}
	output_str(o, "reason\n");
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

/* The key of a group: the period, then the owner's bytes. */
static const char *group_key(struct chunk_state *cs, struct period p, const char *owner,
			     size_t owner_len, const char *metric, size_t *key_len)
{
	size_t metric_len = metric ? strlen(metric) + 1 : 0;
	size_t need = PERIOD_KEY_SIZE + owner_len + metric_len;
	xgrow((void **)&cs->key, &cs->key_cap, need, 1);
	period_to_key(p, (unsigned char *)cs->key); /* no padding bytes in keys */
	if (metric_len)
		memcpy(cs->key + PERIOD_KEY_SIZE, metric, metric_len);
	memcpy(cs->key + PERIOD_KEY_SIZE + metric_len, owner, owner_len);
	*key_len = need;
	return cs->key;
}

/* The owner a row counts for: the rep, or its group at --level. NULL if not in roster. */
static const char *row_owner(const struct job *job, const char *rep, size_t rep_len, size_t *len)
{
	if (!job->roster) {
		*len = rep_len;
		return rep;
	}
	const size_t *g = table_find(job->roster->reps, rep, rep_len);
	if (!g)
		return NULL;
	const char *name = job->roster->group[*g - 1];
	*len = strlen(name);
	return name;
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

/* Custom metrics for one row; returns nonzero if the row is bad. */
static int add_custom(struct chunk_state *cs, const struct row *row, struct deal_totals *t,
		      const char *group, size_t group_len)
{
	const struct job *job = cs->job;
	struct custom_totals *ct = (struct custom_totals *)(t + 1);
	for (size_t i = 0; i < job->metrics->nselected; i++) {
		const struct metric *m = job->metrics->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		bool match = true;
		for (size_t k = 0; k < m->nwhere && match; k++)
			match = condition_holds(&m->where[k], row);
		if (!match)
			continue;
		struct custom_totals *c = &ct[m->slot];
		if (m->agg == AGG_COUNT) {
			c->count++;
			continue;
		}
		const char *v = row->field[m->index];
		size_t len = row->len[m->index];
		if (len == 0)
			continue; /* empty values are not counted, as in SQL */
		if (m->agg == AGG_DISTINCT) {
			/* The set of values, not a count: chunks and files may share values, so
			 * counts are taken once all sets are merged (count_distinct). */
			size_t klen = 2 * sizeof(size_t) + group_len + len;
			xgrow((void **)&cs->distinct_key, &cs->distinct_key_cap, klen, 1);
			char *key = cs->distinct_key;
			memcpy(key, &m->slot, sizeof(size_t));
			memcpy(key + sizeof(size_t), &group_len, sizeof(size_t));
			memcpy(key + 2 * sizeof(size_t), group, group_len);
			memcpy(key + 2 * sizeof(size_t) + group_len, v, len);
			table_upsert(cs->distinct, key, klen, NULL);
			continue;
		}
		decimal d;
		enum decimal_status st = decimal_parse(v, len, job->opt->style, &d);
		if (st != DECIMAL_OK) {
			bad_row(cs, row, m->index, decimal_strerror(st));
			return 1;
		}
		if (c->count == 0 || decimal_cmp(d, c->min) < 0)
			c->min = d;
		if (c->count == 0 || decimal_cmp(d, c->max) > 0)
			c->max = d;
		if (!add_or_fail(&c->sum, d))
			sum_overflow(m->name);
		c->count++;
	}
	return 0;
}

static int export_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	const struct metric_set *ms = job->metrics;
	const long *col = job->col;
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);

	size_t owner_len;
	const char *rep = row->field[col[COL_REP]];
	if (row->len[col[COL_REP]] == 0) {
		bad_row(cs, row, col[COL_REP], "empty owner");
		return reject_or_stop(cs, row);
	}
	if (memchr(rep, '\0', row->len[col[COL_REP]])) {
		bad_row(cs, row, col[COL_REP], "owner holds a NUL byte");
		return reject_or_stop(cs, row);
	}
	const char *owner = row_owner(job, rep, row->len[col[COL_REP]], &owner_len);
	if (!owner) {
		bad_row(cs, row, col[COL_REP], "not in the roster");
		return reject_or_stop(cs, row);
	}
	if (owner_len == 0) {
		bad_row(cs, row, col[COL_REP], "has no group in the roster");
		snprintf(cs->problem.detail, sizeof cs->problem.detail, " at level %s", job->roster->level);
		return reject_or_stop(cs, row);
	}

	enum deal_state state = DEAL_OPEN;
	if (ms->needs[COL_STAGE]) {
		const char *stage = row->field[col[COL_STAGE]];
		size_t len = row->len[col[COL_STAGE]];
		if (len == 0) {
			bad_row(cs, row, col[COL_STAGE], "empty stage");
			return reject_or_stop(cs, row);
		}
		if (stage_in(job->won, job->won_len, job->nwon, stage, len))
			state = DEAL_WON;
		else if (stage_in(job->lost, job->lost_len, job->nlost, stage, len))
			state = DEAL_LOST;
	}

	spm_day close;
	if (row->len[col[COL_DATE]] == 0) {
		if (ms->needs[COL_STAGE] && state == DEAL_OPEN) {
			cs->tally.used++;
			cs->tally.open_undated++; /* an open deal with no close date: in no period */
			return 0;
		}
		bad_row(cs, row, col[COL_DATE], state == DEAL_OPEN ? "empty date" : "closed deal without a close date");
		return reject_or_stop(cs, row);
	}
	if (!parse_date(job->opt, row->field[col[COL_DATE]], row->len[col[COL_DATE]], &close)) {
		bad_row(cs, row, col[COL_DATE], job->opt->date_format ? "not a date in the --date-format layout"
								      : "not a date (YYYY-MM-DD; see --date-format)");
		return reject_or_stop(cs, row);
	}

	decimal amount = decimal_zero();
	bool has_amount = false;
	bool amount_needed = ms->needs[COL_AMOUNT] && state != DEAL_LOST;
	if (amount_needed) {
		const char *a = row->field[col[COL_AMOUNT]];
		size_t len = row->len[col[COL_AMOUNT]];
		enum decimal_status st = decimal_parse(a, len, job->opt->style, &amount);
		if (st == DECIMAL_OK) {
			has_amount = true;
		} else if (!(st == DECIMAL_EMPTY && state == DEAL_OPEN)) {
			bad_row(cs, row, col[COL_AMOUNT], st == DECIMAL_EMPTY ? "won deal without an amount"
									     : decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
	}

	int64_t cycle = 0;
	if (ms->needs[COL_CREATED] && state == DEAL_WON) {
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
		cycle = close - created;
	}

	if (job->range.limited && (close < job->range.lo || close >= job->range.hi)) {
		cs->tally.used++;
		cs->tally.outside++;
		return 0;
	}

	struct period p = cached_period(cs, close);
	size_t key_len;
	const char *key = group_key(cs, p, owner, owner_len, NULL, &key_len);
	struct deal_totals *t = table_upsert(cs->groups, key, key_len, NULL);
	if (ms->ncustom && add_custom(cs, row, t, key, key_len))
		return reject_or_stop(cs, row);
	switch (state) {
	case DEAL_WON:
		t->won_deals++;
		if (has_amount && !add_or_fail(&t->won_revenue, amount))
			sum_overflow("won_revenue");
		t->cycle_days += cycle;
		t->cycle_deals++;
		break;
	case DEAL_LOST:
		t->lost_deals++;
		break;
	case DEAL_OPEN:
		if (has_amount && !add_or_fail(&t->pipeline, amount))
			sum_overflow("pipeline");
		break;
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

static int actuals_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);
	const char *metric = row->field[2];
	if (row->len[0] == 0) {
		bad_row(cs, row, 0, "empty owner");
		return reject_or_stop(cs, row);
	}
	if (memchr(row->field[0], '\0', row->len[0])) {
		bad_row(cs, row, 0, "owner holds a NUL byte");
		return reject_or_stop(cs, row);
	}
	size_t owner_len;
	const char *owner = row_owner(job, row->field[0], row->len[0], &owner_len);
	if (!owner) {
		bad_row(cs, row, 0, "not in the roster");
		return reject_or_stop(cs, row);
	}
	if (owner_len == 0) {
		bad_row(cs, row, 0, "has no group in the roster");
		return reject_or_stop(cs, row);
	}
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
	if (job->opt->metrics && !metric_is_selected(job->metrics, metric)) {
		cs->tally.used++;
		return 0;
	}
	const struct metric *known = find_metric(job->metrics, metric);
	decimal value = decimal_zero(), num = decimal_zero(), den = decimal_zero();
	enum decimal_status st = decimal_parse(row->field[3], row->len[3], DECIMAL_POINT, &value);
	bool has_value = st == DECIMAL_OK;
	if (st != DECIMAL_OK && st != DECIMAL_EMPTY) {
		bad_row(cs, row, 3, decimal_strerror(st));
		return reject_or_stop(cs, row);
	}
	bool has_parts = false;
	if (job->col_num >= 0 && job->col_den >= 0 &&
	    (row->len[job->col_num] || row->len[job->col_den])) {
		long bad = -1;
		if ((st = decimal_parse(row->field[job->col_num], row->len[job->col_num], DECIMAL_POINT, &num)))
			bad = job->col_num;
		else if ((st = decimal_parse(row->field[job->col_den], row->len[job->col_den], DECIMAL_POINT, &den)))
			bad = job->col_den;
		if (bad >= 0) {
			bad_row(cs, row, bad, decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
		has_parts = true;
	}
	if (known && known->ratio && !has_parts) {
		bad_row(cs, row, 2, "a ratio needs its numerator and denominator to be merged");
		return reject_or_stop(cs, row);
	}
	if (known && known->agg == AGG_DISTINCT) {
		bad_row(cs, row, 2, "distinct counts cannot be merged from actuals");
		return reject_or_stop(cs, row);
	}
	if (job->opt->grain_set) { /* regroup finer periods into the grain asked for */
		struct period q = period_of(p.start, job->opt->grain, job->opt->fiscal_start);
		if (period_end(p) > period_end(q) || p.start < q.start) {
			bad_row(cs, row, 1, "period does not fit in one period of --grain");
			return reject_or_stop(cs, row);
		}
		p = q;
	}
	if (job->range.limited) {
		spm_day end = period_end(p);
		if (end <= job->range.lo || p.start >= job->range.hi) {
			cs->tally.used++;
			cs->tally.outside++;
			return 0;
		}
		if (p.start < job->range.lo || end > job->range.hi) {
			bad_row(cs, row, 1, "period is only partly inside --from/--to/--period");
			return reject_or_stop(cs, row);
		}
	}
	size_t key_len;
	const char *key = group_key(cs, p, owner, owner_len, metric, &key_len);
	bool created;
	struct actual_totals *t = table_upsert(cs->groups, key, key_len, &created);
	if (!created && t->has_parts != has_parts) {
		bad_row(cs, row, 2, "rows of this metric mix plain values and numerator/denominator");
		return reject_or_stop(cs, row);
	}
	t->has_parts = has_parts;
	if (!has_value && !has_parts) {
		/* an empty value: no value for this group (a min of no rows), nothing to add */
	} else if (has_parts) {
		if (!add_or_fail(&t->numerator, num) || !add_or_fail(&t->denominator, den))
			sum_overflow(metric);
	} else if (known && known->agg == AGG_MIN) {
		if (!t->has_value || decimal_cmp(value, t->value) < 0)
			t->value = value;
	} else if (known && known->agg == AGG_MAX) {
		if (!t->has_value || decimal_cmp(value, t->value) > 0)
			t->value = value;
	} else if (!add_or_fail(&t->value, value)) {
		sum_overflow(metric);
	}
	t->has_value |= has_value || has_parts;
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
}

static void chunk_state_free(struct chunk_state *cs)
{
	table_free(cs->groups);
	table_free(cs->distinct);
	free(cs->key);
	free(cs->distinct_key);
	free(cs->periods);
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
	const char *metric = key + PERIOD_KEY_SIZE;
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
	key += PERIOD_KEY_SIZE;
	len -= PERIOD_KEY_SIZE;
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
	size_t n = a->owner_len < b->owner_len ? a->owner_len : b->owner_len;
	int c = memcmp(a->owner, b->owner, n);
	if (c)
		return c;
	if (a->owner_len != b->owner_len)
		return a->owner_len < b->owner_len ? -1 : 1;
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
			write_reject_header(job->reject, job->header);
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
	source_scan(src, &so, chunks, n);
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

static void print_summary(const struct tally *t)
{
	fprintf(stderr, "%s: %llu rows read, %llu used, %llu rejected", diag_program(),
		(unsigned long long)t->read, (unsigned long long)t->used, (unsigned long long)t->rejected);
	if (t->open_undated)
		fprintf(stderr, "; %llu open deal(s) without a close date count in no period",
			(unsigned long long)t->open_undated);
	if (t->outside)
		fprintf(stderr, "; %llu row(s) outside the period range", (unsigned long long)t->outside);
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

/* Writing over an input, or the output and the rejects into one file, would destroy
 * data: refuse before reading anything. */
static void check_output_paths(const struct track_options *opt, char **files, size_t nfiles)
{
	const char *outputs[2] = { opt->output, opt->reject };
	const char *names[2] = { "--output", "--reject" };
	for (int k = 0; k < 2; k++) {
		if (!outputs[k] || strcmp(outputs[k], "-") == 0)
			continue;
		for (size_t i = 0; i < nfiles; i++)
			if (strcmp(files[i], "-") != 0 && same_file(files[i], outputs[k]))
				diag_usage("%s %s is also an input", names[k], outputs[k]);
	}
	if (opt->output && opt->reject && same_file(opt->output, opt->reject))
		diag_usage("--output and --reject name the same file (\"%s\")", opt->reject);
}

static char **stage_list(const char *given, const char *fallback, size_t *n)
{
	return split_list(given ? given : fallback, ',', n);
}

int main(int argc, char **argv)
{
	struct track_options opt;
	struct mapping map;
	struct metric_set metrics;
	struct roster roster;
	struct job job;
	struct output out, reject;
	struct header *first_header = NULL;
	struct chunk_state all;

	diag_set_program("spm-track");
	atexit(output_close_stdout);
	int first = parse_options(argc, argv, &opt);
	memset(&job, 0, sizeof job);
	job.opt = &opt;
	build_range(&opt, &job.range, &opt.grain);
	if (opt.period)
		opt.grain_set = true;
	build_mapping(&opt, &map);
	build_metrics(&opt, &metrics);
	job.metrics = &metrics;
	if (opt.roster) {
		load_roster(&opt, &roster);
		job.roster = &roster;
	}
	job.won = stage_list(opt.won, "Closed Won,Won,closedwon", &job.nwon);
	job.lost = stage_list(opt.lost, "Closed Lost,Lost,closedlost", &job.nlost);
	job.won_len = item_lengths(job.won, job.nwon);
	job.lost_len = item_lengths(job.lost, job.nlost);
	if (job.nwon == 0)
		diag_usage("--won: no stage named");

	const char *stdin_only[] = { "-" };
	char **files = first < argc ? argv + first : (char **)stdin_only;
	size_t nfiles = first < argc ? (size_t)(argc - first) : 1;
	check_output_paths(&opt, files, nfiles);
	output_open(&out, opt.output);
	if (opt.reject) {
		output_open(&reject, opt.reject);
		job.reject = &reject;
	}
	for (size_t i = 0; i < nfiles; i++)
		read_input(&job, &map, files[i], &first_header, &all);
	if (job.kind == INPUT_EXPORT)
		count_distinct(&all);
	emit_actuals(&out, &job, &all);
	if (job.reject)
		output_close(job.reject);
	output_close(&out);
	if (!opt.quiet)
		print_summary(&all.tally);

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
	if (opt.roster)
		free_roster(&roster);
	free_metrics(&metrics);
	free_mapping(&map);
	return SPM_EXIT_OK;
}
