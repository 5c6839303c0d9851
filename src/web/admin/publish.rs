//! 揭榜 with a confirm page: what the public will see (each group's ranked units, 红榜 and
//! 黑榜, the units that will show 数据缺失, the 报送进度 gaps), and a form that asks the
//! administrator to type the period's name. Nothing is published by a single click.

use super::Staff;
use super::guard::StaffForm;
use super::pages::{Me, back, blocking, page, refusable};
use crate::boards::{self, View};
use crate::domain::PeriodKey;
use crate::present::{self, TierText};
use crate::ranking::Tier;
use crate::store::{self, PeriodStatus};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

pub struct ConfirmRow {
    pub rank: String,
    pub unit: String,
    pub total: String,
    pub tier: &'static str,
    pub tier_css: &'static str,
    /// 同分 (a tie-break decided the place), written out.
    pub tie_note: String,
    pub missing: bool,
}

pub struct ConfirmGroup {
    pub name: String,
    pub rows: Vec<ConfirmRow>,
    pub red: Vec<String>,
    pub black: Vec<String>,
    pub missing: Vec<String>,
    /// Indicators not reported for every unit: 「固定资产投资（8/10）」.
    pub gaps: Vec<String>,
    /// Nothing in the group is ranked yet.
    pub empty: bool,
}

#[derive(Template)]
#[template(path = "admin/publish_confirm.html")]
struct ConfirmPage {
    title: String,
    me: Me,
    key: String,
    label: String,
    groups: Vec<ConfirmGroup>,
    message: Option<String>,
}

fn period_of(raw: &str) -> Result<PeriodKey, AppError> {
    PeriodKey::parse(raw).ok_or_else(|| AppError::NotFound(format!("期间「{raw}」不存在")))
}

/// Each group's draft board as 揭榜 would post it, with what is missing.
fn confirm_groups(
    conn: &rusqlite::Connection,
    key: PeriodKey,
) -> Result<Vec<ConfirmGroup>, AppError> {
    let s = store::load_scheme(conn, Some(key.year))?
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
    let p = s
        .periods
        .iter()
        .find(|p| p.key == key)
        .ok_or_else(|| AppError::NotFound(format!("期间{}还没有任何数据", key.label())))?;
    if p.status == PeriodStatus::Published {
        return Err(AppError::BadRequest(format!("{}已经揭榜。", key.label())));
    }
    let cells = store::progress(conn, p.id)?;
    let by: HashMap<_, _> = cells
        .iter()
        .map(|c| ((c.group_id, c.indicator_id), c.units as usize))
        .collect();
    let mut out = Vec::new();
    for g in &s.groups {
        let units = s.units.iter().filter(|u| u.group_id == g.id).count();
        let gaps = s
            .group_indicators(g.id)
            .into_iter()
            .filter_map(|i| {
                let n = by.get(&(g.id, i.id)).copied().unwrap_or(0);
                (n < units).then(|| format!("{}（{n}/{units}）", i.name))
            })
            .collect();
        let b = boards::group_board(conn, &s, key, g.id, View::Quarter)?;
        let Some(b) = b else {
            out.push(ConfirmGroup {
                name: g.name.clone(),
                rows: Vec::new(),
                red: Vec::new(),
                black: Vec::new(),
                missing: Vec::new(),
                gaps,
                empty: true,
            });
            continue;
        };
        let named = |t: Tier| -> Vec<String> {
            b.board
                .rows
                .iter()
                .filter(|r| r.tier == t)
                .map(|r| r.name.clone())
                .collect()
        };
        out.push(ConfirmGroup {
            name: g.name.clone(),
            empty: b.board.rows.iter().all(|r| r.rank.is_none()),
            red: named(Tier::Red),
            black: named(Tier::Black),
            missing: b
                .board
                .rows
                .iter()
                .filter(|r| r.has_missing())
                .map(|r| r.name.clone())
                .collect(),
            rows: b
                .board
                .rows
                .iter()
                .map(|r| ConfirmRow {
                    rank: present::rank_label(r),
                    unit: r.name.clone(),
                    total: r.total.to_string(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                    tie_note: if present::tie_broken(r) {
                        format!("同分：{}", present::tie_note(&b, r))
                    } else {
                        String::new()
                    },
                    missing: r.has_missing(),
                })
                .collect(),
            gaps,
        });
    }
    Ok(out)
}

async fn render(
    state: &web::Data<AppState>,
    staff: &Staff,
    key: PeriodKey,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let groups = blocking(state, move |conn| confirm_groups(conn, key)).await?;
    let mut r = page(&ConfirmPage {
        title: format!("揭榜确认：{}", key.label()),
        me: Me::of(staff),
        key: key.to_string(),
        label: key.label(),
        groups,
        message: message.clone(),
    })?;
    if message.is_some() {
        *r.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

/// The confirm page (管理员).
pub(super) async fn confirm_page(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    render(&state, &staff, key, None).await
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    /// The period's name as typed by the administrator (2023年第四季度, or 2023Q4).
    #[serde(default)]
    confirm: String,
}

/// 揭榜 now (管理员), once the period's name is typed.
pub(super) async fn publish(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, form }: StaffForm<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    let typed = crate::text::normalize_name(&form.confirm);
    let matches =
        typed == crate::text::normalize_name(&key.label()) || PeriodKey::parse(&typed) == Some(key);
    if !matches {
        let message = format!(
            "请在下面的输入框中输入「{}」以确认揭榜（输入的是「{}」）。",
            key.label(),
            crate::text::clip(form.confirm.trim())
        );
        return render(&state, &staff, key, Some(message)).await;
    }
    refusable(&state, "未能揭榜", move |conn| {
        crate::ops::publish_by(conn, key, staff.actor(), "在工作台揭榜")
    })
    .await?;
    Ok(back("/admin?msg=published"))
}
