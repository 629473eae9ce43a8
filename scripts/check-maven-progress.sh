#!/bin/sh
# Issue 3 acceptance on the public Maven CRM sample (../shared/data/maven-crm, not part of a
# user's clone): a quarterly won_revenue goal for every agent of sales_teams.csv, progress
# as of 2017-08-15, every column recomputed independently in Python (csv + Decimal), and a
# second run (other thread count) that must be byte-identical.
# Usage: scripts/check-maven-progress.sh [MAVEN_DIR]
set -eu
dir=${1:-../shared/data/maven-crm}
[ -f "$dir/sales_pipeline.csv" ] || { echo "check-maven-progress: $dir not found (it is not part of the project)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Targets differ by agent (by the length of the name) so that no column is the same for all.
python3 - "$dir/sales_teams.csv" >"$tmp/goals.tsv" <<'PY'
import csv, sys
print("owner\tperiod\tmetric\ttarget")
for r in csv.DictReader(open(sys.argv[1], newline="")):
    for q in ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4"):
        print(f"{r['sales_agent']}\t{q}\twon_revenue\t{150000 + 10000 * len(r['sales_agent'])}")
PY
track() {
	bin/spm-track --rep sales_agent --amount close_value --stage deal_stage --date close_date \
		--won Won --lost Lost --goals "$tmp/goals.tsv" --as-of 2017-08-15 "$@" \
		"$dir/sales_pipeline.csv"
}
track --threads 1 >"$tmp/spm" 2>"$tmp/summary"
track --threads 2 >"$tmp/spm2" 2>/dev/null
cmp -s "$tmp/spm" "$tmp/spm2" || { echo "check-maven-progress: runs differ" >&2; exit 1; }
python3 - "$dir" "$tmp/goals.tsv" "$tmp/spm" <<'PY'
import csv, datetime, sys
from decimal import Decimal, ROUND_HALF_UP
d, goals_path, spm_path = sys.argv[1:]
as_of = datetime.date(2017, 8, 15)
quarters = {f"2017-Q{q}": (datetime.date(2017, 3 * q - 2, 1),
                           datetime.date(2018, 1, 1) if q == 4 else datetime.date(2017, 3 * q + 1, 1))
            for q in range(1, 5)}
won = {}
for r in csv.DictReader(open(f"{d}/sales_pipeline.csv", newline="")):
    if r["deal_stage"] != "Won" or not r["close_date"]:
        continue
    c = datetime.date.fromisoformat(r["close_date"])
    if c > as_of:
        continue
    for q, (lo, hi) in quarters.items():
        if lo <= c < hi:
            won[(r["sales_agent"], q)] = won.get((r["sales_agent"], q), Decimal(0)) + Decimal(r["close_value"])
def q4(x): return x.quantize(Decimal("0.0001"), ROUND_HALF_UP)
def q2(x): return x.quantize(Decimal("0.01"), ROUND_HALF_UP)
expect = []
for g in csv.DictReader(open(goals_path, newline=""), delimiter="\t"):
    lo, hi = quarters[g["period"]]
    total = (hi - lo).days
    done = 0 if as_of < lo else min((as_of - lo).days + 1, total)
    over = as_of >= hi - datetime.timedelta(days=1)
    e = Decimal(done) / Decimal(total)
    a = won.get((g["owner"], g["period"]), Decimal(0))
    t = Decimal(g["target"])
    att = a / t
    exp = t * done / total
    pace = a / exp if exp else None
    proj = a * total / done if done else None
    if done == 0: status = "not_started"
    elif att >= 1: status = "achieved"
    elif over: status = "missed"
    elif pace >= Decimal("1.1"): status = "ahead"
    elif pace >= Decimal("0.9"): status = "on_track"
    else: status = "behind"
    expect.append("\t".join([g["owner"], g["period"], "won_revenue", f"{q2(a)}", f"{q2(t)}", f"{q4(att)}",
                             f"{q2(exp)}", "" if pace is None else f"{q4(pace)}",
                             "" if proj is None else f"{q2(proj)}", f"{q2(max(t - a, Decimal(0)))}", status,
                             "1", "higher", str(done), str(total - done)]))
got = open(spm_path).read().splitlines()
assert got[0].split("\t")[:13] == "owner period metric actual target attainment expected pace projected gap status weight direction".split(), got[0]
expect.sort(key=lambda l: [f.encode() for f in l.split("\t")[:3]])
rows = got[1:]
agents = {l.split(",")[0] for l in open(f"{d}/sales_teams.csv").read().splitlines()[1:]}
assert {r.split("\t")[0] for r in rows} == agents, "an agent is missing"
q3 = [r.split("\t") for r in rows if r.split("\t")[1] == "2017-Q3"]
assert all(r[13] == "46" and r[14] == "46" for r in q3), "Q3 elapsed is not 46/92"
bad = [(e, g) for e, g in zip(expect, rows) if e != g]
if bad or len(expect) != len(rows):
    for e, g in bad[:5]: print("expected:", e, "\n     got:", g, file=sys.stderr)
    sys.exit(f"check-maven-progress: {len(bad)} of {len(expect)} rows differ")
print(f"check-maven-progress: {len(rows)} progress rows for {len(agents)} agents match Python; "
      f"Q3 elapsed 46/92; two runs byte-identical")
PY
