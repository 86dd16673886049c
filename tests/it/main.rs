//! Integration tests: the real `aksform` binary against files on disk.

mod apply;
mod arm_client;
mod auth;
mod common;
mod conformance;
mod emulator;
mod fixtures;
mod fmt;
mod layers;
mod plan;
mod plan_json;
mod validate;
