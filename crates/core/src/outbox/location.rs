//! Where an outbox lives, as the `outbox` setting names it: a SQLite file of this machine, or
//! (`mysql://…`) tables in a MySQL/MariaDB database that every web node of a cluster shares.

use super::mysql;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Opaque outside the core: which backend an address picks is the outbox's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(pub(crate) Place);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    File(PathBuf),
    Mysql(mysql::Location),
}

impl Location {
    /// A setting as given; a malformed MySQL address is refused with what is wrong in it.
    pub fn parse(setting: &str) -> Result<Location, String> {
        if mysql::is_mysql(setting) {
            mysql::Location::parse(setting).map(|server| Location(Place::Mysql(server)))
        } else {
            Ok(Location(Place::File(PathBuf::from(setting))))
        }
    }

    /// A setting as phpinfo() shows it: a file's path as it is, a MySQL address as written with
    /// its password masked (a malformed one not at all).
    pub fn masked(setting: &str) -> String {
        if mysql::is_mysql(setting) {
            mysql::Location::masked(setting)
        } else {
            setting.to_string()
        }
    }

    /// As messages show it: the file's path, or the server and database without the password.
    pub fn display(&self) -> String {
        match &self.0 {
            Place::File(path) => path.display().to_string(),
            Place::Mysql(server) => server.display(),
        }
    }

    pub fn file(&self) -> Option<&Path> {
        match &self.0 {
            Place::File(path) => Some(path),
            Place::Mysql(_) => None,
        }
    }
}

/// Equal locations show alike, so the shown form is hash enough (and holds no password).
impl Hash for Location {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.display().hash(state);
    }
}
