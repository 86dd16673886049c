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
    assert_eq!(
        out.code, 1,
        "{name}: expected failure\n{}{}",
        out.stdout, out.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let mut lines = 0;
    for line in expect
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        lines += 1;
        let (place, message) = line.split_once(' ').unwrap_or((line, ""));
        let mut parts = place.rsplitn(3, ':');
        let col: u64 = parts.next().and_then(|c| c.parse().ok()).expect("column");
        let row: u64 = parts.next().and_then(|c| c.parse().ok()).expect("line");
        let file = parts.next().expect("file");
        let found = diags.iter().any(|d| {
            let r = &d["range"];
            r["filename"]
                .as_str()
                .is_some_and(|f| f.ends_with(&format!("/{file}")))
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
    argument_as_block,
    bad_api_versions,
    attribute_of_counted_resource,
    authorized_ip_ranges_on_private_cluster,
    autoscaling_without_bounds,
    block_as_argument,
    both_dns_prefixes,
    cidrsubnet_too_many_bits,
    cilium_data_plane_with_azure_policy,
    cost_analysis_on_free_tier,
    count_and_for_each,
    count_unknown_value,
    day_of_month_on_weekly_window,
    default_pool_without_size,
    depends_on_nothing,
    dns_service_ip_outside_service_cidr,
    duplicate_resource_address,
    each_without_for_each,
    empty_entra_block,
    eviction_policy_on_regular_pool,
    file_missing,
    for_each_over_list,
    function_wrong_argument_type,
    function_wrong_arity,
    image_cleaner_interval_without_cleaner,
    index_out_of_range,
    invalid_cidr,
    invalid_guid,
    invalid_pool_name,
    invalid_subnet_id,
    jsondecode_invalid_json,
    local_accounts_disabled_without_entra,
    local_cycle,
    long_term_support_without_premium,
    max_surge_and_max_unavailable,
    min_count_above_max_count,
    min_count_without_autoscaling,
    missing_default_node_pool,
    missing_dns_prefix,
    missing_module_directory,
    missing_required_argument,
    module_missing_required_input,
    network_policy_azure_with_kubenet,
    node_count_outside_bounds,
    node_image_channel_with_security_patch,
    object_variable_missing_attribute,
    overlapping_subnets,
    overlay_with_kubenet,
    pod_cidr_with_flat_azure_cni,
    pool_newer_than_cluster,
    provisioner_refused,
    quoted_type_constraint,
    read_only_attribute,
    regex_does_not_match,
    registry_module_source,
    removed_in_azurerm_4,
    required_variable_without_value,
    resource_cycle,
    same_azure_resource_twice,
    spot_system_pool,
    string_for_number_attribute,
    subnet_outside_vnet,
    syntax_error,
    system_pool_with_zero_nodes,
    tfvars_wrong_type,
    timestamp_refused,
    try_all_alternatives_fail,
    two_default_node_pools,
    undeclared_local,
    undeclared_module_output,
    undeclared_resource,
    undeclared_variable,
    unknown_attribute,
    unknown_function,
    unknown_nested_block,
    unknown_resource_type,
    unknown_top_level_block,
    unsupported_attribute_linux_profile,
    unsupported_resource_type,
    user_assigned_identity_without_ids,
    uuid_refused,
    value_not_allowed,
    value_wrong_case,
    variable_validation_failed,
    weekly_window_without_day_of_week,
    windows_pool_name_too_long,
    workload_identity_without_oidc,
}
