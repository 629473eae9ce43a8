/* Reject files: bad rows written with their reason, in the input's own columns. */
#include "reject.h"

#include <string.h>

void reject_write_header(struct output *o, const struct header *h)
{
	for (size_t k = 0; k < h->count; k++) {
		output_field(o, h->name[k], strlen(h->name[k]));
		output_tab(o);
	}
	output_str(o, "reason\n");
}

void reject_write_row(struct output *o, const struct row *row, size_t ncols, const char *reason)
{
	for (size_t i = 0; i < ncols; i++) {
		if (i < row->count)
			output_field(o, row->field[i], row->len[i]);
		output_tab(o);
	}
	output_field(o, reason, strlen(reason));
	for (size_t i = ncols; i < row->count; i++) {
		output_str(o, i == ncols ? "; extra fields: " : " | ");
		output_field(o, row->field[i], row->len[i]);
	}
	output_newline(o);
}
