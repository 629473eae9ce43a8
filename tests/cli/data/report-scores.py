#!/usr/bin/env python3
"""Writes a scores stream from a progress stream and a roster the way spm-score is
specified (issue 5) while spm-score is being written: score = sum of weight x
min(max(attainment, 0), 2) over the sum of weights (4 decimals, half away from zero);
rank within team (the roster's team), ties sharing a rank; percentile = 100 x owners of
the team with a lower score / (owners - 1); tiers exceeds:1.0, meets:0.9, below:0.7,
far_below:0; prev_score, delta and prev_rank from the previous quarter; streak = periods
in a row in tier exceeds (0 when not in it); then each metric's clamped attainment. A metric
whose attainment has no value is left out of the score (weight and all).
Run from tests/cli/data:
  python3 report-scores.py maven-roster.tsv report-maven-progress.tsv > report-maven-scores.tsv
  python3 report-scores.py report-roster.tsv report-progress.tsv > report-scores.tsv"""
import csv
import sys
from decimal import Decimal, ROUND_HALF_UP

Q = Decimal("0.0001")
team = {r["rep"]: r["team"] for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")}
rows = list(csv.DictReader(open(sys.argv[2]), delimiter="\t"))
metrics = sorted({r["metric"] for r in rows})
by = {}
for r in rows:
    by.setdefault((r["owner"], r["period"]), []).append(r)
periods = sorted({p for _, p in by})
score, detail = {}, {}
for key, goals in by.items():
    goals = [g for g in goals if g["attainment"] != ""]  # no value (a win rate of no deal): left out
    w = sum(Decimal(g["weight"]) for g in goals)
    s = Decimal(0)
    for g in goals:
        a = min(max(Decimal(g["attainment"]), Decimal(0)), Decimal(2))
        detail[key + (g["metric"],)] = a.quantize(Q, ROUND_HALF_UP)
        s += Decimal(g["weight"]) * a
    score[key] = (s / w).quantize(Q, ROUND_HALF_UP)


def tier(s):
    for name, low in (("exceeds", "1.0"), ("meets", "0.9"), ("below", "0.7"), ("far_below", "0")):
        if s >= Decimal(low):
            return name
    return ""


rank, pct = {}, {}
for p in periods:
    for t in sorted(set(team.values())):
        members = [o for (o, q) in by if q == p and team.get(o) == t]
        for o in members:
            higher = sum(1 for m in members if score[(m, p)] > score[(o, p)])
            lower = sum(1 for m in members if score[(m, p)] < score[(o, p)])
            rank[(o, p)] = higher + 1
            pct[(o, p)] = (Decimal(100 * lower) / Decimal(len(members) - 1)).quantize(Decimal("0.01"), ROUND_HALF_UP) \
                if len(members) > 1 else Decimal("100.00")
print("\t".join(["owner", "period", "score", "rank", "percentile", "tier", "team", "prev_score", "delta",
                 "prev_rank", "streak"] + metrics))
streak = {}
for (o, p) in sorted(by, key=lambda k: (k[0].encode(), k[1])):
    i = periods.index(p)
    prev = (o, periods[i - 1]) if i else None
    s = score[(o, p)]
    streak[(o, p)] = (streak.get(prev, 0) + 1) if tier(s) == "exceeds" else 0
    has_prev = prev in score
    print("\t".join([o, p, str(s), str(rank[(o, p)]), str(pct[(o, p)]), tier(s), team[o],
                     str(score[prev]) if has_prev else "", str(s - score[prev]) if has_prev else "",
                     str(rank[prev]) if has_prev else "", str(streak[(o, p)])] +
                    [str(detail.get((o, p, m), "")) for m in metrics]))
