//! Meta-arguments and the blocks around resources: `count`, `for_each`, `depends_on`, `provider`,
//! `lifecycle`, `timeouts`, provider arguments, `features {}`, and module sources.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};

use super::decl::{BodyDecl, IgnoreChanges, Lifecycle, ResourceDecl};
use super::load::{Loader, attr_key_span, fields};
use super::syntax::{Expr, block_header_span, literal_str, static_traversal};
use crate::addr::{Mode, ResourceAddr};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::model::ApiVersions;

/// Arguments the azurerm provider block may carry.
pub const AZURERM_PROVIDER_ARGS: &[&str] = &[
    "alias",
    "subscription_id",
    "tenant_id",
    "client_id",
    "client_secret",
    "client_id_file_path",
    "client_secret_file_path",
    "client_certificate",
    "client_certificate_path",
    "client_certificate_password",
    "environment",
    "metadata_host",
    "use_oidc",
    "oidc_token",
    "oidc_token_file_path",
    "oidc_request_token",
    "oidc_request_url",
    "ado_pipeline_service_connection_id",
    "use_msi",
    "msi_endpoint",
    "use_cli",
    "use_aks_workload_identity",
    "auxiliary_tenant_ids",
    "partner_id",
    "disable_terraform_partner_id",
    "skip_provider_registration",
    "resource_provider_registrations",
    "resource_providers_to_register",
    "storage_use_azuread",
    "disable_correlation_request_id",
    API_VERSIONS_ARG,
];

/// aksform's own provider argument: api-version overrides per provider family.
pub const API_VERSIONS_ARG: &str = "api_versions";

/// Checks `api_versions = { family = "YYYY-MM-DD" }`: a literal map of known families to
/// api-versions. Warns that Terraform itself would reject the argument.
pub fn check_api_versions(expr: &Expr, diags: &mut Diagnostics) {
    diags.push(
        Diagnostic::warning("api_versions is an aksform extension of the provider block")
            .at(expr.span())
            .detail(
                "terraform validate rejects it; AKSFORM_API_VERSION_<FAMILY> environment \
                     variables do the same and keep the configuration Terraform-compatible",
            ),
    );
    let Expression::Object(obj) = &expr.expr else {
        diags.push(
            Diagnostic::error("api_versions must be a literal map")
                .at(expr.span())
                .help("write api_versions = { containerservice = \"2026-08-01\" }"),
        );
        return;
    };
    for (key, value) in obj.iter() {
        let family = match key {
            ObjectKey::Ident(i) => Some(i.as_str().to_string()),
            ObjectKey::Expression(e) => literal_str(e).map(str::to_string),
        };
        let version = literal_str(value.expr());
        let (Some(family), Some(version)) = (family, version) else {
            diags.push(
                Diagnostic::error("api_versions takes literal names and strings")
                    .at(expr.span_of(value.expr()))
                    .help("write api_versions = { containerservice = \"2026-08-01\" }"),
            );
            continue;
        };
        let one = BTreeMap::from([(family, version.to_string())]);
        if let Err(e) = ApiVersions::default().with_overrides(&one, |_| None) {
            diags.push(Diagnostic::error(e.to_string()).at(expr.span_of(value.expr())));
        }
    }
}

/// Why a provider argument has no effect in aksform, for those that have none.
pub fn provider_arg_note(name: &str) -> Option<&'static str> {
    Some(match name {
        "partner_id" | "disable_terraform_partner_id" => {
            "aksform sends its own user agent and no partner id"
        }
        "skip_provider_registration"
        | "resource_provider_registrations"
        | "resource_providers_to_register" => {
            "aksform never registers resource providers; register Microsoft.ContainerService and \
             friends once per subscription"
        }
        "storage_use_azuread" => "aksform manages no storage accounts",
        "auxiliary_tenant_ids" => "aksform works in one tenant",
        "disable_correlation_request_id" => {
            "aksform always sends one correlation id per command run, so support can trace it"
        }
        "client_certificate"
        | "client_certificate_path"
        | "client_certificate_password"
        | "ado_pipeline_service_connection_id" => {
            "this credential type is not supported yet; use a client secret, OIDC, a managed \
             identity or the Azure CLI"
        }
        _ => return None,
    })
}

/// `features {}` sub-blocks aksform understands.
const FEATURES: &[&str] = &["resource_group", "log_analytics_workspace"];

/// Checks the contents of `features {}`: the sub-blocks that matter to the resources aksform
/// manages are accepted; others warn that they have no effect.
pub fn check_features(file: FileId, body: Body, diags: &mut Diagnostics) {
    for structure in body {
        match structure {
            Structure::Attribute(attr) => diags.push(
                Diagnostic::error(format!(
                    "unexpected argument {:?} in features",
                    attr.key.value().as_str()
                ))
                .at(attr_key_span(file, &attr))
                .help("features holds only blocks, e.g. resource_group { ... }"),
            ),
            Structure::Block(block) => {
                let name = block.ident.value().to_string();
                let header = block_header_span(file, &block);
                match name.as_str() {
                    "resource_group" => {
                        fields(
                            file,
                            block.body,
                            "features.resource_group",
                            &["prevent_deletion_if_contains_resources"],
                            &[],
                            diags,
                        );
                    }
                    "log_analytics_workspace" => {
                        fields(
                            file,
                            block.body,
                            "features.log_analytics_workspace",
                            &["permanently_delete_on_destroy"],
                            &[],
                            diags,
                        );
                    }
                    _ => diags.push(
                        Diagnostic::warning(format!("features.{name} has no effect in aksform"))
                            .at(header)
                            .detail(format!(
                                "aksform manages no resources it applies to; the features it \
                                 reads are {}",
                                FEATURES.join(", ")
                            )),
                    ),
                }
            }
        }
    }
}

/// Variable names Terraform reserves for module-call meta-arguments.
pub const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// Accepts local module sources (`./` or `../`); for anything else, the diagnostic that explains
/// why it is refused.
pub fn check_module_source(source: &str, span: Span, version: Option<Span>) -> Option<Diagnostic> {
    let local = source.starts_with("./") || source.starts_with("../");
    if local {
        return version.map(|v| {
            Diagnostic::error("a local module cannot have a version")
                .at(v)
                .help("remove `version`; it applies to registry modules only")
        });
    }
    let kind = if source.starts_with("git::")
        || source.starts_with("git@")
        || source.starts_with("github.com/")
        || source.starts_with("bitbucket.org/")
    {
        "a git repository"
    } else if source.starts_with("http://") || source.starts_with("https://") {
        "an HTTP archive"
    } else if source.starts_with("s3::") || source.starts_with("gcs::") {
        "a cloud storage bucket"
    } else if source.starts_with('/') {
        "an absolute path"
    } else if source.split('/').count() >= 3 {
        "a registry module"
    } else {
        "not a local path"
    };
    Some(
        Diagnostic::error(format!(
            "module source {source:?} is {kind}, which aksform does not support yet"
        ))
        .at(span)
        .label("only local paths starting with ./ or ../ are loaded")
        .help(
            "vendor the module into your repository (e.g. under modules/) and set source to its \
         relative path",
        ),
    )
}

/// The error for a block with both `count` and `for_each`.
pub fn count_and_for_each(span: Span) -> Diagnostic {
    Diagnostic::error("count and for_each cannot be used together")
        .at(span)
        .help("use for_each to create instances from a map or set, or count for a number of copies")
}

impl Loader<'_> {
    /// Splits a resource body into its meta-arguments and the arguments of the resource type.
    pub(crate) fn split_resource(
        &mut self,
        body: Body,
        addr: ResourceAddr,
        span: Span,
        type_span: Span,
    ) -> ResourceDecl {
        let mut decl = ResourceDecl {
            addr,
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            provider: None,
            lifecycle: Lifecycle::default(),
            timeouts: BTreeMap::new(),
            body: BodyDecl {
                file: self.file,
                body: Body::new(),
            },
            span: span.clone(),
            type_span,
        };
        let mut rest = Body::new();
        for structure in body {
            match structure {
                Structure::Attribute(attr) => match attr.key.value().as_str() {
                    "count" => decl.count = Some(self.expr(attr)),
                    "for_each" => decl.for_each = Some(self.expr(attr)),
                    "depends_on" => decl.depends_on = self.traversal_list(attr, "depends_on"),
                    "provider" => {
                        let expr = self.expr(attr);
                        match static_traversal(&expr.expr) {
                            Some((root, steps)) if root == "azurerm" && steps.len() <= 1 => {
                                decl.provider = Some(match steps.first() {
                                    Some(super::syntax::Step::Attr(alias)) => {
                                        format!("azurerm.{alias}")
                                    }
                                    _ => "azurerm".to_string(),
                                });
                            }
                            _ => self.diags.push(
                                Diagnostic::error("provider must name the azurerm provider")
                                    .at(expr.span())
                                    .help("write `provider = azurerm` or `provider = azurerm.<alias>`"),
                            ),
                        }
                    }
                    _ => rest.push(Structure::Attribute(attr)),
                },
                Structure::Block(block) => match block.ident.value().as_str() {
                    "lifecycle" => self.lifecycle(block, &mut decl.lifecycle),
                    "timeouts" => self.timeouts(block, &mut decl.timeouts),
                    "provisioner" | "connection" => self.diags.push(
                        Diagnostic::error(format!(
                            "{} blocks are not supported",
                            block.ident.value().as_str()
                        ))
                        .at(block_header_span(self.file, &block))
                        .detail(
                            "aksform does not run scripts during apply: a plan must show \
                             everything that will happen",
                        )
                        .help("run the script as a separate pipeline step after apply"),
                    ),
                    _ => rest.push(Structure::Block(block)),
                },
            }
        }
        if decl.count.is_some() && decl.for_each.is_some() {
            self.diags.push(count_and_for_each(span));
        }
        if decl.addr.mode == Mode::Data {
            let l = &decl.lifecycle;
            if l.prevent_destroy
                || l.create_before_destroy
                || l.ignore_changes != IgnoreChanges::None
                || !l.replace_triggered_by.is_empty()
            {
                self.diags.push(
                    Diagnostic::error(
                        "data sources take only precondition and postcondition in lifecycle",
                    )
                    .at(decl.span.clone()),
                );
            }
        }
        decl.body.body = rest;
        decl
    }

    fn lifecycle(&mut self, block: Block, out: &mut Lifecycle) {
        if self.labels(&block, &[]).is_none() {
            return;
        }
        let f = fields(
            self.file,
            block.body,
            "a lifecycle block",
            &[
                "prevent_destroy",
                "create_before_destroy",
                "ignore_changes",
                "replace_triggered_by",
            ],
            &["precondition", "postcondition"],
            self.diags,
        );
        for (name, attr) in f.attrs {
            match name.as_str() {
                "prevent_destroy" => {
                    out.prevent_destroy =
                        self.literal_bool(&self.expr(attr.clone()), "prevent_destroy");
                }
                "create_before_destroy" => {
                    out.create_before_destroy =
                        self.literal_bool(&self.expr(attr.clone()), "create_before_destroy");
                }
                "ignore_changes" => out.ignore_changes = self.ignore_changes(attr),
                _ => out.replace_triggered_by = self.traversal_list(attr, "replace_triggered_by"),
            }
        }
        for inner in f.blocks {
            let kind = inner.ident.value().to_string();
            if let Some(check) = self.check_block(inner, &kind) {
                if kind == "precondition" {
                    out.preconditions.push(check);
                } else {
                    out.postconditions.push(check);
                }
            }
        }
    }

    fn ignore_changes(&mut self, attr: hcl_edit::structure::Attribute) -> IgnoreChanges {
        let expr = self.expr(attr);
        match &expr.expr {
            Expression::Variable(v) if v.value().as_str() == "all" => IgnoreChanges::All,
            Expression::Array(items) => {
                let mut paths = Vec::new();
                for item in items.iter() {
                    let span = expr.span_of(item);
                    let traversal = match item {
                        // Legacy quoted form: "tags" or "default_node_pool.0.node_count".
                        Expression::String(s) => {
                            self.diags.push(
                                Diagnostic::warning("quoted ignore_changes entries are deprecated")
                                    .at(span.clone())
                                    .help(format!("write it without quotes: {}", s.value())),
                            );
                            hcl_edit::parser::parse_expr(s.value())
                                .ok()
                                .and_then(|e| static_traversal(&e))
                        }
                        other => static_traversal(other),
                    };
                    match traversal {
                        Some((root, mut steps)) => {
                            steps.insert(0, super::syntax::Step::Attr(root));
                            paths.push((steps, span));
                        }
                        None => self.diags.push(
                            Diagnostic::error("ignore_changes entries must be attribute paths")
                                .at(span)
                                .help("write e.g. tags or default_node_pool[0].node_count"),
                        ),
                    }
                }
                IgnoreChanges::Paths(paths)
            }
            _ => {
                self.diags.push(
                    Diagnostic::error("ignore_changes must be a list of attribute paths or `all`")
                        .at(expr.span()),
                );
                IgnoreChanges::None
            }
        }
    }

    fn timeouts(&mut self, block: Block, out: &mut BTreeMap<String, (String, Span)>) {
        if self.labels(&block, &[]).is_none() {
            return;
        }
        let f = fields(
            self.file,
            block.body,
            "a timeouts block",
            &["create", "read", "update", "delete"],
            &[],
            self.diags,
        );
        for (name, attr) in f.attrs {
            let expr = self.expr(attr);
            let Some(text) = self.literal_string(&expr, &format!("timeouts.{name}")) else {
                continue;
            };
            if parse_duration(&text).is_none() {
                self.diags.push(
                    Diagnostic::error(format!("invalid duration {text:?}"))
                        .at(expr.span())
                        .help("write a duration such as \"90m\", \"1h30m\" or \"45s\""),
                );
                continue;
            }
            out.insert(name, (text, expr.span()));
        }
    }
}

/// Parses a Go-style duration such as `"1h30m"`, `"90m"` or `"45s"` into seconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut number = String::new();
    let mut any = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'h' => 3600,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0
            }
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        any = true;
    }
    (number.is_empty() && any).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m"), Some(5400));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("45s"), Some(45));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn module_sources() {
        let s = Span::new(
            crate::diag::SourceMap::new().add("a".into(), "a".into(), "x"),
            0..1,
        );
        assert!(check_module_source("./net", s.clone(), None).is_none());
        assert!(check_module_source("../../modules/aks", s.clone(), None).is_none());
        for (src, kind) in [
            ("Azure/aks/azurerm", "registry"),
            ("git::https://example.com/x.git", "git"),
            ("github.com/org/repo", "git"),
            ("https://example.com/m.zip", "HTTP"),
            ("modules/net", "not a local path"),
        ] {
            let d = check_module_source(src, s.clone(), None).unwrap();
            assert!(d.summary.contains(kind), "{src}: {}", d.summary);
        }
        assert!(check_module_source("./x", s.clone(), Some(s)).is_some());
    }
}
