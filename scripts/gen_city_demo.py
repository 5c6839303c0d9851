#!/usr/bin/env python3
"""Writes the city-level demo's data (data/demo-city/): units, annual investment targets and
each quarter's raw figures for 2022 and 2023Q1-Q3, and the 2022 群众满意度. Every figure is
fictional, drawn from a fixed seed so the files are reproducible:

    python3 scripts/gen_city_demo.py
"""
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "demo-city")
CORE = ["五华区", "盘龙区", "官渡区", "西山区", "呈贡区"]
COUNTIES = ["晋宁区", "东川区", "安宁市", "富民县", "宜良县", "石林县", "嵩明县", "禄劝县", "寻甸县"]
SHORT = {u: u[:-1] for u in CORE + COUNTIES}


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def units(year):
    rows = ["单位,简称,类型,组别"]
    for u in CORE + COUNTIES:
        group = "主城区" if u in CORE or (year >= 2023 and u == "晋宁区") else "县（市）"
        rows.append(f"{u},{SHORT[u]},区,{group}")
    return "\n".join(rows) + "\n"


def main():
    rnd = random.Random(20231)
    write("units-2022.csv", units(2022))
    write("units-2023.csv", units(2023))
    # Each unit's standing: a steady strength, so ranks move but do not jump about.
    strength = {u: rnd.uniform(-1, 1) for u in CORE + COUNTIES}
    for year, quarters in [(2022, [1, 2, 3, 4]), (2023, [1, 2, 3])]:
        targets = {}
        rows = ["单位,固定资产投资完成率"]
        for u in CORE + COUNTIES:
            base = 420 if u in CORE else 140
            targets[u] = round(base * rnd.uniform(0.7, 1.3), 1)
            rows.append(f"{u},{targets[u]}")
        write(f"targets-{year}.csv", "\n".join(rows) + "\n")
        head = ["单位", "地区生产总值增速", "固定资产投资完成率", "一般公共预算收入增速",
                "社会消费品零售总额增速", "营商环境评价"]
        if year >= 2023:
            head.append("招商引资到位资金增速")
        for q in quarters:
            rows = [",".join(head)]
            for u in CORE + COUNTIES:
                s = strength[u]
                gdp = round(5.0 + 2.2 * s + rnd.uniform(-1.5, 1.5), 1)
                pace = 1.0 + 0.08 * s + rnd.uniform(-0.1, 0.1)
                invest = round(targets[u] * q / 4 * pace, 1)
                revenue = round(3.0 + 4 * s + rnd.uniform(-4, 4), 1)
                retail = round(5.5 + 2 * s + rnd.uniform(-2, 2), 1)
                env_max = 15 if year == 2022 else 10
                env = round(env_max * min(0.98, 0.82 + 0.06 * s + rnd.uniform(-0.05, 0.05)), 1)
                row = [u, gdp, invest, revenue, retail, env]
                if year >= 2023:
                    row.append(round(6 + 8 * s + rnd.uniform(-8, 8), 1))
                rows.append(",".join(str(x) for x in row))
            write(f"{year}Q{q}.csv", "\n".join(rows) + "\n")
    rows = ["单位,群众满意度"]
    for u in CORE + COUNTIES:
        rows.append(f"{u},{round(88 + 3 * strength[u] + rnd.uniform(-3, 3), 1)}")
    write("2022Y-satisfaction.csv", "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
