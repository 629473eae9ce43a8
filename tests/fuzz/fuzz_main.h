/* In-process harnesses that run a reader through a program's own main (or a core loader)
 * on a file holding the fuzzer's input. Included by fuzz_plan.c, fuzz_ledger.c,
 * fuzz_mapping.c, fuzz_streams.c, fuzz_sheets.c; each is built with the program's sources
 * (its main renamed, -Dmain=program_main) or with src/lib only (see run.sh).
 *
 * A reader that refuses its input ends the process (diag_exit: _exit(1) or _exit(2)). Here
 * exit and _exit are replaced: inside a run they jump back to the harness, which checks
 * that the status is a documented one (0, 1, 2); anything else aborts (a finding). What
 * the failed run allocated is not freed: leak detection is off for these harnesses
 * (run.sh), the sanitizers' other checks are on. Outputs go to /dev/null, written in
 * place, so no temporary file and no signal handler is ever installed; atexit is a no-op. Inputs are memfd
 * files opened as /proc/self/fd/N (regular, seekable files). */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <dlfcn.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static jmp_buf fuzz_jump;
static bool fuzz_running;
static int fuzz_status;

__attribute__((noreturn)) void _exit(int status);
__attribute__((noreturn)) void exit(int status);

__attribute__((noreturn)) void _exit(int status)
{
	if (fuzz_running) {
		fuzz_status = status;
		longjmp(fuzz_jump, 1);
	}
	_Exit(status);
}

__attribute__((noreturn)) void exit(int status)
{
	if (fuzz_running) {
		fuzz_status = status;
		longjmp(fuzz_jump, 1);
	}
	void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, "exit");
	real(status);
	abort();
}

/* The programs register exit-time work (atexit) on every run: checking and closing stdout,
 * removing leftovers. Not here: the harness runs many times in one process, and stdout
 * would be closed once per run at the end. */
int atexit(void (*fn)(void));
int atexit(void (*fn)(void))
{
	(void)fn;
	return 0;
}

/* A file holding len bytes of data; its path in path (64 bytes). */
static void fuzz_file(int *fd, char *path, const void *data, size_t len)
{
	if (*fd < 0) {
		*fd = memfd_create("fuzz", 0);
		if (*fd < 0)
			abort();
		snprintf(path, 64, "/proc/self/fd/%d", *fd);
	}
	if (ftruncate(*fd, 0) != 0 || (len && pwrite(*fd, data, len, 0) != (ssize_t)len))
		abort();
}

/* The file descriptors open now, below FUZZ_FDS, as a bitmap. */
enum { FUZZ_FDS = 4096 };
static void fuzz_open_fds(unsigned char open[FUZZ_FDS / 8])
{
	memset(open, 0, FUZZ_FDS / 8);
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		abort();
	int own = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != own && fd >= 0 && fd < FUZZ_FDS)
			open[fd / 8] |= (unsigned char)(1u << fd % 8);
	}
	closedir(d);
}

/* Runs fn(arg) as one program run: returns its exit status; aborts (a finding) on a
 * status the programs do not document. A run that ends by exit leaves its files open
 * (nothing it made is freed): they are closed after it, or a long fuzzing session ends at
 * the limit of open files. */
static int fuzz_run(void (*fn)(void *), void *arg)
{
	unsigned char before[FUZZ_FDS / 8], after[FUZZ_FDS / 8];
	fuzz_open_fds(before);
	fuzz_status = 0;
	fuzz_running = true;
	if (setjmp(fuzz_jump) == 0)
		fn(arg);
	fuzz_running = false;
	fuzz_open_fds(after);
	for (int fd = 0; fd < FUZZ_FDS; fd++)
		if ((after[fd / 8] & ~before[fd / 8]) >> fd % 8 & 1)
			close(fd);
	fflush(stdout);
	clearerr(stdout);
	if (fuzz_status < 0 || fuzz_status > 2) {
		fprintf(stderr, "fuzz: exit status %d (documented: 0, 1, 2)\n", fuzz_status);
		abort();
	}
	return fuzz_status;
}

#ifdef FUZZ_PROGRAM
int program_main(int argc, char **argv);

struct fuzz_argv {
	int argc;
	char **argv;
};

static void fuzz_call_main(void *arg)
{
	struct fuzz_argv *a = arg;
	optind = 0; /* getopt starts over (glibc) */
	int st = program_main(a->argc, a->argv);
	fuzz_status = st;
}

/* Runs the program with the arguments given (a NULL-terminated list, copied). */
static int fuzz_main(const char *const *args)
{
	static char *argv[64];
	int argc = 0;
	while (args[argc] && argc < 63) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	struct fuzz_argv a = { argc, argv };
	return fuzz_run(fuzz_call_main, &a);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
