//! The HTTP shell: routes, handlers and templates. Handlers load data through `store` and
//! `boards` and render it; they compute no rank. Assets and templates are compiled in.

mod assets;
mod pages;
mod views;

use crate::store::{Store, StoreError};
use actix_web::{App, HttpResponse, HttpServer, ResponseError, dev::Server, http::StatusCode, web};
use std::fmt;
use std::net::TcpListener;

/// Shared by every worker.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// Builds the server on an already bound listener (tests bind port 0).
pub fn build(listener: TcpListener, store: Store) -> std::io::Result<Server> {
    let state = web::Data::new(AppState { store });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(actix_web::middleware::Compress::default())
            .configure(configure)
            .default_service(web::to(pages::not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// Every route, in one place.
pub fn configure(cfg: &mut web::ServiceConfig) {
    pages::configure(cfg);
    assets::configure(cfg);
}

/// Binds and serves until stopped.
pub fn serve(store: Store, bind: &str) -> Result<(), StoreError> {
    let listener = TcpListener::bind(bind)
        .map_err(|e| StoreError::Invalid(format!("无法监听 {bind}：{e}")))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    actix_web::rt::System::new().block_on(async move { build(listener, store)?.await })?;
    Ok(())
}

/// What a handler can fail with, shown to the user as a Chinese error page.
#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    Store(StoreError),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::NotFound(m) => write!(f, "{m}"),
            AppError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    fn error_response(&self) -> HttpResponse {
        if let AppError::Store(e) = self {
            tracing::error!("request failed: {e}");
        }
        let (title, message) = match self {
            AppError::NotFound(m) => ("找不到页面".to_string(), m.clone()),
            AppError::Store(_) => (
                "服务器内部错误".to_string(),
                "处理请求时出错，请稍后再试或联系管理员。".to_string(),
            ),
        };
        pages::error_page(self.status_code(), title, message)
    }
}
