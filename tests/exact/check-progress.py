#!/usr/bin/env python3
"""Checks src/lib/progress.c against exact rational arithmetic (Python fractions).

Random operands, many past 128-bit products (the wide path): every progress value
rounded to 0, 2, 4 and 9 decimals (half away from zero, refused past +-10^29) and the
status must be what exact arithmetic gives. Builds tests/exact/progress_driver.c against
build/libspm.a (run `make` first; LIBSPM names another). No network, no package beyond
Python 3. `make exact` runs it; `make check` too.

Usage: python3 tests/exact/check-progress.py [CASES [SEED]]   (default 20000 cases, seed 1)
Ends with "progress-exact: N passed, N failed" and exits 1 on a difference."""
import os
import random
import shlex
import subprocess
import sys
import tempfile
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCALE = 10**9
LIMIT = 10**38  # billionths: the decimal range, +-10^29
PLACES = (0, 2, 4, 9)


def round_half_away(v, places):
    """v rounded to places decimals, in billionths; None past the decimal range."""
    x = v * 10**places
    m = abs(x)
    q, r = divmod(m.numerator, m.denominator)
    if 2 * r >= m.denominator:
        q += 1
    units = (q if x >= 0 else -q) * 10 ** (9 - places)
    return units if abs(units) <= LIMIT else None


def expected_row(an, ad, tn, done, total, started, over, lower, cumulative):
    actual = Fraction(an, ad) if ad != 0 else None
    target = Fraction(tn, SCALE)
    share = Fraction(done, total) if total > 0 else Fraction(1 if over else 0)

    def div(a, b):
        return None if a is None or b is None or b == 0 else a / b

    expected = target * share if cumulative else target
    attainment = div(target, actual) if lower else div(actual, target)
    if cumulative:
        pace = div(expected, actual) if lower else div(actual, expected)
    else:
        pace = attainment
    projected = None if actual is None else (div(actual, share) if cumulative else actual)
    gap = None
    if actual is not None:
        short_by = actual - target if lower else target - actual
        gap = short_by if short_by > 0 else Fraction(0)

    def achieved():
        if actual is None:
            return False
        if attainment is not None:
            return attainment >= 1
        return actual <= target if lower else actual >= target

    ceiling = lower and cumulative
    # the default early threshold: until a tenth of a running period has passed, only a
    # final word (a total at its target, a ceiling passed) is said; a period of no counted
    # day has passed nothing until its last day
    settled = over or (total > 0 and Fraction(done, total) >= Fraction(1, 10))
    if not started:
        status = "not_started"
    # achieved before the period ends only where it cannot be undone: a total that only
    # grows, of direction higher; a level (a ratio, an average: the driver's goals that
    # are not cumulative) can still fall under its target, and a ceiling be passed
    elif (over or (cumulative and not lower)) and achieved():
        status = "achieved"
    elif actual is None:
        status = "no_data"
    elif over:
        status = "missed"
    elif ceiling and actual > target:
        status = "behind"
    elif not settled:
        status = "early"
    elif pace is None:
        ahead = expected > 0 if lower else actual > 0
        status = "ahead" if ahead else "on_track"
    elif pace >= Fraction(11, 10):
        status = "ahead"
    elif pace >= Fraction(9, 10):
        status = "on_track"
    else:
        status = "behind"
    words = [status]
    for v in (attainment, expected, pace, projected, gap):
        if v is None:
            words.append("-")
        else:
            words.append(",".join("R" if u is None else str(u) for u in (round_half_away(v, p) for p in PLACES)))
    return " ".join(words)


def term(rng, big):
    """A term of a fraction: small, a power of ten near, or anything up to 2^127 - 1."""
    kind = rng.randrange(6 if big else 3)
    if kind == 0:
        return rng.randrange(1, 1000)
    if kind == 1:
        return 10 ** rng.randrange(0, 30) * rng.randrange(1, 10)
    if kind == 2:
        return rng.randrange(1, 10**18)
    if kind == 3:
        return 10 ** rng.randrange(20, 38) + rng.randrange(-1000, 1000) + 1000
    if kind == 4:
        return rng.randrange(1, 2**127)
    return 2**127 - rng.randrange(1, 10**6)


def tie_case(rng):
    """A case whose attainment, pace, projection or gap is a half billionth from a
    billionth (a rounding tie at 9 decimals) or a status threshold, or just off one,
    often on the wide path."""
    while True:
        u = rng.randrange(0, 10 ** rng.randrange(1, 38))
        value = Fraction(2 * u + 1, 2 * SCALE) * rng.choice((1, -1))
        if rng.random() < 0.3:  # a status threshold (1, 1.1, 0.9) and a hair: the status
            value = rng.choice((Fraction(1), Fraction(11, 10), Fraction(9, 10)))
        if rng.random() < 0.5:
            value += Fraction(rng.choice((1, -1)), rng.randrange(2, 2**100))
        tn = rng.choice((term(rng, True), rng.randrange(1, 10**12)))
        tn = min(tn, LIMIT)
        target = Fraction(tn, SCALE)
        total = rng.choice((rng.randrange(1, 400), rng.randrange(1, 2**62)))
        done = rng.randrange(1, total + 1)
        share = Fraction(done, total)
        kind = rng.randrange(4)
        cumulative = kind in (1, 2) or rng.random() < 0.5
        if kind == 0:  # attainment, higher
            actual = value * target
        elif kind == 1:  # pace, higher, cumulative
            actual = value * target * share
        elif kind == 2:  # projection, cumulative
            actual = value * share
        else:  # gap, higher
            actual = target - value
        if actual.numerator and abs(actual.numerator) < 2**127 and actual.denominator < 2**127:
            return (actual.numerator, actual.denominator, tn, done, total, True, done == total, False, cumulative)


def case(rng):
    if rng.random() < 0.2:
        return tie_case(rng)
    big = rng.random() < 0.8
    if rng.random() < 0.05:
        an, ad = 0, 0  # no actual
    else:
        an = term(rng, big) * rng.choice((1, 1, 1, -1))
        if rng.random() < 0.1:
            an = 0
        ad = rng.choice((1, SCALE, term(rng, big)))
    tn = rng.choice((0, term(rng, big), term(rng, big), min(term(rng, big), LIMIT))) * rng.choice((1, 1, 1, 1, -1))
    tn = max(-LIMIT, min(LIMIT, tn))  # a target is a decimal
    total = rng.choice((0, rng.randrange(1, 400), rng.randrange(1, 2**62)))
    done = rng.randrange(0, total + 1) if total else 0
    started = rng.random() < 0.95
    if not started:
        done = 0
    over = started and done == total and rng.random() < 0.8
    return (an, ad, tn, done, total, started, over, rng.random() < 0.4, rng.random() < 0.6)


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    lib = os.environ.get("LIBSPM") or os.path.join(ROOT, "build", "libspm.a")
    if not os.path.exists(lib):
        sys.exit("check-progress: %s missing: run make first" % lib)
    with tempfile.TemporaryDirectory() as tmp:
        driver = os.path.join(tmp, "progress_driver")
        build = shlex.split(os.environ.get("CC", "cc")) + [
            "-std=c11", "-D_XOPEN_SOURCE=700", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", "-O1",
            "-I", os.path.join(ROOT, "src", "lib"), "-o", driver,
            os.path.join(ROOT, "tests", "exact", "progress_driver.c"), lib, "-pthread"]
        subprocess.run(build, check=True)
        rows = [case(rng) for _ in range(cases)]
        text = "".join("%d %d %d %d %d %d %d %d %d %d\n" % (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], i)
                       for i, r in enumerate(rows))
        got = subprocess.run([driver], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    passed = failed = 0
    for i, (r, line) in enumerate(zip(rows, got)):
        want = expected_row(*r)
        if line == want:
            passed += 1
        else:
            failed += 1
            if failed <= 10:
                print("case %d %r:\n  got  %s\n  want %s" % (i, r, line, want), file=sys.stderr)
    failed += cases - len(got)
    print("progress-exact: %d passed, %d failed" % (passed, failed))
    if os.environ.get("CHECK_TALLY"):  # make check's totals: one check, however many cases
        with open(os.environ["CHECK_TALLY"], "a") as tally:
            tally.write("%sexact %d %d\n" % (os.environ.get("CHECK_PREFIX", ""), 0 if failed else 1, 1 if failed else 0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
