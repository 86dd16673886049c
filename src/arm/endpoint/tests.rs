//! Endpoint resolution: clouds, URLs, loopback-only http, scope overrides and refusals.

use super::*;

fn resolve(setting: &str) -> Result<Endpoint, AuthError> {
    Endpoint::resolve_with_scope(Some(setting), None)
}

fn refusal(setting: &str) -> String {
    match resolve(setting) {
        Ok(endpoint) => panic!("{setting:?} should be refused, got {endpoint:?}"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn each_cloud_has_its_base_scope_and_authority() {
    let cases = [
        (
            None,
            "https://management.azure.com/",
            "public",
            Cloud::Public,
        ),
        (
            Some("public"),
            "https://management.azure.com/",
            "public",
            Cloud::Public,
        ),
        (
            Some("usgovernment"),
            "https://management.usgovcloudapi.net/",
            "usgovernment",
            Cloud::UsGovernment,
        ),
        (
            Some("china"),
            "https://management.chinacloudapi.cn/",
            "china",
            Cloud::China,
        ),
    ];
    for (setting, base, name, cloud) in cases {
        let endpoint = Endpoint::resolve_with_scope(setting, None).unwrap();
        assert_eq!(endpoint.base.as_str(), base, "{setting:?}");
        assert_eq!(endpoint.scope, format!("{base}.default"), "{setting:?}");
        assert_eq!(endpoint.name, name);
        assert_eq!(endpoint.cloud, cloud);
        assert!(!endpoint.is_loopback());
    }
    let authority = |s| resolve(s).unwrap().authority_host();
    assert_eq!(authority("public"), "https://login.microsoftonline.com");
    assert_eq!(
        authority("usgovernment"),
        "https://login.microsoftonline.us"
    );
    assert_eq!(authority("china"), "https://login.chinacloudapi.cn");
    assert_eq!(
        authority("https://arm.example.com"),
        "https://login.microsoftonline.com"
    );
    assert_eq!(Cloud::China.configuration(), CloudConfiguration::AzureChina);
    assert_eq!(
        Cloud::UsGovernment.configuration(),
        CloudConfiguration::AzureGovernment
    );
    assert_eq!(
        Cloud::Custom.configuration(),
        CloudConfiguration::AzurePublic
    );
}

#[test]
fn names_are_case_insensitive_and_azurerm_aliases_work() {
    for (alias, cloud) in [
        ("PUBLIC", Cloud::Public),
        ("Global", Cloud::Public),
        ("UsGovernment", Cloud::UsGovernment),
        ("usgovernmentl4", Cloud::UsGovernment),
        ("USGovernmentL5", Cloud::UsGovernment),
        ("dod", Cloud::UsGovernment),
        ("China", Cloud::China),
        ("  china  ", Cloud::China),
    ] {
        assert_eq!(resolve(alias).unwrap().cloud, cloud, "{alias}");
    }
    // Blank means unset, which is the public cloud.
    assert_eq!(resolve("  ").unwrap().cloud, Cloud::Public);
}

#[test]
fn https_urls_keep_their_path_and_default_to_the_public_scope() {
    let endpoint = resolve("https://arm.example.com/prefix").unwrap();
    assert_eq!(endpoint.base.as_str(), "https://arm.example.com/prefix/");
    assert_eq!(endpoint.scope, PUBLIC_SCOPE);
    assert_eq!(endpoint.name, "https://arm.example.com/prefix/");
    assert_eq!(endpoint.cloud, Cloud::Custom);
    assert!(!endpoint.is_loopback());
    assert_eq!(endpoint.to_string(), "https://arm.example.com/prefix/");
    let public = Endpoint::resolve_with_scope(None, None).unwrap();
    assert_eq!(public.to_string(), "public (https://management.azure.com/)");
    let joined = resolve("https://arm.example.com:8443")
        .unwrap()
        .base
        .join("subscriptions/s");
    assert_eq!(
        joined.unwrap().as_str(),
        "https://arm.example.com:8443/subscriptions/s"
    );
}

#[test]
fn plain_http_is_accepted_on_loopback() {
    for url in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3/",
        "http://localhost:1234",
        "http://LOCALHOST",
        "http://[::1]:8443/",
        "https://127.0.0.1:8443",
    ] {
        let endpoint = resolve(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(endpoint.is_loopback(), "{url}");
        assert_eq!(endpoint.scope, PUBLIC_SCOPE);
        assert!(endpoint.base.as_str().ends_with('/'));
    }
}

#[test]
fn plain_http_elsewhere_is_refused_with_the_reason() {
    for url in [
        "http://arm.example.com",
        "http://10.0.0.5:8080/",
        "http://0.0.0.0:8080",
        "http://[::2]/",
        "http://localhost.example.com/",
        "http://128.0.0.1/",
    ] {
        let message = refusal(url);
        assert!(
            message.contains("refusing the plain http endpoint http://"),
            "{message}"
        );
        assert!(message.contains("bearer token in clear text"), "{message}");
        assert!(message.contains("use https"), "{message}");
    }
    assert!(refusal("http://arm.example.com:81/x").contains("http://arm.example.com:81:"));
}

#[test]
fn unusable_urls_are_refused() {
    assert!(refusal("ftp://arm.example.com").contains("must use https"));
    assert!(refusal("https://user:pw@arm.example.com").contains("user name or password"));
    assert!(!refusal("https://user:pw@arm.example.com").contains("pw"));
    assert!(refusal("https://arm.example.com/?a=b").contains("query string"));
    assert!(refusal("https://arm.example.com/#frag").contains("fragment"));
    assert!(refusal("https://").contains("not a usable URL"));
    assert!(refusal("https://[::1").contains("not a usable URL"));
}

#[test]
fn garbage_is_refused_listing_the_accepted_values() {
    for garbage in [
        "AzureUSGovernmentCloud",
        "mars",
        "management.azure.com",
        "pub lic",
    ] {
        let message = refusal(garbage);
        assert!(
            message.contains(&format!("unknown endpoint {garbage:?}")),
            "{message}"
        );
        for accepted in ["public", "usgovernment", "china", "https:// URL"] {
            assert!(message.contains(accepted), "{message}");
        }
    }
    for hidden in [
        "x".repeat(41),
        "eyJ0eXAiOiJKV1Qi.eyJhdWQiOiJodHRwczov.c2lnbmF0dXJl/+=".to_owned(),
    ] {
        let message = refusal(&hidden);
        assert!(
            message.starts_with("unknown endpoint (not shown): use public"),
            "{message}"
        );
    }
}

#[test]
fn scope_override_wins_for_every_endpoint() {
    let scope = Some("https://custom.example/.default");
    for setting in [None, Some("china"), Some("http://127.0.0.1:9000")] {
        let endpoint = Endpoint::resolve_with_scope(setting, scope).unwrap();
        assert_eq!(endpoint.scope, "https://custom.example/.default");
    }
    let blank = Endpoint::resolve_with_scope(Some("china"), Some(" ")).unwrap();
    assert_eq!(blank.scope, "https://management.chinacloudapi.cn/.default");
}

#[test]
fn from_env_prefers_provider_then_arm_endpoint_then_arm_environment() {
    let vars = [
        ("ARM_ENDPOINT", "http://127.0.0.1:7000"),
        ("ARM_ENVIRONMENT", "china"),
        ("ARM_SCOPE", "api://emulator/.default"),
    ];
    let env = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let from_provider = Endpoint::from_env(&env, Some("usgovernment")).unwrap();
    assert_eq!(from_provider.cloud, Cloud::UsGovernment);
    assert_eq!(from_provider.scope, "api://emulator/.default");
    let from_endpoint = Endpoint::from_env(&env, None).unwrap();
    assert_eq!(from_endpoint.base.as_str(), "http://127.0.0.1:7000/");
    let only_environment = |name: &str| (name == "ARM_ENVIRONMENT").then(|| "china".to_owned());
    assert_eq!(
        Endpoint::from_env(&only_environment, Some(""))
            .unwrap()
            .cloud,
        Cloud::China
    );
    let nothing = |_: &str| None;
    assert_eq!(
        Endpoint::from_env(&nothing, None).unwrap().cloud,
        Cloud::Public
    );
    let bad = |name: &str| (name == "ARM_ENDPOINT").then(|| "http://arm.example.com".to_owned());
    assert!(matches!(
        Endpoint::from_env(&bad, None),
        Err(AuthError::Endpoint(EndpointError::Insecure { .. }))
    ));
}
