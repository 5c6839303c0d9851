//! The error page, and the 404 for unknown routes. A public page's error is shown under the
//! competition's header (`public_errors`), like every other page.

use crate::web::views::Chrome;
use crate::web::{AppError, AppState};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, http::StatusCode, http::header, web};
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    chrome: Chrome,
    message: String,
}

/// The 404 of an unknown route (the competition's header is added by `public_errors`).
pub async fn not_found() -> HttpResponse {
    HttpResponse::from_error(AppError::NotFound("您访问的页面不存在。".into()))
}

/// Replaces the body of a public page's error (not the API's, not the staff area's) with the
/// error page under the competition's header, the status and headers kept.
pub async fn public_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let public = !req.path().starts_with("/admin") && !req.path().starts_with("/api/");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let (true, Some(state)) = (public, state) else {
        return Ok(res.map_into_boxed_body());
    };
    let Some((title, message)) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .and_then(|e| {
            let title = match e {
                AppError::NotFound(_) => "找不到页面",
                AppError::BadRequest(_) => "请求参数有误",
                AppError::Forbidden(_) => "无权访问",
                AppError::PayloadTooLarge(_) => "文件过大",
                _ => return None,
            };
            Some((title, e.to_string()))
        })
    else {
        return Ok(res.map_into_boxed_body());
    };
    // The competition's header as every page has it (the structure is cached per version).
    let chrome = crate::web::cache::uncached(&state, |ctx| {
        let s = ctx.structure()?;
        Ok(Chrome::new(s.as_ref().as_ref()))
    })
    .await;
    let Ok(chrome) = chrome else {
        return Ok(res.map_into_boxed_body());
    };
    let Ok(body) = (ErrorPage {
        title: title.into(),
        chrome,
        message,
    })
    .render() else {
        return Ok(res.map_into_boxed_body());
    };
    Ok(res.map_body(|head, _| {
        head.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        BoxBody::new(body)
    }))
}

#[must_use]
/// An error page's HTML.
pub fn error_body(title: &str, message: &str) -> String {
    ErrorPage {
        title: title.to_string(),
        chrome: Chrome::new(None),
        message: message.to_string(),
    }
    .render()
    .unwrap_or_else(|_| "错误".into())
}

pub fn error_page(status: StatusCode, title: String, message: String) -> HttpResponse {
    let page = ErrorPage {
        title,
        chrome: Chrome::new(None),
        message,
    };
    let body = page.render().unwrap_or_else(|_| "错误".into());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body)
}
