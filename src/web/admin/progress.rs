//! The 报送进度 matrix of a period (who has reported what, what came after its 报送截止), and
//! setting the 报送截止 of a draft period.

use super::Staff;
use super::guard::StaffForm;
use super::pages::{Me, back, blocking, page, refusable};
use super::periods::period_of;
use crate::store;
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

pub struct ProgressRow {
    pub indicator: String,
    pub provider: String,
    pub cells: String,
    pub state: &'static str,
    pub css: &'static str,
    pub who: String,
    pub when: String,
    /// The indicator's 报送截止 (its own, else the period's), or empty.
    pub due: String,
    /// 「逾期2个」 when values arrived after it, else empty.
    pub late: String,
}

pub struct ProgressGroup {
    pub name: String,
    pub units: usize,
    pub rows: Vec<ProgressRow>,
    pub complete: bool,
}

#[derive(Template)]
#[template(path = "admin/progress.html")]
struct ProgressPage {
    title: String,
    me: Me,
    period: String,
    period_key: String,
    groups: Vec<ProgressGroup>,
    complete: bool,
    /// The period's own deadline, or empty.
    due: String,
    /// Whether deadlines may still be changed (a draft) by this account (考评办 and above).
    can_set: bool,
    /// (id, name) of every indicator, for the form.
    indicators: Vec<(i64, String)>,
    late_penalty: String,
    message: Option<&'static str>,
    /// 序时进度 of the year-to-date indicators (a 报送单位: its own), one line per unit and
    /// indicator: (group, unit, indicator, text, colour class).
    time_progress: Vec<(String, String, String, &'static str)>,
}

pub(super) async fn progress(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    q: web::Query<ProgressQuery>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    let provider = staff.provider();
    let (s, cells, due, late, time_progress) = blocking(&state, move |conn| {
        let s = store::load_scheme(conn, Some(key.year))?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let p = s
            .period(key)
            .ok_or_else(|| AppError::NotFound(format!("期间{key}还没有任何数据")))?;
        let cells = store::progress(conn, p.id)?;
        let due = store::deadlines(conn, p.id)?;
        let late = store::late_values(conn, p.id)?;
        // 序时进度 of what this account reports (everything, for 考评办).
        let mut time_progress = Vec::new();
        for g in &s.groups {
            for (u, list) in crate::boards::scored::progress_group(conn, &s, key, g.id)? {
                let unit = s.unit(u).map(|x| x.name.clone()).unwrap_or_default();
                for pr in &list {
                    let own = provider.as_deref().is_none_or(|mine| {
                        s.indicators
                            .iter()
                            .any(|i| i.name == pr.indicator && i.provider.as_deref() == Some(mine))
                    });
                    if own {
                        let (text, css) = crate::present::describe_progress(pr);
                        time_progress.push((g.name.clone(), unit.clone(), text, css));
                    }
                }
            }
        }
        Ok((s, cells, due, late, time_progress))
    })
    .await?;
    let zone = s.competition.zone.clone();
    let whole = due.iter().find(|d| d.indicator.is_none()).map(|d| d.due_at);
    let due_of = |id: crate::domain::IndicatorId| {
        due.iter()
            .find(|d| d.indicator == Some(id))
            .map(|d| d.due_at)
            .or(whole)
    };
    let unit_group: HashMap<crate::domain::UnitId, crate::domain::GroupId> =
        s.units.iter().map(|u| (u.id, u.group_id)).collect();
    let mut late_by: HashMap<(crate::domain::GroupId, crate::domain::IndicatorId), usize> =
        HashMap::new();
    for (u, i, _) in &late {
        if let Some(g) = unit_group.get(u) {
            *late_by.entry((*g, *i)).or_default() += 1;
        }
    }
    let by: HashMap<_, _> = cells
        .iter()
        .map(|c| ((c.group_id, c.indicator_id), c))
        .collect();
    let groups: Vec<ProgressGroup> = s
        .groups
        .iter()
        .map(|g| {
            let units = s.units.iter().filter(|u| u.group_id == g.id).count();
            let rows: Vec<ProgressRow> = s
                .group_indicators(g.id)
                .into_iter()
                .map(|i| {
                    let c = by.get(&(g.id, i.id));
                    let n = c.map_or(0, |c| c.units as usize);
                    let (state, css) = if n == 0 {
                        ("未报送", "missing")
                    } else if n < units {
                        ("部分报送", "partial")
                    } else {
                        ("已报送", "done")
                    };
                    ProgressRow {
                        indicator: i.name.clone(),
                        provider: i.provider.clone().unwrap_or_else(|| "（未指定）".into()),
                        cells: format!("{n}/{units}"),
                        state,
                        css,
                        who: c.map(|c| c.actors.clone()).unwrap_or_default(),
                        when: c
                            .and_then(|c| c.last_at)
                            .map(|t| s.competition.zone.show(t))
                            .unwrap_or_default(),
                        due: due_of(i.id)
                            .map(|t| zone.minute(t.unix()))
                            .unwrap_or_default(),
                        late: late_by
                            .get(&(g.id, i.id))
                            .map(|n| format!("逾期{n}个"))
                            .unwrap_or_default(),
                    }
                })
                .collect();
            ProgressGroup {
                name: g.name.clone(),
                units,
                complete: rows.iter().all(|r| r.css == "done"),
                rows,
            }
        })
        .collect();
    let draft = s
        .period(key)
        .is_some_and(|p| p.status != store::PeriodStatus::Published);
    page(&ProgressPage {
        title: format!("{}报送进度", key.label()),
        me: Me::of(&staff),
        period: key.label(),
        period_key: key.to_string(),
        complete: groups.iter().all(|g| g.complete),
        groups,
        due: whole.map(|t| zone.minute(t.unix())).unwrap_or_default(),
        can_set: draft && staff.role() >= crate::auth::Role::Staff,
        indicators: s
            .indicators
            .iter()
            .map(|i| (i.id.0, format!("{}（{}）", i.name, i.code)))
            .collect(),
        late_penalty: if s.competition.late_penalty.0 > 0 {
            s.competition.late_penalty.plain()
        } else {
            String::new()
        },
        message: match q.msg.as_deref() {
            Some("deadline") => Some("已保存报送截止时间。"),
            _ => None,
        },
        time_progress,
    })
}

#[derive(Deserialize)]
pub(super) struct ProgressQuery {
    msg: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct DeadlineForm {
    #[serde(default)]
    at: String,
    /// An indicator's id; empty for the period's own deadline.
    #[serde(default)]
    indicator: String,
    /// Set to remove the deadline.
    #[serde(default)]
    clear: String,
}

/// Sets or removes a draft period's 报送截止 (考评办).
pub(super) async fn deadline(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, form }: StaffForm<DeadlineForm>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    let at = if form.clear.is_empty() {
        Some(super::periods::office_time(&state, &form.at, "报送截止时间").await?)
    } else {
        None
    };
    let indicator = match form.indicator.trim() {
        "" => None,
        t => Some(crate::domain::IndicatorId(
            t.parse()
                .map_err(|_| AppError::BadRequest("请选择指标".into()))?,
        )),
    };
    refusable(&state, "未能保存报送截止时间", move |conn| {
        crate::ops::set_deadline(conn, key, indicator, at, staff.actor())
    })
    .await?;
    Ok(back(&format!("/admin/periods/{key}/progress?msg=deadline")))
}
