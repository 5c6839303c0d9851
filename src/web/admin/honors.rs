//! Uploading the 实干先锋 honors list: the same bounded multipart upload, a preview of the
//! people listed (or every error with its row and column), and confirm.

use super::Staff;
use super::guard::{NoFields, StaffForm, StaffUpload};
use super::pages::{Me, back, page};
use super::upload::{check_upload, confirm_upload, error_lines, find_upload, receive};
use crate::import::ImportError;
use crate::ops::{self, UploadKind};
use crate::web::{AppError, AppState};
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
    /// Published periods whose list this corrects.
    corrects: String,
    errors: Vec<String>,
    /// Errors in all, the ones left off the list included.
    error_count: usize,
    stale: bool,
    form: bool,
}

fn view(
    me: Me,
    file_name: &str,
    token: Option<String>,
    h: &ops::HonorsPreview,
    errors: &[ImportError],
    stale: bool,
) -> Result<HttpResponse, AppError> {
    page(&HonorsPage {
        title: "实干先锋名单".into(),
        me,
        file_name: file_name.to_string(),
        token,
        corrects: h
            .corrects
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("、"),
        entries: h
            .entries
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
        errors: errors.iter().map(ToString::to_string).collect(),
        error_count: crate::import::error::count(errors),
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
        corrects: String::new(),
        errors: Vec::new(),
        error_count: 0,
        stale: false,
        form: true,
    })
}

pub(super) async fn upload_honors(
    state: web::Data<AppState>,
    StaffUpload { staff, form }: StaffUpload,
) -> Result<HttpResponse, AppError> {
    let me = Me::of(&staff);
    let sent = receive(&state, staff, form, UploadKind::Honors).await?;
    if sent.received.kept {
        return Ok(back(&format!("/admin/honors/{}", sent.token)));
    }
    match sent.received.check {
        Ok(ops::Checked::Honors(h)) => view(me, &sent.file_name, None, &h, &[], false),
        Ok(_) => Err(AppError::Internal("上传类型不符".into())),
        Err(e) => view(
            me,
            &sent.file_name,
            None,
            &ops::HonorsPreview::default(),
            &error_lines(e),
            false,
        ),
    }
}

pub(super) async fn honors_preview(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let u = find_upload(&state, &staff, UploadKind::Honors, path.into_inner()).await?;
    let token = u.batch_id.is_none().then(|| u.token.clone());
    let me = Me::of(&staff);
    match check_upload(&state, &staff, u.clone()).await? {
        Ok(ops::Checked::Honors(h)) => {
            let stale = h.data_version != u.data_version;
            view(me, &u.file_name, token, &h, &[], stale)
        }
        Ok(_) => Err(AppError::Internal("上传类型不符".into())),
        Err(e) => view(
            me,
            &u.file_name,
            token,
            &ops::HonorsPreview::default(),
            &error_lines(e),
            false,
        ),
    }
}

pub(super) async fn honors_confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    StaffForm { staff, .. }: StaffForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    confirm_upload(&state, staff, UploadKind::Honors, path.into_inner()).await
}
