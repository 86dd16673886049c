//! The credential decision: one row per environment combination, and no secret in any output.

use super::*;

/// Every secret and token in these tests carries one of these markers; no output may contain one.
pub(super) const MARKERS: [&str; 2] = ["SECRET-MARKER", "TOKEN-MARKER"];
const SECRET: &str = "SECRET-MARKER-arm";
const AZ_SECRET: &str = "SECRET-MARKER-azure";
const PV_SECRET: &str = "SECRET-MARKER-provider";
const TOKEN: &str = "TOKEN-MARKER-bearer";
const OIDC: &str = "TOKEN-MARKER-oidc";
const ADO: &str = "TOKEN-MARKER-ado";

pub(super) fn assert_clean(text: &str) {
    for marker in MARKERS {
        assert!(
            !text.contains(marker),
            "a secret leaked into output: {text}"
        );
    }
}

fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn p() -> ProviderSettings {
    ProviderSettings::default()
}
fn s(value: &'static str) -> Option<String> {
    Some(value.to_owned())
}
fn sec(value: &'static str) -> Option<Secret> {
    Some(Secret::new(value))
}
fn cli(tenant: Option<&str>) -> CredentialChoice {
    CredentialChoice::AzureCli {
        tenant_id: tenant.map(str::to_owned),
    }
}
fn msi(client: Option<&str>) -> CredentialChoice {
    CredentialChoice::ManagedIdentity {
        client_id: client.map(str::to_owned),
    }
}
fn bearer(token: &'static str) -> CredentialChoice {
    CredentialChoice::AccessToken {
        token: Secret::new(token),
    }
}
fn cs(tenant: &str, client: &str, secret: &'static str) -> CredentialChoice {
    let (tenant_id, client_id) = (tenant.to_owned(), client.to_owned());
    CredentialChoice::ClientSecret {
        tenant_id,
        client_id,
        secret: Secret::new(secret),
    }
}
fn wi(tenant: &str, client: &str, source: OidcSource) -> CredentialChoice {
    let (tenant_id, client_id) = (tenant.to_owned(), client.to_owned());
    CredentialChoice::WorkloadIdentity {
        tenant_id,
        client_id,
        source,
    }
}
fn file(path: &str) -> OidcSource {
    OidcSource::TokenFile(PathBuf::from(path))
}
fn inline(token: &'static str) -> OidcSource {
    OidcSource::Token(Secret::new(token))
}

type Vars = &'static [(&'static str, &'static str)];
const ARM_SP: Vars = &[
    ("ARM_CLIENT_ID", "c-arm"),
    ("ARM_CLIENT_SECRET", SECRET),
    ("ARM_TENANT_ID", "t-arm"),
];
const AZ_SP: Vars = &[
    ("AZURE_CLIENT_ID", "c-az"),
    ("AZURE_CLIENT_SECRET", AZ_SECRET),
    ("AZURE_TENANT_ID", "t-az"),
];
const IDS: Vars = &[("ARM_CLIENT_ID", "c-arm"), ("ARM_TENANT_ID", "t-arm")];

struct Row {
    name: &'static str,
    env: Vec<(&'static str, &'static str)>,
    provider: ProviderSettings,
    /// The choice, or a fragment of the error message.
    expect: Result<CredentialChoice, &'static str>,
}

fn row(
    name: &'static str,
    env: &[Vars],
    provider: ProviderSettings,
    expect: Result<CredentialChoice, &'static str>,
) -> Row {
    Row {
        name,
        env: env.iter().flat_map(|v| v.iter().copied()).collect(),
        provider,
        expect,
    }
}

#[rustfmt::skip]
fn table() -> Vec<Row> {
    let pipeline: Vars = &[("ARM_USE_OIDC", "true"), ("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "conn-1")];
    let ado_url: Vars = &[("SYSTEM_OIDCREQUESTURI", "https://dev.azure.com/org/_apis/oidc")];
    let ado = OidcSource::AzurePipelines { service_connection_id: "conn-1".into(), system_access_token: Secret::new(ADO) };
    vec![
        // The Azure CLI is the fallback.
        row("nothing set: Azure CLI", &[], p(), Ok(cli(None))),
        row("a tenant is passed to the CLI", &[&[("ARM_TENANT_ID", "t-arm")]], p(), Ok(cli(Some("t-arm")))),
        row("blank values count as unset", &[&[("ARM_CLIENT_SECRET", ""), ("ARM_CLIENT_ID", "  ")]], p(), Ok(cli(None))),
        row("ARM_USE_CLI=true takes a lone client id", &[IDS, &[("ARM_USE_CLI", "true")]], p(), Ok(cli(Some("t-arm")))),
        // Client secret.
        row("client secret, ARM_ names", &[ARM_SP], p(), Ok(cs("t-arm", "c-arm", SECRET))),
        row("client secret, AZURE_ names", &[AZ_SP], p(), Ok(cs("t-az", "c-az", AZ_SECRET))),
        row("ARM_ names win over AZURE_ names", &[AZ_SP, ARM_SP], p(), Ok(cs("t-arm", "c-arm", SECRET))),
        row("ARM_ and AZURE_ names mix", &[&[("ARM_CLIENT_ID", "c-arm"), ("AZURE_CLIENT_SECRET", AZ_SECRET), ("AZURE_TENANT_ID", "t-az")]], p(), Ok(cs("t-az", "c-arm", AZ_SECRET))),
        row("the provider block overrides the environment", &[ARM_SP, AZ_SP], ProviderSettings { client_id: s("c-pv"), client_secret: sec(PV_SECRET), tenant_id: s("t-pv"), ..p() }, Ok(cs("t-pv", "c-pv", PV_SECRET))),
        row("a provider secret with ids from the environment", &[IDS], ProviderSettings { client_secret: sec(PV_SECRET), ..p() }, Ok(cs("t-arm", "c-arm", PV_SECRET))),
        row("a client secret wins over MSI", &[ARM_SP, &[("ARM_USE_MSI", "true")]], p(), Ok(cs("t-arm", "c-arm", SECRET))),
        // A ready token wins over everything.
        row("ARM_ACCESS_TOKEN wins over everything", &[ARM_SP, &[("ARM_ACCESS_TOKEN", TOKEN), ("ARM_USE_OIDC", "true"), ("AZURE_FEDERATED_TOKEN_FILE", "/f"), ("ARM_USE_MSI", "1")]], ProviderSettings { use_cli: Some(false), client_secret: sec(PV_SECRET), ..p() }, Ok(bearer(TOKEN))),
        row("ARM_ACCESS_TOKEN is trimmed", &[&[("ARM_ACCESS_TOKEN", "TOKEN-MARKER-bearer\n")]], p(), Ok(bearer(TOKEN))),
        // Workload identity federation.
        row("OIDC via ARM_USE_OIDC and a token file", &[IDS, &[("ARM_USE_OIDC", "true"), ("ARM_OIDC_TOKEN_FILE_PATH", "/run/token")]], p(), Ok(wi("t-arm", "c-arm", file("/run/token")))),
        row("OIDC via AKS workload identity variables alone", &[&[("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"), ("AZURE_CLIENT_ID", "c-az"), ("AZURE_TENANT_ID", "t-az")]], p(), Ok(wi("t-az", "c-az", file("/var/run/secrets/azure/tokens/azure-identity-token")))),
        row("OIDC via ARM_OIDC_TOKEN alone", &[IDS, &[("ARM_OIDC_TOKEN", OIDC)]], p(), Ok(wi("t-arm", "c-arm", inline(OIDC)))),
        row("OIDC via the provider block", &[], ProviderSettings { use_oidc: Some(true), client_id: s("c-pv"), tenant_id: s("t-pv"), oidc_token_file_path: s("/pv/token"), ..p() }, Ok(wi("t-pv", "c-pv", file("/pv/token")))),
        row("provider oidc_token wins over the token file", &[IDS, &[("AZURE_FEDERATED_TOKEN_FILE", "/f")]], ProviderSettings { oidc_token: sec(OIDC), ..p() }, Ok(wi("t-arm", "c-arm", inline(OIDC)))),
        row("ARM_OIDC_TOKEN_FILE_PATH wins over AZURE_FEDERATED_TOKEN_FILE", &[IDS, &[("AZURE_FEDERATED_TOKEN_FILE", "/az"), ("ARM_OIDC_TOKEN_FILE_PATH", "/arm")]], p(), Ok(wi("t-arm", "c-arm", file("/arm")))),
        row("OIDC wins over a client secret", &[ARM_SP, &[("ARM_USE_OIDC", "TRUE"), ("ARM_OIDC_TOKEN_FILE_PATH", "/f")]], p(), Ok(wi("t-arm", "c-arm", file("/f")))),
        row("ARM_USE_OIDC=false ignores a token file", &[ARM_SP, &[("ARM_USE_OIDC", "false"), ("AZURE_FEDERATED_TOKEN_FILE", "/f")]], p(), Ok(cs("t-arm", "c-arm", SECRET))),
        row("OIDC via an Azure Pipelines service connection", &[IDS, pipeline, ado_url, &[("SYSTEM_ACCESSTOKEN", ADO)]], p(), Ok(wi("t-arm", "c-arm", ado.clone()))),
        // Managed identity.
        row("MSI, system-assigned", &[&[("ARM_USE_MSI", "true")]], p(), Ok(msi(None))),
        row("MSI, user-assigned by ARM_CLIENT_ID", &[&[("ARM_USE_MSI", "True"), ("ARM_CLIENT_ID", "c-arm")]], p(), Ok(msi(Some("c-arm")))),
        row("MSI via the provider block, AZURE_CLIENT_ID", &[&[("AZURE_CLIENT_ID", "c-az")]], ProviderSettings { use_msi: Some(true), ..p() }, Ok(msi(Some("c-az")))),
        row("ARM_USE_MSI=1", &[&[("ARM_USE_MSI", "1")]], p(), Ok(msi(None))),
        row("the provider's use_msi=false wins over ARM_USE_MSI", &[&[("ARM_USE_MSI", "true")]], ProviderSettings { use_msi: Some(false), ..p() }, Ok(cli(None))),
        // Nothing usable.
        row("use_cli=false and nothing else", &[], ProviderSettings { use_cli: Some(false), ..p() }, Err("no credential is configured and use_cli (provider block) turns off the Azure CLI")),
        row("ARM_USE_CLI=0 and nothing else", &[&[("ARM_USE_CLI", "0")]], p(), Err("no credential is configured and ARM_USE_CLI turns off the Azure CLI")),
        // Incomplete combinations.
        row("secret without client id", &[&[("ARM_CLIENT_SECRET", SECRET), ("ARM_TENANT_ID", "t")]], p(), Err("ARM_CLIENT_SECRET is set but ARM_CLIENT_ID is not; set it to use the client secret (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID) credential")),
        row("secret without tenant", &[&[("ARM_CLIENT_SECRET", SECRET), ("ARM_CLIENT_ID", "c")]], p(), Err("ARM_CLIENT_SECRET is set but ARM_TENANT_ID is not")),
        row("AZURE_ secret without tenant", &[&[("AZURE_CLIENT_SECRET", AZ_SECRET), ("AZURE_CLIENT_ID", "c")]], p(), Err("AZURE_CLIENT_SECRET is set but ARM_TENANT_ID is not")),
        row("provider secret without tenant", &[&[("ARM_CLIENT_ID", "c")]], ProviderSettings { client_secret: sec(PV_SECRET), ..p() }, Err("client_secret (provider block) is set but ARM_TENANT_ID is not")),
        row("a lone client id", &[IDS], p(), Err("ARM_CLIENT_ID is set but no credential uses it")),
        row("a lone AZURE_CLIENT_ID", &[&[("AZURE_CLIENT_ID", "c")]], p(), Err("AZURE_CLIENT_ID is set but no credential uses it")),
        row("a lone provider client_id", &[], ProviderSettings { client_id: s("c"), ..p() }, Err("client_id (provider block) is set but no credential uses it")),
        row("ARM_USE_OIDC without client id", &[&[("ARM_USE_OIDC", "true"), ("ARM_TENANT_ID", "t"), ("ARM_OIDC_TOKEN", OIDC)]], p(), Err("ARM_USE_OIDC is set but ARM_CLIENT_ID is not; set it to use the workload identity federation")),
        row("token file without tenant", &[&[("AZURE_FEDERATED_TOKEN_FILE", "/f"), ("AZURE_CLIENT_ID", "c")]], p(), Err("AZURE_FEDERATED_TOKEN_FILE is set but ARM_TENANT_ID is not")),
        row("provider use_oidc without tenant", &[&[("ARM_CLIENT_ID", "c")]], ProviderSettings { use_oidc: Some(true), ..p() }, Err("use_oidc (provider block) is set but ARM_TENANT_ID is not")),
        row("ARM_USE_OIDC without a token", &[ARM_SP, &[("ARM_USE_OIDC", "true")]], p(), Err("ARM_USE_OIDC asks for workload identity federation but there is no federated token: set ARM_OIDC_TOKEN_FILE_PATH")),
        row("GitHub Actions token request", &[IDS, &[("ARM_USE_OIDC", "true"), ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://token.actions.githubusercontent.com/x"), ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", TOKEN)]], p(), Err("ACTIONS_ID_TOKEN_REQUEST_URL is set, but requesting the GitHub Actions OIDC token is not supported yet")),
        row("Azure Pipelines without an access token", &[IDS, pipeline, ado_url], p(), Err("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID is set but SYSTEM_ACCESSTOKEN (or ARM_OIDC_REQUEST_TOKEN) is not")),
        row("Azure Pipelines without the request URI", &[IDS, pipeline, &[("ARM_OIDC_REQUEST_TOKEN", ADO)]], p(), Err("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID is set but SYSTEM_OIDCREQUESTURI is not")),
        row("MSI with a custom endpoint", &[&[("ARM_USE_MSI", "true"), ("ARM_MSI_ENDPOINT", "http://169.254.169.254/x")]], p(), Err("ARM_MSI_ENDPOINT is not supported")),
        row("provider msi_endpoint", &[], ProviderSettings { use_msi: Some(true), msi_endpoint: s("http://x"), ..p() }, Err("msi_endpoint (provider block) is not supported")),
        row("a boolean that is not one", &[&[("ARM_USE_MSI", "yes")]], p(), Err("ARM_USE_MSI must be true or false (1 and 0 are accepted too)")),
        row("a bad boolean is reported even when a token wins", &[&[("ARM_ACCESS_TOKEN", TOKEN), ("ARM_USE_OIDC", "maybe")]], p(), Err("ARM_USE_OIDC must be true or false")),
    ]
}

#[test]
fn each_environment_combination_picks_the_right_credential() {
    for Row {
        name,
        env,
        provider,
        expect,
    } in table()
    {
        let got = choose(&env_of(&env), &provider);
        assert_clean(&format!("{provider:?}"));
        match (&got, &expect) {
            (Ok(choice), Ok(want)) => {
                assert_eq!(choice, want, "{name}: got {choice:?}, want {want:?}");
                assert_eq!(choice.kind(), want.kind(), "{name}");
                assert_clean(&format!("{choice:?} {}", choice.kind()));
            }
            (Err(err), Err(fragment)) => {
                let message = err.to_string();
                assert!(
                    message.contains(fragment),
                    "{name}: {message:?} lacks {fragment:?}"
                );
                assert_clean(&format!("{err} {err:?}"));
            }
            _ => panic!("{name}: got {got:?}, want {expect:?}"),
        }
    }
}

#[test]
fn kinds_name_their_variables() {
    let kinds = [
        (
            CredentialKind::ClientSecret,
            "client secret (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID)",
        ),
        (
            CredentialKind::WorkloadIdentity,
            "workload identity federation (ARM_USE_OIDC",
        ),
        (
            CredentialKind::ManagedIdentity,
            "managed identity (ARM_USE_MSI",
        ),
        (
            CredentialKind::AccessToken,
            "access token (ARM_ACCESS_TOKEN)",
        ),
        (CredentialKind::AzureCli, "Azure CLI"),
    ];
    for (kind, text) in kinds {
        assert!(kind.to_string().starts_with(text), "{kind}");
    }
}

#[test]
fn subscription_prefers_provider_then_arm_then_azure() {
    let both = [
        ("ARM_SUBSCRIPTION_ID", "s-arm"),
        ("AZURE_SUBSCRIPTION_ID", "s-az"),
    ];
    let provider = ProviderSettings {
        subscription_id: s("s-pv"),
        ..p()
    };
    assert_eq!(
        subscription(&env_of(&both), &provider).as_deref(),
        Some("s-pv")
    );
    assert_eq!(subscription(&env_of(&both), &p()).as_deref(), Some("s-arm"));
    assert_eq!(
        subscription(&env_of(&both[1..]), &p()).as_deref(),
        Some("s-az")
    );
    assert_eq!(subscription(&env_of(&[]), &p()), None);
    let blank = ProviderSettings {
        subscription_id: s(" "),
        ..p()
    };
    assert_eq!(
        subscription(&env_of(&both[1..]), &blank).as_deref(),
        Some("s-az")
    );
}

/// Every secret variable and provider field holds a marker; whatever is chosen or refused, and
/// however it is formatted, no marker shows.
#[test]
fn secrets_never_appear_in_debug_display_or_errors() {
    let provider = ProviderSettings {
        client_secret: sec("SECRET-MARKER-pv"),
        oidc_token: sec("TOKEN-MARKER-pv"),
        ..p()
    };
    let debug = format!("{provider:?} {provider:#?}");
    assert_clean(&debug);
    assert!(debug.contains("client_secret: Some(\"***\")"), "{debug}");
    let secrets: Vars = &[
        ("ARM_CLIENT_SECRET", "SECRET-MARKER-1"),
        ("AZURE_CLIENT_SECRET", "SECRET-MARKER-2"),
        ("ARM_OIDC_TOKEN", "TOKEN-MARKER-3"),
        ("SYSTEM_ACCESSTOKEN", "TOKEN-MARKER-4"),
        ("ARM_OIDC_REQUEST_TOKEN", "TOKEN-MARKER-5"),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "TOKEN-MARKER-6"),
    ];
    let token: Vars = &[("ARM_ACCESS_TOKEN", "TOKEN-MARKER-7")];
    let extras: [Vars; 8] = [
        &[],
        IDS,
        token,
        &[("ARM_USE_OIDC", "1")],
        &[("ARM_USE_OIDC", "0"), ("ARM_TENANT_ID", "t")],
        &[("ARM_USE_OIDC", "0"), ("ARM_CLIENT_ID", "c")],
        &[("ARM_USE_MSI", "nope")],
        &[("ARM_USE_CLI", "false")],
    ];
    let mut outcomes = 0;
    for extra in extras {
        for with_provider in [p(), provider.clone()] {
            let env: Vec<_> = secrets.iter().chain(extra.iter()).copied().collect();
            match choose(&env_of(&env), &with_provider) {
                Ok(choice) => assert_clean(&format!("{choice:?} {choice:#?} {}", choice.kind())),
                Err(err) => assert_clean(&format!("{err} {err:?} {err:#?}")),
            }
            outcomes += 1;
        }
    }
    assert_eq!(outcomes, 16);
    let ado = OidcSource::AzurePipelines {
        service_connection_id: "conn".into(),
        system_access_token: Secret::new("TOKEN-MARKER-8"),
    };
    assert_clean(&format!("{ado:?} {:?}", inline("TOKEN-MARKER-9")));
}
