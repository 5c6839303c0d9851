//! The staff area's request guards. Every POST handler takes one of them as its last
//! argument, and the route table only registers a POST handler whose arguments end in a guard
//! of the body format it declares (`GuardedArgs`), so a handler that forgot its CSRF check
//! does not compile: the token is checked before the handler's body runs.
//!
//! - `StaffForm<T>`: a logged-in user (with the route's role) and an urlencoded form whose
//!   `csrf` field matches the session's token;
//! - `StaffUpload`: the same for a multipart upload (bounded in size and in time);
//! - `LoginForm<T>`: the login form, before any session exists: a double-submit token (a
//!   cookie and a form field that must match).
//!
//! Bodies are read with a size limit and a deadline: a client that trickles its body is cut
//! off instead of holding a worker's connection open forever.

use super::Staff;
use crate::auth;
use crate::web::AppError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The body format a guard reads (declared per POST route in the table, checked by the
/// compiler against the handler's guard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Form,
    Multipart,
}

/// Marker types for `GuardedArgs::Body`.
pub struct FormBody;
pub struct MultipartBody;

/// A request guard that checks a CSRF token before its handler runs.
pub trait Guard {
    type Body;
}

/// A handler's argument tuple whose last element is a guard.
pub trait GuardedArgs {
    type Body;
}

macro_rules! guarded_tuples {
    ($($a:ident),*) => {
        impl<$($a,)* G: Guard> GuardedArgs for ($($a,)* G,) {
            type Body = G::Body;
        }
    };
}
guarded_tuples!();
guarded_tuples!(A);
guarded_tuples!(A, B);
guarded_tuples!(A, B, C);

/// The one message of a wrong or missing token (tests look for it: a 403 for another reason
/// does not prove the check ran).
pub const CSRF_REFUSED: &str = "表单已过期或来源无效（安全令牌不符）。请返回上一页刷新后重试。";

/// Longest urlencoded form body of the staff area.
pub const FORM_LIMIT: usize = 64 * 1024;
/// How long a client may take for a whole body, however steadily it sends (10 MB at a slow
/// office line's 1 Mbit/s takes 80 s); between two parts it may pause `AdminConfig::body_idle`.
pub const BODY_DEADLINE: Duration = Duration::from_secs(180);

fn slow_body() -> AppError {
    AppError::RequestTimeout("上传速度过慢，连接已超时，未读取。请检查网络后重新上传。".into())
}

/// When a body must be done, and how long it may pause.
#[derive(Clone, Copy)]
struct Deadline {
    end: std::time::Instant,
    idle: Duration,
}

impl Deadline {
    fn of(req: &HttpRequest) -> Deadline {
        let idle = req
            .app_data::<actix_web::web::Data<crate::web::AppState>>()
            .map_or(Duration::from_secs(20), |s| s.admin.body_idle);
        Deadline {
            end: std::time::Instant::now() + BODY_DEADLINE,
            idle,
        }
    }
}

/// Awaits the next part of a body: within the pause allowed, and before the body's deadline.
async fn in_time<F: Future>(deadline: Deadline, next: F) -> Result<F::Output, AppError> {
    let left = deadline
        .end
        .saturating_duration_since(std::time::Instant::now());
    actix_web::rt::time::timeout(left.min(deadline.idle), next)
        .await
        .map_err(|_| slow_body())
}

/// Reads a whole body up to `limit` bytes, within the deadlines.
async fn read_body(
    mut payload: Payload,
    limit: usize,
    deadline: Deadline,
) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    loop {
        let next = in_time(deadline, payload.next()).await?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("表单无法读取：{e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(format!(
                "表单内容超过{}KB，未读取。",
                limit / 1024
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `csrf` field of an urlencoded body ("" when there is none or the body is not a form).
fn token_of(body: &[u8]) -> String {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        .unwrap_or_default()
}

fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("表单内容无法读取（{e}）。请返回上一页重试。")))
}

/// A logged-in user's urlencoded form, its CSRF token checked.
pub struct StaffForm<T> {
    pub staff: Staff,
    pub form: T,
}

impl<T> Guard for StaffForm<T> {
    type Body = FormBody;
}

impl<T: DeserializeOwned + 'static> FromRequest for StaffForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        let payload = payload.take();
        let deadline = Deadline::of(req);
        Box::pin(async move {
            // Who it is first: an anonymous client's body is never read.
            let staff = staff.await?;
            let body = read_body(payload, FORM_LIMIT, deadline).await?;
            if !auth::same_secret(&token_of(&body), &staff.session.csrf) {
                return Err(AppError::Forbidden(CSRF_REFUSED.into()));
            }
            let form = parse_form(&body)?;
            Ok(StaffForm { staff, form })
        })
    }
}

/// A form with nothing but its token (the buttons: 揭榜, 取消, 停用).
#[derive(Deserialize)]
pub struct NoFields {}

/// The login form, before any session: the form's token must match the cookie the login page
/// set (double submit).
pub struct LoginForm<T> {
    pub form: T,
}

/// The cookie the login page sets for the double-submit check.
pub const PRE_COOKIE: &str = "sb_login";

impl<T> Guard for LoginForm<T> {
    type Body = FormBody;
}

impl<T: DeserializeOwned + 'static> FromRequest for LoginForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let pre = req.cookie(PRE_COOKIE).map(|c| c.value().to_string());
        let payload = payload.take();
        let deadline = Deadline::of(req);
        Box::pin(async move {
            let body = read_body(payload, FORM_LIMIT, deadline).await?;
            let token = token_of(&body);
            if !pre.is_some_and(|p| !token.is_empty() && auth::same_secret(&p, &token)) {
                return Err(AppError::Forbidden(
                    "登录页已过期或来源无效（安全令牌不符）。请重新打开登录页后再试。".into(),
                ));
            }
            Ok(LoginForm {
                form: parse_form(&body)?,
            })
        })
    }
}

/// Longest text field of an upload form.
const MAX_FIELD: usize = 4096;
/// Bytes read past the limit before the request is answered 413 and the connection closed.
pub const DRAIN_LIMIT: usize = 64 << 20;

/// The fields of an upload form.
#[derive(Default)]
pub struct UploadForm {
    pub period: String,
    pub reason: String,
    pub file_name: String,
    pub file: Vec<u8>,
    /// A second file, where a form sends two (a scheme's units list beside its competition
    /// file).
    pub units: Vec<u8>,
}

/// A logged-in user's multipart upload, its CSRF token checked.
pub struct StaffUpload {
    pub staff: Staff,
    pub form: UploadForm,
}

impl Guard for StaffUpload {
    type Body = MultipartBody;
}

impl FromRequest for StaffUpload {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        let limit = req
            .app_data::<actix_web::web::Data<crate::web::AppState>>()
            .map_or(10 << 20, |s| s.admin.upload_limit);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mp = actix_multipart::Multipart::new(req.headers(), payload.take());
        let deadline = Deadline::of(req);
        Box::pin(async move {
            let staff = staff.await?;
            if declared.is_some_and(|d| d > limit + DRAIN_LIMIT) {
                return Err(too_large(limit));
            }
            let (csrf, form) = read_multipart(mp, limit, deadline).await?;
            if !auth::same_secret(&csrf, &staff.session.csrf) {
                return Err(AppError::Forbidden(CSRF_REFUSED.into()));
            }
            Ok(StaffUpload { staff, form })
        })
    }
}

fn too_large(limit: usize) -> AppError {
    AppError::PayloadTooLarge(format!(
        "上传的文件超过{}MB的上限，未读取。请拆分文件，或请管理员调整上限（--upload-limit-mb）。",
        limit >> 20
    ))
}

/// Reads a multipart form: the token, the text fields and the file, bounded in size (the
/// file by `limit`, every other field by `MAX_FIELD`) and in time.
async fn read_multipart(
    mut mp: actix_multipart::Multipart,
    limit: usize,
    deadline: Deadline,
) -> Result<(String, UploadForm), AppError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        AppError::BadRequest(format!("上传内容无法读取：{e}。请返回上一页重新上传。"))
    };
    let mut form = UploadForm::default();
    let mut csrf = String::new();
    let (mut total, mut too_big) = (0usize, false);
    loop {
        let field = in_time(deadline, mp.next()).await?;
        let Some(field) = field else { break };
        let mut field = field.map_err(|e| unreadable(&e))?;
        let name = field.name().unwrap_or("").to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let cap = if matches!(name.as_str(), "file" | "units") {
            limit
        } else {
            MAX_FIELD
        };
        let mut buf = Vec::new();
        loop {
            let chunk = in_time(deadline, field.next()).await?;
            let Some(chunk) = chunk else { break };
            let chunk = chunk.map_err(|e| unreadable(&e))?;
            total += chunk.len();
            if total > limit + DRAIN_LIMIT {
                return Err(too_large(limit));
            }
            if total > limit || buf.len() + chunk.len() > cap {
                too_big = true;
                continue;
            }
            buf.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&buf).trim().to_string();
        match name.as_str() {
            "csrf" => csrf = text(),
            "period" => form.period = text(),
            "reason" => form.reason = text(),
            "file" => {
                form.file_name = file_name.unwrap_or_default();
                form.file = std::mem::take(&mut buf);
            }
            "units" => form.units = std::mem::take(&mut buf),
            _ => {}
        }
    }
    if too_big {
        return Err(too_large(limit));
    }
    Ok((csrf, form))
}
