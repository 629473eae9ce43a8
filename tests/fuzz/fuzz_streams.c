/* The stream readers of spm-report (src/spm-report/data.c): the input's first byte picks
 * the stream, the rest is the file: 0 scores (leaderboard), 1 progress (progress
 * report), 2 payouts (statements), 3 progress and scores together (feedback). Only the
 * documented exit statuses and no sanitizer report. Built with the sources of spm-report. */
#define FUZZ_PROGRAM 1
#include "fuzz_main.h"

static const char scores[] =
	"owner\tperiod\tscore\trank\tpercentile\ttier\n"
	"Ana\t2026-Q1\t0.9000\t1\t1.0000\tgold\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd_in = -1, fd_scores = -1;
	static char in[64], sc[64];
	if (size < 1 || size > 16 * 1024)
		return 0;
	if (fd_scores < 0)
		fuzz_file(&fd_scores, sc, scores, sizeof scores - 1);
	fuzz_file(&fd_in, in, data + 1, size - 1);
	static const char *const kinds[] = { "leaderboard", "progress", "statement", "feedback" };
	int k = data[0] % 4;
	const char *args[] = { "spm-report", "-k", kinds[k], "-f", k == 2 ? "markdown" : "json", "--as-of", "2026-02-15",
			       "-o", "/dev/null", in, k == 3 ? sc : NULL, NULL };
	fuzz_main(args);
	return 0;
}
