/* The side files of feedback: the training catalogue (metric below course: a course for
 * those whose attainment of the metric is under `below`) and the self-assessment sheet
 * (owner period metric rating: how the owner rates their own result, 1 to 5). */
#include "spm-report.h"

#include "diag.h"
#include "input.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct side_reader {
	const char *path;
	const struct header *h;
	long col[4];
	const enum column *cols; /* the columns read, in the order of col */
	struct names *nm;
	struct catalog *catalog;
	struct self_sheet *self;
	int fiscal_start;
	struct table *seen;
	struct file_problem problem;
	char message[160];
};

static int side_problem(struct side_reader *sr, const struct row *row, int c, const char *message)
{
	long i = c >= 0 ? sr->col[c] : -1;
	file_problem_at(&sr->problem, row, c >= 0 ? column_name(sr->cols[c]) : NULL, NULL, message);
	if (i >= 0)
		file_problem_value(&sr->problem, row->field[i], row->len[i]);
	return 1;
}

/* Opens a side file and binds its columns (stream_bind: a missing one exits 1). */
static struct source *open_side(struct side_reader *sr, const char *path, enum stream_id stream,
				const enum column *cols, size_t n)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	sr->path = source_name(src);
	sr->h = source_header(src);
	sr->cols = cols;
	struct stream_binding b;
	stream_bind(stream, sr->h, sr->path, cols, n, &b);
	for (size_t c = 0; c < n; c++)
		sr->col[c] = stream_at(&b, cols[c]);
	sr->seen = table_new(sizeof(uint64_t));
	return src;
}

/* ---- the training catalogue ---- */

static const enum column catalog_columns[] = { COL_METRIC, COL_BELOW, COL_COURSE };

static int catalog_row(void *ctx, const struct row *row)
{
	struct side_reader *sr = ctx;
	if (!row_has_fields(row, sr->h->count, sr->message, sizeof sr->message))
		return side_problem(sr, row, -1, sr->message);
	const char *metric = row->field[sr->col[0]];
	if (!is_metric_name(metric) || strlen(metric) != row->len[sr->col[0]])
		return side_problem(sr, row, 0, "not a metric name (lowercase letters, digits and _)");
	struct num below;
	if (!num_parse(row->field[sr->col[1]], row->len[sr->col[1]], &below) || decimal_sign(below.v) <= 0)
		return side_problem(sr, row, 1, "expected an attainment above 0 (0.9 for 90 %)");
	size_t len = row->len[sr->col[2]];
	const char *title = row->field[sr->col[2]];
	if (len == 0)
		return side_problem(sr, row, 2, "empty course");
	if (memchr(title, '\0', len))
		return side_problem(sr, row, 2, "holds a NUL byte");
	struct catalog *c = sr->catalog;
	xgrow((void **)&c->course, &c->cap, c->n + 1, sizeof *c->course);
	struct course *course = &c->course[c->n++];
	course->metric = name_id(sr->nm, metric, strlen(metric));
	course->below = below;
	course->title = xmemdup0(title, len);
	course->title_len = len;
	return 0;
}

void catalog_read(struct catalog *c, struct names *nm, const char *path)
{
	struct side_reader sr = { .nm = nm, .catalog = c };
	struct source *src = open_side(&sr, path, STREAM_CATALOG, catalog_columns, 3);
	char *name = xstrdup(sr.path);
	read_side_file(src, name, catalog_row, &sr, &sr.problem);
	free(name);
	table_free(sr.seen);
}

void catalog_free(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->course[i].title);
	free(c->course);
	memset(c, 0, sizeof *c);
}

/* ---- the self-assessment sheet ---- */

static const enum column self_columns[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_RATING };

static int self_row(void *ctx, const struct row *row)
{
	struct side_reader *sr = ctx;
	if (!row_has_fields(row, sr->h->count, sr->message, sizeof sr->message))
		return side_problem(sr, row, -1, sr->message);
	struct self_rating r = { .at = { NULL, row->line } };
	size_t olen = row->len[sr->col[0]];
	const char *owner = row->field[sr->col[0]];
	if (olen == 0)
		return side_problem(sr, row, 0, "empty owner");
	if (memchr(owner, '\0', olen))
		return side_problem(sr, row, 0, "holds a NUL byte");
	if (!period_parse(row->field[sr->col[1]], row->len[sr->col[1]], sr->fiscal_start, &r.period))
		return side_problem(sr, row, 1, "not a period label (2026, 2026-H2, 2026-Q3, 2026-11, 2026-W48, 2026-11-26)");
	const char *metric = row->field[sr->col[2]];
	if (!is_metric_name(metric) || strlen(metric) != row->len[sr->col[2]])
		return side_problem(sr, row, 2, "not a metric name (lowercase letters, digits and _; score: the overall score)");
	const char *rating = row->field[sr->col[3]];
	if (row->len[sr->col[3]] != 1 || rating[0] < '1' || rating[0] > '5')
		return side_problem(sr, row, 3, "expected a rating from 1 to 5");
	r.rating = rating[0] - '0';
	r.owner = name_id(sr->nm, owner, olen);
	r.metric = name_id(sr->nm, metric, strlen(metric));
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)];
	period_to_key(r.period, key);
	memcpy(key + PERIOD_KEY_SIZE, &r.owner, sizeof r.owner);
	memcpy(key + PERIOD_KEY_SIZE + sizeof r.owner, &r.metric, sizeof r.metric);
	bool created;
	uint64_t *first = table_upsert(sr->seen, key, sizeof key, &created);
	if (!created) {
		snprintf(sr->message, sizeof sr->message,
			 "a second rating for this owner, period and metric (the first is on line %llu)",
			 (unsigned long long)*first);
		return side_problem(sr, row, 2, sr->message);
	}
	*first = row->line;
	struct self_sheet *s = sr->self;
	xgrow((void **)&s->r, &s->cap, s->n + 1, sizeof *s->r);
	s->r[s->n++] = r;
	return 0;
}

void self_read(struct self_sheet *s, struct names *nm, const char *path, int fiscal_start)
{
	struct side_reader sr = { .nm = nm, .self = s, .fiscal_start = fiscal_start };
	struct source *src = open_side(&sr, path, STREAM_SELF, self_columns, 4);
	char *name = xstrdup(sr.path);
	read_side_file(src, name, self_row, &sr, &sr.problem);
	free(name);
	table_free(sr.seen);
}

void self_free(struct self_sheet *s)
{
	free(s->r);
	memset(s, 0, sizeof *s);
}
