//! Driver for lab 01 (context windows): answers case requests by calling the
//! linked lab crate. Owned by the grader; never edited by students.
//!
//! Token counts travel as JSON integers (compared exactly); the only float is
//! the dollar figure of `cost`. Typed errors travel as `{"kind": "...",
//! ...fields}`; a tokenizer error carries no message (it is the library's
//! text, not the student's). The driver reads no files: a case that needs a
//! tokenizer carries the whole `tokenizer.json` as a string.
//!
//! Budget, fit and budget-breakdown cases count with the driver's own
//! [`GraderCounter`], not with the student's counters, so a mistake in
//! counting costs only the counting groups.

use std::process::ExitCode;

use lab::{
    ApproximateCounter, ChatShape, ContextError, Conversation, ExtractiveSummarizer,
    HfTokenCounter, HistoryPolicy, Message, Prices, Role, TokenCounter,
};
use lab_protocol::{float, serve, unknown_call, ArgError, Args, GuardedAlloc, Reply};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: GuardedAlloc = GuardedAlloc;

fn main() -> ExitCode {
    // One text at a time needs no thread pool. With padding left on (a
    // classic mistake), `tokenizers` would start rayon's pool, whose threads
    // the sandbox's process cap may refuse: keep that a wrong answer, not a
    // crash. Set before any thread exists.
    std::env::set_var("TOKENIZERS_PARALLELISM", "false");
    serve(dispatch)
}

fn dispatch(call: &str, args: &Args) -> Result<Reply, ArgError> {
    Ok(match call {
        "count_approx" => counts(&ApproximateCounter, &args.parse::<Vec<String>>("texts")?),
        "count_tokenizer" => {
            let texts: Vec<String> = args.parse("texts")?;
            match HfTokenCounter::from_bytes(args.str("tokenizer")?.as_bytes()) {
                Ok(counter) => counts(&counter, &texts),
                Err(err) => Reply::Err(context_error(&err)),
            }
        }
        "budget" => {
            let conversation = conversation(args.raw("conversation")?)?;
            let documents: Vec<String> = args.parse("documents")?;
            let counter = GraderCounter::parse(args.raw("counter")?)?;
            match lab::budget_breakdown(&conversation, &documents, args.usize("window")?, &counter)
            {
                Ok(b) => Reply::Ok(json!({
                    "window": b.window,
                    "system_prompt": b.system_prompt,
                    "history": b.history,
                    "new_message": b.new_message,
                    "documents": b.documents,
                    "used": b.used,
                    "remaining": b.remaining,
                    "over_by": b.over_by,
                })),
                Err(err) => Reply::Err(context_error(&err)),
            }
        }
        "fit_reject" | "fit_drop_oldest" | "fit_summarize" => fit(call, args)?,
        "order" => {
            let documents: Vec<String> = args.parse("documents")?;
            Reply::Ok(json!(lab::order_for_long_context(&documents)))
        }
        "cost" => cost(args)?,
        other => return unknown_call(other),
    })
}

fn counts(counter: &dyn TokenCounter, texts: &[String]) -> Reply {
    let counted: Result<Vec<usize>, ContextError> =
        texts.iter().map(|text| counter.count(text)).collect();
    match counted {
        Ok(counts) => Reply::Ok(json!(counts)),
        Err(err) => Reply::Err(context_error(&err)),
    }
}

fn fit(call: &str, args: &Args) -> Result<Reply, ArgError> {
    let conversation = conversation(args.raw("conversation")?)?;
    let budget = args.usize("budget")?;
    let counter = GraderCounter::parse(args.raw("counter")?)?;
    let fitted = match call {
        "fit_reject" => lab::fit_reject(&conversation, budget, &counter),
        "fit_drop_oldest" => lab::fit_drop_oldest(&conversation, budget, &counter),
        _ => lab::fit_summarize(
            &conversation,
            budget,
            &counter,
            args.usize("keep_recent")?,
            &ExtractiveSummarizer,
        ),
    };
    Ok(match fitted {
        Ok(messages) => Reply::Ok(Value::Array(messages.iter().map(message_json).collect())),
        Err(err) => Reply::Err(context_error(&err)),
    })
}

fn cost(args: &Args) -> Result<Reply, ArgError> {
    let shape = args.raw("shape")?;
    let field = |value: &Value, name: &str| {
        value[name]
            .as_u64()
            .ok_or_else(|| ArgError(format!("`{name}` is not an unsigned integer")))
    };
    let shape = ChatShape {
        turns: field(shape, "turns")?,
        system_tokens: field(shape, "system_tokens")?,
        user_tokens: field(shape, "user_tokens")?,
        assistant_tokens: field(shape, "assistant_tokens")?,
    };
    let policy = args.raw("policy")?;
    let policy = match policy["kind"].as_str() {
        Some("full_history") => HistoryPolicy::FullHistory,
        Some("summarize") => HistoryPolicy::Summarize {
            keep_recent_turns: field(policy, "keep_recent_turns")?,
            summary_tokens: field(policy, "summary_tokens")?,
        },
        _ => return Err(ArgError(format!("unknown policy {policy}"))),
    };
    let prices = args.raw("prices")?;
    let price = |name: &str| {
        lab_protocol::decode_float(&prices[name])
            .ok_or_else(|| ArgError(format!("`{name}` is not a float")))
    };
    let prices = Prices {
        input_per_million: price("input_per_million")?,
        output_per_million: price("output_per_million")?,
    };
    let c = lab::conversation_cost(&shape, policy, &prices);
    Ok(Reply::Ok(json!({
        "input_tokens": c.input_tokens,
        "output_tokens": c.output_tokens,
        "peak_input_tokens": c.peak_input_tokens,
        "dollars": float(c.dollars),
    })))
}

/// The counter of budget and fit cases: `{"kind": "chars", "per_token": k,
/// "scale": s}` counts `ceil(chars / k) * s` (the scale lets short test
/// texts stand for long documents), `{"kind": "words"}` counts
/// whitespace-separated words. The grader's comparator counts the same way.
struct GraderCounter {
    rule: Rule,
}

enum Rule {
    Chars { per_token: usize, scale: usize },
    Words,
}

impl GraderCounter {
    fn parse(spec: &Value) -> Result<Self, ArgError> {
        let bad = || ArgError(format!("bad counter {spec}"));
        let rule = match spec["kind"].as_str() {
            Some("chars") => Rule::Chars {
                per_token: spec["per_token"]
                    .as_u64()
                    .filter(|&k| k > 0)
                    .ok_or_else(bad)? as usize,
                scale: spec["scale"].as_u64().ok_or_else(bad)? as usize,
            },
            Some("words") => Rule::Words,
            _ => return Err(bad()),
        };
        Ok(Self { rule })
    }
}

impl TokenCounter for GraderCounter {
    fn count(&self, text: &str) -> Result<usize, ContextError> {
        Ok(match self.rule {
            Rule::Chars { per_token, scale } => text.chars().count().div_ceil(per_token) * scale,
            Rule::Words => text.split_whitespace().count(),
        })
    }
}

fn conversation(value: &Value) -> Result<Conversation, ArgError> {
    let bad = |what: &str| ArgError(format!("conversation: {what}"));
    let system_prompt = match &value["system_prompt"] {
        Value::Null => None,
        Value::String(prompt) => Some(prompt.clone()),
        _ => return Err(bad("system_prompt is not a string or null")),
    };
    let history = value["history"]
        .as_array()
        .ok_or_else(|| bad("history is not an array"))?
        .iter()
        .map(|m| {
            let role = match m["role"].as_str() {
                Some("system") => Role::System,
                Some("user") => Role::User,
                Some("assistant") => Role::Assistant,
                _ => return Err(bad("unknown role")),
            };
            let content = m["content"].as_str().ok_or_else(|| bad("content"))?;
            Ok(Message::new(role, content))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let new_message = value["new_message"]
        .as_str()
        .ok_or_else(|| bad("new_message is not a string"))?
        .to_owned();
    Ok(Conversation {
        system_prompt,
        history,
        new_message,
    })
}

fn message_json(message: &Message) -> Value {
    json!({ "role": message.role.as_str(), "content": message.content })
}

fn context_error(err: &ContextError) -> Value {
    match err {
        ContextError::DoesNotFit { needed, budget } => {
            json!({ "kind": "does_not_fit", "needed": needed, "budget": budget })
        }
        ContextError::RequiredExceedsBudget { needed, budget } => {
            json!({ "kind": "required_exceeds_budget", "needed": needed, "budget": budget })
        }
        ContextError::SummaryTooLong { tokens, max_tokens } => {
            json!({ "kind": "summary_too_long", "tokens": tokens, "max_tokens": max_tokens })
        }
        ContextError::Tokenizer(_) => json!({ "kind": "tokenizer" }),
    }
}
