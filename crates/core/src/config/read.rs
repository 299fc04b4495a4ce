//! Reading one option of the constructor's array: its type, its range, its default. A value of
//! the wrong kind is named by its path (`config.timeout`), never guessed at.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::time::Duration;

pub(crate) type Options = Map<String, Value>;

pub(crate) fn required_string(map: &Options, key: &str) -> Result<String> {
    match optional_string(map, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(Error::invalid(
            format!("config.{key}"),
            "is required and must be a non-empty string",
        )),
    }
}

pub(crate) fn optional_string(map: &Options, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(format!("config.{key}"), "must be a string")),
    }
}

/// One of a few names; `shown` lists them as the message gives them.
pub(crate) fn choice<T: Copy>(
    map: &Options,
    key: &str,
    names: &[(&str, T)],
    default: T,
    shown: &str,
) -> Result<T> {
    let Some(given) = optional_string(map, key)? else {
        return Ok(default);
    };
    names
        .iter()
        .find(|(name, _)| *name == given)
        .map(|(_, value)| *value)
        .ok_or_else(|| Error::invalid(format!("config.{key}"), format!("must be one of {shown}")))
}

pub(crate) fn seconds(map: &Options, key: &str, default: f64) -> Result<Duration> {
    let value = match map.get(key) {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => {
            return Err(Error::invalid(
                format!("config.{key}"),
                "must be a number of seconds",
            ));
        }
    };
    if !(value > 0.0 && value <= 86_400.0) {
        return Err(Error::invalid(
            format!("config.{key}"),
            format!("{value} is not between 0 and 86400 seconds"),
        ));
    }
    Ok(Duration::from_secs_f64(value))
}

pub(crate) fn integer(map: &Options, key: &str, default: i64, min: i64, max: i64) -> Result<i64> {
    let value = match map.get(key) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    match value {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(Error::invalid(
            format!("config.{key}"),
            format!("must be an integer from {min} to {max}"),
        )),
    }
}
