//! Opening a connection to a MySQL/MariaDB outbox: the shop's `send()` must fail at once, never
//! hang, when the server is down or unreachable.

use super::url::{Location, Server, Tls};
use crate::error::{Error, Result};
use mysql::{Conn, OptsBuilder, SslOpts};
use std::borrow::Cow;
use std::time::Duration;

/// A server that is up answers a TCP connect within milliseconds; one that does not in 2 s is
/// down or cut off, and the shop's request should not wait longer for it.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest one read or write may block: a server that stops answering mid-way (its host
/// froze, the network dropped without a reset). Above the lock waits below, so that a statement
/// that waits for a lock gets the server's own error rather than a cut connection.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Row and metadata lock waits, in seconds: the server's defaults are 50 s and a day.
const LOCK_WAIT_SECS: u32 = 5;

/// Every connection works alike whatever the server's global settings (Bitrix asks for an empty
/// sql_mode): strict, so a value too long for its column is an error instead of being cut short,
/// and never another engine than InnoDB in silence.
fn session_settings() -> String {
    format!(
        "SET sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION',
             innodb_lock_wait_timeout = {LOCK_WAIT_SECS}, lock_wait_timeout = {LOCK_WAIT_SECS}"
    )
}

pub(crate) fn connect(location: &Location) -> Result<Conn> {
    let mut opts = OptsBuilder::new()
        .user(Some(&location.user))
        .pass(location.password.as_ref().map(|p| p.expose()))
        .db_name(Some(&location.database))
        // The crate would otherwise move a loopback connection to the socket the server names,
        // which may not be the one the setting chose, or readable by this user.
        .prefer_socket(false)
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        .read_timeout(Some(IO_TIMEOUT))
        .write_timeout(Some(IO_TIMEOUT))
        .init(vec![session_settings()]);
    opts = match &location.server {
        Server::Tcp { host, port } => opts.ip_or_hostname(Some(host)).tcp_port(*port),
        Server::Socket(path) => opts.socket(Some(path.to_string_lossy())),
    };
    if let Tls::Required { ca } = &location.tls {
        opts = opts.ssl_opts(
            SslOpts::default().with_root_cert_path(ca.as_ref().map(|p| Cow::Owned(p.clone()))),
        );
    }
    Conn::new(opts).map_err(|e| {
        Error::outbox(
            location.display(),
            format!("cannot connect: {}", describe(&e)),
        )
    })
}

/// A driver error as a message. The crate's own wording wraps each kind in its Rust name
/// (`MySqlError { ERROR 1045 … }`); a shop's admin reads these.
pub(crate) fn describe(e: &mysql::Error) -> String {
    use std::error::Error as _;
    // Reads and writes fail in the packet codec, whose type the crate does not export.
    let io = match e {
        mysql::Error::IoError(io) => Some(io),
        mysql::Error::CodecError(c) => c.source().and_then(|s| s.downcast_ref::<std::io::Error>()),
        _ => None,
    };
    if let Some(io) = io {
        // How Linux reports a socket read or write timeout.
        return if io.kind() == std::io::ErrorKind::WouldBlock {
            format!("no answer within {} s", IO_TIMEOUT.as_secs())
        } else {
            io.to_string()
        };
    }
    match e {
        mysql::Error::MySqlError(e) => format!("{} (MySQL error {})", e.message, e.code),
        mysql::Error::DriverError(mysql::DriverError::ConnectTimeout) => {
            format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())
        }
        mysql::Error::DriverError(d) => d.to_string(),
        mysql::Error::TlsError(t) => format!("TLS: {t}"),
        other => other.to_string(),
    }
}
