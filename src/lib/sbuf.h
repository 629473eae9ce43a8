/* Growing strings: text of any length (a message naming a long path, owner or value), never
 * cut by the room of a buffer. A value shown from the data is the one thing cut on purpose,
 * and visibly (sb_cut_value). */
#ifndef SPM_SBUF_H
#define SPM_SBUF_H

#include <stdarg.h>
#include <stddef.h>

/* { NULL, 0, 0 } is the empty string; s is NUL-terminated once anything was added. */
struct sbuf {
	char *s;
	size_t len, cap;
};

/* The bytes of a value a diagnostic shows before it cuts it (sb_cut_value), and the bytes
 * of it that are enough to keep for that: sb_cut_value and sb_quote_value read at most
 * SB_VALUE_SHOWN + 1 bytes of a value, so a problem kept for later keeps the value's first
 * SB_VALUE_HEAD - 1 bytes and its whole length, and shows it as if it had all of it. */
enum { SB_VALUE_SHOWN = 60, SB_VALUE_HEAD = 64 };

void sb_add(struct sbuf *b, const char *s, size_t len);
void sb_str(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The text so far ("" when nothing was added): never NULL. */
const char *sb_text(const struct sbuf *b);
/* Empties b and keeps its room: a buffer used again for each bad row. */
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);

/* Appends s whole, escaped as diag escapes (diag_escape): a name (owner, category) that a
 * program prints itself, not through diag. */
void sb_escape(struct sbuf *b, const char *s, size_t len);

/* Appends value as it is (diag escapes the message it goes into, once), whole up to
 * SB_VALUE_SHOWN bytes; a longer one, or one holding a NUL byte, is cut visibly: its first
 * bytes, ended on a UTF-8 character's boundary, then "... (N bytes)" with its full length. */
void sb_cut_value(struct sbuf *b, const char *value, size_t len);
/* The same, escaped as diag escapes (diag_escape): for text diag does not print itself (a
 * reject file's reason, a problem printed later with diag_escaped_at); a NUL byte shows as
 * \x00, not cut. */
void sb_quote_value(struct sbuf *b, const char *value, size_t len);
/* Appends " NAME NAME ...": the first 20 names, each cut as sb_cut_value cuts, then " ..."
 * when there are more: the columns a file has, after a message that one is missing. */
void sb_names(struct sbuf *b, char *const *names, size_t n);

#endif
