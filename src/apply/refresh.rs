//! Reading live Azure for a plan: one GET per ARM resource, at most `parallelism` at a time,
//! into a [`Snapshot`]. Nothing else is read.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::arm::{ArmClient, ArmError};
use crate::model::ResourceId;
use crate::plan::{LiveResource, Snapshot};

/// Reads every id. All failures are returned, not only the first.
///
/// # Errors
///
/// The reads that failed (after the client's retries), each naming its resource.
pub async fn refresh(
    client: Arc<ArmClient>,
    ids: Vec<ResourceId>,
    parallelism: usize,
) -> Result<Snapshot, Vec<ArmError>> {
    let permits = Arc::new(Semaphore::new(parallelism.max(1)));
    let mut tasks = JoinSet::new();
    for id in ids {
        let client = Arc::clone(&client);
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let live = client.get(&id).await;
            (id, live)
        });
    }
    let mut snapshot = Snapshot::default();
    let mut errors = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((id, Ok(live))) => snapshot.insert(
                &id,
                live.map(|l| LiveResource {
                    body: l.body,
                    etag: l.etag,
                }),
            ),
            Ok((_, Err(e))) => errors.push(e),
            Err(join) => errors.push(ArmError::InvalidRequest(format!(
                "a read task failed: {join}"
            ))),
        }
    }
    if errors.is_empty() {
        Ok(snapshot)
    } else {
        Err(errors)
    }
}
