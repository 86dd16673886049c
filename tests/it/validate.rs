//! `aksform validate`: the example and its modules are valid; problems are reported with their
//! place and a snippet, as text and as JSON; variable values follow Terraform's precedence.

use crate::cli_snapshot;
use crate::common::{aksform, aksform_env, aksform_in, repo};

#[test]
fn the_hardened_cluster_example_is_valid() {
    let out = aksform(&["validate", "examples/hardened-cluster"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no warnings expected");
    assert_eq!(
        out.stdout,
        "Success! The configuration in examples/hardened-cluster is valid: 9 resources, 0 data sources, 2 module calls, 7 variables, 3 outputs.\n"
    );
}

#[test]
fn each_module_is_valid_on_its_own() {
    for module in ["modules/network", "modules/hardened-aks"] {
        let out = aksform(&["validate", module]);
        assert_eq!(out.code, 0, "{module}: {}", out.stderr);
        assert!(
            out.stdout
                .starts_with(&format!("Success! The configuration in {module} is valid")),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("Checked as a reusable module"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn errors_are_rendered_with_file_line_and_snippet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "main" {
  name     = "rg"
  locaton  = "westeurope"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  dns_prefix          = "aks"
  sku_tier            = "standard"

  default_node_pool {
    name       = "System"
    vm_size    = "Standard_D4ds_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "kubenet"
    network_policy = "azure"
  }
}
"#,
    )
    .unwrap();
    let out = aksform_in(dir.path(), &["validate"]);
    assert_eq!(out.code, 1);
    cli_snapshot!("validate_errors", out.combined());
}

#[test]
fn json_output_follows_terraform_validate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "locals {\n  a = local.b\n}\n").unwrap();
    let out = aksform_in(dir.path(), &["validate", "-json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["format_version"], "1.0");
    assert_eq!(v["valid"], false);
    assert_eq!(v["error_count"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["summary"], "undeclared local value \"b\"");
    assert_eq!(d["range"]["filename"], "./main.tf");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 7);
    assert_eq!(d["snippet"]["code"], "  a = local.b");

    let ok = aksform(&["validate", "-json", "examples/hardened-cluster"]);
    assert_eq!(ok.code, 0);
    let v: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn variables_follow_terraforms_precedence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"provider "azurerm" {
  features {}
}
variable "env" {
  type = string
  validation {
    condition     = var.env == "from-cli"
    error_message = "env is ${var.env}"
  }
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars"),
        "env = \"from-tfvars\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("z.auto.tfvars"), "env = \"from-auto\"\n").unwrap();
    std::fs::write(dir.path().join("extra.tfvars"), "env = \"from-var-file\"\n").unwrap();
    let env = [("TF_VAR_env", "from-env")];
    let auto = aksform_env(dir.path(), &["validate"], &env);
    assert!(auto.stderr.contains("env is from-auto"), "{}", auto.stderr);
    let file = aksform_env(dir.path(), &["validate", "-var-file", "extra.tfvars"], &env);
    assert!(
        file.stderr.contains("env is from-var-file"),
        "{}",
        file.stderr
    );
    let cli = aksform_env(
        dir.path(),
        &["validate", "-var-file=extra.tfvars", "-var", "env=from-cli"],
        &env,
    );
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let last_wins = aksform_env(
        dir.path(),
        &["validate", "-var", "env=from-cli", "-var-file=extra.tfvars"],
        &env,
    );
    assert!(
        last_wins.stderr.contains("env is from-var-file"),
        "{}",
        last_wins.stderr
    );
}

#[test]
fn a_required_variable_without_a_value_is_an_error_in_a_root_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "provider \"azurerm\" {\n  features {}\n}\nvariable \"admin_group\" {\n  type = string\n}\n",
    )
    .unwrap();
    let out = aksform_in(dir.path(), &["validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("no value for the required variable \"admin_group\""),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("main.tf:4:1"), "{}", out.stderr);
    assert!(out.stderr.contains("TF_VAR_admin_group"), "{}", out.stderr);
    let set = aksform_env(dir.path(), &["validate"], &[("TF_VAR_admin_group", "x")]);
    assert_eq!(set.code, 0, "{}", set.stderr);
}

#[test]
fn usage_errors_exit_64_and_missing_directories_exit_1() {
    let out = aksform(&["validate", "--no-such-flag"]);
    assert_eq!(out.code, 64);
    let out = aksform(&["validate", "no/such/dir"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot read directory no/such/dir"),
        "{}",
        out.stderr
    );
    let _ = repo();
}
