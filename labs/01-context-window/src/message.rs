//! Chat messages and the conversation a request is built from.
//!
//! GIVEN: this file is identical in the starter (labs/01-context-window) and
//! the reference; a test in the reference checks that they stay equal.

use std::fmt;

/// Who wrote a message, as in the chat APIs (`"system"`, `"user"`,
/// `"assistant"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Instructions to the model; also the role of a summary of old turns.
    System,
    /// The person talking to the model.
    User,
    /// The model's earlier replies.
    Assistant,
}

impl Role {
    /// The role as the chat APIs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message of a chat request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// What it says.
    pub content: String,
}

impl Message {
    /// A message of `role` saying `content`.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// A chat request in three parts: the system prompt, the earlier turns and
/// the newest user message.
///
/// Keeping the parts apart makes the rules of the lab structural: the system
/// prompt goes first and the newest message last, and neither is ever
/// dropped. Only `history` may be shortened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    /// Instructions for the model, if any. Sent first, never dropped.
    pub system_prompt: Option<String>,
    /// Earlier messages, oldest first (user and assistant turns, possibly
    /// system messages such as an earlier summary).
    pub history: Vec<Message>,
    /// The message being answered now. Sent last, never dropped.
    pub new_message: String,
}

impl Conversation {
    /// Every message in the order it is sent: the system prompt (if any),
    /// the history, then the newest message as a user message.
    pub fn messages(&self) -> Vec<Message> {
        let mut messages = Vec::with_capacity(self.history.len() + 2);
        if let Some(prompt) = &self.system_prompt {
            messages.push(Message::system(prompt.clone()));
        }
        messages.extend(self.history.iter().cloned());
        messages.push(Message::user(self.new_message.clone()));
        messages
    }
}
