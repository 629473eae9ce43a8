/* The groups of a run: totals by owner, period and metric. Owners (one table per level),
 * periods and metrics are interned once per chunk, so a group's key is three small
 * integers, hashed and compared without touching a string: a row costs one hash of its
 * owner, and each of its groups one probe of a fixed-size slot. At 100,000 owners the
 * tables are tens of megabytes probed at random: their arrays live in huge pages
 * (lib/arena), which halves the reading (a 4 KiB page faults once, and misses the TLB). */
#include "spm-track.h"

#include "arena.h"
#include "diag.h"
#include "parallel.h"

#include <stdlib.h>
#include <string.h>

#define PERIOD_MEMO_BITS 6
#define PERIOD_MEMO (1 << PERIOD_MEMO_BITS)
_Static_assert(PERIOD_KEY_SIZE < 8, "a period key fits a word");

/* A group's key: the interned owner (within its level), period and metric (0: none,
 * else the metric's id + 1) with the level in the low byte. */
struct group_id {
	uint32_t owner, period, metric_level;
};

/* A slot of the open-addressing table: the key inline, so a probe reads one slot. */
struct group_slot {
	struct group_id id;
	uint32_t index; /* the group's index + 1; 0: empty */
};

struct groups {
	size_t value_size;
	struct table *owner[LEVEL_COUNT];
	struct table *period; /* period_to_key bytes */
	struct table *metric; /* metric names, NUL included */
	struct group_slot *slot;
	size_t nslots;        /* power of two */
	struct period_memo { /* periods met, their ids: a chunk's rows share a few dozen */
		uint64_t key;    /* the period's key bytes, + 1 (0: empty) */
		uint32_t id;
	} period_memo[PERIOD_MEMO];
	struct group_id *id;  /* by group index */
	char *values;         /* by group index, value_size each */
	size_t count, cap;
};

#define FIRST_SLOTS 1024

struct groups *groups_new(size_t value_size)
{
	struct groups *g = xcalloc(1, sizeof *g);
	g->value_size = value_size;
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		g->owner[l] = table_new_large(0);
	g->period = table_new(0);
	g->metric = table_new(0);
	g->nslots = FIRST_SLOTS;
	g->slot = xcalloc_huge(g->nslots, sizeof *g->slot);
	return g;
}

void groups_free(struct groups *g)
{
	if (!g)
		return;
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		table_free(g->owner[l]);
	table_free(g->period);
	table_free(g->metric);
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	xfree_large(g->id, g->cap, sizeof *g->id);
	xfree_large(g->values, g->cap, g->value_size);
	free(g);
}

void groups_seal(struct groups *g)
{
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	g->slot = NULL;
	g->nslots = 0;
}

size_t groups_count(const struct groups *g)
{
	return g->count;
}

void *group_totals(const struct groups *g, size_t i)
{
	return g->values + i * g->value_size;
}

void group_prefetch(const struct groups *g, size_t i, enum group_part part)
{
	const struct group_id *k = &g->id[i];
	switch (part) {
	case GROUP_TOTALS:
		__builtin_prefetch(k);
		for (size_t at = 0; at < g->value_size; at += 64)
			__builtin_prefetch(g->values + i * g->value_size + at);
		break;
	case GROUP_OWNER_ENTRY: table_prefetch(g->owner[k->metric_level & 0xff], k->owner, false); break;
	case GROUP_OWNER_NAME: table_prefetch(g->owner[k->metric_level & 0xff], k->owner, true); break;
	}
}

uint32_t group_owner(struct groups *g, enum level level, const char *owner, size_t len)
{
	return (uint32_t)table_intern(g->owner[level], owner, len, NULL);
}

uint64_t group_owner_ahead(const struct groups *g, enum level level, const char *owner, size_t len)
{
	return table_hash_ahead(g->owner[level], owner, len);
}

uint32_t group_owner_hashed(struct groups *g, enum level level, const char *owner, size_t len, uint64_t h)
{
	return (uint32_t)table_intern_hashed(g->owner[level], h, owner, len, NULL);
}

/* The memo slot a period falls in, and its key: the period's key bytes + 1 (never 0). */
static uint64_t period_word(struct period p, unsigned char key[PERIOD_KEY_SIZE])
{
	period_to_key(p, key); /* no padding bytes in keys */
	uint64_t word = 0;
	memcpy(&word, key, PERIOD_KEY_SIZE);
	return word + 1;
}

static size_t memo_slot(uint64_t word)
{
	return (size_t)((word * 0x9e3779b97f4a7c15ull) >> (64 - PERIOD_MEMO_BITS));
}

/* A period's id if the memo has it, else UINT32_MAX (nothing is interned). */
static uint32_t memo_period(const struct groups *g, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE];
	uint64_t word = period_word(p, key);
	const struct period_memo *m = &g->period_memo[memo_slot(word)];
	return m->key == word ? m->id : UINT32_MAX;
}

static uint32_t group_period(struct groups *g, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE];
	uint64_t word = period_word(p, key);
	struct period_memo *m = &g->period_memo[memo_slot(word)];
	if (m->key != word) {
		m->key = word;
		m->id = (uint32_t)table_intern(g->period, key, sizeof key, NULL);
	}
	return m->id;
}

static uint32_t group_metric(struct groups *g, const char *metric)
{
	return metric ? (uint32_t)table_intern(g->metric, metric, strlen(metric) + 1, NULL) + 1 : 0;
}

static uint64_t id_hash(struct group_id k)
{
	uint64_t h = ((uint64_t)k.owner << 32 | k.period) * 0x9e3779b97f4a7c15ull;
	h ^= (uint64_t)k.metric_level * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static bool id_equal(struct group_id a, struct group_id b)
{
	return a.owner == b.owner && a.period == b.period && a.metric_level == b.metric_level;
}

static size_t find_group_slot(const struct groups *g, struct group_id k)
{
	size_t mask = g->nslots - 1;
	for (size_t i = (size_t)id_hash(k) & mask;; i = (i + 1) & mask)
		if (g->slot[i].index == 0 || id_equal(g->slot[i].id, k))
			return i;
}

bool groups_beyond_cache(const struct groups *g)
{
	return g->count >= 16384;
}

void group_ahead(const struct groups *g, enum level level, uint64_t h, const struct period *periods, size_t n)
{
	size_t owner = table_guess_ahead(g->owner[level], h);
	if (owner == SIZE_MAX)
		return;
	for (size_t k = 0; k < n; k++) {
		uint32_t period = memo_period(g, periods[k]);
		if (period != UINT32_MAX) {
			struct group_id id = { (uint32_t)owner, period, (uint32_t)level };
			__builtin_prefetch(&g->slot[(size_t)id_hash(id) & (g->nslots - 1)]);
		}
	}
}

/* Room for n groups without growing: slots at most half full after doubling. */
static void reserve_slots(struct groups *g, size_t n)
{
	size_t want = g->nslots;
	while (n * 10 >= want * 7) {
		if (want > SIZE_MAX / 2 / sizeof *g->slot)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		want *= 2;
	}
	if (want == g->nslots)
		return;
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	g->nslots = want;
	g->slot = xcalloc_huge(want, sizeof *g->slot);
	size_t mask = want - 1;
	for (size_t e = 0; e < g->count; e++) {
		if (e + 8 < g->count) /* the slots are scattered: fetched ahead */
			__builtin_prefetch(&g->slot[(size_t)id_hash(g->id[e + 8]) & mask]);
		size_t i = (size_t)id_hash(g->id[e]) & mask;
		while (g->slot[i].index)
			i = (i + 1) & mask;
		g->slot[i] = (struct group_slot){ g->id[e], (uint32_t)(e + 1) };
	}
}

static size_t upsert_id(struct groups *g, struct group_id k)
{
	size_t i = find_group_slot(g, k);
	if (g->slot[i].index)
		return g->slot[i].index - 1;
	if (g->count >= UINT32_MAX - 1)
		diag_fatal(SPM_EXIT_USAGE, "too many groups");
	size_t e = g->count;
	if (e == g->cap) {
		size_t cap = g->cap;
		xgrow_large((void **)&g->id, &cap, e + 1, sizeof *g->id);
		cap = g->cap;
		xgrow_large((void **)&g->values, &cap, e + 1, g->value_size);
		g->cap = cap;
	}
	g->id[e] = k;
	memset(g->values + e * g->value_size, 0, g->value_size);
	g->slot[i] = (struct group_slot){ k, (uint32_t)(e + 1) };
	g->count++;
	reserve_slots(g, g->count);
	return e;
}

size_t group_add(struct groups *g, uint32_t owner, enum level level, struct period p, const char *metric)
{
	struct group_id k = { owner, group_period(g, p), group_metric(g, metric) << 8 | (uint32_t)level };
	return upsert_id(g, k);
}

size_t group_upsert(struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric)
{
	return group_add(g, group_owner(g, level, owner, len), level, p, metric);
}

size_t group_lookup(const struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric)
{
	unsigned char key[PERIOD_KEY_SIZE];
	period_to_key(p, key);
	size_t o = table_index(g->owner[level], owner, len), q = table_index(g->period, key, sizeof key), m = 0;
	if (metric && (m = table_index(g->metric, metric, strlen(metric) + 1)) != SIZE_MAX)
		m++;
	if (o == SIZE_MAX || q == SIZE_MAX || m == SIZE_MAX)
		return SIZE_MAX;
	struct group_id k = { (uint32_t)o, (uint32_t)q, (uint32_t)m << 8 | (uint32_t)level };
	size_t i = find_group_slot(g, k);
	return g->slot[i].index ? g->slot[i].index - 1 : SIZE_MAX;
}

void group_name(const struct groups *g, size_t i, struct group_name *out)
{
	struct group_id k = g->id[i];
	size_t len;
	out->level = (enum level)(k.metric_level & 0xff);
	out->period = period_from_key(table_key(g->period, k.period, &len));
	out->owner = table_key(g->owner[out->level], k.owner, &out->owner_len);
	out->metric = k.metric_level >> 8 ? table_key(g->metric, (k.metric_level >> 8) - 1, &len) : NULL;
}

size_t groups_periods(const struct groups *g)
{
	return table_count(g->period);
}

struct period groups_period(const struct groups *g, size_t id)
{
	size_t len;
	return period_from_key(table_key(g->period, id, &len));
}

size_t group_period_id(const struct groups *g, size_t i)
{
	return g->id[i].period;
}

/* Merging is split over threads past this many keys: below, a thread costs more than it saves. */
#define PARALLEL_MERGE 65536

/* A chunk's group keys in the run's numbers: its owners, periods and metrics mapped, key
 * by key as they are needed (a copy of them all would be 12 bytes a group at the peak). */
struct key_map {
	const struct group_id *from; /* the chunk's keys */
	uint32_t *owner[LEVEL_COUNT], *period, *metric;
};

static struct group_id mapped_key(const struct key_map *km, size_t i)
{
	struct group_id k = km->from[i];
	uint32_t level = k.metric_level & 0xff, m = k.metric_level >> 8;
	return (struct group_id){ km->owner[level][k.owner], km->period[k.period],
				  (m ? km->metric[m - 1] + 1 : 0) << 8 | level };
}

/* Keys looked up on several threads while no thread writes the table they are looked up in. */
struct lookup {
	const struct groups *into;
	const struct table *names_into, *names_from; /* owners: interned names */
	const struct key_map *keys;                  /* groups: keys in into's numbers */
	uint32_t *name_id;                           /* out: the name's id in into, or UINT32_MAX */
	size_t *group;                               /* out: the group's index in into, or SIZE_MAX */
};

static void lookup_names(void *arg, size_t lo, size_t hi)
{
	struct lookup *p = arg;
	for (size_t i = lo; i < hi; i++) {
		size_t len;
		const void *name = table_key(p->names_from, i, &len);
		size_t id = table_index(p->names_into, name, len);
		p->name_id[i] = id == SIZE_MAX ? UINT32_MAX : (uint32_t)id;
	}
}

static void lookup_groups(void *arg, size_t lo, size_t hi)
{
	struct lookup *p = arg;
	const struct groups *g = p->into;
	enum { AHEAD = 8 }; /* the slots are scattered over a table far larger than the cache */
	for (size_t i = lo; i < hi; i++) {
		if (i + AHEAD < hi)
			__builtin_prefetch(&g->slot[(size_t)id_hash(mapped_key(p->keys, i + AHEAD)) & (g->nslots - 1)]);
		size_t at = find_group_slot(g, mapped_key(p->keys, i));
		p->group[i] = g->slot[at].index ? g->slot[at].index - 1 : SIZE_MAX;
	}
}

/* Maps each key of an interning table `from` to its id in `into`, added if absent: looked
 * up on every thread, then the new ones added in from's order (ids stay as one thread
 * would give them). */
static uint32_t *intern_all(struct table *into, const struct table *from, size_t threads)
{
	size_t n = table_count(from);
	uint32_t *map = xcalloc(n + 1, sizeof *map);
	struct lookup names = { .names_into = into, .names_from = from, .name_id = map };
	parallel_ranges(n, PARALLEL_MERGE, threads, &names, lookup_names);
	for (size_t i = 0; i < n; i++) {
		if (map[i] != UINT32_MAX)
			continue;
		size_t len;
		const void *key = table_key(from, i, &len);
		map[i] = (uint32_t)table_intern(into, key, len, NULL);
	}
	return map;
}

size_t *groups_merge_keys(struct groups *into, const struct groups *from, size_t threads)
{
	struct key_map km = { .from = from->id };
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		km.owner[l] = intern_all(into->owner[l], from->owner[l], threads);
	km.period = intern_all(into->period, from->period, 1);
	km.metric = intern_all(into->metric, from->metric, 1);
	/* chunks of one export share most groups: room for the larger, not both (a table
	 * twice too large would be the run's peak); new groups grow it as they come */
	reserve_slots(into, into->count > from->count ? into->count : from->count);
	size_t *map = xcalloc_huge(from->count + 1, sizeof *map);
	/* looked up on every thread, then the groups new to this table added in from's
	 * order, each slot fetched ahead */
	struct lookup groups = { .into = into, .keys = &km, .group = map };
	parallel_ranges(from->count, PARALLEL_MERGE, threads, &groups, lookup_groups);
	enum { AHEAD = 8 };
	for (size_t i = 0, ahead = 0; i < from->count; i++) {
		for (ahead = ahead > i ? ahead : i; ahead < from->count && ahead < i + AHEAD; ahead++)
			if (map[ahead] == SIZE_MAX)
				__builtin_prefetch(
					&into->slot[(size_t)id_hash(mapped_key(&km, ahead)) & (into->nslots - 1)]);
		if (map[i] == SIZE_MAX)
			map[i] = upsert_id(into, mapped_key(&km, i));
	}
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		free(km.owner[l]);
	free(km.period);
	free(km.metric);
	return map;
}

/* ---- the output order: owner bytes, period label, metric name, then first seen ---- */

/* An owner to sort, with its first 8 bytes as a big-endian number: most comparisons end
 * there, without reading names scattered over the table (100,000 of them at scale). */
struct owner_sort {
	uint64_t prefix;
	const char *name;
	size_t len;
	uint32_t level, id;
};

static uint64_t name_prefix(const char *name, size_t len)
{
	uint64_t p = 0;
	for (size_t i = 0; i < 8; i++)
		p = p << 8 | (i < len ? (unsigned char)name[i] : 0);
	return p;
}

static int compare_owner_sort(const void *pa, const void *pb)
{
	const struct owner_sort *a = pa, *b = pb;
	if (a->prefix != b->prefix) /* the byte order of the first 8 bytes */
		return a->prefix < b->prefix ? -1 : 1;
	return bytes_cmp(a->name, a->len, b->name, b->len); /* padding is not a NUL byte */
}

/* A part of the owners to sort on one thread. */
struct owner_part {
	struct owner_sort *s;
	size_t n;
};

static void sort_owner_part(void *arg)
{
	struct owner_part *p = arg;
	qsort(p->s, p->n, sizeof *p->s, compare_owner_sort);
}

/* Sorts owners in byte order: at a million owners, two halves sorted at once and merged
 * take half the time of one sort. */
static void sort_owners(struct owner_sort *s, size_t n, size_t threads)
{
	enum { PARALLEL_SORT = 65536 };
	if (threads < 2 || n < PARALLEL_SORT) {
		qsort(s, n, sizeof *s, compare_owner_sort);
		return;
	}
	struct owner_part half[2] = { { s, n / 2 }, { s + n / 2, n - n / 2 } };
	parallel_each(half, 2, sizeof half[0], sort_owner_part);
	struct owner_sort *merged = xcalloc_huge(n, sizeof *merged);
	size_t a = 0, b = n / 2, at = 0;
	while (a < n / 2 && b < n) /* stable: the first half first among equals */
		merged[at++] = compare_owner_sort(&s[b], &s[a]) < 0 ? s[b++] : s[a++];
	while (a < n / 2)
		merged[at++] = s[a++];
	while (b < n)
		merged[at++] = s[b++];
	memcpy(s, merged, n * sizeof *s);
	xfree_large(merged, n, sizeof *merged);
}

static size_t owner_count(const struct groups *g)
{
	size_t n = 0;
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		n += table_count(g->owner[l]);
	return n;
}

static void owner_ranks_free(uint32_t *ranks, const struct groups *g)
{
	xfree_large(ranks, owner_count(g) + 1, sizeof *ranks);
}

/* rank[level][id]: the owner's place in byte order, equal names equal ranks. */
static uint32_t *owner_ranks(const struct groups *g, uint32_t *rank[LEVEL_COUNT], size_t *nranks, size_t threads)
{
	size_t n = owner_count(g);
	struct owner_sort *s = xcalloc_huge(n + 1, sizeof *s);
	uint32_t *all = xcalloc_huge(n + 1, sizeof *all);
	size_t at = 0;
	for (size_t l = 0; l < LEVEL_COUNT; l++) {
		rank[l] = all + at;
		for (size_t i = 0; i < table_count(g->owner[l]); i++, at++) {
			s[at].name = table_key(g->owner[l], i, &s[at].len);
			s[at].prefix = name_prefix(s[at].name, s[at].len);
			s[at].level = (uint32_t)l;
			s[at].id = (uint32_t)i;
		}
	}
	sort_owners(s, n, threads);
	uint32_t r = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && compare_owner_sort(&s[i - 1], &s[i]))
			r++;
		rank[s[i].level][s[i].id] = r;
	}
	*nranks = n ? (size_t)r + 1 : 0;
	xfree_large(s, n + 1, sizeof *s);
	return all;
}

struct label_sort {
	char label[PERIOD_LABEL_SIZE];
	const char *name; /* metrics: the name; periods: NULL */
	uint32_t id;
};

static int compare_label_sort(const void *pa, const void *pb)
{
	const struct label_sort *a = pa, *b = pb;
	return strcmp(a->name ? a->name : a->label, b->name ? b->name : b->label);
}

/* Ranks of periods by label, or metrics by name. */
static uint32_t *label_ranks(const struct table *t, bool periods)
{
	size_t n = table_count(t);
	struct label_sort *s = xcalloc(n + 1, sizeof *s);
	uint32_t *rank = xcalloc(n + 1, sizeof *rank);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *key = table_key(t, i, &len);
		if (periods)
			period_format(period_from_key((const unsigned char *)key), s[i].label);
		else
			s[i].name = key;
		s[i].id = (uint32_t)i;
	}
	qsort(s, n, sizeof *s, compare_label_sort);
	uint32_t r = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && compare_label_sort(&s[i - 1], &s[i]))
			r++;
		rank[s[i].id] = r;
	}
	free(s);
	return rank;
}

struct group_sort {
	uint32_t period, metric, index;
};

static int compare_group_sort(const void *pa, const void *pb)
{
	const struct group_sort *a = pa, *b = pb;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* An owner's groups by period and metric: a handful each, so an insertion sort. */
static void sort_owner_groups(struct group_sort *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct group_sort x = s[i];
		size_t j = i;
		for (; j > 0 && compare_group_sort(&s[j - 1], &x) > 0; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
}

void group_indexes_free(size_t *indexes, size_t count)
{
	xfree_large(indexes, count + 1, sizeof *indexes);
}

size_t *groups_order(const struct groups *g, size_t threads)
{
	uint32_t *rank[LEVEL_COUNT];
	size_t nowners;
	uint32_t *ranks = owner_ranks(g, rank, &nowners, threads);
	uint32_t *period = label_ranks(g->period, true), *metric = label_ranks(g->metric, false);
	/* by owner: a counting sort, stable, then each owner's few groups by period and metric */
	size_t *first = xcalloc_huge(nowners + 2, sizeof *first);
	for (size_t i = 0; i < g->count; i++)
		first[rank[g->id[i].metric_level & 0xff][g->id[i].owner] + 1]++;
	for (size_t r = 0; r < nowners; r++)
		first[r + 1] += first[r];
	struct group_sort *s = xcalloc_huge(g->count + 1, sizeof *s);
	for (size_t i = 0; i < g->count; i++) {
		struct group_id k = g->id[i];
		uint32_t m = k.metric_level >> 8;
		s[first[rank[k.metric_level & 0xff][k.owner]]++] =
			(struct group_sort){ period[k.period], m ? metric[m - 1] : 0, (uint32_t)i };
	}
	size_t *order = xcalloc_huge(g->count + 1, sizeof *order);
	for (size_t r = 0, lo = 0; r < nowners; r++) {
		size_t hi = first[r]; /* the counting pass left first[r] at the end of owner r */
		if (hi - lo > 32)
			qsort(s + lo, hi - lo, sizeof *s, compare_group_sort);
		else
			sort_owner_groups(s + lo, hi - lo);
		lo = hi;
	}
	for (size_t i = 0; i < g->count; i++)
		order[i] = s[i].index;
	xfree_large(s, g->count + 1, sizeof *s);
	xfree_large(first, nowners + 2, sizeof *first);
	free(period);
	free(metric);
	owner_ranks_free(ranks, g);
	return order;
}
