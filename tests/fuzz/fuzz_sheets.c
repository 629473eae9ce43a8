/* The core's sheet readers (src/lib): the input's first byte picks the reader, the rest
 * is the file: 0 goal sheet (goal_sheet_read, with and without a metrics catalogue),
 * 1 roster (roster_load, every level), 2 metrics file (metric_catalog_load). A refusal
 * (exit 1 or 2 through diag) is fine; only other statuses and sanitizer reports are
 * findings. Built with src/lib only. */
#include "fuzz_main.h"

#include "goals.h"
#include "metrics.h"
#include "roster.h"

static char path[64];
static uint8_t which;

static void read_it(void *arg)
{
	(void)arg;
	switch (which % 3) {
	case 0: {
		struct goal_sheet g;
		goal_sheet_init(&g);
		struct goal_read_options o;
		memset(&o, 0, sizeof o);
		o.fiscal_start = which & 4 ? 4 : 1;
		goal_sheet_read(&g, path, &o);
		goal_sheet_sort(&g);
		goal_sheet_free(&g);
		break;
	}
	case 1: {
		struct roster r;
		roster_load(&r, path, (enum level)((which >> 2) % (LEVEL_COUNT + 1)));
		roster_free(&r);
		break;
	}
	default: {
		struct metric_catalog c;
		metric_catalog_load(&c, path);
		metric_catalog_free(&c);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	if (size < 1 || size > 16 * 1024)
		return 0;
	which = data[0];
	fuzz_file(&fd, path, data + 1, size - 1);
	fuzz_run(read_it, NULL);
	return 0;
}
