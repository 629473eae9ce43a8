/* spm-goal check: a SMART lint of goal sheets. Every problem is reported (not just the
 * first), as an error (the goal cannot stand: exit 1) or a warning (worth a look), and
 * with a roster, the coverage of each goal category among the reps (IBM's case: an
 * innovation goal for 95 % of its people), which --require turns into a check. */
#include "spm-goal.h"

#include "diag.h"
#include "input.h"
#include "options.h"
#include "table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static noreturn void usage(void)
{
	printf("Usage: spm-goal check [OPTION]... [SHEET]...\n"
	       "Check goal sheets against SMART and report every problem on standard error, one line\n"
	       "each: FILE:LINE: error: or warning:, the column, what is wrong and the value. Errors:\n"
	       "a malformed row or a duplicate goal; specific: an owner not in the roster (--roster);\n"
	       "measurable: an unknown metric; time-bound: a period over before the as-of date;\n"
	       "achievable: a target of 0. Warnings: achievable: a target above --max-growth times the\n"
	       "owner's actual of a year before (--history); relevant: no category or an unknown one,\n"
	       "a direction against the metric's; time-bound: periods that overlap for one owner and\n"
	       "metric. Several sheets are checked together. With --roster, standard output gets the\n"
	       "coverage of each category among the reps, for the goals of the period that holds the\n"
	       "as-of date: TSV 'category reps with_goal coverage'. Without SHEET, or with -, the\n"
	       "sheet is read from standard input.\n"
	       "\n"
	       "      --roster R            roster: owners must be its reps, teams, managers or\n"
	       "                            regions; coverage is counted over its reps on\n"
	       "                            the books at the as-of date (start, end columns)\n"
	       "      --metrics FILE        metrics file: its metrics and categories are known too\n"
	       "      --history ACTUALS     actuals (owner period metric value [numerator\n"
	       "                            denominator]) of past periods, for the growth bound\n"
	       "      --max-growth F        warn when a target exceeds F times last year's actual\n"
	       "                            (default 1.5)\n"
	       "      --require CAT[=SHARE] fail unless a SHARE (0 to 1, default 1) of the reps hold a\n"
	       "                            goal of category CAT in the current period (repeatable;\n"
	       "                            needs --roster)\n"
	       "      --categories LIST     the known categories, comma-separated (default: financial,\n"
	       "                            activity,customer,innovation,development,operational);\n"
	       "                            the categories of the metrics file are known too\n"
	       "      --as-of DATE          the day of the check (default: $SPM_AS_OF, else today)\n"
	       "      --fiscal-start M      fiscal year starts in month M (default: $SPM_FISCAL_START or 1)\n"
	       "  -q, --quiet               no summary line on standard error\n"
	       "  -h, --help                display this help and exit\n"
	       "\n"
	       "Exit status: 0 no error (warnings allowed), 1 an error or a failed --require,\n"
	       "2 usage or I/O error.\n"
	       "\n"
	       "Example:\n"
	       "  spm-goal check --roster roster.tsv --history actuals-2025.tsv \\\n"
	       "    --require innovation=0.95 --as-of 2026-07-01 goals-2026q3.tsv\n");
	exit(SPM_EXIT_OK);
}

/* ---- options ---- */

/* --require CATEGORY=SHARE: the share of reps that must hold a goal of that category. */
struct requirement {
	char *category;
	decimal share;
};

struct check_options {
	const char *roster, *metrics, *history;
	decimal max_growth;
	struct requirement *require;
	size_t nrequire;
	char **categories; /* --categories, or the default list */
	size_t ncategories;
	spm_day as_of;
	int fiscal_start;
	bool quiet;
};

static const char default_categories[] = "financial,activity,customer,innovation,development,operational";

static void add_requirement(struct check_options *o, size_t *cap, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	decimal share = decimal_from_int(1);
	if (len == 0)
		diag_usage("--require: expected CATEGORY or CATEGORY=SHARE (\"%s\")", arg);
	if (eq && (decimal_parse(eq + 1, strlen(eq + 1), DECIMAL_POINT, &share) != DECIMAL_OK ||
		   decimal_sign(share) < 0 || decimal_cmp(share, decimal_from_int(1)) > 0))
		diag_usage("--require: SHARE is a fraction from 0 to 1, such as 0.95 (\"%s\")", arg);
	for (size_t i = 0; i < o->nrequire; i++)
		if (strlen(o->require[i].category) == len && memcmp(o->require[i].category, arg, len) == 0)
			diag_usage("--require: category %.*s given twice", (int)len, arg);
	xgrow((void **)&o->require, cap, o->nrequire + 1, sizeof *o->require);
	o->require[o->nrequire].category = xmemdup0(arg, len);
	o->require[o->nrequire++].share = share;
}

/* "financial, activity": the items, spaces around them dropped. */
static void parse_categories(struct check_options *o, const char *list)
{
	o->categories = split_list(list, ',', &o->ncategories);
	for (size_t i = 0; i < o->ncategories; i++) {
		char *s = o->categories[i], *from = s;
		while (*from == ' ')
			from++;
		size_t len = strlen(from);
		while (len && from[len - 1] == ' ')
			len--;
		memmove(s, from, len);
		s[len] = '\0';
		if (len == 0)
			diag_usage("--categories: an empty category (\"%s\")", list);
	}
	if (o->ncategories == 0)
		diag_usage("--categories: expected a comma-separated list (\"%s\")", list);
}

static int parse_check_options(int argc, char **argv, struct check_options *o)
{
	enum { OPT_ROSTER = 256, OPT_METRICS, OPT_HISTORY, OPT_MAX_GROWTH, OPT_REQUIRE, OPT_CATEGORIES,
	       OPT_AS_OF, OPT_FISCAL };
	static const struct option longopts[] = {
		{ "roster", required_argument, NULL, OPT_ROSTER },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "max-growth", required_argument, NULL, OPT_MAX_GROWTH },
		{ "require", required_argument, NULL, OPT_REQUIRE },
		{ "categories", required_argument, NULL, OPT_CATEGORIES },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "fiscal-start", required_argument, NULL, OPT_FISCAL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fiscal = NULL, *as_of = NULL, *categories = NULL;
	size_t require_cap = 0;
	int c;
	memset(o, 0, sizeof *o);
	decimal_parse("1.5", 3, DECIMAL_POINT, &o->max_growth); /* the default bound */
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROSTER: o->roster = optarg; break;
		case OPT_METRICS: o->metrics = optarg; break;
		case OPT_HISTORY: o->history = optarg; break;
		case OPT_MAX_GROWTH: o->max_growth = positive_option("--max-growth", optarg); break;
		case OPT_REQUIRE: add_requirement(o, &require_cap, optarg); break;
		case OPT_CATEGORIES: categories = optarg; break;
		case OPT_AS_OF: as_of = optarg; break;
		case OPT_FISCAL: fiscal = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage();
		default: subcommand_bad_option();
		}
	}
	if (o->nrequire && !o->roster)
		diag_usage("--require needs --roster (coverage is counted over the roster's reps)");
	o->fiscal_start = fiscal_start_option(fiscal);
	o->as_of = as_of_option(as_of);
	parse_categories(o, categories ? categories : default_categories);
	return optind;
}

static void free_check_options(struct check_options *o)
{
	for (size_t i = 0; i < o->nrequire; i++)
		free(o->require[i].category);
	free(o->require);
	free_list(o->categories, o->ncategories);
}

/* ---- findings: every problem, printed in file and line order at the end ---- */

struct finding {
	size_t file;   /* 0: the roster; 1..: the sheets in command-line order */
	uint64_t line;
	size_t seq;    /* the order found, so one line's problems keep theirs */
	char *text;    /* "error: COLUMN: message ("value")" */
};

struct check {
	const struct check_options *opt;
	struct metric_catalog metrics;
	struct roster roster;
	bool has_roster;
	char **paths;            /* [file]: the roster's path, then the sheets' */
	struct goal_sheet *sheet; /* [file - 1] */
	size_t nsheets;
	struct finding *finding;
	size_t nfindings, cap;
	uint64_t errors, warnings;
};

static void report(struct check *ck, size_t file, uint64_t line, bool error, const char *column,
		   const char *message, const char *value, size_t value_len)
{
	char shown[512] = "";
	if (value)
		diag_quote_value(shown, sizeof shown, value, value_len);
	size_t size = strlen(message) + strlen(shown) + (column ? strlen(column) : 0) + 32;
	char *text = xmalloc(size);
	snprintf(text, size, "%s: %s%s%s%s%s%s", error ? "error" : "warning", column ? column : "",
		 column ? ": " : "", message, value ? " (\"" : "", shown, value ? "\")" : "");
	xgrow((void **)&ck->finding, &ck->cap, ck->nfindings + 1, sizeof *ck->finding);
	ck->finding[ck->nfindings] = (struct finding){ file, line, ck->nfindings, text };
	ck->nfindings++;
	if (error)
		ck->errors++;
	else
		ck->warnings++;
}

static int compare_findings(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void print_findings(struct check *ck)
{
	if (ck->nfindings > 1)
		qsort(ck->finding, ck->nfindings, sizeof *ck->finding, compare_findings);
	for (size_t i = 0; i < ck->nfindings; i++) {
		const struct finding *f = &ck->finding[i];
		fprintf(stderr, "%s: %s:%llu: %s\n", diag_program(), ck->paths[f->file], (unsigned long long)f->line,
			f->text);
		free(f->text);
	}
	free(ck->finding);
	ck->finding = NULL;
	ck->nfindings = 0;
}

/* A sheet or a history file that cannot be read at all ends the run: what the sheets
 * read before it showed is printed too, after the message that ended it. */
static void print_findings_at_exit(void *ck)
{
	print_findings(ck);
}

/* A goal's own fields, quoted in its findings. */
static void report_goal(struct check *ck, size_t file, const struct goal *g, bool error, enum goal_column column,
			const char *message)
{
	char text[DECIMAL_BUFSIZE > PERIOD_LABEL_SIZE ? DECIMAL_BUFSIZE : PERIOD_LABEL_SIZE];
	const char *value = text;
	size_t len;
	switch (column) {
	case G_OWNER: value = g->owner, len = g->owner_len; break;
	case G_PERIOD: len = period_format(g->period, text); break;
	case G_METRIC: value = g->metric_name, len = strlen(value); break;
	case G_TARGET: len = decimal_format(g->target, -1, text, sizeof text); break;
	case G_CATEGORY: value = g->category, len = strlen(value); break;
	case G_DIRECTION: value = goal_direction_name(g->direction), len = strlen(value); break;
	default: value = NULL, len = 0; break;
	}
	if (value && len == 0)
		value = NULL; /* ("") says nothing the message does not */
	report(ck, file, g->line, error, goal_column_names[column], message, value, len);
}

/* ---- reading the sheets: every bad row reported, the others kept ---- */

struct sheet_reading {
	struct check *ck;
	size_t file;
};

static int bad_row(void *ctx, const struct row *row, const char *column, const char *value, size_t value_len,
		   const char *message)
{
	struct sheet_reading *sr = ctx;
	report(sr->ck, sr->file, row->line, true, column, message, value, value_len);
	return 0; /* go on: check reports every bad row, not just the first */
}

static void read_sheets(struct check *ck, char **paths, size_t n)
{
	ck->nsheets = n;
	ck->sheet = xcalloc(n, sizeof *ck->sheet);
	for (size_t i = 0; i < n; i++) {
		struct sheet_reading sr = { ck, i + 1 };
		struct goal_read_options o = {
			.fiscal_start = ck->opt->fiscal_start,
			.metrics = &ck->metrics,
			.unknown_metrics_ok = true, /* reported below, as not measurable */
			.on_problem = bad_row,
			.ctx = &sr,
		};
		goal_sheet_init(&ck->sheet[i]);
		goal_sheet_read(&ck->sheet[i], paths[i], &o);
	}
}

/* A goal another sheet already has (same owner, period and metric) is an error, like a
 * duplicate within one sheet; it is marked used and left out of the other checks. */
static void find_duplicates_across_sheets(struct check *ck)
{
	struct seen {
		size_t file;
		uint64_t line;
	};
	struct table *seen = table_new(sizeof(struct seen));
	char *key = NULL;
	size_t cap = 0;
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			struct goal *g = &ck->sheet[f].goal[i];
			size_t mlen = strlen(g->metric_name) + 1;
			size_t need = PERIOD_KEY_SIZE + mlen + g->owner_len;
			xgrow((void **)&key, &cap, need, 1);
			period_to_key(g->period, (unsigned char *)key);
			memcpy(key + PERIOD_KEY_SIZE, g->metric_name, mlen);
			memcpy(key + PERIOD_KEY_SIZE + mlen, g->owner, g->owner_len);
			bool created;
			struct seen *first = table_upsert(seen, key, need, &created);
			if (created) {
				*first = (struct seen){ f + 1, g->line };
				continue;
			}
			size_t size = strlen(ck->paths[first->file]) + 128;
			char *message = xmalloc(size);
			snprintf(message, size, "duplicate goal: this owner, period and metric already have a goal in %s:%llu",
				 ck->paths[first->file], (unsigned long long)first->line);
			report_goal(ck, f + 1, g, true, G_METRIC, message);
			free(message);
			g->used = true;
		}
	}
	free(key);
	table_free(seen);
}

/* ---- history: last year's actuals, for the growth bound ---- */

struct past_actual {
	struct period period;
	decimal value, num, den;
	bool has_value, has_parts;
};

struct past_actuals {
	struct past_actual *row;
	size_t n, cap;
};

enum { H_OWNER, H_PERIOD, H_METRIC, H_VALUE, H_NUMERATOR, H_DENOMINATOR, H_COUNT };
static const char *const history_columns[H_COUNT] = { "owner", "period", "metric", "value", "numerator",
						      "denominator" };

struct history_reader {
	struct table *wanted; /* metric NUL owner → struct past_actuals */
	const struct header *header;
	long col[H_COUNT];
	int fiscal_start;
	char *key;
	size_t key_cap;
	struct file_problem problem;
	char message[96];
};

/* metric, NUL, owner: the metric name holds no NUL, so no two pairs share a key. */
static size_t history_key(char **key, size_t *cap, const char *metric, size_t metric_len, const char *owner,
			  size_t owner_len)
{
	if (owner_len >= SIZE_MAX - 1 || metric_len > SIZE_MAX - 1 - owner_len)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	size_t need = metric_len + 1 + owner_len;
	xgrow((void **)key, cap, need, 1);
	memcpy(*key, metric, metric_len);
	(*key)[metric_len] = '\0';
	memcpy(*key + metric_len + 1, owner, owner_len);
	return need;
}

static int history_problem(struct history_reader *hr, const struct row *row, int column, const char *message)
{
	return file_problem_at(&hr->problem, row, history_columns[column], row->field[hr->col[column]], message);
}

/* A number field: *present false when empty; nonzero (stop) when malformed. */
static int history_number(struct history_reader *hr, const struct row *row, int column, decimal *out,
			  bool *present)
{
	long i = hr->col[column];
	enum decimal_status st = decimal_parse(row->field[i], row->len[i], DECIMAL_POINT, out);
	*present = st == DECIMAL_OK;
	if (st == DECIMAL_OK || st == DECIMAL_EMPTY)
		return 0;
	return history_problem(hr, row, column, decimal_strerror(st));
}

static int history_row(void *ctx, const struct row *row)
{
	struct history_reader *hr = ctx;
	struct past_actual a;
	memset(&a, 0, sizeof a);
	if (row->count != hr->header->count) {
		snprintf(hr->message, sizeof hr->message, "wrong number of fields: expected %zu, found %zu",
			 hr->header->count, row->count);
		return file_problem_at(&hr->problem, row, NULL, NULL, hr->message);
	}
	long p = hr->col[H_PERIOD];
	if (!period_parse(row->field[p], row->len[p], hr->fiscal_start, &a.period))
		return history_problem(hr, row, H_PERIOD, "not a period label");
	if (history_number(hr, row, H_VALUE, &a.value, &a.has_value))
		return 1;
	if (hr->col[H_NUMERATOR] >= 0 && hr->col[H_DENOMINATOR] >= 0 &&
	    (row->len[hr->col[H_NUMERATOR]] || row->len[hr->col[H_DENOMINATOR]])) {
		bool num, den;
		if (history_number(hr, row, H_NUMERATOR, &a.num, &num) ||
		    history_number(hr, row, H_DENOMINATOR, &a.den, &den))
			return 1;
		if (!num || !den)
			return history_problem(hr, row, num ? H_DENOMINATOR : H_NUMERATOR,
					       "a ratio needs both its numerator and denominator");
		a.has_parts = true;
	}
	long m = hr->col[H_METRIC], o = hr->col[H_OWNER];
	size_t len = history_key(&hr->key, &hr->key_cap, row->field[m], row->len[m], row->field[o], row->len[o]);
	struct past_actuals *pa = table_find(hr->wanted, hr->key, len);
	if (!pa)
		return 0; /* no goal of this owner and metric asks about it */
	xgrow((void **)&pa->row, &pa->cap, pa->n + 1, sizeof *pa->row);
	pa->row[pa->n++] = a;
	return 0;
}

static noreturn void history_header_problem(const char *path, const char *message, const char *column)
{
	char text[160];
	snprintf(text, sizeof text, message, column);
	diag_at(path, 1, NULL, NULL, 0, text);
	diag_exit(SPM_EXIT_DATA);
}

/* Reads the actuals of the owners and metrics of goals that go upward; the others are
 * checked but not kept. */
static struct table *read_history(const struct check *ck, const char *path)
{
	struct history_reader hr = { .wanted = table_new(sizeof(struct past_actuals)),
				     .fiscal_start = ck->opt->fiscal_start };
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			if (g->lower || g->used)
				continue; /* no growth bound for goals that go down */
			size_t len = history_key(&hr.key, &hr.key_cap, g->metric_name, strlen(g->metric_name), g->owner,
						 g->owner_len);
			table_upsert(hr.wanted, hr.key, len, NULL);
		}
	}
	struct source *src = source_open(path, FORMAT_AUTO);
	hr.header = source_header(src);
	for (int c = 0; c < H_COUNT; c++) {
		hr.col[c] = header_find(hr.header, history_columns[c]);
		if (hr.col[c] == -2)
			history_header_problem(path, "the column '%s' appears twice in the header", history_columns[c]);
		if (hr.col[c] < 0 && c <= H_VALUE)
			history_header_problem(path,
					       "no column '%s' (history is an actuals stream: owner, period, metric, value)",
					       history_columns[c]);
	}
	read_side_file(src, path, history_row, &hr, &hr.problem);
	free(hr.key);
	return hr.wanted;
}

static void free_history(struct table *history)
{
	if (!history)
		return;
	for (size_t i = 0; i < table_count(history); i++)
		free(((struct past_actuals *)table_value(history, i))->row);
	table_free(history);
}

/* Monday of ISO week 1 of year y: the week that holds 4 January. */
static spm_day iso_week_one(int year)
{
	spm_day jan4 = day_from_civil(year, 1, 4);
	return jan4 - (iso_weekday(jan4) - 1);
}

/* The same period one year earlier, of the same grain: 2026-Q3 → 2025-Q3, FY2027 →
 * FY2026, 2026-W48 → 2025-W48 (W53 → the last week of a year that has none), a day →
 * that date a year before (29 February → 28 February). False before year 2. */
static bool year_before(struct period p, struct period *out)
{
	struct civil_date c = civil_from_day(p.start);
	if (p.grain == GRAIN_WEEK) {
		int iso_year = civil_from_day(p.start + 3).year; /* the year of its Thursday */
		if (iso_year <= 2)
			return false;
		spm_day start = iso_week_one(iso_year - 1) + (p.start - iso_week_one(iso_year));
		if (civil_from_day(start + 3).year != iso_year - 1)
			start -= 7;
		*out = period_of(start, GRAIN_WEEK, p.fiscal_start);
		return true;
	}
	if (c.year <= 1)
		return false;
	if (p.grain == GRAIN_DAY) {
		int day = c.month == 2 && c.day == 29 ? 28 : c.day;
		*out = period_of(day_from_civil(c.year - 1, c.month, day), GRAIN_DAY, p.fiscal_start);
		return true;
	}
	/* years, halves, quarters and months start on the 1st of a month */
	*out = period_of(day_from_civil(c.year - 1, c.month, 1), (enum grain)p.grain, p.fiscal_start);
	return true;
}

/* How rows of one metric make up a longer period's value. */
enum combination { COMBINE_SUM, COMBINE_PARTS, COMBINE_MIN, COMBINE_MAX, COMBINE_NONE };

static enum combination combination_of(const struct metric *m, bool finer)
{
	if (!m)
		return COMBINE_SUM; /* an unknown metric is taken as a sum, as goal_adds_up does */
	if (m->ratio)
		return COMBINE_PARTS;
	if (m->agg == AGG_MIN)
		return COMBINE_MIN;
	if (m->agg == AGG_MAX)
		return COMBINE_MAX;
	if (m->agg == AGG_DISTINCT)
		return COMBINE_NONE; /* one customer in two months is one customer in the quarter */
	/* a level (pipeline) of several months is not the quarter's; shards of one period add */
	return finer && !m->cumulative ? COMBINE_NONE : COMBINE_SUM;
}

/* The owner's actual for period p, from the rows of p itself, else from the rows of the
 * coarsest grain found inside p (so the weeks inside are not added to their months).
 * False when they do not make a value: no rows, a ratio without its parts, a level. */
static bool past_actual(const struct past_actuals *pa, struct period p, const struct metric *m, decimal *out)
{
	spm_day end = period_end(p);
	int grain = -1;
	for (size_t i = 0; i < pa->n; i++) {
		struct period q = pa->row[i].period;
		if (q.start >= p.start && period_end(q) <= end && q.grain >= p.grain && (grain < 0 || q.grain < grain))
			grain = q.grain;
	}
	if (grain < 0)
		return false;
	enum combination how = combination_of(m, grain != p.grain);
	decimal total = decimal_zero(), num = decimal_zero(), den = decimal_zero();
	size_t rows = 0, values = 0, parts = 0;
	const struct past_actual *last = NULL;
	for (size_t i = 0; i < pa->n; i++) {
		const struct past_actual *a = &pa->row[i];
		if (a->period.grain != grain || a->period.start < p.start || period_end(a->period) > end)
			continue;
		rows++;
		last = a;
		if (a->has_parts) {
			parts++;
			if (!decimal_add(num, a->num, &num) || !decimal_add(den, a->den, &den))
				return false; /* too large to be a real actual: no check */
		}
		if (!a->has_value)
			continue; /* an empty value: nothing measured in that period */
		if (values++ == 0)
			total = a->value;
		else if (how == COMBINE_SUM && !decimal_add(total, a->value, &total))
			return false;
		else if ((how == COMBINE_MIN && decimal_cmp(a->value, total) < 0) ||
			 (how == COMBINE_MAX && decimal_cmp(a->value, total) > 0))
			total = a->value;
	}
	if (how == COMBINE_PARTS && parts == rows)
		return !decimal_is_zero(den) && decimal_div(num, den, DECIMAL_PLACES, ROUND_HALF_AWAY, out);
	if (how == COMBINE_PARTS || how == COMBINE_NONE) {
		/* a single row says it all, whatever the metric */
		if (rows != 1 || !last->has_value)
			return false;
		*out = last->value;
		return true;
	}
	*out = total;
	return values > 0;
}

/* achievable: a target far above what the owner did a year before. */
static void check_growth(struct check *ck, size_t file, const struct goal *g, struct table *history)
{
	struct period prior;
	decimal actual, bound;
	if (g->lower || !year_before(g->period, &prior))
		return;
	char *key = NULL;
	size_t cap = 0;
	size_t len = history_key(&key, &cap, g->metric_name, strlen(g->metric_name), g->owner, g->owner_len);
	const struct past_actuals *pa = table_find(history, key, len);
	free(key);
	if (!pa || !past_actual(pa, prior, g->metric, &actual))
		return;
	if (!decimal_mul(ck->opt->max_growth, actual, DECIMAL_PLACES, ROUND_HALF_EVEN, &bound) ||
	    decimal_cmp(g->target, bound) <= 0)
		return;
	char label[PERIOD_LABEL_SIZE], shown[DECIMAL_BUFSIZE], growth[DECIMAL_BUFSIZE], factor[DECIMAL_BUFSIZE],
		message[400];
	int places = g->metric && g->metric->places >= 0 ? g->metric->places : -1;
	period_format(prior, label);
	decimal_format(actual, places, shown, sizeof shown);
	decimal_format(ck->opt->max_growth, -1, factor, sizeof factor);
	decimal ratio;
	if (decimal_sign(actual) > 0 && decimal_div(g->target, actual, 4, ROUND_HALF_AWAY, &ratio)) {
		decimal_format(ratio, 4, growth, sizeof growth);
		snprintf(message, sizeof message,
			 "achievable: %s times the owner's actual of %s (%s), above --max-growth %s", growth, label,
			 shown, factor);
	} else {
		snprintf(message, sizeof message,
			 "achievable: above --max-growth %s times the owner's actual of %s (%s)", factor, label, shown);
	}
	report_goal(ck, file, g, false, G_TARGET, message);
}

/* ---- the checks of one goal ---- */

static bool known_category(const struct check *ck, const char *category)
{
	for (size_t i = 0; i < ck->opt->ncategories; i++)
		if (strcmp(ck->opt->categories[i], category) == 0)
			return true;
	for (size_t i = M_BUILTIN_COUNT; i < ck->metrics.nall; i++)
		if (strcmp(ck->metrics.all[i].category, category) == 0)
			return true;
	return false;
}

static void append_category(char **list, size_t *len, size_t *cap, const char *category)
{
	size_t n = strlen(category);
	if (n == 0)
		return;
	for (const char *at = *list; at && (at = strstr(at, category)); at += n)
		if ((at == *list || at[-1] == ' ') && (at[n] == ',' || at[n] == '\0'))
			return; /* listed already */
	xgrow((void **)list, cap, *len + n + 3, 1);
	if (*len) {
		memcpy(*list + *len, ", ", 2);
		*len += 2;
	}
	memcpy(*list + *len, category, n + 1);
	*len += n;
}

/* "financial, activity, ...": the known categories, for the message about an unknown one. */
static char *known_categories(const struct check *ck)
{
	char *list = NULL;
	size_t len = 0, cap = 0;
	for (size_t i = 0; i < ck->opt->ncategories; i++)
		append_category(&list, &len, &cap, ck->opt->categories[i]);
	for (size_t i = M_BUILTIN_COUNT; i < ck->metrics.nall; i++)
		append_category(&list, &len, &cap, ck->metrics.all[i].category);
	return list;
}

static void check_owner(struct check *ck, size_t file, const struct goal *g)
{
	static const bool every[LEVEL_COUNT] = { true, true, true, true };
	enum level found, other;
	char message[200];
	switch (roster_level_of(&ck->roster, g->owner, g->owner_len, every, &found, &other)) {
	case NAME_FOUND:
		return;
	case NAME_UNKNOWN:
		report_goal(ck, file, g, true, G_OWNER, "specific: not a rep, team, manager or region of the roster");
		return;
	case NAME_AMBIGUOUS:
		snprintf(message, sizeof message,
			 "specific: names both a %s and a %s of other reps in the roster; spm-track cannot tell "
			 "which without --level %s or --level %s",
			 level_names[found], level_names[other], level_names[found], level_names[other]);
		report_goal(ck, file, g, true, G_OWNER, message);
		return;
	}
}

static void check_metric(struct check *ck, size_t file, const struct goal *g)
{
	if (g->metric)
		return;
	char message[300];
	if (ck->opt->metrics)
		snprintf(message, sizeof message, "measurable: unknown metric (not built in, not in %.200s)",
			 ck->opt->metrics);
	else
		snprintf(message, sizeof message, "measurable: unknown metric (custom metrics need --metrics)");
	report_goal(ck, file, g, true, G_METRIC, message);
}

static void check_period(struct check *ck, size_t file, const struct goal *g)
{
	spm_day end = period_end(g->period);
	if (end > ck->opt->as_of)
		return;
	char last[DATE_TEXT_SIZE], as_of[DATE_TEXT_SIZE], message[128];
	date_format(end - 1, last);
	date_format(ck->opt->as_of, as_of);
	snprintf(message, sizeof message, "time-bound: the period ended on %s, before the as-of date %s", last, as_of);
	report_goal(ck, file, g, true, G_PERIOD, message);
}

static void check_category(struct check *ck, size_t file, const struct goal *g)
{
	if (!g->category[0]) {
		report_goal(ck, file, g, false, G_CATEGORY, "relevant: no category: the goal is tied to no objective");
		return;
	}
	if (known_category(ck, g->category))
		return;
	char *known = known_categories(ck);
	size_t size = strlen(known) + 64;
	char *message = xmalloc(size);
	snprintf(message, size, "relevant: unknown category (known: %s)", known);
	report_goal(ck, file, g, false, G_CATEGORY, message);
	free(message);
	free(known);
}

/* A direction written against the metric's own: the score would reward the wrong way. */
static void check_direction(struct check *ck, size_t file, const struct goal *g)
{
	if (g->direction == DIRECTION_DEFAULT || !g->metric || (g->direction == DIRECTION_LOWER) == g->metric->lower)
		return;
	char message[160];
	snprintf(message, sizeof message, "relevant: contradicts the metric's direction (%s is better for %s)",
		 g->metric->lower ? "lower" : "higher", g->metric->name);
	report_goal(ck, file, g, false, G_DIRECTION, message);
}

static void check_goals(struct check *ck, struct table *history)
{
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			if (g->used)
				continue; /* a duplicate, reported as such */
			if (ck->has_roster)
				check_owner(ck, f + 1, g);
			check_metric(ck, f + 1, g);
			check_period(ck, f + 1, g);
			if (decimal_is_zero(g->target))
				report_goal(ck, f + 1, g, true, G_TARGET, "achievable: a goal of 0 asks for nothing");
			else if (history)
				check_growth(ck, f + 1, g, history);
			check_category(ck, f + 1, g);
			check_direction(ck, f + 1, g);
		}
	}
}

/* ---- overlapping periods of one owner and metric ---- */

struct goal_ref {
	size_t file;
	const struct goal *goal;
};

static int compare_refs(const void *pa, const void *pb)
{
	const struct goal_ref *a = pa, *b = pb;
	int c = strcmp(a->goal->metric_name, b->goal->metric_name);
	if (c)
		return c;
	if ((c = bytes_cmp(a->goal->owner, a->goal->owner_len, b->goal->owner, b->goal->owner_len)))
		return c;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return a->goal->line < b->goal->line ? -1 : a->goal->line > b->goal->line;
}

static bool same_owner_metric(const struct goal *a, const struct goal *b)
{
	return a->owner_len == b->owner_len && memcmp(a->owner, b->owner, a->owner_len) == 0 &&
	       strcmp(a->metric_name, b->metric_name) == 0;
}

/* Each goal that overlaps an earlier one (file and line order) of its owner and metric
 * gets one warning, naming the first such: an annual goal next to its quarters is
 * common, but two targets for the same days are worth seeing. */
static void check_overlaps(struct check *ck)
{
	size_t n = 0;
	for (size_t f = 0; f < ck->nsheets; f++)
		n += ck->sheet[f].n;
	struct goal_ref *ref = xcalloc(n, sizeof *ref);
	n = 0;
	for (size_t f = 0; f < ck->nsheets; f++)
		for (size_t i = 0; i < ck->sheet[f].n; i++)
			if (!ck->sheet[f].goal[i].used)
				ref[n++] = (struct goal_ref){ f + 1, &ck->sheet[f].goal[i] };
	if (n > 1)
		qsort(ref, n, sizeof *ref, compare_refs);
	for (size_t run = 0; run < n;) {
		size_t stop = run + 1;
		while (stop < n && same_owner_metric(ref[run].goal, ref[stop].goal))
			stop++;
		for (size_t j = run + 1; j < stop; j++) {
			const struct goal *b = ref[j].goal;
			for (size_t i = run; i < j; i++) {
				const struct goal *a = ref[i].goal;
				if (!(a->period.start < period_end(b->period) && b->period.start < period_end(a->period)))
					continue;
				char label[PERIOD_LABEL_SIZE], message[512];
				period_format(a->period, label);
				if (ref[i].file == ref[j].file) /* the same sheet: its line is enough */
					snprintf(message, sizeof message,
						 "time-bound: overlaps the goal for %s of the same owner and metric on line %llu",
						 label, (unsigned long long)a->line);
				else
					snprintf(message, sizeof message,
						 "time-bound: overlaps the goal for %s of the same owner and metric in %.300s:%llu",
						 label, ck->paths[ref[i].file], (unsigned long long)a->line);
				report_goal(ck, ref[j].file, b, false, G_PERIOD, message);
				break;
			}
		}
		run = stop;
	}
	free(ref);
}

/* ---- coverage of goal categories among the reps ---- */

/* Whether a rep is on the roster's books on the as-of date: started (no start, or on or
 * before it) and not gone (no end, or on or after it). A bad date is an error; that rep
 * counts. */
static bool rep_on_board(struct check *ck, const struct roster_rep *e)
{
	const struct roster *r = &ck->roster;
	spm_day first, last;
	long bad = roster_employment(r, e, &first, &last);
	if (bad >= 0) {
		const char *text = e->field[bad];
		report(ck, 0, e->line, true, r->column[bad], "not a date (YYYY-MM-DD)", text, strlen(text));
		return true;
	}
	return first <= ck->opt->as_of && ck->opt->as_of <= last;
}

struct category_cover {
	const char *name;
	bool *has; /* [rep]: holds a goal of this category in the current period */
	size_t with;
};

struct coverage {
	struct category_cover *cat;
	size_t n, cap;
	struct table *index; /* name → 1-based index into cat */
	bool *on_board;      /* [rep] */
	size_t reps;         /* reps on board */
};

static struct category_cover *cover_of(struct coverage *cv, const char *name, size_t nreps)
{
	bool created;
	size_t *index = table_upsert(cv->index, name, strlen(name), &created);
	if (created) {
		xgrow((void **)&cv->cat, &cv->cap, cv->n + 1, sizeof *cv->cat);
		cv->cat[cv->n] = (struct category_cover){ name, xcalloc(nreps + 1, sizeof(bool)), 0 };
		*index = ++cv->n;
	}
	return &cv->cat[*index - 1];
}

static int compare_covers(const void *pa, const void *pb)
{
	return strcmp(((const struct category_cover *)pa)->name, ((const struct category_cover *)pb)->name);
}

/* Per category of the goals of the current period (and per --require): the reps on
 * board who hold such a goal themselves (a team's goal is not an individual's). */
static void count_coverage(struct check *ck, struct coverage *cv)
{
	static const bool every[LEVEL_COUNT] = { true, true, true, true };
	const struct roster *r = &ck->roster;
	memset(cv, 0, sizeof *cv);
	cv->index = table_new(sizeof(size_t));
	cv->on_board = xcalloc(r->nreps + 1, sizeof *cv->on_board);
	for (size_t i = 0; i < r->nreps; i++)
		if ((cv->on_board[i] = rep_on_board(ck, &r->rep[i])))
			cv->reps++;
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			if (g->used || !g->category[0] || g->period.start > ck->opt->as_of ||
			    period_end(g->period) <= ck->opt->as_of)
				continue;
			struct category_cover *c = cover_of(cv, g->category, r->nreps);
			enum level level, other;
			if (roster_level_of(r, g->owner, g->owner_len, every, &level, &other) != NAME_FOUND ||
			    level != LEVEL_REP)
				continue;
			const struct roster_rep *e = roster_find_rep(r, g->owner, g->owner_len);
			if (e)
				c->has[e - r->rep] = true;
		}
	}
	for (size_t k = 0; k < ck->opt->nrequire; k++)
		cover_of(cv, ck->opt->require[k].category, r->nreps);
	for (size_t k = 0; k < cv->n; k++)
		for (size_t i = 0; i < r->nreps; i++)
			cv->cat[k].with += cv->cat[k].has[i] && cv->on_board[i];
	if (cv->n > 1)
		qsort(cv->cat, cv->n, sizeof *cv->cat, compare_covers);
}

/* with ÷ reps with 4 decimals; empty with no reps (as a ratio of nothing is). */
static void format_coverage(size_t with, size_t reps, char buf[DECIMAL_BUFSIZE])
{
	decimal share;
	buf[0] = '\0';
	if (reps && decimal_div(decimal_from_int((int64_t)with), decimal_from_int((int64_t)reps), 4, ROUND_HALF_AWAY,
				&share))
		decimal_format(share, 4, buf, DECIMAL_BUFSIZE);
}

static void write_coverage(const struct coverage *cv)
{
	struct output out;
	char line[3 * DECIMAL_BUFSIZE];
	output_open(&out, NULL);
	output_str(&out, "category\treps\twith_goal\tcoverage\n");
	for (size_t k = 0; k < cv->n; k++) {
		char share[DECIMAL_BUFSIZE];
		format_coverage(cv->cat[k].with, cv->reps, share);
		output_field(&out, cv->cat[k].name, strlen(cv->cat[k].name));
		snprintf(line, sizeof line, "\t%zu\t%zu\t%s\n", cv->reps, cv->cat[k].with, share);
		output_str(&out, line);
	}
	output_close(&out);
}

static const struct category_cover *find_cover(const struct coverage *cv, const char *name)
{
	for (size_t k = 0; k < cv->n; k++)
		if (strcmp(cv->cat[k].name, name) == 0)
			return &cv->cat[k];
	return NULL;
}

/* --require: fails below the share, naming every rep on board without such a goal, in
 * roster order, so the list is the to-do list. */
static void check_requirements(struct check *ck, const struct coverage *cv)
{
	const struct roster *r = &ck->roster;
	for (size_t k = 0; k < ck->opt->nrequire; k++) {
		const struct requirement *q = &ck->opt->require[k];
		const struct category_cover *c = find_cover(cv, q->category);
		decimal needed;
		if (!decimal_mul(q->share, decimal_from_int((int64_t)cv->reps), DECIMAL_PLACES, ROUND_HALF_EVEN,
				 &needed) ||
		    decimal_cmp(decimal_from_int((int64_t)c->with), needed) >= 0)
			continue;
		char name[512] = "", share[DECIMAL_BUFSIZE], required[DECIMAL_BUFSIZE];
		diag_quote_value(name, sizeof name, q->category, strlen(q->category));
		format_coverage(c->with, cv->reps, share);
		decimal_format(q->share, -1, required, sizeof required);
		fprintf(stderr, "%s: error: %s goals cover %zu of %zu rep%s (%s), below the required %s; without one: ",
			diag_program(), name, c->with, cv->reps, cv->reps == 1 ? "" : "s", share, required);
		const char *sep = "";
		for (size_t i = 0; i < r->nreps; i++) {
			if (!cv->on_board[i] || c->has[i])
				continue;
			char rep[512] = "";
			diag_quote_value(rep, sizeof rep, r->rep[i].name[LEVEL_REP], r->rep[i].len[LEVEL_REP]);
			fprintf(stderr, "%s%s", sep, rep);
			sep = ", ";
		}
		fputc('\n', stderr);
		ck->errors++;
	}
}

static void free_coverage(struct coverage *cv)
{
	for (size_t k = 0; k < cv->n; k++)
		free(cv->cat[k].has);
	free(cv->cat);
	free(cv->on_board);
	table_free(cv->index);
}

/* ---- the command ---- */

static void summarize(const struct check *ck)
{
	uint64_t goals = 0;
	for (size_t f = 0; f < ck->nsheets; f++)
		goals += ck->sheet[f].read;
	fprintf(stderr, "%s: %llu goal%s checked: %llu error%s, %llu warning%s\n", diag_program(),
		(unsigned long long)goals, goals == 1 ? "" : "s", (unsigned long long)ck->errors,
		ck->errors == 1 ? "" : "s", (unsigned long long)ck->warnings, ck->warnings == 1 ? "" : "s");
}

static void free_check(struct check *ck)
{
	for (size_t f = 0; f < ck->nsheets; f++)
		goal_sheet_free(&ck->sheet[f]);
	free(ck->sheet);
	free(ck->paths);
	if (ck->has_roster)
		roster_free(&ck->roster);
	metric_catalog_free(&ck->metrics);
}

int goal_check(int argc, char **argv)
{
	static char stdin_name[] = "-";
	static char *stdin_only[] = { stdin_name };
	struct check_options o;
	struct check ck;
	subcommand_begin(argv, "check");
	int first = parse_check_options(argc, argv, &o);
	memset(&ck, 0, sizeof ck);
	ck.opt = &o;
	metric_catalog_load(&ck.metrics, o.metrics);
	if (o.roster) {
		roster_load(&ck.roster, o.roster, LEVEL_COUNT);
		ck.has_roster = true;
	}
	char **sheets = first < argc ? argv + first : stdin_only;
	size_t nsheets = first < argc ? (size_t)(argc - first) : 1;
	ck.paths = xcalloc(nsheets + 1, sizeof *ck.paths);
	ck.paths[0] = (char *)(o.roster ? o.roster : "-");
	diag_on_fatal(print_findings_at_exit, &ck);
	for (size_t i = 0; i < nsheets; i++)
		ck.paths[i + 1] = sheets[i];

	read_sheets(&ck, sheets, nsheets);
	find_duplicates_across_sheets(&ck);
	struct table *history = o.history ? read_history(&ck, o.history) : NULL;
	check_goals(&ck, history);
	check_overlaps(&ck);
	struct coverage cv;
	if (ck.has_roster)
		count_coverage(&ck, &cv);
	diag_forget(&ck);
	print_findings(&ck);
	if (ck.has_roster) {
		write_coverage(&cv);
		check_requirements(&ck, &cv);
		free_coverage(&cv);
	}
	if (!o.quiet)
		summarize(&ck);
	int status = ck.errors ? SPM_EXIT_DATA : SPM_EXIT_OK;
	free_history(history);
	free_check(&ck);
	free_check_options(&o);
	return status;
}
