//! `/indicators/{id}`: every unit of a group on one indicator, across the published periods.

use super::html;
use crate::domain::Points;
use crate::domain::{GroupId, IndicatorId, UnitId};
use crate::ranking::analysis::{self};
use crate::web::extract::group;
use crate::web::extract::need;
use crate::web::views::{Chrome, opt};
use crate::web::{AppError, AppState, cached};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

struct IndicatorRowView {
    unit_id: UnitId,
    unit: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    title: String,
    chrome: Chrome,
    indicator_id: IndicatorId,
    name: String,
    max: String,
    group_name: String,
    groups: Vec<(GroupId, String, bool)>,
    periods: Vec<String>,
    rows: Vec<IndicatorRowView>,
    averages: Vec<String>,
}

#[derive(Deserialize)]
pub struct GroupQuery {
    group: Option<String>,
}

pub(super) async fn indicator(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<GroupQuery>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let group_raw = q.into_inner().group;
    cached(&req, &state, move |ctx| {
        let id: IndicatorId = id_raw
            .parse()
            .map_err(|_| AppError::NotFound(format!("指标「{id_raw}」不存在")))?;
        // The scheme the indicator belongs to (an earlier year's, for an earlier id).
        let latest = ctx.structure()?;
        let all = need(&latest)?;
        let mut schemes = Vec::with_capacity(all.schemes.len());
        for sc in &all.schemes {
            schemes.push(ctx.structure_for(sc.year)?);
        }
        let s = schemes
            .iter()
            .filter_map(|x| Option::as_ref(x))
            .find(|x| x.indicators.iter().any(|i| i.id == id))
            .ok_or_else(|| AppError::NotFound(format!("指标{id}不存在")))?;
        let ind = s
            .indicators
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| AppError::NotFound(format!("指标{id}不存在")))?;
        let gid = match group_raw.as_deref() {
            Some(raw) => group(s, raw)?.id,
            None => *ind
                .groups
                .first()
                .ok_or_else(|| AppError::NotFound("指标未分配组别".into()))?,
        };
        if !ind.groups.contains(&gid) {
            return Err(AppError::NotFound(format!(
                "指标「{}」不适用于该组别",
                ind.name
            )));
        }
        let g = group(s, &gid.to_string())?;
        // Every year the indicator continues (same code) in a group of the same name.
        let mut years = Vec::new();
        for sy in schemes.iter().filter_map(|x| Option::as_ref(x)) {
            let Some(gy) = sy.groups.iter().find(|x| x.name == g.name) else {
                continue;
            };
            if !sy
                .group_indicators(gy.id)
                .iter()
                .any(|i| i.code == ind.code)
            {
                continue;
            }
            years.push(ctx.history(sy, gy.id)?);
        }
        let history: Vec<&crate::boards::GroupBoard> =
            years.iter().flat_map(|h| h.iter()).collect();
        // The indicator's column on each board (its id differs from year to year).
        let column =
            |b: &crate::boards::GroupBoard| b.indicators.iter().position(|i| i.code == ind.code);
        let rows = s
            .group_units(gid)
            .into_iter()
            .map(|u| IndicatorRowView {
                unit_id: u.id,
                unit: u.name.clone(),
                cells: history
                    .iter()
                    .map(|b| {
                        let r = b.board.rows.iter().find(|r| r.unit_id == u.id);
                        match (r, column(b)) {
                            (Some(r), Some(k)) => match (r.points[k], r.indicator_ranks[k]) {
                                (Some(p), Some(rank)) => format!("{p}（{rank}）"),
                                _ => "—".into(),
                            },
                            _ => "—".into(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let averages = history
            .iter()
            .map(|b| {
                opt(column(b)
                    .and_then(|k| {
                        analysis::average(b.board.rows.iter().filter_map(|r| r.points[k]))
                    })
                    .map(|p: Points| p))
            })
            .collect();
        html(&IndicatorPage {
            title: format!("{} · {}", ind.name, g.name),
            chrome: Chrome::new(Some(s)),
            indicator_id: id,
            name: ind.name.clone(),
            max: ind.max.to_string(),
            group_name: g.name.clone(),
            groups: ind
                .groups
                .iter()
                .filter_map(|x| s.group(*x))
                .map(|x| (x.id, x.name.clone(), x.id == gid))
                .collect(),
            periods: history.iter().map(|b| b.title.clone()).collect(),
            rows,
            averages,
        })
    })
    .await
}
