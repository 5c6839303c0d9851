//! The staff area under `/admin`: logging in, uploading with preview and confirm, 揭榜, the
//! audit log, accounts. Every route is in one table (`ROUTES`) with the least role it needs;
//! the same table registers the routes, so the tests that walk it walk exactly what is served.
//!
//! Access: a `Staff` extractor loads the session from its cookie and checks the role the
//! table gives the matched route (anonymous GET → the login page, anything else → 403). Every
//! POST handler takes a guard (`guard::StaffForm`, `guard::StaffUpload`, `guard::LoginForm`)
//! that checks the CSRF token before the handler runs; the table only accepts such handlers
//! for POST routes. No GET changes data.

pub mod access;
mod appeals;
mod errors;
pub use errors::staff_errors;
pub mod guard;
mod honors;
mod login;
mod pages;
pub mod passwords;
mod periods;
mod preview;
mod progress;
mod publish;
mod schemes;
mod targets;
mod upload;
mod vetoes;

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
    /// How long a client may pause while sending a body before it is cut off (408).
    pub body_idle: std::time::Duration,
    /// Bytes of unconfirmed uploads kept at most, all accounts together.
    pub max_pending_uploads: u64,
    /// The address the public reaches the boards at (`https://kpb.example.gov.cn`): posters
    /// then carry a QR code linking to their board.
    pub public_url: Option<String>,
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
            body_idle: std::time::Duration::from_secs(20),
            max_pending_uploads: crate::store::MAX_PENDING_UPLOAD_BYTES,
            public_url: None,
        }
    }
}

/// One route of the staff area and the least role it needs (`None`: anybody, the login page);
/// a POST route declares its body format, and the table registers it only with a handler whose
/// last argument is a guard reading that format (see `guard`).
#[derive(Debug, Clone, Copy)]
pub struct AdminRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub role: Option<Role>,
    pub body: Option<guard::BodyKind>,
}

/// A GET route: any handler.
fn get_route<F, Args>(handler: F) -> actix_web::Route
where
    F: actix_web::Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::get().to(handler)
}

/// A POST route reading body format `B` (`guard::FormBody`, `guard::MultipartBody`): only a
/// handler whose last argument is a guard of that format.
fn post_route<B, F, Args>(handler: F) -> actix_web::Route
where
    F: actix_web::Handler<Args>,
    Args: FromRequest + guard::GuardedArgs<Body = B> + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::post().to(handler)
}

macro_rules! admin_routes {
    (@body get) => { None };
    (@body form) => { Some(guard::BodyKind::Form) };
    (@body multipart) => { Some(guard::BodyKind::Multipart) };
    (@method get) => { "get" };
    (@method form) => { "post" };
    (@method multipart) => { "post" };
    (@route get $h:path) => { get_route($h) };
    (@route form $h:path) => { post_route::<guard::FormBody, _, _>($h) };
    (@route multipart $h:path) => { post_route::<guard::MultipartBody, _, _>($h) };
    ($($kind:ident $path:literal => $handler:path, $role:expr;)+) => {
        /// Every route of the staff area.
        pub const ROUTES: &[AdminRoute] = &[
            $(AdminRoute {
                method: admin_routes!(@method $kind),
                path: $path,
                role: $role,
                body: admin_routes!(@body $kind),
            },)+
        ];

        pub fn configure(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, admin_routes!(@route $kind $handler));)+
        }
    };
}

admin_routes! {
    get "/admin/login" => login::login_page, None;
    form "/admin/login" => login::log_in, None;
    form "/admin/logout" => login::log_out, Some(Role::Provider);
    get "/admin/password" => login::password_page, Some(Role::Provider);
    form "/admin/password" => login::change_password, Some(Role::Provider);
    get "/admin" => pages::home, Some(Role::Provider);
    get "/admin/upload" => upload::upload_page, Some(Role::Provider);
    multipart "/admin/upload" => upload::upload, Some(Role::Provider);
    get "/admin/upload/template/{group}" => upload::template, Some(Role::Provider);
    get "/admin/uploads/{token}" => upload::preview_page, Some(Role::Provider);
    form "/admin/uploads/{token}/confirm" => upload::confirm, Some(Role::Provider);
    form "/admin/uploads/{token}/period" => upload::repoint, Some(Role::Provider);
    get "/admin/periods/{period}/publish" => publish::confirm_page, Some(Role::Admin);
    form "/admin/periods/{period}/publish" => publish::publish, Some(Role::Admin);
    form "/admin/periods/{period}/schedule" => periods::schedule, Some(Role::Admin);
    form "/admin/periods/{period}/schedule/cancel" => periods::cancel, Some(Role::Admin);
    form "/admin/periods/{period}/remove" => periods::remove, Some(Role::Admin);
    form "/admin/periods" => periods::open, Some(Role::Staff);
    get "/admin/periods/{period}/progress" => progress::progress, Some(Role::Provider);
    form "/admin/periods/{period}/deadline" => progress::deadline, Some(Role::Staff);
    get "/admin/periods/{period}/boards/{group}" => periods::draft_board, Some(Role::Staff);
    get "/admin/periods/{period}/boards/{group}/why/{unit}" => periods::draft_why, Some(Role::Staff);
    get "/admin/batches" => periods::batches, Some(Role::Admin);
    get "/admin/batches/{batch}" => periods::batch, Some(Role::Admin);
    form "/admin/batches/{batch}/rollback" => periods::rollback, Some(Role::Admin);
    get "/admin/indicators" => periods::indicators, Some(Role::Admin);
    form "/admin/indicators" => periods::save_indicators, Some(Role::Admin);
    get "/admin/honors" => honors::honors_page, Some(Role::Staff);
    multipart "/admin/honors" => honors::upload_honors, Some(Role::Staff);
    get "/admin/honors/{token}" => honors::honors_preview, Some(Role::Staff);
    form "/admin/honors/{token}/confirm" => honors::honors_confirm, Some(Role::Staff);
    get "/admin/targets" => targets::targets_page, Some(Role::Staff);
    multipart "/admin/targets" => targets::upload_targets, Some(Role::Staff);
    get "/admin/targets/{token}" => targets::targets_preview, Some(Role::Staff);
    form "/admin/targets/{token}/confirm" => targets::targets_confirm, Some(Role::Staff);
    get "/admin/appeals" => appeals::appeals_page, Some(Role::Staff);
    form "/admin/appeals" => appeals::add, Some(Role::Staff);
    form "/admin/appeals/answer" => appeals::answer, Some(Role::Staff);
    form "/admin/appeals/final" => appeals::finalize, Some(Role::Admin);
    get "/admin/schemes" => schemes::schemes_page, Some(Role::Admin);
    multipart "/admin/schemes" => schemes::preview, Some(Role::Admin);
    form "/admin/schemes/confirm" => schemes::confirm, Some(Role::Admin);
    get "/admin/vetoes" => vetoes::vetoes_page, Some(Role::Staff);
    form "/admin/vetoes" => vetoes::set_veto, Some(Role::Admin);
    form "/admin/vetoes/lift" => vetoes::lift_veto, Some(Role::Admin);
    get "/admin/audit" => pages::audit, Some(Role::Staff);
    get "/admin/users" => pages::users, Some(Role::Admin);
    form "/admin/users" => pages::add_user, Some(Role::Admin);
    form "/admin/users/{name}/disable" => pages::disable_user, Some(Role::Admin);
    form "/admin/users/{name}/role" => pages::change_role, Some(Role::Admin);
    form "/admin/users/{name}/unlock" => pages::unlock_user, Some(Role::Admin);
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
    // Unlocks after this sequence value (made on the accounts page or the command line) reach
    // the limiter on the next tick; the ones from before the server started are moot.
    let mut seen_unlock: Option<i64> = None;
    loop {
        tick.tick().await;
        let st = state.clone();
        let now = st.admin.clock.now();
        let purge = now.saturating_sub(last_purge) >= 3600;
        if purge {
            last_purge = now;
        }
        // Refused logins that got no line of their own, in one line per tick.
        let refusals = st.refusals.lock().ok().and_then(|mut r| r.take_summary());
        let seen = seen_unlock;
        let done = web::block(move || {
            let mut conn = st.store.conn().map_err(crate::ops::OpsError::from)?;
            let latest = match seen {
                None => crate::store::latest_unlock(&conn).map_err(crate::ops::OpsError::from)?,
                Some(after) => {
                    let (unlocked, latest) = crate::store::unlocked_after(&conn, after)
                        .map_err(crate::ops::OpsError::from)?;
                    if !unlocked.is_empty()
                        && let Ok(mut l) = st.logins.lock()
                    {
                        for name in &unlocked {
                            l.unlock_account(name);
                        }
                    }
                    latest
                }
            };
            if purge {
                crate::ops::purge_sessions(&mut conn, now, st.admin.sessions)?;
                crate::ops::purge_uploads(&mut conn, now)?;
            }
            if let Some((count, addresses)) = refusals {
                crate::ops::record_refusals(&mut conn, count, addresses)?;
            }
            crate::ops::publish_due(&mut conn, now)?;
            Ok::<_, crate::ops::OpsError>(latest)
        })
        .await;
        match done {
            // Advanced only after a tick that read the unlocks.
            Ok(Ok(latest)) => seen_unlock = Some(latest),
            Ok(Err(e)) => tracing::warn!("scheduled publish: {e}"),
            Err(e) => tracing::warn!("scheduled publish: {e}"),
        }
    }
}

/// The client's address, for the audit log and the login limiter. An IPv6 client is its /64
/// (one machine may hold a whole /64, and must not get a fresh limiter key per address).
pub(super) fn address(req: &HttpRequest) -> String {
    match req.peer_addr().map(|a| a.ip()) {
        None => "未知".to_string(),
        Some(std::net::IpAddr::V4(ip)) => ip.to_string(),
        Some(std::net::IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
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
#[derive(Clone)]
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

    /// The account as the upload operations see it: its role and (报送单位) its provider,
    /// an empty one if none was set, so that it may write nothing rather than everything.
    pub fn uploader(&self) -> crate::ops::Uploader<'_> {
        let role = self.role();
        crate::ops::Uploader {
            actor: self.actor(),
            account_id: self.session.account.id,
            role,
            provider: (role == Role::Provider)
                .then(|| self.session.account.provider.as_deref().unwrap_or("")),
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
pub(super) async fn current_session(
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

/// The session of whoever is logged in, if anybody (pages open to all that show staff a
/// little more, like the reveal's rehearsal).
pub struct MaybeStaff(pub Option<SessionInfo>);

impl FromRequest for MaybeStaff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Internal("no app state".into()))?
                .clone();
            Ok(MaybeStaff(current_session(&req, &state).await?))
        })
    }
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
