//! PHP's arrays as the feed writer's input, read where they lie: a million offers converted into
//! owned values first, field by field, cost more than writing the feed. An argument that holds an
//! object anywhere (rare) is converted whole instead, as the API's bodies are, so that stdClass
//! and JsonSerializable read as they always did.

use crate::convert::{self, MAX_DEPTH};
use ext_php_rs::ffi::{IS_DOUBLE, IS_FALSE, IS_LONG, IS_NULL, IS_STRING, IS_TRUE, IS_UNDEF};
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use mindbox_core::{Error, FeedInput, FeedKey, FeedValue};
use serde_json::Value;

/// PHP 8.2's Zend/zend_hash.h: the array is a list of zvals keyed 0, 1, 2… by position.
const HASH_FLAG_PACKED: u32 = 1 << 2;

#[derive(Clone, Copy)]
pub(crate) enum PhpInput<'a> {
    /// A method's argument: empty, it is a map, as the conversion to JSON has it (`options`).
    Argument(&'a ZendHashTable),
    Value(&'a Zval),
    /// An argument that held an object, converted.
    Json(&'a Value),
}

// SAFETY: the writer reads a large batch from two threads, within the call that lent it, while
// PHP's thread waits in that call: nothing changes or frees the arrays meanwhile, and reading them
// (their slots, zvals and strings) writes nothing, not even a refcount.
unsafe impl Sync for PhpInput<'_> {}

/// `f` given `table` as the writer's input.
pub(crate) fn read<R>(
    table: &ZendHashTable,
    path: &str,
    f: impl FnOnce(PhpInput<'_>) -> R,
) -> Result<R, Error> {
    if holds_objects(table, 0) {
        let json = convert::array_to_json(table, path)?;
        Ok(f(PhpInput::Json(&json)))
    } else {
        Ok(f(PhpInput::Argument(table)))
    }
}

/// Whether an object (or a resource) is anywhere in `table`, or it is nested deeper than the
/// conversion goes: then the conversion reads it, or says what is wrong with it.
fn holds_objects(table: &ZendHashTable, depth: usize) -> bool {
    depth >= MAX_DEPTH
        || Slots::of(table).any(|(_, _, value)| {
            // SAFETY: every zval has its type byte set.
            let kind = u32::from(unsafe { value.u1.v.type_ });
            if kind <= IS_STRING {
                // Null, false, true, an integer, a float, a string: the values of nearly all.
                return false;
            }
            let value = resolved(value);
            match value.array() {
                Some(nested) => holds_objects(nested, depth + 1),
                None => {
                    !(value.is_null()
                        || value.is_bool()
                        || value.is_long()
                        || value.is_double()
                        || value.is_string())
                }
            }
        })
}

/// The value behind an indirect zval (an object's property table) and a reference (`&$x`).
fn resolved(value: &Zval) -> &Zval {
    value.indirect().unwrap_or(value).dereference()
}

/// The entries of a PHP array in order, read from its memory as PHP 8.2 lays it out: a packed
/// array is a C array of zvals keyed by position, any other a C array of buckets, each with its
/// key (a string, or none for an integer key); a removed entry leaves an undefined zval.
/// ext-php-rs's iterator calls into PHP four times for each entry and copies its key.
struct Slots<'a> {
    table: &'a ZendHashTable,
    packed: bool,
    next: usize,
}

/// An entry: its key (a string, or else an integer) and its value.
type Slot<'a> = (Option<&'a ZendStr>, i64, &'a Zval);

impl<'a> Slots<'a> {
    fn of(table: &'a ZendHashTable) -> Slots<'a> {
        Slots {
            table,
            // SAFETY: a plain read of the flags of a table PHP keeps alive for the call.
            packed: unsafe { table.u.flags } & HASH_FLAG_PACKED != 0,
            next: 0,
        }
    }
}

impl<'a> Iterator for Slots<'a> {
    type Item = Slot<'a>;

    fn next(&mut self) -> Option<Slot<'a>> {
        while self.next < self.table.nNumUsed as usize {
            let i = self.next;
            self.next += 1;
            // SAFETY: the table is borrowed, so PHP neither frees nor changes it while it is
            // read; its first nNumUsed slots are initialised, in the layout its flags give, and
            // a bucket's key is null or a string PHP keeps alive with the table.
            let slot = unsafe {
                if self.packed {
                    // Keyed by the slot's place, holes (removed entries) included.
                    (
                        None,
                        i as i64,
                        &*self.table.__bindgen_anon_1.arPacked.add(i),
                    )
                } else {
                    let bucket = &*self.table.__bindgen_anon_1.arData.add(i);
                    (bucket.key.as_ref(), bucket.h as i64, &bucket.val)
                }
            };
            // SAFETY: every zval has its type byte set.
            if u32::from(unsafe { slot.2.u1.v.type_ }) != IS_UNDEF {
                return Some(slot);
            }
        }
        None
    }
}

fn key<'a>((name, index, _): Slot<'a>) -> FeedKey<'a> {
    match name {
        None => FeedKey::Index(index),
        Some(name) => utf8(name).map_or(FeedKey::Invalid, FeedKey::Name),
    }
}

/// The entries of a list or a map, whichever side it is on; a scalar has none.
enum Entries<'a> {
    Php(Slots<'a>),
    Json(Box<dyn Iterator<Item = (FeedKey<'a>, &'a Value)> + 'a>),
    None,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (FeedKey<'a>, PhpInput<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::Php(slots) => slots
                .next()
                .map(|slot| (key(slot), PhpInput::Value(slot.2))),
            Entries::Json(entries) => entries.next().map(|(k, v)| (k, PhpInput::Json(v))),
            Entries::None => None,
        }
    }
}

/// A PHP string's text, if it is valid UTF-8: checked at memory speed (the standard library's
/// check took longer than writing the feed).
fn utf8(s: &ZendStr) -> Option<&str> {
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8. Most keys and short values are: this spares them the check
        // simdutf8 leaves to the standard library below 64 bytes.
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Keys 0, 1, 2… in order.
fn is_list(table: &ZendHashTable) -> bool {
    let slots = Slots::of(table);
    (slots.packed && table.nNumUsed == table.nNumOfElements)
        || (0..)
            .zip(slots)
            .all(|(i, (name, index, _))| name.is_none() && index == i)
}

impl<'a> FeedInput<'a> for PhpInput<'a> {
    fn value(self) -> FeedValue<'a, Self> {
        let value = match self {
            PhpInput::Argument(table) if table.is_empty() => return FeedValue::Map(self),
            PhpInput::Argument(table) if is_list(table) => return FeedValue::List(self),
            PhpInput::Argument(_) => return FeedValue::Map(self),
            PhpInput::Json(json) => return json_value(json.value()),
            PhpInput::Value(value) => resolved(value),
        };
        // SAFETY: every zval has its type byte set, and its value is the one the byte names.
        // One look at the byte rather than an accessor for each type in turn: this runs for
        // every field of every row.
        match u32::from(unsafe { value.u1.v.type_ }) {
            IS_NULL => FeedValue::Null,
            IS_FALSE => FeedValue::Bool(false),
            IS_TRUE => FeedValue::Bool(true),
            IS_LONG => FeedValue::Int(unsafe { value.value.lval }),
            IS_DOUBLE => match unsafe { value.value.dval } {
                f if f.is_finite() => FeedValue::Float(f),
                f => FeedValue::Invalid(format!("{f} is not a finite number")),
            },
            IS_STRING => match unsafe { value.value.str_.as_ref() }.and_then(utf8) {
                Some(s) => FeedValue::Str(s),
                None => FeedValue::Invalid(
                    "is not valid UTF-8 (convert it with mb_convert_encoding)".into(),
                ),
            },
            _ => match value.array() {
                Some(table) if is_list(table) => FeedValue::List(PhpInput::Value(value)),
                Some(_) => FeedValue::Map(PhpInput::Value(value)),
                // `read` converted any argument with an object or a resource in it; an argument
                // handed over without `read` refuses them.
                None => FeedValue::Invalid(
                    "is an object or a resource, not a value that can be written".into(),
                ),
            },
        }
    }

    fn entries(self) -> impl Iterator<Item = (FeedKey<'a>, Self)> {
        let table = match self {
            PhpInput::Argument(table) => Some(table),
            PhpInput::Value(value) => resolved(value).array(),
            PhpInput::Json(json) => return Entries::Json(Box::new(json.entries())),
        };
        match table {
            Some(table) => Entries::Php(Slots::of(table)),
            None => Entries::None,
        }
    }
}

fn json_value<'a>(value: FeedValue<'a, &'a Value>) -> FeedValue<'a, PhpInput<'a>> {
    match value {
        FeedValue::Null => FeedValue::Null,
        FeedValue::Bool(b) => FeedValue::Bool(b),
        FeedValue::Int(i) => FeedValue::Int(i),
        FeedValue::Float(f) => FeedValue::Float(f),
        FeedValue::Str(s) => FeedValue::Str(s),
        FeedValue::List(list) => FeedValue::List(PhpInput::Json(list)),
        FeedValue::Map(map) => FeedValue::Map(PhpInput::Json(map)),
        FeedValue::Invalid(message) => FeedValue::Invalid(message),
    }
}
