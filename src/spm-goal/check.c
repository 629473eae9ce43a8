/* spm-goal check: a SMART lint of goal sheets. Every problem is reported (not just the
 * first), as an error (the goal cannot stand: exit 1) or a warning (worth a look). The
 * growth bound lives in history.c, the coverage of goal categories in coverage.c. */
#include "check.h"

#include "cli.h"
#include "diag.h"
#include "input.h"
#include "number.h"
#include "options.h"
#include "table.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	       "sheet is read from standard input. Without --as-of (and $SPM_AS_OF), a set of sheets\n"
	       "whose periods are all over by today (last year's) is checked as of the first day of\n"
	       "its earliest period, and a note says so.\n"
	       "\n"
	       "      --roster R            roster: owners must be its reps, teams, managers or\n"
	       "                            regions; coverage is counted over its reps on\n"
	       "                            the books at the as-of date (start, end columns)\n"
	       "      --roster-map FILE     the roster's columns under other names: TSV lines\n"
	       "                            'canonical<TAB>source' (e.g. 'rep<TAB>sales_agent')\n"
	       "      --level LEVEL         an owner that the roster names at LEVEL (rep, team,\n"
	       "                            manager or region) is taken at LEVEL: a player-coach,\n"
	       "                            both a rep and a manager of others, is then no error\n"
	       "      --metrics-file FILE   metrics file: its metrics and categories are known too\n"
	       "                            (--metrics FILE: deprecated name of the same option)\n"
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
	       "      --csv, --tsv          the sheets are CSV, or TSV (default: by name, .csv is CSV;\n"
	       "                            standard input is TSV)\n"
	       "  -o, --output FILE         write the coverage to FILE atomically, not to standard output\n"
	       "  -q, --quiet               no summary line and no note on standard error\n"
	       "  -h, --help                display this help and exit\n"
	       "  -V, --version             output version information and exit\n"
	       "\n"
	       "Exit status: 0 no error (warnings allowed), 1 an error or a failed --require,\n"
	       "2 usage or I/O error.\n"
	       "\n"
	       "Examples:\n"
	       "  spm-goal check --roster roster.tsv --history actuals-2025.tsv \\\n"
	       "    --require innovation=0.95 --as-of 2026-07-01 goals-2026q3.tsv\n"
	       "  spm-goal check --roster roster.tsv --level rep goals.tsv\n"
	       "  spm-goal check --csv < goals-export.csv\n");
	exit(SPM_EXIT_OK);
}

/* ---- options ---- */

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

enum { OPT_HISTORY = CLI_OPT_PROGRAM, OPT_MAX_GROWTH, OPT_REQUIRE, OPT_CATEGORIES, OPT_LEVEL };

/* The options being parsed: --categories is read at the end (its default otherwise). */
struct check_parse {
	struct check_options *o;
	const char *categories;
	size_t require_cap;
};

/* check's own options, given to it by cli_parse. */
static bool check_option(int c, const char *arg, void *ctx)
{
	struct check_parse *cp = ctx;
	struct check_options *o = cp->o;
	switch (c) {
	case OPT_HISTORY: o->history = arg; return true;
	case OPT_MAX_GROWTH: o->max_growth = positive_option("--max-growth", arg); return true;
	case OPT_REQUIRE: add_requirement(o, &cp->require_cap, arg); return true;
	case OPT_CATEGORIES: cp->categories = arg; return true;
	case OPT_LEVEL:
		if (!parse_level(arg, &o->level))
			diag_usage("--level: expected rep, team, manager or region (\"%s\")", arg);
		o->level_set = true;
		return true;
	default: return false;
	}
}

static int parse_check_options(int argc, char **argv, struct check_options *o)
{
	static const struct option longopts[] = {
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "max-growth", required_argument, NULL, OPT_MAX_GROWTH },
		{ "require", required_argument, NULL, OPT_REQUIRE },
		{ "categories", required_argument, NULL, OPT_CATEGORIES },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	decimal_parse("1.5", 3, DECIMAL_POINT, &o->max_growth); /* the default bound */
	struct check_parse cp = { o, NULL, 0 };
	goal_parse_options(argc, argv, GOAL_TAKES_SHEET | CLI_TAKES_AS_OF, longopts, NULL, check_option, &cp, usage,
			   &o->c);
	if (o->nrequire && !o->c.roster)
		diag_usage("--require needs --roster (coverage is counted over the roster's reps)");
	if (o->c.output && !o->c.roster)
		diag_usage("-o needs --roster (the coverage of categories is what check writes)");
	if (o->level_set && !o->c.roster)
		diag_usage("--level needs --roster (the level each owner is named at)");
	const char *env = getenv("SPM_AS_OF");
	o->as_of_given = o->c.as_of || (env && *env);
	o->as_of = as_of_option(o->c.as_of);
	parse_categories(o, cp.categories ? cp.categories : default_categories);
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

void check_report(struct check *ck, size_t file, uint64_t line, bool error, const char *column,
		  const char *message, const char *value, size_t value_len)
{
	/* printed later, not by diag: the message (which may name an owner, a column or a
	 * file) is escaped here as diag would escape it */
	char *said = xmalloc(4 * strlen(message) + 1);
	diag_escape(said, message, strlen(message));
	const char *col = column ? column : ""; /* a roster's header name: escaped too */
	char *named = xmalloc(4 * strlen(col) + 1);
	diag_escape(named, col, strlen(col));
	struct sbuf b = { 0 };
	sb_printf(&b, "%s: %s%s%s", error ? "error" : "warning", named, column ? ": " : "", said);
	if (value) {
		sb_str(&b, " (\"");
		sb_quote_value(&b, value, value_len);
		sb_str(&b, "\")");
	}
	char *text = b.s; /* the finding owns it */
	free(said);
	free(named);
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
		diag_escaped_at(ck->paths[f->file], f->line, f->text);
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

/* A goal's own fields, quoted in its findings: the target exactly, as the sheet gave it. */
void check_report_goalf(struct check *ck, size_t file, const struct goal *g, bool error, enum goal_column column,
			const char *fmt, ...)
{
	struct sbuf message = { 0 };
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&message, fmt, ap);
	va_end(ap);
	check_report_goal(ck, file, g, error, column, sb_text(&message));
	sb_free(&message);
}

void check_report_goal(struct check *ck, size_t file, const struct goal *g, bool error, enum goal_column column,
		       const char *message)
{
	char text[NUMBER_BUFSIZE > PERIOD_LABEL_SIZE ? NUMBER_BUFSIZE : PERIOD_LABEL_SIZE];
	const char *value = text;
	size_t len;
	switch (column) {
	case G_OWNER: value = g->owner, len = g->owner_len; break;
	case G_PERIOD: len = period_format(g->period, text); break;
	case G_METRIC: value = g->metric_name, len = strlen(value); break;
	case G_TARGET: len = number_exact(g->target, text); break;
	case G_CATEGORY: value = g->category, len = strlen(value); break;
	case G_DIRECTION: value = goal_direction_name(g->direction), len = strlen(value); break;
	default: value = NULL, len = 0; break;
	}
	if (value && len == 0)
		value = NULL; /* ("") says nothing the message does not */
	check_report(ck, file, g->line, error, column < G_COUNT ? goal_column_name(column) : NULL, message,
		     value, len);
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
	check_report(sr->ck, sr->file, row->line, true, column, message, value, value_len);
	return 0; /* go on: check reports every bad row, not just the first */
}

static void read_sheets(struct check *ck, char **paths, size_t n)
{
	ck->nsheets = n;
	ck->sheet = xcalloc(n, sizeof *ck->sheet);
	for (size_t i = 0; i < n; i++) {
		struct sheet_reading sr = { ck, i + 1 };
		struct goal_read_options o = {
			.fiscal_start = ck->opt->c.fiscal_start,
			.metrics = &ck->metrics,
			.unknown_metrics_ok = true, /* reported below, as not measurable */
			.format = ck->opt->c.format,
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
			struct sbuf message = { 0 };
			goal_duplicate_message(g, "in", ck->paths[first->file], first->line, &message);
			check_report_goal(ck, f + 1, g, true, G_COUNT, sb_text(&message));
			sb_free(&message);
			g->used = true;
		}
	}
	free(key);
	table_free(seen);
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

/* The level the roster names an owner at: with --level, that level whenever the roster
 * has the name there (a player-coach is then a rep, or a manager), else the lowest. */
enum name_lookup check_owner_level(const struct check *ck, const struct goal *g, enum level *found)
{
	static const bool every[LEVEL_COUNT] = { true, true, true, true };
	enum level other;
	if (ck->opt->level_set) {
		bool only[LEVEL_COUNT] = { false };
		only[ck->opt->level] = true;
		if (roster_level_of(&ck->roster, g->owner, g->owner_len, only, found, &other) == NAME_FOUND)
			return NAME_FOUND;
	}
	return roster_level_of(&ck->roster, g->owner, g->owner_len, every, found, &other);
}

static void check_owner(struct check *ck, size_t file, const struct goal *g)
{
	static const bool every[LEVEL_COUNT] = { true, true, true, true };
	enum level found, other;
	if (check_owner_level(ck, g, &found) == NAME_FOUND)
		return;
	switch (roster_level_of(&ck->roster, g->owner, g->owner_len, every, &found, &other)) {
	case NAME_FOUND:
		return;
	case NAME_UNKNOWN:
		check_report_goal(ck, file, g, true, G_OWNER, "specific: not a rep, team, manager or region of the roster");
		return;
	case NAME_AMBIGUOUS:
		check_report_goalf(ck, file, g, true, G_OWNER,
				   "specific: names both a %s and a %s of other reps in the roster; say which with "
				   "--level %s or --level %s (here and in spm-track)",
				   level_names[found], level_names[other], level_names[found], level_names[other]);
		return;
	}
}

static void check_metric(struct check *ck, size_t file, const struct goal *g)
{
	if (g->metric)
		return;
	if (ck->opt->c.metrics)
		check_report_goalf(ck, file, g, true, G_METRIC, "measurable: unknown metric (not built in, not in %s)",
				   ck->opt->c.metrics);
	else
		check_report_goal(ck, file, g, true, G_METRIC,
				  "measurable: unknown metric (custom metrics need --metrics-file)");
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
	check_report_goal(ck, file, g, true, G_PERIOD, message);
}

static void check_category(struct check *ck, size_t file, const struct goal *g)
{
	if (!g->category[0]) {
		check_report_goal(ck, file, g, false, G_CATEGORY, "relevant: no category: the goal is tied to no objective");
		return;
	}
	if (known_category(ck, g->category))
		return;
	char *known = known_categories(ck);
	size_t size = strlen(known) + 64;
	char *message = xmalloc(size);
	snprintf(message, size, "relevant: unknown category (known: %s)", known);
	check_report_goal(ck, file, g, false, G_CATEGORY, message);
	free(message);
	free(known);
}

/* A direction written against the metric's own: the score would reward the wrong way. */
static void check_direction(struct check *ck, size_t file, const struct goal *g)
{
	if (g->direction == DIRECTION_DEFAULT || !g->metric || (g->direction == DIRECTION_LOWER) == g->metric->lower)
		return;
	check_report_goalf(ck, file, g, false, G_DIRECTION, "relevant: contradicts the metric's direction (%s is better for %s)",
			   goal_direction_name(g->metric->lower ? DIRECTION_LOWER : DIRECTION_HIGHER), g->metric->name);
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
				check_report_goal(ck, f + 1, g, true, G_TARGET, "achievable: a goal of 0 asks for nothing");
			else if (history)
				history_check_growth(ck, f + 1, g, history);
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
				char label[PERIOD_LABEL_SIZE];
				period_format(a->period, label);
				if (ref[i].file == ref[j].file) /* the same sheet: its line is enough */
					check_report_goalf(ck, ref[j].file, b, false, G_PERIOD,
							   "time-bound: overlaps the goal for %s of the same owner and metric on line %llu",
							   label, (unsigned long long)a->line);
				else
					check_report_goalf(ck, ref[j].file, b, false, G_PERIOD,
							   "time-bound: overlaps the goal for %s of the same owner and metric in %s:%llu",
							   label, ck->paths[ref[i].file], (unsigned long long)a->line);
				break;
			}
		}
		run = stop;
	}
	free(ref);
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

/* Without --as-of or $SPM_AS_OF, sheets whose periods are all over by today (last year's,
 * checked for a review) would have every goal "already over": they are checked as of the
 * first day of their earliest period instead, and a note says so. */
static void default_as_of(struct check_options *o, const struct check *ck)
{
	spm_day first = 0, last = 0;
	bool any = false;
	if (o->as_of_given)
		return;
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			spm_day end = period_end(g->period);
			if (!any || g->period.start < first)
				first = g->period.start;
			if (!any || end > last)
				last = end;
			any = true;
		}
	}
	if (!any || last > o->as_of)
		return;
	o->as_of = first;
	if (!o->c.quiet) {
		char day[DATE_TEXT_SIZE];
		date_format(first, day);
		fprintf(stderr, "%s: note: every goal's period is over by today: checked as of %s, the first day of "
				"the earliest (--as-of DATE to choose)\n",
			diag_program(), day);
	}
}

static void files_check(const struct check_options *o, char **sheets, size_t nsheets)
{
	struct run_files rf;
	memset(&rf, 0, sizeof rf);
	for (size_t i = 0; i < nsheets; i++)
		run_files_input(&rf, NULL, sheets[i]);
	cli_roster_files(&rf, o->c.roster);
	run_files_input(&rf, "--metrics-file", o->c.metrics);
	run_files_input(&rf, "--history", o->history);
	run_files_output(&rf, "-o", o->c.output);
	run_files_check(&rf);
	run_files_free(&rf);
}

int goal_check(int argc, char **argv)
{
	static char stdin_name[] = "-";
	static char *stdin_only[] = { stdin_name };
	struct check_options o;
	struct check ck;
	subcommand_begin(argv, "check");
	int first = parse_check_options(argc, argv, &o);
	char **sheets = first < argc ? argv + first : stdin_only;
	size_t nsheets = first < argc ? (size_t)(argc - first) : 1;
	files_check(&o, sheets, nsheets);
	memset(&ck, 0, sizeof ck);
	ck.opt = &o;
	metric_catalog_load(&ck.metrics, o.c.metrics);
	if (o.c.roster) {
		roster_load(&ck.roster, o.c.roster, o.level_set ? o.level : LEVEL_COUNT);
		ck.has_roster = true;
	}
	ck.paths = xcalloc(nsheets + 1, sizeof *ck.paths);
	ck.paths[0] = (char *)(o.c.roster ? o.c.roster : "-");
	diag_on_fatal(print_findings_at_exit, &ck);
	for (size_t i = 0; i < nsheets; i++)
		ck.paths[i + 1] = sheets[i];

	read_sheets(&ck, sheets, nsheets);
	find_duplicates_across_sheets(&ck);
	default_as_of(&o, &ck);
	struct table *history = o.history ? history_read(&ck, o.history) : NULL;
	check_goals(&ck, history);
	check_overlaps(&ck);
	struct coverage cv;
	if (ck.has_roster)
		coverage_count(&ck, &cv);
	diag_forget(&ck);
	print_findings(&ck);
	if (ck.has_roster) {
		coverage_write(&cv, o.c.output);
		coverage_check_requirements(&ck, &cv);
		coverage_free(&cv);
	}
	if (!o.c.quiet)
		summarize(&ck);
	int status = ck.errors ? SPM_EXIT_DATA : SPM_EXIT_OK;
	history_free(history);
	free_check(&ck);
	free_check_options(&o);
	return status;
}
