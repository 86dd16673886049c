//! `aksform fmt`: the repository's own files are formatted, -check/-diff behave like terraform fmt,
//! files are rewritten in place with comments kept, and broken files are reported, not touched.

use crate::cli_snapshot;
use crate::common::{aksform, aksform_in, repo};

const MESSY: &str = r#"# The cluster's resource group.
resource "azurerm_resource_group" "main" {
    name = "rg"   # inline comment
    location="westeurope"
  tags = {
      env = "prod"
    cost_center="platform"
  }
}
resource "azurerm_subnet" "nodes" {
  name = "nodes"
  address_prefixes = [ "10.0.0.0/22" ]
}
"#;

#[test]
fn the_repository_configurations_are_formatted() {
    let out = aksform(&["fmt", "-check", "-recursive", "examples", "modules"]);
    assert_eq!(
        out.code, 0,
        "unformatted files:\n{}{}",
        out.stdout, out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn check_lists_files_and_exits_3_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MESSY).unwrap();
    std::fs::write(dir.path().join("ok.tf"), "locals {\n  a = 1\n}\n").unwrap();
    let out = aksform_in(dir.path(), &["fmt", "-check"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.stdout, "./main.tf\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        MESSY
    );
}

#[test]
fn fmt_rewrites_in_place_keeps_comments_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.tf");
    std::fs::write(&path, MESSY).unwrap();
    let out = aksform_in(dir.path(), &["fmt"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "./main.tf\n");
    let formatted = std::fs::read_to_string(&path).unwrap();
    cli_snapshot!("fmt_rewritten", &formatted);
    assert!(formatted.contains("# The cluster's resource group.\n"));
    assert!(formatted.contains("# inline comment"));
    let again = aksform_in(dir.path(), &["fmt"]);
    assert_eq!(again.code, 0);
    assert_eq!(again.stdout, "", "a second fmt changes nothing");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), formatted);
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MESSY).unwrap();
    let out = aksform_in(dir.path(), &["fmt", "-check", "-diff", "main.tf"]);
    assert_eq!(out.code, 3);
    cli_snapshot!("fmt_diff", out.combined());
}

#[test]
fn recursive_descends_and_skips_hidden_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    std::fs::create_dir_all(dir.path().join(".aksform")).unwrap();
    std::fs::write(dir.path().join("sub/deeper/a.tf"), "locals {\na=1\n}\n").unwrap();
    std::fs::write(dir.path().join("sub/vars.tfvars"), "a=1\n").unwrap();
    std::fs::write(dir.path().join(".aksform/x.tf"), "locals {\na=1\n}\n").unwrap();
    let flat = aksform_in(dir.path(), &["fmt", "-check"]);
    assert_eq!(flat.code, 0, "{flat:?}");
    let deep = aksform_in(dir.path(), &["fmt", "-check", "-recursive"]);
    assert_eq!(deep.code, 3);
    assert_eq!(deep.stdout, "./sub/deeper/a.tf\n./sub/vars.tfvars\n");
}

#[test]
fn syntax_errors_are_reported_with_their_place_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "locals {\n  a = [1,\n}\n";
    std::fs::write(dir.path().join("broken.tf"), broken).unwrap();
    std::fs::write(dir.path().join("good.tf"), "locals {\nb=1\n}\n").unwrap();
    let out = aksform_in(dir.path(), &["fmt"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("syntax error"), "{}", out.stderr);
    assert!(out.stderr.contains("broken.tf:3:1"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.tf")).unwrap(),
        broken
    );
    // The good file is still formatted.
    assert_eq!(out.stdout, "./good.tf\n");
}

#[test]
fn stdin_is_formatted_to_stdout() {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aksform"))
        .args(["fmt", "-"])
        .current_dir(repo())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"locals {\na=1\nbb = 2\n}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "locals {\n  a  = 1\n  bb = 2\n}\n"
    );
}

#[test]
fn missing_targets_are_errors() {
    let out = aksform(&["fmt", "does-not-exist"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("does-not-exist: no such file or directory"),
        "{}",
        out.stderr
    );
}
