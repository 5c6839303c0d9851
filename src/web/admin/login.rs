//! Logging in and out, and changing one's own password. The login form is protected by a
//! double-submit token (a cookie and a form field that must match), since there is no session
//! yet. Every password check (a login, the current password when changing it) goes through
//! the limiter (`auth::limiter`) and runs on the password threads (`passwords`).

use super::passwords::{Busy, Lane};
use super::{Staff, address, session_cookie};
use crate::auth::{self, Failure, LoginLimiter, Verdict};
use crate::web::{AppError, AppState};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

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

fn wait_text(verdict: Verdict) -> String {
    let (wait_secs, what) = match verdict {
        Verdict::AccountUnderAttack { wait_secs, .. } => (
            wait_secs,
            "该账号近期在多处被反复尝试登录，暂时只能在以前成功登录过的电脑上登录",
        ),
        Verdict::Locked { wait_secs, .. } => (wait_secs, "此电脑的登录已暂时锁定"),
        _ => (60, "登录暂时受限"),
    };
    let mins = (wait_secs.max(1) + 59) / 60;
    format!(
        "登录失败次数过多，{what}。请{mins}分钟后再试，或请管理员在「账号管理」中解除锁定（命令行：shaibang user unlock 账号名）。"
    )
}

const BUSY_TEXT: &str = "登录请求过多，请稍候片刻再试。";

fn limiter(state: &AppState) -> Result<std::sync::MutexGuard<'_, LoginLimiter>, AppError> {
    state
        .logins
        .lock()
        .map_err(|_| AppError::Internal("login limiter poisoned".into()))
}

/// Notes a refused login for the summary line (it gets no line of its own).
fn count_refusal(state: &AppState, address: &str) {
    if let Ok(mut r) = state.refusals.lock() {
        r.count(address);
    }
}

/// Whether a refused login may have its own line in the audit log now (else the caller
/// counts it once its outcome is known).
fn may_write(state: &AppState, now: i64) -> bool {
    state.refusals.lock().is_ok_and(|mut r| r.may_write(now))
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
    let now = state.admin.clock.now();
    let refuse = |message: String| {
        render_login(
            &state,
            &next,
            Some(message),
            &name,
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        )
    };
    // The verdict, and the attempt counted as a failure before the password is checked (taken
    // back on success), in one step: a burst of parallel attempts cannot slip past the limit.
    let counted = {
        let mut l = limiter(&state)?;
        let lane = if l.is_trusted(&name, &addr, now) {
            Lane::Trusted
        } else {
            Lane::General
        };
        l.attempt(&name, &addr, now).map(|f| (f, lane))
    };
    let (failure, lane) = match counted {
        Ok(c) => c,
        Err(v @ (Verdict::Locked { .. } | Verdict::AccountUnderAttack { .. })) => {
            count_refusal(&state, &addr);
            return refuse(wait_text(v));
        }
        Err(_) => {
            count_refusal(&state, &addr);
            return refuse(BUSY_TEXT.into());
        }
    };
    let detail = match failure {
        Failure::First => Some("账号或密码错误"),
        Failure::NowLocked => Some("账号或密码错误，失败次数过多，已暂时锁定"),
        Failure::Counted => None,
    };
    // A line of its own while the minute's budget lasts (taken before the check; a right
    // password then writes no failure line and leaves the budget a little short).
    let detail = detail.filter(|_| may_write(&state, now));
    let (st, n, a, pw) = (state.clone(), name.clone(), addr.clone(), form.password);
    let opened = state
        .passwords
        .run(lane, move || -> Result<_, AppError> {
            let mut conn = st.store.conn()?;
            Ok(crate::ops::log_in(
                &mut conn,
                &n,
                &pw,
                Some(&a),
                now,
                detail,
            )?)
        })
        .await;
    let opened = match opened {
        Ok(r) => r?,
        Err(Busy) => {
            limiter(&state)?.retract(&name, &addr, now);
            count_refusal(&state, &addr);
            return refuse(BUSY_TEXT.into());
        }
    };
    match opened {
        Some(s) => {
            limiter(&state)?.succeed(&name, &addr, now);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(session_cookie(&state, &s.token, false))
                .finish())
        }
        None => {
            if detail.is_none() {
                count_refusal(&state, &addr);
            }
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
    // The current password is checked like a login: counted, locked after repeated mistakes,
    // and on the password threads.
    let name = staff.name().to_string();
    let address = staff.address.clone();
    let now = state.admin.clock.now();
    // The new password's own rules first: a refusal there costs no argon2 and counts nothing.
    if let Err(e) = auth::check_new_password(&name, &form.new) {
        return fail(e.to_string());
    }
    let counted = limiter(&state)?.attempt(&name, &address, now);
    match counted {
        Ok(_) => {}
        Err(Verdict::Locked { wait_secs, .. } | Verdict::AccountUnderAttack { wait_secs, .. }) => {
            let mins = (wait_secs.max(1) + 59) / 60;
            return fail(format!(
                "当前密码错误次数过多，已暂时锁定。请{mins}分钟后再试，或请管理员解除锁定。"
            ));
        }
        Err(_) => return fail(BUSY_TEXT.into()),
    }
    let (st, n, a) = (state.clone(), name.clone(), address.clone());
    let result = state
        .passwords
        .run(
            Lane::Trusted,
            move || -> Result<Result<(), String>, AppError> {
                let mut conn = st.store.conn()?;
                let ok = crate::store::account_by_name(&conn, &n)?
                    .is_some_and(|c| auth::verify_password(&form.current, &c.password_hash));
                if !ok {
                    return Ok(Err("当前密码不正确。".into()));
                }
                let actor = crate::ops::Actor {
                    name: &n,
                    address: Some(&a),
                };
                match crate::ops::set_password(&mut conn, &n, &form.new, actor) {
                    Ok(()) => Ok(Ok(())),
                    Err(crate::ops::OpsError::Refused(r)) => Ok(Err(r.to_string())),
                    Err(e) => Err(e.into()),
                }
            },
        )
        .await;
    let result = match result {
        Ok(r) => r?,
        Err(Busy) => {
            limiter(&state)?.retract(&name, &address, now);
            return fail(BUSY_TEXT.into());
        }
    };
    match result {
        Err(m) => {
            if m != "当前密码不正确。" {
                // The current password was right: only the new one was refused.
                limiter(&state)?.succeed(&name, &address, now);
            }
            fail(m)
        }
        // Every session of the account ended with the change: log in again.
        Ok(()) => {
            limiter(&state)?.succeed(&name, &address, now);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/admin/login"))
                .cookie(session_cookie(&state, "", true))
                .finish())
        }
    }
}
