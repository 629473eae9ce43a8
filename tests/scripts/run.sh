#!/bin/sh
# Runs the tests of the automation around the programs: spm-weekly and spm-quarter-close
# end to end on the demo data (weekly.sh, weekly-periods.sh, quarter-close.sh), the examples (examples.sh),
# mail (mail.sh), shell completions (completion.sh), make install and uninstall (install.sh) and the
# lint of the scripts (lint.sh), that no stream column name is a string literal outside
# src/lib/stream.c (columns.sh), and scale (scale.sh: --reject on threads, --partial and
# the GNU parallel recipes), and the Spark driver on a stand-in for PySpark (spark.sh). Each test file counts its assertions; this prints
# "scripts: N passed, N failed" and exits 1 when one failed.
# Usage: tests/scripts/run.sh BINDIR [TEST...]   (TEST: weekly, quarter-close, money, ...)
set -u
bindir=$(cd "${1:?usage: run.sh BINDIR [TEST...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scripts="$top/scripts"
work=$(mktemp -d "${TMPDIR:-/tmp}/spm-scripts.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
# the programs under test first; the environment of a cron job: no as-of, no fiscal start
PATH="$bindir:$PATH"
export PATH
unset SPM_AS_OF SPM_FISCAL_START
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

pass=0
fail=0
. "$here/lib.sh"
if [ $# -eq 0 ]; then set -- lint columns examples weekly weekly-periods mail quarter-close lock completion install crediting money scale spark; fi
for t in "$@"; do
	suite=$t
	before=$((pass + fail))
	mkdir -p "$work/$t"
	. "$here/$t.sh"
	echo "$t: $((pass + fail - before)) checks"
done
echo "scripts: $pass passed, $fail failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}scripts $pass $fail" >>"$CHECK_TALLY" # make check's totals
[ "$fail" -eq 0 ]
