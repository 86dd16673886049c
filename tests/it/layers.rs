//! The dependency tiers of DESIGN.md, checked on the source: the emulator imports nothing from
//! the rest of the crate; nothing in `arm`, `model` or `config` imports the emulator; the pure
//! tiers (`config`, `model`) do no network IO and know nothing of the client or the CLI.

use std::path::{Path, PathBuf};

use crate::common::repo;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The code of a file with line comments removed (doc comments may name other modules).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(file, offending text)` for every file under `src/DIR` containing one of `needles`.
fn offences(dir: &str, needles: &[&str]) -> Vec<(String, String)> {
    let root = repo().join("src").join(dir);
    let files = rust_files(&root);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let mut found = Vec::new();
    for file in files {
        let text = code(&file);
        for n in needles {
            if text.contains(n) {
                found.push((file.display().to_string(), (*n).to_string()));
            }
        }
    }
    found
}

#[test]
fn the_client_and_the_pure_tiers_do_not_know_the_emulator() {
    for dir in ["arm", "model", "config"] {
        let found = offences(dir, &["crate::emulator", "emulator::"]);
        assert!(found.is_empty(), "{dir} depends on the emulator: {found:?}");
    }
}

#[test]
fn the_emulator_imports_nothing_from_the_rest() {
    let root = repo().join("src/emulator");
    for file in rust_files(&root) {
        let text = code(&file);
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            assert!(
                rest.starts_with("emulator"),
                "{}: crate::{}",
                file.display(),
                &rest[..rest.len().min(30)]
            );
        }
        for other in ["aksform::", "super::super::super::"] {
            assert!(!text.contains(other), "{}: {other}", file.display());
        }
    }
}

#[test]
fn the_pure_tiers_do_no_network_io_and_know_nothing_of_the_client() {
    for dir in ["model", "config"] {
        let found = offences(
            dir,
            &[
                "crate::arm",
                "crate::cli",
                "tokio",
                "reqwest",
                "azure_core",
                "azure_identity",
                "TcpStream",
                "UdpSocket",
            ],
        );
        assert!(found.is_empty(), "{dir} reaches beyond its tier: {found:?}");
    }
}
