#!/bin/sh
# Signals mid-write (part of make check): every program, writing its outputs (-o,
# --reject, --split-dir), is stopped at its first write to a temporary file (the shim
# of tests/fault/fault.c with FAULT_STOP), sent SIGTERM, SIGINT, SIGHUP, SIGPIPE or
# SIGQUIT, and let go on. Each run must die of that signal (status 128 + N), remove its
# temporary files (FILE.XXXXXX, and --split-dir's .NAME.N.tmp) and leave the old outputs byte-identical. The handler is
# the core's (src/lib/cleanup.c, registered through output.c).
# Prints "signals: N passed, N failed". Usage: tests/fault/signals.sh BINDIR
set -u
bindir=$(cd "${1:?usage: signals.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/spm-signals.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
LC_ALL=C.UTF-8
export LC_ALL
unset FAULT_OP FAULT_N FAULT_STATE FAULT_PROG FAULT_LOG FAULT_KILL FAULT_STOP
shim="$work/fault.so"
${CC:-cc} -std=gnu11 -O2 -shared -fPIC -o "$shim" "$here/fault.c" -ldl || exit 2
pass=0
fail=0
# A background job of a non-interactive shell starts with SIGINT and SIGQUIT ignored (and
# a program keeps an ignored signal ignored): env(1) gives them their default action back.
if env --default-signal=INT true 2>/dev/null; then
	launch() { exec env --default-signal=INT,QUIT "$@"; }
	sigs='TERM INT HUP PIPE QUIT'
else
	launch() { exec "$@"; }
	sigs='TERM HUP PIPE'
	echo "signals: env --default-signal missing (coreutils < 8.31): SIGINT and SIGQUIT not tested"
fi
in="$work/in"
mkdir -p "$in"
cp "$top"/examples/*.tsv "$top/tests/cli/data/dirty.csv" "$in"/
"$bindir/gen-deals" -n 300 -r 8 -s 42 -o "$in/deals.csv"
(cd "$in" && "$bindir/spm-track" -q --map salesforce --roster roster.tsv --metrics-file metrics.tsv \
	--goals goals.tsv --as-of 2026-08-22 -o progress.tsv deals.csv &&
	"$bindir/spm-score" -q -o scores.tsv progress.tsv) || exit 2

stopped() { # stopped PID: whether PID is stopped (state T)
	[ "$(cut -d ' ' -f 3 "/proc/$1/stat" 2>/dev/null || ps -o stat= -p "$1" 2>/dev/null | cut -c 1)" = T ]
}

# case NAME OUTPUTS COMMAND...: OUTPUTS (files, or folders) get old contents first.
case_() {
	name=$1 outs=$2
	shift 2
	for sig in $sigs; do
		rm -rf "$work/run"
		cp -R "$in" "$work/run"
		cd "$work/run" || exit 2
		for o in $outs; do
			case $o in
			*/) mkdir -p "$o" && echo old >"${o}old.md" ;;
			*) echo old >"$o" ;;
			esac
		done
		before=$(find . -type f | LC_ALL=C sort | while IFS= read -r f; do printf '%s %s\n' "$f" "$(cksum <"$f")"; done)
		FAULT_OP=write FAULT_N=1 FAULT_STOP=1 FAULT_PROG=${1##*/} FAULT_STATE="$work/state" LD_PRELOAD="$shim" \
			launch "$@" >/dev/null 2>"$work/err" &
		pid=$!
		n=0
		until stopped "$pid"; do
			n=$((n + 1))
			[ "$n" -lt 300 ] || break
			sleep 0.05
		done
		tmp=$(find . \( -name '*.??????' -o -name '.*.tmp' \) | wc -l | tr -d ' ')
		kill -s "$sig" "$pid"
		kill -s CONT "$pid"
		wait "$pid"
		st=$?
		rm -f "$work/state"
		case $sig in HUP) num=1 ;; INT) num=2 ;; QUIT) num=3 ;; PIPE) num=13 ;; *) num=15 ;; esac
		after=$(find . -type f | LC_ALL=C sort | while IFS= read -r f; do printf '%s %s\n' "$f" "$(cksum <"$f")"; done)
		cd "$work" || exit 2
		if [ "$tmp" -gt 0 ] && [ "$st" = $((128 + num)) ] && [ "$before" = "$after" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: signals: $name, SIG$sig mid-write: exit $st (want $((128 + num))), temporary files when stopped: $tmp, files after: $(printf '%s\n' "$after" | cut -d ' ' -f 1 | tr '\n' ' ') $(cat "$work/err")" >&2
		fi
	done
}

case_ spm-track 'actuals.tsv rejects.tsv' "$bindir/spm-track" -q --map salesforce --roster roster.tsv \
	--metrics won_revenue --reject rejects.tsv -o actuals.tsv dirty.csv
case_ spm-goal 'split.tsv' "$bindir/spm-goal" split -q --into month --metrics metrics.tsv -o split.tsv goals.tsv
case_ spm-score 'scores2.tsv' "$bindir/spm-score" -q -o scores2.tsv progress.tsv
case_ spm-report 'index.tsv feedback/' "$bindir/spm-report" -k feedback -f markdown -o index.tsv \
	--split-dir feedback progress.tsv scores.tsv
echo "signals: $pass passed, $fail failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}signals $pass $fail" >>"$CHECK_TALLY" # make check's totals
[ "$fail" -eq 0 ]
