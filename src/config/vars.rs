//! Values for the root module's variables, gathered from every source Terraform reads, with
//! Terraform's precedence (later wins): `TF_VAR_name` environment variables, `terraform.tfvars`,
//! `terraform.tfvars.json`, `*.auto.tfvars` and `*.auto.tfvars.json` in name order, then `-var` and
//! `-var-file` in command-line order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Structure;

use super::fs::{Fs, normalize};
use super::load::parse_file;
use super::syntax::Expr;
use super::value::Value;
use crate::diag::{Diagnostic, Diagnostics, FileId, SourceMap, Span};

/// Where a variable's value came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// `-var name=value`.
    CommandLine,
    /// `TF_VAR_name`.
    Environment(String),
    /// A `.tfvars` or `.tfvars.json` file.
    File(FileId),
}

/// A variable's value as given, before it is checked against the variable's type.
#[derive(Debug, Clone)]
pub enum RawInput {
    /// Text from `-var` or the environment: a string for primitive types, HCL for the others.
    Text(String),
    /// An expression from a `.tfvars` file.
    Expr(Expr),
    /// A value from a `.tfvars.json` file.
    Json(Value),
}

/// One variable value with its origin.
#[derive(Debug, Clone)]
pub struct InputValue {
    /// The value as given.
    pub raw: RawInput,
    /// Where it came from.
    pub source: InputSource,
    /// Where in a file, when it came from one.
    pub span: Option<Span>,
}

impl InputValue {
    /// Describes the origin for messages: `-var`, `TF_VAR_x`, or `file.tfvars:3:1`.
    pub fn origin(&self, sources: &SourceMap) -> String {
        match (&self.source, &self.span) {
            (InputSource::CommandLine, _) => "-var on the command line".to_string(),
            (InputSource::Environment(name), _) => format!("the environment variable {name}"),
            (InputSource::File(_), Some(span)) => sources.location(span),
            (InputSource::File(f), None) => sources.get(*f).name().to_string(),
        }
    }
}

/// The value-bearing arguments, in the order they were given on the command line.
#[derive(Debug, Clone)]
pub enum CliVar {
    /// `-var name=value`.
    Var(String),
    /// `-var-file path`.
    File(PathBuf),
}

/// Collects the root module's variable values from every source, later sources overriding earlier
/// ones. `cli` holds `-var` and `-var-file` in command-line order.
pub fn collect_inputs(
    fs: &dyn Fs,
    root: &Path,
    env: &[(String, String)],
    cli: &[CliVar],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> BTreeMap<String, InputValue> {
    let mut out = BTreeMap::new();
    for (key, value) in env {
        if let Some(name) = key.strip_prefix("TF_VAR_")
            && !name.is_empty()
        {
            out.insert(
                name.to_string(),
                InputValue {
                    raw: RawInput::Text(value.clone()),
                    source: InputSource::Environment(key.clone()),
                    span: None,
                },
            );
        }
    }
    let mut auto: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = root.join(name);
        if fs.is_file(&p) {
            auto.push(p);
        }
    }
    let mut auto_files: Vec<PathBuf> =
        fs.read_dir(root)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                }) && fs.is_file(p)
            })
            .collect();
    auto_files.sort();
    auto.extend(auto_files);
    for path in auto {
        read_file(fs, &path, sources, diags, &mut out);
    }
    for item in cli {
        match item {
            CliVar::Var(text) => match text.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() => {
                    out.insert(
                        name.trim().to_string(),
                        InputValue {
                            raw: RawInput::Text(value.to_string()),
                            source: InputSource::CommandLine,
                            span: None,
                        },
                    );
                }
                _ => diags.push(
                    Diagnostic::error(format!("invalid -var {text:?}"))
                        .help("write -var 'name=value'"),
                ),
            },
            CliVar::File(path) => {
                if fs.is_file(path) {
                    read_file(fs, &normalize(path), sources, diags, &mut out);
                } else {
                    diags.push(
                        Diagnostic::error(format!("-var-file {}: no such file", path.display()))
                            .help("the path is relative to the directory aksform runs in"),
                    );
                }
            }
        }
    }
    out
}

fn read_file(
    fs: &dyn Fs,
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    out: &mut BTreeMap<String, InputValue>,
) {
    let text = match fs.read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(format!(
                "cannot read {}: {e}",
                path.display()
            )));
            return;
        }
    };
    let file = sources.add(path.to_path_buf(), path.display().to_string(), text);
    if path.extension().is_some_and(|e| e == "json") {
        match serde_json::from_str::<serde_json::Value>(sources.get(file).text()) {
            Ok(serde_json::Value::Object(map)) => {
                for (name, v) in map {
                    out.insert(
                        name,
                        InputValue {
                            raw: RawInput::Json(Value::from(v)),
                            source: InputSource::File(file),
                            span: None,
                        },
                    );
                }
            }
            Ok(_) => diags.push(
                Diagnostic::error(format!("{} must hold a JSON object", path.display()))
                    .at(Span::new(file, 0..0))
                    .help("write {\"name\": value, ...}"),
            ),
            Err(e) => {
                let offset = line_col_offset(sources.get(file).text(), e.line(), e.column());
                diags.push(
                    Diagnostic::error(format!("invalid JSON in {}", path.display()))
                        .at(Span::new(file, offset..offset))
                        .label(e.to_string()),
                );
            }
        }
        return;
    }
    let Some(body) = parse_file(sources, file, diags) else {
        return;
    };
    for structure in body {
        match structure {
            Structure::Attribute(attr) => {
                let name = attr.key.value().to_string();
                let expr = Expr::new(file, attr.value);
                out.insert(
                    name,
                    InputValue {
                        span: Some(expr.span()),
                        raw: RawInput::Expr(expr),
                        source: InputSource::File(file),
                    },
                );
            }
            Structure::Block(b) => diags.push(
                Diagnostic::error("variable files hold only `name = value` lines")
                    .at(super::syntax::block_header_span(file, &b))
                    .help("write nested values as objects: name = { ... }"),
            ),
        }
    }
}

fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fs::MemFs;

    fn text(v: &InputValue, sources: &SourceMap) -> String {
        match &v.raw {
            RawInput::Text(t) => t.clone(),
            RawInput::Expr(e) => sources.get(e.file).text()[e.span().range].to_string(),
            RawInput::Json(j) => j.to_string(),
        }
    }

    #[test]
    fn later_sources_win_in_terraform_order() {
        let fs = MemFs::new()
            .with("r/main.tf", "")
            .with(
                "r/terraform.tfvars",
                "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
            )
            .with("r/b.auto.tfvars", "b = \"auto-b\"\nc = \"auto-b\"\n")
            .with(
                "r/a.auto.tfvars.json",
                "{\"c\": \"auto-a-json\", \"d\": \"json\"}",
            )
            .with("extra.tfvars", "d = \"file\"\n");
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let env = vec![
            ("TF_VAR_a".to_string(), "env".to_string()),
            ("TF_VAR_e".to_string(), "env".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ];
        let cli = vec![
            CliVar::File("extra.tfvars".into()),
            CliVar::Var("e=cli".into()),
        ];
        let got = collect_inputs(&fs, Path::new("r"), &env, &cli, &mut sources, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let t = |k: &str| text(&got[k], &sources);
        assert_eq!(t("a"), "\"tfvars\"");
        assert_eq!(t("b"), "\"auto-b\"");
        // b.auto.tfvars sorts after a.auto.tfvars.json, so it wins for c.
        assert_eq!(t("c"), "\"auto-b\"");
        assert_eq!(t("d"), "\"file\"");
        assert_eq!(t("e"), "cli");
        assert_eq!(got["e"].origin(&sources), "-var on the command line");
        assert_eq!(got["a"].origin(&sources), "r/terraform.tfvars:1:5");
    }

    #[test]
    fn bad_inputs_are_reported() {
        let fs = MemFs::new()
            .with("r/main.tf", "")
            .with("r/x.auto.tfvars.json", "{\"a\": ")
            .with("r/y.auto.tfvars", "block {}\n");
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let cli = vec![
            CliVar::Var("novalue".into()),
            CliVar::File("missing.tfvars".into()),
        ];
        collect_inputs(&fs, Path::new("r"), &[], &cli, &mut sources, &mut diags);
        let s: Vec<_> = diags.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(s[0].starts_with("invalid JSON"));
        assert!(s[1].contains("only `name = value`"));
        assert!(s[2].contains("invalid -var"));
        assert!(s[3].contains("no such file"));
    }
}
