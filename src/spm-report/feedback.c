/* Feedback that follows the guide: regular, specific, actionable, strengths first. Every
 * sentence is made from the rows and cites their figures; the wording is plain and
 * respectful (no word of blame: a goal not reached "ended at" its figure, "short" by so
 * much), and deterministic: goals in metric order, topics in a fixed order.
 *
 *   so far        early in a period (status early): the figures so far, and no judgement
 *                 of a pace that a few days cannot show
 *   recognition   top performer, most improved, on a streak, every goal achieved
 *   strengths     goals achieved, ahead or on track; rank gained; top quarter of the team
 *   to improve    goals behind or not reached, each with a concrete action: what is
 *                 needed per remaining day against the rate so far (sums and counts), or
 *                 the level to reach (ratios and averages)
 *   comparisons   with the team median, with the owner's own previous period
 *   training      courses of the catalogue for metrics under its threshold
 *   self          the owner's self-rating against the measured percentile */
#include "spm-report.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct voice {
	struct report *r;
	struct block *notes;
	size_t owner, team;
	struct period p;
	struct sbuf b;
};

static void say(struct voice *v, enum topic topic, size_t metric)
{
	block_note(v->notes, topic, metric, v->b.s, v->b.len);
	v->b.len = 0;
	v->b.s[0] = '\0';
}

/* "Won revenue" at the start of a sentence. */
static void metric_first(struct voice *v, size_t metric)
{
	sb_metric_label(&v->b, v->r, metric, true);
}

static void metric_words(struct voice *v, size_t metric)
{
	sb_metric_label(&v->b, v->r, metric, false);
}

static void value(struct voice *v, struct num n, size_t metric)
{
	sb_value(&v->b, n, metric_view(v->r, metric).unit);
}

static void percent(struct voice *v, decimal fraction)
{
	sb_percent(&v->b, fraction);
}

/* "ACTUAL against TARGET (ATTAINMENT)": a goal's figures in one phrase, a limit named so;
 * against: the words before a target that is not a limit. */
static void actual_against(struct voice *v, const struct progress_row *g, const char *against)
{
	value(v, g->actual, g->metric);
	sb_str(&v->b, g->lower ? " against a limit of " : against);
	value(v, g->target, g->metric);
	if (g->attainment.has) {
		sb_str(&v->b, " (");
		percent(v, g->attainment.v);
		sb_str(&v->b, ")");
	}
}

/* A difference of two values of a metric: percentage points for percentages. */
static void difference(struct voice *v, decimal diff, int places, size_t metric)
{
	enum unit u = metric_view(v->r, metric).unit;
	if (decimal_sign(diff) < 0)
		diff.units = -diff.units;
	if (u == U_PERCENT) {
		sb_points(&v->b, diff, false);
		sb_str(&v->b, " points");
	} else {
		sb_value(&v->b, num_of(diff, places), u);
	}
}

static const char *day_word(const struct voice *v)
{
	return v->r->opt->workdays ? "working day" : "day";
}

static void days(struct voice *v, struct num n)
{
	sb_grouped(&v->b, n.v, 0);
	sb_printf(&v->b, " %s%s", day_word(v), decimal_cmp(n.v, decimal_from_int(1)) == 0 ? "" : "s");
}

static int wider(struct num a, struct num b)
{
	return a.places > b.places ? a.places : b.places;
}

/* What a goal is measured by against a threshold or another period: while its period
 * runs, the attainment it is on course for (its pace), never the part done so far. */
static const struct num *on_course(const struct progress_row *g)
{
	return progress_running(g) ? &g->pace : &g->attainment;
}

/* ---- recognition, to the owner ---- */

static size_t group_size(const struct voice *v)
{
	return group_values(v->r, NONE, v->p, v->team)->n;
}

/* The largest rise in score among the owner's group in the period. */
static bool most_improved(const struct report *r, const struct score_row *me, struct period p, size_t team)
{
	const struct group_values *g = group_values(r, NONE, p, team);
	return me->delta.has && decimal_sign(me->delta.v) > 0 && g->has_delta && decimal_cmp(me->delta.v, g->max_delta) == 0;
}

static void in_team(struct voice *v)
{
	if (v->team == NONE)
		return;
	sb_printf(&v->b, " in %s ", group_word(v->r));
	sb_add(&v->b, v->r->names->s[v->team], v->r->names->len[v->team]);
}

static void recognise_owner(struct voice *v, const struct score_row *s, const struct progress_row **goals, size_t n)
{
	char label[PERIOD_LABEL_SIZE];
	if (s && s->rank.has && decimal_cmp(s->rank.v, decimal_from_int(1)) == 0) {
		sb_printf(&v->b, "Top performer of %s", period_label(v->p, label));
		in_team(v);
		sb_printf(&v->b, on_pace(v->r, s) ? ": rank 1 of %zu, on pace for a score of " : ": rank 1 of %zu, with a score of ",
			  group_size(v));
		percent(v, s->score.v);
		sb_str(&v->b, ".");
		say(v, T_RECOGNITION, NONE);
	}
	if (s && most_improved(v->r, s, v->p, v->team)) {
		sb_str(&v->b, "Most improved");
		in_team(v);
		sb_str(&v->b, ": your score rose ");
		sb_points(&v->b, s->delta.v, false);
		sb_str(&v->b, " points");
		if (s->prev_score.has) {
			sb_str(&v->b, ", from ");
			percent(v, s->prev_score.v);
		}
		sb_str(&v->b, " to ");
		percent(v, s->score.v);
		sb_str(&v->b, ".");
		say(v, T_RECOGNITION, NONE);
	}
	if (s && s->streak.has && decimal_cmp(s->streak.v, decimal_from_int(2)) >= 0) {
		sb_str(&v->b, "On a streak: ");
		sb_grouped(&v->b, s->streak.v, 0);
		sb_str(&v->b, " periods in a row in the top tier");
		if (s->tier != NONE) {
			sb_str(&v->b, " (");
			sb_add(&v->b, v->r->names->s[s->tier], v->r->names->len[s->tier]);
			sb_str(&v->b, ")");
		}
		sb_str(&v->b, ".");
		say(v, T_RECOGNITION, NONE);
	}
	size_t achieved = 0;
	for (size_t i = 0; i < n; i++)
		achieved += goals[i]->status == STATUS_ACHIEVED;
	if (n && achieved == n) {
		sb_printf(&v->b, "Every goal of %s achieved: ", period_label(v->p, label));
		for (size_t i = 0; i < n; i++) {
			sb_str(&v->b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
			metric_words(v, goals[i]->metric);
		}
		sb_printf(&v->b, " (%zu of %zu).", n, n);
		say(v, T_RECOGNITION, NONE);
	}
}

/* ---- strengths ---- */

static void so_far_against(struct voice *v, const struct progress_row *g, const char *expected_word)
{
	value(v, g->actual, g->metric);
	sb_str(&v->b, " so far against ");
	value(v, g->expected, g->metric);
	sb_printf(&v->b, " %s by now (pace ", expected_word);
	percent(v, g->pace.v);
	sb_str(&v->b, ")");
}

/* A level's actual at or past its target (direction lower: at or under it), as printed. */
static bool level_met(const struct progress_row *g)
{
	if (!g->actual.has || !g->target.has)
		return false;
	int c = decimal_cmp(g->actual.v, g->target.v);
	return g->lower ? c <= 0 : c >= 0;
}

static void goal_strength(struct voice *v, const struct progress_row *g)
{
	struct metric_view mv = metric_view(v->r, g->metric);
	struct daily daily = daily_figures(v->r, g);
	if (g->status == STATUS_ACHIEVED) {
		sb_str(&v->b, "You achieved your ");
		metric_words(v, g->metric);
		sb_str(&v->b, " goal: ");
		actual_against(v, g, " against ");
		sb_str(&v->b, ".");
		say(v, T_STRENGTH, g->metric);
		return;
	}
	if (!g->pace.has || !g->actual.has)
		return;
	if (mv.cumulative && g->status == STATUS_AHEAD) {
		metric_first(v, g->metric);
		sb_str(&v->b, g->lower ? " is well within its limit: " : " is ahead of pace: ");
		so_far_against(v, g, g->lower ? "allowed" : "expected"); /* words, not columns */
		sb_str(&v->b, ".");
		say(v, T_STRENGTH, g->metric);
	} else if (mv.cumulative && g->status == STATUS_ON_TRACK) {
		metric_first(v, g->metric);
		sb_str(&v->b, " is on track: ");
		so_far_against(v, g, g->lower ? "allowed" : "expected"); /* words, not columns */
		if (daily.needed.has && g->days_left.has) {
			sb_str(&v->b, g->lower ? "; at most " : "; ");
			value(v, daily.needed, g->metric);
			sb_printf(&v->b, " a %s over the ", day_word(v));
			days(v, g->days_left);
			sb_str(&v->b, g->lower ? " left stays within " : " left reaches ");
			value(v, g->target, g->metric);
		}
		sb_str(&v->b, ".");
		say(v, T_STRENGTH, g->metric);
	} else if (!mv.cumulative && (g->status == STATUS_AHEAD || g->status == STATUS_ON_TRACK) &&
		   level_met(g)) {
		/* a win rate or an average at its goal mid-period is not banked: it can still
		 * fall under it before the end (spm-track says achieved only once it is over) */
		int c = decimal_cmp(g->actual.v, g->target.v);
		sb_str(&v->b, c == 0 ? "You are at your " : g->lower ? "You are within your " : "You are above your ");
		metric_words(v, g->metric);
		sb_str(&v->b, g->lower ? " limit so far: " : " goal so far: ");
		actual_against(v, g, " against ");
		if (progress_running(g)) {
			sb_str(&v->b, "; keep it there over the ");
			days(v, g->days_left);
			sb_str(&v->b, " left to achieve it");
		}
		sb_str(&v->b, ".");
		say(v, T_STRENGTH, g->metric);
	} else if (!mv.cumulative && g->status == STATUS_ON_TRACK && g->attainment.has) {
		decimal diff;
		if (!decimal_sub(g->target.v, g->actual.v, &diff))
			return;
		metric_first(v, g->metric);
		sb_str(&v->b, " is close to its goal: ");
		value(v, g->actual, g->metric);
		sb_str(&v->b, g->lower ? " against a limit of " : " against ");
		value(v, g->target, g->metric);
		sb_str(&v->b, " (");
		percent(v, g->attainment.v);
		sb_str(&v->b, "); ");
		difference(v, diff, wider(g->target, g->actual), g->metric);
		sb_str(&v->b, g->lower ? " less reaches it." : " more reaches it.");
		say(v, T_STRENGTH, g->metric);
	}
}

/* Fewer than a quarter of the group strictly above: the top quarter (with 4 or more). */
static void top_quarter(struct voice *v, const struct progress_row *g)
{
	const struct group_values *all = group_values(v->r, g->metric, v->p, v->team);
	decimal median;
	size_t n = all->n, higher = count_above(all, g->attainment.v);
	if (n >= 4 && higher * 4 < n && median_sorted(all->v, n, &median)) {
		sb_str(&v->b, "Your ");
		metric_words(v, g->metric);
		sb_str(&v->b, progress_running(g) ? " attainment so far of " : " attainment of ");
		percent(v, g->attainment.v);
		sb_printf(&v->b, " is in the top quarter of %s%s (%zu reps, median ", v->team == NONE ? "all reps" : "the ",
			  v->team == NONE ? "" : group_word(v->r), n);
		percent(v, median);
		sb_str(&v->b, ").");
		say(v, T_STRENGTH, g->metric);
	}
}

static void rank_gain(struct voice *v, const struct score_row *s)
{
	if (!s || !s->rank.has || !s->prev_rank.has || decimal_cmp(s->prev_rank.v, s->rank.v) <= 0)
		return;
	sb_str(&v->b, "You moved up from rank ");
	sb_grouped(&v->b, s->prev_rank.v, 0);
	sb_str(&v->b, " to rank ");
	sb_grouped(&v->b, s->rank.v, 0);
	sb_str(&v->b, ".");
	say(v, T_STRENGTH, NONE);
}

/* ---- to improve ---- */

static struct num days_in_period(const struct progress_row *g)
{
	decimal total;
	if (!g->days_elapsed.has || !g->days_left.has || !decimal_add(g->days_elapsed.v, g->days_left.v, &total))
		return num_none();
	return num_of(total, 0);
}

static struct num divide(struct num a, struct num b)
{
	decimal q;
	if (!a.has || !b.has || decimal_sign(b.v) <= 0 || !decimal_div(a.v, b.v, 2, ROUND_HALF_AWAY, &q))
		return num_none();
	return num_of(q, 2);
}

/* Days of a period as the progress rows count them: calendar, or Monday to Friday (the
 * holidays of spm-track's --holidays are not known here). */
static struct num period_day_count(const struct voice *v, struct period p)
{
	struct work_calendar cal = { v->r->opt->workdays, NULL, 0 };
	return num_of(decimal_from_int(counted_days(&cal, p.start, period_end(p))), 0);
}

/* After a goal not reached: the daily rate the next goal (or a goal of the same size)
 * takes, against the daily rate of this period. */
static void next_time(struct voice *v, const struct progress_row *g)
{
	struct period next = period_next(v->p);
	const struct names *nm = v->r->names;
	struct goal *ng = v->r->has_goals ? goal_sheet_find(&v->r->goals, nm->s[v->owner], nm->len[v->owner], next,
							   nm->s[g->metric])
					  : NULL;
	struct num total = days_in_period(g), rate = divide(g->actual, total);
	struct num target = g->target, span = total;
	char label[PERIOD_LABEL_SIZE];
	if (ng) {
		target = num_of(ng->target, g->target.places);
		span = period_day_count(v, next);
	}
	struct num need = divide(target, span);
	if (!need.has || !rate.has) {
		if (ng) {
			sb_printf(&v->b, " The goal for %s is ", period_label(next, label));
			value(v, target, g->metric);
			sb_str(&v->b, ".");
		}
		return;
	}
	if (ng) {
		sb_printf(&v->b, g->lower ? " The limit for %s is " : " The goal for %s is ", period_label(next, label));
		value(v, target, g->metric);
		sb_str(&v->b, g->lower ? ": at most " : ": ");
	} else {
		sb_str(&v->b, g->lower ? " Staying within a limit of the same size takes at most "
				       : " Reaching a goal of the same size takes ");
	}
	value(v, need, g->metric);
	sb_printf(&v->b, " a %s over %s", day_word(v), ng ? "its " : "the ");
	days(v, span);
	sb_str(&v->b, ", against ");
	value(v, rate, g->metric);
	sb_printf(&v->b, " a %s this period.", day_word(v));
}

static void goal_to_improve(struct voice *v, const struct progress_row *g)
{
	struct metric_view mv = metric_view(v->r, g->metric);
	struct daily daily = daily_figures(v->r, g);
	char label[PERIOD_LABEL_SIZE];
	if (g->status != STATUS_BEHIND && g->status != STATUS_MISSED && g->status != STATUS_NO_DATA)
		return;
	if (!g->actual.has || g->status == STATUS_NO_DATA) {
		metric_first(v, g->metric);
		sb_printf(&v->b, " cannot be measured yet in %s: there is nothing to measure it on so far; the goal is ",
			  period_label(v->p, label));
		value(v, g->target, g->metric);
		sb_str(&v->b, ".");
		say(v, T_IMPROVE, g->metric);
		return;
	}
	decimal diff;
	bool over = g->lower && decimal_cmp(g->actual.v, g->target.v) > 0;
	if (!decimal_sub(g->target.v, g->actual.v, &diff))
		return;
	metric_first(v, g->metric);
	if (g->status == STATUS_MISSED) {
		sb_str(&v->b, " ended at ");
		actual_against(v, g, " against ");
		sb_str(&v->b, ": ");
		difference(v, diff, wider(g->target, g->actual), g->metric);
		sb_str(&v->b, over ? " above it." : " short.");
		if (mv.cumulative)
			next_time(v, g);
		else if (v->r->has_goals) {
			struct goal *ng = goal_sheet_find(&v->r->goals, v->r->names->s[v->owner], v->r->names->len[v->owner],
							  period_next(v->p), v->r->names->s[g->metric]);
			if (ng) {
				sb_printf(&v->b, " The goal for %s is ", period_label(period_next(v->p), label));
				value(v, num_of(ng->target, g->target.places), g->metric);
				sb_str(&v->b, ".");
			}
		}
		say(v, T_IMPROVE, g->metric);
		return;
	}
	/* behind, with days left */
	if (mv.cumulative && over) {
		sb_str(&v->b, " is at ");
		value(v, g->actual, g->metric);
		sb_str(&v->b, ", above the limit of ");
		value(v, g->target, g->metric);
		sb_str(&v->b, " by ");
		difference(v, diff, wider(g->target, g->actual), g->metric);
		sb_str(&v->b, ", with ");
		days(v, g->days_left);
		sb_str(&v->b, " left: holding it at ");
		value(v, g->actual, g->metric);
		sb_str(&v->b, " keeps the difference where it is.");
	} else if (mv.cumulative) {
		sb_str(&v->b, g->lower ? " is using its limit faster than planned: " : " is behind pace: ");
		so_far_against(v, g, g->lower ? "allowed" : "expected"); /* words, not columns */
		sb_str(&v->b, ".");
		if (daily.needed.has && g->days_left.has) {
			if (g->lower) {
				sb_str(&v->b, " At most ");
				value(v, daily.needed, g->metric);
				sb_printf(&v->b, " a %s over the ", day_word(v));
				days(v, g->days_left);
				sb_str(&v->b, " left stays within ");
				value(v, g->target, g->metric);
			} else {
				sb_str(&v->b, " You need ");
				value(v, g->gap, g->metric);
				sb_str(&v->b, " more ");
				metric_words(v, g->metric);
				sb_str(&v->b, " in ");
				days(v, g->days_left);
				sb_str(&v->b, ": ");
				value(v, daily.needed, g->metric);
				sb_printf(&v->b, " a %s", day_word(v));
			}
			if (daily.so_far.has) {
				sb_str(&v->b, ", against ");
				value(v, daily.so_far, g->metric);
				sb_printf(&v->b, " a %s so far", day_word(v));
			}
			sb_str(&v->b, ".");
		}
	} else {
		sb_str(&v->b, " is at ");
		actual_against(v, g, " against a goal of ");
		sb_str(&v->b, g->lower ? ". It has to come down " : ". It has to rise ");
		difference(v, diff, wider(g->target, g->actual), g->metric);
		sb_str(&v->b, " to ");
		value(v, g->target, g->metric);
		if (g->days_left.has) {
			sb_str(&v->b, " in the ");
			days(v, g->days_left);
			sb_str(&v->b, " left");
		}
		sb_str(&v->b, ".");
	}
	say(v, T_IMPROVE, g->metric);
}

/* ---- comparisons ---- */

static void above_below(struct voice *v, decimal mine, decimal other)
{
	decimal diff;
	if (!decimal_sub(mine, other, &diff))
		return;
	if (decimal_sign(diff) == 0) {
		sb_str(&v->b, "level with");
		return;
	}
	if (decimal_sign(diff) < 0)
		diff.units = -diff.units;
	sb_points(&v->b, diff, false);
	sb_str(&v->b, decimal_cmp(mine, other) > 0 ? " points above" : " points below");
}

static void compare_score(struct voice *v, const struct score_row *s)
{
	char label[PERIOD_LABEL_SIZE];
	if (!s || !s->score.has) /* nothing measured: no score to compare */
		return;
	const struct group_values *all = group_values(v->r, NONE, v->p, v->team);
	decimal median;
	size_t n = all->n;
	if (n >= 2 && median_sorted(all->v, n, &median)) {
		sb_str(&v->b, on_pace(v->r, s) ? "Your score on pace of " : "Your score of ");
		percent(v, s->score.v);
		sb_str(&v->b, " is ");
		above_below(v, s->score.v, median);
		sb_printf(&v->b, " the %s median of ", v->team == NONE ? "overall" : group_word(v->r));
		percent(v, median);
		sb_printf(&v->b, " (%zu reps).", n);
		say(v, T_COMPARE, NONE);
	}
	if (!s->delta.has && s->basis != NONE) {
		sb_str(&v->b, "No change is shown: there is no comparable snapshot (an earlier score of the same basis).");
		say(v, T_COMPARE, NONE);
	}
	if (s->delta.has) {
		sb_str(&v->b, "Your score is ");
		percent(v, s->score.v);
		sb_str(&v->b, ", ");
		if (decimal_sign(s->delta.v) == 0) {
			sb_str(&v->b, "the same as");
		} else {
			sb_points(&v->b, decimal_sign(s->delta.v) < 0 ? (decimal){ -s->delta.v.units } : s->delta.v, false);
			sb_str(&v->b, decimal_sign(s->delta.v) > 0 ? " points up from" : " points down from");
		}
		if (s->prev_score.has) {
			sb_str(&v->b, " ");
			percent(v, s->prev_score.v);
			sb_str(&v->b, " in");
		}
		sb_printf(&v->b, " %s.", period_label(period_previous(v->p), label));
		say(v, T_COMPARE, NONE);
	}
}

static void compare_goal(struct voice *v, const struct progress_row *g)
{
	char label[PERIOD_LABEL_SIZE];
	if (!g->attainment.has)
		return;
	const struct group_values *all = group_values(v->r, g->metric, v->p, v->team);
	decimal median;
	size_t n = all->n;
	if (n >= 2 && median_sorted(all->v, n, &median)) {
		metric_first(v, g->metric);
		sb_str(&v->b, progress_running(g) ? ": your attainment so far of " : ": your attainment of ");
		percent(v, g->attainment.v);
		sb_str(&v->b, " is ");
		above_below(v, g->attainment.v, median);
		sb_printf(&v->b, " the %s median of ", v->team == NONE ? "overall" : group_word(v->r));
		percent(v, median);
		sb_printf(&v->b, " (%zu reps).", n);
		say(v, T_COMPARE, g->metric);
	}
	struct period prev = period_previous(v->p);
	const struct progress_row *before = progress_find(v->r, v->owner, g->metric, prev);
	/* with a whole period, or with last week's snapshot of the same goals by its own pace */
	const struct num *now = on_course(g), *then = before ? on_course(before) : NULL;
	if (then && then->has && now->has) {
		metric_first(v, g->metric);
		sb_str(&v->b, progress_running(g) ? ": on course for " : ": ");
		percent(v, now->v);
		sb_str(&v->b, " this period against ");
		percent(v, then->v);
		sb_printf(&v->b, " in %s (", period_label(prev, label));
		decimal diff;
		if (decimal_sub(now->v, then->v, &diff) && decimal_sign(diff) != 0) {
			if (decimal_sign(diff) < 0)
				diff.units = -diff.units;
			sb_points(&v->b, diff, false);
			sb_str(&v->b, decimal_cmp(now->v, then->v) > 0 ? " points up)." : " points down).");
		} else {
			sb_str(&v->b, "the same).");
		}
		say(v, T_COMPARE, g->metric);
	}
}

/* ---- training and self-assessment ---- */

static void training(struct voice *v, const struct progress_row *g)
{
	const struct catalog *c = &v->r->catalog;
	const struct num *level = on_course(g); /* the part done so far is low for everyone early on */
	for (size_t i = 0; i < c->n; i++) {
		const struct course *course = &c->course[i];
		if (course->metric != g->metric || !level->has || decimal_cmp(level->v, course->below.v) >= 0)
			continue;
		metric_first(v, g->metric);
		sb_str(&v->b, progress_running(g) ? " is on course for " : " attainment is ");
		percent(v, level->v);
		sb_str(&v->b, ", under ");
		percent(v, course->below.v);
		sb_str(&v->b, ": the course \"");
		sb_add(&v->b, course->title, course->title_len);
		sb_str(&v->b, "\" is recommended.");
		say(v, T_TRAINING, g->metric);
	}
}

/* The rating a percentile matches: r covers 20·(r−1) up to 20·r, and 100 is a 5. */
static int rating_of_percentile(decimal pct)
{
	for (int r = 1; r < 5; r++)
		if (decimal_cmp(pct, decimal_from_int(20 * r)) < 0)
			return r;
	return 5;
}

/* Percentile of an attainment in its group: the share of the other owners below it. */
static bool attainment_percentile(struct voice *v, const struct progress_row *g, decimal *pct, size_t *n)
{
	const struct group_values *all = group_values(v->r, g->metric, v->p, v->team);
	size_t lower = count_below(all, g->attainment.v);
	*n = all->n;
	if (*n < 2)
		return false;
	return decimal_div(decimal_from_int((int64_t)lower * 100), decimal_from_int((int64_t)*n - 1), 2, ROUND_HALF_AWAY,
			   pct);
}

static void self_rating(struct voice *v, const struct self_rating *sr, const struct score_row *s)
{
	char label[PERIOD_LABEL_SIZE];
	bool overall = strcmp(v->r->names->s[sr->metric], "score") == 0; /* the self stream's overall metric, not a column */
	decimal pct, figure;
	size_t n = 0;
	bool measured = false;
	sb_str(&v->b, "You rated your ");
	if (overall)
		sb_str(&v->b, "overall performance");
	else
		metric_words(v, sr->metric);
	sb_printf(&v->b, " %d of 5", sr->rating);
	if (overall && s && s->percentile.has) {
		pct = s->percentile.v;
		figure = s->score.v;
		measured = true;
	} else if (!overall) {
		const struct progress_row *g = progress_find(v->r, v->owner, sr->metric, v->p);
		if (g && g->attainment.has) {
			figure = g->attainment.v;
			if (!attainment_percentile(v, g, &pct, &n)) {
				sb_str(&v->b, "; your attainment is ");
				percent(v, figure);
				sb_printf(&v->b, ", and no other rep of the %s has this goal to compare it with.", group_word(v->r));
				say(v, T_SELF, sr->metric);
				return;
			}
			measured = true;
		}
	}
	if (!measured) {
		/* words, not columns */
		sb_printf(&v->b, "; there is no measured %s in %s to compare it with.", overall ? "score" : "attainment",
			  period_label(v->p, label));
		say(v, T_SELF, overall ? NONE : sr->metric);
		return;
	}
	int m = rating_of_percentile(pct);
	struct sbuf where = { 0 };
	sb_printf(&where, "your %s of ", overall ? "score" : "attainment"); /* words, not columns */
	sb_percent(&where, figure);
	sb_str(&where, " is at percentile ");
	sb_grouped(&where, pct, 2);
	sb_printf(&where, " of the %s", v->team == NONE ? "reps" : group_word(v->r)); /* a word, not a column */
	if (sr->rating == m) {
		sb_str(&v->b, ", and the numbers agree: ");
		sb_add(&v->b, where.s, where.len);
		sb_printf(&v->b, ", which matches a %d.", m);
	} else if (sr->rating > m) {
		sb_printf(&v->b, "; the numbers put it at %d: ", m);
		sb_add(&v->b, where.s, where.len);
		sb_printf(&v->b, ". A difference of %d to talk through in your review.", sr->rating - m);
	} else {
		sb_printf(&v->b, "; the numbers put it higher, at %d: ", m);
		sb_add(&v->b, where.s, where.len);
		sb_printf(&v->b, ". You are doing better than you rated yourself, by %d.", m - sr->rating);
	}
	sb_free(&where);
	say(v, T_SELF, overall ? NONE : sr->metric);
}

/* ---- the owner's feedback ---- */

static int cmp_goals(const void *pa, const void *pb, const struct names *nm)
{
	const struct progress_row *a = *(const struct progress_row *const *)pa;
	const struct progress_row *b = *(const struct progress_row *const *)pb;
	return name_cmp(nm, a->metric, b->metric);
}

static const struct names *goal_names;

static int cmp_goal_rows(const void *a, const void *b)
{
	return cmp_goals(a, b, goal_names);
}

/* The owner's self-ratings of the period, in file order (indexed by owner once). */
static void owner_self_assessment(struct voice *v, const struct score_row *s)
{
	size_t nrated;
	const size_t *rated = owner_self_ratings(v->r, v->owner, &nrated);
	for (size_t i = 0; i < nrated; i++) {
		const struct self_rating *sr = &v->r->self.r[rated[i]];
		if (period_cmp(sr->period, v->p) == 0 && sr->period.grain == v->p.grain)
			self_rating(v, sr, s);
	}
}

bool no_activity(const struct progress_row *const *goals, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct progress_row *g = goals[i];
		if (g->lower || g->status == STATUS_ACHIEVED || (g->actual.has && decimal_sign(g->actual.v) != 0))
			return false;
	}
	return true;
}

/* Goals of status early (spm-track --early): one sentence of their figures so far, the
 * days gone and the days in all, and nothing else is said of them, neither praise nor
 * blame: on day 2 of a quarter, 0 deals of 0.6 expected is not behind, nor 1 deal ahead. */
static void so_far(struct voice *v, const struct progress_row *const *early, size_t n)
{
	const struct progress_row *g = early[0];
	sb_str(&v->b, "Too early to tell a pace");
	if (g->days_elapsed.has && g->days_left.has) {
		decimal total;
		if (decimal_add(g->days_elapsed.v, g->days_left.v, &total)) {
			sb_str(&v->b, ": ");
			sb_grouped(&v->b, g->days_elapsed.v, 0);
			sb_str(&v->b, " of the ");
			days(v, num_of(total, 0));
			sb_str(&v->b, " of the period have gone");
		}
	}
	sb_str(&v->b, ". So far: ");
	for (size_t i = 0; i < n; i++) {
		g = early[i];
		sb_str(&v->b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
		metric_words(v, g->metric);
		sb_str(&v->b, " ");
		if (!g->actual.has)
			sb_str(&v->b, "not measurable yet");
		else
			value(v, g->actual, g->metric);
		if (!g->target.has)
			continue;
		if (g->lower || !metric_view(v->r, g->metric).cumulative) {
			sb_str(&v->b, g->lower ? " (at most " : " (target ");
			value(v, g->target, g->metric);
			sb_str(&v->b, ")");
		} else {
			sb_str(&v->b, " of ");
			value(v, g->target, g->metric);
		}
	}
	sb_str(&v->b, ".");
	say(v, T_SO_FAR, NONE);
}

size_t owner_period_goals(const struct report *r, size_t owner, struct period p, const struct progress_row **goals,
			  const struct progress_row **early, size_t *nearly)
{
	size_t nown, n = 0;
	const size_t *own = owner_progress(r, owner, &nown);
	*nearly = 0;
	for (size_t i = 0; i < nown; i++) {
		const struct progress_row *g = &r->data->progress[own[i]];
		if (period_cmp(g->period, p) != 0 || g->period.grain != p.grain || g->status == STATUS_NOT_STARTED)
			continue;
		if (g->status == STATUS_EARLY)
			early[(*nearly)++] = g;
		else
			goals[n++] = g;
	}
	if (*nearly) { /* a goal not measurable yet in a period too young to judge: so far too */
		size_t kept = 0;
		for (size_t i = 0; i < n; i++)
			if (goals[i]->status == STATUS_NO_DATA)
				early[(*nearly)++] = goals[i];
			else
				goals[kept++] = goals[i];
		n = kept;
	}
	return n;
}

void owner_feedback(struct report *r, size_t owner, struct period p, struct block *notes)
{
	struct voice v = { .r = r, .notes = notes, .owner = owner, .p = p, .team = team_of(r, owner, p) };
	size_t nown, nearly;
	owner_progress(r, owner, &nown);
	const struct progress_row **goals = xcalloc(nown + 1, sizeof *goals);
	const struct progress_row **early = xcalloc(nown + 1, sizeof *early);
	size_t n = owner_period_goals(r, owner, p, goals, early, &nearly);
	goal_names = r->names;
	if (n > 1)
		qsort(goals, n, sizeof *goals, cmp_goal_rows);
	if (nearly > 1)
		qsort(early, nearly, sizeof *early, cmp_goal_rows);
	const struct score_row *s = score_find(r, owner, p);
	sb_str(&v.b, ""); /* say() needs a buffer */
	if (nearly)
		so_far(&v, early, nearly);
	free(early);

	if (no_activity(goals, n)) { /* one sentence, not a bullet of 0.00 % per goal */
		char label[PERIOD_LABEL_SIZE];
		bool running = progress_running(goals[0]); /* once over: no "yet", no "so far" */
		sb_printf(&v.b, running ? "No activity recorded yet in %s: nothing so far on any of your %zu goal%s ("
					: "No activity recorded in %s: nothing on any of your %zu goal%s (",
			  period_label(p, label), n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			sb_str(&v.b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
			metric_words(&v, goals[i]->metric);
		}
		sb_str(&v.b, ")");
		if (running) {
			sb_str(&v.b, ", with ");
			days(&v, goals[0]->days_left);
			sb_str(&v.b, " left");
		}
		sb_str(&v.b, ".");
		say(&v, T_IMPROVE, NONE);
		owner_self_assessment(&v, s);
		free(goals);
		sb_free(&v.b);
		return;
	}
	/* Too early in the period (nearly): no recognition ("every goal achieved" would count
	 * only the goals already final) and no comparison with peers on a few days. */
	if (!nearly)
		recognise_owner(&v, s, goals, n);
	for (size_t i = 0; i < n; i++)
		goal_strength(&v, goals[i]);
	rank_gain(&v, s);
	for (size_t i = 0; i < n && !nearly; i++)
		if (goals[i]->attainment.has)
			top_quarter(&v, goals[i]);
	for (size_t i = 0; i < n; i++)
		goal_to_improve(&v, goals[i]);
	compare_score(&v, s);
	for (size_t i = 0; i < n && !nearly; i++)
		compare_goal(&v, goals[i]);
	for (size_t i = 0; i < n; i++)
		training(&v, goals[i]);
	owner_self_assessment(&v, s);
	free(goals);
	sb_free(&v.b);
}

/* ---- recognition of a period, to everyone (leaderboard, team) ---- */

static void named(struct voice *v, size_t owner)
{
	sb_add(&v->b, v->r->names->s[owner], v->r->names->len[owner]);
}

void period_recognition(struct report *r, struct period p, size_t team, struct block *notes)
{
	struct voice v = { .r = r, .notes = notes, .p = p, .team = team };
	sb_str(&v.b, "");
	const struct data *d = r->data;
	/* the group's reps, in owner order, so the sentences come out the same every time;
	 * copied: later lookups may index another period */
	const struct members *mem = members_of(r, p, team);
	size_t n = mem->n;
	size_t *order = xcalloc(n + 1, sizeof *order);
	memcpy(order, mem->owner, n * sizeof *order);
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = score_find(r, order[i], p);
		if (!s || !s->rank.has || decimal_cmp(s->rank.v, decimal_from_int(1)) != 0)
			continue;
		sb_str(&v.b, "Top performer");
		if (s->team != NONE && team == NONE) {
			sb_printf(&v.b, " in %s ", group_word(r));
			named(&v, s->team);
		}
		sb_str(&v.b, ": ");
		named(&v, s->owner);
		sb_str(&v.b, on_pace(r, s) ? ", rank 1, on pace for a score of " : ", rank 1 with a score of ");
		percent(&v, s->score.v);
		sb_str(&v.b, ".");
		say(&v, T_RECOGNITION, NONE);
	}
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = score_find(r, order[i], p);
		if (!s || !most_improved(r, s, p, team))
			continue;
		sb_str(&v.b, "Most improved: ");
		named(&v, s->owner);
		sb_str(&v.b, ", score up ");
		sb_points(&v.b, s->delta.v, false);
		sb_str(&v.b, " points to ");
		percent(&v, s->score.v);
		sb_str(&v.b, ".");
		say(&v, T_RECOGNITION, NONE);
	}
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = score_find(r, order[i], p);
		if (!s || !s->streak.has || decimal_cmp(s->streak.v, decimal_from_int(2)) < 0)
			continue;
		sb_str(&v.b, "On a streak: ");
		named(&v, s->owner);
		sb_str(&v.b, ", ");
		sb_grouped(&v.b, s->streak.v, 0);
		sb_str(&v.b, " periods in a row in the top tier.");
		say(&v, T_RECOGNITION, NONE);
	}
	/* every goal achieved, from progress */
	for (size_t k = 0; k < n; k++) {
		size_t goals = 0, achieved = 0, nown;
		const size_t *own = owner_progress(r, order[k], &nown);
		for (size_t i = 0; i < nown; i++) {
			const struct progress_row *g = &d->progress[own[i]];
			if (period_cmp(g->period, p) != 0 || g->period.grain != p.grain)
				continue;
			goals++;
			achieved += g->status == STATUS_ACHIEVED;
		}
		if (goals && achieved == goals && owner_wanted(r, order[k])) {
			sb_str(&v.b, "Every goal achieved: ");
			named(&v, order[k]);
			sb_printf(&v.b, " (%zu of %zu).", achieved, goals);
			say(&v, T_RECOGNITION, NONE);
		}
	}
	free(order);
	sb_free(&v.b);
}
