//! Uploading scores: the form and the import template, the multipart upload (bounded; an
//! oversized one is answered 413 in Chinese), the preview page (rendered by `preview`), and
//! confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload, UploadForm};
use super::pages::{Me, back, blocking, page};
use super::preview::render_preview;
use crate::auth::{self, Role};
use crate::domain::PeriodKey;
use crate::import::ImportError;
use crate::ops::{self, UploadKind};
use crate::store::{self, PeriodStatus, Refusal};
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

/// A period offered on the upload page.
pub struct PeriodChoice {
    pub key: String,
    pub label: String,
    pub note: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/upload.html")]
struct UploadPage {
    title: String,
    me: Me,
    periods: Vec<PeriodChoice>,
    limit_mb: usize,
    /// For a 报送单位: the indicators it may upload.
    mine: Vec<String>,
    /// Groups for the template download: (id, name).
    groups: Vec<(i64, String)>,
}

/// The choices of the upload page: the open drafts first (the latest selected: that is where
/// a quarter's file goes), then (考评办 and above) a new period, then (管理员) the published
/// ones for a correction; the file's own 期间 column last.
fn period_choices(s: &store::Structure, role: Role) -> Vec<PeriodChoice> {
    let mut out: Vec<PeriodChoice> = s
        .periods
        .iter()
        .rev()
        .filter(|p| p.status != PeriodStatus::Published)
        .map(|p| PeriodChoice {
            key: p.key.to_string(),
            label: p.key.label(),
            note: "（草稿）",
            selected: false,
        })
        .collect();
    if let Some(first) = out.first_mut() {
        first.selected = true;
    }
    if role >= Role::Staff {
        let next = s.periods.iter().map(|p| p.key).max().map_or(
            PeriodKey {
                year: s.competition.year,
                quarter: 1,
            },
            PeriodKey::next,
        );
        out.push(PeriodChoice {
            key: next.to_string(),
            label: next.label(),
            note: "（新建）",
            selected: out.is_empty(),
        });
    }
    if role >= Role::Admin {
        out.extend(
            s.periods
                .iter()
                .rev()
                .filter(|p| p.status == PeriodStatus::Published)
                .map(|p| PeriodChoice {
                    key: p.key.to_string(),
                    label: p.key.label(),
                    note: "（已揭榜，仅限更正）",
                    selected: false,
                }),
        );
    }
    out
}

pub(super) async fn upload_page(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let s = blocking(&state, |conn| Ok(store::load_structure(conn)?)).await?;
    let provider = staff.provider();
    let (periods, mine, groups) = match &s {
        Some(s) => (
            period_choices(s, staff.role()),
            provider
                .as_deref()
                .map(|p| {
                    s.indicators
                        .iter()
                        .filter(|i| i.provider.as_deref() == Some(p))
                        .map(|i| i.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            s.groups.iter().map(|g| (g.id.0, g.name.clone())).collect(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    page(&UploadPage {
        title: "上传得分".into(),
        me: Me::of(&staff),
        periods,
        limit_mb: state.admin.upload_limit >> 20,
        mine,
        groups,
    })
}

/// A group's import template (.xlsx): its units, and its indicators (a 报送单位's only).
pub(super) async fn template(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let group = crate::domain::GroupId(path.into_inner());
    let provider = staff.provider();
    let (bytes, name) = blocking(&state, move |conn| {
        let s = store::load_structure(conn)?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let g = s
            .group(group)
            .ok_or_else(|| AppError::NotFound("没有这个组别".into()))?;
        let indicators: Vec<String> = s
            .group_indicators(group)
            .into_iter()
            .filter(|i| provider.is_none() || i.provider == provider)
            // An indicator scored from a 明细清单 has no cell in a score file.
            .filter(|i| i.scoring.as_ref().is_none_or(|sc| !sc.list))
            .map(|i| i.name.clone())
            .collect();
        let units: Vec<String> = s
            .units
            .iter()
            .filter(|u| u.group_id == group)
            .map(|u| u.name.clone())
            .collect();
        let period = s
            .periods
            .iter()
            .rev()
            .find(|p| p.status != PeriodStatus::Published)
            .map(|p| p.key.label())
            .unwrap_or_default();
        let title = format!("{} {}{} 得分导入模板", s.competition.name, period, g.name);
        let bytes = crate::export::import_template_xlsx(&title, &g.name, &units, &indicators)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((bytes, format!("{period}{}_导入模板.xlsx", g.name)))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(crate::web::respond::attachment(&name, "template.xlsx"))
        .body(bytes))
}

/// Keeps the last part of a browser-supplied file name, without path or control characters.
pub(super) fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = crate::text::strip_invisible(base)
        .chars()
        .take(120)
        .collect();
    if clean.trim().is_empty() {
        "上传文件".into()
    } else {
        clean
    }
}

/// An upload as received: what the check found, and the token it is kept under.
pub(super) struct Sent {
    pub received: ops::Received,
    pub token: String,
    pub file_name: String,
}

/// Receives an upload of either kind through the one operation (`ops::upload::receive`):
/// the role rules, the check, the audit line and the quota are all decided there.
pub(super) async fn receive(
    state: &web::Data<AppState>,
    staff: Staff,
    form: UploadForm,
    kind: UploadKind,
) -> Result<Sent, AppError> {
    if form.file.is_empty() && form.file_name.is_empty() {
        return Err(AppError::BadRequest("请选择要上传的文件。".into()));
    }
    let (period, which) = match (kind, form.period.as_str()) {
        (UploadKind::Targets, p) => (
            None,
            Some(ops::TargetYear::parse(p).ok_or_else(|| {
                AppError::BadRequest(format!("目标的年度或季度「{p}」无效（如 2024 或 2024Q2）"))
            })?),
        ),
        (_, "") => (None, None),
        (_, p) => (
            Some(
                PeriodKey::parse(p)
                    .ok_or_else(|| AppError::BadRequest(format!("期间「{p}」无效")))?,
            ),
            None,
        ),
    };
    let file_name = clean_file_name(&form.file_name);
    let token = auth::new_token();
    let limits = ops::Limits {
        now: state.admin.clock.now(),
        max_pending: state.admin.max_pending_uploads,
    };
    blocking(state, move |conn| {
        let file = ops::Incoming {
            kind,
            bytes: &form.file,
            file_name: &file_name,
            period,
            which,
            reason: &form.reason,
        };
        let received = ops::upload::receive(conn, &staff.uploader(), &file, &token, limits)
            .map_err(|e| AppError::from_ops(e, Some("未能接收上传")))?;
        Ok(Sent {
            received,
            token,
            file_name,
        })
    })
    .await
}

/// The upload of `kind` named by a token, if this user may see it (`ops::upload::find`).
pub(super) async fn find_upload(
    state: &web::Data<AppState>,
    staff: &Staff,
    kind: UploadKind,
    token: String,
) -> Result<store::Upload, AppError> {
    let now = state.admin.clock.now();
    let staff = staff.clone();
    blocking(state, move |conn| {
        Ok(ops::upload::find(
            conn,
            &staff.uploader(),
            kind,
            &token,
            now,
        )?)
    })
    .await?
    .ok_or_else(|| AppError::NotFound(Refusal::NoSuchUpload.to_string()))
}

/// Checks a kept upload again, as it would be confirmed now; the file's errors and refusals
/// are the page's to show.
pub(super) async fn check_upload(
    state: &web::Data<AppState>,
    staff: &Staff,
    upload: store::Upload,
) -> Result<Result<ops::Checked, ops::OpsError>, AppError> {
    let staff = staff.clone();
    blocking(state, move |conn| {
        match ops::upload::check(conn, &staff.uploader(), &upload) {
            Err(ops::OpsError::Store(e)) => Err(e.into()),
            other => Ok(other),
        }
    })
    .await
}

/// Confirms a kept upload; 303 to the 工作台 with what was done.
pub(super) async fn confirm_upload(
    state: &web::Data<AppState>,
    staff: Staff,
    kind: UploadKind,
    token: String,
) -> Result<HttpResponse, AppError> {
    let upload = find_upload(state, &staff, kind, token).await?;
    let done = blocking(state, move |conn| {
        ops::upload::confirm(conn, &staff.uploader(), &upload)
            .map_err(|e| AppError::from_ops(e, Some("未能导入")))
    })
    .await?;
    Ok(back(&match done {
        ops::Confirmed::Scores { batch: Some(b) } => format!("/admin?msg=confirmed&batch={b}"),
        ops::Confirmed::Scores { batch: None } => "/admin?msg=confirmed".into(),
        ops::Confirmed::Honors { .. } => "/admin?msg=honors".into(),
        ops::Confirmed::Targets { count, .. } => {
            format!("/admin/targets?msg=confirmed&count={count}")
        }
    }))
}

/// The file's errors, or a refusal, as lines of the preview.
pub(super) fn error_lines(e: ops::OpsError) -> Vec<ImportError> {
    match e {
        ops::OpsError::File(errors) => errors.0,
        other => vec![ImportError::Refused {
            reason: other.to_string(),
        }],
    }
}

pub(super) async fn upload(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    let me = Me::of(&staff);
    let sent = receive(&state, staff, form, UploadKind::Scores).await?;
    scores_received(me, sent)
}

/// After a score file was received: its preview page when kept (303, so that a reload does
/// not upload again), else the errors or the unchanged file's page.
fn scores_received(me: Me, sent: Sent) -> Result<HttpResponse, AppError> {
    if sent.received.kept {
        return Ok(back(&if sent.received.replaced {
            format!("/admin/uploads/{}?replaced=1", sent.token)
        } else {
            format!("/admin/uploads/{}", sent.token)
        }));
    }
    match sent.received.check {
        Ok(ops::Checked::Scores(p)) => {
            render_preview(me, &sent.file_name, Some(&p), &[], None, None)
        }
        Ok(_) => Err(AppError::Internal("上传类型不符".into())),
        Err(e) => render_preview(me, &sent.file_name, None, &error_lines(e), None, None),
    }
}

#[derive(serde::Deserialize)]
pub(super) struct PreviewQuery {
    replaced: Option<String>,
}

/// Said on the preview when the upload replaced the account's earlier unconfirmed one.
const REPLACED: &str = "您此前上传但未确认的文件已被本次上传取代：每个账号同时只保留一份待确认的文件，未确认的上传24小时后自动删除。";

pub(super) async fn preview_page(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    q: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = q.replaced.is_some().then(|| REPLACED.to_string());
    let upload = find_upload(&state, &staff, UploadKind::Scores, path.into_inner()).await?;
    let me = Me::of(&staff);
    match check_upload(&state, &staff, upload.clone()).await? {
        Ok(ops::Checked::Scores(p)) => {
            render_preview(me, &upload.file_name, Some(&p), &[], Some(&upload), notice)
        }
        Ok(_) => Err(AppError::Internal("上传类型不符".into())),
        Err(e) => render_preview(
            me,
            &upload.file_name,
            None,
            &error_lines(e),
            Some(&upload),
            notice,
        ),
    }
}

#[derive(serde::Deserialize)]
pub(super) struct PeriodField {
    period: String,
}

/// Sends a kept upload to another period (the one its name or title names): the same bytes
/// received again, a new preview; nothing is written but the new upload and its audit line.
pub(super) async fn repoint(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, form }: StaffForm<PeriodField>,
) -> Result<HttpResponse, AppError> {
    let upload = find_upload(&state, &staff, UploadKind::Scores, path.into_inner()).await?;
    if upload.batch_id.is_some() {
        return Err(AppError::from_ops(
            Refusal::AlreadyConfirmed {
                batch: upload.batch_id.unwrap_or_default(),
            }
            .into(),
            Some("未能改选期间"),
        ));
    }
    let file = UploadForm {
        period: form.period,
        reason: upload.correction.unwrap_or_default(),
        file_name: upload.file_name,
        file: upload.bytes,
        units: Vec::new(),
    };
    let me = Me::of(&staff);
    let sent = receive(&state, staff, file, UploadKind::Scores).await?;
    scores_received(me, sent)
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    confirm_upload(&state, staff, UploadKind::Scores, path.into_inner()).await
}
