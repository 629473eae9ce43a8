/* Memory in huge pages for the big things a run grows: arrays of rows that reach hundreds
 * of megabytes, and arenas of many small texts. In 4 KiB pages each page faults once when
 * first written (a quarter of spm-report's time at 50,000 owners); a 2 MiB page faults
 * once for 512 of them. The kernel is asked (madvise), and may refuse: then small pages. */
#ifndef SPM_ARENA_H
#define SPM_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* ---- blocks: whole 2 MiB pages, zeroed, mapped apart from malloc ---- */

/* round_up(bytes, 2 MiB): what a block of bytes takes. */
size_t huge_size(size_t bytes);
/* A zeroed block of huge_size(bytes), 2 MiB aligned; out of memory is fatal. */
void *huge_alloc(size_t bytes);
/* The block moved or extended to new_bytes (more than old_bytes): its pages are moved,
 * not copied; the new room is zeroed. */
void *huge_grow(void *p, size_t old_bytes, size_t new_bytes);
/* Frees a block of bytes (as given to huge_alloc or huge_grow); NULL is nothing. */
void huge_free(void *p, size_t bytes);

/* ---- arrays that grow to megabytes ---- */

/* Grows *ptr (of *cap elements of elem_size) to hold at least need, doubling, as xgrow;
 * from 128 KiB on, in a huge block (the room past the rows read is zeroed). Freed only with
 * xfree_large and the same cap and elem_size. */
void xgrow_large(void **ptr, size_t *cap, size_t need, size_t elem_size);
/* count zeroed elements: a huge block from 128 KiB on. Freed with xfree_large(count). */
void *xcalloc_huge(size_t count, size_t elem_size);
void xfree_large(void *ptr, size_t cap, size_t elem_size);
/* The bytes of such an array below `to` are done with (a walk that frees what it has
 * read): the whole pages from the one holding byte `from` up to `to` are given back (read
 * again, they would be zeros). Arrays in malloc keep theirs. */
void xrelease_large(void *ptr, size_t cap, size_t elem_size, size_t from, size_t to);

/* ---- arenas: many small allocations, freed at once ---- */

struct arena_block;

struct arena {
	struct arena_block *block; /* the newest; each links to the one before */
	char *at;                  /* the free room of the newest block */
	size_t left;
};

/* Whether allocations share blocks (and grow in place): not under AddressSanitizer, where
 * each is a malloc of its own so that its bounds are checked. */
bool arena_packs(void);
/* A zeroed struct arena is an empty arena; arena_free empties it again. */
void arena_free(struct arena *a);
/* size bytes aligned for any object, living until arena_free; out of memory is fatal. */
void *arena_alloc(struct arena *a, size_t size);
/* p (of old_size, from this arena, or NULL) with room for new_size: the arena's last
 * allocation grows or shrinks in place; another grows by a copy (its old room stays
 * unused until arena_free) and does not shrink. */
void *arena_resize(struct arena *a, void *p, size_t old_size, size_t new_size);
/* count objects of size, zeroed (count * size checked). */
void *arena_calloc(struct arena *a, size_t count, size_t size);
/* A copy of len bytes of s and a NUL. */
char *arena_memdup0(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);

#endif
