//! Comparing a student's reply with the expected one.
//!
//! Structural JSON equality where floats (numbers, or the protocol's
//! `"NaN"`/`"inf"` strings) compare within a tolerance and everything else
//! exactly. The first difference is reported with its path, so a student
//! reads "at [2].index: expected 4, got 1" rather than two walls of JSON.

use lab_protocol::{decode_float, Reply};
use serde_json::Value;

use crate::course::Tolerance;

/// The result of comparing two replies.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Equal within tolerance.
    Same,
    /// Different; where and how.
    Differs(String),
}

/// Compare `actual` against `expected`.
pub fn compare_replies(expected: &Reply, actual: &Reply, tolerance: Tolerance) -> Verdict {
    match (expected, actual) {
        (Reply::Ok(e), Reply::Ok(a)) | (Reply::Err(e), Reply::Err(a)) => {
            match first_difference("", e, a, tolerance) {
                None => Verdict::Same,
                Some(diff) => Verdict::Differs(diff),
            }
        }
        (Reply::Ok(_), Reply::Err(err)) => {
            Verdict::Differs(format!("expected a value, got the error {}", compact(err)))
        }
        (Reply::Err(err), Reply::Ok(value)) => Verdict::Differs(format!(
            "expected the error {}, got the value {}",
            compact(err),
            compact(value)
        )),
        _ => Verdict::Differs("the reply is not a value or an error".into()),
    }
}

/// One-line JSON, shortened for messages.
pub fn compact(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// A float as a person wants to read it: values that are exactly an `f32`
/// (all the labs' floats) in f32's shortest form, `0.23` and not
/// `0.2300000041723251`.
pub fn show_float(x: f64) -> String {
    let narrow = x as f32;
    if f64::from(narrow) == x {
        narrow.to_string()
    } else {
        x.to_string()
    }
}

fn floats_match(e: f64, a: f64, tol: Tolerance) -> bool {
    if e.is_nan() || a.is_nan() {
        return e.is_nan() && a.is_nan();
    }
    if e.is_infinite() || a.is_infinite() {
        return e == a;
    }
    (a - e).abs() <= tol.abs + tol.rel * e.abs()
}

fn is_float_like(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(s) => matches!(s.as_str(), "NaN" | "inf" | "-inf"),
        _ => false,
    }
}

fn first_difference(
    path: &str,
    expected: &Value,
    actual: &Value,
    tol: Tolerance,
) -> Option<String> {
    let at = |p: &str| {
        if p.is_empty() {
            "the value".to_owned()
        } else {
            format!("at {p}")
        }
    };
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) if e.is_f64() || a.is_f64() => {
            let (e, a) = (e.as_f64()?, a.as_f64()?);
            (!floats_match(e, a, tol)).then(|| {
                let (e, a) = (show_float(e), show_float(a));
                format!(
                    "{}: expected {e}, got {a} (tolerance {} + {}·|expected|)",
                    at(path),
                    tol.abs,
                    tol.rel
                )
            })
        }
        (e, a) if is_float_like(e) && is_float_like(a) && !(e.is_number() && a.is_number()) => {
            let (ef, af) = (decode_float(e)?, decode_float(a)?);
            (!floats_match(ef, af, tol))
                .then(|| format!("{}: expected {}, got {}", at(path), compact(e), compact(a)))
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Some(format!(
                    "{}: expected {} items, got {}",
                    at(path),
                    e.len(),
                    a.len()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .find_map(|(i, (e, a))| first_difference(&format!("{path}[{i}]"), e, a, tol))
        }
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys()) {
                let child = format!("{path}.{key}");
                match (e.get(key), a.get(key)) {
                    (Some(ev), Some(av)) => {
                        if let Some(diff) = first_difference(&child, ev, av, tol) {
                            return Some(diff);
                        }
                    }
                    (Some(_), None) => return Some(format!("{}: missing", at(&child))),
                    (None, _) => return Some(format!("{}: unexpected field", at(&child))),
                }
            }
            None
        }
        (e, a) if e == a => None,
        (e, a) => Some(format!(
            "{}: expected {}, got {}",
            at(path),
            compact(e),
            compact(a)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOL: Tolerance = Tolerance {
        abs: 1e-5,
        rel: 0.0,
    };

    fn ok(v: Value) -> Reply {
        Reply::Ok(v)
    }

    #[test]
    fn floats_within_tolerance_are_the_same() {
        assert_eq!(
            compare_replies(&ok(json!(0.5)), &ok(json!(0.500001)), TOL),
            Verdict::Same
        );
        assert!(matches!(
            compare_replies(&ok(json!(0.5)), &ok(json!(0.51)), TOL),
            Verdict::Differs(_)
        ));
    }

    #[test]
    fn the_first_difference_names_its_path() {
        let e = ok(json!([{"index": 0, "score": 1.0}, {"index": 4, "score": 0.5}]));
        let a = ok(json!([{"index": 0, "score": 1.0}, {"index": 1, "score": 0.5}]));
        assert_eq!(
            compare_replies(&e, &a, TOL),
            Verdict::Differs("at [1].index: expected 4, got 1".into())
        );
    }

    #[test]
    fn nan_equals_nan_and_infinities_are_exact() {
        assert_eq!(
            compare_replies(&ok(json!("NaN")), &ok(json!("NaN")), TOL),
            Verdict::Same
        );
        assert!(matches!(
            compare_replies(&ok(json!("inf")), &ok(json!(1e300)), TOL),
            Verdict::Differs(_)
        ));
    }

    #[test]
    fn an_error_where_a_value_was_expected_says_so() {
        let verdict = compare_replies(
            &ok(json!(1.0)),
            &Reply::Err(json!({"kind": "zero_norm"})),
            TOL,
        );
        assert_eq!(
            verdict,
            Verdict::Differs(r#"expected a value, got the error {"kind":"zero_norm"}"#.into())
        );
    }

    #[test]
    fn integers_compare_exactly() {
        assert!(matches!(
            compare_replies(&ok(json!(3)), &ok(json!(4)), TOL),
            Verdict::Differs(_)
        ));
        assert_eq!(
            compare_replies(&ok(json!(3)), &ok(json!(3)), TOL),
            Verdict::Same
        );
    }
}
