//! `/boards/{period}/{group}/versions/{n}`: a published board as it was posted before a
//! correction (version 1 is the board posted at 揭榜). The current version is the board page.

use super::html;
use crate::present::{ChangeText, TierText};
use crate::store;
use crate::web::cache::Rendered;
use crate::web::extract;
use crate::web::views::Chrome;
use crate::web::{AppError, AppState, cached_in};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

pub struct VersionRow {
    pub rank: String,
    pub unit: String,
    pub total: String,
    pub change: String,
    pub change_css: &'static str,
    /// 红榜 or 黑榜 as posted, and its class.
    pub tier: &'static str,
    pub tier_css: &'static str,
}

#[derive(Template)]
#[template(path = "board_version.html")]
struct VersionPage {
    title: String,
    chrome: Chrome,
    heading: String,
    posted: String,
    reason: String,
    board_url: String,
    rows: Vec<VersionRow>,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    view: Option<String>,
}

pub(super) async fn version(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    q: web::Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw, n_raw) = path.into_inner();
    let view_raw = q.into_inner().view;
    cached_in(
        &req,
        &state,
        Some(period_raw.clone()),
        move |ctx, s| -> Result<Rendered, AppError> {
            let (period, group, view, board) =
                extract::board(ctx, s, &period_raw, &group_raw, view_raw.as_deref())?;
            let history = store::snapshot_history(ctx.conn, period.id, group.id, view)?;
            let none = || AppError::NotFound("没有这一版榜单（当前版本请看榜单页）".into());
            let n: usize = n_raw.parse().map_err(|_| none())?;
            // Versions 1..len-1 are the superseded ones; the last is the board page itself.
            if n == 0 || n >= history.len() {
                return Err(none());
            }
            let meta = &history[n - 1];
            let names: std::collections::HashMap<_, _> =
                s.units.iter().map(|u| (u.id, u.name.clone())).collect();
            let rows = store::snapshot_results(ctx.conn, meta.id)?
                .into_iter()
                .map(|r| VersionRow {
                    rank: r
                        .rank
                        .map_or_else(|| "不参与排名".into(), |k| k.to_string()),
                    unit: names.get(&r.unit_id).cloned().unwrap_or_default(),
                    total: r.total.to_string(),
                    change: r.change.label(),
                    change_css: r.change.css(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                })
                .collect();
            let board_url = crate::web::urls::board_view(period.key, group.id, view);
            html(&VersionPage {
                title: format!("{} {} 更正前的榜单", period.key.label(), group.name),
                chrome: Chrome::new(Some(s)),
                heading: format!("{} · {}（第{}版，已被更正）", board.title, group.name, n),
                posted: s.competition.zone.show(meta.created_at),
                reason: meta.reason.clone(),
                board_url,
                rows,
            })
        },
    )
    .await
}
