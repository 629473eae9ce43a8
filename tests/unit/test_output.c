/* Unit tests for the commit of outputs (src/lib/output.c): files written through a folder's
 * descriptor (spm-report --split-dir) are renamed into place with the -o output, all or
 * none; a failed rename puts back every file already replaced. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "diag.h"
#include "output.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/spm-test-output-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(int dfd, const char *name, const char *text)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static char *get(int dfd, const char *name)
{
	static char buf[256];
	int fd = openat(dfd, name, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* A temporary file NAME.tmp holding text, handed to the commit as NAME. */
static void pend(int dfd, const char *name, const char *text)
{
	char tmp[64], full[160];
	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	put(dfd, tmp, text);
	snprintf(full, sizeof full, "%s/%s", dir, tmp);
	output_pending_at(dfd, dir, strdup(tmp), strdup(name), cleanup_register(full));
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_commit_renames_all(void **state)
{
	(void)state;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	put(dfd, "a.md", "old a");
	pend(dfd, "a.md", "new a");
	pend(dfd, "b.md", "new b");
	output_commit();
	assert_string_equal(get(dfd, "a.md"), "new a");
	assert_string_equal(get(dfd, "b.md"), "new b");
	assert_int_equal(entries(), 2); /* no temporary file, no backup left */
	close(dfd);
}

static void test_failed_rename_puts_everything_back(void **state)
{
	(void)state;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	put(dfd, "a.md", "old a");
	/* the second file's place is taken by a folder that is not empty: its rename fails */
	assert_int_equal(mkdirat(dfd, "b.md", 0755), 0);
	put(dfd, "b.md/keep", "x");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fclose(stderr); /* the child's message is not the test's output */
		pend(dfd, "a.md", "new a");
		pend(dfd, "b.md", "new b");
		pend(dfd, "c.md", "new c");
		output_commit();
		_exit(0); /* not reached: the commit fails */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SPM_EXIT_USAGE);
	assert_string_equal(get(dfd, "a.md"), "old a"); /* replaced, then put back */
	assert_null(get(dfd, "c.md"));                  /* never there */
	assert_int_equal(entries(), 2);                  /* a.md and the folder b.md only */
	close(dfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_renames_all, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_failed_rename_puts_everything_back, make_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
