//! The secret key in the `Authorization` header, in either of the forms Mindbox accepts.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    SecretKey,
    Legacy,
}

/// Splits an Authorization value into its scheme and key; `None` for anything that is neither
/// `SecretKey <key>` nor the legacy `Mindbox secretKey="<key>"`.
pub(super) fn parse_authorization(value: &str) -> Option<(Scheme, &str)> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("SecretKey") {
        return (!rest.is_empty()).then_some((Scheme::SecretKey, rest));
    }
    if scheme.eq_ignore_ascii_case("Mindbox") {
        let (name, quoted) = rest.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("secretKey") {
            return None;
        }
        let key = quoted.trim().strip_prefix('"')?.strip_suffix('"')?;
        return Some((Scheme::Legacy, key));
    }
    None
}

/// The Authorization value with the key hidden and the scheme kept, so the journal shows which
/// form a client used without ever holding the secret.
pub fn mask_authorization(value: &str) -> String {
    match parse_authorization(value) {
        Some((Scheme::SecretKey, _)) => "SecretKey ***".to_owned(),
        Some((Scheme::Legacy, _)) => "Mindbox secretKey=\"***\"".to_owned(),
        None => match value.trim().split_once(char::is_whitespace) {
            Some((scheme, _)) => format!("{scheme} ***"),
            None => "***".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_scheme_and_drops_the_key() {
        assert_eq!(mask_authorization("SecretKey abc"), "SecretKey ***");
        assert_eq!(
            mask_authorization("Mindbox secretKey=\"abc\""),
            "Mindbox secretKey=\"***\""
        );
        assert_eq!(mask_authorization("Bearer abc"), "Bearer ***");
        assert_eq!(mask_authorization("abc"), "***");
        assert!(!mask_authorization("Mindbox secretKey=abc").contains("abc"));
    }
}
