//! `/compare`: units side by side on every indicator.

use super::html;
use crate::boards::{GroupBoard, View};
use crate::charts;
use crate::domain::Points;
use crate::domain::UnitId;
use crate::web::extract::published;
use crate::web::views::{Chart, Chrome, opt, rank_text};
use crate::web::{AppError, AppState, cached_in};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::sync::Arc;

struct ChoiceGroup {
    name: String,
    units: Vec<(UnitId, String, bool)>,
}

struct CompareRow {
    label: String,
    strong: bool,
    values: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    title: String,
    chrome: Chrome,
    period_key: String,
    period_label: String,
    choices: Vec<ChoiceGroup>,
    columns: Vec<(UnitId, String)>,
    rows: Vec<CompareRow>,
    /// Units of different groups: indicators compared as a share of their max.
    across: bool,
    /// Every published period, to compare in another.
    periods: Vec<crate::web::views::PeriodLink>,
    chart: Option<Chart>,
}

/// The compared units: the period (`period=`, else the latest posted) and each chosen unit
/// (`units=`, repeated or comma-separated) with its board and row; units not ranked in the
/// period are left out.
struct Selection {
    period: crate::store::PeriodRow,
    ids: Vec<UnitId>,
    columns: Vec<(UnitId, String)>,
    cols: Vec<(Arc<GroupBoard>, usize)>,
}

fn select(
    ctx: &crate::web::cache::Ctx<'_>,
    s: &crate::store::Structure,
    pairs: &[(String, String)],
) -> Result<Selection, AppError> {
    let period = match pairs.iter().find(|(k, _)| k == "period") {
        Some((_, v)) if !v.is_empty() => published(s, v)?,
        _ => s
            .latest_published()
            .ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?,
    };
    let mut ids: Vec<UnitId> = Vec::new();
    for (k, v) in pairs {
        if k == "units" {
            for part in v.split(',') {
                let id: UnitId = part
                    .trim()
                    .parse()
                    .map_err(|_| AppError::NotFound(format!("单位「{part}」不存在")))?;
                if s.unit(id).is_none() {
                    return Err(AppError::NotFound(format!("单位{id}不存在")));
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let mut columns = Vec::new();
    let mut cols: Vec<(Arc<GroupBoard>, usize)> = Vec::new();
    for id in &ids {
        let Some(u) = s.unit(*id) else { continue };
        if let Some(b) = ctx.board(s, period.key, u.group_id, View::Quarter)?
            && let Some(i) = b.board.rows.iter().position(|r| r.unit_id == *id)
        {
            columns.push((u.id, u.name.clone()));
            cols.push((b, i));
        }
    }
    Ok(Selection {
        period: period.clone(),
        ids,
        columns,
        cols,
    })
}

/// Indicators by name, in the order they first appear among the compared units' boards.
fn indicator_names(cols: &[(Arc<GroupBoard>, usize)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (b, _) in cols {
        for i in &b.indicators {
            if !names.contains(&i.name) {
                names.push(i.name.clone());
            }
        }
    }
    names
}

/// Each compared unit's points and max on the indicator named `name` (`None` without it).
fn cells(cols: &[(Arc<GroupBoard>, usize)], name: &str) -> Vec<Option<(Points, Points)>> {
    cols.iter()
        .map(|(b, i)| {
            let k = b.indicators.iter().position(|x| x.name == name)?;
            Some((b.board.rows[*i].points[k]?, b.indicators[k].max))
        })
        .collect()
}

fn query_pairs(req: &HttpRequest) -> (Vec<(String, String)>, Option<String>) {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let period_raw = pairs
        .iter()
        .find(|(k, v)| k == "period" && !v.is_empty())
        .map(|(_, v)| v.clone());
    (pairs, period_raw)
}

/// `/charts/compare.svg?period=2023Q3&units=1&units=6[&size=phone]`: the compared units'
/// indicators as a share of each one's max.
pub(super) async fn compare_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (pairs, period_raw) = query_pairs(&req);
    let size = charts::Size::parse(
        pairs
            .iter()
            .find(|(k, _)| k == "size")
            .map(|(_, v)| v.as_str()),
    )
    .map_err(AppError::BadRequest)?;
    cached_in(&req, &state, period_raw, move |ctx, s| {
        let sel = select(ctx, s, &pairs)?;
        let rows: Vec<charts::CompareRow> = indicator_names(&sel.cols)
            .into_iter()
            .map(|name| charts::CompareRow {
                shares: cells(&sel.cols, &name)
                    .iter()
                    .map(|c| c.map(|(p, max)| p.as_f64() / max.as_f64().max(0.0001)))
                    .collect(),
                label: name,
            })
            .collect();
        let units: Vec<String> = sel.columns.iter().map(|c| c.1.clone()).collect();
        let title = format!("{} 各项指标得分率对比", sel.period.key.label());
        let desc = format!(
            "{}在各项指标上的得分占该项满分的比例；数据见上表。",
            units.join("、")
        );
        Ok(crate::web::files::svg(charts::compare_bars(
            &title, &desc, &units, &rows, size,
        )))
    })
    .await
}

pub(super) async fn compare(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (pairs, period_raw) = query_pairs(&req);
    cached_in(&req, &state, period_raw, move |ctx, s| {
        let Selection {
            period,
            ids,
            mut columns,
            cols,
        } = select(ctx, s, &pairs)?;
        let mut rows = Vec::new();
        let best = |vals: &[Option<i64>], higher: bool| -> Vec<bool> {
            let m = if higher {
                vals.iter().flatten().max()
            } else {
                vals.iter().flatten().min()
            };
            vals.iter()
                .map(|v| cols.len() > 1 && v.is_some() && v.as_ref() == m)
                .collect()
        };
        let totals: Vec<Option<i64>> = cols
            .iter()
            .map(|(b, i)| Some(b.board.rows[*i].total.0))
            .collect();
        let marks = best(&totals, true);
        rows.push(CompareRow {
            label: "总分".into(),
            strong: true,
            values: cols
                .iter()
                .zip(marks)
                .map(|((b, i), m)| (b.board.rows[*i].total.to_string(), m))
                .collect(),
        });
        rows.push(CompareRow {
            label: "组内名次".into(),
            strong: true,
            values: cols
                .iter()
                .map(|(b, i)| {
                    let r = &b.board.rows[*i];
                    (
                        format!(
                            "{}/{}（{}）",
                            rank_text(r),
                            b.board.rows.len(),
                            b.group.name
                        ),
                        false,
                    )
                })
                .collect(),
        });
        // Indicators by name, in the order they first appear; a unit without one shows —.
        let names = indicator_names(&cols);
        // Units of different groups: an indicator's max may differ (营商环境 5 for streets, 10
        // for departments), so points are compared as a share of each one's max.
        let across = cols.iter().any(|(b, _)| b.group.id != cols[0].0.group.id);
        for name in names {
            let cells = cells(&cols, &name);
            let vals: Vec<Option<Points>> = cells
                .iter()
                .map(|c| {
                    c.map(|(p, max)| {
                        if across {
                            Points(p.0 * 10_000 / max.0.max(1))
                        } else {
                            p
                        }
                    })
                })
                .collect();
            let higher = cols
                .iter()
                .find_map(|(b, _)| b.indicators.iter().find(|x| x.name == name))
                .is_none_or(|x| x.direction == crate::domain::Direction::Higher);
            let marks = best(
                &vals.iter().map(|v| v.map(|p| p.0)).collect::<Vec<_>>(),
                higher,
            );
            rows.push(CompareRow {
                label: name,
                strong: false,
                values: cells
                    .iter()
                    .zip(marks)
                    .map(|(c, m)| {
                        let text = match c {
                            Some((p, max)) if across => format!(
                                "{p}/{}（{}%）",
                                max.plain(),
                                Points(p.0 * 1_000_000 / max.0.max(1) / 100).plain()
                            ),
                            Some((p, _)) => p.to_string(),
                            None => opt(None),
                        };
                        (text, m)
                    })
                    .collect(),
            });
        }
        for (label, f) in [("加分", 0), ("扣分", 1)] {
            rows.push(CompareRow {
                label: label.into(),
                strong: false,
                values: cols
                    .iter()
                    .map(|(b, i)| {
                        let r = &b.board.rows[*i];
                        (
                            (if f == 0 { r.bonus } else { r.penalty }).to_string(),
                            false,
                        )
                    })
                    .collect(),
            });
        }
        let choices = s
            .groups
            .iter()
            .map(|g| ChoiceGroup {
                name: g.name.clone(),
                units: s
                    .group_units(g.id)
                    .into_iter()
                    .map(|u| (u.id, u.name.clone(), ids.contains(&u.id)))
                    .collect(),
            })
            .collect();
        if columns.len() < 2 {
            columns.clear();
        }
        let chart = (!columns.is_empty()).then(|| {
            let mut url = format!("/charts/compare.svg?period={}", period.key);
            for (id, _) in &columns {
                url.push_str(&format!("&units={id}"));
            }
            Chart::new(url, "所选单位各项指标得分率对比条形图；数据见上表".into())
        });
        let periods = crate::web::views::period_links(s, Some(period.key));
        html(&ComparePage {
            across,
            periods,
            title: "单位对比".into(),
            chrome: Chrome::new(Some(s)),
            period_key: period.key.to_string(),
            period_label: period.key.label(),
            choices,
            columns,
            rows,
            chart,
        })
    })
    .await
}
