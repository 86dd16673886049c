//! Tests of modules in evaluation: inputs and outputs, a module checked on its own, validation
//! of module variables at the call, and a module whose source cannot be loaded.

use super::tests::{run, run_with};
use crate::config::value::Value;

#[test]
fn modules_take_inputs_and_give_outputs() {
    let r = run_with(
        &[
            (
                "root/main.tf",
                r#"
module "net" {
  count  = 2
  source = "../modules/net"
  name   = "vnet${count.index}"
}
output "ids" {
  value = module.net[*].name_upper
}
output "first" {
  value = module.net[0].name_upper
}
"#,
            ),
            (
                "modules/net/main.tf",
                r#"
variable "name" {
  type = string
  validation {
    condition     = length(var.name) > 2
    error_message = "name too short"
  }
}
variable "size" {
  type    = number
  default = 3
}
output "name_upper" {
  value = "${var.name}-${var.size}"
}
"#,
            ),
        ],
        &[],
    );
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(
        r.output("ids"),
        &Value::List(vec!["vnet0-3".into(), "vnet1-3".into()])
    );
    assert_eq!(r.output("first"), &Value::from("vnet0-3"));
}

#[test]
fn a_module_validated_alone_treats_missing_variables_as_unknown() {
    let r = run(
        "variable \"name\" {\n  type = string\n}\noutput \"o\" {\n  value = \"x-${var.name}\"\n}\n",
    );
    assert!(r.diags.is_empty(), "{:?}", r.errors());
    assert_eq!(r.ev.unset_variables, vec!["name".to_string()]);
    assert_eq!(r.output("o"), &Value::Unknown);
}

#[test]
fn module_variable_validation_reports_at_the_call() {
    let r = run_with(
        &[
            (
                "root/main.tf",
                "module \"net\" {\n  source = \"./net\"\n  name   = \"ab\"\n}\n",
            ),
            (
                "root/net/main.tf",
                "variable \"name\" {\n  validation {\n    condition     = length(var.name) > 2\n    error_message = \"name too short: ${var.name}\"\n  }\n}\n",
            ),
        ],
        &[],
    );
    let e = r.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("invalid value for variable \"name\" [name too short: ab]"),
        "{e:?}"
    );
    assert!(e[0].ends_with("@ root/main.tf:3:12"), "{e:?}");
}

#[test]
fn a_module_that_cannot_be_loaded_is_reported_once_not_at_every_use() {
    let r = run_with(
        &[(
            "root/main.tf",
            r#"
module "aks" {
  source = "../modules/missing"
}
output "id" {
  value = module.aks.cluster_id
}
locals {
  url = module.aks.oidc_issuer_url
}
"#,
        )],
        &[],
    );
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("module \"aks\": no directory"),
        "{errors:#?}"
    );
}
