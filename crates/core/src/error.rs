//! The one error type of the core. Each variant is one row of the table in ARCHITECTURE.md,
//! "Errors", so the binding can map it to its exception class without looking inside.

use super::mask;
use std::fmt;

/// Validation messages shown in a message; the rest are counted.
const SHOWN_MESSAGES: usize = 10;

/// One entry of a Mindbox `ValidationError` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationMessage {
    pub message: String,
    /// An xpath such as `/customer/email`; absent when the message concerns the whole request.
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A bad argument or configuration: nothing was sent.
    InvalidArgument { path: String, message: String },
    /// Mindbox answered 200 `ValidationError`.
    Validation { messages: Vec<ValidationMessage> },
    /// Mindbox refused the request (4xx, `ProtocolError`).
    Protocol {
        http_status: u16,
        error_id: Option<String>,
        message: String,
        retry_after: Option<u64>,
    },
    /// No usable answer: 5xx, timeout, refused or reset connection, TLS failure, unreadable body.
    /// `http_status` is 0 when no response arrived.
    Unavailable { http_status: u16, message: String },
    /// The outbox could not be opened or written.
    Outbox { path: String, message: String },
    /// The product feed's file could not be written: its directory, the disk, permissions.
    Feed { path: String, message: String },
    /// A bulk import's CSV part could not be written: its directory, the disk, permissions.
    Csv { path: String, message: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn unavailable(http_status: u16, message: impl Into<String>) -> Self {
        Error::Unavailable {
            http_status,
            message: message.into(),
        }
    }

    pub(crate) fn outbox(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Outbox {
            path: path.into(),
            message: message.to_string(),
        }
    }

    pub(crate) fn feed(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Feed {
            path: path.into(),
            message: message.to_string(),
        }
    }

    /// Whether a later attempt with the same transactionId may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::Unavailable { .. } => true,
            Error::Protocol { http_status, .. } => *http_status == 429,
            _ => false,
        }
    }

    /// Mindbox refused the endpoint's credentials (401, 403): no item's fault, and no other item
    /// will fare better with the same key.
    pub(crate) fn is_credentials(&self) -> bool {
        matches!(
            self,
            Error::Protocol {
                http_status: 401 | 403,
                ..
            }
        )
    }

    /// Mindbox answered, and not to say that the key is refused or that it is unwell: it took
    /// the key.
    pub(crate) fn takes_key(&self) -> bool {
        match self {
            Error::Validation { .. } => true,
            Error::Protocol { .. } => !self.is_credentials() && !self.is_retryable(),
            _ => false,
        }
    }

    pub(crate) fn http_status(&self) -> u16 {
        match self {
            Error::Protocol { http_status, .. } | Error::Unavailable { http_status, .. } => {
                *http_status
            }
            Error::Validation { .. } => 200,
            _ => 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { path, message } => write!(f, "{path}: {message}"),
            Error::Validation { messages } => {
                write!(f, "Mindbox rejected the request")?;
                // Mindbox's messages may quote the values they refuse: masked, and only the first few.
                for (i, m) in messages.iter().take(SHOWN_MESSAGES).enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    match &m.location {
                        Some(loc) => write!(f, "{} (at {loc})", mask::text(&m.message))?,
                        None => f.write_str(&mask::text(&m.message))?,
                    }
                }
                if messages.len() > SHOWN_MESSAGES {
                    write!(f, "; and {} more", messages.len() - SHOWN_MESSAGES)?;
                }
                Ok(())
            }
            Error::Protocol {
                http_status,
                message,
                ..
            } => write!(
                f,
                "Mindbox refused the request with HTTP {http_status}: {}",
                mask::text(message)
            ),
            Error::Unavailable {
                http_status: 0,
                message,
            } => write!(f, "Mindbox is unavailable: {message}"),
            Error::Unavailable {
                http_status,
                message,
            } => write!(f, "Mindbox is unavailable (HTTP {http_status}): {message}"),
            Error::Outbox { path, message } => write!(f, "outbox {path}: {message}"),
            Error::Feed { path, message } => write!(f, "feed {path}: {message}"),
            Error::Csv { path, message } => write!(f, "CSV part {path}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_lists_every_location() {
        let e = Error::Validation {
            messages: vec![
                ValidationMessage {
                    message: "Invalid email".into(),
                    location: Some("/customer/email".into()),
                },
                ValidationMessage {
                    message: "Try later".into(),
                    location: None,
                },
            ],
        };
        assert_eq!(
            e.to_string(),
            "Mindbox rejected the request: Invalid email (at /customer/email); Try later"
        );
    }

    #[test]
    fn only_unavailable_and_429_are_retryable() {
        assert!(Error::unavailable(0, "reset").is_retryable());
        let p = |s| Error::Protocol {
            http_status: s,
            error_id: None,
            message: String::new(),
            retry_after: None,
        };
        assert!(p(429).is_retryable());
        assert!(!p(400).is_retryable());
        assert!(!Error::invalid("body", "bad").is_retryable());
        assert!(!Error::Validation { messages: vec![] }.is_retryable());
    }
}
