// Lab 01 public tests: run `cargo test` in this folder for quick feedback.
//
// These tests are a study aid, not your grade: `grader check --lab
// 01-context-window` (from the course root) runs the scored cases, which
// include hidden ones. Every test below fails until you replace the todo!()s
// in src/.
//
// The reference solution runs this same file (reference/01-context-window/
// tests/lab.rs includes it), so keep to `context_window::` paths here.

use context_window::{
    budget_breakdown, conversation_cost, fit_drop_oldest, fit_reject, fit_summarize,
    order_for_long_context, ApproximateCounter, ChatShape, ContextError, Conversation,
    ExtractiveSummarizer, HfTokenCounter, HistoryPolicy, Message, Prices, Role, Summarizer,
    TokenCounter, SUMMARY_PREFIX,
};

/// A byte-level BPE tokenizer with 400 tokens, trained with Hugging Face's
/// `tokenizers` on a few sentences about context windows. Its file switches
/// padding (to 16 tokens) and truncation (at 16 tokens) ON, as files made
/// for batched training often do: your counter must switch both off.
const TINY_TOKENIZER: &[u8] = include_bytes!("tiny-tokenizer.json");

fn tiny() -> HfTokenCounter {
    HfTokenCounter::from_bytes(TINY_TOKENIZER).expect("the tiny tokenizer loads")
}

/// One token per character: budgets in these tests are easy to follow.
struct Chars;

impl TokenCounter for Chars {
    fn count(&self, text: &str) -> Result<usize, ContextError> {
        Ok(text.chars().count())
    }
}

/// `n` characters of text.
fn text(n: usize) -> String {
    "x".repeat(n)
}

fn conversation(system: Option<&str>, history: &[Message], new_message: &str) -> Conversation {
    Conversation {
        system_prompt: system.map(str::to_owned),
        history: history.to_vec(),
        new_message: new_message.to_owned(),
    }
}

/// A history of `n` messages, alternately user and assistant, `len` characters each,
/// distinguishable by their first character.
fn history(n: usize, len: usize) -> Vec<Message> {
    (0..n)
        .map(|i| {
            let content = format!("{}{}", char::from(b'a' + i as u8), text(len - 1));
            if i % 2 == 0 {
                Message::user(content)
            } else {
                Message::assistant(content)
            }
        })
        .collect()
}

// ------------------------------------------------------------ counting tokens

#[test]
fn the_approximation_is_four_characters_per_token_rounded_up() {
    let count = |text: &str| ApproximateCounter.count(text).unwrap();
    assert_eq!(count(""), 0);
    assert_eq!(count("a"), 1);
    assert_eq!(count("four"), 1);
    assert_eq!(count("hello"), 2);
    assert_eq!(count(&text(2_000)), 500);
}

#[test]
fn the_approximation_counts_characters_not_bytes() {
    // 8 characters, 24 bytes in UTF-8.
    assert_eq!(ApproximateCounter.count("日本語のテキスト"), Ok(2));
    // 2 characters (a hand and a skin tone), 8 bytes.
    assert_eq!(ApproximateCounter.count("👋🏽"), Ok(1));
}

#[test]
fn the_tokenizer_counts_match_hugging_face() {
    // Counted with Python's `tokenizers` (reference/01-context-window/tools/).
    let counter = tiny();
    for (text, expected) in [
        ("", 0),
        ("a", 1),
        ("The context window", 3),
        ("Hello, world!", 8),
        ("naïve café, Grüße aus Köln", 28),
        ("emoji 👋🏽 and 🤖", 20),
    ] {
        assert_eq!(counter.count(text), Ok(expected), "{text:?}");
    }
}

#[test]
fn the_tokenizer_does_not_pad_short_texts_or_truncate_long_ones() {
    let counter = tiny();
    // The file pads to 16 tokens: left on, "" would count 16.
    assert_eq!(counter.count(""), Ok(0));
    // The file truncates at 16 tokens: left on, this would count 16.
    let long = "Every language model has a maximum number of tokens it can see at once.";
    assert_eq!(counter.count(long), Ok(35));
}

#[test]
fn the_tokenizer_leaves_special_tokens_out() {
    // With special tokens, the template would add <s> and </s>: 3 instead of 1.
    assert_eq!(tiny().count("a"), Ok(1));
}

#[test]
fn a_broken_tokenizer_file_is_an_error_not_a_panic() {
    assert!(matches!(
        HfTokenCounter::from_bytes(b"{\"model\": 42}"),
        Err(ContextError::Tokenizer(_))
    ));
}

// ------------------------------------------------------------------- budget

#[test]
fn the_lessons_box_adds_up() {
    // 500 + 2,000 + 200 + 3,000 = 5,700 used, 122,300 remaining of 128,000.
    let conversation = conversation(
        Some(&text(2_000)),
        &[Message::user(text(4_000)), Message::assistant(text(4_000))],
        &text(800),
    );
    let documents = vec![text(4_000), text(8_000)];
    let breakdown =
        budget_breakdown(&conversation, &documents, 128_000, &ApproximateCounter).unwrap();
    assert_eq!(breakdown.system_prompt, 500);
    assert_eq!(breakdown.history, 2_000);
    assert_eq!(breakdown.new_message, 200);
    assert_eq!(breakdown.documents, 3_000);
    assert_eq!(breakdown.used, 5_700);
    assert_eq!(breakdown.remaining, 122_300);
    assert_eq!(breakdown.over_by, 0);
    assert!(breakdown.fits());
    println!("{breakdown}");
}

#[test]
fn an_overfull_window_has_nothing_remaining_and_says_by_how_much() {
    let conversation = conversation(None, &[], &text(5_000));
    let breakdown = budget_breakdown(&conversation, &[], 4_096, &Chars).unwrap();
    assert_eq!(breakdown.system_prompt, 0);
    assert_eq!(breakdown.used, 5_000);
    assert_eq!(breakdown.remaining, 0);
    assert_eq!(breakdown.over_by, 904);
    assert!(!breakdown.fits());
}

// ------------------------------------------------------------------ fitting

#[test]
fn reject_returns_the_conversation_when_it_fits() {
    let conversation = conversation(Some("sys"), &history(2, 10), "new");
    let fitted = fit_reject(&conversation, 26, &Chars).unwrap();
    assert_eq!(fitted, conversation.messages());
}

#[test]
fn reject_says_how_many_tokens_were_needed() {
    let conversation = conversation(Some("sys"), &history(2, 10), "new");
    assert_eq!(
        fit_reject(&conversation, 25, &Chars),
        Err(ContextError::DoesNotFit {
            needed: 26,
            budget: 25
        })
    );
}

#[test]
fn drop_oldest_keeps_the_system_prompt_and_drops_the_oldest_turns() {
    let turns = history(4, 10);
    let conversation = conversation(Some("system"), &turns, "new");
    // 6 + 4 x 10 + 3 = 49 tokens; 30 leaves room for two turns.
    let fitted = fit_drop_oldest(&conversation, 30, &Chars).unwrap();
    let mut expected = vec![Message::system("system")];
    expected.extend_from_slice(&turns[2..]);
    expected.push(Message::user("new"));
    assert_eq!(fitted, expected);
}

#[test]
fn drop_oldest_changes_nothing_that_fits() {
    let conversation = conversation(Some("system"), &history(4, 10), "new");
    assert_eq!(
        fit_drop_oldest(&conversation, 49, &Chars).unwrap(),
        conversation.messages()
    );
}

#[test]
fn drop_oldest_can_drop_the_whole_history() {
    let conversation = conversation(None, &history(3, 10), "new");
    assert_eq!(
        fit_drop_oldest(&conversation, 5, &Chars).unwrap(),
        vec![Message::user("new")]
    );
}

#[test]
fn nothing_fits_when_the_system_prompt_and_new_message_alone_are_too_long() {
    let conversation = conversation(Some(&text(100)), &history(2, 10), &text(50));
    let error = Err(ContextError::RequiredExceedsBudget {
        needed: 150,
        budget: 149,
    });
    assert_eq!(fit_drop_oldest(&conversation, 149, &Chars), error);
    assert_eq!(
        fit_summarize(&conversation, 149, &Chars, 2, &ExtractiveSummarizer),
        error
    );
}

#[test]
fn a_window_of_zero_fits_only_an_empty_request() {
    let empty = conversation(None, &[], "");
    assert_eq!(
        fit_drop_oldest(&empty, 0, &Chars),
        Ok(vec![Message::user("")])
    );
    let hello = conversation(None, &[], "hello");
    assert!(matches!(
        fit_drop_oldest(&hello, 0, &Chars),
        Err(ContextError::RequiredExceedsBudget {
            needed: 5,
            budget: 0
        })
    ));
}

#[test]
fn summarize_keeps_recent_turns_verbatim_and_summarises_the_rest() {
    let turns = vec![
        Message::user("Plan a trip to Rome. Three days, with museums, food and a day by the sea."),
        Message::assistant(
            "Day one: the Colosseum. Day two: the Vatican museums and Saint Peter's. \
             Day three: Ostia Antica, by train.",
        ),
        Message::user("And food?"),
        Message::assistant("Try cacio e pepe."),
    ];
    let conversation = conversation(Some("Be brief."), &turns, "Thanks!");
    // 9 + 179 + 26 + 7 = 221 tokens in all; 9 + 26 + 7 = 42 for the system
    // prompt, the two recent turns and the new message leaves 108 of 150 for
    // the summary, which takes 95.
    assert_eq!(Chars.count_messages(&conversation.messages()), Ok(221));
    let fitted = fit_summarize(&conversation, 150, &Chars, 2, &ExtractiveSummarizer).unwrap();
    assert_eq!(
        fitted,
        vec![
            Message::system("Be brief."),
            Message::system(
                "Summary of previous conversation: user: Plan a trip to Rome. \
                 assistant: Day one: the Colosseum."
            ),
            turns[2].clone(),
            turns[3].clone(),
            Message::user("Thanks!"),
        ]
    );
    assert_eq!(Chars.count_messages(&fitted), Ok(137));
}

#[test]
fn summarize_changes_nothing_that_fits() {
    let conversation = conversation(Some("sys"), &history(6, 10), "new");
    let fitted = fit_summarize(&conversation, 1_000, &Chars, 2, &ExtractiveSummarizer).unwrap();
    assert_eq!(fitted, conversation.messages());
}

#[test]
fn summarize_keeps_only_the_recent_turns_that_fit() {
    // Each turn is 10 tokens; 3 + 3 required; 30 leaves 24: two recent
    // turns (20), and 4 tokens, too few for any summary.
    let turns = history(5, 10);
    let conversation = conversation(Some("sys"), &turns, "new");
    let fitted = fit_summarize(&conversation, 30, &Chars, 4, &ExtractiveSummarizer).unwrap();
    let mut expected = vec![Message::system("sys")];
    expected.extend_from_slice(&turns[3..]);
    expected.push(Message::user("new"));
    assert_eq!(fitted, expected);
}

#[test]
fn summarize_with_more_recent_turns_asked_than_there_are() {
    let turns = history(2, 10);
    let conversation = conversation(None, &turns, &text(5));
    // Only the newest turn fits next to the new message.
    let fitted = fit_summarize(&conversation, 15, &Chars, 10, &ExtractiveSummarizer).unwrap();
    assert_eq!(fitted, vec![turns[1].clone(), Message::user(text(5))]);
}

/// Breaks the Summarizer contract: its summary ignores `max_tokens`.
struct Chatty;

impl Summarizer for Chatty {
    fn summarize(
        &self,
        _turns: &[Message],
        _counter: &dyn TokenCounter,
        _max_tokens: usize,
    ) -> Result<Option<String>, ContextError> {
        Ok(Some(format!("{SUMMARY_PREFIX}{}", text(500))))
    }
}

#[test]
fn a_summary_that_does_not_fit_is_an_error() {
    let conversation = conversation(None, &history(4, 10), "new");
    assert!(matches!(
        fit_summarize(&conversation, 30, &Chars, 1, &Chatty),
        Err(ContextError::SummaryTooLong { max_tokens: 17, .. })
    ));
}

#[test]
fn every_policy_keeps_roles_and_order() {
    let turns = history(8, 12);
    let conversation = conversation(Some("sys"), &turns, "new");
    for fitted in [
        fit_drop_oldest(&conversation, 60, &Chars).unwrap(),
        fit_summarize(&conversation, 90, &Chars, 3, &ExtractiveSummarizer).unwrap(),
    ] {
        assert_eq!(fitted.first(), Some(&Message::system("sys")));
        assert_eq!(fitted.last().map(|m| m.role), Some(Role::User));
        let kept: Vec<&Message> = fitted.iter().filter(|m| turns.contains(m)).collect();
        let positions: Vec<usize> = kept
            .iter()
            .map(|m| turns.iter().position(|t| t == *m).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }
}

// ----------------------------------------------------------- long context

#[test]
fn the_most_relevant_documents_go_to_the_edges() {
    let ranked = ["r1", "r2", "r3", "r4", "r5"];
    assert_eq!(
        order_for_long_context(&ranked),
        ["r1", "r3", "r5", "r4", "r2"]
    );
    assert_eq!(order_for_long_context(&["a", "b"]), ["a", "b"]);
    assert_eq!(order_for_long_context::<&str>(&[]), Vec::<&str>::new());
}

// --------------------------------------------------------------------- cost

const PRICES: Prices = Prices {
    input_per_million: 10.0,
    output_per_million: 30.0,
};

fn shape(turns: u64) -> ChatShape {
    ChatShape {
        turns,
        system_tokens: 0,
        user_tokens: 500,
        assistant_tokens: 800,
    }
}

#[test]
fn resending_the_whole_history_grows_with_the_square_of_the_turns() {
    // Turn t re-sends t - 1 earlier turns of 1,300 tokens plus 500 new ones.
    let cost = conversation_cost(&shape(3), HistoryPolicy::FullHistory, &PRICES);
    assert_eq!(cost.input_tokens, 500 + 1_800 + 3_100);
    assert_eq!(cost.output_tokens, 2_400);
    assert_eq!(cost.peak_input_tokens, 3_100);
    assert!((cost.dollars - (5_400.0 * 10.0 + 2_400.0 * 30.0) / 1e6).abs() < 1e-12);
    let ten = conversation_cost(&shape(10), HistoryPolicy::FullHistory, &PRICES);
    let hundred = conversation_cost(&shape(100), HistoryPolicy::FullHistory, &PRICES);
    // 10 times the turns, about 100 times the input.
    let growth = hundred.input_tokens as f64 / ten.input_tokens as f64;
    assert!((80.0..110.0).contains(&growth), "{growth}");
}

#[test]
fn summarising_keeps_each_request_small_and_the_total_linear() {
    let policy = HistoryPolicy::Summarize {
        keep_recent_turns: 2,
        summary_tokens: 200,
    };
    let cost = conversation_cost(&shape(4), policy, &PRICES);
    // Turns 1-3 send 0, 1, 2 earlier turns; turn 4 sends the summary + 2.
    assert_eq!(cost.input_tokens, 500 + 1_800 + 3_100 + 3_300);
    assert_eq!(cost.peak_input_tokens, 3_300);
    let ten = conversation_cost(&shape(10), policy, &PRICES);
    let hundred = conversation_cost(&shape(100), policy, &PRICES);
    // 10 times the turns, about 10 times the input (a little more: the
    // first turns are cheaper than the rest).
    let growth = hundred.input_tokens as f64 / ten.input_tokens as f64;
    assert!((10.0..12.0).contains(&growth), "{growth}");
    assert_eq!(hundred.peak_input_tokens, 3_300);
}

#[test]
fn no_turns_cost_nothing() {
    let cost = conversation_cost(&shape(0), HistoryPolicy::FullHistory, &PRICES);
    assert_eq!((cost.input_tokens, cost.output_tokens), (0, 0));
    assert_eq!(cost.dollars, 0.0);
}
