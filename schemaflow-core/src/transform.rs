//! Typed Rust transforms for data steps: `backfill t with f(a, b) -> (c, d)`.
//!
//! The `migration!` expansion type-checks the function against the
//! replayed schema (each input column becomes a Rust type, and so does each
//! output) and registers a wrapper that converts database values to those
//! types and back. The runner calls it for every row of every batch.

use std::sync::Arc;

/// A database value, as the engine reads and writes it. Dates, times,
/// timestamps, UUIDs, decimals and JSON travel as text.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text (and the types that travel as text).
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

/// A Rust type a column's value converts to.
pub trait FromValue: Sized {
    /// Converts, or says why not.
    fn from_value(value: Value) -> Result<Self, String>;
}

/// A Rust type that converts to a column's value.
pub trait IntoValue {
    /// Converts.
    fn into_value(self) -> Value;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} does not fit {}", stringify!($t))),
                    other => Err(format!("expected an integer, found {other:?}")),
                }
            }
        }
        impl IntoValue for $t {
            fn into_value(self) -> Value {
                Value::Int(i64::from(self))
            }
        }
    )*};
}
integer!(i16, i32, i64);

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            other => Err(format!("expected a boolean, found {other:?}")),
        }
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }
}

impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self, String> {
        f64::from_value(value).map(|f| f as f32)
    }
}

impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value::Float(f64::from(self))
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s),
            Value::Int(i) => Ok(i.to_string()),
            Value::Float(f) => Ok(f.to_string()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Bytes(b) => Ok(b),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}

impl IntoValue for Vec<u8> {
    fn into_value(self) -> Value {
        Value::Bytes(self)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, IntoValue::into_value)
    }
}

/// A compiled transform: the row's input values in, the output values out.
pub type TransformFn = Arc<dyn Fn(Vec<Value>) -> Result<Vec<Value>, String> + Send + Sync>;

/// The transforms of one migration, by function path.
#[derive(Clone, Default)]
pub struct Transforms(Vec<(String, TransformFn)>);

impl Transforms {
    /// Registers the function for `path`.
    pub fn register(&mut self, path: &str, f: TransformFn) {
        self.0.push((path.to_owned(), f));
    }

    /// The function registered for `path`.
    pub fn get(&self, path: &str) -> Option<&TransformFn> {
        self.0.iter().find(|(p, _)| p == path).map(|(_, f)| f)
    }
}

impl std::fmt::Debug for Transforms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(p, _)| p)).finish()
    }
}

impl PartialEq for Transforms {
    /// Transforms are compared by the functions they name.
    fn eq(&self, other: &Transforms) -> bool {
        self.0.iter().map(|(p, _)| p).eq(other.0.iter().map(|(p, _)| p))
    }
}
