/* Huge blocks are mmap'd apart from malloc (whose realloc would move a block to small pages,
 * and whose mmap threshold moves), 2 MiB aligned so that the kernel can back each 2 MiB
 * with one page. Growth moves the pages to a new aligned block with mremap: nothing is
 * copied. An arena's blocks are huge but the first; an allocation larger than a quarter of
 * a block gets a block of its own. */
#define _GNU_SOURCE /* mremap */
#include "arena.h"

#include "diag.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 * 1024 * 1024 };

/* Under AddressSanitizer every array stays in malloc and every arena allocation is a
 * malloc of its own, so that the sanitizer's red zones surround each of them (memory cut
 * from a big block is not checked). */
#if defined(__SANITIZE_ADDRESS__)
#define SPM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPM_ASAN 1
#endif
#endif
#ifdef SPM_ASAN
#define LARGE_FROM SIZE_MAX
#else
#define LARGE_FROM ((size_t)HUGE_PAGE) /* arena blocks from this size: huge pages */
#endif
/* Arrays from 128 KiB: a huge page is faulted in once, where 4 KiB pages fault 32 times
 * (at 100,000 owners, 5,100 faults a run, 3,400 of them arrays below 2 MiB; a fault costs
 * about 13 us here, a 2 MiB one about 160 us). Smaller arrays stay in malloc: a small
 * run's RSS does not grow. */
#ifdef SPM_ASAN
#define ARRAY_LARGE_FROM SIZE_MAX
#else
#define ARRAY_LARGE_FROM ((size_t)128 * 1024)
#endif

static noreturn void out_of_memory(void)
{
	diag_fatal(SPM_EXIT_USAGE, "out of memory");
}

size_t huge_size(size_t bytes)
{
	if (bytes > SIZE_MAX - HUGE_PAGE)
		out_of_memory();
	bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	return bytes ? bytes : HUGE_PAGE;
}

void *huge_alloc(size_t bytes)
{
	bytes = huge_size(bytes);
	if (bytes > SIZE_MAX - HUGE_PAGE)
		out_of_memory();
	/* a page more than asked, and the ends cut off: an aligned block */
	size_t mapped = bytes + HUGE_PAGE;
	char *m = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		out_of_memory();
	size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
	if (head)
		munmap(m, head);
	if (mapped - head > bytes)
		munmap(m + head + bytes, mapped - head - bytes);
	char *p = m + head;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
	return p;
}

void *huge_grow(void *p, size_t old_bytes, size_t new_bytes)
{
	old_bytes = huge_size(old_bytes);
	new_bytes = huge_size(new_bytes);
	if (!p)
		return huge_alloc(new_bytes);
	if (new_bytes <= old_bytes)
		return p;
	char *q = huge_alloc(new_bytes);
#ifdef MREMAP_FIXED
	/* the old pages over the start of the new block, moved whole */
	if (mremap(p, old_bytes, old_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, q) != MAP_FAILED)
		return q;
#endif
	memcpy(q, p, old_bytes);
	munmap(p, old_bytes);
	return q;
}

void huge_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, huge_size(bytes));
}

/* ---- arrays ---- */

static size_t array_bytes(size_t n, size_t elem_size)
{
	if (elem_size && n > SIZE_MAX / elem_size)
		out_of_memory();
	return n * elem_size;
}

void xgrow_large(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return;
	size_t n = grown_capacity(*cap, need);
	size_t old = array_bytes(*cap, elem_size), bytes = array_bytes(n, elem_size);
	if (bytes < ARRAY_LARGE_FROM) {
		*ptr = xreallocarray(*ptr, n, elem_size);
	} else if (old < ARRAY_LARGE_FROM) { /* from malloc to a huge block */
		void *p = huge_alloc(bytes);
		if (old)
			memcpy(p, *ptr, old);
		free(*ptr);
		*ptr = p;
	} else {
		*ptr = huge_grow(*ptr, old, bytes);
	}
	*cap = n;
}

void *xcalloc_huge(size_t count, size_t elem_size)
{
	size_t bytes = array_bytes(count, elem_size);
	return bytes < ARRAY_LARGE_FROM ? xcalloc(count, elem_size) : huge_alloc(bytes);
}

void xfree_large(void *ptr, size_t cap, size_t elem_size)
{
	size_t bytes = array_bytes(cap, elem_size);
	if (bytes < ARRAY_LARGE_FROM)
		free(ptr);
	else
		huge_free(ptr, bytes);
}

void xrelease_large(void *ptr, size_t cap, size_t elem_size, size_t from, size_t to)
{
	enum { PAGE = 4096 }; /* a huge page is split: its 4 KiB pages below `to` go */
	if (array_bytes(cap, elem_size) < ARRAY_LARGE_FROM)
		return;
	size_t lo = from / PAGE * PAGE, hi = to / PAGE * PAGE;
	if (lo < hi)
		(void)madvise((char *)ptr + lo, hi - lo, MADV_DONTNEED); /* a hint: on failure, kept */
}

/* ---- arenas ---- */

struct arena_block {
	struct arena_block *prev;
	size_t bytes; /* the whole block's: under 2 MiB from malloc, else a huge block */
	alignas(max_align_t) char room[];
};

/* The first block is small and malloc'd: a small run (most runs) faults no 2 MiB page,
 * and a run that fails leaves little behind. */
enum { ARENA_FIRST = 64 * 1024, ARENA_BLOCK = HUGE_PAGE };

static struct arena_block *block_new(size_t bytes)
{
	struct arena_block *b;
	if (bytes < LARGE_FROM) {
		b = xmalloc(bytes);
	} else {
		bytes = huge_size(bytes);
		b = huge_alloc(bytes);
	}
	b->bytes = bytes;
	return b;
}

static void block_free(struct arena_block *b)
{
	if (b->bytes < LARGE_FROM)
		free(b);
	else
		huge_free(b, b->bytes);
}

bool arena_packs(void)
{
#ifdef SPM_ASAN
	return false;
#else
	return true;
#endif
}

void arena_free(struct arena *a)
{
	for (struct arena_block *b = a->block, *prev; b; b = prev) {
		prev = b->prev;
		block_free(b);
	}
	memset(a, 0, sizeof *a);
}

/* A new block for size bytes: the current one from now on, or, for a large allocation,
 * one of its own behind it (the current one keeps its room). */
static void *arena_new_block(struct arena *a, size_t size)
{
	bool own = size > ARENA_BLOCK / 4;
	if (size > SIZE_MAX - sizeof(struct arena_block))
		out_of_memory();
#ifdef SPM_ASAN
	size_t room = 0; /* each allocation a block of its own */
#else
	size_t room = (a->block ? ARENA_BLOCK : ARENA_FIRST) - sizeof(struct arena_block);
#endif
	struct arena_block *b = block_new(sizeof(struct arena_block) + (own || size > room ? size : room));
	if (own && a->block) {
		b->prev = a->block->prev;
		a->block->prev = b;
		return b->room;
	}
	b->prev = a->block;
	a->block = b;
	a->at = b->room + size;
	a->left = b->bytes - sizeof *b - size;
	return b->room;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size_t pad = (alignof(max_align_t) - (uintptr_t)a->at % alignof(max_align_t)) % alignof(max_align_t);
	if (a->block && a->left >= pad && a->left - pad >= size) {
		char *p = a->at + pad;
		a->at = p + size;
		a->left -= pad + size;
		return p;
	}
	return arena_new_block(a, size);
}

void *arena_resize(struct arena *a, void *p, size_t old_size, size_t new_size)
{
	if (!p)
		return arena_alloc(a, new_size);
	if ((char *)p + old_size == a->at) { /* the last allocation: grown or cut in place */
		if (new_size <= old_size) {
			a->at -= old_size - new_size;
			a->left += old_size - new_size;
			return p;
		}
		if (a->left >= new_size - old_size) {
			a->at += new_size - old_size;
			a->left -= new_size - old_size;
			return p;
		}
	}
	if (new_size <= old_size)
		return p;
	void *q = arena_alloc(a, new_size);
	memcpy(q, p, old_size);
	return q;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
	size_t bytes = array_bytes(count, size);
	void *p = arena_alloc(a, bytes); /* not zero when arena_resize gave the room back */
	memset(p, 0, bytes);
	return p;
}

char *arena_memdup0(struct arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		out_of_memory();
	char *p; /* unaligned: a string needs none */
	if (a->block && a->left > len) {
		p = a->at;
		a->at += len + 1;
		a->left -= len + 1;
	} else {
		p = arena_new_block(a, len + 1);
	}
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup0(a, s, strlen(s));
}
