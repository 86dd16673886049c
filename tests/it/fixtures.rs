//! The invalid-configuration fixtures: each directory under tests/fixtures/invalid holds a
//! configuration and an EXPECT file whose lines read `FILE:LINE:COL MESSAGE`. `aksform validate`
//! must fail with, for every line, a diagnostic at that place whose summary or detail contains the
//! message. One test per fixture.

use std::collections::BTreeSet;

use crate::common::{aksform, repo};

fn check(name: &str) {
    let rel = format!("tests/fixtures/invalid/{name}");
    let expect = std::fs::read_to_string(repo().join(&rel).join("EXPECT"))
        .unwrap_or_else(|e| panic!("{rel}/EXPECT: {e}"));
    let out = aksform(&["validate", "-json", &rel]);
    assert_eq!(out.code, 1, "{name}: expected failure\n{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let mut lines = 0;
    for line in expect.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        lines += 1;
        let (place, message) = line.split_once(' ').unwrap_or((line, ""));
        let mut parts = place.rsplitn(3, ':');
        let col: u64 = parts.next().and_then(|c| c.parse().ok()).expect("column");
        let row: u64 = parts.next().and_then(|c| c.parse().ok()).expect("line");
        let file = parts.next().expect("file");
        let found = diags.iter().any(|d| {
            let r = &d["range"];
            r["filename"].as_str().is_some_and(|f| f.ends_with(&format!("/{file}")))
                && r["start"]["line"] == row
                && r["start"]["column"] == col
                && (d["summary"].as_str().unwrap_or("").contains(message)
                    || d["detail"].as_str().unwrap_or("").contains(message))
        });
        assert!(
            found,
            "{name}: no diagnostic at {place} containing {message:?}; got:\n{}",
            serde_json::to_string_pretty(diags).unwrap()
        );
    }
    assert!(lines > 0, "{name}: EXPECT has no expectations");
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*

        #[test]
        fn every_fixture_directory_has_a_test() {
            let listed: BTreeSet<&str> = [$(stringify!($name)),*].into_iter().collect();
            let on_disk: BTreeSet<String> = std::fs::read_dir(repo().join("tests/fixtures/invalid"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
            assert_eq!(listed, on_disk, "list every fixture directory in fixtures!()");
            assert!(listed.len() >= 40, "at least 40 invalid fixtures");
        }
    };
}

fixtures! {
}
