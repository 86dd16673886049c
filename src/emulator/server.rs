//! The HTTP server: one handler that authenticates, checks the api-version, injects faults,
//! dispatches to the resource types under the store lock, persists, and logs every exchange; the
//! `/_emulator/` admin endpoints; and [`Emulator`], a running instance on a loopback port.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::config::{EmulatorConfig, Faults};
use super::error::{ArmError, ArmResult};
use super::faults::{self, Buckets, Injected};
use super::http::{Ctx, Reply, Request};
use super::log::{Entry, RequestLog, redact};
use super::route::Route;
use super::store::{Persist, Store};
use super::{api, lro, types};

/// State shared by all requests.
pub struct Shared {
    store: Mutex<Store>,
    cfg: RwLock<EmulatorConfig>,
    base: String,
    persist: Option<Persist>,
    log: RequestLog,
    rng: Mutex<fastrand::Rng>,
    buckets: Mutex<Buckets>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Shared {
    /// Shared state for an emulator reachable at `base`; loads persisted state when configured.
    ///
    /// # Errors
    ///
    /// When the state directory cannot be created or its state file cannot be read.
    pub fn new(cfg: EmulatorConfig, base: String) -> io::Result<Arc<Shared>> {
        let persist = cfg.state_dir.as_deref().map(Persist::new).transpose()?;
        let mut store = match &persist {
            Some(p) => p.load()?,
            None => Store::default(),
        };
        // Finish what was due while the emulator was down.
        lro::tick(&mut store, now_ms());
        let rng = match cfg.faults.seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        Ok(Arc::new(Shared {
            store: Mutex::new(store),
            log: RequestLog::new(cfg.request_log.clone(), cfg.traffic_dir.clone()),
            cfg: RwLock::new(cfg),
            base,
            persist,
            rng: Mutex::new(rng),
            buckets: Mutex::new(Buckets::default()),
        }))
    }

    fn config(&self) -> EmulatorConfig {
        self.cfg
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn save(&self, store: &mut Store) {
        if store.dirty {
            if let Some(p) = &self.persist
                && let Err(e) = p.save(store)
            {
                eprintln!("aksform emulator: cannot save state: {e}");
                return;
            }
            store.dirty = false;
        }
    }
}

/// A running emulator on a loopback port.
pub struct Emulator {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1:port` (0 picks a free port).
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or persisted state cannot be loaded.
    pub async fn start(cfg: EmulatorConfig, port: u16) -> io::Result<Emulator> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Shared::new(cfg, url.clone())?;
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, shared, async {
            let _ = rx.await;
        }));
        Ok(Emulator {
            url,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops serving and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves `shared` on `listener` until `shutdown` completes.
///
/// # Errors
///
/// When the server fails.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let ticker = {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let mut store = lock(&shared.store);
                if lro::tick(&mut store, now_ms()) > 0 {
                    shared.save(&mut store);
                }
            }
        })
    };
    let app = Router::new().fallback(handle).with_state(shared);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    ticker.abort();
    result
}

fn parse_query(q: &str) -> BTreeMap<String, String> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The outcome of one request before it becomes an HTTP response.
enum Outcome {
    Reply(Reply),
    Drop,
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let path = uri.path().to_string();
    let query_str = uri.query().unwrap_or("").to_string();
    let query = parse_query(&query_str);
    let parsed_body: Option<Result<Value, String>> = (!body.is_empty())
        .then(|| serde_json::from_slice::<Value>(&body).map_err(|e| e.to_string()));
    let cfg = shared.config();
    let outcome = if path.starts_with("/_emulator") {
        Outcome::Reply(admin(&shared, &method, &path, &query, parsed_body.as_ref()))
    } else {
        arm(
            &shared,
            &cfg,
            &method,
            &path,
            &query,
            &headers,
            parsed_body.as_ref(),
        )
        .await
    };
    let (mut reply, dropped) = match outcome {
        Outcome::Reply(r) => (r, false),
        Outcome::Drop => (Reply::empty(StatusCode::INTERNAL_SERVER_ERROR), true),
    };
    if method == Method::HEAD {
        reply.body = None;
    }
    // Standard ARM response headers.
    let request_id = uuid::Uuid::new_v4().to_string();
    let correlation = headers
        .get("x-ms-correlation-request-id")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| request_id.clone(), str::to_string);
    reply.headers.push(("x-ms-request-id", request_id));
    reply
        .headers
        .push(("x-ms-correlation-request-id", correlation));
    if let Some(c) = headers
        .get("x-ms-client-request-id")
        .and_then(|v| v.to_str().ok())
    {
        reply
            .headers
            .push(("x-ms-client-request-id", c.to_string()));
    }
    if reply.body.is_some() {
        reply.headers.push((
            "Content-Type",
            "application/json; charset=utf-8".to_string(),
        ));
    }
    // The admin endpoints are not ARM traffic: they stay out of the log they read.
    if !path.starts_with("/_emulator") {
        shared.log.record(Entry {
            seq: 0,
            time_ms: now_ms(),
            method: method.to_string(),
            path: path.clone(),
            query: query_str,
            request_headers: redact(&headers),
            request_body: parsed_body.map(|b| {
                b.unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
            }),
            status: if dropped { 0 } else { reply.status.as_u16() },
            response_headers: reply
                .headers
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
            response_body: reply.body.clone(),
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        });
    }
    if dropped {
        // A body that fails makes hyper abort the connection mid-response.
        return Response::builder()
            .status(StatusCode::OK)
            .header("Content-Length", "1000")
            .body(Body::new(Fail { done: false }))
            .unwrap_or_default();
    }
    let mut builder = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        if let Ok(v) = HeaderValue::from_str(v) {
            builder = builder.header(*k, v);
        }
    }
    let body = match &reply.body {
        Some(b) => Body::from(serde_json::to_vec(b).unwrap_or_default()),
        None => Body::empty(),
    };
    builder.body(body).unwrap_or_default()
}

/// A response body whose first frame is an error: hyper aborts the connection mid-response,
/// which is how a dropped connection looks to the client.
struct Fail {
    done: bool,
}

impl http_body::Body for Fail {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        if self.done {
            return std::task::Poll::Ready(None);
        }
        self.done = true;
        std::task::Poll::Ready(Some(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped by fault injection",
        ))))
    }
}

async fn arm(
    shared: &Shared,
    cfg: &EmulatorConfig,
    method: &Method,
    path: &str,
    query: &BTreeMap<String, String>,
    headers: &HeaderMap,
    body: Option<&Result<Value, String>>,
) -> Outcome {
    let f = &cfg.faults;
    if f.latency_ms > 0 || f.jitter_ms > 0 {
        let jitter = if f.jitter_ms > 0 {
            lock(&shared.rng).u64(0..=f.jitter_ms)
        } else {
            0
        };
        tokio::time::sleep(Duration::from_millis(f.latency_ms + jitter)).await;
    }
    let injected = faults::choose(f, &mut lock(&shared.rng));
    match injected {
        Injected::Drop => return Outcome::Drop,
        Injected::Throttle(secs) => {
            return Outcome::Reply(error_reply(
                &throttled("the emulator's fault settings", secs),
                cfg,
            ));
        }
        Injected::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let e = ArmError::new(
                status,
                if code == 503 {
                    "ServiceUnavailable"
                } else {
                    "InternalServerError"
                },
                "The server encountered an internal error (injected by the emulator's fault settings). Please retry.",
            );
            return Outcome::Reply(error_reply(&e, cfg));
        }
        Injected::Nothing => {}
    }
    Outcome::Reply(
        match answer(shared, cfg, method, path, query, headers, body) {
            Ok(r) => r,
            Err(e) => error_reply(&e, cfg),
        },
    )
}

fn throttled(by: &str, secs: u64) -> ArmError {
    ArmError {
        retry_after: Some(secs),
        ..ArmError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Throttled",
            format!(
                "The request limit has been exceeded ({by}), please retry again in {secs} seconds."
            ),
        )
    }
}

fn error_reply(e: &ArmError, cfg: &EmulatorConfig) -> Reply {
    let body = if e.unwrapped && !cfg.aks_unwrapped_errors {
        serde_json::json!({ "error": e.object() })
    } else {
        e.body()
    };
    let mut r = Reply::json(e.status, body);
    if let Some(s) = e.retry_after {
        r.headers.push(("Retry-After", s.to_string()));
    }
    if e.status == StatusCode::UNAUTHORIZED {
        r.headers.push((
            "WWW-Authenticate",
            "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\"".to_string(),
        ));
    }
    r
}

fn answer(
    shared: &Shared,
    cfg: &EmulatorConfig,
    method: &Method,
    path: &str,
    query: &BTreeMap<String, String>,
    headers: &HeaderMap,
    body: Option<&Result<Value, String>>,
) -> ArmResult<Reply> {
    authenticate(headers)?;
    let route = Route::parse(path);
    let api_version = api::check(&route, query)?;
    let now = now_ms();
    let limit = faults::limit_for(method, &route);
    let mut rate_headers = Vec::new();
    {
        let mut buckets = lock(&shared.buckets);
        match buckets.take(&limit, now) {
            Ok(left) => {
                let name = if limit.key == "arm-writes" {
                    "x-ms-ratelimit-remaining-subscription-writes"
                } else {
                    "x-ms-ratelimit-remaining-subscription-reads"
                };
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                rate_headers.push((name, (left.max(0.0) as u64).to_string()));
            }
            Err(wait) if cfg.faults.token_buckets => {
                return Err(throttled(&format!("{} for SubID", limit.handler), wait));
            }
            Err(_) => {}
        }
    }
    let body = match body {
        Some(Ok(v)) => Some(v.clone()),
        Some(Err(e)) => {
            return Err(ArmError::bad_body(format!(
                "The request content was invalid and could not be deserialized: {e}"
            )));
        }
        None => None,
    };
    let req = Request {
        method,
        headers,
        query,
        body,
        path,
    };
    let mut store = lock(&shared.store);
    let mut rng = lock(&shared.rng);
    lro::tick(&mut store, now);
    let mut ctx = Ctx {
        store: &mut store,
        cfg,
        now,
        base: &shared.base,
        api_version: &api_version,
        rng: &mut rng,
    };
    let result = types::dispatch(&mut ctx, &route, &req);
    drop(rng);
    shared.save(&mut store);
    result.map(|r| r.with_headers(rate_headers))
}

fn authenticate(headers: &HeaderMap) -> ArmResult<()> {
    let auth = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match auth {
        None => Err(ArmError::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        )),
        Some(v)
            if v.len() > 7
                && v[..7].eq_ignore_ascii_case("bearer ")
                && !v[7..].trim().is_empty() =>
        {
            Ok(())
        }
        Some(_) => Err(ArmError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token is invalid: the 'Authorization' header must be 'Bearer <token>'.",
        )),
    }
}

fn admin(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &BTreeMap<String, String>,
    body: Option<&Result<Value, String>>,
) -> Reply {
    match (method.as_str(), path.trim_end_matches('/')) {
        ("GET", "/_emulator/health") => Reply::json(StatusCode::OK, json!({"status": "ok"})),
        ("GET", "/_emulator/requests") => {
            let since = query.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
            let (items, last) = shared.log.since(since);
            Reply::json(StatusCode::OK, json!({"requests": items, "last": last}))
        }
        ("DELETE", "/_emulator/requests") => {
            shared.log.clear();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_emulator/faults") => Reply::json(
            StatusCode::OK,
            serde_json::to_value(shared.config().faults).unwrap_or_default(),
        ),
        ("PUT", "/_emulator/faults") => match body.map(|b| {
            b.as_ref()
                .map(|v| serde_json::from_value::<Faults>(v.clone()))
        }) {
            Some(Ok(Ok(f))) => {
                if let Some(seed) = f.seed {
                    *lock(&shared.rng) = fastrand::Rng::with_seed(seed);
                }
                shared
                    .cfg
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .faults = f.clone();
                Reply::json(StatusCode::OK, serde_json::to_value(f).unwrap_or_default())
            }
            Some(Ok(Err(e))) => Reply::json(
                StatusCode::BAD_REQUEST,
                json!({"error": {"code": "InvalidFaults", "message": e.to_string()}}),
            ),
            _ => Reply::json(
                StatusCode::BAD_REQUEST,
                json!({"error": {"code": "InvalidFaults", "message": "send a JSON object of fault settings"}}),
            ),
        },
        ("DELETE", "/_emulator/faults") => {
            shared
                .cfg
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .faults = Faults::default();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        ("GET", "/_emulator/state") => {
            let store = lock(&shared.store);
            let resources: Vec<Value> = store.resources.values().map(|d| d.body.clone()).collect();
            let operations: Vec<Value> = store
                .operations
                .values()
                .map(|o| serde_json::to_value(o).unwrap_or_default())
                .collect();
            Reply::json(
                StatusCode::OK,
                json!({"resources": resources, "operations": operations}),
            )
        }
        _ => Reply::json(
            StatusCode::NOT_FOUND,
            json!({"error": {"code": "NotFound", "message": format!("no admin endpoint {method} {path}; see /_emulator/health, requests, faults, state")}}),
        ),
    }
}
