/* Reading spm's inputs: TSV streams (with \t \n \r \\ escapes) and CSV exports (RFC 4180,
 * through libcsv), a header line first, rows handed one by one to a callback. Large
 * regular files can be read in several chunks by several threads. */
#ifndef SPM_INPUT_H
#define SPM_INPUT_H

#include "sbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum input_format { FORMAT_AUTO, FORMAT_TSV, FORMAT_CSV };

struct header {
	size_t count;
	char **name; /* decoded column names, NUL-terminated */
};

/* One record. Fields are NUL-terminated (len is authoritative: a CSV field may hold a
 * NUL byte). Only the columns asked for are decoded; the others hold undecoded bytes (or
 * "") and are not to be read. */
struct row {
	size_t count;        /* fields found: may differ from the header's count */
	char **field;
	const size_t *len;
	uint64_t line;       /* physical line where the record starts (in the first chunk, of
			      * the file; in the others, from the chunk's start) */
	uint64_t shown;      /* with an ahead hook: the record's number among those its chunk
			      * showed to it (1 for the first call), 0 if it was not shown */
};

typedef int (*row_fn)(void *ctx, const struct row *row);

struct scan_error {
	uint64_t line;      /* 0: no error */
	size_t column;      /* column index, or SIZE_MAX */
	const char *message;
};

/* What became of one chunk of a file after a scan. */
struct scan_chunk {
	void *ctx;            /* the caller's accumulator for this chunk */
	bool used;            /* false: ignore ctx (the previous chunk read these rows again,
			       * or an earlier chunk stopped before reaching them) */
	uint64_t line_offset; /* add to row.line for the line number in the file */
	int stop;             /* the callback's nonzero return value, 0 if it read to the end */
	struct scan_error error; /* a syntax error the reader found (the chunk stops there) */
};

/* A record seen about LINES_AHEAD records before it is read, so that the caller can fetch
 * the memory its row will need while the rows before it are read: the fields col[0..ncol)
 * of it, split as the row will be (wanted fields decoded). Only a hint: a record shown may
 * never be read (a stop, an error), and a record that is read may not have been shown (one
 * lacking a field asked for; a CSV chunk from its first odd record on, which libcsv reads).
 * A record read after it was shown says which call showed it (row.shown), so that what
 * the hook found for it need not be found again. */
typedef void (*ahead_fn)(void *ctx, const char *const field[], const size_t len[]);
#define LINES_AHEAD 16
#define AHEAD_FIELDS 2
struct scan_ahead {
	ahead_fn fn;
	long col[AHEAD_FIELDS]; /* header columns */
	size_t ncol;
	/* whether fn wants records now (NULL: always): asked before a record's fields are
	 * found, which costs as much as a small run's rows */
	bool (*wanted)(void *ctx);
};
struct scan_options {
	const bool *wanted; /* per header column; NULL: all */
	bool keep_extra;    /* also decode fields past the header's count (for reject files) */
	row_fn on_row;
	const struct scan_ahead *ahead; /* or NULL */
};

struct source;

/* Opens path ("-" for stdin) and reads its header. I/O errors exit 2; an empty input or
 * a malformed header exits 1 with a diagnostic. */
struct source *source_open(const char *path, enum input_format format);
/* A CSV input whose fields are separated by delim ('|', ';', a tab...) instead of ',',
 * with CSV quoting. */
struct source *source_open_delimited(const char *path, char delim);
/* The same, but an input with no bytes at all (not even a header) gives NULL. */
struct source *source_open_optional(const char *path, enum input_format format);
void source_close(struct source *src);
const struct header *source_header(const struct source *src);
const char *source_name(const struct source *src);
/* The size of a regular file in bytes (to presize tables), 0 when not known. */
uint64_t source_bytes(const struct source *src);
enum input_format source_format(const struct source *src);

/* Index of the column named name (exact, then ignoring ASCII case and spaces around it);
 * -1 if absent, -2 if the name appears more than once. */
long header_find(const struct header *h, const char *name);
bool header_equal(const struct header *a, const struct header *b);
/* A copy of h that outlives its source (to compare the next files' headers with);
 * header_free(NULL) does nothing. */
struct header *header_copy(const struct header *h);
void header_free(struct header *h);

/* How many chunks (at most max_chunks) the file will be read in. */
size_t source_plan(struct source *src, size_t max_chunks);
/* The same, with chunks of at least min_chunk bytes (source_plan: 4 MiB) — for a file
 * whose rows cost more to take in than an export's (a credits file). */
size_t source_plan_min(struct source *src, size_t max_chunks, off_t min_chunk);
/* Reads the whole input, chunks[i].ctx receiving the rows of chunk i (chunks in file
 * order, as many as source_plan said). Runs the chunks in parallel threads. */
void source_scan(struct source *src, const struct scan_options *opt, struct scan_chunk *chunks,
		 size_t nchunks);

/* A reader's progress, for a meter: called from the reading thread (several at once when
 * chunks are read in parallel) after each block of about 1 MiB, with the bytes of that block
 * and the rows delivered since the previous call; once more at the end of the scan with the
 * last rows. Never per row, so the cost is nothing next to the reading. */
typedef void (*block_fn)(void *ctx, size_t bytes, uint64_t rows);
/* Sets the progress hook of the following source_scan calls (NULL: none, the default). */
void source_set_progress(struct source *src, block_fn on_block, void *ctx);

/* Format of a path by its extension (.csv → CSV, otherwise TSV). */
enum input_format format_for_path(const char *path);

/* Decodes the TSV escapes \t \n \r \\ in place; returns the new length. */
size_t tsv_unescape(char *s, size_t len);

/* The first problem found in a side file (roster, metrics file, goal sheet...). */
struct file_problem {
	uint64_t line;
	const char *column;
	const char *message;
	char value[SB_VALUE_HEAD]; /* its first bytes, NUL bytes included: a message shows no more */
	size_t value_len;          /* the whole value's: a long one is shown cut, with its length */
	bool has_value;
};

/* Whether row has the header's `expected` fields; if not, writes "wrong number of fields:
 * expected N, found M" into message (size bytes), the one wording every reader uses. */
bool row_has_fields(const struct row *row, size_t expected, char *message, size_t size);

/* Records a problem at row and returns 1 (stop reading). value: NULL, a field of row (all
 * of it, past a NUL byte within), or a string. */
int file_problem_at(struct file_problem *fp, const struct row *row, const char *column,
		    const char *value, const char *message);
/* Sets the value the problem shows: len bytes, NUL bytes included (diag_at escapes them);
 * the first SB_VALUE_HEAD - 1 are kept, and len, which diag_at shows when it cuts. */
void file_problem_value(struct file_problem *fp, const char *value, size_t len);

/* Reads a whole small file through on_row (one chunk) and closes it; a syntax error or
 * the problem recorded in *fp exits 1 with FILE:LINE: COLUMN: message ("value"). */
void read_side_file(struct source *src, const char *path, row_fn on_row, void *ctx,
		    const struct file_problem *fp);

#endif
