//! `/lobby/reveal/{group}`: 揭榜 mode, the board revealed from the last rank up.

use super::views::LobbyRow;
use super::{LobbyQuery, no_store, run};
use crate::boards::View;
use crate::lobby::{ROWS_PER_SLIDE, Theme};
use crate::web::extract::{self, published, structure};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "lobby_reveal.html")]
struct RevealPage {
    competition: String,
    heading: String,
    demo: bool,
    theme: &'static str,
    css: String,
    js: String,
    rows: Vec<LobbyRow>,
    per_page: usize,
}

pub(super) async fn reveal(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    let group_raw = path.into_inner();
    let q = q.into_inner();
    let html = run(&state, move |ctx| {
        let st = structure(ctx)?;
        let s = st
            .as_ref()
            .as_ref()
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let g = s
            .group_by_name(&group_raw)
            .ok_or_else(|| AppError::NotFound(format!("组别「{group_raw}」不存在")))?;
        let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
            Some(raw) => published(s, raw)?,
            None => s
                .latest_published()
                .ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?,
        };
        let b = extract::board_of(ctx, s, period.key, g.id, View::Quarter)?;
        let theme = q
            .theme
            .as_deref()
            .unwrap_or("red")
            .parse()
            .unwrap_or(Theme::Red);
        RevealPage {
            competition: s.competition.name.clone(),
            heading: format!("{} {} 考评结果揭榜", g.name, period.key.label()),
            demo: s.competition.is_demo,
            theme: theme.as_str(),
            css: crate::web::assets::lobby_css_url().to_string(),
            js: crate::web::assets::lobby_js_url().to_string(),
            rows: b.board.rows.iter().map(|r| LobbyRow::new(&b, r)).collect(),
            per_page: ROWS_PER_SLIDE,
        }
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    Ok(no_store(html, "text/html; charset=utf-8"))
}
