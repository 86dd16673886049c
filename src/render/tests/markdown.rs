//! Tests of the Markdown renderer: snapshots, the destructive-change callout, escaping of plan
//! text in tables and callouts, fences that survive backticks, and no ANSI codes.

use serde_json::json;

use super::fixtures::*;
use super::render_markdown;
use super::scenarios::*;
use crate::plan::{Action, Plan};

/// The fence lines (opening and closing) of every fenced block: runs of three or more backticks
/// at the start of a line.
fn fences(md: &str) -> Vec<&str> {
    md.lines().filter(|l| l.starts_with("```")).collect()
}

/// The longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[test]
fn mixed_plan() {
    let md = render_markdown(&mixed());
    assert!(
        md.starts_with("**Plan:** 2 to import, 3 to add, 1 to change, 2 to destroy.\n"),
        "{md}"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn emulator_plan() {
    let md = render_markdown(&on_emulator(plan(vec![cluster_update()])));
    let line = format!("> Target: the built-in emulator ({EMULATOR}), not Azure.");
    assert_eq!(md.matches(&line).count(), 1, "{md}");
    assert_eq!(md.matches("emulator").count(), 1, "{md}");
    assert!(md.contains(&format!("> [!NOTE]\n{line}\n")), "{md}");
    insta::assert_snapshot!(md);
}

#[test]
fn empty_plan() {
    let md = render_markdown(&plan(vec![plan_time_read()]));
    assert_eq!(
        md,
        "**No changes.** Your infrastructure matches the configuration.\n"
    );
}

#[test]
fn no_changes_with_notes() {
    let mut p = plan(vec![cluster_noop_with_note()]);
    p.notes = vec!["a plan-wide note".into()];
    insta::assert_snapshot!(render_markdown(&p));
}

#[test]
fn caution_only_when_something_is_destroyed() {
    let quiet = [
        plan(vec![
            cluster_create(),
            cluster_update(),
            identity_import(true),
        ]),
        plan(vec![deferred_read(), resource_group_create()]),
        plan(vec![]),
    ];
    for p in quiet {
        let md = render_markdown(&p);
        assert!(!md.contains("[!CAUTION]"), "{md}");
    }
    for (p, noun) in [
        (plan(vec![subnet_delete()]), "1 resource"),
        (plan(vec![pool_replace(true)]), "1 resource"),
        (
            plan(vec![cluster_update(), pool_replace(false), subnet_delete()]),
            "2 resources",
        ),
    ] {
        let md = render_markdown(&p);
        assert_eq!(md.matches("> [!CAUTION]\n").count(), 1, "{md}");
        assert!(
            md.contains(&format!("> This plan destroys or replaces {noun}:\n")),
            "{md}"
        );
    }
}

#[test]
fn caution_lists_each_destructive_resource_with_its_reasons() {
    let md = render_markdown(&plan(vec![
        cluster_update(),
        pool_replace(false),
        subnet_delete(),
    ]));
    let callout: Vec<&str> = md.lines().filter(|l| l.starts_with("> - ")).collect();
    assert_eq!(
        callout,
        [
            "> - <code>azurerm_kubernetes_cluster_node_pool.user</code> must be replaced (vm_size cannot be changed in place)",
            "> - <code>azurerm_subnet.legacy</code> will be destroyed (it is no longer in the configuration)",
        ],
        "{md}"
    );
}

/// A destroyed role assignment whose `for_each` key and reason hold Markdown and HTML.
fn hostile() -> Plan {
    let mut rc = managed("azurerm_role_assignment", "admins", Action::Delete);
    rc.address = r#"azurerm_role_assignment.admins["a|b<i>`x`</i>&c"]"#.into();
    rc.index = Some(json!("a|b<i>`x`</i>&c"));
    rc.reasons = vec!["the key `a|b` is <b>gone</b>\nfrom the config".into()];
    rc.before = Some(json!({"principal_id": "p|q"}));
    let mut p = plan(vec![rc]);
    p.notes = vec!["note with | and <script>".into()];
    p
}

#[test]
fn plan_text_is_escaped_in_tables_callouts_and_notes() {
    let md = render_markdown(&hostile());
    let escaped_address = "<code>azurerm_role_assignment.admins[\"a&#124;b&lt;i&gt;&#96;x&#96;&lt;/i&gt;&amp;c\"]</code>";
    let escaped_reason = "the key &#96;a&#124;b&#96; is &lt;b&gt;gone&lt;/b&gt; from the config";
    let row = md
        .lines()
        .find(|l| l.starts_with("| `-` |"))
        .unwrap_or_else(|| panic!("a table row in:\n{md}"));
    assert_eq!(
        row,
        format!("| `-` | {escaped_address} | destroy | {escaped_reason} |")
    );
    assert_eq!(
        row.matches('|').count(),
        5,
        "only the cell separators are raw pipes: {row}"
    );
    assert!(
        md.contains(&format!(
            "> - {escaped_address} will be destroyed ({escaped_reason})\n"
        )),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "<details><summary>{escaped_address} — destroy</summary>"
        )),
        "{md}"
    );
    assert!(
        md.contains("- note with &#124; and &lt;script&gt;\n"),
        "{md}"
    );
    let outside_fences: String = md.split("```").step_by(2).collect();
    for raw in ["<i>", "<b>", "<script>", "|b<"] {
        assert!(!outside_fences.contains(raw), "{raw} unescaped:\n{md}");
    }
    insta::assert_snapshot!(md);
}

#[test]
fn fences_are_longer_than_any_backtick_run_inside() {
    let mut rc = cluster_update();
    rc.attributes.push(changed(
        "tags.note",
        json!("uses ``` fences"),
        json!("uses ````` fences"),
    ));
    let mut p = plan(vec![rc]);
    p.outputs = vec![output("snippet", Action::Create, Some(json!("``")))];
    let md = render_markdown(&p);
    let fences = fences(&md);
    assert_eq!(fences, ["``````diff", "``````", "```diff", "```"], "{md}");
    let (_, body) = md.split_once("``````diff\n").expect("the resource fence");
    let (body, _) = body.split_once("\n``````\n").expect("its end");
    assert_eq!(longest_backtick_run(body), 5, "{body}");
}

#[test]
fn fences_mark_lines_in_the_first_column() {
    let md = render_markdown(&plan(vec![cluster_update(), subnet_delete()]));
    assert!(
        md.contains("\n~   resource \"azurerm_kubernetes_cluster\" \"main\" {\n"),
        "{md}"
    );
    assert!(md.contains("\n~           max_count = 5 -> 7\n"), "{md}");
    assert!(
        md.contains("\n+           \"managed_by\"  = \"aksform\"\n"),
        "{md}"
    );
    assert!(
        md.contains("\n-           \"cost_center\" = \"1234\" -> null\n"),
        "{md}"
    );
    assert!(
        md.contains("\n-   resource \"azurerm_subnet\" \"legacy\" {\n"),
        "{md}"
    );
    assert!(
        md.contains("\n  # azurerm_subnet.legacy will be destroyed\n"),
        "comments stay:\n{md}"
    );
}

#[test]
fn details_cell_names_changed_paths_and_truncates() {
    let mut rc = cluster_update();
    for i in 0..6 {
        rc.attributes
            .push(changed(&format!("setting_{i}"), json!(i), json!(i + 1)));
    }
    rc.attributes
        .push(changed("sku_tier", json!("Free"), json!("Free")));
    let md = render_markdown(&plan(vec![rc, pool_replace(true)]));
    let row = |needle: &str| {
        md.lines()
            .find(|l| l.starts_with('|') && l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} row in:\n{md}"))
            .to_string()
    };
    assert!(row("azurerm_kubernetes_cluster.main").ends_with(
        "| update in-place | <code>tags</code>, <code>default_node_pool.max_count</code>, <code>setting_0</code>, <code>setting_1</code>, <code>setting_2</code> and 3 more |"
    ), "{md}");
    assert!(
        !md.contains("<code>sku_tier</code>"),
        "unchanged attributes are not named:\n{md}"
    );
    assert!(row("node_pool.user").ends_with(
        "| `+/-` | <code>azurerm_kubernetes_cluster_node_pool.user</code> | replace (create, then destroy) | <code>vm_size</code> (forces replacement), <code>max_count</code> |"
    ), "{md}");
}

#[test]
fn there_are_no_ansi_codes() {
    for p in [
        mixed(),
        on_emulator(mixed()),
        hostile(),
        plan(vec![]),
        plan(vec![secrets_update()]),
    ] {
        let md = render_markdown(&p);
        assert!(!md.contains('\x1b'), "{md}");
    }
}

#[test]
fn secrets_stay_hidden() {
    let md = render_markdown(&plan(vec![cluster_create(), secrets_update()]));
    for secret in ["P@ssw0rd!", "old-s3cret", "new-s3cret", "P@ss-old"] {
        assert!(!md.contains(secret), "{secret} leaked:\n{md}");
    }
    let mut p = plan(vec![]);
    p.outputs = outputs();
    let md = render_markdown(&p);
    assert!(
        md.contains("\n+   kube_config         = (sensitive value)\n"),
        "{md}"
    );
    assert!(!md.contains("apiVersion"), "{md}");
}
