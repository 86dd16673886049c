//! The module tree: the root directory plus every local module it calls, each directory loaded once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::decl::ModuleDecl;
use super::fs::{Fs, normalize};
use super::load::load_module;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};

/// A loaded configuration: every source file, every module directory, and the call tree.
#[derive(Debug)]
pub struct Config {
    /// Every file read, for diagnostics.
    pub sources: SourceMap,
    /// Module declarations, one per directory; index 0 is the root.
    pub modules: Vec<ModuleDecl>,
    /// The call tree.
    pub root: ModuleNode,
}

/// A module in the call tree.
#[derive(Debug, Clone)]
pub struct ModuleNode {
    /// Index into [`Config::modules`].
    pub decl: usize,
    /// Child modules by call name.
    pub children: BTreeMap<String, ModuleNode>,
}

impl Config {
    /// The root module's declarations.
    pub fn root_decl(&self) -> &ModuleDecl {
        &self.modules[self.root.decl]
    }

    /// The node at a path of call names (`[]` is the root).
    pub fn node(&self, path: &[String]) -> Option<&ModuleNode> {
        let mut node = &self.root;
        for name in path {
            node = node.children.get(name)?;
        }
        Some(node)
    }

    /// The declarations of the module at `path`.
    pub fn decl(&self, path: &[String]) -> Option<&ModuleDecl> {
        self.node(path).map(|n| &self.modules[n.decl])
    }

    /// Every module path in the tree, parents before children.
    pub fn paths(&self) -> Vec<Vec<String>> {
        fn walk(node: &ModuleNode, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            out.push(path.clone());
            for (name, child) in &node.children {
                path.push(name.clone());
                walk(child, path, out);
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut Vec::new(), &mut out);
        out
    }
}

/// Loads the configuration rooted at `dir` and every local module it calls.
pub fn load_config(fs: &dyn Fs, dir: &Path, diags: &mut Diagnostics) -> Config {
    let mut loader = TreeLoader {
        fs,
        sources: SourceMap::new(),
        modules: Vec::new(),
        by_dir: BTreeMap::new(),
        diags,
    };
    let root_dir = normalize(dir);
    let root = loader.load(&root_dir, &mut Vec::new());
    let config = Config {
        sources: loader.sources,
        modules: loader.modules,
        root,
    };
    check_addresses(&config, diags);
    config
}

/// `moved`, `import` and `provider = azurerm.<alias>` name things that must (or must not) exist.
fn check_addresses(config: &Config, diags: &mut Diagnostics) {
    use crate::config::syntax::Step;
    let root = config.root_decl();
    // Whether `root.steps` names a resource or module call of the root module.
    let declared = |root_name: &str, steps: &[Step]| -> bool {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match root_name {
            "module" => attr(0).is_some_and(|m| root.calls.contains_key(m)),
            "data" => false,
            t => attr(0).is_some_and(|n| {
                root.resources
                    .contains_key(&crate::addr::ResourceAddr::managed(t, n))
            }),
        }
    };
    let show = |root_name: &str, steps: &[Step]| {
        let mut s = root_name.to_string();
        for step in steps {
            match step {
                Step::Attr(a) => s.push_str(&format!(".{a}")),
                Step::Index(i) => s.push_str(&format!("[{i}]")),
                Step::Key(k) => s.push_str(&format!("[{k:?}]")),
                Step::Splat => s.push_str("[*]"),
                Step::Dynamic => s.push_str("[...]"),
            }
        }
        s
    };
    for m in &root.moved {
        if !declared(&m.to.0, &m.to.1) {
            diags.push(
                Diagnostic::error(format!(
                    "moved block: the new address {} is not declared",
                    show(&m.to.0, &m.to.1)
                ))
                .at(m.span.clone())
                .help("`to` must name a resource or module declared in this configuration"),
            );
        }
        if declared(&m.from.0, &m.from.1) {
            diags.push(
                Diagnostic::error(format!(
                    "moved block: the old address {} is still declared",
                    show(&m.from.0, &m.from.1)
                ))
                .at(m.span.clone())
                .help("remove or rename the old block; `from` names what no longer exists"),
            );
        }
    }
    for i in &root.imports {
        if !declared(&i.to.0, &i.to.1) || i.to.0 == "module" {
            diags.push(
                Diagnostic::error(format!(
                    "import block: {} is not a resource declared in this configuration",
                    show(&i.to.0, &i.to.1)
                ))
                .at(i.span.clone())
                .help("`to` must name a resource block, e.g. azurerm_resource_group.main"),
            );
        }
    }
    let aliases: Vec<&str> = root
        .providers
        .iter()
        .filter_map(|p| p.alias.as_deref())
        .collect();
    for m in &config.modules {
        for r in m.resources.values() {
            if let Some(alias) = r
                .provider
                .as_deref()
                .and_then(|p| p.strip_prefix("azurerm."))
                && !aliases.contains(&alias)
            {
                diags.push(
                    Diagnostic::error(format!("no azurerm provider with alias {alias:?}"))
                        .at(r.span.clone())
                        .help(format!(
                            "declare provider \"azurerm\" {{ alias = \"{alias}\" ... }} in the root module{}",
                            crate::diag::suggestion(alias, aliases.iter().copied())
                        )),
                );
            }
        }
    }
}

struct TreeLoader<'a> {
    fs: &'a dyn Fs,
    sources: SourceMap,
    modules: Vec<ModuleDecl>,
    by_dir: BTreeMap<PathBuf, usize>,
    diags: &'a mut Diagnostics,
}

impl TreeLoader<'_> {
    fn load(&mut self, dir: &Path, chain: &mut Vec<PathBuf>) -> ModuleNode {
        let index = if let Some(&i) = self.by_dir.get(dir) {
            i
        } else {
            let decl = load_module(self.fs, dir, &mut self.sources, self.diags);
            self.modules.push(decl);
            let i = self.modules.len() - 1;
            self.by_dir.insert(dir.to_path_buf(), i);
            i
        };
        chain.push(dir.to_path_buf());
        let calls: Vec<_> = self.modules[index]
            .calls
            .values()
            .map(|c| (c.name.clone(), c.source.clone(), c.source_span.clone()))
            .collect();
        let mut children = BTreeMap::new();
        for (name, source, span) in calls {
            let child_dir = normalize(&dir.join(&source));
            if chain.contains(&child_dir) {
                self.diags.push(
                    Diagnostic::error(format!("module {name:?} calls itself"))
                        .at(span)
                        .label(format!("{} is already being loaded", child_dir.display()))
                        .help("a module cannot call itself, directly or through other modules"),
                );
                continue;
            }
            if !self.fs.is_dir(&child_dir) {
                self.diags.push(
                    Diagnostic::error(format!(
                        "module {name:?}: no directory {}",
                        child_dir.display()
                    ))
                    .at(span)
                    .label("source path does not exist")
                    .help("source is relative to the directory of the calling module"),
                );
                continue;
            }
            let node = self.load(&child_dir, chain);
            children.insert(name, node);
        }
        chain.pop();
        ModuleNode {
            decl: index,
            children,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fs::MemFs;

    #[test]
    fn loads_the_call_tree_once_per_directory() {
        let fs = MemFs::new()
            .with(
                "root/main.tf",
                "module \"a\" {\n  source = \"../mods/net\"\n}\nmodule \"b\" {\n  source = \"../mods/net\"\n}\n",
            )
            .with("mods/net/main.tf", "module \"inner\" {\n  source = \"./sub\"\n}\n")
            .with("mods/net/sub/x.tf", "locals {\n  a = 1\n}\n");
        let mut diags = Diagnostics::new();
        let config = load_config(&fs, Path::new("root"), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(config.modules.len(), 3);
        assert_eq!(
            config.paths(),
            vec![
                vec![],
                vec!["a".to_string()],
                vec!["a".to_string(), "inner".to_string()],
                vec!["b".to_string()],
                vec!["b".to_string(), "inner".to_string()],
            ]
        );
        assert_eq!(
            config.decl(&["b".into()]).unwrap().dir,
            PathBuf::from("mods/net")
        );
    }

    #[test]
    fn self_calls_and_missing_directories_are_errors() {
        let fs = MemFs::new().with(
            "r/main.tf",
            "module \"me\" {\n  source = \"./\"\n}\nmodule \"gone\" {\n  source = \"./nope\"\n}\n",
        );
        let mut diags = Diagnostics::new();
        load_config(&fs, Path::new("r"), &mut diags);
        let s: Vec<_> = diags.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].contains("\"gone\": no directory r/nope"), "{s:?}");
        assert!(s[1].contains("\"me\" calls itself"), "{s:?}");
    }

    #[test]
    fn moved_import_and_provider_aliases_must_name_declared_things() {
        let fs = MemFs::new().with(
            "r/main.tf",
            r#"resource "azurerm_resource_group" "new" {
  name     = "rg"
  location = "westeurope"
  provider = azurerm.west
}
resource "azurerm_resource_group" "old" {
  name     = "rg2"
  location = "westeurope"
}
moved {
  from = azurerm_resource_group.old
  to   = azurerm_resource_group.missing
}
import {
  to = azurerm_resource_group.nope
  id = "/subscriptions/x/resourceGroups/rg"
}
"#,
        );
        let mut diags = Diagnostics::new();
        load_config(&fs, Path::new("r"), &mut diags);
        let s: Vec<_> = diags.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(
            s,
            vec![
                "moved block: the new address azurerm_resource_group.missing is not declared",
                "moved block: the old address azurerm_resource_group.old is still declared",
                "import block: azurerm_resource_group.nope is not a resource declared in this configuration",
                "no azurerm provider with alias \"west\"",
            ]
        );
    }
}
