# The stream contract stays in one place: no source file but src/lib/stream.c names a stream
# column as a string literal ("owner", "period", ...); programs use COL_* through
# column_name() or COLUMN_KEY(). A literal that is the same word but no column (an option
# name in a getopt table, a value such as the direction "lower", a word of a message) is
# let through by a comment saying "not a column" (or "not columns") on its line or on the
# line before.
# Sourced by run.sh (top and the helpers of lib.sh are set); runs alone with
# sh tests/scripts/run.sh BINDIR columns.

C="$work/columns"
mkdir -p "$C"
sed -n 's/^	\[COL_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' "$top/src/lib/stream.c" >"$C/names"
check 'columns: the column names are read from src/lib/stream.c' test "$(wc -l <"$C/names")" -gt 50

# Each literal of each line, comments removed (strings and character constants kept apart
# from them), as FILE:LINE: "WORD" when WORD is a column name.
find "$top/src" -name '*.[ch]' ! -path '*/src/lib/stream.c' | LC_ALL=C sort |
	while IFS= read -r f; do
		awk -v file="${f#"$top"/}" -v names="$C/names" '
		BEGIN { while ((getline w <names) > 0) column[w] = 1; incomment = 0 }
		{
			line = $0
			marked = prev ~ /not (a column|columns)/; prev = line
			if (marked || line ~ /not (a column|columns)/) next
			if (line ~ /\{ *"[a-z_-]+", *(no|required|optional)_argument/) next # getopt option
			n = length(line); i = 1; lit = ""; instr = 0
			while (i <= n) {
				c = substr(line, i, 1); d = substr(line, i, 2)
				if (incomment) { if (d == "*/") { incomment = 0; i += 2 } else i++; continue }
				if (instr) {
					if (c == "\\") { lit = lit substr(line, i, 2); i += 2; continue }
					if (c == "\"") { instr = 0; if (lit in column) printf "%s:%d: \"%s\"\n", file, NR, lit; i++; continue }
					lit = lit c; i++; continue
				}
				if (d == "/*") { incomment = 1; i += 2; continue }
				if (d == "//") break
				if (c == "'\''") { # a character constant: skip it whole
					i++
					while (i <= n && substr(line, i, 1) != "'\''") i += substr(line, i, 1) == "\\" ? 2 : 1
					i++; continue
				}
				if (c == "\"") { instr = 1; lit = ""; i++; continue }
				i++
			}
		}' "$f"
	done >"$C/found"
check_eq 'columns: no stream column name as a string literal outside src/lib/stream.c' '' "$(cat "$C/found")"
