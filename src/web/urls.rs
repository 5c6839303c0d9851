//! Every URL the pages link to, built in one place so that a route and its links cannot drift
//! apart. Ids and period keys never need escaping; free text never goes into a path.

use crate::boards::View;
use crate::domain::{GroupId, IndicatorId, PeriodKey, UnitId};

/// `?view=cumulative` for the year-to-date view, nothing for the quarter.
fn view_query(view: View) -> &'static str {
    match view {
        View::Quarter => "",
        View::Cumulative => "?view=cumulative",
    }
}

/// `/boards/2023Q3/1`
pub fn board(period: PeriodKey, group: GroupId) -> String {
    format!("/boards/{period}/{group}")
}

/// `/boards/2023Q3/1?view=cumulative`
pub fn board_view(period: PeriodKey, group: GroupId, view: View) -> String {
    format!("{}{}", board(period, group), view_query(view))
}

/// `/boards/2023Q3/1/versions/1?view=cumulative`: a board as posted before a correction.
pub fn board_version(period: PeriodKey, group: GroupId, view: View, n: usize) -> String {
    format!("{}/versions/{n}{}", board(period, group), view_query(view))
}

/// `/boards/2023Q3/1?sort=total&dir=desc&view=cumulative`
pub fn board_sorted(
    period: PeriodKey,
    group: GroupId,
    view: View,
    sort: &str,
    dir: &str,
) -> String {
    let view = match view {
        View::Quarter => "",
        View::Cumulative => "&view=cumulative",
    };
    format!("{}?sort={sort}&dir={dir}{view}", board(period, group))
}

/// `/boards/2023Q3/1?print=1&view=cumulative`
pub fn board_print(period: PeriodKey, group: GroupId, view: View) -> String {
    let view = match view {
        View::Quarter => "",
        View::Cumulative => "&view=cumulative",
    };
    format!("{}?print=1{view}", board(period, group))
}

/// `/boards/2023Q3/1/export.csv`, `…/export.xlsx`
pub fn export(period: PeriodKey, group: GroupId, view: View, ext: &str) -> String {
    format!("{}/export.{ext}{}", board(period, group), view_query(view))
}

/// `/boards/2023Q3/1/why/6`
/// `/admin/periods/2023Q4/boards/1`: a board as staff see it before 揭榜.
pub fn draft_board(period: PeriodKey, group: GroupId) -> String {
    format!("/admin/periods/{period}/boards/{group}")
}

pub fn why(period: PeriodKey, group: GroupId, unit: UnitId, view: View) -> String {
    format!("{}/why/{unit}{}", board(period, group), view_query(view))
}

/// `/units/6`
#[must_use]
pub fn unit(unit: UnitId) -> String {
    format!("/units/{unit}")
}

/// `/units/6?period=2023Q3&print=1`; `period` is a query part such as `period=2023Q3` or empty.
pub fn unit_print(unit: UnitId, period_query: &str) -> String {
    format!("/units/{unit}?{period_query}&print=1")
}

/// `/indicators/3?group=1`
pub fn indicator(indicator: IndicatorId, group: GroupId) -> String {
    format!("/indicators/{indicator}?group={group}")
}

/// `/compare?period=2023Q3&units=6&units=1`
pub fn compare(period_query: &str, units: &[UnitId]) -> String {
    let mut url = format!("/compare?{period_query}");
    for u in units {
        url.push_str(&format!("&units={u}"));
    }
    url
}

/// `/charts/2023Q3/1/totals.svg`
pub fn totals_chart(period: PeriodKey, group: GroupId, view: View) -> String {
    format!("/charts/{period}/{group}/totals.svg{}", view_query(view))
}

/// `/charts/2023Q3/1/totals.svg?lobby=dark&rows=0-20`: one page of the lobby's chart.
pub fn lobby_totals_chart(
    period: PeriodKey,
    group: GroupId,
    theme: &str,
    rows: (usize, usize),
) -> String {
    format!(
        "/charts/{period}/{group}/totals.svg?lobby={theme}&rows={}-{}",
        rows.0, rows.1
    )
}

/// `/charts/groups/1/bump.svg`, `/charts/groups/1/bump.svg?hl=6` with unit 6 highlighted
pub fn bump_chart(group: GroupId, highlight: Option<UnitId>) -> String {
    match highlight {
        Some(u) => format!("/charts/groups/{group}/bump.svg?hl={u}"),
        None => format!("/charts/groups/{group}/bump.svg"),
    }
}

/// `/posters/2023Q3/1/board.png`: a group's board as a poster (phone size).
pub fn board_poster(period: PeriodKey, group: GroupId, view: View) -> String {
    format!("/posters/{period}/{group}/board.png{}", view_query(view))
}

/// `/posters/2023Q3/tiers.png`: every group's 红榜·黑榜 as a poster (phone size).
pub fn tiers_poster(period: PeriodKey) -> String {
    format!("/posters/{period}/tiers.png")
}

/// `/charts/units/6/trend.svg`
pub fn trend_chart(unit: UnitId) -> String {
    format!("/charts/units/{unit}/trend.svg")
}

/// `/charts/units/6/indicators.svg?period=2023Q3`
pub fn indicators_chart(unit: UnitId, period_query: &str) -> String {
    format!("/charts/units/{unit}/indicators.svg?{period_query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_match_the_routes() {
        let p = PeriodKey {
            year: 2023,
            quarter: 3,
        };
        assert_eq!(
            board_view(p, GroupId(1), View::Cumulative),
            "/boards/2023Q3/1?view=cumulative"
        );
        assert_eq!(
            board_sorted(p, GroupId(1), View::Cumulative, "total", "asc"),
            "/boards/2023Q3/1?sort=total&dir=asc&view=cumulative"
        );
        assert_eq!(
            why(p, GroupId(1), UnitId(6), View::Quarter),
            "/boards/2023Q3/1/why/6"
        );
        assert_eq!(
            export(p, GroupId(1), View::Cumulative, "csv"),
            "/boards/2023Q3/1/export.csv?view=cumulative"
        );
        assert_eq!(
            compare("period=2023Q3", &[UnitId(6), UnitId(1)]),
            "/compare?period=2023Q3&units=6&units=1"
        );
    }
}
