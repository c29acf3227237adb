//! JSON encoding of the values that cross the protocol.
//!
//! JSON has no NaN or infinity, yet labs must pass them (non-finite input is
//! a graded error case). Floats travel as numbers when finite and as the
//! strings `"NaN"`, `"inf"` and `"-inf"` otherwise. An `f32` widened to `f64`
//! is exact, so values round-trip bit for bit.

use serde_json::Value;

/// Encode one float.
pub fn float(x: f64) -> Value {
    if x.is_nan() {
        Value::from("NaN")
    } else if x == f64::INFINITY {
        Value::from("inf")
    } else if x == f64::NEG_INFINITY {
        Value::from("-inf")
    } else {
        Value::from(x)
    }
}

/// Encode a slice of `f32`.
pub fn floats(xs: &[f32]) -> Value {
    Value::Array(xs.iter().map(|&x| float(f64::from(x))).collect())
}

/// Decode one float encoded by [`float`].
pub fn decode_float(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// A malformed argument: always a grader bug, reported as `bad_request`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgError(pub String);

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Typed access to a request's arguments object.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a> {
    value: &'a Value,
}

impl<'a> Args<'a> {
    /// Wrap a request's `args`.
    pub fn new(value: &'a Value) -> Self {
        Self { value }
    }

    /// The raw JSON of argument `name`.
    pub fn raw(&self, name: &str) -> Result<&'a Value, ArgError> {
        self.value
            .get(name)
            .ok_or_else(|| ArgError(format!("missing argument `{name}`")))
    }

    /// Argument `name` as an `f32`.
    pub fn f32(&self, name: &str) -> Result<f32, ArgError> {
        decode_float(self.raw(name)?)
            .map(|x| x as f32)
            .ok_or_else(|| ArgError(format!("argument `{name}` is not a float")))
    }

    /// Argument `name` as a vector of `f32`.
    pub fn f32_vec(&self, name: &str) -> Result<Vec<f32>, ArgError> {
        to_f32_vec(self.raw(name)?)
            .ok_or_else(|| ArgError(format!("argument `{name}` is not a float array")))
    }

    /// Argument `name` as a list of `f32` vectors (rows may differ in length).
    pub fn f32_rows(&self, name: &str) -> Result<Vec<Vec<f32>>, ArgError> {
        let bad = || ArgError(format!("argument `{name}` is not an array of float arrays"));
        let rows = self.raw(name)?.as_array().ok_or_else(bad)?;
        rows.iter()
            .map(|row| to_f32_vec(row).ok_or_else(bad))
            .collect()
    }

    /// Argument `name` as a `u64`.
    pub fn u64(&self, name: &str) -> Result<u64, ArgError> {
        self.raw(name)?
            .as_u64()
            .ok_or_else(|| ArgError(format!("argument `{name}` is not an unsigned integer")))
    }

    /// Argument `name` as a `usize`.
    pub fn usize(&self, name: &str) -> Result<usize, ArgError> {
        let n = self.u64(name)?;
        usize::try_from(n).map_err(|_| ArgError(format!("argument `{name}` does not fit usize")))
    }

    /// Argument `name` as a string.
    pub fn str(&self, name: &str) -> Result<&'a str, ArgError> {
        self.raw(name)?
            .as_str()
            .ok_or_else(|| ArgError(format!("argument `{name}` is not a string")))
    }

    /// Argument `name` deserialised into `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, ArgError> {
        serde_json::from_value(self.raw(name)?.clone())
            .map_err(|err| ArgError(format!("argument `{name}`: {err}")))
    }
}

fn to_f32_vec(value: &Value) -> Option<Vec<f32>> {
    value
        .as_array()?
        .iter()
        .map(|x| decode_float(x).map(|x| x as f32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_floats_round_trip() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1, -0.0] {
            let back = decode_float(&float(x)).unwrap();
            assert!(back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()));
        }
    }

    #[test]
    fn f32_values_survive_the_trip_exactly() {
        let xs = [0.1f32, 1e-30, 3.4e38, f32::MIN_POSITIVE];
        let value = floats(&xs);
        let args_json = serde_json::json!({ "v": value });
        let back = Args::new(&args_json).f32_vec("v").unwrap();
        assert_eq!(back, xs);
    }

    #[test]
    fn a_missing_argument_names_itself() {
        let args_json = serde_json::json!({});
        let err = Args::new(&args_json).f32_vec("query").unwrap_err();
        assert_eq!(err.to_string(), "missing argument `query`");
    }
}
