//! Errors inside the staff area stay inside it: a refusal, a bad form or a missing upload is
//! shown in the 工作台 layout with a way back to the form it came from, not on the public
//! error page (whose header is the competition's).

use crate::web::AppError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use askama::Template;

#[derive(Template)]
#[template(path = "admin/error.html")]
struct StaffError {
    title: String,
    message: String,
    back: Option<String>,
}

fn title(e: &AppError) -> &'static str {
    match e {
        AppError::NotFound(_) => "找不到",
        AppError::BadRequest(_) => "未能完成",
        AppError::Forbidden(_) => "无权操作",
        AppError::PayloadTooLarge(_) => "文件过大",
        AppError::RequestTimeout(_) => "连接超时",
        AppError::Conflict(_) => "数据已有变化",
        _ => "出错了",
    }
}

/// The page a "back" link may lead to: a path of the staff area on this server (from the
/// Referer), never another site.
fn back_link(req: &ServiceRequest) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let host = req.connection_info().host().to_string();
    let path = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?
        .strip_prefix(host.as_str())?;
    (path.starts_with("/admin") && !path.contains(['\\', '"', '<', '>'])).then(|| path.to_string())
}

pub async fn staff_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let staff = req.path().starts_with("/admin");
    let back = if staff { back_link(&req) } else { None };
    let res = next.call(req).await?;
    if !staff {
        return Ok(res.map_into_boxed_body());
    }
    let Some(e) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    else {
        return Ok(res.map_into_boxed_body());
    };
    if matches!(
        e,
        AppError::LoginRequired(_) | AppError::Api(_) | AppError::Store(_) | AppError::Internal(_)
    ) {
        return Ok(res.map_into_boxed_body());
    }
    let page = StaffError {
        title: title(e).into(),
        message: e.to_string(),
        back,
    };
    let Ok(body) = page.render() else {
        return Ok(res.map_into_boxed_body());
    };
    Ok(res.map_body(|head, _| {
        head.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        head.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        BoxBody::new(body)
    }))
}
