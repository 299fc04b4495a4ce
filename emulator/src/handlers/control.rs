//! The control API under `/__emulator/`: how tests read the journal and script the emulator,
//! see the orders Mindbox was told of, have it check a product feed as Mindbox would, and see
//! and set up bulk imports.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request};
use serde::Serialize;
use serde_json::{Value, json};

use crate::bulk;
use crate::feed;
use crate::http::{self, Reply, reply};
use crate::loyalty;
use crate::state::Emulator;
use crate::state::faults::Faults;
use crate::state::journal::{Entry, Filter, Outcome};
use crate::state::scripts::Script;

const MAX_BODY: usize = 16 * 1024 * 1024;

pub async fn handle(emulator: &Arc<Emulator>, request: Request<Incoming>) -> Reply {
    let path = request.uri().path().trim_start_matches("/__emulator");
    let Some(allowed) = methods(path) else {
        return reply::empty(404);
    };
    let method = request.method().clone();
    if !allowed.contains(&method) {
        let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>();
        return reply::header(reply::empty(405), "allow", &allow.join(", "));
    }
    match (method, path) {
        (Method::GET, "/journal") => journal(emulator, request.uri().query().unwrap_or("")),
        (Method::GET, "/stats") => reply::json(200, &emulator.stats()),
        (Method::POST, "/reset") => {
            emulator.reset();
            ok()
        }
        (Method::GET, "/faults") => reply::json(200, &emulator.lock().faults.to_value()),
        (Method::POST, "/faults") => {
            let parse = |value| Faults::from_value(value, emulator.cli_latency_ms);
            match read_json(request, parse).await {
                Err(e) => error(400, &e),
                Ok(faults) => {
                    let shown = faults.to_value();
                    emulator.lock().faults = faults;
                    reply::json(200, &shown)
                }
            }
        }
        (Method::DELETE, "/faults") => {
            emulator.lock().faults = Faults::none(emulator.cli_latency_ms);
            ok()
        }
        (Method::POST, "/scripts") => match read_json(request, script).await {
            Err(e) => error(400, &e),
            Ok(script) => {
                emulator.lock().scripts.add(script);
                ok()
            }
        },
        (Method::DELETE, "/scripts") => {
            emulator.lock().scripts.clear();
            ok()
        }
        (Method::GET, "/loyalty") => reply::json(200, emulator.lock().loyalty.config()),
        (Method::POST, "/loyalty") => match read_json(request, loyalty::Config::from_value).await {
            Err(e) => error(400, &e),
            Ok(config) => {
                emulator.lock().loyalty.configure(config.clone());
                reply::json(200, &config)
            }
        },
        (Method::GET, "/loyalty/ledger") => reply::json(200, &emulator.lock().loyalty.ledger()),
        (Method::GET, "/orders") => orders(emulator, request.uri().query().unwrap_or("")),
        (Method::POST, "/feed") => match read_json(request, feed::Asked::from_value).await {
            Err(e) => error(400, &e),
            Ok(asked) => reply::json(200, &feed::verdict(asked).await),
        },
        (Method::GET, "/bulk/tasks") => reply::json(200, emulator.lock().bulk.tasks()),
        (Method::GET, "/bulk/customers") => reply::json(200, emulator.lock().bulk.customers.list()),
        (Method::GET, "/bulk/orders") => reply::json(200, emulator.lock().bulk.orders.list()),
        (Method::GET, "/bulk/config") => reply::json(200, &emulator.lock().bulk.config),
        (Method::POST, "/bulk/config") => {
            match read_json(request, bulk::Config::from_value).await {
                Err(e) => error(400, &e),
                Ok(config) => {
                    emulator.lock().bulk.config = config.clone();
                    reply::json(200, &config)
                }
            }
        }
        (Method::POST, "/bulk/clock") => match read_json(request, advance_seconds).await {
            Err(e) => error(400, &e),
            Ok(seconds) => {
                let offset = emulator.lock().bulk.advance(seconds);
                reply::json(200, &json!({ "offsetSeconds": offset }))
            }
        },
        (Method::POST, "/shutdown") => shutdown(emulator),
        _ => reply::empty(404),
    }
}

/// The methods a control path takes; `None` for a path that is not one.
fn methods(path: &str) -> Option<&'static [Method]> {
    Some(match path {
        "/journal" | "/stats" => &[Method::GET],
        "/reset" | "/shutdown" => &[Method::POST],
        "/faults" => &[Method::GET, Method::POST, Method::DELETE],
        "/scripts" => &[Method::POST, Method::DELETE],
        "/loyalty" => &[Method::GET, Method::POST],
        "/loyalty/ledger" | "/orders" => &[Method::GET],
        "/feed" | "/bulk/clock" => &[Method::POST],
        "/bulk/tasks" | "/bulk/customers" | "/bulk/orders" => &[Method::GET],
        "/bulk/config" => &[Method::GET, Method::POST],
        _ => return None,
    })
}

fn ok() -> Reply {
    reply::json(200, &json!({"ok": true}))
}

/// The answer to a request the control API cannot act on.
fn error(status: u16, message: &str) -> Reply {
    reply::json(status, &json!({ "error": message }))
}

fn script(value: Value) -> Result<Script, String> {
    match serde_json::from_value::<Script>(value) {
        Err(e) => Err(format!("script: {e}")),
        Ok(script) if !(100..=999).contains(&script.status) => {
            Err("script: invalid HTTP status".into())
        }
        Ok(script) => Ok(script),
    }
}

/// `{"advanceSeconds": n}`: how far the bulk imports' clock moves on.
fn advance_seconds(value: Value) -> Result<u64, String> {
    match value {
        Value::Object(map) if map.len() == 1 => map
            .get("advanceSeconds")
            .and_then(Value::as_u64)
            .ok_or_else(|| "advanceSeconds must be a non-negative integer".into()),
        _ => Err("the body must be {\"advanceSeconds\": n}".into()),
    }
}

fn shutdown(emulator: &Arc<Emulator>) -> Reply {
    // Stop a moment later so that this answer still reaches the caller.
    let emulator = emulator.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        emulator.shutdown.notify_one();
    });
    ok()
}

/// Every order Mindbox was told of; with one parameter, `?websiteID=5` (any id's name,
/// `mindboxId` too), the order it names, or 404.
fn orders(emulator: &Emulator, query: &str) -> Reply {
    let params = http::decode_query(query);
    let loyalty = &emulator.lock().loyalty;
    match params.0.as_slice() {
        [] => reply::json(200, &loyalty.orders()),
        [(name, value)] => match loyalty.order(&json!({ name: value })) {
            Some(order) => reply::json(200, &order),
            None => error(404, &format!("no order with {name} '{value}'")),
        },
        _ => error(400, "name the order by one id, as ?websiteID=…"),
    }
}

#[derive(Serialize)]
struct Page<'a> {
    requests: Vec<&'a Entry>,
}

fn journal(emulator: &Emulator, query: &str) -> Reply {
    let params = http::decode_query(query);
    let text = |name: &str| params.get(name);
    let since = match text("since").map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return error(400, "since must be a non-negative integer"),
    };
    let outcome = match text("outcome").map(|o| (o, Outcome::parse(o))) {
        None => None,
        Some((_, Some(o))) => Some(o),
        Some((o, None)) => return error(400, &format!("unknown outcome '{o}'")),
    };
    let filter = Filter {
        since,
        operation: text("operation").map(str::to_owned),
        outcome,
        endpoint: text("endpoint").map(str::to_owned),
    };
    // Copy the pointers under the lock; serialise after it is released.
    let entries = emulator.lock().journal.select(&filter);
    reply::json(
        200,
        &Page {
            requests: entries.iter().map(|e| &**e).collect(),
        },
    )
}

/// The body as JSON, made into what `parse` makes of it.
async fn read_json<T>(
    request: Request<Incoming>,
    parse: impl FnOnce(Value) -> Result<T, String>,
) -> Result<T, String> {
    let bytes = Limited::new(request.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| format!("cannot read the request body: {e}"))?
        .to_bytes();
    let value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the request body is not JSON: {e}"))?;
    parse(value)
}
