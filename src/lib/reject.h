/* Reject files (--reject): the bad rows of an input, each with the reason it was left out,
 * so that nothing read is ever lost. */
#ifndef SPM_REJECT_H
#define SPM_REJECT_H

#include "input.h"
#include "output.h"

#include <stddef.h>
#include <stdint.h>

/* The input's header, then a column reason. */
void reject_write_header(struct output *o, const struct header *h);
/* The row's fields padded to ncols, then the reason, escaped already as diag escapes
 * (sb_quote_value, diag_escape); fields past ncols are appended to the reason ("; extra
 * fields: a | b"), escaped the same way, so the row can be mended and read again. */
void reject_write_row(struct output *o, const struct row *row, size_t ncols, const char *reason);

/* The bad rows of one chunk of an input read on several threads, kept until the chunks
 * before it are written, so that a reject file is the same whatever the threads: in
 * memory, then in an unnamed temporary file once they pass a few MiB. A row's line is
 * counted from its chunk's start until then. */
struct reject_buffer;

struct reject_buffer *reject_buffer_new(void);
/* As reject_write_row, with the reason "line LINE: TEXT". */
void reject_buffer_add(struct reject_buffer *b, const struct row *row, size_t ncols, uint64_t line, const char *text);
/* Writes the rows kept to o, adding line_offset to their lines, and empties b. */
void reject_buffer_flush(struct reject_buffer *b, struct output *o, uint64_t line_offset);
void reject_buffer_free(struct reject_buffer *b);

#endif
