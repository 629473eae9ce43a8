/* Growing strings (sbuf.h). */
#include "sbuf.h"

#include "diag.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_add(struct sbuf *b, const char *s, size_t len)
{
	if (len > SIZE_MAX - b->len - 1)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	xgrow((void **)&b->s, &b->cap, b->len + len + 1, 1);
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	/* formatted once into the room there is (a sentence mostly fits), again only when not */
	xgrow((void **)&b->s, &b->cap, b->len + 128, 1);
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	if (n < 0)
		diag_fatal(SPM_EXIT_USAGE, "cannot format a message");
	if ((size_t)n >= b->cap - b->len) {
		xgrow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *sb_text(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

/* The bytes of value shown: all of it, or a head within SB_VALUE_SHOWN bytes that ends on
 * a character's boundary (never inside a UTF-8 sequence), and before a NUL byte when the
 * text is left raw (a NUL would end it); escaped, a NUL shows as \x00. */
static size_t shown_head(const char *value, size_t len, bool raw, bool *cut)
{
	const char *nul = raw ? memchr(value, '\0', len < SB_VALUE_SHOWN + 1 ? len : SB_VALUE_SHOWN + 1) : NULL;
	size_t head = nul ? (size_t)(nul - value) : len;
	*cut = head < len || len > SB_VALUE_SHOWN;
	if (head > SB_VALUE_SHOWN) {
		head = SB_VALUE_SHOWN;
		/* a continuation byte (10xxxxxx) at the cut belongs to the character before it */
		while (head > 0 && ((unsigned char)value[head] & 0xc0) == 0x80)
			head--;
	}
	return head;
}

static void cut_mark(struct sbuf *b, size_t len)
{
	sb_printf(b, "... (%zu bytes)", len);
}

void sb_cut_value(struct sbuf *b, const char *value, size_t len)
{
	bool cut;
	size_t head = shown_head(value, len, true, &cut);
	sb_add(b, value, head);
	if (cut)
		cut_mark(b, len);
}

void sb_escape(struct sbuf *b, const char *s, size_t len)
{
	if (len > (SIZE_MAX - 1) / 4 - b->len)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	xgrow((void **)&b->s, &b->cap, b->len + 4 * len + 1, 1); /* the longest escape: 4 bytes */
	b->len += diag_escape(b->s + b->len, s, len);
}

void sb_quote_value(struct sbuf *b, const char *value, size_t len)
{
	bool cut;
	size_t head = shown_head(value, len, false, &cut);
	sb_escape(b, value, head);
	if (cut)
		cut_mark(b, len);
}

void sb_names(struct sbuf *b, char *const *names, size_t n)
{
	for (size_t i = 0; i < n && i < 20; i++) {
		sb_str(b, " ");
		sb_cut_value(b, names[i], strlen(names[i]));
	}
	if (n > 20)
		sb_str(b, " ...");
}
