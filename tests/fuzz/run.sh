#!/bin/sh
# Builds every fuzz harness with clang + libFuzzer (ASan + UBSan) into build/fuzz/ and runs
# each for FUZZ_SECONDS seconds (default 30), one after the other, starting from the seed
# corpus in tests/fuzz/corpus/NAME (copied to build/fuzz/corpus/NAME, which keeps growing).
# `make fuzz` runs them all. With FUZZ_REGRESS=1 (`make check`), each harness only runs
# every file of its seed corpus once (a harness is rebuilt only when a source changed).
# Usage, from anywhere in the repo:
#   sh tests/fuzz/run.sh [NAME...]        NAME: csv tsv decimal period sheets plan ledger
#                                         mapping streams (default: all)
# Environment: FUZZ_SECONDS, CLANG (default clang), FUZZ_OUT (default build/fuzz, relative
#   to the top of the repo or absolute), FUZZ_FLAGS (extra libFuzzer flags),
#   FUZZ_DEFINES (extra -D flags, e.g. -DFUZZ_PERIOD_LENIENT_EDGES, see README.md).
# Exits 1 if a harness found a crash, a sanitizer report or a differential mismatch; the
# input that did it is left in build/fuzz/NAME/ (crash-*, timeout-*, oom-*, leak-*).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
seconds=${FUZZ_SECONDS:-30}
clang=${CLANG:-clang}
out=${FUZZ_OUT:-build/fuzz}
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Isrc/lib ${FUZZ_DEFINES:-}"

if ! command -v "$clang" >/dev/null 2>&1; then
	if [ "${FUZZ_REGRESS:-0}" = 1 ]; then
		echo "fuzz: $clang not found, seed corpora not run (apt-get install clang)"
		exit 0
	fi
	echo "fuzz: $clang not found (apt-get install clang)" >&2
	exit 2
fi
if [ "${FUZZ_REGRESS:-0}" = 1 ] && ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
	"$clang" -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1; then
	echo "fuzz: no libFuzzer for $clang, seed corpora not run (apt-get install libclang-rt-14-dev)"
	exit 0
fi
if [ $# -eq 0 ]; then set -- csv tsv decimal period sheets plan ledger mapping streams; fi
regress=${FUZZ_REGRESS:-0}
mkdir -p "$out"
failed=0
fuzz_passed=0 fuzz_failed=0 # harnesses, for make check's totals
for name in "$@"; do
	src=tests/fuzz/fuzz_$name.c
	if [ ! -f "$src" ]; then
		echo "fuzz: no harness $src" >&2
		exit 2
	fi
	# fuzz_decimal.c includes decimal.c itself (to reach its static parsers), and needs only
	# lib/wide.c beside it (decimal_mul and decimal_div past 128 bits); the harnesses
	# of program-private readers are built with the program's sources, its main renamed.
	lib=$(ls src/lib/*.c)
	extra=
	case $name in
	decimal) lib=src/lib/wide.c ;;
	plan | ledger) extra="-DFUZZ_PROGRAM -Dmain=program_main $(ls src/spm-score/*.c) -lm" ;;
	mapping) extra="-DFUZZ_PROGRAM -Dmain=program_main $(ls src/spm-track/*.c)" ;;
	streams) extra="-DFUZZ_PROGRAM -Dmain=program_main $(ls src/spm-report/*.c) -lm -lxlsxwriter" ;;
	esac
	# the readers that refuse bad input end the run without freeing (fuzz_main.h): no
	# leak detection there; their messages (stderr) are not shown
	case $name in
	sheets | plan | ledger | mapping | streams) leaks=0 quiet=-close_fd_mask=2 ;;
	*) leaks=1 quiet= ;;
	esac
	bin_out=$out/fuzz_$name
	stale=1
	if [ -x "$bin_out" ] && [ -z "$(find "$src" tests/fuzz/fuzz_main.h src -newer "$bin_out" -name '*.[ch]' 2>/dev/null | head -n 1)" ]; then
		stale=0
	fi
	if [ "$stale" = 1 ]; then
		echo "fuzz: building $bin_out"
		# shellcheck disable=SC2086
		if ! "$clang" $cflags "$src" $lib $extra -lcsv -pthread -o "$bin_out"; then
			echo "fuzz: cannot build $src (libFuzzer: apt-get install libclang-rt-14-dev)" >&2
			exit 2
		fi
	fi
	if [ "$regress" = 1 ]; then
		# shellcheck disable=SC2086
		if (set +f; ASAN_OPTIONS=detect_leaks=$leaks "$bin_out" $quiet tests/fuzz/corpus/$name/*) >"$out/$name.regress.log" 2>&1; then
			echo "fuzz: $name: $(find "tests/fuzz/corpus/$name" -type f | wc -l | tr -d ' ') seed inputs, no finding"
			fuzz_passed=$((fuzz_passed + 1))
		else
			failed=1
			fuzz_failed=$((fuzz_failed + 1))
			echo "fuzz: $name: FAILED on its seed corpus; log: $out/$name.regress.log" >&2
			grep -E -A12 'ERROR: |SUMMARY|fuzz' "$out/$name.regress.log" | head -30 >&2
		fi
		continue
	fi
	corpus=$out/corpus/$name
	mkdir -p "$corpus" "$out/$name"
	if [ -d "tests/fuzz/corpus/$name" ]; then cp "tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null; fi
	echo "fuzz: running fuzz_$name for ${seconds}s"
	# shellcheck disable=SC2086
	(cd "$out/$name" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=$leaks} \
		../fuzz_$name -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
		-print_final_stats=1 $quiet ${FUZZ_FLAGS:-} ../corpus/$name) >"$out/$name.log" 2>&1
	status=$?
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$name.log" | sed "s/^/fuzz: $name: /"
	if [ $status -ne 0 ]; then
		failed=1
		echo "fuzz: $name FAILED (status $status); log: $out/$name.log" >&2
		grep -E -A12 'MISMATCH|fuzz_[a-z]+: |ERROR: |SUMMARY' "$out/$name.log" | head -40 >&2
		ls "$out/$name" >&2
	else
		echo "fuzz: $name: no finding"
	fi
done
if [ "$regress" = 1 ]; then
	[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}fuzz $fuzz_passed $fuzz_failed" >>"$CHECK_TALLY" # make check's totals
fi
exit $failed
