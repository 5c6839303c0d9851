//! `/honors?period=…`: the 实干先锋 of a published period (the latest by default), each with
//! the unit and the citation, and the other periods that have a list.

use super::{PeriodQuery, html};
use crate::store::{self, PeriodStatus};
use crate::web::extract::published;
use crate::web::views::{Chrome, PeriodLink};
use crate::web::{AppError, AppState, cached_with};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

struct HonorView {
    name: String,
    unit: String,
    unit_url: Option<String>,
    title: String,
    citation: String,
}

#[derive(Template)]
#[template(path = "honors.html")]
struct HonorsPage {
    title: String,
    chrome: Chrome,
    heading: String,
    periods: Vec<PeriodLink>,
    honors: Vec<HonorView>,
}

pub(super) async fn honors(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let requested = q.into_inner().period;
    cached_with(&req, &state, move |ctx, s| {
        // Periods with a list, newest first.
        let mut with_list = Vec::new();
        for p in s
            .periods
            .iter()
            .rev()
            .filter(|p| p.status == PeriodStatus::Published)
        {
            if !store::period_honors(ctx.conn, p.id)?.is_empty() {
                with_list.push(p);
            }
        }
        let period = match requested.as_deref() {
            Some(raw) => Some(published(s, raw)?),
            None => with_list.first().copied(),
        };
        let honors = match period {
            Some(p) => store::period_honors(ctx.conn, p.id)?,
            None => Vec::new(),
        };
        html(&HonorsPage {
            title: "实干先锋".into(),
            chrome: Chrome::new(Some(s)),
            heading: period.map_or_else(
                || "实干先锋".into(),
                |p| format!("{} 实干先锋", p.key.label()),
            ),
            periods: with_list
                .iter()
                .rev()
                .map(|p| PeriodLink {
                    key: p.key.to_string(),
                    label: p.key.label(),
                    current: period.is_some_and(|x| x.key == p.key),
                })
                .collect(),
            honors: honors
                .into_iter()
                .map(|h| HonorView {
                    name: h.name,
                    unit: h.unit_text,
                    unit_url: h.unit_id.map(crate::web::urls::unit),
                    title: h.title,
                    citation: h.citation,
                })
                .collect(),
        })
    })
    .await
}
