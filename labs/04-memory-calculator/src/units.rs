//! Units of memory: a byte count, and how to show it in GB (10^9) and GiB (2^30) side by side.
//!
//! The lesson writes "GB" loosely. Vendors and the lesson's 7B table use decimal gigabytes
//! (1 GB = 1,000,000,000 bytes); `nvidia-smi`, PyTorch and most operating systems report
//! binary gibibytes (1 GiB = 1,073,741,824 bytes), often still labelled "GB". The same
//! 16,060,522,496 bytes are 16.06 GB and 14.96 GiB.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One decimal gigabyte: 10^9 bytes.
pub const GB: u64 = 1_000_000_000;
/// One binary gibibyte: 2^30 bytes.
pub const GIB: u64 = 1 << 30;

/// A number of bytes. Serialised as a plain integer.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Bytes(pub u64);

impl Bytes {
    /// The byte count.
    pub fn get(self) -> u64 {
        self.0
    }

    /// In decimal gigabytes (10^9 bytes), as the lesson's tables use.
    pub fn gb(self) -> f64 {
        self.0 as f64 / GB as f64
    }

    /// In binary gibibytes (2^30 bytes), as GPU tools report.
    pub fn gib(self) -> f64 {
        self.0 as f64 / GIB as f64
    }

    /// The decimal figure alone with a fitting prefix: `"16.06 GB"`, `"671.09 MB"`, `"12 B"`.
    pub fn decimal(self) -> String {
        scaled(self.0, 1000, &["B", "kB", "MB", "GB", "TB", "PB", "EB"])
    }

    /// The binary figure alone with a fitting prefix: `"14.96 GiB"`, `"640.00 MiB"`, `"12 B"`.
    pub fn binary(self) -> String {
        scaled(
            self.0,
            1024,
            &["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"],
        )
    }
}

/// Formats `value` with two decimals in the largest unit it reaches.
fn scaled(value: u64, base: u64, units: &[&str]) -> String {
    let mut unit = 0;
    let mut divisor = 1u64;
    while unit + 1 < units.len() && value / divisor >= base {
        divisor *= base;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} B")
    } else {
        format!("{:.2} {}", value as f64 / divisor as f64, units[unit])
    }
}

/// `"16.06 GB (14.96 GiB)"`: both units, because the difference is 7% at this scale.
/// Honours width and alignment (`{:>24}`).
impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if self.0 < 1000 {
            format!("{} B", self.0)
        } else {
            format!("{} ({})", self.decimal(), self.binary())
        };
        f.pad(&text)
    }
}

/// Why a memory size such as `"24GB"` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBytesError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for ParseBytesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read `{}` as a memory size: {} (examples: 0, 1500000000, 24GB, 1.5 GiB, 512MiB)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ParseBytesError {}

/// The multiplier of a unit suffix (case-insensitive): B, kB/KB, MB, GB, TB and KiB, MiB, GiB, TiB.
fn unit_multiplier(unit: &str) -> Option<u64> {
    let multiplier = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => GB,
        "tb" => 1_000 * GB,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => GIB,
        "tib" => 1 << 40,
        _ => return None,
    };
    Some(multiplier)
}

/// Reads sizes such as `"0"`, `"1500000000"`, `"24GB"`, `"1.5 GiB"` or `"512MiB"`.
/// Whole numbers are exact; a decimal fraction is rounded up to a whole byte. Negative,
/// NaN, infinite and overflowing sizes are rejected.
impl FromStr for Bytes {
    type Err = ParseBytesError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| ParseBytesError {
            input: text.to_string(),
            reason,
        };
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.contains("nan") || lower.contains("inf") {
            return Err(error("not a finite number"));
        }
        let split = trimmed
            .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let number = number.trim();
        let multiplier = unit_multiplier(unit.trim()).ok_or_else(|| error("unknown unit"))?;
        if number.is_empty() {
            return Err(error("no number"));
        }
        if number.starts_with('-') {
            return Err(error("a size cannot be negative"));
        }
        if let Ok(whole) = number.parse::<u64>() {
            return whole
                .checked_mul(multiplier)
                .map(Bytes)
                .ok_or_else(|| error("too large for 64 bits"));
        }
        let value: f64 = number.parse().map_err(|_| error("not a number"))?;
        if !value.is_finite() {
            return Err(error("not a finite number"));
        }
        let bytes = (value * multiplier as f64).ceil();
        // 2^64 is exactly representable; anything at or above it does not fit.
        if bytes >= 18_446_744_073_709_551_616.0 {
            return Err(error("too large for 64 bits"));
        }
        Ok(Bytes(bytes as u64))
    }
}

/// `124439808` as `"124,439,808"`.
pub fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_decimal_and_binary_units() {
        assert_eq!(Bytes(16_060_522_496).to_string(), "16.06 GB (14.96 GiB)");
        assert_eq!(Bytes(1 << 30).to_string(), "1.07 GB (1.00 GiB)");
        assert_eq!(Bytes(999).to_string(), "999 B");
        assert_eq!(Bytes(1500).to_string(), "1.50 kB (1.46 KiB)");
        assert_eq!(format!("[{:>12}]", Bytes(5)), "[         5 B]");
    }

    #[test]
    fn gb_and_gib_differ_by_seven_percent_at_this_scale() {
        let sixteen_gb = Bytes(16 * GB);
        assert_eq!(sixteen_gb.gb(), 16.0);
        assert!((sixteen_gb.gib() - 14.901_161).abs() < 1e-6);
    }

    #[test]
    fn sizes_parse_with_decimal_and_binary_units() {
        assert_eq!("0".parse(), Ok(Bytes(0)));
        assert_eq!("24GB".parse(), Ok(Bytes(24 * GB)));
        assert_eq!("24 gb".parse(), Ok(Bytes(24 * GB)));
        assert_eq!("1.5 GiB".parse(), Ok(Bytes(3 << 29)));
        assert_eq!("512MiB".parse(), Ok(Bytes(512 << 20)));
        assert_eq!("1e9".parse(), Ok(Bytes(GB)));
        assert_eq!("0.5B".parse(), Ok(Bytes(1)));
    }

    #[test]
    fn bad_sizes_are_rejected_with_a_reason() {
        let reason = |text: &str| text.parse::<Bytes>().unwrap_err().reason;
        assert_eq!(reason("-1GB"), "a size cannot be negative");
        assert_eq!(reason("NaN"), "not a finite number");
        assert_eq!(reason("inf GB"), "not a finite number");
        assert_eq!(reason("1e400"), "not a finite number");
        assert_eq!(reason("20000000000GB"), "too large for 64 bits");
        assert_eq!(reason("3 parsecs"), "unknown unit");
        assert_eq!(reason("GB"), "no number");
    }

    #[test]
    fn digits_are_grouped_in_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(124_439_808), "124,439,808");
    }
}
