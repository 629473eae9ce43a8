#!/usr/bin/env python3
"""Writes the payouts of one period from a progress stream, in the
payouts stream of spm-score --plan (issue 6) while it is being written. Plan "standard":
won_revenue pays 5 % of the actual up to the target and 8 % of the part above it;
win_rate pays a bonus of 500.00 at an attainment of 100 % or more; the plan's total is
capped at 20,000.00. Each line is rounded once to the cent, half away from zero; the total
row (metric *) is the sum of the rounded lines. Run from tests/cli/data:
  python3 report-payouts.py report-maven-progress.tsv 2017-Q3 > report-maven-payouts.tsv
  python3 report-payouts.py report-progress.tsv 2026-Q3 > report-payouts.tsv"""
import csv
import sys
from decimal import Decimal, ROUND_HALF_UP

C = Decimal("0.01")
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["period"] == sys.argv[2]]


def money(d):
    return "{:,.2f}".format(d)


def pct(d):
    return "{:,.2f} %".format(d * 100)


print("owner\tperiod\tplan\tmetric\tactual\ttarget\tattainment\tpayout\tdetail")
owners = sorted({r["owner"] for r in rows}, key=lambda o: o.encode())
for o in owners:
    lines = []
    for r in sorted((r for r in rows if r["owner"] == o), key=lambda r: r["metric"]):
        if r["metric"] == "won_revenue":
            a, t = Decimal(r["actual"]), Decimal(r["target"])
            base = min(a, t)
            above = max(a - t, Decimal(0))
            pay = (Decimal("0.05") * base + Decimal("0.08") * above).quantize(C, ROUND_HALF_UP)
            detail = "5% × " + money(base)
            if above:
                detail += " + 8% × " + money(above)
            detail += " = " + money(pay)
        elif r["metric"] == "win_rate":
            if r["attainment"] and Decimal(r["attainment"]) >= 1:
                pay = Decimal("500.00")
                detail = "bonus 500.00 (attainment " + pct(Decimal(r["attainment"])) + " ≥ 100.00 %)"
            else:
                pay = Decimal("0.00")
                detail = ("no bonus (attainment " + pct(Decimal(r["attainment"])) + " < 100.00 %)"
                          if r["attainment"] else "no bonus (no attainment: no deal closed)")
        else:
            continue
        lines.append(pay)
        print("\t".join([o, sys.argv[2], "standard", r["metric"], r["actual"], r["target"], r["attainment"],
                         str(pay), detail]))
    total = sum(lines, Decimal("0.00"))
    capped = min(total, Decimal("20000.00"))
    detail = " + ".join(money(p) for p in lines) + " = " + money(total)
    detail += " (cap 20,000.00 reached)" if capped < total else " (cap 20,000.00 not reached)"
    print("\t".join([o, sys.argv[2], "standard", "*", "", "", "", str(capped), detail]))
