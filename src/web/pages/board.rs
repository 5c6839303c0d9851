//! `/boards/{period}/{group}`: the full board, sortable by any column, with its rule line,
//! correction notice and charts.

use super::html;
use super::notices::Circular;
pub use super::notices::CorrectionNotice;
use crate::boards::{GroupBoard, View};
use crate::domain::{GroupId, PeriodKey, UnitId};
use crate::domain::{Points, Total};
use crate::present::{ChangeText, TierText};
use crate::ranking::Change;
use crate::web::cache::{Ctx, Rendered};
use crate::web::extract::{self, need};
use crate::web::urls;
use crate::web::views::{Chart, Chrome, rank_text};
use crate::web::{AppError, AppState, cached};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// A group board's query string: `?sort=total&dir=desc&view=cumulative&print=1`.
#[derive(Deserialize, Default)]
pub struct BoardQuery {
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub view: Option<String>,
    pub print: Option<String>,
    /// A unit to highlight in the bump chart.
    pub hl: Option<String>,
}

pub(crate) struct Header {
    pub label: String,
    /// An indicator's mark on paper (①, ②, …), explained in a legend under the table, so
    /// that a printed header is never broken inside a word.
    pub short: Option<String>,
    /// An indicator's max points, shown under its name.
    pub max: Option<String>,
    pub url: String,
    pub numeric: bool,
    pub arrow: Option<&'static str>,
    pub aria_sort: Option<&'static str>,
}

/// ①…⑳ for the first twenty indicators, then 〔21〕.
fn indicator_mark(k: u32) -> String {
    match char::from_u32(0x2460 + k) {
        Some(c) if k < 20 => c.to_string(),
        _ => format!("〔{}〕", k + 1),
    }
}

pub(crate) struct FullRow<'a> {
    pub rank: String,
    pub tied: bool,
    pub tie_broken: bool,
    pub tie_note: String,
    pub unit: String,
    /// The unit's profile (public boards), or none (a draft: the profile shows only what
    /// was published).
    pub unit_url: Option<String>,
    pub missing: bool,
    pub missing_list: String,
    pub total: Total,
    pub points: &'a [Option<Points>],
    pub bonus: Points,
    pub penalty: Points,
    pub change: String,
    pub change_css: &'static str,
    /// 同比 (text, class), on a board with a year before.
    pub yoy: Option<(String, &'static str)>,
    pub tier: &'static str,
    pub tier_css: &'static str,
    pub marks: crate::present::Marks,
    pub why_url: String,
}

/// Where a board's links go: the public pages, or (a draft, for staff) the staff area's.
#[derive(Clone, Copy)]
pub(crate) enum Links {
    Public(View),
    Draft,
}

impl Links {
    fn sorted(self, period: PeriodKey, group: GroupId, key: &str, dir: &str) -> String {
        match self {
            Links::Public(view) => urls::board_sorted(period, group, view, key, dir),
            Links::Draft => format!("{}?sort={key}&dir={dir}", urls::draft_board(period, group)),
        }
    }

    fn why(self, period: PeriodKey, group: GroupId, unit: UnitId) -> String {
        match self {
            Links::Public(view) => urls::why(period, group, unit, view),
            Links::Draft => format!("{}/why/{unit}", urls::draft_board(period, group)),
        }
    }

    fn unit(self, period: PeriodKey, unit: UnitId) -> Option<String> {
        match self {
            Links::Public(_) => Some(format!("/units/{unit}?period={period}")),
            Links::Draft => None,
        }
    }
}

/// A board's table as every board page shows it: sortable headers and the rows in order.
pub(crate) struct Table<'a> {
    pub headers: Vec<Header>,
    pub rows: Vec<FullRow<'a>>,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    title: String,
    chrome: Chrome,
    period_key: String,
    group_name: String,
    board_title: String,
    status: &'static str,
    compared_with: Option<String>,
    cumulative: bool,
    quarter_url: String,
    cumulative_url: String,
    cumulative_label: String,
    csv_url: String,
    xlsx_url: String,
    print_url: String,
    poster_url: String,
    headers: Vec<Header>,
    rows: Vec<FullRow<'a>>,
    rules_text: String,
    circular: Circular,
    chart: Chart,
    bump: Option<Chart>,
    /// The units one may highlight in the bump chart: (id, name, chosen).
    bump_units: Vec<(String, String, bool)>,
    correction: Option<CorrectionNotice>,
    /// 序时进度 of the year-to-date indicators (a quarter board): their names, the time
    /// progress, and each unit's cells (text, colour class).
    progress_heads: Vec<String>,
    progress_time: String,
    progress: Vec<(String, Vec<(String, &'static str)>)>,
    /// 同比: the period compared with, and the note when the rules changed since.
    yoy_with: Option<String>,
    yoy_note: Option<String>,
    /// The year switch (several years only): the same group's board in each year.
    years: Vec<crate::web::views::YearLink>,
    /// A result's 公示, in words.
    publicity: Option<String>,
    /// The group at a glance: each unit's points on each indicator as a share of its max
    /// (indicator names; rows of unit and cells of text and shade 0–4). Quarter boards only.
    heat_heads: Vec<(String, String)>,
    heat: Vec<HeatRow>,
}

/// A unit's row of the heat map: its name, and each indicator's (text, shade).
type HeatRow = (String, Vec<(String, u8)>);

/// Each unit's points on each indicator as a share of its max, in board order: the text
/// (「95%」) and a shade from 0 (under 60 %) to 4 (90 % or more).
fn heat_map(b: &GroupBoard) -> (Vec<(String, String)>, Vec<HeatRow>) {
    // Each indicator's name links to its page (its leaders and history); the year's result's
    // columns (the quarters, 评议) have none.
    let heads = b
        .indicators
        .iter()
        .map(|i| {
            let url = if b.period.key.is_annual() {
                String::new()
            } else {
                urls::indicator(i.id, b.group.id)
            };
            (i.name.clone(), url)
        })
        .collect();
    let rows = b
        .board
        .rows
        .iter()
        .map(|r| {
            let cells = b
                .indicators
                .iter()
                .zip(&r.points)
                .map(|(i, p)| match p {
                    Some(p) if i.max.0 > 0 => {
                        let pct = p.0 * 100 / i.max.0;
                        let shade = match pct {
                            90.. => 4,
                            80..=89 => 3,
                            70..=79 => 2,
                            60..=69 => 1,
                            _ => 0,
                        };
                        (format!("{pct}%"), shade)
                    }
                    _ => ("—".to_string(), 0),
                })
                .collect();
            (r.name.clone(), cells)
        })
        .collect();
    (heads, rows)
}

/// Sort key of a row for a column; `None` sorts last.
fn sort_key(b: &GroupBoard, r: &crate::ranking::BoardRow, col: &str) -> Option<i64> {
    match col {
        "total" => Some(r.total.0),
        "bonus" => Some(r.bonus.0),
        "penalty" => Some(r.penalty.0),
        "yoy" => b
            .year_on_year
            .as_ref()
            .and_then(|y| crate::present::yoy_places(r, y.of(r.unit_id)?)),
        "change" => match r.change {
            Change::Up(n) => Some(i64::from(n)),
            Change::Down(n) => Some(-i64::from(n)),
            Change::Same => Some(0),
            _ => None,
        },
        c if c.starts_with('i') => {
            let k: usize = c[1..].parse().ok()?;
            b.board.rows.first()?.points.get(k)?;
            r.points[k].map(|p| p.0)
        }
        _ => r.rank.map(i64::from),
    }
}

pub(super) async fn board(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let q = q.into_inner();
    cached(&req, &state, move |ctx| {
        board_page(ctx, &period_raw, &group_raw, &q)
    })
    .await
}

/// Renders a group board page (public so that benchmarks can time it without HTTP).
pub fn board_page(
    ctx: &Ctx<'_>,
    period_raw: &str,
    group_raw: &str,
    q: &BoardQuery,
) -> Result<Rendered, AppError> {
    {
        let s = extract::structure_at(ctx, Some(period_raw))?;
        let s = need(&s)?;
        let (period, g, view, b) =
            extract::board(ctx, s, period_raw, group_raw, q.view.as_deref())?;
        let Table { headers, rows } = table(
            &b,
            period.key,
            g.id,
            Links::Public(view),
            q.sort.as_deref(),
            q.dir.as_deref(),
        );
        let mut chrome = Chrome::new(Some(s));
        chrome.print = q.print.is_some();
        // Name, rank, total and the marks take about six indicators' width of an A4 page.
        chrome.landscape = b.indicators.len() > 8;
        let years = year_links(ctx, s, period.key, &g.name, view)?;
        let (heat_heads, heat) = if view == View::Quarter && b.indicators.len() > 1 {
            heat_map(&b)
        } else {
            (Vec::new(), Vec::new())
        };
        let progress = if view == View::Quarter {
            crate::boards::scored::progress_group(ctx.conn, s, period.key, g.id)?
        } else {
            Vec::new()
        };
        let progress_heads: Vec<String> = progress
            .first()
            .map(|(_, p)| p.iter().map(|x| x.indicator.clone()).collect())
            .unwrap_or_default();
        let progress_time = format!("{}%", u32::from(period.key.quarter) * 25);
        let progress: Vec<(String, Vec<(String, &'static str)>)> = progress
            .iter()
            .filter_map(|(u, p)| {
                let name = s.unit(*u)?.name.clone();
                Some((
                    name,
                    progress_heads
                        .iter()
                        .map(|h| {
                            p.iter()
                                .find(|x| &x.indicator == h)
                                .map_or(("—".into(), ""), crate::present::progress_cell)
                        })
                        .collect(),
                ))
            })
            .collect();
        // The unit highlighted in the bump chart: one of this board's (anything else is
        // ignored, as a stale link would be).
        let hl =
            q.hl.as_deref()
                .and_then(|raw| raw.parse::<i64>().ok())
                .and_then(|id| b.board.rows.iter().find(|r| r.unit_id.0 == id));
        let top: Vec<String> = b
            .board
            .rows
            .iter()
            .take(3)
            .map(|r| format!("{}{}分", r.name, r.total))
            .collect();
        html(&BoardPage {
            title: format!("{} {}", b.title, g.name),
            chrome,
            period_key: period.key.to_string(),
            group_name: g.name.clone(),
            board_title: b.title.clone(),
            status: period.status.label(),
            compared_with: b.previous.map(|p| {
                if view == View::Cumulative {
                    p.year_to_date_label()
                } else {
                    p.label()
                }
            }),
            cumulative: view == View::Cumulative,
            quarter_url: urls::board(period.key, g.id),
            cumulative_url: urls::board_view(period.key, g.id, View::Cumulative),
            // The year's result has one board: no view to switch to.
            cumulative_label: if period.key.is_annual() {
                String::new()
            } else {
                period.key.year_to_date_short()
            },
            csv_url: urls::export(period.key, g.id, view, "csv"),
            xlsx_url: urls::export(period.key, g.id, view, "xlsx"),
            print_url: urls::board_print(period.key, g.id, view),
            poster_url: urls::board_poster(period.key, g.id, view),
            headers,
            rows,
            rules_text: b.rules_text.clone(),
            circular: Circular::new(s, &b, period.published_at),
            chart: Chart::new(
                urls::totals_chart(period.key, g.id, view),
                format!(
                    "{} {}各单位总分条形图，前三名：{}；完整数据见上表",
                    b.title,
                    g.name,
                    top.join("，")
                ),
            ),
            bump: (view == View::Quarter && !period.key.is_annual()).then(|| {
                Chart::new(
                    urls::bump_chart(g.id, hl.map(|r| r.unit_id)),
                    format!(
                        "{}各单位在各季度的名次变化折线图{}；数据见各季度榜单",
                        g.name,
                        hl.map_or_else(String::new, |r| format!("，突出显示{}", r.name))
                    ),
                )
            }),
            bump_units: b
                .board
                .rows
                .iter()
                .map(|r| {
                    let on = hl.is_some_and(|h| h.unit_id == r.unit_id);
                    (r.unit_id.to_string(), r.name.clone(), on)
                })
                .collect(),
            correction: b.corrected.as_ref().map(|c| {
                CorrectionNotice::new(c, |n| urls::board_version(period.key, g.id, view, n))
            }),
            progress_heads,
            progress_time,
            progress,
            yoy_with: b.year_on_year.as_ref().map(|y| {
                if view == View::Cumulative {
                    y.previous.year_to_date_label()
                } else {
                    y.previous.label()
                }
            }),
            yoy_note: crate::present::yoy_rules_note(&b),
            years,
            publicity: b
                .publicity
                .as_ref()
                .map(|p| crate::present::publicity_text(p, &s.competition.zone)),
            heat_heads,
            heat,
        })
    }
}

/// The same group (by name) in each year with a published period: that year's board of the
/// same quarter, or its latest; the home page of that year where the group did not exist.
fn year_links(
    ctx: &Ctx<'_>,
    s: &crate::store::Structure,
    key: PeriodKey,
    group: &str,
    view: View,
) -> Result<Vec<crate::web::views::YearLink>, AppError> {
    let years = crate::web::views::published_years(s);
    if years.len() < 2 {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(years.len());
    for y in years {
        let Some(k) = crate::web::views::year_period(s, y, key.quarter) else {
            continue;
        };
        let sy = ctx.structure_for(y)?;
        let url = match Option::as_ref(&sy).and_then(|x| x.group_by_name(group)) {
            Some(gy) => urls::board_view(k, gy.id, view),
            None => format!("/?period={k}"),
        };
        out.push(crate::web::views::YearLink {
            label: format!("{y}年"),
            url,
            current: y == key.year,
        });
    }
    Ok(out)
}

/// The table of board `b`: its headers sorted by `sort` (`rank`, `unit`, `total`, `i0`, …)
/// in `dir`, its rows in that order, linked as `links` says.
pub(crate) fn table<'a>(
    b: &'a GroupBoard,
    period: PeriodKey,
    group: GroupId,
    links: Links,
    sort: Option<&str>,
    dir: Option<&str>,
) -> Table<'a> {
    let sort = sort.unwrap_or("rank").to_string();
    let desc_default = !matches!(sort.as_str(), "rank" | "unit");
    let desc = match dir {
        Some("asc") => false,
        Some("desc") => true,
        _ => desc_default,
    };
    let mut order: Vec<usize> = (0..b.board.rows.len()).collect();
    if sort == "unit" {
        order.sort_by(|&x, &y| b.board.rows[x].name.cmp(&b.board.rows[y].name));
    } else {
        order.sort_by_key(|&i| {
            let k = sort_key(b, &b.board.rows[i], &sort);
            // Missing values last in either direction; ties keep rank order.
            (
                k.is_none(),
                if desc {
                    -k.unwrap_or(0)
                } else {
                    k.unwrap_or(0)
                },
                i,
            )
        });
    }
    if sort == "unit" && desc {
        order.reverse();
    }
    // What a reader looks for first — rank, unit, total, movement, 红榜/黑榜 — comes first;
    // the indicators follow (the table scrolls, rank and unit stay in view).
    let mut cols: Vec<(String, String, bool, Option<String>)> = vec![
        ("rank".into(), "名次".into(), false, None),
        ("unit".into(), "单位".into(), false, None),
        ("total".into(), "总分".into(), true, None),
        ("change".into(), "变化".into(), false, None),
    ];
    if b.year_on_year.is_some() {
        cols.push(("yoy".into(), "同比".into(), false, None));
    }
    cols.push(("tier".into(), "榜单".into(), false, None));
    cols.extend(b.indicators.iter().enumerate().map(|(k, i)| {
        (
            format!("i{k}"),
            i.name.clone(),
            true,
            Some(format!("{}分", i.max.plain())),
        )
    }));
    cols.push(("bonus".into(), "加分".into(), true, None));
    cols.push(("penalty".into(), "扣分".into(), true, None));
    let headers: Vec<Header> = cols
        .into_iter()
        .map(|(key, label, numeric, max)| {
            let short = key
                .strip_prefix('i')
                .and_then(|k| k.parse::<u32>().ok())
                .map(indicator_mark);
            // 榜单 is not a sort of its own: it goes back to rank order.
            let tier = key == "tier";
            let key = if tier { "rank".to_string() } else { key };
            let active = key == sort && !tier;
            let next = if tier || (active && desc) {
                "asc"
            } else if active {
                "desc"
            } else if matches!(key.as_str(), "rank" | "unit") {
                "asc"
            } else {
                "desc"
            };
            Header {
                url: links.sorted(period, group, &key, next),
                label,
                short,
                max,
                numeric,
                arrow: active.then_some(if desc { "▼" } else { "▲" }),
                aria_sort: active.then_some(if desc { "descending" } else { "ascending" }),
            }
        })
        .collect();
    let rows: Vec<FullRow<'a>> = order
        .iter()
        .map(|&i| {
            let r = &b.board.rows[i];
            FullRow {
                rank: rank_text(r),
                tied: r.tied,
                tie_broken: crate::present::tie_broken(r),
                tie_note: crate::present::tie_note(b, r),
                unit: r.name.clone(),
                unit_url: links.unit(period, r.unit_id),
                missing: r.has_missing(),
                missing_list: crate::present::missing_note(b, r),
                total: r.total,
                points: &r.points,
                bonus: r.bonus,
                penalty: r.penalty,
                change: r.change.label(),
                change_css: r.change.css(),
                yoy: b.year_on_year.as_ref().map(|y| {
                    y.of(r.unit_id).map_or_else(
                        || (String::new(), "muted"),
                        |u| crate::present::yoy_cell(r, u),
                    )
                }),
                tier: r.tier.label(),
                tier_css: r.tier.css(),
                marks: crate::present::Marks::new(r),
                why_url: links.why(period, group, r.unit_id),
            }
        })
        .collect();
    Table { headers, rows }
}
