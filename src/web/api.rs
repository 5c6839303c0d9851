//! JSON under /api/v1: periods, groups, boards and units. Published periods only.

use super::cache::Rendered;
use super::extract::{self, unit_context};
use super::{AppError, AppState, cached};
use crate::boards::View;
use crate::present::BoardJson;
use crate::ranking::analysis;
use crate::store::{PeriodStatus, Structure};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/periods", web::get().to(periods))
        .route("/api/v1/groups", web::get().to(groups))
        .route("/api/v1/boards/{period}/{group}", web::get().to(board))
        .route("/api/v1/units", web::get().to(units))
        .route("/api/v1/units/{id}", web::get().to(unit));
}

fn json_body(v: &impl serde::Serialize) -> Result<Rendered, AppError> {
    let body = serde_json::to_vec(v).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Rendered {
        status: StatusCode::OK,
        content_type: "application/json",
        body: body.into(),
        filename: None,
    })
}

/// Errors of an API route are answered as JSON, whatever they are.
fn api<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    r.map_err(AppError::api)
}

fn need(s: &Option<Structure>) -> Result<&Structure, AppError> {
    s.as_ref()
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()).api())
}

async fn periods(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    cached(&req, &state, |ctx| {
        let s = ctx.structure()?;
        let s = need(&s)?;
        let list: Vec<_> = s
            .periods
            .iter()
            .filter(|p| p.status == PeriodStatus::Published)
            .map(|p| json!({ "period": p.key, "label": p.key.label(), "status": p.status, "published_at": p.published_at.map(|t| s.competition.zone.show(t)) }))
            .collect();
        json_body(&json!({ "competition": s.competition.name, "demo": s.competition.is_demo, "periods": list }))
    })
    .await
}

async fn groups(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    cached(&req, &state, |ctx| {
        let s = ctx.structure()?;
        let s = need(&s)?;
        let list: Vec<_> = s
            .groups
            .iter()
            .map(|g| {
                json!({
                    "id": g.id, "name": g.name, "kind": g.kind, "red": g.red, "black": g.black,
                    "indicators": s.group_indicators(g.id).iter().map(|i| json!({ "id": i.id, "code": i.code, "name": i.name, "max": i.max, "weight": i.weight, "direction": i.direction })).collect::<Vec<_>>(),
                    "units": s.group_units(g.id).iter().map(|u| json!({ "id": u.id, "name": u.name })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json_body(&list)
    })
    .await
}

#[derive(Deserialize)]
pub struct ViewQ {
    view: Option<String>,
}

async fn board(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<ViewQ>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let view_raw = q.into_inner().view;
    cached(&req, &state, move |ctx| {
        let s = extract::structure_at(ctx, Some(&period_raw))?;
        let s = need(&s)?;
        let (_, _, _, b) = api(extract::board(
            ctx,
            s,
            &period_raw,
            &group_raw,
            view_raw.as_deref(),
        ))?;
        json_body(&BoardJson::new(&b))
    })
    .await
}

async fn units(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    cached(&req, &state, |ctx| {
        let s = ctx.structure()?;
        let s = need(&s)?;
        json_body(&s.units)
    })
    .await
}

#[derive(Deserialize)]
pub struct PeriodQ {
    period: Option<String>,
}

async fn unit(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PeriodQ>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let period_raw = q.into_inner().period;
    cached(&req, &state, move |ctx| {
        let st = api(extract::unit_structure(ctx, &id_raw, period_raw.as_deref()))?;
        let s = need(&st)?;
        let (u, g, period) = api(unit_context(s, &id_raw, period_raw.as_deref()))?;
        let years = api(extract::unit_history(ctx, u.id))?;
        let trend: Vec<_> = years
            .iter()
            .flat_map(|h| h.iter())
            .filter_map(|b| {
                let r = b.board.rows.iter().find(|r| r.unit_id == u.id)?;
                let mut e = json!({ "period": b.period.key, "total": r.total, "rank": r.rank, "tied": r.tied, "change": r.change, "tier": r.tier, "group_size": b.board.rows.len() });
                // Another year's group, where the unit ranked in one of another name.
                if b.group.name != g.name {
                    e["group"] = json!(b.group.name);
                }
                Some(e)
            })
            .collect();
        let (standings, weak) = match period {
            Some(p) => match ctx.board(s, p.key, g.id, View::Quarter)? {
                Some(b) => {
                    let st = analysis::standings(&super::extract::metas(&b), &b.board, u.id).unwrap_or_default();
                    let weak: Vec<String> = analysis::weaknesses(&st, 5).iter().map(|w| w.name.clone()).collect();
                    (st, weak)
                }
                None => (Vec::new(), Vec::new()),
            },
            None => (Vec::new(), Vec::new()),
        };
        json_body(&json!({
            "unit": u, "group": { "id": g.id, "name": g.name },
            "period": period.map(|p| p.key), "trend": trend, "standings": standings, "weaknesses": weak,
        }))
    })
    .await
}
