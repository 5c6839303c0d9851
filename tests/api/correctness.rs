//! The ranking rules where a careful 考评办 would look twice: names that could book a score to
//! the wrong unit, weights, exact and rounded totals, the year so far, missing quarters,
//! movement across a gap, tier cuts with ties, reading that must not write, and re-importing a
//! published file. Each test goes through the real store (and the binary where staff would).

use crate::helpers::{TestDb, dump, shaibang, text};
use shaibang::boards::{self, GroupBoard, View};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::{PeriodKey, Total};
use shaibang::import::ImportError;
use shaibang::ops::OpsError;
use shaibang::present::ChangeText;
use shaibang::ranking::{Change, Tier};
use shaibang::store::{self, ApplyOptions, ApplyOutcome, Store};

fn q(quarter: u8) -> PeriodKey {
    PeriodKey {
        year: 2023,
        quarter,
    }
}

/// A competition of one group 测试组 (街道) from TOML text (its `[competition]` header and
/// year are supplied) and a list of unit names.
fn competition(rest: &str, units: &[&str]) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = Store::open(&path).unwrap();
    let toml = format!("[competition]\nname = \"测试\"\nyear = 2023\n{rest}");
    let mut csv = String::from("单位,简称,别名,类型,组别\n");
    for u in units {
        csv.push_str(&format!("{u},,,街道,测试组\n"));
    }
    let spec = CompetitionSpec::parse(&toml, csv.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
    shaibang::ops::install(&mut store.conn().unwrap(), &spec).unwrap();
    TestDb {
        _dir: dir,
        path,
        store,
    }
}

/// Imports a CSV into `key` as the command line does (file name `t.csv`).
pub(crate) fn import(db: &TestDb, csv: &str, key: PeriodKey) -> Result<ApplyOutcome, OpsError> {
    let opts = ApplyOptions {
        actor: "test",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        csv.as_bytes(),
        "t.csv",
        Some(key),
        &opts,
    )
    .map(|(_, o)| o)
}

fn publish(db: &TestDb, key: PeriodKey) {
    shaibang::ops::publish(&mut db.store.conn().unwrap(), key).unwrap();
}

fn board(db: &TestDb, key: PeriodKey, view: View) -> GroupBoard {
    let conn = db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let g = s.groups[0].id;
    boards::group_board(&conn, &s, key, g, view)
        .unwrap()
        .expect("board")
}

fn row<'a>(b: &'a GroupBoard, name: &str) -> &'a shaibang::ranking::BoardRow {
    b.board
        .rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} not on the board"))
}

const ONE_INDICATOR: &str = r#"
[[groups]]
name = "测试组"
kind = "街道"
red = 1
black = 1

[[indicators]]
name = "指标甲"
code = "a"
max = 100
groups = ["测试组"]
"#;

const TWO_GROUP_TOML: &str = r#"
[competition]
name = "测试"
year = 2023

[[groups]]
name = "经济发展类部门"
kind = "部门"

[[indicators]]
name = "指标甲"
code = "a"
max = 100
groups = ["经济发展类部门"]
"#;

#[test]
fn init_refuses_names_that_could_book_a_score_to_the_wrong_unit() {
    let cases = [
        // Two units with the same 简称.
        (
            "单位,简称,别名,类型,组别\n区商务局,商务局,,部门,经济发展类部门\n市商务局驻区办,商务局,,部门,经济发展类部门\n",
            "「市商务局驻区办」的简称「商务局」与第2行「区商务局」的简称「商务局」相同",
        ),
        // An alias equal to another unit's short name.
        (
            "单位,简称,别名,类型,组别\n区商务局,商务局,,部门,经济发展类部门\n市商务局驻区办,驻区办,商务局,部门,经济发展类部门\n",
            "「市商务局驻区办」的别名「商务局」与第2行「区商务局」的简称「商务局」相同",
        ),
        // Names equal after folding full-width letters and removing spaces.
        (
            "单位,简称,别名,类型,组别\nA区街道,,,部门,经济发展类部门\nＡ区 街道,,,部门,经济发展类部门\n",
            "第3行：「Ａ区 街道」的名称「Ａ区 街道」与第2行「A区街道」的名称「A区街道」相同",
        ),
        // A unit's name used as another unit's alias.
        (
            "单位,简称,别名,类型,组别\n区发改局,,,部门,经济发展类部门\n区统计局,,区发改局,部门,经济发展类部门\n",
            "「区统计局」的别名「区发改局」与第2行「区发改局」的名称「区发改局」相同",
        ),
    ];
    for (units, want) in cases {
        let errs = CompetitionSpec::parse(TWO_GROUP_TOML, units.as_bytes()).unwrap_err();
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "{errs:?}\nwant {want}"
        );
    }
    // A unit may repeat its own name as its short name or alias.
    let own = "单位,简称,别名,类型,组别\n区商务局,区商务局,区商务局;商务局,部门,经济发展类部门\n";
    assert!(CompetitionSpec::parse(TWO_GROUP_TOML, own.as_bytes()).is_ok());

    // The binary refuses too, naming both units, and writes nothing.
    let dir = tempfile::tempdir().unwrap();
    let (toml, units, db) = (
        dir.path().join("c.toml"),
        dir.path().join("u.csv"),
        dir.path().join("c.db"),
    );
    std::fs::write(&toml, TWO_GROUP_TOML).unwrap();
    std::fs::write(&units, cases[0].0).unwrap();
    let out = shaibang(
        &db,
        &[
            "init",
            "--competition",
            toml.to_str().unwrap(),
            "--units",
            units.to_str().unwrap(),
        ],
    );
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("区商务局") && stderr.contains("市商务局驻区办"),
        "{stderr}"
    );
    let conn = Store::open(&db).unwrap();
    assert!(
        store::load_structure(&conn.conn().unwrap())
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_name_shared_in_an_older_database_is_refused_not_guessed() {
    let db = competition(ONE_INDICATOR, &["甲街道", "乙街道"]);
    // A database installed before `init` refused collisions: 乙街道 also answers to 甲街道's
    // short name.
    let conn = db.store.conn().unwrap();
    conn.execute_batch(
        "INSERT INTO unit_alias (unit_id, alias) SELECT id, '甲' FROM unit WHERE name = '甲街道';
         INSERT INTO unit_alias (unit_id, alias) SELECT id, '甲' FROM unit WHERE name = '乙街道';",
    )
    .unwrap();
    drop(conn);
    let before = dump(&db);
    let err = import(&db, "单位,指标甲\n甲,90\n乙街道,80\n", q(1)).unwrap_err();
    let OpsError::File(errs) = err else {
        panic!("{err}")
    };
    let ambiguous = errs
        .0
        .iter()
        .find(|e| matches!(e, ImportError::AmbiguousUnit { .. }))
        .expect("an ambiguity error");
    let ImportError::AmbiguousUnit { name, units, .. } = ambiguous else {
        unreachable!()
    };
    assert_eq!(name, "甲");
    assert_eq!(units, &["甲街道".to_string(), "乙街道".to_string()]);
    assert!(
        ambiguous
            .to_string()
            .contains("第2行 A列「单位」：「甲」同时是「甲街道」和「乙街道」的名称或简称"),
        "{ambiguous}"
    );
    assert_eq!(dump(&db), before, "nothing written");
}

#[test]
fn weights_and_maxima_must_be_positive_and_exact() {
    let toml = |weight: &str| {
        format!(
            "[competition]\nname = \"测试\"\nyear = 2023\n[[groups]]\nname = \"测试组\"\nkind = \"街道\"\n\
             [[indicators]]\nname = \"营商环境\"\ncode = \"a\"\nmax = 10\nweight = {weight}\ngroups = [\"测试组\"]\n"
        )
    };
    let units = "单位,简称,别名,类型,组别\n甲,,,街道,测试组\n";
    for (weight, want) in [
        ("-1", "指标「营商环境」的权重 weight 应大于0，而不是「-1」"),
        ("0", "指标「营商环境」的权重 weight 应大于0，而不是「0」"),
        (
            "0.00001",
            "指标「营商环境」的权重 weight 应为最多4位小数的数",
        ),
        ("1e-9", "指标「营商环境」的权重 weight 应为最多4位小数的数"),
        ("0.33333", "而不是「0.33333」"),
        ("5000", "指标「营商环境」的权重 weight 不应超过1000"),
        ("nan", "指标「营商环境」的权重 weight 应为最多4位小数的数"),
    ] {
        let errs = CompetitionSpec::parse(&toml(weight), units.as_bytes()).unwrap_err();
        assert!(errs.iter().any(|e| e.contains(want)), "{weight}: {errs:?}");
    }
    for weight in ["0.3333", "2", "0.15", "1000"] {
        assert!(
            CompetitionSpec::parse(&toml(weight), units.as_bytes()).is_ok(),
            "{weight}"
        );
    }
    let bad_max = toml("1").replace("max = 10", "max = 10.00005");
    let errs = CompetitionSpec::parse(&bad_max, units.as_bytes()).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.contains("指标「营商环境」的满分 max 应为最多4位小数的数")),
        "{errs:?}"
    );
}

#[test]
fn weighted_totals_are_exact_and_rounded_only_when_the_rules_say_so() {
    let weighted = r#"
[[groups]]
name = "测试组"
kind = "街道"
red = 1
black = 1

[[indicators]]
name = "指标甲"
code = "a"
max = 100
weight = 0.15
groups = ["测试组"]

[[indicators]]
name = "指标乙"
code = "b"
max = 100
weight = 0.15
groups = ["测试组"]
"#;
    // Rounding each weighted part to 0.0001 would put 乙 (4.5262) above 甲 (4.5261); exactly,
    // 甲 has 4.52616 and 乙 4.526145.
    let csv = "单位,指标甲,指标乙\n甲,20.0449,10.1295\n乙,20.0619,10.1124\n丙,1,1\n";
    let db = competition(weighted, &["甲", "乙", "丙"]);
    import(&db, csv, q(1)).unwrap();
    publish(&db, q(1));
    let b = board(&db, q(1), View::Quarter);
    assert_eq!(row(&b, "甲").total, Total(452_616_000));
    assert_eq!(row(&b, "乙").total, Total(452_614_500));
    assert_eq!(row(&b, "甲").rank, Some(1));
    assert_eq!(row(&b, "乙").rank, Some(2));
    assert_eq!(row(&b, "甲").tier, Tier::Red);
    assert!(
        b.rules_text.contains("按各项精确值计算，不逐项四舍五入"),
        "{}",
        b.rules_text
    );
    // The binary shows every digit, so the two never look equal.
    let out = shaibang(
        &db.path,
        &["board", "--period", "2023Q1", "--format", "csv"],
    );
    let csv_out = text(&out.stdout);
    assert!(
        csv_out.contains("4.52616") && csv_out.contains("4.526145"),
        "{csv_out}"
    );

    // 保留两位小数: the same values are then both 4.53, tied, and the board says so.
    let rounded = format!("total_decimals = 2\n{weighted}");
    let db = competition(&rounded, &["甲", "乙", "丙"]);
    import(&db, csv, q(1)).unwrap();
    let b = board(&db, q(1), View::Quarter);
    assert_eq!(row(&b, "甲").total, Total(453_000_000));
    assert_eq!(row(&b, "乙").total, Total(453_000_000));
    assert_eq!(row(&b, "甲").rank, Some(1));
    assert_eq!(row(&b, "乙").rank, Some(1));
    assert!(row(&b, "甲").tied);
    assert!(
        b.rules_text.contains("四舍五入保留两位小数后排名"),
        "{}",
        b.rules_text
    );
}

#[test]
fn the_year_so_far_adds_the_quarterly_totals_as_posted() {
    let toml = format!("total_decimals = 2\n{ONE_INDICATOR}");
    let db = competition(&toml, &["甲", "乙", "丙"]);
    // Each quarter 甲's 10.004 is posted as 10.00, level with 乙. Re-scoring the summed
    // points (20.008 → 20.01) would put 甲 alone on top of the year.
    for k in [1, 2] {
        import(&db, "单位,指标甲\n甲,10.004\n乙,10\n丙,5\n", q(k)).unwrap();
        publish(&db, q(k));
    }
    let b = board(&db, q(2), View::Cumulative);
    assert_eq!(row(&b, "甲").total, Total(2_000_000_000));
    assert_eq!(row(&b, "乙").total, Total(2_000_000_000));
    assert_eq!(row(&b, "甲").rank, Some(1));
    assert_eq!(row(&b, "乙").rank, Some(1));
    let q1 = board(&db, q(1), View::Quarter);
    let q2 = board(&db, q(2), View::Quarter);
    for r in &b.board.rows {
        assert_eq!(r.total, row(&q1, &r.name).total + row(&q2, &r.name).total);
    }
    assert!(
        b.rules_text
            .starts_with("累计总分为2023年1–2季度各季度榜单总分之和"),
        "{}",
        b.rules_text
    );
}

#[test]
fn a_unit_missing_a_whole_quarter_is_flagged_and_not_ranked_year_to_date() {
    let db = competition(ONE_INDICATOR, &["甲", "乙", "丙"]);
    import(&db, "单位,指标甲\n甲,90\n乙,80\n丙,70\n", q(1)).unwrap();
    publish(&db, q(1));
    // 丙 has no score in Q2: not ranked that quarter…
    import(&db, "单位,指标甲\n甲,60\n乙,50\n", q(2)).unwrap();
    publish(&db, q(2));
    let b = board(&db, q(2), View::Quarter);
    assert_eq!(row(&b, "丙").rank, None);
    // …and year to date it is not ranked with 0 for Q2 (which would put it on the 黑榜), but
    // shown with the quarter it is missing.
    let b = board(&db, q(2), View::Cumulative);
    let c = row(&b, "丙");
    assert_eq!(c.rank, None);
    assert_eq!(c.tier, Tier::None);
    assert_eq!(c.missing_quarters, vec![2]);
    assert_eq!(
        shaibang::present::missing_note(&b, c),
        "缺少：指标甲；第2季度未参与排名"
    );
    assert_eq!(row(&b, "乙").tier, Tier::Black);
    assert!(
        b.rules_text
            .contains("任一季度未参与排名的单位不参与累计排名（标注所缺季度）"),
        "{}",
        b.rules_text
    );
    // The JSON and the board page say so.
    let conn = db.store.conn().unwrap();
    let json = serde_json::to_value(shaibang::present::BoardJson::new(&b)).unwrap();
    let c = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "丙")
        .unwrap();
    assert_eq!(c["rank"], serde_json::Value::Null);
    assert_eq!(c["missing_quarters"], serde_json::json!([2]));
    drop(conn);
    let app = crate::helpers::spawn_app(db);
    let page = crate::helpers::get(&format!("{}/boards/2023Q2/1?view=cumulative", app.base));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("第2季度未参与排名") && page.body.contains("数据缺失"),
        "{}",
        page.body
    );
}

#[test]
fn the_exclude_rule_is_stated_once() {
    let toml = format!("missing = \"exclude\"\n{ONE_INDICATOR}");
    let db = competition(&toml, &["甲", "乙"]);
    import(&db, "单位,指标甲\n甲,90\n乙,80\n", q(1)).unwrap();
    publish(&db, q(1));
    for view in [View::Quarter, View::Cumulative] {
        let b = board(&db, q(1), view);
        assert!(
            b.rules_text.contains("有缺项的单位不参与排名"),
            "{}",
            b.rules_text
        );
        assert!(!b.rules_text.contains("缺项按0分"), "{}", b.rules_text);
    }
}

#[test]
fn movement_across_a_gap_says_so() {
    let db = competition(ONE_INDICATOR, &["甲", "乙", "丙", "丁"]);
    import(&db, "单位,指标甲\n甲,90\n乙,80\n丙,70\n", q(1)).unwrap();
    publish(&db, q(1));
    // Q2: 甲 sends nothing; 乙 and 丙 each move up one place only because 甲 is missing.
    import(&db, "单位,指标甲\n乙,80\n丙,70\n丁,60\n", q(2)).unwrap();
    publish(&db, q(2));
    let b = board(&db, q(2), View::Quarter);
    assert_eq!(row(&b, "乙").change, Change::Up(1));
    assert_eq!(row(&b, "丁").change, Change::New);
    assert!(
        b.rules_text.contains(
            "注：与上期相比，上期排名的「甲」本期未参与排名，「丁」上期未参与排名，其他单位的名次变化含此影响。"
        ),
        "{}",
        b.rules_text
    );
    // Q3: 甲 is back. It ranked 1st in Q1, so it is not 新.
    import(&db, "单位,指标甲\n甲,95\n乙,80\n丙,70\n丁,60\n", q(3)).unwrap();
    let b = board(&db, q(3), View::Quarter);
    assert_eq!(row(&b, "甲").change, Change::Returned);
    assert_eq!(row(&b, "甲").change.label(), "上期未排名");
    assert_eq!(row(&b, "乙").change, Change::Down(1));
}

#[test]
fn tier_cuts_with_ties_follow_the_stated_rule() {
    // Four units, a three-way tie for 2nd, one 黑榜 place.
    let csv = "单位,指标甲\n甲,90\n乙,80\n丙,80\n丁,80\n";
    let db = competition(ONE_INDICATOR, &["甲", "乙", "丙", "丁"]);
    import(&db, csv, q(1)).unwrap();
    let b = board(&db, q(1), View::Quarter);
    // Three units shown as 第2名 are not put on the 黑榜: they are in the top half.
    assert!(b.board.rows.iter().all(|r| r.tier != Tier::Black));
    assert!(
        b.rules_text.contains(
            "前1名列入红榜、后1名列入黑榜，名额边界上并列的单位同时列入，名次在前一半的单位不列入黑榜，同时符合两榜条件的列入红榜"
        ),
        "{}",
        b.rules_text
    );
    // A group may choose otherwise, and its board says so.
    let toml = ONE_INDICATOR.replace(
        "black = 1\n",
        "black = 1\ncut_ties = \"all-out\"\nblack_spares_top_half = false\n",
    );
    let db = competition(&toml, &["甲", "乙", "丙", "丁"]);
    import(&db, "单位,指标甲\n甲,90\n乙,90\n丙,80\n丁,70\n", q(1)).unwrap();
    let b = board(&db, q(1), View::Quarter);
    assert_eq!(
        row(&b, "甲").tier,
        Tier::None,
        "a tie across the 红榜 cut is left out"
    );
    assert_eq!(row(&b, "丁").tier, Tier::Black);
    assert!(
        b.rules_text.contains("名额边界上并列的单位均不列入") && !b.rules_text.contains("前一半"),
        "{}",
        b.rules_text
    );
    let bad = ONE_INDICATOR.replace("black = 1\n", "black = 1\ncut_ties = \"some\"\n");
    let units = "单位,简称,别名,类型,组别\n甲,,,街道,测试组\n";
    let toml = format!("[competition]\nname = \"测试\"\nyear = 2023\n{bad}");
    assert!(CompetitionSpec::parse(&toml, units.as_bytes()).is_err());
}

#[test]
fn reimporting_the_same_file_into_a_published_period_changes_nothing() {
    let db = competition(ONE_INDICATOR, &["甲", "乙"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q1.csv");
    std::fs::write(&file, "单位,指标甲\n甲,90\n乙,80\n").unwrap();
    let f = file.to_str().unwrap();
    let out = shaibang(&db.path, &["import", f, "--period", "2023Q1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(shaibang(&db.path, &["publish", "2023Q1"]).status.success());
    let before = dump(&db);
    for cmd in ["import", "check"] {
        let out = shaibang(&db.path, &[cmd, f, "--period", "2023Q1"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("不变2项"),
            "{}",
            text(&out.stdout)
        );
    }
    assert!(
        text(&shaibang(&db.path, &["import", f, "--period", "2023Q1"]).stdout)
            .contains("未做任何修改")
    );
    // Batches of no-op imports are not kept either.
    assert_eq!(dump(&db), before);
    // A file that would change the published period is still refused.
    std::fs::write(&file, "单位,指标甲\n甲,90\n乙,85\n").unwrap();
    let out = shaibang(&db.path, &["import", f, "--period", "2023Q1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("已揭榜"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(dump(&db), before);
}
