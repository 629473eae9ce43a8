#!/bin/sh
# Runs every CLI case under tests/cli/PROGRAM/CASE (spm-track, spm-goal, spm-score,
# spm-report: the program the case is about): each folder holds `cmd` (a shell command run in
# that folder with the programs of BINDIR first on PATH), and the expected `out`, `err` and
# `status` (absent files mean empty output and status 0). Usage: run.sh BINDIR [PROGRAM/CASE | PROGRAM ...]
set -u
bindir=$(cd "${1:?usage: run.sh BINDIR [CASE...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/spm-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
pass=0 fail=0
if [ $# -eq 0 ]; then set -- "$here"/spm-*/*/; fi
# A program's folder stands for all of its cases.
for arg in "$@"; do
	case $arg in /*) ;; *) arg="$here/$arg" ;; esac
	arg=${arg%/}
	if [ -f "$arg/cmd" ]; then printf '%s\n' "$arg"; else for d in "$arg"/*/; do printf '%s\n' "${d%/}"; done; fi
done >"$work/list"
while IFS= read -r dir; do
	name=$(basename "$(dirname "$dir")")/$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	(cd "$dir" && env -u SPM_FISCAL_START -u SPM_AS_OF LC_ALL=C.UTF-8 TZ=UTC \
		PATH="$bindir:$PATH" sh ./cmd >"$work/out" 2>"$work/err" </dev/null)
	echo $? >"$work/status"
	ok=1
	for f in out err; do
		if [ -f "$dir/$f" ]; then exp="$dir/$f"; else exp=/dev/null; fi
		if ! cmp -s "$exp" "$work/$f"; then
			ok=0
			echo "--- $name: $f differs" >&2
			diff "$exp" "$work/$f" | head -20 >&2
		fi
	done
	want=0
	[ -f "$dir/status" ] && want=$(cat "$dir/status")
	if [ "$(cat "$work/status")" != "$want" ]; then
		ok=0
		echo "--- $name: exit status $(cat "$work/status"), expected $want" >&2
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi
done <"$work/list"
echo "cli: $pass passed, $fail failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}cli $pass $fail" >>"$CHECK_TALLY" # make check's totals
[ $fail -eq 0 ]
