#!/usr/bin/env python3
"""spm-score --plan against an independent exact computation (Python's fractions).

Generates 10,000 payout lines over random plans (marginal bands, retroactive bands and
payout curves, with thresholds, bonuses and caps on the metric and on the total), with
actuals and targets of up to 9 decimals (attainments with many digits, or exactly on a
plan's figure and a cent either side), runs spm-score on them in both rounding modes, and
checks every payout, every total, and the attainment each detail shows, against the rules
of spm-score(1) computed with Fraction. Prints one summary line; exit 1 on a difference.
Usage: check.py [SEED] (the CLI case uses the fixed default: every run checks the same)."""
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction as F

LINES = 10000
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 2026)


def dec(x, places):
    """x (a Fraction with at most `places` decimals) as a decimal string."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    units = x * 10**places
    assert units.denominator == 1
    n = int(units)
    if places == 0:
        return sign + str(n)
    s = str(n).rjust(places + 1, "0")
    return sign + s[:-places] + "." + s[-places:]


def figure(max_places=4, hi=30000):
    """A plan figure with up to max_places decimals: k / 10^p."""
    p = rng.randint(0, max_places)
    return F(rng.randint(0, hi), 10**4) if p >= 4 else F(rng.randint(0, hi // 10 ** (4 - p)), 10**p)


def increasing(n, start, step_hi):
    xs, x = [], start
    for _ in range(n):
        xs.append(x)
        x = x + F(rng.randint(1, step_hi), 10 ** rng.choice((1, 2, 4)))
    return xs


def make_plan(name, kind):
    """Rows of the plan file and the plan as data."""
    rows, plan = [], {"kind": kind, "metrics": {}}
    metrics = ["won_revenue"] if kind != "curve" else ["won_revenue", "cycle_days"]
    for metric in metrics:
        m = {"bonus": [], "threshold": None, "cap": None}
        if kind in ("rate", "retro"):
            edges = increasing(rng.randint(1, 4), F(0), 9)[1:]
            lows = [F(0)] + edges
            rates = [figure(4, 3000) for _ in lows]
            if kind == "retro":
                rates.sort()  # retro bands that do not go down
            m["bands"] = list(zip(lows, edges + [None], rates))
            for lo, up, r in m["bands"]:
                rows.append((name, metric, kind, dec(lo, 4), "-" if up is None else dec(up, 4), dec(r, 4)))
        else:
            xs = increasing(rng.randint(1, 4), figure(2, 8000), 9)
            ys = sorted(figure(4, 30000) for _ in xs)
            m["points"] = list(zip(xs, ys))
            for x, y in m["points"]:
                rows.append((name, metric, "curve", dec(x, 4), "-", dec(y, 4)))
        if rng.random() < 0.3:
            m["threshold"] = figure(2, 12000)
            rows.append((name, metric, "threshold", dec(m["threshold"], 4), "-", "-"))
        for lo in sorted({figure(2, 20000) for _ in range(rng.randint(0, 2))}):
            amount = F(rng.randint(0, 500000), 100)
            m["bonus"].append((lo, amount))
            rows.append((name, metric, "bonus", dec(lo, 4), "-", dec(amount, 2)))
        if rng.random() < 0.3:
            m["cap"] = F(rng.randint(0, 5000000), 100)
            rows.append((name, metric, "cap", "-", "-", dec(m["cap"], 2)))
        plan["metrics"][metric] = m
    plan["cap"] = None
    if rng.random() < 0.2:
        plan["cap"] = F(rng.randint(0, 8000000), 100)
        rows.append((name, "*", "cap", "-", "-", dec(plan["cap"], 2)))
    return rows, plan


def amount(places_hi=9):
    """A positive amount with up to 9 decimals, most of them cents."""
    p = rng.choice((2, 2, 2, 0, 4, 6, 9)) if places_hi >= 9 else 2
    return F(rng.randint(1, 2 * 10**6 * 10**p), 10**p), p


def actual_for(target, m, lower):
    """An actual around the target, or exactly on one of the plan's figures (an edge) and
    a unit of its last decimal either side of it."""
    edges = [b[0] for b in m.get("bands", [])] + [p[0] for p in m.get("points", [])]
    edges += [b[0] for b in m["bonus"]] + ([m["threshold"]] if m["threshold"] is not None else [])
    r = rng.random()
    if edges and r < 0.35 and not lower:
        e = rng.choice(edges)
        a = e * target
        p = rng.choice((2, 4, 9))
        unit = F(1, 10**p)
        a = F(int(a * 10**p), 10**p)  # cut to p decimals
        return max(a + rng.choice((-unit, F(0), unit)), F(0)) if rng.random() < 0.95 else -a, p
    p = rng.choice((2, 2, 0, 4, 7, 9))
    a = target * F(rng.randint(0, 250000), 100000) * (1 + F(rng.randint(-999, 999), 10**6))
    a = F(round(a * 10**p), 10**p)
    if lower and a <= 0:
        a = F(1, 10**p)
    if not lower and rng.random() < 0.02:
        a = -a  # refunds
    return a, p


def round_cents(x, mode):
    y = x * 100
    if mode == "half-even":
        return F(round(y), 100)
    n = abs(y)
    q = int(n + F(1, 2))  # half away from zero
    return F(q if y >= 0 else -q, 100)


def line_pay(m, kind, actual, target, lower, incentive, mode):
    a = target / actual if lower else actual / target
    if m["threshold"] is not None and a < m["threshold"]:
        return F(0), a
    total = F(0)
    if kind == "rate":
        for lo, up, r in m["bands"]:
            top = actual if up is None else min(actual, up * target)
            total += r * max(F(0), top - lo * target)
    elif kind == "retro":
        band = m["bands"][0]
        for b in m["bands"][1:]:
            if a >= b[0]:
                band = b
        total += band[2] * max(actual, F(0))
    else:
        pts = m["points"]
        if a <= pts[0][0]:
            y = pts[0][1]
        elif a >= pts[-1][0]:
            y = pts[-1][1]
        else:
            i = max(k for k in range(len(pts)) if pts[k][0] <= a)
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            y = y0 + (y1 - y0) * (a - x0) / (x1 - x0)
        total += incentive * y
    for lo, amount_ in m["bonus"]:
        if a >= lo:
            total += amount_
    if m["cap"] is not None and total > m["cap"]:
        return m["cap"], a
    return round_cents(total, mode), a


def shown_attainment(a):
    """The detail's attainment: every digit as a percentage with at least 2 decimals,
    cut to 8 with '…' when the quotient does not end there."""
    cut = F(int(a * 10**10), 10**10)  # towards zero
    pct = dec(cut * 100, 8).rstrip("0")
    whole, _, frac = pct.partition(".")
    frac = frac.ljust(2, "0")
    digits = whole.lstrip("-")
    grouped = ",".join(digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)[::-1])
    return ("-" if whole.startswith("-") else "") + grouped + "." + frac + ("" if cut == a else "…") + "%"


def main():
    plans, rows = [], []
    kinds = ("rate", "retro", "curve")
    for i in range(300):
        r, p = make_plan("p%03d" % i, kinds[i % 3])
        rows += r
        plans.append(p)
    progress, expect = [], []
    roster = []
    rep = 0
    while len(expect) < LINES:
        rep += 1
        k = rng.randrange(len(plans))
        plan = plans[k]
        name = "r%05d" % rep
        incentive = F(rng.randint(0, 5000000), 100)
        roster.append((name, "t", "p%03d" % k, dec(incentive, 2)))
        for metric, m in plan["metrics"].items():
            lower = metric == "cycle_days"
            target, tp = amount()
            actual, ap = actual_for(target, m, lower)
            att = target / actual if lower else actual / target
            att4 = round_cents(att * 100, "half-away") / 100  # 4 decimals, as spm-track prints
            progress.append((name, "2026-Q1", metric, dec(actual, ap), dec(target, tp), dec(att4, 4),
                             "higher" if not lower else "lower"))
            expect.append((name, metric, plan, m, actual, target, lower, incentive))
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, header, lines):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("\t".join(header) + "\n")
                for l in lines:
                    f.write("\t".join(l) + "\n")
            return path
        plan_file = write("plans.tsv", ("plan", "metric", "rule", "lower", "upper", "rate"), rows)
        roster_file = write("roster.tsv", ("rep", "team", "plan", "incentive"), roster)
        progress_file = write("progress.tsv", ("owner", "period", "metric", "actual", "target", "attainment",
                                               "direction"), progress)
        bad = checked = totals = 0
        for mode in ("half-away", "half-even"):
            run = subprocess.run(["spm-score", "-q", "--plan", plan_file, "--roster", roster_file, "--rounding", mode,
                                  progress_file], capture_output=True, text=True)
            if run.returncode != 0 or run.stderr:
                print("spm-score exited %d: %s" % (run.returncode, run.stderr.strip()))
                return 1
            got = {}
            for line in run.stdout.splitlines()[1:]:
                f = line.split("\t")
                got[(f[0], f[3])] = (F(f[7]), f[8])
            sums = {}
            for name, metric, plan, m, actual, target, lower, incentive in expect:
                want, a = line_pay(m, plan["kind"], actual, target, lower, incentive, mode)
                sums[name] = (sums.get(name, (F(0), plan))[0] + want, plan)
                pay, detail = got.get((name, metric), (None, ""))
                checked += 1
                if pay != want:
                    bad += 1
                    if bad <= 10:
                        print("%s %s %s: paid %s, exactly %s (actual %s, target %s): %s" % (
                            mode, name, metric, pay, dec(want, 2), actual, target, detail))
                shown = shown_attainment(a)
                if "attainment" in detail and "attainment " + shown not in detail:
                    bad += 1
                    if bad <= 10:
                        print("%s %s %s: attainment shown is not %s: %s" % (mode, name, metric, shown, detail))
            for name, (s, plan) in sums.items():
                want = plan["cap"] if plan["cap"] is not None and s > plan["cap"] else s
                totals += 1
                if got.get((name, "*"), (None,))[0] != want:
                    bad += 1
                    if bad <= 10:
                        print("%s %s: total %s, exactly %s" % (mode, name, got.get((name, "*")), want))
    count = {k: sum(1 for e in expect if e[2]["kind"] == k) for k in kinds}
    print("%d payout lines (marginal %d, retro %d, curve %d) and %d totals in 2 rounding modes: %d differences"
          % (checked, count["rate"] * 2, count["retro"] * 2, count["curve"] * 2, totals, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
