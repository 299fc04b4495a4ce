//! Scripted answers: what a processed call to a given operation returns instead of the default.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Script {
    pub operation: String,
    #[serde(default = "default_status")]
    pub status: u16,
    pub response: Value,
    /// How many calls get this answer; `None` is until reset.
    #[serde(default)]
    pub times: Option<u64>,
}

fn default_status() -> u16 {
    200
}

#[derive(Debug, Default)]
pub struct Scripts {
    list: Vec<Script>,
}

impl Scripts {
    /// Adds a script. A counted script goes ahead of the operation's standing one, so that
    /// "the next call fails, then back to normal" can be said in one call; a standing script
    /// replaces the previous standing one.
    pub fn add(&mut self, script: Script) {
        let standing = |s: &Script, op: &str| s.operation == op && s.times.is_none();
        if script.times == Some(0) {
            return;
        }
        if script.times.is_none() {
            self.list.retain(|s| !standing(s, &script.operation));
            self.list.push(script);
        } else {
            let at = self
                .list
                .iter()
                .position(|s| standing(s, &script.operation))
                .unwrap_or(self.list.len());
            self.list.insert(at, script);
        }
    }

    /// The scripted HTTP status and body for one call to `operation`, spending one use.
    pub fn take(&mut self, operation: &str) -> Option<(u16, Value)> {
        let i = self.list.iter().position(|s| s.operation == operation)?;
        let script = &mut self.list[i];
        let answer = (script.status, script.response.clone());
        if let Some(n) = &mut script.times {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.list.remove(i);
            }
        }
        Some(answer)
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn script(op: &str, tag: i64, times: Option<u64>) -> Script {
        Script {
            operation: op.into(),
            status: 200,
            response: json!({"tag": tag}),
            times,
        }
    }

    fn tag(s: &mut Scripts, op: &str) -> Option<i64> {
        s.take(op).map(|(_, v)| v["tag"].as_i64().unwrap())
    }

    #[test]
    fn counted_scripts_run_first_then_the_standing_one() {
        let mut s = Scripts::default();
        s.add(script("A", 1, None));
        s.add(script("A", 2, Some(2)));
        s.add(script("A", 3, None));
        assert_eq!(tag(&mut s, "A"), Some(2));
        assert_eq!(tag(&mut s, "A"), Some(2));
        assert_eq!(tag(&mut s, "A"), Some(3));
        assert_eq!(tag(&mut s, "A"), Some(3));
        assert_eq!(tag(&mut s, "B"), None);
    }

    #[test]
    fn counted_scripts_expire() {
        let mut s = Scripts::default();
        s.add(script("A", 1, Some(1)));
        assert_eq!(tag(&mut s, "A"), Some(1));
        assert_eq!(tag(&mut s, "A"), None);
    }
}
