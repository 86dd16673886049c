//! The test harness for Microsoft.ContainerService: an in-memory store driven through
//! `types::dispatch` as the server would, a clock the tests move to finish operations, and body
//! builders for clusters, pools and their dependencies.

mod cluster;
mod maintenance;
mod pools;
mod properties;
mod rules;
mod versions;

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::{Value, json};

use crate::emulator::config::EmulatorConfig;
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request};
use crate::emulator::lro;
use crate::emulator::route::Route;
use crate::emulator::store::Store;
use crate::emulator::types::dispatch;

pub const SUB: &str = "00000000-0000-0000-0000-0000000000aa";
pub const RG: &str = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg";
const API: &str = "2026-08-01";

/// The id of cluster `name` in the test resource group.
pub fn mc(name: &str) -> String {
    format!("{RG}/providers/Microsoft.ContainerService/managedClusters/{name}")
}

/// The id of pool `pool` of cluster `name`.
pub fn ap(name: &str, pool: &str) -> String {
    format!("{}/agentPools/{pool}", mc(name))
}

/// A store, a configuration and a clock.
pub struct Env {
    pub store: Store,
    pub cfg: EmulatorConfig,
    pub now: u64,
    rng: fastrand::Rng,
}

impl Env {
    /// A store holding resource group `rg` in westeurope.
    pub fn new() -> Env {
        let mut env = Env {
            store: Store::default(),
            cfg: EmulatorConfig::default(),
            now: 1_795_000_000_000,
            rng: fastrand::Rng::with_seed(7),
        };
        env.call(
            Method::PUT,
            RG,
            Some(json!({"location": "westeurope"})),
            &[],
        )
        .expect("resource group");
        env
    }

    /// One request, as the server dispatches it (after finishing what is due).
    pub fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> ArmResult<Reply> {
        let (path, query_text) = path.split_once('?').unwrap_or((path, ""));
        let mut query: BTreeMap<String, String> = query_text
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        query.insert("api-version".into(), API.into());
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                HeaderValue::from_str(v).expect("header value"),
            );
        }
        let req = Request {
            method: &method,
            headers: &map,
            query: &query,
            body,
            path,
        };
        lro::tick(&mut self.store, self.now);
        let mut ctx = Ctx {
            store: &mut self.store,
            cfg: &self.cfg,
            now: self.now,
            base: "http://127.0.0.1:9",
            api_version: API,
            rng: &mut self.rng,
        };
        dispatch(&mut ctx, &Route::parse(path), &req)
    }

    pub fn put(&mut self, path: &str, body: Value) -> ArmResult<Reply> {
        self.call(Method::PUT, path, Some(body), &[])
    }

    pub fn delete(&mut self, path: &str) -> ArmResult<Reply> {
        self.call(Method::DELETE, path, None, &[])
    }

    /// A GET that must answer 200.
    #[track_caller]
    pub fn get(&mut self, path: &str) -> Value {
        let r = self.call(Method::GET, path, None, &[]).expect("GET");
        assert_eq!(r.status, StatusCode::OK, "GET {path}");
        r.body.expect("body")
    }

    /// Moves the clock on and finishes what is due.
    pub fn advance(&mut self, ms: u64) {
        self.now += ms;
        lro::tick(&mut self.store, self.now);
    }

    /// Lets every running operation finish.
    pub fn settle(&mut self) {
        self.advance(600_000);
    }

    /// Creates a cluster and waits for it.
    #[track_caller]
    pub fn cluster(&mut self, name: &str, body: Value) -> Value {
        let r = self.put(&mc(name), body).expect("cluster PUT");
        assert_eq!(r.status, StatusCode::CREATED);
        self.settle();
        self.get(&mc(name))
    }

    /// A virtual network `vnet` with subnets `nodes` and `pods`; returns the subnet ids.
    pub fn subnets(&mut self) -> (String, String) {
        let vnet = format!("{RG}/providers/Microsoft.Network/virtualNetworks/vnet");
        self.put(
            &vnet,
            json!({"location": "westeurope", "properties": {
                "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                "subnets": [
                    {"name": "nodes", "properties": {"addressPrefix": "10.1.0.0/22"}},
                    {"name": "pods", "properties": {"addressPrefix": "10.1.4.0/22"}}
                ]
            }}),
        )
        .expect("vnet");
        self.settle();
        (
            format!("{vnet}/subnets/nodes"),
            format!("{vnet}/subnets/pods"),
        )
    }

    /// A Log Analytics workspace; returns its id.
    pub fn workspace(&mut self) -> String {
        let id = format!("{RG}/providers/Microsoft.OperationalInsights/workspaces/logs");
        self.put(&id, json!({"location": "westeurope", "properties": {}}))
            .expect("workspace");
        self.settle();
        id
    }

    /// The stored provisioning state of a resource.
    pub fn state(&self, id: &str) -> String {
        self.store
            .get(id)
            .and_then(|d| d.state())
            .unwrap_or("<none>")
            .to_string()
    }
}

/// A minimal cluster body: one pool `system`, on `version` when given.
pub fn body(version: Option<&str>) -> Value {
    let mut b = json!({
        "location": "westeurope",
        "properties": {
            "dnsPrefix": "aks1",
            "agentPoolProfiles": [{"name": "system", "count": 2, "vmSize": "Standard_D4s_v5"}]
        }
    });
    if let Some(v) = version {
        b["properties"]["kubernetesVersion"] = json!(v);
    }
    b
}

/// A body with `f` applied to it.
pub fn with(mut b: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut b);
    b
}

/// A pool body for the agentPools endpoint.
pub fn pool(extra: Value) -> Value {
    let mut props = json!({"count": 1, "vmSize": "Standard_D2s_v5"});
    if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            p.insert(k.clone(), v.clone());
        }
    }
    json!({ "properties": props })
}

/// Asserts an error's status, code and a piece of its message; returns it.
#[track_caller]
pub fn err(r: ArmResult<Reply>, status: StatusCode, code: &str, part: &str) -> ArmError {
    let e = match r {
        Ok(reply) => panic!("expected {code}, got {} {:?}", reply.status, reply.body),
        Err(e) => e,
    };
    assert_eq!((e.status, e.code.as_str()), (status, code), "{}", e.message);
    assert!(
        e.message.contains(part),
        "message {:?} lacks {part:?}",
        e.message
    );
    e
}

/// A header of a reply.
pub fn header<'r>(r: &'r Reply, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
