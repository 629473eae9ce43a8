/* Unit tests for src/lib/parallel.c: every task runs once with its own argument, and
 * pieces made by several threads are written strictly in turn whatever their speed. */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
