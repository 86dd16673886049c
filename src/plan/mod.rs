//! The planner: evaluated configuration + live snapshot + state index in, [`Plan`] out. Pure: no
//! IO; the refresh that reads Azure lives in `apply::refresh`.

pub mod types;

pub use types::{Action, AttributeChange, Mode, OutputChange, Plan, ResourceChange, Summary, Target};
