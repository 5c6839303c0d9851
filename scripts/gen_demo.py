#!/usr/bin/env python3
"""Generates the demo score files in data/demo/ (fictional but plausible scores).

Run once by hand; the outputs are committed. Needs openpyxl (pip install openpyxl).
Each file is written the way staff would produce it:
  2023Q1-long.csv        UTF-8, long layout, every group
  2023Q2-streets.xlsx    Excel workbook, wide layout
  2023Q2-depts.csv       UTF-8 with BOM (Excel's "CSV UTF-8"), wide layout, both department groups
  2023Q3-streets.csv     GBK with CRLF, as Chinese Excel saves "CSV (逗号分隔)", wide layout
  2023Q3-depts.xlsx      Excel workbook, wide layout
  2023-targets.csv       the streets' annual 固定资产投资 targets (万元)

Three street indicators are reported as raw figures and scored by the competition file's
rules (固定资产投资 完成额 by 完成率 against annual target × 序时进度, 一般公共预算收入 增速 by
功效系数法, 营商环境 有效投诉 by 扣分制): each raw figure is chosen so that its points are the
points drawn here, checked exactly (`to_raw`).
"""
import csv, io, random, os
from decimal import Decimal
from fractions import Fraction as F
import openpyxl

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "demo")
rnd = random.Random(20231123)

STREETS = ["金碧街道", "永昌街道", "前卫街道", "福海街道", "棕树营街道", "马街街道", "西苑街道", "碧鸡街道", "海口街道", "团结街道"]
ECON = ["区商投局", "区住建局", "区发改局", "区工信局", "区财政局", "区统计局", "区文旅局", "区交通运输局"]
SOCIAL = ["区教育体育局", "区卫生健康局", "区民政局", "区人社局", "区市场监管局", "区生态环境分局", "区城管局", "区应急管理局"]
S_IND = [("固定资产投资", 20), ("工业投资", 10), ("招商引资到位资金", 15), ("社会消费品零售总额", 10),
         ("一般公共预算收入", 15), ("重点项目建设", 15), ("营商环境", 5), ("作风建设", 10)]
D_IND = [("重点工作任务", 40), ("项目建设服务", 15), ("招商引资", 15), ("营商环境", 10), ("财政资金绩效", 10), ("作风建设", 10)]

strength = {u: rnd.uniform(0.72, 0.95) for u in STREETS + ECON + SOCIAL}

def score(unit, mx, q):
    drift = {1: 0.0, 2: rnd.uniform(-0.04, 0.04), 3: rnd.uniform(-0.06, 0.06)}[q]
    v = mx * min(1.0, max(0.4, strength[unit] + drift + rnd.uniform(-0.08, 0.08)))
    return round(v * 2) / 2 if mx >= 15 else round(v, 1)

def quarter(units, inds, q):
    rows = {}
    for u in units:
        rows[u] = {name: score(u, mx, q) for name, mx in inds}
        rows[u]["加分"] = rnd.choice([None, None, None, 0.5, 1.0])
        rows[u]["扣分"] = rnd.choice([None, None, None, None, 0.5])
    return rows

def total(r, inds):
    return sum(r[n] for n, _ in inds) + (r["加分"] or 0) - (r["扣分"] or 0)

def closest_pair(rows, inds):
    order = sorted(rows, key=lambda u: total(rows[u], inds))
    return min(zip(order, order[1:]), key=lambda p: total(rows[p[1]], inds) - total(rows[p[0]], inds))

def make_tie(rows, a, b, inds, adjust):
    """Moves one indicator of b (or of a) so that a and b have exactly equal totals."""
    diff = round(total(rows[a], inds) - total(rows[b], inds), 1)
    mx = dict(inds)
    for floor in (0.6, 0.0):
        for name in [adjust] + [n for n, _ in inds]:
            if floor * mx[name] <= rows[b][name] + diff <= mx[name]:
                rows[b][name] = round(rows[b][name] + diff, 1)
                return
            if floor * mx[name] <= rows[a][name] - diff <= mx[name]:
                rows[a][name] = round(rows[a][name] - diff, 1)
                return
    raise SystemExit("cannot make a tie")

REASONS = {0.5: "承办全市现场会", 1.0: "获省级表彰"}
PEN = {0.5: "重点工作督办逾期"}

data = {}
for q in (1, 2, 3):
    s = quarter(STREETS, S_IND, q)
    e = quarter(ECON, D_IND, q)
    so = quarter(SOCIAL, D_IND, q)
    # Ties worth showing: a 并列 in the streets, and an equal total split by the tie-break in 经济发展类.
    make_tie(s, *closest_pair(s, S_IND), S_IND, "作风建设")
    a, b = closest_pair(e, D_IND)
    make_tie(e, a, b, D_IND, "财政资金绩效")
    if e[a]["重点工作任务"] == e[b]["重点工作任务"]:
        e[b]["重点工作任务"] -= 0.5
        make_tie(e, a, b, D_IND, "财政资金绩效")
    make_tie(so, *closest_pair(so, D_IND), D_IND, "作风建设")
    data[q] = (s, e, so)

# The streets' 社会消费品零售总额 is reported as a 增速 (%) and scored 按位次 (10, less 0.3 a
# place, ties sharing the best); 作风建设 absorbs the difference so that every total (and so
# every tie and rank) stays as drawn. Their 加分 becomes the 加分事项 indicator, from a list.
RAW_SHXF = {}
ITEMS = {}
ITEM = {0.5: ("承办活动", "承办全市现场会", "市级"), 1.0: ("表彰奖励", "获省级表彰", "省级")}
for q, (s, e, so) in data.items():
    shxf = {u: s[u]["社会消费品零售总额"] for u in STREETS}
    for u in STREETS:
        place = 1 + sum(1 for w in shxf.values() if w > shxf[u])
        ladder = 10 - 0.3 * (place - 1)
        s[u]["作风建设"] = round(s[u]["作风建设"] + shxf[u] - ladder, 1)
        s[u]["社会消费品零售总额"] = ladder
        RAW_SHXF[(q, u)] = round(2 * shxf[u] - 10, 1)
    ITEMS[q] = [(u,) + ITEM[s[u]["加分"]] for u in STREETS if s[u]["加分"]]
    for u in STREETS:
        s[u]["加分"] = None

for q, (s, e, so) in data.items():
    for rows, inds in ((s, S_IND), (e, D_IND), (so, D_IND)):
        for u, r in rows.items():
            for n, mx in inds:
                assert 0 <= r[n] <= mx, (q, u, n, r[n])

# Annual 固定资产投资 targets, 万元 (fictional).
TARGET = dict(zip(STREETS, [360000, 240000, 300000, 200000, 260000, 420000, 280000, 320000, 180000, 220000]))

def round2(x):
    """Half away from zero to 2 decimals, as shaibang rounds points."""
    q = x * 100
    n = int(abs(q) + F(1, 2))
    return F(n if q >= 0 else -n, 100)

def dec(x, places):
    s = f"{Decimal(x.numerator) / Decimal(x.denominator):.{places}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s

def to_raw(n, unit, q, v):
    """The raw figure a street reports for indicator `n` in quarter `q` that scores `v` points
    under data/demo/competition.toml; `None` for an indicator whose cell is its points."""
    p = F(fmt(v))
    if n == "固定资产投资":  # base 18 at 100 %, +0.2 per point over (cap 2), −0.3 per point under
        t = F(TARGET[unit]) * q / 4
        rate = F(1123, 1000) if p >= 20 else (1 + (p - 18) / F(2, 10) / 100 if p >= 18 else 1 - (18 - p) / F(3, 10) / 100)
        raw = F(round(t * rate * 10), 10)
        r = raw / t * 100
        pts = min(18 + (r - 100) * F(2, 10), F(20)) if r >= 100 else max(18 - (100 - r) * F(3, 10), F(0))
        assert round2(pts) == p, (unit, q, p, raw)
        return dec(raw, 1)
    if n == "一般公共预算收入":  # 功效系数: 满意值 12 %, 不允许值 −3 %, d within 60–100
        x = F(5, 2) * p - F(51, 2) if p < 15 else F(128, 10)
        d = min(max(60 + 40 * (x + 3) / 15, F(60)), F(100))
        assert round2(15 * d / 100) == p, (p, x)
        return dec(x, 2)
    if n == "社会消费品零售总额":  # 按位次: the 增速 drawn for the place
        return dec(F(str(RAW_SHXF[(q, unit)])), 1)
    if n == "营商环境":  # 扣分制: 5 − 0.1 per 有效投诉
        k = (5 - p) / F(1, 10)
        assert k.denominator == 1 and k >= 0, p
        return str(k.numerator)
    return None

def cell(n, unit, q, v, street):
    raw = to_raw(n, unit, q, v) if street else None
    return fmt(v) if raw is None else raw

def fmt(v):
    if v is None:
        return ""
    return ("%.1f" % v).rstrip("0").rstrip(".") if v != int(v) else str(int(v))

def remark(r):
    parts = []
    if r["加分"]:
        parts.append("加分：" + REASONS[r["加分"]])
    if r["扣分"]:
        parts.append("扣分：" + PEN[r["扣分"]])
    return "；".join(parts)

def wide_rows(rows, inds, units, q=None):
    head = ["单位"] + [n for n, _ in inds] + ["加分", "扣分", "备注"]
    body = [[u] + [cell(n, u, q, rows[u][n], q is not None) for n, _ in inds] + [fmt(rows[u]["加分"]), fmt(rows[u]["扣分"]), remark(rows[u])] for u in units]
    return head, body

# 2023Q1: one long file for everyone.
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(["期间", "单位", "指标", "得分", "备注"])
s, e, so = data[1]
for rows, inds in ((s, S_IND), (e, D_IND), (so, D_IND)):
    for u, r in rows.items():
        for n, _ in inds:
            w.writerow(["2023Q1", u, n, cell(n, u, 1, r[n], inds is S_IND), ""])
        if r["加分"]:
            w.writerow(["2023Q1", u, "加分", fmt(r["加分"]), REASONS[r["加分"]]])
        if r["扣分"]:
            w.writerow(["2023Q1", u, "扣分", fmt(r["扣分"]), PEN[r["扣分"]]])
open(os.path.join(OUT, "2023Q1-long.csv"), "w", encoding="utf-8", newline="").write(buf.getvalue())

def write_xlsx(path, title, head, body):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分"
    ws.append([title])
    ws.append(head)
    for row in body:
        ws.append([float(c) if c and c.lstrip("-").replace(".", "", 1).isdigit() else c for c in row])
    wb.save(path)

# 2023Q2
s, e, so = data[2]
head, body = wide_rows(s, S_IND, STREETS, 2)
write_xlsx(os.path.join(OUT, "2023Q2-streets.xlsx"), "2023年第二季度街道组考评得分", head, body)
head, body1 = wide_rows(e, D_IND, ECON)
_, body2 = wide_rows(so, D_IND, SOCIAL)
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(head)
w.writerows(body1 + body2)
open(os.path.join(OUT, "2023Q2-depts.csv"), "wb").write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))

# 2023Q3
s, e, so = data[3]
head, body = wide_rows(s, S_IND, STREETS, 3)
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(head)
w.writerows(body)
open(os.path.join(OUT, "2023Q3-streets.csv"), "wb").write(buf.getvalue().encode("gbk"))
head, body1 = wide_rows(e, D_IND, ECON)
_, body2 = wide_rows(so, D_IND, SOCIAL)
write_xlsx(os.path.join(OUT, "2023Q3-depts.xlsx"), "2023年第三季度部门考评得分", head, body1 + body2)
for q, items in ITEMS.items():
    with open(os.path.join(OUT, f"2023Q{q}-streets-items.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["单位", "指标", "类别", "事项", "级别"])
        for u, c, n, l in items:
            w.writerow([u, "加分事项", c, n, l])
with open(os.path.join(OUT, "2023-targets.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["单位", "固定资产投资"])
    for u in STREETS:
        w.writerow([u, TARGET[u]])
print("demo files written to", OUT)
