//! What a handler can fail with, and the one place a failure becomes a status and a page
//! (or JSON under `/api/`).

use super::pages;
use crate::store::StoreError;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

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

impl From<crate::ops::OpsError> for AppError {
    fn from(e: crate::ops::OpsError) -> Self {
        AppError::from_ops(e, None)
    }
}

impl AppError {
    /// The one mapping of an operation's failure to a status: the file or a refusal is the
    /// user's to fix (400; a preview overtaken by another change 409), a missing role 403, the
    /// database 500. `what` (「未能揭榜」) leads the message of the ones the user reads.
    #[must_use]
    pub fn from_ops(e: crate::ops::OpsError, what: Option<&str>) -> AppError {
        use crate::ops::OpsError;
        let said = |m: String| match what {
            Some(w) => format!("{w}：{m}"),
            None => m,
        };
        match e {
            OpsError::Store(e) => AppError::Store(e),
            OpsError::NotPermitted { .. } => AppError::Forbidden(said(e.to_string())),
            OpsError::Refused(crate::store::Refusal::StalePreview) => {
                AppError::Conflict(e.to_string())
            }
            OpsError::Refused(_) | OpsError::File(_) | OpsError::Input(_) => {
                AppError::BadRequest(said(e.to_string()))
            }
        }
    }
}
