//! `/admin/vetoes`: 一票否决 — every veto ever set (lifted ones too), and for a 管理员 the
//! forms that set and lift one. On a published period both are corrections and need a reason.

use super::Staff;
use super::guard::StaffForm;
use super::pages::{Me, blocking, page, refusable};
use crate::domain::{PeriodKey, UnitId};
use crate::ops::{VetoBy, VetoChange};
use crate::store::{self, PeriodStatus};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

struct VetoLine {
    period_key: String,
    period: String,
    published: bool,
    unit_id: UnitId,
    unit: String,
    reason: String,
    set: String,
    /// 「已于…由…撤销：…」, or empty while in force.
    lifted: String,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "admin/vetoes.html")]
struct VetoesPage {
    title: String,
    me: Me,
    rule: &'static str,
    lines: Vec<VetoLine>,
    periods: Vec<Choice>,
    /// (group, its units).
    units: Vec<(String, Vec<Choice>)>,
    message: Option<&'static str>,
}

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    msg: Option<String>,
}

pub(super) async fn vetoes_page(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MessageQuery>,
) -> Result<HttpResponse, AppError> {
    let (s, all, zone) = blocking(&state, |conn| {
        let s = store::load_structure(conn)?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        Ok((s, store::vetoes(conn)?, store::office_zone(conn)?))
    })
    .await?;
    let lines = all
        .into_iter()
        .map(|v| VetoLine {
            period_key: v.period.to_string(),
            period: v.period.label(),
            published: s
                .period(v.period)
                .is_some_and(|p| p.status == PeriodStatus::Published),
            unit_id: v.unit_id,
            unit: v.unit,
            reason: v.reason,
            set: format!("{}于{}设定", v.set_by, zone.show(v.set_at)),
            lifted: v.lifted.map_or_else(String::new, |(t, by, why)| {
                format!("已于{}由{by}撤销：{why}", zone.show(t))
            }),
        })
        .collect();
    let periods = s
        .periods
        .iter()
        .rev()
        .map(|p| Choice {
            value: p.key.to_string(),
            label: if p.status == PeriodStatus::Published {
                format!("{}（已揭榜）", p.key.label())
            } else {
                format!("{}（草稿）", p.key.label())
            },
        })
        .collect();
    let units = s
        .groups
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                s.group_units(g.id)
                    .iter()
                    .map(|u| Choice {
                        value: u.id.to_string(),
                        label: u.name.clone(),
                    })
                    .collect(),
            )
        })
        .collect();
    page(&VetoesPage {
        title: "一票否决".into(),
        me: Me::of(&staff),
        rule: match s.competition.veto {
            crate::domain::VetoRule::Last => {
                "被一票否决的单位：得分照常计算和公布，名次排在未被否决的单位之后，不列入红榜，评为最低等次，不占等次名额。"
            }
            crate::domain::VetoRule::NoTop => {
                "被一票否决的单位：保留名次，但不列入红榜，不评为最高等次，不占其名额。"
            }
        },
        lines,
        periods,
        units,
        message: match q.msg.as_deref() {
            Some("set") => Some("已设定一票否决。"),
            Some("lifted") => Some("已撤销一票否决。"),
            _ => None,
        },
    })
}

#[derive(Deserialize)]
pub(super) struct VetoForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    correction: String,
}

fn parse(form: &VetoForm) -> Result<(PeriodKey, UnitId), AppError> {
    let period = PeriodKey::parse(&form.period).ok_or_else(|| {
        AppError::BadRequest(format!(
            "期间「{}」无法识别",
            crate::text::clip(&form.period)
        ))
    })?;
    let unit = form
        .unit
        .trim()
        .parse()
        .map(UnitId)
        .map_err(|_| AppError::BadRequest("请选择单位".into()))?;
    Ok((period, unit))
}

pub(super) async fn set_veto(
    state: web::Data<AppState>,
    form: StaffForm<VetoForm>,
) -> Result<HttpResponse, AppError> {
    change(state, form, true).await
}

pub(super) async fn lift_veto(
    state: web::Data<AppState>,
    form: StaffForm<VetoForm>,
) -> Result<HttpResponse, AppError> {
    change(state, form, false).await
}

/// Sets (`set`) or lifts the veto the form names, as the acting account.
async fn change(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<VetoForm>,
    set: bool,
) -> Result<HttpResponse, AppError> {
    let (period, unit) = parse(&form)?;
    let what = if set {
        "未能设定一票否决"
    } else {
        "未能撤销一票否决"
    };
    refusable(&state, what, move |conn| {
        let by = VetoBy {
            actor: staff.actor(),
            role: staff.role(),
        };
        let change = VetoChange {
            period,
            unit,
            reason: &form.reason,
            correction: &form.correction,
        };
        if set {
            crate::ops::set_veto(conn, by, &change)
        } else {
            crate::ops::lift_veto(conn, by, &change)
        }
    })
    .await?;
    Ok(super::pages::back(if set {
        "/admin/vetoes?msg=set"
    } else {
        "/admin/vetoes?msg=lifted"
    }))
}
