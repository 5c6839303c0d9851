//! Expanding a playlist into the slides of one period.

use super::Settings;
use super::views::HonorView;
use super::views::LobbyRow;
use super::views::MoverColumn;
use super::views::SlideBody;
use super::views::SlideView;
use super::views::TierColumn;
use crate::boards::{GroupBoard, View};
use crate::domain::GroupId;
use crate::lobby::{self, ROWS_PER_SLIDE, SlideKind};
use crate::ranking::Tier;
use crate::ranking::analysis;
use crate::store::{self, PeriodRow, Structure};
use crate::web::AppError;
use crate::web::cache::Ctx;
use crate::web::extract;
use std::sync::Arc;

pub(super) fn groups_for<'s>(
    s: &'s Structure,
    g: &Option<String>,
) -> Result<Vec<&'s crate::store::GroupRow>, AppError> {
    match g {
        None => Ok(s.groups.iter().collect()),
        Some(name) => {
            Ok(vec![s.group_by_name(name).ok_or_else(|| {
                AppError::NotFound(format!("组别「{name}」不存在"))
            })?])
        }
    }
}

/// Expands the playlist into slides for one period.
pub(super) fn build_slides(
    ctx: &Ctx<'_>,
    s: &Structure,
    period: &PeriodRow,
    set: &Settings,
) -> Result<Vec<SlideView>, AppError> {
    let mut out = Vec::new();
    for spec in &set.slides {
        let seconds = spec.seconds.unwrap_or(set.seconds);
        let ranked = !matches!(spec.kind, SlideKind::Chart(_) | SlideKind::Honors);
        let view = if ranked && (spec.cumulative || set.cumulative) {
            View::Cumulative
        } else {
            View::Quarter
        };
        let board = |gid: GroupId| -> Result<Arc<GroupBoard>, AppError> {
            extract::board_of(ctx, s, period.key, gid, view)
        };
        let label = match view {
            View::Quarter => period.key.label(),
            View::Cumulative => period.key.year_to_date_label(),
        };
        // A year-so-far board exists only once every quarter of the year so far is
        // published: the slide says so instead of failing the whole screen.
        let has_cumulative = view == View::Quarter
            || s.groups.first().is_none_or(|g| {
                ctx.board(s, period.key, g.id, View::Cumulative)
                    .ok()
                    .flatten()
                    .is_some()
            });
        if !has_cumulative {
            out.push(SlideView {
                heading: label.clone(),
                seconds,
                current: false,
                body: SlideBody::Empty {
                    message: "年度累计榜单要在本年此前各季度都揭榜后才有".into(),
                },
            });
            continue;
        }
        match &spec.kind {
            SlideKind::Board(g) => {
                for grp in groups_for(s, g)? {
                    let b = board(grp.id)?;
                    let pages = lobby::paginate(b.board.rows.len(), ROWS_PER_SLIDE);
                    let n = pages.len();
                    for (i, (a, z)) in pages.into_iter().enumerate() {
                        out.push(SlideView {
                            heading: format!("{} {}", grp.name, label),
                            seconds,
                            current: false,
                            body: SlideBody::Board {
                                rows: b.board.rows[a..z]
                                    .iter()
                                    .map(|r| LobbyRow::new(&b, r))
                                    .collect(),
                                roomy: b.board.rows.len() <= 10,
                                page: if n > 1 {
                                    format!("第{}/{}页 · 第{}–{}名", i + 1, n, a + 1, z)
                                } else {
                                    String::new()
                                },
                                rules: format!(
                                    "{} · 前{}名红榜 · 后{}名黑榜{}{}",
                                    crate::present::tie_chain_short(&b, &grp.tie_breaks),
                                    grp.red,
                                    grp.black,
                                    crate::present::vetoes_short(&b.board),
                                    // A corrected board never changes silently, not even here.
                                    b.corrected
                                        .as_ref()
                                        .and_then(|c| c.history.last())
                                        .map_or_else(String::new, |m| format!(
                                            " · 本榜已于{}更正",
                                            m.created_at
                                        ))
                                ),
                            },
                        });
                    }
                }
            }
            SlideKind::Tiers => {
                let mut columns = Vec::new();
                for grp in &s.groups {
                    let b = board(grp.id)?;
                    columns.push(TierColumn {
                        group: grp.name.clone(),
                        red: b
                            .board
                            .in_tier(Tier::Red)
                            .map(|r| LobbyRow::new(&b, r))
                            .collect(),
                        black: b
                            .board
                            .in_tier(Tier::Black)
                            .map(|r| LobbyRow::new(&b, r))
                            .collect(),
                    });
                }
                let most = columns
                    .iter()
                    .map(|c| c.red.len() + c.black.len())
                    .max()
                    .unwrap_or(0);
                out.push(SlideView {
                    heading: format!("{label} 红榜 · 黑榜"),
                    seconds,
                    current: false,
                    body: SlideBody::Tiers {
                        density: density(most),
                        columns,
                    },
                });
            }
            SlideKind::Movers => {
                let mut columns = Vec::new();
                for grp in &s.groups {
                    let b = board(grp.id)?;
                    let (up, down) = analysis::movers(&b.board, 3);
                    columns.push(MoverColumn {
                        group: grp.name.clone(),
                        up: up.into_iter().map(|r| LobbyRow::new(&b, r)).collect(),
                        down: down.into_iter().map(|r| LobbyRow::new(&b, r)).collect(),
                    });
                }
                let prev = board(s.groups.first().map_or(GroupId(0), |g| g.id))
                    .ok()
                    .and_then(|b| b.previous);
                let heading = match prev {
                    Some(p) => format!("{label} 名次变化（对比{}）", p.label()),
                    None => format!("{label} 名次变化"),
                };
                out.push(SlideView {
                    heading,
                    seconds,
                    current: false,
                    body: SlideBody::Movers { columns },
                });
            }
            SlideKind::Chart(g) => {
                // Paged like the board, so that every label stays legible; drawn in the
                // screen's theme on the slide's own panel.
                for grp in groups_for(s, g)? {
                    let b = board(grp.id)?;
                    let pages = lobby::paginate(b.board.rows.len(), ROWS_PER_SLIDE);
                    let n = pages.len();
                    for (a, z) in pages {
                        out.push(SlideView {
                            heading: if n > 1 {
                                format!("{} {} 总分（第{}–{}名）", grp.name, label, a + 1, z)
                            } else {
                                format!("{} {} 总分", grp.name, label)
                            },
                            seconds,
                            current: false,
                            body: SlideBody::Chart {
                                src: crate::web::urls::lobby_totals_chart(
                                    period.key,
                                    grp.id,
                                    set.theme.as_str(),
                                    (a, z),
                                ),
                                alt: format!("{}{}各单位总分条形图", grp.name, label),
                            },
                        });
                    }
                }
            }
            SlideKind::Honors => {
                let honors = store::period_honors(ctx.conn, period.id)?;
                if honors.is_empty() {
                    continue;
                }
                let corrected = if store::honors_corrected(ctx.conn, period.key)? {
                    "（已更正）"
                } else {
                    ""
                };
                let n = honors.len().div_ceil(6);
                for (i, chunk) in honors.chunks(6).enumerate() {
                    out.push(SlideView {
                        heading: if n > 1 {
                            format!("{label} 实干先锋{corrected}（{}/{}）", i + 1, n)
                        } else {
                            format!("{label} 实干先锋{corrected}")
                        },
                        seconds,
                        current: false,
                        body: SlideBody::Honors {
                            density: if chunk.len() <= 4 {
                                "h-large"
                            } else {
                                "h-medium"
                            },
                            honors: chunk
                                .iter()
                                .map(|h| HonorView {
                                    name: h.name.clone(),
                                    unit: h.unit_text.clone(),
                                    title: h.title.clone(),
                                    citation: h.citation.clone(),
                                })
                                .collect(),
                        },
                    });
                }
            }
        }
    }
    if out.is_empty() {
        out.push(SlideView {
            heading: period.key.label(),
            seconds: set.seconds,
            current: false,
            body: SlideBody::Empty {
                message: "暂无可显示的内容".into(),
            },
        });
    }
    Ok(out)
}

/// How large a column slide's names can be: as large as the board slide's roomy rows when
/// each column holds a few units, smaller as the lists grow, so the panels fill the screen.
pub(super) fn density(rows_in_longest_column: usize) -> &'static str {
    match rows_in_longest_column {
        0..=6 => "d-large",
        7..=12 => "d-medium",
        _ => "d-small",
    }
}
