//! Reading php.ini: PHP's own settings, and the client's, which are the server administrator's.

use mindbox_core::{Delivery, Error, Location};

pub(super) fn ini(name: &str) -> Option<String> {
    ext_php_rs::zend::ExecutorGlobals::get()
        .ini_values()
        .get(name)
        .cloned()
        .flatten()
        .filter(|s| !s.is_empty())
}

/// `mindbox.delivery` from php.ini.
pub(super) fn delivery() -> Result<Delivery, Error> {
    match ini("mindbox.delivery").as_deref() {
        None | Some("inline") => Ok(Delivery::Inline),
        Some("external") => Ok(Delivery::External),
        Some(_) => Err(Error::invalid(
            "ini.mindbox.delivery",
            "must be inline or external",
        )),
    }
}

/// `mindbox.outbox` from php.ini, a file or a `mysql://` address. There is no other default: a
/// shared temp directory would let any local user read the outbox or slip events into it.
pub(super) fn default_outbox() -> Result<Option<Location>, Error> {
    ini("mindbox.outbox")
        .map(|setting| {
            Location::parse(&setting).map_err(|e| Error::invalid("ini.mindbox.outbox", e))
        })
        .transpose()
}
