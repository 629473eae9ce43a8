# Crediting, acceptance 1 of issue 16: a generated export (gen-deals, TSV) where 20 % of
# the deals are split two or three ways, 10 % carry an overlay and 5 % of the reps change
# team in the middle of a quarter. spm-track --credits must give:
#   - won revenue per rep and year equal to an independent computation in awk (largest
#     remainder in integer cents) to the cent;
#   - the sum over reps, the team totals (by the roster row in force on each close date,
#     also computed in awk) and the company total each equal to the export's won revenue;
#   - overlay totals equal to the overlaid won deals' amounts.
# CREDITING_DEALS=100000 runs it on 100,000 deals (20,000 by default, to stay fast).
# Sourced by run.sh (top, bindir, work and the helpers of lib.sh are set).

C="$work/crediting"
n=${CREDITING_DEALS:-20000}
"$bindir/gen-deals" -n "$n" -r 40 -s 16 --format tsv --roster "$C/roster.tsv" --moves 5 \
	--credits "$C/credits.tsv" --split 20 --overlay 10 -o "$C/deals.tsv"

# the generated data is what the test says it is
moved=$(cut -f 1 "$C/roster.tsv" | sed 1d | sort | uniq -d | wc -l)
check_eq 'crediting: 2 of 40 reps (5 %) move' 2 "$moved"
awk -F '\t' 'NR > 1 && $4 == "revenue" { n[$1]++ } NR > 1 && $4 == "overlay" { o++ }
	END { for (d in n) { s++; w[n[d]]++ }; printf "%d %d %d %d\n", s, w[2], w[3], o }' "$C/credits.tsv" >"$C/shape"
read -r split two three overlays <"$C/shape"
check 'crediting: about 20 % of the deals split' [ "$split" -gt $((n * 18 / 100)) ] && [ "$split" -lt $((n * 22 / 100)) ]
check 'crediting: splits of two and of three ways' [ "$two" -gt 0 ] && [ "$three" -gt 0 ]
check 'crediting: about 10 % of the deals with an overlay' [ "$overlays" -gt $((n * 8 / 100)) ] && [ "$overlays" -lt $((n * 12 / 100)) ]

# the independent computation: credits, then the export (TSV: 1 id, 4 owner, 5 stage,
# 6 amount, 7 close date), then the roster; integer cents; largest remainder, ties to the
# earlier credit row
awk -F '\t' -v OFS='\t' '
function cents(a,   i) { i = index(a, "."); return i ? substr(a, 1, i - 1) * 100 + substr(a "00", i + 1, 2) : a * 100 }
function money(c) { return sprintf("%d.%02d", int(c / 100), c % 100) }
function share4(s,   i, f) { i = index(s, "."); if (!i) return s * 10000; f = substr(s "0000", i + 1, 4); return substr(s, 1, i - 1) * 10000 + f }
FILENAME == ARGV[1] && FNR > 1 {
	if ($4 == "revenue") { k = nr[$1]++; ro[$1, k] = $2; rs[$1, k] = share4($3) }
	else { ov[$1] = $2 }
	next
}
FILENAME == ARGV[2] && FNR > 1 {
	if ($5 != "Closed Won") next
	a = cents($6); year = substr($7, 1, 4); total += a
	if ($1 in ov) { over[ov[$1]] += a; overlaid += a }
	n = nr[$1]
	if (!n) { rep[$4, year] += a; parts[++np] = $4 SUBSEP $7 SUBSEP a; next }
	left = a
	for (k = 0; k < n; k++) { p[k] = int(a * rs[$1, k] / 10000); r[k] = (a * rs[$1, k]) % 10000; left -= p[k] }
	while (left > 0) { best = -1; for (k = 0; k < n; k++) if (best < 0 || r[k] > r[best]) best = k; p[best]++; r[best] = -1; left-- }
	for (k = 0; k < n; k++) { rep[ro[$1, k], year] += p[k]; parts[++np] = ro[$1, k] SUBSEP $7 SUBSEP p[k] }
	next
}
FILENAME == ARGV[3] && FNR > 1 { k = rows[$1]++; team[$1, k] = $2; from[$1, k] = $5; to[$1, k] = $6 }
END {
	for (key in rep) { split(key, x, SUBSEP); print "rep", x[1], x[2], money(rep[key]) > "'"$C"'/awk-reps.tsv" }
	for (i = 1; i <= np; i++) {
		split(parts[i], x, SUBSEP)
		t = ""
		for (k = 0; k < rows[x[1]]; k++)
			if ((from[x[1], k] == "" || from[x[1], k] <= x[2]) && (to[x[1], k] == "" || x[2] <= to[x[1], k])) t = team[x[1], k]
		if (t == "") t = team[x[1], 0]
		tm[t] += x[3]
	}
	for (t in tm) print "team", t, money(tm[t]) > "'"$C"'/awk-teams.tsv"
	for (o in over) print "overlay", o, money(over[o]) > "'"$C"'/awk-overlay.tsv"
	print money(total), money(overlaid) > "'"$C"'/awk-totals"
}' "$C/credits.tsv" "$C/deals.tsv" "$C/roster.tsv"
read -r export_won export_overlaid <"$C/awk-totals"

# spm-track: per rep and year
"$bindir/spm-track" --map salesforce --credits "$C/credits.tsv" --grain year \
	--metrics won_revenue,overlay_revenue "$C/deals.tsv" >"$C/reps.tsv" 2>"$C/reps.err"
check_eq 'crediting: spm-track --credits runs' '0' "$?"
check_grep 'crediting: rows read = used, every credited deal counted' "$n rows read, $n used, 0 rejected" "$C/reps.err"
awk -F '\t' -v OFS='\t' '$3 == "won_revenue" && $4 != "0.00" { print "rep", $1, $2, $4 }' "$C/reps.tsv" | sort >"$C/spm-reps.tsv"
sort "$C/awk-reps.tsv" >"$C/awk-reps.sorted"
check_file 'crediting: won revenue per rep and year = awk, to the cent' "$C/awk-reps.sorted" "$C/spm-reps.tsv"
sum_col() { # sum_col METRIC FILE: the exact sum of a money column, in awk integer cents
	awk -F '\t' -v m="$1" '$3 == m { i = index($4, "."); c += substr($4, 1, i - 1) * 100 + substr($4, i + 1, 2) }
		END { printf "%d.%02d\n", int(c / 100), c % 100 }' "$2"
}
check_eq 'crediting: the reps'"'"' won revenue adds up to the export'"'"'s' "$export_won" "$(sum_col won_revenue "$C/reps.tsv")"
check_eq 'crediting: overlay revenue adds up to the overlaid won deals'"'"' amounts' "$export_overlaid" \
	"$(sum_col overlay_revenue "$C/reps.tsv")"
awk -F '\t' -v OFS='\t' '$3 == "overlay_revenue" { i = index($4, "."); c[$1] += substr($4, 1, i - 1) * 100 + substr($4, i + 1, 2) }
	END { for (o in c) if (c[o]) print "overlay", o, sprintf("%d.%02d", int(c[o] / 100), c[o] % 100) }' "$C/reps.tsv" |
	sort >"$C/spm-overlay.tsv"
sort "$C/awk-overlay.tsv" >"$C/awk-overlay.sorted"
check_file 'crediting: overlay revenue per rep = awk' "$C/awk-overlay.sorted" "$C/spm-overlay.tsv"

# teams, by the roster row in force on each close date; the company (one period)
"$bindir/spm-track" --map salesforce --credits "$C/credits.tsv" --roster "$C/roster.tsv" --level team \
	--grain year --metrics won_revenue "$C/deals.tsv" >"$C/teams-years.tsv" 2>"$C/teams.err"
check_eq 'crediting: the team roll-up runs' '0' "$?"
awk -F '\t' -v OFS='\t' 'NR > 1 { i = index($4, "."); c[$1] += substr($4, 1, i - 1) * 100 + substr($4, i + 1, 2) }
	END { for (t in c) print "team", t, sprintf("%d.%02d", int(c[t] / 100), c[t] % 100) }' "$C/teams-years.tsv" |
	sort >"$C/spm-teams.tsv"
sort "$C/awk-teams.tsv" >"$C/awk-teams.sorted"
check_file 'crediting: team totals (membership on the close date) = awk' "$C/awk-teams.sorted" "$C/spm-teams.tsv"
check_eq 'crediting: the team totals add up to the export'"'"'s won revenue' "$export_won" \
	"$(sum_col won_revenue "$C/teams-years.tsv")"
"$bindir/spm-track" -q --map salesforce --credits "$C/credits.tsv" --roster "$C/roster.tsv" --level region \
	--grain year --metrics won_revenue "$C/deals.tsv" >"$C/regions.tsv"
check_eq 'crediting: the company total (all regions) is the export'"'"'s won revenue' "$export_won" \
	"$(sum_col won_revenue "$C/regions.tsv")"
"$bindir/spm-track" -q --map salesforce --grain year --metrics won_revenue "$C/deals.tsv" >"$C/plain.tsv"
check_eq 'crediting: and the won revenue without --credits' "$export_won" "$(sum_col won_revenue "$C/plain.tsv")"
