//! Uploading the 实干先锋 honors list: the same bounded multipart upload, a preview of the
//! people listed (or every error with its row and column), and confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload};
use super::pages::{Me, blocking, page};
use super::upload::clean_file_name;
use crate::auth;
use crate::domain::PeriodKey;
use crate::import::honors::{HonorEntry, plan_honors};
use crate::store::{self, Refusal, StoreError};
use crate::web::{AppError, AppState};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/honors.html")]
struct HonorsPage {
    title: String,
    me: Me,
    file_name: String,
    token: Option<String>,
    entries: Vec<(String, String, String, String, String)>,
    errors: Vec<String>,
    stale: bool,
    form: bool,
}

fn view(
    me: Me,
    file_name: &str,
    token: Option<String>,
    entries: &[HonorEntry],
    errors: Vec<String>,
    stale: bool,
) -> Result<HttpResponse, AppError> {
    page(&HonorsPage {
        title: "实干先锋名单".into(),
        me,
        file_name: file_name.to_string(),
        token,
        entries: entries
            .iter()
            .map(|e| {
                (
                    e.period.label(),
                    e.name.clone(),
                    e.unit_text.clone(),
                    e.title.clone(),
                    e.citation.clone(),
                )
            })
            .collect(),
        errors,
        stale,
        form: false,
    })
}

pub(super) async fn honors_page(staff: Staff) -> Result<HttpResponse, AppError> {
    page(&HonorsPage {
        title: "上传实干先锋名单".into(),
        me: Me::of(&staff),
        file_name: String::new(),
        token: None,
        entries: Vec::new(),
        errors: Vec::new(),
        stale: false,
        form: true,
    })
}

pub(super) async fn upload_honors(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    let period = match form.period.as_str() {
        "" => None,
        p => Some(
            PeriodKey::parse(p).ok_or_else(|| AppError::BadRequest(format!("期间「{p}」无效")))?,
        ),
    };
    let reason = form.reason.clone();
    if !reason.is_empty() {
        if staff.role() < crate::auth::Role::Admin {
            return Err(AppError::Forbidden(
                "只有管理员可以更正已揭榜期间的实干先锋名单。".into(),
            ));
        }
        if crate::text::visible_text(&reason, true).is_none() {
            return Err(AppError::BadRequest(
                "更正原因不能只有空格或不可见字符。请返回上一页重新填写。".into(),
            ));
        }
    }
    let file_name = clean_file_name(&form.file_name);
    let shown = file_name.clone();
    let token = auth::new_token();
    let now = state.admin.clock.now();
    let max_pending = state.admin.max_pending_uploads;
    let me = Me::of(&staff);
    let (entries, errors, keep) = blocking(&state, move |conn| {
        let s = store::load_structure(conn)?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let version = store::data_version(conn)?.0;
        let sha = crate::import::sha256_hex(&form.file);
        let (entries, errors, periods) = match plan_honors(&form.file, &s.catalog(), period) {
            Ok(p) => {
                let periods = p.periods();
                (p.entries, Vec::new(), periods)
            }
            Err(e) => (
                Vec::new(),
                e.0.iter().map(ToString::to_string).collect(),
                Vec::new(),
            ),
        };
        let ok = errors.is_empty();
        let detail = if ok {
            format!(
                "上传实干先锋名单「{file_name}」（sha256 {sha}），{}人，待确认",
                entries.len()
            )
        } else {
            format!(
                "上传实干先锋名单「{file_name}」（sha256 {sha}）：有{}处错误，未导入",
                errors.len()
            )
        };
        let new = store::NewUpload {
            token: &token,
            kind: "honors",
            account_id: staff.session.account.id,
            file_name: &file_name,
            sha256: &sha,
            bytes: &form.file,
            period: Some(form.period.as_str()).filter(|p| !p.is_empty()),
            correction: Some(reason.as_str()).filter(|r| !r.is_empty()),
            data_version: version,
            now,
            max_pending,
        };
        match crate::ops::record_upload(conn, ok.then_some(&new), staff.actor(), &periods, &detail)
        {
            Ok(_) => {}
            Err(StoreError::Refused(r)) => {
                return Err(AppError::BadRequest(format!("未能保存上传：{r}")));
            }
            Err(e) => return Err(e.into()),
        }
        Ok((
            entries,
            errors,
            ok.then(|| (token.clone(), file_name.clone())),
        ))
    })
    .await?;
    match keep {
        Some((token, _)) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/admin/honors/{token}")))
            .finish()),
        None => view(me, &shown, None, &entries, errors, false),
    }
}

async fn honors_upload(
    state: &web::Data<AppState>,
    token: String,
) -> Result<store::Upload, AppError> {
    let now = state.admin.clock.now();
    blocking(state, move |conn| Ok(store::upload_by_token(conn, &token)?))
        .await?
        .filter(|u| u.kind == "honors")
        .filter(|u| u.batch_id.is_some() || now - u.created_at <= store::UPLOAD_TTL_SECS)
        .ok_or_else(|| AppError::NotFound("找不到这次上传。请重新上传。".into()))
}

pub(super) async fn honors_preview(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let u = honors_upload(&state, path.into_inner()).await?;
    let u2 = u.clone();
    let (entries, errors, version) = blocking(&state, move |conn| {
        let s = store::load_structure(conn)?
            .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))?;
        let period = u2.period.as_deref().and_then(PeriodKey::parse);
        let version = store::data_version(conn)?.0;
        Ok(match plan_honors(&u2.bytes, &s.catalog(), period) {
            Ok(p) => (p.entries, Vec::new(), version),
            Err(e) => (
                Vec::new(),
                e.0.iter().map(ToString::to_string).collect(),
                version,
            ),
        })
    })
    .await?;
    let token = u.batch_id.is_none().then(|| u.token.clone());
    view(
        Me::of(&staff),
        &u.file_name,
        token,
        &entries,
        errors,
        version != u.data_version,
    )
}

pub(super) async fn honors_confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let u = honors_upload(&state, path.into_inner()).await?;
    let r = blocking(&state, move |conn| {
        let admin = staff.role() >= crate::auth::Role::Admin;
        match crate::ops::confirm_honors(conn, &u, staff.actor(), admin) {
            Ok(n) => Ok(Ok(n)),
            Err(StoreError::Refused(r)) => Ok(Err(r)),
            Err(StoreError::Import(e)) => Ok(Err(Refusal::ImportRefused {
                errors: e.to_string(),
            })),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match r {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin?msg=honors"))
            .finish()),
        Err(r @ Refusal::StalePreview) => Err(AppError::Conflict(r.to_string())),
        Err(r) => Err(AppError::BadRequest(format!("未能导入：{r}"))),
    }
}
