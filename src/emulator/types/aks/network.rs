//! The cluster's network profile as AKS completes it: Azure CNI Overlay unless told otherwise,
//! the default pod and service ranges, and the outbound path (a standard load balancer with
//! managed outbound IPs, or a managed NAT gateway) with its effective outbound IPs.

use serde_json::{Map, Value, json};

use super::rules::lookup;

/// The pods per node a pool gets by default under this cluster's network profile.
pub fn default_max_pods(props: &Map<String, Value>) -> u64 {
    let plugin = lookup(props, "/networkProfile/networkPlugin").and_then(Value::as_str);
    let mode = lookup(props, "/networkProfile/networkPluginMode").and_then(Value::as_str);
    match (plugin, mode) {
        (Some(p), _) if p.eq_ignore_ascii_case("kubenet") => 110,
        (Some(p), None) if p.eq_ignore_ascii_case("azure") => 30,
        _ => 250,
    }
}

/// The network profile with AKS's defaults: Azure CNI Overlay unless told otherwise, the default
/// CIDRs, a standard load balancer with one managed outbound IP.
pub fn profile(sub: &str, sent: Option<&Value>, node_rg: &str) -> Value {
    let mut np: Map<String, Value> = sent
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let plugin_sent = np.contains_key("networkPlugin");
    let plugin = np
        .get("networkPlugin")
        .and_then(Value::as_str)
        .unwrap_or("azure")
        .to_string();
    let azure = plugin.eq_ignore_ascii_case("azure");
    if azure
        && !np.contains_key("networkPluginMode")
        && (!plugin_sent || np.contains_key("podCidr"))
    {
        np.insert("networkPluginMode".into(), json!("overlay"));
    }
    let overlay = np.contains_key("networkPluginMode");
    let policy = np
        .get("networkPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    let dataplane = if policy.eq_ignore_ascii_case("cilium") {
        "cilium"
    } else {
        "azure"
    };
    let outbound = np
        .get("outboundType")
        .and_then(Value::as_str)
        .unwrap_or("loadBalancer")
        .to_string();
    let mut out = Map::new();
    let mut put = |out: &mut Map<String, Value>, k: &str, dflt: Option<Value>| {
        if let Some(v) = np.remove(k).or(dflt) {
            out.insert(k.into(), v);
        }
    };
    put(&mut out, "networkPlugin", Some(json!(plugin)));
    put(&mut out, "networkPluginMode", None);
    put(&mut out, "networkPolicy", None);
    put(&mut out, "networkDataplane", Some(json!(dataplane)));
    put(&mut out, "loadBalancerSku", Some(json!("standard")));
    let pods = overlay || plugin.eq_ignore_ascii_case("kubenet");
    let pod_cidr = pods.then(|| json!("10.244.0.0/16"));
    put(&mut out, "podCidr", pod_cidr);
    put(&mut out, "serviceCidr", Some(json!("10.0.0.0/16")));
    put(&mut out, "dnsServiceIP", Some(json!("10.0.0.10")));
    put(&mut out, "outboundType", Some(json!(outbound)));
    let lb = np.remove("loadBalancerProfile");
    let nat = np.remove("natGatewayProfile");
    for (k, v) in np {
        out.insert(k, v);
    }
    if let Some(p) = out.get("podCidr").cloned() {
        out.entry("podCidrs").or_insert(json!([p]));
    }
    if let Some(s) = out.get("serviceCidr").cloned() {
        out.entry("serviceCidrs").or_insert(json!([s]));
    }
    out.entry("ipFamilies").or_insert(json!(["IPv4"]));
    let ip_id = |_: usize| {
        json!({ "id": format!(
            "/subscriptions/{}/resourceGroups/{node_rg}/providers/Microsoft.Network/publicIPAddresses/{}",
            sub, uuid::Uuid::new_v4()
        ) })
    };
    if outbound == "loadBalancer" {
        let mut lb = lb.filter(Value::is_object).unwrap_or_else(|| json!({}));
        let old_effective = lb.get("effectiveOutboundIPs").cloned();
        let given: Vec<Value> = [
            "/outboundIPs/publicIPs",
            "/outboundIPPrefixes/publicIPPrefixes",
        ]
        .iter()
        .filter_map(|p| lb.pointer(p).and_then(Value::as_array))
        .flatten()
        .cloned()
        .collect();
        let effective = if given.is_empty() {
            let count = lb
                .pointer("/managedOutboundIPs/count")
                .and_then(Value::as_u64)
                .unwrap_or(1);
            lb["managedOutboundIPs"] = json!({ "count": count });
            match old_effective.as_ref().and_then(Value::as_array) {
                Some(a) if a.len() as u64 == count => Value::Array(a.clone()),
                _ => Value::Array(
                    (0..usize::try_from(count).unwrap_or(1))
                        .map(ip_id)
                        .collect(),
                ),
            }
        } else {
            Value::Array(given)
        };
        lb["effectiveOutboundIPs"] = effective;
        if lb.get("backendPoolType").is_none() {
            lb["backendPoolType"] = json!("NodeIPConfiguration");
        }
        out.insert("loadBalancerProfile".into(), lb);
    } else if outbound == "managedNATGateway" {
        let mut nat = nat.filter(Value::is_object).unwrap_or_else(|| json!({}));
        let count = nat
            .pointer("/managedOutboundIPProfile/count")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        nat["managedOutboundIPProfile"] = json!({ "count": count });
        if nat.get("idleTimeoutInMinutes").is_none() {
            nat["idleTimeoutInMinutes"] = json!(4);
        }
        let keep = nat
            .get("effectiveOutboundIPs")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() as u64 == count);
        if !keep {
            let ips: Vec<Value> = (0..usize::try_from(count).unwrap_or(1))
                .map(ip_id)
                .collect();
            nat["effectiveOutboundIPs"] = Value::Array(ips);
        }
        out.insert("natGatewayProfile".into(), nat);
    }
    Value::Object(out)
}
