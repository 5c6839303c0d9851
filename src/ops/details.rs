//! 明细清单: the lists that 加分 items and 扣分制 by kinds are scored from, one line per item
//! or kind of event — `单位, 指标, 类别, 事项, 级别` (items) or `单位, 指标, 类别, 起数`
//! (events). Every line is checked against the indicator's rule (its levels, its kinds) and
//! every error named by row and column; all or nothing. A list replaces the period's list of
//! each indicator it names; a published period's list is not replaced here.

use super::Actor;
use super::error::{OpsError, Result};
use crate::domain::{PeriodKey, Points};
use crate::import::{ImportError, ImportErrors};
use crate::scoring::Method;
use crate::store::{self, AuditAction, AuditEntry, DetailRow, PeriodStatus, Refusal};
use crate::tabular::{self, CellRef, RowRef};
use crate::text::{normalize_name, trim_cell};
use rusqlite::Connection;

#[derive(Clone, Copy, PartialEq)]
enum Col {
    Unit,
    Indicator,
    Category,
    Name,
    Level,
    Count,
}

fn role(h: &str) -> Option<Col> {
    Some(match h {
        "单位" | "单位名称" => Col::Unit,
        "指标" | "考核指标" => Col::Indicator,
        "类别" | "类型" | "事件类别" | "加分类别" => Col::Category,
        "事项" | "名称" | "事项名称" | "加分事项" | "事件" => Col::Name,
        "级别" | "层级" => Col::Level,
        "起数" | "数量" | "次数" | "件数" => Col::Count,
        _ => return None,
    })
}

const LAYOUT: &str = "明细清单应为「单位, 指标, 类别, 事项, 级别」（加分事项）或「单位, 指标, 类别, 起数」（扣分事项）";

/// Reads and checks a list for `period`; writes nothing.
pub fn plan_details(conn: &Connection, bytes: &[u8], period: PeriodKey) -> Result<Vec<DetailRow>> {
    let s = super::scheme(conn, period.year)?;
    let catalog = s.catalog();
    let refused = |at: CellRef, what: String| ImportError::Refused {
        reason: format!("{at}{what}"),
    };
    let one = |e: ImportError| OpsError::File(ImportErrors(vec![e]));
    let decoded = tabular::decode(bytes).map_err(|e| one(e.into()))?;
    let mut header: Option<(usize, Vec<Option<Col>>)> = None;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    tabular::for_each_row(decoded.body, |row, cells: RowRef<'_>| {
        if cells.is_blank() {
            return Ok(());
        }
        let Some((_, cols)) = &header else {
            let cols: Vec<Option<Col>> = (0..cells.len())
                .map(|i| role(&normalize_name(trim_cell(cells.get(i)))))
                .collect();
            for (c, n) in [
                (Col::Unit, "单位"),
                (Col::Indicator, "指标"),
                (Col::Category, "类别"),
            ] {
                if !cols.contains(&Some(c)) {
                    errors.push(ImportError::MissingColumn {
                        header_row: row,
                        name: n.into(),
                        expected: LAYOUT.into(),
                    });
                }
            }
            header = Some((row, cols));
            return Ok(());
        };
        let get = |c: Col| {
            cols.iter()
                .position(|x| *x == Some(c))
                .map(|i| (CellRef { row, col: i }, trim_cell(cells.get(i)).to_string()))
        };
        let (Some((ua, unit)), Some((ia, ind)), Some((ca, category))) =
            (get(Col::Unit), get(Col::Indicator), get(Col::Category))
        else {
            return Ok(());
        };
        let Some(u) = catalog.find_unit(&normalize_name(&unit)) else {
            errors.push(refused(
                ua,
                format!("「单位」：找不到单位「{}」", crate::text::clip(&unit)),
            ));
            return Ok(());
        };
        let cu = &catalog.units[u];
        let Some(k) = catalog.find_indicator_for_group(&normalize_name(&ind), cu.group) else {
            errors.push(refused(
                ia,
                format!(
                    "「指标」：「{}」不是{}所在组别的指标",
                    crate::text::clip(&ind),
                    cu.name
                ),
            ));
            return Ok(());
        };
        let ci = &catalog.indicators[k];
        let rule = s
            .indicators
            .iter()
            .find(|i| i.id == ci.id)
            .and_then(|i| i.scoring.as_ref())
            .filter(|sc| sc.list)
            .and_then(|sc| {
                let g = s.units.iter().find(|x| x.id == cu.id)?.group_id;
                sc.rule(g)
            });
        let Some(rule) = rule else {
            errors.push(refused(
                ia,
                format!(
                    "「指标」：「{}」不按明细清单计分（每个单元格直接填报），请在得分表中上传",
                    ci.name
                ),
            ));
            return Ok(());
        };
        if category.is_empty() {
            errors.push(refused(ca, "「类别」：不能为空".into()));
            return Ok(());
        }
        let name = get(Col::Name).map(|(_, v)| v).unwrap_or_default();
        match &rule.method {
            Method::Items { levels, .. } => {
                let Some((la, level)) = get(Col::Level) else {
                    errors.push(refused(ca, "：加分事项须有「级别」列".into()));
                    return Ok(());
                };
                if name.is_empty() {
                    errors.push(refused(ca, "：加分事项须写明「事项」".into()));
                    return Ok(());
                }
                if !levels.iter().any(|(l, _)| *l == level) {
                    let known: Vec<&str> = levels.iter().map(|(l, _)| l.as_str()).collect();
                    errors.push(refused(
                        la,
                        format!(
                            "「级别」：「{}」不在加分标准中，应为 {}",
                            crate::text::clip(&level),
                            known.join("、")
                        ),
                    ));
                    return Ok(());
                }
                rows.push(DetailRow {
                    unit: cu.id,
                    indicator: ci.id,
                    category,
                    name,
                    level,
                    count: Points::from_int(1),
                });
            }
            Method::Deduction { per_kind, .. } => {
                if !per_kind.iter().any(|(k, _)| *k == category) {
                    let known: Vec<&str> = per_kind.iter().map(|(k, _)| k.as_str()).collect();
                    errors.push(refused(
                        ca,
                        format!(
                            "「类别」：「{}」不在扣分标准中，应为 {}",
                            crate::text::clip(&category),
                            known.join("、")
                        ),
                    ));
                    return Ok(());
                }
                let Some((na, n)) = get(Col::Count) else {
                    errors.push(refused(ca, "：扣分事项须有「起数」列".into()));
                    return Ok(());
                };
                match n.parse::<u32>() {
                    Ok(n) => rows.push(DetailRow {
                        unit: cu.id,
                        indicator: ci.id,
                        category,
                        name,
                        level: String::new(),
                        count: Points::from_int(i64::from(n)),
                    }),
                    Err(_) => errors.push(refused(
                        na,
                        format!("「起数」：「{}」应为不小于0的整数", crate::text::clip(&n)),
                    )),
                }
            }
            _ => {}
        }
        Ok(())
    })
    .map_err(one)?;
    if header.is_none() {
        return Err(one(ImportError::NoHeader));
    }
    if !errors.is_empty() {
        return Err(OpsError::File(ImportErrors(errors)));
    }
    if rows.is_empty() {
        return Err(one(ImportError::HeaderOnly {
            header_row: header.map_or(1, |h| h.0),
        }));
    }
    let p = s.period(period).ok_or(Refusal::NoSuchPeriod { period })?;
    if p.status == PeriodStatus::Published {
        return Err(Refusal::AlreadyPublished { period }.into());
    }
    Ok(rows)
}

/// Imports a list at once (the command line); returns how many lines were written.
pub fn import_details(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    period: PeriodKey,
    actor: Actor<'_>,
) -> Result<usize> {
    let rows = plan_details(conn, bytes, period)?;
    let sha = crate::import::sha256_hex(bytes);
    store::write_tx(conn, |tx| {
        let s = super::scheme(tx, period.year)?;
        let p = s.period(period).ok_or(Refusal::NoSuchPeriod { period })?;
        let batch = store::save_details(tx, p.id, &rows, (file_name, &sha), actor.name)?;
        store::audit(
            tx,
            &AuditEntry {
                actor: actor.name,
                action: AuditAction::Import,
                period: Some(period),
                detail: &format!(
                    "导入明细清单 {file_name}（{}条，批次 #{batch}），替换本期相应指标的清单",
                    rows.len()
                ),
                address: actor.address,
            },
        )
    })?;
    Ok(rows.len())
}
