//! Microsoft.Network virtual networks, subnets (inline in the network and as child resources, two
//! views of the same documents), and network security groups with inline security rules.

use std::net::Ipv4Addr;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{location, location_change, render, require_rg, tags, unsupported_method};
use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request, page, preconditions, read_only};
use crate::emulator::lro::{self, Effect};
use crate::emulator::route::ResPath;
use crate::emulator::store::{Doc, Store, key, new_etag};

const VNET: &str = "microsoft.network/virtualnetworks";
const SUBNET: &str = "microsoft.network/virtualnetworks/subnets";
const NSG: &str = "microsoft.network/networksecuritygroups";

/// Handles virtual networks, subnets and network security groups.
///
/// # Errors
///
/// The Network resource provider's errors.
pub fn handle(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let kind = p.type_key();
    let Some(rg) = p.rg.clone() else {
        // Subscription-wide lists.
        if *req.method == Method::GET && p.is_collection() && (kind == VNET || kind == NSG) {
            return list(ctx, req, &kind, &format!("/subscriptions/{}", p.sub));
        }
        return unsupported_method(req);
    };
    if p.is_collection() {
        if *req.method != Method::GET {
            return unsupported_method(req);
        }
        let scope = match p.parent() {
            Some(parent) => parent.id(),
            None => super::resource_group::id(&p.sub, &rg),
        };
        if kind == SUBNET {
            let parent = p.parent().map(|x| x.id()).unwrap_or_default();
            if ctx.store.get(&parent).is_none() {
                return Err(not_found(p));
            }
        } else {
            require_rg(ctx.store, &p.sub, &rg)?;
        }
        return list(ctx, req, &kind, &scope);
    }
    match (kind.as_str(), req.method) {
        (VNET | SUBNET | NSG, &Method::GET) => {
            let doc = ctx.store.get(&p.id()).ok_or_else(|| not_found(p))?;
            Ok(Reply::json(StatusCode::OK, render(ctx.store, doc)))
        }
        (VNET, &Method::PUT) => put_vnet(ctx, p, &rg, req),
        (SUBNET, &Method::PUT) => put_subnet(ctx, p, req),
        (NSG, &Method::PUT) => put_nsg(ctx, p, &rg, req),
        (VNET | SUBNET | NSG, &Method::DELETE) => delete(ctx, p, req),
        (VNET | SUBNET | NSG, _) => unsupported_method(req),
        _ => Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!("The resource type '{kind}' is not served by the emulator."),
        )),
    }
}

fn list(ctx: &mut Ctx<'_>, req: &Request<'_>, kind: &str, scope: &str) -> ArmResult<Reply> {
    let store: &Store = ctx.store;
    let items: Vec<Value> = if kind == SUBNET {
        store
            .children(scope, kind)
            .into_iter()
            .map(|d| d.body.clone())
            .collect()
    } else {
        store
            .list(kind, scope)
            .into_iter()
            .map(|d| render(store, d))
            .collect()
    };
    Ok(page(req, ctx, items))
}

fn not_found(p: &ResPath) -> ArmError {
    let kind = p
        .segments
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("/");
    ArmError::not_found(
        &format!("{}/{kind}", p.ns),
        p.name().unwrap_or(""),
        p.rg.as_deref().unwrap_or(""),
    )
}

fn etag() -> String {
    format!("W/\"{}\"", new_etag())
}

/// Read-only fields of network resources.
const READ_ONLY: &[&str] = &[
    "/etag",
    "/properties/provisioningState",
    "/properties/resourceGuid",
];

/// A virtual network as GET returns it: the stored document with its subnets.
pub fn render_vnet(store: &Store, doc: &Doc) -> Value {
    let mut v = doc.body.clone();
    let subnets: Vec<Value> = store
        .children(doc.id(), SUBNET)
        .into_iter()
        .map(|d| d.body.clone())
        .collect();
    v["properties"]["subnets"] = Value::Array(subnets);
    v
}

/// A network security group as GET returns it, with the subnets that use it.
pub fn render_nsg(store: &Store, doc: &Doc) -> Value {
    let mut v = doc.body.clone();
    let me = key(doc.id());
    let users: Vec<Value> = store
        .resources
        .values()
        .filter(|d| d.kind == SUBNET)
        .filter(|d| {
            d.body
                .pointer("/properties/networkSecurityGroup/id")
                .and_then(Value::as_str)
                .is_some_and(|id| key(id) == me)
        })
        .map(|d| json!({ "id": d.id() }))
        .collect();
    if !users.is_empty() {
        v["properties"]["subnets"] = Value::Array(users);
    }
    v
}

/// Prefixes as written with their (first, last) addresses.
type Prefixes = Vec<(String, (u32, u32))>;

/// A parsed IPv4 CIDR: (first, last) address.
fn cidr(s: &str) -> Option<(u32, u32)> {
    let (a, l) = s.split_once('/')?;
    let addr: Ipv4Addr = a.parse().ok()?;
    let len: u32 = l.parse().ok().filter(|l| *l <= 32)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let start = u32::from(addr) & mask;
    (start == u32::from(addr)).then_some((start, start | !mask))
}

fn invalid_prefix(target: &str, prefix: &str) -> ArmError {
    ArmError::new(
        StatusCode::BAD_REQUEST,
        "InvalidAddressPrefixFormat",
        format!("Address prefix {prefix} for resource {target} is not a valid CIDR (the address must be the network address of the prefix)."),
    )
    .target(target)
}

fn vnet_space(body: &Value, id: &str) -> ArmResult<Prefixes> {
    let prefixes = body
        .pointer("/properties/addressSpace/addressPrefixes")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            ArmError::invalid(
                "properties.addressSpace.addressPrefixes",
                "A virtual network needs at least one address prefix in addressSpace.addressPrefixes.",
            )
        })?;
    prefixes
        .iter()
        .map(|p| {
            let s = p.as_str().unwrap_or("");
            cidr(s)
                .map(|r| (s.to_string(), r))
                .ok_or_else(|| invalid_prefix(id, s))
        })
        .collect()
}

/// The prefixes of a subnet body (`addressPrefix` or `addressPrefixes`).
fn subnet_prefixes(body: &Value, id: &str) -> ArmResult<Prefixes> {
    let props = body.get("properties").cloned().unwrap_or(Value::Null);
    let mut list: Vec<String> = Vec::new();
    if let Some(p) = props.get("addressPrefix").and_then(Value::as_str) {
        list.push(p.to_string());
    }
    if let Some(a) = props.get("addressPrefixes").and_then(Value::as_array) {
        list.extend(a.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if list.is_empty() {
        return Err(ArmError::invalid(
            "properties.addressPrefix",
            format!("Subnet {id} needs an addressPrefix or addressPrefixes."),
        ));
    }
    list.into_iter()
        .map(|s| {
            cidr(&s)
                .map(|r| (s.clone(), r))
                .ok_or_else(|| invalid_prefix(id, &s))
        })
        .collect()
}

/// Checks subnets against their network's space and each other; `subnets` are (id, prefixes).
fn check_layout(
    vnet_id: &str,
    space: &[(String, (u32, u32))],
    subnets: &[(String, Prefixes)],
) -> ArmResult<()> {
    for (i, (sid, prefixes)) in subnets.iter().enumerate() {
        for (text, r) in prefixes {
            if !space.iter().any(|(_, s)| s.0 <= r.0 && r.1 <= s.1) {
                return Err(ArmError::new(
                    StatusCode::BAD_REQUEST,
                    "NetcfgSubnetRangeOutsideVnet",
                    format!(
                        "Subnet '{}' is not valid because its IP address range {text} is outside the IP address range of virtual network '{}'.",
                        last(sid),
                        last(vnet_id)
                    ),
                ));
            }
            for (other_id, others) in &subnets[..i] {
                if let Some((ot, _)) = others.iter().find(|(_, o)| o.0 <= r.1 && r.0 <= o.1) {
                    return Err(ArmError::new(
                        StatusCode::BAD_REQUEST,
                        "NetcfgSubnetRangesOverlap",
                        format!(
                            "Subnet '{}' is not valid because its IP address range {text} overlaps with that of an existing subnet '{}' ({ot}) in the virtual network.",
                            last(sid),
                            last(other_id)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn last(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// The stored subnet document from a request body.
fn subnet_doc(
    ctx: &Ctx<'_>,
    id: &str,
    name: &str,
    body: &Value,
    existing: Option<&Value>,
) -> ArmResult<Value> {
    let props = body.get("properties").cloned().unwrap_or_else(|| json!({}));
    if let Some(nsg) = props
        .pointer("/networkSecurityGroup/id")
        .and_then(Value::as_str)
        && ctx.store.get(nsg).is_none()
    {
        return Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceReference",
            format!(
                "Resource {nsg} referenced by resource {id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."
            ),
        ));
    }
    let mut p = json!({
        "provisioningState": "Succeeded",
        "privateEndpointNetworkPolicies": "Disabled",
        "privateLinkServiceNetworkPolicies": "Enabled",
        "delegations": [],
    });
    for (k, v) in props.as_object().into_iter().flatten() {
        if k != "provisioningState" {
            p[k] = v.clone();
        }
    }
    // Azure returns one prefix in the singular field.
    if let Some(a) = p.get("addressPrefixes").and_then(Value::as_array)
        && a.len() == 1
        && p.get("addressPrefix").is_none()
    {
        let one = a[0].clone();
        p["addressPrefix"] = one;
        if let Some(o) = p.as_object_mut() {
            o.remove("addressPrefixes");
        }
    }
    if let Some(old) = existing
        && let Some(ip) = old.pointer("/properties/ipConfigurations")
    {
        p["ipConfigurations"] = ip.clone();
    }
    Ok(json!({
        "name": name,
        "id": id,
        "etag": etag(),
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "properties": p,
    }))
}

/// Whether a subnet is used by an AKS node pool (which blocks its deletion).
fn subnet_in_use(store: &Store, subnet_id: &str) -> Option<String> {
    let k = key(subnet_id);
    store.resources.values().find_map(|d| {
        let uses = |v: &Value| {
            ["vnetSubnetID", "podSubnetID"].iter().any(|f| {
                v.get(*f)
                    .and_then(Value::as_str)
                    .is_some_and(|s| key(s) == k)
            })
        };
        let props = d.body.get("properties")?;
        (d.kind == "microsoft.containerservice/managedclusters/agentpools" && uses(props))
            .then(|| d.id().to_string())
    })
}

fn in_use(subnet_id: &str, by: &str) -> ArmError {
    ArmError::new(
        StatusCode::BAD_REQUEST,
        "InUseSubnetCannotBeDeleted",
        format!(
            "Subnet {} is in use by {by} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.",
            last(subnet_id)
        ),
    )
}

fn busy(ctx: &Ctx<'_>, id: &str) -> ArmResult<()> {
    if let Some(op) = ctx.store.running_operation(id, true) {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "AnotherOperationInProgress",
            format!(
                "Another operation on this or dependent resource is in progress ({} on {}). To retrieve status of the operation use uri: {}{}",
                op.running_state,
                last(&op.resource_id),
                ctx.base,
                op.status_path()
            ),
        ));
    }
    Ok(())
}

fn put_vnet(ctx: &mut Ctx<'_>, p: &ResPath, rg: &str, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let name = p.name().unwrap_or_default().to_string();
    require_rg(ctx.store, &p.sub, rg)?;
    let body = req.json()?;
    let existing = ctx.store.get(&id).map(|d| render(ctx.store, d));
    preconditions(
        req,
        existing
            .as_ref()
            .map(|e| e.get("etag").and_then(Value::as_str)),
    )?;
    read_only(body, existing.as_ref(), READ_ONLY)?;
    let loc = location(body, "virtualNetworks")?;
    if let Some(e) = existing.as_ref().and_then(|e| location_change(e, &loc)) {
        return Err(e);
    }
    busy(ctx, &id)?;
    let space = vnet_space(body, &id)?;
    // Inline subnets replace the network's subnets.
    let inline: Vec<Value> = body
        .pointer("/properties/subnets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut layout = Vec::new();
    let mut docs = Vec::new();
    for s in &inline {
        let sname = s.get("name").and_then(Value::as_str).ok_or_else(|| {
            ArmError::invalid(
                "properties.subnets.name",
                "Every inline subnet needs a name.",
            )
        })?;
        let sid = format!("{id}/subnets/{sname}");
        layout.push((sid.clone(), subnet_prefixes(s, &sid)?));
        let old = ctx.store.get(&sid).map(|d| d.body.clone());
        docs.push((sid.clone(), subnet_doc(ctx, &sid, sname, s, old.as_ref())?));
    }
    check_layout(&id, &space, &layout)?;
    let kept: Vec<String> = layout.iter().map(|(s, _)| key(s)).collect();
    let removed: Vec<String> = ctx
        .store
        .children(&id, SUBNET)
        .into_iter()
        .map(|d| d.id().to_string())
        .filter(|s| !kept.contains(&key(s)))
        .collect();
    for s in &removed {
        if let Some(by) = subnet_in_use(ctx.store, s) {
            return Err(in_use(s, &by));
        }
    }
    let mut props = json!({
        "provisioningState": "Succeeded",
        "resourceGuid": existing
            .as_ref()
            .and_then(|e| e.pointer("/properties/resourceGuid").cloned())
            .unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string())),
        "addressSpace": { "addressPrefixes": space.iter().map(|(s, _)| json!(s)).collect::<Vec<_>>() },
        "virtualNetworkPeerings": [],
        "enableDdosProtection": false,
    });
    if let Some(d) = body.pointer("/properties/dhcpOptions") {
        props["dhcpOptions"] = d.clone();
    }
    let mut doc = json!({
        "name": name,
        "id": id,
        "etag": etag(),
        "type": "Microsoft.Network/virtualNetworks",
        "location": loc,
        "properties": props,
    });
    if let Some(t) = tags(body)? {
        doc["tags"] = t;
    }
    for s in removed {
        ctx.store.remove(&s);
    }
    ctx.store.put(&id, VNET, doc);
    let mut effects = vec![Effect::Finish {
        id: id.clone(),
        patch: json!({}),
    }];
    for (sid, sdoc) in docs {
        ctx.store.put(&sid, SUBNET, sdoc);
        effects.push(Effect::Finish {
            id: sid,
            patch: json!({}),
        });
    }
    start_op(ctx, &id, &loc, existing.is_none(), effects)
}

fn start_op(
    ctx: &mut Ctx<'_>,
    id: &str,
    loc: &str,
    created: bool,
    effects: Vec<Effect>,
) -> ArmResult<Reply> {
    let duration = ctx.duration(ctx.cfg.durations.network_ms);
    let fail = ctx.should_fail(id);
    let op = lro::start(
        ctx.store,
        id,
        "Microsoft.Network",
        loc,
        ctx.api_version,
        "PUT",
        "Updating",
        ctx.now,
        duration,
        fail,
        effects,
    );
    let doc = ctx
        .store
        .get(id)
        .map(|d| render(ctx.store, d))
        .unwrap_or_default();
    let headers = op
        .headers(ctx.base, ctx.now)
        .into_iter()
        .filter(|(k, _)| *k != "Location")
        .collect();
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Reply::json(status, doc).with_headers(headers))
}

fn put_subnet(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let name = p.name().unwrap_or_default().to_string();
    let parent = p.parent().ok_or_else(|| not_found(p))?;
    require_rg(ctx.store, &p.sub, p.rg.as_deref().unwrap_or(""))?;
    let vnet = ctx
        .store
        .get(&parent.id())
        .ok_or_else(|| not_found(&parent))?
        .body
        .clone();
    let body = req.json()?;
    let existing = ctx.store.get(&id).map(|d| d.body.clone());
    preconditions(
        req,
        existing
            .as_ref()
            .map(|e| e.get("etag").and_then(Value::as_str)),
    )?;
    read_only(body, existing.as_ref(), READ_ONLY)?;
    busy(ctx, &parent.id())?;
    let space = vnet_space(&vnet, &parent.id())?;
    let mut layout: Vec<(String, Prefixes)> = ctx
        .store
        .children(&parent.id(), SUBNET)
        .into_iter()
        .filter(|d| key(d.id()) != key(&id))
        .filter_map(|d| Some((d.id().to_string(), subnet_prefixes(&d.body, d.id()).ok()?)))
        .collect();
    layout.push((id.clone(), subnet_prefixes(body, &id)?));
    check_layout(&parent.id(), &space, &layout)?;
    let doc = subnet_doc(ctx, &id, &name, body, existing.as_ref())?;
    ctx.store.put(&id, SUBNET, doc);
    let loc = vnet["location"]
        .as_str()
        .unwrap_or("westeurope")
        .to_string();
    let duration = ctx.duration(ctx.cfg.durations.network_ms);
    let fail = ctx.should_fail(&id);
    let op = lro::start(
        ctx.store,
        &id,
        "Microsoft.Network",
        &loc,
        ctx.api_version,
        "PUT",
        "Updating",
        ctx.now,
        duration,
        fail,
        vec![Effect::Finish {
            id: id.clone(),
            patch: json!({}),
        }],
    );
    let doc = ctx
        .store
        .get(&id)
        .map(|d| d.body.clone())
        .unwrap_or_default();
    let headers = op
        .headers(ctx.base, ctx.now)
        .into_iter()
        .filter(|(k, _)| *k != "Location")
        .collect();
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(Reply::json(status, doc).with_headers(headers))
}

/// The six rules every network security group has.
fn default_rules(nsg_id: &str) -> Value {
    let rule =
        |name: &str, prio: u32, dir: &str, access: &str, src: &str, dst: &str, desc: &str| {
            json!({
                "name": name,
                "id": format!("{nsg_id}/defaultSecurityRules/{name}"),
                "etag": etag(),
                "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
                "properties": {
                    "provisioningState": "Succeeded",
                    "description": desc,
                    "protocol": "*",
                    "sourcePortRange": "*",
                    "destinationPortRange": "*",
                    "sourceAddressPrefix": src,
                    "destinationAddressPrefix": dst,
                    "access": access,
                    "priority": prio,
                    "direction": dir,
                    "sourcePortRanges": [], "destinationPortRanges": [],
                    "sourceAddressPrefixes": [], "destinationAddressPrefixes": [],
                }
            })
        };
    json!([
        rule(
            "AllowVnetInBound",
            65000,
            "Inbound",
            "Allow",
            "VirtualNetwork",
            "VirtualNetwork",
            "Allow inbound traffic from all VMs in VNET"
        ),
        rule(
            "AllowAzureLoadBalancerInBound",
            65001,
            "Inbound",
            "Allow",
            "AzureLoadBalancer",
            "*",
            "Allow inbound traffic from azure load balancer"
        ),
        rule(
            "DenyAllInBound",
            65500,
            "Inbound",
            "Deny",
            "*",
            "*",
            "Deny all inbound traffic"
        ),
        rule(
            "AllowVnetOutBound",
            65000,
            "Outbound",
            "Allow",
            "VirtualNetwork",
            "VirtualNetwork",
            "Allow outbound traffic from all VMs to all VMs in VNET"
        ),
        rule(
            "AllowInternetOutBound",
            65001,
            "Outbound",
            "Allow",
            "*",
            "Internet",
            "Allow outbound traffic from all VMs to Internet"
        ),
        rule(
            "DenyAllOutBound",
            65500,
            "Outbound",
            "Deny",
            "*",
            "*",
            "Deny all outbound traffic"
        ),
    ])
}

fn check_rules(nsg_id: &str, rules: &[Value]) -> ArmResult<Vec<Value>> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, String, u64)> = Vec::new();
    for r in rules {
        let name = r.get("name").and_then(Value::as_str).unwrap_or("");
        let p = r.get("properties").cloned().unwrap_or_else(|| json!({}));
        let target = |f: &str| format!("properties.securityRules[{name}].{f}");
        let bad = |f: &str, msg: String| {
            Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "SecurityRuleParameterContainsUnsupportedValue",
                msg,
            )
            .target(target(f)))
        };
        if name.is_empty() {
            return bad("name", "Every security rule needs a name.".into());
        }
        let prio = p.get("priority").and_then(Value::as_u64).unwrap_or(0);
        if !(100..=4096).contains(&prio) {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "SecurityRuleInvalidPriority",
                format!("Security rule {name} has invalid priority {prio}. Value provided: {prio} Allowed range 100-4096."),
            )
            .target(target("priority")));
        }
        let dir = p.get("direction").and_then(Value::as_str).unwrap_or("");
        if !["Inbound", "Outbound"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(dir))
        {
            return bad(
                "direction",
                format!("Security rule {name} has an invalid direction '{dir}'."),
            );
        }
        let access = p.get("access").and_then(Value::as_str).unwrap_or("");
        if !["Allow", "Deny"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(access))
        {
            return bad(
                "access",
                format!("Security rule {name} has an invalid access '{access}'."),
            );
        }
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
        if !["*", "Tcp", "Udp", "Icmp", "Esp", "Ah"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(proto))
        {
            return bad(
                "protocol",
                format!("Security rule {name} has an invalid protocol '{proto}'."),
            );
        }
        if let Some((other, _, _)) = seen
            .iter()
            .find(|(_, d, pr)| d.eq_ignore_ascii_case(dir) && *pr == prio)
        {
            return Err(ArmError::new(
                StatusCode::BAD_REQUEST,
                "SecurityRuleConflict",
                format!(
                    "Security rule {name} conflicts with rule {other}. Rules cannot have the same Priority and Direction."
                ),
            ));
        }
        seen.push((name.to_string(), dir.to_string(), prio));
        let mut props = json!({ "provisioningState": "Succeeded" });
        for (k, v) in p.as_object().into_iter().flatten() {
            if k != "provisioningState" {
                props[k] = v.clone();
            }
        }
        out.push(json!({
            "name": name,
            "id": format!("{nsg_id}/securityRules/{name}"),
            "etag": etag(),
            "type": "Microsoft.Network/networkSecurityGroups/securityRules",
            "properties": props,
        }));
    }
    Ok(out)
}

fn put_nsg(ctx: &mut Ctx<'_>, p: &ResPath, rg: &str, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    require_rg(ctx.store, &p.sub, rg)?;
    let body = req.json()?;
    let existing = ctx.store.get(&id).map(|d| d.body.clone());
    preconditions(
        req,
        existing
            .as_ref()
            .map(|e| e.get("etag").and_then(Value::as_str)),
    )?;
    read_only(body, existing.as_ref(), READ_ONLY)?;
    let loc = location(body, "networkSecurityGroups")?;
    if let Some(e) = existing.as_ref().and_then(|e| location_change(e, &loc)) {
        return Err(e);
    }
    busy(ctx, &id)?;
    let rules = body
        .pointer("/properties/securityRules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let rules = check_rules(&id, &rules)?;
    let mut doc = json!({
        "name": p.name().unwrap_or_default(),
        "id": id,
        "etag": etag(),
        "type": "Microsoft.Network/networkSecurityGroups",
        "location": loc,
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": existing
                .as_ref()
                .and_then(|e| e.pointer("/properties/resourceGuid").cloned())
                .unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string())),
            "securityRules": rules,
            "defaultSecurityRules": default_rules(&id),
        },
    });
    if let Some(t) = tags(body)? {
        doc["tags"] = t;
    }
    ctx.store.put(&id, NSG, doc);
    start_op(
        ctx,
        &id,
        &loc,
        existing.is_none(),
        vec![Effect::Finish {
            id: id.clone(),
            patch: json!({}),
        }],
    )
}

fn delete(ctx: &mut Ctx<'_>, p: &ResPath, req: &Request<'_>) -> ArmResult<Reply> {
    let id = p.id();
    let Some(doc) = ctx.store.get(&id) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    let existing = render(ctx.store, doc);
    preconditions(req, Some(existing.get("etag").and_then(Value::as_str)))?;
    let kind = doc.kind.clone();
    let subnets: Vec<String> = match kind.as_str() {
        SUBNET => vec![id.clone()],
        VNET => ctx
            .store
            .children(&id, SUBNET)
            .iter()
            .map(|d| d.id().to_string())
            .collect(),
        _ => Vec::new(),
    };
    for s in &subnets {
        if let Some(by) = subnet_in_use(ctx.store, s) {
            return Err(in_use(s, &by));
        }
    }
    if kind == NSG
        && let Some(users) = existing
            .pointer("/properties/subnets")
            .and_then(Value::as_array)
        && let Some(first) = users.first()
    {
        return Err(ArmError::new(
            StatusCode::BAD_REQUEST,
            "InUseNetworkSecurityGroupCannotBeDeleted",
            format!(
                "Network security group {id} cannot be deleted because it is in use by the following resources: {}. In order to delete the Network security group, remove the association with the resource(s).",
                first["id"].as_str().unwrap_or("")
            ),
        ));
    }
    let owner = if kind == SUBNET {
        p.parent().map(|x| x.id()).unwrap_or_default()
    } else {
        id.clone()
    };
    busy(ctx, &owner)?;
    let loc = match kind.as_str() {
        SUBNET => ctx
            .store
            .get(&owner)
            .and_then(|d| d.body["location"].as_str().map(str::to_string)),
        _ => existing["location"].as_str().map(str::to_string),
    }
    .unwrap_or_else(|| "westeurope".into());
    let duration = ctx.duration(ctx.cfg.durations.network_ms);
    let fail = ctx.should_fail(&id);
    let op = lro::start(
        ctx.store,
        &id,
        "Microsoft.Network",
        &loc,
        ctx.api_version,
        "DELETE",
        "Deleting",
        ctx.now,
        duration,
        fail,
        vec![Effect::Remove { id: id.clone() }],
    );
    Ok(Reply::empty(StatusCode::ACCEPTED).with_headers(op.headers(ctx.base, ctx.now)))
}
