/* Writing TSV streams: buffered, every write checked, files replaced atomically
 * (temporary file + rename) so a failed run never leaves half an output. */
#ifndef SPM_OUTPUT_H
#define SPM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

struct output {
	FILE *fp;
	char *path;     /* final path; NULL for stdout */
	char *tmp_path; /* where it is written until output_close */
};

/* path NULL or "-" is stdout. Errors exit 2. */
void output_open(struct output *o, const char *path);
/* Flushes and checks; renames the temporary file into place. Errors exit 2. */
void output_close(struct output *o);

void output_bytes(struct output *o, const char *s, size_t len);
void output_str(struct output *o, const char *s);
/* A field with TAB, LF, CR and backslash escaped as \t \n \r \\. */
void output_field(struct output *o, const char *s, size_t len);
/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, starts or ends
 * with a space, or starts with '; quotes doubled. */
void output_csv_field(struct output *o, const char *s, size_t len);
void output_tab(struct output *o);
void output_newline(struct output *o);

/* Checks stdout's buffered data reached its destination; call at exit (atexit). */
void output_close_stdout(void);

#endif
