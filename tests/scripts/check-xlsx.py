"""Prints a workbook as an independent reader (openpyxl) sees it, for the CLI cases of
spm-report -f xlsx: the document properties, then per sheet its frozen panes, autofilter
range and column widths, and every non-empty cell with its type (s text, n number, f
formula), value, number format and boldness. Formulas are read twice, as formulas and
as the values the workbook stores: every formula must be a SUM or SUBTOTAL(9, ...) of
cells of its sheet, and its stored value must equal the exact sum of those cells (each
number taken as the shortest decimal that reads back as it). Exit 1 otherwise.

Usage: check-xlsx.py FILE.xlsx..."""
import re
import sys
from decimal import Decimal

import openpyxl
from openpyxl.utils import range_boundaries

FORMULA = re.compile(r"^=(SUM|SUBTOTAL)\((.*)\)$")


def number(v):
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def exact(v):
    return Decimal(repr(float(v)))


def formula_sum(ws, values, text):
    """The exact sum of the cells a total formula names, or None if it is not a total."""
    m = FORMULA.match(text)
    if not m:
        return None
    args = m.group(2).split(",")
    if m.group(1) == "SUBTOTAL":
        if args[0] != "9":
            return None
        args = args[1:]
    total = Decimal(0)
    for ref in args:
        if not re.fullmatch(r"[A-Z]+[0-9]+(:[A-Z]+[0-9]+)?", ref):
            return None
        c1, r1, c2, r2 = range_boundaries(ref if ":" in ref else ref + ":" + ref)
        for row in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                f = ws.cell(row=row, column=col).value
                if m.group(1) == "SUBTOTAL" and isinstance(f, str) and f.startswith("=SUBTOTAL("):
                    continue  # SUBTOTAL leaves out the subtotals in its range
                v = values.cell(row=row, column=col).value
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    total += exact(v)
    return total


def check(path):
    ok = True
    # file objects: openpyxl judges a file name by its extension
    with open(path, "rb") as f:
        wb = openpyxl.load_workbook(f)
    with open(path, "rb") as f:
        cached = openpyxl.load_workbook(f, data_only=True)
    p = wb.properties
    print("workbook: title=%r created=%s" % (p.title, p.created.isoformat() if p.created else None))
    for ws in wb.worksheets:
        values = cached[ws.title]
        print("sheet %r: freeze=%s autofilter=%s" % (ws.title, ws.freeze_panes, ws.auto_filter.ref))
        widths = ["%s=%g" % (k, d.width) for k, d in sorted(ws.column_dimensions.items()) if d.width]
        print("  widths: " + " ".join(widths))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                bold = " bold" if c.font and c.font.b else ""
                fmt = "" if c.number_format == "General" else " [%s]" % c.number_format
                if c.data_type == "f":
                    v = values[c.coordinate].value
                    s = formula_sum(ws, values, c.value)
                    if s is None:
                        print("  %s f %s UNEXPECTED FORMULA" % (c.coordinate, c.value))
                        ok = False
                        continue
                    agree = isinstance(v, (int, float)) and s.quantize(Decimal("1e-9")) == exact(v).quantize(Decimal("1e-9"))
                    print("  %s f %s = %s%s%s %s" % (c.coordinate, c.value, number(v) if v is not None else "NO VALUE",
                                                     fmt, bold, "(agrees)" if agree else "DISAGREES: sum %s" % s))
                    ok &= agree
                elif c.data_type == "n":
                    print("  %s n %s%s%s" % (c.coordinate, number(c.value), fmt, bold))
                else:
                    print("  %s %s %r%s%s" % (c.coordinate, c.data_type, c.value, fmt, bold))
    return ok


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ok = True
    for path in sys.argv[1:]:
        ok &= check(path)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
