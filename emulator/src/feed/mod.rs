//! Mindbox's side of the product feed (issue 18): fetch a feed's URL as Mindbox does, read its
//! YML as it streams in, and say what Mindbox would import and reject. The control API's
//! `POST /__emulator/feed` runs it.
//!
//! `target` decides which URLs may be fetched (loopback only), `fetch` downloads one as
//! Mindbox does and `head` judges the answer's headers, `parse` reads the YML, `rules` holds
//! Mindbox's rules and limits.

mod fetch;
mod head;
mod parse;
#[cfg(test)]
mod parse_tests;
mod rules;
mod target;

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use parse::Tally;

/// What a test asks: the feed's URL, Mindbox's login and password for it, and ids it wants
/// to know are imported.
#[derive(Debug)]
pub struct Asked {
    url: String,
    target: target::Target,
    credentials: Option<(String, String)>,
    ids: Vec<String>,
}

impl Asked {
    /// `{"url": …, "login": …, "password": …, "ids": [...]}`, checked; only `url` is required.
    pub fn from_value(value: Value) -> Result<Asked, String> {
        let Value::Object(mut map) = value else {
            return Err("the body must be a JSON object".into());
        };
        if let Some(key) = map
            .keys()
            .find(|k| !["url", "login", "password", "ids"].contains(&k.as_str()))
        {
            return Err(format!("{key}: not a field (url, login, password, ids)"));
        }
        let mut text = |name: &str| match map.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{name}: must be a string")),
        };
        let url = text("url")?.ok_or("url: is required")?;
        let target = target::check(&url)?;
        let credentials = match (text("login")?, text("password")?) {
            (Some(login), Some(password)) => Some((login, password)),
            (None, None) => None,
            _ => return Err("login and password: give both or neither".into()),
        };
        let ids = match map.remove("ids") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) => ids
                .into_iter()
                .enumerate()
                .map(|(i, id)| match id {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(format!("ids[{i}]: must be a string or a number")),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("ids: must be a list".into()),
        };
        Ok(Asked {
            url,
            target,
            credentials,
            ids,
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    url: String,
    /// The HTTP status, null when no answer came.
    status: Option<u16>,
    content_type: Option<String>,
    gzip: bool,
    /// The feed's XML as read, after any gzip.
    bytes: u64,
    /// Offers Mindbox would import.
    offers: u64,
    categories: usize,
    currencies: usize,
    /// Distinct `group_id`s of the imported offers: the products of SKUs.
    groups: usize,
    rejected: Vec<Rejected>,
    rejected_count: u64,
    /// What makes Mindbox refuse the whole feed or open an issue on it.
    issues: Vec<String>,
    /// Of the ids asked about, those that are not among the imported offers; only when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rejected {
    offer_id: String,
    reason: String,
}

/// Fetches and reads the feed (the parse on a blocking thread).
pub async fn verdict(asked: Asked) -> Verdict {
    let tally = Tally {
        wanted: asked.ids.iter().cloned().collect(),
        ..Tally::default()
    };
    let (head, tally) = fetch::fetch(&asked, tally).await;
    let missing_ids = (!asked.ids.is_empty()).then(|| {
        let mut listed = HashSet::new();
        asked
            .ids
            .iter()
            .filter(|id| tally.wanted.contains(*id) && listed.insert(*id))
            .cloned()
            .collect()
    });
    Verdict {
        url: asked.url,
        status: head.status,
        content_type: head.content_type,
        gzip: head.gzip,
        bytes: head.bytes,
        offers: tally.offers,
        categories: tally.categories.len(),
        currencies: tally.currencies.len(),
        groups: tally.groups.len(),
        rejected: tally
            .rejected
            .into_iter()
            .map(|(offer_id, reason)| Rejected { offer_id, reason })
            .collect(),
        rejected_count: tally.rejected_count,
        issues: tally.issues,
        missing_ids,
    }
}
