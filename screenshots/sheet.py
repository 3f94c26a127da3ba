"""Draws a sheet of a workbook as openpyxl reads it back (for screenshots/make.sh): the
header with its autofilter marks, the frozen line under it, the first rows, and the
totals rows with their formulas and the values stored with them, numbers in their
number format. Usage: sheet.py FILE.xlsx SHEET ROWS"""
import re, sys, openpyxl

path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
formulas = openpyxl.load_workbook(path)[name]
values = openpyxl.load_workbook(path, data_only=True)[name]
header = [c.value for c in formulas[1]]
shown = [i for i, h in enumerate(header) if h not in ("organizationId", "licenseType", "currency", "customerId")] if name == "Bill" else list(range(len(header)))

def number(value, fmt):
    if not isinstance(value, (int, float)) or fmt == "General":
        return "" if value is None else str(value)
    decimals = len(re.search(r"0(?:\.(0*))?", fmt).group(1) or "") if "." in fmt else 0
    text = f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
    unit = re.search(r'"([^"]+)"', fmt)
    return text + (" " + unit.group(1) if unit else "")

def cell(row, i):
    f, v = formulas.cell(row=row, column=i + 1), values.cell(row=row, column=i + 1)
    return number(v.value, f.number_format)

widths = {i: max(len(str(header[i])) + 2, *(len(cell(r, i)) for r in list(range(2, count + 2)) + list(range(formulas.max_row - 3, formulas.max_row + 1)))) for i in shown}
widths = {i: min(w, 40) for i, w in widths.items()}
letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
print(f" {name}  ·  {path.split('/')[-1]}  ·  frozen: {formulas.freeze_panes}  ·  autofilter: {formulas.auto_filter.ref}\n")
print("     " + " ".join(letters[i].ljust(widths[i]) for i in shown))
print("   1 " + " ".join((str(header[i]) + " ▾").ljust(widths[i]) for i in shown))
print("     " + " ".join("━" * widths[i] for i in shown))
def line(r):
    parts = []
    for i in shown:
        text = cell(r, i)[:widths[i]]
        numeric = isinstance(values.cell(row=r, column=i + 1).value, (int, float))
        parts.append(text.rjust(widths[i]) if numeric else text.ljust(widths[i]))
    print(f"{r:4d} " + " ".join(parts))
for r in range(2, min(count + 2, formulas.max_row + 1)):
    line(r)
print("   ⋮")
for r in range(max(count + 2, formulas.max_row - 3), formulas.max_row + 1):
    line(r)
print("\n formulas, and the values stored with them:")
for r in range(count + 2, formulas.max_row + 1):
    for i in range(len(header)):
        f = formulas.cell(row=r, column=i + 1)
        if isinstance(f.value, str) and f.value.startswith("="):
            v = values.cell(row=r, column=i + 1)
            print(f"   {letters[i]}{r}  {f.value}  →  {number(v.value, f.number_format)}")
