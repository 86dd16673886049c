//! Data source schemas: the credential's identity, the subscription, an existing resource group, and
//! the Kubernetes versions AKS offers in a region.

use super::{Attr, IdCtx, ResourceSchema, body, checks};
use crate::addr::Mode;
use crate::config::types::TypeConstraint;

fn data(type_name: &'static str, attrs: Vec<Attr>) -> ResourceSchema {
    ResourceSchema {
        type_name,
        mode: Mode::Data,
        body: body(attrs, vec![]),
        removed: &[],
        unsupported: &[],
        arm_id: None,
        derive: None,
    }
}

pub(super) fn client_config() -> ResourceSchema {
    data(
        "azurerm_client_config",
        vec![
            Attr::string("id").computed(),
            Attr::string("client_id").computed(),
            Attr::string("tenant_id").computed(),
            Attr::string("subscription_id").computed(),
            Attr::string("object_id").computed(),
        ],
    )
}

pub(super) fn subscription() -> ResourceSchema {
    let mut s = data(
        "azurerm_subscription",
        vec![
            Attr::string("id").computed(),
            Attr::string("subscription_id")
                .optional_computed()
                .check(checks::guid),
            Attr::string("display_name").computed(),
            Attr::string("tenant_id").computed(),
            Attr::string("state").computed(),
            Attr::string("location_placement_id").computed(),
            Attr::string("quota_id").computed(),
            Attr::string("spending_limit").computed(),
            Attr::string_map("tags").computed(),
        ],
    );
    s.arm_id = Some(|c: &IdCtx<'_>| {
        let sub = c.str("subscription_id").or(c.subscription)?;
        Some(format!("/subscriptions/{sub}"))
    });
    s
}

pub(super) fn resource_group() -> ResourceSchema {
    let mut s = data(
        "azurerm_resource_group",
        vec![
            Attr::string("id").computed(),
            Attr::string("name").required(),
            Attr::string("location").computed(),
            Attr::string("managed_by").computed(),
            Attr::string_map("tags").computed(),
        ],
    );
    s.arm_id = Some(|c: &IdCtx<'_>| {
        Some(format!(
            "/subscriptions/{}/resourceGroups/{}",
            c.subscription?,
            c.str("name")?
        ))
    });
    s
}

pub(super) fn kubernetes_service_versions() -> ResourceSchema {
    data(
        "azurerm_kubernetes_service_versions",
        vec![
            Attr::string("id").computed(),
            Attr::string("location").required().check(checks::location),
            Attr::string("version_prefix"),
            Attr::bool("include_preview").default(true),
            Attr::new(
                "versions",
                TypeConstraint::List(Box::new(TypeConstraint::String)),
            )
            .computed(),
            Attr::string("latest_version").computed(),
            Attr::string("default_version").computed(),
        ],
    )
}
