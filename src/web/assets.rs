//! Static assets, compiled into the binary and served with a long cache lifetime.

use actix_web::{HttpResponse, http::header, web};

const STYLE_CSS: &str = include_str!("../../assets/style.css");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/style.css", web::get().to(style));
}

async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLE_CSS)
}
