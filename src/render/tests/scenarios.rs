//! The plans the renderer tests draw, shaped like the planner's output: one builder a scenario (a
//! cluster create, an in-place update, replacements, a destroy, imports, a set, secrets, data
//! reads, outputs, notes) and [`mixed`], which holds them all.

use serde_json::{Value as Json, json};

use super::fixtures::*;
use crate::plan::{Action, AttributeChange, OutputChange, Plan, ResourceChange};

/// Fills `after`, `after_unknown` and `sensitive` of a create or read from its attributes, as
/// the planner does: unknown values `null` in `after` and `true` in the mask.
fn fill_after(rc: &mut ResourceChange) {
    let value = |a: &AttributeChange| a.after.clone().unwrap_or(Json::Null);
    let values: Vec<(&str, Json)> = rc.attributes.iter().map(|a| (&*a.path, value(a))).collect();
    let mask = |f: fn(&AttributeChange) -> bool| {
        let marked: Vec<(&str, Json)> = rc
            .attributes
            .iter()
            .filter(|a| f(a))
            .map(|a| (&*a.path, json!(true)))
            .collect();
        nest(&marked)
    };
    rc.after_unknown = mask(|a| a.unknown);
    rc.sensitive = mask(|a| a.sensitive);
    rc.after = Some(nest(&values));
}
/// `azurerm_resource_group.main` created.
pub(super) fn resource_group_create() -> ResourceChange {
    let mut rc = managed("azurerm_resource_group", "main", Action::Create);
    rc.id = Some(RG.into());
    rc.attributes = vec![
        set("location", json!("westeurope")),
        set("name", json!("rg-aks")),
        set("tags", json!({"env": "prod", "owner": "platform"})),
    ];
    fill_after(&mut rc);
    rc.body_after =
        Some(json!({"location": "westeurope", "tags": {"owner": "platform", "env": "prod"}}));
    rc
}

/// `azurerm_kubernetes_cluster.main` created: nested blocks two levels deep, values known only
/// after apply, a known secret and an unknown one.
pub(super) fn cluster_create() -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::Create);
    rc.id = Some(cluster_id());
    rc.attributes = vec![
        set("name", json!("aks-prod")),
        set("location", json!("westeurope")),
        set("resource_group_name", json!("rg-aks")),
        set("dns_prefix", json!("aksprod")),
        set("kubernetes_version", json!("1.30.4")),
        set("private_cluster_enabled", json!(true)),
        unknown("fqdn", None),
        unknown("oidc_issuer_url", None),
        secret(unknown("kube_config_raw", None)),
        set("default_node_pool.name", json!("system")),
        set("default_node_pool.vm_size", json!("Standard_D4ds_v5")),
        set("default_node_pool.zones", json!(["1", "2", "3"])),
        set("default_node_pool.max_count", json!(5)),
        set("default_node_pool.upgrade_settings.max_surge", json!("33%")),
        set("identity.type", json!("SystemAssigned")),
        unknown("identity.principal_id", None),
        set("network_profile.network_plugin", json!("azure")),
        set("network_profile.network_policy", json!("cilium")),
        secret(set("windows_profile.admin_password", json!("P@ssw0rd!"))),
        set("tags", json!({"env": "prod", "owner": "platform"})),
    ];
    fill_after(&mut rc);
    rc.body_after = Some(json!({
        "location": "westeurope",
        "properties": {"dnsPrefix": "aksprod", "kubernetesVersion": "1.30.4"},
    }));
    rc
}

/// The cluster's values before [`cluster_update`], with `max_count` and `tags` given.
fn cluster_values(max_count: u32, tags: Json) -> Json {
    nest(&[
        ("name", json!("aks-prod")),
        ("location", json!("westeurope")),
        ("resource_group_name", json!("rg-aks")),
        ("dns_prefix", json!("aksprod")),
        ("kubernetes_version", json!("1.30.4")),
        ("default_node_pool.name", json!("system")),
        ("default_node_pool.vm_size", json!("Standard_D4ds_v5")),
        ("default_node_pool.max_count", json!(max_count)),
        ("default_node_pool.min_count", json!(3)),
        ("default_node_pool.upgrade_settings.max_surge", json!("33%")),
        ("network_profile.network_plugin", json!("azure")),
        ("tags", tags),
    ])
}

/// `azurerm_kubernetes_cluster.main` updated in place: a tag changed, one removed, one added,
/// and a nested attribute; with a note.
pub(super) fn cluster_update() -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::Update);
    rc.id = Some(cluster_id());
    let old_tags = json!({"env": "prod", "owner": "team-a", "cost_center": "1234"});
    let new_tags = json!({"env": "prod", "owner": "team-b", "managed_by": "aksform"});
    rc.attributes = vec![
        changed("tags", old_tags.clone(), new_tags.clone()),
        changed("default_node_pool.max_count", json!(5), json!(7)),
    ];
    rc.notes = vec!["node_count is 4 in Azure (configured 3): with autoscaling on, the autoscaler owns the count".into()];
    rc.before = Some(cluster_values(5, old_tags));
    rc.after = Some(cluster_values(7, new_tags));
    let body = |max: u32, owner: &str| {
        json!({
            "location": "westeurope",
            "tags": {"owner": owner, "env": "prod"},
            "properties": {
                "kubernetesVersion": "1.30.4",
                "dnsPrefix": "aksprod",
                "agentPoolProfiles": [{"name": "system", "minCount": 3, "maxCount": max}],
                "provisioningState": "Succeeded",
            },
        })
    };
    rc.body_before = Some(body(5, "team-a"));
    rc.body_after = Some(body(7, "team-b"));
    rc.etag = Some("\"0a1b\"".into());
    rc
}

/// `azurerm_kubernetes_cluster_node_pool.user` replaced because `vm_size` cannot change in place.
pub(super) fn pool_replace(create_before_destroy: bool) -> ResourceChange {
    let action = Action::Replace {
        create_before_destroy,
    };
    let mut rc = managed("azurerm_kubernetes_cluster_node_pool", "user", action);
    rc.id = Some(arm_id(
        "/providers/Microsoft.ContainerService/managedClusters/aks-prod/agentPools/user",
    ));
    rc.reasons = vec!["vm_size cannot be changed in place".into()];
    rc.attributes = vec![
        forcing(changed(
            "vm_size",
            json!("Standard_D4ds_v5"),
            json!("Standard_D8ds_v5"),
        )),
        changed("max_count", json!(5), json!(10)),
    ];
    let values = |vm: &str, max: u32| {
        json!({"name": "user", "kubernetes_cluster_id": cluster_id(), "vm_size": vm,
               "max_count": max, "mode": "User"})
    };
    rc.before = Some(values("Standard_D4ds_v5", 5));
    rc.after = Some(values("Standard_D8ds_v5", 10));
    rc.body_before = Some(json!({"properties": {"vmSize": "Standard_D4ds_v5", "maxCount": 5}}));
    rc.body_after = Some(json!({"properties": {"vmSize": "Standard_D8ds_v5", "maxCount": 10}}));
    rc
}

/// `azurerm_subnet.legacy` destroyed: no longer in the configuration.
pub(super) fn subnet_delete() -> ResourceChange {
    let mut rc = managed("azurerm_subnet", "legacy", Action::Delete);
    rc.id = Some(arm_id(
        "/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/snet-legacy",
    ));
    rc.reasons = vec!["it is no longer in the configuration".into()];
    rc.before = Some(json!({
        "name": "snet-legacy",
        "resource_group_name": "rg-aks",
        "virtual_network_name": "vnet-aks",
        "address_prefixes": ["10.10.8.0/24"],
    }));
    rc.body_before =
        Some(json!({"name": "snet-legacy", "properties": {"addressPrefix": "10.10.8.0/24"}}));
    rc
}

/// `azurerm_user_assigned_identity.aks` adopted as it is (`update` false) or adopted and
/// updated (`update` true).
pub(super) fn identity_import(update: bool) -> ResourceChange {
    let action = if update { Action::Update } else { Action::NoOp };
    let mut rc = managed("azurerm_user_assigned_identity", "aks", action);
    rc.id = Some(arm_id(
        "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks",
    ));
    rc.importing = true;
    let values = |tags: Json| {
        json!({"name": "id-aks", "location": "westeurope", "resource_group_name": "rg-aks",
               "principal_id": "11111111-2222-3333-4444-555555555555", "tags": tags})
    };
    let (old, new) = (
        json!({"env": "prod"}),
        json!({"env": "prod", "owner": "platform"}),
    );
    rc.before = Some(values(old.clone()));
    if update {
        rc.attributes = vec![changed("tags", old.clone(), new.clone())];
        rc.after = Some(values(new.clone()));
    } else {
        rc.after = Some(values(old.clone()));
    }
    rc.body_before = Some(json!({"location": "westeurope", "tags": old}));
    rc.body_after = Some(json!({"location": "westeurope", "tags": if update { new } else { old }}));
    rc
}

/// The cluster's `authorized_ip_ranges` (a set, in canonical order) with one range swapped.
pub(super) fn set_change() -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::Update);
    rc.id = Some(cluster_id());
    let old = json!(["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24"]);
    let new = json!(["10.0.0.0/8", "198.51.100.0/24", "203.0.113.0/24"]);
    rc.attributes = vec![changed(
        "api_server_access_profile.authorized_ip_ranges",
        old.clone(),
        new.clone(),
    )];
    let values = |ranges: Json| {
        nest(&[
            ("name", json!("aks-prod")),
            ("location", json!("westeurope")),
            ("api_server_access_profile.authorized_ip_ranges", ranges),
        ])
    };
    rc.before = Some(values(old));
    rc.after = Some(values(new));
    rc
}

/// `azurerm_kubernetes_cluster.legacy` with secrets changed, removed and unknown.
pub(super) fn secrets_update() -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "legacy", Action::Update);
    rc.id = Some(arm_id(
        "/providers/Microsoft.ContainerService/managedClusters/aks-legacy",
    ));
    rc.attributes = vec![
        secret(changed(
            "service_principal.client_secret",
            json!("old-s3cret"),
            json!("new-s3cret"),
        )),
        secret(attr(
            "windows_profile.admin_password",
            Some(json!("P@ss-old")),
            None,
        )),
        secret(unknown(
            "kube_admin_config_raw",
            Some(json!("apiVersion: v1")),
        )),
    ];
    rc.sensitive =
        json!({"kube_admin_config_raw": true, "service_principal": [{"client_secret": true}]});
    rc.before = Some(json!({"name": "aks-legacy", "kube_admin_config_raw": "apiVersion: v1"}));
    rc.after = Some(json!({"name": "aks-legacy", "kube_admin_config_raw": null}));
    rc.after_unknown = json!({"kube_admin_config_raw": true});
    rc.body_before = Some(json!({"properties": {
        "servicePrincipalProfile": {"clientId": "app-1", "secret": "old-s3cret"},
        "windowsProfile": {"adminUsername": "azureuser", "adminPassword": "P@ss-old"},
    }}));
    rc.body_after = Some(json!({"properties": {
        "servicePrincipalProfile": {"clientId": "app-1", "secret": "new-s3cret"},
        "windowsProfile": {"adminUsername": "azureuser"},
    }}));
    rc
}

/// `data.azurerm_kubernetes_service_versions.current`, read during apply: its location is not
/// known yet.
pub(super) fn deferred_read() -> ResourceChange {
    let mut rc = data_source("azurerm_kubernetes_service_versions", "current");
    rc.reasons = vec!["its arguments are known only after apply".into()];
    rc.attributes = vec![
        unknown("location", None),
        set("include_preview", json!(false)),
        unknown("latest_version", None),
    ];
    fill_after(&mut rc);
    rc
}

/// `data.azurerm_client_config.current`, read at plan time: not a change.
pub(super) fn plan_time_read() -> ResourceChange {
    let mut rc = data_source("azurerm_client_config", "current");
    rc.after = Some(json!({"tenant_id": "tenant-1", "subscription_id": SUBSCRIPTION}));
    rc
}

/// The cluster, unchanged, with an upgrade-channel note.
pub(super) fn cluster_noop_with_note() -> ResourceChange {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::NoOp);
    rc.id = Some(cluster_id());
    rc.notes = vec![
        "kubernetes_version is 1.30.5 in Azure, newer than the configured 1.30.4: the \
                     patch upgrade channel upgraded it, so it is left as it is"
            .into(),
    ];
    rc.before = Some(cluster_values(5, json!({"env": "prod"})));
    rc.after = rc.before.clone();
    rc
}

/// Outputs created (unknown, sensitive, a map), updated, destroyed and unchanged.
pub(super) fn outputs() -> Vec<OutputChange> {
    vec![
        OutputChange {
            unknown: true,
            ..output("cluster_fqdn", Action::Create, None)
        },
        OutputChange {
            sensitive: true,
            ..output("kube_config", Action::Create, Some(json!("apiVersion: v1")))
        },
        output(
            "subnet_ids",
            Action::Create,
            Some(json!({"user": "snet-user", "system": "snet-system"})),
        ),
        output(
            "node_resource_group",
            Action::Update,
            Some(json!("MC_rg-aks_aks-prod")),
        ),
        output("legacy_endpoint", Action::Delete, None),
        output("cluster_name", Action::NoOp, Some(json!("aks-prod"))),
    ]
}

/// Every kind of change in one plan, with outputs and notes.
pub(super) fn mixed() -> Plan {
    let mut p = plan(vec![
        plan_time_read(),
        deferred_read(),
        resource_group_create(),
        cluster_create(),
        identity_import(false),
        in_module(identity_import(true), "module.monitoring"),
        pool_replace(false),
        subnet_delete(),
        in_module(cluster_noop_with_note(), "module.legacy"),
    ]);
    p.outputs = outputs();
    p.notes = vec![
        "azurerm_subnet.old is gone from Azure already; it is dropped from the state index".into(),
    ];
    p
}
