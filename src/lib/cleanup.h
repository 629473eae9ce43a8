/* Temporary files removed on every way out: a fatal error, exit(), and the signals that
 * end a program (SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ).
 *
 * output.c registers each temporary file it creates and unregisters it once it is renamed
 * into place (or removed), so every program gets this through output_open. The registry is
 * fixed memory (chunks that are never freed) and the handler only calls unlink, sigaction,
 * sigprocmask and raise: it is async-signal-safe. The handler removes the files, then
 * re-raises the signal with its default action, so the exit status still says which signal
 * ended the run (128 + N in a shell). A signal that was ignored when the program started
 * (nohup, a shell's trap '' TERM) stays ignored. */
#ifndef SPM_CLEANUP_H
#define SPM_CLEANUP_H

/* Registers path (copied into the registry; at most CLEANUP_PATH_MAX - 1 bytes) and
 * installs the handlers on first use. Returns a slot for cleanup_forget, or -1 when the
 * path is too long (the caller then refuses to write). */
#define CLEANUP_PATH_MAX 4096
int cleanup_register(const char *path);
/* The registered path becomes path, of the same length (the name mkstemp made of the
 * template registered before the file was created: no allocation once it exists). */
void cleanup_rename(int slot, const char *path);
/* The file at slot is no longer temporary (renamed into place, or removed). */
void cleanup_forget(int slot);
/* Removes every registered file now (fatal errors and exit); not for signal handlers. */
void cleanup_remove_all(void);

#endif
