//! The planner: evaluated configuration + live snapshot + state index in, [`Plan`] out. Pure: no
//! IO; the refresh that reads Azure lives in `apply::refresh`.

pub mod input;
pub mod merge;
pub mod order;
pub mod planner;
pub mod resolver;
mod resource;
pub mod rules;
pub mod saved;
pub mod types;
pub mod upgrade;
pub mod views;

pub use input::{LiveResource, Owned, PlanOptions, Snapshot};
pub use planner::{Planned, config_hash, plan, reads};
pub use types::{
    Action, AttributeChange, ChildWrite, Mode, OutputChange, Plan, ResourceChange, Summary, Target,
};

#[cfg(test)]
mod tests;
