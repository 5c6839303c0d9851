//! Static assets, compiled into the binary and served with a long cache lifetime.

use actix_web::{HttpResponse, http::header, web};
use std::sync::OnceLock;

const STYLE_CSS: &str = include_str!("../../assets/style.css");
const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");
const LOBBY_CSS: &str = include_str!("../../assets/lobby.css");
const LOBBY_JS: &str = include_str!("../../assets/lobby.js");

/// `SHAIBANG_BENCH_STATIC=FILE`: serve FILE's bytes at /bench/static.html, as the static
/// baseline of the HTTP load benchmark (see README). Read once at start-up.
fn bench_static() -> Option<web::Bytes> {
    static BYTES: OnceLock<Option<web::Bytes>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let path = std::env::var_os("SHAIBANG_BENCH_STATIC")?;
            std::fs::read(path).ok().map(web::Bytes::from)
        })
        .clone()
}

pub fn lobby_css_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/assets/lobby.css?v={:x}", super::respond::fnv1a(LOBBY_CSS)))
}

pub fn lobby_js_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/assets/lobby.js?v={:x}", super::respond::fnv1a(LOBBY_JS)))
}

/// The stylesheet's URL, versioned by its content so browsers may cache it for good.
pub fn style_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| format!("/assets/style.css?v={:x}", super::respond::fnv1a(STYLE_CSS)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    if let Some(bytes) = bench_static() {
        // Benchmark baseline only: the same server answering with fixed bytes from memory.
        cfg.route(
            "/bench/static.html",
            web::get().to(move || {
                let body = bytes.clone();
                async move {
                    HttpResponse::Ok()
                        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
                        .body(body)
                }
            }),
        );
    }
    cfg.route("/assets/style.css", web::get().to(style))
        .route("/assets/favicon.svg", web::get().to(favicon))
        .route(
            "/assets/lobby.css",
            web::get().to(|| async { asset(LOBBY_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/lobby.js",
            web::get().to(|| async { asset(LOBBY_JS, "text/javascript; charset=utf-8") }),
        )
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

fn asset(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}
