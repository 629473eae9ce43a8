/* Reading the progress stream into cards. A big file is read in chunks by several
 * threads; each chunk names owners, periods and metrics by its own indexes, and the chunks
 * are then merged in file order, so the result never depends on the number of threads.
 * Memory grows with the goals (owner × period × metric): about 100 bytes each. */
#include "cards.h"

#include "diag.h"
#include "input.h"
#include "metrics.h"
#include "progress.h"
#include "reject.h"
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The progress columns spm-score needs, and those it reads when they are there. */
static const enum column needed[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_ATTAINMENT };
static const enum column read_columns[] = {
	COL_OWNER, COL_PERIOD, COL_METRIC, COL_ATTAINMENT, COL_WEIGHT, COL_ACTUAL, COL_TARGET,
	COL_DIRECTION, COL_STATUS, COL_PACE, COL_DAYS_LEFT, COL_LEVEL,
};

/* Where a row was read. */
struct place {
	uint32_t file;
	uint64_t line;
};

/* A period label as written, and the period it names. */
struct label_slot {
	uint32_t period; /* UINT32_MAX: not a period label */
	uint32_t self;   /* its own entry in the table of labels */
};

struct owner_slot {
	uint32_t index;
	struct place first;
};

/* The first bad row of a chunk. */
struct problem {
	uint64_t line;
	const char *column; /* NULL: the row as a whole */
	const char *message;
	char text[96];      /* "wrong number of fields: expected N, found M": two numbers */
	char value[SB_VALUE_HEAD]; /* the value's first bytes, all a message shows */
	size_t value_len;          /* the whole value's, shown when it is cut */
	bool has_value;
	bool duplicate;     /* a second row for a goal: first tells where the first is */
	struct place first;
};

/* The owners, periods, metrics and rows of one chunk (with a reject file: of the run). */
struct builder {
	struct table *owners;  /* name → struct owner_slot */
	struct table *labels;  /* period label as written → struct label_slot */
	struct table *periods; /* period key → uint32_t period index */
	struct period *period;
	size_t nperiods, period_cap;
	struct table *metrics; /* name → uint32_t metric index */
	struct goal_row **block; /* the rows, in blocks of BLOCK_ROWS (the last may hold fewer) */
	size_t nblocks, last_len;
	struct table *seen;    /* with a reject file: (owner, period, metric) → struct place */
	long last_owner, last_label, last_metric; /* the previous row's, to skip a lookup; -1: none */
};

/* What the chunks of one file share (read only while they run). */
struct file_job {
	const struct card_read_options *opt;
	const struct header *header;
	struct stream_binding b;
	uint32_t file;
	const char *const *files; /* every file's name so far */
};

struct chunk {
	const struct file_job *job;
	struct builder *b;
	struct problem problem;
	uint64_t read, used, rejected;
};

static void builder_init(struct builder *b, bool rejecting)
{
	memset(b, 0, sizeof *b);
	b->owners = table_new(sizeof(struct owner_slot));
	b->labels = table_new(sizeof(struct label_slot));
	b->periods = table_new(sizeof(uint32_t));
	b->metrics = table_new(sizeof(uint32_t));
	b->seen = rejecting ? table_new(sizeof(struct place)) : NULL;
	b->last_owner = b->last_label = b->last_metric = -1;
}

static void builder_free(struct builder *b)
{
	table_free(b->owners);
	table_free(b->labels);
	table_free(b->periods);
	table_free(b->metrics);
	table_free(b->seen);
	free(b->period);
	for (size_t i = 0; i < b->nblocks; i++)
		free(b->block[i]);
	free(b->block);
	memset(b, 0, sizeof *b);
}

/* ---- bad rows ---- */

static void set_problem(struct chunk *c, const struct row *row, long col, const char *message)
{
	struct problem *p = &c->problem;
	memset(p, 0, sizeof *p);
	p->line = row->line;
	p->message = message;
	if (col >= 0) {
		p->column = c->job->header->name[col];
		p->has_value = row->len[col] > 0; /* an empty value says nothing more */
		p->value_len = row->len[col];
		memcpy(p->value, row->field[col], p->value_len < sizeof p->value ? p->value_len : sizeof p->value);
	}
}

/* "COLUMN: message ("value")", the part of a diagnostic after FILE:LINE, escaped as diag
 * escapes (the column is the header's, the other file a path): printed as it is. */
static void format_problem(const struct problem *p, const struct file_job *job, uint64_t offset, struct sbuf *b)
{
	const char *col = p->column ? p->column : "";
	sb_escape(b, col, strlen(col));
	sb_printf(b, "%s%s", p->column ? ": " : "", p->message);
	if (p->duplicate && p->first.file == job->file) {
		sb_printf(b, " on line %llu", (unsigned long long)(p->first.line + offset));
	} else if (p->duplicate) {
		const char *other = job->files[p->first.file];
		sb_str(b, " at ");
		sb_escape(b, other, strlen(other));
		sb_printf(b, ":%llu", (unsigned long long)p->first.line);
	}
	if (p->has_value) {
		sb_str(b, " (\"");
		sb_quote_value(b, p->value, p->value_len);
		sb_str(b, "\")");
	}
}

/* The bad row's fields padded to the header, then the reason; fields past the header's
 * count go into the reason, so nothing is lost. */
static void write_reject(struct chunk *c, const struct row *row)
{
	struct output *o = c->job->opt->reject;
	size_t ncols = c->job->header->count;
	struct sbuf reason = { 0 };
	sb_printf(&reason, "line %llu: ", (unsigned long long)row->line);
	format_problem(&c->problem, c->job, 0, &reason);
	reject_write_row(o, row, ncols, sb_text(&reason));
	sb_free(&reason);
}

/* A bad row: rejected and the run goes on, or the chunk stops (1). */
static int bad_row(struct chunk *c, const struct row *row, long col, const char *message)
{
	set_problem(c, row, col, message);
	if (!c->job->opt->reject)
		return 1;
	write_reject(c, row);
	c->rejected++;
	return 0;
}

static int bad_field_count(struct chunk *c, const struct row *row)
{
	set_problem(c, row, -1, c->problem.text);
	row_has_fields(row, c->job->header->count, c->problem.text, sizeof c->problem.text);
	if (!c->job->opt->reject)
		return 1;
	write_reject(c, row);
	c->rejected++;
	return 0;
}

/* ---- one row ---- */

/* Rows are kept in blocks that never move: growing one array by reallocation copied
 * it over and over, a tenth of the time of reading a million rows. */
#define BLOCK_ROWS 16384

static void add_row(struct builder *b, const struct goal_row *g)
{
	if (b->nblocks == 0 || b->last_len == BLOCK_ROWS) {
		b->block = xreallocarray(b->block, b->nblocks + 1, sizeof *b->block);
		b->block[b->nblocks++] = xmalloc(BLOCK_ROWS * sizeof **b->block);
		b->last_len = 0;
	}
	b->block[b->nblocks - 1][b->last_len++] = *g;
}

static size_t block_len(const struct builder *b, size_t i)
{
	return i + 1 < b->nblocks ? BLOCK_ROWS : b->last_len;
}

static const char *field(const struct chunk *c, const struct row *row, enum column col, size_t *len)
{
	long i = stream_at(&c->job->b, col);
	*len = i >= 0 ? row->len[i] : 0;
	return i >= 0 ? row->field[i] : "";
}

/* An optional number: empty is "none". NULL if fine, else the problem. */
static const char *optional_number(const char *s, size_t len, decimal *out, bool *has)
{
	*has = false;
	if (len == 0)
		return NULL;
	enum decimal_status st = decimal_parse(s, len, DECIMAL_POINT, out);
	if (st != DECIMAL_OK)
		return decimal_strerror(st);
	*has = true;
	return NULL;
}

static int parse_row_level(const char *s, size_t len)
{
	for (int l = 0; l < LEVEL_COUNT; l++)
		if (strlen(level_names[l]) == len && memcmp(s, level_names[l], len) == 0)
			return l;
	return -2;
}

/* The period of a label: parsed once per distinct label. */
static bool intern_period(struct builder *b, const char *s, size_t len, int fiscal_start, uint32_t *out)
{
	if (b->last_label >= 0) {
		size_t klen;
		const void *key = table_key(b->labels, (size_t)b->last_label, &klen);
		if (klen == len && memcmp(key, s, len) == 0) {
			*out = ((struct label_slot *)table_value(b->labels, (size_t)b->last_label))->period;
			return *out != UINT32_MAX;
		}
	}
	bool created;
	struct label_slot *label = table_upsert(b->labels, s, len, &created);
	if (created) {
		struct period p;
		unsigned char key[PERIOD_KEY_SIZE];
		label->self = (uint32_t)(table_count(b->labels) - 1);
		if (!period_parse(s, len, fiscal_start, &p)) {
			label->period = UINT32_MAX; /* known to be bad, for the rows that repeat it */
		} else {
			period_to_key(p, key);
			bool fresh;
			uint32_t *pi = table_upsert(b->periods, key, sizeof key, &fresh);
			if (fresh) {
				xgrow((void **)&b->period, &b->period_cap, b->nperiods + 1, sizeof *b->period);
				b->period[b->nperiods] = p;
				*pi = (uint32_t)b->nperiods++;
			}
			label->period = *pi;
		}
	}
	b->last_label = label->self;
	*out = label->period;
	return *out != UINT32_MAX;
}

static bool is_metric_entry(const struct builder *b, size_t i, const char *s, size_t len)
{
	size_t klen;
	const void *key = table_key(b->metrics, i, &klen);
	return klen == len && memcmp(key, s, len) == 0;
}

/* A metric of a row already taken (its name was checked then): the next in the cycle
 * of the last one. */
static bool known_metric(const struct builder *b, const char *s, size_t len)
{
	size_t n = table_count(b->metrics), next = b->last_metric + 1 < (long)n ? (size_t)(b->last_metric + 1) : 0;
	return n && is_metric_entry(b, next, s, len);
}

static uint32_t intern_metric(struct builder *b, const char *s, size_t len)
{
	/* Sorted progress goes through the same metrics in each card: the one after the
	 * last, or the first again, is most often the one, found without hashing. */
	size_t n = table_count(b->metrics), next = b->last_metric + 1 < (long)n ? (size_t)(b->last_metric + 1) : 0;
	if (n && is_metric_entry(b, next, s, len)) {
		b->last_metric = (long)next;
		return (uint32_t)next;
	}
	bool created;
	uint32_t *index = table_upsert(b->metrics, s, len, &created);
	if (created)
		*index = (uint32_t)(table_count(b->metrics) - 1);
	b->last_metric = *index;
	return *index;
}

static uint32_t intern_owner(struct builder *b, const char *s, size_t len, struct place at)
{
	if (b->last_owner >= 0) {
		size_t klen;
		const void *key = table_key(b->owners, (size_t)b->last_owner, &klen);
		if (klen == len && memcmp(key, s, len) == 0)
			return (uint32_t)b->last_owner;
	}
	bool created;
	struct owner_slot *slot = table_upsert(b->owners, s, len, &created);
	if (created) {
		slot->index = (uint32_t)(table_count(b->owners) - 1);
		slot->first = at;
	}
	b->last_owner = slot->index;
	return slot->index;
}

static const char *const period_help = "not a period label (2026, 2026-H2, 2026-Q3, 2026-11, 2026-W48, 2026-11-26)";

static int progress_row(void *ctx, const struct row *row)
{
	struct chunk *c = ctx;
	const struct file_job *job = c->job;
	struct builder *b = c->b;
	struct goal_row g;
	size_t len;
	const char *s, *problem;
	c->read++;
	if (row->count != job->header->count)
		return bad_field_count(c, row);
	memset(&g, 0, sizeof g);
	g.file = job->file;
	g.line = row->line;

	const char *owner = field(c, row, COL_OWNER, &len);
	size_t owner_len = len;
	if (owner_len == 0)
		return bad_row(c, row, stream_at(&job->b, COL_OWNER), "empty owner");
	if (memchr(owner, '\0', owner_len))
		return bad_row(c, row, stream_at(&job->b, COL_OWNER), "owner holds a NUL byte");

	s = field(c, row, COL_PERIOD, &len);
	if (!intern_period(b, s, len, job->opt->fiscal_start, &g.period))
		return bad_row(c, row, stream_at(&job->b, COL_PERIOD),
			       s[0] == 'F' && job->opt->fiscal_start == 1 ? "not a period label (FY labels need --fiscal-start)"
									: period_help);

	const char *metric = field(c, row, COL_METRIC, &len);
	size_t metric_len = len;
	if (!known_metric(b, metric, metric_len) && (!is_metric_name(metric) || strlen(metric) != metric_len))
		return bad_row(c, row, stream_at(&job->b, COL_METRIC), "not a metric name (lowercase letters, digits and _)");

	s = field(c, row, COL_ATTAINMENT, &len);
	bool has;
	if ((problem = optional_number(s, len, &g.attainment, &has)))
		return bad_row(c, row, stream_at(&job->b, COL_ATTAINMENT), problem);
	g.has_attainment = has;

	s = field(c, row, COL_WEIGHT, &len);
	bool has_weight;
	if ((problem = optional_number(s, len, &g.weight, &has_weight)))
		return bad_row(c, row, stream_at(&job->b, COL_WEIGHT), problem);
	if (!has_weight)
		g.weight = decimal_from_int(1);
	if (decimal_sign(g.weight) < 0)
		return bad_row(c, row, stream_at(&job->b, COL_WEIGHT), "negative weight");

	s = field(c, row, COL_ACTUAL, &len);
	if ((problem = optional_number(s, len, &g.actual, &has)))
		return bad_row(c, row, stream_at(&job->b, COL_ACTUAL), problem);
	g.has_actual = has;
	s = field(c, row, COL_TARGET, &len);
	if ((problem = optional_number(s, len, &g.target, &has)))
		return bad_row(c, row, stream_at(&job->b, COL_TARGET), problem);
	g.has_target = has;

	s = field(c, row, COL_DIRECTION, &len);
	enum goal_direction direction;
	if (!goal_direction_parse(s, len, &direction))
		return bad_row(c, row, stream_at(&job->b, COL_DIRECTION), "expected higher or lower");
	g.lower = direction == DIRECTION_LOWER;

	s = field(c, row, COL_STATUS, &len);
	g.status = -1;
	if (len) {
		enum goal_status st;
		if (!goal_status_parse(s, len, &st))
			return bad_row(c, row, stream_at(&job->b, COL_STATUS), "not a status: expected " GOAL_STATUS_LIST);
		g.status = (int8_t)st;
	}

	s = field(c, row, COL_PACE, &len);
	if ((problem = optional_number(s, len, &g.pace, &has)))
		return bad_row(c, row, stream_at(&job->b, COL_PACE), problem);
	g.has_pace = has;
	s = field(c, row, COL_DAYS_LEFT, &len);
	decimal days;
	if ((problem = optional_number(s, len, &days, &has)))
		return bad_row(c, row, stream_at(&job->b, COL_DAYS_LEFT), problem);
	if (has && decimal_sign(days) < 0)
		return bad_row(c, row, stream_at(&job->b, COL_DAYS_LEFT), "negative days");
	g.running = (int8_t)(has ? decimal_sign(days) > 0 : -1);
	s = field(c, row, COL_LEVEL, &len);
	g.level = -1;
	if (len) {
		int l = parse_row_level(s, len);
		if (l < 0)
			return bad_row(c, row, stream_at(&job->b, COL_LEVEL), "not a level (rep team manager region)");
		g.level = (int8_t)l;
	}

	struct place here = { job->file, row->line };
	g.owner = intern_owner(b, owner, owner_len, here);
	g.metric = intern_metric(b, metric, metric_len);
	if (b->seen) { /* with a reject file, a second row is rejected here, in input order */
		uint32_t key[3] = { g.owner, g.period, g.metric };
		bool created;
		struct place *first = table_upsert(b->seen, key, sizeof key, &created);
		if (!created) {
			set_problem(c, row, stream_at(&job->b, COL_METRIC), "duplicate row: this owner, period and metric already have a row");
			c->problem.has_value = false;
			c->problem.duplicate = true;
			c->problem.first = *first;
			write_reject(c, row);
			c->rejected++;
			return 0;
		}
		*first = here;
	}
	add_row(b, &g);
	c->used++;
	return 0;
}

/* ---- merging chunks ---- */

/* Moves the builder's blocks of rows into the set's segments. */
static void take_rows(struct card_set *s, struct builder *b)
{
	s->segment = xreallocarray(s->segment, s->nsegments + b->nblocks + 1, sizeof *s->segment);
	s->segment_len = xreallocarray(s->segment_len, s->nsegments + b->nblocks + 1, sizeof *s->segment_len);
	for (size_t k = 0; k < b->nblocks; k++) {
		s->segment[s->nsegments] = b->block[k];
		s->segment_len[s->nsegments++] = block_len(b, k);
	}
	free(b->block);
	b->block = NULL;
	b->nblocks = b->last_len = 0;
}

/* Merges a chunk's builder into the run's: its indexes become the run's, its lines the
 * file's. */
static void merge_builder(struct card_set *s, struct builder *into, struct builder *from, uint64_t offset)
{
	size_t n = table_count(from->owners);
	uint32_t *owner = xcalloc(n + 1, sizeof *owner);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const void *key = table_key(from->owners, i, &len);
		const struct owner_slot *src = table_value(from->owners, i);
		bool created;
		struct owner_slot *slot = table_upsert(into->owners, key, len, &created);
		if (created) {
			slot->index = (uint32_t)(table_count(into->owners) - 1);
			slot->first = src->first;
			slot->first.line += offset;
		}
		owner[src->index] = slot->index;
	}
	uint32_t *period = xcalloc(from->nperiods + 1, sizeof *period);
	for (size_t i = 0; i < from->nperiods; i++) {
		unsigned char key[PERIOD_KEY_SIZE];
		period_to_key(from->period[i], key);
		bool created;
		uint32_t *pi = table_upsert(into->periods, key, sizeof key, &created);
		if (created) {
			xgrow((void **)&into->period, &into->period_cap, into->nperiods + 1, sizeof *into->period);
			into->period[into->nperiods] = from->period[i];
			*pi = (uint32_t)into->nperiods++;
		}
		period[i] = *pi;
	}
	n = table_count(from->metrics);
	uint32_t *metric = xcalloc(n + 1, sizeof *metric);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *key = table_key(from->metrics, i, &len);
		metric[i] = intern_metric(into, key, len);
	}
	for (size_t k = 0; k < from->nblocks; k++) {
		for (size_t i = 0, len = block_len(from, k); i < len; i++) {
			struct goal_row *g = &from->block[k][i];
			g->owner = owner[g->owner];
			g->period = period[g->period];
			g->metric = metric[g->metric];
			g->line += offset;
		}
	}
	take_rows(s, from);
	free(owner);
	free(period);
	free(metric);
}

/* ---- cards ---- */

static int compare_names(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* The run's owners, periods and metrics as lists, metrics in name order; returns the new
 * number of each metric, for build_cards to renumber the rows with. */
static uint32_t *take_names(struct card_set *s, struct builder *g)
{
	s->nowners = table_count(g->owners);
	s->owner = xcalloc(s->nowners + 1, sizeof *s->owner);
	for (size_t i = 0; i < s->nowners; i++) {
		size_t len;
		const char *key = table_key(g->owners, i, &len);
		const struct owner_slot *slot = table_value(g->owners, i);
		s->owner[i] = (struct card_owner){ xmemdup0(key, len), len, slot->first.file, slot->first.line };
	}
	s->nperiods = g->nperiods;
	s->period = g->period;
	g->period = NULL;
	s->label = xcalloc(s->nperiods + 1, sizeof *s->label);
	for (size_t i = 0; i < s->nperiods; i++)
		period_format(s->period[i], s->label[i]);
	s->period_index = g->periods;
	g->periods = NULL;

	s->nmetrics = table_count(g->metrics);
	s->metric = xcalloc(s->nmetrics + 1, sizeof *s->metric);
	for (size_t i = 0; i < s->nmetrics; i++) {
		size_t len;
		const char *name = table_key(g->metrics, i, &len);
		s->metric[i] = xmemdup0(name, len);
	}
	qsort(s->metric, s->nmetrics, sizeof *s->metric, compare_names);
	uint32_t *renumber = xcalloc(s->nmetrics + 1, sizeof *renumber);
	for (size_t i = 0; i < s->nmetrics; i++)
		renumber[*(uint32_t *)table_find(g->metrics, s->metric[i], strlen(s->metric[i]))] = (uint32_t)i;
	return renumber;
}

static bool row_before(const struct goal_row *a, const struct goal_row *b)
{
	if (a->metric != b->metric)
		return a->metric < b->metric;
	if (a->file != b->file)
		return a->file < b->file;
	return a->line < b->line;
}

static int compare_rows(const void *pa, const void *pb)
{
	const struct goal_row *a = *(const struct goal_row *const *)pa, *b = *(const struct goal_row *const *)pb;
	return row_before(a, b) ? -1 : row_before(b, a);
}

/* A card's goals by metric, then by where they were read: a handful of goals is sorted by
 * insertion, more by qsort. */
static void sort_goals(struct card *card)
{
	if (card->count > 16) {
		qsort(card->goal, card->count, sizeof *card->goal, compare_rows);
		return;
	}
	for (uint32_t i = 1; i < card->count; i++) {
		struct goal_row *g = card->goal[i];
		uint32_t j = i;
		for (; j > 0 && row_before(g, card->goal[j - 1]); j--)
			card->goal[j] = card->goal[j - 1];
		card->goal[j] = g;
	}
}

/* Groups the rows into cards, each card's goals by metric (then by where they were read),
 * metrics renumbered on the way; returns the first second row of a goal, in reading
 * order (NULL if none), with the row before it in *first. One pass over the rows to
 * group them, one to place them: a million rows are 100 MB to walk through. */
static const struct goal_row *build_cards(struct card_set *s, const uint32_t *renumber, const struct goal_row **first)
{
	size_t total = 0;
	for (size_t k = 0; k < s->nsegments; k++)
		total += s->segment_len[k];
	s->card_index = table_new(sizeof(uint32_t));
	uint32_t *count = NULL;
	size_t count_cap = 0;
	const struct goal_row *last = NULL;
	for (size_t k = 0; k < s->nsegments; k++) {
		for (size_t i = 0; i < s->segment_len[k]; i++) {
			struct goal_row *g = &s->segment[k][i];
			g->metric = renumber[g->metric];
			if (last && last->owner == g->owner && last->period == g->period) {
				g->card = last->card; /* the goals of a card usually come together */
			} else {
				uint32_t key[2] = { g->owner, g->period };
				bool created;
				uint32_t *ci = table_upsert(s->card_index, key, sizeof key, &created);
				if (created) {
					*ci = (uint32_t)(table_count(s->card_index) - 1);
					xgrow((void **)&count, &count_cap, *ci + 1, sizeof *count);
					count[*ci] = 0;
				}
				g->card = *ci;
			}
			count[g->card]++;
			last = g;
		}
	}
	s->ncards = table_count(s->card_index);
	s->card = xcalloc(s->ncards + 1, sizeof *s->card);
	s->by_card = xcalloc(total + 1, sizeof *s->by_card);
	size_t at = 0;
	for (size_t c = 0; c < s->ncards; c++) {
		s->card[c].goal = s->by_card + at;
		at += count[c];
	}
	for (size_t k = 0; k < s->nsegments; k++) {
		for (size_t i = 0; i < s->segment_len[k]; i++) {
			struct goal_row *g = &s->segment[k][i];
			struct card *card = &s->card[g->card];
			card->owner = g->owner;
			card->period = g->period;
			card->goal[card->count++] = g;
		}
	}
	const struct goal_row *dup = NULL;
	for (size_t c = 0; c < s->ncards; c++) {
		const struct card *card = &s->card[c];
		sort_goals(&s->card[c]);
		for (uint32_t j = 1; j < card->count; j++) {
			const struct goal_row *a = card->goal[j - 1], *b = card->goal[j];
			/* the rows of a metric are in reading order: b is the later of the two */
			if (a->metric == b->metric &&
			    (!dup || b->file < dup->file || (b->file == dup->file && b->line < dup->line))) {
				dup = b;
				*first = a;
			}
		}
	}
	free(count);
	return dup;
}

static noreturn void report_duplicate(const struct card_set *s, const struct goal_row *dup, const struct goal_row *first)
{
	/* names the owner, the period and the metric: the row to look for in a long file */
	const struct card_owner *o = &s->owner[dup->owner];
	struct sbuf message = { 0 };
	sb_str(&message, "duplicate row: \"");
	sb_cut_value(&message, o->name, o->len); /* diag_at escapes it */
	sb_printf(&message, "\" %s %s already has a row %s%s%s%llu", s->label[dup->period], s->metric[dup->metric],
		  first->file == dup->file ? "on line " : "at ", first->file == dup->file ? "" : s->file[first->file],
		  first->file == dup->file ? "" : ":", (unsigned long long)first->line);
	diag_at(s->file[dup->file], dup->line, column_name(COL_METRIC), NULL, 0, sb_text(&message));
	sb_free(&message);
	diag_exit(SPM_EXIT_DATA);
}

/* ---- reading ---- */

/* The chunk that stopped: its problem, unless a second row for a goal came before it. */
static noreturn void stop_at(struct card_set *s, struct builder *run, const struct file_job *job,
			     const struct problem *p, uint64_t offset, const struct scan_error *syntax)
{
	const struct goal_row *first, *dup;
	uint32_t *renumber = take_names(s, run);
	if ((dup = build_cards(s, renumber, &first)))
		report_duplicate(s, dup, first); /* every row kept so far lies before the stop */
	if (syntax) {
		diag_at(job->files[job->file], syntax->line + offset,
			syntax->column < job->header->count ? job->header->name[syntax->column] : NULL, NULL, 0,
			syntax->message);
	} else {
		struct sbuf text = { 0 };
		format_problem(p, job, offset, &text);
		diag_escaped_at(job->files[job->file], p->line + offset, sb_text(&text));
		sb_free(&text);
	}
	diag_exit(SPM_EXIT_DATA);
}

static void read_file(struct card_set *s, struct builder *run, const char *path, struct header **first_header,
		      const struct card_read_options *o)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	const struct header *h = source_header(src);
	struct file_job job = { .opt = o, .header = h, .file = (uint32_t)s->nfiles, .files = s->file };
	s->file[s->nfiles++] = path;
	if (*first_header && !header_equal(*first_header, h))
		diag_fatal(SPM_EXIT_DATA, "%s:1: header differs from the first input's", path);
	stream_bind(STREAM_PROGRESS, h, path, needed, sizeof needed / sizeof needed[0], &job.b);
	if (!*first_header) {
		*first_header = header_copy(h);
		s->columns = job.b;
		if (o->reject) /* the reject file repeats the input's header, plus the reason */
			reject_write_header(o->reject, h);
	}
	bool *wanted = xcalloc(h->count + 1, sizeof *wanted);
	for (size_t c = 0; c < sizeof read_columns / sizeof read_columns[0]; c++)
		if (stream_has(&job.b, read_columns[c]))
			wanted[stream_at(&job.b, read_columns[c])] = true;

	/* Rejected rows are written in input order, and checked for repeats as they come, so
	 * a reject file means one thread, straight into the run's builder. */
	size_t n = source_plan(src, o->reject ? 1 : o->threads);
	struct chunk *chunks = xcalloc(n, sizeof *chunks);
	struct builder *builders = xcalloc(n, sizeof *builders);
	struct scan_chunk *scan = xcalloc(n, sizeof *scan);
	for (size_t i = 0; i < n; i++) {
		if (!o->reject)
			builder_init(&builders[i], false);
		chunks[i] = (struct chunk){ .job = &job, .b = o->reject ? run : &builders[i] };
		scan[i].ctx = &chunks[i];
	}
	struct scan_options so = { wanted, o->reject != NULL, progress_row, NULL };
	source_scan(src, &so, scan, n);
	for (size_t i = 0; i < n; i++) {
		if (!scan[i].used)
			continue;
		s->read += chunks[i].read;
		s->used += chunks[i].used;
		s->rejected += chunks[i].rejected;
		if (o->reject)
			take_rows(s, run);
		else
			merge_builder(s, run, &builders[i], scan[i].line_offset);
		if (scan[i].error.line)
			stop_at(s, run, &job, NULL, scan[i].line_offset, &scan[i].error);
		if (scan[i].stop)
			stop_at(s, run, &job, &chunks[i].problem, scan[i].line_offset, NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (!o->reject)
			builder_free(&builders[i]);
	free(builders);
	free(chunks);
	free(scan);
	free(wanted);
	source_close(src);
}

void cards_read(struct card_set *s, char *const *files, size_t nfiles, const struct card_read_options *o)
{
	struct builder run;
	struct header *first_header = NULL;
	memset(s, 0, sizeof *s);
	s->file = xcalloc(nfiles + 1, sizeof *s->file);
	builder_init(&run, o->reject != NULL);
	for (size_t i = 0; i < nfiles; i++)
		read_file(s, &run, files[i], &first_header, o);
	uint32_t *renumber = take_names(s, &run);
	const struct goal_row *first, *dup = build_cards(s, renumber, &first);
	if (dup)
		report_duplicate(s, dup, first);
	free(renumber);
	builder_free(&run);
	header_free(first_header);
}

void cards_print_counts(const struct card_set *s)
{
	fprintf(stderr, "%s: %llu rows read, %llu used, %llu rejected", diag_program(), (unsigned long long)s->read,
		(unsigned long long)s->used, (unsigned long long)s->rejected);
}

void cards_free(struct card_set *s)
{
	for (size_t i = 0; i < s->nowners; i++)
		free(s->owner[i].name);
	free(s->owner);
	free(s->period);
	free(s->label);
	for (size_t i = 0; i < s->nmetrics; i++)
		free(s->metric[i]);
	free(s->metric);
	free(s->card);
	for (size_t k = 0; k < s->nsegments; k++)
		free(s->segment[k]);
	free(s->segment);
	free(s->segment_len);
	free(s->by_card);
	table_free(s->card_index);
	table_free(s->period_index);
	free(s->file);
	memset(s, 0, sizeof *s);
}

const struct card *cards_find(const struct card_set *s, uint32_t owner, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE];
	period_to_key(p, key);
	const uint32_t *pi = table_find(s->period_index, key, sizeof key);
	if (!pi)
		return NULL;
	return cards_find_index(s, owner, *pi);
}

const struct card *cards_find_index(const struct card_set *s, uint32_t owner, uint32_t period)
{
	uint32_t key[2] = { owner, period };
	const uint32_t *ci = table_find(s->card_index, key, sizeof key);
	return ci ? &s->card[*ci] : NULL;
}

long cards_metric(const struct card_set *s, const char *name)
{
	size_t lo = 0, hi = s->nmetrics;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->metric[mid], name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void cards_group_owners(const struct card_set *s, bool *group)
{
	for (size_t c = 0; c < s->ncards; c++)
		for (uint32_t k = 0; k < s->card[c].count; k++)
			if (s->card[c].goal[k]->level > LEVEL_REP)
				group[s->card[c].owner] = true;
}

/* Whether a card's period is not over at the as-of date: some days left (days_left), or
 * without that column a status only a running period has (ahead, on_track, behind). */
bool card_running(const struct card *card)
{
	bool running = false, told = false;
	for (uint32_t k = 0; k < card->count; k++) {
		const struct goal_row *g = card->goal[k];
		if (g->status == STATUS_NOT_STARTED)
			continue;
		if (g->running >= 0) {
			told = true;
			running |= g->running > 0;
		}
	}
	for (uint32_t k = 0; !told && k < card->count; k++) {
		int st = card->goal[k]->status;
		running |= st == STATUS_AHEAD || st == STATUS_ON_TRACK || st == STATUS_BEHIND || st == STATUS_EARLY;
	}
	return running;
}

/* Whether spm-track judged too little of the card's period gone to read its pace. */
bool card_early(const struct card *card)
{
	for (uint32_t k = 0; k < card->count; k++)
		if (card->goal[k]->status == STATUS_EARLY)
			return true;
	return false;
}
