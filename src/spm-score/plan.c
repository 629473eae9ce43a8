/* Reading and checking incentive plans. A plan file has one row per rule (plan metric rule
 * lower upper rate); each row is checked by itself as it is read (plan_add_row), then the
 * rows of each plan and metric together (plan_build): a plan that could pay two ways, or
 * leave part of an attainment unpaid by mistake, must not pay at all. */
#include "plan.h"

#include "diag.h"
#include "metrics.h"
#include "table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rules, not columns */
const char *const rule_names[RULE_KINDS] = { "rate", "retro", "curve", "threshold", "cap", "bonus", "clawback" };

const enum column plan_columns[PLAN_COLUMNS] = { COL_PLAN, COL_METRIC, COL_RULE, COL_LOWER, COL_UPPER, COL_RATE };

/* Which of lower, upper and rate each rule takes, and whether its rate is an amount. */
static const struct {
	bool lower, upper, rate, amount;
} rule_fields[RULE_KINDS] = {
	[RULE_RATE] = { true, true, true, false },   [RULE_RETRO] = { true, true, true, false },
	[RULE_CURVE] = { true, false, true, false }, [RULE_THRESHOLD] = { true, false, false, false },
	[RULE_CAP] = { false, false, true, true },   [RULE_BONUS] = { true, false, true, true },
	[RULE_CLAWBACK] = { true, false, true, false },
};

void plan_set_init(struct plan_set *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
}

static void free_plan(struct plan *p)
{
	for (size_t k = 0; k < p->nmetrics; k++) {
		free(p->metric[k].name);
		free(p->metric[k].step);
		free(p->metric[k].bonus);
	}
	free(p->metric);
	free(p->name);
}

void plan_set_free(struct plan_set *s)
{
	for (size_t i = 0; i < s->nplans; i++)
		free_plan(&s->plan[i]);
	free(s->plan);
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->row[i].plan);
		free(s->row[i].metric);
	}
	free(s->row);
	for (size_t i = 0; i < s->nwarnings; i++)
		free(s->warning[i].message);
	free(s->warning);
	sb_free(&s->message);
	memset(s, 0, sizeof *s);
}

/* ---- one row ---- */

/* The message of the problem found: of any length (it names plans and metrics). */
__attribute__((format(printf, 2, 3))) static void set_message(struct plan_set *s, const char *fmt, ...)
{
	va_list ap;
	sb_reset(&s->message);
	va_start(ap, fmt);
	sb_vprintf(&s->message, fmt, ap);
	va_end(ap);
}

static bool problem_at(struct file_problem *fp, uint64_t line, const char *column, const char *value, size_t len,
		       const char *message)
{
	memset(fp, 0, sizeof *fp);
	fp->line = line;
	fp->column = column;
	fp->message = message;
	if (value)
		file_problem_value(fp, value, len);
	return false;
}

/* "" and "-" are no value in a field the rule does not use. */
static bool no_value(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '-');
}

static bool is_cents(decimal d)
{
	return decimal_cmp(decimal_round(d, 2, ROUND_HALF_EVEN), d) == 0;
}

/* What a rule needs in a field it takes but lacks. */
static const char *needed_message(enum rule_kind kind, enum plan_column c)
{
	if (c == PLAN_LOWER)
		return kind == RULE_CLAWBACK ? "needed by a clawback rule: the window, in days from the close date"
		       : kind == RULE_CURVE ? "needed by a curve rule: the attainment of the point (1 is 100%)"
		       : kind == RULE_THRESHOLD ? "needed by a threshold rule: the attainment below which nothing is paid"
		       : kind == RULE_BONUS	? "needed by a bonus rule: the attainment that earns it (1 is 100%)"
						: "needed by a band: the attainment where it starts (1 is 100%)";
	if (c == PLAN_UPPER)
		return "needed by a band: the attainment where it ends, or - for no end";
	return kind == RULE_CLAWBACK ? "needed by a clawback rule: the share of the commission recovered (1 is all)"
	       : kind == RULE_CURVE   ? "needed by a curve rule: the payout there, a fraction of the target incentive"
	       : kind == RULE_CAP   ? "needed by a cap rule: the most the metric (or the plan, metric *) pays"
	       : kind == RULE_BONUS ? "needed by a bonus rule: the amount it pays"
				    : "needed by a band: its rate, a fraction of the actual (0.08 is 8%)";
}

/* One of lower, upper, rate: parsed and checked against what the rule takes. */
static bool rule_number(struct plan_set *s, uint64_t line, enum rule_kind kind, enum plan_column c, const char *f,
			size_t len, decimal *out, bool *unbounded, struct file_problem *fp)
{
	const char *column = column_name(plan_columns[c]);
	bool takes = c == PLAN_LOWER ? rule_fields[kind].lower : c == PLAN_UPPER ? rule_fields[kind].upper : rule_fields[kind].rate;
	*out = decimal_zero();
	if (!takes) {
		if (no_value(f, len))
			return true;
		set_message(s, "not used by a %s rule: leave it empty", rule_names[kind]);
		return problem_at(fp, line, column, f, len, sb_text(&s->message));
	}
	if (c == PLAN_UPPER && len == 1 && f[0] == '-') {
		*unbounded = true;
		return true;
	}
	if (len == 0 || (len == 1 && f[0] == '-'))
		return problem_at(fp, line, column, NULL, 0, needed_message(kind, c));
	enum decimal_status st = decimal_parse(f, len, DECIMAL_POINT, out);
	if (st != DECIMAL_OK)
		return problem_at(fp, line, column, f, len, decimal_strerror(st));
	if (decimal_sign(*out) < 0)
		return problem_at(fp, line, column, f, len,
				  c != PLAN_RATE ? "negative attainment" : rule_fields[kind].amount ? "negative amount" : "negative rate");
	if (c == PLAN_RATE && rule_fields[kind].amount && !is_cents(*out))
		return problem_at(fp, line, column, f, len, "an amount in cents: at most 2 decimals");
	return true;
}

bool plan_add_row(struct plan_set *s, uint64_t line, char *const field[PLAN_COLUMNS], const size_t len[PLAN_COLUMNS],
		  struct file_problem *fp)
{
	struct plan_rule r;
	memset(&r, 0, sizeof r);
	r.line = line;
	if (len[PLAN_PLAN] == 0)
		return problem_at(fp, line, column_name(COL_PLAN), NULL, 0, "empty plan name");
	const char *metric = field[PLAN_METRIC];
	bool total = strcmp(metric, "*") == 0;
	if (!total && (!is_metric_name(metric) || strlen(metric) != len[PLAN_METRIC]))
		return problem_at(fp, line, column_name(COL_METRIC), metric, len[PLAN_METRIC],
				  len[PLAN_METRIC] ? "not a metric name (lowercase letters, digits and _), nor * for the plan's total"
						   : "empty metric");
	int kind = -1;
	for (int k = 0; k < RULE_KINDS; k++)
		if (strcmp(field[PLAN_RULE], rule_names[k]) == 0 && strlen(rule_names[k]) == len[PLAN_RULE])
			kind = k;
	if (kind < 0)
		return problem_at(fp, line, column_name(COL_RULE), field[PLAN_RULE], len[PLAN_RULE],
				  "unknown rule (rate, retro, curve, threshold, cap, bonus or clawback)");
	r.kind = (enum rule_kind)kind;
	if (total && r.kind != RULE_CAP)
		return problem_at(fp, line, column_name(COL_METRIC), metric, 1, "* is the plan's total: only a cap applies to it");
	if (!rule_number(s, line, r.kind, PLAN_LOWER, field[PLAN_LOWER], len[PLAN_LOWER], &r.lower, &r.unbounded, fp) ||
	    !rule_number(s, line, r.kind, PLAN_UPPER, field[PLAN_UPPER], len[PLAN_UPPER], &r.upper, &r.unbounded, fp) ||
	    !rule_number(s, line, r.kind, PLAN_RATE, field[PLAN_RATE], len[PLAN_RATE], &r.rate, &r.unbounded, fp))
		return false;
	if (r.kind == RULE_CLAWBACK) {
		if (strcmp(metric, "won_revenue") != 0)
			return problem_at(fp, line, column_name(COL_METRIC), metric, len[PLAN_METRIC],
					  "a clawback recovers commission on reversed deals: its metric is won_revenue");
		if (decimal_cmp(decimal_round(r.lower, 0, ROUND_HALF_EVEN), r.lower) != 0 ||
		    decimal_cmp(r.lower, decimal_from_int(36600)) > 0)
			return problem_at(fp, line, column_name(COL_LOWER), field[PLAN_LOWER], len[PLAN_LOWER],
					  "a window in whole days (at most 36600)");
		if (decimal_cmp(r.rate, decimal_from_int(1)) > 0)
			return problem_at(fp, line, column_name(COL_RATE), field[PLAN_RATE], len[PLAN_RATE],
					  "a share of the commission: at most 1 (all of it)");
	}
	if (rule_fields[r.kind].upper && !r.unbounded && decimal_cmp(r.upper, r.lower) <= 0)
		return problem_at(fp, line, column_name(COL_UPPER), field[PLAN_UPPER], len[PLAN_UPPER],
				  "an empty band: upper must be above lower");
	xgrow((void **)&s->row, &s->rowcap, s->nrows + 1, sizeof *s->row);
	s->row[s->nrows].plan = xmemdup0(field[PLAN_PLAN], len[PLAN_PLAN]);
	s->row[s->nrows].metric = xmemdup0(metric, len[PLAN_METRIC]);
	s->row[s->nrows].rule = r;
	s->nrows++;
	return true;
}

/* ---- the rows together ---- */

static const char *number_text(decimal d, char buf[NUMBER_BUFSIZE])
{
	number_exact(d, buf);
	return buf;
}

static struct plan *add_plan(struct plan_set *s, const char *name, uint64_t line)
{
	for (size_t i = 0; i < s->nplans; i++)
		if (strcmp(s->plan[i].name, name) == 0)
			return &s->plan[i];
	s->plan = xreallocarray(s->plan, s->nplans + 1, sizeof *s->plan);
	struct plan *p = &s->plan[s->nplans++];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->line = line;
	return p;
}

static struct plan_metric *add_metric(struct plan *p, const char *name, uint64_t line)
{
	for (size_t i = 0; i < p->nmetrics; i++)
		if (strcmp(p->metric[i].name, name) == 0)
			return &p->metric[i];
	p->metric = xreallocarray(p->metric, p->nmetrics + 1, sizeof *p->metric);
	struct plan_metric *m = &p->metric[p->nmetrics++];
	memset(m, 0, sizeof *m);
	m->name = xstrdup(name);
	m->base = -1;
	m->line = line;
	return m;
}

static void append_rule(struct plan_rule **list, size_t *n, const struct plan_rule *r)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = *r;
}

/* A second rule of a kind that a metric (or the total) has once. */
static bool second_rule(struct plan_set *s, const struct plan_rule *r, const struct plan_rule *first, const char *what,
			struct file_problem *fp)
{
	set_message(s, "a second %s for %s (the first is on line %llu)", rule_names[r->kind], what,
		 (unsigned long long)first->line);
	return problem_at(fp, r->line, column_name(COL_RULE), NULL, 0, sb_text(&s->message));
}

/* One row into its plan and metric, with the checks that follow from the rows before. */
static bool place_row(struct plan_set *s, const struct plan_row *row, struct file_problem *fp)
{
	const struct plan_rule *r = &row->rule;
	struct plan *p = add_plan(s, row->plan, r->line);
	char a[NUMBER_BUFSIZE], b[NUMBER_BUFSIZE];
	if (strcmp(row->metric, "*") == 0) { /* only a cap gets here */
		if (p->has_cap)
			return second_rule(s, r, &p->cap, "the plan's total", fp);
		p->cap = *r;
		p->has_cap = true;
		return true;
	}
	struct plan_metric *m = add_metric(p, row->metric, r->line);
	switch (r->kind) {
	case RULE_RATE: case RULE_RETRO: case RULE_CURVE:
		if (m->base >= 0 && m->base != (int)r->kind) {
			set_message(s,
				 "%s already pays by %s (line %llu): a metric pays by one of rate, retro or curve", m->name,
				 rule_names[m->base], (unsigned long long)m->step[0].line);
			return problem_at(fp, r->line, column_name(COL_RULE), rule_names[r->kind], strlen(rule_names[r->kind]), sb_text(&s->message));
		}
		if (r->kind == RULE_CURVE && m->nsteps) {
			const struct plan_rule *last = &m->step[m->nsteps - 1];
			int c = decimal_cmp(r->lower, last->lower);
			if (c < 0)
				set_message(s,
					 "decreasing curve x-values: %s comes after %s on line %llu (list the points in order of attainment)",
					 number_text(r->lower, a), number_text(last->lower, b), (unsigned long long)last->line);
			else if (c == 0)
				set_message(s, "a curve x-value twice: %s is the point on line %llu already",
					 number_text(r->lower, a), (unsigned long long)last->line);
			if (c <= 0)
				return problem_at(fp, r->line, column_name(COL_LOWER), NULL, 0, sb_text(&s->message));
		}
		m->base = (int)r->kind;
		append_rule(&m->step, &m->nsteps, r);
		return true;
	case RULE_THRESHOLD:
		if (m->has_threshold)
			return second_rule(s, r, &m->threshold, m->name, fp);
		m->threshold = *r;
		m->has_threshold = true;
		return true;
	case RULE_CAP:
		if (m->has_cap)
			return second_rule(s, r, &m->cap, m->name, fp);
		m->cap = *r;
		m->has_cap = true;
		return true;
	case RULE_BONUS:
		for (size_t i = 0; i < m->nbonus; i++) {
			if (decimal_cmp(m->bonus[i].lower, r->lower) == 0) {
				set_message(s,
					 "a second bonus at attainment %s for %s (the first is on line %llu)",
					 number_text(r->lower, a), m->name, (unsigned long long)m->bonus[i].line);
				return problem_at(fp, r->line, column_name(COL_LOWER), NULL, 0, sb_text(&s->message));
			}
		}
		append_rule(&m->bonus, &m->nbonus, r);
		return true;
	case RULE_CLAWBACK:
		if (m->has_clawback)
			return second_rule(s, r, &m->clawback, m->name, fp);
		m->clawback = *r;
		m->has_clawback = true;
		return true;
	case RULE_KINDS: break;
	}
	return true;
}

static int compare_lower(const void *pa, const void *pb)
{
	const struct plan_rule *a = pa, *b = pb;
	int c = decimal_cmp(a->lower, b->lower);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* Bands of rate or retro cover every attainment from 0 up, once: each starts where the one
 * before ends, and the last has no end. A gap would leave part of an actual unpaid, an
 * overlap pay it twice; either is a mistake in the plan, never a way to write one. */
static bool check_bands(struct plan_set *s, const struct plan *p, struct plan_metric *m, struct file_problem *fp)
{
	char a[NUMBER_BUFSIZE], b[NUMBER_BUFSIZE];
	const char *kind = rule_names[m->base];
	qsort(m->step, m->nsteps, sizeof *m->step, compare_lower);
	const struct plan_rule *first = &m->step[0];
	if (!decimal_is_zero(first->lower)) {
		set_message(s,
			 "gap: the %s bands of %s in plan '%s' start at %s, not at 0 (a band with rate 0 pays nothing)", kind,
			 m->name, p->name, number_text(first->lower, a));
		return problem_at(fp, first->line, column_name(COL_LOWER), NULL, 0, sb_text(&s->message));
	}
	for (size_t i = 1; i < m->nsteps; i++) {
		const struct plan_rule *prev = &m->step[i - 1], *cur = &m->step[i];
		int c = prev->unbounded ? 1 : decimal_cmp(prev->upper, cur->lower);
		if (c == 0)
			continue;
		if (c > 0 && prev->unbounded)
			set_message(s, "overlapping bands: this one overlaps the band on line %llu (%s and up)",
				 (unsigned long long)prev->line, number_text(prev->lower, a));
		else if (c > 0)
			set_message(s, "overlapping bands: this one overlaps the band on line %llu (%s to %s)",
				 (unsigned long long)prev->line, number_text(prev->lower, a), number_text(prev->upper, b));
		else
			set_message(s, "gap: the band on line %llu ends at %s, this one starts at %s",
				 (unsigned long long)prev->line, number_text(prev->upper, a), number_text(cur->lower, b));
		return problem_at(fp, cur->line, column_name(COL_LOWER), NULL, 0, sb_text(&s->message));
	}
	const struct plan_rule *last = &m->step[m->nsteps - 1];
	if (!last->unbounded) {
		set_message(s,
			 "gap: the %s bands of %s in plan '%s' end at %s; the last needs an upper of - (no end)", kind, m->name,
			 p->name, number_text(last->upper, a));
		return problem_at(fp, last->line, column_name(COL_UPPER), NULL, 0, sb_text(&s->message));
	}
	return true;
}

/* A curve that goes down pays less for more: legal (a plan may mean it), but worth a look. */
static void check_curve(struct plan_set *s, const struct plan *p, const struct plan_metric *m)
{
	char a[NUMBER_BUFSIZE], b[NUMBER_BUFSIZE], c[NUMBER_BUFSIZE], d[NUMBER_BUFSIZE];
	for (size_t i = 1; i < m->nsteps; i++) {
		const struct plan_rule *prev = &m->step[i - 1], *cur = &m->step[i];
		if (decimal_cmp(cur->rate, prev->rate) >= 0)
			continue;
		s->warning = xreallocarray(s->warning, s->nwarnings + 1, sizeof *s->warning);
		struct plan_warning *w = &s->warning[s->nwarnings++];
		w->line = cur->line;
		w->column = column_name(COL_RATE);
		struct sbuf text = { 0 };
		sb_printf(&text,
			  "the payout curve of %s in plan '%s' goes down here, from %s at %s to %s at %s: more attainment pays less",
			  m->name, p->name, number_text(prev->rate, a), number_text(prev->lower, b), number_text(cur->rate, c),
			  number_text(cur->lower, d));
		w->message = text.s; /* the set owns it */
	}
}

static int compare_bonus(const void *pa, const void *pb)
{
	return decimal_cmp(((const struct plan_rule *)pa)->lower, ((const struct plan_rule *)pb)->lower);
}

bool plan_build(struct plan_set *s, struct file_problem *fp)
{
	if (s->nrows == 0)
		return problem_at(fp, 0, NULL, NULL, 0, "no rule: a plan file needs at least one row after its header");
	for (size_t i = 0; i < s->nrows; i++)
		if (!place_row(s, &s->row[i], fp))
			return false;
	for (size_t i = 0; i < s->nplans; i++) {
		struct plan *p = &s->plan[i];
		if (p->nmetrics == 0) {
			set_message(s, "nothing to limit: plan '%s' pays no metric", p->name);
			return problem_at(fp, p->cap.line, column_name(COL_METRIC), NULL, 0, sb_text(&s->message));
		}
		for (size_t k = 0; k < p->nmetrics; k++) {
			struct plan_metric *m = &p->metric[k];
			if ((m->base == RULE_RATE || m->base == RULE_RETRO) && !check_bands(s, p, m, fp))
				return false;
			if (m->base == RULE_CURVE)
				check_curve(s, p, m);
			if (m->base < 0 && m->nbonus == 0) {
				const struct plan_rule *limit = m->has_threshold ? &m->threshold : m->has_cap ? &m->cap : &m->clawback;
				set_message(s,
					 "nothing to limit: plan '%s' pays %s by no rate, retro, curve or bonus", p->name, m->name);
				return problem_at(fp, limit->line, column_name(COL_RULE), NULL, 0, sb_text(&s->message));
			}
			if (m->nbonus > 1)
				qsort(m->bonus, m->nbonus, sizeof *m->bonus, compare_bonus);
		}
	}
	return true;
}

/* ---- the file ---- */

struct plan_reader {
	struct plan_set *s;
	const char *path;
	struct stream_binding b;
	size_t ncolumns;
	bool has_header;
	struct file_problem problem;
	struct sbuf message; /* a header's problem: names its columns */
	char count[128];     /* "wrong number of fields": two numbers */
};

/* The columns of a header; NULL if fine, else what is wrong. */
static const char *find_columns(struct plan_reader *pr, const struct header *h)
{
	sb_reset(&pr->message);
	if (stream_try_bind(STREAM_PLAN, h, NULL, 0, &pr->b, &pr->message))
		return sb_text(&pr->message);
	pr->ncolumns = h->count;
	pr->has_header = true;
	return NULL;
}

static int plan_row(void *ctx, const struct row *row)
{
	struct plan_reader *pr = ctx;
	if (row->count && row->len[0] && row->field[0][0] == '#')
		return 0; /* a comment */
	if (!pr->has_header) { /* comments came first: this is the header */
		struct header h = { row->count, row->field };
		const char *problem = find_columns(pr, &h);
		return problem ? file_problem_at(&pr->problem, row, NULL, NULL, problem) : 0;
	}
	if (!row_has_fields(row, pr->ncolumns, pr->count, sizeof pr->count)) {
		return file_problem_at(&pr->problem, row, NULL, NULL, pr->count);
	}
	char *field[PLAN_COLUMNS];
	size_t len[PLAN_COLUMNS];
	for (int c = 0; c < PLAN_COLUMNS; c++) {
		long at = stream_at(&pr->b, plan_columns[c]);
		field[c] = row->field[at];
		len[c] = row->len[at];
		if (memchr(field[c], '\0', len[c]))
			return file_problem_at(&pr->problem, row, column_name(plan_columns[c]), NULL, "holds a NUL byte");
	}
	return plan_add_row(pr->s, row->line, field, len, &pr->problem) ? 0 : 1;
}

void plan_load(struct plan_set *s, const char *path)
{
	struct plan_reader pr;
	memset(&pr, 0, sizeof pr);
	pr.s = s;
	pr.path = path;
	plan_set_init(s, path);
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	if (!(h->count && h->name[0][0] == '#')) {
		const char *problem = find_columns(&pr, h);
		if (problem) {
			diag_at(path, 1, NULL, NULL, 0, problem);
			diag_exit(SPM_EXIT_DATA);
		}
	}
	read_side_file(src, path, plan_row, &pr, &pr.problem);
	if (!pr.has_header) {
		const struct stream_def *d = stream_def(STREAM_PLAN);
		sb_reset(&pr.message);
		sb_printf(&pr.message, "no header: only comments (%s needs", d->what);
		for (size_t i = 0; i < d->count; i++)
			sb_printf(&pr.message, " %s", column_name(d->columns[i].column));
		sb_str(&pr.message, ")");
		diag_at(path, 0, NULL, NULL, 0, sb_text(&pr.message));
		diag_exit(SPM_EXIT_DATA);
	}
	if (!plan_build(s, &pr.problem)) {
		const struct file_problem *fp = &pr.problem;
		diag_at(path, fp->line, fp->column, fp->has_value ? fp->value : NULL, fp->value_len, fp->message);
		diag_exit(SPM_EXIT_DATA);
	}
	for (size_t i = 0; i < s->nwarnings; i++) {
		/* through diag_at, as the plan's errors: a plan or metric name (or the path) with
		 * control bytes shows them escaped, never drives the terminal */
		const struct plan_warning *w = &s->warning[i];
		diag_warn_at(path, w->line, w->column, NULL, 0, w->message);
	}
	sb_free(&pr.message);
}

const struct plan *plan_find(const struct plan_set *s, const char *name)
{
	for (size_t i = 0; i < s->nplans; i++)
		if (strcmp(s->plan[i].name, name) == 0)
			return &s->plan[i];
	return NULL;
}

char *plan_names(const struct plan_set *s, size_t max)
{
	if (s->nplans == 0)
		return xstrdup("no plans");
	size_t shown = s->nplans < max ? s->nplans : max, size = sizeof "plans: " + sizeof ", and 18446744073709551615 more";
	for (size_t i = 0; i < shown; i++)
		size += strlen(s->plan[i].name) + 2;
	char *text = xmalloc(size), *at = text;
	at += sprintf(at, "plans: ");
	for (size_t i = 0; i < shown; i++)
		at += sprintf(at, "%s%s", i ? ", " : "", s->plan[i].name);
	if (shown < s->nplans)
		sprintf(at, " and %zu more", s->nplans - shown);
	return text;
}

const struct plan_metric *plan_metric_find(const struct plan *p, const char *metric)
{
	for (size_t i = 0; i < p->nmetrics; i++)
		if (strcmp(p->metric[i].name, metric) == 0)
			return &p->metric[i];
	return NULL;
}
