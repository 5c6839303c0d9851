#!/usr/bin/env python3
"""Writes the test fixtures in tests/fixtures/ (committed; rerun only to change them).

Good files cover each encoding and layout as staff produce them; each bad file holds one kind
of mistake. All are checked against the demo competition's structure (data/demo/).
Needs openpyxl.
"""
import os, struct, zlib
import openpyxl

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")
os.makedirs(OUT, exist_ok=True)

S_HEAD = ["单位", "固定资产投资", "工业投资", "招商引资到位资金", "社会消费品零售总额", "一般公共预算收入", "重点项目建设", "营商环境", "作风建设", "加分", "扣分", "备注"]
STREETS = [
    ["金碧街道", "18.5", "9", "14", "9.1", "13.5", "14", "4.8", "9.5", "", "", ""],
    ["永昌街道", "14.5", "6.6", "11", "8.2", "12", "10", "4", "8.1", "0.5", "0.5", "加分：承办全市现场会；扣分：督办逾期"],
    ["前卫街道", "18.5", "8.9", "13", "8.1", "13.5", "11.5", "4.3", "7.6", "", "", ""],
    ["福海街道", "14", "7.4", "12.5", "6.9", "10.5", "11", "4.3", "7.1", "1", "", "加分：获省级表彰"],
    ["棕树营街道", "16.5", "8.3", "11.5", "8.5", "12", "11.5", "4.6", "8", "", "", ""],
    ["马街街道", "16", "9.7", "14", "10", "14.5", "11.5", "4.4", "10", "", "", ""],
    ["西苑街道", "16.5", "7.4", "13", "8.1", "13.5", "14", "4.6", "8.3", "1", "0.5", ""],
    ["碧鸡街道", "16", "9.3", "11.5", "9.7", "14.5", "12.5", "5", "8.3", "1", "", ""],
    ["海口街道", "15.5", "8.6", "10.5", "7", "10", "12.5", "4.2", "7.6", "", "0.5", ""],
    ["团结街道", "17.5", "8.1", "10.5", "8.3", "11", "13", "4.1", "7.5", "", "", ""],
]

def csv_text(rows, eol="\r\n"):
    def q(c):
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') else c
    return "".join(",".join(q(c) for c in r) + eol for r in rows)

def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

# --- good files ---------------------------------------------------------------------------
# GBK with CRLF and no BOM: what Chinese Excel writes for "CSV (逗号分隔)".
write("streets-gbk.csv", csv_text([S_HEAD] + STREETS).encode("gbk"))
# Excel's "CSV UTF-8": a BOM, CRLF. Full-width digits and a thousands-free value typed by hand.
depts = [["单位", "重点工作任务", "项目建设服务", "招商引资", "营商环境", "财政资金绩效", "作风建设", "加分", "扣分", "备注"],
         ["区商投局", "36.5", "12.5", "14.5", "8.1", "8.3", "8.4", "", "", ""],
         ["区住建局", "３４．０", "13.5", "14", "9.4", "7.7", "9.1", "1", "", "获市级表彰"],
         ["区发改局", "37.5", "11.5", "12.5", "9.3", "8.4", "8.6", "", "", ""],
         ["区工信局", "36", "12.5", "13", "7.8", "10", "9.4", "", "", ""],
         ["区财政局", "37", "13.5", "13.5", "9.4", "8.5", "9.4", "", "", ""],
         ["区统计局", "32", "14.5", "13", "8.5", "9.1", "8.8", "", "", ""],
         ["区文旅局", "31.5", "12.5", "12.5", "8.2", "8.5", "8.5", "1", "", ""],
         ["区交通运输局", "27", "10.5", "12", "6.9", "7.9", "7.3", "1", "0.5", ""]]
write("econ-utf8-bom.csv", b"\xef\xbb\xbf" + csv_text(depts).encode("utf-8"))
# A workbook with a title row above the header, numbers stored as numbers, and a 期间 column.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "三季度"
ws.append(["2023年第三季度街道组考评得分表"])
ws.append(["期间"] + S_HEAD)
for r in STREETS:
    ws.append(["2023年第三季度"] + [r[0]] + [float(c) if c else None for c in r[1:11]] + [r[11] or None])
wb.save(os.path.join(OUT, "streets.xlsx"))
# Long layout, UTF-8 without BOM, LF, period spellings mixed, 加分 as a row.
long_rows = [["期间", "单位", "指标", "得分", "备注"],
             ["2023Q3", "金碧街道", "固定资产投资", "18.5", ""],
             ["2023-Q3", "金碧", "工业投资", "9", "简称也可"],
             ["2023年三季度", "金碧街道", "zsyz", "", ""],   # by code; blank = missing
             ["2023年3季度", "金碧街道", "加分", "1", "获省级表彰"]]
write("long.csv", csv_text(long_rows, "\n").encode("utf-8"))

# --- bad files: one kind of mistake each --------------------------------------------------
def bad(name, rows, encoding="gbk"):
    write(name, csv_text(rows).encode(encoding))

rows = [S_HEAD] + [r[:] for r in STREETS]
rows[6][0] = "马衔街道"                      # row 7: a typo of 马街街道
bad("bad-unknown-unit.csv", rows)

rows = [S_HEAD[:] ] + [r[:] for r in STREETS]
rows[0][3] = "招商引资到账资金"              # C column header: unknown indicator
bad("bad-unknown-indicator.csv", rows)

long_bad = [["期间", "单位", "指标", "得分"], ["2023Q3", "金碧街道", "固定资产投入", "18"]]
bad("bad-unknown-indicator-long.csv", long_bad, "utf-8")

rows = [S_HEAD] + [r[:] for r in STREETS] + [STREETS[0][:]]
bad("bad-duplicate-unit.csv", rows)           # 金碧街道 in rows 2 and 12

rows = [S_HEAD] + [r[:] for r in STREETS]
rows[3][0] = "区商投局"                       # a department in the streets' file
bad("bad-wrong-group.csv", rows)

rows = [S_HEAD] + [r[:] for r in STREETS]
rows[5][3] = "十四"                           # row 6 C: not a number
bad("bad-not-a-number.csv", rows)

rows = [S_HEAD] + [r[:] for r in STREETS]
rows[2][2] = "12"                             # row 3 C: 工业投资 max is 10
bad("bad-out-of-range.csv", rows)

rows = [S_HEAD] + [r[:] for r in STREETS]
rows[4] = rows[4][:7]                         # row 5: a row cut short
bad("bad-ragged.csv", rows)

write("bad-empty.csv", b"")
bad("bad-header-only.csv", [S_HEAD])

# Not a table at all: a real 1x1 PNG image saved with a .csv name.
def png():
    raw = b"\x00\xff\x00\x00"
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
write("bad-not-a-table.csv", png())

# Several mistakes at once: every one must be reported, not only the first.
rows = [S_HEAD] + [r[:] for r in STREETS]
rows[1][1] = "abc"        # B2 not a number
rows[3][0] = "不存在街道"  # A4 unknown unit
rows[8][8] = "11"         # I9 作风建设 > 10
bad("bad-many.csv", rows)
print("fixtures written to", OUT)
