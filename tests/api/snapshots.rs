//! Published boards are frozen at 揭榜: read back exactly, changed only by a correction that
//! says so, and checked against the scores by `shaibang verify`.

use crate::boards::{board_rows, fixture_app};
use crate::helpers::{demo_db, get, shaibang};
use shaibang::boards::{self, View};
use shaibang::domain::PeriodKey;
use shaibang::store::{self, ApplyOptions, PeriodStatus};

const Q1: PeriodKey = PeriodKey {
    year: 2023,
    quarter: 1,
};

/// Ids of the snapshots matching `sql_where`, in order.
fn snapshot_ids(conn: &rusqlite::Connection, sql_where: &str) -> Vec<i64> {
    conn.prepare(&format!(
        "SELECT id FROM board_snapshot WHERE {sql_where} ORDER BY id"
    ))
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Deletes the snapshots of one board in a 2023 quarter, as a database from before
/// snapshots (or a damaged one) would lack them.
fn delete_snapshots(conn: &rusqlite::Connection, group_id: i64, view: &str, quarter: u8) {
    let board = format!(
        "group_id = {group_id} AND view = '{view}' AND period_id =
           (SELECT id FROM period WHERE year = 2023 AND quarter = {quarter})"
    );
    conn.execute_batch(&format!(
        "DELETE FROM board_snapshot_row WHERE snapshot_id IN
             (SELECT id FROM board_snapshot WHERE {board});
         DELETE FROM board_snapshot WHERE {board};"
    ))
    .unwrap();
}

/// Import options; `allow_published` for a correction.
fn opts(allow_published: bool) -> ApplyOptions<'static> {
    ApplyOptions {
        actor: "test",
        allow_published,
        dry_run: false,
    }
}

fn snapshot_count(conn: &rusqlite::Connection, sql_where: &str) -> i64 {
    conn.query_row(
        &format!("SELECT COUNT(*) FROM board_snapshot WHERE {sql_where}"),
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn published_boards_are_read_from_snapshots_equal_to_ranking_the_scores() {
    let db = demo_db();
    let conn = db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let mut compared = 0;
    for p in s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
    {
        for g in &s.groups {
            for view in [View::Quarter, View::Cumulative] {
                let shown = boards::group_board(&conn, &s, p.key, g.id, view)
                    .unwrap()
                    .expect("every demo quarter is published from Q1, so both views exist");
                assert!(shown.frozen.is_some(), "{} {} {view:?}", p.key, g.name);
                let ranked = boards::compute_group_board(&conn, &s, p.key, g.id, view)
                    .unwrap()
                    .unwrap();
                assert!(ranked.frozen.is_none());
                assert_eq!(shown.board, ranked.board, "{} {} {view:?}", p.key, g.name);
                assert_eq!(shown.previous, ranked.previous);
                assert_eq!(shown.rules_text, ranked.rules_text);
                assert_eq!(shown.title, ranked.title);
                compared += 1;
            }
        }
    }
    // 3 published quarters × 4 demo groups × 2 views.
    assert_eq!(compared, 3 * s.groups.len() * 2);
    assert!(s.groups.len() >= 2);
}

#[test]
fn a_correction_re_freezes_the_boards_and_the_board_says_so() {
    let app = fixture_app();
    let mut conn = app.db.store.conn().unwrap();
    let current = "superseded_at IS NULL";
    let before_total = snapshot_count(&conn, "1");
    // Q1 and Q2 published, two groups, quarter and cumulative views.
    assert_eq!(before_total, 8);
    let page = get(&format!("{}/boards/2023Q1/1", app.base));
    assert!(!page.body.contains("本榜已更正"));

    // 丁 was fourth in Q1 with 20.00; the corrected file gives it 90.00, tied first with 丙.
    shaibang::ops::import_file(
        &mut conn,
        "单位,指标甲,指标乙\n丁,45,45\n".as_bytes(),
        "q1-fix.csv",
        Some(Q1),
        &opts(true),
    )
    .expect("correction");

    // Nothing is overwritten: the posted boards are kept, superseded.
    let superseded = snapshot_count(&conn, "superseded_at IS NOT NULL");
    // Q1 quarter + Q1 cumulative (the same sum), Q2 quarter (movement), Q2 cumulative (sum).
    assert_eq!(superseded, 4);
    assert_eq!(snapshot_count(&conn, current), 8);
    // The other group's boards did not change, so they were not re-frozen.
    assert_eq!(snapshot_count(&conn, "group_id = 2"), 4);

    let page = get(&format!("{}/boards/2023Q1/1", app.base));
    let b = &page.body;
    assert!(b.contains("本榜已更正"), "notice");
    // Why, in the public's words; the batch and the file name are the staff's.
    assert!(
        b.contains("更正了2023年第一季度的已揭榜得分") && !b.contains("q1-fix.csv"),
        "cause"
    );
    assert!(
        b.contains("丁：第4名 → 第1名，总分 20.00 → 90.00"),
        "丁's change is listed"
    );
    assert!(b.contains("甲：第2名 → 第3名"), "甲 moved down a place");
    assert!(b.contains("1<span class=\"tied\">并列</span>"));
    // Q2's own scores did not change, but 丁's movement did (4th → 4th became 1st → 4th).
    let page = get(&format!("{}/boards/2023Q2/1", app.base));
    assert!(page.body.contains("本榜已更正"));
    assert!(
        page.body.contains("丁：名次不变（第4名），名次变化 — → ↓3"),
        "{}",
        page.body
    );
    // The why page of 丁 explains the correction.
    let ding: i64 = conn
        .query_row("SELECT id FROM unit WHERE name = '丁'", [], |r| r.get(0))
        .unwrap();
    let why = get(&format!("{}/boards/2023Q1/1/why/{ding}", app.base));
    assert!(
        why.body.contains("揭榜后更正") && why.body.contains("第4名 → 第1名"),
        "{}",
        why.body
    );
    // So does the lobby screen's board slide.
    let lobby = get(&format!("{}/lobby", app.base));
    assert_eq!(lobby.status, 200);
    assert!(
        lobby.body.contains("本榜已于"),
        "lobby notes the correction"
    );
    // The other group says nothing.
    let page = get(&format!("{}/boards/2023Q1/2", app.base));
    assert!(!page.body.contains("本榜已更正"));
    // The JSON API carries the correction too.
    // First posted when the period was published, not when its first snapshot was written
    // (the same second here, so the period's time is moved to tell them apart).
    conn.execute(
        "UPDATE period SET published_at = '2023-04-10T01:00:00Z' WHERE year = 2023 AND quarter = 1",
        [],
    )
    .unwrap();
    store::bump_version(&conn).unwrap();
    let api = get(&format!("{}/api/v1/boards/2023Q1/1", app.base));
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let c = &json["corrected"];
    assert_eq!(c["first_published"], "2023-04-10 09:00:00");
    assert_eq!(c["history"].as_array().unwrap().len(), 1);
    assert!(
        c["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|ch| ch["unit"] == "丁" && ch["rank_before"] == 4 && ch["rank_now"] == 1)
    );
}

#[test]
fn verify_finds_scores_changed_behind_the_applications_back() {
    let app = fixture_app();
    let out = shaibang(&app.db.path, &["verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("一致"));

    // Someone edits a published score with a SQLite tool, bypassing the import.
    let conn = app.db.store.conn().unwrap();
    let n = conn
        .execute(
            "UPDATE score SET points = 450000 WHERE unit_id = (SELECT id FROM unit WHERE name = '丁')
               AND period_id = (SELECT id FROM period WHERE year = 2023 AND quarter = 1)",
            [],
        )
        .unwrap();
    assert_eq!(n, 2);
    shaibang::store::bump_version(&conn).unwrap();
    // The posted board still shows what was posted…
    let page = get(&format!("{}/boards/2023Q1/1", app.base));
    let rows = board_rows(&page.body);
    let ding = rows
        .iter()
        .find(|r| r.contains(">丁</a>"))
        .expect("丁's row");
    assert!(
        ding.starts_with("><td>4<") && ding.contains("</a><td>20.00<") && !ding.contains("90.00"),
        "丁's posted rank and total: {ding}"
    );
    // Reading never absorbs the edit into a posted board, not even where a snapshot is gone:
    // the other group's Q1 board loses its snapshot, and reading commands freeze nothing.
    let posted = "group_id = 1 AND view = 'quarter' AND superseded_at IS NULL AND period_id =
                    (SELECT id FROM period WHERE year = 2023 AND quarter = 1)";
    let posted_ids = snapshot_ids(&conn, posted);
    assert_eq!(posted_ids.len(), 1);
    delete_snapshots(&conn, 2, "quarter", 1);
    let before = snapshot_count(&conn, "1");
    for args in [
        &["periods"][..],
        &["board", "--period", "2023Q1"],
        &["board", "--period", "2023Q1", "--format", "json"],
    ] {
        let out = shaibang(&app.db.path, args);
        assert!(out.status.success(), "{args:?}");
        assert_eq!(
            snapshot_count(&conn, "1"),
            before,
            "{args:?} wrote a snapshot"
        );
    }
    assert_eq!(store::periods_missing_snapshots(&conn).unwrap().len(), 1);
    assert_eq!(snapshot_count(&conn, "superseded_at IS NOT NULL"), 0);
    assert_eq!(
        snapshot_ids(&conn, posted),
        posted_ids,
        "丁's posted board is still the one posted"
    );
    // …and verify names the difference and the missing board, and fails.
    let out = shaibang(&app.db.path, &["verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("2023年第一季度 测试组（单季度）")
            && stdout.contains("「丁」已揭榜为第4名（20.00分），按现有得分为第1名（90.00分）"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2023年第一季度 另一组（单季度）：") && stdout.contains("缺少冻结的榜单"),
        "{stdout}"
    );
}

#[test]
fn a_database_from_before_snapshots_is_frozen_only_by_the_freeze_command() {
    let app = fixture_app();
    let conn = app.db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let q2 = s
        .period(PeriodKey {
            year: 2023,
            quarter: 2,
        })
        .unwrap()
        .key;
    let ranked =
        boards::compute_group_board(&conn, &s, q2, shaibang::domain::GroupId(1), View::Quarter)
            .unwrap()
            .unwrap();
    conn.execute_batch("DELETE FROM board_snapshot_row; DELETE FROM board_snapshot;")
        .unwrap();
    assert!(
        boards::group_board(&conn, &s, q2, shaibang::domain::GroupId(1), View::Quarter)
            .unwrap()
            .unwrap()
            .frozen
            .is_none(),
        "without a snapshot the board is ranked from the scores"
    );
    // Reading commands leave it as it is; `freeze` is the explicit step that freezes.
    assert!(shaibang(&app.db.path, &["periods"]).status.success());
    assert_eq!(snapshot_count(&conn, "1"), 0);
    let out = shaibang(&app.db.path, &["freeze"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("已按现有得分冻结2023年第一季度的4个榜单")
            && stdout.contains("已按现有得分冻结2023年第二季度的4个榜单"),
        "{stdout}"
    );
    assert_eq!(snapshot_count(&conn, "1"), 8);
    let out = shaibang(&app.db.path, &["freeze"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("没有需要冻结的榜单"));
    let shown = boards::group_board(&conn, &s, q2, shaibang::domain::GroupId(1), View::Quarter)
        .unwrap()
        .unwrap();
    assert!(shown.frozen.is_some());
    assert_eq!(shown.board, ranked.board);
}

#[test]
fn only_the_missing_snapshots_are_frozen() {
    let app = fixture_app();
    let conn = app.db.store.conn().unwrap();
    // A year-to-date snapshot goes missing; the quarter boards keep theirs.
    let kept = snapshot_ids(&conn, "view = 'quarter'");
    delete_snapshots(&conn, 1, "cumulative", 2);
    assert_eq!(snapshot_count(&conn, "1"), 7);
    assert_eq!(store::periods_missing_snapshots(&conn).unwrap().len(), 1);
    // verify only reads: it reports the missing board and writes nothing.
    let out = shaibang(&app.db.path, &["verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("2023年第二季度 测试组（累计）") && stdout.contains("缺少冻结的榜单"),
        "{stdout}"
    );
    assert_eq!(snapshot_count(&conn, "1"), 7);
    // `freeze` freezes the missing one, and only it.
    assert!(shaibang(&app.db.path, &["periods"]).status.success());
    assert_eq!(snapshot_count(&conn, "1"), 7);
    assert!(shaibang(&app.db.path, &["freeze"]).status.success());
    assert_eq!(snapshot_count(&conn, "1"), 8);
    assert_eq!(snapshot_count(&conn, "superseded_at IS NOT NULL"), 0);
    assert_eq!(snapshot_ids(&conn, "view = 'quarter'"), kept);
    assert!(store::periods_missing_snapshots(&conn).unwrap().is_empty());
    assert!(shaibang(&app.db.path, &["verify"]).status.success());
}

#[test]
fn an_earlier_period_cannot_be_published_after_a_later_one() {
    let app = fixture_app();
    let mut conn = app.db.store.conn().unwrap();
    let q4 = PeriodKey {
        year: 2022,
        quarter: 4,
    };
    let opts = opts(false);
    let before = crate::helpers::dump(&app.db);
    // A file for a quarter before the published ones is refused (a typo in the period, most
    // likely): publishing it could never happen, and a draft of it would block the next one.
    let err = shaibang::ops::import_file(
        &mut conn,
        "单位,指标甲,指标乙\n甲,10,10\n".as_bytes(),
        "late.csv",
        Some(q4),
        &opts,
    )
    .expect_err("2023Q1 is already published")
    .to_string();
    assert!(
        err.contains("2022Q4早于已揭榜的2023Q1") && err.contains("不能新建"),
        "{err}"
    );
    assert_eq!(before, crate::helpers::dump(&app.db), "nothing written");

    // A database from an older version may hold such a draft: it cannot be published…
    conn.execute(
        "INSERT INTO period (competition_id, year, quarter, status)
         SELECT id, 2022, 4, 'draft' FROM competition",
        [],
    )
    .unwrap();
    let before = crate::helpers::dump(&app.db);
    let err =
        shaibang::ops::publish(&mut conn, q4).expect_err("2023Q1 and 2023Q2 are already published");
    assert!(
        matches!(
            err,
            shaibang::ops::OpsError::Refused(shaibang::store::Refusal::LaterPublished {
                period,
                published,
            }) if period == q4 && published == PeriodKey { year: 2023, quarter: 1 }
        ),
        "{err:?}"
    );
    assert_eq!(before, crate::helpers::dump(&app.db), "nothing changed");
    // …and does not block the next quarter.
    shaibang::ops::import_file(
        &mut conn,
        "单位,指标甲\n戊,30\n".as_bytes(),
        "o.csv",
        Some(PeriodKey {
            year: 2023,
            quarter: 3,
        }),
        &opts,
    )
    .unwrap();
    shaibang::ops::publish(
        &mut conn,
        PeriodKey {
            year: 2023,
            quarter: 3,
        },
    )
    .expect("2023Q3 publishes");
}

#[test]
fn check_previews_a_correction_of_posted_ranks_and_import_reports_it() {
    let app = fixture_app();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q1-fix.csv");
    std::fs::write(&file, "单位,指标甲,指标乙\n丁,45,45\n").unwrap();
    let file = file.to_str().unwrap();
    let before = crate::helpers::dump(&app.db);
    let out = shaibang(
        &app.db.path,
        &["check", file, "--period", "2023Q1", "--correct-published"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("导入后将更正以下已揭榜的榜单")
            && stdout.contains("2023年第一季度 测试组（单季度）：")
            && stdout.contains("丁：第4名 → 第1名，总分 20.00 → 90.00")
            && stdout.contains("2023年第二季度 测试组（单季度）：")
            && stdout.contains("丁：名次不变（第4名），名次变化 — → ↓3"),
        "{stdout}"
    );
    assert!(!stdout.contains("另一组"), "{stdout}");
    assert_eq!(
        before,
        crate::helpers::dump(&app.db),
        "check writes nothing"
    );

    let out = shaibang(
        &app.db.path,
        &["import", file, "--period", "2023Q1", "--correct-published"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("已更正已揭榜的榜单")
            && stdout.contains("丁：第4名 → 第1名，总分 20.00 → 90.00"),
        "{stdout}"
    );
    let out = shaibang(&app.db.path, &["verify"]);
    assert!(out.status.success());
}
