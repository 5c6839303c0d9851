//! Raw figures that look like typos (a 万元/元 mix-up makes a value ten thousand times too
//! large): warned about on the preview, row by row, never refused. A value is compared with
//! the unit's own last reported value and with the rest of its group in the file.

use crate::competition::Catalog;
use crate::domain::{PeriodKey, Points};
use crate::store::{self, Structure};
use rusqlite::Connection;
use std::collections::HashMap;

/// A raw figure the file gives.
pub(super) struct RawCell {
    pub period: PeriodKey,
    /// Indices into the catalog.
    pub unit: usize,
    pub indicator: usize,
    pub value: Points,
    pub row: u32,
}

/// At most this many lines; the rest are counted.
const MAX_WARNINGS: usize = 50;

fn times(a: Points, b: Points) -> Option<i64> {
    (a.0 != 0 && b.0 != 0).then(|| {
        let (x, y) = (a.0.unsigned_abs(), b.0.unsigned_abs());
        (x.max(y) / x.min(y).max(1)) as i64
    })
}

/// The warnings for a file's raw figures: ten times (or a tenth of) the unit's last value, ten
/// times the group's median in the file, or — for a percentage — beyond ±100 %, 50 points
/// from the last value, or tenfold it by 10 points or more.
pub(super) fn warnings(
    conn: &Connection,
    s: &Structure,
    catalog: &Catalog,
    cells: &[RawCell],
) -> store::Result<Vec<String>> {
    let mut previous = conn.prepare_cached(
        "SELECT s.points, p.year, p.quarter FROM score s JOIN period p ON p.id = s.period_id
         WHERE s.unit_id = ?1 AND s.indicator_id = ?2 AND (p.year * 10 + p.quarter) < ?3
         ORDER BY p.year DESC, p.quarter DESC LIMIT 1",
    )?;
    // The group's values in the file, per (period, indicator, group).
    let mut groups: HashMap<(PeriodKey, usize, usize), Vec<i64>> = HashMap::new();
    for c in cells {
        groups
            .entry((c.period, c.indicator, catalog.units[c.unit].group))
            .or_default()
            .push(c.value.0.abs());
    }
    let medians: HashMap<_, i64> = groups
        .into_iter()
        .filter(|(_, v)| v.len() >= 3)
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k, v[v.len() / 2])
        })
        .collect();
    let mut has_target = conn.prepare_cached(
        "SELECT 1 FROM target WHERE year = ?1 AND quarter IN (0, ?2) AND unit_id = ?3 AND indicator_id = ?4",
    )?;
    let mut out = Vec::new();
    let mut more = 0;
    for c in cells {
        let ind = &catalog.indicators[c.indicator];
        let unit = &catalog.units[c.unit];
        let measure = s
            .indicators
            .iter()
            .find(|i| i.id == ind.id)
            .and_then(|i| i.scoring.as_ref())
            .and_then(|sc| sc.measure.clone())
            .unwrap_or_default();
        let percent = measure == "%";
        let at = format!(
            "第{}行「{}」「{}」{}{measure}",
            c.row, unit.name, ind.name, c.value
        );
        let last: Option<(i64, i32, u8)> =
            rusqlite::OptionalExtension::optional(previous.query_row(
                (
                    unit.id,
                    ind.id,
                    c.period.year * 10 + i32::from(c.period.quarter),
                ),
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ))?;
        let mut said = None;
        if let Some((v0, year, quarter)) = last {
            let v0 = Points(v0);
            let when = PeriodKey { year, quarter }.label();
            let apart = (c.value - v0).abs();
            let tenfold = times(c.value, v0).is_some_and(|n| n >= 10);
            if percent {
                // A rate that moved 50 points, or tenfold by 10 points or more (a lost decimal
                // point: 2.5 → 25).
                if apart >= Points::from_int(50) || (tenfold && apart >= Points::from_int(10)) {
                    said = Some(format!(
                        "{at}，与上次（{when}）的{v0}{measure}相差{apart}个百分点"
                    ));
                }
            } else if let Some(n) = times(c.value, v0).filter(|&n| n >= 10) {
                said = Some(format!(
                    "{at}，是上次（{when}）{v0}{measure}的{}{n}倍",
                    if c.value.abs() > v0.abs() {
                        ""
                    } else {
                        "约1/"
                    }
                ));
            }
        }
        if said.is_none() && percent && c.value.abs() > Points::from_int(100) {
            said = Some(format!("{at}，超出±100%"));
        }
        if said.is_none()
            && !percent
            && let Some(&m) = medians.get(&(c.period, c.indicator, unit.group))
            && let Some(n) = times(c.value.abs(), Points(m)).filter(|&n| n >= 10)
            && c.value.abs() > Points(m)
        {
            said = Some(format!("{at}，是本组中位数{}{measure}的{n}倍", Points(m)));
        }
        let mut lines: Vec<String> = said
            .map(|w| format!("{w}：请核对数值和计量单位（如万元与元）"))
            .into_iter()
            .collect();
        // A method against a target, and no target for this unit yet: it would score 0.
        let needs_target = s
            .indicators
            .iter()
            .find(|i| i.id == ind.id)
            .and_then(|i| i.scoring.as_ref())
            .is_some_and(|sc| sc.needs_target());
        if needs_target && !has_target.exists((c.period.year, c.period.quarter, unit.id, ind.id))? {
            lines.push(format!(
                "{at}，但尚无{}年的目标值：将按0分计并标注数据缺失，请先导入目标值",
                c.period.year
            ));
        }
        for w in lines {
            if out.len() < MAX_WARNINGS {
                out.push(w);
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        out.push(format!("……另有{more}处类似情况未列出"));
    }
    Ok(out)
}
