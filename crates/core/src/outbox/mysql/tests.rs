//! Against a real server: scripts/test.sh starts a private MariaDB and sets
//! MINDBOX_TEST_MYSQL_URL (and MINDBOX_TEST_MYSQL_SOCKET_URL). Without it these tests say so and
//! pass, so that `cargo test` by hand needs no database.

use super::conn::{IO_TIMEOUT, connect, describe};
use super::schema::{self, Tables, VERSION, migrate, version};
use super::store::open;
use super::url::{Location, Server, Tls};
use crate::error::Error;
use mysql::prelude::Queryable;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Once};
use std::time::{Duration, Instant};

pub(super) const URL_VAR: &str = "MINDBOX_TEST_MYSQL_URL";
const SOCKET_URL_VAR: &str = "MINDBOX_TEST_MYSQL_SOCKET_URL";

pub(super) fn server(var: &str) -> Option<Location> {
    let Ok(url) = std::env::var(var) else {
        static SAID: Once = Once::new();
        // Straight to stderr: libtest hides what a passing test prints with eprintln!.
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\n{URL_VAR} is not set: the MySQL outbox tests against a server were not run \
                 (scripts/test.sh starts one)"
            );
        });
        return None;
    };
    Some(Location::parse(&url).unwrap_or_else(|e| panic!("{var}: {e}")))
}

/// A prefix of its own for each test, its tables dropped at the end: the tests run in parallel,
/// and by hand perhaps against a database that outlives them.
pub(super) struct Scratch {
    pub(super) location: Location,
    pub(super) tables: Tables,
}

impl Scratch {
    pub(super) fn new(mut location: Location) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        location.prefix = format!("t{}_{n}_", std::process::id());
        let tables = Tables::new(&location.prefix);
        let scratch = Scratch { location, tables };
        scratch.drop_tables();
        scratch
    }

    fn drop_tables(&self) {
        let mut conn = connect(&self.location).unwrap();
        for table in self.tables.all() {
            conn.query_drop(format!("DROP TABLE IF EXISTS `{table}`"))
                .unwrap();
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.drop_tables();
        }
    }
}

fn outbox_error(result: crate::error::Result<impl std::fmt::Debug>) -> (String, String) {
    match result {
        Err(Error::Outbox { path, message }) => (path, message),
        other => panic!("expected an outbox error, got {other:?}"),
    }
}

#[test]
fn the_tables_are_created_with_their_version_and_indexes() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let (mut conn, tables) = open(&scratch.location).unwrap();
    assert_eq!(version(&mut conn, &tables).unwrap(), Some(VERSION));
    let engines: Vec<(String, String, String)> = conn
        .exec(
            "SELECT table_name, engine, table_collation FROM information_schema.tables
             WHERE table_schema = DATABASE() AND table_name LIKE CONCAT(?, '%')
             ORDER BY table_name",
            (scratch.location.prefix.replace('_', "\\_"),),
        )
        .unwrap();
    let mut expected: Vec<&str> = tables.all().to_vec();
    expected.sort();
    assert_eq!(
        engines.iter().map(|(t, ..)| t.as_str()).collect::<Vec<_>>(),
        expected
    );
    assert!(
        engines
            .iter()
            .all(|(_, e, c)| e == "InnoDB" && c == "utf8mb4_bin"),
        "{engines:?}"
    );
    let mut indexes: Vec<String> = conn
        .exec(
            "SELECT DISTINCT index_name FROM information_schema.statistics
             WHERE table_schema = DATABASE() AND table_name = ?",
            (&tables.items,),
        )
        .unwrap();
    indexes.sort();
    assert_eq!(
        indexes,
        [
            "PRIMARY",
            "items_claimed",
            "items_claimer",
            "items_due",
            "items_hold",
            "items_key",
            "items_tx",
            "items_updated"
        ]
    );

    // The server keeps the hash of the ordering key; a row without one has none.
    conn.query_drop(format!(
        "INSERT INTO `{}` (endpoint_id, base_url, operation, endpoint, body, transaction_id,
             ordering_key, created_at, next_attempt_at, updated_at)
         VALUES ('shop', 'u', 'A', 'async', x'7B7D', 't', REPEAT('k', 5000), 1, 1, 1),
                ('shop', 'u', 'A', 'async', x'7B7D', 't', NULL, 1, 1, 1)",
        tables.items
    ))
    .unwrap();
    let hashes: Vec<(Option<String>, bool)> = conn
        .query(format!(
            "SELECT HEX(ordering_hash), ordering_hash = UNHEX(SHA1(REPEAT('k', 5000)))
             FROM `{}` ORDER BY id",
            tables.items
        ))
        .map(|rows: Vec<(Option<String>, Option<bool>)>| {
            rows.into_iter()
                .map(|(h, same)| (h, same.unwrap_or(false)))
                .collect()
        })
        .unwrap();
    assert_eq!(hashes[0].0.as_ref().map(String::len), Some(40));
    assert!(hashes[0].1);
    assert_eq!(hashes[1], (None, false));

    // Opened again: found at its version, nothing redone.
    drop(conn);
    let (mut conn, _) = open(&scratch.location).unwrap();
    let count: Option<i64> = conn
        .query_first(format!("SELECT COUNT(*) FROM `{}`", tables.items))
        .unwrap();
    assert_eq!(count, Some(2));
}

#[test]
fn the_socket_form_connects() {
    let Some(location) = server(SOCKET_URL_VAR) else {
        return;
    };
    assert!(matches!(location.server, Server::Socket(_)));
    let scratch = Scratch::new(location);
    let (mut conn, tables) = open(&scratch.location).unwrap();
    assert_eq!(version(&mut conn, &tables).unwrap(), Some(VERSION));
    // The session is the outbox's whatever the server's defaults.
    let settings: Option<(String, i64, i64)> = conn
        .query_first("SELECT @@sql_mode, @@innodb_lock_wait_timeout, @@lock_wait_timeout")
        .unwrap();
    let (mode, row_wait, lock_wait) = settings.unwrap();
    assert!(mode.contains("STRICT_ALL_TABLES"), "{mode}");
    assert_eq!((row_wait, lock_wait), (5, 5));
}

#[test]
fn eight_processes_starting_at_once_all_get_the_tables() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let start = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let location = scratch.location.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                let mut conn = connect(&location).unwrap();
                let tables = Tables::new(&location.prefix);
                start.wait();
                migrate(&mut conn, &tables, &location.display())
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    let (mut conn, tables) = open(&scratch.location).unwrap();
    let meta: Vec<(String, i64)> = conn
        .query(format!("SELECT name, value FROM `{}`", tables.meta))
        .unwrap();
    assert_eq!(meta, [("schema_version".to_string(), VERSION)]);
}

#[test]
fn version_1_tables_are_migrated_with_their_items() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let mut conn = connect(&scratch.location).unwrap();
    let tables = Tables::new(&scratch.location.prefix);
    for statement in schema::v1(&tables) {
        conn.query_drop(statement).unwrap();
    }
    conn.query_drop(format!(
        "INSERT INTO `{}` (name, value) VALUES ('schema_version', 1)",
        tables.meta
    ))
    .unwrap();
    conn.query_drop(format!(
        "INSERT INTO `{}` (endpoint_id, base_url, operation, endpoint, body, transaction_id,
             created_at, next_attempt_at, updated_at)
         VALUES ('shop', 'u', 'A', 'async', x'7B7D', 't', 1, 1, 1)",
        tables.items
    ))
    .unwrap();
    conn.query_drop(format!(
        "INSERT INTO `{}` (lease_name, key_fp, refused_at) VALUES ('l', 'k', 5)",
        tables.credentials
    ))
    .unwrap();
    drop(conn);
    let (mut conn, _) = open(&scratch.location).unwrap();
    assert_eq!(version(&mut conn, &tables).unwrap(), Some(VERSION));
    // A key refused before probes were scheduled is probed at once.
    let refused: Option<(i64, i64, i64, i64)> = conn
        .query_first(format!(
            "SELECT refused_at, probe_interval, probed_at, probe_at FROM `{}`",
            tables.credentials
        ))
        .unwrap();
    assert_eq!(refused, Some((5, 60_000, 0, 0)));
    // Due as it was, holding nothing.
    type Added = (i64, Option<String>, Option<Vec<u8>>, i64);
    let item: Option<Added> = conn
        .query_first(format!(
            "SELECT not_before, hold_key, hold_hash, hold_cents FROM `{}`",
            tables.items
        ))
        .unwrap();
    assert_eq!(item, Some((0, None, None, 0)));
    // A migration cut short after its ALTER (the version not yet written) is finished, not redone.
    conn.query_drop(format!(
        "UPDATE `{}` SET value = 1 WHERE name = 'schema_version'",
        tables.meta
    ))
    .unwrap();
    drop(conn);
    let (mut conn, _) = open(&scratch.location).unwrap();
    assert_eq!(version(&mut conn, &tables).unwrap(), Some(VERSION));
}

#[test]
fn tables_of_a_newer_version_are_refused() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let (mut conn, tables) = open(&scratch.location).unwrap();
    conn.query_drop(format!(
        "UPDATE `{}` SET value = value + 1 WHERE name = 'schema_version'",
        tables.meta
    ))
    .unwrap();
    let (_, message) = outbox_error(open(&scratch.location));
    assert!(message.contains("newer version"), "{message}");
}

#[test]
fn a_wrong_password_fails_at_once_without_showing_it() {
    let Some(mut location) = server(URL_VAR) else {
        return;
    };
    let right = location.password.clone().unwrap();
    let wrong = "not-the-pass-7f3a9c";
    location.password = Some(crate::secret::Secret::new(wrong));
    let started = Instant::now();
    let result = connect(&location);
    assert!(started.elapsed() < Duration::from_secs(3));
    let (path, message) = outbox_error(result);
    let shown = format!("{path}: {message}");
    assert!(shown.contains("127.0.0.1"), "{shown}");
    assert!(message.contains("Access denied"), "{shown}");
    assert!(
        !shown.contains(wrong) && !shown.contains(right.expose()),
        "{shown}"
    );
}

#[test]
fn an_unreachable_server_fails_at_once() {
    // A port just freed: nothing listens there. Needs no server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret = "s3cret-4e1b";
    let location = Location::parse(&format!(
        "mysql://mindbox:{secret}@127.0.0.1:{port}/mindbox_test"
    ))
    .unwrap();
    let started = Instant::now();
    let result = open(&location);
    assert!(started.elapsed() < Duration::from_secs(3));
    let (path, message) = outbox_error(result);
    let shown = format!("{path}: {message}");
    assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
    assert!(message.starts_with("cannot connect: "), "{shown}");
    assert!(!shown.contains(secret), "{shown}");

    let socket = Location::parse(&format!(
        "mysql://mindbox:{secret}@localhost/db?socket=/nonexistent/mysqld.sock"
    ))
    .unwrap();
    let (path, message) = outbox_error(open(&socket));
    assert!(path.contains("/nonexistent/mysqld.sock"), "{path}");
    assert!(!format!("{path}{message}").contains(secret));
}

#[test]
fn required_tls_is_never_given_up_for_plain_text() {
    let Some(mut location) = server(URL_VAR) else {
        return;
    };
    // The test server has no certificate: the connection must fail, not go on unencrypted.
    location.tls = Tls::Required { ca: None };
    let (_, message) = outbox_error(connect(&location));
    assert!(message.starts_with("cannot connect: "), "{message}");
}

#[test]
fn a_silent_server_is_reported_as_such() {
    let silent = std::io::Error::from(std::io::ErrorKind::WouldBlock);
    assert_eq!(
        describe(&mysql::Error::IoError(silent)),
        format!("no answer within {} s", IO_TIMEOUT.as_secs())
    );
}
