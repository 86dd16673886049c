//! Tests of the state file on disk: round trips, backups, damaged and newer files, and saves
//! that fail part-way.

use super::*;
use crate::state::EntryStatus;

const AKS: &str = "module.aks.azurerm_kubernetes_cluster.main";
const AKS_ID: &str = "/subscriptions/s/resourceGroups/rg/providers/\
                      Microsoft.ContainerService/managedClusters/aks";

fn sample() -> StateIndex {
    let mut s = StateIndex::new();
    s.subscription_id = Some("s".into());
    s.record_applied(AKS, AKS_ID, "azurerm_kubernetes_cluster", Some("\"e1\""));
    s
}

/// Names in `dir` that look like our temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

fn load_err(text: &str) -> StateError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    fs::write(&path, text).unwrap();
    load(&path).unwrap_err()
}

#[test]
fn a_missing_file_is_an_empty_index() {
    let dir = tempfile::tempdir().unwrap();
    let s = load(&dir.path().join(".aksform/state.json")).unwrap();
    assert!(s.resources.is_empty());
    assert_eq!(s.serial, 0);
}

#[test]
fn save_round_trips_bumps_the_serial_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/.aksform/state.json");
    let mut s = sample();
    save(&path, &mut s).unwrap();
    assert_eq!(s.serial, 1);
    assert!(
        !backup_path(&path).exists(),
        "nothing to back up the first time"
    );
    let first = fs::read_to_string(&path).unwrap();
    assert!(first.starts_with("{\n  \"format_version\": 1,\n  \"lineage\": "));
    assert!(first.ends_with("}\n"));

    s.record_pending(
        "azurerm_resource_group.main",
        "/subscriptions/s/resourceGroups/rg",
        "azurerm_resource_group",
    );
    save(&path, &mut s).unwrap();
    assert_eq!(s.serial, 2);
    assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), first);

    let back = load(&path).unwrap();
    assert_eq!(back, s);
    assert_eq!(
        back.get("azurerm_resource_group.main").unwrap().status,
        EntryStatus::Pending
    );
    assert!(temp_files(path.parent().unwrap()).is_empty());
}

#[test]
fn backup_sits_next_to_the_file() {
    assert_eq!(
        backup_path(Path::new("/a/.aksform/state.json")),
        Path::new("/a/.aksform/state.json.backup")
    );
    assert_eq!(parent_dir(Path::new("state.json")), Path::new("."));
}

#[test]
fn invalid_json_names_path_line_column_and_the_backup() {
    let e = load_err("{\n  \"format_version\": 1,\n  \"lineage\": \n}\n");
    let StateError::Corrupt { line, column, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!((*line, *column), (4, 1));
    let text = e.to_string();
    assert!(
        text.contains("state.json:4:1: the state index is damaged: expected value"),
        "{text}"
    );
    assert!(text.contains("state.json.backup"), "{text}");
}

#[test]
fn wrong_shapes_and_empty_files_are_corrupt() {
    let e = load_err(
        r#"{"format_version": 1, "lineage": "l", "serial": "7", "aksform_version": "0.1.0"}"#,
    );
    assert!(
        e.to_string()
            .contains("invalid type: string \"7\", expected u64"),
        "{e}"
    );
    let e = load_err("");
    assert!(
        matches!(
            e,
            StateError::Corrupt {
                line: 1,
                column: 0,
                ..
            }
        ),
        "{e:?}"
    );
    let e = load_err("[]");
    assert!(
        e.to_string().contains("expected a state index object"),
        "{e}"
    );
    let e = load_err(r#"{"format_version": 1, "serial": 1, "aksform_version": "0.1.0"}"#);
    assert!(e.to_string().contains("missing field `lineage`"), "{e}");
}

#[test]
fn unknown_fields_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let text = r#"{"format_version": 1, "lineage": "l", "serial": 3, "aksform_version": "0.1.0", "note": "hi"}"#;
    fs::write(&path, text).unwrap();
    let s = load(&path).unwrap();
    assert_eq!(
        (s.serial, s.subscription_id, s.resources.len()),
        (3, None, 0)
    );
}

#[test]
fn a_newer_format_names_its_writer() {
    let e = load_err(r#"{"format_version": 2, "aksform_version": "0.9.0", "resources": []}"#);
    assert!(
        matches!(&e, StateError::TooNew { version: 2, writer, .. } if writer == "0.9.0"),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("upgrade aksform to 0.9.0 or later"),
        "{e}"
    );
    let e = load_err(r#"{"format_version": 3}"#);
    assert!(
        e.to_string()
            .contains("written by aksform an unknown version"),
        "{e}"
    );
}

#[test]
fn a_bad_id_names_the_address() {
    let mut s = sample();
    s.resources.get_mut(AKS).unwrap().id = "aks".into();
    let e = load_err(&serde_json::to_string(&s).unwrap());
    assert!(
        matches!(&e, StateError::BadEntry { address, .. } if address == AKS),
        "{e:?}"
    );
}

#[test]
fn save_refuses_an_index_that_would_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut s = sample();
    s.resources.get_mut(AKS).unwrap().id = "aks".into();
    assert!(matches!(
        save(&path, &mut s),
        Err(StateError::BadEntry { .. })
    ));
    assert!(!path.exists());
    assert_eq!(s.serial, 0);
}

#[test]
fn a_failed_save_leaves_the_old_file_and_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut s = sample();
    save(&path, &mut s).unwrap();
    let old = fs::read(&path).unwrap();
    // A non-empty directory where the backup goes: the backup's rename fails.
    fs::create_dir_all(backup_path(&path).join("x")).unwrap();

    s.remove(AKS);
    let e = save(&path, &mut s).unwrap_err();
    assert!(
        matches!(
            e,
            StateError::Io {
                action: "replace",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), old);
    assert_eq!(s.serial, 1, "the serial is restored");
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn a_failed_rename_removes_the_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("state.json");
    fs::create_dir_all(target.join("x")).unwrap();
    let e = replace_file(&target, dir.path(), b"{}").unwrap_err();
    assert!(
        matches!(
            e,
            StateError::Io {
                action: "replace",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(temp_files(dir.path()).is_empty());
    assert!(target.join("x").is_dir());
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut s = sample();
    save(&path, &mut s).unwrap();
    let old = fs::read(&path).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; then there is nothing to observe.
    let enforced = fs::write(dir.path().join("probe"), b"").is_err();
    let result = save(&path, &mut s);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    if enforced {
        let e = result.unwrap_err();
        assert!(e.to_string().starts_with("cannot create "), "{e}");
        assert_eq!(fs::read(&path).unwrap(), old);
        assert_eq!(s.serial, 1);
    }
}
