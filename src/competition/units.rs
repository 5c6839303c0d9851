//! The units list (CSV): names, short names, aliases, kinds and groups, checked so that every
//! name a file may use names exactly one unit.

use super::{GroupSpec, UnitSpec};
use crate::domain::UnitKind;
use crate::tabular::{self, RowRef, TabularError};
use crate::text::{normalize_name, trim_cell};
use std::collections::HashMap;

/// What stops reading the units list: no header, or text that is not CSV.
struct UnitsStop(String);

impl From<TabularError> for UnitsStop {
    fn from(e: TabularError) -> Self {
        UnitsStop(format!("单位名单：{e}"))
    }
}

/// Units CSV: `单位,简称,别名,类型,组别` (aliases separated by `;`, `；` or `、`), any encoding
/// the score importer accepts. Display order is row order.
pub(super) fn parse_units(
    bytes: &[u8],
    groups: &[GroupSpec],
) -> Result<Vec<UnitSpec>, Vec<String>> {
    let decoded = tabular::decode(bytes).map_err(|e| vec![format!("单位名单：{e}")])?;
    let mut cols: Option<HashMap<&'static str, usize>> = None;
    let mut units = Vec::new();
    let mut rows = Vec::new();
    let mut errs = Vec::new();
    let walked = tabular::for_each_row(decoded.body, |row, cells: RowRef<'_>| {
        if cells.is_blank() {
            return Ok(());
        }
        let Some(c) = &cols else {
            let mut m = HashMap::new();
            for i in 0..cells.len() {
                let h = trim_cell(cells.get(i));
                let key = match h {
                    "单位" | "单位名称" => "name",
                    "简称" => "short",
                    "别名" => "aliases",
                    "类型" => "kind",
                    "组别" => "group",
                    "原名称" | "原单位名称" => "former",
                    "合并自" => "merged",
                    "拆分自" => "split",
                    _ => continue,
                };
                m.insert(key, i);
            }
            for need in ["name", "kind", "group"] {
                if !m.contains_key(need) {
                    return Err(UnitsStop(format!(
                        "单位名单第{row}行表头应包含「单位」「类型」「组别」列"
                    )));
                }
            }
            cols = Some(m);
            return Ok(());
        };
        let get = |k: &str| c.get(k).map_or("", |&i| trim_cell(cells.get(i)));
        let name = get("name").to_string();
        let kind = get("kind").parse::<UnitKind>().ok();
        let group = get("group").to_string();
        if name.is_empty() {
            errs.push(format!("单位名单第{row}行：单位名称为空"));
        }
        if kind.is_none() {
            errs.push(format!(
                "单位名单第{row}行：类型「{}」应为 区、街道 或 部门",
                get("kind")
            ));
        }
        if !groups.iter().any(|g| g.name == group) {
            errs.push(format!(
                "单位名单第{row}行：组别「{group}」未在竞赛配置中定义"
            ));
        }
        if units.iter().any(|u: &UnitSpec| u.name == name) {
            errs.push(format!("单位名单第{row}行：单位「{name}」重复"));
        }
        let short = Some(get("short").to_string()).filter(|s| !s.is_empty());
        let list = |k: &str| -> Vec<String> {
            get(k)
                .split([';', '；', '、', '|', ',', '，'])
                .map(|a| trim_cell(a).to_string())
                .filter(|a| !a.is_empty())
                .collect()
        };
        let aliases = list("aliases");
        let former = Some(get("former").to_string()).filter(|s| !s.is_empty() && *s != name);
        let merged_from = list("merged");
        let split_from = Some(get("split").to_string()).filter(|s| !s.is_empty());
        if merged_from.len() == 1 {
            errs.push(format!(
                "单位名单第{row}行：「合并自」只有一个单位「{}」；改名请填「原名称」，合并应列出至少两个单位（用、分隔）",
                merged_from[0]
            ));
        }
        if usize::from(former.is_some())
            + usize::from(!merged_from.is_empty())
            + usize::from(split_from.is_some())
            > 1
        {
            errs.push(format!(
                "单位名单第{row}行：「原名称」「合并自」「拆分自」只能填其中一项"
            ));
        }
        if let Some(kind) = kind {
            rows.push(row);
            units.push(UnitSpec {
                name,
                short_name: short,
                aliases,
                kind,
                group,
                former,
                merged_from,
                split_from,
            });
        }
        Ok(())
    });
    if let Err(UnitsStop(e)) = walked {
        errs.push(e);
    } else if units.is_empty() && errs.is_empty() {
        errs.push("单位名单没有任何单位".into());
    }
    errs.extend(name_collisions(&units, &rows));
    if errs.is_empty() {
        Ok(units)
    } else {
        Err(errs)
    }
}

/// Every name a file may use for a unit — full name, short name, aliases — must name exactly
/// one unit after the importer's normalising (full-width folded, spaces removed): otherwise a
/// score could be booked to the wrong unit. `rows` are the units' rows in the CSV.
fn name_collisions(units: &[UnitSpec], rows: &[usize]) -> Vec<String> {
    let mut seen: HashMap<String, (usize, &'static str, &str)> = HashMap::new();
    let mut errs = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let names = std::iter::once(("名称", u.name.as_str()))
            .chain(u.short_name.iter().map(|n| ("简称", n.as_str())))
            .chain(u.aliases.iter().map(|n| ("别名", n.as_str())));
        for (role, name) in names {
            let key = normalize_name(name);
            match seen.get(&key) {
                Some(&(j, other_role, other)) if j != i => errs.push(format!(
                    "单位名单第{}行：「{}」的{role}「{name}」与第{}行「{}」的{other_role}「{other}」相同（忽略全角半角和空格后），导入时无法区分，请修改其中一个",
                    rows[i], u.name, rows[j], units[j].name
                )),
                Some(_) => {}
                None => {
                    seen.insert(key, (i, role, name));
                }
            }
        }
    }
    errs
}
