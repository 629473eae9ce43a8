/* Fault injection by LD_PRELOAD: makes the Nth write, rename, fsync, close or malloc of a
 * run fail, as a full disk, a failing rename, an I/O error at sync or close, or memory
 * running out would. Used by tests/fault/run.sh (see there); built as a shared object:
 *   cc -shared -fPIC -O2 -o build/fault/fault.so tests/fault/fault.c -ldl
 *
 * Environment:
 *   FAULT_OP     write | rename | fsync | close | malloc: the kind of call counted
 *   FAULT_N      the call (1 = the first) that fails; 0 or unset: count only
 *   FAULT_STATE  a file holding the counter, shared by every process of the run (a script
 *                and its children); required
 *   FAULT_PROG   only processes of these names count (comma-separated, e.g. "mv" or
 *                "spm-track,spm-report"); default: every process
 *   FAULT_LOG    a line "PROGRAM OP N" is appended to this file when a fault is injected
 *   FAULT_KILL   with a signal number: instead of failing the call, send that signal to
 *                the parent process (an interrupt at that very point of a script), then
 *                make the call
 *   FAULT_STOP   set: instead of failing the call, stop the process (SIGSTOP) just before
 *                it, so that a test can send a signal at that very point
 *   FAULT_BT     set: the injected call's stack is printed on stderr (to find a bug)
 *
 * What counts as a write: write(2) on a descriptor above 2, and the stdio calls that write
 * to a stream whose descriptor is above 2 (fwrite, fputs, fputc, putc, fprintf, vfprintf,
 * fflush). glibc's stdio writes through an internal alias that no preload can replace, so
 * a failing stdio write is made real instead: the stream's descriptor is replaced with
 * /dev/full (dup2), and from then on every write to it fails with ENOSPC in the kernel,
 * exactly as on a full disk. A close is close(2) or fclose on a descriptor above 2: the
 * descriptor is closed, and the call reports EIO (as NFS may at close). rename, renameat
 * and renameat2 fail with EIO; fsync and fdatasync with EIO; malloc, calloc and realloc
 * return NULL with ENOMEM. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char *program_invocation_short_name;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

enum op { OP_NONE, OP_WRITE, OP_RENAME, OP_FSYNC, OP_CLOSE, OP_MALLOC };

static int state = 0; /* 0 not read, 1 active, 2 inactive */
static enum op want;
static long fail_at;
static int kill_sig;
static char state_path[4096], log_path[4096];
static __thread int busy; /* no counting inside our own bookkeeping */

static void init(void)
{
	if (state)
		return;
	state = 2;
	const char *op = getenv("FAULT_OP"), *n = getenv("FAULT_N"), *st = getenv("FAULT_STATE");
	if (!op || !st || strlen(st) >= sizeof state_path)
		return;
	want = strcmp(op, "write") == 0 ? OP_WRITE : strcmp(op, "rename") == 0 ? OP_RENAME
		: strcmp(op, "fsync") == 0 ? OP_FSYNC : strcmp(op, "close") == 0 ? OP_CLOSE
		: strcmp(op, "malloc") == 0 ? OP_MALLOC : OP_NONE;
	if (want == OP_NONE)
		return;
	const char *prog = getenv("FAULT_PROG");
	if (prog && *prog) {
		const char *me = program_invocation_short_name;
		size_t len = strlen(me);
		bool found = false;
		for (const char *p = prog; *p;) {
			const char *end = strchr(p, ',');
			size_t l = end ? (size_t)(end - p) : strlen(p);
			if (l == len && strncmp(p, me, l) == 0)
				found = true;
			p += l + (end != NULL);
		}
		if (!found)
			return;
	}
	fail_at = n ? atol(n) : 0;
	const char *k = getenv("FAULT_KILL");
	kill_sig = k ? atoi(k) : 0;
	strcpy(state_path, st);
	const char *lg = getenv("FAULT_LOG");
	if (lg && strlen(lg) < sizeof log_path)
		strcpy(log_path, lg);
	state = 1;
}

static long read_number(const char *s, long len)
{
	long v = 0;
	for (long i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int format_number(char *buf, long v)
{
	char tmp[24];
	int n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

/* Counts one call of kind op; true when this one must fail. Raw system calls only: this
 * runs inside malloc, write and close themselves. */
static bool hit(enum op op)
{
	if (busy)
		return false;
	init();
	if (state != 1 || op != want)
		return false;
	busy = 1;
	long fd = syscall(SYS_open, state_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	bool fail = false;
	if (fd >= 0) {
		syscall(SYS_flock, fd, LOCK_EX);
		char buf[32];
		long n = syscall(SYS_pread64, fd, buf, sizeof buf, 0);
		long count = read_number(buf, n > 0 ? n : 0) + 1;
		int len = format_number(buf, count);
		buf[len++] = '\n';
		syscall(SYS_pwrite64, fd, buf, len, 0);
		syscall(SYS_ftruncate, fd, len);
		syscall(SYS_close, fd);
		fail = fail_at > 0 && count == fail_at;
		if (fail && log_path[0]) {
			static const char *names[] = { "", "write", "rename", "fsync", "close", "malloc" };
			char line[512];
			size_t l = 0, pl = strlen(program_invocation_short_name);
			if (pl > 400)
				pl = 400;
			memcpy(line, program_invocation_short_name, pl);
			l = pl;
			line[l++] = ' ';
			memcpy(line + l, names[op], strlen(names[op]));
			l += strlen(names[op]);
			line[l++] = ' ';
			l += (size_t)format_number(line + l, count);
			line[l++] = '\n';
			long lfd = syscall(SYS_open, log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
			if (lfd >= 0) {
				syscall(SYS_write, lfd, line, l);
				syscall(SYS_close, lfd);
			}
		}
	}
	if (fail && getenv("FAULT_BT")) {
		void *frames[32];
		int nf = backtrace(frames, 32);
		backtrace_symbols_fd(frames, nf, 2);
	}
	busy = 0;
	if (fail && getenv("FAULT_STOP")) {
		kill(getpid(), SIGSTOP);
		return false;
	}
	if (fail && kill_sig) {
		kill(getppid(), kill_sig);
		return false; /* the call itself goes through */
	}
	return fail;
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* ---- memory ---- */

void *malloc(size_t size)
{
	if (hit(OP_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (hit(OP_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (hit(OP_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, size);
}

/* ---- writes ---- */

/* A full disk under this stream from now on. */
static void fill(int fd)
{
	int full = (int)syscall(SYS_open, "/dev/full", O_WRONLY | O_CLOEXEC);
	if (full >= 0) {
		syscall(SYS_dup2, full, fd);
		syscall(SYS_close, full);
	}
}

static void stream_event(FILE *fp)
{
	if (!fp)
		return;
	int fd = fileno(fp);
	if (fd > 2 && hit(OP_WRITE))
		fill(fd);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd > 2 && hit(OP_WRITE)) {
		fill(fd);
		errno = ENOSPC;
		return -1;
	}
	return syscall(SYS_write, fd, buf, len);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	REAL(fwrite);
	stream_event(fp);
	return real_fwrite(p, size, n, fp);
}

int fputs(const char *s, FILE *fp)
{
	REAL(fputs);
	stream_event(fp);
	return real_fputs(s, fp);
}

int fputc(int c, FILE *fp)
{
	REAL(fputc);
	stream_event(fp);
	return real_fputc(c, fp);
}

int putc(int c, FILE *fp)
{
	REAL(putc);
	stream_event(fp);
	return real_putc(c, fp);
}

int vfprintf(FILE *fp, const char *fmt, va_list ap)
{
	REAL(vfprintf);
	stream_event(fp);
	return real_vfprintf(fp, fmt, ap);
}

int fprintf(FILE *fp, const char *fmt, ...)
{
	REAL(vfprintf);
	stream_event(fp);
	va_list ap;
	va_start(ap, fmt);
	int r = real_vfprintf(fp, fmt, ap);
	va_end(ap);
	return r;
}

int fflush(FILE *fp)
{
	REAL(fflush);
	stream_event(fp);
	return real_fflush(fp);
}

/* ---- sync, close, rename ---- */

int fsync(int fd)
{
	REAL(fsync);
	if (hit(OP_FSYNC)) {
		errno = EIO;
		return -1;
	}
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	if (hit(OP_FSYNC)) {
		errno = EIO;
		return -1;
	}
	return real_fdatasync(fd);
}

int close(int fd)
{
	if (fd > 2 && hit(OP_CLOSE)) {
		syscall(SYS_close, fd);
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_close, fd);
}

int fclose(FILE *fp)
{
	REAL(fclose);
	if (fp && fileno(fp) > 2 && hit(OP_CLOSE)) {
		real_fclose(fp);
		errno = EIO;
		return EOF;
	}
	return real_fclose(fp);
}

int rename(const char *from, const char *to)
{
	REAL(rename);
	if (hit(OP_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(renameat);
	if (hit(OP_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real_renameat(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	REAL(renameat2);
	if (hit(OP_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real_renameat2(fd1, from, fd2, to, flags);
}
