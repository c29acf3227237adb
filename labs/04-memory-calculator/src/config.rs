//! Reading a Hugging Face `config.json` into an [`Architecture`], with an error naming the field
//! for anything missing, mistyped, negative, fractional, too large or unsupported.

use std::fmt;

use serde_json::{Map, Value};

use crate::architecture::{Architecture, BertConfig, Gpt2Config, LlamaConfig};
use crate::error::{CalcError, Family};

/// Why a config.json could not be read as a known architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not valid JSON (this includes `NaN`, which JSON does not have).
    Json {
        /// serde_json's message, with line and column.
        message: String,
    },
    /// Valid JSON, but not an object.
    NotAnObject,
    /// A required field is absent (or null).
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// A field has the wrong JSON type or range: a negative, fractional or too large count,
    /// a string where a number belongs, ...
    WrongType {
        /// The field.
        field: &'static str,
        /// What it must be: `"a non-negative integer"`, `"true or false"` or `"a string"`.
        expected: &'static str,
        /// The value as JSON text.
        found: String,
    },
    /// `model_type` names a family this lab does not count.
    UnknownFamily {
        /// The `model_type` as given.
        model_type: String,
    },
    /// A setting that adds parameters this lab does not model (e.g. cross-attention).
    Unsupported {
        /// The field.
        field: &'static str,
        /// Its value as JSON text.
        found: String,
    },
    /// The fields are readable but inconsistent (a zero count, heads that do not divide, ...).
    Invalid(CalcError),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Json { message } => write!(f, "config is not valid JSON: {message}"),
            ConfigError::NotAnObject => f.write_str("config is not a JSON object"),
            ConfigError::MissingField { field } => write!(f, "config has no `{field}`"),
            ConfigError::WrongType {
                field,
                expected,
                found,
            } => write!(
                f,
                "config field `{field}` must be {expected}, found {found}"
            ),
            ConfigError::UnknownFamily { model_type } => {
                let known: Vec<&str> = Family::ALL.iter().map(|family| family.name()).collect();
                write!(
                    f,
                    "unknown model_type `{model_type}`; known: {}",
                    known.join(", ")
                )
            }
            ConfigError::Unsupported { field, found } => write!(
                f,
                "config field `{field}` = {found} adds parameters this calculator does not count"
            ),
            ConfigError::Invalid(error) => write!(f, "invalid config: {error}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Invalid(error) => Some(error),
            _ => None,
        }
    }
}

/// The fields of a config object, read with typed errors.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    /// The value of `field`, treating `null` as absent (as `transformers` does for optional fields).
    fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|value| !value.is_null())
    }

    fn count(&self, field: &'static str) -> Result<u64, ConfigError> {
        self.optional_count(field)?
            .ok_or(ConfigError::MissingField { field })
    }

    fn optional_count(&self, field: &'static str) -> Result<Option<u64>, ConfigError> {
        self.get(field)
            .map(|value| {
                value.as_u64().ok_or_else(|| ConfigError::WrongType {
                    field,
                    expected: "a non-negative integer",
                    found: value.to_string(),
                })
            })
            .transpose()
    }

    fn flag(&self, field: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(field) {
            None => Ok(default),
            Some(value) => value.as_bool().ok_or_else(|| ConfigError::WrongType {
                field,
                expected: "true or false",
                found: value.to_string(),
            }),
        }
    }

    fn string(&self, field: &'static str) -> Result<Option<&str>, ConfigError> {
        self.get(field)
            .map(|value| {
                value.as_str().ok_or_else(|| ConfigError::WrongType {
                    field,
                    expected: "a string",
                    found: value.to_string(),
                })
            })
            .transpose()
    }

    /// `Unsupported` if the boolean `field` is set to true.
    fn reject_if_true(&self, field: &'static str) -> Result<(), ConfigError> {
        if self.flag(field, false)? {
            return Err(ConfigError::Unsupported {
                field,
                found: "true".to_string(),
            });
        }
        Ok(())
    }
}

/// Reads a Hugging Face config.json of the GPT-2 (`"model_type": "gpt2"`), Llama (`"llama"`) or
/// BERT (`"bert"`) family, then validates it.
///
/// Required and optional fields are those of [`Gpt2Config`], [`LlamaConfig`] and [`BertConfig`];
/// unknown fields are ignored, `null` counts as absent. A BERT config is read with
/// `add_pooling_layer: true`, as `BertModel` builds it by default. Rejected as unsupported:
/// `add_cross_attention: true` (GPT-2, BERT) and a BERT `position_embedding_type` other than
/// `"absolute"` (relative positions add parameters).
pub fn parse_config(json: &str) -> Result<Architecture, ConfigError> {
    let value: Value = serde_json::from_str(json).map_err(|error| ConfigError::Json {
        message: error.to_string(),
    })?;
    let object = value.as_object().ok_or(ConfigError::NotAnObject)?;
    let fields = Fields(object);
    let model_type = fields
        .string("model_type")?
        .ok_or(ConfigError::MissingField {
            field: "model_type",
        })?;
    let architecture = match model_type {
        "gpt2" => Architecture::Gpt2(read_gpt2(&fields)?),
        "llama" => Architecture::Llama(read_llama(&fields)?),
        "bert" => Architecture::Bert(read_bert(&fields)?),
        other => {
            return Err(ConfigError::UnknownFamily {
                model_type: other.to_string(),
            })
        }
    };
    architecture.validate().map_err(ConfigError::Invalid)?;
    Ok(architecture)
}

fn read_gpt2(fields: &Fields<'_>) -> Result<Gpt2Config, ConfigError> {
    let config = Gpt2Config {
        vocab_size: fields.count("vocab_size")?,
        n_positions: fields.count("n_positions")?,
        n_embd: fields.count("n_embd")?,
        n_layer: fields.count("n_layer")?,
        n_head: fields.count("n_head")?,
        n_inner: fields.optional_count("n_inner")?,
        tie_word_embeddings: fields.flag("tie_word_embeddings", true)?,
    };
    fields.reject_if_true("add_cross_attention")?;
    Ok(config)
}

fn read_llama(fields: &Fields<'_>) -> Result<LlamaConfig, ConfigError> {
    Ok(LlamaConfig {
        vocab_size: fields.count("vocab_size")?,
        hidden_size: fields.count("hidden_size")?,
        intermediate_size: fields.count("intermediate_size")?,
        num_hidden_layers: fields.count("num_hidden_layers")?,
        num_attention_heads: fields.count("num_attention_heads")?,
        num_key_value_heads: fields.optional_count("num_key_value_heads")?,
        head_dim: fields.optional_count("head_dim")?,
        max_position_embeddings: fields.optional_count("max_position_embeddings")?,
        tie_word_embeddings: fields.flag("tie_word_embeddings", false)?,
        attention_bias: fields.flag("attention_bias", false)?,
        mlp_bias: fields.flag("mlp_bias", false)?,
    })
}

fn read_bert(fields: &Fields<'_>) -> Result<BertConfig, ConfigError> {
    let config = BertConfig {
        vocab_size: fields.count("vocab_size")?,
        hidden_size: fields.count("hidden_size")?,
        num_hidden_layers: fields.count("num_hidden_layers")?,
        num_attention_heads: fields.count("num_attention_heads")?,
        intermediate_size: fields.count("intermediate_size")?,
        max_position_embeddings: fields.count("max_position_embeddings")?,
        type_vocab_size: fields.count("type_vocab_size")?,
        add_pooling_layer: true,
    };
    fields.reject_if_true("add_cross_attention")?;
    if let Some(kind) = fields.string("position_embedding_type")? {
        if kind != "absolute" {
            return Err(ConfigError::Unsupported {
                field: "position_embedding_type",
                found: format!("\"{kind}\""),
            });
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPT2: &str = r#"{"model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024,
        "n_embd": 768, "n_layer": 12, "n_head": 12, "n_inner": null}"#;

    #[test]
    fn a_gpt2_config_reads_with_transformers_defaults() {
        let Architecture::Gpt2(config) = parse_config(GPT2).unwrap() else {
            panic!("not gpt2")
        };
        assert_eq!(config.n_inner, None);
        assert!(config.tie_word_embeddings);
        assert_eq!(config.intermediate_size(), 3072);
    }

    #[test]
    fn serde_and_parse_config_agree() {
        let via_serde: Architecture = serde_json::from_str(GPT2).unwrap();
        assert_eq!(via_serde, parse_config(GPT2).unwrap());
    }

    #[test]
    fn a_missing_field_is_named() {
        let json = r#"{"model_type": "llama", "vocab_size": 10, "hidden_size": 8,
            "num_hidden_layers": 1, "num_attention_heads": 2}"#;
        assert_eq!(
            parse_config(json),
            Err(ConfigError::MissingField {
                field: "intermediate_size"
            })
        );
        assert_eq!(
            parse_config("{}"),
            Err(ConfigError::MissingField {
                field: "model_type"
            })
        );
    }

    #[test]
    fn negative_fractional_huge_and_string_counts_are_wrong_types() {
        for (bad, found) in [
            ("-1", "-1"),
            ("768.5", "768.5"),
            ("1e30", "1e+30"),
            ("18446744073709551616", "1.8446744073709552e+19"),
            ("\"768\"", "\"768\""),
        ] {
            let json = GPT2.replace("\"n_embd\": 768", &format!("\"n_embd\": {bad}"));
            assert_eq!(
                parse_config(&json),
                Err(ConfigError::WrongType {
                    field: "n_embd",
                    expected: "a non-negative integer",
                    found: found.to_string()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn nan_is_not_json() {
        let json = GPT2.replace("\"n_embd\": 768", "\"n_embd\": NaN");
        assert!(matches!(parse_config(&json), Err(ConfigError::Json { .. })));
    }

    #[test]
    fn zero_counts_and_bad_head_splits_are_invalid() {
        let json = GPT2.replace("\"n_layer\": 12", "\"n_layer\": 0");
        assert_eq!(
            parse_config(&json),
            Err(ConfigError::Invalid(CalcError::Zero { field: "n_layer" }))
        );
        let json = GPT2.replace("\"n_head\": 12", "\"n_head\": 7");
        assert!(matches!(
            parse_config(&json),
            Err(ConfigError::Invalid(CalcError::NotDivisible { .. }))
        ));
    }

    #[test]
    fn unknown_families_list_the_known_ones() {
        let error = parse_config(r#"{"model_type": "t5"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown model_type `t5`; known: gpt2, llama, bert"
        );
    }

    #[test]
    fn settings_that_add_uncounted_parameters_are_rejected() {
        let json = GPT2.replace("\"n_inner\": null", "\"add_cross_attention\": true");
        assert_eq!(
            parse_config(&json),
            Err(ConfigError::Unsupported {
                field: "add_cross_attention",
                found: "true".to_string()
            })
        );
    }

    #[test]
    fn non_objects_are_rejected() {
        assert_eq!(parse_config("[1, 2]"), Err(ConfigError::NotAnObject));
        assert!(matches!(parse_config("{"), Err(ConfigError::Json { .. })));
    }
}
