//! The HTTP shell's wiring: the app, its middleware (security headers, HEAD, the private gate,
//! staff-area errors), the route table of every area, and the fallback. Handlers load data
//! through `store` and `boards` and render it; they compute no rank. The error type is in
//! `error`, serving a GET from the page cache (ETag, 304, gzip) in `respond`, the caches in
//! `cache`. Assets and templates are compiled in.

pub mod admin;
mod api;
mod assets;
pub mod cache;
mod error;
mod extract;
mod files;
mod lobby;
pub mod pages;
mod posters;
mod respond;
mod urls;
mod views;

pub use error::AppError;
pub use respond::{cached, cached_in, cached_with};

use crate::store::Store;
use actix_web::http::{StatusCode, header};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, dev::Server, web};
use cache::Cache;
use std::net::TcpListener;
use std::sync::Arc;

/// Shared by every worker.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub cache: Arc<Cache>,
    pub admin: admin::AdminConfig,
    pub logins: Arc<std::sync::Mutex<crate::auth::LoginLimiter>>,
    /// Refused logins not yet summarised in the audit log.
    pub refusals: Arc<std::sync::Mutex<crate::auth::RefusalLog>>,
    /// Where argon2 runs (a few threads of its own).
    pub passwords: Arc<admin::passwords::PasswordPool>,
}

/// Builds the server on an already bound listener (tests bind port 0).
pub fn build(listener: TcpListener, store: Store) -> std::io::Result<Server> {
    build_with(listener, store, admin::AdminConfig::default())
}

/// `build` with the staff area's settings.
pub fn build_with(
    listener: TcpListener,
    store: Store,
    admin: admin::AdminConfig,
) -> std::io::Result<Server> {
    let state = web::Data::new(AppState {
        store,
        cache: Arc::new(Cache::default()),
        admin,
        logins: Arc::default(),
        refusals: Arc::default(),
        passwords: Arc::default(),
    });
    actix_web::rt::spawn(admin::scheduler(state.clone()));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::QueryConfig::default().error_handler(|e, _| query_error(&e).into()))
            // Innermost: it replaces an error's body before anything encodes it.
            .wrap(actix_web::middleware::from_fn(admin::staff_errors))
            .wrap(actix_web::middleware::from_fn(pages::public_errors))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(actix_web::middleware::from_fn(admin::access::gate))
            .wrap(actix_web::middleware::from_fn(head_as_get))
            .wrap(security_headers())
            .configure(configure)
            .default_service(web::to(fallback))
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// A query string a page's parameters cannot be read from, said in Chinese (400).
fn query_error(e: &actix_web::error::QueryPayloadError) -> AppError {
    let text = e.to_string();
    // serde's words: "unknown field `x`, expected …", "duplicate field `size`".
    let name = text.split('`').nth(1).unwrap_or("");
    AppError::BadRequest(if text.contains("unknown field") {
        format!("不认识的网址参数「{name}」：请检查链接是否完整、正确")
    } else if text.contains("duplicate field") {
        format!("网址参数「{name}」重复")
    } else {
        "网址参数有误：请检查链接是否完整、正确".to_string()
    })
}

/// Only the server's own origin may supply scripts, styles, images and fonts (no inline
/// script or style anywhere); no other site may frame a page, except the lobby screens when
/// `SHAIBANG_FRAME_ANCESTORS` names the signage system that shows them.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The security headers on every response (a response may set its own first: the lobby's
/// framing).
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
}

/// The longest request target answered (longer ones get 414; a request head beyond actix-web's
/// own limit gets its 431).
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Every route answers GET; a HEAD is answered as the GET would be, without the body, so
/// monitors that probe with HEAD see the same status.
async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    // No page of ours needs a long address; the lobby's settings are the longest, and capped.
    if req.uri().to_string().len() > MAX_URI_BYTES {
        let page = pages::error_page(
            StatusCode::URI_TOO_LONG,
            "网址过长".into(),
            format!("网址超过{MAX_URI_BYTES}字节，无法处理。"),
        );
        return Ok(req.into_response(page).map_into_boxed_body());
    }
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    Ok(if head {
        res.map_body(|_, _| actix_web::body::BoxBody::new(()))
    } else {
        res.map_into_boxed_body()
    })
}

/// Unknown routes: JSON under `/api/`, a page elsewhere; a known route asked with a method
/// other than GET or HEAD is 405 with `Allow`.
async fn fallback(req: HttpRequest) -> HttpResponse {
    let known = req.resource_map().has_resource(req.path());
    let api = req.path().starts_with("/api/");
    if known && let Some(allow) = req.match_pattern().and_then(|p| admin::allowed_methods(&p)) {
        let mut r = pages::error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            "不支持的请求方式".into(),
            format!("此地址只支持 {allow} 请求。"),
        );
        if let Ok(v) = header::HeaderValue::from_str(&allow) {
            r.headers_mut().insert(header::ALLOW, v);
        }
        return r;
    }
    if known {
        let mut r = if api {
            HttpResponse::MethodNotAllowed()
                .json(serde_json::json!({ "error": "只支持 GET 和 HEAD 请求" }))
        } else {
            pages::error_page(
                StatusCode::METHOD_NOT_ALLOWED,
                "不支持的请求方式".into(),
                "此页面只能查看（GET、HEAD）。".into(),
            )
        };
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if api {
        return HttpResponse::NotFound().json(serde_json::json!({ "error": "接口不存在" }));
    }
    pages::not_found().await
}

/// Every route, in one place.
pub fn configure(cfg: &mut web::ServiceConfig) {
    admin::configure(cfg);
    pages::configure(cfg);
    files::configure(cfg);
    posters::configure(cfg);
    api::configure(cfg);
    lobby::configure(cfg);
    assets::configure(cfg);
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("无法监听 {addr}：{source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("服务器错误：{0}")]
    Io(#[from] std::io::Error),
}

/// Binds and serves until stopped.
pub fn serve(store: Store, bind: &str, admin: admin::AdminConfig) -> Result<(), ServeError> {
    let listener = TcpListener::bind(bind).map_err(|source| ServeError::Bind {
        addr: bind.to_string(),
        source,
    })?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    actix_web::rt::System::new()
        .block_on(async move { build_with(listener, store, admin)?.await })?;
    Ok(())
}
