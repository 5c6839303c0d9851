//! `/admin/schemes` (管理员): the years' 考核方案 — which is in force for which years — and
//! installing next year's: the competition file and the units list are read against the
//! scheme before it and the page shows what changes (indicators added, removed or changed,
//! units moved, renamed, merged, added, retired); nothing is written until the 管理员
//! confirms, and the install is audited with what it changed.

use super::Staff;
use super::guard::{StaffForm, StaffUpload};
use super::pages::{Me, back, blocking, page, refusable};
use crate::store;
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

struct SchemeLine {
    year: i32,
    name: String,
    /// 「2022年」, 「2023年起」.
    years: String,
    groups: usize,
    indicators: usize,
    units: usize,
}

/// A checked scheme awaiting confirmation.
struct Pending {
    year: i32,
    name: String,
    counts: String,
    previous_year: i32,
    changes: Vec<String>,
    toml: String,
    units_hex: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "admin/schemes.html")]
struct SchemesPage {
    title: String,
    me: Me,
    lines: Vec<SchemeLine>,
    /// The year offered for the next scheme.
    next_year: i32,
    message: Option<&'static str>,
    errors: Vec<String>,
    pending: Option<Pending>,
}

#[derive(Deserialize)]
pub(super) struct MessageQuery {
    msg: Option<String>,
}

fn lines(conn: &rusqlite::Connection) -> Result<(Vec<SchemeLine>, i32), AppError> {
    let all = store::schemes(conn)?;
    let mut out = Vec::with_capacity(all.len());
    for (i, sc) in all.iter().enumerate() {
        let Some(s) = store::load_scheme(conn, Some(sc.year))? else {
            continue;
        };
        let years = match all.get(i + 1).map(|n| n.year - 1) {
            Some(u) if u == sc.year => format!("{}年", sc.year),
            Some(u) => format!("{}—{u}年", sc.year),
            None => format!("{}年起", sc.year),
        };
        out.push(SchemeLine {
            year: sc.year,
            name: sc.name.clone(),
            years,
            groups: s.groups.len(),
            indicators: s.indicators.len(),
            units: s.units.len(),
        });
    }
    let next = all.last().map_or(0, |s| s.year + 1);
    Ok((out, next))
}

fn schemes_view(
    me: Me,
    conn: &rusqlite::Connection,
    message: Option<&'static str>,
) -> Result<SchemesPage, AppError> {
    let (lines, next_year) = lines(conn)?;
    Ok(SchemesPage {
        title: "年度考核方案".into(),
        me,
        lines,
        next_year,
        message,
        errors: Vec::new(),
        pending: None,
    })
}

pub(super) async fn schemes_page(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MessageQuery>,
) -> Result<HttpResponse, AppError> {
    let message = match q.msg.as_deref() {
        Some("installed") => Some("已安装新年度的考核方案。此前各年度已揭榜的榜单不受影响。"),
        _ => None,
    };
    let me = Me::of(&staff);
    let p = blocking(&state, move |conn| schemes_view(me, conn, message)).await?;
    page(&p)
}

/// Reads the two files against the scheme in force before the year, and shows what would
/// change; writes nothing.
pub(super) async fn preview(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    let me = Me::of(&staff);
    let p = blocking(&state, move |conn| {
        let mut p = schemes_view(me, conn, None)?;
        let year: Option<i32> = form.period.trim().parse().ok();
        let toml = String::from_utf8(form.file.clone());
        let (Some(year), Ok(toml)) = (year, toml) else {
            p.errors.push(
                "请填写年度（如 2024），并选择竞赛配置文件（.toml，UTF-8 编码）和单位名单".into(),
            );
            return Ok(p);
        };
        if form.units.is_empty() {
            p.errors.push("请选择单位名单文件（CSV）".into());
            return Ok(p);
        }
        let version = store::data_version(conn)?.0;
        match crate::ops::plan_scheme(conn, year, &toml, &form.units) {
            Ok(plan) => {
                p.pending = Some(Pending {
                    year,
                    name: plan.spec.competition.name.clone(),
                    counts: format!(
                        "{}个组别，{}个指标，{}个单位",
                        plan.spec.groups.len(),
                        plan.spec.indicators.len(),
                        plan.spec.units.len()
                    ),
                    previous_year: plan.diff.previous_year,
                    changes: crate::present::scheme_changes(&plan.diff),
                    toml,
                    units_hex: crate::ops::to_hex(&form.units),
                    version,
                });
            }
            Err(crate::ops::OpsError::Input(errs)) => p.errors = errs,
            Err(e) => p.errors.push(e.to_string()),
        }
        Ok(p)
    })
    .await?;
    page(&p)
}

#[derive(Deserialize)]
pub(super) struct ConfirmForm {
    #[serde(default)]
    year: i32,
    #[serde(default)]
    toml: String,
    #[serde(default)]
    units: String,
    #[serde(default)]
    version: i64,
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    StaffForm { staff, form }: StaffForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let units = crate::ops::from_hex(&form.units)
        .ok_or_else(|| AppError::BadRequest("单位名单无法读取，请重新上传并预览".into()))?;
    refusable(&state, "未能安装考核方案", move |conn| {
        crate::ops::install_scheme(
            conn,
            staff.actor(),
            staff.role(),
            form.year,
            &form.toml,
            &units,
            Some(form.version),
        )
    })
    .await?;
    Ok(back("/admin/schemes?msg=installed"))
}
