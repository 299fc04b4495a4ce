//! Where a MySQL/MariaDB outbox lives, as the `outbox` setting names it:
//!
//! ```text
//! mysql://user:password@host:port/database?prefix=mb_
//! mysql://user:password@localhost/database?socket=/run/mysqld/mysqld.sock
//! ```
//!
//! Further settings: `tls=required` (rustls, the server's certificate checked against the public
//! roots, or against `tls_ca=/path/ca.pem`). The password is a secret: no message, log or `{:?}`
//! shows it, and a malformed address is never repeated in an error, since what looks like a host
//! or a port there may be a piece of a password with a `/` or `@` left unencoded.

use crate::secret::Secret;
use std::path::PathBuf;

pub(crate) const DEFAULT_PORT: u16 = 3306;
pub(crate) const DEFAULT_PREFIX: &str = "mindbox_";
/// The longest table name MySQL takes is 64 characters; the longest suffix is `credentials`.
const MAX_PREFIX: usize = 40;
const MAX_DATABASE: usize = 64;
const SCHEME: &str = "mysql://";
const KNOWN_SETTINGS: [&str; 4] = ["prefix", "socket", "tls", "tls_ca"];
const ENCODE_HINT: &str =
    "characters such as @ : / ? # % in the user or password must be percent-encoded (%40 for @)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Server {
    Tcp { host: String, port: u16 },
    Socket(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tls {
    Off,
    /// `None`: the public roots.
    Required {
        ca: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) user: String,
    pub(crate) password: Option<Secret>,
    pub(crate) server: Server,
    pub(crate) database: String,
    /// Letters, digits and `_` only: it is written into the SQL as part of the table names.
    pub(crate) prefix: String,
    pub(crate) tls: Tls,
}

/// Whether an `outbox` setting names a MySQL outbox rather than a SQLite file.
pub(crate) fn is_mysql(outbox: &str) -> bool {
    outbox
        .get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
}

impl Location {
    pub(crate) fn parse(url: &str) -> Result<Location, String> {
        if !is_mysql(url) {
            return Err(format!(
                "a MySQL outbox is written {SCHEME}user:password@host:port/database"
            ));
        }
        let Parts {
            user,
            password,
            hostport,
            path,
            query,
        } = Parts::split(url)?;
        let user = decode(user, "the user")?;
        if user.is_empty() {
            return Err(format!("names no user; {ENCODE_HINT}"));
        }
        let password = match password {
            Some(p) => Some(decode(p, "the password")?).filter(|p| !p.is_empty()),
            None => None,
        };
        let (host, port) = split_host_port(hostport)?;
        let database = path.strip_prefix('/').unwrap_or(path);
        let database = decode(database, "the database name")?;
        if database.is_empty() {
            return Err(format!(
                "names no database ({SCHEME}user:password@host/database)"
            ));
        }
        if database.contains('/') || database.chars().count() > MAX_DATABASE {
            return Err(format!(
                "the database name must be at most {MAX_DATABASE} characters, without '/'"
            ));
        }
        let settings = Settings::parse(query.unwrap_or(""))?;
        let server = match settings.socket {
            Some(socket) => {
                if !host.eq_ignore_ascii_case("localhost") || port.is_some() {
                    return Err(
                        "a socket address is written with the host localhost and no port \
                                (mysql://user:password@localhost/database?socket=/path)"
                            .into(),
                    );
                }
                Server::Socket(socket)
            }
            None => Server::Tcp {
                host,
                port: port.unwrap_or(DEFAULT_PORT),
            },
        };
        if matches!(server, Server::Socket(_)) && settings.tls != Tls::Off {
            return Err("tls does not apply to a unix socket".into());
        }
        Ok(Location {
            user,
            password: password.map(Secret::new),
            server,
            database,
            prefix: settings.prefix,
            tls: settings.tls,
        })
    }

    /// A valid address as it was written, its password replaced by `***`, for phpinfo(). An
    /// address that is not valid is not shown at all: see the module's comment.
    pub(crate) fn masked(url: &str) -> String {
        let parts = Location::parse(url).and_then(|_| Parts::split(url));
        let Ok(p) = parts else {
            return format!("{SCHEME}… (not a valid address, so not shown)");
        };
        let password = if p.password.is_some_and(|p| !p.is_empty()) {
            ":***"
        } else {
            ""
        };
        let query = p.query.map(|q| format!("?{q}")).unwrap_or_default();
        format!(
            "{SCHEME}{}{password}@{}{}{query}",
            p.user, p.hostport, p.path
        )
    }

    /// The address without the password, for messages.
    pub(crate) fn display(&self) -> String {
        let mut shown = match &self.server {
            Server::Tcp { host, port } if host.contains(':') => {
                format!("{SCHEME}{}@[{host}]:{port}/{}", self.user, self.database)
            }
            Server::Tcp { host, port } => {
                format!("{SCHEME}{}@{host}:{port}/{}", self.user, self.database)
            }
            Server::Socket(path) => format!(
                "{SCHEME}{}@localhost/{}?socket={}",
                self.user,
                self.database,
                path.display()
            ),
        };
        if self.prefix != DEFAULT_PREFIX {
            shown.push(if shown.contains('?') { '&' } else { '?' });
            shown.push_str("prefix=");
            shown.push_str(&self.prefix);
        }
        shown
    }
}

/// An address cut into its parts as written (still percent-encoded): `parse` reads them, and
/// `masked` shows them, so both see the password in the same place.
struct Parts<'a> {
    user: &'a str,
    password: Option<&'a str>,
    hostport: &'a str,
    path: &'a str,
    query: Option<&'a str>,
}

impl Parts<'_> {
    fn split(url: &str) -> Result<Parts<'_>, String> {
        let rest = &url[SCHEME.len()..];
        if rest.contains('#') {
            return Err(format!("has a '#': {ENCODE_HINT}"));
        }
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let (userinfo, hostport) = authority.rsplit_once('@').ok_or_else(|| {
            format!("names no user ({SCHEME}user:password@host/database); {ENCODE_HINT}")
        })?;
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userinfo, None),
        };
        Ok(Parts {
            user,
            password,
            hostport,
            path,
            query,
        })
    }
}

/// Neither the host nor the port is quoted back: see the module's comment.
fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), String> {
    let bad_port = || "the port must be a number from 1 to 65535".to_string();
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| "an IPv6 host must be written in brackets: [::1]".to_string())?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or_else(bad_port)?)),
        }
    } else {
        match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err(format!("names no host; {ENCODE_HINT}"));
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    {
        return Err(format!(
            "the host must be a name or an IP address; {ENCODE_HINT}"
        ));
    }
    let port = match port {
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(bad_port)?,
        ),
        None => None,
    };
    Ok((host.to_string(), port))
}

struct Settings {
    prefix: String,
    socket: Option<PathBuf>,
    tls: Tls,
}

impl Settings {
    fn parse(query: &str) -> Result<Settings, String> {
        let mut prefix = None;
        let mut socket = None;
        let mut tls = None;
        let mut ca = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("the setting '{}' has no value", pair.escape_default()))?;
            let slot = match name {
                "prefix" => &mut prefix,
                "socket" => &mut socket,
                "tls" => &mut tls,
                "tls_ca" => &mut ca,
                _ => {
                    return Err(format!(
                        "unknown setting '{}'; known settings are {}",
                        name.escape_default(),
                        KNOWN_SETTINGS.join(", ")
                    ));
                }
            };
            if slot.is_some() {
                return Err(format!("the setting '{name}' is given twice"));
            }
            *slot = Some(decode(value, name)?);
        }
        let prefix = prefix.unwrap_or_else(|| DEFAULT_PREFIX.to_string());
        if prefix.is_empty()
            || prefix.len() > MAX_PREFIX
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!(
                "the prefix must be 1 to {MAX_PREFIX} letters, digits or '_' (the default is {DEFAULT_PREFIX})"
            ));
        }
        let absolute = |value: String, name: &str| {
            let path = PathBuf::from(value);
            if path.is_absolute() {
                Ok(path)
            } else {
                Err(format!("{name} must be an absolute path"))
            }
        };
        let socket = socket.map(|s| absolute(s, "socket")).transpose()?;
        let ca = ca.map(|c| absolute(c, "tls_ca")).transpose()?;
        let tls = match (tls.as_deref(), ca) {
            (None | Some("disabled"), None) => Tls::Off,
            (None | Some("required"), ca @ Some(_)) | (Some("required"), ca @ None) => {
                Tls::Required { ca }
            }
            (Some("disabled"), Some(_)) => {
                return Err("tls_ca is given, but tls=disabled".into());
            }
            (Some(_), _) => return Err("tls must be required or disabled".into()),
        };
        Ok(Settings {
            prefix,
            socket,
            tls,
        })
    }
}

/// Percent-decoding (RFC 3986: `+` stays `+`). The value is not quoted back: it may be a password.
fn decode(part: &str, what: &str) -> Result<String, String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    format!("{what} has a '%' not followed by two hex digits (write % as %25)")
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{what} is not UTF-8 once decoded"))
}
