//! What a configured value must be, beyond its type: checked when the client is built, so that a
//! bad value fails the constructor, not every request after it.

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Both stay with every item of the outbox; a MySQL outbox keeps them in columns of these sizes.
pub(crate) const MAX_ENDPOINT_ID: usize = 128;
const MAX_BASE_URL: usize = 255;

pub(crate) fn endpoint_id(id: &str) -> Result<()> {
    if !id.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::invalid(
            "config.endpointId",
            "must be printable ASCII without spaces",
        ));
    }
    if id.len() > MAX_ENDPOINT_ID {
        return Err(Error::invalid(
            "config.endpointId",
            format!("is longer than {MAX_ENDPOINT_ID} characters"),
        ));
    }
    Ok(())
}

/// Mindbox's keys are printable ASCII; anything else (a non-breaking space pasted with it, say)
/// would be refused by every request and retried for ever as if Mindbox were down.
pub(crate) fn secret_key(key: &Secret) -> Result<()> {
    if !key.expose().chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::invalid(
            "config.secretKey",
            "may hold only printable ASCII characters, without spaces: check what was pasted with it",
        ));
    }
    Ok(())
}

/// Mindbox operation system names are ASCII identifiers joined by dots (`Website.CreateOrder`).
pub(crate) fn validate_operation(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 200 {
        return Err("is longer than 200 characters".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "'{}' may hold only letters, digits, '.', '_' and '-'",
            name.escape_default()
        ));
    }
    Ok(())
}

/// Plain HTTP would send the secret key in clear text, so it is allowed only to this machine. The
/// address is never repeated in a message: it may carry credentials of its own.
pub(crate) fn base_url(url: &str) -> Result<String> {
    let bad = |m: &str| Error::invalid("config.baseUrl", m);
    if url.contains('#') {
        return Err(bad(
            "must not carry a fragment (#…): it would cut the operation's path off",
        ));
    }
    let trimmed = url.trim_end_matches('/');
    if trimmed.len() > MAX_BASE_URL {
        return Err(bad(&format!("is longer than {MAX_BASE_URL} characters")));
    }
    let uri: ureq::http::Uri = trimmed.parse().map_err(|_| bad("is not a URL"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad(
            "must not carry a user or password (user@host): Mindbox takes the key in a header",
        ));
    }
    let host = uri.host().ok_or_else(|| bad("has no host"))?;
    if uri.query().is_some() {
        return Err(bad("must not carry a query"));
    }
    match uri.scheme_str() {
        Some("https") => Ok(trimmed.to_string()),
        Some("http") if is_loopback(host) => Ok(trimmed.to_string()),
        Some("http") => Err(bad(
            "plain http is allowed only to a loopback host; use https",
        )),
        _ => Err(bad("must start with https://")),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}
