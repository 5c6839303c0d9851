//! 揭榜 mode: `/lobby/reveal/{group}` reveals one group's board from the last rank up;
//! `/lobby/reveal` goes through every group in turn (`view=cumulative`: the year so far).
//! Units tied on a rank appear together; a 黑榜 or 红榜 place and first place each get their
//! moment. The audience sees no operator text: the hints (and what comes next) show only while
//! the operator holds H.
//!
//! Rehearsal: a logged-in staff member may open the reveal of a draft period; the public still
//! gets 404 for it. For an administrator the end of a rehearsal offers 揭榜 (Enter), which
//! publishes the period through the staff area's form (with its CSRF token).

use super::views::{LobbyRow, TierColumn};
use super::{LobbyQuery, no_store, run};
use crate::auth::Role;
use crate::boards::View;
use crate::lobby::{ROWS_PER_SLIDE, Theme};
use crate::ranking::Tier;
use crate::store::PeriodStatus;
use crate::web::admin::MaybeStaff;
use crate::web::extract::{self, published, structure};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;

pub struct RevealSection {
    pub heading: String,
    /// The title card that opens the section: the period (and view) and the group.
    pub period: String,
    pub group: String,
    pub rows: Vec<LobbyRow>,
    pub roomy: bool,
}

#[derive(Template)]
#[template(path = "lobby_reveal.html")]
struct RevealPage {
    competition: String,
    heading: String,
    demo: bool,
    theme: &'static str,
    css: String,
    js: String,
    sections: Vec<RevealSection>,
    /// The close: every section's 红榜 and 黑榜.
    recap: Vec<TierColumn>,
    recap_heading: String,
    recap_density: &'static str,
    per_page: usize,
    /// A draft shown to staff: marked on the screen, never public.
    rehearsal: bool,
    /// For an administrator's rehearsal: the period to publish and the session's CSRF token.
    publish: Option<(String, String)>,
}

pub(super) async fn reveal_all(
    state: web::Data<AppState>,
    q: web::Query<LobbyQuery>,
    who: MaybeStaff,
) -> Result<HttpResponse, AppError> {
    page(state, None, q.into_inner(), who).await
}

pub(super) async fn reveal(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<LobbyQuery>,
    who: MaybeStaff,
) -> Result<HttpResponse, AppError> {
    page(state, Some(path.into_inner()), q.into_inner(), who).await
}

async fn page(
    state: web::Data<AppState>,
    group_raw: Option<String>,
    q: LobbyQuery,
    MaybeStaff(session): MaybeStaff,
) -> Result<HttpResponse, AppError> {
    let staff = session
        .as_ref()
        .is_some_and(|s| s.account.role >= Role::Staff);
    let admin = session
        .as_ref()
        .filter(|s| s.account.role >= Role::Admin)
        .map(|s| s.csrf.clone());
    let html = run(&state, move |ctx| {
        let st = structure(ctx)?;
        let s = st
            .as_ref()
            .as_ref()
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
            // A draft only for staff (a rehearsal); to anybody else it does not exist.
            Some(raw) => match s
                .periods
                .iter()
                .find(|p| Some(p.key) == crate::domain::PeriodKey::parse(raw))
            {
                Some(p) if p.status != PeriodStatus::Published && staff => p,
                _ => published(s, raw)?,
            },
            None => s
                .latest_published()
                .ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?,
        };
        // The groups of the period's own year.
        let scheme = ctx.structure_for(period.key.year)?;
        let s = scheme.as_ref().as_ref().unwrap_or(s);
        let groups = match &group_raw {
            Some(raw) => vec![
                s.group_by_name(raw)
                    .ok_or_else(|| AppError::NotFound(format!("组别「{raw}」不存在")))?,
            ],
            None => s.groups.iter().collect(),
        };
        // `both`: the quarter's boards, then the year so far (from the second quarter on).
        let views: Vec<View> = match q.view.as_deref() {
            Some("cumulative") => vec![View::Cumulative],
            None | Some("" | "quarter") => vec![View::Quarter],
            Some("both") if period.key.quarter > 1 => vec![View::Quarter, View::Cumulative],
            Some("both") => vec![View::Quarter],
            Some(v) => {
                return Err(AppError::BadRequest(format!(
                    "view「{v}」应为 quarter、cumulative 或 both"
                )));
            }
        };
        let view = views[views.len() - 1];
        let label = match view {
            View::Quarter => period.key.label(),
            View::Cumulative => period.key.year_to_date_label(),
        };
        let mut sections = Vec::new();
        let mut recap = Vec::new();
        for &v in &views {
            let label = match v {
                View::Quarter => period.key.label(),
                View::Cumulative => period.key.year_to_date_label(),
            };
            for g in &groups {
                let b = extract::board_of(ctx, s, period.key, g.id, v)?;
                let tier = |t: Tier| b.board.in_tier(t).map(|r| LobbyRow::new(&b, r)).collect();
                recap.push(TierColumn {
                    group: if views.len() > 1 {
                        format!("{} {}", g.name, label)
                    } else {
                        g.name.clone()
                    },
                    red: tier(Tier::Red),
                    black: tier(Tier::Black),
                });
                sections.push(RevealSection {
                    heading: format!("{} {}", g.name, label),
                    period: label.clone(),
                    group: g.name.clone(),
                    roomy: b.board.rows.len() <= 10,
                    rows: b.board.rows.iter().map(|r| LobbyRow::new(&b, r)).collect(),
                });
            }
        }
        let label = if views.len() > 1 {
            format!(
                "{}及{}",
                period.key.label(),
                period.key.year_to_date_short()
            )
        } else {
            label
        };
        let theme = q
            .theme
            .as_deref()
            .unwrap_or("red")
            .parse()
            .unwrap_or(Theme::Red);
        let rehearsal = period.status != PeriodStatus::Published;
        RevealPage {
            competition: s.competition.name.clone(),
            heading: format!("{label}考评结果揭榜"),
            demo: s.competition.is_demo,
            theme: theme.as_str(),
            css: crate::web::assets::lobby_css_url().to_string(),
            js: crate::web::assets::lobby_js_url().to_string(),
            sections,
            recap_density: super::slides::density(
                recap
                    .iter()
                    .map(|c| c.red.len() + c.black.len())
                    .max()
                    .unwrap_or(0),
            ),
            recap,
            recap_heading: format!("{label} 红榜 · 黑榜"),
            per_page: ROWS_PER_SLIDE,
            rehearsal,
            publish: admin
                .filter(|_| rehearsal)
                .map(|csrf| (period.key.to_string(), csrf)),
        }
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    Ok(no_store(html, "text/html; charset=utf-8"))
}
