# examples/ is consistent with the demo data (gen-deals -n 2000 -r 8 -s 42, as
# scripts/demo.sh makes it) and with itself: the roster is gen-deals' own, the goal sheet
# is what the annual plan splits and allocates to for 2026-Q3 and passes its SMART check,
# every metric named is known, every plan of the roster is in the incentive plan, the
# self-assessment rates reps of the roster, and the crontab line is a crontab line.
# Sourced by run.sh (top, bindir, work, scripts and the helpers of lib.sh are set).

E="$work/examples"
X="$top/examples"
"$bindir/gen-deals" -n 2000 -r 8 -s 42 --roster "$E/roster.tsv" -o /dev/null
check_file 'examples: the roster is gen-deals'"'"' (rep team manager region)' "$E/roster.tsv" \
	"$(cut -f 1-4 "$X/roster.tsv" >"$E/ex-roster.tsv"; echo "$E/ex-roster.tsv")"
"$bindir/spm-goal" split -q --into quarter --metrics-file "$X/metrics.tsv" "$X/annual-plan.tsv" |
	awk -F '\t' 'NR == 1 || $2 == "2026-Q3"' |
	"$bindir/spm-goal" allocate -q --replace --roster "$X/roster.tsv" --metrics-file "$X/metrics.tsv" >"$E/goals.tsv"
check_file 'examples: goals.tsv is the annual plan'"'"'s 2026-Q3, allocated' "$E/goals.tsv" "$X/goals.tsv"
"$bindir/spm-goal" check -q --roster "$X/roster.tsv" --metrics-file "$X/metrics.tsv" --require innovation=0.95 \
	--as-of 2026-07-01 "$X/goals.tsv" >"$E/check.out" 2>"$E/check.err"
check_eq 'examples: goals.tsv passes the SMART check, innovation for 95 % of reps' '0' "$?$(cat "$E/check.err")"
known="won_revenue won_deals lost_deals win_rate avg_deal cycle_days pipeline coverage $(sed 1d "$X/metrics.tsv" | cut -f 1 | tr '\n' ' ')"
unknown=
for f in goals.tsv annual-plan.tsv catalog.tsv self.tsv; do
	col=$(head -n 1 "$X/$f" | tr '\t' '\n' | grep -nx metric | cut -d: -f1)
	for m in $(sed 1d "$X/$f" | cut -f "$col" | sort -u); do
		case " $known score " in *" $m "*) ;; *) unknown="$unknown $f:$m" ;; esac
	done
done
check_eq 'examples: every metric named is built in or in metrics.tsv' '' "$unknown"
"$bindir/gen-deals" -n 2000 -r 8 -s 42 -o "$E/deals.csv"
"$bindir/spm-track" --map salesforce --credits "$X/credits.tsv" --roster "$X/roster.tsv" --period 2026-Q3 \
	--metrics won_revenue "$E/deals.csv" >"$E/credits.out" 2>"$E/credits.err"
check_eq 'examples: credits.tsv credits deals of the demo export, none unknown' \
	"0 spm-track: 2000 rows read, 2000 used, 0 rejected; 1834 row(s) outside the period range; 5 deal(s) credited by --credits" "$? $(cat "$E/credits.err")"
plans=$(awk -F '\t' '!/^#/ && NR > 1 { print $1 }' "$X/incentive-plan.tsv" | sort -u | tr '\n' ' ')
check_eq 'examples: every plan of the roster is in the incentive plan' '' \
	"$(sed 1d "$X/roster.tsv" | cut -f 5 | sort -u | while read -r p; do case " $plans" in *" $p "*) ;; *) echo "$p" ;; esac; done)"
check_eq 'examples: the self-assessment rates reps of the roster, in 2026-Q3, from 1 to 5' '' \
	"$(awk -F '\t' 'FNR == 1 { f++; next } f == 1 { rep[$1] = 1; next }
		!($1 in rep) || $2 != "2026-Q3" || $4 !~ /^[1-5]$/ { print }' "$X/roster.tsv" "$X/self.tsv")"
check_eq 'examples: the crontab has one job, five time fields and spm-weekly' \
	'0 6 * * 1|/usr/local/bin/spm-weekly --wait 600 /etc/spm/spm.conf' \
	"$(grep -v '^#' "$X/crontab" | grep . | sed 's/^\([^ ]* [^ ]* [^ ]* [^ ]* [^ ]*\)  */\1|/')"
for s in spm-weekly spm-quarter-close; do
	st=$(run_status "$E/$s" "$scripts/$s" --dry-run "$X/spm.conf")
	check_eq "examples: $s reads spm.conf" 0 "$st"
done
check_eq 'examples: the README lists every file' '' \
	"$(for f in "$X"/*; do n=${f##*/}; [ "$n" = README ] || grep -q "^$n " "$X/README" || echo "$n"; done)"
