//! The harness shared by the integration tests: the real binary on a loopback port.

// Each test crate compiles this module for itself and uses only part of it.
#![allow(dead_code)]

pub mod bulk;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Emulator {
    pub child: Child,
    pub port: u16,
    pub agent: ureq::Agent,
}

impl Emulator {
    pub fn start(extra: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mindbox-emulator"))
            .args(["--endpoint-id", "shop", "--secret-key", "key"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("listening on 127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        Emulator { child, port, agent }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn call(
        &self,
        operation: &str,
        extra_query: &str,
        auth: Option<&str>,
        body: &str,
    ) -> Answer {
        self.call_with(&self.agent, operation, extra_query, auth, body)
            .expect("an HTTP answer")
    }

    pub fn call_with(
        &self,
        agent: &ureq::Agent,
        operation: &str,
        extra_query: &str,
        auth: Option<&str>,
        body: &str,
    ) -> Result<Answer, ureq::Error> {
        let url = self.url(&format!(
            "/v3/operations/sync?endpointId=shop&operation={operation}{extra_query}"
        ));
        let mut request = agent
            .post(&url)
            .header("content-type", "application/json; charset=utf-8");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let mut response = request.send(body)?;
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.body_mut().read_to_string()?;
        Ok(Answer {
            status: response.status().as_u16(),
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            retry_after,
        })
    }

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = self.url(&format!("/__emulator{path}"));
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, Some(body)) => self.agent.post(&url).send_json(body),
            (_, None) => self.agent.post(&url).send_empty(),
        }
        .unwrap();
        assert_eq!(response.status(), 200, "{method} {path}");
        response.body_mut().read_json().unwrap()
    }

    pub fn journal(&self, query: &str) -> Vec<Value> {
        match self.control("GET", &format!("/journal{query}"), None)["requests"].take() {
            Value::Array(entries) => entries,
            other => panic!("journal: {other}"),
        }
    }

    pub fn wait_for_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the emulator did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A one-shot GET over a plain socket; returns the body.
pub fn raw_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}
