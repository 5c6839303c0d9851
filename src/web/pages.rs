//! HTML pages.

use super::views::{BoardView, Chrome, PeriodInfo, PeriodLink, period_links};
use super::{AppError, AppState};
use crate::boards;
use crate::domain::PeriodKey;
use crate::store;
use actix_web::{HttpResponse, http::StatusCode, http::header, web};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/healthz", web::get().to(healthz));
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    title: String,
    chrome: Chrome,
    heading: String,
    period: Option<PeriodInfo>,
    periods: Vec<PeriodLink>,
    boards: Vec<BoardView>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    chrome: Chrome,
    message: String,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    period: Option<String>,
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body)
}

fn render(t: &impl Template) -> Result<String, AppError> {
    t.render()
        .map_err(|e| AppError::Store(store::StoreError::Invalid(format!("模板渲染失败：{e}"))))
}

async fn home(
    state: web::Data<AppState>,
    q: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let store = state.store.clone();
    let requested = match q.period.as_deref() {
        Some(p) => Some(
            PeriodKey::parse(p)
                .ok_or_else(|| AppError::NotFound(format!("无法识别的期间「{p}」")))?,
        ),
        None => None,
    };
    let body = web::block(move || -> Result<String, AppError> {
        let conn = store.conn()?;
        let s = store::load_structure(&conn)?;
        let chrome = Chrome::new(s.as_ref());
        let Some(s) = s else {
            return render(&HomePage {
                title: "首页".into(),
                chrome,
                heading: "尚未配置竞赛".into(),
                period: None,
                periods: Vec::new(),
                boards: Vec::new(),
            });
        };
        let period = match requested {
            Some(k) => Some(
                s.period(k)
                    .ok_or_else(|| AppError::NotFound(format!("期间{k}不存在")))?,
            ),
            None => s.latest_published(),
        };
        let Some(period) = period else {
            return render(&HomePage {
                title: "首页".into(),
                chrome,
                heading: s.competition.name.clone(),
                period: None,
                periods: period_links(&s, None),
                boards: Vec::new(),
            });
        };
        let list = boards::period_boards(&conn, &s, period.key)?;
        render(&HomePage {
            title: format!("{} 考评结果", period.key.label()),
            chrome,
            heading: format!("{} 考评结果", period.key.label()),
            period: Some(PeriodInfo {
                status: period.status.label(),
                published_at: period.published_at.clone(),
                compared_with: list.first().and_then(|b| b.previous).map(|p| p.label()),
            }),
            periods: period_links(&s, Some(period.key)),
            boards: list.iter().map(BoardView::new).collect(),
        })
    })
    .await
    .map_err(|e| AppError::Store(store::StoreError::Invalid(e.to_string())))??;
    Ok(html(body))
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let ok = web::block(move || -> Result<i64, store::StoreError> {
        store::data_version(&*store.conn()?)
    })
    .await;
    match ok {
        Ok(Ok(v)) => {
            HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "data_version": v }))
        }
        _ => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "error" })),
    }
}

pub async fn not_found() -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        "找不到页面".into(),
        "您访问的页面不存在。".into(),
    )
}

pub fn error_page(status: StatusCode, title: String, message: String) -> HttpResponse {
    let page = ErrorPage {
        title,
        chrome: Chrome::new(None),
        message,
    };
    let body = page.render().unwrap_or_else(|_| "错误".into());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body)
}
