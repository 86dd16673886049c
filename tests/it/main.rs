//! Integration tests: the real `aksform` binary against files on disk.

mod common;
mod emulator;
mod fixtures;
mod fmt;
mod validate;
