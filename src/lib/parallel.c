/* Work split over threads: n tasks at once, one per thread; turns to write in order. */
#include "parallel.h"

#include "diag.h"

#include <pthread.h>
#include <stdlib.h>

struct parallel_task {
	void (*task)(void *arg);
	void *arg;
};

static void *run_task(void *p)
{
	struct parallel_task *t = p;
	t->task(t->arg);
	return NULL;
}

void parallel_each(void *args, size_t n, size_t size, void (*task)(void *arg))
{
	if (n == 0)
		return;
	pthread_t *thread = xcalloc(n, sizeof *thread);
	struct parallel_task *t = xcalloc(n, sizeof *t);
	for (size_t i = 1; i < n; i++) {
		t[i] = (struct parallel_task){ task, (char *)args + i * size };
		/* not run later on this thread instead: tasks may wait for each other's turns */
		if (pthread_create(&thread[i], NULL, run_task, &t[i]) != 0)
			diag_fatal(SPM_EXIT_USAGE, "cannot start a thread");
	}
	task(args);
	for (size_t i = 1; i < n; i++)
		pthread_join(thread[i], NULL);
	free(t);
	free(thread);
}

struct range_task {
	void (*task)(void *ctx, size_t lo, size_t hi);
	void *ctx;
	size_t lo, hi;
};

static void run_range(void *arg)
{
	struct range_task *r = arg;
	r->task(r->ctx, r->lo, r->hi);
}

void parallel_ranges(size_t n, size_t min_per_thread, size_t threads, void *ctx,
		     void (*task)(void *ctx, size_t lo, size_t hi))
{
	if (min_per_thread == 0)
		min_per_thread = 1;
	if (threads > n / min_per_thread + 1)
		threads = n / min_per_thread + 1;
	if (threads == 0)
		threads = 1;
	struct range_task *r = xcalloc(threads, sizeof *r);
	for (size_t t = 0; t < threads; t++)
		r[t] = (struct range_task){ task, ctx, n / threads * t, t + 1 == threads ? n : n / threads * (t + 1) };
	parallel_each(r, threads, sizeof *r, run_range);
	free(r);
}

void turns_init(struct turns *t)
{
	if (pthread_mutex_init(&t->lock, NULL) != 0 || pthread_cond_init(&t->changed, NULL) != 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot make a lock for threads");
	t->next = 0;
}

void turns_destroy(struct turns *t)
{
	pthread_cond_destroy(&t->changed);
	pthread_mutex_destroy(&t->lock);
}

void turns_wait(struct turns *t, size_t piece)
{
	pthread_mutex_lock(&t->lock);
	while (t->next != piece)
		pthread_cond_wait(&t->changed, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

void turns_pass(struct turns *t)
{
	pthread_mutex_lock(&t->lock);
	t->next++;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
}
