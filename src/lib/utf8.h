/* UTF-8 text for people: decoding, the width a string takes in a terminal (CJK and other
 * wide characters take two columns, combining marks none), cutting a string to a width,
 * and making invisible or dangerous characters visible as escapes. Independent of the
 * locale, so a report is laid out the same way everywhere. */
#ifndef SPM_UTF8_H
#define SPM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (n bytes available). Returns its length in bytes (1..4),
 * or 0 when the bytes are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut
 * short); *cp is then the first byte. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Columns a printable code point takes: 0 (combining marks, joiners), 1 or 2 (East Asian
 * wide and fullwidth characters, most emoji). */
int utf8_cp_width(uint32_t cp);

/* Characters shown as escapes rather than as themselves: C0 and C1 controls, DEL, and the
 * invisible characters that reorder or break lines (bidirectional embeddings, overrides
 * and isolates, LRM, RLM, ALM, the line and paragraph separators, BOM). */
bool utf8_cp_hidden(uint32_t cp);

/* The text as people should see it, newly allocated: TAB, LF, CR and backslash as \t \n
 * \r \\ (the TSV convention), other hidden characters as \u{XXXX}, bytes that are not
 * UTF-8 as \xHH. Everything else unchanged. */
char *utf8_visible(const char *s, size_t len, size_t *out_len);

/* Terminal columns of already visible text (see utf8_visible): bytes that are not UTF-8
 * count 1. */
size_t utf8_width(const char *s, size_t len);

/* The longest prefix of visible text that fits in max columns, cut between characters
 * (a combining mark stays with its base). Returns its length in bytes; *width gets its
 * columns. */
size_t utf8_prefix(const char *s, size_t len, size_t max, size_t *width);

#endif
