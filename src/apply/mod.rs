//! Talking to Azure for a command run: the refresh that reads live state for a plan (and, in
//! time, the executor that applies one).

pub mod data;
pub mod planning;
pub mod refresh;
