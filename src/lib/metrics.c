/* The metrics spm knows: built-in deal metrics and the custom metrics of a metrics file. */
#include "metrics.h"

#include "diag.h"
#include "input.h"
#include "options.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const builtin_metric_names[M_BUILTIN_COUNT] = {
	"won_revenue", "won_deals", "lost_deals", "win_rate", "avg_deal", "cycle_days", "pipeline",
	"coverage", "overlay_revenue", "overlay_deals", "clawback", "clawback_deals", /* metric names, not columns */
};

/* What people read for each built-in (reports in text, Markdown and HTML). */
static const char *const builtin_labels[M_BUILTIN_COUNT] = {
	"Won revenue", "Won deals", "Lost deals", "Win rate", "Average deal", "Cycle days", "Pipeline",
	"Pipeline coverage", "Overlay revenue", "Overlay deals", "Clawback", "Clawback deals",
};

/* The words of a direction column, values not columns (a plan's "lower" is another thing). */
static const char *const direction_words[] = { [DIRECTION_DEFAULT] = "", [DIRECTION_HIGHER] = "higher",
					       [DIRECTION_LOWER] = "lower" }; /* not columns */

const char *goal_direction_name(enum goal_direction d)
{
	return direction_words[d];
}

bool goal_direction_parse(const char *s, size_t len, enum goal_direction *d)
{
	for (int k = 0; k < 3; k++)
		if (strlen(direction_words[k]) == len && memcmp(s, direction_words[k], len) == 0) {
			*d = (enum goal_direction)k;
			return true;
		}
	return false;
}

static void add_builtin(struct metric_catalog *ms, enum builtin b)
{
	static const struct {
		enum agg agg;
		bool ratio, cumulative, lower;
		int places;
	} spec[M_BUILTIN_COUNT] = {
		[M_WON_REVENUE] = { AGG_SUM, false, true, false, 2 },
		[M_WON_DEALS] = { AGG_COUNT, false, true, false, 0 },
		[M_LOST_DEALS] = { AGG_COUNT, false, true, true, 0 }, /* a limit: fewer is better */
		[M_WIN_RATE] = { AGG_AVG, true, false, false, 4 },
		[M_AVG_DEAL] = { AGG_AVG, true, false, false, 2 },
		[M_CYCLE_DAYS] = { AGG_AVG, true, false, true, 2 },
		/* open pipeline is a level at a moment, not a flow: never prorated */
		[M_PIPELINE] = { AGG_SUM, false, false, false, 2 },
		[M_COVERAGE] = { AGG_AVG, true, false, false, 4 },
		[M_OVERLAY_REVENUE] = { AGG_SUM, false, true, false, 2 },
		[M_OVERLAY_DEALS] = { AGG_COUNT, false, true, false, 0 },
		/* reversed revenue: less is better */
		[M_CLAWBACK] = { AGG_SUM, false, true, true, 2 },
		[M_CLAWBACK_DEALS] = { AGG_COUNT, false, true, true, 0 },
	};
	xgrow((void **)&ms->all, &ms->cap, ms->nall + 1, sizeof *ms->all);
	struct metric *m = &ms->all[ms->nall++];
	memset(m, 0, sizeof *m);
	m->name = xstrdup(builtin_metric_names[b]);
	m->label = xstrdup(builtin_labels[b]);
	m->unit = xstrdup(spec[b].places == 2 && spec[b].agg != AGG_AVG ? "money" : "");
	m->category = xstrdup("");
	m->builtin = b;
	m->agg = spec[b].agg;
	m->ratio = spec[b].ratio;
	m->places = spec[b].places;
	m->cumulative = spec[b].cumulative;
	m->lower = spec[b].lower;
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

bool is_metric_name(const char *s)
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

/* "new_logos" → "New logos": a label for a metric that has none. */
char *label_from_name(const char *name)
{
	char *label = xstrdup(name);
	for (char *p = label; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (label[0] >= 'a' && label[0] <= 'z')
		label[0] = (char)(label[0] - 'a' + 'A');
	return label;
}

const char *metric_label(const struct metric_catalog *c, const char *name, char **made)
{
	const struct metric *m = metric_find(c, name);
	*made = NULL;
	if (m)
		return m->label;
	return *made = label_from_name(name);
}

/* The built-in or custom metric of that name, or NULL. */
struct metric *metric_find(const struct metric_catalog *ms, const char *name)
{
	for (size_t i = 0; i < ms->nall; i++)
		if (strcmp(ms->all[i].name, name) == 0)
			return &ms->all[i];
	return NULL;
}

struct metrics_reader {
	struct metric_catalog *ms;
	struct stream_binding cols;
	struct file_problem problem;
};

static const char *mf_field(const struct metrics_reader *mr, const struct row *row, enum column c)
{
	long i = stream_at(&mr->cols, c);
	return i >= 0 && (size_t)i < row->count ? row->field[i] : "";
}

static int metrics_bad(struct metrics_reader *mr, const struct row *row, enum column c,
		       const char *value, const char *message)
{
	return file_problem_at(&mr->problem, row, column_name(c), value, message);
}

static int metrics_row(void *ctx, const struct row *row)
{
	struct metrics_reader *mr = ctx;
	struct metric_catalog *ms = mr->ms;
	const char *name = mf_field(mr, row, COL_METRIC);
	const char *agg = mf_field(mr, row, COL_AGG);
	const char *column = mf_field(mr, row, COL_COLUMN);
	const char *where = mf_field(mr, row, COL_WHERE);
	const char *unit = mf_field(mr, row, COL_UNIT);
	const char *direction = mf_field(mr, row, COL_DIRECTION);
	struct metric m;
	if (name[0] == '#')
		return 0;
	memset(&m, 0, sizeof m);
	if (!is_metric_name(name))
		return metrics_bad(mr, row, COL_METRIC, name, "a metric name is lowercase letters, digits and _");
	const struct metric *same = metric_find(ms, name);
	if (same)
		return metrics_bad(mr, row, COL_METRIC, name,
				   same->builtin == M_CUSTOM ? "defined twice" : "is a built-in metric");
	if (!parse_agg(agg, &m.agg))
		return metrics_bad(mr, row, COL_AGG, agg, "expected count, sum, avg, min, max or distinct");
	enum goal_direction dir;
	if (!goal_direction_parse(direction, strlen(direction), &dir))
		return metrics_bad(mr, row, COL_DIRECTION, direction, "expected higher or lower");
	if (m.agg != AGG_COUNT && !*column)
		return metrics_bad(mr, row, COL_COLUMN, column, "this aggregation needs a column");
	if (*where && !parse_where(where, &m)) {
		for (size_t i = 0; i < m.nwhere; i++) {
			free(m.where[i].column);
			free(m.where[i].value);
		}
		free(m.where);
		return metrics_bad(mr, row, COL_WHERE, where, "expected column=value or column!=value, joined by &");
	}
	m.name = xstrdup(name);
	m.builtin = M_CUSTOM;
	m.column = *column ? xstrdup(column) : NULL;
	m.ratio = m.agg == AGG_AVG;
	m.cumulative = m.agg == AGG_COUNT || m.agg == AGG_SUM || m.agg == AGG_DISTINCT;
	m.lower = dir == DIRECTION_LOWER;
	m.unit = xstrdup(unit);
	m.category = xstrdup(mf_field(mr, row, COL_CATEGORY));
	m.label = *mf_field(mr, row, COL_LABEL) ? xstrdup(mf_field(mr, row, COL_LABEL)) : label_from_name(name);
	if (strcmp(unit, "money") == 0 || strcmp(unit, "currency") == 0) /* unit words, not columns */
		m.places = 2;
	else if (strcmp(unit, "ratio") == 0) /* a unit, not a column */
		m.places = 4;
	else
		m.places = m.agg == AGG_AVG ? 2 : -1;
	m.index = -1;
	xgrow((void **)&ms->all, &ms->cap, ms->nall + 1, sizeof *ms->all);
	ms->all[ms->nall++] = m;
	return 0;
}

static void load_metrics_file(const char *path, struct metric_catalog *ms)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	struct metrics_reader mr = { .ms = ms };
	stream_bind(STREAM_METRICS, source_header(src), path, NULL, 0, &mr.cols);
	read_side_file(src, path, metrics_row, &mr, &mr.problem);
}


void metric_catalog_load(struct metric_catalog *c, const char *path)
{
	memset(c, 0, sizeof *c);
	for (int b = 0; b < M_BUILTIN_COUNT; b++)
		add_builtin(c, (enum builtin)b);
	if (path)
		load_metrics_file(path, c);
}

void metric_catalog_free(struct metric_catalog *c)
{
	for (size_t i = 0; i < c->nall; i++) {
		struct metric *m = &c->all[i];
		for (size_t k = 0; k < m->nwhere; k++) {
			free(m->where[k].column);
			free(m->where[k].value);
		}
		free(m->where);
		free(m->column);
		free(m->unit);
		free(m->category);
		free(m->label);
		free(m->name);
	}
	free(c->all);
	memset(c, 0, sizeof *c);
}
