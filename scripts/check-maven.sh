#!/bin/sh
# Checks spm-track on the public Maven CRM sample (../shared/data/maven-crm, not part of a
# user's clone) against an independent computation in Python (csv + Decimal): won revenue,
# win rate and cycle days per agent per quarter. Usage: scripts/check-maven.sh [PIPELINE.csv]
set -eu
csv=${1:-../shared/data/maven-crm/sales_pipeline.csv}
[ -f "$csv" ] || { echo "check-maven: $csv not found (it is not part of the project)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/spm-track --rep sales_agent --amount close_value --stage deal_stage --date close_date \
	--created engage_date --id opportunity_id --won Won --lost Lost \
	--metrics won_revenue,win_rate,cycle_days "$csv" 2>"$tmp/summary" |
	tail -n +2 | cut -f 1-4 | LC_ALL=C sort >"$tmp/spm"
python3 - "$csv" >"$tmp/py" <<'PY'
import csv, datetime, sys
from collections import defaultdict
from decimal import Decimal, ROUND_HALF_UP
won = defaultdict(Decimal); nwon = defaultdict(int); nlost = defaultdict(int)
days = defaultdict(int); keys = set()
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if not r["close_date"]:
        continue  # open deal with no close date: in no period
    d = datetime.date.fromisoformat(r["close_date"])
    k = (r["sales_agent"], f"{d.year}-Q{(d.month - 1) // 3 + 1}")
    keys.add(k)
    if r["deal_stage"] == "Won":
        won[k] += Decimal(r["close_value"]); nwon[k] += 1
        days[k] += (d - datetime.date.fromisoformat(r["engage_date"])).days
    elif r["deal_stage"] == "Lost":
        nlost[k] += 1
q = lambda x, e: str(x.quantize(Decimal(e), ROUND_HALF_UP))
for o, p in keys:
    k = (o, p)
    print(f"{o}\t{p}\twon_revenue\t{q(won[k], '0.01')}")
    n = nwon[k] + nlost[k]
    print(f"{o}\t{p}\twin_rate\t{q(Decimal(nwon[k]) / n, '0.0001') if n else ''}")
    print(f"{o}\t{p}\tcycle_days\t{q(Decimal(days[k]) / nwon[k], '0.01') if nwon[k] else ''}")
PY
LC_ALL=C sort -o "$tmp/py" "$tmp/py"
cat "$tmp/summary"
if cmp -s "$tmp/spm" "$tmp/py"; then
	echo "check-maven: spm-track equals the independent computation on $(wc -l <"$tmp/spm") actuals"
else
	echo "check-maven: MISMATCH" >&2
	diff "$tmp/spm" "$tmp/py" | head -20 >&2
	exit 1
fi
