/* The groups of a run: totals by owner, period and metric. Owners (one table per level),
 * periods and metrics are interned once per chunk, and a period, metric and level once
 * more as a bucket, so a group's key is two 32-bit numbers (owner, bucket), hashed and
 * compared without touching a string: a row costs one hash of its owner, and each of its
 * groups one probe of an 8-byte slot and a read of the group's record, where its key sits
 * beside its totals. At 100,000 owners the tables are tens of megabytes probed at random:
 * their arrays live in huge pages (lib/arena), which halves the reading (a 4 KiB page
 * faults once, and misses the TLB). At a million owners every byte a group takes counts
 * twice (each thread's chunk meets most groups): 40 bytes of record and about 12 of slot. */
#include "spm-track.h"

#include "arena.h"
#include "diag.h"
#include "parallel.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define MEMO_BITS 10
#define MEMO (1 << MEMO_BITS)
_Static_assert(PERIOD_KEY_SIZE < 8, "a period key fits a word");

/* A group's key: the interned owner (within its level) and bucket. */
struct group_id {
	uint32_t owner, bucket;
};

/* A bucket: a period, metric (0: none, else the metric's id + 1) and level, as
 * metric << 8 | level. A run has a few dozen of them. */
struct bucket {
	uint32_t period, metric_level;
};

/* A slot of the open-addressing table: 32 bits of the key's hash (a probe reads a group's
 * record only when they match) and the group's index + 1 (0: empty). */
struct group_slot {
	uint32_t tag, index;
};

/* A word's id, interned once: a direct-mapped cache in front of an interning table. */
struct memo {
	uint64_t key; /* the word, never 0 (0: empty) */
	uint32_t id;
};

struct groups {
	size_t value_size;
	size_t value_at, record_size; /* a record: the key, then the totals at value_at */
	struct table *owner[LEVEL_COUNT];
	struct table *period; /* period_to_key bytes */
	struct table *metric; /* metric names, NUL included */
	struct table *bucket; /* struct bucket */
	struct group_slot *slot;
	size_t nslots;        /* at least 10/7 of the groups */
	/* periods and buckets met, their ids: a chunk's rows share a few dozen; keyed by the
	 * period's key bytes + 1, and by (period << 32 | metric_level) + 1 */
	struct memo period_memo[MEMO], bucket_memo[MEMO];
	char *records;        /* by group index, record_size each */
	size_t count, cap;
	/* while owners and buckets are few: dense[owner * dense_buckets + bucket], the group's
	 * index + 1 (0: not looked up yet), in front of the slots */
	uint32_t *dense;
	size_t dense_owners, dense_buckets;
	bool dense_off; /* too many owners and buckets for it */
};

/* Entries of the dense index at most: 256 KiB. */
#define DENSE_MAX ((size_t)1 << 16)

#define FIRST_SLOTS 1024

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

struct groups *groups_new(size_t value_size, size_t value_align)
{
	struct groups *g = xcalloc(1, sizeof *g);
	size_t align = value_align > alignof(struct group_id) ? value_align : alignof(struct group_id);
	g->value_size = value_size;
	g->value_at = round_up(sizeof(struct group_id), value_align);
	g->record_size = round_up(g->value_at + value_size, align);
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		g->owner[l] = table_new_large(0);
	g->period = table_new(0);
	g->metric = table_new(0);
	g->bucket = table_new(0);
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
	table_free(g->bucket);
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	xfree_large(g->records, g->cap, g->record_size);
	free(g->dense);
	free(g);
}

/* The dense index given up for good (too many entries, or no lookups any more). */
static void dense_drop(struct groups *g)
{
	free(g->dense);
	g->dense = NULL;
	g->dense_owners = g->dense_buckets = 0;
	g->dense_off = true;
}

/* No group is added or looked up any more (it is merged): frees the slots. */
static void groups_seal(struct groups *g)
{
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	g->slot = NULL;
	g->nslots = 0;
	dense_drop(g);
}

size_t groups_count(const struct groups *g)
{
	return g->count;
}

static char *record(const struct groups *g, size_t i)
{
	return g->records + i * g->record_size;
}

static struct group_id key_of(const struct groups *g, size_t i)
{
	struct group_id k;
	memcpy(&k, record(g, i), sizeof k);
	return k;
}

void *group_totals(const struct groups *g, size_t i)
{
	return record(g, i) + g->value_at;
}

static struct bucket bucket_of(const struct groups *g, uint32_t id)
{
	size_t len;
	struct bucket b;
	memcpy(&b, table_key(g->bucket, id, &len), sizeof b);
	return b;
}

static enum level bucket_level(struct bucket b)
{
	return (enum level)(b.metric_level & 0xff);
}

static enum level level_of(const struct groups *g, struct group_id k)
{
	return bucket_level(bucket_of(g, k.bucket));
}

/* level[id]: each bucket's level (owner ids are by level), to walk many groups. */
static uint8_t *bucket_levels(const struct groups *g)
{
	size_t n = table_count(g->bucket);
	uint8_t *level = xcalloc(n + 1, 1);
	for (size_t id = 0; id < n; id++)
		level[id] = (uint8_t)bucket_level(bucket_of(g, (uint32_t)id));
	return level;
}

void group_prefetch(const struct groups *g, size_t i, enum group_part part)
{
	switch (part) {
	case GROUP_TOTALS:
		for (size_t at = 0; at < g->record_size; at += 64)
			__builtin_prefetch(record(g, i) + at);
		__builtin_prefetch(record(g, i) + g->record_size - 1);
		break;
	case GROUP_OWNER_ENTRY: {
		struct group_id k = key_of(g, i);
		table_prefetch(g->owner[level_of(g, k)], k.owner, false);
		break;
	}
	case GROUP_OWNER_NAME: {
		struct group_id k = key_of(g, i);
		table_prefetch(g->owner[level_of(g, k)], k.owner, true);
		break;
	}
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
	return (size_t)((word * 0x9e3779b97f4a7c15ull) >> (64 - MEMO_BITS));
}

/* The id of word if the memo has it, else UINT32_MAX (nothing is interned). */
static uint32_t memo_find(const struct memo *memo, uint64_t word)
{
	const struct memo *m = &memo[memo_slot(word)];
	return m->key == word ? m->id : UINT32_MAX;
}

/* The id of word, its key interned in t when the memo lacks it. */
static uint32_t memo_intern(struct memo *memo, uint64_t word, struct table *t, const void *key, size_t len)
{
	struct memo *m = &memo[memo_slot(word)];
	if (m->key != word)
		*m = (struct memo){ word, (uint32_t)table_intern(t, key, len, NULL) };
	return m->id;
}

static uint32_t memo_period(const struct groups *g, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE];
	return memo_find(g->period_memo, period_word(p, key));
}

static uint32_t group_period(struct groups *g, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE];
	uint64_t word = period_word(p, key);
	return memo_intern(g->period_memo, word, g->period, key, sizeof key);
}

static uint32_t group_metric(struct groups *g, const char *metric)
{
	return metric ? (uint32_t)table_intern(g->metric, metric, strlen(metric) + 1, NULL) + 1 : 0;
}

static uint64_t bucket_word(struct bucket b)
{
	return ((uint64_t)b.period << 32 | b.metric_level) + 1;
}

static uint32_t memo_bucket(const struct groups *g, struct bucket b)
{
	return memo_find(g->bucket_memo, bucket_word(b));
}

static uint32_t group_bucket(struct groups *g, struct bucket b)
{
	return memo_intern(g->bucket_memo, bucket_word(b), g->bucket, &b, sizeof b);
}

static uint64_t id_hash(struct group_id k)
{
	uint64_t h = ((uint64_t)k.owner << 32 | k.bucket) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

/* The slot a hash starts at: its high bits scaled to the table (any size, not only a
 * power of two: the merge sizes a table to what it will hold). */
static size_t group_home(const struct groups *g, uint64_t h)
{
	return (size_t)(((unsigned __int128)h * g->nslots) >> 64);
}

static uint32_t hash_tag(uint64_t h)
{
	return (uint32_t)h;
}

static bool id_equal(struct group_id a, struct group_id b)
{
	return a.owner == b.owner && a.bucket == b.bucket;
}

static size_t find_group_slot(const struct groups *g, struct group_id k, uint64_t h)
{
	uint32_t tag = hash_tag(h);
	for (size_t i = group_home(g, h);;) {
		struct group_slot s = g->slot[i];
		if (s.index == 0 || (s.tag == tag && id_equal(key_of(g, s.index - 1), k)))
			return i;
		if (++i == g->nslots)
			i = 0;
	}
}

size_t group_owner_entry_ahead(const struct groups *g, enum level level, uint64_t h)
{
	return table_guess_ahead(g->owner[level], h);
}

void group_owner_name_ahead(const struct groups *g, enum level level, size_t owner)
{
	table_key_ahead(g->owner[level], owner);
}

bool groups_beyond_cache(const struct groups *g)
{
	return g->count >= 16384;
}

/* The hash of the group of owner in calendar k's period of the cached day at level,
 * looked up without interning anything: by the day's bucket when the chunk has added a
 * group of it (one load, where the memos of periods and buckets took two hashes and
 * compares, a tenth of the reading at 100,000 owners), else by the memos; false when
 * its period or bucket has not been met (no such group yet). */
static bool group_hash_ahead(const struct groups *g, size_t owner, enum level level, const struct period_cache *c,
			     size_t day, size_t k, uint64_t *h)
{
	uint32_t bucket = c->bucket[day][k][level];
	if (bucket)
		bucket--;
	else {
		uint32_t period = memo_period(g, c->period[day][k]);
		bucket = period == UINT32_MAX ? UINT32_MAX : memo_bucket(g, (struct bucket){ period, level });
		if (bucket == UINT32_MAX)
			return false;
	}
	*h = id_hash((struct group_id){ (uint32_t)owner, bucket });
	return true;
}

void group_slots_ahead(const struct groups *g, enum level level, size_t owner, const struct period_cache *c,
		       size_t day, size_t n)
{
	uint64_t h;
	for (size_t k = 0; k < n; k++)
		if (group_hash_ahead(g, owner, level, c, day, k, &h))
			__builtin_prefetch(&g->slot[group_home(g, h)]);
}

void group_ahead(const struct groups *g, enum level level, uint64_t h, const struct period_cache *c, size_t day,
		 size_t n)
{
	size_t owner = table_guess_ahead(g->owner[level], h);
	if (owner != SIZE_MAX)
		group_slots_ahead(g, level, owner, c, day, n);
}

void group_records_ahead(const struct groups *g, enum level level, size_t owner, const struct period_cache *c,
			 size_t day, size_t n)
{
	uint64_t h;
	for (size_t k = 0; k < n; k++) {
		if (!group_hash_ahead(g, owner, level, c, day, k, &h))
			continue;
		struct group_slot s = g->slot[group_home(g, h)]; /* its home: most groups are there */
		if (s.index && s.tag == hash_tag(h))
			group_prefetch(g, s.index - 1, GROUP_TOTALS);
	}
}

/* Slots for n groups: at most 7 in 10 taken, whole 4 KiB pages. */
static size_t slots_for(size_t n)
{
	if (n > SIZE_MAX / 16 / sizeof(struct group_slot))
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	size_t want = n / 7 * 10 + n % 7 * 2 + 1;
	return round_up(want > FIRST_SLOTS ? want : FIRST_SLOTS, 4096 / sizeof(struct group_slot));
}

/* The slots rebuilt for room for n groups (n >= count). */
static void resize_slots(struct groups *g, size_t n)
{
	size_t want = slots_for(n);
	if (want == g->nslots)
		return;
	xfree_large(g->slot, g->nslots, sizeof *g->slot);
	g->nslots = want;
	g->slot = xcalloc_huge(want, sizeof *g->slot);
	enum { AHEAD = 8 }; /* the slots are scattered: fetched ahead */
	for (size_t e = 0; e < g->count; e++) {
		if (e + AHEAD < g->count)
			__builtin_prefetch(&g->slot[group_home(g, id_hash(key_of(g, e + AHEAD)))]);
		uint64_t h = id_hash(key_of(g, e));
		size_t i = group_home(g, h);
		while (g->slot[i].index)
			if (++i == g->nslots)
				i = 0;
		g->slot[i] = (struct group_slot){ hash_tag(h), (uint32_t)(e + 1) };
	}
}

/* Whether n groups would fill more than 7 slots in 10. */
static bool slots_full(const struct groups *g, size_t n)
{
	return n * 10 >= g->nslots * 7;
}

/* Room for n groups without growing the slots. */
static void reserve_slots(struct groups *g, size_t n)
{
	if (slots_full(g, n))
		resize_slots(g, n);
}

/* Room for n records without moving them. */
static void reserve_records(struct groups *g, size_t n)
{
	if (n > g->cap)
		xgrow_large((void **)&g->records, &g->cap, n, g->record_size);
}

/* Adds group k, absent, at slot i (found for hash h). */
static size_t insert_id(struct groups *g, size_t i, struct group_id k, uint64_t h)
{
	if (g->count >= UINT32_MAX - 1)
		diag_fatal(SPM_EXIT_USAGE, "too many groups");
	size_t e = g->count;
	reserve_records(g, e + 1);
	char *r = record(g, e);
	memset(r, 0, g->record_size);
	memcpy(r, &k, sizeof k);
	g->slot[i] = (struct group_slot){ hash_tag(h), (uint32_t)(e + 1) };
	g->count++;
	if (slots_full(g, g->count)) /* doubled: growing costs a rehash of every group */
		resize_slots(g, g->count * 2);
	return e;
}

static size_t upsert_id(struct groups *g, struct group_id k)
{
	uint64_t h = id_hash(k);
	size_t i = find_group_slot(g, k, h);
	if (g->slot[i].index)
		return g->slot[i].index - 1;
	return insert_id(g, i, k, h);
}

static size_t at_least_pow2(size_t n, size_t from)
{
	while (from < n)
		from *= 2;
	return from;
}

/* The dense index grown to hold (owner, bucket), or off (NULL) when it would pass DENSE_MAX. */
static uint32_t *dense_grow(struct groups *g, uint32_t owner, uint32_t bucket)
{
	if (g->dense_off)
		return NULL;
	size_t no = at_least_pow2((size_t)owner + 1, g->dense_owners ? g->dense_owners : 64);
	size_t nb = at_least_pow2((size_t)bucket + 1, g->dense_buckets ? g->dense_buckets : 16);
	if (no > DENSE_MAX / nb) {
		dense_drop(g);
		return NULL;
	}
	uint32_t *d = xcalloc(no * nb, sizeof *d);
	for (size_t o = 0; o < g->dense_owners; o++)
		memcpy(d + o * nb, g->dense + o * g->dense_buckets, g->dense_buckets * sizeof *d);
	free(g->dense);
	g->dense = d;
	g->dense_owners = no;
	g->dense_buckets = nb;
	return &d[(size_t)owner * nb + bucket];
}

/* The dense index's entry of (owner, bucket), or NULL. */
static uint32_t *dense_entry(struct groups *g, uint32_t owner, uint32_t bucket)
{
	if (owner < g->dense_owners && bucket < g->dense_buckets)
		return &g->dense[(size_t)owner * g->dense_buckets + bucket];
	return dense_grow(g, owner, bucket);
}

size_t group_add(struct groups *g, uint32_t owner, enum level level, struct period p, const char *metric)
{
	struct bucket b = { group_period(g, p), group_metric(g, metric) << 8 | (uint32_t)level };
	return group_add_in(g, owner, group_bucket(g, b));
}

uint32_t group_bucket_id(struct groups *g, enum level level, struct period p)
{
	return group_bucket(g, (struct bucket){ group_period(g, p), (uint32_t)level });
}

/* A run of few owners found each group by a hash and a probe of slots that collide at
 * random (a mispredicted branch a row); the dense index is one load. */
size_t group_add_in(struct groups *g, uint32_t owner, uint32_t bucket)
{
	uint32_t *d = dense_entry(g, owner, bucket);
	if (d && *d)
		return *d - 1;
	size_t e = upsert_id(g, (struct group_id){ owner, bucket });
	if (d)
		*d = (uint32_t)(e + 1);
	return e;
}

size_t group_upsert(struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric)
{
	return group_add(g, group_owner(g, level, owner, len), level, p, metric);
}

size_t group_lookup(const struct groups *g, struct period p, enum level level, const char *owner, size_t len,
		    const char *metric)
{
	return group_lookup_owner(g, group_owner_id(g, level, owner, len), p, level, metric);
}

size_t group_owner_id(const struct groups *g, enum level level, const char *owner, size_t len)
{
	return table_index(g->owner[level], owner, len);
}

size_t group_lookup_owner(const struct groups *g, size_t o, struct period p, enum level level, const char *metric)
{
	unsigned char key[PERIOD_KEY_SIZE];
	period_to_key(p, key);
	size_t q = table_index(g->period, key, sizeof key), m = 0;
	if (metric && (m = table_index(g->metric, metric, strlen(metric) + 1)) != SIZE_MAX)
		m++;
	if (o == SIZE_MAX || q == SIZE_MAX || m == SIZE_MAX)
		return SIZE_MAX;
	struct bucket b = { (uint32_t)q, (uint32_t)m << 8 | (uint32_t)level };
	size_t id = table_index(g->bucket, &b, sizeof b);
	if (id == SIZE_MAX)
		return SIZE_MAX;
	struct group_id k = { (uint32_t)o, (uint32_t)id };
	size_t i = find_group_slot(g, k, id_hash(k));
	return g->slot[i].index ? g->slot[i].index - 1 : SIZE_MAX;
}

void group_name(const struct groups *g, size_t i, struct group_name *out)
{
	struct group_id k = key_of(g, i);
	struct bucket b = bucket_of(g, k.bucket);
	size_t len;
	out->level = bucket_level(b);
	out->period = period_from_key(table_key(g->period, b.period, &len));
	out->owner = table_key(g->owner[out->level], k.owner, &out->owner_len);
	out->metric = b.metric_level >> 8 ? table_key(g->metric, (b.metric_level >> 8) - 1, &len) : NULL;
}

const char *group_metric_name(const struct groups *g, size_t i)
{
	uint32_t m = bucket_of(g, key_of(g, i).bucket).metric_level >> 8;
	size_t len;
	return m ? table_key(g->metric, m - 1, &len) : NULL;
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
	return bucket_of(g, key_of(g, i).bucket).period;
}

/* Merging is split over threads past this many keys: below, a thread costs more than it saves. */
#define PARALLEL_MERGE 65536

/* A chunk's group keys in the run's numbers: its owners and buckets mapped, key by key as
 * they are needed (a copy of them all would be 8 bytes a group at the peak). */
struct key_map {
	const struct groups *from;
	uint32_t *owner[LEVEL_COUNT], *bucket;
	uint8_t *level; /* by from's bucket */
};

static struct group_id mapped_key(const struct key_map *km, size_t i)
{
	struct group_id k = key_of(km->from, i);
	return (struct group_id){ km->owner[km->level[k.bucket]][k.owner], km->bucket[k.bucket] };
}

/* Keys looked up on several threads while no thread writes the table they are looked up in. */
struct lookup {
	const struct groups *into;
	const struct table *names_into, *names_from; /* owners: interned names */
	const struct key_map *keys;                  /* groups: keys in into's numbers */
	uint32_t *name_id;                           /* out: the name's id in into, or UINT32_MAX */
	uint32_t *group;                             /* out: the group's index in into, or UINT32_MAX */
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
			__builtin_prefetch(&g->slot[group_home(g, id_hash(mapped_key(p->keys, i + AHEAD)))]);
		struct group_id k = mapped_key(p->keys, i);
		size_t at = find_group_slot(g, k, id_hash(k));
		p->group[i] = g->slot[at].index ? g->slot[at].index - 1 : UINT32_MAX;
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

/* from's buckets in into's numbers, their periods and metrics mapped first. */
static uint32_t *intern_buckets(struct groups *into, const struct groups *from, uint8_t **level)
{
	uint32_t *period = intern_all(into->period, from->period, 1);
	uint32_t *metric = intern_all(into->metric, from->metric, 1);
	size_t n = table_count(from->bucket);
	uint32_t *map = xcalloc(n + 1, sizeof *map);
	*level = bucket_levels(from);
	for (size_t id = 0; id < n; id++) {
		struct bucket b = bucket_of(from, (uint32_t)id);
		uint32_t m = b.metric_level >> 8;
		struct bucket to = { period[b.period], (m ? metric[m - 1] + 1 : 0) << 8 | bucket_level(b) };
		map[id] = (uint32_t)table_intern(into->bucket, &to, sizeof to, NULL);
	}
	free(period);
	free(metric);
	return map;
}

/* Looks up every key of from in into (on threads): map[i] is the index in into of from's
 * group i, UINT32_MAX if into lacks it (group indexes stay below: insert_id). Room is made
 * once for the groups into lacks: no rehash midway, no table sized for twice its groups. */
static uint32_t *merge_lookup(struct groups *into, const struct groups *from, const struct key_map *km, size_t threads)
{
	uint32_t *map = xcalloc_huge(from->count + 1, sizeof *map);
	struct lookup groups = { .into = into, .keys = km, .group = map };
	parallel_ranges(from->count, PARALLEL_MERGE, threads, &groups, lookup_groups);
	size_t fresh = 0;
	for (size_t i = 0; i < from->count; i++)
		fresh += map[i] == UINT32_MAX;
	if (fresh) {
		reserve_slots(into, into->count + fresh);
		reserve_records(into, into->count + fresh);
	}
	return map;
}

/* Adds the groups lo .. hi-1 of from that into lacks, in from's order, each slot fetched
 * ahead. */
static void merge_add(struct groups *into, const struct key_map *km, uint32_t *map, size_t lo, size_t hi)
{
	enum { AHEAD = 8 };
	for (size_t i = lo, ahead = lo; i < hi; i++) {
		for (ahead = ahead > i ? ahead : i; ahead < hi && ahead < i + AHEAD; ahead++)
			if (map[ahead] == UINT32_MAX)
				__builtin_prefetch(&into->slot[group_home(into, id_hash(mapped_key(km, ahead)))]);
		if (map[i] == UINT32_MAX)
			map[i] = (uint32_t)upsert_id(into, mapped_key(km, i));
	}
}

static void key_map_init(struct key_map *km, struct groups *into, const struct groups *from, size_t threads)
{
	*km = (struct key_map){ .from = from };
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		km->owner[l] = intern_all(into->owner[l], from->owner[l], threads);
	km->bucket = intern_buckets(into, from, &km->level);
}

static void key_map_free(struct key_map *km)
{
	for (size_t l = 0; l < LEVEL_COUNT; l++)
		free(km->owner[l]);
	free(km->bucket);
	free(km->level);
}

size_t group_merge_block(size_t threads)
{
	enum { BLOCK = 262144 }; /* 10 MB of records: a few dozen blocks at a million owners */
	return threads > BLOCK / PARALLEL_MERGE ? threads * PARALLEL_MERGE : BLOCK;
}

uint32_t *groups_merge(struct groups *into, struct groups *from, size_t threads, size_t block, group_merge_fn *merge,
		       void *ctx)
{
	groups_seal(from); /* its slots are not read to merge it: the peak holds them less */
	struct key_map km;
	key_map_init(&km, into, from, threads);
	for (size_t l = 0; l < LEVEL_COUNT; l++) { /* mapped: its owners' names are not read again */
		table_free(from->owner[l]);
		from->owner[l] = NULL;
	}
	uint32_t *map = merge_lookup(into, from, &km, threads);
	if (block == 0)
		block = 1;
	for (size_t lo = 0; lo < from->count; lo += block) {
		size_t hi = from->count - lo > block ? lo + block : from->count;
		merge_add(into, &km, map, lo, hi);
		merge(ctx, map, lo, hi);
		/* merged: from's records below hi are given back while into grows */
		xrelease_large(from->records, from->cap, from->record_size, lo * from->record_size,
			       hi * from->record_size);
	}
	key_map_free(&km);
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

/* Merges the sorted runs a[0, na) and b[0, nb) into out (stable: a first among equals). */
static void merge_owner_runs(const struct owner_sort *a, size_t na, const struct owner_sort *b, size_t nb,
			     struct owner_sort *out)
{
	size_t i = 0, j = 0, at = 0;
	while (i < na && j < nb)
		out[at++] = compare_owner_sort(&b[j], &a[i]) < 0 ? b[j++] : a[i++];
	while (i < na)
		out[at++] = a[i++];
	while (j < nb)
		out[at++] = b[j++];
}

/* Sorts s[0, n) with tmp[0, n) as room: a merge sort of our own, where qsort took a
 * buffer from malloc for each call (at 100,000 owners, 3 MB of fresh 4 KiB pages: half the
 * run's page faults once the arrays were in huge pages), and called the comparison
 * through a pointer. */
static void merge_sort_owners(struct owner_sort *s, struct owner_sort *tmp, size_t n)
{
	if (n <= 16) { /* insertion sort: most owners of a run differ in their first bytes */
		for (size_t i = 1; i < n; i++) {
			struct owner_sort x = s[i];
			size_t j = i;
			for (; j > 0 && compare_owner_sort(&s[j - 1], &x) > 0; j--)
				s[j] = s[j - 1];
			s[j] = x;
		}
		return;
	}
	size_t h = n / 2;
	merge_sort_owners(s, tmp, h);
	merge_sort_owners(s + h, tmp + h, n - h);
	merge_owner_runs(s, h, s + h, n - h, tmp);
	memcpy(s, tmp, n * sizeof *s);
}

/* A part of the owners to sort on one thread, with its own room. */
struct owner_part {
	struct owner_sort *s, *tmp;
	size_t n;
};

static void sort_owner_part(void *arg)
{
	struct owner_part *p = arg;
	merge_sort_owners(p->s, p->tmp, p->n);
}

/* Sorts owners in byte order: at a million owners, two halves sorted at once and merged
 * take half the time of one sort. */
static void sort_owners(struct owner_sort *s, size_t n, size_t threads)
{
	enum { PARALLEL_SORT = 65536 };
	struct owner_sort *tmp = xcalloc_huge(n + 1, sizeof *tmp);
	if (threads < 2 || n < PARALLEL_SORT) {
		merge_sort_owners(s, tmp, n);
	} else {
		struct owner_part half[2] = { { s, tmp, n / 2 }, { s + n / 2, tmp + n / 2, n - n / 2 } };
		parallel_each(half, 2, sizeof half[0], sort_owner_part);
		merge_owner_runs(s, n / 2, s + n / 2, n - n / 2, tmp);
		memcpy(s, tmp, n * sizeof *s);
	}
	xfree_large(tmp, n + 1, sizeof *tmp);
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

/* A bucket's place among an owner's groups: its period's label, then its metric's name
 * (the level is not part of it: an owner's rank already holds every level of that name). */
static uint64_t bucket_place(const uint32_t *period, const uint32_t *metric, struct bucket c)
{
	uint32_t m = c.metric_level >> 8;
	return (uint64_t)period[c.period] << 32 | (m ? metric[m - 1] : 0);
}

struct bucket_sort {
	uint64_t place;
	uint32_t id;
};

static int compare_bucket_sort(const void *pa, const void *pb)
{
	const struct bucket_sort *a = pa, *b = pb;
	return (a->place > b->place) - (a->place < b->place);
}

/* rank[c]: bucket c's place in output order, equal places equal ranks. */
static uint32_t *bucket_ranks(const struct groups *g)
{
	uint32_t *period = label_ranks(g->period, true), *metric = label_ranks(g->metric, false);
	size_t n = table_count(g->bucket);
	struct bucket_sort *s = xcalloc(n + 1, sizeof *s);
	uint32_t *rank = xcalloc(n + 1, sizeof *rank);
	for (size_t c = 0; c < n; c++)
		s[c] = (struct bucket_sort){ bucket_place(period, metric, bucket_of(g, (uint32_t)c)), (uint32_t)c };
	qsort(s, n, sizeof *s, compare_bucket_sort);
	uint32_t r = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && s[i - 1].place != s[i].place)
			r++;
		rank[s[i].id] = r;
	}
	free(s);
	free(period);
	free(metric);
	return rank;
}

static int compare_place(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

/* An owner's groups as bucket rank << 32 | index: a handful each, so an insertion sort. */
static void sort_owner_groups(size_t *s, size_t n)
{
	if (n > 32) {
		qsort(s, n, sizeof *s, compare_place);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t x = s[i];
		size_t j = i;
		for (; j > 0 && s[j - 1] > x; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
}

void group_indexes_free(size_t *indexes, size_t count)
{
	xfree_large(indexes, count + 1, sizeof *indexes);
}

void group_map_free(uint32_t *map, size_t count)
{
	xfree_large(map, count + 1, sizeof *map);
}

_Static_assert(sizeof(size_t) >= sizeof(uint64_t), "an order's place and index share one word");

enum { SORT_AHEAD = 16 };
#define ORDER_COUNTS ((size_t)32 << 20) /* a million owners' counts on 4 threads */

/* Where the rank of group i's owner is kept. */
static const uint32_t *owner_rank_of(const struct groups *g, uint32_t *const rank[LEVEL_COUNT],
				     const uint8_t *level, size_t i)
{
	struct group_id k = key_of(g, i);
	return &rank[level[k.bucket]][k.owner];
}

/* One thread's share of groups_order's counting sort: groups [lo, hi), with its own count
 * of each owner's groups (then the next slot of each owner for its groups), and owners
 * [rlo, rhi) to put in bucket order once all are placed. */
struct order_part {
	const struct groups *g;
	uint32_t *const *rank;
	const uint8_t *level;
	const uint32_t *bucket;
	size_t lo, hi, rlo, rhi;
	size_t *next;        /* by owner rank: this part's count, then its next slot */
	const size_t *end;   /* by owner rank: the end of the owner's groups in order */
	size_t *order;
	int step;            /* 0: count; 1: place; 2: sort each owner's groups, keep the indexes */
};

/* The owners' ranks and counts are read at random (4 and 8 MB at a million owners): each
 * fetched ahead, the rank SORT_AHEAD groups before, the count (and the order's slot) half
 * as far, once the rank has come. */
static void order_count(struct order_part *p)
{
	const struct groups *g = p->g;
	for (size_t i = p->lo; i < p->hi; i++) {
		if (i + SORT_AHEAD < p->hi)
			__builtin_prefetch(owner_rank_of(g, p->rank, p->level, i + SORT_AHEAD));
		if (i + SORT_AHEAD / 2 < p->hi)
			__builtin_prefetch(&p->next[*owner_rank_of(g, p->rank, p->level, i + SORT_AHEAD / 2)], 1);
		p->next[*owner_rank_of(g, p->rank, p->level, i)]++;
	}
}

static void order_place(struct order_part *p)
{
	const struct groups *g = p->g;
	for (size_t i = p->lo; i < p->hi; i++) {
		if (i + SORT_AHEAD < p->hi)
			__builtin_prefetch(owner_rank_of(g, p->rank, p->level, i + SORT_AHEAD));
		if (i + SORT_AHEAD / 2 < p->hi) {
			size_t *at = &p->next[*owner_rank_of(g, p->rank, p->level, i + SORT_AHEAD / 2)];
			__builtin_prefetch(at, 1);
			__builtin_prefetch(&p->order[*at], 1); /* its slot, unless the owner comes again meanwhile */
		}
		struct group_id k = key_of(g, i);
		p->order[p->next[*owner_rank_of(g, p->rank, p->level, i)]++] =
			(size_t)p->bucket[k.bucket] << 32 | (uint32_t)i;
	}
}

/* Where owner rank r's groups start in the order (its end once the owners before it end). */
static size_t owner_start(const struct order_part *p, size_t r)
{
	return r ? p->end[r - 1] : 0;
}

static void order_part_run(void *arg)
{
	struct order_part *p = arg;
	if (p->step == 0)
		order_count(p);
	else if (p->step == 1)
		order_place(p);
	else { /* the owners' groups by bucket, then the order's words left with their indexes */
		for (size_t r = p->rlo; r < p->rhi; r++)
			sort_owner_groups(p->order + owner_start(p, r), p->end[r] - owner_start(p, r));
		for (size_t i = owner_start(p, p->rlo); i < owner_start(p, p->rhi); i++)
			p->order[i] &= UINT32_MAX;
	}
}

/* Runs step of every part, each on a thread of its own. */
static void order_step(struct order_part *part, size_t n, int step)
{
	for (size_t t = 0; t < n; t++)
		part[t].step = step;
	parallel_each(part, n, sizeof *part, order_part_run);
}

size_t *groups_order(const struct groups *g, size_t threads)
{
	uint32_t *rank[LEVEL_COUNT];
	size_t nowners;
	uint32_t *ranks = owner_ranks(g, rank, &nowners, threads);
	uint32_t *bucket = bucket_ranks(g);
	uint8_t *level = bucket_levels(g);
	/* by owner: a counting sort, stable (each part's groups after those of the parts
	 * before), then each owner's few groups by bucket rank and index, in the array that
	 * becomes the order (no second array at the peak); the parts on threads of their own */
	size_t nparts = threads < 1 ? 1 : threads;
	if (nparts > g->count / PARALLEL_MERGE + 1)
		nparts = g->count / PARALLEL_MERGE + 1;
	/* each part counts every owner (8 bytes an owner): at most ORDER_COUNTS bytes of counts,
	 * at the run's peak, whatever --threads asks */
	size_t most = ORDER_COUNTS / ((nowners + 1) * sizeof(size_t));
	if (nparts > most)
		nparts = most ? most : 1;
	struct order_part *part = xcalloc(nparts, sizeof *part);
	size_t *order = xcalloc_huge(g->count + 1, sizeof *order);
	for (size_t t = 0; t < nparts; t++)
		part[t] = (struct order_part){ g, rank, level, bucket, g->count * t / nparts, g->count * (t + 1) / nparts,
					       nowners * t / nparts, nowners * (t + 1) / nparts,
					       xcalloc_huge(nowners + 1, sizeof(size_t)), NULL, order, 0 };
	order_step(part, nparts, 0);
	for (size_t r = 0, at = 0; r < nowners; r++) /* each part's first slot of each owner */
		for (size_t t = 0; t < nparts; t++) {
			size_t n = part[t].next[r];
			part[t].next[r] = at;
			at += n;
		}
	order_step(part, nparts, 1);
	for (size_t t = 0; t < nparts; t++)
		part[t].end = part[nparts - 1].next; /* the last part's next slots: each owner's end */
	order_step(part, nparts, 2);
	for (size_t t = 0; t < nparts; t++)
		xfree_large(part[t].next, nowners + 1, sizeof(size_t));
	free(part);
	free(bucket);
	free(level);
	owner_ranks_free(ranks, g);
	return order;
}
