//! Uploading scores: the form, the multipart upload (bounded; an oversized one is answered
//! 413 in Chinese), the preview (the importer's errors with row and column, or what the file
//! would change and each group's ranking before and after), and confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload};
use super::pages::{Me, blocking, page};
use crate::auth::{self, Role};
use crate::domain::PeriodKey;
use crate::import::ImportError;
use crate::ops::{GroupPreview, Preview};
use crate::present::{ChangeText, TierText};
use crate::store::{self, PeriodStatus, Refusal, StoreError};
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/upload.html")]
struct UploadPage {
    title: String,
    me: Me,
    periods: Vec<(String, String, bool)>,
    limit_mb: usize,
}

pub(super) async fn upload_page(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AppError> {
    let s = blocking(&state, |conn| Ok(store::load_structure(conn)?)).await?;
    let mut periods: Vec<(String, String, bool)> = Vec::new();
    if let Some(s) = &s {
        // The quarter after the latest one, for a new draft; then the existing ones.
        let next = s.periods.iter().map(|p| p.key).max().map_or_else(
            || {
                let y = s.competition.year;
                PeriodKey {
                    year: y,
                    quarter: 1,
                }
            },
            PeriodKey::next,
        );
        periods.push((next.to_string(), format!("{}（新建）", next.label()), false));
        periods.extend(s.periods.iter().rev().map(|p| {
            (
                p.key.to_string(),
                p.key.label(),
                p.status == PeriodStatus::Published,
            )
        }));
    }
    page(&UploadPage {
        title: "上传得分".into(),
        me: Me::of(&staff),
        periods,
        limit_mb: state.admin.upload_limit >> 20,
    })
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

pub struct RowView {
    pub unit: String,
    pub before_rank: String,
    pub after_rank: String,
    pub before_total: String,
    pub after_total: String,
    pub before_tier: String,
    pub after_tier: String,
    pub movement: String,
    pub changed: bool,
}

pub struct GroupView {
    pub title: String,
    pub published: bool,
    pub rows: Vec<RowView>,
    pub changed: usize,
}

fn rank_text(rank: Option<u32>, tied: bool) -> String {
    match rank {
        Some(r) if tied => format!("{r}（并列）"),
        Some(r) => r.to_string(),
        None => "不参与排名".into(),
    }
}

fn group_view(g: &GroupPreview) -> GroupView {
    let rows: Vec<RowView> = g
        .rows
        .iter()
        .map(|r| {
            let a = &r.after;
            RowView {
                unit: a.name.clone(),
                before_rank: r
                    .before
                    .as_ref()
                    .map_or("—".into(), |b| rank_text(b.rank, b.tied)),
                after_rank: rank_text(a.rank, a.tied),
                before_total: r
                    .before
                    .as_ref()
                    .map_or("—".into(), |b| b.total.to_string()),
                after_total: a.total.to_string(),
                before_tier: r
                    .before
                    .as_ref()
                    .map_or(String::new(), |b| b.tier.label().to_string()),
                after_tier: a.tier.label().to_string(),
                movement: a.change.label(),
                changed: r.changed(),
            }
        })
        .collect();
    GroupView {
        title: format!("{} · {}", g.period.label(), g.group),
        published: g.published,
        changed: rows.iter().filter(|r| r.changed).count(),
        rows,
    }
}

#[derive(Template)]
#[template(path = "admin/preview.html")]
struct PreviewPage {
    title: String,
    me: Me,
    file_name: String,
    token: Option<String>,
    info: Option<String>,
    counts: Option<(usize, usize, usize, usize)>,
    details: Vec<String>,
    more_details: usize,
    unchanged: bool,
    corrects: String,
    correction_reason: String,
    groups: Vec<GroupView>,
    errors: Vec<String>,
    /// Errors in all, the ones left off the list included (as the command line counts them).
    error_count: usize,
    stale: bool,
    notice: Option<String>,
}

fn render_preview(
    me: Me,
    file_name: &str,
    p: Option<&Preview>,
    errors: &[ImportError],
    upload: Option<&store::Upload>,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let stale = match (p, upload) {
        (Some(p), Some(u)) => p.data_version != u.data_version,
        _ => false,
    };
    let me_staff = me.staff;
    page(&PreviewPage {
        title: "导入预览".into(),
        me,
        file_name: file_name.to_string(),
        token: upload
            .filter(|u| u.batch_id.is_none())
            .map(|u| u.token.clone()),
        info: p.map(|p| {
            format!(
                "{}，{}，{}行数据，{}个分值，期间 {}",
                p.plan.encoding.as_str(),
                p.plan.layout.label(),
                p.plan.rows,
                p.plan.values,
                p.plan
                    .periods
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }),
        counts: p.map(|p| {
            (
                p.summary.added,
                p.summary.changed,
                p.summary.removed,
                p.summary.unchanged,
            )
        }),
        details: p.map(|p| p.summary.details.clone()).unwrap_or_default(),
        more_details: p.map_or(0, |p| p.summary.details_left_off),
        unchanged: p.is_some_and(|p| p.unchanged),
        corrects: p
            .map(|p| {
                p.corrects
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default(),
        correction_reason: upload
            .and_then(|u| u.correction.clone())
            .unwrap_or_default(),
        // Draft rankings are for 考评办 and above; a 报送单位 sees its own cells only.
        groups: p
            .filter(|_| me_staff)
            .map(|p| p.groups.iter().map(group_view).collect())
            .unwrap_or_default(),
        errors: errors.iter().map(ToString::to_string).collect(),
        error_count: crate::import::error::count(errors),
        stale,
        notice,
    })
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
            Ok(_) => Ok(Ok(())),
            Err(StoreError::Refused(r)) => Ok(Err(r)),
            Err(StoreError::Import(e)) => Ok(Err(Refusal::ImportRefused {
                errors: e.to_string(),
            })),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match result {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin?msg=confirmed"))
            .finish()),
        Err(r @ Refusal::StalePreview) => Err(AppError::Conflict(r.to_string())),
        Err(r) => Err(AppError::BadRequest(format!("未能导入：{r}"))),
    }
}
