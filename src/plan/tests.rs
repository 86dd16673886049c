//! Planner tests over the example configuration (`examples/hardened-cluster`) against snapshots
//! built by hand: everything new, everything as configured, and each kind of difference.

use serde_json::{Value as Json, json};

use super::*;
use crate::config::arm::desired;
use crate::config::arm::tests::{example, example_with};
use crate::config::pipeline::Loaded;
use crate::model::ResourceId;
use crate::plan::resolver::LiveValues;

/// A snapshot in which every resource of the example exists exactly as configured (with the
/// fields Azure adds), and an index that owns them all.
fn existing(loaded: &Loaded) -> (Snapshot, Vec<Owned>) {
    let mut snapshot = Snapshot::default();
    let mut owned = Vec::new();
    for r in &loaded.evaluated.resources {
        let Ok(d) = desired(r) else { continue };
        for part in std::iter::once(&d).chain(d.children.iter()) {
            let mut body = match snapshot.get(&part.id) {
                // The association writes onto the subnet that is already there.
                Some(l) => l.body.clone(),
                None => {
                    json!({"id": part.id.as_str(), "name": part.id.name(), "properties": {"provisioningState": "Succeeded"}})
                }
            };
            merge_into(&mut body, &part.body);
            snapshot.insert(
                &part.id,
                Some(LiveResource {
                    body,
                    etag: Some("\"e1\"".into()),
                }),
            );
        }
        if r.schema.type_name == "azurerm_kubernetes_cluster" {
            // What Azure computes for a cluster.
            let mut live = snapshot.get(&d.id).unwrap().clone();
            live.body["properties"]["oidcIssuerProfile"]["issuerURL"] =
                json!("https://oidc.example/");
            live.body["properties"]["fqdn"] = json!("aks.hcp.westeurope.azmk8s.io");
            live.body["identity"]["principalId"] = json!("11111111-1111-4111-8111-111111111111");
            live.body["properties"]["identityProfile"] = json!({"kubeletidentity": {
                "objectId": "22222222-2222-4222-8222-222222222222",
                "clientId": "33333333-3333-4333-8333-333333333333",
                "resourceId": "/subscriptions/s/resourceGroups/mc/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet"}});
            snapshot.insert(&d.id, Some(live));
        }
        for gone in &d.absent {
            snapshot.insert(gone, None);
        }
        owned.push(Owned {
            address: r.addr.to_string(),
            id: d.id.to_string(),
            type_name: r.schema.type_name.to_string(),
            pending: false,
        });
    }
    (snapshot, owned)
}

fn merge_into(into: &mut Json, from: &Json) {
    match (into, from) {
        (Json::Object(a), Json::Object(b)) => {
            for (k, v) in b {
                merge_into(a.entry(k.clone()).or_insert(Json::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn set(snapshot: &mut Snapshot, id: &str, pointer: &str, value: Json) {
    let id: ResourceId = id.parse().unwrap();
    let mut live = snapshot.get(&id).unwrap().clone();
    let shown = live.body.to_string();
    *live
        .body
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} in {shown}")) = value;
    snapshot.insert(&id, Some(live));
}

/// The plan of `loaded` against `snapshot` and `owned`, with default options.
fn planned(loaded: &Loaded, snapshot: &Snapshot, owned: &[Owned]) -> Plan {
    plan(&loaded.evaluated, snapshot, owned, &PlanOptions::default()).plan
}

fn find<'a>(p: &'a Plan, address: &str) -> &'a ResourceChange {
    p.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            panic!(
                "{address} not in {:?}",
                p.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
            )
        })
}

const CLUSTER: &str = "module.aks.azurerm_kubernetes_cluster.this";

fn cluster_id(p: &Plan) -> String {
    find(p, CLUSTER).id.clone().unwrap()
}

#[test]
fn a_new_stack_creates_everything_with_known_ids() {
    let loaded = example();
    let planned = plan(
        &loaded.evaluated,
        &Snapshot::default(),
        &[],
        &PlanOptions::default(),
    );
    assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
    let p = planned.plan;
    let managed: Vec<_> = p
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
        .collect();
    assert!(managed.len() >= 9, "{}", managed.len());
    for r in &managed {
        assert_eq!(r.action, Action::Create, "{}", r.address);
        let id =
            r.id.as_deref()
                .unwrap_or_else(|| panic!("{} has no id", r.address));
        assert!(id.starts_with("/subscriptions/"), "{id}");
        assert!(!r.attributes.is_empty(), "{}", r.address);
    }
    let s = p.summary();
    assert_eq!((s.add, s.change, s.destroy), (managed.len(), 0, 0));
    // Dependencies first: the resource group before the network before the cluster.
    let pos = |a: &str| p.resources.iter().position(|r| r.address == a).unwrap();
    assert!(
        pos("azurerm_resource_group.main") < pos("module.network.azurerm_virtual_network.this")
    );
    assert!(pos("module.network.azurerm_subnet.nodes") < pos(CLUSTER));
    assert!(
        find(&p, CLUSTER)
            .depends_on
            .iter()
            .any(|d| d == "module.network.azurerm_subnet.nodes")
    );
    assert!(find(&p, CLUSTER).after_unknown["fqdn"] == true);
}

/// The example evaluated again with what the snapshot knows (computed values filled in).
fn refreshed(snapshot: &Snapshot) -> Loaded {
    let data = std::collections::BTreeMap::new();
    let fresh = std::collections::BTreeSet::new();
    example_with(&LiveValues {
        snapshot,
        data: &data,
        fresh: &fresh,
    })
}

#[test]
fn what_exists_as_configured_plans_nothing() {
    let (snapshot, owned) = existing(&example());
    let loaded = refreshed(&snapshot);
    let planned = plan(
        &loaded.evaluated,
        &snapshot,
        &owned,
        &PlanOptions::default(),
    );
    assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
    let changing: Vec<_> = planned
        .plan
        .resources
        .iter()
        .filter(|r| r.action != Action::NoOp)
        .map(|r| (&r.address, &r.attributes))
        .collect();
    assert!(changing.is_empty(), "{changing:#?}");
    let outputs: Vec<_> = planned
        .plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    assert!(outputs.is_empty(), "{outputs:#?}");
    assert!(!planned.plan.has_changes());
}

#[test]
fn an_existing_resource_is_never_taken_over_silently() {
    let loaded = example();
    let (snapshot, owned) = existing(&loaded);
    let owned: Vec<Owned> = owned
        .into_iter()
        .filter(|o| o.address != "azurerm_resource_group.main")
        .collect();
    let planned = plan(
        &loaded.evaluated,
        &snapshot,
        &owned,
        &PlanOptions::default(),
    );
    let errors: Vec<String> = planned
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.summary.clone())
        .collect();
    assert_eq!(
        errors,
        ["azurerm_resource_group.main already exists in Azure, and this stack does not manage it"]
    );
    let adopted = plan(
        &loaded.evaluated,
        &snapshot,
        &owned,
        &PlanOptions {
            adopt: vec!["azurerm_resource_group.main".into()],
            ..PlanOptions::default()
        },
    );
    assert!(!adopted.diags.has_errors());
    let rg = find(&adopted.plan, "azurerm_resource_group.main");
    assert!(rg.importing && rg.action == Action::NoOp);
    assert!(adopted.plan.has_changes(), "an import is a change to apply");
    assert_eq!(adopted.plan.summary().import, 1);
}

#[test]
fn updates_show_azurerm_attributes_with_old_and_new_values() {
    let loaded = example();
    let (mut snapshot, owned) = existing(&loaded);
    let rg = find(
        &planned(&loaded, &snapshot, &owned),
        "azurerm_resource_group.main",
    )
    .id
    .clone()
    .unwrap();
    set(&mut snapshot, &rg, "/tags", json!({"environment": "dev"}));
    let p = planned(&loaded, &snapshot, &owned);
    let change = find(&p, "azurerm_resource_group.main");
    assert_eq!(change.action, Action::Update);
    assert_eq!(change.attributes.len(), 1);
    let tags = &change.attributes[0];
    assert_eq!(tags.path, "tags");
    assert_eq!(tags.before, Some(json!({"environment": "dev"})));
    assert_eq!(tags.after.as_ref().unwrap()["managed_by"], "aksform");
    assert_eq!(
        change.body_after.as_ref().unwrap()["tags"]["managed_by"],
        "aksform"
    );
    assert_eq!(change.etag.as_deref(), Some("\"e1\""));
    assert_eq!(p.summary().change, 1);
}

/// The example existing as configured, except one field of the live cluster.
fn existing_cluster_with(pointer: &str, value: Json) -> (Loaded, Snapshot, Vec<Owned>) {
    let loaded = example();
    let (mut snapshot, owned) = existing(&loaded);
    let id = cluster_id(&planned(&loaded, &snapshot, &owned));
    set(&mut snapshot, &id, pointer, value);
    (loaded, snapshot, owned)
}

#[test]
fn a_newer_patch_from_the_upgrade_channel_is_a_note() {
    let loaded = example();
    let (mut snapshot, owned) = existing(&loaded);
    let id = cluster_id(&planned(&loaded, &snapshot, &owned));
    set(
        &mut snapshot,
        &id,
        "/properties/kubernetesVersion",
        json!("1.33.7"),
    );
    let p = plan(
        &refreshed(&snapshot).evaluated,
        &snapshot,
        &owned,
        &PlanOptions::default(),
    )
    .plan;
    assert!(!p.has_changes(), "1.33 matches 1.33.7 as an alias");
    set(
        &mut snapshot,
        &id,
        "/properties/kubernetesVersion",
        json!("1.34.1"),
    );
    let p = planned(&loaded, &snapshot, &owned);
    let c = find(&p, CLUSTER);
    assert_eq!(
        c.action,
        Action::Update,
        "the patch channel never changes the minor"
    );
    assert_eq!(c.attributes[0].path, "kubernetes_version");
    assert_eq!(c.attributes[0].before, Some(json!("1.34.1")));
}

#[test]
fn replacing_a_cluster_needs_permission() {
    let (loaded, snapshot, owned) = existing_cluster_with("/location", json!("northeurope"));
    let planned = plan(
        &loaded.evaluated,
        &snapshot,
        &owned,
        &PlanOptions::default(),
    );
    let c = find(&planned.plan, CLUSTER);
    assert_eq!(
        c.action,
        Action::Replace {
            create_before_destroy: false
        }
    );
    assert!(c.reasons[0].starts_with("location"), "{:?}", c.reasons);
    assert!(c.attributes[0].forces_replacement);
    let error = planned
        .diags
        .iter()
        .find(|d| d.is_error())
        .expect("refused");
    assert!(
        error.summary.contains("would replace the cluster"),
        "{}",
        error.summary
    );
    let allowed = plan(
        &loaded.evaluated,
        &snapshot,
        &owned,
        &PlanOptions {
            allow_replace: vec![CLUSTER.into()],
            ..PlanOptions::default()
        },
    );
    assert!(!allowed.diags.has_errors());
    // What lives inside the cluster goes with it, and comes back after it.
    let inside: Vec<(&str, &Vec<String>)> = allowed
        .plan
        .resources
        .iter()
        .filter(|r| r.address != CLUSTER && matches!(r.action, Action::Replace { .. }))
        .map(|r| (r.address.as_str(), &r.reasons))
        .collect();
    let mut names: Vec<&str> = inside.iter().map(|(a, _)| *a).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "azurerm_role_assignment.cluster_admins[\"6a5e1f2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"]",
            "module.aks.azurerm_kubernetes_cluster_node_pool.user[\"apps\"]",
        ]
    );
    assert!(inside.iter().all(|(_, why)| {
        why.iter()
            .any(|w| w == &format!("{CLUSTER} is replaced, and Azure deletes it with it"))
    }));
    assert_eq!(allowed.plan.summary().destroy, 3);
}

#[test]
fn resources_removed_from_the_configuration_are_deleted_dependents_first() {
    let loaded = example();
    let (mut snapshot, mut owned) = existing(&loaded);
    let sub = "00000000-0000-0000-0000-000000000001";
    for (address, id, type_name) in [
        (
            "azurerm_resource_group.old",
            format!("/subscriptions/{sub}/resourceGroups/rg-old"),
            "azurerm_resource_group",
        ),
        (
            "azurerm_virtual_network.old",
            format!(
                "/subscriptions/{sub}/resourceGroups/rg-old/providers/Microsoft.Network/virtualNetworks/v"
            ),
            "azurerm_virtual_network",
        ),
        (
            "azurerm_resource_group.gone",
            format!("/subscriptions/{sub}/resourceGroups/rg-gone"),
            "azurerm_resource_group",
        ),
    ] {
        let rid: ResourceId = id.parse().unwrap();
        if address != "azurerm_resource_group.gone" {
            snapshot.insert(
                &rid,
                Some(LiveResource {
                    body: json!({"id": id, "location": "westeurope"}),
                    etag: None,
                }),
            );
        } else {
            snapshot.insert(&rid, None);
        }
        owned.push(Owned {
            address: address.into(),
            id,
            type_name: type_name.into(),
            pending: false,
        });
    }
    let p = planned(&loaded, &snapshot, &owned);
    let deletes: Vec<&str> = p
        .resources
        .iter()
        .filter(|r| r.action == Action::Delete)
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(
        deletes,
        ["azurerm_virtual_network.old", "azurerm_resource_group.old"]
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("azurerm_resource_group.gone is gone from Azure"))
    );
    assert_eq!(p.summary().destroy, 2);
}

#[test]
fn the_config_hash_follows_the_configuration() {
    let a = example();
    assert_eq!(config_hash(&a.evaluated), config_hash(&example().evaluated));
    assert_eq!(config_hash(&a.evaluated).len(), 64);
}

#[test]
fn destroy_deletes_everything_owned_and_honours_prevent_destroy() {
    let (snapshot, owned) = existing(&example());
    let mut loaded = refreshed(&snapshot);
    let destroy = PlanOptions {
        destroy: true,
        ..PlanOptions::default()
    };
    let planned = plan(&loaded.evaluated, &snapshot, &owned, &destroy);
    assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
    let managed: Vec<_> = planned
        .plan
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
        .collect();
    assert_eq!(managed.len(), owned.len());
    assert!(managed.iter().all(|r| r.action == Action::Delete));
    assert_eq!(
        managed.last().map(|r| r.type_name.as_str()),
        Some("azurerm_resource_group"),
        "the group goes last"
    );
    assert!(
        planned
            .plan
            .outputs
            .iter()
            .all(|o| o.action == Action::Delete)
    );

    let rg = loaded
        .evaluated
        .resources
        .iter_mut()
        .find(|r| r.schema.type_name == "azurerm_resource_group")
        .unwrap();
    rg.lifecycle.prevent_destroy = true;
    let planned = plan(&loaded.evaluated, &snapshot, &owned, &destroy);
    let error = planned
        .diags
        .iter()
        .find(|d| d.is_error())
        .expect("refused");
    assert!(
        error
            .summary
            .contains("has lifecycle.prevent_destroy set, but destroy deletes it"),
        "{}",
        error.summary
    );
}

#[test]
fn a_resource_whose_last_operation_failed_is_sent_again() {
    let (_, snapshot, owned) =
        existing_cluster_with("/properties/provisioningState", json!("Failed"));
    let p = planned(&refreshed(&snapshot), &snapshot, &owned);
    let c = find(&p, CLUSTER);
    assert_eq!(c.action, Action::Update);
    assert!(c.attributes.is_empty(), "{:?}", c.attributes);
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("provisioningState Failed")),
        "{:?}",
        c.notes
    );
}
