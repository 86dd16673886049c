//! Microsoft.ContainerService: managed clusters, agent pools, maintenance configurations, upgrade
//! profiles and the Kubernetes version list (being built: answers 501 until then).

use axum::http::StatusCode;
use serde_json::Value;

use crate::emulator::error::{ArmError, ArmResult};
use crate::emulator::http::{Ctx, Reply, Request};
use crate::emulator::route::ResPath;
use crate::emulator::store::{Doc, Store};

fn not_yet() -> ArmError {
    ArmError::new(
        StatusCode::NOT_IMPLEMENTED,
        "NotImplemented",
        "Microsoft.ContainerService is not served yet.",
    )
}

/// Handles Microsoft.ContainerService resources.
///
/// # Errors
///
/// Always, for now.
pub fn handle(_: &mut Ctx<'_>, _: &ResPath, _: &Request<'_>) -> ArmResult<Reply> {
    Err(not_yet())
}

/// A cluster as GET returns it.
pub fn render_cluster(_: &Store, doc: &Doc) -> Value {
    doc.body.clone()
}

/// The Kubernetes version list.
///
/// # Errors
///
/// Always, for now.
pub fn versions_list(_: &mut Ctx<'_>, _: &str, _: &Request<'_>) -> ArmResult<Reply> {
    Err(not_yet())
}
