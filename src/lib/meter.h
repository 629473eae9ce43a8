/* A progress meter for long reads: rows, MB/s and, when the size is known, percent, on
 * standard error. On a terminal it is one line redrawn in place a few times a second, shown
 * only once the read has taken about a second, and erased before anything else is written;
 * into a pipe or a file it writes nothing unless forced (METER_ON), and then full lines
 * once a second and a last line with the totals, for a log. Fed from the reader's
 * per-block hook (source_set_progress), never per row; safe to feed from several threads. */
#ifndef SPM_METER_H
#define SPM_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum meter_mode {
	METER_AUTO, /* on when standard error is a terminal (the default) */
	METER_ON,   /* forced on (--progress), even into a pipe or a file */
	METER_OFF,  /* off (--quiet) */
};

struct meter;

/* A meter writing to fd for prog ("spm-track"); total is the number of bytes to read, 0
 * when it is not known (a pipe), so that no percent is shown. NULL when the meter is off:
 * every function below accepts NULL and then does nothing. */
struct meter *meter_new(const char *prog, enum meter_mode mode, int fd, uint64_t total);

/* Counts bytes and rows read; draws when the time has come. Thread-safe. Its signature is
 * input.h's block_fn, so it can be given to source_set_progress as is. */
void meter_block(void *meter, size_t bytes, uint64_t rows);

/* Erases the line on a terminal, so that a diagnostic or a summary line can follow; the
 * next block draws it again. */
void meter_clear(struct meter *m);

/* Ends the meter: erases the terminal line, or, forced off a terminal, writes the totals
 * ("spm-track: read 2000 rows, 0.4 MB in 0.01 s, 35.2 MB/s"); then frees it. */
void meter_finish(struct meter *m);

/* The counts so far. */
void meter_counts(const struct meter *m, uint64_t *bytes, uint64_t *rows);

/* Whether a meter of this mode is shown, given whether fd is a terminal. */
bool meter_shown(enum meter_mode mode, bool terminal);

/* The text of one progress line, without a line end: "PROG: N rows, X MB, R MB/s, P%"
 * (percent only with a total; rate only after some time). Returns its length, which is
 * less than size (the text is cut to fit). */
size_t meter_format(char *buf, size_t size, const char *prog, uint64_t bytes, uint64_t rows,
		    uint64_t total, double seconds);

#endif
