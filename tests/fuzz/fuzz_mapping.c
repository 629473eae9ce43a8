/* spm-track's mapping-file reader (--map FILE: canonical column -> export column)
 * through spm-track itself, over a fixed CSV export. Only the documented exit statuses
 * and no sanitizer report. Built with the sources of src/spm-track/ (-Dmain=program_main). */
#define FUZZ_PROGRAM 1
#include "fuzz_main.h"

static const char export[] =
	"sales_agent,deal_stage,close_value,close_date,engage_date,opportunity_id\n"
	"Ana,Won,1200.50,2026-02-10,2026-01-05,o1\n"
	"Ben,Lost,300,2026-03-01,2026-02-01,o2\n"
	"Ana,Engaging,,2026-03-15,2026-03-01,o3\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd_in = -1, fd_export = -1;
	static char in[64], ex[64];
	if (size > 16 * 1024)
		return 0;
	if (fd_export < 0)
		fuzz_file(&fd_export, ex, export, sizeof export - 1);
	fuzz_file(&fd_in, in, data, size);
	const char *args[] = { "spm-track", "-q", "--csv", "--map", in, "--grain", "quarter", "-o", "/dev/null", ex, NULL };
	fuzz_main(args);
	return 0;
}
