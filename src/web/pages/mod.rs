//! HTML pages for officials: one module per page, each with its view model. A page handler
//! resolves what the URL names (`extract`), builds its view and renders its template; every
//! page is rendered once per data version and then served from the cache.

pub(crate) mod board;
mod compare;
mod error;
mod health;
mod home;
mod honors;
mod indicator;
mod notices;
mod search;
mod unit;
mod version;
pub(crate) mod why;

pub use board::{BoardQuery, CorrectionNotice, board_page};
pub use error::{error_body, error_page, not_found, public_errors};

use super::AppError;
use super::cache::Rendered;
use actix_web::{http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/boards/{period}/{group}", web::get().to(board::board))
        .route(
            "/boards/{period}/{group}/why/{unit}",
            web::get().to(why::why),
        )
        .route(
            "/boards/{period}/{group}/versions/{n}",
            web::get().to(version::version),
        )
        .route("/units/{id}", web::get().to(unit::unit))
        .route("/indicators/{id}", web::get().to(indicator::indicator))
        .route("/compare", web::get().to(compare::compare))
        .route("/charts/compare.svg", web::get().to(compare::compare_chart))
        .route("/search", web::get().to(search::search))
        .route("/honors", web::get().to(honors::honors))
        .route("/healthz", web::get().to(health::healthz));
}

pub fn html(t: &impl Template) -> Result<Rendered, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(format!("模板渲染失败：{e}")))?;
    Ok(Rendered {
        status: StatusCode::OK,
        content_type: "text/html; charset=utf-8",
        body: body.into(),
        filename: None,
    })
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
    pub print: Option<String>,
}
