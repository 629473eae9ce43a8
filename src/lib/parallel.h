/* Work split over threads: n tasks at once, one per thread, the first on the caller's; and
 * turns, for threads that make pieces in parallel but must write them in order. */
#ifndef SPM_PARALLEL_H
#define SPM_PARALLEL_H

#include <pthread.h>
#include <stddef.h>

/* Runs task(args + i * size) for every i < n, each on a thread of its own (task 0 on the
 * calling thread), and returns when all are done. A thread that cannot be started is
 * fatal (exit 2), as for reading. */
void parallel_each(void *args, size_t n, size_t size, void (*task)(void *arg));

/* Runs task(ctx, lo, hi) over [0, n) cut into consecutive ranges, one per thread, on up
 * to `threads` threads but one more only for each min_per_thread items (n / min + 1: a
 * thread costs more than it saves on few); the ranges cover [0, n) exactly once. */
void parallel_ranges(size_t n, size_t min_per_thread, size_t threads, void *ctx,
		     void (*task)(void *ctx, size_t lo, size_t hi));

/* Pieces numbered 0, 1, 2 ... made by several threads, written strictly in that order:
 * a thread waits for its piece's turn, writes, and passes the turn on. */
struct turns {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t next; /* the piece whose turn it is */
};

void turns_init(struct turns *t);
void turns_destroy(struct turns *t);
/* Returns once every piece before `piece` has passed its turn. */
void turns_wait(struct turns *t, size_t piece);
/* The piece whose turn it was is written: the next one's turn. */
void turns_pass(struct turns *t);

#endif
