/* Reading spm streams for a report: each file is recognised by its header (actuals,
 * progress, scores or payouts: stream_detect) and its columns bound by name (stream_bind;
 * others are ignored, except that a scores stream's group column is named after
 * spm-score --group and its other unknown columns are its per-metric attainments), and every row
 * is checked: the first bad one stops the run with FILE:LINE: COLUMN: message ("value"). */
#include "spm-report.h"

#include "diag.h"
#include "input.h"
#include "number.h"
#include "stream.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---- */

struct num num_of(decimal v, int places)
{
	struct num n = { v, places, true };
	return n;
}

struct num num_none(void)
{
	struct num n = { { 0 }, 0, false };
	return n;
}

bool num_parse(const char *s, size_t len, struct num *out)
{
	decimal v;
	int plain_places;
	if (decimal_parse_plain(s, len, &v, &plain_places)) { /* most numbers: the decimals known */
		*out = num_of(v, plain_places);
		return true;
	}
	*out = num_none();
	if (decimal_parse(s, len, DECIMAL_POINT, &v) != DECIMAL_OK)
		return false;
	out->v = v; /* through a local: a number is packed (8-byte aligned) */
	const char *dot = memchr(s, '.', len);
	int places = 0;
	if (dot)
		for (const char *p = dot + 1; p < s + len && *p >= '0' && *p <= '9' && places < DECIMAL_PLACES; p++)
			places++;
	out->places = places;
	out->has = true;
	return true;
}

size_t num_text(struct num n, char *buf, size_t size)
{
	if (!n.has) {
		buf[0] = '\0';
		return 0;
	}
	char text[NUMBER_BUFSIZE];
	size_t len = number_fixed(n.v, n.places, text);
	if (len >= size)
		len = size ? size - 1 : 0;
	if (size) {
		memcpy(buf, text, len);
		buf[len] = '\0';
	}
	return len;
}

/* ---- names ---- */

size_t name_id(struct names *nm, const char *s, size_t len)
{
	bool created;
	size_t *slot = table_upsert(nm->index, s, len, &created);
	if (!created)
		return *slot - 1;
	xgrow((void **)&nm->s, &nm->cap, nm->n + 1, sizeof *nm->s);
	xgrow((void **)&nm->len, &nm->len_cap, nm->n + 1, sizeof *nm->len);
	nm->s[nm->n] = arena_memdup0(&nm->store, s, len);
	nm->len[nm->n] = len;
	*slot = ++nm->n;
	return nm->n - 1;
}

size_t name_find(const struct names *nm, const char *s, size_t len)
{
	const size_t *slot = table_find(nm->index, s, len);
	return slot ? *slot - 1 : NONE;
}

int name_cmp(const struct names *nm, size_t a, size_t b)
{
	if (a == b)
		return 0;
	if (a == NONE || b == NONE)
		return a == NONE ? 1 : -1;
	return bytes_cmp(nm->s[a], nm->len[a], nm->s[b], nm->len[b]);
}

/* Where a key was first seen: its row (1-based, in the stream's rows; the report's index
 * of rows by key is this table, not one built again) and which file it came from. */
struct first_row {
	size_t row; /* first: report.c reads the value as a size_t */
	size_t nread;
};

static const enum stream_id report_streams[] = { STREAM_ACTUALS, STREAM_PROGRESS, STREAM_SCORES, STREAM_PAYOUTS };

void data_init(struct data *d)
{
	memset(d, 0, sizeof *d);
	d->names.index = table_new(sizeof(size_t));
	d->total_metric = name_id(&d->names, "*", 1);
	for (size_t i = 0; i < sizeof report_streams / sizeof report_streams[0]; i++)
		d->seen[report_streams[i]] = table_new_large(sizeof(struct first_row));
	d->group_word = NONE;
	d->currency = NONE;
}

void data_free(struct data *d)
{
	xfree_large(d->actual, d->cap[STREAM_ACTUALS], sizeof *d->actual);
	xfree_large(d->progress, d->cap[STREAM_PROGRESS], sizeof *d->progress);
	xfree_large(d->score, d->cap[STREAM_SCORES], sizeof *d->score);
	xfree_large(d->payout, d->cap[STREAM_PAYOUTS], sizeof *d->payout);
	arena_free(&d->names.store); /* the names, the score and payout details */
	free(d->names.s);
	free(d->names.len);
	table_free(d->names.index);
	for (int i = 0; i < STREAM_ID_COUNT; i++)
		if (d->seen[i])
			table_free(d->seen[i]);
	memset(d, 0, sizeof *d);
}

bool adjustments_only(const struct data *d)
{
	return d->npayout_files > 0 && d->nadjust_files == d->npayout_files;
}

/* ---- the streams a report reads ---- */


static noreturn void header_problem(const char *file, const char *message, const struct header *h)
{
	struct sbuf b = { 0 };
	sb_str(&b, message);
	sb_str(&b, " (found:");
	for (size_t i = 0; i < h->count && i < 20; i++) {
		sb_str(&b, " ");
		sb_str(&b, h->name[i]);
	}
	sb_str(&b, h->count > 20 ? " ...)" : ")");
	diag_at(file, 1, NULL, NULL, 0, b.s);
	sb_free(&b);
	diag_exit(SPM_EXIT_DATA);
}

/* ---- rows ---- */

struct reader {
	struct data *d;
	enum stream_id stream;
	const char *file;
	const struct header *h;
	int fiscal_start;
	long col[COL_COUNT];      /* from the binding; col[COL_TEAM]: the group column, whatever its name */
	long *detail_col;       /* scores: the per-metric columns */
	size_t *detail_metric;
	size_t ndetail;
	struct table *seen;     /* key → first row: one row per owner, period (metric, plan), over all files */
	size_t nread;           /* which file this is, counting from 0 */
	struct file_problem problem;
	struct sbuf message; /* a problem's message: names a file, a currency (reset for each) */
	char count[128];     /* "wrong number of fields": two numbers */
	/* the last period read, as written: consecutive rows mostly repeat it */
	char period_text[PERIOD_LABEL_SIZE];
	size_t period_len; /* 0: none yet */
	struct period period;
	size_t last_name[COL_COUNT]; /* per name column, the last name read (NONE: none yet) */
};

static int bad(struct reader *rd, const struct row *row, enum column c, const char *message)
{
	long i = c < COL_COUNT ? rd->col[c] : -1;
	file_problem_at(&rd->problem, row, i >= 0 ? rd->h->name[i] : c < COL_COUNT ? column_name(c) : NULL, NULL,
			message);
	if (i >= 0 && (size_t)i < row->count) /* diag_at quotes it (controls escaped, long values cut) */
		file_problem_value(&rd->problem, row->field[i], row->len[i]);
	return 1;
}

static const char *get(const struct reader *rd, const struct row *row, enum column c, size_t *len)
{
	long i = rd->col[c];
	if (i < 0) {
		*len = 0;
		return "";
	}
	*len = row->len[i];
	return row->field[i];
}

/* A name column: not empty, no NUL byte. */
static int read_name(struct reader *rd, const struct row *row, enum column c, size_t *id, bool empty_ok)
{
	size_t len;
	const char *s = get(rd, row, c, &len);
	if (len == 0) {
		if (empty_ok) {
			*id = NONE;
			return 0;
		}
		sb_reset(&rd->message);
		sb_printf(&rd->message, "empty %s", column_name(c));
		return bad(rd, row, c, sb_text(&rd->message));
	}
	/* consecutive rows mostly name the same owner: that name is not looked up again */
	const struct names *nm = &rd->d->names;
	size_t last = rd->last_name[c];
	if (last != NONE && nm->len[last] == len && memcmp(nm->s[last], s, len) == 0) {
		*id = last;
		return 0;
	}
	if (memchr(s, '\0', len))
		return bad(rd, row, c, "holds a NUL byte");
	*id = rd->last_name[c] = name_id(&rd->d->names, s, len);
	return 0;
}

static int read_period(struct reader *rd, const struct row *row, struct period *p)
{
	size_t len;
	const char *s = get(rd, row, COL_PERIOD, &len);
	if (rd->period_len && len == rd->period_len && memcmp(s, rd->period_text, len) == 0) {
		*p = rd->period;
		return 0;
	}
	if (period_parse(s, len, rd->fiscal_start, p)) {
		if (len < sizeof rd->period_text) {
			memcpy(rd->period_text, s, len);
			rd->period_len = len;
			rd->period = *p;
		}
		return 0;
	}
	return bad(rd, row, COL_PERIOD, len && s[0] == 'F' && rd->fiscal_start == 1
					      ? "not a period label (FY labels need --fiscal-start)"
					      : "not a period label (2026, 2026-H2, 2026-Q3, 2026-11, 2026-W48, 2026-11-26)");
}

enum number_rule { ANY, REQUIRED, WHOLE };

/* A number column; an absent optional column or an empty field is "no value". */
static int read_number(struct reader *rd, const struct row *row, enum column c, enum number_rule rule, struct num *n)
{
	size_t len;
	const char *s = get(rd, row, c, &len);
	*n = num_none();
	if (len == 0)
		return rule == REQUIRED ? bad(rd, row, c, "empty: a value is needed") : 0;
	if (!num_parse(s, len, n))
		return bad(rd, row, c, "not a number");
	/* written without decimals: whole already (the rounding is the costly test) */
	if (rule == WHOLE && (decimal_sign(n->v) < 0 ||
			      (n->places > 0 && decimal_cmp(decimal_round(n->v, 0, ROUND_HALF_AWAY), n->v) != 0)))
		return bad(rd, row, c, "not a whole number, 0 or more");
	if (rule == WHOLE)
		n->places = 0;
	return 0;
}

static const struct where *row_where(const struct data *d, enum stream_id s, size_t row)
{
	switch (s) {
	case STREAM_ACTUALS: return &d->actual[row - 1].at;
	case STREAM_PROGRESS: return &d->progress[row - 1].at;
	case STREAM_SCORES: return &d->score[row - 1].at;
	default: return &d->payout[row - 1].at;
	}
}

/* One row per key, across all the files read: a second is an error naming the first's
 * line (and its file when it was another file). */
static int check_unique(struct reader *rd, const struct row *row, const size_t *ids, size_t nids, struct period p,
			enum column c, size_t nrows)
{
	unsigned char key[PERIOD_KEY_SIZE + 4 * sizeof(size_t)];
	period_to_key(p, key);
	memcpy(key + PERIOD_KEY_SIZE, ids, nids * sizeof *ids);
	bool created;
	struct first_row *first = table_upsert(rd->seen, key, PERIOD_KEY_SIZE + nids * sizeof *ids, &created);
	if (created) {
		first->row = nrows + 1; /* the row about to be kept */
		first->nread = rd->nread;
		return 0;
	}
	const struct where *at = row_where(rd->d, rd->stream, first->row);
	const char *what = rd->stream == STREAM_SCORES	   ? "owner and period"
			   : rd->stream == STREAM_PAYOUTS ? "owner, period, plan and metric"
							  : "owner, period and metric";
	sb_reset(&rd->message);
	if (first->nread == rd->nread)
		sb_printf(&rd->message, "a second row for this %s (the first is on line %llu)", what,
			  (unsigned long long)at->line);
	else
		sb_printf(&rd->message, "a second row for this %s (the first is %s:%llu)", what, at->file,
			  (unsigned long long)at->line);
	return bad(rd, row, c, sb_text(&rd->message));
}

/* Room for one more row; the caller writes the whole row. */
static void *grow(void **rows, size_t *cap, size_t n, size_t size)
{
	xgrow_large(rows, cap, n + 1, size);
	return (char *)*rows + n * size;
}

/* The currency an actuals row names, if any: the first one named is the report's, and
 * another one stops the read (amounts in two currencies neither rank nor add up). */
static int note_currency(struct reader *rd, const struct row *row)
{
	struct data *d = rd->d;
	size_t len;
	const char *code = get(rd, row, COL_CURRENCY, &len);
	if (len == 0)
		return 0; /* counts and ratios have none */
	size_t id = name_id(&d->names, code, len);
	if (d->currency == NONE) {
		d->currency = id;
		d->currency_at = (struct where){ rd->file, row->line };
		return 0;
	}
	if (id == d->currency)
		return 0;
	sb_reset(&rd->message);
	stream_currency_conflict(&rd->message, d->names.s[d->currency], d->names.len[d->currency], d->currency_at.file,
				 d->currency_at.line);
	return bad(rd, row, COL_CURRENCY, sb_text(&rd->message));
}

static int actual_row(struct reader *rd, const struct row *row)
{
	struct data *d = rd->d;
	struct actual_row a;
	memset(&a, 0, sizeof a);
	if (read_name(rd, row, COL_OWNER, &a.owner, false) || read_period(rd, row, &a.period) ||
	    read_name(rd, row, COL_METRIC, &a.metric, false) || read_number(rd, row, COL_VALUE, ANY, &a.value))
		return 1;
	size_t ids[2] = { a.owner, a.metric };
	if (check_unique(rd, row, ids, 2, a.period, COL_METRIC, d->nactual) || note_currency(rd, row))
		return 1;
	a.at.file = rd->file;
	a.at.line = row->line;
	*(struct actual_row *)grow((void **)&d->actual, &d->cap[STREAM_ACTUALS], d->nactual, sizeof a) = a;
	d->nactual++;
	return 0;
}

static int read_status(struct reader *rd, const struct row *row, enum goal_status *out)
{
	size_t len;
	const char *s = get(rd, row, COL_STATUS, &len);
	if (goal_status_parse(s, len, out))
		return 0;
	return bad(rd, row, COL_STATUS, "not a status: expected " GOAL_STATUS_LIST);
}

static int progress_row(struct reader *rd, const struct row *row)
{
	struct data *d = rd->d;
	struct progress_row p;
	memset(&p, 0, sizeof p);
	if (read_name(rd, row, COL_OWNER, &p.owner, false) || read_period(rd, row, &p.period) ||
	    read_name(rd, row, COL_METRIC, &p.metric, false) || read_number(rd, row, COL_ACTUAL, ANY, &p.actual) ||
	    read_number(rd, row, COL_TARGET, REQUIRED, &p.target) ||
	    read_number(rd, row, COL_ATTAINMENT, ANY, &p.attainment) ||
	    read_number(rd, row, COL_EXPECTED, ANY, &p.expected) || read_number(rd, row, COL_PACE, ANY, &p.pace) ||
	    read_number(rd, row, COL_PROJECTED, ANY, &p.projected) || read_number(rd, row, COL_GAP, ANY, &p.gap) ||
	    read_status(rd, row, &p.status) || read_number(rd, row, COL_WEIGHT, ANY, &p.weight) ||
	    read_number(rd, row, COL_DAYS_ELAPSED, WHOLE, &p.days_elapsed) ||
	    read_number(rd, row, COL_DAYS_LEFT, WHOLE, &p.days_left) || read_name(rd, row, COL_LEVEL, &p.level, true))
		return 1;
	size_t len;
	const char *dir = get(rd, row, COL_DIRECTION, &len);
	enum goal_direction direction;
	if (!goal_direction_parse(dir, len, &direction))
		return bad(rd, row, COL_DIRECTION, "expected higher or lower");
	p.lower = direction == DIRECTION_LOWER;
	if (!p.weight.has)
		p.weight = num_of(decimal_from_int(1), 0);
	size_t ids[2] = { p.owner, p.metric };
	if (check_unique(rd, row, ids, 2, p.period, COL_METRIC, d->nprogress))
		return 1;
	p.at.file = rd->file;
	p.at.line = row->line;
	*(struct progress_row *)grow((void **)&d->progress, &d->cap[STREAM_PROGRESS], d->nprogress, sizeof p) = p;
	d->nprogress++;
	return 0;
}

static int score_row(struct reader *rd, const struct row *row)
{
	struct data *d = rd->d;
	struct score_row s;
	memset(&s, 0, sizeof s);
	s.team = NONE;
	if (read_name(rd, row, COL_OWNER, &s.owner, false) || read_period(rd, row, &s.period) ||
	    read_number(rd, row, COL_SCORE, ANY, &s.score) || read_number(rd, row, COL_RANK, WHOLE, &s.rank) ||
	    read_number(rd, row, COL_PERCENTILE, ANY, &s.percentile) || read_name(rd, row, COL_TIER, &s.tier, true) ||
	    read_name(rd, row, COL_TEAM, &s.team, true) || read_number(rd, row, COL_PREV_SCORE, ANY, &s.prev_score) ||
	    read_number(rd, row, COL_DELTA, ANY, &s.delta) || read_number(rd, row, COL_PREV_RANK, WHOLE, &s.prev_rank) ||
	    read_number(rd, row, COL_STREAK, WHOLE, &s.streak) || read_name(rd, row, COL_BASIS, &s.basis, true) ||
	    read_name(rd, row, COL_LEVEL, &s.level, true))
		return 1;
	if (s.percentile.has && (decimal_sign(s.percentile.v) < 0 || decimal_cmp(s.percentile.v, decimal_from_int(100)) > 0))
		return bad(rd, row, COL_PERCENTILE, "not a percentile from 0 to 100");
	size_t ids[1] = { s.owner };
	if (check_unique(rd, row, ids, 1, s.period, COL_OWNER, d->nscore))
		return 1;
	if (rd->ndetail) {
		s.detail = arena_calloc(&d->names.store, rd->ndetail, sizeof *s.detail);
		for (size_t k = 0; k < rd->ndetail; k++) {
			long i = rd->detail_col[k];
			s.detail[s.ndetail].metric = rd->detail_metric[k];
			if (!num_parse(row->field[i], row->len[i], &s.detail[s.ndetail].value) && row->len[i]) {
				return file_problem_at(&rd->problem, row, rd->h->name[i], row->field[i], "not a number");
			}
			s.ndetail++;
		}
	}
	s.at.file = rd->file;
	s.at.line = row->line;
	*(struct score_row *)grow((void **)&d->score, &d->cap[STREAM_SCORES], d->nscore, sizeof s) = s;
	d->nscore++;
	return 0;
}

static int payout_row(struct reader *rd, const struct row *row)
{
	struct data *d = rd->d;
	struct payout_row p;
	memset(&p, 0, sizeof p);
	if (read_name(rd, row, COL_OWNER, &p.owner, false) || read_period(rd, row, &p.period) ||
	    read_name(rd, row, COL_PLAN, &p.plan, true) || read_name(rd, row, COL_METRIC, &p.metric, false) ||
	    read_number(rd, row, COL_ACTUAL, ANY, &p.actual) || read_number(rd, row, COL_TARGET, ANY, &p.target) ||
	    read_number(rd, row, COL_ATTAINMENT, ANY, &p.attainment) ||
	    read_number(rd, row, COL_PAYOUT, REQUIRED, &p.payout))
		return 1;
	size_t ids[3] = { p.owner, p.plan, p.metric };
	if (check_unique(rd, row, ids, 3, p.period, COL_METRIC, d->npayout))
		return 1;
	size_t len;
	const char *detail = get(rd, row, COL_DETAIL, &len);
	const char *basis = get(rd, row, COL_BASIS, &len);
	p.basis = -1;
	if (rd->col[COL_BASIS] >= 0 && (p.basis = (int8_t)payout_basis_parse(basis, len)) < 0)
		return bad(rd, row, COL_BASIS, "expected final, estimate or early");
	detail = get(rd, row, COL_DETAIL, &len);
	p.total = p.metric == d->total_metric;
	p.detail = arena_memdup0(&d->names.store, detail, len);
	p.detail_len = len;
	p.at.file = rd->file;
	p.at.line = row->line;
	*(struct payout_row *)grow((void **)&d->payout, &d->cap[STREAM_PAYOUTS], d->npayout, sizeof p) = p;
	d->npayout++;
	return 0;
}

static int on_row(void *ctx, const struct row *row)
{
	struct reader *rd = ctx;
	if (!row_has_fields(row, rd->h->count, rd->count, sizeof rd->count)) {
		return bad(rd, row, COL_COUNT, rd->count);
	}
	switch (rd->stream) {
	case STREAM_ACTUALS: return actual_row(rd, row);
	case STREAM_PROGRESS: return progress_row(rd, row);
	case STREAM_SCORES: return score_row(rd, row);
	case STREAM_PAYOUTS: return payout_row(rd, row);
	default: break;
	}
	return 1;
}

/* The scores stream's columns beyond its own and its group column: one per metric (its
 * clamped attainment). */
static void find_detail_columns(struct reader *rd)
{
	const struct header *h = rd->h;
	rd->detail_col = xcalloc(h->count + 1, sizeof *rd->detail_col);
	rd->detail_metric = xcalloc(h->count + 1, sizeof *rd->detail_metric);
	for (size_t i = 0; i < h->count; i++) {
		bool known = false;
		for (int c = 0; c < COL_COUNT; c++)
			known |= rd->col[c] == (long)i;
		if (known || !is_metric_name(h->name[i]))
			continue;
		rd->detail_col[rd->ndetail] = (long)i;
		rd->detail_metric[rd->ndetail++] = name_id(&rd->d->names, h->name[i], strlen(h->name[i]));
	}
}

/* The scores' group column, named after spm-score --group: team, manager, region, or
 * another roster column, which then follows level. -1: the scores are not grouped. */
static long group_column(const char *file, const struct header *h, const long *col)
{
	if (col[COL_TEAM] >= 0)
		return col[COL_TEAM];
	for (int lv = LEVEL_TEAM; lv < LEVEL_COUNT; lv++) {
		long at = header_find(h, level_names[lv]);
		if (at == -2) {
			char message[160]; /* a level's name: a word of ours */
			snprintf(message, sizeof message, "the column '%s' appears twice in the header", level_names[lv]);
			header_problem(file, message, h);
		}
		if (at >= 0)
			return at;
	}
	long after = col[COL_LEVEL] >= 0 ? col[COL_LEVEL] + 1 : -1;
	if (after < 0 || (size_t)after >= h->count)
		return -1;
	for (int c = 0; c < COL_COUNT; c++)
		if (col[c] == after)
			return -1;
	return after;
}

void data_read(struct data *d, const char *path, int fiscal_start)
{
	const size_t nstreams = sizeof report_streams / sizeof report_streams[0];
	struct source *src = source_open(path, FORMAT_AUTO);
	const char *file = source_name(src);
	const struct header *h = source_header(src);
	int stream = stream_detect(h, report_streams, nstreams);
	if (stream < 0) /* the stream it was meant to be, so that binding names what is missing */
		stream = stream_nearest(h, report_streams, nstreams);
	if (stream < 0)
		header_problem(file, "not an spm stream: expected the header of actuals, progress, scores or payouts", h);
	struct stream_binding b;
	stream_bind((enum stream_id)stream, h, file, NULL, 0, &b);
	struct reader rd = { .d = d, .stream = (enum stream_id)stream, .file = file, .h = h,
			     .fiscal_start = fiscal_start };
	memcpy(rd.col, b.at, sizeof rd.col);
	for (int c = 0; c < COL_COUNT; c++)
		rd.last_name[c] = NONE;
	if (stream == STREAM_SCORES) {
		rd.col[COL_TEAM] = group_column(file, h, rd.col);
		find_detail_columns(&rd);
		if (rd.col[COL_TEAM] >= 0) {
			const char *g = h->name[rd.col[COL_TEAM]];
			d->scores_grouped = true;
			d->group_word = name_id(&d->names, g, strlen(g));
		}
	}
	if (stream == STREAM_PAYOUTS) {
		d->npayout_files++;
		if (stream_has(&b, COL_PAID) && stream_has(&b, COL_RECOMPUTED))
			d->nadjust_files++;
	}
	rd.seen = d->seen[stream];
	rd.nread = d->nread++;
	/* the file name outlives the source: rows keep it for later messages */
	/* the id first: name_id may move the array (the two, in one expression, are unsequenced) */
	size_t file_id = name_id(&d->names, file, strlen(file));
	rd.file = file = d->names.s[file_id];
	read_side_file(src, file, on_row, &rd, &rd.problem);
	sb_free(&rd.message);
	d->has[stream] = true;
	free(rd.detail_col);
	free(rd.detail_metric);
}
