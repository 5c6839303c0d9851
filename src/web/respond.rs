//! Serving a GET from the page cache: the cache key and ETag (boot, data version, target),
//! 304 for a matching `If-None-Match`, `Last-Modified`, and the body gzip-compressed once.

use super::cache::{self, Ctx, Page, Rendered};
use super::{AppError, AppState, extract};
use crate::store::Structure;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// A download's Content-Disposition: the Chinese name as RFC 6266's `filename*` (UTF-8), and
/// an ASCII `filename` for clients that read only that.
pub fn attachment(name: &str, ascii: &str) -> header::ContentDisposition {
    named(name, ascii, header::DispositionType::Attachment)
}

/// The same names on a response the browser shows (an image: a poster opens, and is saved
/// under its Chinese name).
fn named(name: &str, ascii: &str, how: header::DispositionType) -> header::ContentDisposition {
    header::ContentDisposition {
        disposition: how,
        parameters: vec![
            header::DispositionParam::Filename(ascii.to_string()),
            header::DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// Changes on every start, so a new binary never answers 304 for an old page.
fn boot_id() -> u64 {
    static BOOT: OnceLock<u64> = OnceLock::new();
    *BOOT.get_or_init(|| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    })
}

/// FNV-1a: a stable short hash of the request target for the ETag.
pub(super) fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `cached` for a page that needs the competition: answers 404 while none is installed.
pub async fn cached_with<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&Ctx<'_>, &Structure) -> Result<Rendered, AppError> + Send + 'static,
{
    cached_in(req, state, None, render).await
}

/// `cached_with` under the scheme of the year `period` names (the latest for `None`).
pub async fn cached_in<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    period: Option<String>,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&Ctx<'_>, &Structure) -> Result<Rendered, AppError> + Send + 'static,
{
    cached(req, state, move |ctx| {
        let s = extract::structure_at(ctx, period.as_deref())?;
        render(ctx, extract::need(&s)?)
    })
    .await
}

/// Serves a GET from the cache, rendering it on the blocking pool on a miss.
pub async fn cached<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&Ctx<'_>) -> Result<Rendered, AppError> + Send + 'static,
{
    let key = req.uri().to_string();
    // A database read, so on the blocking pool like every other (never on the async worker,
    // where a wait for a pooled connection would stall every request it serves).
    let st = state.clone();
    let (version, changed_at) = web::block(move || cache::current_version(&st.store))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let etag = format!(
        "\"{:x}-{version}-{:x}\"",
        boot_id() % 0xFFFF_FFFF,
        fnv1a(&key)
    );
    let modified = header::HttpDate::from(
        SystemTime::UNIX_EPOCH + Duration::from_secs(changed_at.max(0) as u64),
    );
    let tag = header::EntityTag::new_strong(etag.trim_matches('"').to_string());
    let matches = match req.get_header::<header::IfNoneMatch>() {
        Some(header::IfNoneMatch::Any) => true,
        Some(header::IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::LAST_MODIFIED, modified))
            .finish());
    }
    let page = match state.cache.page(version, &key) {
        Some(p) => p,
        None => {
            let st = state.clone();
            let page = web::block(move || -> Result<Rendered, AppError> {
                let conn = st.store.conn()?;
                render(&Ctx {
                    conn: &conn,
                    cache: &st.cache,
                    version,
                })
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
            let page = Arc::new(Page::new(page));
            state.cache.put_page(version, key, page.clone());
            page
        }
    };
    let r = &page.rendered;
    let mut resp = HttpResponse::build(r.status);
    resp.insert_header((header::CONTENT_TYPE, r.content_type))
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, modified))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if let Some((name, ascii)) = &r.filename {
        resp.insert_header(if r.content_type.starts_with("image/") {
            named(name, ascii, header::DispositionType::Inline)
        } else {
            attachment(name, ascii)
        });
    }
    // Compressed once per cached page, not on every request.
    if accepts_gzip(req)
        && let Some(gz) = page.gzip()
    {
        resp.insert_header((header::CONTENT_ENCODING, "gzip"));
        return Ok(resp.body(gz.clone()));
    }
    Ok(resp.body(r.body.clone()))
}

/// The client accepts gzip (with a quality above zero).
fn accepts_gzip(req: &HttpRequest) -> bool {
    use header::{Encoding, Preference};
    req.get_header::<header::AcceptEncoding>()
        .is_some_and(|ae| {
            ae.iter().any(|q| {
                q.quality > header::Quality::ZERO
                    && matches!(&q.item, Preference::Specific(e) if *e == Encoding::gzip())
            })
        })
}
