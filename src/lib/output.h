/* Writing TSV streams: buffered, every write checked, files replaced atomically
 * (temporary file + rename) so a failed run never leaves half an output.
 *
 * The outputs of one run are committed together: output_close flushes, syncs and closes
 * a file, but renames it into place only when no other file output is still open; then
 * every closed output is renamed, and if one rename fails those already renamed get their
 * old contents back (a hard link kept until the end). So a failure anywhere leaves every
 * old output as it was. Temporary files are registered with cleanup.h: a fatal error,
 * exit() or a terminating signal (SIGHUP, SIGINT, SIGTERM, SIGPIPE, ...) removes them. */
#ifndef SPM_OUTPUT_H
#define SPM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

struct output {
	FILE *fp;
	char *path;     /* final path; NULL for stdout */
	char *tmp_path; /* where it is written until output_close */
	int slot;       /* its entry in the cleanup registry */
};

/* path NULL or "-" is stdout. Errors exit 2. */
void output_open(struct output *o, const char *path);
/* Flushes, syncs and checks; renames the temporary file into place, with the other
 * closed outputs, once no file output is open any more (see above). Errors exit 2. */
void output_close(struct output *o);

void output_bytes(struct output *o, const char *s, size_t len);
void output_str(struct output *o, const char *s);
/* A field with TAB, LF, CR and backslash escaped as \t \n \r \\. */
void output_field(struct output *o, const char *s, size_t len);
/* The same escaping into dst (room for 2 * len bytes); the bytes written. */
size_t output_escape(const char *s, size_t len, char *dst);
/* The same escaping, handing the escaped bytes to put (a buffer's writer) in pieces. */
void field_escape(const char *s, size_t len, void (*put)(void *to, const char *s, size_t len), void *to);
/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, starts or ends
 * with a space, or starts with '; quotes doubled. */
void output_csv_field(struct output *o, const char *s, size_t len);
void output_tab(struct output *o);
void output_newline(struct output *o);

/* A file already written, synced and closed as tmp_name in the folder dfd (opened by the
 * caller, named dir in messages; tmp_name registered with cleanup.h at slot), renamed to
 * name in that folder with the other outputs at the next commit, all or none, the folder
 * synced before the old files go. Takes tmp_name and name (malloc'd); dfd must stay open
 * until the commit. For spm-report --split-dir, which writes through a folder's fd. */
void output_pending_at(int dfd, const char *dir, char *tmp_name, char *name, int slot);
/* Commits the pending outputs now if no file output is open (when the last output of a
 * run was standard output, no output_close commits them). Errors exit 2. */
void output_commit(void);

/* Checks stdout's buffered data reached its destination; call at exit (atexit). */
void output_close_stdout(void);

#endif
