//! Integration tests: the real `aksform` binary against files on disk.

mod common;
mod arm_client;
mod conformance;
mod emulator;
mod fixtures;
mod fmt;
mod validate;
