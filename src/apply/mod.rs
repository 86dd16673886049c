//! Talking to Azure for a command run: the refresh that reads live state for a plan, and the
//! executor that applies one, reporting to an [`observer::Observer`].

pub mod data;
pub mod executor;
pub mod fill;
pub mod ledger;
pub mod observer;
pub mod planning;
pub mod refresh;
pub mod write;
