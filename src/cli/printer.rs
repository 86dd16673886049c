//! Output for people and pipelines: whether to use colour, and diagnostics rendered with miette
//! (`file:line:col`, a source snippet, labels and advice).

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diag::{Diagnostics, Report, SourceMap};

/// Decides colour once per command and renders diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    color: bool,
    width: usize,
}

impl Printer {
    /// Colour only when stderr is a terminal, `-no-color` is not given and `NO_COLOR` is unset.
    pub fn new(no_color: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let color = terminal && !no_color && std::env::var_os("NO_COLOR").is_none();
        let width = if terminal {
            terminal_width().unwrap_or(100)
        } else {
            100
        };
        Printer { color, width }
    }

    /// A printer without colour and with a fixed width, for tests.
    pub fn plain() -> Self {
        Printer {
            color: false,
            width: 100,
        }
    }

    /// Renders every diagnostic, each with its snippet.
    pub fn diagnostics(&self, diags: &Diagnostics, sources: &SourceMap) -> String {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
            .with_context_lines(1);
        let mut out = String::new();
        for diag in diags {
            let report = Report::new(diag, sources);
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&diag.summary);
            }
            out.push('\n');
        }
        out
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

/// "1 error", "2 warnings".
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
