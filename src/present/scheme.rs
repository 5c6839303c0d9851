//! A new year's scheme against the year before, in words (the staff page, the command line
//! and the audit line say it the same way).

use crate::competition::SchemeDiff;

/// One line per kind of change; `["与上一年度相同"]` when nothing changes.
#[must_use]
pub fn scheme_changes(d: &SchemeDiff) -> Vec<String> {
    let mut out = Vec::new();
    let list = |v: &[String]| v.join("、");
    if !d.groups_added.is_empty() {
        out.push(format!("新增组别：{}", list(&d.groups_added)));
    }
    if !d.groups_removed.is_empty() {
        out.push(format!("取消组别：{}", list(&d.groups_removed)));
    }
    for (g, what) in &d.groups_changed {
        out.push(format!("{g}：{what}"));
    }
    if !d.indicators_added.is_empty() {
        out.push(format!("新增指标：{}", list(&d.indicators_added)));
    }
    if !d.indicators_removed.is_empty() {
        out.push(format!("取消指标：{}", list(&d.indicators_removed)));
    }
    for (i, what) in &d.indicators_changed {
        out.push(format!("指标{i}：{what}"));
    }
    if d.grades_changed {
        out.push("等次规则有变化".into());
    }
    for (from, to) in &d.units_renamed {
        out.push(format!("更名：{from}更名为{to}"));
    }
    for (u, from, to) in &d.units_moved {
        out.push(format!("调整组别：{u}由{from}调入{to}"));
    }
    for (u, from) in &d.units_merged {
        out.push(format!("合并：{u}由{}合并", list(from)));
    }
    for (u, from) in &d.units_split {
        out.push(format!("拆分：{u}由{from}拆分设立"));
    }
    if !d.units_added.is_empty() {
        out.push(format!("新增单位：{}", list(&d.units_added)));
    }
    if !d.units_retired.is_empty() {
        out.push(format!("不再参加考评：{}", list(&d.units_retired)));
    }
    if out.is_empty() {
        out.push("与上一年度相同".into());
    }
    out
}
