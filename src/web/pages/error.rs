//! The error page, and the 404 for unknown routes.

use crate::web::views::Chrome;
use actix_web::{HttpResponse, http::StatusCode, http::header};
use askama::Template;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    chrome: Chrome,
    message: String,
}

pub async fn not_found() -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        "找不到页面".into(),
        "您访问的页面不存在。".into(),
    )
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
