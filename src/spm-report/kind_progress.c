/* Progress: per owner, each goal of the period with its status, and what it needs per
 * remaining day against what was done per day so far (for sums and counts: for ratios and
 * levels a per-day figure means nothing, and the cells stay empty). */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { P_PERIOD, P_METRIC, P_ACTUAL, P_TARGET, P_ATTAINMENT, P_BAR, P_STATUS, P_GAP, P_DAYS_LEFT, P_NEEDED,
       P_SO_FAR, P_EXPECTED, P_PACE, P_PROJECTED, P_WEIGHT, P_DIRECTION, P_DAYS_ELAPSED, P_N };

static const struct doc_column progress_cols[P_N] = {
	[P_PERIOD] = { COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	[P_METRIC] = { COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	[P_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[P_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[P_ATTAINMENT] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[P_BAR] = { "bar", "", COL_BAR, SHOW_HUMAN, false },
	[P_STATUS] = { COLUMN_KEY(COL_STATUS), "Status", COL_TEXT, SHOW_ALL, false },
	[P_GAP] = { COLUMN_KEY(COL_GAP), "Gap", COL_NUMBER, SHOW_ALL, false },
	[P_DAYS_LEFT] = { COLUMN_KEY(COL_DAYS_LEFT), "Days left", COL_NUMBER, SHOW_ALL, false },
	[P_NEEDED] = { "needed_per_day", "Needed a day", COL_NUMBER, SHOW_ALL, false },
	[P_SO_FAR] = { "so_far_per_day", "So far a day", COL_NUMBER, SHOW_ALL, false },
	[P_EXPECTED] = { COLUMN_KEY(COL_EXPECTED), "Expected", COL_NUMBER, SHOW_DATA, false },
	[P_PACE] = { COLUMN_KEY(COL_PACE), "Pace", COL_NUMBER, SHOW_DATA, false },
	[P_PROJECTED] = { COLUMN_KEY(COL_PROJECTED), "Projected", COL_NUMBER, SHOW_DATA, false },
	[P_WEIGHT] = { COLUMN_KEY(COL_WEIGHT), "Weight", COL_NUMBER, SHOW_DATA, false },
	[P_DIRECTION] = { COLUMN_KEY(COL_DIRECTION), "Direction", COL_TEXT, SHOW_DATA, false },
	[P_DAYS_ELAPSED] = { COLUMN_KEY(COL_DAYS_ELAPSED), "Days elapsed", COL_NUMBER, SHOW_DATA, false },
};

static struct doc_column owner_fields[] = {
	{ COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_LEVEL), "Level", COL_TEXT, SHOW_ALL, false },
};

static const struct report *sort_report;

/* By level (reps first, then teams, managers and regions, as the leaderboard's tables),
 * owner, period (start, then grain), metric. */
static int cmp_progress(const void *pa, const void *pb)
{
	const struct progress_row *a = &sort_report->data->progress[*(const size_t *)pa];
	const struct progress_row *b = &sort_report->data->progress[*(const size_t *)pb];
	enum level la = owner_level(sort_report, a->owner), lb = owner_level(sort_report, b->owner);
	if (la != lb)
		return la < lb ? -1 : 1;
	int c = name_cmp(sort_report->names, a->owner, b->owner);
	if (c || (c = period_cmp(a->period, b->period)) || (c = (int)a->period.grain - (int)b->period.grain))
		return c;
	return name_cmp(sort_report->names, a->metric, b->metric);
}

size_t *current_progress(const struct report *r, size_t *n)
{
	size_t *rows = xcalloc(r->data->nprogress + 1, sizeof *rows);
	*n = 0;
	for (size_t i = 0; i < r->data->nprogress; i++) {
		const struct progress_row *p = &r->data->progress[i];
		if (is_current(r, p->period) && owner_wanted(r, p->owner))
			rows[(*n)++] = i;
	}
	sort_report = r;
	if (*n > 1)
		qsort(rows, *n, sizeof *rows, cmp_progress);
	return rows;
}

void progress_cells(const struct report *r, struct dtable *t, const struct progress_row *p)
{
	char label[PERIOD_LABEL_SIZE];
	enum unit u = metric_view(r, p->metric).unit;
	struct daily daily = daily_figures(r, p);
	size_t row = dtable_row(t);
	set_str(t, row, P_PERIOD, period_label(p->period, label));
	set_metric(r, t, row, P_METRIC, p->metric);
	set_num(dtable_cell(t, row, P_ACTUAL), p->actual, u);
	set_num(dtable_cell(t, row, P_TARGET), p->target, u);
	set_num(dtable_cell(t, row, P_ATTAINMENT), p->attainment, U_PERCENT);
	dtable_cell(t, row, P_ATTAINMENT)->tone = attainment_tone(p->attainment);
	set_num(dtable_cell(t, row, P_BAR), p->attainment, U_PERCENT);
	dtable_cell(t, row, P_BAR)->tone = status_tone(p->status);
	set_str(t, row, P_STATUS, goal_status_name(p->status));
			set_human(t, row, P_STATUS, status_words(p->status), strlen(status_words(p->status)));
	dtable_cell(t, row, P_STATUS)->tone = status_tone(p->status);
	set_num(dtable_cell(t, row, P_GAP), p->gap, u);
	dtable_cell(t, row, P_GAP)->points = u == U_PERCENT; /* a gap in a rate: percentage points */
	set_num(dtable_cell(t, row, P_DAYS_LEFT), p->days_left, U_COUNT);
	set_num(dtable_cell(t, row, P_NEEDED), daily.needed, u == U_PERCENT ? U_PLAIN : u);
	set_num(dtable_cell(t, row, P_SO_FAR), daily.so_far, u == U_PERCENT ? U_PLAIN : u);
	set_num(dtable_cell(t, row, P_EXPECTED), p->expected, u);
	set_num(dtable_cell(t, row, P_PACE), p->pace, U_PERCENT);
	set_num(dtable_cell(t, row, P_PROJECTED), p->projected, u);
	set_num(dtable_cell(t, row, P_WEIGHT), p->weight, U_PLAIN);
	set_str(t, row, P_DIRECTION, goal_direction_name(p->lower ? DIRECTION_LOWER : DIRECTION_HIGHER));
	set_num(dtable_cell(t, row, P_DAYS_ELAPSED), p->days_elapsed, U_COUNT);
}

const struct doc_column *progress_columns(size_t *n)
{
	*n = P_N;
	return progress_cols;
}

void build_progress(struct report *r, struct doc *d)
{
	size_t n;
	size_t *rows = current_progress(r, &n);
	bool teams = r->has_roster || r->data->scores_grouped;
	owner_fields[1].show = teams ? SHOW_ALL : 0;
	bool groups = false; /* a team, manager or region among the owners: each section says which */
	for (size_t i = 0; i < n && !groups; i++)
		groups = !is_rep(r, r->data->progress[rows[i]].owner);
	owner_fields[2].show = groups ? SHOW_ALL : 0;
	if (teams) { /* named after the group compared within (--level region: "Region"), as in feedback */
		owner_fields[1].key = doc_keep(d, xstrdup(group_word(r)));
		owner_fields[1].label = doc_keep(d, group_heading(r));
	}
	d->json_flat = true;
	d->csv_ok = true;
	struct section *sec = NULL;
	struct block *b = NULL;
	size_t owner = NONE;
	for (size_t i = 0; i < n; i++) {
		const struct progress_row *p = &r->data->progress[rows[i]];
		if (!sec || p->owner != owner) {
			owner = p->owner;
			sec = doc_section(d, owner, owner_fields, 3, 1);
			set_name(field(sec, 0), r->names, owner);
			set_name(field(sec, 1), r->names, team_of(r, owner, p->period));
			if (groups) {
				enum level lv = owner_level(r, owner);
				set_str(&sec->fields, 0, 2, level_names[lv]);
				if (lv == LEVEL_REP) /* people read the level of groups only; data has every row's */
					set_human(&sec->fields, 0, 2, "", 0);
			}
			b = section_table(sec, "goals", NULL, progress_cols, P_N);
			size_t k = i; /* the owner's rows, consecutive: the table allocated once */
			while (k < n && r->data->progress[rows[k]].owner == owner)
				k++;
			dtable_reserve(&b->t, k - i);
		}
		progress_cells(r, &b->t, p);
	}
	free(rows);
	doc_footer(d, "Needed a day: the gap divided by the days left; so far a day: the actual divided by the days "
		      "elapsed. Only for sums and counts; for ratios and averages (win rate, average deal, cycle "
		      "days) the level itself is what has to reach the target. For a goal kept under a limit, needed "
		      "a day is what may still be used per day.");
	common_footer(r, d);
}
