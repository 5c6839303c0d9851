//! The HTTP shell: routes, handlers and templates. Handlers load data through `store` and
//! `boards` and render it; they compute no rank. Assets and templates are compiled in.
//!
//! Every GET is answered from a cache keyed by the data version, with an ETag (answered 304
//! when it matches) and Last-Modified; an import or publish bumps the version.

pub mod admin;
mod api;
mod assets;
pub mod cache;
mod extract;
mod files;
mod lobby;
pub mod pages;
mod urls;
mod views;

use crate::store::{Store, StoreError, Structure};
use actix_web::http::{StatusCode, header};
use actix_web::{
    App, HttpMessage, HttpRequest, HttpResponse, HttpServer, ResponseError, dev::Server, web,
};
use cache::{Cache, Ctx, Page, Rendered};
use std::net::TcpListener;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

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
            // Innermost: it replaces an error's body before anything encodes it.
            .wrap(actix_web::middleware::from_fn(admin::staff_errors))
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

/// What a handler can fail with, shown to the user in Chinese; the status and the page or
/// JSON it becomes are decided in one place, the `ResponseError` impl below.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    /// A query parameter that cannot be understood.
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
    /// Logged in, but without the role (or a POST without a valid CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// An anonymous GET of a staff page: sent to the login page, then back to this path.
    #[error("请先登录")]
    LoginRequired(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A body that did not arrive in time (answered 408, connection closed).
    #[error("{0}")]
    RequestTimeout(String),
    /// The data changed under a request (a preview confirmed after another import).
    #[error("{0}")]
    Conflict(String),
    /// Any of the above on an `/api/` route: answered as JSON, never as a page.
    #[error(transparent)]
    Api(Box<AppError>),
}

impl AppError {
    /// The same error, answered as JSON.
    #[must_use]
    pub fn api(self) -> AppError {
        match self {
            AppError::Api(_) => self,
            other => AppError::Api(Box::new(other)),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Api(e) => e.status_code(),
        }
    }
    fn error_response(&self) -> HttpResponse {
        let internal = |e: &AppError| matches!(e, AppError::Store(_) | AppError::Internal(_));
        if internal(self) || matches!(self, AppError::Api(e) if internal(e)) {
            tracing::error!("request failed: {self}");
        }
        match self {
            AppError::Api(e) => {
                let message = if internal(e) {
                    "处理请求时出错，请稍后再试或联系管理员。".to_string()
                } else {
                    e.to_string()
                };
                HttpResponse::build(e.status_code()).json(serde_json::json!({ "error": message }))
            }
            AppError::NotFound(m) => {
                pages::error_page(self.status_code(), "找不到页面".into(), m.clone())
            }
            AppError::BadRequest(m) => {
                pages::error_page(self.status_code(), "请求参数有误".into(), m.clone())
            }
            AppError::Forbidden(m) => {
                pages::error_page(self.status_code(), "无权访问".into(), m.clone())
            }
            // The rest of such a body is not read: the connection is closed after the answer.
            AppError::PayloadTooLarge(m) => {
                let mut r = pages::error_page(self.status_code(), "文件过大".into(), m.clone());
                r.headers_mut().insert(
                    header::CONNECTION,
                    header::HeaderValue::from_static("close"),
                );
                r
            }
            AppError::RequestTimeout(m) => {
                let mut r = pages::error_page(self.status_code(), "连接超时".into(), m.clone());
                r.headers_mut().insert(
                    header::CONNECTION,
                    header::HeaderValue::from_static("close"),
                );
                r
            }
            AppError::Conflict(m) => {
                pages::error_page(self.status_code(), "数据已有变化".into(), m.clone())
            }
            AppError::LoginRequired(path) => HttpResponse::SeeOther()
                .insert_header((
                    header::LOCATION,
                    format!(
                        "/admin/login?next={}",
                        serde_urlencoded::to_string([("", path)])
                            .unwrap_or_default()
                            .trim_start_matches('=')
                    ),
                ))
                .finish(),
            _ => pages::error_page(
                self.status_code(),
                "服务器内部错误".into(),
                "处理请求时出错，请稍后再试或联系管理员。".into(),
            ),
        }
    }
}

/// Changes on every start, so a new binary never answers 304 for an old page.
fn boot_id() -> u64 {
    static BOOT: OnceLock<u64> = OnceLock::new();
    *BOOT.get_or_init(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    })
}

/// FNV-1a: a stable short hash of the request target for the ETag.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `cached` for a page that needs the competition: answers 404 while none is installed.
pub async fn cached_with<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&Ctx<'_>, &Structure) -> Result<Rendered, AppError> + Send + 'static,
{
    cached(req, state, move |ctx| {
        let s = extract::structure(ctx)?;
        render(ctx, extract::need(&s)?)
    })
    .await
}

/// Serves a GET from the cache, rendering it on the blocking pool on a miss.
pub async fn cached<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&Ctx<'_>) -> Result<Rendered, AppError> + Send + 'static,
{
    let key = req.uri().to_string();
    // A database read, so on the blocking pool like every other (never on the async worker,
    // where a wait for a pooled connection would stall every request it serves).
    let st = state.clone();
    let (version, changed_at) = web::block(move || cache::current_version(&st.store))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let etag = format!(
        "\"{:x}-{version}-{:x}\"",
        boot_id() % 0xFFFF_FFFF,
        fnv1a(&key)
    );
    let modified = header::HttpDate::from(
        SystemTime::UNIX_EPOCH + Duration::from_secs(changed_at.max(0) as u64),
    );
    let tag = header::EntityTag::new_strong(etag.trim_matches('"').to_string());
    let matches = match req.get_header::<header::IfNoneMatch>() {
        Some(header::IfNoneMatch::Any) => true,
        Some(header::IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::LAST_MODIFIED, modified))
            .finish());
    }
    let page = match state.cache.page(version, &key) {
        Some(p) => p,
        None => {
            let st = state.clone();
            let page = web::block(move || -> Result<Rendered, AppError> {
                let conn = st.store.conn()?;
                render(&Ctx {
                    conn: &conn,
                    cache: &st.cache,
                    version,
                })
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
            let page = Arc::new(Page::new(page));
            state.cache.put_page(version, key, page.clone());
            page
        }
    };
    let r = &page.rendered;
    let mut resp = HttpResponse::build(r.status);
    resp.insert_header((header::CONTENT_TYPE, r.content_type))
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, modified))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if let Some(name) = &r.filename {
        resp.insert_header(header::ContentDisposition::attachment(name.clone()));
    }
    // Compressed once per cached page, not on every request.
    if accepts_gzip(req)
        && let Some(gz) = page.gzip()
    {
        resp.insert_header((header::CONTENT_ENCODING, "gzip"));
        return Ok(resp.body(gz.clone()));
    }
    Ok(resp.body(r.body.clone()))
}

/// The client accepts gzip (with a quality above zero).
fn accepts_gzip(req: &HttpRequest) -> bool {
    use header::{Encoding, Preference};
    req.get_header::<header::AcceptEncoding>()
        .is_some_and(|ae| {
            ae.iter().any(|q| {
                q.quality > header::Quality::ZERO
                    && matches!(&q.item, Preference::Specific(e) if *e == Encoding::gzip())
            })
        })
}
