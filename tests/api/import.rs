//! Importing real files into a real `SQLite` database.

use crate::helpers::{dump, fixture, structure_db};
use shaibang::domain::{PeriodKey, Points};
use shaibang::import::{ImportError, Layout};
use shaibang::ops::OpsError;
use shaibang::store::{self, ApplyOptions, ApplyOutcome, Refusal};
use shaibang::tabular::Encoding;

const Q3: PeriodKey = PeriodKey {
    year: 2023,
    quarter: 3,
};

fn opts() -> ApplyOptions<'static> {
    ApplyOptions {
        actor: "test",
        allow_published: false,
        dry_run: false,
    }
}

fn import(
    db: &crate::helpers::TestDb,
    name: &str,
) -> Result<(shaibang::import::ImportPlan, ApplyOutcome), OpsError> {
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &fixture(name),
        name,
        Some(Q3),
        &opts(),
    )
}

/// Points stored for a unit and indicator (by names) in a period.
fn stored(
    db: &crate::helpers::TestDb,
    period: PeriodKey,
    unit: &str,
    indicator_code: &str,
) -> Option<Points> {
    let conn = db.store.conn().unwrap();
    conn.query_row(
        "SELECT s.points FROM score s JOIN unit u ON u.id = s.unit_id JOIN indicator i ON i.id = s.indicator_id
         JOIN period p ON p.id = s.period_id
         WHERE p.year = ?1 AND p.quarter = ?2 AND u.name = ?3 AND i.code = ?4",
        (period.year, period.quarter, unit, indicator_code),
        |r| r.get::<_, i64>(0),
    )
    .ok()
    .map(Points)
}

fn adjustment(
    db: &crate::helpers::TestDb,
    unit: &str,
    kind: &str,
) -> Option<(Points, Option<String>)> {
    let conn = db.store.conn().unwrap();
    conn.query_row(
        "SELECT a.points, a.reason FROM adjustment a JOIN unit u ON u.id = a.unit_id WHERE u.name = ?1 AND a.kind = ?2",
        (unit, kind),
        |r| Ok((Points(r.get(0)?), r.get(1)?)),
    )
    .ok()
}

fn p(x: &str) -> Option<Points> {
    Points::parse_decimal(x)
}

#[test]
fn gbk_csv_as_excel_saves_it_imports() {
    let db = structure_db();
    let (plan, outcome) = import(&db, "streets-gbk.csv").expect("import");
    assert_eq!(plan.encoding, Encoding::Gb18030);
    assert_eq!(plan.layout, Layout::Wide);
    assert_eq!(plan.rows, 10);
    assert!(matches!(outcome, ApplyOutcome::Applied { .. }));
    assert_eq!(stored(&db, Q3, "金碧街道", "gdzctz"), p("18.5"));
    assert_eq!(stored(&db, Q3, "团结街道", "zfjs"), p("7.5"));
    assert_eq!(adjustment(&db, "永昌街道", "bonus").map(|a| a.0), p("0.5"));
    assert_eq!(
        adjustment(&db, "永昌街道", "penalty").unwrap().1.as_deref(),
        Some("加分：承办全市现场会；扣分：督办逾期")
    );
    // 10 units × 8 indicators + 4 bonuses + 3 penalties
    let n: i64 = db
        .store
        .conn()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM score", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 80);
    assert_eq!(plan.values, 80 + 4 + 3);
}

#[test]
fn utf8_bom_csv_with_full_width_digits_imports() {
    let db = structure_db();
    let (plan, _) = import(&db, "econ-utf8-bom.csv").expect("import");
    assert_eq!(plan.encoding, Encoding::Utf8Bom);
    assert_eq!(stored(&db, Q3, "区住建局", "zdgz"), p("34"));
    // 营商环境 is shared by name between groups: the department one is meant here.
    assert_eq!(stored(&db, Q3, "区商投局", "bmys"), p("8.1"));
    assert_eq!(stored(&db, Q3, "区商投局", "yshj"), None);
}

#[test]
fn xlsx_with_title_row_and_period_column_imports() {
    let db = structure_db();
    let (plan, _) = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &fixture("streets.xlsx"),
        "streets.xlsx",
        None,
        &opts(),
    )
    .expect("import");
    assert_eq!(plan.encoding, Encoding::Workbook);
    assert_eq!(plan.periods, vec![Q3]);
    assert_eq!(stored(&db, Q3, "马街街道", "gytz"), p("9.7"));
    assert_eq!(stored(&db, Q3, "西苑街道", "shxf"), p("8.1"));
    assert_eq!(
        adjustment(&db, "福海街道", "bonus"),
        Some((p("1").unwrap(), Some("加分：获省级表彰".into())))
    );
}

#[test]
fn long_layout_with_period_spellings_codes_and_aliases_imports() {
    let db = structure_db();
    let (plan, _) = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &fixture("long.csv"),
        "long.csv",
        None,
        &opts(),
    )
    .expect("import");
    assert_eq!(plan.layout, Layout::Long);
    assert_eq!(plan.periods, vec![Q3]);
    assert_eq!(stored(&db, Q3, "金碧街道", "gdzctz"), p("18.5"));
    assert_eq!(stored(&db, Q3, "金碧街道", "gytz"), p("9"));
    assert_eq!(
        stored(&db, Q3, "金碧街道", "zsyz"),
        None,
        "a blank score is missing, not zero"
    );
    assert_eq!(
        adjustment(&db, "金碧街道", "bonus"),
        Some((p("1").unwrap(), Some("获省级表彰".into())))
    );
}

/// Each bad file is rejected with errors naming the row and column, and the database is
/// exactly as it was.
#[test]
fn every_bad_file_changes_nothing_and_says_where() {
    let db = structure_db();
    import(&db, "econ-utf8-bom.csv").expect("seed some data first");
    let cases: &[(&str, &[&str])] = &[
        (
            "bad-unknown-unit.csv",
            &["第7行 A列", "马衔街道", "是否为「马街街道」"],
        ),
        (
            "bad-unknown-indicator.csv",
            &[
                "第1行 D列",
                "招商引资到账资金",
                "是否为「招商引资到位资金」",
            ],
        ),
        (
            "bad-unknown-indicator-long.csv",
            &["第2行 C列", "固定资产投入", "固定资产投资"],
        ),
        (
            "bad-duplicate-unit.csv",
            &["第12行 A列", "金碧街道", "第2行"],
        ),
        (
            "bad-wrong-group.csv",
            &["第4行 A列", "区商投局", "经济发展类部门", "街道组"],
        ),
        ("bad-not-a-number.csv", &["第6行 D列", "「十四」不是数字"]),
        (
            "bad-out-of-range.csv",
            &["第3行 C列", "工业投资", "12", "0.00 到 10.00"],
        ),
        ("bad-ragged.csv", &["第5行有7列", "表头有12列"]),
        ("bad-empty.csv", &["文件为空"]),
        ("bad-header-only.csv", &["只有表头"]),
        ("bad-not-a-table.csv", &["不是可读取的 CSV 或 Excel"]),
    ];
    for (name, needles) in cases {
        let before = dump(&db);
        let err = import(&db, name).expect_err(name);
        let text = err.to_string();
        for n in *needles {
            assert!(text.contains(n), "{name}: expected «{n}» in:\n{text}");
        }
        assert!(matches!(err, OpsError::File(_)), "{name}: {err:?}");
        assert_eq!(before, dump(&db), "{name} changed the database");
    }
}

#[test]
fn all_errors_are_reported_at_once() {
    let db = structure_db();
    let before = dump(&db);
    let Err(OpsError::File(errs)) = import(&db, "bad-many.csv") else {
        panic!("expected errors")
    };
    assert_eq!(errs.0.len(), 3, "{errs}");
    assert!(matches!(errs.0[0], ImportError::NotANumber { .. }));
    assert!(matches!(errs.0[1], ImportError::UnknownUnit { .. }));
    assert!(matches!(errs.0[2], ImportError::OutOfRange { .. }));
    let text = errs.to_string();
    assert!(
        text.contains("第2行 B列") && text.contains("第4行 A列") && text.contains("第9行 I列"),
        "{text}"
    );
    assert_eq!(before, dump(&db));
}

#[test]
fn reimporting_the_same_file_is_a_noop() {
    let db = structure_db();
    import(&db, "streets-gbk.csv").expect("first");
    let before = dump(&db);
    let (_, outcome) = import(&db, "streets-gbk.csv").expect("second");
    match outcome {
        ApplyOutcome::Unchanged {
            earlier_batch,
            summary,
        } => {
            assert_eq!(earlier_batch, Some(1));
            assert_eq!(
                (summary.unchanged, summary.remarks.unchanged),
                (87, 2),
                "87 values and 2 remarks"
            );
        }
        other => panic!("expected no-op, got {other:?}"),
    }
    assert_eq!(before, dump(&db));
}

#[test]
fn a_corrected_file_replaces_values_and_keeps_the_old_ones() {
    let db = structure_db();
    import(&db, "streets-gbk.csv").expect("first");
    // The same sheet with one value corrected and one cell cleared.
    let text = encoding_rs::GBK
        .decode(&fixture("streets-gbk.csv"))
        .0
        .into_owned();
    let corrected = text.replacen("金碧街道,18.5,", "金碧街道,19,", 1).replacen(
        "团结街道,17.5,8.1,",
        "团结街道,17.5,,",
        1,
    );
    let bytes = encoding_rs::GBK.encode(&corrected).0.into_owned();
    let (_, outcome) = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &bytes,
        "corrected.csv",
        Some(Q3),
        &opts(),
    )
    .expect("second");
    let ApplyOutcome::Applied {
        batch_id, summary, ..
    } = outcome
    else {
        panic!("expected applied")
    };
    assert_eq!(batch_id, 2);
    assert_eq!((summary.changed, summary.removed, summary.added), (1, 1, 0));
    assert_eq!(stored(&db, Q3, "金碧街道", "gdzctz"), p("19"));
    assert_eq!(stored(&db, Q3, "团结街道", "gytz"), None);
    let conn = db.store.conn().unwrap();
    let kept: Vec<(i64, i64)> = conn
        .prepare("SELECT points, replaced_by FROM score_history ORDER BY points")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, vec![(81_000, 2), (185_000, 2)]);
    let untouched: i64 = conn
        .query_row("SELECT COUNT(*) FROM score WHERE batch_id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(untouched, 78, "unchanged values keep their original batch");
}

#[test]
fn a_published_period_is_not_overwritten_without_saying_so() {
    let db = structure_db();
    crate::helpers::import_all_groups(&db, Q3);
    shaibang::ops::publish(&mut db.store.conn().unwrap(), Q3).expect("publish");
    let text = encoding_rs::GBK
        .decode(&fixture("streets-gbk.csv"))
        .0
        .into_owned();
    let bytes = encoding_rs::GBK
        .encode(&text.replacen("金碧街道,18.5,", "金碧街道,19,", 1))
        .0
        .into_owned();
    let before = dump(&db);
    let err = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &bytes,
        "c.csv",
        Some(Q3),
        &opts(),
    )
    .expect_err("refused");
    assert!(err.to_string().contains("已揭榜"), "{err}");
    assert_eq!(before, dump(&db));
    let allow = ApplyOptions {
        allow_published: true,
        ..opts()
    };
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &bytes,
        "c.csv",
        Some(Q3),
        &allow,
    )
    .expect("correction");
    assert_eq!(stored(&db, Q3, "金碧街道", "gdzctz"), p("19"));
}

#[test]
fn check_mode_writes_nothing() {
    let db = structure_db();
    let before = dump(&db);
    let dry = ApplyOptions {
        dry_run: true,
        ..opts()
    };
    let (_, outcome) = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        &fixture("streets-gbk.csv"),
        "s.csv",
        Some(Q3),
        &dry,
    )
    .expect("check");
    let ApplyOutcome::DryRun {
        summary,
        new_periods,
        posted_changes,
        missing,
    } = outcome
    else {
        panic!("dry run expected")
    };
    assert_eq!(
        (summary.added, summary.remarks.added),
        (87, 2),
        "87 values and 2 remarks, counted apart"
    );
    assert_eq!(new_periods, vec![Q3]);
    assert!(posted_changes.is_empty(), "nothing published was touched");
    // The streets file leaves the departments without scores, and the 加分事项 list out.
    assert!(
        missing
            .iter()
            .any(|l| l.contains("街道组「金碧街道」缺少：固定资产投资")),
        "{missing:?}"
    );
    assert_eq!(before, dump(&db));
}

#[test]
fn demo_boards_have_ties_and_movement() {
    let db = crate::helpers::demo_db();
    let conn = db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    assert_eq!(s.periods.len(), 3);
    assert!(
        s.periods
            .iter()
            .all(|p| p.status == store::PeriodStatus::Published)
    );
    let boards = shaibang::boards::period_boards(&conn, &s, Q3).unwrap();
    assert_eq!(boards.len(), 3);
    assert!(
        boards.iter().any(|b| b.board.rows.iter().any(|r| r.tied)),
        "demo needs a tie"
    );
    assert!(boards.iter().all(|b| b.previous
        == Some(PeriodKey {
            year: 2023,
            quarter: 2
        })));
    assert!(
        boards[0]
            .board
            .rows
            .iter()
            .any(|r| !matches!(r.change, shaibang::ranking::Change::Same))
    );
    // The 经济发展类部门 tie-break separates two equal totals.
    let econ = &boards[1];
    assert!(
        econ.board
            .rows
            .iter()
            .any(|r| r.equal_total > 0 && !r.tied && r.decided_by == vec![0])
    );
}

#[test]
fn publishing_is_refused_out_of_order_or_with_a_group_missing() {
    let db = structure_db();
    import(&db, "streets-gbk.csv").expect("streets only");
    let err =
        shaibang::ops::publish(&mut db.store.conn().unwrap(), Q3).expect_err("departments missing");
    assert!(
        matches!(&err, OpsError::Refused(Refusal::GroupsWithoutScores { period, groups })
            if *period == Q3 && groups.contains(&"经济发展类部门".to_string())),
        "{err:?}"
    );
    // What the clerk reads.
    assert!(
        err.to_string().contains("经济发展类部门") && err.to_string().contains("还没有任何得分"),
        "{err}"
    );
    let q2 = PeriodKey {
        year: 2023,
        quarter: 2,
    };
    crate::helpers::import_all_groups(&db, q2);
    crate::helpers::import_all_groups(&db, Q3);
    let err = shaibang::ops::publish(&mut db.store.conn().unwrap(), Q3)
        .expect_err("2023Q2 is still a draft");
    assert!(
        matches!(&err, OpsError::Refused(Refusal::EarlierDraft { drafts }) if drafts == &[q2]),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("请先揭榜更早的期间 2023Q2"),
        "{err}"
    );
    shaibang::ops::publish(&mut db.store.conn().unwrap(), q2).expect("in order");
    shaibang::ops::publish(&mut db.store.conn().unwrap(), Q3).expect("then Q3");
    let err = shaibang::ops::publish(&mut db.store.conn().unwrap(), Q3).expect_err("twice");
    assert!(
        matches!(err, OpsError::Refused(Refusal::AlreadyPublished { period }) if period == Q3),
        "{err:?}"
    );
}

/// The planner remembers what a long file gave by period; a duplicate is found however far
/// apart the two rows are, with the first row's number while its period is one of the last
/// few the file used.
#[test]
fn a_duplicate_score_is_found_across_many_periods() {
    let db = structure_db();
    let mut csv = String::from("期间,单位,指标,得分\n");
    let periods: Vec<String> = (2020..2022)
        .flat_map(|y| (1..=4).map(move |q| format!("{y}Q{q}")))
        .collect();
    for p in &periods {
        csv.push_str(&format!("{p},金碧街道,固定资产投资,10\n"));
    }
    csv.push_str("2021Q4,金碧街道,固定资产投资,11\n");
    csv.push_str("2020Q1,金碧街道,固定资产投资,12\n");
    let before = dump(&db);
    let err = shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        csv.as_bytes(),
        "dup.csv",
        None,
        &opts(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("第10行 C列：「金碧街道」在2021Q4的「固定资产投资」得分已出现在第9行"),
        "{text}"
    );
    assert!(
        text.contains(
            "第11行 C列：「金碧街道」在2020Q1的「固定资产投资」得分已出现在本文件前面的行"
        ),
        "{text}"
    );
    assert_eq!(before, dump(&db), "nothing written");
}

/// A correction whose rows jump between periods compares every value with the stored one and
/// keeps every replaced value, although the writer holds only a few periods in memory.
#[test]
fn a_correction_interleaving_periods_keeps_every_replaced_value() {
    let db = structure_db();
    let quarters = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"];
    let inds = ["固定资产投资", "工业投资"];
    let mut first = String::from("期间,单位,指标,得分\n");
    for q in quarters {
        for i in inds {
            first.push_str(&format!("{q},金碧街道,{i},10\n"));
        }
    }
    let conn = &mut db.store.conn().unwrap();
    shaibang::ops::import_file(conn, first.as_bytes(), "a.csv", None, &opts()).unwrap();
    // Each row moves to another period: the writer reloads periods it had pushed out.
    let mut second = String::from("期间,单位,指标,得分\n");
    for i in inds {
        for (k, q) in quarters.iter().enumerate() {
            let v = if k % 2 == 0 { "10" } else { "5" };
            second.push_str(&format!("{q},金碧街道,{i},{v}\n"));
        }
    }
    let (_, outcome) =
        shaibang::ops::import_file(conn, second.as_bytes(), "b.csv", None, &opts()).unwrap();
    let ApplyOutcome::Applied { summary, .. } = outcome else {
        panic!("applied expected: {outcome:?}");
    };
    assert_eq!(
        (summary.changed, summary.unchanged, summary.added),
        (4, 4, 0)
    );
    let history: i64 = conn
        .query_row("SELECT COUNT(*) FROM score_history", [], |r| r.get(0))
        .unwrap();
    assert_eq!(history, 4, "each replaced value kept once");
    for (k, q) in quarters.iter().enumerate() {
        let key = PeriodKey::parse(q).unwrap();
        let want = if k % 2 == 0 { "10" } else { "5" };
        assert_eq!(stored(&db, key, "金碧街道", "gytz"), p(want), "{q}");
    }
}
