//! Injected failures: what a test asks for through `POST /__emulator/faults`, and which rule
//! applies to a given call.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What happens to a call a rule matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Kind {
    #[serde(rename_all = "camelCase")]
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
    },
    Validation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        messages: Option<Vec<Value>>,
    },
    Reset,
    Hang,
    #[serde(rename_all = "camelCase")]
    Latency {
        latency_ms: u64,
    },
    #[serde(rename_all = "camelCase")]
    Raw {
        #[serde(default = "default_raw_status")]
        status: u16,
        #[serde(default = "default_raw_content_type")]
        content_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raw_body: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body_bytes: Option<usize>,
        #[serde(default)]
        truncate: bool,
    },
}

fn default_raw_status() -> u16 {
    200
}

fn default_raw_content_type() -> String {
    "text/html".to_owned()
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Status { .. } => "status",
            Kind::Validation { .. } => "validation",
            Kind::Reset => "reset",
            Kind::Hang => "hang",
            Kind::Latency { .. } => "latency",
            Kind::Raw { .. } => "raw",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// How many more calls this rule may hit; `None` is unlimited.
    #[serde(rename = "times", skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    pub probability: f64,
    #[serde(flatten)]
    pub kind: Kind,
}

impl Rule {
    /// Parses one rule. The common fields are taken out first so that the kind-specific part
    /// can refuse unknown fields: a misspelt `retryAfter` must fail loudly, not be ignored.
    pub fn from_value(value: Value) -> Result<Rule, String> {
        let Value::Object(mut map) = value else {
            return Err("a rule must be a JSON object".into());
        };
        let operation = match map.remove("operation") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err("rule.operation must be a string".into()),
        };
        let remaining = match map.remove("times") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or("rule.times must be a non-negative integer")?,
            ),
        };
        let probability = match map.remove("probability") {
            None | Some(Value::Null) => 1.0,
            Some(v) => v
                .as_f64()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or("rule.probability must be a number from 0 to 1")?,
        };
        let kind: Kind =
            serde_json::from_value(Value::Object(map)).map_err(|e| format!("rule: {e}"))?;
        match &kind {
            Kind::Status { status, .. } | Kind::Raw { status, .. }
                if !(100..=999).contains(status) =>
            {
                return Err(format!("rule: invalid HTTP status {status}"));
            }
            _ => {}
        }
        Ok(Rule {
            operation,
            remaining,
            probability,
            kind,
        })
    }
}

/// The fault configuration in force, with the RNG that makes probabilistic rules repeatable.
#[derive(Debug)]
pub struct Faults {
    pub latency_ms: u64,
    seed: u64,
    rng: fastrand::Rng,
    rules: Vec<Rule>,
}

/// Probabilistic rules without a `seed` still replay identically from run to run.
const DEFAULT_SEED: u64 = 1;

impl Faults {
    pub fn none(latency_ms: u64) -> Faults {
        Faults {
            latency_ms,
            seed: DEFAULT_SEED,
            rng: fastrand::Rng::with_seed(DEFAULT_SEED),
            rules: Vec::new(),
        }
    }

    /// Builds a configuration from the control API's JSON; an absent `latencyMs` falls back
    /// to the command line's value, as the configuration is replaced whole.
    pub fn from_value(value: Value, cli_latency_ms: u64) -> Result<Faults, String> {
        let Value::Object(mut map) = value else {
            return Err("the fault configuration must be a JSON object".into());
        };
        let latency_ms = match map.remove("latencyMs") {
            None | Some(Value::Null) => cli_latency_ms,
            Some(v) => v
                .as_u64()
                .ok_or("latencyMs must be a non-negative integer")?,
        };
        let seed = match map.remove("seed") {
            None | Some(Value::Null) => DEFAULT_SEED,
            Some(v) => v.as_u64().ok_or("seed must be a non-negative integer")?,
        };
        let rules = match map.remove("rules") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(rules)) => rules
                .into_iter()
                .map(Rule::from_value)
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("rules must be an array".into()),
        };
        if let Some(unknown) = map.keys().next() {
            return Err(format!(
                "unknown field '{unknown}' in the fault configuration"
            ));
        }
        Ok(Faults {
            latency_ms,
            seed,
            rng: fastrand::Rng::with_seed(seed),
            rules,
        })
    }

    /// The fault for a call to `operation`, if any: the first rule whose operation matches,
    /// that has uses left and whose probability roll succeeds. Using a rule spends one of its
    /// `times`; a spent rule stays listed with 0 so tests can see it fired.
    pub fn pick(&mut self, operation: Option<&str>) -> Option<Kind> {
        for rule in &mut self.rules {
            if rule.remaining == Some(0) {
                continue;
            }
            if let Some(op) = &rule.operation
                && operation != Some(op.as_str())
            {
                continue;
            }
            if rule.probability < 1.0 && self.rng.f64() >= rule.probability {
                continue;
            }
            if let Some(n) = &mut rule.remaining {
                *n -= 1;
            }
            return Some(rule.kind.clone());
        }
        None
    }

    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("latencyMs".into(), self.latency_ms.into());
        map.insert("seed".into(), self.seed.into());
        map.insert(
            "rules".into(),
            serde_json::to_value(&self.rules).unwrap_or_default(),
        );
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn faults(v: Value) -> Faults {
        Faults::from_value(v, 7).unwrap()
    }

    #[test]
    fn parses_every_kind() {
        let f = faults(json!({"rules": [
            {"kind": "status", "status": 429, "retryAfter": 2},
            {"kind": "validation"},
            {"kind": "reset", "times": 1},
            {"kind": "hang", "operation": "Website.X"},
            {"kind": "latency", "latencyMs": 5, "probability": 0.5},
            {"kind": "raw", "rawBody": "<html>", "truncate": true},
        ]}));
        assert_eq!(f.latency_ms, 7);
        assert_eq!(f.rules.len(), 6);
        assert_eq!(
            f.rules[5].kind,
            Kind::Raw {
                status: 200,
                content_type: "text/html".into(),
                raw_body: Some("<html>".into()),
                body_bytes: None,
                truncate: true,
            }
        );
        let shown = f.to_value();
        assert_eq!(shown["rules"][0]["retryAfter"], 2);
        assert_eq!(shown["rules"][2]["times"], 1);
    }

    #[test]
    fn refuses_mistakes() {
        for bad in [
            json!({"rules": [{"kind": "status", "status": 429, "retryafter": 2}]}),
            json!({"rules": [{"kind": "nope"}]}),
            json!({"rules": [{"kind": "status"}]}),
            json!({"rules": [{"kind": "reset", "probability": 2}]}),
            json!({"rules": [{"kind": "status", "status": 42}]}),
            json!({"rule": []}),
            json!([]),
        ] {
            assert!(Faults::from_value(bad.clone(), 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn first_matching_rule_applies_and_times_run_out() {
        let mut f = faults(json!({"rules": [
            {"kind": "reset", "operation": "A", "times": 2},
            {"kind": "hang"},
        ]}));
        assert_eq!(f.pick(Some("A")), Some(Kind::Reset));
        assert_eq!(f.pick(Some("B")), Some(Kind::Hang));
        assert_eq!(f.pick(Some("A")), Some(Kind::Reset));
        assert_eq!(f.pick(Some("A")), Some(Kind::Hang));
        assert_eq!(f.pick(None), Some(Kind::Hang));
    }

    #[test]
    fn probability_is_seeded_and_roughly_right() {
        let config = json!({"seed": 42, "rules": [{"kind": "reset", "probability": 0.3}]});
        let run = || {
            let mut f = faults(config.clone());
            (0..1000)
                .map(|_| f.pick(Some("A")).is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|h| **h).count();
        assert!((230..370).contains(&hits), "{hits} hits");
    }

    #[test]
    fn a_missed_roll_falls_through_to_later_rules() {
        let mut f = faults(json!({"rules": [
            {"kind": "reset", "probability": 0.0},
            {"kind": "hang", "times": 1},
        ]}));
        assert_eq!(f.pick(Some("A")), Some(Kind::Hang));
        assert_eq!(f.pick(Some("A")), None);
    }
}
