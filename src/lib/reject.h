/* Reject files (--reject): the bad rows of an input, each with the reason it was left out,
 * so that nothing read is ever lost. */
#ifndef SPM_REJECT_H
#define SPM_REJECT_H

#include "input.h"
#include "output.h"

#include <stddef.h>

/* The input's header, then a column reason. */
void reject_write_header(struct output *o, const struct header *h);
/* The row's fields padded to ncols, then the reason; fields past ncols are appended to
 * the reason ("; extra fields: a | b"), so the row can be mended and read again. */
void reject_write_row(struct output *o, const struct row *row, size_t ncols, const char *reason);

#endif
