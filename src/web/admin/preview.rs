//! The import preview as a page: the file's columns as read, the 总分 check, the counts and
//! each changed group's board before and after (shared with the rollback preview), or every
//! error with its row and column.

use super::pages::{Me, page};
use crate::import::ImportError;
use crate::ops::{GroupPreview, Preview};
use crate::present::ChangeText;
use crate::store;
use crate::web::AppError;
use actix_web::HttpResponse;
use askama::Template;

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
    /// The words before the columns of the two boards: 原/新 (an upload), 现/撤销后 (a
    /// rollback).
    pub before: &'static str,
    pub after: &'static str,
    pub published: bool,
    pub rows: Vec<RowView>,
    pub changed: usize,
}

pub(super) fn group_view(
    g: &GroupPreview,
    (before, after): (&'static str, &'static str),
) -> GroupView {
    // A group that had no score before: its "before" columns say nothing rather than list
    // every unit as 不参与排名 0.00.
    let empty_before = g.rows.iter().all(|r| {
        r.before
            .as_ref()
            .is_none_or(|b| b.points.iter().all(Option::is_none))
    });
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
                    .filter(|_| !empty_before)
                    .map_or("—".into(), crate::present::rank_label),
                after_rank: crate::present::rank_label(a),
                before_total: r
                    .before
                    .as_ref()
                    .filter(|_| !empty_before)
                    .map_or("—".into(), |b| b.total.to_string()),
                after_total: a.total.to_string(),
                before_tier: r
                    .before
                    .as_ref()
                    .map_or(String::new(), crate::present::standing),
                after_tier: crate::present::standing(a),
                movement: a.change.label(),
                changed: r.changed(),
            }
        })
        .collect();
    GroupView {
        before,
        after,
        title: format!(
            "{} · {}{}",
            g.period.label(),
            g.group,
            if empty_before {
                "（本组此前尚无数据）"
            } else {
                ""
            }
        ),
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
    /// 「新增88个分值和6条备注，变更0个分值，清空0个分值，不变0项」: counted as `info` counts the file.
    counts: Option<String>,
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
    /// The file writes to a published period without a correction's reason: said plainly,
    /// with the way to a correction (管理员) instead of "fix the file in Excel".
    published: Option<String>,
    /// How each column was read: (letter, header, meaning, ignored).
    columns: Vec<(String, String, String, bool)>,
    total_warnings: Vec<String>,
    /// Raw figures that look like typos.
    value_warnings: Vec<String>,
    /// Computed indicators whose points change: (group, unit, indicator, raw, target,
    /// before, after).
    computed: Vec<[String; 7]>,
    /// Some of them move with other units' values (relative methods).
    relative: bool,
    /// The file's name names another period than the one it goes to.
    period_warning: Option<String>,
    /// (key, label) of the open draft the file names, offered instead.
    period_fix: Option<(String, String)>,
}

pub(super) fn render_preview(
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
                "{}，{}，{}行数据，{}，期间 {}",
                p.plan.encoding.as_str(),
                p.plan.layout.label(),
                p.plan.rows,
                crate::present::file_items(&p.plan),
                p.plan
                    .periods
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }),
        counts: p.map(|p| {
            format!(
                "{}，不变{}项",
                crate::present::change_counts(&p.summary),
                p.summary.unchanged + p.summary.remarks.unchanged
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
            .map(|p| {
                p.groups
                    .iter()
                    .map(|g| group_view(g, ("原", "新")))
                    .collect()
            })
            .unwrap_or_default(),
        errors: errors.iter().map(ToString::to_string).collect(),
        error_count: crate::import::error::count(errors),
        published: errors.iter().find_map(|e| match e {
            ImportError::PublishedPeriod { period } => Some(period.clone()),
            _ => None,
        }),
        stale,
        notice,
        columns: p
            .map(|p| {
                p.plan
                    .columns
                    .iter()
                    .map(|c| {
                        (
                            c.column.clone(),
                            c.header.clone(),
                            c.meaning.clone(),
                            c.ignored,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        total_warnings: p.map(|p| p.total_warnings.clone()).unwrap_or_default(),
        value_warnings: p.map(|p| p.value_warnings.clone()).unwrap_or_default(),
        computed: p.map(computed_lines).unwrap_or_default(),
        relative: p.is_some_and(|p| {
            p.groups
                .iter()
                .any(|g| g.computed.iter().any(|c| c.relative))
        }),
        period_warning: p.and_then(|p| period_warning(file_name, &p.plan)),
        // The quarter the file names, when it is an open draft: one click sends it there.
        period_fix: p
            .filter(|_| upload.is_some_and(|u| u.batch_id.is_none()))
            .and_then(|p| {
                [
                    crate::domain::PeriodKey::find_in(file_name),
                    p.plan.title_period,
                ]
                .into_iter()
                .flatten()
                .find(|k| !p.plan.periods.contains(k) && p.open_drafts.contains(k))
            })
            .map(|k| (k.to_string(), k.label())),
    })
}

/// The file's name or its title row names another quarter than the one it goes to: said
/// before the confirm, with what to do.
fn period_warning(file_name: &str, plan: &crate::import::ImportPlan) -> Option<String> {
    let goes_to = || {
        plan.periods
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("、")
    };
    let (what, named) = [
        ("文件名", crate::domain::PeriodKey::find_in(file_name)),
        ("表格标题", plan.title_period),
    ]
    .into_iter()
    .find_map(|(what, k)| k.filter(|k| !plan.periods.contains(k)).map(|k| (what, k)))?;
    Some(format!(
        "{what}中写的是{}，但本文件将导入到{}：请核对期间是否选对。",
        named.label(),
        goes_to()
    ))
}

/// The computed cells of every group whose points change, as the preview lists them.
fn computed_lines(p: &Preview) -> Vec<[String; 7]> {
    let shown = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    p.groups
        .iter()
        .flat_map(|g| {
            g.computed.iter().map(move |c| {
                let m = c.measure.as_deref().unwrap_or("");
                [
                    format!("{} · {}", g.period.label(), g.group),
                    c.unit.clone(),
                    c.indicator.clone(),
                    // As written (2800, -3.2), like the target.
                    shown(
                        c.raw
                            .map(|v| format!("{}{m}", crate::scoring::Ratio::from_points(v))),
                    ),
                    shown(c.target.map(|t| format!("{t}{m}"))),
                    shown(c.before.map(|v| v.to_string())),
                    shown(c.after.map(|v| v.to_string())),
                ]
            })
        })
        .collect()
}
