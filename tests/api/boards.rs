//! Pages, charts, exports and the JSON API over real HTTP, on a small hand-checked
//! competition whose units include `<script>alert(1)</script>` and `=1+1`.

use crate::helpers::{TestApp, get, spawn_app};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::PeriodKey;
use shaibang::store::{ApplyOptions, Store};

pub const XSS: &str = "<script>alert(1)</script>";

const TOML: &str = r#"
[competition]
name = "测试竞赛"
year = 2023

[[groups]]
name = "测试组"
kind = "街道"
red = 1
black = 1

[[groups]]
name = "另一组"
kind = "部门"

[[indicators]]
name = "指标甲"
code = "a"
max = 50
groups = ["测试组", "另一组"]

[[indicators]]
name = "指标乙"
code = "b"
max = 50
groups = ["测试组"]
"#;

/// Q1: 丙 90, 甲 60, XSS 40, 丁 20, =1+1 10.
const Q1: &str = "单位,指标甲,指标乙,加分,扣分\n甲,30,30,,\n<script>alert(1)</script>,20,20,,\n丙,45,45,,\n丁,10,10,,\n=1+1,5,5,,\n";
/// Q2: 甲 70 and XSS 70 (tied first), 丙 47 (with a bonus of 2), 丁 14 (penalty 1), =1+1 2.
pub const Q2: &str = "单位,指标甲,指标乙,加分,扣分,备注\n甲,40,30,,,\n<script>alert(1)</script>,35,35,,,\n丙,20,25,2,,获奖<b>加分</b>\n丁,10,5,,1,\n=1+1,1,1,,,\n";

pub fn fixture_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boards.db");
    let store = Store::open(&path).unwrap();
    let units = "单位,简称,别名,类型,组别\n甲,,,街道,测试组\n<script>alert(1)</script>,,,街道,测试组\n丙,,,街道,测试组\n丁,,,街道,测试组\n=1+1,,,街道,测试组\n戊,,,部门,另一组\n";
    let spec = CompetitionSpec::parse(TOML, units.as_bytes()).unwrap();
    let mut conn = store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    let opts = ApplyOptions {
        actor: "test",
        allow_published: false,
        dry_run: false,
    };
    for (q, csv) in [(1, Q1), (2, Q2)] {
        let key = PeriodKey {
            year: 2023,
            quarter: q,
        };
        shaibang::ops::import_file(&mut conn, csv.as_bytes(), "t.csv", Some(key), &opts).unwrap();
        shaibang::ops::import_file(
            &mut conn,
            "单位,指标甲\n戊,30\n".as_bytes(),
            "o.csv",
            Some(key),
            &opts,
        )
        .unwrap();
        shaibang::ops::publish(&mut conn, key).unwrap();
    }
    // A draft that must not be visible.
    shaibang::ops::import_file(
        &mut conn,
        Q1.as_bytes(),
        "t.csv",
        Some(PeriodKey {
            year: 2023,
            quarter: 3,
        }),
        &opts,
    )
    .unwrap();
    drop(conn);
    spawn_app(crate::helpers::TestDb {
        _dir: dir,
        path,
        store,
    })
}

fn unit_id(app: &TestApp, name: &str) -> i64 {
    app.db
        .store
        .conn()
        .unwrap()
        .query_row("SELECT id FROM unit WHERE name = ?1", [name], |r| r.get(0))
        .unwrap()
}

fn assert_html_escaped(body: &str, what: &str) {
    assert!(!body.contains(XSS), "{what}: raw script tag in output");
    // askama writes numeric character references.
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{what}: escaped name missing"
    );
}

/// The body rows of the full board table, each starting after its `<tr`.
pub(crate) fn board_rows(body: &str) -> Vec<&str> {
    let start = body
        .find("<table class=\"board full\">")
        .expect("board table");
    let tbody = &body[start..];
    let tbody = &tbody[tbody.find("<tbody>").unwrap()..tbody.find("</tbody>").unwrap()];
    tbody.split("<tr").skip(1).collect()
}

#[test]
fn group_board_has_the_hand_checked_numbers() {
    let app = fixture_app();
    let r = get(&format!("{}/boards/2023Q2/1", app.base));
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/html"));
    let b = &r.body;
    assert_html_escaped(b, "board");
    // 甲 and the XSS unit are tied first with 70.00; 丙 is third with 47.00; 丁 fourth with 14.00.
    let rows = board_rows(b);
    assert_eq!(rows.len(), 5);
    assert!(
        rows[0].starts_with(" class=\"tier-red")
            && rows[0].contains("1<span class=\"tied\">并列</span>")
            && rows[0].contains(">70.00<")
    );
    assert!(
        rows[1].starts_with(" class=\"tier-red")
            && rows[1].contains("1<span class=\"tied\">并列</span>")
            && rows[1].contains(">70.00<")
    );
    assert!(
        rows[2].contains(">3<")
            && rows[2].contains(">丙<")
            && rows[2].contains(">47.00<")
            && rows[2].contains(">2.00<")
    );
    assert!(rows[2].contains("↓2"), "丙 fell from 1st to 3rd");
    assert!(rows[0].contains("↑1") && rows[1].contains("↑2"));
    assert!(rows[3].contains(">丁<") && rows[3].contains(">14.00<") && rows[3].contains(">1.00<"));
    assert!(rows[4].starts_with(" class=\"tier-black") && rows[4].contains(">5<"));
    assert!(b.contains("总分相同者并列"), "rule line");
    // Sorted by 指标乙 descending: the XSS unit (35) first.
    let r = get(&format!("{}/boards/2023Q2/1?sort=i1&dir=desc", app.base));
    let first = board_rows(&r.body)[0];
    assert!(first.contains("alert(1)") && first.contains(">35.00<"));
    // Cumulative Q1+Q2: 丙 90+47 = 137, 甲 60+70 = 130, XSS 40+70 = 110, 丁 34, =1+1 12.
    let r = get(&format!("{}/boards/2023Q2/1?view=cumulative", app.base));
    assert!(r.body.contains("2023年1–2季度累计"));
    let first = board_rows(&r.body)[0];
    assert!(
        first.contains(">丙<") && first.contains(">137.00<"),
        "{first}"
    );
    let second = board_rows(&r.body)[1];
    assert!(
        second.contains(">甲<") && second.contains(">130.00<") && second.contains(">—<"),
        "{second}"
    );
}

#[test]
fn unknown_period_group_unit_and_drafts_are_404() {
    let app = fixture_app();
    for path in [
        "/boards/2022Q4/1",
        "/boards/2023Q3/1",
        "/boards/2023Q2/99",
        "/boards/2023Q2/1/why/999",
        "/boards/bogus/1",
        "/units/999",
        "/units/abc",
        "/indicators/999",
        "/compare?units=999",
        "/charts/2022Q4/1/totals.svg",
        "/charts/groups/99/bump.svg",
        "/charts/units/999/trend.svg",
        "/boards/2023Q3/1/export.csv",
        "/boards/2023Q2/99/export.xlsx",
        "/?period=2023Q3",
    ] {
        let r = get(&format!("{}{path}", app.base));
        assert_eq!(r.status, 404, "{path}");
    }
    for path in [
        "/api/v1/boards/2022Q4/1",
        "/api/v1/boards/2023Q2/99",
        "/api/v1/units/999",
        "/api/v1/boards/2023Q3/1",
    ] {
        let r = get(&format!("{}{path}", app.base));
        assert_eq!(r.status, 404, "{path}");
        assert!(r.content_type.starts_with("application/json"), "{path}");
    }
}

#[test]
fn every_page_escapes_the_script_unit() {
    let app = fixture_app();
    let x = unit_id(&app, XSS);
    let pages = [
        "/".to_string(),
        "/boards/2023Q2/1".into(),
        format!("/boards/2023Q2/1/why/{x}"),
        format!("/units/{x}"),
        format!("/units/{x}?period=2023Q1&print=1"),
        "/indicators/1".into(),
        format!("/compare?units={x}&units={}", unit_id(&app, "甲")),
    ];
    for p in &pages {
        let r = get(&format!("{}{p}", app.base));
        assert_eq!(r.status, 200, "{p}");
        assert!(r.content_type.starts_with("text/html"), "{p}");
        assert_html_escaped(&r.body, p);
        assert!(r.body.contains("测试竞赛"), "{p}");
        assert!(!r.body.contains("示例数据（虚构）"), "{p}: not demo data");
    }
    // The remark with markup is escaped too.
    let r = get(&format!(
        "{}/units/{}?period=2023Q2",
        app.base,
        unit_id(&app, "丙")
    ));
    assert!(
        r.body.contains("获奖&#60;b&#62;加分&#60;/b&#62;"),
        "remark escaped"
    );
}

#[test]
fn why_page_explains_ties_and_the_breakdown() {
    let app = fixture_app();
    let r = get(&format!(
        "{}/boards/2023Q2/1/why/{}",
        app.base,
        unit_id(&app, "甲")
    ));
    assert!(r.body.contains("为何是第1名"));
    assert!(r.body.contains("总分相同，并列第1名"), "tie explained");
    assert!(r.body.contains(">40.00<") && r.body.contains(">30.00<") && r.body.contains(">70.00<"));
    let r = get(&format!(
        "{}/boards/2023Q2/1/why/{}",
        app.base,
        unit_id(&app, "丙")
    ));
    assert!(
        r.body.contains("获奖&#60;b&#62;"),
        "bonus reason shown, escaped"
    );
    assert!(
        r.body.contains("距上一名（") && r.body.contains("相差 23.00 分"),
        "{}",
        r.body
    );
}

#[test]
fn unit_profile_shows_trend_standings_and_weak_points() {
    let app = fixture_app();
    let r = get(&format!("{}/units/{}", app.base, unit_id(&app, "丁")));
    assert_eq!(r.status, 200);
    let b = &r.body;
    assert!(b.contains("短板弱项"));
    // 丁 on 指标甲: 10 vs average (40+35+20+10+1)/5 = 21.20, leader 40.
    assert!(
        b.contains(">21.20<") && b.contains(">-11.20<") && b.contains(">-30.00<"),
        "gaps"
    );
    assert!(b.contains("2023年第一季度") && b.contains("2023年第二季度"));
    assert!(
        b.contains("/charts/units/") && b.contains("trend.svg") && b.contains("indicators.svg")
    );
}

#[test]
fn indicator_view_and_compare() {
    let app = fixture_app();
    let r = get(&format!("{}/indicators/1?group=1", app.base));
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("40.00（1）") && r.body.contains("45.00（1）"),
        "甲 Q2 and 丙 Q1 lead 指标甲"
    );
    assert!(
        r.body.contains("另一组"),
        "indicator shared by two groups offers both"
    );
    let r = get(&format!(
        "{}/compare?period=2023Q2&units={}&units={}",
        app.base,
        unit_id(&app, "甲"),
        unit_id(&app, "丙")
    ));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<td class=\"num best\">70.00</td>") && r.body.contains(">47.00<"));
    let r = get(&format!("{}/compare", app.base));
    assert!(r.body.contains("请在上方勾选两个或更多单位"));
}

#[test]
fn charts_are_well_formed_svg_with_chinese_labels_and_escaped_names() {
    let app = fixture_app();
    let x = unit_id(&app, XSS);
    for (path, label) in [
        ("/charts/2023Q2/1/totals.svg".to_string(), "测试组 总分"),
        (
            "/charts/2023Q2/1/totals.svg?view=cumulative".to_string(),
            "1–2季度累计",
        ),
        ("/charts/groups/1/bump.svg".to_string(), "各季度名次变化"),
        (format!("/charts/units/{x}/trend.svg"), "历季总分与名次"),
        (
            format!("/charts/units/{x}/indicators.svg?period=2023Q2"),
            "指标甲",
        ),
    ] {
        let r = get(&format!("{}{path}", app.base));
        assert_eq!(r.status, 200, "{path}");
        assert!(r.content_type.starts_with("image/svg+xml"), "{path}");
        let doc =
            roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{path}: not XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .expect("title");
        assert!(
            title.text().unwrap_or("").contains(label) || r.body.contains(label),
            "{path}: {label}"
        );
        assert!(
            doc.descendants().any(|n| n.has_tag_name("desc")),
            "{path}: desc"
        );
        let texts: String = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.contains(label), "{path}: label {label}");
        if !path.contains("indicators") {
            assert!(texts.contains(XSS), "{path}: the name round-trips as text");
        }
        assert!(!r.body.contains(XSS), "{path}: escaped in the markup");
        assert!(
            r.body.contains("Noto Sans CJK SC"),
            "{path}: CJK font stack"
        );
    }
}

#[test]
fn csv_export_opens_in_excel_and_neutralises_formulas() {
    let app = fixture_app();
    let r = get(&format!("{}/boards/2023Q2/1/export.csv", app.base));
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/csv"));
    assert!(r.body.starts_with('\u{FEFF}'), "UTF-8 BOM");
    let lines: Vec<&str> = r.body.trim_start_matches('\u{FEFF}').lines().collect();
    assert!(lines[0].starts_with("名次,并列或同分,单位,总分,变化,榜单,指标甲,指标乙,加分,扣分"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("1,并列,甲,70.00,↑1,红榜,40.00,30.00")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("1,并列,{XSS},70.00"))),
        "name as text"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("5,,'=1+1,2.00")),
        "formula neutralised: {lines:?}"
    );
}

#[test]
fn xlsx_export_round_trips() {
    use calamine::{Data, Reader, Xlsx};
    let app = fixture_app();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .get(&format!("{}/boards/2023Q2/1/export.xlsx", app.base))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // The Chinese name (RFC 6266 `filename*`), with an ASCII fallback.
    let cd = resp
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment"), "{cd}");
    assert!(cd.contains("filename=\"board-2023Q2-1.xlsx\""), "{cd}");
    let encoded: String = "2023年第二季度_测试组_考评结果.xlsx"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        cd.contains(&format!("filename*=UTF-8''{encoded}")),
        "{cd} should name {encoded}"
    );
    let bytes = resp.body_mut().read_to_vec().unwrap();
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range("测试组").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[calamine::Data]>::to_vec).collect();
    let find = |name: &str| {
        rows.iter()
            .find(|r| r.get(2) == Some(&Data::String(name.into())))
            .cloned()
            .unwrap()
    };
    let xss = find(XSS);
    assert_eq!(xss[0], Data::Float(1.0));
    assert_eq!(xss[3], Data::Float(70.0));
    assert_eq!(find("丙")[3], Data::Float(47.0));
    assert_eq!(find("丙")[8], Data::Float(2.0), "bonus");
    // The title merged across the table; the page set up for the circular.
    assert!(
        matches!(&rows[0][0], Data::String(t) if t.contains("2023年第二季度 测试组 考评结果")),
        "{:?}",
        rows[0]
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let sheet = part("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<mergeCell ref=\"A1:"), "merged title");
    assert!(
        sheet.contains("xSplit=\"3\" ySplit=\"3\""),
        "frozen header and unit column"
    );
    assert!(
        sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""),
        "A4 landscape"
    );
    assert!(
        sheet.contains("fitToHeight=\"0\""),
        "fit to the page's width"
    );
    assert!(sheet.contains("<col "), "column widths");
    let book = part("xl/workbook.xml");
    assert!(
        book.contains("_xlnm.Print_Titles"),
        "the header row on every page"
    );
}

#[test]
fn json_api() {
    let app = fixture_app();
    let j = |p: &str| -> serde_json::Value {
        let r = get(&format!("{}{p}", app.base));
        assert_eq!(r.status, 200, "{p}");
        assert!(r.content_type.starts_with("application/json"), "{p}");
        serde_json::from_str(&r.body).unwrap()
    };
    let periods = j("/api/v1/periods");
    assert_eq!(
        periods["periods"].as_array().unwrap().len(),
        2,
        "the draft is not listed"
    );
    let groups = j("/api/v1/groups");
    assert_eq!(groups[0]["name"], "测试组");
    assert_eq!(groups[0]["units"].as_array().unwrap().len(), 5);
    let board = j("/api/v1/boards/2023Q2/1");
    let rows = board["rows"].as_array().unwrap();
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[1]["rank"], 1);
    assert_eq!(rows[2]["unit"], "丙");
    assert_eq!(rows[2]["total"], 47.0);
    assert_eq!(rows[2]["change_label"], "↓2");
    assert!(rows.iter().any(|r| r["unit"] == XSS && r["tied"] == true));
    let units = j("/api/v1/units");
    assert!(units.as_array().unwrap().iter().any(|u| u["name"] == XSS));
    let x = unit_id(&app, XSS);
    let unit = j(&format!("/api/v1/units/{x}"));
    assert_eq!(unit["unit"]["name"], XSS);
    assert_eq!(unit["trend"].as_array().unwrap().len(), 2);
    assert_eq!(unit["trend"][1]["rank"], 1);
}
