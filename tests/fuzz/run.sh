#!/bin/sh
# Builds every fuzz harness with clang + libFuzzer (ASan + UBSan) into build/fuzz/ and runs
# each for FUZZ_SECONDS seconds (default 30), one after the other, starting from the seed
# corpus in tests/fuzz/corpus/NAME (copied to build/fuzz/corpus/NAME, which keeps growing).
# Not part of `make check`. Usage, from anywhere in the repo:
#   sh tests/fuzz/run.sh [NAME...]        NAME: csv tsv decimal period (default: all)
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
	echo "fuzz: $clang not found (apt-get install clang)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then set -- csv tsv decimal period; fi
mkdir -p "$out"
failed=0
for name in "$@"; do
	src=tests/fuzz/fuzz_$name.c
	if [ ! -f "$src" ]; then
		echo "fuzz: no harness $src" >&2
		exit 2
	fi
	# fuzz_decimal.c includes decimal.c itself (to reach its static parsers).
	case $name in
	decimal) lib= ;;
	*) lib=$(ls src/lib/*.c) ;;
	esac
	echo "fuzz: building $out/fuzz_$name"
	# shellcheck disable=SC2086
	if ! "$clang" $cflags "$src" $lib -lcsv -pthread -o "$out/fuzz_$name"; then
		echo "fuzz: cannot build $src (libFuzzer: apt-get install libclang-rt-14-dev)" >&2
		exit 2
	fi
	corpus=$out/corpus/$name
	mkdir -p "$corpus" "$out/$name"
	if [ -d "tests/fuzz/corpus/$name" ]; then cp "tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null; fi
	echo "fuzz: running fuzz_$name for ${seconds}s"
	# shellcheck disable=SC2086
	(cd "$out/$name" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
		../fuzz_$name -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
		-print_final_stats=1 ${FUZZ_FLAGS:-} ../corpus/$name) >"$out/$name.log" 2>&1
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
exit $failed
