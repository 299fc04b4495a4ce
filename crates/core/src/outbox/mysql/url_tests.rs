//! The parsing of outbox addresses, and what it never shows.

use super::url::*;
use crate::secret::Secret;

fn parse(url: &str) -> Location {
    Location::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn error(url: &str) -> String {
    match Location::parse(url) {
        Ok(l) => panic!("{url} was accepted: {l:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_tcp_address_with_every_part() {
    let l = parse("mysql://shop:s3cret@db.example:3307/bitrix?prefix=mb_");
    assert_eq!(l.user, "shop");
    assert_eq!(l.password.as_ref().map(Secret::expose), Some("s3cret"));
    assert_eq!(
        l.server,
        Server::Tcp {
            host: "db.example".into(),
            port: 3307
        }
    );
    assert_eq!((l.database.as_str(), l.prefix.as_str()), ("bitrix", "mb_"));
    assert_eq!(l.tls, Tls::Off);
    assert_eq!(
        l.display(),
        "mysql://shop@db.example:3307/bitrix?prefix=mb_"
    );
}

#[test]
fn defaults_port_prefix_and_no_password() {
    let l = parse("MySQL://shop@10.0.0.5/bitrix");
    assert_eq!(
        l.server,
        Server::Tcp {
            host: "10.0.0.5".into(),
            port: DEFAULT_PORT
        }
    );
    assert_eq!((l.password, l.prefix.as_str()), (None, DEFAULT_PREFIX));
    assert_eq!(
        parse("mysql://shop:@h/db").password,
        None,
        "an empty password is none"
    );
}

#[test]
fn the_socket_form() {
    let l = parse("mysql://shop:pw@localhost/bitrix?socket=/run/mysqld/mysqld.sock");
    assert_eq!(l.server, Server::Socket("/run/mysqld/mysqld.sock".into()));
    assert_eq!(
        l.display(),
        "mysql://shop@localhost/bitrix?socket=/run/mysqld/mysqld.sock"
    );
    let l = parse("mysql://shop@localhost/bitrix?prefix=x_&socket=%2Ftmp%2Fa%20b.sock");
    assert_eq!(l.server, Server::Socket("/tmp/a b.sock".into()));
    assert_eq!(
        l.display(),
        "mysql://shop@localhost/bitrix?socket=/tmp/a b.sock&prefix=x_"
    );
}

#[test]
fn user_and_password_are_percent_decoded() {
    let l = parse("mysql://us%40er:p%40ss%3Aw%2Fo%25rd+1@[::1]:3306/db%2Dx");
    assert_eq!(l.user, "us@er");
    assert_eq!(
        l.password.as_ref().map(Secret::expose),
        Some("p@ss:w/o%rd+1")
    );
    assert_eq!(
        l.server,
        Server::Tcp {
            host: "::1".into(),
            port: 3306
        }
    );
    assert_eq!(l.database, "db-x");
    assert_eq!(l.display(), "mysql://us@er@[::1]:3306/db-x");
    // An unencoded @ in the password still parses: the host follows the last one.
    let l = parse("mysql://u:p@ss@h/db");
    assert_eq!(l.password.as_ref().map(Secret::expose), Some("p@ss"));
}

#[test]
fn the_password_is_never_shown() {
    let l = parse("mysql://u:hunter2@h/db?tls=required");
    assert!(!format!("{l:?}").contains("hunter2"), "{l:?}");
    assert!(format!("{l:?}").contains("***"));
    assert!(!l.display().contains("hunter2"));
    // Malformed addresses whose pieces could be the password's are not quoted back.
    for url in [
        "mysql://u:hun/ter2@h/db",
        "mysql://u:hun:ter2@h:x/db",
        "mysql://u:p@hunter2:99999/db",
        "mysql://u:hunter2%zz@h/db",
        "mysql://u:hunter2@h!/db",
        "mysql://u:hun#ter2@h/db",
        "mysql://u:hunter2@/db",
        "mysql://u:hunter2@[::1/db",
    ] {
        let e = error(url);
        assert!(!e.contains("hunter2") && !e.contains("ter2"), "{url}: {e}");
    }
}

#[test]
fn tls_settings() {
    let l = parse("mysql://u:p@db.example/db?tls=required");
    assert_eq!(l.tls, Tls::Required { ca: None });
    let l = parse("mysql://u:p@db.example/db?tls_ca=/etc/ssl/db-ca.pem");
    assert_eq!(
        l.tls,
        Tls::Required {
            ca: Some("/etc/ssl/db-ca.pem".into())
        }
    );
    assert_eq!(parse("mysql://u@h/db?tls=disabled").tls, Tls::Off);
    assert!(error("mysql://u@h/db?tls=yes").contains("required or disabled"));
    assert!(error("mysql://u@h/db?tls=disabled&tls_ca=/x").contains("tls=disabled"));
    assert!(error("mysql://u@localhost/db?socket=/s&tls=required").contains("socket"));
}

#[test]
fn bad_input_says_what_is_wrong() {
    let cases = [
        ("/var/lib/outbox.sqlite", "mysql://"),
        ("postgres://u@h/db", "mysql://"),
        ("mysql://h/db", "names no user"),
        ("mysql://:pw@h/db", "names no user"),
        ("mysql://u@/db", "names no host"),
        ("mysql://u@h:0/db", "port"),
        ("mysql://u@h:70000/db", "port"),
        ("mysql://u@[::1]x/db", "port"),
        ("mysql://u@h", "names no database"),
        ("mysql://u@h/", "names no database"),
        ("mysql://u@h/a/b", "database name"),
        ("mysql://u@h/db?prefix=", "prefix"),
        ("mysql://u@h/db?prefix=mb-", "prefix"),
        ("mysql://u@h/db?prefix=mb_;DROP", "prefix"),
        ("mysql://u@h/db?prefix=a&prefix=b", "twice"),
        ("mysql://u@h/db?prefx=a", "unknown setting 'prefx'"),
        ("mysql://u@h/db?prefix", "has no value"),
        ("mysql://u@h/db?socket=/s", "host localhost"),
        ("mysql://u@localhost:3306/db?socket=/s", "no port"),
        ("mysql://u@localhost/db?socket=run/s", "absolute"),
        ("mysql://u%ff@h/db", "UTF-8"),
        ("mysql://u%4@h/db", "hex digits"),
    ];
    for (url, expected) in cases {
        let e = error(url);
        assert!(e.contains(expected), "{url}: {e}");
    }
    assert!(is_mysql("MYSQL://u@h/db") && !is_mysql("/tmp/mysql://x") && !is_mysql("my"));
}

#[test]
fn masked_shows_the_address_as_written_with_the_password_hidden() {
    let masked = |url: &str| crate::outbox::Location::masked(url);
    assert_eq!(
        masked("MySQL://shop:s%40cret@db.example:3307/bitrix?prefix=mb_&tls=required"),
        "mysql://shop:***@db.example:3307/bitrix?prefix=mb_&tls=required"
    );
    assert_eq!(
        masked("mysql://shop:pw@localhost/shop?socket=/run/mysqld/mysqld.sock"),
        "mysql://shop:***@localhost/shop?socket=/run/mysqld/mysqld.sock"
    );
    assert_eq!(masked("mysql://shop:@h/db"), "mysql://shop@h/db");
    assert_eq!(masked("mysql://shop@h/db"), "mysql://shop@h/db");
    // An unencoded '/' ends the authority early: what looks like a host is the password's tail.
    let malformed = masked("mysql://shop:hunter/2@db.example/shop");
    assert!(!malformed.contains("hunter") && !malformed.contains("2@db"));
    assert!(malformed.contains("not a valid address"), "{malformed}");
    assert_eq!(
        masked("/var/lib/mindbox/outbox.sqlite"),
        "/var/lib/mindbox/outbox.sqlite"
    );
    assert_eq!(masked(""), "");
}
