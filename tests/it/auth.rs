//! `aksform auth` end to end: the credential each environment picks, the endpoint rules, and a
//! token or secret that never shows in any output (stdout, stderr, the client's traffic record,
//! the emulator's request log), whether the run succeeds or fails.

use std::path::Path;

use crate::common::aksform_env;
use crate::common::emulator::EmulatorProcess;

const SUB: &str = "00000000-0000-0000-0000-0000000000aa";
const TOKEN: &str = "MARKER-token-9f3e2d1c";
const SECRET: &str = "MARKER-secret-4b7a6c5d";

/// Every file under `dir`, read as text.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&all_text(&path));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[test]
fn an_access_token_reaches_the_emulator_and_is_never_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("emulator.jsonl");
    let emu = EmulatorProcess::start(&["--request-log", log.to_str().unwrap()]);
    let traffic = tmp.path().join("traffic");
    let out = aksform_env(
        tmp.path(),
        &["auth"],
        &[
            ("ARM_ACCESS_TOKEN", TOKEN),
            ("ARM_ENDPOINT", &emu.url),
            ("ARM_SUBSCRIPTION_ID", SUB),
            ("AKSFORM_TRAFFIC_DIR", traffic.to_str().unwrap()),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout
            .contains("credential    access token (ARM_ACCESS_TOKEN)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("subscription  {SUB}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("access        ok: 0 resource groups readable"),
        "{}",
        out.stdout
    );
    let recorded = all_text(&traffic);
    assert!(
        recorded.contains("liveRequest"),
        "the debug record was written"
    );
    let emulator_log = std::fs::read_to_string(&log).unwrap();
    assert!(
        emulator_log.contains("Bearer [REDACTED]"),
        "the token was sent"
    );
    for (what, text) in [
        ("output", out.combined()),
        ("traffic", recorded),
        ("emulator log", emulator_log),
    ] {
        assert!(
            !text.contains(TOKEN),
            "the token shows in the {what}:\n{text}"
        );
    }
}

#[test]
fn failures_are_reported_without_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let not_guid = aksform_env(
        tmp.path(),
        &["auth"],
        &[
            ("ARM_ACCESS_TOKEN", TOKEN),
            ("ARM_ENDPOINT", "http://127.0.0.1:9"),
            ("ARM_SUBSCRIPTION_ID", "prod"),
        ],
    );
    assert_eq!(not_guid.code, 1, "{}", not_guid.combined());
    assert!(
        not_guid
            .stderr
            .contains("\"prod\" is not a subscription id"),
        "{}",
        not_guid.stderr
    );
    // Nothing listens on the discard port: the connection is refused, retried, then reported.
    let unreachable = aksform_env(
        tmp.path(),
        &["auth"],
        &[
            ("ARM_ACCESS_TOKEN", TOKEN),
            ("ARM_ENDPOINT", "http://127.0.0.1:9"),
            ("ARM_SUBSCRIPTION_ID", SUB),
        ],
    );
    assert_eq!(unreachable.code, 1, "{}", unreachable.combined());
    assert!(
        unreachable.stdout.contains("access        failed"),
        "{}",
        unreachable.stdout
    );
    assert!(
        unreachable.stderr.contains("giving up after 3 attempts"),
        "{}",
        unreachable.stderr
    );
    for out in [not_guid, unreachable] {
        assert!(!out.combined().contains(TOKEN), "{}", out.combined());
    }
}

#[test]
fn each_environment_picks_its_credential_or_says_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let token_file = tmp.path().join("federated-token");
    std::fs::write(&token_file, SECRET).unwrap();
    let token_file = token_file.to_str().unwrap();
    // Combinations that fail before any network call, with the message that says what to do.
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("ARM_CLIENT_ID", "app"), ("ARM_CLIENT_SECRET", SECRET)],
            "ARM_TENANT_ID",
        ),
        (
            &[("AZURE_CLIENT_SECRET", SECRET), ("AZURE_TENANT_ID", "t")],
            "CLIENT_ID",
        ),
        (
            &[
                ("ARM_USE_OIDC", "true"),
                ("ARM_CLIENT_ID", "app"),
                ("ARM_TENANT_ID", "t"),
            ],
            "token",
        ),
        (&[("ARM_USE_MSI", "maybe")], "ARM_USE_MSI"),
        (
            &[
                ("ARM_ACCESS_TOKEN", TOKEN),
                ("ARM_ENDPOINT", "http://example.com"),
            ],
            "http",
        ),
        (
            &[("ARM_ACCESS_TOKEN", TOKEN), ("ARM_ENDPOINT", "mars")],
            "mars",
        ),
    ];
    for (env, expected) in cases {
        let out = aksform_env(tmp.path(), &["auth"], env);
        assert_eq!(out.code, 1, "{env:?}: {}", out.combined());
        assert!(
            out.stderr.contains(expected),
            "{env:?}: expected {expected:?} in {}",
            out.stderr
        );
        for marker in [TOKEN, SECRET] {
            assert!(
                !out.combined().contains(marker),
                "{env:?} shows a secret: {}",
                out.combined()
            );
        }
    }
    // Combinations that choose a credential; without a subscription the run stops before any
    // request, after naming it.
    let chosen: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("ARM_ACCESS_TOKEN", TOKEN),
                ("ARM_CLIENT_ID", "app"),
                ("ARM_CLIENT_SECRET", SECRET),
                ("ARM_TENANT_ID", "t"),
            ],
            "access token",
        ),
        (
            &[
                ("ARM_CLIENT_ID", "app"),
                ("ARM_CLIENT_SECRET", SECRET),
                ("ARM_TENANT_ID", "t"),
            ],
            "client secret",
        ),
        (
            &[
                ("AZURE_CLIENT_ID", "app"),
                ("AZURE_CLIENT_SECRET", SECRET),
                ("AZURE_TENANT_ID", "t"),
            ],
            "client secret",
        ),
        (
            &[
                ("AZURE_FEDERATED_TOKEN_FILE", token_file),
                ("AZURE_CLIENT_ID", "app"),
                ("AZURE_TENANT_ID", "t"),
            ],
            "workload identity",
        ),
        (
            &[
                ("ARM_USE_OIDC", "true"),
                ("ARM_OIDC_TOKEN", SECRET),
                ("ARM_CLIENT_ID", "app"),
                ("ARM_TENANT_ID", "t"),
            ],
            "workload identity",
        ),
        (&[("ARM_USE_MSI", "true")], "managed identity"),
        (
            &[("ARM_USE_MSI", "true"), ("ARM_CLIENT_ID", "app")],
            "managed identity",
        ),
        (&[], "Azure CLI"),
    ];
    for (env, expected) in chosen {
        let out = aksform_env(tmp.path(), &["auth"], env);
        assert_eq!(out.code, 1, "{env:?}: {}", out.combined());
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with("credential"))
            .unwrap_or_default();
        assert!(
            line.contains(expected),
            "{env:?}: expected {expected:?}, got {line:?}\n{}",
            out.combined()
        );
        assert!(out.stderr.contains("no subscription"), "{}", out.stderr);
        for marker in [TOKEN, SECRET] {
            assert!(
                !out.combined().contains(marker),
                "{env:?} shows a secret: {}",
                out.combined()
            );
        }
    }
}

#[test]
fn the_provider_block_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("main.tf"),
        format!("provider \"azurerm\" {{\n  features {{}}\n  subscription_id = \"{SUB}\"\n  environment     = \"usgovernment\"\n}}\n"),
    )
    .unwrap();
    let out = aksform_env(
        tmp.path(),
        &["auth"],
        &[("ARM_USE_MSI", "true"), ("ARM_CLIENT_ID", "app")],
    );
    assert!(
        out.stdout
            .contains("endpoint      https://management.usgovcloudapi.net/ (usgovernment)"),
        "{}",
        out.combined()
    );
    assert!(
        out.stdout.contains(&format!("subscription  {SUB}")),
        "{}",
        out.combined()
    );
}
