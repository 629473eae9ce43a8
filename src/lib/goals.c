/* Goal sheets: reading with every row checked (period, metric, target, weight, direction,
 * owner against a roster, duplicates), and writing them back sorted. */
#include "goals.h"

#include "arena.h"
#include "diag.h"
#include "number.h"
#include "stream.h"
#include "reject.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum column goal_columns[G_COUNT] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_TARGET,
						   COL_WEIGHT, COL_CATEGORY, COL_DIRECTION };

const char *goal_column_name(enum goal_column c)
{
	return column_name(goal_columns[c]);
}

size_t goal_number(const struct metric *m, decimal d, char *buf)
{
	if (m && m->places == RATIO_PLACES)
		return number_at_least(d, RATIO_PLACES, buf); /* win_rate 0.3000, never cut */
	if (m && m->places == MONEY_PLACES)
		return number_money(d, buf); /* won_revenue, pipeline, averages of money */
	return number_exact(d, buf);         /* counts (whole), metrics of no known kind */
}

void output_goal_number(struct output *o, const struct metric *m, decimal d)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(o, buf, goal_number(m, d, buf));
}

void goal_sheet_init(struct goal_sheet *g)
{
	memset(g, 0, sizeof *g);
	g->index = table_new_large(sizeof(size_t)); /* hundreds of thousands of goals at scale */
}

void goal_sheet_init_like(struct goal_sheet *g, const struct goal_sheet *like)
{
	goal_sheet_init(g);
	memcpy(g->has_column, like->has_column, sizeof g->has_column);
	g->extra_column = xcalloc(like->nextra + 1, sizeof *g->extra_column);
	for (size_t k = 0; k < like->nextra; k++)
		g->extra_column[k] = xstrdup(like->extra_column[k]);
	g->nextra = like->nextra;
}

void goal_sheet_free(struct goal_sheet *g)
{
	xfree_large(g->goal, g->cap, sizeof *g->goal);
	for (size_t k = 0; k < g->nextra; k++)
		free(g->extra_column[k]);
	free(g->extra_column);
	free(g->key);
	table_free(g->index);
	arena_free(&g->text); /* every goal's texts at once */
	memset(g, 0, sizeof *g);
}

char *goal_sheet_text(struct goal_sheet *g, const char *text)
{
	return arena_strdup(&g->text, text);
}

/* A goal's text in the sheet: the last goal's copy when it is the same text (a sheet's
 * metric names and categories come in runs), else a new one. */
static char *sheet_text(struct goal_sheet *g, const char *text, const char *last)
{
	return last && !strcmp(text, last) ? (char *)last : arena_strdup(&g->text, text);
}

/* (first day, end, metric, owner) with no padding bytes. A period is keyed by its days,
 * not its label: 2026-Q2 and FY2027-Q1 (fiscal year from April) are the same goal. */
static size_t goal_key(struct goal_sheet *g, const char *owner, size_t owner_len, struct period p,
		       const char *metric)
{
	spm_day days[2] = { p.start, period_end(p) };
	size_t mlen = strlen(metric) + 1;
	size_t need = sizeof days + mlen + owner_len;
	xgrow((void **)&g->key, &g->key_cap, need, 1);
	memcpy(g->key, days, sizeof days);
	memcpy(g->key + sizeof days, metric, mlen);
	memcpy(g->key + sizeof days + mlen, owner, owner_len);
	return need;
}

struct goal *goal_sheet_find(struct goal_sheet *g, const char *owner, size_t owner_len, struct period p,
			     const char *metric)
{
	size_t len = goal_key(g, owner, owner_len, p, metric);
	const size_t *index = table_find(g->index, g->key, len);
	return index ? &g->goal[*index - 1] : NULL;
}

static void reindex(struct goal_sheet *g)
{
	table_free(g->index);
	g->index = table_new_large(sizeof(size_t));
	for (size_t i = 0; i < g->n; i++) {
		struct goal *goal = &g->goal[i];
		size_t len = goal_key(g, goal->owner, goal->owner_len, goal->period, goal->metric_name);
		*(size_t *)table_upsert(g->index, g->key, len, NULL) = i + 1;
	}
}

struct goal *goal_sheet_add(struct goal_sheet *g, const struct goal *goal)
{
	size_t len = goal_key(g, goal->owner, goal->owner_len, goal->period, goal->metric_name);
	bool created;
	size_t *index = table_upsert(g->index, g->key, len, &created);
	if (!created)
		return NULL;
	/* 800,000 goals at 200,000 reps: the array in huge pages, the texts in the sheet's
	 * arena (three mallocs and frees a goal were a fifth of spm-track --goals) */
	xgrow_large((void **)&g->goal, &g->cap, g->n + 1, sizeof *g->goal);
	const struct goal *last = g->n ? &g->goal[g->n - 1] : NULL;
	struct goal *copy = &g->goal[g->n];
	*copy = *goal;
	copy->owner = arena_memdup0(&g->text, goal->owner, goal->owner_len);
	copy->metric_name = sheet_text(g, goal->metric_name, last ? last->metric_name : NULL);
	copy->category = sheet_text(g, goal->category ? goal->category : "", last ? last->category : NULL);
	period_format(copy->period, copy->label);
	copy->extra = g->nextra ? arena_calloc(&g->text, g->nextra, sizeof *copy->extra) : NULL;
	for (size_t k = 0; k < g->nextra; k++)
		copy->extra[k] = arena_strdup(&g->text, goal->extra && goal->extra[k] ? goal->extra[k] : "");
	*index = ++g->n;
	return copy;
}

static int compare_goals(const void *pa, const void *pb)
{
	const struct goal *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if ((c = strcmp(a->label, b->label)))
		return c;
	return strcmp(a->metric_name, b->metric_name);
}

void goal_sheet_sort(struct goal_sheet *g)
{
	if (g->n > 1)
		qsort(g->goal, g->n, sizeof *g->goal, compare_goals);
	reindex(g);
}

/* ---- writing ---- */

/* Fields of a TSV sheet (escaped) or of a CSV one (quoted). */
struct sheet_writer {
	struct output *o;
	bool csv;
	bool first; /* no separator before the first field of a line */
};

static void put_field(struct sheet_writer *w, const char *s, size_t len)
{
	if (!w->first)
		output_bytes(w->o, w->csv ? "," : "\t", 1);
	w->first = false;
	if (w->csv)
		output_csv_field(w->o, s, len);
	else
		output_field(w->o, s, len);
}

static void put_text(struct sheet_writer *w, const char *s)
{
	put_field(w, s, strlen(s));
}

static void put_number(struct sheet_writer *w, const char *buf, size_t len)
{
	put_field(w, buf, len);
}

static void end_line(struct sheet_writer *w)
{
	output_bytes(w->o, w->csv ? "\r\n" : "\n", w->csv ? 2 : 1); /* RFC 4180 lines end in CRLF */
	w->first = true;
}

void goal_sheet_columns(const struct goal_sheet *g, bool with[G_COUNT])
{
	memcpy(with, g->has_column, G_COUNT * sizeof *with);
	for (size_t i = 0; i < g->n; i++) {
		with[G_WEIGHT] |= g->goal[i].has_weight;
		with[G_CATEGORY] |= g->goal[i].category && g->goal[i].category[0];
		with[G_DIRECTION] |= g->goal[i].direction != DIRECTION_DEFAULT;
	}
}

void goal_sheet_write_header(struct output *o, const struct goal_sheet *g, bool csv, const bool with[G_COUNT])
{
	struct sheet_writer w = { o, csv, true };
	for (int c = 0; c < G_COUNT; c++)
		if (c <= G_TARGET || with[c])
			put_text(&w, column_name(goal_columns[c]));
	for (size_t k = 0; k < g->nextra; k++)
		put_text(&w, g->extra_column[k]);
	end_line(&w);
}

void goal_sheet_write_goal(struct output *o, const struct goal_sheet *g, const struct goal *goal, const char *label,
			   decimal target, bool csv, const bool with[G_COUNT])
{
	struct sheet_writer w = { o, csv, true };
	put_field(&w, goal->owner, goal->owner_len);
	put_text(&w, label);
	put_text(&w, goal->metric_name);
	char number[NUMBER_BUFSIZE];
	put_number(&w, number, goal_number(goal->metric, target, number));
	if (with[G_WEIGHT]) {
		if (goal->has_weight)
			put_number(&w, number, number_exact(goal->weight, number));
		else
			put_text(&w, "");
	}
	if (with[G_CATEGORY])
		put_text(&w, goal->category);
	if (with[G_DIRECTION])
		put_text(&w, goal_direction_name(goal->direction));
	for (size_t k = 0; k < g->nextra; k++)
		put_text(&w, goal->extra[k]);
	end_line(&w);
}

void goal_sheet_write(struct output *o, const struct goal_sheet *g, bool csv)
{
	bool with[G_COUNT];
	goal_sheet_columns(g, with);
	goal_sheet_write_header(o, g, csv, with);
	for (size_t i = 0; i < g->n; i++) {
		char label[PERIOD_LABEL_SIZE];
		period_format(g->goal[i].period, label);
		goal_sheet_write_goal(o, g, &g->goal[i], label, g->goal[i].target, csv, with);
	}
}

/* ---- reading ---- */

struct goal_reader {
	struct goal_sheet *sheet;
	const struct goal_read_options *opt;
	const struct header *header;
	long col[G_COUNT];
	long *extra_col; /* header index of each extra column */
	struct file_problem problem;
	struct sbuf message; /* a problem's message when it names levels, lines or the goal */
	char count[128];     /* "wrong number of fields": two numbers */
};

/* A bad row: to the reject file or the caller's hook (which may go on), else stop. */
static int bad_goal(struct goal_reader *gr, const struct row *row, enum goal_column c, const char *message)
{
	const char *column = c < G_COUNT ? column_name(goal_columns[c]) : NULL;
	long i = c < G_COUNT ? gr->col[c] : -1;
	const char *value = i >= 0 && (size_t)i < row->count ? row->field[i] : NULL;
	size_t value_len = value ? row->len[i] : 0;
	struct output *reject = gr->opt->reject;
	if (reject) {
		struct sbuf reason = { 0 };
		/* the message may name an owner or a column of the sheet: escaped as diag would */
		char *text = xmalloc(4 * strlen(message) + 1);
		diag_escape(text, message, strlen(message));
		sb_printf(&reason, "line %llu: %s%s%s", (unsigned long long)row->line, column ? column : "",
			  column ? ": " : "", text);
		free(text);
		if (value) {
			sb_str(&reason, " (\"");
			sb_quote_value(&reason, value, value_len);
			sb_str(&reason, "\")");
		}
		reject_write_row(reject, row, gr->header->count, sb_text(&reason));
		sb_free(&reason);
		gr->sheet->rejected++;
		return 0;
	}
	if (gr->opt->on_problem && gr->opt->on_problem(gr->opt->ctx, row, column, value, value_len, message) == 0) {
		gr->sheet->rejected++;
		return 0;
	}
	file_problem_at(&gr->problem, row, column, NULL, message);
	if (value)
		file_problem_value(&gr->problem, value, value_len);
	/* the message may live in gr->message, which the next row would overwrite: none comes */
	return 1;
}

/* The level a goal's owner is named at; NULL if found, else the problem. */
static const char *owner_level(struct goal_reader *gr, const char *owner, size_t len, enum level *out)
{
	const struct roster *r = gr->opt->roster;
	*out = LEVEL_REP;
	if (!r)
		return NULL;
	if (gr->opt->level_set) {
		*out = gr->opt->level;
		if (table_find(r->names[*out], owner, len))
			return NULL;
		sb_reset(&gr->message);
		sb_printf(&gr->message, "not a %s in the roster (--level %s)", level_names[*out], level_names[*out]);
		return sb_text(&gr->message);
	}
	const bool every[LEVEL_COUNT] = { true, true, true, true };
	enum level other;
	switch (roster_level_of(r, owner, len, every, out, &other)) {
	case NAME_FOUND:
		return NULL;
	case NAME_UNKNOWN:
		return "not in the roster (as a rep, team, manager or region)";
	case NAME_AMBIGUOUS:
		sb_reset(&gr->message);
		sb_printf(&gr->message, "names both a %s and a %s of other reps in the roster; say which with --level",
			  level_names[*out], level_names[other]);
		return sb_text(&gr->message);
	}
	return NULL;
}

static const char *field_of(const struct goal_reader *gr, const struct row *row, enum goal_column c, size_t *len)
{
	long i = gr->col[c];
	*len = i >= 0 ? row->len[i] : 0;
	return i >= 0 ? row->field[i] : "";
}

/* Checks the fields of one row into *goal; nonzero (a bad_goal result) if one is bad. */
static int parse_goal(struct goal_reader *gr, const struct row *row, struct goal *goal, int *verdict)
{
	const struct goal_read_options *o = gr->opt;
	size_t len;
	*verdict = 0;
	if (!row_has_fields(row, gr->header->count, gr->count, sizeof gr->count))
		return *verdict = bad_goal(gr, row, G_COUNT, gr->count), 1;
	/* a NUL byte would silently cut a field short once it is a C string */
	for (int c = 0; c < G_COUNT; c++) {
		long i = gr->col[c];
		if (i >= 0 && memchr(row->field[i], '\0', row->len[i]))
			return *verdict = bad_goal(gr, row, (enum goal_column)c, "holds a NUL byte"), 1;
	}
	for (size_t k = 0; k < gr->sheet->nextra; k++) {
		long i = gr->extra_col[k];
		if (memchr(row->field[i], '\0', row->len[i])) {
			/* the header's text, escaped where the message is shown */
			sb_reset(&gr->message);
			sb_printf(&gr->message, "%s: holds a NUL byte", gr->header->name[i]);
			return *verdict = bad_goal(gr, row, G_COUNT, sb_text(&gr->message)), 1;
		}
	}
	const char *owner = field_of(gr, row, G_OWNER, &goal->owner_len);
	if (goal->owner_len == 0)
		return *verdict = bad_goal(gr, row, G_OWNER, "empty owner"), 1;
	const char *problem = owner_level(gr, owner, goal->owner_len, &goal->level);
	if (problem)
		return *verdict = bad_goal(gr, row, G_OWNER, problem), 1;
	goal->owner = (char *)owner;

	const char *period = field_of(gr, row, G_PERIOD, &len);
	if (!period_parse(period, len, o->fiscal_start, &goal->period))
		return *verdict = bad_goal(gr, row, G_PERIOD,
					   period[0] == 'F' && o->fiscal_start == 1
						   ? "not a period label (FY labels need --fiscal-start)"
						   : date_problem(period, len,
								  "not a period label (2026, 2026-H2, 2026-Q3, 2026-11, 2026-W48, 2026-11-26)")),
		       1;

	const char *metric = field_of(gr, row, G_METRIC, &len);
	if (!is_metric_name(metric) || strlen(metric) != len)
		return *verdict = bad_goal(gr, row, G_METRIC, "not a metric name (lowercase letters, digits and _)"), 1;
	goal->metric_name = (char *)metric;
	goal->metric = o->metrics ? metric_find(o->metrics, metric) : NULL;
	if (o->metrics && !goal->metric && !o->unknown_metrics_ok)
		return *verdict = bad_goal(gr, row, G_METRIC,
					   o->metrics->nall > M_BUILTIN_COUNT
						   ? "unknown metric (not built in, not in the metrics file)"
						   : "unknown metric (custom metrics need a metrics file)"),
		       1;

	const char *target = field_of(gr, row, G_TARGET, &len);
	enum decimal_status st = decimal_parse(target, len, DECIMAL_POINT, &goal->target);
	if (st == DECIMAL_EMPTY)
		return *verdict = bad_goal(gr, row, G_TARGET, "empty target"), 1;
	if (st != DECIMAL_OK)
		return *verdict = bad_goal(gr, row, G_TARGET, decimal_strerror(st)), 1;
	if (decimal_sign(goal->target) < 0)
		return *verdict = bad_goal(gr, row, G_TARGET, "negative target"), 1;

	goal->weight = decimal_from_int(1);
	const char *weight = field_of(gr, row, G_WEIGHT, &len);
	if (len) {
		st = decimal_parse(weight, len, DECIMAL_POINT, &goal->weight);
		if (st != DECIMAL_OK)
			return *verdict = bad_goal(gr, row, G_WEIGHT, decimal_strerror(st)), 1;
		if (decimal_sign(goal->weight) < 0)
			return *verdict = bad_goal(gr, row, G_WEIGHT, "negative weight"), 1;
		goal->has_weight = true;
	}

	goal->category = (char *)field_of(gr, row, G_CATEGORY, &len);
	const char *direction = field_of(gr, row, G_DIRECTION, &len);
	if (!goal_direction_parse(direction, len, &goal->direction))
		return *verdict = bad_goal(gr, row, G_DIRECTION, "expected higher or lower"), 1;
	goal->lower = goal->direction == DIRECTION_LOWER ||
		      (goal->direction == DIRECTION_DEFAULT && goal->metric && goal->metric->lower);
	return 0;
}

void goal_duplicate_message(const struct goal *g, const char *where, const char *file, uint64_t line,
			    struct sbuf *b)
{
	char label[PERIOD_LABEL_SIZE];
	period_format(g->period, label);
	sb_str(b, "duplicate goal: \"");
	sb_cut_value(b, g->owner, g->owner_len); /* escaped where it is shown */
	sb_printf(b, "\" %s %s already has a goal %s %s%s%llu", label, g->metric_name, where, file ? file : "",
		  file ? ":" : "", (unsigned long long)line);
}

static int goal_row(void *ctx, const struct row *row)
{
	struct goal_reader *gr = ctx;
	struct goal_sheet *g = gr->sheet;
	struct goal goal;
	int verdict;
	g->read++;
	memset(&goal, 0, sizeof goal);
	goal.line = row->line;
	if (parse_goal(gr, row, &goal, &verdict))
		return verdict;
	char **extra = g->nextra ? xcalloc(g->nextra, sizeof *extra) : NULL;
	for (size_t k = 0; k < g->nextra; k++)
		extra[k] = (char *)row->field[gr->extra_col[k]];
	goal.extra = extra;
	if (!goal_sheet_add(g, &goal)) { /* one lookup: a duplicate is rare */
		const struct goal *first = goal_sheet_find(g, goal.owner, goal.owner_len, goal.period, goal.metric_name);
		free(extra);
		sb_reset(&gr->message);
		goal_duplicate_message(&goal, "on line", NULL, first->line, &gr->message);
		return bad_goal(gr, row, G_COUNT, sb_text(&gr->message));
	}
	free(extra);
	return 0;
}

void goal_sheet_read(struct goal_sheet *g, const char *path, const struct goal_read_options *o)
{
	/* the extra columns are the file's: goals of two files could not share them */
	if (g->n || g->nextra)
		diag_fatal(SPM_EXIT_USAGE, "%s: internal error: a goal sheet is read into a fresh sheet", path);
	struct source *src = o->empty_ok ? source_open_optional(path, o->format) : source_open(path, o->format);
	if (!src)
		return; /* no input at all: an empty sheet */
	const char *name = source_name(src);
	const struct header *h = source_header(src);
	struct goal_reader gr = { .sheet = g, .opt = o, .header = h };
	struct stream_binding cols;
	stream_bind(STREAM_GOALS, h, name, NULL, 0, &cols); /* a missing or doubled column exits 1 */
	for (int c = 0; c < G_COUNT; c++) {
		gr.col[c] = stream_at(&cols, goal_columns[c]);
		g->has_column[c] = gr.col[c] >= 0;
	}
	gr.extra_col = xcalloc(h->count + 1, sizeof *gr.extra_col);
	for (size_t k = 0; k < h->count; k++) {
		bool known = false;
		for (int c = 0; c < G_COUNT; c++)
			known |= gr.col[c] == (long)k;
		if (known)
			continue;
		g->extra_column = xreallocarray(g->extra_column, g->nextra + 2, sizeof *g->extra_column);
		g->extra_column[g->nextra] = xstrdup(h->name[k]);
		gr.extra_col[g->nextra++] = (long)k;
	}
	if (o->reject) /* the reject file repeats the sheet's header, plus the reason */
		reject_write_header(o->reject, h);
	struct file_problem *fp = &gr.problem;
	read_side_file(src, name, goal_row, &gr, fp); /* exits 1 on the problem that stopped it */
	free(gr.extra_col);
	sb_free(&gr.message);
}
