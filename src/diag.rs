//! Diagnostics: source files, spans, severities, and the user-facing problem reports built from them.
//!
//! Every user mistake becomes a [`Diagnostic`] (never the first `Err` that happens to surface), so a
//! command can report all problems at once, each with `file:line:col` and a snippet. Rendering for a
//! terminal goes through miette ([`Report`]); the JSON shape follows `terraform validate -json`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

/// A byte range inside one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// Byte offsets, start inclusive, end exclusive.
    pub range: Range<usize>,
}

impl Span {
    /// A span over `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, range }
    }
}

/// One loaded source file with a line index.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The file's path as it was loaded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name shown to users (the path relative to where the command runs, when possible).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        (line + 1, col + 1)
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let text = &self.text[start..];
        start
            + text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i)
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All source files a command has read, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id. `name` is what diagnostics show.
    ///
    /// # Panics
    ///
    /// Panics if more than `u32::MAX` files are added.
    pub fn add(&mut self, path: PathBuf, name: String, text: impl Into<Arc<str>>) -> FileId {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 source files"));
        self.files.push(SourceFile {
            path,
            name,
            text,
            line_starts,
        });
        id
    }

    /// The file behind `id`.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Iterates over all files.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: &Span) -> String {
        let file = self.get(span.file);
        let (line, col) = file.line_col(span.range.start);
        format!("{}:{line}:{col}", file.name())
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The configuration cannot be used.
    Error,
    /// The configuration works, but something deserves attention (a deprecated name, an ignored block).
    Warning,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: String,
    /// Optional longer explanation.
    pub detail: Option<String>,
    /// Where it is wrong.
    pub span: Option<Span>,
    /// The label drawn under the primary span.
    pub label: Option<String>,
    /// Further places that explain the problem (e.g. the other side of a conflict).
    pub related: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
    /// A mistake in the configuration's structure (an undeclared name, an unknown or refused
    /// function, a wrong number of arguments): wrong for every input, so `try()` and `can()` do
    /// not hide it.
    pub uncatchable: bool,
}

impl Diagnostic {
    /// An error with a summary.
    pub fn error(summary: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: None,
            span: None,
            label: None,
            related: Vec::new(),
            help: None,
            uncatchable: false,
        }
    }

    /// A warning with a summary.
    pub fn warning(summary: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary)
        }
    }

    /// Sets the primary location.
    #[must_use]
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Sets the primary location if there is one.
    #[must_use]
    pub fn at_opt(mut self, span: Option<Span>) -> Self {
        if span.is_some() {
            self.span = span;
        }
        self
    }

    /// Sets the label drawn at the primary location.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the detail text.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets the advice.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary location.
    #[must_use]
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Marks the diagnostic as a structural mistake that `try()` and `can()` must not hide.
    #[must_use]
    pub fn uncatchable(mut self) -> Self {
        self.uncatchable = true;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// An ordered collection of diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diag: Diagnostic) {
        self.0.push(diag);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any error is present.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts errors before warnings, then by file and position; removes exact duplicates.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.severity,
                    d.span
                        .as_ref()
                        .map(|s| (s.file, s.range.start, s.range.end)),
                )
            };
            key(a).cmp(&key(b))
        });
        self.0.dedup();
    }

    /// The diagnostics as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// A diagnostic joined with its source text, ready for miette's report handlers.
#[derive(Debug)]
pub struct Report<'a> {
    diag: &'a Diagnostic,
    sources: &'a SourceMap,
    source: Option<miette::NamedSource<String>>,
}

impl<'a> Report<'a> {
    /// Prepares `diag` for rendering with the files of `sources`.
    pub fn new(diag: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        let source = diag.span.as_ref().map(|span| {
            let file = sources.get(span.file);
            miette::NamedSource::new(file.name(), file.text().to_string()).with_language("hcl")
        });
        Report {
            diag,
            sources,
            source,
        }
    }

    fn labels_in_primary_file(&self) -> Vec<miette::LabeledSpan> {
        let Some(primary) = &self.diag.span else {
            return Vec::new();
        };
        let mut labels = vec![miette::LabeledSpan::new_primary_with_span(
            self.diag.label.clone(),
            primary.range.clone(),
        )];
        for (span, text) in &self.diag.related {
            if span.file == primary.file {
                labels.push(miette::LabeledSpan::new_with_span(
                    Some(text.clone()),
                    span.range.clone(),
                ));
            }
        }
        labels
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.summary)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut parts: Vec<String> = Vec::new();
        if let Some(detail) = &self.diag.detail {
            parts.push(detail.clone());
        }
        // Related places in other files cannot be drawn in the same snippet: name them.
        if let Some(primary) = &self.diag.span {
            for (span, text) in &self.diag.related {
                if span.file != primary.file {
                    parts.push(format!("{text} ({})", self.sources.location(span)));
                }
            }
        }
        if let Some(help) = &self.diag.help {
            parts.push(help.clone());
        }
        if parts.is_empty() {
            None
        } else {
            Some(Box::new(parts.join("\n")))
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let labels = self.labels_in_primary_file();
        if labels.is_empty() {
            None
        } else {
            Some(Box::new(labels.into_iter()))
        }
    }
}

/// A position in `terraform validate -json` form.
#[derive(Debug, Serialize)]
pub struct JsonPos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0-based byte offset.
    pub byte: usize,
}

/// A range in `terraform validate -json` form.
#[derive(Debug, Serialize)]
pub struct JsonRange {
    /// The file name as shown to users.
    pub filename: String,
    /// Start position.
    pub start: JsonPos,
    /// End position.
    pub end: JsonPos,
}

/// A diagnostic in `terraform validate -json` form.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// The label at the primary location, then the longer text, related places and advice.
    pub detail: String,
    /// Where, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<JsonRange>,
    /// The source line(s) of the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<JsonSnippet>,
}

/// The code excerpt of a JSON diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonSnippet {
    /// The source text of the first line of the range.
    pub code: String,
    /// 1-based line of `code`.
    pub start_line: usize,
    /// Byte offset of the highlight inside `code`.
    pub highlight_start_offset: usize,
    /// Byte offset of the end of the highlight inside `code`.
    pub highlight_end_offset: usize,
}

impl JsonDiagnostic {
    /// Converts a diagnostic, resolving positions with `sources`.
    pub fn new(diag: &Diagnostic, sources: &SourceMap) -> Self {
        let mut detail = diag.label.clone().unwrap_or_default();
        if let Some(d) = &diag.detail {
            push_line(&mut detail, d);
        }
        for (span, text) in &diag.related {
            push_line(&mut detail, &format!("{text} ({})", sources.location(span)));
        }
        if let Some(help) = &diag.help {
            push_line(&mut detail, help);
        }
        let (range, snippet) = match &diag.span {
            Some(span) => {
                let file = sources.get(span.file);
                let pos = |offset: usize| {
                    let (line, column) = file.line_col(offset);
                    JsonPos {
                        line,
                        column,
                        byte: offset,
                    }
                };
                let start = pos(span.range.start);
                let end = pos(span.range.end);
                let code = file.line_text(start.line).to_string();
                let line_start = file.text()[..span.range.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let hl_start = span.range.start - line_start;
                let hl_end = (span.range.end - line_start).min(code.len()).max(hl_start);
                let snippet = JsonSnippet {
                    code,
                    start_line: start.line,
                    highlight_start_offset: hl_start,
                    highlight_end_offset: hl_end,
                };
                (
                    Some(JsonRange {
                        filename: file.name().to_string(),
                        start,
                        end,
                    }),
                    Some(snippet),
                )
            }
            None => (None, None),
        };
        JsonDiagnostic {
            severity: diag.severity,
            summary: diag.summary.clone(),
            detail,
            range,
            snippet,
        }
    }
}

fn push_line(text: &mut String, line: &str) {
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

/// The candidate closest to `name`, if one is close enough to be a likely typo (the test Terraform
/// uses: a small edit distance relative to the length).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let closest = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), *c))
        .min_by_key(|(d, c)| (*d, *c));
    // A name that is part of a longer one (`subnet_id` for `node_subnet_id`) beats a merely
    // similar one, unless that one is a one-letter typo.
    let containing = (name.len() >= 4)
        .then(|| {
            candidates
                .iter()
                .filter(|c| c.contains(name) || (c.len() >= 4 && name.contains(**c)))
                .min_by_key(|c| (c.len().abs_diff(name.len()), **c))
                .copied()
        })
        .flatten();
    match (closest, containing) {
        (Some((d, c)), _) if d <= 1 => Some(c),
        (_, Some(c)) => Some(c),
        (Some((d, c)), None) if d <= limit => Some(c),
        _ => None,
    }
}

/// " Did you mean \"x\"?" when there is a close candidate, otherwise an empty string.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map(|c| format!(" Did you mean {c:?}?"))
        .unwrap_or_default()
}

/// serde_json's error as `(line, column, message)`, the message without its " at line L column
/// C" suffix, so that callers can put the position where their format wants it (`file:line:col`).
pub fn json_error_parts(err: &serde_json::Error) -> (usize, usize, String) {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    (line, column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> (SourceMap, FileId) {
        let mut m = SourceMap::new();
        let id = m.add(
            "main.tf".into(),
            "main.tf".into(),
            "a = 1\nbé = \"x\"\n\nc = 3",
        );
        (m, id)
    }

    #[test]
    fn suggestions_find_typos_only() {
        let c = ["kubernetes_version", "dns_prefix", "tags"];
        assert_eq!(
            did_you_mean("kubernetes_verison", c),
            Some("kubernetes_version")
        );
        assert_eq!(did_you_mean("tag", c), Some("tags"));
        assert_eq!(did_you_mean("location", c), None);
        assert_eq!(
            did_you_mean("subnet_id", ["node_subnet_id", "vnet_id"]),
            Some("node_subnet_id")
        );
        assert_eq!(suggestion("dns_prefx", c), " Did you mean \"dns_prefix\"?");
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let (m, id) = map();
        let f = m.get(id);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (1, 5));
        assert_eq!(f.line_col(6), (2, 1));
        // "é" is two bytes but one column.
        assert_eq!(f.line_col(10), (2, 4));
        assert_eq!(f.line_col(17), (4, 1));
        assert_eq!(f.line_text(2), "bé = \"x\"");
        assert_eq!(m.location(&Span::new(id, 6..8)), "main.tf:2:1");
    }

    #[test]
    fn sort_puts_errors_first_then_position_and_dedups() {
        let (_, id) = map();
        let mut d = Diagnostics::new();
        d.push(Diagnostic::warning("w").at(Span::new(id, 0..1)));
        d.push(Diagnostic::error("late").at(Span::new(id, 10..11)));
        d.push(Diagnostic::error("early").at(Span::new(id, 2..3)));
        d.push(Diagnostic::error("early").at(Span::new(id, 2..3)));
        d.sort();
        let s: Vec<_> = d.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(s, ["early", "late", "w"]);
        assert_eq!(d.error_count(), 2);
        assert_eq!(d.warning_count(), 1);
    }

    #[test]
    fn json_form_has_range_and_snippet() {
        let (m, id) = map();
        let d = Diagnostic::error("bad")
            .at(Span::new(id, 6..9))
            .help("fix it");
        let j = serde_json::to_value(JsonDiagnostic::new(&d, &m)).unwrap();
        assert_eq!(j["range"]["start"]["line"], 2);
        assert_eq!(j["range"]["filename"], "main.tf");
        assert_eq!(j["snippet"]["code"], "bé = \"x\"");
        assert_eq!(j["snippet"]["highlight_start_offset"], 0);
        assert_eq!(j["snippet"]["highlight_end_offset"], 3);
        assert_eq!(j["detail"], "fix it");
    }
}
