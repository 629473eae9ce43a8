/* Unit tests for src/lib/arena.c: huge blocks (aligned, zeroed, grown with their contents),
 * arrays grown past 2 MiB, and arenas (texts intact across blocks, alignment, a large
 * allocation's own block, in-place resizing of the last allocation, zeroed calloc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

enum { MIB = 1024 * 1024 };

static void test_huge_blocks(void **state)
{
	(void)state;
	assert_int_equal(huge_size(1), 2 * MIB);
	assert_int_equal(huge_size(2 * MIB), 2 * MIB);
	assert_int_equal(huge_size(2 * MIB + 1), 4 * MIB);
	unsigned char *p = huge_alloc(3 * MIB);
	assert_int_equal((uintptr_t)p % (2 * MIB), 0);
	for (size_t i = 0; i < 4 * MIB; i += 4096)
		assert_int_equal(p[i], 0);
	for (size_t i = 0; i < 3 * MIB; i++)
		p[i] = (unsigned char)(i * 7);
	p = huge_grow(p, 3 * MIB, 9 * MIB);
	assert_int_equal((uintptr_t)p % (2 * MIB), 0);
	for (size_t i = 0; i < 3 * MIB; i++)
		if (p[i] != (unsigned char)(i * 7))
			fail_msg("byte %zu lost in growth", i);
	for (size_t i = 4 * MIB; i < 10 * MIB; i += 4096) /* the new room */
		assert_int_equal(p[i], 0);
	p[10 * MIB - 1] = 1;
	huge_free(p, 9 * MIB);
	huge_free(NULL, 0);
}

static void test_growing_array(void **state)
{
	(void)state;
	enum { N = 1000000 }; /* 8 MB of size_t: from malloc into huge blocks */
	size_t *v = NULL, cap = 0;
	for (size_t i = 0; i < N; i++) {
		xgrow_large((void **)&v, &cap, i + 1, sizeof *v);
		v[i] = i * 3;
	}
	assert_true(cap >= N);
	for (size_t i = 0; i < N; i++)
		if (v[i] != i * 3)
			fail_msg("element %zu is %zu", i, v[i]);
	xfree_large(v, cap, sizeof *v);

	size_t *zeroed = xcalloc_huge(N, sizeof *zeroed);
	for (size_t i = 0; i < N; i += 512)
		assert_int_equal(zeroed[i], 0);
	xfree_large(zeroed, N, sizeof *zeroed);
	size_t *small = xcalloc_huge(10, sizeof *small); /* malloc's */
	assert_int_equal(small[9], 0);
	xfree_large(small, 10, sizeof *small);
}

/* From 128 KiB an array is a huge block of its own (2 MiB aligned), grown with its
 * contents from malloc into it; below, malloc's. */
static void test_array_huge_from_128k(void **state)
{
	(void)state;
	enum { KIB = 1024 };
	char *v = NULL;
	size_t cap = 0;
	xgrow_large((void **)&v, &cap, 100 * KIB, 1);
	memset(v, 'x', 100 * KIB);
	xgrow_large((void **)&v, &cap, 300 * KIB, 1);
	if (arena_packs()) /* not under ASan: every array in malloc there */
		assert_int_equal((uintptr_t)v % (2 * MIB), 0);
	for (size_t i = 0; i < 100 * KIB; i++)
		if (v[i] != 'x')
			fail_msg("byte %zu is %d", i, v[i]);
	xfree_large(v, cap, 1);
	char *z = xcalloc_huge(128 * KIB, 1);
	if (arena_packs())
		assert_int_equal((uintptr_t)z % (2 * MIB), 0);
	assert_int_equal(z[128 * KIB - 1], 0);
	memset(z, 'y', 128 * KIB);
	xrelease_large(z, 128 * KIB, 1, 0, 64 * KIB); /* a huge block's pages given back: zeros */
	assert_int_equal(z[0], arena_packs() ? 0 : 'y');
	assert_int_equal(z[64 * KIB], 'y');
	xfree_large(z, 128 * KIB, 1);
}

static void test_arena_texts(void **state)
{
	(void)state;
	enum { N = 300000 }; /* several blocks */
	struct arena a = { 0 };
	char **s = calloc(N, sizeof *s);
	assert_non_null(s);
	for (size_t i = 0; i < N; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "owner %zu", i);
		s[i] = arena_memdup0(&a, buf, (size_t)n);
	}
	for (size_t i = 0; i < N; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "owner %zu", i);
		assert_string_equal(s[i], buf);
	}
	assert_string_equal(arena_memdup0(&a, "", 0), "");
	assert_string_equal(arena_strdup(&a, "Enterprise East"), "Enterprise East");
	free(s);
	arena_free(&a);
	assert_null(a.block);
	arena_free(&a); /* an empty arena again */
}

static void test_arena_objects(void **state)
{
	(void)state;
	struct arena a = { 0 };
	arena_memdup0(&a, "x", 1); /* the next allocation is not aligned by chance */
	for (int i = 0; i < 100; i++) {
		void *p = arena_alloc(&a, (size_t)i * 3 + 1);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	/* a large allocation: a block of its own; the current block keeps its room */
	char *before = arena_alloc(&a, 16);
	char *big = arena_alloc(&a, 3 * MIB);
	memset(big, 1, 3 * MIB);
	char *after = arena_alloc(&a, 16);
	if (arena_packs())
		assert_ptr_equal(after, before + 16);

	/* the last allocation grows and shrinks in place; an earlier one is copied */
	int *v = arena_resize(&a, NULL, 0, 4 * sizeof *v);
	for (int i = 0; i < 4; i++)
		v[i] = i;
	int *w = arena_resize(&a, v, 4 * sizeof *v, 8 * sizeof *v);
	if (arena_packs())
		assert_ptr_equal(w, v);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w[i], i);
	int *u = arena_resize(&a, w, 8 * sizeof *v, 5 * sizeof *v);
	assert_ptr_equal(u, w); /* shrunk in place */
	w = u;
	int *other = arena_alloc(&a, 8);
	memset(other, 0xff, 8);
	int *moved = arena_resize(&a, w, 5 * sizeof *v, 16 * sizeof *v);
	assert_ptr_not_equal(moved, w);
	for (int i = 0; i < 4; i++)
		assert_int_equal(moved[i], i);
	/* room given back is zeroed again by calloc */
	char *t = arena_resize(&a, NULL, 0, 64);
	memset(t, 0xff, 64);
	arena_resize(&a, t, 64, 0);
	unsigned char *z = arena_calloc(&a, 8, 8);
	for (int i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_blocks),
		cmocka_unit_test(test_array_huge_from_128k),
		cmocka_unit_test(test_growing_array),
		cmocka_unit_test(test_arena_texts),
		cmocka_unit_test(test_arena_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
