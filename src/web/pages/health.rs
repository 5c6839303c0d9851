//! `/healthz`: for monitors.

use crate::store::{self};
use crate::web::AppState;
use actix_web::{HttpResponse, web};

pub(super) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let ok = web::block(move || store::data_version(&*store.conn()?)).await;
    match ok {
        Ok(Ok((v, _))) => {
            HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "data_version": v }))
        }
        _ => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "error" })),
    }
}
