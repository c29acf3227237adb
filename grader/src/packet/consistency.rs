//! Consistency: the figures a packet states in its front matter against
//! what lab 04's calculators (the reference, through a [`Calculator`]) and
//! the token and cost arithmetic give for the packet's own stated inputs.
//!
//! The memory formulas are deliberately not written here: the grader ships
//! in the student handout, and a copy of lab 04's solution would leak it.
//! Tokens x price x volume is plain arithmetic and is done here.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// Lab 04's calculators, asked one batch at a time.
pub trait Calculator {
    /// Answer each `(call, args)` as lab 04's driver does; `Err` for the
    /// whole batch when the calculators are not available here.
    fn ask(&mut self, requests: &[(String, Value)]) -> Result<Vec<Result<Value, String>>, String>;
}

/// How one stated figure fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// It agrees with the computation.
    Agrees(String),
    /// It does not: both numbers named.
    Mismatch(String),
    /// An input or the figure is missing or unreadable.
    Missing(String),
    /// It could not be computed here (no calculators): a person checks it.
    Unverifiable(String),
}

/// The consistency findings, grouped in the rubric's four parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consistency {
    /// `(part, findings)`: inference VRAM, fine-tuning memory, tokens per
    /// request, monthly cost.
    pub parts: Vec<(&'static str, Vec<Finding>)>,
}

impl Consistency {
    /// Share of the points earned (each part equal, each finding in a part
    /// equal), and whether a person should review.
    pub fn share(&self) -> (f64, bool) {
        let mut total = 0.0;
        let mut review = false;
        for (_, findings) in &self.parts {
            if findings.is_empty() {
                continue;
            }
            let agree = findings
                .iter()
                .filter(|f| matches!(f, Finding::Agrees(_)))
                .count();
            review |= findings
                .iter()
                .any(|f| matches!(f, Finding::Unverifiable(_)));
            total += agree as f64 / findings.len() as f64;
        }
        (total / self.parts.len().max(1) as f64, review)
    }
}

/// Read a number as written (`8_030_261_248`, `4,400`, `19.27 GB`, `$23.76`).
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim().trim_start_matches(['$', '~', '€', '£']);
    let numeric: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | ',' | 'e' | 'E' | '-' | '+'))
        .filter(|c| !matches!(c, '_' | ','))
        .collect();
    numeric
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
}

struct Fields<'a> {
    front: &'a BTreeMap<String, String>,
}

impl Fields<'_> {
    fn has(&self, key: &str) -> bool {
        self.front.get(key).is_some_and(|v| !v.trim().is_empty())
    }
    fn num(&self, key: &str) -> Result<f64, String> {
        match self.front.get(key).map(|v| v.trim()) {
            None | Some("") => Err(format!("`{key}` is not stated")),
            Some(v) => number(v).ok_or_else(|| format!("`{key}: {v}` is not a number")),
        }
    }
    fn count(&self, key: &str) -> Result<u64, String> {
        let x = self.num(key)?;
        if x.fract() != 0.0 || x > 1.8e19 {
            return Err(format!("`{key}` must be a whole number"));
        }
        Ok(x as u64)
    }
    fn text(&self, key: &str, default: Option<&str>) -> Result<String, String> {
        match self.front.get(key).map(|v| v.trim().to_lowercase()) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => default
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` is not stated")),
        }
    }
    fn bytes_of_gb(&self, key: &str) -> Result<u64, String> {
        if !self.has(key) {
            return Ok(0);
        }
        Ok((self.num(key)? * 1e9).round() as u64)
    }
}

/// One memory figure to ask lab 04 about.
struct Ask {
    part: usize,
    stated_key: &'static str,
    stated: f64,
    call: &'static str,
    args: Value,
    describe: String,
}

/// Check `front` (the packet's front matter) within relative `tolerance`.
pub fn check(
    front: &BTreeMap<String, String>,
    calculator: &mut dyn Calculator,
    tolerance: f64,
) -> Consistency {
    let fields = Fields { front };
    let mut parts: Vec<(&'static str, Vec<Finding>)> = vec![
        ("inference VRAM", Vec::new()),
        ("fine-tuning memory", Vec::new()),
        ("tokens per request", Vec::new()),
        ("monthly cost", Vec::new()),
    ];
    let mut asks = Vec::new();
    match inference_ask(&fields) {
        Ok(ask) => asks.push(ask),
        Err(why) => parts[0].1.push(Finding::Missing(why)),
    }
    let training = fields.has("training_memory_gb");
    let lora = fields.has("lora_memory_gb");
    if !training && !lora {
        parts[1].1.push(Finding::Missing(
            "neither `training_memory_gb` nor `lora_memory_gb` is stated".into(),
        ));
    }
    if training {
        match training_ask(&fields) {
            Ok(ask) => asks.push(ask),
            Err(why) => parts[1].1.push(Finding::Missing(why)),
        }
    }
    if lora {
        match lora_ask(&fields) {
            Ok(ask) => asks.push(ask),
            Err(why) => parts[1].1.push(Finding::Missing(why)),
        }
    }
    let requests: Vec<(String, Value)> = asks
        .iter()
        .map(|a| (a.call.to_owned(), a.args.clone()))
        .collect();
    let answers = if requests.is_empty() {
        Ok(Vec::new())
    } else {
        calculator.ask(&requests)
    };
    for (i, ask) in asks.iter().enumerate() {
        let finding = match &answers {
            Err(why) => Finding::Unverifiable(format!(
                "{} = {} GB not verified: {why}",
                ask.stated_key,
                show(ask.stated)
            )),
            Ok(answers) => match answers.get(i) {
                Some(Ok(value)) => memory_finding(ask, value, tolerance),
                Some(Err(why)) => Finding::Mismatch(format!(
                    "lab 04's {} refused the packet's inputs ({}): {why}",
                    ask.call, ask.describe
                )),
                None => Finding::Unverifiable(format!("{}: no answer", ask.stated_key)),
            },
        };
        parts[ask.part].1.push(finding);
    }
    parts[2].1.extend(tokens(&fields));
    parts[3].1.extend(cost(&fields, tolerance));
    Consistency { parts }
}

fn show(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

fn inference_ask(f: &Fields) -> Result<Ask, String> {
    let params = f.count("model_params")?;
    let precision = f.text("inference_precision", None)?;
    Ok(Ask {
        part: 0,
        stated_key: "inference_vram_gb",
        stated: f.num("inference_vram_gb")?,
        call: "inference_vram",
        describe: format!("inference_vram({params} params, {precision})"),
        args: json!({ "params": params, "precision": precision }),
    })
}

fn training_ask(f: &Fields) -> Result<Ask, String> {
    let params = f.count("model_params")?;
    let precision = f.text("training_precision", None)?;
    let optimizer = f.text("training_optimizer", Some("adam"))?;
    let state = f.text("training_optimizer_precision", Some(&precision))?;
    let master = f.text("training_master_weights", Some("none"))?;
    let activations = f.bytes_of_gb("training_activation_gb")?;
    let master = (master != "none" && master != "no").then_some(master);
    Ok(Ask {
        part: 1,
        stated_key: "training_memory_gb",
        stated: f.num("training_memory_gb")?,
        call: "training_memory",
        describe: format!(
            "training_memory({params} params, {precision} weights and gradients, {optimizer} with {state} state, master {}, {activations} activation bytes)",
            master.as_deref().unwrap_or("none")
        ),
        args: json!({ "config": {
            "params": params,
            "weight_precision": precision,
            "gradient_precision": precision,
            "optimizer": optimizer,
            "optimizer_state_precision": state,
            "master_weights": master,
            "activation_bytes": activations,
        }}),
    })
}

fn lora_ask(f: &Fields) -> Result<Ask, String> {
    let params = f.count("model_params")?;
    let base = f.text("lora_base_precision", None)?;
    let adapters = f.count("lora_adapter_params")?;
    let adapter_precision = f.text("lora_adapter_precision", Some("fp32"))?;
    let optimizer = f.text("lora_optimizer", Some("adam"))?;
    let state = f.text("lora_optimizer_precision", Some("fp32"))?;
    let activations = f.bytes_of_gb("lora_activation_gb")?;
    Ok(Ask {
        part: 1,
        stated_key: "lora_memory_gb",
        stated: f.num("lora_memory_gb")?,
        call: "lora_memory",
        describe: format!(
            "lora_memory({params} base params at {base}, {adapters} adapter params at {adapter_precision}, {optimizer} with {state} state, {activations} activation bytes)"
        ),
        args: json!({ "config": {
            "base_params": params,
            "base_precision": base,
            "adapter_params": adapters,
            "adapter_precision": adapter_precision,
            "optimizer": optimizer,
            "optimizer_state_precision": state,
            "activation_bytes": activations,
        }}),
    })
}

fn memory_finding(ask: &Ask, value: &Value, tolerance: f64) -> Finding {
    let bytes = value
        .as_u64()
        .or_else(|| value.get("total").and_then(Value::as_u64));
    let Some(bytes) = bytes else {
        return Finding::Unverifiable(format!(
            "{}: lab 04 answered {value}, not a byte count",
            ask.stated_key
        ));
    };
    let computed = bytes as f64 / 1e9;
    compare(
        ask.stated_key,
        ask.stated,
        computed,
        "GB",
        &ask.describe,
        tolerance,
    )
}

fn compare(
    key: &str,
    stated: f64,
    computed: f64,
    unit: &str,
    how: &str,
    tolerance: f64,
) -> Finding {
    let off = (stated - computed).abs() / computed.abs().max(1e-12);
    let line = format!(
        "{key} states {} {unit}; {how} gives {} {unit}",
        show(stated),
        show(computed)
    );
    if off <= tolerance {
        Finding::Agrees(line)
    } else {
        Finding::Mismatch(format!(
            "{line}: {:.1}% apart (tolerance {:.1}%)",
            off * 100.0,
            tolerance * 100.0
        ))
    }
}

const TOKEN_PARTS: [&str; 4] = [
    "system_prompt_tokens",
    "history_tokens",
    "retrieved_tokens",
    "user_message_tokens",
];

fn tokens(f: &Fields) -> Vec<Finding> {
    let mut out = Vec::new();
    let stated = match f.count("input_tokens_per_request") {
        Ok(n) => n,
        Err(why) => return vec![Finding::Missing(why)],
    };
    let mut sum = 0u64;
    let mut named = Vec::new();
    for key in TOKEN_PARTS {
        if f.has(key) {
            match f.count(key) {
                Ok(n) => {
                    sum = sum.saturating_add(n);
                    named.push(key);
                }
                Err(why) => out.push(Finding::Missing(why)),
            }
        }
    }
    if named.is_empty() {
        out.push(Finding::Missing(format!(
            "the parts of a request ({}) are not stated",
            TOKEN_PARTS.join(", ")
        )));
    } else if sum == stated {
        out.push(Finding::Agrees(format!(
            "input_tokens_per_request = {stated} tokens = {}",
            named.join(" + ")
        )));
    } else {
        out.push(Finding::Mismatch(format!(
            "input_tokens_per_request states {stated} tokens; {} add up to {sum} tokens",
            named.join(" + ")
        )));
    }
    match (
        f.count("output_tokens_per_request"),
        f.count("context_window_tokens"),
    ) {
        (Ok(output), Ok(window)) => {
            let used = stated.saturating_add(output);
            out.push(if used <= window {
                Finding::Agrees(format!(
                    "{stated} input + {output} output = {used} tokens fit the {window}-token window"
                ))
            } else {
                Finding::Mismatch(format!(
                    "{stated} input + {output} output = {used} tokens do not fit the {window}-token window"
                ))
            });
        }
        (Err(why), _) | (_, Err(why)) => out.push(Finding::Missing(why)),
    }
    out
}

fn cost(f: &Fields, tolerance: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    if f.has("monthly_cost_usd") || !f.has("hosting_monthly_usd") {
        out.push(api_cost(f, tolerance).unwrap_or_else(Finding::Missing));
    }
    if f.has("hosting_monthly_usd") {
        out.push(hosting_cost(f, tolerance).unwrap_or_else(Finding::Missing));
    }
    out
}

fn api_cost(f: &Fields, tolerance: f64) -> Result<Finding, String> {
    let input = f.num("input_tokens_per_request")?;
    let output = f.num("output_tokens_per_request")?;
    let requests = f.num("requests_per_month")?;
    let price_in = f.num("price_input_usd_per_mtok")?;
    let price_out = f.num("price_output_usd_per_mtok")?;
    let stated = f.num("monthly_cost_usd")?;
    let computed = (input * price_in + output * price_out) / 1e6 * requests;
    let how = format!(
        "({} x ${} + {} x ${}) per million tokens x {} requests",
        show(input),
        show(price_in),
        show(output),
        show(price_out),
        show(requests)
    );
    Ok(compare(
        "monthly_cost_usd",
        stated,
        computed,
        "USD",
        &how,
        tolerance,
    ))
}

fn hosting_cost(f: &Fields, tolerance: f64) -> Result<Finding, String> {
    let hourly = f.num("gpu_hourly_usd")?;
    let gpus = f.num("gpu_count")?;
    let hours = f.num("hours_per_month")?;
    let stated = f.num("hosting_monthly_usd")?;
    let how = format!(
        "${} per GPU-hour x {} GPUs x {} hours",
        show(hourly),
        show(gpus),
        show(hours)
    );
    Ok(compare(
        "hosting_monthly_usd",
        stated,
        hourly * gpus * hours,
        "USD",
        &how,
        tolerance,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Canned answers (no formulas: the grader must not hold lab 04's).
    struct Canned(Vec<Result<Value, String>>);

    impl Calculator for Canned {
        fn ask(
            &mut self,
            requests: &[(String, Value)],
        ) -> Result<Vec<Result<Value, String>>, String> {
            Ok(requests
                .iter()
                .zip(self.0.iter().cycle())
                .map(|(_, a)| a.clone())
                .collect())
        }
    }

    struct Absent;

    impl Calculator for Absent {
        fn ask(&mut self, _: &[(String, Value)]) -> Result<Vec<Result<Value, String>>, String> {
            Err("no lab 04 reference in this checkout".into())
        }
    }

    fn front(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const COST: [(&str, &str); 10] = [
        ("input_tokens_per_request", "4,400"),
        ("output_tokens_per_request", "400"),
        ("system_prompt_tokens", "600"),
        ("history_tokens", "1200"),
        ("retrieved_tokens", "2400"),
        ("user_message_tokens", "200"),
        ("context_window_tokens", "128000"),
        ("requests_per_month", "26400"),
        ("price_input_usd_per_mtok", "0.15"),
        ("price_output_usd_per_mtok", "0.60"),
    ];

    #[test]
    fn numbers_are_read_as_written() {
        assert_eq!(number("8_030_261_248"), Some(8_030_261_248.0));
        assert_eq!(number("$23.76"), Some(23.76));
        assert_eq!(number("19.27 GB"), Some(19.27));
        assert_eq!(number("lots"), None);
        assert_eq!(number("-3"), None);
    }

    #[test]
    fn cost_agrees_within_tolerance_and_a_mismatch_names_both_numbers() {
        let mut fields = front(&COST);
        fields.insert("monthly_cost_usd".into(), "23.76".into());
        let found = cost(&Fields { front: &fields }, 0.05);
        assert!(matches!(&found[0], Finding::Agrees(_)), "{found:?}");
        fields.insert("monthly_cost_usd".into(), "95".into());
        let found = cost(&Fields { front: &fields }, 0.05);
        let Finding::Mismatch(why) = &found[0] else {
            panic!("{found:?}")
        };
        assert!(why.contains("95 USD") && why.contains("23.76 USD"), "{why}");
    }

    #[test]
    fn token_parts_must_add_up_and_fit_the_window() {
        let mut fields = front(&COST);
        assert!(tokens(&Fields { front: &fields })
            .iter()
            .all(|f| matches!(f, Finding::Agrees(_))));
        fields.insert("context_window_tokens".into(), "4096".into());
        fields.insert("history_tokens".into(), "1000".into());
        let found = tokens(&Fields { front: &fields });
        assert!(
            found.iter().all(|f| matches!(f, Finding::Mismatch(_))),
            "{found:?}"
        );
    }

    #[test]
    fn memory_figures_are_compared_with_the_calculator_answer() {
        let fields = front(&[
            ("model_params", "8030261248"),
            ("inference_precision", "fp16"),
            ("inference_vram_gb", "19.27"),
            ("lora_memory_gb", "9"),
            ("lora_base_precision", "int4"),
            ("lora_adapter_params", "6815744"),
        ]);
        let mut canned = Canned(vec![
            Ok(json!(19_272_626_996u64)),
            Ok(json!({"total": 6_124_182_528u64})),
        ]);
        let result = check(&fields, &mut canned, 0.05);
        assert!(
            matches!(&result.parts[0].1[0], Finding::Agrees(_)),
            "{result:?}"
        );
        let Finding::Mismatch(why) = &result.parts[1].1[0] else {
            panic!("{result:?}")
        };
        assert!(why.contains("9 GB") && why.contains("6.1242 GB"), "{why}");
    }

    #[test]
    fn without_the_calculators_memory_figures_need_review() {
        let fields = front(&[
            ("model_params", "8e9"),
            ("inference_precision", "fp16"),
            ("inference_vram_gb", "19.2"),
        ]);
        let result = check(&fields, &mut Absent, 0.05);
        assert!(matches!(&result.parts[0].1[0], Finding::Unverifiable(_)));
        let (share, review) = result.share();
        assert!(review);
        assert_eq!(share, 0.0);
    }

    #[test]
    fn nothing_stated_scores_nothing() {
        let result = check(&BTreeMap::new(), &mut Absent, 0.05);
        assert_eq!(result.share(), (0.0, false));
        assert!(result
            .parts
            .iter()
            .all(|(_, f)| f.iter().all(|x| matches!(x, Finding::Missing(_)))));
    }
}
