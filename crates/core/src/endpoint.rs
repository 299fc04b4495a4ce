//! Which of Mindbox's endpoints a request goes to: a call's URL says it, and an outbox item keeps it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Sync,
    Async,
}

impl Endpoint {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Endpoint::Sync => "sync",
            Endpoint::Async => "async",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Endpoint> {
        match s {
            "sync" => Some(Endpoint::Sync),
            "async" => Some(Endpoint::Async),
            _ => None,
        }
    }
}
