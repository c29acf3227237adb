//! Counting the numbers a `.safetensors` file holds, from its header alone, to check a count.
//!
//! The format: 8 bytes little-endian header length N, then N bytes of JSON mapping each tensor
//! name to `{"dtype", "shape", "data_offsets"}` (plus an optional `"__metadata__"`), then data.
//! A file may also hold buffers that are not parameters, such as BERT's `position_ids` (I64).

use std::fmt;
use std::io::Read;

use serde::Serialize;
use serde_json::Value;

use crate::checked::{checked_product, exact_u64};

/// Headers larger than this are refused rather than read into memory.
pub const MAX_HEADER_BYTES: u64 = 100 << 20;

/// One tensor of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TensorInfo {
    /// Its name, e.g. `"embeddings.word_embeddings.weight"`.
    pub name: String,
    /// Its dtype as written: `"F32"`, `"BF16"`, `"I64"`, ...
    pub dtype: String,
    /// Its shape.
    pub shape: Vec<u64>,
    /// The product of the shape.
    pub elements: u64,
}

impl TensorInfo {
    /// Whether it holds floating-point numbers (weights), rather than integer or boolean buffers.
    pub fn is_floating_point(&self) -> bool {
        matches!(
            self.dtype.as_str(),
            "F64" | "F32" | "F16" | "BF16" | "F8_E4M3" | "F8_E5M2"
        )
    }
}

/// Totals over a file's tensors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetensorsSummary {
    /// Every tensor, sorted by name.
    pub tensors: Vec<TensorInfo>,
    /// Elements of all tensors.
    pub total_elements: u64,
    /// Elements of floating-point tensors: the parameters of an unquantised model.
    pub float_elements: u64,
}

/// Why a safetensors header could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetensorsError {
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read safetensors header: {}", self.message)
    }
}

impl std::error::Error for SafetensorsError {}

fn fail(message: impl Into<String>) -> SafetensorsError {
    SafetensorsError {
        message: message.into(),
    }
}

/// Reads the header from the start of a safetensors file and totals its tensors.
pub fn read_safetensors_header(
    mut reader: impl Read,
) -> Result<SafetensorsSummary, SafetensorsError> {
    let mut length = [0u8; 8];
    reader
        .read_exact(&mut length)
        .map_err(|error| fail(format!("no 8-byte length prefix ({error})")))?;
    let length = u64::from_le_bytes(length);
    if length > MAX_HEADER_BYTES {
        return Err(fail(format!("header length {length} is implausibly large")));
    }
    let mut header = Vec::new();
    reader
        .take(length)
        .read_to_end(&mut header)
        .map_err(|error| fail(error.to_string()))?;
    if header.len() as u64 != length {
        return Err(fail("file ends inside the header"));
    }
    let json: Value =
        serde_json::from_slice(&header).map_err(|error| fail(format!("header JSON: {error}")))?;
    let entries = json
        .as_object()
        .ok_or_else(|| fail("header is not an object"))?;
    let mut tensors = entries
        .iter()
        .filter(|(name, _)| name.as_str() != "__metadata__")
        .map(|(name, entry)| tensor_info(name, entry))
        .collect::<Result<Vec<_>, _>>()?;
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let total = |float_only: bool| -> Result<u64, SafetensorsError> {
        tensors
            .iter()
            .filter(|tensor| !float_only || tensor.is_floating_point())
            .try_fold(0u64, |sum, tensor| sum.checked_add(tensor.elements))
            .ok_or_else(|| fail("element count overflows u64"))
    };
    Ok(SafetensorsSummary {
        total_elements: total(false)?,
        float_elements: total(true)?,
        tensors,
    })
}

fn tensor_info(name: &str, entry: &Value) -> Result<TensorInfo, SafetensorsError> {
    let dtype = entry
        .get("dtype")
        .and_then(Value::as_str)
        .ok_or_else(|| fail(format!("tensor `{name}` has no dtype")))?;
    let shape = entry
        .get("shape")
        .and_then(Value::as_array)
        .and_then(|dims| dims.iter().map(Value::as_u64).collect::<Option<Vec<u64>>>())
        .ok_or_else(|| fail(format!("tensor `{name}` has no valid shape")))?;
    let elements = exact_u64(checked_product(&shape), "elements")
        .map_err(|_| fail(format!("tensor `{name}` has more than u64::MAX elements")))?;
    Ok(TensorInfo {
        name: name.to_string(),
        dtype: dtype.to_string(),
        shape,
        elements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str) -> Vec<u8> {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes
    }

    #[test]
    fn float_tensors_are_counted_apart_from_integer_buffers() {
        let header = r#"{"__metadata__": {"format": "pt"},
            "w": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]},
            "b": {"dtype": "BF16", "shape": [4], "data_offsets": [48, 56]},
            "position_ids": {"dtype": "I64", "shape": [1, 5], "data_offsets": [56, 96]}}"#;
        let summary = read_safetensors_header(file(header).as_slice()).unwrap();
        assert_eq!(summary.total_elements, 21);
        assert_eq!(summary.float_elements, 16);
        let names: Vec<&str> = summary.tensors.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["b", "position_ids", "w"]);
    }

    #[test]
    fn truncated_or_malformed_headers_are_errors() {
        assert!(read_safetensors_header(&[1u8, 2][..]).is_err());
        let mut short = file("{}");
        short.pop();
        assert!(read_safetensors_header(short.as_slice()).is_err());
        assert!(read_safetensors_header(file("[]").as_slice()).is_err());
        let no_shape = r#"{"w": {"dtype": "F32", "data_offsets": [0, 4]}}"#;
        assert!(read_safetensors_header(file(no_shape).as_slice()).is_err());
        let huge = (MAX_HEADER_BYTES + 1).to_le_bytes();
        assert!(read_safetensors_header(&huge[..]).is_err());
    }
}
