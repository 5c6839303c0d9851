//! Who may see the public side. By default the boards, API and lobby are open to anybody on
//! the network. `private_pages` makes every page but the lobby require a logged-in account;
//! `lobby_token` makes the lobby require its token (given once as `?token=…` in the screen's
//! address, then kept in a cookie for the screen's polling) — a TV never lands on a login page.

use super::{SESSION_COOKIE, current_session};
use crate::auth;
use crate::web::AppState;
use actix_web::body::BoxBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

const LOBBY_COOKIE: &str = "sb_lobby";

fn lobby_token_given(req: &ServiceRequest) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("token").cloned())
}

pub async fn gate(
    req: ServiceRequest,
    next: Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Decided on the path as the router will match it (percent-decoded); a path that does not
    // decode is judged as written.
    let path = percent_decode(req.path()).unwrap_or_else(|| req.path().to_string());
    let open = path.starts_with("/admin")
        || path.starts_with("/assets/")
        || path == "/healthz"
        || path == "/favicon.ico";
    if open {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // The lobby's own chart images go with the lobby: only the totals chart, asked for with a
    // real `lobby` parameter (any other chart, or a look-alike query, is a page like others).
    let lobby_chart = is_lobby_chart(&path, req.query_string());
    if path == "/lobby" || path.starts_with("/lobby/") || lobby_chart {
        // A named screen's own token, else the token of all screens, else none.
        let own = match screen_name(&path) {
            Some(name) => match screen_token(&state, name).await {
                Ok(t) => t,
                // Cannot tell whether the screen needs a token: refuse rather than open it.
                Err(()) => {
                    let page = crate::web::pages::error_page(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "暂时无法显示".into(),
                        "服务器暂时无法读取屏幕设置，请稍后再试。".into(),
                    );
                    return Ok(req.into_response(page));
                }
            },
            None => None,
        };
        let Some(expected) = own.or_else(|| state.admin.lobby_token.clone()) else {
            return Ok(next.call(req).await?.map_into_boxed_body());
        };
        let given = lobby_token_given(&req);
        let by_query = given
            .as_deref()
            .is_some_and(|t| auth::same_secret(t, &expected));
        let by_cookie = req
            .cookie(LOBBY_COOKIE)
            .is_some_and(|c| auth::same_secret(c.value(), &expected));
        if !(by_query || by_cookie) {
            let page = crate::web::pages::error_page(
                StatusCode::FORBIDDEN,
                "此屏幕未授权".into(),
                "大屏地址需要带上管理员提供的授权码（网址中的 token=…）。请联系考评办。".into(),
            );
            return Ok(req.into_response(page));
        }
        let secure = state.admin.secure_cookies;
        let mut res = next.call(req).await?.map_into_boxed_body();
        if by_query && !by_cookie {
            // Path `/`: the lobby's chart images (under /charts/) need it too.
            let c = Cookie::build(LOBBY_COOKIE, expected)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(secure)
                .permanent()
                .finish();
            if let Ok(v) = header::HeaderValue::from_str(&c.to_string()) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        return Ok(res);
    }
    if !state.admin.private_pages {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let logged_in = {
        // A clone of the request for the session look-up, dropped before the request goes
        // on (actix needs it unshared).
        let http = req.request().clone();
        http.cookie(SESSION_COOKIE).is_some()
            && current_session(&http, &state)
                .await
                .ok()
                .flatten()
                .is_some()
    };
    if logged_in {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let res = if path.starts_with("/api/") {
        HttpResponse::Unauthorized().json(serde_json::json!({ "error": "需要登录后才能查看" }))
    } else {
        let target = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!(
                    "/admin/login?{}",
                    serde_urlencoded::to_string([("next", target)]).unwrap_or_default()
                ),
            ))
            .finish()
    };
    Ok(req.into_response(res))
}

/// `/charts/{period}/{group}/totals.svg` asked with a `lobby` parameter naming a theme.
fn is_lobby_chart(path: &str, query: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let totals = matches!(parts.as_slice(), ["", "charts", p, g, "totals.svg"]
        if !p.is_empty() && !g.is_empty() && *p != "groups" && *p != "units");
    totals
        && web::Query::<std::collections::HashMap<String, String>>::from_query(query)
            .ok()
            .and_then(|q| q.get("lobby").cloned())
            .is_some_and(|t| matches!(t.as_str(), "red" | "dark"))
}

/// `/lobby/大厅` or `/lobby/大厅/content` → `大厅` (not the lobby's own routes); the path is
/// already decoded.
fn screen_name(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/lobby/")?;
    let name = rest.split('/').next()?;
    if name.is_empty() || matches!(name, "content" | "reveal") {
        return None;
    }
    Some(name.to_string())
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The named screen's token, if it has one; `Err` when the database cannot say.
async fn screen_token(state: &web::Data<AppState>, name: String) -> Result<Option<String>, ()> {
    let st = state.clone();
    web::block(move || -> Result<Option<String>, ()> {
        let conn = st.store.conn().map_err(|_| ())?;
        Ok(crate::store::playlist(&conn, &name)
            .map_err(|_| ())?
            .and_then(|p| p.token))
    })
    .await
    .map_err(|_| ())?
}
