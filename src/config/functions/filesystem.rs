//! Terraform's filesystem functions: `file`, `filebase64`, `fileexists`, `templatefile` (reading
//! through the configuration's [`Fs`](crate::config::fs::Fs), relative to the root module) and the
//! path functions `abspath`, `basename` and `dirname` (Go's `filepath` semantics).

use std::io;
use std::path::PathBuf;

use super::encoding::encode_base64;
use super::{FuncCtx, FuncError, FuncSpec, Param, simple};
use crate::config::fs::normalize;
use crate::config::value::{Value, is_identifier, quote};

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    simple("file", &[Param::String], file),
    simple("filebase64", &[Param::String], filebase64),
    simple("fileexists", &[Param::String], fileexists),
    simple("templatefile", &[Param::String, Param::Map], templatefile),
    simple("abspath", &[Param::String], abspath),
    simple("basename", &[Param::String], basename),
    simple("dirname", &[Param::String], dirname),
];

fn text(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// A path argument resolved against the root module's directory.
fn resolve(ctx: &FuncCtx<'_>, path: &str) -> PathBuf {
    normalize(&ctx.base_dir.join(path))
}

fn shown(path: &std::path::Path) -> String {
    quote(&path.display().to_string())
}

/// Reads the file named by argument 0 of `func`.
fn read(func: &str, ctx: &FuncCtx<'_>, args: &[Value]) -> Result<(PathBuf, String), FuncError> {
    let path = resolve(ctx, text(args, 0));
    if ctx.fs.is_dir(&path) {
        return Err(FuncError::arg(
            0,
            format!("{func}(): {} is a directory, not a file", shown(&path)),
        ));
    }
    match ctx.fs.read_to_string(&path) {
        Ok(contents) => Ok((path, contents)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(FuncError::arg(
            0,
            format!(
                "{func}(): no file exists at {}; this function works only with files that are \
                 part of the configuration, so a file created by a resource must be read from \
                 that resource's attributes instead; use fileexists() to check for an optional file",
                shown(&path)
            ),
        )),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(FuncError::arg(
            0,
            format!(
                "{func}(): the contents of {} are not valid UTF-8; use filebase64() for files \
                 that are not text",
                shown(&path)
            ),
        )),
        Err(e) => Err(FuncError::arg(
            0,
            format!("{func}(): failed to read {}: {e}", shown(&path)),
        )),
    }
}

fn file(ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    read("file", ctx, &args).map(|(_, contents)| Value::String(contents))
}

/// `filebase64(path)`; the file system seam reads text, so only UTF-8 files can be encoded.
fn filebase64(ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    read("filebase64", ctx, &args)
        .map(|(_, contents)| Value::String(encode_base64(contents.as_bytes())))
}

fn fileexists(ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let path = resolve(ctx, text(&args, 0));
    if ctx.fs.is_dir(&path) {
        return Err(FuncError::arg(
            0,
            format!("fileexists(): {} is a directory, not a file", shown(&path)),
        ));
    }
    Ok(Value::Bool(ctx.fs.is_file(&path)))
}

/// `templatefile(path, vars)`: renders the file with the given variables.
fn templatefile(ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let vars = args[1].as_map().cloned().unwrap_or_default();
    if let Some(bad) = vars.keys().find(|k| !is_identifier(k)) {
        return Err(FuncError::arg(
            1,
            format!(
                "templatefile(): invalid template variable name {}: it must start with a letter, \
                 followed by letters, digits, underscores and dashes",
                quote(bad)
            ),
        ));
    }
    let (path, template) = read("templatefile", ctx, &args)?;
    (ctx.render_template)(&template, &path, &vars).map_err(|message| {
        FuncError::arg(
            0,
            format!(
                "templatefile(): failed to render {}: {message}",
                shown(&path)
            ),
        )
    })
}

fn abspath(ctx: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::String(
        resolve(ctx, text(&args, 0)).display().to_string(),
    ))
}

/// Go's `filepath.Clean`: lexical processing of `.`, `..` and repeated slashes.
fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// Go's `filepath.Base`: the last element, ignoring trailing slashes.
fn basename(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let path = text(&args, 0);
    if path.is_empty() {
        return Ok(Value::from("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::from("/"));
    }
    let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
    Ok(Value::from(base))
}

/// Go's `filepath.Dir`: everything but the last element, cleaned.
fn dirname(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let path = text(&args, 0);
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    Ok(Value::String(go_clean(dir)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::config::fs::MemFs;

    fn files() -> MemFs {
        MemFs::new()
            .with("/work/hello.txt", "Hello World")
            .with("/work/templates/greeting.tftpl", "Hello, ${name}!")
            .with("/etc/motd", "welcome")
    }

    #[test]
    fn file_reads_relative_to_the_root_module() {
        // Documented: file("${path.module}/hello.txt") = "Hello World".
        let fs = files();
        assert_eq!(
            call_with(&fs, "file", vec![s("hello.txt")]).unwrap(),
            s("Hello World")
        );
        assert_eq!(
            call_with(&fs, "file", vec![s("./templates/../hello.txt")]).unwrap(),
            s("Hello World")
        );
        assert_eq!(
            call_with(&fs, "file", vec![s("/etc/motd")]).unwrap(),
            s("welcome")
        );
        let e = call_with(&fs, "file", vec![s("missing.txt")]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert!(
            e.message
                .contains("no file exists at \"/work/missing.txt\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("fileexists()"), "{}", e.message);
        let e = call_with(&fs, "file", vec![s("templates")]).unwrap_err();
        assert!(e.message.contains("is a directory"), "{}", e.message);
        assert_eq!(
            call_with(&fs, "file", vec![Value::Null]).unwrap_err().arg,
            Some(0)
        );
    }

    #[test]
    fn filebase64_encodes_the_contents() {
        // Documented: filebase64("${path.module}/hello.txt") = "SGVsbG8gV29ybGQ=".
        let fs = files();
        assert_eq!(
            call_with(&fs, "filebase64", vec![s("hello.txt")]).unwrap(),
            s("SGVsbG8gV29ybGQ=")
        );
        let e = call_with(&fs, "filebase64", vec![s("nope")]).unwrap_err();
        assert!(
            e.message.starts_with("filebase64(): no file exists"),
            "{}",
            e.message
        );
    }

    #[test]
    fn fileexists_checks_files() {
        let fs = files();
        assert_eq!(
            call_with(&fs, "fileexists", vec![s("hello.txt")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call_with(&fs, "fileexists", vec![s("nope.txt")]).unwrap(),
            Value::Bool(false)
        );
        let e = call_with(&fs, "fileexists", vec![s("templates")]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "fileexists(): \"/work/templates\" is a directory, not a file"
        );
    }

    #[test]
    fn templatefile_renders_with_variables() {
        let fs = files();
        let vars = Value::map([("name", s("Ander"))]);
        assert_eq!(
            call_with(
                &fs,
                "templatefile",
                vec![s("templates/greeting.tftpl"), vars.clone()]
            )
            .unwrap(),
            s("Hello, Ander!")
        );
        let e = call_with(
            &fs,
            "templatefile",
            vec![s("templates/greeting.tftpl"), strs(&["x"])],
        )
        .unwrap_err();
        assert_eq!(e.arg, Some(1));
        assert!(e.message.contains("templatefile()"), "{}", e.message);
        let bad = Value::map([("not valid", s("x"))]);
        let e = call_with(
            &fs,
            "templatefile",
            vec![s("templates/greeting.tftpl"), bad],
        )
        .unwrap_err();
        assert_eq!(e.arg, Some(1));
        assert!(
            e.message
                .contains("invalid template variable name \"not valid\""),
            "{}",
            e.message
        );
        let e = call_with(&fs, "templatefile", vec![s("missing.tftpl"), vars]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("/work/missing.tftpl"), "{}", e.message);
        let unknown = Value::map([("name", Value::Unknown)]);
        assert_eq!(
            call_with(
                &fs,
                "templatefile",
                vec![s("templates/greeting.tftpl"), unknown]
            )
            .unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn templatefile_reports_render_errors() {
        use std::collections::BTreeMap;
        use std::path::Path;
        let fs = files();
        let render = |_: &str, _: &Path, _: &BTreeMap<String, Value>| -> Result<Value, String> {
            Err("unknown variable \"nope\"".to_string())
        };
        let ctx = FuncCtx {
            fs: &fs,
            base_dir: Path::new("/work"),
            render_template: &render,
        };
        let spec = super::super::lookup("templatefile").unwrap();
        let e = super::super::call(spec, &ctx, vec![s("hello.txt"), Value::map::<&str>([])])
            .unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert_eq!(
            e.message,
            "templatefile(): failed to render \"/work/hello.txt\": unknown variable \"nope\""
        );
    }

    #[test]
    fn path_functions() {
        // Documented: basename("foo/bar/baz.txt") = "baz.txt"; dirname("foo/bar/baz.txt") =
        // "foo/bar"; abspath(path.root) is absolute.
        let f = |name: &str, p: &str| call_fn(name, vec![s(p)]).unwrap();
        assert_eq!(f("basename", "foo/bar/baz.txt"), s("baz.txt"));
        assert_eq!(f("basename", "/foo/bar/"), s("bar"));
        assert_eq!(f("basename", "baz.txt"), s("baz.txt"));
        assert_eq!(f("basename", "/"), s("/"));
        assert_eq!(f("basename", ""), s("."));
        assert_eq!(f("dirname", "foo/bar/baz.txt"), s("foo/bar"));
        assert_eq!(f("dirname", "baz.txt"), s("."));
        assert_eq!(f("dirname", "/baz.txt"), s("/"));
        assert_eq!(f("dirname", "foo/"), s("foo"));
        assert_eq!(f("dirname", "a//b/../c/d"), s("a/c"));
        assert_eq!(f("dirname", ""), s("."));
        assert_eq!(f("abspath", "sub/../x.tf"), s("/work/x.tf"));
        assert_eq!(f("abspath", "/etc/./hosts"), s("/etc/hosts"));
        assert_eq!(f("abspath", "."), s("/work"));
        assert_eq!(
            call_fn("basename", vec![Value::List(vec![])])
                .unwrap_err()
                .arg,
            Some(0)
        );
        assert_eq!(
            call_fn("dirname", vec![Value::Null]).unwrap_err().arg,
            Some(0)
        );
        assert_eq!(
            call_fn("abspath", vec![Value::map::<&str>([])])
                .unwrap_err()
                .arg,
            Some(0)
        );
    }
}
