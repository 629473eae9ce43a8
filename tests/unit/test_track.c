/* Unit tests for spm-track's pure parts: won/lost stage classification, the column
 * mapping (presets, overrides, a mapping file), group keys, regrouping an actuals row's
 * period into a goal's grain, and merging ratios exactly (numerators and denominators
 * added, divided once). spm-track is not part of the core library, so its sources other
 * than main.c are compiled in here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/spm-track/actuals.c"
#include "../../src/spm-track/export.c"
#include "../../src/spm-track/groups.c"
#include "../../src/spm-track/merge.c"
#include "../../src/spm-track/progress.c"
#include "../../src/spm-track/write.c"
#include "../../src/spm-track/records.c"
#include "../../src/spm-track/currency.c"
#include "../../src/spm-track/credits.c"
#include "../../src/spm-track/clawback.c"
#include "../../src/spm-track/totals.c"

/* ---- helpers ---- */

static decimal dec(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("not a number: %s", s);
	return d;
}

/* A job with the stage lists of --won and --lost (NULL: the defaults). */
static void stages_init(struct job *job, const char *won, const char *lost)
{
	memset(job, 0, sizeof *job);
	job->won = split_list(won ? won : DEFAULT_WON_STAGES, ',', &job->nwon);
	job->lost = split_list(lost ? lost : DEFAULT_LOST_STAGES, ',', &job->nlost);
	job->won_len = item_lengths(job->won, job->nwon);
	job->lost_len = item_lengths(job->lost, job->nlost);
}

static void stages_free(struct job *job)
{
	free_list(job->won, job->nwon);
	free_list(job->lost, job->nlost);
	free(job->won_len);
	free(job->lost_len);
}

static enum deal_state state(const struct job *job, const char *stage)
{
	return deal_state_of(job, stage, strlen(stage));
}

/* ---- stages ---- */

static void test_default_stages(void **unused)
{
	(void)unused;
	struct job job;
	stages_init(&job, NULL, NULL);
	assert_int_equal(state(&job, "Closed Won"), DEAL_WON);
	assert_int_equal(state(&job, "closed won"), DEAL_WON);
	assert_int_equal(state(&job, "CLOSEDWON"), DEAL_WON);
	assert_int_equal(state(&job, "Won"), DEAL_WON);
	assert_int_equal(state(&job, "Closed Lost"), DEAL_LOST);
	assert_int_equal(state(&job, "lost"), DEAL_LOST);
	assert_int_equal(state(&job, "closedlost"), DEAL_LOST);
	/* whole names only: no prefix, no padding */
	assert_int_equal(state(&job, "Closed"), DEAL_OPEN);
	assert_int_equal(state(&job, "Won "), DEAL_OPEN);
	assert_int_equal(state(&job, "Closed Won - Renewal"), DEAL_OPEN);
	assert_int_equal(state(&job, "Negotiation"), DEAL_OPEN);
	stages_free(&job);
}

static void test_given_stages(void **unused)
{
	(void)unused;
	struct job job;
	stages_init(&job, "Booked,Signed", "Dead");
	assert_int_equal(state(&job, "signed"), DEAL_WON);
	assert_int_equal(state(&job, "BOOKED"), DEAL_WON);
	assert_int_equal(state(&job, "Dead"), DEAL_LOST);
	/* the defaults no longer apply */
	assert_int_equal(state(&job, "Closed Won"), DEAL_OPEN);
	assert_int_equal(state(&job, "Lost"), DEAL_OPEN);
	stages_free(&job);
}

/* ---- column mapping ---- */

static void test_presets(void **unused)
{
	(void)unused;
	struct track_options opt;
	struct mapping map;
	memset(&opt, 0, sizeof opt);

	opt.map = "salesforce";
	build_mapping(&opt, &map);
	assert_string_equal(map.column[EXPORT_REP], "Opportunity Owner");
	assert_string_equal(map.column[EXPORT_DATE], "Close Date");
	assert_string_equal(map.column[EXPORT_STAGE], "Stage");
	assert_string_equal(map.column[EXPORT_ID], "Opportunity ID");
	free_mapping(&map);

	opt.map = "hubspot";
	build_mapping(&opt, &map);
	assert_string_equal(map.column[EXPORT_REP], "Deal owner");
	assert_string_equal(map.column[EXPORT_STAGE], "Deal Stage");
	assert_string_equal(map.column[EXPORT_CREATED], "Create Date");
	free_mapping(&map);

	opt.map = "pipedrive";
	opt.column[EXPORT_AMOUNT] = "Weighted value"; /* a single override wins over the preset */
	build_mapping(&opt, &map);
	assert_string_equal(map.column[EXPORT_DATE], "Deal - Close time");
	assert_string_equal(map.column[EXPORT_AMOUNT], "Weighted value");
	assert_string_equal(map.column[EXPORT_STAGE], "Deal - Status");
	free_mapping(&map);

	/* no --map: the canonical names, unless overridden */
	opt.map = NULL;
	build_mapping(&opt, &map);
	assert_string_equal(map.column[EXPORT_REP], "rep");
	assert_string_equal(map.column[EXPORT_AMOUNT], "Weighted value");
	assert_string_equal(map.column[EXPORT_CREATED], "created");
	free_mapping(&map);
}

static void test_mapping_file(void **unused)
{
	(void)unused;
	char path[] = "/tmp/test_track_map_XXXXXX.tsv";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	const char text[] = "canonical\tsource\n# a comment\t\nrep\tAgent\nstage\tDeal Stage\nrep\tSales Agent\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);

	struct track_options opt;
	struct mapping map;
	memset(&opt, 0, sizeof opt);
	opt.map = path;
	opt.column[EXPORT_ID] = "Record";
	build_mapping(&opt, &map);
	assert_string_equal(map.column[EXPORT_REP], "Sales Agent"); /* the last line wins */
	assert_string_equal(map.column[EXPORT_STAGE], "Deal Stage");
	assert_string_equal(map.column[EXPORT_DATE], "date");
	assert_string_equal(map.column[EXPORT_ID], "Record");
	free_mapping(&map);
	unlink(path);
}

/* ---- group keys ---- */

/* Merging groups whose totals are an int: into's += from's. */
struct int_merge {
	struct groups *into;
	const struct groups *from;
};

static void add_ints(void *ctx, const uint32_t *map, size_t lo, size_t hi)
{
	struct int_merge *m = ctx;
	for (size_t i = lo; i < hi; i++)
		*(int *)group_totals(m->into, map[i]) += *(const int *)group_totals(m->from, i);
}

static void test_group_key_roundtrip(void **unused)
{
	(void)unused;
	struct period p, q;
	assert_true(period_parse("2026-Q3", 7, 1, &p));
	assert_true(period_parse("2026-Q4", 7, 1, &q));
	struct groups *g = groups_new(sizeof(int), alignof(int));
	struct group_name name;

	size_t i = group_upsert(g, p, LEVEL_TEAM, "West", 4, "win_rate");
	group_name(g, i, &name);
	assert_int_equal(name.level, LEVEL_TEAM);
	assert_int_equal(name.period.start, p.start);
	assert_string_equal(name.metric, "win_rate");
	assert_int_equal(name.owner_len, 4);
	assert_memory_equal(name.owner, "West", 4);
	assert_int_equal(group_lookup(g, p, LEVEL_TEAM, "West", 4, "win_rate"), i);
	/* the level, period and metric each keep groups apart */
	assert_int_equal(group_lookup(g, p, LEVEL_REP, "West", 4, "win_rate"), SIZE_MAX);
	assert_int_equal(group_lookup(g, q, LEVEL_TEAM, "West", 4, "win_rate"), SIZE_MAX);
	assert_int_equal(group_lookup(g, p, LEVEL_TEAM, "West", 4, "won_deals"), SIZE_MAX);

	/* an export's key has no metric; owners may hold any byte but NUL */
	size_t j = group_upsert(g, p, LEVEL_REP, "Zo\xc3\xab\tA", 6, NULL);
	assert_int_not_equal(i, j);
	group_name(g, j, &name);
	assert_null(name.metric);
	assert_int_equal(name.owner_len, 6);
	assert_memory_equal(name.owner, "Zo\xc3\xab\tA", 6);
	*(int *)group_totals(g, j) = 7;

	/* many groups: the table grows, every group keeps its totals and index */
	char owner[32];
	for (int k = 0; k < 5000; k++) {
		int n = snprintf(owner, sizeof owner, "rep %d", k);
		*(int *)group_totals(g, group_upsert(g, k % 2 ? p : q, LEVEL_REP, owner, (size_t)n, NULL)) = k;
	}
	for (int k = 0; k < 5000; k++) {
		int n = snprintf(owner, sizeof owner, "rep %d", k);
		size_t at = group_lookup(g, k % 2 ? p : q, LEVEL_REP, owner, (size_t)n, NULL);
		assert_int_not_equal(at, SIZE_MAX);
		assert_int_equal(*(int *)group_totals(g, at), k);
	}
	assert_int_equal(*(int *)group_totals(g, j), 7);

	/* merged: the same groups meet, new ones are appended */
	struct groups *h = groups_new(sizeof(int), alignof(int));
	group_upsert(h, q, LEVEL_REP, "new", 3, NULL);
	group_upsert(h, p, LEVEL_REP, "Zo\xc3\xab\tA", 6, NULL);
	*(int *)group_totals(h, 1) = 5;
	size_t before = groups_count(g);
	struct int_merge m = { g, h };
	uint32_t *map = groups_merge(g, h, 1, group_merge_block(1), add_ints, &m);
	assert_int_equal(map[0], before);
	assert_int_equal(map[1], j);
	assert_int_equal(*(int *)group_totals(g, j), 12);
	group_map_free(map, groups_count(h));

	/* the output order: owner bytes, then period label */
	size_t *order = groups_order(g, 1);
	for (size_t k = 1; k < groups_count(g); k++) {
		struct group_name a, b;
		group_name(g, order[k - 1], &a);
		group_name(g, order[k], &b);
		int c = bytes_cmp(a.owner, a.owner_len, b.owner, b.owner_len);
		assert_true(c < 0 || (c == 0 && a.period.start <= b.period.start));
	}
	group_indexes_free(order, groups_count(g));
	groups_free(h);
	groups_free(g);
}

/* The n quarters from 2000-Q1 on. */
static void quarters_from_2000(struct period *q, int n)
{
	for (int k = 0; k < n; k++) {
		char label[16];
		int len = snprintf(label, sizeof label, "%d-Q%d", 2000 + k / 4, k % 4 + 1);
		assert_true(period_parse(label, (size_t)len, 1, &q[k]));
	}
}

/* Few owners and periods are found through a dense index in front of the slots: it grows
 * with the owners and periods met (past its first 64 x 16), then is left off past 65,536
 * entries; a group merged in behind it is found, and every group keeps its index. */
static void test_groups_dense_index(void **state)
{
	(void)state;
	enum { OWNERS = 300, QUARTERS = 40 };
	struct period q[QUARTERS];
	quarters_from_2000(q, QUARTERS);
	struct groups *g = groups_new(sizeof(int), alignof(int));
	size_t *at = calloc((size_t)OWNERS * QUARTERS, sizeof *at);
	assert_non_null(at);
	char owner[32];
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < OWNERS * QUARTERS; k++) { /* owners and quarters in a scattered order */
			int o = (k * 7919) % OWNERS, p = (k * 104729 / OWNERS) % QUARTERS;
			int n = snprintf(owner, sizeof owner, "rep %d", o);
			size_t i = group_upsert(g, q[p], LEVEL_REP, owner, (size_t)n, NULL);
			if (pass == 0 && at[o * QUARTERS + p] == 0) {
				at[o * QUARTERS + p] = i + 1;
				*(int *)group_totals(g, i) = o * QUARTERS + p;
			}
			assert_int_equal(i, at[o * QUARTERS + p] - 1);
			assert_int_equal(group_lookup(g, q[p], LEVEL_REP, owner, (size_t)n, NULL), i);
		}
	/* a group merged in, then added to: the index has not met it, the slots have */
	struct groups *h = groups_new(sizeof(int), alignof(int));
	size_t k = group_upsert(h, q[3], LEVEL_REP, "late", 4, NULL);
	*(int *)group_totals(h, k) = 5;
	struct int_merge m = { g, h };
	uint32_t *map = groups_merge(g, h, 1, group_merge_block(1), add_ints, &m);
	assert_int_equal(group_upsert(g, q[3], LEVEL_REP, "late", 4, NULL), map[k]);
	assert_int_equal(*(int *)group_totals(g, map[k]), 5);
	group_map_free(map, groups_count(h));
	/* the same level, another owner's table: not the rep's group */
	assert_int_not_equal(group_upsert(g, q[0], LEVEL_TEAM, "rep 0", 5, NULL), at[0] - 1);
	/* past 65,536 owner x bucket entries: on through the slots alone */
	for (int o = 0; o < 5000; o++) {
		int n = snprintf(owner, sizeof owner, "many %d", o);
		size_t i = group_upsert(g, q[o % QUARTERS], LEVEL_REP, owner, (size_t)n, NULL);
		assert_int_equal(group_upsert(g, q[o % QUARTERS], LEVEL_REP, owner, (size_t)n, NULL), i);
	}
	for (int o = 0; o < OWNERS; o++)
		for (int p = 0; p < QUARTERS; p++) {
			int n = snprintf(owner, sizeof owner, "rep %d", o);
			size_t i = group_upsert(g, q[p], LEVEL_REP, owner, (size_t)n, NULL);
			assert_int_equal(i, at[o * QUARTERS + p] - 1);
			assert_int_equal(*(int *)group_totals(g, i), o * QUARTERS + p);
		}
	free(at);
	groups_free(h);
	groups_free(g);
}

/* groups_order on threads: parts of the groups counted and placed each on its own, owners
 * of many groups met in every part, give the one thread's order (owner bytes, period). */
static void test_groups_order_parts(void **state)
{
	(void)state;
	enum { OWNERS = 2500, QUARTERS = 40 };
	struct period q[QUARTERS];
	quarters_from_2000(q, QUARTERS);
	struct groups *g = groups_new(sizeof(int), alignof(int));
	char owner[32];
	for (int k = 0; k < OWNERS * QUARTERS; k++) { /* scattered: each owner in every part */
		int o = (int)((long)k * 7919 % OWNERS), p = (k / OWNERS + o) % QUARTERS;
		int n = snprintf(owner, sizeof owner, "rep %d", o);
		group_upsert(g, q[p], LEVEL_REP, owner, (size_t)n, NULL);
	}
	size_t count = groups_count(g);
	assert_true(count > 65536); /* past the size where the order runs on threads */
	size_t *one = groups_order(g, 1), *three = groups_order(g, 3);
	assert_memory_equal(one, three, count * sizeof *one);
	for (size_t i = 1; i < count; i++) {
		struct group_name x, y;
		group_name(g, one[i - 1], &x);
		group_name(g, one[i], &y);
		int c = bytes_cmp(x.owner, x.owner_len, y.owner, y.owner_len);
		assert_true(c < 0 || (c == 0 && x.period.start < y.period.start));
	}
	group_indexes_free(one, count);
	group_indexes_free(three, count);
	groups_free(g);
}

/* Groups of reps 0.. n-1 over two quarters, rep k's name "rep k", starting at rep `from`. */
static struct groups *rep_groups(int from, int n)
{
	struct period p, q;
	assert_true(period_parse("2025-Q1", 7, 1, &p));
	assert_true(period_parse("2025-Q2", 7, 1, &q));
	struct groups *g = groups_new(sizeof(int), alignof(int));
	char owner[32];
	for (int k = from; k < from + n; k++) {
		int len = snprintf(owner, sizeof owner, "rep %d", k);
		*(int *)group_totals(g, group_upsert(g, k % 3 ? p : q, LEVEL_REP, owner, (size_t)len, NULL)) = k;
	}
	return g;
}

static void test_groups_merge_threads(void **state)
{
	(void)state;
	/* past the size where lookups run on threads: 3 threads give the one thread's map,
	 * the same owner ids, and new groups in from's order; merged in blocks (records
	 * given back as they go: 2.4 MB of them), every total is the sum of both sides */
	struct groups *one = rep_groups(0, 150000), *three = rep_groups(0, 150000);
	struct groups *from = rep_groups(100000, 200000); /* a quarter known, the rest new */
	struct groups *from1 = rep_groups(100000, 200000), *from3 = rep_groups(100000, 200000);
	struct int_merge m1 = { one, from1 }, m3 = { three, from3 };
	uint32_t *a = groups_merge(one, from1, 1, 4099, add_ints, &m1);
	uint32_t *b = groups_merge(three, from3, 3, 70001, add_ints, &m3);
	assert_int_equal(groups_count(one), 300000);
	assert_int_equal(groups_count(three), 300000);
	for (size_t i = 0; i < groups_count(from); i++) {
		assert_int_equal(a[i], b[i]);
		struct group_name x, y;
		group_name(from, i, &x);
		group_name(three, b[i], &y);
		assert_int_equal(x.owner_len, y.owner_len);
		assert_memory_equal(x.owner, y.owner, x.owner_len);
		assert_int_equal(x.period.start, y.period.start);
		assert_int_equal(b[i], i < 50000 ? 100000 + i : 150000 + (i - 50000));
		int k = 100000 + (int)i;
		assert_int_equal(*(int *)group_totals(three, b[i]), k < 150000 ? 2 * k : k);
		assert_int_equal(*(int *)group_totals(one, a[i]), k < 150000 ? 2 * k : k);
	}
	for (size_t i = 0; i < groups_count(one); i++) {
		struct group_name x, y;
		group_name(one, i, &x);
		group_name(three, i, &y);
		assert_int_equal(x.owner_len, y.owner_len);
		assert_memory_equal(x.owner, y.owner, x.owner_len);
	}
	/* the output order of 300,000 owners, sorted in halves on two threads and merged,
	 * is the order of one thread: byte order of names */
	size_t *o1 = groups_order(one, 1), *o2 = groups_order(three, 2);
	for (size_t i = 0; i < groups_count(one); i++)
		assert_int_equal(o1[i], o2[i]);
	for (size_t i = 1; i < groups_count(three); i++) {
		struct group_name x, y;
		group_name(three, o2[i - 1], &x);
		group_name(three, o2[i], &y);
		assert_true(bytes_cmp(x.owner, x.owner_len, y.owner, y.owner_len) < 0);
	}
	group_indexes_free(o1, groups_count(one));
	group_indexes_free(o2, groups_count(three));
	group_map_free(a, groups_count(from1));
	group_map_free(b, groups_count(from3));
	groups_free(one);
	groups_free(three);
	groups_free(from);
	groups_free(from1);
	groups_free(from3);
}

/* ---- deal totals: 32-byte cells, widened when they outgrow them ---- */

/* Group k's deals, added to a cell and to a full struct alike: kinds by k % 6 (small
 * sums; sums near 2^63 billionths; a clawback; cycle days past 2^32; lost deals). */
static void add_deals_of(struct wide_totals *w, struct groups *g, size_t i, int k, int side, struct deal_totals *ref)
{
	void *cell = group_totals(g, i);
	decimal small = dec(side ? "1234.56" : "0.000000007"), big = dec("9000000000.5");
	switch (k % 6) {
	case 0:
		deal_add_won(w, cell, i, small, true, 3);
		deal_add_pipeline(w, cell, i, small);
		ref->won_revenue.units += small.units, ref->won_deals++, ref->cycle_days += 3, ref->cycle_deals++;
		ref->pipeline.units += small.units;
		break;
	case 1: /* one side fits 64 bits, both together do not: widened while merging */
		deal_add_won(w, cell, i, big, true, 1);
		ref->won_revenue.units += big.units, ref->won_deals++, ref->cycle_days++, ref->cycle_deals++;
		break;
	case 2: /* a clawback on one side only: that side comes wide */
		deal_add_won(w, cell, i, small, true, 0);
		ref->won_revenue.units += small.units, ref->won_deals++, ref->cycle_deals++;
		if (side) {
			struct deal_totals *t = deal_widen(w, cell, i);
			t->won_revenue.units -= small.units, t->clawback.units += small.units, t->clawback_deals++;
			ref->won_revenue.units -= small.units, ref->clawback.units += small.units, ref->clawback_deals++;
		}
		break;
	case 3: /* cycle days past 32 bits in one group: widened while adding */
		deal_add_won(w, cell, i, small, true, 3000000000);
		deal_add_won(w, cell, i, small, true, 3000000000);
		ref->won_revenue.units += 2 * small.units, ref->won_deals += 2, ref->cycle_deals += 2;
		ref->cycle_days += 6000000000;
		break;
	case 4:
		deal_add_lost(w, cell, i);
		deal_add_won(w, cell, i, decimal_zero(), false, 0); /* a part without an amount */
		ref->lost_deals++;
		break;
	case 5: /* a negative pipeline below -2^63 billionths on its own */
		deal_add_pipeline(w, cell, i, dec("-9300000000"));
		ref->pipeline.units += dec("-9300000000").units;
		break;
	}
}

static void assert_deal_equal(const struct deal_totals *a, const struct deal_totals *b)
{
	assert_true(a->won_revenue.units == b->won_revenue.units);
	assert_true(a->pipeline.units == b->pipeline.units);
	assert_true(a->clawback.units == b->clawback.units);
	assert_true(a->overlay_revenue.units == b->overlay_revenue.units);
	assert_int_equal(a->won_deals, b->won_deals);
	assert_int_equal(a->lost_deals, b->lost_deals);
	assert_int_equal(a->cycle_days, b->cycle_days);
	assert_int_equal(a->cycle_deals, b->cycle_deals);
	assert_int_equal(a->clawback_deals, b->clawback_deals);
	assert_int_equal(a->overlay_deals, b->overlay_deals);
}

static void test_deal_cells(void **unused)
{
	(void)unused;
	enum { N = 150000 }; /* past the size where merging runs on threads */
	struct period p;
	assert_true(period_parse("2025-Q1", 7, 1, &p));
	struct track_options opt = { 0 };
	struct metric_set ms = { 0 };
	struct job job = { 0 };
	job.opt = &opt;
	job.metrics = &ms;
	struct deal_totals *ref = calloc(N, sizeof *ref);
	assert_non_null(ref);
	for (size_t threads = 1; threads <= 3; threads += 2) {
		opt.threads = threads;
		memset(ref, 0, N * sizeof *ref);
		struct groups *side[2];
		struct wide_totals wide[2] = { { 0 }, { 0 } };
		char owner[32];
		for (int s = 0; s < 2; s++) {
			side[s] = groups_new(DEAL_CELL_SIZE, DEAL_CELL_ALIGN);
			/* the second side meets the groups in another order, a tenth of them not at all */
			for (int j = 0; j < N; j++) {
				int k = s ? N - 1 - j : j;
				if (s && k % 10 == 7)
					continue;
				int len = snprintf(owner, sizeof owner, "rep %d", k);
				size_t i = group_upsert(side[s], p, LEVEL_REP, owner, (size_t)len, NULL);
				add_deals_of(&wide[s], side[s], i, k, s, &ref[k]);
			}
		}
		/* the cells read back: what was added, whether narrow or wide */
		for (int k = 0; k < N; k += 997) {
			int len = snprintf(owner, sizeof owner, "rep %d", k);
			size_t i = group_lookup(side[0], p, LEVEL_REP, owner, (size_t)len, NULL);
			struct deal_totals t, want = { 0 };
			struct wide_totals scratch = { 0 };
			struct groups *one = groups_new(DEAL_CELL_SIZE, DEAL_CELL_ALIGN);
			add_deals_of(&scratch, one, group_upsert(one, p, LEVEL_REP, owner, (size_t)len, NULL), k, 0, &want);
			deal_totals_of(&wide[0], group_totals(side[0], i), &t);
			assert_deal_equal(&t, &want);
			groups_free(one);
			wide_totals_free(&scratch);
		}
		assert_true(wide[0].n > 0 && wide[1].n > 0);
		/* in blocks, side 1's records given back as they go: small odd blocks on one
		 * thread (a record across each page end), larger ones split over threads */
		struct deal_merge *m = deal_merge_new(&job, side[0], &wide[0], side[1], &wide[1]);
		uint32_t *map = groups_merge(side[0], side[1], threads, threads == 1 ? 4099 : 70001, merge_deal_block, m);
		deal_merge_free(m);
		for (int k = 0; k < N; k++) {
			int len = snprintf(owner, sizeof owner, "rep %d", k);
			size_t i = group_lookup(side[0], p, LEVEL_REP, owner, (size_t)len, NULL);
			assert_int_not_equal(i, SIZE_MAX);
			struct deal_totals t;
			deal_totals_of(&wide[0], group_totals(side[0], i), &t);
			assert_deal_equal(&t, &ref[k]);
		}
		group_map_free(map, groups_count(side[1]));
		for (int s = 0; s < 2; s++) {
			groups_free(side[s]);
			wide_totals_free(&wide[s]);
		}
	}
	free(ref);
}

/* ---- actuals: regrouping and merging ---- */

/* A job reading actuals into one calendar (grain, calendar year). */
struct actuals_fixture {
	struct track_options opt;
	struct metric_set ms;
	struct job job;
	struct header header;
	struct chunk_state cs;
};

static char *actuals_columns[] = { "owner", "period", "metric", "value", "numerator", "denominator" };

static void actuals_init(struct actuals_fixture *f, enum grain grain)
{
	memset(f, 0, sizeof *f);
	f->opt.grain = grain;
	f->opt.grain_set = true;
	f->opt.fiscal_start = 1;
	f->opt.threads = 1;
	load_metrics(&f->opt, &f->ms);
	select_metrics(&f->opt, &f->ms, NULL, 0);
	f->header = (struct header){ 6, actuals_columns };
	f->job.opt = &f->opt;
	f->job.metrics = &f->ms;
	f->job.kind = INPUT_ACTUALS;
	f->job.header = &f->header;
	f->job.file = "actuals.tsv";
	bind_actuals(&f->job);
	f->job.cal[0] = (struct calendar){ grain, 1 };
	f->job.ncal = 1;
	f->job.level[0] = LEVEL_REP;
	f->job.nlevels = 1;
	f->job.regroup = true;
	chunk_state_init(&f->cs, &f->job);
}

static void actuals_free(struct actuals_fixture *f)
{
	chunk_state_free(&f->cs);
	free_metrics(&f->ms);
}

/* Feeds one actuals row (6 fields) to actuals_row; its return value. */
static int feed(struct actuals_fixture *f, const char *owner, const char *period, const char *metric,
		const char *value, const char *num, const char *den)
{
	char *field[6] = { (char *)owner, (char *)period, (char *)metric, (char *)value, (char *)num, (char *)den };
	size_t len[6];
	for (int i = 0; i < 6; i++)
		len[i] = strlen(field[i]);
	struct row row = { 6, field, len, 2, 0 };
	return actuals_row(&f->cs, &row);
}

/* The value the merged totals of (owner, period, metric) print as. */
static const char *merged_value(struct actuals_fixture *f, const char *owner, const char *period,
				const char *metric, struct out_row *r)
{
	struct period p;
	assert_true(period_parse(period, strlen(period), 1, &p));
	size_t g = group_lookup(f->cs.groups, p, LEVEL_REP, owner, strlen(owner), metric);
	assert_int_not_equal(g, SIZE_MAX);
	const struct actual_totals *t = group_totals(f->cs.groups, g);
	r->metric = metric;
	fill_actual(&f->ms, t, r);
	return r->value;
}

static void test_regroup_months_into_quarter(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	struct out_row r;
	actuals_init(&f, GRAIN_QUARTER);
	assert_int_equal(feed(&f, "ana", "2026-07", "won_revenue", "100.50", "", ""), 0);
	assert_int_equal(feed(&f, "ana", "2026-09", "won_revenue", "20", "", ""), 0);
	assert_string_equal(merged_value(&f, "ana", "2026-Q3", "won_revenue", &r), "120.50");
	assert_int_equal(f.cs.tally.used, 2);

	/* a week straddling two quarters (Sep 28 to Oct 4), a year: not in one quarter */
	assert_int_equal(feed(&f, "ana", "2026-W40", "won_revenue", "1", "", ""), 1);
	assert_string_equal(f.cs.problem.message, "period does not fit in one period of --grain");
	assert_string_equal(f.cs.problem.column, "period");
	assert_int_equal(feed(&f, "ana", "2026", "won_revenue", "1", "", ""), 1);
	assert_string_equal(merged_value(&f, "ana", "2026-Q3", "won_revenue", &r), "120.50");
	actuals_free(&f);
}

static void test_ratio_merges_exactly(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	struct out_row r;
	actuals_init(&f, GRAIN_QUARTER);
	/* two shards: 1 of 1 deals won, then 1 of 3; the quarter is 2 of 4, not the mean 0.6667 */
	assert_int_equal(feed(&f, "bo", "2026-07", "win_rate", "1.0000", "1", "1"), 0);
	assert_int_equal(feed(&f, "bo", "2026-08", "win_rate", "0.3333", "1", "3"), 0);
	assert_string_equal(merged_value(&f, "bo", "2026-Q3", "win_rate", &r), "0.5000");
	assert_string_equal(r.numerator, "2");
	assert_string_equal(r.denominator, "4");

	/* a ratio with no closed deal: an empty value, parts kept */
	assert_int_equal(feed(&f, "cy", "2026-07", "win_rate", "", "0", "0"), 0);
	assert_string_equal(merged_value(&f, "cy", "2026-Q3", "win_rate", &r), "");
	assert_string_equal(r.numerator, "0");
	assert_string_equal(r.denominator, "0");

	/* a ratio without its parts cannot be merged */
	assert_int_equal(feed(&f, "bo", "2026-09", "win_rate", "0.5", "", ""), 1);
	assert_string_equal(f.cs.problem.message, "a ratio needs its numerator and denominator to be merged");
	actuals_free(&f);
}

/* Totals of two chunks or files merge the same way as rows of one. */
static void test_merge_actuals_of_chunks(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	actuals_init(&f, GRAIN_QUARTER);
	struct actual_totals a = { decimal_zero(), dec("3"), dec("10"), true, true, false };
	struct actual_totals b = { decimal_zero(), dec("2"), dec("5"), true, true, false };
	merge_actuals(&f.job, &a, &b, false, "avg_deal");
	struct out_row r = { .metric = "avg_deal" };
	fill_actual(&f.ms, &a, &r);
	assert_string_equal(r.value, "0.33"); /* 5 ÷ 15 at avg_deal's 2 places */
	assert_string_equal(r.numerator, "5");
	assert_string_equal(r.denominator, "15");

	/* sums add */
	struct actual_totals c = { dec("1.25"), decimal_zero(), decimal_zero(), true, false, false };
	struct actual_totals d = { dec("2.5"), decimal_zero(), decimal_zero(), true, false, false };
	merge_actuals(&f.job, &c, &d, false, "won_revenue");
	r.metric = "won_revenue";
	fill_actual(&f.ms, &c, &r);
	assert_string_equal(r.value, "3.75");
	actuals_free(&f);
}

/* A ratio whose value is past the decimals' range is found before anything is written
 * (value_past_range, asked before the header), named by its metric; a defined metric
 * divides at its own decimals, one this run does not know at 4. */
static void test_value_past_range(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	actuals_init(&f, GRAIN_QUARTER);
	assert_int_equal(feed(&f, "ana", "2026-07", "win_rate", "0.5", "1", "2"), 0);
	assert_int_equal(feed(&f, "ana", "2026-07", "won_revenue", "60000000000000000000000000000", "", ""), 0);
	assert_int_equal(feed(&f, "bo", "2026-07", "calls_per_day", "", "0", "0"), 0);
	assert_null(value_past_range(&f.job, &f.cs));
	assert_int_equal(feed(&f, "cy", "2026-08", "avg_deal", "", "60000000000000000000000000000", "0.001"), 0);
	assert_string_equal(value_past_range(&f.job, &f.cs), "avg_deal");
	actuals_free(&f);

	actuals_init(&f, GRAIN_QUARTER);
	assert_int_equal(feed(&f, "cy", "2026-08", "calls_per_day", "", "60000000000000000000000000000", "0.5"), 0);
	assert_string_equal(value_past_range(&f.job, &f.cs), "calls_per_day");
	actuals_free(&f);

	/* two past the range: the one the output meets first (owner bytes, period, metric),
	 * not the one read first, as when the writer found it */
	actuals_init(&f, GRAIN_QUARTER);
	assert_int_equal(feed(&f, "cy", "2026-08", "aaa_rate", "", "60000000000000000000000000000", "0.001"), 0);
	assert_int_equal(feed(&f, "bo", "2026-08", "zzz_rate", "", "60000000000000000000000000000", "0.001"), 0);
	assert_int_equal(feed(&f, "bo", "2026-04", "yyy_rate", "", "60000000000000000000000000000", "0.001"), 0);
	assert_string_equal(value_past_range(&f.job, &f.cs), "yyy_rate");
	actuals_free(&f);
}

/* Money actuals print every significant digit (at least two decimals), so that merging
 * printed shards equals one run (issue 13): 60471.195 never becomes 60471.20 then 60471.19. */
static void test_money_keeps_every_digit(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	struct out_row r;
	actuals_init(&f, GRAIN_YEAR);
	const struct metric *won = find_metric(&f.ms, "won_revenue");
	char buf[NUMBER_BUFSIZE];
	plain_value(won, dec("100122.8"), buf);
	assert_string_equal(buf, "100122.80");
	plain_value(won, dec("60471.195"), buf);
	assert_string_equal(buf, "60471.195");
	plain_value(find_metric(&f.ms, "won_deals"), dec("12"), buf);
	assert_string_equal(buf, "12");
	plain_value(NULL, dec("2.50"), buf); /* a metric this run does not define: exact */
	assert_string_equal(buf, "2.5");

	/* quarters of 4-decimal amounts regroup into the year without losing a digit */
	assert_int_equal(feed(&f, "ana", "2026-Q1", "won_revenue", "60471.1925", "", ""), 0);
	assert_int_equal(feed(&f, "ana", "2026-Q2", "won_revenue", "0.0025", "", ""), 0);
	assert_string_equal(merged_value(&f, "ana", "2026", "won_revenue", &r), "60471.195");
	assert_int_equal(feed(&f, "ana", "2026-Q3", "won_revenue", "0.005", "", ""), 0);
	assert_string_equal(merged_value(&f, "ana", "2026", "won_revenue", &r), "60471.20");
	/* a ratio's value is rounded, its parts are exact */
	assert_int_equal(feed(&f, "ana", "2026-Q1", "avg_deal", "30235.60", "60471.1925", "2"), 0);
	assert_string_equal(merged_value(&f, "ana", "2026", "avg_deal", &r), "30235.60");
	assert_string_equal(r.numerator, "60471.1925");
	assert_string_equal(r.denominator, "2");
	actuals_free(&f);
}

/* Actuals with a currency column: a chunk keeps its first currency and the first other
 * one (a conflict, told once the chunks' lines are known); the run adopts the first
 * chunk's with its line in the file; a group remembers that its rows named one. */
static void test_actuals_currency(void **unused)
{
	(void)unused;
	struct actuals_fixture f;
	actuals_init(&f, GRAIN_QUARTER);
	struct chunk_state all, other;
	chunk_state_init(&all, &f.job);
	chunk_state_init(&other, &f.job);
	note_currency(&f.cs, "USD", 3, 2);
	note_currency(&f.cs, "USD", 3, 5);
	assert_null(f.cs.other_currency.code);
	merge_currency(&f.job, &all, &f.cs, 10); /* the chunk starts after line 10 of its file */
	assert_string_equal(all.currency.code, "USD");
	assert_int_equal(all.currency.line, 12);
	assert_string_equal(all.currency.file, "actuals.tsv");
	assert_null(f.cs.currency.code); /* the run owns it now */

	note_currency(&other, "USD", 3, 1);
	note_currency(&other, "EURO", 3, 4); /* only the bytes named count: "EUR" */
	note_currency(&other, "GBP", 3, 9);
	assert_string_equal(other.currency.code, "USD");
	assert_string_equal(other.other_currency.code, "EUR");
	assert_int_equal(other.other_currency.line, 4); /* the first other one, not GBP */

	struct actual_totals a = { .value = dec("1"), .has_value = true };
	struct actual_totals b = { .value = dec("2"), .has_value = true, .in_currency = true };
	merge_actuals(&f.job, &a, &b, false, "won_revenue");
	assert_true(a.in_currency);
	chunk_state_free(&other);
	chunk_state_free(&all);
	actuals_free(&f);
}


/* The shares read without decimal_parse have its values; the rest are left to it. */
static void test_credits_share_plain(void **unused)
{
	(void)unused;
	const char *plain[] = { "1", "0.6", "0.25", "0.3333", "0.000000001", "0.999999999", "0.0", "0.10" };
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
		int64_t fast;
		decimal slow;
		assert_true(share_plain(plain[i], strlen(plain[i]), &fast));
		assert_int_equal(decimal_parse(plain[i], strlen(plain[i]), DECIMAL_POINT, &slow), DECIMAL_OK);
		assert_true(decimal_cmp((decimal){ .units = fast }, slow) == 0);
	}
	const char *other[] = { "", "0", "1.0", "0.", ".5", "0.1234567891", "0.5 ", "-0.5", "0,5", "10", "0.5x", "2" };
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		int64_t units;
		assert_false(share_plain(other[i], strlen(other[i]), &units));
	}
}

/* ---- --credits read in chunks ---- */

/* Writes text to a new temporary file named ...suffix; returns its path (to free). */
static char *temp_file(const char *text, const char *suffix)
{
	char *path = xmalloc(64);
	snprintf(path, 64, "/tmp/spm-test-credits-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0)
		fail_msg("mkstemps failed");
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len)
		fail_msg("write failed");
	close(fd);
	return path;
}

struct text {
	char *s;
	size_t len, cap;
};

static void append(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	xgrow((void **)&t->s, &t->cap, t->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* A credits file of some thousands of deals, two or three rows each, with what a merge of
 * chunks could get wrong: deals whose rows fall on both sides of a cut (wherever the cuts
 * land, many do), ids met again far apart, owners first met in a later chunk, and bad rows
 * (shares, types, one owner twice, shares not adding up to 1) all over the file. csv: the
 * same as CSV, a third of the ids holding a quoted line break (a cut inside one: the
 * chunk before reads on). */
static char *credits_text(bool csv)
{
	struct text t = { NULL, 0, 0 };
	const char *sep = csv ? "," : "\t";
	append(&t, "id%sowner%sshare%stype\n", sep, sep, sep);
	uint64_t seed = 42;
	enum { DEALS = 6000 };
	for (int k = 0; k < DEALS; k++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		unsigned r = (unsigned)(seed >> 33);
		char id[48];
		if (csv && k % 3 == 0)
			snprintf(id, sizeof id, "\"D%d\nline two\"", k);
		else
			snprintf(id, sizeof id, "D%d", k);
		/* owners: a few common, and some first named late in the file */
		char a[32], b[32], c[32];
		snprintf(a, sizeof a, "Rep %u", r % 7);
		snprintf(b, sizeof b, "Rep %u", (r / 7) % 11 + (k > DEALS / 2 ? 20 : 0));
		snprintf(c, sizeof c, "Overlay %u", (r / 77) % 5 + (unsigned)k / 1000);
		const char *share = r % 53 == 0 ? "abc" : r % 59 == 0 ? "-0.5" : "0.5";
		const char *second = r % 61 == 0 ? "0.4" : "0.5";
		const char *type = r % 67 == 0 ? "split" : r % 5 == 0 ? "Revenue" : "revenue";
		if (r % 71 == 0)
			snprintf(b, sizeof b, "%s", a); /* one owner twice */
		append(&t, "%s%s%s%s%s%s%s\n", id, sep, a, sep, share, sep, type);
		append(&t, "%s%s%s%s%s%srevenue\n", id, sep, b, sep, second, sep);
		if (r % 3 == 0)
			append(&t, "%s%s%s%s1%soverlay\n", id, sep, c, sep, sep);
	}
	/* ids met again, far from their first rows */
	for (int k = 0; k < DEALS; k += 409)
		append(&t, "D%d%sLate Rep%s1%soverlay\n", k, sep, sep, sep);
	return t.s;
}

/* Two loads of one file give the same deals, credits, owners and problems. */
static void assert_same_credits(const struct credits *a, const struct credits *b)
{
	assert_int_equal(a->ndeals, b->ndeals);
	assert_int_equal(a->ncredits, b->ncredits);
	assert_int_equal(table_count(a->owners), table_count(b->owners));
	for (size_t i = 0; i < table_count(a->owners); i++) {
		size_t la, lb;
		const char *na = owner_name(a, (uint32_t)i, &la), *nb = owner_name(b, (uint32_t)i, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(na, nb, la);
	}
	for (size_t i = 0; i < a->ndeals; i++) {
		const struct credit_deal *da = &a->deals[i], *db = &b->deals[i];
		assert_int_equal(da->id_len, db->id_len);
		assert_memory_equal(deal_id(a, da), deal_id(b, db), da->id_len);
		assert_int_equal(da->line, db->line);
		assert_int_equal(da->first, db->first);
		assert_int_equal(da->nrevenue, db->nrevenue);
		assert_int_equal(da->noverlay, db->noverlay);
		const char *pa = credits_problem(a, da), *pb = credits_problem(b, db);
		assert_true((pa == NULL) == (pb == NULL));
		if (pa)
			assert_string_equal(pa, pb);
		const struct credit_deal *found = credits_find(b, deal_id(a, da), da->id_len,
							       credit_id_hash(deal_id(a, da), da->id_len));
		assert_ptr_equal(found, db);
	}
	for (size_t k = 0; k < a->ncredits; k++) {
		const struct credit *ca = &a->credit[k], *cb = &b->credit[k];
		assert_int_equal(ca->line, cb->line);
		assert_int_equal(ca->share, cb->share);
		assert_int_equal(ca->owner, cb->owner);
		assert_int_equal(ca->overlay, cb->overlay);
	}
}

/* Read in 2 to 9 chunks (cuts anywhere: at least 1 byte a chunk), a credits file gives
 * what one thread reading it whole gives, problems and their line numbers included. */
/* Each deal's credits lie together, revenue first, each kind in file order. */
static void assert_laid_out(const struct credits *c)
{
	for (size_t i = 0; i < c->ndeals; i++) {
		const struct credit_deal *d = &c->deals[i];
		const struct credit *cr = c->credit + d->first;
		for (size_t k = 0; k < d->nrevenue + d->noverlay; k++) {
			assert_int_equal(cr[k].overlay, k >= d->nrevenue);
			assert_int_equal(cr[k].deal, i);
			if (k > 0 && k != d->nrevenue)
				assert_true(cr[k - 1].line < cr[k].line);
		}
	}
}

/* Credits stay where the file has them when each deal's rows are together, revenue rows
 * first; a deal whose overlay row comes before its revenue rows (in one chunk or across a
 * cut) has them laid out anew. */
static void test_credits_laid_out(void **unused)
{
	(void)unused;
	enum { DEALS = 3000 };
	for (int overlay_first = 0; overlay_first < 2; overlay_first++) {
		struct text t = { NULL, 0, 0 };
		append(&t, "id\towner\tshare\ttype\n");
		for (int k = 0; k < DEALS; k++) {
			bool early = overlay_first && k % 2;
			if (early)
				append(&t, "006%015d\tOverlay %d\t1\toverlay\n", k, k % 5);
			append(&t, "006%015d\tRep %d\t0.5\trevenue\n", k, k % 7);
			append(&t, "006%015d\tRep %d\t0.5\trevenue\n", k, k % 7 + 10);
			if (!early)
				append(&t, "006%015d\tOverlay %d\t1\toverlay\n", k, k % 5);
		}
		char *path = temp_file(t.s, ".tsv");
		struct credits *whole = credits_load_chunks(path, NULL, false, 1, 1);
		for (size_t threads = 1; threads <= 4; threads++) {
			struct credits *c = credits_load_chunks(path, NULL, false, threads, 1);
			assert_int_equal(c->scattered, overlay_first);
			assert_int_equal(c->ndeals, DEALS);
			assert_laid_out(c);
			assert_same_credits(whole, c);
			credits_free(c);
		}
		credits_free(whole);
		unlink(path);
		free(path);
		free(t.s);
	}
}

static void test_credits_in_chunks(void **unused)
{
	(void)unused;
	for (int csv = 0; csv <= 1; csv++) {
		char *text = credits_text(csv);
		char *path = temp_file(text, csv ? ".csv" : ".tsv");
		struct credits *whole = credits_load_chunks(path, NULL, true, 1, 1);
		assert_true(whole->ndeals > 5000);
		size_t bad = 0;
		for (size_t i = 0; i < whole->ndeals; i++)
			bad += credits_problem(whole, &whole->deals[i]) != NULL;
		assert_true(bad > 100); /* every kind of problem, in every chunk */
		for (size_t threads = 2; threads <= 9; threads++) {
			struct credits *parts = credits_load_chunks(path, NULL, true, threads, 1);
			assert_same_credits(whole, parts);
			credits_free(parts);
		}
		credits_free(whole);
		unlink(path);
		free(path);
		free(text);
	}
}

/* A bad row's text, printed by diag_escaped_at and written as a reject reason: the column,
 * value and record id, and the message's detail (a --refunds path, a credited owner), each
 * escaped once as diag escapes, a backslash as \\ and an ESC byte as \x1b. */
static void test_problem_text_escaped(void **state)
{
	(void)state;
	struct problem p;
	memset(&p, 0, sizeof p);
	p.column = "i\033d";
	p.message = "refunded before its close date at";
	sb_printf(&p.detail, " r\\x1b\033.tsv:%d", 2);
	memcpy(p.value, "D\\3", 3);
	p.value_len = 3;
	p.has_value = true;
	memcpy(p.id, "D\\3", 3);
	p.id_len = 3;
	char *text = format_problem_text(&p);
	assert_string_equal(text, "i\\x1bd: refunded before its close date at r\\\\x1b\\x1b.tsv:2 (\"D\\\\3\") (record D\\\\3)");
	free(text);
	sb_free(&p.detail);
	/* a message alone: nothing added */
	memset(&p, 0, sizeof p);
	p.message = "wrong number of fields";
	text = format_problem_text(&p);
	assert_string_equal(text, "wrong number of fields");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_problem_text_escaped),
		cmocka_unit_test(test_default_stages),
		cmocka_unit_test(test_given_stages),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_mapping_file),
		cmocka_unit_test(test_group_key_roundtrip),
		cmocka_unit_test(test_groups_merge_threads),
		cmocka_unit_test(test_groups_dense_index),
		cmocka_unit_test(test_groups_order_parts),
		cmocka_unit_test(test_deal_cells),
		cmocka_unit_test(test_regroup_months_into_quarter),
		cmocka_unit_test(test_ratio_merges_exactly),
		cmocka_unit_test(test_merge_actuals_of_chunks),
		cmocka_unit_test(test_value_past_range),
		cmocka_unit_test(test_money_keeps_every_digit),
		cmocka_unit_test(test_actuals_currency),
		cmocka_unit_test(test_credits_in_chunks),
		cmocka_unit_test(test_credits_share_plain),
		cmocka_unit_test(test_credits_laid_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
