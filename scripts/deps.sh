#!/bin/sh
# Checks the build dependencies (libcsv; libxlsxwriter for spm-report -f xlsx; cmocka, jq, python3, sqlite3,
# python3-openpyxl and GNU parallel for tests) and installs the missing
# Debian packages when run as root, or prints the exact command to run.
# Usage: deps.sh build|test
set -u
need=""
have_header() {
	printf '#include <%s>\nint main(void){return 0;}\n' "$1" |
		${CC:-cc} -x c - -o /dev/null -c >/dev/null 2>&1
}
have_header csv.h || need="$need libcsv-dev"
have_header xlsxwriter.h || need="$need libxlsxwriter-dev" # spm-report -f xlsx
if [ "${1:-build}" = test ]; then
	printf '#include <stdarg.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <setjmp.h>\n#include <cmocka.h>\nint main(void){return 0;}\n' |
		${CC:-cc} -x c - -o /dev/null -c >/dev/null 2>&1 || need="$need libcmocka-dev"
	command -v jq >/dev/null 2>&1 || need="$need jq" # the JSON reports are checked with jq
	command -v parallel >/dev/null 2>&1 || need="$need parallel" # the scale-out recipes (tests/scripts/scale.sh)
	command -v python3 >/dev/null 2>&1 || need="$need python3" # payouts checked against exact fractions
	command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3" # overlapping exports deduplicated independently
	# the workbooks are read back with openpyxl (tests/scripts/check-xlsx)
	python3 -c 'import openpyxl' >/dev/null 2>&1 || /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 ||
		need="$need python3-openpyxl"
fi
command -v "${CC:-cc}" >/dev/null 2>&1 || need="$need gcc"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$need" >&2
	apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >&2 && exit 0
	echo "deps: apt-get failed" >&2
	exit 1
fi
echo "deps: missing$need; install them with:" >&2
echo "    sudo apt-get install -y$need" >&2
exit 1
