//! `aksform fmt [TARGET...] [-check] [-diff] [-recursive]`: rewrite `.tf` and `.tfvars` files in
//! the canonical style, list the files that changed, and write each one atomically.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::args::FmtArgs;
use crate::cli::exit::ExitStatus;
use crate::cli::fs::write_atomic;
use crate::cli::printer::Printer;
use crate::config::fmt::{FmtError, format_source, unified_diff};
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};

/// Runs `fmt`.
///
/// # Errors
///
/// When standard output cannot be written; file problems are reported per file.
pub fn run(args: &FmtArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut files = Vec::new();
    let mut problems = Diagnostics::new();
    let mut sources = SourceMap::new();
    let mut stdin = false;
    for target in &args.targets {
        if target.as_os_str() == "-" {
            stdin = true;
        } else if target.is_dir() {
            collect(target, args.recursive, &mut files, &mut problems);
        } else if target.is_file() {
            files.push(target.clone());
        } else {
            problems.push(
                Diagnostic::error(format!("{}: no such file or directory", target.display()))
                    .help("pass a directory of .tf files, a file, or - for standard input"),
            );
        }
    }
    let mut out = std::io::stdout().lock();
    let mut changed = false;
    if stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        match format_source(&text) {
            Ok(formatted) => {
                changed |= formatted != text;
                if args.diff {
                    out.write_all(unified_diff("<stdin>", &text, &formatted).as_bytes())?;
                } else if !args.check {
                    out.write_all(formatted.as_bytes())?;
                }
            }
            Err(e) => problems.push(fmt_error(&mut sources, Path::new("<stdin>"), text, &e)),
        }
    }
    for path in files {
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                problems.push(Diagnostic::error(format!(
                    "{} is not valid UTF-8",
                    path.display()
                )));
                continue;
            }
            Err(e) => {
                problems.push(Diagnostic::error(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                continue;
            }
        };
        let formatted = match format_source(&text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(fmt_error(&mut sources, &path, text, &e));
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed = true;
        writeln!(out, "{}", path.display())?;
        if args.diff {
            out.write_all(unified_diff(&path.display().to_string(), &text, &formatted).as_bytes())?;
        }
        if !args.check
            && let Err(e) = write_atomic(&path, formatted.as_bytes())
        {
            problems.push(Diagnostic::error(format!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
    }
    out.flush()?;
    if !problems.is_empty() {
        eprint!("{}", printer.diagnostics(&problems, &sources));
        return Ok(ExitStatus::Failure);
    }
    Ok(if args.check && changed {
        ExitStatus::NeedsFormatting
    } else {
        ExitStatus::Success
    })
}

/// The `.tf` and `.tfvars` files of `dir`, in name order; subdirectories too with `recursive`
/// (hidden ones, such as `.terraform` and `.aksform`, are skipped).
fn collect(dir: &Path, recursive: bool, files: &mut Vec<PathBuf>, problems: &mut Diagnostics) {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect::<Vec<_>>(),
        Err(e) => {
            problems.push(Diagnostic::error(format!(
                "cannot read {}: {e}",
                dir.display()
            )));
            return;
        }
    };
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if recursive {
                collect(&path, recursive, files, problems);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            files.push(path);
        }
    }
}

fn fmt_error(sources: &mut SourceMap, path: &Path, text: String, e: &FmtError) -> Diagnostic {
    match e {
        FmtError::Parse {
            line,
            column,
            message,
        } => {
            let offset = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let line_text = text[offset..].lines().next().unwrap_or("");
            let col_bytes: usize = line_text
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            let start = (offset + col_bytes).min(text.len());
            let end = (start + 1).min(text.len());
            let file = sources.add(path.to_path_buf(), path.display().to_string(), text);
            Diagnostic::error("syntax error")
                .at(Span::new(file, start..end))
                .label(message.clone())
                .help("the file was left unchanged; fix the syntax and run fmt again")
        }
        other => Diagnostic::error(format!("{}: {other}", path.display())).help(
            "the file was left unchanged; please report this as a bug with the file attached",
        ),
    }
}
