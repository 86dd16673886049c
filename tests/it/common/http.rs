//! A minimal HTTP/1.1 client for the tests (no extra dependency): one request per connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// A response.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    pub text: String,
}

impl Resp {
    /// A header value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body (panics with the text when there is none).
    #[track_caller]
    pub fn json(&self) -> &Value {
        self.body
            .as_ref()
            .unwrap_or_else(|| panic!("no JSON body (status {}): {:?}", self.status, self.text))
    }
}

/// Sends `method path` to `base` (`http://127.0.0.1:port`) with an optional JSON body.
pub fn send(
    base: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> std::io::Result<Resp> {
    let hostport = base.trim_start_matches("http://").trim_end_matches('/');
    let path = path.strip_prefix(base).unwrap_or(path);
    let mut stream = TcpStream::connect(hostport)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let payload = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if body.is_some() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", payload.len()));
    stream.write_all(req.as_bytes())?;
    stream.write_all(&payload)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("bad status line {status_line:?}"),
            )
        })?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut raw = Vec::new();
    let len = if method == "HEAD" { Some(0) } else { len };
    match len {
        Some(n) => {
            raw.resize(n, 0);
            reader.read_exact(&mut raw)?;
        }
        None => {
            reader.read_to_end(&mut raw)?;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let body = serde_json::from_slice(&raw).ok();
    Ok(Resp {
        status,
        headers,
        body,
        text,
    })
}

/// An authenticated ARM call that must get an answer.
#[track_caller]
pub fn arm(base: &str, method: &str, path: &str, body: Option<&Value>) -> Resp {
    send(
        base,
        method,
        path,
        body,
        &[("Authorization", "Bearer test-token")],
    )
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}
