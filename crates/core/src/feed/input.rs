//! What the writer reads: the caller's values where they lie, one level at a time. The extension
//! hands PHP's arrays over as they are (converting a million offers into owned values, field by
//! field, cost more than writing them); Rust callers and the tests hand serde_json's values.

use serde_json::Value;

/// One value of the input. A list or a map is walked with [`FeedInput::entries`].
pub enum FeedValue<'a, T> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// Keys 0, 1, 2… in order.
    List(T),
    /// Any other keys.
    Map(T),
    /// A value the caller's side cannot read, and why: "is not valid UTF-8 (…)".
    Invalid(String),
}

/// A key of a list or a map.
pub enum FeedKey<'a> {
    Index(i64),
    Name(&'a str),
    /// A key that is not valid UTF-8.
    Invalid,
}

/// A value of the writer's input: a whole argument (`offers()`'s batch), or a part of one. A large
/// batch is read by two threads at once, while the call that lent it waits.
pub trait FeedInput<'a>: Copy + Sync {
    fn value(self) -> FeedValue<'a, Self>;

    /// The entries of a list or a map, in order; none for any other value.
    fn entries(self) -> impl Iterator<Item = (FeedKey<'a>, Self)>;
}

impl<'a> FeedInput<'a> for &'a Value {
    fn value(self) -> FeedValue<'a, Self> {
        match self {
            Value::Null => FeedValue::Null,
            Value::Bool(b) => FeedValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => FeedValue::Int(i),
                None => FeedValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => FeedValue::Str(s),
            Value::Array(_) => FeedValue::List(self),
            Value::Object(_) => FeedValue::Map(self),
        }
    }

    fn entries(self) -> impl Iterator<Item = (FeedKey<'a>, Self)> {
        let (list, map) = match self {
            Value::Array(list) => (list.as_slice(), None),
            Value::Object(map) => (&[][..], Some(map)),
            _ => (&[][..], None),
        };
        let listed = (0..).zip(list).map(|(i, v)| (FeedKey::Index(i), v));
        let keyed = map
            .into_iter()
            .flatten()
            .map(|(k, v)| (FeedKey::Name(k.as_str()), v));
        listed.chain(keyed)
    }
}
