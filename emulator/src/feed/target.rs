//! Which URLs the emulator fetches: plain HTTP on a loopback address, nothing else. Mindbox
//! fetches from the internet; the emulator runs beside tests and must never reach past this
//! machine, whatever a test hands it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use hyper::Uri;

/// Where a feed is fetched from.
#[derive(Debug, PartialEq)]
pub struct Target {
    /// Never a name to resolve: `localhost` is 127.0.0.1, so no lookup can lead elsewhere.
    pub addr: SocketAddr,
    /// `Host`, as the URL has it.
    pub host: String,
    pub path_and_query: String,
}

/// Checks that `url` is `http://` on 127.0.0.0/8, [::1] or localhost, without credentials
/// (they come as fields, as in Mindbox's form).
pub fn check(url: &str) -> Result<Target, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("url: {url:?} is not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "url: {url:?}: the emulator fetches http:// URLs only, on loopback"
        ));
    }
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or("");
    if authority.contains('@') {
        return Err("url: give the login and password as fields, not in the URL".into());
    }
    let host = uri.host().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match bare.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => ip,
        _ if bare.eq_ignore_ascii_case("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => {
            return Err(format!(
                "url: {host} is not a loopback address: the emulator fetches from \
                 127.0.0.0/8, [::1] or localhost only"
            ));
        }
    };
    Ok(Target {
        addr: SocketAddr::new(ip, uri.port_u16().unwrap_or(80)),
        host: authority.to_string(),
        path_and_query: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_only() {
        for ok in [
            "http://127.0.0.1:8080/feed.yml",
            "http://127.5.6.7/f",
            "http://[::1]:81/f.gz",
            "http://LOCALHOST/f",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        let target = check("http://localhost:8080/f.yml?t=1").unwrap();
        assert_eq!(target.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(
            (target.host.as_str(), target.path_and_query.as_str()),
            ("localhost:8080", "/f.yml?t=1")
        );
        assert_eq!(
            check("http://[::1]/").unwrap().addr,
            "[::1]:80".parse().unwrap()
        );
        for (bad, said) in [
            ("http://10.0.0.1/feed.yml", "not a loopback"),
            ("http://example.com/feed.yml", "not a loopback"),
            ("http://127.0.0.1.example.com/f", "not a loopback"),
            ("https://127.0.0.1/f", "http:// URLs only"),
            ("ftp://127.0.0.1/f", "http:// URLs only"),
            ("http://user:pw@127.0.0.1/f", "as fields"),
            ("not a url", "not a URL"),
        ] {
            let error = check(bad).unwrap_err();
            assert!(error.contains(said), "{bad}: {error}");
        }
    }
}
