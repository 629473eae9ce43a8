/* Group-by tables: a hash map from byte-string keys to fixed-size, zeroed value slots.
 * Memory grows with the number of distinct keys (groups), never with the rows read. */
#ifndef SPM_TABLE_H
#define SPM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct table;

struct table *table_new(size_t value_size);
/* The same for a table of hundreds of thousands of keys (a report's index of rows): its
 * arrays grow in huge pages (xgrow_large). */
struct table *table_new_large(size_t value_size);
void table_free(struct table *t);

/* The value of key, created zeroed if absent (*created tells which). */
void *table_upsert(struct table *t, const void *key, size_t len, bool *created);
void *table_find(const struct table *t, const void *key, size_t len);
/* The same by index in insertion order: interning keys (a table of value size 0 holds
 * keys alone); table_index is SIZE_MAX for an absent key. */
size_t table_intern(struct table *t, const void *key, size_t len, bool *created);
/* The key's hash, its slot fetched meanwhile: a caller with work to do before it interns
 * the key (a row's other fields) hides the cache miss of a large table; then
 * table_intern_hashed with that hash (the hash stays right whatever the table does in
 * between; the fetch is only a hint). */
uint64_t table_hash_ahead(const struct table *t, const void *key, size_t len);
size_t table_intern_hashed(struct table *t, uint64_t h, const void *key, size_t len, bool *created);
/* The second step of the same hint, once the slot has come: the entry the slot names for
 * hash h is fetched, and its index returned, a guess (SIZE_MAX: none) that
 * table_intern_hashed confirms or not: a caller may fetch what the index leads to. */
size_t table_guess_ahead(const struct table *t, uint64_t h);
/* The third step, once entry i has come: the key's bytes past those the entry holds (all a
 * lookup reads beyond the slot and the entry) are fetched. */
void table_key_ahead(const struct table *t, size_t i);
size_t table_index(const struct table *t, const void *key, size_t len);
/* Room for n keys without growing (a table about to take many keys: no rehashing). */
void table_reserve(struct table *t, size_t n);

/* Entries in insertion order, 0 .. table_count()-1. */
size_t table_count(const struct table *t);
const void *table_key(const struct table *t, size_t i, size_t *len);
/* A hint that entry i (key false) or its key bytes (key true, the entry read) are wanted
 * soon: a walk in another order than the table's (byte order) hides the cache misses. */
void table_prefetch(const struct table *t, size_t i, bool key);
void *table_value(const struct table *t, size_t i);

uint64_t hash_bytes(const void *data, size_t len);

/* A short text as three words read with loads that overlap (no copy of each byte): its
 * first 8 bytes, bytes 8..15, its last 8 (zeros past a shorter text). With the length,
 * they are the text exactly up to TEXT_WORDS_EXACT bytes; a longer one only begins and
 * ends so. A memo keyed by them compares three words, not the bytes. */
#define TEXT_WORDS_EXACT 24
static inline void text_words(const char *s, size_t len, uint64_t w[3])
{
	uint64_t a = 0, b = 0, c = 0;
	if (len >= 8) {
		__builtin_memcpy(&a, s, 8);
		__builtin_memcpy(&b, s + len - 8, 8);
		if (len > 16)
			__builtin_memcpy(&c, s + 8, 8);
	} else if (len >= 4) {
		uint32_t x, y;
		__builtin_memcpy(&x, s, 4);
		__builtin_memcpy(&y, s + len - 4, 4);
		a = (uint64_t)x << 32 | y;
	} else if (len > 0) {
		a = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[len / 2] << 8 |
		    (unsigned char)s[len - 1];
	}
	w[0] = a;
	w[1] = b;
	w[2] = c;
}

/* A hash of text_words and the length, its top bits well mixed. */
static inline uint64_t text_words_hash(const uint64_t w[3], size_t len)
{
	uint64_t h = (w[0] * 0x9e3779b97f4a7c15ull) ^ ((w[1] + len) * 0xc2b2ae3d27d4eb4full) ^ w[2];
	return h * 0xff51afd7ed558ccdull;
}
/* Byte order of two byte strings (a shorter prefix first): how spm sorts owners. */
int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen);

#endif
