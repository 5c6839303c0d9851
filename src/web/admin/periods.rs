//! Per-period work: scheduling 揭榜, draft boards for staff (the 报送进度 matrix: `progress`); import
//! batches and their rollback; which provider reports each indicator.

use super::Staff;
use super::guard::{NoFields, StaffForm};
use super::pages::{Me, back, blocking, page, refusable};
use crate::boards::{self, View};
use crate::domain::{IndicatorId, PeriodKey};
use crate::store::{self, PeriodStatus};
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

pub(super) fn period_of(raw: &str) -> Result<PeriodKey, AppError> {
    PeriodKey::parse(raw).ok_or_else(|| AppError::NotFound(format!("期间「{raw}」不存在")))
}

/// A `datetime-local` value read in the office's time zone, as Unix seconds; `what` names the
/// field in the refusal.
pub(super) async fn office_time(
    state: &web::Data<AppState>,
    text: &str,
    what: &str,
) -> Result<i64, AppError> {
    let zone = blocking(state, |conn| Ok(store::office_zone(conn)?)).await?;
    zone.parse_local(text).ok_or_else(|| {
        AppError::BadRequest(format!(
            "{what}格式不对：请选择日期和时间（如 2026-12-01 09:00）"
        ))
    })
}

#[derive(Deserialize)]
pub(super) struct ScheduleForm {
    /// `2026-12-01T09:00` in the competition's time zone (an `<input type="datetime-local">`).
    #[serde(default)]
    at: String,
}

pub(super) async fn schedule(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, form }: StaffForm<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    let at = office_time(&state, &form.at, "揭榜时间").await?;
    let now = state.admin.clock.now();
    refusable(&state, "未能设定定时揭榜", move |conn| {
        crate::ops::schedule(conn, key, at, now, staff.actor())
    })
    .await?;
    Ok(back("/admin?msg=scheduled"))
}

#[derive(Deserialize)]
pub(super) struct OpenForm {
    #[serde(default)]
    period: String,
}

/// Opens a draft period for uploads (考评办): the 报送单位 upload only into open drafts.
pub(super) async fn open(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<OpenForm>,
) -> Result<HttpResponse, AppError> {
    let key = PeriodKey::parse(&form.period).ok_or_else(|| {
        AppError::BadRequest(format!(
            "期间「{}」无法识别，应为 2024Q1 或 2024年第一季度 这样的写法",
            crate::text::clip(&form.period)
        ))
    })?;
    refusable(&state, "未能新建期间", move |conn| {
        crate::ops::open_period(conn, key, staff.actor())
    })
    .await?;
    Ok(back("/admin?msg=opened"))
}

/// Removes an empty draft period (管理员), e.g. one a typo created.
pub(super) async fn remove(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    refusable(&state, "未能删除期间", move |conn| {
        crate::ops::remove_empty_period(conn, key, staff.actor())
    })
    .await?;
    Ok(back("/admin?msg=removed"))
}

pub(super) async fn cancel(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let key = period_of(&path)?;
    refusable(&state, "未能取消定时揭榜", move |conn| {
        crate::ops::cancel_schedule(conn, key, staff.actor())
    })
    .await?;
    Ok(back("/admin?msg=cancelled"))
}

#[derive(Template)]
#[template(path = "admin/draft_board.html")]
struct DraftBoard<'a> {
    title: String,
    me: Me,
    draft: bool,
    /// No unit of the group has a score yet.
    empty: bool,
    board_title: String,
    group_name: String,
    rules_text: String,
    headers: Vec<crate::web::pages::board::Header>,
    rows: Vec<crate::web::pages::board::FullRow<'a>>,
}

#[derive(serde::Deserialize)]
pub(super) struct SortQuery {
    sort: Option<String>,
    dir: Option<String>,
}

/// A period's group board as staff see it under /admin: the public board's table (every
/// column, 同分, 为何此名次), marked 草稿 until 揭榜.
async fn staff_board(
    state: &web::Data<AppState>,
    raw: &str,
    group: i64,
) -> Result<(PeriodKey, boards::GroupBoard, store::GroupRow), AppError> {
    let key = period_of(raw)?;
    blocking(state, move |conn| {
        let s = store::load_scheme(conn, Some(key.year))?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let gid = crate::domain::GroupId(group);
        let g = s
            .group(gid)
            .cloned()
            .ok_or_else(|| AppError::NotFound("没有这个组别".into()))?;
        let b = boards::group_board(conn, &s, key, gid, View::Quarter)?
            .ok_or_else(|| AppError::NotFound("没有这个期间或组别的榜单".into()))?;
        Ok((key, b, g))
    })
    .await
}

pub(super) async fn draft_board(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, i64)>,
    q: web::Query<SortQuery>,
) -> Result<HttpResponse, AppError> {
    let (raw, group) = path.into_inner();
    let (key, b, g) = staff_board(&state, &raw, group).await?;
    let draft = b.period.status != PeriodStatus::Published;
    let crate::web::pages::board::Table { headers, rows } = crate::web::pages::board::table(
        &b,
        key,
        g.id,
        crate::web::pages::board::Links::Draft,
        q.sort.as_deref(),
        q.dir.as_deref(),
    );
    page(&DraftBoard {
        title: format!(
            "{}{} · {}",
            if draft { "【草稿】" } else { "" },
            key.label(),
            g.name
        ),
        me: Me::of(&staff),
        draft,
        empty: b
            .board
            .rows
            .iter()
            .all(|r| r.points.iter().all(Option::is_none)),
        board_title: b.title.clone(),
        group_name: g.name.clone(),
        rules_text: b.rules_text.clone(),
        headers,
        rows,
    })
}

#[derive(Template)]
#[template(path = "admin/draft_why.html")]
struct DraftWhy {
    title: String,
    me: Me,
    draft: bool,
    board_url: String,
    board_title: String,
    group_name: String,
    why: crate::web::pages::why::Why,
}

/// 为何此名次 on a staff board (a draft's is not public).
pub(super) async fn draft_why(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (raw, group, unit) = path.into_inner();
    let (key, b, g) = staff_board(&state, &raw, group).await?;
    let why = blocking(&state, move |conn| {
        let s = store::load_scheme(conn, Some(key.year))?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let why = crate::web::pages::why::explain(
            conn,
            &s,
            &b,
            &g,
            View::Quarter,
            crate::domain::UnitId(unit),
        )?;
        Ok((why, b, g))
    })
    .await?;
    let (why, b, g) = why;
    page(&DraftWhy {
        title: format!("{} {} 名次说明", why.unit, b.title),
        me: Me::of(&staff),
        draft: b.period.status != PeriodStatus::Published,
        board_url: crate::web::urls::draft_board(key, g.id),
        board_title: b.title.clone(),
        group_name: g.name.clone(),
        why,
    })
}

#[derive(Template)]
#[template(path = "admin/batches.html")]
struct BatchesPage {
    title: String,
    me: Me,
    batches: Vec<store::BatchRow>,
    zone: crate::domain::Zone,
    message: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct MsgQuery {
    msg: Option<String>,
}

pub(super) async fn batches(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MsgQuery>,
) -> Result<HttpResponse, AppError> {
    let (batches, zone) = blocking(&state, |conn| {
        Ok((store::batches(conn, 200)?, store::office_zone(conn)?))
    })
    .await?;
    page(&BatchesPage {
        title: "导入批次".into(),
        me: Me::of(&staff),
        batches,
        zone,
        message: (q.msg.as_deref() == Some("rolled-back"))
            .then(|| "已撤销该批次，被它替换的数值已恢复。".to_string()),
    })
}

#[derive(Template)]
#[template(path = "admin/batch.html")]
struct BatchPage {
    title: String,
    me: Me,
    batch: store::BatchRow,
    zone: crate::domain::Zone,
    periods: String,
    corrects: bool,
    groups: Vec<super::preview::GroupView>,
    refused: Option<String>,
}

/// One batch and what rolling it back would do (管理员): the boards before and after.
pub(super) async fn batch(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (p, zone) = blocking(&state, move |conn| {
        let zone = store::office_zone(conn)?;
        match crate::ops::preview_rollback(conn, id) {
            Ok(p) => Ok((p, zone)),
            Err(crate::ops::OpsError::Refused(r)) => Err(AppError::NotFound(r.to_string())),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    page(&BatchPage {
        title: format!("导入批次 #{id}"),
        me: Me::of(&staff),
        zone,
        periods: p
            .periods
            .iter()
            .map(|(k, published)| {
                format!(
                    "{}{}",
                    k.label(),
                    if *published { "（已揭榜）" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("、"),
        corrects: p.periods.iter().any(|(_, published)| *published),
        groups: p
            .groups
            .iter()
            .map(|g| super::preview::group_view(g, ("现", "撤销后")))
            .collect(),
        refused: p.refused,
        batch: p.batch,
    })
}

#[derive(Deserialize)]
pub(super) struct RollbackForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn rollback(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    StaffForm { staff, form }: StaffForm<RollbackForm>,
) -> Result<HttpResponse, AppError> {
    let batch = path.into_inner();
    let reason = form.reason;
    refusable(&state, "未能撤销", move |conn| {
        crate::ops::rollback(conn, batch, &reason, staff.actor())
    })
    .await?;
    Ok(back("/admin/batches?msg=rolled-back"))
}

#[derive(Template)]
#[template(path = "admin/indicators.html")]
struct IndicatorsPage {
    title: String,
    me: Me,
    rows: Vec<(i64, String, String, String)>,
    message: Option<String>,
}

pub(super) async fn indicators(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MsgQuery>,
) -> Result<HttpResponse, AppError> {
    let s = blocking(&state, |conn| Ok(store::load_structure(conn)?))
        .await?
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
    let rows = s
        .indicators
        .iter()
        .map(|i| {
            let groups = i
                .groups
                .iter()
                .filter_map(|g| s.group(*g).map(|g| g.name.clone()))
                .collect::<Vec<_>>()
                .join("、");
            (
                i.id.0,
                i.name.clone(),
                groups,
                i.provider.clone().unwrap_or_default(),
            )
        })
        .collect();
    page(&IndicatorsPage {
        title: "指标报送单位".into(),
        me: Me::of(&staff),
        rows,
        message: (q.msg.as_deref() == Some("saved")).then(|| "已保存。".to_string()),
    })
}

pub(super) async fn save_indicators(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let providers: Vec<(IndicatorId, Option<String>)> = form
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("p_")?.parse::<i64>().ok()?;
            let v: String = v.trim().chars().take(40).collect();
            Some((IndicatorId(id), (!v.is_empty()).then_some(v)))
        })
        .collect();
    refusable(&state, "未能保存", move |conn| {
        crate::ops::set_providers(conn, &providers, staff.actor())
    })
    .await?;
    Ok(back("/admin/indicators?msg=saved"))
}
