//! Uploading scores: the form and the import template, the multipart upload (bounded; an
//! oversized one is answered 413 in Chinese), the preview page (rendered by `preview`), and
//! confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload};
use super::pages::{Me, blocking, page};
use super::preview::render_preview;
use crate::auth::{self, Role};
use crate::domain::PeriodKey;
use crate::import::ImportError;
use crate::store::{self, PeriodStatus, Refusal, StoreError};
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
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![
                header::DispositionParam::Filename("template.xlsx".into()),
                header::DispositionParam::FilenameExt(header::ExtendedValue {
                    charset: header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: name.into_bytes(),
                }),
            ],
        })
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

pub(super) async fn upload(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    if form.file.is_empty() && form.file_name.is_empty() {
        return Err(AppError::BadRequest("请选择要上传的文件。".into()));
    }
    let period = match form.period.as_str() {
        "" => None,
        p => Some(
            PeriodKey::parse(p).ok_or_else(|| AppError::BadRequest(format!("期间「{p}」无效")))?,
        ),
    };
    let reason = form.reason.clone();
    let correction = !reason.is_empty();
    if correction && crate::text::visible_text(&reason, true).is_none() {
        return Err(AppError::BadRequest(
            "更正原因不能只有空格或不可见字符（如零宽字符、文字方向控制符）。请返回上一页重新填写。"
                .into(),
        ));
    }
    if correction && staff.role() < Role::Admin {
        return Err(AppError::Forbidden(
            "只有管理员可以更正已揭榜的期间。".into(),
        ));
    }
    let file_name = clean_file_name(&form.file_name);
    let token = auth::new_token();
    let account_id = staff.session.account.id;
    let provider = staff.provider();
    let now = state.admin.clock.now();
    let max_pending = state.admin.max_pending_uploads;
    let (preview, errors, replaced) = blocking(&state, move |conn| {
        let result = crate::ops::preview(
            conn,
            &form.file,
            &file_name,
            period,
            correction,
            &staff.session.account.name,
            provider.as_deref(),
        );
        let sha = crate::import::sha256_hex(&form.file);
        let (preview, errors, detail, periods) = match result {
            Ok(p) => {
                let detail = format!(
                    "上传「{file_name}」（sha256 {sha}，{}，{}行，{}个分值）：新增{}项，变更{}项，删除{}项，待确认",
                    p.plan.encoding.as_str(),
                    p.plan.rows,
                    p.plan.values,
                    p.summary.added,
                    p.summary.changed,
                    p.summary.removed,
                );
                let periods = p.plan.periods.clone();
                (Some(p), Vec::new(), detail, periods)
            }
            Err(StoreError::Import(errs)) => {
                let detail = format!(
                    "上传「{file_name}」（sha256 {sha}）：有{}处错误，未导入",
                    errs.count()
                );
                (None, errs.0, detail, Vec::new())
            }
            Err(StoreError::Refused(r)) => {
                let detail = format!("上传「{file_name}」（sha256 {sha}）：{r}");
                (None, vec![ImportError::Refused { reason: r.to_string() }], detail, Vec::new())
            }
            Err(e) => return Err(e.into()),
        };
        let keep = preview.as_ref().filter(|p| !p.unchanged).map(|p| store::NewUpload {
            token: &token,
            kind: "scores",
            account_id,
            file_name: &file_name,
            sha256: &sha,
            bytes: &form.file,
            period: form.period.as_str().get(..).filter(|p| !p.is_empty()),
            correction: Some(reason.as_str()).filter(|r| !r.is_empty()),
            data_version: p.data_version,
            now,
            max_pending,
        });
        let replaced =
            match crate::ops::record_upload(conn, keep.as_ref(), staff.actor(), &periods, &detail)
            {
                Ok(r) => !r.is_empty(),
                Err(StoreError::Refused(r)) => {
                    return Err(AppError::BadRequest(format!("未能保存上传：{r}")));
                }
                Err(e) => return Err(e.into()),
            };
        let staff_me = Me::of(&staff);
        Ok((
            preview.map(|p| (p, token.clone(), staff_me.clone(), file_name.clone())),
            (errors, staff_me, file_name),
            replaced,
        ))
    })
    .await?;
    match preview {
        Some((p, token, _, _)) if !p.unchanged => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                if replaced {
                    format!("/admin/uploads/{token}?replaced=1")
                } else {
                    format!("/admin/uploads/{token}")
                },
            ))
            .finish()),
        Some((p, _, me, file_name)) => render_preview(me, &file_name, Some(&p), &[], None, None),
        None => {
            let (errors, me, file_name) = errors;
            render_preview(me, &file_name, None, &errors, None, None)
        }
    }
}

/// The upload named by a token, if this user may see it (its uploader, or 考评办 and above).
async fn my_upload(
    state: &web::Data<AppState>,
    staff: &Staff,
    token: String,
) -> Result<store::Upload, AppError> {
    let up = blocking(state, move |conn| Ok(store::upload_by_token(conn, &token)?)).await?;
    // An unconfirmed upload is kept a day: after that it cannot be confirmed either.
    let now = state.admin.clock.now();
    let up = up.filter(|u| u.batch_id.is_some() || now - u.created_at <= store::UPLOAD_TTL_SECS);
    match up {
        Some(u)
            if u.kind == "scores"
                && (u.account_id == staff.session.account.id || staff.role() >= Role::Staff) =>
        {
            Ok(u)
        }
        _ => Err(AppError::NotFound(
            "找不到这次上传（可能已超过24小时被清理）。请重新上传。".into(),
        )),
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
    let upload = my_upload(&state, &staff, path.into_inner()).await?;
    let me = Me::of(&staff);
    let name = staff.session.account.name.clone();
    let provider = staff.provider();
    let u = upload.clone();
    let result = blocking(&state, move |conn| {
        let period = u.period.as_deref().and_then(PeriodKey::parse);
        match crate::ops::preview(
            conn,
            &u.bytes,
            &u.file_name,
            period,
            u.correction.is_some(),
            &name,
            provider.as_deref(),
        ) {
            Ok(p) => Ok(Ok(p)),
            Err(StoreError::Import(e)) => Ok(Err(e.0)),
            Err(StoreError::Refused(r)) => Ok(Err(vec![ImportError::Refused {
                reason: r.to_string(),
            }])),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match result {
        Ok(p) => render_preview(me, &upload.file_name, Some(&p), &[], Some(&upload), notice),
        Err(errors) => render_preview(me, &upload.file_name, None, &errors, Some(&upload), notice),
    }
}

pub(super) async fn confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let upload = my_upload(&state, &staff, path.into_inner()).await?;
    let admin = staff.role() >= Role::Admin;
    let provider = staff.provider();
    let result = blocking(&state, move |conn| {
        let allow_published = admin && upload.correction.is_some();
        match crate::ops::confirm(
            conn,
            &upload,
            staff.actor(),
            allow_published,
            provider.as_deref(),
        ) {
            Ok((_, crate::store::ApplyOutcome::Applied { batch_id, .. })) => Ok(Ok(Some(batch_id))),
            Ok(_) => Ok(Ok(None)),
            Err(StoreError::Refused(r)) => Ok(Err(r)),
            Err(StoreError::Import(e)) => Ok(Err(Refusal::ImportRefused {
                errors: e.to_string(),
            })),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match result {
        Ok(batch) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                match batch {
                    Some(b) => format!("/admin?msg=confirmed&batch={b}"),
                    None => "/admin?msg=confirmed".into(),
                },
            ))
            .finish()),
        Err(r @ Refusal::StalePreview) => Err(AppError::Conflict(r.to_string())),
        Err(r) => Err(AppError::BadRequest(format!("未能导入：{r}"))),
    }
}
