//! `/`: the latest (or a chosen) published period, a card per group with its 红榜/黑榜 and
//! movers.

use super::{PeriodQuery, html};
use crate::boards::View;
use crate::web::extract::{published, structure};
use crate::web::urls;
use crate::web::views::{
    Card, Chrome, PeriodInfo, PeriodLink, YearLink, period_links, published_years, year_period,
};
use crate::web::{AppError, AppState, cached};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    title: String,
    chrome: Chrome,
    heading: String,
    period: Option<PeriodInfo>,
    periods: Vec<PeriodLink>,
    /// The year switch (several years only).
    years: Vec<YearLink>,
    cards: Vec<Card>,
}

pub(super) async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let requested = q.period.clone();
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let chrome = Chrome::new(s.as_ref().as_ref());
        let Some(s) = s.as_ref() else {
            return html(&HomePage {
                title: "首页".into(),
                chrome,
                heading: "尚未配置竞赛".into(),
                period: None,
                periods: vec![],
                years: vec![],
                cards: vec![],
            });
        };
        let period = match requested.as_deref() {
            Some(raw) => Some(published(s, raw)?),
            None => s.latest_published(),
        };
        let Some(period) = period else {
            return html(&HomePage {
                title: "首页".into(),
                chrome,
                heading: s.competition.name.clone(),
                period: None,
                periods: period_links(s, None),
                years: vec![],
                cards: vec![],
            });
        };
        // With several years, a year switch, and the quarters of the year shown.
        let years = published_years(s);
        let year_links: Vec<YearLink> = if years.len() > 1 {
            years
                .iter()
                .filter_map(|&y| {
                    let k = year_period(s, y, period.key.quarter)?;
                    Some(YearLink {
                        label: format!("{y}年"),
                        url: format!("/?period={k}"),
                        current: y == period.key.year,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut periods = period_links(s, Some(period.key));
        if years.len() > 1 {
            let year = period.key.year.to_string();
            periods.retain(|p| p.key.starts_with(&year));
        }
        // The period's own year's scheme: its groups are the ones ranked then.
        let scheme = ctx.structure_for(period.key.year)?;
        let s = scheme.as_ref().as_ref().unwrap_or(s);
        let mut cards = Vec::new();
        let mut compared = None;
        let mut publicity = None;
        for g in &s.groups {
            if let Some(b) = ctx.board(s, period.key, g.id, View::Quarter)? {
                compared = b.previous;
                publicity = b
                    .publicity
                    .as_ref()
                    .map(|p| crate::present::publicity_text(p, &s.competition.zone));
                cards.push(Card::new(&b));
            }
        }
        html(&HomePage {
            title: format!("{} 考评结果", period.key.label()),
            chrome,
            heading: format!("{} 考评结果", period.key.label()),
            period: Some(PeriodInfo {
                status: period.status.label(),
                published_at: period.published_at.map(|t| s.competition.zone.show(t)),
                compared_with: compared.map(|p| p.label()),
                publicity,
                poster_url: urls::tiers_poster(period.key),
            }),
            periods,
            years: year_links,
            cards,
        })
    })
    .await
}
