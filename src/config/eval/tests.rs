//! Tests of evaluation: references, expansion, modules, variables, decoding and errors.

use std::path::Path;

use super::*;
use crate::config::fs::MemFs;
use crate::config::module::load_config;
use crate::config::vars::{CliVar, collect_inputs};

pub(crate) const SUB: &str = "00000000-0000-0000-0000-000000000001";

pub(crate) struct Run {
    pub ev: Evaluated,
    pub diags: Diagnostics,
    pub config: Config,
}

impl Run {
    pub fn errors(&self) -> Vec<String> {
        self.messages(true)
    }

    pub fn warnings(&self) -> Vec<String> {
        self.messages(false)
    }

    fn messages(&self, errors: bool) -> Vec<String> {
        self.diags
            .iter()
            .filter(|d| d.is_error() == errors)
            .map(|d| {
                let at = d
                    .span
                    .as_ref()
                    .map(|s| format!(" @ {}", self.config.sources.location(s)))
                    .unwrap_or_default();
                let label = d
                    .label
                    .as_deref()
                    .map(|l| format!(" [{l}]"))
                    .unwrap_or_default();
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                format!("{}{label}{help}{at}", d.summary)
            })
            .collect()
    }

    pub fn resource(&self, addr: &str) -> &ResourceInstance {
        self.ev
            .resources
            .iter()
            .find(|r| r.addr.to_string() == addr)
            .unwrap_or_else(|| panic!("no {addr} in {:?}", self.addrs()))
    }

    pub fn addrs(&self) -> Vec<String> {
        self.ev
            .resources
            .iter()
            .map(|r| r.addr.to_string())
            .collect()
    }

    pub fn output(&self, name: &str) -> &Value {
        &self.ev.outputs[name].value
    }
}

pub(crate) fn run_with(files: &[(&str, &str)], cli: &[CliVar]) -> Run {
    let mut fs = MemFs::new();
    for (name, text) in files {
        fs.insert(*name, *text);
    }
    let mut diags = Diagnostics::new();
    let mut config = load_config(&fs, Path::new("root"), &mut diags);
    let inputs = collect_inputs(
        &fs,
        Path::new("root"),
        &[],
        cli,
        &mut config.sources,
        &mut diags,
    );
    let opts = EvalOptions {
        fs: &fs,
        subscription_id: Some(SUB.to_string()),
        inputs: &inputs,
        data: &NoData,
    };
    let ev = evaluate(&config, &opts, &mut diags);
    diags.sort();
    Run { ev, diags, config }
}

/// Evaluates a root module made of one file, `root/main.tf`.
pub(crate) fn run(main: &str) -> Run {
    run_with(&[("root/main.tf", main)], &[])
}

const RG: &str = r#"
resource "azurerm_resource_group" "main" {
  name     = "rg-aks"
  location = "westeurope"
}
"#;

#[test]
fn locals_resolve_in_any_order() {
    let r = run(r#"
locals {
  c = "${local.b}-c"
  b = "${local.a}-b"
  a = "a"
}
output "c" {
  value = local.c
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("c"), &Value::from("a-b-c"));
}

#[test]
fn cycles_name_every_member() {
    let r = run("locals {\n  a = local.b\n  b = local.c\n  c = local.a\n  d = local.a\n}\n");
    let e = r.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("cycle: local.a → local.b → local.c"),
        "{e:?}"
    );
    assert!(e[0].ends_with("@ root/main.tf:2:3"), "{e:?}");
}

#[test]
fn resources_get_deterministic_ids_and_reference_each_other() {
    let r = run(&format!(
        "{RG}
resource \"azurerm_virtual_network\" \"vnet\" {{
  name                = \"vnet\"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [\"10.0.0.0/16\"]
}}
output \"vnet_id\" {{
  value = azurerm_virtual_network.vnet.id
}}
output \"guid\" {{
  value = azurerm_virtual_network.vnet.guid
}}
"
    ));
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    let id = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/vnet"
    );
    assert_eq!(r.output("vnet_id"), &Value::String(id.clone()));
    assert_eq!(r.output("guid"), &Value::Unknown);
    assert_eq!(
        r.resource("azurerm_virtual_network.vnet").id.as_deref(),
        Some(id.as_str())
    );
}

#[test]
fn count_and_for_each_expand_instances() {
    let r = run(&format!(
        "{RG}
resource \"azurerm_subnet\" \"s\" {{
  count                = 2
  name                 = \"s${{count.index}}\"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = \"vnet\"
  address_prefixes     = [\"10.0.${{count.index}}.0/24\"]
}}
resource \"azurerm_network_security_group\" \"n\" {{
  for_each            = {{ web = \"westeurope\", db = \"northeurope\" }}
  name                = \"nsg-${{each.key}}\"
  location            = each.value
  resource_group_name = \"rg\"
}}
output \"names\" {{
  value = [for s in azurerm_subnet.s : s.name]
}}
output \"splat\" {{
  value = azurerm_subnet.s[*].address_prefixes[0]
}}
output \"nsg\" {{
  value = azurerm_network_security_group.n[\"db\"].location
}}
"
    ));
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(
        r.addrs(),
        vec![
            "azurerm_network_security_group.n[\"db\"]",
            "azurerm_network_security_group.n[\"web\"]",
            "azurerm_resource_group.main",
            "azurerm_subnet.s[0]",
            "azurerm_subnet.s[1]",
        ]
    );
    assert_eq!(
        r.output("names"),
        &Value::List(vec!["s0".into(), "s1".into()])
    );
    assert_eq!(
        r.output("splat"),
        &Value::List(vec!["10.0.0.0/24".into(), "10.0.1.0/24".into()])
    );
    assert_eq!(r.output("nsg"), &Value::from("northeurope"));
}

#[test]
fn for_each_rejects_lists_and_unknown_values() {
    let r = run(r#"
resource "azurerm_resource_group" "a" {
  for_each = ["x", "y"]
  name     = each.key
  location = "westeurope"
}
resource "azurerm_resource_group" "b" {
  count    = length(azurerm_resource_group.c.id) > 0 ? 1 : 0
  name     = "b"
  location = "westeurope"
}
data "azurerm_client_config" "c" {}
resource "azurerm_resource_group" "c" {
  count    = data.azurerm_client_config.c.object_id == "" ? 0 : 1
  name     = "c"
  location = "westeurope"
}
"#);
    let e = r.errors();
    assert!(e.iter().any(|e| e.starts_with("invalid for_each [a map or a set of strings is required, but this is a list] (convert it with toset(")), "{e:?}");
    assert!(
        e.iter()
            .any(|e| e.starts_with("count depends on values known only after apply")),
        "{e:?}"
    );
}

#[test]
fn variables_are_converted_and_required() {
    let r = run_with(
        &[(
            "root/main.tf",
            r#"
provider "azurerm" {
  features {}
}
variable "count_of" {
  type = number
}
variable "tags" {
  type = map(string)
}
variable "missing" {
  type = string
}
output "n" {
  value = var.count_of + 1
}
output "t" {
  value = var.tags.env
}
"#,
        )],
        &[
            CliVar::Var("count_of=41".into()),
            CliVar::Var("tags={ env = \"prod\" }".into()),
        ],
    );
    let e = r.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("no value for the required variable \"missing\""),
        "{e:?}"
    );
    assert!(e[0].contains("TF_VAR_missing"), "{e:?}");
    assert_eq!(r.output("n"), &Value::from(42.0));
    assert_eq!(r.output("t"), &Value::from("prod"));
}

#[test]
fn variable_type_errors_point_at_the_value() {
    let r = run_with(
        &[
            ("root/main.tf", "variable \"n\" {\n  type = number\n}\n"),
            ("root/terraform.tfvars", "n = \"many\"\n"),
        ],
        &[],
    );
    let e = r.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("invalid value for variable \"n\" [a number is required, but got the string \"many\"; the variable's type is number]"), "{e:?}");
    assert!(e[0].ends_with("@ root/terraform.tfvars:1:5"), "{e:?}");
}

#[test]
fn decoding_reports_unknown_removed_aliased_and_read_only_names() {
    let r = run(r#"
resource "azurerm_kubernetes_cluster" "k" {
  name                            = "aks"
  location                        = "westeurope"
  resource_group_name             = "rg"
  dns_prefix                      = "aks"
  kubernetes_verison              = "1.30"
  automatic_channel_upgrade       = "patch"
  api_server_authorized_ip_ranges = ["1.2.3.4/32"]
  fqdn                            = "x"
  sku_tier                        = "standard"
  linux_profile {
    admin_username = "x"
  }
  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
}
"#);
    let e = r.errors();
    let has = |s: &str| e.iter().any(|x| x.contains(s));
    assert!(
        has("unsupported argument \"kubernetes_verison\" in azurerm_kubernetes_cluster"),
        "{e:?}"
    );
    assert!(has("did you mean \"kubernetes_version\"?"), "{e:?}");
    assert!(
        has("api_server_authorized_ip_ranges was removed in azurerm 4.0"),
        "{e:?}"
    );
    assert!(has("fqdn is read-only"), "{e:?}");
    assert!(
        has("values are case-sensitive: write \"Standard\""),
        "{e:?}"
    );
    assert!(
        has("linux_profile is not supported by aksform yet"),
        "{e:?}"
    );
    assert_eq!(e.len(), 5, "{e:?}");
    let w = r.warnings();
    assert!(
        w[0].starts_with(
            "\"automatic_channel_upgrade\" is the azurerm 3.x name of \"automatic_upgrade_channel\""
        ),
        "{w:?}"
    );
    let k = r.resource("azurerm_kubernetes_cluster.k");
    assert_eq!(k.str("automatic_upgrade_channel"), Some("patch"));
    // Defaults fill what was not written; computed values are unknown.
    assert_eq!(k.bool("run_command_enabled"), Some(true));
    assert_eq!(k.str("default_node_pool.0.os_disk_type"), Some("Managed"));
    assert_eq!(k.get("identity.0.principal_id"), Some(&Value::Unknown));
    assert_eq!(k.get("network_profile"), Some(&Value::Unknown));
    assert_eq!(k.get("microsoft_defender"), Some(&Value::List(vec![])));
}

#[test]
fn required_arguments_and_blocks_are_reported_at_the_block() {
    let r = run("resource \"azurerm_kubernetes_cluster\" \"k\" {\n  name = \"aks\"\n}\n");
    let e = r.errors();
    assert!(
        e.iter()
            .any(|x| x.starts_with("the argument \"location\" is required")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("a default_node_pool block is required")),
        "{e:?}"
    );
    assert!(e.iter().all(|x| x.ends_with("@ root/main.tf:1:1")), "{e:?}");
}

#[test]
fn dynamic_blocks_expand_with_iterators_and_nesting() {
    let r = run(r#"
locals {
  rules = {
    https = { priority = 100, port = "443" }
    ssh   = { priority = 200, port = "22" }
  }
}
resource "azurerm_network_security_group" "n" {
  name                = "nsg"
  location            = "westeurope"
  resource_group_name = "rg"
  dynamic "security_rule" {
    for_each = local.rules
    iterator = rule
    content {
      name                       = rule.key
      priority                   = rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      destination_port_range     = rule.value.port
      source_address_prefix      = "*"
      source_port_range          = "*"
      destination_address_prefix = "*"
    }
  }
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    let n = r.resource("azurerm_network_security_group.n");
    assert_eq!(n.str("security_rule.0.name"), Some("https"));
    assert_eq!(n.get("security_rule.1.priority"), Some(&Value::from(200.0)));
    assert!(n.is_set("security_rule.1.destination_port_range"));
}

#[test]
fn templates_heredocs_and_conditionals() {
    let r = run(r#"
variable "env" {
  default = "prod"
}
locals {
  items = ["a", "b"]
}
output "t" {
  value = "%{ for i in local.items }[${i}]%{ endfor }%{ if var.env == "prod" }!%{ else }?%{ endif }"
}
output "h" {
  value = <<-EOT
    hello ${var.env}
      indented
  EOT
}
output "strip" {
  value = "a   %{~ if true ~}   b   %{~ endif ~}   c"
}
output "c" {
  value = var.env == "prod" ? 1 : "x"
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("t"), &Value::from("[a][b]!"));
    assert_eq!(r.output("h"), &Value::from("hello prod\n  indented\n"));
    assert_eq!(r.output("strip"), &Value::from("abc"));
    assert_eq!(r.output("c"), &Value::from(1.0));
}

#[test]
fn try_and_can() {
    let r = run(r#"
locals {
  m = { a = 1 }
}
output "t" {
  value = try(local.m.b, local.m.a, "x")
}
output "c1" {
  value = can(local.m.b)
}
output "c2" {
  value = can(local.m.a)
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("t"), &Value::from(1.0));
    assert_eq!(r.output("c1"), &Value::Bool(false));
    assert_eq!(r.output("c2"), &Value::Bool(true));
}

#[test]
fn reference_errors_suggest_names() {
    let r = run(r#"
variable "location" {
  default = "westeurope"
}
locals {
  a = var.locaton
  b = local.aa
  c = azurerm_resource_grop.main.name
  d = { x = 1 }.y
  e = [1, 2][5]
  f = each.key
}
"#);
    let e = r.errors();
    let has = |s: &str| e.iter().any(|x| x.contains(s));
    assert!(has("undeclared input variable \"locaton\""), "{e:?}");
    assert!(has("Did you mean \"location\"?"), "{e:?}");
    assert!(has("undeclared local value \"aa\""), "{e:?}");
    assert!(
        has("reference to undeclared resource azurerm_resource_grop.main"),
        "{e:?}"
    );
    assert!(has("unsupported attribute \"y\""), "{e:?}");
    assert!(has("index 5 is out of range"), "{e:?}");
    assert!(has("each is only available where for_each is set"), "{e:?}");
}

#[test]
fn role_assignments_get_deterministic_names() {
    let r = run(r#"
resource "azurerm_role_assignment" "admins" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = "6a5e1f2b-0000-4c1a-9b1e-1234567890ab"
  principal_type       = "Group"
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    let a = r.resource("azurerm_role_assignment.admins");
    let id = a.id.clone().unwrap();
    assert!(id.starts_with("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/"), "{id}");
    assert!(
        a.str("role_definition_id")
            .unwrap()
            .ends_with("b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b")
    );
}

#[test]
fn preconditions_and_postconditions() {
    let r = run(r#"
variable "env" {
  default = "dev"
}
resource "azurerm_resource_group" "main" {
  name     = "rg"
  location = "westeurope"
  lifecycle {
    precondition {
      condition     = var.env == "prod"
      error_message = "only prod"
    }
    postcondition {
      condition     = self.name == "other"
      error_message = "name is ${self.name}"
    }
  }
}
"#);
    let e = r.errors();
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("precondition failed [only prod]"), "{e:?}");
    assert!(
        e[1].starts_with("postcondition failed [name is rg]"),
        "{e:?}"
    );
}

#[test]
fn data_sources_are_unknown_until_read() {
    let r = run(r#"
data "azurerm_client_config" "current" {}
data "azurerm_resource_group" "rg" {
  name = "existing"
}
output "tenant" {
  value = data.azurerm_client_config.current.tenant_id
}
output "rg_id" {
  value = data.azurerm_resource_group.rg.id
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("tenant"), &Value::Unknown);
    assert_eq!(
        r.output("rg_id"),
        &Value::String(format!("/subscriptions/{SUB}/resourceGroups/existing"))
    );
}

#[test]
fn provider_subscription_overrides_the_environment() {
    let r = run(r#"
provider "azurerm" {
  features {}
  subscription_id = "11111111-2222-3333-4444-555555555555"
}
resource "azurerm_resource_group" "main" {
  name     = "rg"
  location = "westeurope"
}
"#);
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(
        r.resource("azurerm_resource_group.main").id.as_deref(),
        Some("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg")
    );
}

#[test]
fn functions_read_files_relative_to_the_root_and_path_module_points_there() {
    let r = run_with(
        &[
            (
                "root/main.tf",
                "module \"m\" {\n  source = \"../mods/m\"\n}\noutput \"o\" {\n  value = module.m.text\n}\noutput \"p\" {\n  value = module.m.path\n}\n",
            ),
            (
                "mods/m/main.tf",
                "output \"text\" {\n  value = trimspace(file(\"${path.module}/motd.txt\"))\n}\noutput \"path\" {\n  value = path.module\n}\n",
            ),
            ("mods/m/motd.txt", "hello\n"),
        ],
        &[],
    );
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("o"), &Value::from("hello"));
    assert_eq!(r.output("p"), &Value::from("../mods/m"));
}

#[test]
fn templatefile_renders_with_its_own_variables() {
    let r = run_with(
        &[
            (
                "root/main.tf",
                "output \"o\" {\n  value = templatefile(\"${path.module}/t.tpl\", { names = [\"a\", \"b\"], sep = \",\" })\n}\n",
            ),
            (
                "root/t.tpl",
                "%{ for n in names }${upper(n)}${sep}%{ endfor }",
            ),
        ],
        &[],
    );
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.output("o"), &Value::from("A,B,"));
}

#[test]
fn refused_functions_explain_why() {
    let r = run("locals {\n  t = timestamp()\n}\n");
    let e = r.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("timestamp() is not available in aksform"),
        "{e:?}"
    );
    assert!(e[0].contains("never be empty"), "{e:?}");
}

#[test]
fn try_and_can_do_not_hide_structural_mistakes() {
    let r = run(r#"
variable "x" {
  default = "a"
}
locals {
  a = can(lenght(var.x))
  b = try(uuid(), "fallback")
  c = try(var.nope, "fallback")
  d = can(length())
  e = can(tonumber(var.x))
}
output "e" {
  value = local.e
}
"#);
    let e = r.errors();
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(
        e[0].starts_with("call to unknown function lenght()"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("uuid() is not available in aksform"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with("undeclared input variable \"nope\""),
        "{e:?}"
    );
    assert!(
        e[3].starts_with("error in length() [length() takes exactly 1 argument, but 0 were given]"),
        "{e:?}"
    );
    // A value error is still caught.
    assert_eq!(r.output("e"), &Value::Bool(false));
}

#[test]
fn lifecycle_paths_and_triggers_must_name_real_things() {
    let r = run(r#"
resource "azurerm_resource_group" "main" {
  name     = "rg"
  location = "westeurope"
  lifecycle {
    ignore_changes       = [tags["owner"], tgas]
    replace_triggered_by = [azurerm_resource_group.other]
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "p" {
  name                  = "user"
  kubernetes_cluster_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
  node_count            = 1
  lifecycle {
    ignore_changes = [node_count, upgrade_settings[0].max_surge, upgrade_settings[0].max_srge]
  }
}
"#);
    let e = r.errors();
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].starts_with("ignore_changes names tgas, which azurerm_resource_group does not have"),
        "{e:?}"
    );
    assert!(e[0].contains("Did you mean \"tags\"?"), "{e:?}");
    assert!(
        e[1].starts_with("replace_triggered_by names no resource of this module"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with("ignore_changes names upgrade_settings.max_srge"),
        "{e:?}"
    );
}
