//! Static assets, compiled into the binary and served with a long cache lifetime.

use actix_web::{HttpResponse, http::header, web};
use std::sync::OnceLock;

const STYLE_CSS: &str = include_str!("../../assets/style.css");
const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");

/// The stylesheet's URL, versioned by its content so browsers may cache it for good.
pub fn style_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/assets/style.css?v={:x}", super::fnv1a(STYLE_CSS)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/style.css", web::get().to(style))
        .route("/assets/favicon.svg", web::get().to(favicon))
        .route("/favicon.ico", web::get().to(favicon));
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(STYLE_CSS)
}

async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_SVG)
}
