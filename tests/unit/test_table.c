/* Unit tests for src/lib/table.c: upsert/find, zeroed values, insertion order, growth to
 * 100,000 keys (200,000 in a table_new_large), binary keys (NUL bytes, the empty key) and hash_bytes stability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"

struct totals {
	long count;
	long sum;
	char tag[13]; /* an odd size, so values are not all nicely aligned multiples */
};

static void *upsert_str(struct table *t, const char *key, bool *created)
{
	return table_upsert(t, key, strlen(key), created);
}

static void *find_str(const struct table *t, const char *key)
{
	return table_find(t, key, strlen(key));
}

static void assert_zeroed(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			fail_msg("byte %zu of a new value is %u, not 0", i, b[i]);
}

static void test_upsert_and_find(void **state)
{
	(void)state;
	struct table *t = table_new(sizeof(struct totals));
	bool created = false;
	assert_int_equal(table_count(t), 0);
	assert_null(find_str(t, "alice"));

	struct totals *a = upsert_str(t, "alice", &created);
	assert_non_null(a);
	assert_true(created);
	a->count = 1;
	a->sum = 100;

	struct totals *b = upsert_str(t, "bob", &created);
	assert_true(created);
	assert_ptr_not_equal(a, b);
	b->count = 2;

	/* Upserting an existing key returns its value, not a new one. */
	struct totals *again = upsert_str(t, "alice", &created);
	assert_false(created);
	assert_int_equal(again->count, 1);
	assert_int_equal(again->sum, 100);
	again->sum += 50;

	struct totals *found = find_str(t, "alice");
	assert_non_null(found);
	assert_int_equal(found->sum, 150);
	assert_int_equal(((struct totals *)find_str(t, "bob"))->count, 2);
	assert_null(find_str(t, "carol"));
	assert_null(find_str(t, "Alice")); /* keys are bytes: case matters */
	assert_null(find_str(t, "alic"));
	assert_null(find_str(t, "alicee"));
	assert_int_equal(table_count(t), 2);

	/* created may be NULL. */
	struct totals *c = upsert_str(t, "carol", NULL);
	assert_non_null(c);
	assert_int_equal(table_count(t), 3);
	assert_ptr_equal(upsert_str(t, "carol", NULL), find_str(t, "carol"));
	table_free(t);
	table_free(NULL); /* like free(NULL) */
}

static void test_values_zeroed(void **state)
{
	(void)state;
	struct table *t = table_new(sizeof(struct totals));
	char key[32];
	/* Dirty every value, across several growths of the value store, and check each new
	 * value still starts zeroed. */
	for (int i = 0; i < 5000; i++) {
		bool created = false;
		snprintf(key, sizeof key, "k%d", i);
		struct totals *v = upsert_str(t, key, &created);
		assert_true(created);
		assert_zeroed(v, sizeof *v);
		memset(v, 0xA5, sizeof *v);
	}
	/* Values of an odd size (1 byte, 3 bytes) are zeroed too. */
	struct table *small = table_new(3);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "%d", i);
		unsigned char *v = upsert_str(small, key, NULL);
		assert_zeroed(v, 3);
		memset(v, 0xff, 3);
	}
	unsigned char *v = find_str(small, "299");
	assert_int_equal(v[0], 0xff);
	assert_int_equal(v[2], 0xff);
	table_free(small);
	table_free(t);
}

static void test_insertion_order(void **state)
{
	(void)state;
	static const char *const keys[] = { "zeta", "alpha", "mu", "beta", "omega", "a", "" };
	size_t n = sizeof keys / sizeof keys[0];
	struct table *t = table_new(sizeof(int));
	for (size_t i = 0; i < n; i++)
		*(int *)upsert_str(t, keys[i], NULL) = (int)i * 10;
	/* Upserting old keys again does not move them. */
	upsert_str(t, "alpha", NULL);
	upsert_str(t, "zeta", NULL);
	assert_int_equal(table_count(t), n);
	for (size_t i = 0; i < n; i++) {
		size_t len = 99;
		const char *k = table_key(t, i, &len);
		assert_int_equal(len, strlen(keys[i]));
		assert_memory_equal(k, keys[i], len);
		assert_int_equal(*(int *)table_value(t, i), (int)i * 10);
		assert_ptr_equal(table_value(t, i), find_str(t, keys[i]));
	}
	table_free(t);
}

/* The same with a table made by table_new or table_new_large (its arrays past 2 MiB in
 * huge blocks: 200,000 keys take it there). */
static void many_keys(struct table *t, long N)
{
	char key[32];
	for (long i = 0; i < N; i++) {
		bool created = false;
		int len = snprintf(key, sizeof key, "rep-%ld", i * 7919);
		long *v = table_upsert(t, key, (size_t)len, &created);
		assert_true(created);
		assert_int_equal(*v, 0);
		*v = i;
		/* Pointers move when the store grows: the value found now is the one just set. */
		if (i % 9973 == 0)
			assert_int_equal(*(long *)table_find(t, key, (size_t)len), i);
	}
	assert_int_equal(table_count(t), N);
	/* A second pass: every key is found with its value, nothing is created. */
	for (long i = 0; i < N; i++) {
		bool created = true;
		int len = snprintf(key, sizeof key, "rep-%ld", i * 7919);
		long *v = table_upsert(t, key, (size_t)len, &created);
		assert_false(created);
		assert_int_equal(*v, i);
		*v += 1;
	}
	assert_int_equal(table_count(t), N);
	/* Order of insertion survives the rehashes. */
	for (long i = 0; i < N; i += 997) {
		size_t len;
		const char *k = table_key(t, (size_t)i, &len);
		int want = snprintf(key, sizeof key, "rep-%ld", i * 7919);
		assert_int_equal(len, (size_t)want);
		assert_memory_equal(k, key, len);
		assert_int_equal(*(long *)table_value(t, (size_t)i), i + 1);
	}
	/* Absent keys are still absent. */
	for (long i = 0; i < 1000; i++) {
		int len = snprintf(key, sizeof key, "rep-%ld", i * 7919 + 1);
		assert_null(table_find(t, key, (size_t)len));
	}
	table_free(t);
}

static void test_many_keys(void **state)
{
	(void)state;
	many_keys(table_new(sizeof(long)), 100000);
}

static void test_many_keys_large(void **state)
{
	(void)state;
	many_keys(table_new_large(sizeof(long)), 200000);
}

static void test_binary_keys(void **state)
{
	(void)state;
	struct table *t = table_new(sizeof(int));
	bool created = false;
	/* The empty key is a key like any other, first or not. */
	int *empty = table_upsert(t, "", 0, &created);
	assert_true(created);
	*empty = 7;
	assert_non_null(table_find(t, "", 0));
	assert_int_equal(*(int *)table_find(t, "x", 0), 7); /* len 0: the bytes do not matter */
	table_upsert(t, "", 0, &created);
	assert_false(created);

	/* Keys that differ only after a NUL byte, or by a trailing NUL, are distinct. */
	static const char k1[] = { 'a', '\0', 'b' };
	static const char k2[] = { 'a', '\0', 'c' };
	static const char k3[] = { 'a', '\0' };
	static const char k4[] = { '\0' };
	*(int *)table_upsert(t, k1, sizeof k1, &created) = 1;
	assert_true(created);
	*(int *)table_upsert(t, k2, sizeof k2, &created) = 2;
	assert_true(created);
	*(int *)table_upsert(t, k3, sizeof k3, &created) = 3;
	assert_true(created);
	*(int *)table_upsert(t, "a", 1, &created) = 4;
	assert_true(created);
	*(int *)table_upsert(t, k4, sizeof k4, &created) = 5;
	assert_true(created);
	assert_int_equal(table_count(t), 6);
	assert_int_equal(*(int *)table_find(t, k1, sizeof k1), 1);
	assert_int_equal(*(int *)table_find(t, k2, sizeof k2), 2);
	assert_int_equal(*(int *)table_find(t, k3, sizeof k3), 3);
	assert_int_equal(*(int *)table_find(t, "a", 1), 4);
	assert_int_equal(*(int *)table_find(t, k4, sizeof k4), 5);
	assert_int_equal(*(int *)table_find(t, "", 0), 7);
	size_t len;
	const char *k = table_key(t, 1, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(k, k1, 3);
	table_key(t, 0, &len);
	assert_int_equal(len, 0);
	table_free(t);

	/* A table whose only key is empty (regression: the key store stayed NULL and was
	 * passed to memcmp). The empty key may be given as NULL. */
	t = table_new(sizeof(int));
	assert_null(table_find(t, "", 0));
	*(int *)table_upsert(t, NULL, 0, NULL) = 9;
	table_upsert(t, "", 0, &created);
	assert_false(created);
	assert_int_equal(*(int *)table_find(t, NULL, 0), 9);
	table_key(t, 0, &len);
	assert_int_equal(len, 0);
	table_free(t);

	/* Long keys, all bytes 0..255. */
	t = table_new(1);
	unsigned char big[4096];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)i;
	table_upsert(t, big, sizeof big, &created);
	assert_true(created);
	big[4095] ^= 1;
	assert_null(table_find(t, big, sizeof big));
	big[4095] ^= 1;
	assert_non_null(table_find(t, big, sizeof big));
	assert_null(table_find(t, big, sizeof big - 1));
	table_free(t);
}

static void test_guess_ahead(void **state)
{
	(void)state;
	/* the guess is the key's index when its slot is its first probe; never an index
	 * the table does not have; SIZE_MAX for a key absent from an empty slot */
	struct table *t = table_new(0);
	char key[32];
	size_t right = 0;
	for (int k = 0; k < 1000; k++) {
		int n = snprintf(key, sizeof key, "owner %d", k);
		assert_int_equal(table_intern(t, key, (size_t)n, NULL), (size_t)k);
	}
	for (int k = 0; k < 1000; k++) {
		int n = snprintf(key, sizeof key, "owner %d", k);
		size_t guess = table_guess_ahead(t, hash_bytes(key, (size_t)n));
		assert_true(guess == SIZE_MAX || guess < table_count(t));
		right += guess == (size_t)k;
	}
	assert_true(right > 500); /* slots at most half full: most keys sit at their first probe */
	struct table *empty = table_new(0);
	assert_int_equal(table_guess_ahead(empty, hash_bytes("x", 1)), SIZE_MAX);
	table_free(empty);
	table_free(t);
}

static void test_hash_bytes(void **state)
{
	(void)state;
	/* Stable: the same bytes give the same hash, wherever they are in memory. */
	char a[] = "alice@example.com";
	char b[64];
	memcpy(b + 3, a, sizeof a);
	assert_true(hash_bytes(a, strlen(a)) == hash_bytes(b + 3, strlen(a)));
	assert_true(hash_bytes("", 0) == hash_bytes("x", 0));
	assert_true(hash_bytes(NULL, 0) == hash_bytes("", 0)); /* an empty key may be NULL */
	/* Pinned values (x86-64, gcc and clang, any -O): outputs never depend on the hash,
	 * which only places keys in slots, but a change here should be deliberate. On a
	 * big-endian machine the words read differ and these values would too. */
	uint64_t h8 = hash_bytes("abcdefgh", 8);
	uint64_t h9 = hash_bytes("abcdefghi", 9);
	assert_int_equal(hash_bytes("", 0), 0xa3f46e79293b578ull);
	assert_int_equal(hash_bytes("a", 1), 0x939b6fa9740d20c2ull);
	assert_int_equal(h8, 0x4ff42e1b35cb0a9dull);
	assert_int_equal(h9, 0x636240e0f33b090bull);
	/* Length, trailing NUL bytes and every byte count. */
	assert_true(hash_bytes("a", 1) != hash_bytes("a\0", 2));
	assert_true(hash_bytes("\0", 1) != hash_bytes("", 0));
	assert_true(hash_bytes("\0\0\0\0\0\0\0\0", 8) != hash_bytes("\0\0\0\0\0\0\0", 7));
	assert_true(hash_bytes("ab", 2) != hash_bytes("ba", 2));
	assert_true(h8 != h9);
	/* Few collisions over similar keys (a weak hash would collide a lot). */
	enum { N = 20000 };
	static uint64_t seen[N];
	char key[32];
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof key, "owner-%05d", i);
		seen[i] = hash_bytes(key, (size_t)len);
	}
	int collisions = 0;
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N && j < i + 64; j++)
			collisions += seen[i] == seen[j];
	assert_int_equal(collisions, 0);
	/* Low bits (used for the slot) spread: every one of 256 buckets is hit. */
	int buckets[256] = { 0 };
	for (int i = 0; i < N; i++)
		buckets[seen[i] & 255]++;
	for (int i = 0; i < 256; i++)
		assert_true(buckets[i] > 0);
}

/* text_words: with the length, every text of 1 to 24 bytes is its own three words (a byte
 * changed anywhere changes them); past 24, the first 16 and last 8 bytes count. */
static void test_text_words(void **state)
{
	(void)state;
	char text[40], other[40];
	for (size_t len = 1; len <= 32; len++) {
		for (size_t k = 0; k < len; k++)
			text[k] = (char)('a' + (k * 7) % 26);
		uint64_t w[3], v[3];
		text_words(text, len, w);
		for (size_t at = 0; at < len; at++)
			for (int bit = 0; bit < 8; bit++) {
				memcpy(other, text, len);
				other[at] = (char)(other[at] ^ (1 << bit));
				text_words(other, len, v);
				bool same = w[0] == v[0] && w[1] == v[1] && w[2] == v[2];
				if (len <= TEXT_WORDS_EXACT || at < 16 || at >= len - 8)
					assert_false(same);
				else
					assert_true(same); /* the middle of a long text: the caller compares its bytes */
			}
		/* the same bytes read from elsewhere: the same words and hash */
		memcpy(other + 3, text, len);
		text_words(other + 3, len, v);
		assert_memory_equal(w, v, sizeof w);
		assert_true(text_words_hash(w, len) == text_words_hash(v, len));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_words),
		cmocka_unit_test(test_upsert_and_find),
		cmocka_unit_test(test_values_zeroed),
		cmocka_unit_test(test_insertion_order),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_many_keys_large),
		cmocka_unit_test(test_binary_keys),
		cmocka_unit_test(test_guess_ahead),
		cmocka_unit_test(test_hash_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
