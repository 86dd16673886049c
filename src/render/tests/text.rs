//! Tests of the text renderer: a snapshot a scenario, then the properties every plan must have
//! (no escape codes without colour, the summary line, the emulator line once, hidden secrets).

use serde_json::json;

use super::fixtures::*;
use super::render_text;
use super::scenarios::*;
use crate::plan::{Action, Plan};

/// `plan` as plain text.
fn plain(plan: &Plan) -> String {
    render_text(plan, false)
}

/// `s` without ANSI escape sequences (`ESC [ ... m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `Plan: ...` line of a text plan.
fn summary_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.starts_with("Plan: "))
        .unwrap_or_else(|| panic!("no summary line in:\n{text}"))
}

#[test]
fn create_with_nested_blocks_and_unknowns() {
    let p = plan(vec![resource_group_create(), cluster_create()]);
    insta::assert_snapshot!(plain(&p));
}

#[test]
fn update_of_tags_and_a_nested_attribute() {
    insta::assert_snapshot!(plain(&plan(vec![cluster_update()])));
}

#[test]
fn replacement_destroy_first() {
    let text = plain(&plan(vec![pool_replace(false)]));
    assert!(
        text.contains("-/+ destroy and then create replacement"),
        "{text}"
    );
    assert!(text.contains("-/+ resource \"azurerm_kubernetes_cluster_node_pool\" \"user\" {"));
    insta::assert_snapshot!(text);
}

#[test]
fn replacement_create_first() {
    let text = plain(&plan(vec![pool_replace(true)]));
    assert!(
        text.contains("+/- create replacement and then destroy"),
        "{text}"
    );
    assert!(text.contains("+/- resource \"azurerm_kubernetes_cluster_node_pool\" \"user\" {"));
    assert!(!text.contains("-/+"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn replacement_names_the_attribute_that_forces_it() {
    let text = plain(&plan(vec![pool_replace(false)]));
    assert!(
        text.contains("  # (vm_size cannot be changed in place)\n"),
        "{text}"
    );
    let forced: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("# forces replacement"))
        .collect();
    assert_eq!(forced.len(), 1, "{text}");
    assert!(forced[0].contains("vm_size"), "{}", forced[0]);
    assert!(forced[0].contains("\"Standard_D4ds_v5\" -> \"Standard_D8ds_v5\""));
}

#[test]
fn delete() {
    insta::assert_snapshot!(plain(&plan(vec![subnet_delete()])));
}

#[test]
fn imports_without_and_with_changes() {
    let text = plain(&plan(vec![
        identity_import(false),
        in_module(identity_import(true), "module.monitoring"),
    ]));
    assert!(
        text.contains("  # azurerm_user_assigned_identity.aks will be imported\n"),
        "{text}"
    );
    assert!(text.contains(
        "  # module.monitoring.azurerm_user_assigned_identity.aks will be imported and updated in-place\n"
    ));
    assert_eq!(
        summary_line(&text),
        "Plan: 2 to import, 0 to add, 1 to change, 0 to destroy."
    );
    insta::assert_snapshot!(text);
}

#[test]
fn set_valued_attribute() {
    let text = plain(&plan(vec![set_change()]));
    assert!(text.contains("- \"192.168.0.0/16\","), "{text}");
    assert!(text.contains("+ \"198.51.100.0/24\","), "{text}");
    assert!(
        !text.contains("- \"10.0.0.0/8\""),
        "unchanged elements are hidden:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn sensitive_values_are_never_shown() {
    let p = plan(vec![cluster_create(), secrets_update()]);
    for color in [false, true] {
        let text = render_text(&p, color);
        for secret in [
            "P@ssw0rd!",
            "old-s3cret",
            "new-s3cret",
            "P@ss-old",
            "apiVersion: v1",
        ] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
    let text = plain(&plan(vec![secrets_update()]));
    assert!(
        text.contains("(sensitive value) -> null"),
        "a removed secret:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn deferred_data_read() {
    let text = plain(&plan(vec![
        plan_time_read(),
        deferred_read(),
        resource_group_create(),
    ]));
    assert!(text.contains(" <= read (data resources)"), "{text}");
    assert!(text.contains(
        "  # data.azurerm_kubernetes_service_versions.current will be read during apply\n"
    ));
    assert!(
        !text.contains("azurerm_client_config"),
        "plan-time reads are not drawn:\n{text}"
    );
    assert!(
        text.contains("  # (its arguments are known only after apply)\n"),
        "{text}"
    );
    assert!(
        !text.contains("values not yet known"),
        "one reason line, not two:\n{text}"
    );
    let mut unexplained = deferred_read();
    unexplained.reasons.clear();
    let bare = plain(&plan(vec![unexplained, resource_group_create()]));
    assert!(
        bare.contains("  # (config refers to values not yet known)\n"),
        "{bare}"
    );
    assert_eq!(
        summary_line(&text),
        "Plan: 1 to add, 0 to change, 0 to destroy."
    );
    insta::assert_snapshot!(text);
}

#[test]
fn output_changes() {
    let mut p = plan(vec![cluster_update()]);
    p.outputs = outputs();
    let text = plain(&p);
    assert!(
        !text.contains("cluster_name"),
        "unchanged outputs are not listed:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn outputs_alone_are_changes() {
    let mut p = plan(vec![]);
    p.outputs = vec![output(
        "node_resource_group",
        Action::Update,
        Some(json!("MC_x")),
    )];
    let text = plain(&p);
    assert!(!text.contains("No changes."), "{text}");
    assert!(
        text.contains("Plan: 0 to add, 0 to change, 0 to destroy.\n"),
        "{text}"
    );
    assert!(
        text.contains("  ~ node_resource_group = \"MC_x\"\n"),
        "{text}"
    );
    assert!(
        !text.contains("Resource actions"),
        "no legend without resources:\n{text}"
    );
}

#[test]
fn notes_of_unshown_resources_and_of_the_plan() {
    let mut p = plan(vec![
        cluster_noop_with_note(),
        in_module(cluster_update(), "module.aks"),
    ]);
    p.notes = vec!["azurerm_subnet.old is gone from Azure already".into()];
    let text = plain(&p);
    let notes = text.split("\nNotes:\n").nth(1).expect("a Notes: section");
    assert!(
        notes.starts_with("  # azurerm_kubernetes_cluster.main: kubernetes_version is 1.30.5"),
        "{notes}"
    );
    assert!(
        notes.ends_with("  # azurerm_subnet.old is gone from Azure already\n"),
        "{notes}"
    );
    assert!(
        !notes.contains("autoscaler"),
        "notes of drawn resources stay in their block:\n{notes}"
    );
    assert!(
        text.contains("        # (node_count is 4 in Azure"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn empty_plan() {
    let text = plain(&plan(vec![]));
    assert!(text.starts_with("No changes. Your infrastructure matches the configuration.\n"));
    assert!(!text.contains("Plan:"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn no_changes_still_lists_notes() {
    let mut p = plan(vec![plan_time_read(), cluster_noop_with_note()]);
    p.notes = vec!["a plan-wide note".into()];
    let text = plain(&p);
    assert!(text.starts_with("No changes. Your infrastructure matches the configuration.\n"));
    assert!(text.ends_with("\nNotes:\n  # azurerm_kubernetes_cluster.main: kubernetes_version is 1.30.5 in Azure, newer than the configured 1.30.4: the patch upgrade channel upgraded it, so it is left as it is\n  # a plan-wide note\n"), "{text}");
}

#[test]
fn emulator_line_appears_once() {
    let line = format!("Target: the built-in emulator ({EMULATOR}), not Azure.");
    for p in [on_emulator(mixed()), on_emulator(plan(vec![]))] {
        let text = plain(&p);
        assert_eq!(text.matches(&line).count(), 1, "{text}");
        assert!(text.starts_with(&format!("{line}\n\n")), "{text}");
        assert_eq!(text.matches("emulator").count(), 1, "{text}");
    }
    let azure = plain(&mixed());
    assert!(!azure.contains("emulator"), "{azure}");
    insta::assert_snapshot!(plain(&on_emulator(plan(vec![subnet_delete()]))));
}

#[test]
fn summary_line_shapes() {
    let cases = [
        (
            vec![identity_import(false), cluster_create()],
            "Plan: 1 to import, 1 to add, 0 to change, 0 to destroy.",
        ),
        (
            vec![cluster_update()],
            "Plan: 0 to add, 1 to change, 0 to destroy.",
        ),
        (
            vec![pool_replace(true)],
            "Plan: 1 to add, 0 to change, 1 to destroy.",
        ),
        (
            vec![subnet_delete(), deferred_read()],
            "Plan: 0 to add, 0 to change, 1 to destroy.",
        ),
        (
            mixed().resources,
            "Plan: 2 to import, 3 to add, 1 to change, 2 to destroy.",
        ),
    ];
    for (resources, expected) in cases {
        let text = plain(&plan(resources));
        assert_eq!(summary_line(&text), expected, "{text}");
        assert_eq!(text.matches("Plan: ").count(), 1, "{text}");
    }
}

#[test]
fn legend_lists_only_the_symbols_used() {
    let text = plain(&plan(vec![cluster_update(), subnet_delete()]));
    let legend: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Resource actions"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(legend, ["  ~ update in-place", "  - destroy"], "{text}");
}

#[test]
fn without_color_there_are_no_escape_codes() {
    for p in [
        mixed(),
        on_emulator(mixed()),
        plan(vec![]),
        plan(vec![secrets_update()]),
    ] {
        let text = plain(&p);
        assert!(!text.contains('\x1b'), "{text}");
    }
}

#[test]
fn color_adds_only_escape_codes() {
    let mut p = on_emulator(mixed());
    p.resources.push(pool_replace(true));
    let colored = render_text(&p, true);
    assert!(colored.contains("\x1b[32m+\x1b[0m"), "green +:\n{colored}");
    assert!(colored.contains("\x1b[31m-\x1b[0m"), "red -:\n{colored}");
    assert!(
        colored.contains("\x1b[1mPlan:\x1b[0m"),
        "bold Plan:\n{colored}"
    );
    assert!(
        colored.contains("\x1b[31m# forces replacement\x1b[0m"),
        "{colored}"
    );
    assert_eq!(strip_ansi(&colored), plain(&p));
    let empty = render_text(&plan(vec![]), true);
    assert!(
        empty.starts_with("\x1b[1;32mNo changes.\x1b[0m "),
        "{empty}"
    );
}

#[test]
fn attribute_order_does_not_matter() {
    let mut shuffled = cluster_create();
    shuffled.attributes.reverse();
    assert_eq!(
        plain(&plan(vec![shuffled])),
        plain(&plan(vec![cluster_create()]))
    );
}

#[test]
fn null_members_of_a_created_object_are_left_out() {
    let mut rc = managed("azurerm_network_security_group", "nodes", Action::Create);
    rc.attributes = vec![set(
        "security_rule",
        json!([{"name": "deny-ssh", "description": null, "priority": 4000, "source_port_ranges": null}]),
    )];
    let text = plain(&plan(vec![rc]));
    assert!(text.contains(r#""name"     = "deny-ssh""#), "{text}");
    assert!(text.contains(r#""priority" = 4000"#), "{text}");
    assert!(!text.contains("description"), "{text}");
    assert!(!text.contains("source_port_ranges"), "{text}");
}

#[test]
fn a_created_block_shows_its_known_parts_and_marks_the_rest() {
    let mut rc = managed("azurerm_kubernetes_cluster", "main", Action::Create);
    rc.attributes = vec![set(
        "identity",
        json!([{"type": "SystemAssigned", "principal_id": null, "identity_ids": null}]),
    )];
    rc.after_unknown = json!({"identity": [{"principal_id": true}]});
    let text = plain(&plan(vec![rc]));
    assert!(
        text.contains(r#""principal_id" = (known after apply)"#),
        "{text}"
    );
    assert!(
        text.contains(r#""type"         = "SystemAssigned""#),
        "{text}"
    );
    assert!(!text.contains("identity_ids"), "{text}");
    assert!(!text.contains("identity = (known after apply)"), "{text}");
}

#[test]
fn upgrade_steps_are_listed_in_order_under_the_resource() {
    let mut rc = cluster_update();
    rc.attributes = vec![changed("kubernetes_version", json!("1.32"), json!("1.34"))];
    let step = |pool: Option<&str>, from: &str, to: &str| crate::plan::types::UpgradeStep {
        id: cluster_id(),
        pool: pool.map(str::to_string),
        from: from.into(),
        to: to.into(),
    };
    rc.upgrade_steps = vec![
        step(None, "1.32.7", "1.33.5"),
        step(None, "1.33.5", "1.34"),
        step(Some("system"), "1.32.7", "1.33.5"),
    ];
    let text = plain(&plan(vec![rc]));
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in:\n{text}"))
    };
    assert!(
        at("# upgrade steps, one AKS operation each, in this order:")
            < at("1. control plane 1.32.7 -> 1.33.5")
    );
    assert!(at("1. control plane 1.32.7 -> 1.33.5") < at("2. control plane 1.33.5 -> 1.34"));
    assert!(at("2. control plane 1.33.5 -> 1.34") < at("3. node pool \"system\" 1.32.7 -> 1.33.5"));
    assert!(at("3. node pool") < at("Plan: 0 to add, 1 to change"));
}
