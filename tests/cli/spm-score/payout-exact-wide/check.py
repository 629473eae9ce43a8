#!/usr/bin/env python3
"""spm-score --plan against Python's fractions on figures of many digits, up to the limit.

payout-exact-fraction's lines have plans of few digits and amounts in cents; these have
every figure of 9 decimals (rates, band edges, curve points, targets, actuals, incentives;
bonuses and caps are in cents) and magnitudes up to the payout limit of 10^29, where the exact
products on the way to a line's one rounding outgrow 128 bits (lib/wide). Every line whose
payout fits (|payout| <= 10^29) must be paid exactly; the rules and the expected values
are payout-exact-fraction's (check.py there, imported). Checks every payout, every total,
the attainment each detail shows and, for bands, the exact sum it shows before rounding.
Prints one summary line; exit 1 on a difference. Usage: check.py [SEED]."""
import os
import subprocess
import sys
import tempfile
from fractions import Fraction as F

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "payout-exact-fraction"))
import check as base  # noqa: E402  (the rules, computed with Fraction, and the generator's pieces)

LINES = 4000
LIMIT = F(10) ** 29
rng = base.rng
dec = base.dec


def fig(digits_hi, digits_lo=0, places=9):
    """A figure of `places` decimals and digits_lo..digits_hi integer digits, most with all of them."""
    digits = rng.randint(digits_lo, digits_hi)
    return F(rng.randint(10 ** (digits + places - 1) if digits else 1, 10 ** (digits + places) - 1), 10**places)


def increasing(n, start):
    xs, x = [], start
    for _ in range(n):
        xs.append(x)
        x = x + fig(rng.choice((0, 0, 1)))
    return xs


def make_plan(name, kind):
    """A plan like payout-exact-fraction's, every figure of 9 decimals, some large."""
    rows, plan = [], {"kind": kind, "metrics": {}}
    metrics = ["won_revenue"] if kind != "curve" else ["won_revenue", "cycle_days"]
    big = rng.random() < 0.3  # rates, shares and bonuses up to 10^6 and more
    for metric in metrics:
        m = {"bonus": [], "threshold": None, "cap": None}
        if kind in ("rate", "retro"):
            edges = increasing(rng.randint(1, 4), F(0))[1:]
            lows = [F(0)] + edges
            rates = [fig(6 if big else 0) for _ in lows]
            if kind == "retro":
                rates.sort()
            m["bands"] = list(zip(lows, edges + [None], rates))
            for lo, up, r in m["bands"]:
                rows.append((name, metric, kind, dec(lo, 9), "-" if up is None else dec(up, 9), dec(r, 9)))
        else:
            xs = increasing(rng.randint(1, 4), fig(0))
            ys = sorted(fig(3 if big else 1) for _ in xs)
            m["points"] = list(zip(xs, ys))
            for x, y in m["points"]:
                rows.append((name, metric, "curve", dec(x, 9), "-", dec(y, 9)))
        if rng.random() < 0.3:
            m["threshold"] = fig(0)
            rows.append((name, metric, "threshold", dec(m["threshold"], 9), "-", "-"))
        for lo in sorted({fig(1) for _ in range(rng.randint(0, 2))}):
            amount = fig(27 if big else 12, places=2)  # amounts are in cents
            m["bonus"].append((lo, amount))
            rows.append((name, metric, "bonus", dec(lo, 9), "-", dec(amount, 2)))
        if rng.random() < 0.2:
            m["cap"] = fig(28, 10, places=2)
            rows.append((name, metric, "cap", "-", "-", dec(m["cap"], 2)))
        plan["metrics"][metric] = m
    plan["cap"] = None
    return rows, plan


def line(plan, m, metric, lower, incentive):
    """A target and actual of up to 9 decimals whose payout fits, as large as it may be:
    the target's digits go down from 29 until it does."""
    top = rng.randint(0, 29)
    for digits in range(top, -1, -1):
        target = fig(digits, digits)
        actual, _ = base.actual_for(target, m, lower)
        actual = F(int(actual * 10**9), 10**9)
        if abs(actual) >= LIMIT:
            continue
        want = [base.line_pay(m, plan["kind"], actual, target, lower, incentive, mode)[0]
                for mode in ("half-away", "half-even")]
        if all(abs(w) <= LIMIT / 4 for w in want):  # four lines of a rep add up within the limit
            return actual, target
    return None


def grouped_exact(x):
    """Every digit of x, at least 2 decimals, grouped: the sum a band's detail shows."""
    places = 2
    while (x * 10**places).denominator != 1:
        places += 1
    s = dec(x, places)
    sign = "-" if s.startswith("-") else ""
    whole, _, frac = s.lstrip("-").partition(".")
    return sign + ",".join(whole[max(0, i - 3):i] for i in range(len(whole), 0, -3)[::-1]) + "." + frac


def unrounded(m, kind, actual, target, lower, incentive):
    """The line's sum before its rounding, or None when the detail does not show it whole
    (a threshold not reached, a cap, a curve's fraction)."""
    saved = base.round_cents
    base.round_cents = lambda x, mode: x
    try:
        total, a = base.line_pay(m, kind, actual, target, lower, incentive, "exact")
    finally:
        base.round_cents = saved
    if kind == "curve" or m["cap"] is not None or (m["threshold"] is not None and a < m["threshold"]):
        return None
    return total


def main():
    plans, rows = [], []
    kinds = ("rate", "retro", "curve")
    for i in range(120):
        r, p = make_plan("w%03d" % i, kinds[i % 3])
        rows += r
        plans.append(p)
    progress, expect, roster = [], [], []
    rep = 0
    while len(expect) < LINES:
        rep += 1
        k = rng.randrange(len(plans))
        plan = plans[k]
        name = "w%05d" % rep
        incentive = fig(rng.randint(0, 27))
        made = []
        for metric, m in plan["metrics"].items():
            lower = metric == "cycle_days"
            got = line(plan, m, metric, lower, incentive)
            if got is None:
                break
            made.append((metric, m, lower) + got)
        if len(made) != len(plan["metrics"]):
            continue
        roster.append((name, "t", "w%03d" % k, dec(incentive, 9)))
        for metric, m, lower, actual, target in made:
            att = target / actual if lower else actual / target
            att4 = base.round_cents(att * 100, "half-away") / 100
            if abs(att4) >= LIMIT:
                att4 = F(0)
            progress.append((name, "2026-Q1", metric, dec(actual, 9).rstrip("0").rstrip("."),
                             dec(target, 9).rstrip("0").rstrip("."), dec(att4, 4), "lower" if lower else "higher"))
            expect.append((name, metric, plan, m, actual, target, lower, incentive))
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, header, lines):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("\t".join(header) + "\n")
                for fields in lines:
                    f.write("\t".join(fields) + "\n")
            return path
        plan_file = write("plans.tsv", ("plan", "metric", "rule", "lower", "upper", "rate"), rows)
        roster_file = write("roster.tsv", ("rep", "team", "plan", "incentive"), roster)
        progress_file = write("progress.tsv", ("owner", "period", "metric", "actual", "target", "attainment",
                                               "direction"), progress)
        bad = checked = totals = sums = wide = 0
        for mode in ("half-away", "half-even"):
            run = subprocess.run(["spm-score", "-q", "--plan", plan_file, "--roster", roster_file, "--rounding", mode,
                                  progress_file], capture_output=True, text=True)
            if run.returncode != 0 or run.stderr:
                print("spm-score exited %d: %s" % (run.returncode, run.stderr.strip()))
                return 1
            got = {}
            for out in run.stdout.splitlines()[1:]:
                f = out.split("\t")
                got[(f[0], f[3])] = (F(f[7]), f[8])
            rep_sums = {}
            for name, metric, plan, m, actual, target, lower, incentive in expect:
                want, a = base.line_pay(m, plan["kind"], actual, target, lower, incentive, mode)
                rep_sums[name] = rep_sums.get(name, F(0)) + want
                pay, detail = got.get((name, metric), (None, ""))
                checked += 1
                if abs(want) >= 10**20:
                    wide += 1
                if pay != want:
                    bad += 1
                    if bad <= 10:
                        print("%s %s %s: paid %s, exactly %s (actual %s, target %s): %s" % (
                            mode, name, metric, pay, dec(want, 2), dec(actual, 9), dec(target, 9), detail))
                shown = base.shown_attainment(a)
                if "attainment" in detail and "attainment " + shown not in detail:
                    bad += 1
                    if bad <= 10:
                        print("%s %s %s: attainment shown is not %s: %s" % (mode, name, metric, shown, detail))
                total = unrounded(m, plan["kind"], actual, target, lower, incentive)
                if total is not None:
                    sums += 1
                    if " = " + grouped_exact(total) not in detail:
                        bad += 1
                        if bad <= 10:
                            print("%s %s %s: the sum shown is not %s: %s" % (
                                mode, name, metric, grouped_exact(total), detail))
            for name, s in rep_sums.items():
                totals += 1
                if got.get((name, "*"), (None,))[0] != s:
                    bad += 1
                    if bad <= 10:
                        print("%s %s: total %s, exactly %s" % (mode, name, got.get((name, "*")), s))
    count = {k: sum(1 for e in expect if e[2]["kind"] == k) for k in kinds}
    print("%d payout lines of many digits (marginal %d, retro %d, curve %d; %d of 10^20 or more), %d sums shown "
          "and %d totals in 2 rounding modes: %d differences"
          % (checked, count["rate"] * 2, count["retro"] * 2, count["curve"] * 2, wide, sums, totals, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
