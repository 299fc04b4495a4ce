//! PHP values ⇄ JSON values. Whatever cannot become JSON is refused with the path of the value,
//! never guessed at and never allowed to crash the worker.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ZendHashTable, ZendObject, Zval};
use mindbox_core::Error;
use serde_json::{Map, Number, Value};

/// Deep enough for any Mindbox body; shallow enough to stop a self-referencing array.
pub const MAX_DEPTH: usize = 64;

pub fn array_to_json(array: &ZendHashTable, path: &str) -> Result<Value, Error> {
    table_to_json(array, path, 0, true)
}

fn table_to_json(
    table: &ZendHashTable,
    path: &str,
    depth: usize,
    as_object_if_empty: bool,
) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(
            path,
            format!("is nested more than {MAX_DEPTH} levels deep (a recursive array?)"),
        ));
    }
    if table.is_empty() && as_object_if_empty {
        return Ok(Value::Object(Map::new()));
    }
    if is_list(table) {
        let mut list = Vec::with_capacity(table.len());
        for (i, value) in table.values().enumerate() {
            list.push(to_json(value, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(list));
    }
    let mut map = Map::new();
    let mut entries = table.iter();
    while let Some((key, value)) = entries.next_zval() {
        let key = if let Some(n) = key.long() {
            n.to_string()
        } else {
            key.str()
                .ok_or_else(|| Error::invalid(path, "has a key that is not valid UTF-8"))?
                .to_string()
        };
        let child = join(path, &key);
        let converted = to_json(value, &child, depth + 1)?;
        map.insert(key, converted);
    }
    Ok(Value::Object(map))
}

/// Keys 0, 1, 2… in order. Read as raw keys: ext-php-rs's own check panics on a string key that
/// is not UTF-8 (a windows-1251 site's array), which must be an error naming the path instead.
fn is_list(table: &ZendHashTable) -> bool {
    let mut entries = table.iter();
    let mut index = 0;
    while let Some((key, _)) = entries.next_zval() {
        if key.long() != Some(index) {
            return false;
        }
        index += 1;
    }
    true
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn to_json(value: &Zval, path: &str, depth: usize) -> Result<Value, Error> {
    let value = if value.is_indirect() {
        value.indirect().unwrap_or(value)
    } else {
        value
    };
    let value = value.dereference();
    if value.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = value.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = value.long() {
        return Ok(Value::from(n));
    }
    if let Some(f) = value.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::invalid(path, format!("{f} is not a finite number")));
    }
    if value.is_string() {
        return value
            .str()
            .map(|s| Value::String(s.to_string()))
            .ok_or_else(|| {
                Error::invalid(
                    path,
                    "is not valid UTF-8 (convert it with mb_convert_encoding)",
                )
            });
    }
    if let Some(array) = value.array() {
        return table_to_json(array, path, depth, false);
    }
    if let Some(object) = value.object() {
        return object_to_json(object, path, depth);
    }
    let kind = if value.is_resource() {
        "a resource"
    } else {
        "a value of an unsupported type"
    };
    Err(Error::invalid(
        path,
        format!("is {kind}; only arrays, scalars and null can be sent"),
    ))
}

/// `stdClass` (from `json_decode`) is a map; a `JsonSerializable` says what it is itself.
fn object_to_json(object: &ZendObject, path: &str, depth: usize) -> Result<Value, Error> {
    let class = object.get_class_name().unwrap_or_default();
    if class == "stdClass" {
        let props = object
            .get_properties()
            .map_err(|_| Error::invalid(path, "stdClass properties could not be read"))?;
        return table_to_json(props, path, depth + 1, true);
    }
    if ext_php_rs::zend::ClassEntry::try_find("JsonSerializable")
        .is_some_and(|iface| object.instance_of(iface))
    {
        let serialized = object
            .try_call_method("jsonSerialize", vec![])
            .map_err(|e| Error::invalid(path, format!("{class}::jsonSerialize() failed: {e}")))?;
        return to_json(&serialized, path, depth + 1);
    }
    Err(Error::invalid(
        path,
        format!("is an object of class {class}; pass an array (or a JsonSerializable)"),
    ))
}

unsafe extern "C" {
    /// PHP's own count of the request's memory (Zend/zend_alloc.h).
    fn zend_memory_usage(real_usage: bool) -> usize;
}

/// What a PHP array of `value` will take, roughly: a hash bucket or zval per node, plus strings.
fn php_size(value: &Value) -> usize {
    48 + match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(php_size).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() + php_size(v)).sum(),
        _ => 0,
    }
}

/// An answer that would not fit under `memory_limit` as a PHP array is refused before it is
/// built: running out of PHP's memory inside the extension cannot be caught, and would end the
/// worker without its shutdown functions.
pub fn check_fits(value: &Value, memory_limit: Option<usize>) -> Result<(), Error> {
    let Some(limit) = memory_limit else {
        return Ok(());
    };
    // SAFETY: a plain read of the allocator's counter, on the request's own thread.
    let used = unsafe { zend_memory_usage(false) };
    let needed = php_size(value);
    if used.saturating_add(needed) > limit {
        return Err(Error::unavailable(
            200,
            format!(
                "the answer would take about {} MB as a PHP array, more than memory_limit leaves",
                needed / 1_000_000 + 1
            ),
        ));
    }
    Ok(())
}

/// `memory_limit` in bytes, None when unlimited (-1) or unreadable.
pub fn memory_limit(ini: Option<String>) -> Option<usize> {
    let text = ini?;
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit() && c != '-')
            .unwrap_or(text.len()),
    );
    let n: i64 = number.parse().ok()?;
    if n < 0 {
        return None;
    }
    let factor: i64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return None,
    };
    usize::try_from(n.checked_mul(factor)?).ok()
}

pub fn to_array(value: &Value) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let _ = table.insert(k.as_str(), to_zval(v));
            }
        }
        Value::Array(items) => {
            for v in items {
                let _ = table.push(to_zval(v));
            }
        }
        other => {
            let _ = table.push(to_zval(other));
        }
    }
    table
}

pub fn to_zval(value: &Value) -> Zval {
    let converted = match value {
        Value::Null => Ok(Zval::new()),
        Value::Bool(b) => b.into_zval(false),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_zval(false),
            // Like json_decode: integers beyond PHP's range become floats.
            None => n.as_f64().unwrap_or(0.0).into_zval(false),
        },
        Value::String(s) => s.as_str().into_zval(false),
        Value::Array(_) | Value::Object(_) => to_array(value).into_zval(false),
    };
    converted.unwrap_or_default()
}
