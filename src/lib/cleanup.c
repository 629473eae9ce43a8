/* Temporary files removed on fatal errors, exit and terminating signals (see cleanup.h). */
#include "cleanup.h"

#include "diag.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS_PER_CHUNK 64

/* A slot's buffer is only replaced while the slot is free, and never freed (a handler
 * running on another thread may still be reading it): the registry only grows, by the
 * number of files a run has pending at once. */
struct slot {
	atomic_int used;
	pid_t owner; /* a forked child does not remove its parent's files */
	char *path;
	size_t cap;
};

struct chunk {
	struct slot slot[SLOTS_PER_CHUNK];
	struct chunk *_Atomic next;
};

static struct chunk first_chunk;
static bool installed;
/* Every slot of the chunks before this one is in use: a run with n files pending at once
 * (spm-report --split-dir) registers them in linear time, not n². */
static struct chunk *scan_chunk = &first_chunk;
static int scan_base;

static const int signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ };

static void remove_registered(bool forget)
{
	pid_t self = getpid();
	for (struct chunk *c = &first_chunk; c; c = atomic_load(&c->next)) {
		for (size_t i = 0; i < SLOTS_PER_CHUNK; i++) {
			struct slot *s = &c->slot[i];
			if (atomic_load(&s->used) && s->owner == self) {
				unlink(s->path);
				if (forget)
					atomic_store(&s->used, 0);
			}
		}
	}
}

static void on_signal(int sig)
{
	remove_registered(false);
	/* Die of the same signal, with its default action, so that the parent sees it. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig); /* not reached: every one of these signals terminates */
}

static void install(void)
{
	installed = true;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		struct sigaction old;
		if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
			continue; /* ignored by whoever started us (nohup): stays ignored */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigfillset(&sa.sa_mask); /* one handler at a time */
		sigaction(signals[i], &sa, NULL);
	}
}

static void at_exit(void)
{
	remove_registered(true);
}

int cleanup_register(const char *path)
{
	size_t len = strlen(path);
	if (len >= CLEANUP_PATH_MAX)
		return -1;
	if (!installed) {
		install();
		atexit(at_exit);
	}
	struct chunk *c = scan_chunk;
	for (int base = scan_base;; base += SLOTS_PER_CHUNK) {
		for (int i = 0; i < SLOTS_PER_CHUNK; i++) {
			struct slot *s = &c->slot[i];
			if (atomic_load(&s->used))
				continue;
			scan_chunk = c;
			scan_base = base;
			if (s->cap <= len) {
				size_t cap = len + 1 < 256 ? 256 : len + 1;
				s->path = xmalloc(cap); /* the old buffer is left (see struct slot) */
				s->cap = cap;
			}
			memcpy(s->path, path, len + 1);
			s->owner = getpid();
			atomic_store(&s->used, 1);
			return base + i;
		}
		struct chunk *next = atomic_load(&c->next);
		if (!next) {
			next = xcalloc(1, sizeof *next);
			atomic_store(&c->next, next);
		}
		c = next;
	}
}

static struct slot *slot_at(int slot)
{
	if (slot < 0)
		return NULL;
	struct chunk *c = &first_chunk;
	for (int n = slot / SLOTS_PER_CHUNK; n > 0 && c; n--)
		c = atomic_load(&c->next);
	return c ? &c->slot[slot % SLOTS_PER_CHUNK] : NULL;
}

void cleanup_rename(int slot, const char *path)
{
	struct slot *s = slot_at(slot);
	size_t len = strlen(path);
	if (s && len < s->cap)
		memcpy(s->path, path, len + 1);
}

void cleanup_forget(int slot)
{
	struct slot *s = slot_at(slot);
	if (!s)
		return;
	atomic_store(&s->used, 0);
	if (slot < scan_base) {
		scan_chunk = &first_chunk;
		scan_base = 0;
	}
}

void cleanup_remove_all(void)
{
	remove_registered(true);
}
