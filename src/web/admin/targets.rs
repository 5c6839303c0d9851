//! Targets (目标值) in the browser (考评办 and above): the form with the indicators that need
//! targets, the upload through the one upload flow, a preview of every target set (with the
//! one it replaces), and confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload};
use super::pages::{Me, back, blocking, page};
use super::upload::{check_upload, confirm_upload, error_lines, find_upload, receive};
use crate::import::ImportError;
use crate::ops::{self, UploadKind};
use crate::store;
use crate::web::{AppError, AppState};
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/targets.html")]
struct TargetsPage {
    title: String,
    me: Me,
    form: bool,
    /// The indicators scored against a target: (name, method in words, measure).
    needing: Vec<(String, String, String)>,
    /// The year offered first.
    year: i32,
    message: Option<String>,
    file_name: String,
    token: Option<String>,
    which: String,
    /// (unit, indicator, before, after, changed).
    changes: Vec<(String, String, String, String, bool)>,
    errors: Vec<String>,
    error_count: usize,
    stale: bool,
}

impl TargetsPage {
    fn new(me: Me) -> TargetsPage {
        TargetsPage {
            title: "目标值".into(),
            me,
            form: false,
            needing: Vec::new(),
            year: 0,
            message: None,
            file_name: String::new(),
            token: None,
            which: String::new(),
            changes: Vec::new(),
            errors: Vec::new(),
            error_count: 0,
            stale: false,
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct MsgQuery {
    msg: Option<String>,
    count: Option<usize>,
}

pub(super) async fn targets_page(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<MsgQuery>,
) -> Result<HttpResponse, AppError> {
    let s = blocking(&state, |conn| Ok(store::load_structure(conn)?)).await?;
    let mut p = TargetsPage::new(Me::of(&staff));
    p.form = true;
    if let Some(s) = &s {
        p.year = s
            .periods
            .iter()
            .map(|k| k.key.year)
            .max()
            .unwrap_or(s.competition.year);
        p.needing = s
            .indicators
            .iter()
            .filter_map(|i| {
                let sc = i.scoring.as_ref().filter(|sc| sc.needs_target())?;
                let method = crate::competition::method::METHODS
                    .iter()
                    .find(|(c, _)| *c == sc.method)
                    .map_or(sc.method.as_str(), |(_, w)| w);
                Some((
                    i.name.clone(),
                    method.to_string(),
                    sc.measure.clone().unwrap_or_default(),
                ))
            })
            .collect();
    }
    p.message = (q.msg.as_deref() == Some("confirmed"))
        .then(|| format!("已导入目标值{}项。", q.count.unwrap_or(0)));
    page(&p)
}

fn preview(
    me: Me,
    file_name: &str,
    token: Option<String>,
    checked: Result<ops::Checked, ops::OpsError>,
    data_version: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let mut p = TargetsPage::new(me);
    p.title = "目标值预览".into();
    p.file_name = file_name.to_string();
    match checked {
        Ok(ops::Checked::Targets(plan)) => {
            let shown = |v: Option<crate::domain::Points>, m: &Option<String>| {
                v.map_or_else(
                    || "—".into(),
                    |v| format!("{v}{}", m.as_deref().unwrap_or("")),
                )
            };
            p.which = plan.which.label();
            p.stale = data_version.is_some_and(|v| v != plan.data_version);
            p.changes = plan
                .changes
                .iter()
                .map(|c| {
                    (
                        c.unit.clone(),
                        c.indicator.clone(),
                        shown(c.before, &c.measure),
                        shown(Some(c.after), &c.measure),
                        c.before != Some(c.after),
                    )
                })
                .collect();
            p.token = token;
        }
        Ok(_) => return Err(AppError::Internal("上传类型不符".into())),
        Err(e) => {
            let errors: Vec<ImportError> = error_lines(e);
            p.error_count = crate::import::error::count(&errors);
            p.errors = errors.iter().map(ToString::to_string).collect();
        }
    }
    page(&p)
}

pub(super) async fn upload_targets(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    let me = Me::of(&staff);
    let sent = receive(&state, staff, form, UploadKind::Targets).await?;
    if sent.received.kept {
        return Ok(back(&format!("/admin/targets/{}", sent.token)));
    }
    preview(me, &sent.file_name, None, sent.received.check, None)
}

pub(super) async fn targets_preview(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let u = find_upload(&state, &staff, UploadKind::Targets, path.into_inner()).await?;
    let token = u.batch_id.is_none().then(|| u.token.clone());
    let checked = check_upload(&state, &staff, u.clone()).await?;
    preview(
        Me::of(&staff),
        &u.file_name,
        token,
        checked,
        Some(u.data_version),
    )
}

pub(super) async fn targets_confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    confirm_upload(&state, staff, UploadKind::Targets, path.into_inner()).await
}
