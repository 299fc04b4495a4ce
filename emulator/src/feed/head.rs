//! What the answer's status and headers tell Mindbox before it reads a byte of the feed.

use super::rules;

/// What the verdict says of the download.
#[derive(Debug, Default)]
pub struct Head {
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub gzip: bool,
    /// The feed's XML as read (after any gzip), up to the first error.
    pub bytes: u64,
}

/// How the body says it is compressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gzip {
    No,
    ByEncoding,
    ByType,
}

/// How the body is compressed, or the issue that stops Mindbox from reading it.
pub fn judge(
    head: &Head,
    encoding: Option<String>,
    location: Option<String>,
) -> Result<Gzip, String> {
    match head.status.unwrap_or(0) {
        200 => {}
        status @ 300..=399 => {
            let to = location.map_or(String::new(), |l| format!(" to {l}"));
            return Err(format!(
                "the server redirects (HTTP {status}{to}): Mindbox follows no redirects"
            ));
        }
        status @ (401 | 403) => {
            return Err(format!(
                "access denied (HTTP {status}): the login and password are not accepted"
            ));
        }
        status => return Err(format!("the server answered HTTP {status}, not 200")),
    }
    let content_type = head.content_type.as_deref().unwrap_or("");
    let mut parts = content_type.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    for param in parts {
        if let Some((name, value)) = param.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
        {
            let charset = value.trim().trim_matches('"');
            if !rules::is_iana_charset(charset) {
                return Err(format!(
                    "charset {charset} in Content-Type is not an IANA name (utf-8, windows-1251, …)"
                ));
            }
            if !charset.eq_ignore_ascii_case("utf-8") {
                return Err(format!(
                    "the emulator reads UTF-8 feeds only, not {charset}"
                ));
            }
        }
    }
    let gzip_by_type = matches!(mime.as_str(), "application/x-gzip" | "application/gzip");
    match encoding.as_deref().map(str::trim) {
        None | Some("" | "identity") if gzip_by_type => Ok(Gzip::ByType),
        None | Some("" | "identity") => Ok(Gzip::No),
        Some(e) if e.eq_ignore_ascii_case("gzip") && mime == "text/xml" => Ok(Gzip::ByEncoding),
        Some(e) if e.eq_ignore_ascii_case("gzip") => Err(format!(
            "Content-Encoding: gzip comes with Content-Type: text/xml for Mindbox, not {content_type:?}"
        )),
        Some(e) => Err(format!("Content-Encoding {e}: Mindbox takes gzip only")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(status: u16, content_type: &str, encoding: Option<&str>) -> Result<Gzip, String> {
        let head = Head {
            status: Some(status),
            content_type: Some(content_type.into()),
            ..Head::default()
        };
        judge(&head, encoding.map(Into::into), Some("/elsewhere".into()))
    }

    #[test]
    fn gzip_is_declared_one_of_two_ways() {
        assert_eq!(judged(200, "text/xml; charset=UTF-8", None), Ok(Gzip::No));
        assert_eq!(judged(200, "text/xml", Some("gzip")), Ok(Gzip::ByEncoding));
        assert_eq!(judged(200, "application/x-gzip", None), Ok(Gzip::ByType));
        let said = |r: Result<Gzip, String>| r.unwrap_err();
        assert!(said(judged(200, "application/xml", Some("gzip"))).contains("text/xml"));
        assert!(said(judged(200, "text/xml", Some("br"))).contains("gzip only"));
    }

    #[test]
    fn the_status_and_charset_can_stop_the_download() {
        let said = |r: Result<Gzip, String>| r.unwrap_err();
        assert!(said(judged(301, "text/xml", None)).contains("(HTTP 301 to /elsewhere)"));
        assert!(said(judged(403, "text/xml", None)).contains("access denied"));
        assert!(said(judged(500, "text/xml", None)).contains("HTTP 500"));
        assert!(said(judged(200, "text/xml; charset=utf8", None)).contains("not an IANA name"));
        assert!(
            said(judged(200, "text/xml; charset=\"koi8-r\"", None)).contains("UTF-8 feeds only")
        );
    }
}
