//! A first-time clerk's mistakes, caught on the preview before anything is written.

use crate::admin::{Browser, STAFF};

#[test]
fn a_file_named_for_another_quarter_is_flagged_on_the_preview() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let file = crate::helpers::fixture("streets-gbk.csv");
    let r = b.upload(&csrf, "2023Q4", "2023年第三季度街道组得分.csv", &file);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&r.location).body;
    assert!(
        page.contains("文件名中写的是2023年第三季度，但本文件将导入到2023年第四季度"),
        "{page}"
    );
    // A name that agrees, or names no period, says nothing.
    for name in ["2023年第四季度街道组.csv", "街道组得分.csv"] {
        let r = b.upload(&csrf, "2023Q4", name, &file);
        let page = b.get(&r.location).body;
        assert!(!page.contains("文件名中写的是"), "{name}");
    }
}

#[test]
fn the_preview_counts_the_file_and_the_change_the_same_way() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // 87 scores and two rows with a 备注: before, 「87个分值」 stood beside 「新增89项」.
    let file = crate::helpers::fixture("streets-gbk.csv");
    let r = b.upload(&csrf, "2023Q4", "街道组得分.csv", &file);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&r.location).body;
    assert!(page.contains("87个分值、2条备注"), "{page}");
    assert!(
        page.contains("新增87个分值和2条备注，变更0个分值，清空0个分值，不变0项"),
        "{page}"
    );
}

#[test]
fn a_title_row_naming_another_quarter_is_flagged_on_the_preview() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let body = String::from_utf8(crate::helpers::fixture("econ-utf8-bom.csv")).unwrap();
    let body = body.trim_start_matches('\u{feff}');
    let titled = format!("2023年第三季度经济组考核得分表\n{body}");
    let r = b.upload(&csrf, "2023Q4", "街道组得分.csv", titled.as_bytes());
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&r.location).body;
    assert!(
        page.contains("表格标题中写的是2023年第三季度，但本文件将导入到2023年第四季度"),
        "{page}"
    );
    // The same title sent to the quarter it names says nothing.
    let titled = format!("2023年第四季度经济组考核得分表\n{body}");
    let r = b.upload(&csrf, "2023Q4", "街道组得分.csv", titled.as_bytes());
    let page = b.get(&r.location).body;
    assert!(!page.contains("表格标题中写的是"), "{page}");
}

#[test]
fn a_file_sent_to_the_wrong_draft_goes_to_the_one_it_names_in_one_click() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // Two drafts are open; the clerk picks 2024Q1 for a file titled 2023年第四季度.
    for period in ["2023Q4", "2024Q1"] {
        let r = b.post("/admin/periods", &[("csrf", &csrf), ("period", period)]);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let before = crate::admin::data_dump(&app.db);
    let body = String::from_utf8(crate::helpers::fixture("econ-utf8-bom.csv")).unwrap();
    let titled = format!(
        "2023年第四季度经济组考核得分表\n{}",
        body.trim_start_matches('\u{feff}')
    );
    let r = b.upload(&csrf, "2024Q1", "经济组.csv", titled.as_bytes());
    let page = b.get(&r.location).body;
    assert!(page.contains("改为导入到2023年第四季度"), "{page}");
    let token = r.location.trim_start_matches("/admin/uploads/").to_string();
    let r = b.post(
        &format!("/admin/uploads/{token}/period"),
        &[("csrf", &csrf), ("period", "2023Q4")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_ne!(
        r.location,
        format!("/admin/uploads/{token}"),
        "a new upload"
    );
    let page = b.get(&r.location).body;
    assert!(
        page.contains("期间 2023年第四季度") && !page.contains("表格标题中写的是"),
        "{page}"
    );
    assert_eq!(
        before,
        crate::admin::data_dump(&app.db),
        "nothing written yet"
    );
    // Confirmed, the scores are in 2023Q4.
    let c = b.post(
        &format!("{}/confirm", r.location.split('?').next().unwrap()),
        &[("csrf", &csrf)],
    );
    assert_eq!(c.status, 303, "{}", c.body);
    let n: i64 = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM score s JOIN period p ON p.id = s.period_id WHERE p.year = 2023 AND p.quarter = 4",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(n > 0, "scores in 2023Q4");
}
