/* spm-score's plan reader (src/spm-score/plan.c) through spm-score itself: the input is
 * the plan file of `spm-score --plan INPUT --plan-name marginal` over a fixed progress
 * stream. Only the documented exit statuses (0, 1, 2) and no sanitizer report. Built
 * with the sources of spm-score (-Dmain=program_main) and src/lib; see fuzz_main.h, run.sh. */
#define FUZZ_PROGRAM 1
#include "fuzz_main.h"

static const char progress[] =
	"owner\tperiod\tmetric\tactual\ttarget\tattainment\tweight\n"
	"Ana\t2026-Q1\twin_rate\t0.5500\t0.5000\t1.1000\t1\n"
	"Ana\t2026-Q1\twon_revenue\t172000.00\t100000.00\t1.7200\t2\n"
	"Ben\t2026-Q1\twon_revenue\t60000.00\t100000.00\t0.6000\t2\n"
	"Dev\t2026-Q1\twin_rate\t\t0.5000\t\t1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd_in = -1, fd_progress = -1;
	static char in[64], prog[64];
	if (size > 16 * 1024)
		return 0;
	if (fd_progress < 0)
		fuzz_file(&fd_progress, prog, progress, sizeof progress - 1);
	fuzz_file(&fd_in, in, data, size);
	const char *args[] = { "spm-score", "-q", "--plan", in, "--plan-name", "marginal", "-o", "/dev/null", prog, NULL };
	fuzz_main(args);
	return 0;
}
