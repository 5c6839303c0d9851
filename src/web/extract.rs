//! Resolving what a URL names — the structure, a published period, a group, a view, a board,
//! a unit — with one set of "not found" answers shared by every page, file and API route.

use super::AppError;
use super::cache::Ctx;
use crate::boards::{GroupBoard, View};
use crate::domain::PeriodKey;
use crate::domain::{GroupId, UnitId};
use crate::ranking::analysis::IndicatorMeta;
use crate::store::{self, GroupRow, PeriodRow, PeriodStatus, Structure};
use std::sync::Arc;

/// The structure, or a page saying nothing is configured yet.
pub fn structure(ctx: &Ctx<'_>) -> Result<std::sync::Arc<Option<Structure>>, AppError> {
    Ok(ctx.structure()?)
}

/// The scheme of the year a URL's period names (the latest when it names none).
pub fn structure_at(
    ctx: &Ctx<'_>,
    period_raw: Option<&str>,
) -> Result<std::sync::Arc<Option<Structure>>, AppError> {
    match period_raw.and_then(PeriodKey::parse) {
        Some(k) => Ok(ctx.structure_for(k.year)?),
        None => Ok(ctx.structure()?),
    }
}

pub fn need(s: &Option<Structure>) -> Result<&Structure, AppError> {
    s.as_ref()
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))
}

/// A published period named in a URL; drafts are not public before 揭榜.
pub fn published<'s>(s: &'s Structure, raw: &str) -> Result<&'s PeriodRow, AppError> {
    let key = PeriodKey::parse(raw)
        .ok_or_else(|| AppError::NotFound(format!("无法识别的期间「{raw}」")))?;
    match s.period(key) {
        Some(p) if p.status == PeriodStatus::Published => Ok(p),
        // A draft answers exactly as an unknown period: a public request must not learn that
        // results are being prepared.
        _ => Err(AppError::NotFound(format!("期间{key}没有已揭榜的结果"))),
    }
}

pub fn group<'s>(s: &'s Structure, raw: &str) -> Result<&'s GroupRow, AppError> {
    s.group_by_name(raw)
        .ok_or_else(|| AppError::NotFound(format!("组别「{raw}」不存在")))
}

pub fn view_of(raw: Option<&str>) -> Result<View, AppError> {
    match raw {
        None | Some("") => Ok(View::Quarter),
        Some(v) => v.parse().map_err(|_| {
            AppError::BadRequest(format!("未知的视图「{v}」，应为 quarter 或 cumulative"))
        }),
    }
}

/// What every board route answers when the board does not exist: the period and group exist,
/// but the year-to-date board needs every quarter of the year so far published.
pub const NO_BOARD: &str = "榜单不存在：累计榜需要本年第一季度起各季度均已揭榜";

/// The board of a period and group known to exist, or the 404 every board route gives.
pub fn board_of(
    ctx: &Ctx<'_>,
    s: &Structure,
    key: PeriodKey,
    group_id: GroupId,
    view: View,
) -> Result<Arc<GroupBoard>, AppError> {
    ctx.board(s, key, group_id, view)?
        .ok_or_else(|| AppError::NotFound(NO_BOARD.into()))
}

/// A published period's board of one group, named by the URL's period, group and view: the
/// period, the group, the view and the board.
pub type Resolved<'s> = (&'s PeriodRow, &'s GroupRow, View, Arc<GroupBoard>);

pub fn board<'s>(
    ctx: &Ctx<'_>,
    s: &'s Structure,
    period_raw: &str,
    group_raw: &str,
    view_raw: Option<&str>,
) -> Result<Resolved<'s>, AppError> {
    let period = published(s, period_raw)?;
    let group = group(s, group_raw)?;
    let view = view_of(view_raw)?;
    let board = board_of(ctx, s, period.key, group.id, view)?;
    Ok((period, group, view, board))
}

/// The unit, its group and the period to show (the requested one or the latest published).
pub fn unit_context<'s>(
    s: &'s Structure,
    id_raw: &str,
    period_raw: Option<&str>,
) -> Result<(&'s store::UnitRow, &'s GroupRow, Option<&'s PeriodRow>), AppError> {
    let id: UnitId = id_raw
        .parse()
        .map_err(|_| AppError::NotFound(format!("单位「{id_raw}」不存在")))?;
    let u = s
        .unit(id)
        .ok_or_else(|| AppError::NotFound(format!("单位{id}不存在")))?;
    let g = s
        .group(u.group_id)
        .ok_or_else(|| AppError::NotFound("组别不存在".into()))?;
    let period = match period_raw {
        Some(raw) => Some(published(s, raw)?),
        None => s.latest_published(),
    };
    Ok((u, g, period))
}

/// The scheme a group named by its id belongs to (the latest for a name or an unknown id).
pub fn group_structure(ctx: &Ctx<'_>, raw: &str) -> Result<Arc<Option<Structure>>, AppError> {
    let latest = ctx.structure()?;
    let Some(s) = latest.as_ref() else {
        return Ok(latest);
    };
    if s.group_by_name(raw).is_some() {
        return Ok(latest);
    }
    for sc in s.schemes.iter().rev() {
        let st = ctx.structure_for(sc.year)?;
        if Option::as_ref(&st).is_some_and(|x| x.group_by_name(raw).is_some()) {
            return Ok(st);
        }
    }
    Ok(latest)
}

/// The scheme to show a unit in: the year of the period named, or else the latest year the
/// unit ranks in (a unit merged away is shown as it last was).
pub fn unit_structure(
    ctx: &Ctx<'_>,
    id_raw: &str,
    period_raw: Option<&str>,
) -> Result<Arc<Option<Structure>>, AppError> {
    let latest = ctx.structure()?;
    let (Some(s), Ok(id), None) = (latest.as_ref(), id_raw.parse::<UnitId>(), period_raw) else {
        return structure_at(ctx, period_raw);
    };
    if s.unit(id).is_some() {
        return Ok(latest);
    }
    for sc in s.schemes.iter().rev() {
        let st = ctx.structure_for(sc.year)?;
        if Option::as_ref(&st).is_some_and(|x| x.unit(id).is_some()) {
            return Ok(st);
        }
    }
    Ok(latest)
}

/// A unit's quarterly boards under every year's scheme it ranked in, oldest first: one list
/// per scheme (its group may differ from year to year).
pub fn unit_history(ctx: &Ctx<'_>, id: UnitId) -> Result<Vec<Arc<Vec<GroupBoard>>>, AppError> {
    let latest = ctx.structure()?;
    let Some(s) = latest.as_ref() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(s.schemes.len());
    for sc in &s.schemes {
        let st = ctx.structure_for(sc.year)?;
        if let Some(x) = st.as_ref()
            && let Some(u) = x.unit(id)
        {
            out.push(ctx.history(x, u.group_id)?);
        }
    }
    Ok(out)
}

pub fn metas(b: &GroupBoard) -> Vec<IndicatorMeta> {
    b.indicators
        .iter()
        .map(|i| IndicatorMeta {
            name: i.name.clone(),
            max: i.max,
            direction: i.direction,
        })
        .collect()
}
