//! The staff area under `/admin`: logging in, uploading with preview and confirm, 揭榜, the
//! audit log, accounts. Every route is in one table (`ROUTES`) with the least role it needs;
//! the same table registers the routes, so the tests that walk it walk exactly what is served.
//!
//! Access: a `Staff` extractor loads the session from its cookie and checks the role the
//! table gives the matched route (anonymous GET → the login page, anything else → 403). Every
//! POST carries the session's CSRF token in a form field, checked before anything is done
//! (`Staff::check_csrf`); no GET changes data.

pub mod access;
mod honors;
mod login;
mod pages;
mod periods;
mod upload;

use super::{AppError, AppState};
use crate::auth::{self, Role};
use crate::store::{SessionInfo, SessionLimits};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;

/// The server's clock in Unix seconds (tests set their own to fire a scheduled 揭榜).
#[derive(Clone)]
pub struct Clock(pub std::sync::Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    #[must_use]
    pub fn now(&self) -> i64 {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock(std::sync::Arc::new(|| chrono::Utc::now().timestamp()))
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

/// Settings of the staff area.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// Mark cookies `Secure` (the server is behind TLS).
    pub secure_cookies: bool,
    pub sessions: SessionLimits,
    /// Largest upload accepted, in bytes.
    pub upload_limit: usize,
    pub clock: Clock,
    /// How often due scheduled publishes are looked for.
    pub schedule_tick: std::time::Duration,
    /// Boards, API and exports require a logged-in account (the lobby does not).
    pub private_pages: bool,
    /// The lobby requires this token (`?token=…` once, then a cookie).
    pub lobby_token: Option<String>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            secure_cookies: false,
            sessions: SessionLimits {
                idle_secs: 30 * 60,
                absolute_secs: 12 * 3600,
            },
            upload_limit: 10 << 20,
            clock: Clock::default(),
            schedule_tick: std::time::Duration::from_secs(10),
            private_pages: false,
            lobby_token: None,
        }
    }
}

/// One route of the staff area and the least role it needs (`None`: anybody, the login page).
#[derive(Debug, Clone, Copy)]
pub struct AdminRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub role: Option<Role>,
}

macro_rules! admin_routes {
    ($($method:ident $path:literal => $handler:path, $role:expr;)+) => {
        /// Every route of the staff area.
        pub const ROUTES: &[AdminRoute] = &[
            $(AdminRoute { method: stringify!($method), path: $path, role: $role },)+
        ];

        pub fn configure(cfg: &mut web::ServiceConfig) {
            // A form that cannot be read carries no valid CSRF token: 403, like a wrong one.
            cfg.app_data(web::FormConfig::default().limit(64 * 1024).error_handler(|e, _| {
                AppError::Forbidden(format!(
                    "表单无法读取或缺少安全令牌（{e}）。请返回上一页刷新后重试。"
                ))
                .into()
            }));
            $(cfg.route($path, web::$method().to($handler));)+
        }
    };
}

admin_routes! {
    get "/admin/login" => login::login_page, None;
    post "/admin/login" => login::log_in, None;
    post "/admin/logout" => login::log_out, Some(Role::Provider);
    get "/admin/password" => login::password_page, Some(Role::Provider);
    post "/admin/password" => login::change_password, Some(Role::Provider);
    get "/admin" => pages::home, Some(Role::Provider);
    get "/admin/upload" => upload::upload_page, Some(Role::Provider);
    post "/admin/upload" => upload::upload, Some(Role::Provider);
    get "/admin/uploads/{token}" => upload::preview_page, Some(Role::Provider);
    post "/admin/uploads/{token}/confirm" => upload::confirm, Some(Role::Provider);
    post "/admin/periods/{period}/publish" => pages::publish, Some(Role::Admin);
    post "/admin/periods/{period}/schedule" => periods::schedule, Some(Role::Admin);
    post "/admin/periods/{period}/schedule/cancel" => periods::cancel, Some(Role::Admin);
    get "/admin/periods/{period}/progress" => periods::progress, Some(Role::Provider);
    get "/admin/periods/{period}/boards/{group}" => periods::draft_board, Some(Role::Staff);
    get "/admin/batches" => periods::batches, Some(Role::Admin);
    post "/admin/batches/{batch}/rollback" => periods::rollback, Some(Role::Admin);
    get "/admin/indicators" => periods::indicators, Some(Role::Admin);
    post "/admin/indicators" => periods::save_indicators, Some(Role::Admin);
    get "/admin/honors" => honors::honors_page, Some(Role::Staff);
    post "/admin/honors" => honors::upload_honors, Some(Role::Staff);
    get "/admin/honors/{token}" => honors::honors_preview, Some(Role::Staff);
    post "/admin/honors/{token}/confirm" => honors::honors_confirm, Some(Role::Staff);
    get "/admin/audit" => pages::audit, Some(Role::Staff);
    get "/admin/users" => pages::users, Some(Role::Admin);
    post "/admin/users" => pages::add_user, Some(Role::Admin);
    post "/admin/users/{name}/disable" => pages::disable_user, Some(Role::Admin);
    post "/admin/users/{name}/role" => pages::change_role, Some(Role::Admin);
}

/// The allowed methods of a staff-area path pattern, for a 405's `Allow`.
#[must_use]
pub fn allowed_methods(pattern: &str) -> Option<String> {
    let methods: Vec<String> = ROUTES
        .iter()
        .filter(|r| r.path == pattern)
        .map(|r| r.method.to_uppercase())
        .collect();
    if methods.is_empty() {
        return None;
    }
    let mut all = methods;
    if all.iter().any(|m| m == "GET") {
        all.push("HEAD".into());
    }
    Some(all.join(", "))
}

pub(super) const SESSION_COOKIE: &str = "sb_session";

/// Publishes due scheduled periods every `schedule_tick`, whoever is logged in or not, and
/// removes expired sessions.
pub(super) async fn scheduler(state: web::Data<AppState>) {
    let mut tick = actix_web::rt::time::interval(state.admin.schedule_tick);
    let mut last_purge = i64::MIN;
    loop {
        tick.tick().await;
        let st = state.clone();
        let now = st.admin.clock.now();
        let purge = now.saturating_sub(last_purge) >= 3600;
        if purge {
            last_purge = now;
        }
        let done = web::block(move || {
            let mut conn = st.store.conn()?;
            if purge {
                crate::ops::purge_sessions(&mut conn, now, st.admin.sessions)?;
            }
            crate::ops::publish_due(&mut conn, now)
        })
        .await;
        match done {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("scheduled publish: {e}"),
            Err(e) => tracing::warn!("scheduled publish: {e}"),
        }
    }
}

/// The client's address, for the audit log and the login limiter.
pub(super) fn address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "未知".to_string(), |a| a.ip().to_string())
}

pub(super) fn session_cookie(state: &AppState, value: &str, remove: bool) -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, value.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.admin.secure_cookies)
        .finish();
    if remove {
        c.make_removal();
    }
    c
}

/// A logged-in user allowed on the matched route.
pub struct Staff {
    pub session: SessionInfo,
    pub address: String,
}

impl Staff {
    #[must_use]
    pub fn name(&self) -> &str {
        &self.session.account.name
    }

    #[must_use]
    pub fn role(&self) -> Role {
        self.session.account.role
    }

    /// Refuses a state-changing request whose form did not carry this session's token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if auth::same_secret(token, &self.session.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "表单已过期或来源无效（缺少安全令牌）。请返回上一页刷新后重试。".into(),
            ))
        }
    }

    /// For a 报送单位: the provider its uploads are restricted to.
    #[must_use]
    pub fn provider(&self) -> Option<String> {
        (self.role() == Role::Provider)
            .then(|| self.session.account.provider.clone().unwrap_or_default())
    }

    pub fn actor(&self) -> crate::ops::Actor<'_> {
        crate::ops::Actor {
            name: &self.session.account.name,
            address: Some(&self.address),
        }
    }
}

/// The role the staff area's table requires for this request (`None`: open to anybody).
fn required_role(req: &HttpRequest) -> Option<Role> {
    let pattern = req.match_pattern()?;
    let method = req.method().as_str().to_lowercase();
    let method = if method == "head" {
        "get".into()
    } else {
        method
    };
    ROUTES
        .iter()
        .find(|r| r.path == pattern && r.method == method)
        .and_then(|r| r.role)
}

/// The session of this request, if its cookie names a live one.
pub(crate) async fn current_session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Option<SessionInfo>, AppError> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = auth::token_hash(cookie.value());
    let st = state.clone();
    web::block(move || -> Result<Option<SessionInfo>, AppError> {
        let conn = st.store.conn()?;
        Ok(crate::store::live_session(
            &conn,
            &hash,
            st.admin.clock.now(),
            st.admin.sessions,
        )?)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Internal("no app state".into()))?
                .clone();
            let Some(session) = current_session(&req, &state).await? else {
                return Err(
                    if req.method() == Method::GET || req.method() == Method::HEAD {
                        AppError::LoginRequired(req.uri().path().to_string())
                    } else {
                        AppError::Forbidden("请先登录。".into())
                    },
                );
            };
            // A route missing from the table is refused rather than left open.
            let needed = match req.match_pattern() {
                Some(_) => required_role(&req).unwrap_or(Role::Admin),
                None => Role::Admin,
            };
            if session.account.role < needed {
                return Err(AppError::Forbidden(format!(
                    "您的账号（{}）无权进行此操作，需要{}权限。",
                    session.account.role.label(),
                    needed.label()
                )));
            }
            Ok(Staff {
                session,
                address: address(&req),
            })
        })
    }
}
