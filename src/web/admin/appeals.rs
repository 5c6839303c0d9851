//! `/admin/appeals` (考评办 and above): the 公示 of each published year's result, the 申诉
//! units lodged (recorded by staff) and their answers after 复核; a 管理员 may declare a result
//! final before its 公示期 ends. An upheld appeal is put right by a correction (upload with a
//! reason), which re-freezes the board like any correction.

use super::Staff;
use super::guard::StaffForm;
use super::pages::{Me, back, blocking, page, refusable};
use crate::domain::{PeriodKey, UnitId};
use crate::store::{self, PeriodStatus};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

struct AppealLine {
    id: i64,
    unit: String,
    text: String,
    received: String,
    /// 「申诉成立」/「维持原结果」 and the answer, or empty while open.
    answer: String,
}

struct ResultLine {
    key: String,
    label: String,
    publicity: String,
    open: bool,
    appeals: Vec<AppealLine>,
    /// (id, name) of the units ranked that year.
    units: Vec<(UnitId, String)>,
}

#[derive(Template)]
#[template(path = "admin/appeals.html")]
struct AppealsPage {
    title: String,
    me: Me,
    results: Vec<ResultLine>,
    message: Option<&'static str>,
}

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    msg: Option<String>,
}

pub(super) async fn appeals_page(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MessageQuery>,
) -> Result<HttpResponse, AppError> {
    let me = Me::of(&staff);
    let results = blocking(&state, |conn| {
        let Some(latest) = store::load_structure(conn)? else {
            return Ok(Vec::new());
        };
        let zone = latest.competition.zone.clone();
        let mut out = Vec::new();
        for p in latest
            .periods
            .iter()
            .rev()
            .filter(|p| p.key.is_annual() && p.status == PeriodStatus::Published)
        {
            let s = store::load_scheme(conn, Some(p.key.year))?
                .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
            let pb = store::publicity(conn, p.id)?;
            out.push(ResultLine {
                key: p.key.to_string(),
                label: p.key.label(),
                publicity: pb.as_ref().map_or_else(
                    || "无公示期，揭榜即为最终结果".into(),
                    |x| crate::present::publicity_text(x, &zone),
                ),
                open: pb.as_ref().is_some_and(|x| x.final_at.is_none()),
                appeals: store::appeals(conn, p.id)?
                    .into_iter()
                    .map(|a| AppealLine {
                        id: a.id,
                        unit: a.unit,
                        text: a.text,
                        received: format!("{}于{}登记", a.recorded_by, zone.show(a.received_at)),
                        answer: a.answer.map_or_else(String::new, |(ans, upheld, at, by)| {
                            format!(
                                "{}：{ans}（{by}于{}答复）",
                                if upheld {
                                    "申诉成立"
                                } else {
                                    "维持原结果"
                                },
                                zone.show(at)
                            )
                        }),
                    })
                    .collect(),
                units: s.units.iter().map(|u| (u.id, u.name.clone())).collect(),
            });
        }
        Ok(out)
    })
    .await?;
    page(&AppealsPage {
        title: "公示与申诉".into(),
        me,
        results,
        message: match q.msg.as_deref() {
            Some("added") => Some("已登记申诉。"),
            Some("answered") => {
                Some("已记录答复。申诉成立的，请上传更正后的数据（填写更正原因）。")
            }
            Some("final") => Some("已确认为最终结果。"),
            _ => None,
        },
    })
}

#[derive(Deserialize)]
pub(super) struct AppealForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    upheld: String,
}

fn period(raw: &str) -> Result<PeriodKey, AppError> {
    PeriodKey::parse(raw)
        .filter(|k| k.is_annual())
        .ok_or_else(|| AppError::BadRequest(format!("期间「{}」无法识别", crate::text::clip(raw))))
}

pub(super) async fn add(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<AppealForm>,
) -> Result<HttpResponse, AppError> {
    let key = period(&form.period)?;
    let unit = UnitId(
        form.unit
            .trim()
            .parse()
            .map_err(|_| AppError::BadRequest("请选择单位".into()))?,
    );
    refusable(&state, "未能登记申诉", move |conn| {
        crate::ops::add_appeal(conn, staff.actor(), staff.role(), key, unit, &form.text)
    })
    .await?;
    Ok(back("/admin/appeals?msg=added"))
}

pub(super) async fn answer(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<AppealForm>,
) -> Result<HttpResponse, AppError> {
    let key = period(&form.period)?;
    let id: i64 = form
        .id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("申诉编号无法识别".into()))?;
    let upheld = form.upheld == "1";
    refusable(&state, "未能记录答复", move |conn| {
        crate::ops::answer_appeal(
            conn,
            staff.actor(),
            staff.role(),
            key,
            id,
            &form.answer,
            upheld,
        )
    })
    .await?;
    Ok(back("/admin/appeals?msg=answered"))
}

pub(super) async fn finalize(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<AppealForm>,
) -> Result<HttpResponse, AppError> {
    let key = period(&form.period)?;
    refusable(&state, "未能确认最终结果", move |conn| {
        crate::ops::end_publicity(conn, staff.actor(), staff.role(), key)
    })
    .await?;
    Ok(back("/admin/appeals?msg=final"))
}
