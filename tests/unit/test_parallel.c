/* Unit tests for src/lib/parallel.c: every task runs once with its own argument, and
 * ranges cover their items once, and pieces made by several threads are written strictly
 * in turn whatever their speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "parallel.h"

struct counted {
	size_t index;
	int runs;
	pthread_t thread;
};

static void count_run(void *arg)
{
	struct counted *c = arg;
	c->runs++;
	c->thread = pthread_self();
}

static void test_each_task_once(void **state)
{
	(void)state;
	struct counted c[5];
	memset(c, 0, sizeof c);
	parallel_each(c, 5, sizeof c[0], count_run);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(c[i].runs, 1);
	assert_true(pthread_equal(c[0].thread, pthread_self())); /* task 0 on the caller's */
	for (size_t i = 1; i < 5; i++)
		assert_false(pthread_equal(c[i].thread, pthread_self()));
	parallel_each(c, 0, sizeof c[0], count_run); /* nothing to do: nothing run */
	assert_int_equal(c[0].runs, 1);
}

static void mark_range(void *ctx, size_t lo, size_t hi)
{
	int *seen = ctx;
	for (size_t i = lo; i < hi; i++)
		seen[i]++; /* ranges are disjoint: no two threads touch one item */
}

static void count_calls(void *ctx, size_t lo, size_t hi)
{
	(void)lo, (void)hi;
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_RELAXED);
}

static void test_ranges_cover_once(void **state)
{
	(void)state;
	static int seen[1000];
	for (size_t threads = 1; threads <= 4; threads++) {
		memset(seen, 0, sizeof seen);
		parallel_ranges(1000, 10, threads, seen, mark_range);
		for (size_t i = 0; i < 1000; i++)
			assert_int_equal(seen[i], 1);
	}
	int calls = 0; /* 99 items, a thread for each 100: one range, one call */
	parallel_ranges(99, 100, 4, &calls, count_calls);
	assert_int_equal(calls, 1);
	calls = 0; /* 250 items: n / 100 + 1 = 3 threads, not 4 */
	parallel_ranges(250, 100, 4, &calls, count_calls);
	assert_int_equal(calls, 3);
	calls = 0; /* nothing to do: one empty range */
	parallel_ranges(0, 100, 4, &calls, count_calls);
	assert_int_equal(calls, 1);
}

/* Threads writing pieces t, t + n, t + 2n ... into a shared log, in turn. */
#define PIECES 60
struct writer {
	struct turns *turns;
	size_t first, step;
	int *log;
	size_t *logged;
};

static void write_pieces(void *arg)
{
	struct writer *w = arg;
	for (size_t piece = w->first; piece < PIECES; piece += w->step) {
		/* uneven work: later threads are slower, so pieces come ready out of order */
		struct timespec nap = { 0, (long)(w->first * 20000 + piece % 3 * 10000) };
		nanosleep(&nap, NULL);
		turns_wait(w->turns, piece);
		w->log[(*w->logged)++] = (int)piece; /* only the piece whose turn it is writes */
		turns_pass(w->turns);
	}
}

static void test_turns_in_order(void **state)
{
	(void)state;
	for (size_t nthreads = 1; nthreads <= 4; nthreads++) {
		struct turns turns;
		turns_init(&turns);
		int log[PIECES];
		size_t logged = 0;
		struct writer w[4];
		for (size_t t = 0; t < nthreads; t++)
			w[t] = (struct writer){ &turns, t, nthreads, log, &logged };
		parallel_each(w, nthreads, sizeof w[0], write_pieces);
		assert_int_equal(logged, PIECES);
		for (int i = 0; i < PIECES; i++)
			assert_int_equal(log[i], i);
		turns_destroy(&turns);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_task_once),
		cmocka_unit_test(test_turns_in_order),
		cmocka_unit_test(test_ranges_cover_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
