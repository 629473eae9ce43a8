/* spm-score's --against ledger reader (payouts already paid) through spm-score itself:
 * `spm-score --plan PLAN --plan-name marginal --against INPUT` over a fixed plan and
 * progress stream. Only the documented exit statuses and no sanitizer report. */
#define FUZZ_PROGRAM 1
#include "fuzz_main.h"

static const char plan[] =
	"plan\tmetric\trule\tlower\tupper\trate\n"
	"marginal\twon_revenue\trate\t0\t1\t0.05\n"
	"marginal\twon_revenue\trate\t1\t1.5\t0.08\n"
	"marginal\twon_revenue\trate\t1.5\t-\t0.12\n";
static const char progress[] =
	"owner\tperiod\tmetric\tactual\ttarget\tattainment\tweight\n"
	"Ana\t2026-Q1\twon_revenue\t172000.00\t100000.00\t1.7200\t2\n"
	"Ben\t2026-Q1\twon_revenue\t120000.00\t100000.00\t1.2000\t2\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd_in = -1, fd_plan = -1, fd_progress = -1;
	static char in[64], pl[64], prog[64];
	if (size > 16 * 1024)
		return 0;
	if (fd_plan < 0) {
		fuzz_file(&fd_plan, pl, plan, sizeof plan - 1);
		fuzz_file(&fd_progress, prog, progress, sizeof progress - 1);
	}
	fuzz_file(&fd_in, in, data, size);
	const char *args[] = { "spm-score", "-q", "--plan", pl, "--plan-name", "marginal", "--against", in,
			       "-o", "/dev/null", prog, NULL };
	fuzz_main(args);
	return 0;
}
