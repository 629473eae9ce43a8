#!/bin/sh
# Browser test of spm-report's HTML: headless Chromium loads reports from files and
#  1. the DOM has the charts: one SVG bar (rect.bar) per owner with the 100 % line, and a
#     sparkline per owner when several periods are present;
#  2. a screenshot is a PNG of a non-trivial size;
#  3. no script from the data ran: owners named <script>…</script>, <img onerror=…> and
#     " onmouseover=… would set document.title to PWNED and mark <html data-pwned> if
#     they ran; the dumped DOM shows the title unchanged, no mark, no <script> or <img>
#     element, and the names as text. The same holds with the report's
#     Content-Security-Policy removed, so it is the escaping that stops them.
# Usage: tests/browser/run.sh BINDIR. Skips (exit 0) when no Chromium is installed.
set -u
bindir=$(cd "${1:?usage: run.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
	echo "browser: skipped (no chromium installed; apt-get install chromium)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/spm-browser.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
pass=0 fail=0
check() { # check NAME COMMAND...: one assertion
	name=$1
	shift
	if "$@"; then pass=$((pass + 1)); echo "ok: $name"; else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi
}
run_browser() { # run_browser OUT ARGS...: headless Chromium, its chatter on stderr dropped
	out=$1
	shift
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--hide-scrollbars --user-data-dir="$work/profile" "$@" >"$out" 2>"$work/chromium.log"
}

data="$here/scores.tsv"
"$bindir/spm-report" -f html --as-of 2026-11-26 "$data" >"$work/board.html" || exit 1
# the same report without its Content-Security-Policy: escaping alone must hold
grep -v 'Content-Security-Policy' "$work/board.html" >"$work/board-nocsp.html"

owners=$(awk -F'\t' 'NR > 1 && $2 == "2026-Q4"' "$data" | wc -l)
for page in board board-nocsp; do
	run_browser "$work/$page.dom" --virtual-time-budget=3000 --dump-dom "file://$work/$page.html"
	dom="$work/$page.dom"
	check "$page: DOM dumped" test -s "$dom"
	check "$page: one bar per owner ($owners)" test "$(grep -o '<rect class="bar[^"]*"' "$dom" | wc -l)" -eq "$owners"
	check "$page: the 100 % line on every bar" test "$(grep -o '<line class="target"' "$dom" | wc -l)" -eq "$owners"
	check "$page: a sparkline per owner" test "$(grep -o '<polyline class="spark"' "$dom" | wc -l)" -eq "$owners"
	check "$page: no script element" test "$(grep -ci '<script' "$dom")" -eq 0
	check "$page: no img element" test "$(grep -ci '<img' "$dom")" -eq 0
	check "$page: no onmouseover attribute" test "$(grep -c '<[a-z][^>]* onmouseover=' "$dom")" -eq 0
	check "$page: title unchanged" grep -q '<title>Leaderboard — 2026-Q4</title>' "$dom"
	check "$page: nothing marked by a script" test "$(grep -c '<html[^>]*data-pwned' "$dom")" -eq 0
	check "$page: quote name shown as text" grep -q '<bdi>" onmouseover="alert(3)" x="</bdi>' "$dom"
	check "$page: script name shown as text" grep -q '&lt;script&gt;document.title=' "$dom"
	check "$page: img name shown as text" grep -q '&lt;img src=x onerror=' "$dom"
done

# control: the same canary added as a real script does run and is caught by the checks
grep -v 'Content-Security-Policy' "$work/board.html" |
	sed 's|</body>|<script>document.title="PWNED";document.documentElement.setAttribute("data-pwned","control")</script></body>|' \
	>"$work/control.html"
run_browser "$work/control.dom" --virtual-time-budget=3000 --dump-dom "file://$work/control.html"
check "control: a script that is really there runs and is seen" grep -q '<html[^>]*data-pwned="control"' "$work/control.dom"

run_browser "$work/shot.log" --window-size=1200,900 --screenshot="$work/board.png" "file://$work/board.html"
png="$work/board.png"
check "screenshot written" test -s "$png"
check "screenshot is a PNG" test "$(od -An -tx1 -N8 "$png" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a
size=$(wc -c <"$png" 2>/dev/null || echo 0)
check "screenshot of a non-trivial size ($size bytes)" test "$size" -gt 20000
width=$(od -An -tu1 -j16 -N4 "$png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
check "screenshot 1200 pixels wide" test "${width:-0}" -eq 1200

echo "browser: $pass passed, $fail failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}browser $pass $fail" >>"$CHECK_TALLY" # make check's totals
[ "$fail" -eq 0 ]
