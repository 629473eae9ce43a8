# The options of a program's --help: prints "OPTION 1" for an option that takes a value
# and "OPTION 0" for one that does not. Option lines are those of GNU style, indented
# "  -x, --long ARG" or "      --long ARG"; a short and a long option on one line share
# their value; ARG is a word with a capital, a | or a [ (FILE, NAME|FILE, [METRIC=]X).
/^(  -[A-Za-z0-9], |      )--?[A-Za-z]/ {
	n = split($0, t, /[ ,]+/)
	k = 0
	arg = 0
	for (i = 1; i <= n; i++) {
		w = t[i]
		if (w == "")
			continue
		if (w ~ /^--?[A-Za-z][A-Za-z0-9-]*$/) {
			o[++k] = w
			continue
		}
		if (k && (w ~ /[A-Z]/ || w ~ /\|/ || w ~ /^\[/))
			arg = 1
		break
	}
	for (i = 1; i <= k; i++)
		print o[i], arg
}
