#!/bin/sh
# Browser test of spm-report's HTML: headless Chromium loads reports from files and
#  1. the DOM has the charts: one SVG bar (rect.bar) per owner with the 100 % line, and a
#     sparkline per owner when several periods are present;
#  2. a screenshot is a PNG of a non-trivial size;
#  3. no script from the data ran: owners named <script>…</script>, <img onerror=…> and
#     " onmouseover=… would set document.title to PWNED and mark <html data-pwned> if
#     they ran; the dumped DOM shows the title unchanged, no mark, no <script> or <img>
#     element, and the names as text. The same holds with the report's
#     Content-Security-Policy removed, so it is the escaping that stops them;
#  4. layout: every HTML kind (leaderboard, progress, scorecard, team, statement, feedback,
#     review) on the Maven sample, at 1200 px and at a phone's 390 px: a screenshot of each
#     (kept as artefacts in build/browser/, or $SPM_BROWSER_ARTEFACTS), and a measurement in
#     the page (a copy with a small script added and the policy removed) that no table cell
#     holding a number or a period label wraps onto a second line, and that at 390 px the
#     page itself is no wider than the phone (a wide table scrolls in its own box).
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

# ---- layout: every kind at 1200 px and 390 px ----
artefacts=${SPM_BROWSER_ARTEFACTS:-$here/../../build/browser}
mkdir -p "$artefacts"
artefacts=$(cd "$artefacts" && pwd)
cli="$here/../cli/data"
"$bindir/spm-score" -q --roster "$cli/maven-roster.tsv" --group region "$cli/score-maven-inperiod-progress.tsv" \
	>"$work/scores.tsv" || exit 1
"$bindir/spm-score" -q --plan "$cli/payout-maven-plan.tsv" --plan-name maven --roster "$cli/maven-roster.tsv" \
	"$cli/score-maven-inperiod-progress.tsv" >"$work/payouts.tsv" || exit 1
mid="$cli/score-maven-inperiod-progress.tsv $work/scores.tsv"
attr() { printf '%s\n' "$tag" | sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p"; }
cat >"$work/measure.js" <<'EOF'
(function () {
	var bad = [], cells = document.querySelectorAll("td.num, td.period");
	cells.forEach(function (td) { /* the lines of a cell's text: distinct tops of its boxes */
		var range = document.createRange();
		range.selectNodeContents(td);
		var rects = range.getClientRects(), tops = [];
		for (var i = 0; i < rects.length; i++) if (rects[i].width > 0) tops.push(rects[i].top);
		tops.sort(function (a, b) { return a - b; });
		var lines = tops.length ? 1 : 0;
		for (var k = 1; k < tops.length; k++) if (tops[k] - tops[k - 1] > 4) lines++;
		if (lines > 1) bad.push(td.textContent);
	});
	var e = document.documentElement, found = {
		"data-cells": String(cells.length),
		"data-wrapped": String(bad.length),
		"data-wrapped-text": bad.slice(0, 5).join(" / ").replace(/"/g, ""),
		"data-width": String(window.innerWidth),
		"data-overflow": String(Math.max(0, e.scrollWidth - window.innerWidth))
	};
	for (var k in found) e.setAttribute(k, found[k]);
	if (window.parent !== window) window.parent.postMessage(found, "*");
})();
EOF
for kind in leaderboard progress scorecard team statement feedback review; do
	case $kind in
	statement) set -- "$work/payouts.tsv" ;;
	review) set -- --period 2017-Q3 --goals "$cli/report-maven-goals.tsv" --as-of 2017-11-15 \
		"$cli/report-maven-progress.tsv" "$cli/report-maven-scores.tsv" "$cli/report-maven-payouts.tsv" ;;
	# shellcheck disable=SC2086
	*) set -- $mid ;;
	esac
	"$bindir/spm-report" -k "$kind" -f html "$@" >"$work/$kind.html" || { check "$kind: report written" false; continue; }
	# the measuring copy: no policy, a script that marks the <html> element with what it found
	grep -v 'Content-Security-Policy' "$work/$kind.html" |
		awk -v js="$work/measure.js" '/<\/body>/ { print "<script>"; while ((getline l < js) > 0) print l; close(js); print "</script>" } { print }' \
		>"$work/$kind-measure.html"
	for width in 1200 390; do
		shot="$artefacts/$kind-$width.png"
		rm -f "$shot"
		# headless Chromium lays out no narrower than 500 px: the phone is a 390 px frame
		page="$work/$kind-measure.html" window=$width
		if [ "$width" = 390 ]; then
			page="$work/$kind-phone.html" window=500
			printf '%s\n' '<!DOCTYPE html><html><body style="margin:0">' \
				"<iframe src=\"$kind-measure.html\" style=\"border:0;width:390px;height:900px\"></iframe>" \
				'<script>addEventListener("message", function (m) { for (var k in m.data)' \
				'document.documentElement.setAttribute(k, m.data[k]); });</script></body></html>' >"$page"
		fi
		run_browser "$work/$kind-$width.dom" --window-size="$window,900" --virtual-time-budget=5000 --dump-dom \
			--screenshot="$shot" "file://$page"
		tag=$(grep -o '<html[^>]*>' "$work/$kind-$width.dom" | head -n 1)
		cells=$(attr data-cells) wrapped=$(attr data-wrapped) seen=$(attr data-width) over=$(attr data-overflow)
		check "$kind at $width px: measured (${cells:-no} number and period cells)" test -n "$cells"
		check "$kind at $width px: laid out $width px wide" test "$seen" = "$width"
		check "$kind at $width px: no number or period label wraps ($(attr data-wrapped-text))" test "$wrapped" = 0
		if [ "$width" = 390 ]; then
			check "$kind at 390 px: the page is no wider than the phone (over by ${over:-?} px)" test "$over" = 0
		fi
		check "$kind at $width px: screenshot" test -s "$shot"
	done
done
echo "browser: screenshots in $artefacts"

echo "browser: $pass passed, $fail failed"
[ -z "${CHECK_TALLY:-}" ] || echo "${CHECK_PREFIX:-}browser $pass $fail" >>"$CHECK_TALLY" # make check's totals
[ "$fail" -eq 0 ]
