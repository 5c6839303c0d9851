//! Stored times are UTC instants shown in the competition's zone; a database from before
//! (the server's wall-clock strings) migrates without changing what any page says.

use crate::helpers::{TestDb, demo_db, get, spawn_app};
use shaibang::store::Store;

/// Every stored time column, as schema v7 rewrote them.
const COLUMNS: &[(&str, &str)] = &[
    ("competition", "created_at"),
    ("period", "published_at"),
    ("import_batch", "created_at"),
    ("board_snapshot", "created_at"),
    ("audit_log", "at"),
    ("account", "created_at"),
    ("account", "password_changed_at"),
];

fn column_values(db: &TestDb, table: &str, column: &str) -> Vec<String> {
    let conn = db.store.conn().unwrap();
    let mut st = conn
        .prepare(&format!(
            "SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY rowid"
        ))
        .unwrap();
    st.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn every_stored_time_is_utc() {
    let db = demo_db();
    shaibang::ops::add_user(
        &mut db.store.conn().unwrap(),
        "老王",
        shaibang::auth::Role::Admin,
        None,
        "Passw0rd!Passw0rd",
        shaibang::ops::Actor {
            name: "test",
            address: None,
        },
    )
    .unwrap();
    for (table, column) in COLUMNS {
        let values = column_values(&db, table, column);
        assert!(!values.is_empty(), "{table}.{column} has rows");
        for v in values {
            assert!(
                shaibang::domain::Stamp::parse_utc(&v).is_some(),
                "{table}.{column}: {v}"
            );
        }
    }
}

#[test]
fn a_database_of_wall_clock_times_migrates_and_every_page_reads_as_before() {
    let db = demo_db();
    // Make it a version-6 database (without v8's scoring columns, with the times as the
    // server's wall-clock strings, Beijing
    // time, as a server in China wrote them): 揭榜 at 09:00 on 2023-10-15.
    {
        let conn = db.store.conn().unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
             DROP TABLE unit_origin; DROP TABLE unit_scheme;
             DROP TABLE appeal; DROP TABLE publicity;
             ALTER TABLE indicator DROP COLUMN annual; ALTER TABLE competition DROP COLUMN annual;
             UPDATE period SET published_at = '2023-10-15 09:00:00' WHERE published_at IS NOT NULL;
             UPDATE board_snapshot SET created_at = '2023-10-15 09:00:00';
             UPDATE import_batch SET created_at = '2023-10-14 23:59:30';
             UPDATE competition SET created_at = '2023-10-01 08:00:00';
             UPDATE audit_log SET at = '2023-10-15 09:00:00';
             CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
             DROP TABLE target; DROP TABLE indicator_group_params;
             ALTER TABLE indicator DROP COLUMN measure;
             ALTER TABLE indicator DROP COLUMN method;
             ALTER TABLE indicator DROP COLUMN method_params;
             ALTER TABLE indicator DROP COLUMN decimals;
             ALTER TABLE indicator DROP COLUMN cumulative;
             ALTER TABLE competition DROP COLUMN progress_yellow;
             DROP TABLE grade; DROP TABLE veto; DROP TABLE report_deadline; DROP TABLE score_detail;
             ALTER TABLE competition DROP COLUMN late_penalty;
             ALTER TABLE competition DROP COLUMN issuer;
             ALTER TABLE competition DROP COLUMN veto_rule;
             ALTER TABLE competition DROP COLUMN streak_from;
             ALTER TABLE competition DROP COLUMN red_flag;
             ALTER TABLE board_snapshot_row DROP COLUMN grade;
             ALTER TABLE board_snapshot_row DROP COLUMN veto;
             ALTER TABLE board_snapshot_row DROP COLUMN streaks;
             ALTER TABLE board_snapshot DROP COLUMN scoring;
             PRAGMA user_version = 6;",
        )
        .unwrap();
    }
    let path = db.path.clone();
    let dir = db._dir;
    drop(db.store);
    let store = Store::open(&path).expect("migrates to v7");
    let db = TestDb {
        _dir: dir,
        path,
        store,
    };
    assert_eq!(
        column_values(&db, "period", "published_at")[0],
        "2023-10-15T01:00:00Z",
        "09:00 Beijing time is 01:00 UTC"
    );
    assert_eq!(
        column_values(&db, "import_batch", "created_at")[0],
        "2023-10-14T15:59:30Z"
    );
    // The audit log stays append-only after the rewrite.
    let refused = db
        .store
        .conn()
        .unwrap()
        .execute("UPDATE audit_log SET detail = 'x'", []);
    assert!(refused.is_err(), "the triggers are back");
    let app = spawn_app(db);
    let home = get(&format!("{}/?period=2023Q3", app.base)).body;
    assert!(home.contains("揭榜时间 2023-10-15 09:00:00"), "{home}");
    let api = get(&format!("{}/api/v1/periods", app.base)).body;
    assert!(
        api.contains("\"published_at\":\"2023-10-15 09:00:00\""),
        "{api}"
    );
    let lobby = get(&format!("{}/lobby", app.base)).body;
    assert!(lobby.contains("2023-10-15 09:00揭榜"), "{lobby}");
}

#[test]
fn times_are_shown_in_the_competitions_zone_whatever_the_servers() {
    // The same instant, in a competition kept in UTC: the page says 01:00.
    let db = demo_db();
    {
        let conn = db.store.conn().unwrap();
        conn.execute_batch(
            "UPDATE period SET published_at = '2023-10-15T01:00:00Z' WHERE published_at IS NOT NULL;
             UPDATE competition SET time_zone = 'UTC';",
        )
        .unwrap();
    }
    let app = spawn_app(db);
    let home = get(&format!("{}/?period=2023Q3", app.base)).body;
    assert!(home.contains("揭榜时间 2023-10-15 01:00:00"), "{home}");
}
