//! The real binary, as staff and scripts run it.

use crate::helpers::{dump, fixture_path, shaibang, structure_db, text};

#[test]
fn check_validates_without_writing_and_import_writes() {
    let db = structure_db();
    let file = fixture_path("streets-gbk.csv");
    let before = dump(&db);
    let out = shaibang(
        &db.path,
        &[
            "check",
            file.to_str().unwrap(),
            "--period",
            "2023年第三季度",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("GBK/GB18030") && stdout.contains("新增87个分值和2条备注"),
        "{stdout}"
    );
    assert!(stdout.contains("检查通过，未写入"), "{stdout}");
    assert_eq!(before, dump(&db));

    let out = shaibang(
        &db.path,
        &["import", file.to_str().unwrap(), "--period", "2023Q3"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已导入（导入批次 #1）"));
    let out = shaibang(
        &db.path,
        &["import", file.to_str().unwrap(), "--period", "2023Q3"],
    );
    assert!(
        text(&out.stdout).contains("未做任何修改"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_input_exits_non_zero_with_every_error() {
    let db = structure_db();
    let before = dump(&db);
    for cmd in ["check", "import"] {
        let out = shaibang(
            &db.path,
            &[
                cmd,
                fixture_path("bad-many.csv").to_str().unwrap(),
                "--period",
                "2023Q3",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = text(&out.stderr);
        assert!(err.contains("文件有3处错误，未导入任何数据"), "{err}");
        assert!(
            err.contains("第2行 B列「固定资产投资」：「abc」不是数字"),
            "{err}"
        );
        assert!(
            err.contains("第4行 A列「单位」：找不到参赛单位「不存在街道」"),
            "{err}"
        );
        assert!(err.contains("第9行 I列「作风建设」：11 超出范围"), "{err}");
    }
    assert_eq!(before, dump(&db));
}

#[test]
fn a_missing_period_is_an_error() {
    let db = structure_db();
    let out = shaibang(
        &db.path,
        &["check", fixture_path("streets-gbk.csv").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("未指定期间"));
    let out = shaibang(
        &db.path,
        &[
            "check",
            fixture_path("streets-gbk.csv").to_str().unwrap(),
            "--period",
            "2023Q5",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("无法识别的期间「2023Q5」"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn board_prints_table_csv_and_json() {
    let db = crate::helpers::demo_db();
    let out = shaibang(
        &db.path,
        &[
            "board",
            "--period",
            "2023Q3",
            "--group",
            "街道组",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v[0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(v[0]["group"], "街道组");
    // Ranks are standard competition ranks: each is 1 + the number of strictly higher totals.
    for r in rows {
        let total = r["total"].as_f64().unwrap();
        let higher = rows
            .iter()
            .filter(|o| o["total"].as_f64().unwrap() > total)
            .count();
        assert_eq!(r["rank"].as_u64().unwrap() as usize, higher + 1, "{r}");
        let tied = rows
            .iter()
            .filter(|o| o["total"].as_f64().unwrap() == total)
            .count()
            > 1;
        assert_eq!(r["tied"].as_bool().unwrap(), tied);
    }
    let out = shaibang(
        &db.path,
        &["board", "--period", "2023Q3", "--format", "csv"],
    );
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("期间,组别,名次,单位,总分,并列或同分,变化,榜单"),
        "{csv}"
    );
    assert_eq!(csv.lines().filter(|l| l.starts_with("2023Q3,")).count(), 26);
    let out = shaibang(&db.path, &["board", "--period", "2023Q3"]);
    let table = text(&out.stdout);
    assert!(
        table.contains("2023年第三季度 街道组（已揭榜）")
            && table.contains("并列")
            && table.contains("规则：")
    );
    let out = shaibang(&db.path, &["board", "--period", "2023Q4"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("期间2023Q4不存在"));
}

#[test]
fn honors_and_playlists_from_the_command_line() {
    let db = crate::helpers::demo_db();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "期间,姓名,单位,称号,事迹\n2023Q3,,马街街道,实干先锋,好\n",
    )
    .unwrap();
    let before = dump(&db);
    let out = shaibang(&db.path, &["honors", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("第2行 B列「姓名」：不能为空"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(before, dump(&db));
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "姓名,单位,称号,事迹\n赵某（示例）,马街街道,实干先锋,一句话事迹\n",
    )
    .unwrap();
    let out = shaibang(
        &db.path,
        &["honors", good.to_str().unwrap(), "--period", "2023Q3"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A list for a quarter before the published ones (a typo) is refused and writes nothing.
    let before = dump(&db);
    let out = shaibang(
        &db.path,
        &["honors", good.to_str().unwrap(), "--period", "2022Q4"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("期间2022Q4早于已揭榜的2023Q1，不能新建"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(before, dump(&db));
    let conn = db.store.conn().unwrap();
    let (n, kept): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM honor), (SELECT COUNT(*) FROM honor_history)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, kept), (1, 4), "the earlier list is kept in history");
    let out = shaibang(
        &db.path,
        &[
            "playlist",
            "二楼",
            "--slides",
            "board:街道组@20,honors",
            "--seconds",
            "12",
            "--theme",
            "dark",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let p = shaibang::store::playlist(&conn, "二楼").unwrap().unwrap();
    assert_eq!(
        (p.slides.as_str(), p.seconds, p.theme.as_str()),
        ("board:街道组@20,honors", 12, "dark")
    );
    let out = shaibang(&db.path, &["playlists"]);
    let listed = text(&out.stdout);
    assert!(
        listed.contains("/lobby/二楼\t12秒\tdark\tboard:街道组@20,honors")
            && listed.contains("/lobby/大厅"),
        "{listed}"
    );
    let out = shaibang(&db.path, &["playlist", "x", "--slides", "nonsense"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("无法识别的幻灯片"));
}

#[test]
fn a_writer_waits_its_turn_and_says_so() {
    let db = structure_db();
    let file = fixture_path("streets-gbk.csv");
    // Another write holds the database for a moment.
    let holder = rusqlite::Connection::open(&db.path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        holder.execute_batch("COMMIT;").unwrap();
    });
    let out = shaibang(
        &db.path,
        &["import", file.to_str().unwrap(), "--period", "2023Q3"],
    );
    release.join().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("另一项导入或揭榜正在进行，正在等待其完成"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("已导入"));
}

#[test]
fn a_database_path_that_does_not_exist_is_refused_and_output_has_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.db");
    for args in [
        &["periods"][..],
        &["verify"],
        &["board", "--period", "2023Q1"],
    ] {
        let out = crate::helpers::shaibang(&missing, args);
        assert!(!out.status.success(), "{args:?}");
        let err = crate::helpers::text(&out.stderr);
        assert!(
            err.contains("数据库文件") && err.contains("不存在"),
            "{err}"
        );
        assert!(!missing.exists(), "{args:?} created the file");
    }
    // `init` creates it; what it prints into a pipe carries no ANSI escapes.
    let out = crate::helpers::shaibang(
        &missing,
        &[
            "init",
            "--competition",
            crate::helpers::fixture_path("years/2022.toml")
                .to_str()
                .unwrap(),
            "--units",
            crate::helpers::fixture_path("years/2022-units.csv")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        crate::helpers::text(&out.stderr)
    );
    let all = [out.stdout, out.stderr].concat();
    assert!(!all.contains(&0x1b), "{}", crate::helpers::text(&all));
    assert!(missing.exists());
}

#[test]
fn help_and_argument_errors_speak_chinese() {
    let db = structure_db();
    for args in [
        vec!["--help"],
        vec!["import", "--help"],
        vec!["veto", "set", "-h"],
        vec!["serve", "--help"],
    ] {
        let out = shaibang(&db.path, &args);
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(help.contains("用法：shaibang"), "{args:?}: {help}");
        for english in [
            "Usage",
            "Options:",
            "Commands:",
            "Print help",
            "[default",
            "[env",
        ] {
            assert!(!help.contains(english), "{args:?}: 「{english}」 in {help}");
        }
    }
    let top = text(&shaibang(&db.path, &["--help"]).stdout);
    assert!(
        top.contains("揭榜（正式公布）某期间") && top.contains("显示帮助"),
        "{top}"
    );
    let out = shaibang(&db.path, &["import", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("错误：不认识的参数「--bogus」") && err.contains("shaibang --help"),
        "{err}"
    );
    let out = shaibang(&db.path, &["board", "--period", "2023X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("无法识别的期间「2023X」"));
}
