# Helpers of the script tests (sourced by tests/scripts/*.sh through run.sh): assertions
# that count, and the demo data every test starts from: examples/ copied into a fresh
# folder with the export that scripts/demo.sh generates (gen-deals -n 2000 -r 8 -s 42).
# run.sh sets: top (the source tree), bindir (the programs), work (a scratch folder).

pass=${pass:-0}
fail=${fail:-0}
suite=${suite:-scripts}

ok() { pass=$((pass + 1)); }
not_ok() { # not_ok NAME [DETAIL...]
	fail=$((fail + 1))
	echo "FAIL: $suite: $1" >&2
	shift
	for line in "$@"; do printf '  %s\n' "$line" >&2; done
}

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok; else not_ok "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# check_file NAME EXPECTED_FILE ACTUAL_FILE: byte for byte, with a diff on failure.
check_file() {
	if cmp -s "$2" "$3"; then ok; else
		not_ok "$1" "$(diff "$2" "$3" | head -n 20)"
	fi
}

# check_grep NAME PATTERN FILE: FILE has a line with the fixed string PATTERN.
check_grep() {
	if grep -qF -- "$2" "$3"; then ok; else not_ok "$1" "no line with: $2" "in $3: $(head -c 600 "$3")"; fi
}

check_no_grep() {
	if grep -qF -- "$2" "$3"; then not_ok "$1" "unexpected line with: $2"; else ok; fi
}

# run_status FILE_PREFIX COMMAND...: runs COMMAND, its stdout and stderr into PREFIX.out and
# PREFIX.err; echoes the exit status.
run_status() {
	prefix=$1
	shift
	"$@" >"$prefix.out" 2>"$prefix.err" </dev/null
	echo $?
}

# tree_sum DIR: one line per file (path and checksum), to compare a folder before and after.
tree_sum() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
		printf '%s %s\n' "$(cksum <"$f")" "$f"
	done)
}

# demo DIR: the examples with the demo export, ready for spm-weekly and spm-quarter-close.
demo() {
	rm -rf "$1"
	mkdir -p "$1"
	cp "$top"/examples/*.tsv "$top"/examples/spm.conf "$1"/
	"$bindir/gen-deals" -n 2000 -r 8 -s 42 -o "$1/deals.csv"
}

# sum_cents: sums a column of decimal amounts (1,234.56, -7.5) exactly, in cents.
sum_cents() {
	awk '{ v = $0; gsub(/,/, "", v); neg = v ~ /^-/; sub(/^[-+]/, "", v)
		n = split(v, p, "."); c = p[2]; while (length(c) < 2) c = c "0"
		x = p[1] * 100 + substr(c, 1, 2); s += neg ? -x : x } END { printf "%d\n", s }'
}

# listing DIR: `ls -A DIR` on one line, without the lock file a finished run leaves with
# flock(1) (OUTPUT/.spm.lock, empty): what a run leaves behind besides its reports.
listing() {
	(cd "$1" && ls -A | while IFS= read -r f; do
		if [ "$f" = .spm.lock ] && [ -f "$f" ] && [ ! -s "$f" ]; then continue; fi
		printf '%s ' "$f"
	done)
}
