//! Constructing each credential without a network, with the cloud's authority and no secret shown.

use super::*;
use crate::arm::auth::tests::assert_clean;

const TOKEN: &str = "TOKEN-MARKER-static";

fn endpoint(setting: &str) -> Endpoint {
    Endpoint::resolve_with_scope(Some(setting), None).expect("a valid endpoint")
}

fn built(choice: &CredentialChoice, setting: &str) -> String {
    let credential = build(choice, &endpoint(setting))
        .unwrap_or_else(|e| panic!("{choice:?} on {setting}: {e}"));
    let debug = format!("{credential:?}");
    assert_clean(&debug);
    debug
}

fn failure(choice: &CredentialChoice) -> String {
    match build(choice, &endpoint("public")) {
        Ok(credential) => panic!("{choice:?} should fail, built {credential:?}"),
        Err(err) => {
            let text = format!("{err} {err:?}");
            assert_clean(&text);
            assert!(matches!(err, AuthError::Credential { kind, .. } if kind == choice.kind()));
            err.to_string()
        }
    }
}

fn ids() -> (String, String) {
    ("tenant-1".to_owned(), "client-1".to_owned())
}

#[tokio::test]
async fn a_static_token_is_returned_as_is_for_an_hour() {
    let choice = CredentialChoice::AccessToken {
        token: Secret::new(TOKEN),
    };
    let credential = build(&choice, &endpoint("http://127.0.0.1:8080")).unwrap();
    assert_clean(&format!("{credential:?}"));
    let before = OffsetDateTime::now_utc();
    let token = credential
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .unwrap();
    assert_eq!(token.token.secret(), TOKEN);
    assert!(
        token.expires_on >= before + Duration::minutes(59),
        "{:?}",
        token.expires_on
    );
    assert!(token.expires_on <= OffsetDateTime::now_utc() + Duration::minutes(61));
    assert_clean(&format!("{token:?}"));
    let direct = StaticToken::new(Secret::new(TOKEN));
    assert_eq!(format!("{direct:?}"), "StaticToken { token: \"***\" }");
    assert_eq!(
        direct.get_token(&[], None).await.unwrap().token.secret(),
        TOKEN
    );
}

#[test]
fn a_client_secret_uses_the_cloud_authority() {
    let (tenant_id, client_id) = ids();
    let secret = Secret::new("SECRET-MARKER-build");
    let choice = CredentialChoice::ClientSecret {
        tenant_id,
        client_id,
        secret,
    };
    assert!(built(&choice, "public").contains("login.microsoftonline.com"));
    assert!(built(&choice, "usgovernment").contains("login.microsoftonline.us"));
    assert!(built(&choice, "china").contains("login.chinacloudapi.cn"));
    assert!(built(&choice, "http://localhost:9000").contains("login.microsoftonline.com"));
    let bad = CredentialChoice::ClientSecret {
        tenant_id: "not a tenant!".into(),
        client_id: "c".into(),
        secret: Secret::new("SECRET-MARKER-bad"),
    };
    assert!(failure(&bad).starts_with("could not set up the client secret"));
}

#[test]
fn a_workload_identity_reads_its_token_file_or_says_which_file_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "TOKEN-MARKER-federated").unwrap();
    let (tenant_id, client_id) = ids();
    let source = OidcSource::TokenFile(path.clone());
    let choice = CredentialChoice::WorkloadIdentity {
        tenant_id,
        client_id,
        source,
    };
    built(&choice, "usgovernment");

    let (tenant_id, client_id) = ids();
    let source = OidcSource::TokenFile(dir.path().join("absent"));
    let missing = CredentialChoice::WorkloadIdentity {
        tenant_id,
        client_id,
        source,
    };
    let message = failure(&missing);
    assert!(
        message.contains("workload identity federation"),
        "{message}"
    );
    assert!(message.contains("absent"), "{message}");
}

#[test]
fn an_inline_federated_token_becomes_a_client_assertion() {
    let (tenant_id, client_id) = ids();
    let source = OidcSource::Token(Secret::new("TOKEN-MARKER-inline"));
    let choice = CredentialChoice::WorkloadIdentity {
        tenant_id,
        client_id,
        source,
    };
    assert!(built(&choice, "china").contains("login.chinacloudapi.cn"));
    assert_eq!(
        format!("{:?}", StaticAssertion(Secret::new(TOKEN))),
        "StaticAssertion(\"***\")"
    );
}

#[test]
fn azure_pipelines_needs_its_request_uri_from_the_process() {
    let (tenant_id, client_id) = ids();
    let source = OidcSource::AzurePipelines {
        service_connection_id: "conn-1".into(),
        system_access_token: Secret::new("TOKEN-MARKER-ado"),
    };
    let choice = CredentialChoice::WorkloadIdentity {
        tenant_id,
        client_id,
        source,
    };
    if std::env::var_os("SYSTEM_OIDCREQUESTURI").is_some() {
        built(&choice, "public");
    } else {
        assert!(failure(&choice).contains("SYSTEM_OIDCREQUESTURI"));
    }
}

#[test]
fn managed_identity_system_or_user_assigned() {
    // azure_identity picks the source from IDENTITY_ENDPOINT/MSI_ENDPOINT; on a plain host, IMDS.
    let plain = ["IDENTITY_ENDPOINT", "MSI_ENDPOINT"]
        .iter()
        .all(|v| std::env::var_os(v).is_none());
    for client_id in [None, Some("client-1".to_owned())] {
        let choice = CredentialChoice::ManagedIdentity { client_id };
        if plain {
            built(&choice, "public");
        }
    }
}

#[test]
fn the_azure_cli_is_not_run_until_a_token_is_wanted() {
    built(&CredentialChoice::AzureCli { tenant_id: None }, "public");
    built(
        &CredentialChoice::AzureCli {
            tenant_id: Some("tenant-1".into()),
        },
        "china",
    );
    let bad = CredentialChoice::AzureCli {
        tenant_id: Some("bad tenant;rm".into()),
    };
    assert!(failure(&bad).starts_with("could not set up the Azure CLI"));
}
