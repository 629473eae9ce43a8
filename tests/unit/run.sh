#!/bin/sh
# Runs the cmocka unit test programs given as arguments. Their own output (cmocka prints
# "[  PASSED  ] N test(s)." on stderr) goes straight to the terminal; a program fails when
# it exits non-zero or cannot be run. Ends with "unit: N passed, N failed" (N = programs)
# and exits 1 if any program failed.
# Usage: sh tests/unit/run.sh build/tests/test_decimal build/tests/test_period ...
passed=0
failed=0
for t in "$@"; do
	if [ ! -x "$t" ]; then
		echo "unit: $t: not an executable test program" >&2
		failed=$((failed + 1))
		continue
	fi
	"$t"
	status=$?
	if [ "$status" -eq 0 ]; then
		passed=$((passed + 1))
	else
		echo "unit: $t: FAILED (exit status $status)" >&2
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}unit $passed $failed" >>"$CHECK_TALLY" # make check's totals
[ "$failed" -eq 0 ]
