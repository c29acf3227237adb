//! What a conversation costs when every turn re-sends the history, and how
//! summarising old turns turns quadratic growth into linear growth.

/// Prices in dollars per million tokens, as vendors publish them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// Dollars per million input (prompt) tokens.
    pub input_per_million: f64,
    /// Dollars per million output (generated) tokens.
    pub output_per_million: f64,
}

/// A conversation of `turns` requests with messages of constant size: each
/// turn sends the system prompt, the history the policy keeps and a new
/// user message, and gets one assistant reply back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatShape {
    /// Number of requests (user message in, reply out).
    pub turns: u64,
    /// Tokens of the system prompt, sent with every request.
    pub system_tokens: u64,
    /// Tokens of each user message.
    pub user_tokens: u64,
    /// Tokens of each assistant reply.
    pub assistant_tokens: u64,
}

/// What each request re-sends of the earlier turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryPolicy {
    /// Every earlier user message and reply, every time.
    FullHistory,
    /// The last `keep_recent_turns` turns (user message and reply each)
    /// verbatim; once there are more earlier turns than that, one summary of
    /// `summary_tokens` tokens stands for the rest.
    Summarize {
        /// Earlier turns re-sent verbatim.
        keep_recent_turns: u64,
        /// Tokens of the summary of everything older.
        summary_tokens: u64,
    },
}

/// Totals over a whole conversation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConversationCost {
    /// Input tokens of all requests together.
    pub input_tokens: u64,
    /// Output tokens of all replies together.
    pub output_tokens: u64,
    /// Input tokens of the largest single request: what must fit the window.
    pub peak_input_tokens: u64,
    /// `(input_tokens * input_per_million + output_tokens *
    /// output_per_million) / 1,000,000`, in dollars.
    pub dollars: f64,
}

/// Input and output tokens and dollars of a conversation of `shape` under
/// `policy`: request `t` (1-based) re-sends `t - 1` earlier turns with
/// `FullHistory`, so the total input grows with the square of the number of
/// turns; with `Summarize` each request is at most a fixed size, so the total
/// grows linearly. Every request gets one reply of `assistant_tokens`.
///
/// Sizes up to 10^6 tokens and 10^5 turns stay far inside `u64`.
pub fn conversation_cost(
    shape: &ChatShape,
    policy: HistoryPolicy,
    prices: &Prices,
) -> ConversationCost {
    // TODO(lab01): the lesson's "you pay for every token in your context,
    // every turn". For each request t = 1..=turns:
    //   input_t = system_tokens + (history it re-sends) + user_tokens
    // where the history is (t - 1) earlier turns of user_tokens +
    // assistant_tokens each with FullHistory; with Summarize it is the same
    // while t - 1 <= keep_recent_turns, and summary_tokens +
    // keep_recent_turns earlier turns after that. Sum input_t into
    // input_tokens and keep the largest as peak_input_tokens; every request
    // gets one reply, so output_tokens = turns * assistant_tokens. Dollars:
    // (input_tokens * input_per_million + output_tokens * output_per_million)
    // / 1,000,000, in f64, in that order.
    todo!("lab01: cost of a conversation")
}
