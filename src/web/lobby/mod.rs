//! The lobby board: full-screen rotating slides for lobby screens, named playlists, the
//! content feed the screen polls, and the reveal (揭榜) mode.
//!
//! The slides are rendered on the server; `assets/lobby.js` only rotates them, swaps in new
//! content after a successful fetch and handles the keyboard. Without JavaScript a meta
//! refresh steps through the same slides.

mod reveal;
mod slides;
mod views;

use slides::build_slides;
use views::SlideBody;
use views::SlideView;

use crate::lobby::{self, SlideSpec, Theme};
use crate::store::{self, PeriodRow, Structure};
use crate::web::cache::Ctx;
use crate::web::extract::{published, structure};
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/lobby", web::get().to(screen_default))
        .route("/lobby/content", web::get().to(content_default))
        .route("/lobby/reveal", web::get().to(reveal::reveal_all))
        .route("/lobby/reveal/{group}", web::get().to(reveal::reveal))
        .route("/lobby/{playlist}", web::get().to(screen_named))
        .route("/lobby/{playlist}/content", web::get().to(content_named));
}

/// Per-screen settings from the URL; a named playlist supplies the defaults.
#[derive(Deserialize, Default, Clone)]
pub struct LobbyQuery {
    slides: Option<String>,
    seconds: Option<String>,
    theme: Option<String>,
    period: Option<String>,
    /// `cumulative`: every board, 红榜·黑榜 and movers slide shows the year so far.
    view: Option<String>,
    /// The slide to show (used by the no-JavaScript rotation).
    slide: Option<usize>,
}

struct Settings {
    /// Every board, tiers and movers slide shows the year so far.
    cumulative: bool,
    slides: Vec<SlideSpec>,
    seconds: u32,
    theme: Theme,
    subtitle: Option<String>,
}

fn settings(
    conn: &rusqlite::Connection,
    playlist: Option<&str>,
    q: &LobbyQuery,
) -> Result<Settings, AppError> {
    let bad = AppError::BadRequest;
    let mut s = Settings {
        cumulative: false,
        slides: lobby::default_slides(),
        seconds: lobby::DEFAULT_SECONDS,
        theme: Theme::Red,
        subtitle: None,
    };
    if let Some(name) = playlist {
        let p = store::playlist(conn, name)?
            .ok_or_else(|| AppError::NotFound(format!("播放列表「{name}」不存在")))?;
        s.slides = lobby::parse_slides(&p.slides).map_err(bad)?;
        s.seconds = p.seconds;
        s.theme = p.theme.parse().unwrap_or(Theme::Red);
        s.subtitle = p.title;
    }
    if let Some(v) = q.slides.as_deref().filter(|v| !v.is_empty()) {
        s.slides = lobby::parse_slides(v).map_err(bad)?;
    }
    match q.view.as_deref().filter(|v| !v.is_empty()) {
        None | Some("quarter") => {}
        Some("cumulative") => s.cumulative = true,
        Some(v) => {
            return Err(bad(format!(
                "view「{v}」应为 quarter（单季度）或 cumulative（年度累计）"
            )));
        }
    }
    if let Some(v) = q.seconds.as_deref().filter(|v| !v.is_empty()) {
        s.seconds = lobby::parse_seconds(v).map_err(bad)?;
    }
    if let Some(v) = q.theme.as_deref() {
        s.theme = v
            .parse()
            .map_err(|_| bad(format!("主题「{v}」应为 red 或 dark")))?;
    }
    Ok(s)
}

#[derive(Template)]
#[template(path = "lobby_slides.html")]
struct SlidesFragment<'a> {
    slides: &'a [SlideView],
}

#[derive(Template)]
#[template(path = "lobby.html")]
struct LobbyPage<'a> {
    competition: String,
    subtitle: String,
    period_label: String,
    as_of: String,
    clock: String,
    demo: bool,
    theme: &'static str,
    css: String,
    js: String,
    slides: &'a [SlideView],
    count: usize,
    current: usize,
    next_url: String,
    refresh_seconds: u32,
    content_url: String,
    version: i64,
}

/// Everything a screen shows, for one request.
struct Screen {
    structure: Arc<Option<Structure>>,
    period: PeriodRow,
    slides: Vec<SlideView>,
    settings: Settings,
    version: i64,
}

fn screen(ctx: &Ctx<'_>, playlist: Option<&str>, q: &LobbyQuery) -> Result<Screen, AppError> {
    let st = structure(ctx)?;
    let s = st
        .as_ref()
        .as_ref()
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
    let set = settings(ctx.conn, playlist, q)?;
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(raw) => published(s, raw)?.clone(),
        None => s
            .latest_published()
            .cloned()
            .ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?,
    };
    // The period's own year's scheme: its groups are the ones ranked then.
    let st = ctx.structure_for(period.key.year)?;
    let s = st.as_ref().as_ref().unwrap_or(s);
    let slides = build_slides(ctx, s, &period, &set)?;
    Ok(Screen {
        period,
        slides,
        settings: set,
        version: ctx.version,
        structure: st.clone(),
    })
}

/// Query string for the content feed and the no-JavaScript rotation (without `slide`).
fn query_string(q: &LobbyQuery) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("slides", &q.slides),
        ("seconds", &q.seconds),
        ("theme", &q.theme),
        ("period", &q.period),
        ("view", &q.view),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
            pairs.push((k, v.clone()));
        }
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

fn as_of(
    conn: &rusqlite::Connection,
    p: &PeriodRow,
    zone: &crate::domain::Zone,
) -> Result<String, AppError> {
    // A result in 公示 says so, and until when.
    let publicity = match p.key.is_annual() {
        true => crate::store::publicity(conn, p.id)?
            .filter(|pb| pb.final_at.is_none())
            .map(|pb| format!("，公示至{}", zone.minute(pb.until.unix()))),
        false => None,
    };
    Ok(format!(
        "{}（{}揭榜{}）",
        p.key.label(),
        // To the minute: seconds mean nothing on a lobby screen.
        p.published_at
            .map(|t| zone.minute(t.unix()))
            .unwrap_or_default(),
        publicity.unwrap_or_default()
    ))
}

use crate::web::cache::uncached as run;

fn no_store(body: String, content_type: &'static str) -> HttpResponse {
    let mut r = HttpResponse::Ok();
    r.insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    // A signage system may frame the lobby when the administrator names it.
    if let Some(ancestors) = frame_ancestors() {
        r.insert_header((
            header::CONTENT_SECURITY_POLICY,
            crate::web::CONTENT_SECURITY_POLICY.replace(
                "frame-ancestors 'none'",
                &format!("frame-ancestors {ancestors}"),
            ),
        ))
        .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"));
    }
    r.body(body)
}

/// `SHAIBANG_FRAME_ANCESTORS`: the origins allowed to frame the lobby (space-separated, as CSP
/// writes them); read once.
fn frame_ancestors() -> Option<&'static str> {
    static VALUE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    VALUE
        .get_or_init(|| {
            std::env::var("SHAIBANG_FRAME_ANCESTORS")
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| {
                    !v.is_empty()
                        && v.chars().all(|c| c.is_ascii_graphic() || c == ' ')
                        && !v.contains(';')
                })
        })
        .as_deref()
}

async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    playlist: Option<String>,
    q: LobbyQuery,
) -> Result<HttpResponse, AppError> {
    let path = req.path().to_string();
    let html = run(&state, move |ctx| {
        let mut sc = screen(ctx, playlist.as_deref(), &q)?;
        let count = sc.slides.len();
        let current = q.slide.unwrap_or(0) % count;
        sc.slides[current].current = true;
        let s = sc
            .structure
            .as_ref()
            .as_ref()
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let qs = query_string(&q);
        let sep = if qs.is_empty() { "" } else { "&" };
        let page = LobbyPage {
            competition: s.competition.name.clone(),
            subtitle: sc.settings.subtitle.clone().unwrap_or_default(),
            period_label: sc.period.key.label(),
            as_of: as_of(ctx.conn, &sc.period, &s.competition.zone)?,
            // The office's clock, whatever the server's zone.
            clock: s
                .competition
                .zone
                .format(chrono::Utc::now().timestamp(), "%H:%M"),
            demo: s.competition.is_demo,
            theme: sc.settings.theme.as_str(),
            css: crate::web::assets::lobby_css_url().to_string(),
            js: crate::web::assets::lobby_js_url().to_string(),
            slides: &sc.slides,
            count,
            current,
            next_url: format!("{path}?{qs}{sep}slide={}", (current + 1) % count),
            refresh_seconds: sc.slides[current].seconds,
            content_url: format!("{}/content?{qs}", path.trim_end_matches('/')),
            version: sc.version,
        };
        page.render().map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    Ok(no_store(html, "text/html; charset=utf-8"))
}

async fn content(
    state: web::Data<AppState>,
    playlist: Option<String>,
    q: LobbyQuery,
) -> Result<HttpResponse, AppError> {
    let json = run(&state, move |ctx| {
        let mut sc = screen(ctx, playlist.as_deref(), &q)?;
        sc.slides[0].current = true;
        let html = SlidesFragment { slides: &sc.slides }
            .render()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(serde_json::json!({
            "version": sc.version,
            "as_of": as_of(
                ctx.conn,
                &sc.period,
                &sc.structure
                    .as_ref()
                    .as_ref()
                    .map(|s| s.competition.zone.clone())
                    .unwrap_or_default()
            )?,
            "period": sc.period.key.label(),
            "count": sc.slides.len(),
            "html": html,
        })
        .to_string())
    })
    .await
    .map_err(AppError::api)?;
    Ok(no_store(json, "application/json"))
}

async fn screen_default(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    page(req, state, None, q.into_inner()).await
}

async fn screen_named(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    page(req, state, Some(path.into_inner()), q.into_inner()).await
}

async fn content_default(
    state: web::Data<AppState>,
    q: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    content(state, None, q.into_inner()).await
}

async fn content_named(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    content(state, Some(path.into_inner()), q.into_inner()).await
}
