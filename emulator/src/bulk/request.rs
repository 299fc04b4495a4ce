//! The checks of an import request's parameters, after the contract's (endpoint, key,
//! transactionId's form): what the import is, how its CSV is written and encoded.

use super::Kind;
use super::config::Config;
use super::read::Dialect;

/// What the request's query and headers say, as sent.
#[derive(Debug, Default, Clone, Copy)]
pub struct Asked<'a> {
    pub operation: Option<&'a str>,
    pub transaction_id: Option<&'a str>,
    pub code_page: Option<&'a str>,
    pub delimiter: Option<&'a str>,
    pub qualifier: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub content_encoding: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Import {
    pub kind: Kind,
    pub dialect: Dialect,
    pub gzip: bool,
}

/// The import asked for, or the message of a 400 ProtocolError. Without `csvColumnDelimiter`
/// or `csvTextQualifier`, `;` and `"` (what Mindbox's examples send).
pub fn check(asked: &Asked<'_>, config: &Config) -> Result<Import, String> {
    if asked.transaction_id.is_none_or(str::is_empty) {
        return Err("transactionId is required: a GUID that names the import".into());
    }
    let operation = asked.operation.unwrap_or_default();
    let Some(kind) = config.kind_of(operation) else {
        let ops = &config.operations;
        return Err(format!(
            "operation '{operation}' is not a bulk import of this project ({}, {})",
            ops.customers, ops.orders
        ));
    };
    match asked.code_page {
        Some("65001") => {}
        Some(other) => return Err(format!("csvCodePage must be 65001 (UTF-8), not '{other}'")),
        None => return Err("csvCodePage is required: 65001 (UTF-8)".into()),
    }
    let delimiter = one_char("csvColumnDelimiter", asked.delimiter, b';')?;
    let qualifier = one_char("csvTextQualifier", asked.qualifier, b'"')?;
    if delimiter == qualifier {
        return Err("csvColumnDelimiter and csvTextQualifier must differ".into());
    }
    check_content_type(asked.content_type)?;
    let gzip = match asked.content_encoding.map(str::trim) {
        None | Some("") => false,
        Some(e) if e.eq_ignore_ascii_case("identity") => false,
        Some(e) if e.eq_ignore_ascii_case("gzip") => true,
        Some(other) => {
            return Err(format!(
                "Content-Encoding must be gzip or none, not '{other}'"
            ));
        }
    };
    Ok(Import {
        kind,
        dialect: Dialect {
            delimiter,
            qualifier,
        },
        gzip,
    })
}

fn one_char(name: &str, value: Option<&str>, default: u8) -> Result<u8, String> {
    match value.map(str::as_bytes) {
        None => Ok(default),
        Some([c]) if c.is_ascii() && !matches!(c, b'\r' | b'\n') => Ok(*c),
        Some(_) => Err(format!(
            "{name} must be one ASCII character, not '{}'",
            value.unwrap_or_default()
        )),
    }
}

fn check_content_type(value: Option<&str>) -> Result<(), String> {
    let mut parts = value.unwrap_or_default().split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("text/csv"))
    {
        return Err("Content-Type must be text/csv".into());
    }
    for parameter in parts {
        if let Some((name, charset)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
            && !charset.trim_matches('"').eq_ignore_ascii_case("utf-8")
        {
            return Err(format!(
                "Content-Type's charset must be utf-8 for csvCodePage 65001, not '{charset}'"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked() -> Asked<'static> {
        Asked {
            operation: Some("RetailOrder.Import"),
            transaction_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e"),
            code_page: Some("65001"),
            delimiter: Some(";"),
            qualifier: Some("\""),
            content_type: Some("text/csv;charset=utf-8"),
            content_encoding: None,
        }
    }

    #[test]
    fn a_well_formed_request() {
        let config = Config::default();
        let import = check(&asked(), &config).unwrap();
        assert_eq!(import.kind, Kind::Orders);
        assert_eq!(
            (import.dialect.delimiter, import.dialect.qualifier),
            (b';', b'"')
        );
        assert!(!import.gzip);
        let gzip = Asked {
            operation: Some("DirectCrm.Customers.Import"),
            delimiter: None,
            qualifier: Some("'"),
            content_type: Some("text/csv"),
            content_encoding: Some("gzip"),
            ..asked()
        };
        let import = check(&gzip, &config).unwrap();
        assert_eq!(import.kind, Kind::Customers);
        assert_eq!(
            (import.dialect.delimiter, import.dialect.qualifier),
            (b';', b'\'')
        );
        assert!(import.gzip);
    }

    #[test]
    fn each_mistake_is_named() {
        let config = Config::default();
        let with = |f: &dyn Fn(&mut Asked<'static>)| {
            let mut a = asked();
            f(&mut a);
            check(&a, &config).unwrap_err()
        };
        for (error, named) in [
            (
                with(&|a| a.transaction_id = None),
                "transactionId is required",
            ),
            (
                with(&|a| a.operation = Some("Website.X")),
                "'Website.X' is not a bulk import",
            ),
            (with(&|a| a.code_page = Some("1251")), "not '1251'"),
            (with(&|a| a.code_page = None), "csvCodePage is required"),
            (
                with(&|a| a.delimiter = Some(";;")),
                "csvColumnDelimiter must be one",
            ),
            (
                with(&|a| a.qualifier = Some("")),
                "csvTextQualifier must be one",
            ),
            (with(&|a| a.qualifier = Some(";")), "must differ"),
            (
                with(&|a| a.content_type = Some("application/json")),
                "text/csv",
            ),
            (with(&|a| a.content_type = None), "text/csv"),
            (
                with(&|a| a.content_type = Some("text/csv; charset=windows-1251")),
                "charset",
            ),
            (with(&|a| a.content_encoding = Some("br")), "not 'br'"),
        ] {
            assert!(error.contains(named), "{error}");
        }
    }
}
