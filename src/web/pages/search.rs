//! `/search?q=…`: a unit by part of its name, its 简称, an alias or a former name. One exact
//! match goes straight to its profile; otherwise the matches are listed. No JavaScript: the
//! search box in every page's header is a plain form.

use crate::domain::UnitId;
use crate::text::normalize_name;
use crate::web::views::Chrome;
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

struct Hit {
    url: String,
    name: String,
    /// The group it ranks in now, and the name that matched when not its own.
    detail: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    title: String,
    chrome: Chrome,
    query: String,
    hits: Vec<Hit>,
}

/// At most this many characters of a query are read, and this many units listed.
const MAX_QUERY: usize = 40;
const MAX_HITS: usize = 50;

/// What a search answers: a unit's profile, or the page of matches.
enum Found {
    Unit(String),
    Page(String),
}

pub(super) async fn search(
    state: web::Data<AppState>,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query: String = q
        .into_inner()
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY)
        .collect();
    let found = crate::web::cache::uncached(&state, move |ctx| {
        let latest = ctx.structure()?;
        let chrome = Chrome::new(latest.as_ref().as_ref());
        let mut hits: Vec<(UnitId, Hit, bool)> = Vec::new();
        let needle = normalize_name(&query);
        if let (Some(s), false) = (latest.as_ref(), needle.is_empty()) {
            // Every name a unit has had, then its 简称 and aliases now.
            let mut names: Vec<(UnitId, String, &'static str)> =
                crate::store::unit_names(ctx.conn)?
                    .into_iter()
                    .map(|(id, n)| (id, n, "原名"))
                    .collect();
            for u in &s.units {
                names.extend(u.short_name.iter().map(|n| (u.id, n.clone(), "简称")));
                names.extend(u.aliases.iter().map(|n| (u.id, n.clone(), "别名")));
            }
            for (id, name, role) in names {
                let n = normalize_name(&name);
                if !n.contains(&needle) || hits.iter().any(|(h, ..)| *h == id) {
                    continue;
                }
                let now = s.unit(id);
                let current = now.map_or_else(|| name.clone(), |u| u.name.clone());
                let group = now
                    .and_then(|u| s.group(u.group_id))
                    .map_or_else(|| "已不参加考评".to_string(), |g| g.name.clone());
                let detail = if current == name {
                    group
                } else {
                    format!("{group}，{role}「{name}」")
                };
                hits.push((
                    id,
                    Hit {
                        url: crate::web::urls::unit(id),
                        name: current,
                        detail,
                    },
                    n == needle,
                ));
            }
        }
        // One unit named exactly: its profile.
        let exact: Vec<&(UnitId, Hit, bool)> = hits.iter().filter(|(.., e)| *e).collect();
        if exact.len() == 1 && hits.len() == 1 {
            return Ok(Found::Unit(exact[0].1.url.clone()));
        }
        hits.sort_by_key(|(.., e)| !*e);
        let page = SearchPage {
            title: if query.is_empty() {
                "查找单位".into()
            } else {
                format!("查找「{query}」")
            },
            chrome,
            query: query.clone(),
            hits: hits.into_iter().take(MAX_HITS).map(|(_, h, _)| h).collect(),
        };
        Ok(Found::Page(page.render().map_err(|e| {
            AppError::Internal(format!("模板渲染失败：{e}"))
        })?))
    })
    .await?;
    Ok(match found {
        Found::Unit(url) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, url))
            .finish(),
        Found::Page(body) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(body),
    })
}
