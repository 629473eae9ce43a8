/* Group-by tables: open addressing with linear probing over an array of entry indexes;
 * keys and values live in growable arrays in insertion order. */
#include "table.h"

#include "arena.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

/* A key's first bytes are kept in its entry too: most keys (names, periods) are short,
 * and a probe that reaches its entry compares them without reading the key store, one
 * cache miss less a row when the table is far larger than the cache. */
#define ENTRY_HEAD 16
/* 32 bytes, so that an entry never straddles two cache lines (at 40, half of them did:
 * two misses for one owner looked up in a table far larger than the cache). The slot
 * holds the high half of the key's hash, the entry the low half; a resize hashes the
 * keys again, in order. */
struct entry {
	uint64_t key_at;       /* offset of the key in the key store */
	uint32_t key_len;      /* keys of 4 GiB or more are refused */
	uint32_t hash_low;     /* the low half of the key's hash */
	char head[ENTRY_HEAD]; /* the key's first bytes (all of it when it is short) */
};
_Static_assert(sizeof(struct entry) == 32, "an entry is half a cache line");

struct table {
	size_t value_size;
	struct entry *entries;
	size_t count, entries_cap;
	char *values;
	size_t values_cap; /* in entries */
	char *keys;
	size_t keys_len, keys_cap;
	uint64_t *slots; /* entry index + 1 in the low 32 bits (0 = empty), the high 32 bits
			  * of its hash above, so that a probe rarely reads an entry */
	size_t nslots;   /* power of two */
	bool large;      /* table_new_large: grown in huge pages */
};

uint64_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	uint64_t tail = 0;
	if (len) /* data may be NULL for an empty key */
		memcpy(&tail, p, len);
	h = (h ^ tail) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

struct table *table_new(size_t value_size)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->value_size = value_size;
	t->nslots = 64;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	return t;
}

struct table *table_new_large(size_t value_size)
{
	struct table *t = table_new(value_size);
	t->large = true;
	return t;
}

/* Grows one of the table's arrays. */
static void grow(const struct table *t, void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	if (t->large)
		xgrow_large(ptr, cap, need, elem_size);
	else
		xgrow(ptr, cap, need, elem_size);
}

/* Frees one of the table's arrays, grown by grow to cap elements. */
static void release(const struct table *t, void *ptr, size_t cap, size_t elem_size)
{
	if (t->large)
		xfree_large(ptr, cap, elem_size);
	else
		free(ptr);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	release(t, t->entries, t->entries_cap, sizeof *t->entries);
	release(t, t->values, t->values_cap, t->value_size);
	release(t, t->keys, t->keys_cap, 1);
	release(t, t->slots, t->nslots, sizeof *t->slots);
	free(t);
}

#define SLOT_INDEX(s) ((uint32_t)(s))
#define SLOT_TAG(h) ((h) & 0xffffffff00000000ull)

static bool key_equal(const struct table *t, const struct entry *e, const void *key, size_t len)
{
	if (len <= ENTRY_HEAD)
		return len == 0 || memcmp(e->head, key, len) == 0;
	return memcmp(e->head, key, ENTRY_HEAD) == 0 &&
	       memcmp(t->keys + e->key_at + ENTRY_HEAD, (const char *)key + ENTRY_HEAD, len - ENTRY_HEAD) == 0;
}

static size_t find_slot(const struct table *t, uint64_t h, const void *key, size_t len)
{
	size_t mask = t->nslots - 1;
	uint64_t tag = SLOT_TAG(h);
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint64_t s = t->slots[i];
		if (s == 0)
			return i;
		if (SLOT_TAG(s) != tag)
			continue;
		const struct entry *e = &t->entries[SLOT_INDEX(s) - 1];
		if (e->hash_low == (uint32_t)h && e->key_len == len && key_equal(t, e, key, len))
			return i;
	}
}

/* Slots for n entries at most half full: n * 2 < nslots, a power of two. */
static void resize_slots(struct table *t, size_t n)
{
	size_t want = t->nslots;
	while (n * 2 >= want) {
		if (want > SIZE_MAX / 2 / sizeof *t->slots)
			diag_fatal(SPM_EXIT_USAGE, "out of memory");
		want *= 2;
	}
	if (want == t->nslots)
		return;
	release(t, t->slots, t->nslots, sizeof *t->slots);
	t->slots = t->large ? xcalloc_huge(want, sizeof *t->slots) : xcalloc(want, sizeof *t->slots);
	t->nslots = want;
	size_t mask = t->nslots - 1;
	/* the keys hashed again in order (entries and keys are read straight through); the
	 * slots are scattered, so each is fetched AHEAD keys before it is filled */
	enum { AHEAD = 8 };
	uint64_t ahead[AHEAD];
	for (size_t e = 0; e < t->count + AHEAD; e++) {
		if (e >= AHEAD) { /* entry e - AHEAD, whose slot was fetched then */
			uint64_t h = ahead[e % AHEAD];
			size_t i = (size_t)h & mask;
			while (t->slots[i])
				i = (i + 1) & mask;
			t->slots[i] = SLOT_TAG(h) | (uint64_t)(e - AHEAD + 1);
		}
		if (e < t->count) {
			const struct entry *x = &t->entries[e];
			uint64_t h = hash_bytes(t->keys + x->key_at, x->key_len);
			__builtin_prefetch(&t->slots[(size_t)h & mask]);
			ahead[e % AHEAD] = h;
		}
	}
}

size_t table_index(const struct table *t, const void *key, size_t len)
{
	size_t i = find_slot(t, hash_bytes(key, len), key, len);
	return t->slots[i] ? (size_t)(SLOT_INDEX(t->slots[i]) - 1) : SIZE_MAX;
}

void *table_find(const struct table *t, const void *key, size_t len)
{
	size_t e = table_index(t, key, len);
	return e == SIZE_MAX ? NULL : t->values + e * t->value_size;
}

uint64_t table_hash_ahead(const struct table *t, const void *key, size_t len)
{
	uint64_t h = hash_bytes(key, len);
	__builtin_prefetch(&t->slots[(size_t)h & (t->nslots - 1)]);
	return h;
}

size_t table_guess_ahead(const struct table *t, uint64_t h)
{
	/* the first few slots of the probe: a key not at its home is most often next to it,
	 * in the cache line just fetched */
	size_t mask = t->nslots - 1;
	for (size_t i = (size_t)h & mask, probes = 0; probes < 4; i = (i + 1) & mask, probes++) {
		uint64_t s = t->slots[i];
		if (s == 0)
			return SIZE_MAX;
		if (SLOT_TAG(s) == SLOT_TAG(h)) {
			__builtin_prefetch(&t->entries[SLOT_INDEX(s) - 1]);
			return (size_t)(SLOT_INDEX(s) - 1);
		}
	}
	return SIZE_MAX;
}

void table_key_ahead(const struct table *t, size_t i)
{
	if (i < t->count && t->entries[i].key_len > ENTRY_HEAD)
		__builtin_prefetch(t->keys + t->entries[i].key_at + ENTRY_HEAD);
}

size_t table_intern(struct table *t, const void *key, size_t len, bool *created)
{
	return table_intern_hashed(t, hash_bytes(key, len), key, len, created);
}

size_t table_intern_hashed(struct table *t, uint64_t h, const void *key, size_t len, bool *created)
{
	size_t i = find_slot(t, h, key, len);
	if (t->slots[i]) {
		if (created)
			*created = false;
		return (size_t)(SLOT_INDEX(t->slots[i]) - 1);
	}
	if (t->count >= UINT32_MAX - 1)
		diag_fatal(SPM_EXIT_USAGE, "too many groups");
	size_t e = t->count;
	grow(t, (void **)&t->entries, &t->entries_cap, e + 1, sizeof *t->entries);
	if (t->value_size) { /* zeroed here, not on growth: reserved room stays untouched */
		grow(t, (void **)&t->values, &t->values_cap, e + 1, t->value_size);
		memset(t->values + e * t->value_size, 0, t->value_size);
	}
	if (len >= SIZE_MAX - t->keys_len)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	if (len > UINT32_MAX)
		diag_fatal(SPM_EXIT_USAGE, "a name or value of 4 GiB or more");
	/* + 1: the key store exists even when every key so far is empty (table_key's
	 * pointer is then never NULL + 0). */
	grow(t, (void **)&t->keys, &t->keys_cap, t->keys_len + len + 1, 1);
	if (len)
		memcpy(t->keys + t->keys_len, key, len);
	t->entries[e] = (struct entry){ t->keys_len, (uint32_t)len, (uint32_t)h, { 0 } };
	if (len)
		memcpy(t->entries[e].head, key, len < ENTRY_HEAD ? len : ENTRY_HEAD);
	t->keys_len += len;
	t->count++;
	t->slots[i] = SLOT_TAG(h) | (uint64_t)(e + 1);
	if (t->count * 2 >= t->nslots)
		resize_slots(t, t->count);
	if (created)
		*created = true;
	return e;
}

void *table_upsert(struct table *t, const void *key, size_t len, bool *created)
{
	size_t e = table_intern(t, key, len, created); /* first: it may move the values */
	return t->values + e * t->value_size;
}

void table_reserve(struct table *t, size_t n)
{
	resize_slots(t, n);
	grow(t, (void **)&t->entries, &t->entries_cap, n, sizeof *t->entries);
	if (t->value_size)
		grow(t, (void **)&t->values, &t->values_cap, n, t->value_size);
}

size_t table_count(const struct table *t)
{
	return t->count;
}

const void *table_key(const struct table *t, size_t i, size_t *len)
{
	*len = t->entries[i].key_len;
	return t->keys + t->entries[i].key_at;
}

void table_prefetch(const struct table *t, size_t i, bool key)
{
	if (key)
		__builtin_prefetch(t->keys + t->entries[i].key_at);
	else
		__builtin_prefetch(&t->entries[i]);
}

void *table_value(const struct table *t, size_t i)
{
	return t->values + i * t->value_size;
}

int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}
