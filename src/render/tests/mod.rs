//! Tests of the renderers: each draws hand-built plans ([`scenarios`], made with the builders in
//! [`fixtures`]) into a buffer, checked against insta snapshots and by assertions on what must
//! (and must not) appear.

mod diff;
mod fixtures;
mod json;
mod json_planned;
mod markdown;
mod scenarios;
mod text;

use crate::plan::Plan;

use super::text::Style;

/// `plan` as text, plain or coloured.
fn render_text(plan: &Plan, color: bool) -> String {
    let mut buf = Vec::new();
    super::text::write(&mut buf, plan, Style { color }).expect("writing to a Vec succeeds");
    String::from_utf8(buf).expect("text output is UTF-8")
}

/// `plan` as a unified diff of the ARM bodies.
fn render_diff(plan: &Plan) -> String {
    let mut buf = Vec::new();
    super::diff::write(&mut buf, plan).expect("writing to a Vec succeeds");
    String::from_utf8(buf).expect("diff output is UTF-8")
}

/// `plan` as a pull-request comment.
fn render_markdown(plan: &Plan) -> String {
    let mut buf = Vec::new();
    super::markdown::write(&mut buf, plan).expect("writing to a Vec succeeds");
    String::from_utf8(buf).expect("Markdown output is UTF-8")
}

/// `plan` as Terraform's JSON plan, the bytes `json::write` produces.
fn render_json(plan: &Plan) -> String {
    let mut buf = Vec::new();
    super::json::write(&mut buf, plan).expect("writing to a Vec succeeds");
    String::from_utf8(buf).expect("JSON output is UTF-8")
}
