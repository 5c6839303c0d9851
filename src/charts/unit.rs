//! A unit's charts: its total and rank across periods, and its indicators against the group.

use super::{GOLD, GRID, INK, MUTED, RED, Size, draw, fit, period_axis, style, text_width};
use crate::domain::{PeriodKey, Points, Total};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One point of a unit's trend.
pub struct TrendPoint {
    pub period: PeriodKey,
    pub total: Total,
    pub rank: Option<u32>,
    pub group_size: usize,
}

/// A unit's total across periods, each point labelled with its total above and its rank
/// below. Only as many of the latest points are drawn as their labels leave room for (the
/// table under the chart has them all); a phone's label is 「第3名」, a desktop's 「第3名/12」.
pub fn unit_trend(title: &str, desc: &str, points: &[TrendPoint], size: Size) -> String {
    let f = size.text();
    let w = size.width();
    let rank_label = |p: &TrendPoint| match (p.rank, size) {
        (None, _) => "未排名".to_string(),
        (Some(r), Size::Narrow) => format!("第{r}名"),
        (Some(r), Size::Wide) => format!("第{r}名/{}", p.group_size),
    };
    let label_w = points
        .iter()
        .flat_map(|p| {
            [
                text_width(&rank_label(p), f),
                text_width(&p.total.to_string(), f),
            ]
        })
        .fold(text_width("2023年", f), f64::max);
    let (x0, x1) = match size {
        Size::Wide => (70.0, f64::from(w) - 20.0),
        Size::Narrow => (44.0, f64::from(w) - 8.0),
    };
    // The points stand inset by half a label, so that the first and last labels stay on the
    // canvas and clear of the axis.
    let (xa, xb) = (x0 + label_w / 2.0 + 6.0, x1 - label_w / 2.0);
    let fits = (((xb - xa) / (label_w + 8.0)).floor() as usize + 1).max(1);
    let points = &points[points.len().saturating_sub(fits)..];
    let (y0, y1) = (70.0, if size == Size::Wide { 240.0 } else { 236.0 });
    let h = (y1 + 12.0 + f * 3.0 + 4.0 + 18.0) as u32;
    let max = points
        .iter()
        .map(|p| p.total.as_f64())
        .fold(f64::MIN, f64::max);
    let min = points
        .iter()
        .map(|p| p.total.as_f64())
        .fold(f64::MAX, f64::min);
    let (lo, hi) = if points.is_empty() {
        (0.0, 100.0)
    } else {
        ((min - 5.0).floor(), (max + 5.0).ceil())
    };
    let step = if points.len() > 1 {
        (xb - xa) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let px = |i: usize| {
        if points.len() > 1 {
            (xa + step * i as f64) as i32
        } else {
            ((xa + xb) / 2.0) as i32
        }
    };
    let py = |v: f64| (y1 - (v - lo) / (hi - lo).max(1.0) * (y1 - y0)) as i32;
    let keys: Vec<PeriodKey> = points.iter().map(|p| p.period).collect();
    let axis = period_axis(&keys, step.max(label_w + 8.0), f);
    draw(w, h, title, desc, |root| {
        for t in 0..=4 {
            let v = lo + (hi - lo) * f64::from(t) / 4.0;
            root.draw(&PathElement::new(
                vec![(x0 as i32, py(v)), (x1 as i32, py(v))],
                GRID.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                format!("{v:.0}"),
                (x0 as i32 - 6, py(v)),
                style(
                    if size == Size::Wide { f - 1.0 } else { f },
                    &MUTED,
                    HPos::Right,
                    VPos::Center,
                ),
            ))?;
        }
        let pts: Vec<(i32, i32)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (px(i), py(p.total.as_f64())))
            .collect();
        root.draw(&PathElement::new(pts.clone(), RED.stroke_width(3)))?;
        let year_y = (y1 + 12.0 + f + 6.0) as i32;
        for (i, p) in points.iter().enumerate() {
            root.draw(&Circle::new(pts[i], 5, RED.filled()))?;
            root.draw(&Text::new(
                p.total.to_string(),
                (pts[i].0, pts[i].1 - 10),
                style(f, &INK, HPos::Center, VPos::Bottom),
            ))?;
            root.draw(&Text::new(
                rank_label(p),
                (pts[i].0, pts[i].1 + 10),
                style(f, &RED, HPos::Center, VPos::Top),
            ))?;
            let Some((year, short)) = axis[i].clone() else {
                continue;
            };
            if let Some(year) = year {
                root.draw(&Text::new(
                    year,
                    (pts[i].0, year_y),
                    style(f, &MUTED, HPos::Center, VPos::Top),
                ))?;
            }
            root.draw(&Text::new(
                short,
                (pts[i].0, year_y + f as i32 + 4),
                style(f, &MUTED, HPos::Center, VPos::Top),
            ))?;
        }
        Ok(())
    })
}

/// One indicator row: the unit, the group average and the leader, as points out of `max`.
pub struct IndicatorBars {
    pub label: String,
    pub max: Points,
    pub unit: Option<Points>,
    pub average: Option<Points>,
    pub leader: Option<Points>,
}

/// A unit's indicators against the group average and leader, each as a share of its maximum.
pub fn unit_indicators(title: &str, desc: &str, rows: &[IndicatorBars], size: Size) -> String {
    let w = size.width();
    let (f, nf) = (size.text(), size.name());
    let row = if size == Size::Wide { 46 } else { 48 };
    let top = 70;
    let h = (top + row * rows.len().max(1) + 16) as u32;
    let cap = if size == Size::Wide { 240.0 } else { 120.0 };
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, nf))
        .fold(60.0, f64::max)
        .min(cap)
        + 24.0;
    let value = |r: &IndicatorBars| {
        r.unit
            .map_or_else(|| "缺失".to_string(), |u| format!("{u} / {}", r.max))
    };
    let value_w = rows
        .iter()
        .map(|r| text_width(&value(r), f))
        .fold(0.0, f64::max);
    let (x0, x1) = (label_w, f64::from(w) - value_w - 14.0);
    let bar = |v: Points, max: Points| {
        (x0 + (v.as_f64() / max.as_f64().max(0.0001)).clamp(0.0, 1.0) * (x1 - x0)) as i32
    };
    let legend_step = if size == Size::Wide { 110 } else { 100 };
    draw(w, h, title, desc, |root| {
        for (i, (name, color)) in [("本单位", &RED), ("组平均", &MUTED), ("组内最高", &GOLD)]
            .iter()
            .enumerate()
        {
            let lx = 16 + i as i32 * legend_step;
            root.draw(&Rectangle::new([(lx, 42), (lx + 14, 54)], color.filled()))?;
            root.draw(&Text::new(
                name.to_string(),
                (lx + 20, 48),
                style(f, &INK, HPos::Left, VPos::Center),
            ))?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = (top + i * row) as i32;
            root.draw(&Text::new(
                fit(&r.label, nf, label_w - 20.0),
                (label_w as i32 - 10, y + row as i32 / 2 - 2),
                style(nf, &INK, HPos::Right, VPos::Center),
            ))?;
            for (j, (v, color)) in [(r.unit, &RED), (r.average, &MUTED), (r.leader, &GOLD)]
                .into_iter()
                .enumerate()
            {
                let by = y + 4 + j as i32 * 12;
                root.draw(&Rectangle::new(
                    [(x0 as i32, by), (x1 as i32, by + 9)],
                    GRID.filled(),
                ))?;
                if let Some(v) = v {
                    root.draw(&Rectangle::new(
                        [(x0 as i32, by), (bar(v, r.max).max(x0 as i32 + 1), by + 9)],
                        color.filled(),
                    ))?;
                }
            }
            root.draw(&Text::new(
                value(r),
                (x1 as i32 + 8, y + 10),
                style(f, &INK, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    })
}
