/* Reject files: bad rows written with their reason, in the input's own columns. */
#include "reject.h"

#include "diag.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reject_write_header(struct output *o, const struct header *h)
{
	for (size_t k = 0; k < h->count; k++) {
		output_field(o, h->name[k], strlen(h->name[k]));
		output_tab(o);
	}
	output_str(o, "reason\n");
}

/* A field past the header's count, as the reason lists it: escaped as diag escapes values
 * (the reason is a diagnostic: an ESC byte or a backslash reads as in any message), in
 * memory of its own; the caller frees it. */
static char *extra_field(const struct row *row, size_t i, size_t *len)
{
	char *e = xmalloc(4 * row->len[i] + 1);
	*len = diag_escape(e, row->field[i], row->len[i]);
	return e;
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
		size_t len;
		char *e = extra_field(row, i, &len);
		output_field(o, e, len);
		free(e);
	}
	output_newline(o);
}

/* ---- rows kept for later (one chunk's) ---- */

enum { REJECT_MEMORY = 4 << 20 }; /* bytes kept in memory before they go to a file */

struct reject_buffer {
	char *mem;
	size_t len, cap;
	FILE *spill; /* NULL until mem would pass REJECT_MEMORY */
	bool memory_only; /* one row's bytes: never spilled */
};

struct reject_buffer *reject_buffer_new(void)
{
	return xcalloc(1, sizeof(struct reject_buffer));
}

void reject_buffer_free(struct reject_buffer *b)
{
	if (!b)
		return;
	if (b->spill)
		fclose(b->spill);
	free(b->mem);
	free(b);
}

static void spill_failed(void)
{
	diag_fatal(SPM_EXIT_USAGE, "cannot keep rejected rows in a temporary file: %s", strerror(errno));
}

static void put(struct reject_buffer *b, const void *s, size_t len)
{
	if (len == 0)
		return; /* nothing, and no memcpy to a buffer not yet made */
	if (!b->spill && !b->memory_only && len > REJECT_MEMORY - (b->len < REJECT_MEMORY ? b->len : REJECT_MEMORY)) {
		if (!(b->spill = tmpfile()))
			spill_failed();
		if (b->len && fwrite(b->mem, 1, b->len, b->spill) != b->len)
			spill_failed();
		free(b->mem);
		b->mem = NULL;
		b->len = b->cap = 0;
	}
	if (b->spill) {
		if (len && fwrite(s, 1, len, b->spill) != len)
			spill_failed();
		return;
	}
	if (len > SIZE_MAX - b->len)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	xgrow((void **)&b->mem, &b->cap, b->len + len, 1);
	memcpy(b->mem + b->len, s, len);
	b->len += len;
}

static void put_bytes(void *b, const char *s, size_t len)
{
	put(b, s, len);
}

/* A field escaped as output_field escapes it. */
static void put_field(struct reject_buffer *b, const char *s, size_t len)
{
	field_escape(s, len, put_bytes, b);
}

/* A kept row: its line, the bytes before "line N: " and the bytes after, then those. */
struct kept_head {
	uint64_t line;
	size_t before, after;
};

void reject_buffer_add(struct reject_buffer *b, const struct row *row, size_t ncols, uint64_t line, const char *text)
{
	/* the head is written first with the lengths unknown, then mended: so the row is
	 * made in a scratch buffer of its own */
	struct reject_buffer row_bytes = { .memory_only = true };
	for (size_t i = 0; i < ncols; i++) {
		if (i < row->count)
			put_field(&row_bytes, row->field[i], row->len[i]);
		put(&row_bytes, "\t", 1);
	}
	size_t before = row_bytes.len;
	put_field(&row_bytes, text, strlen(text));
	for (size_t i = ncols; i < row->count; i++) {
		const char *sep = i == ncols ? "; extra fields: " : " | ";
		put(&row_bytes, sep, strlen(sep));
		size_t len;
		char *e = extra_field(row, i, &len);
		put_field(&row_bytes, e, len);
		free(e);
	}
	put(&row_bytes, "\n", 1);
	struct kept_head h = { line, before, row_bytes.len - before };
	put(b, &h, sizeof h);
	put(b, row_bytes.mem, row_bytes.len);
	free(row_bytes.mem);
}

static void write_kept(struct output *o, const struct kept_head *h, const char *bytes, uint64_t line_offset)
{
	char line[48];
	output_bytes(o, bytes, h->before);
	int n = snprintf(line, sizeof line, "line %llu: ", (unsigned long long)(h->line + line_offset));
	output_bytes(o, line, (size_t)n);
	output_bytes(o, bytes + h->before, h->after);
}

void reject_buffer_flush(struct reject_buffer *b, struct output *o, uint64_t line_offset)
{
	if (!b)
		return;
	if (!b->spill) {
		for (size_t at = 0; at < b->len;) {
			struct kept_head h;
			memcpy(&h, b->mem + at, sizeof h);
			at += sizeof h;
			write_kept(o, &h, b->mem + at, line_offset);
			at += h.before + h.after;
		}
		b->len = 0;
		return;
	}
	if (fflush(b->spill) != 0 || fseek(b->spill, 0, SEEK_SET) != 0)
		spill_failed();
	char *bytes = NULL;
	size_t cap = 0;
	struct kept_head h;
	while (fread(&h, sizeof h, 1, b->spill) == 1) {
		if (h.before > SIZE_MAX - h.after)
			spill_failed();
		xgrow((void **)&bytes, &cap, h.before + h.after + 1, 1);
		if (h.before + h.after && fread(bytes, 1, h.before + h.after, b->spill) != h.before + h.after)
			spill_failed();
		write_kept(o, &h, bytes, line_offset);
	}
	if (ferror(b->spill))
		spill_failed();
	free(bytes);
	fclose(b->spill);
	b->spill = NULL;
}
