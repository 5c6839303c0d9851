//! Logging in and out, and changing one's own password. The login form is protected by a
//! double-submit token (a cookie and a form field that must match), since there is no session
//! yet; failed logins are limited per account and per address.

use super::{Staff, address, session_cookie};
use crate::auth::{self, LoginLimiter, MAX_FAILED_PER_ACCOUNT, MAX_FAILED_PER_ADDRESS};
use crate::web::{AppError, AppState};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::time::Instant;

use super::guard::{LoginForm, NoFields, PRE_COOKIE, StaffForm};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    title: String,
    csrf: String,
    next: String,
    message: Option<String>,
    name: String,
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// Only a path on this server is followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}

fn render_login(
    state: &AppState,
    next: &str,
    message: Option<String>,
    name: &str,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let token = auth::new_token();
    let page = LoginPage {
        title: "工作人员登录".into(),
        csrf: token.clone(),
        next: next.to_string(),
        message,
        name: name.to_string(),
    };
    let body = page
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let cookie = Cookie::build(PRE_COOKIE, token)
        .path("/admin/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.admin.secure_cookies)
        .finish();
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .body(body))
}

pub(super) async fn login_page(
    state: web::Data<AppState>,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    render_login(
        &state,
        &safe_next(q.next.as_deref()),
        None,
        "",
        actix_web::http::StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub(super) struct LoginFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn wait_text(d: std::time::Duration) -> String {
    let mins = d.as_secs().div_ceil(60).max(1);
    format!("登录失败次数过多，已暂时锁定。请{mins}分钟后再试，或联系管理员。")
}

pub(super) async fn log_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    LoginForm { form }: LoginForm<LoginFields>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let addr = address(&req);
    // Account names are at most 40 characters: a longer one is no account, and never a
    // large key in the limiter.
    let name: String = form.name.trim().chars().take(41).collect();
    let account_key = format!("account:{name}");
    let address_key = format!("address:{addr}");
    // Each attempt counts as a failure before the password is checked (and is taken back on
    // success), so a burst of parallel attempts cannot slip past the limit.
    let locked = {
        let mut l = state
            .logins
            .lock()
            .map_err(|_| AppError::Internal("login limiter poisoned".into()))?;
        let now = Instant::now();
        let locked = l
            .locked_for(&account_key, MAX_FAILED_PER_ACCOUNT, now)
            .or_else(|| l.locked_for(&address_key, MAX_FAILED_PER_ADDRESS, now));
        if locked.is_none() {
            l.fail(&account_key, now);
            l.fail(&address_key, now);
        }
        locked
    };
    let st = state.clone();
    if let Some(wait) = locked {
        let (n, a) = (name.clone(), addr.clone());
        web::block(move || {
            let mut conn = st.store.conn()?;
            crate::ops::record_locked_login(
                &mut conn,
                crate::ops::Actor {
                    name: &n,
                    address: Some(&a),
                },
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        return render_login(
            &state,
            &next,
            Some(wait_text(wait)),
            &name,
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        );
    }
    // Password hashing is deliberately costly: only a few checks run at once.
    let Some(_permit) = LoginPermit::take() else {
        return render_login(
            &state,
            &next,
            Some("登录请求过多，请稍后再试。".into()),
            &name,
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        );
    };
    let (n, a, pw) = (name.clone(), addr.clone(), form.password);
    let opened = web::block(move || {
        let mut conn = st.store.conn()?;
        crate::ops::log_in(&mut conn, &n, &pw, Some(&a), st.admin.clock.now())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    let limiter = |f: &dyn Fn(&mut LoginLimiter)| {
        if let Ok(mut l) = state.logins.lock() {
            f(&mut l);
        }
    };
    match opened {
        Some(s) => {
            limiter(&|l| {
                l.succeed(&account_key);
                l.forget_last(&address_key);
            });
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(session_cookie(&state, &s.token, false))
                .finish())
        }
        None => {
            // Already counted before the check.
            let _ = &limiter;
            render_login(
                &state,
                &next,
                Some("账号或密码错误，或账号已停用。".into()),
                &name,
                actix_web::http::StatusCode::UNAUTHORIZED,
            )
        }
    }
}

pub(super) async fn log_out(
    state: web::Data<AppState>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    web::block(move || {
        let mut conn = st.store.conn()?;
        crate::ops::log_out(&mut conn, &staff.session.token_hash, staff.actor())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/login"))
        .cookie(session_cookie(&state, "", true))
        .finish())
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    title: String,
    me: super::pages::Me,
    message: Option<String>,
}

pub(super) async fn password_page(staff: Staff) -> Result<HttpResponse, AppError> {
    super::pages::page(&PasswordPage {
        title: "修改密码".into(),
        me: super::pages::Me::of(&staff),
        message: None,
    })
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

pub(super) async fn change_password(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let me = super::pages::Me::of(&staff);
    let fail = |m: String| {
        super::pages::page(&PasswordPage {
            title: "修改密码".into(),
            me: me.clone(),
            message: Some(m),
        })
    };
    if form.new != form.again {
        return fail("两次输入的新密码不一致。".into());
    }
    let st = state.clone();
    let name = staff.name().to_string();
    let address = staff.address.clone();
    let result = web::block(move || -> Result<Result<(), String>, AppError> {
        let mut conn = st.store.conn()?;
        let ok = crate::store::account_by_name(&conn, &name)?
            .is_some_and(|c| auth::verify_password(&form.current, &c.password_hash));
        if !ok {
            return Ok(Err("当前密码不正确。".into()));
        }
        let actor = crate::ops::Actor {
            name: &name,
            address: Some(&address),
        };
        match crate::ops::set_password(&mut conn, &name, &form.new, actor) {
            Ok(()) => Ok(Ok(())),
            Err(crate::store::StoreError::Refused(r)) => Ok(Err(r.to_string())),
            Err(e) => Err(e.into()),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    match result {
        Err(m) => fail(m),
        // Every session of the account ended with the change: log in again.
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/login"))
            .cookie(session_cookie(&state, "", true))
            .finish()),
    }
}

/// Password checks running at once (argon2 takes memory and time by design).
const MAX_CONCURRENT_LOGINS: usize = 4;
static LOGINS_RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A slot for one password check, given back when dropped.
struct LoginPermit;

impl LoginPermit {
    fn take() -> Option<LoginPermit> {
        use std::sync::atomic::Ordering;
        let prev = LOGINS_RUNNING.fetch_add(1, Ordering::SeqCst);
        if prev >= MAX_CONCURRENT_LOGINS {
            LOGINS_RUNNING.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(LoginPermit)
    }
}

impl Drop for LoginPermit {
    fn drop(&mut self) {
        LOGINS_RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
