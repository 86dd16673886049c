//! End-to-end cases for [`format_source`]: every case is also checked for idempotence.

use super::*;

/// Formats `src`, panicking with the error (tests only).
fn fmt(src: &str) -> String {
    match format_source(src) {
        Ok(out) => out,
        Err(err) => panic!("{err}\n--- input:\n{src}"),
    }
}

/// Formats `src`, compares with `expected`, and checks that formatting again changes nothing.
#[track_caller]
fn check(src: &str, expected: &str) {
    let out = fmt(src);
    assert_eq!(
        out, expected,
        "\n--- got:\n{out}\n--- expected:\n{expected}"
    );
    assert_eq!(fmt(&out), out, "not idempotent");
}

#[test]
fn aligns_equals_in_a_run() {
    check(
        "resource \"x\" \"y\" {\nname = \"a\"\nlocation_long = \"b\"\ncount=1\n}\n",
        "resource \"x\" \"y\" {\n  name          = \"a\"\n  location_long = \"b\"\n  count         = 1\n}\n",
    );
}

#[test]
fn blank_line_breaks_the_alignment_run() {
    check(
        "a = 1\nbbb = 2\n\ncc = 3\ndddd = 4\n",
        "a   = 1\nbbb = 2\n\ncc   = 3\ndddd = 4\n",
    );
}

#[test]
fn nested_block_breaks_the_alignment_run() {
    check(
        "x {\n  a = 1\n  inner {\n    bbbb = 2\n  }\n  cc = 3\n}\n",
        "x {\n  a = 1\n  inner {\n    bbbb = 2\n  }\n  cc = 3\n}\n",
    );
}

#[test]
fn multi_line_value_breaks_the_alignment_run() {
    check(
        "locals {\na = 1\ntags = {\nenv = \"prod\"\nteam_name = \"x\"\n}\nbb = 2\n}\n",
        "locals {\n  a = 1\n  tags = {\n    env       = \"prod\"\n    team_name = \"x\"\n  }\n  bb = 2\n}\n",
    );
}

#[test]
fn indents_nested_blocks() {
    check(
        "a {\nb {\n      c {\nd = 1\n}\n}\n}\n",
        "a {\n  b {\n    c {\n      d = 1\n    }\n  }\n}\n",
    );
}

#[test]
fn single_line_object_and_list() {
    check(
        "x = {a=1,b=\"2\"}\ny = [ 1,2 , 3 ]\nz = {}\nw = []\n",
        "x = { a = 1, b = \"2\" }\ny = [1, 2, 3]\nz = {}\nw = []\n",
    );
}

#[test]
fn trailing_commas_follow_hclwrite() {
    // hclwrite always puts a space after a comma, even before a closing bracket.
    check("x = [1,2,]\n", "x = [1, 2, ]\n");
    check(
        "x = [\n\"a\",\n  \"b\",\n]\n",
        "x = [\n  \"a\",\n  \"b\",\n]\n",
    );
}

#[test]
fn multi_line_object_with_trailing_commas() {
    check(
        "x = {\na = 1,\n   bb = 2,\n}\n",
        "x = {\n  a  = 1,\n  bb = 2,\n}\n",
    );
}

#[test]
fn function_call_spanning_lines() {
    check(
        "x = merge(\nvar.a,\n      { b = 1 },\n)\n",
        "x = merge(\n  var.a,\n  { b = 1 },\n)\n",
    );
    // A line closing what an earlier line opened takes the outer indentation (hclwrite).
    check(
        "r {\n  y = cidrsubnet(var.cidr,\n      8, 1)\n}\n",
        "r {\n  y = cidrsubnet(var.cidr,\n  8, 1)\n}\n",
    );
}

#[test]
fn for_expressions() {
    check(
        "x = [for k,v in var.x: upper(v) if v!=\"\"]\n",
        "x = [for k, v in var.x : upper(v) if v != \"\"]\n",
    );
    check(
        "y = {for k, v in m: k=>v...}\n",
        "y = { for k, v in m : k => v... }\n",
    );
    check("z = [for x in[1, 2]: x]\n", "z = [for x in [1, 2] : x]\n");
}

#[test]
fn conditionals() {
    check(
        "x = var.a?1:2\ny = a==b ? \"p\" : \"q\"\n",
        "x = var.a ? 1 : 2\ny = a == b ? \"p\" : \"q\"\n",
    );
}

#[test]
fn splats_and_legacy_index() {
    check(
        "a = x[*].b\nb = x.*.b\nc = x [ * ] . b\nd = x.0.b\ne = aws_instance.web.0.id\n",
        "a = x[*].b\nb = x.*.b\nc = x[*].b\nd = x.0.b\ne = aws_instance.web.0.id\n",
    );
}

#[test]
fn negative_numbers_and_subtraction() {
    check(
        "a = -1\nb = a -1\nc = [-1, - 2]\nd = -var.y\ne = 1 - -1\nf = (a)-1\ng = x*-1\nh = a - 1\n",
        "a = -1\nb = a - 1\nc = [-1, -2]\nd = -var.y\ne = 1 - -1\nf = (a) - 1\ng = x * -1\nh = a - 1\n",
    );
    check("x = - 1\n", "x = -1\n");
}

#[test]
fn identifiers_with_dashes_are_not_subtraction() {
    check("x = a-b\n", "x = a-b\n");
}

#[test]
fn bang_sticks_to_its_operand() {
    check(
        "a = !var.x\nb = ! var.x\nc = !!d\ne = x && ! y\n",
        "a = !var.x\nb = !var.x\nc = !!d\ne = x && !y\n",
    );
}

#[test]
fn templates_with_nested_quotes() {
    check(
        "x = \"${format(\"%s\", \"x\")}\"\n",
        "x = \"${format(\"%s\", \"x\")}\"\n",
    );
    check(
        "y = \"${ var.a }-${var.b} and ${ lookup(m, \"k\", \"}\") }\"\n",
        "y = \"${var.a}-${var.b} and ${lookup(m, \"k\", \"}\")}\"\n",
    );
    check(
        "z = \"${jsonencode({a = \"}\"})}\"\n",
        "z = \"${jsonencode({ a = \"}\" })}\"\n",
    );
}

#[test]
fn template_directives() {
    check(
        "z = \"%{ if var.x }yes%{ else }no%{ endif }\"\n",
        "z = \"%{if var.x}yes%{else}no%{endif}\"\n",
    );
    check(
        "w = \"%{ for k, v in m }${k}=${ v },%{ endfor ~}\"\n",
        "w = \"%{for k, v in m}${k}=${v},%{endfor~}\"\n",
    );
    check("s = \"${~ var.a ~} x\"\n", "s = \"${~var.a~} x\"\n");
}

#[test]
fn string_literals_are_untouched() {
    check(
        "a = \"  spaced   out  \"\nb = \"$${not} %%{an} \\\"interp\\\"\"\nc = \"tab\there\"\n",
        "a = \"  spaced   out  \"\nb = \"$${not} %%{an} \\\"interp\\\"\"\nc = \"tab\there\"\n",
    );
}

#[test]
fn heredocs_inside_an_indented_block_are_verbatim() {
    check(
        "resource \"x\" \"y\" {\n    policy = <<EOT\n  {\n    \"a\":   1\n  }\nEOT\n    user_data = <<-EOT\n      #!/bin/bash\n      echo ${ var.x }   \n    EOT\n}\n",
        "resource \"x\" \"y\" {\n  policy    = <<EOT\n  {\n    \"a\":   1\n  }\nEOT\n  user_data = <<-EOT\n      #!/bin/bash\n      echo ${ var.x }   \n    EOT\n}\n",
    );
}

#[test]
fn heredoc_as_a_function_argument() {
    check(
        "r {\npolicy = jsonencode(<<EOF\n{}\nEOF\n    )\nother=1\n}\n",
        "r {\n  policy = jsonencode(<<EOF\n{}\nEOF\n  )\n  other = 1\n}\n",
    );
}

#[test]
fn trailing_comments_are_aligned_and_kept() {
    check(
        "a = 1 # one\nbbb = 22 // two\n\nc = 3    /* three */\n",
        "a   = 1  # one\nbbb = 22 // two\n\nc = 3 /* three */\n",
    );
}

#[test]
fn comments_in_every_position_are_kept_exactly() {
    let src = "# file header\n// another\n\n/* block\n     comment   */\nresource \"a\" \"b\" {\nx = 1 # end of line\n  list = [\n\"a\", # inside list\n        # own line in list\n    \"b\" /* inline */,\n  ]\n  /* before attr */ z = 3\n}\n# between blocks\nresource \"c\" \"d\" {}\n# file end\n";
    let expected = "# file header\n// another\n\n/* block\n     comment   */\nresource \"a\" \"b\" {\n  x = 1 # end of line\n  list = [\n    \"a\", # inside list\n    # own line in list\n    \"b\" /* inline */,\n  ]\n  /* before attr */ z = 3\n}\n\n# between blocks\nresource \"c\" \"d\" {}\n# file end\n";
    check(src, expected);
}

#[test]
fn comment_text_is_unchanged_except_trailing_whitespace() {
    check(
        "#   odd   spacing   \nx = 1\n",
        "#   odd   spacing\nx = 1\n",
    );
}

#[test]
fn block_labels_quoted_and_unquoted() {
    check(
        "resource   aws_x   \"y\"{\n}\nmodule \"m\"    {\n  source = \"./m\"\n}\n",
        "resource aws_x \"y\" {\n}\n\nmodule \"m\" {\n  source = \"./m\"\n}\n",
    );
}

#[test]
fn dynamic_blocks() {
    check(
        "r {\ndynamic \"node_pool\" {\nfor_each = var.pools\ncontent {\nname = node_pool.value.name\nvm_size = node_pool.value.size\n}\n}\n}\n",
        "r {\n  dynamic \"node_pool\" {\n    for_each = var.pools\n    content {\n      name    = node_pool.value.name\n      vm_size = node_pool.value.size\n    }\n  }\n}\n",
    );
}

#[test]
fn empty_blocks() {
    check(
        "provider \"azurerm\" {\n  features { }\n  other {\n  }\n}\n",
        "provider \"azurerm\" {\n  features {}\n  other {\n  }\n}\n",
    );
}

#[test]
fn single_line_blocks() {
    check("r {\n  b {a=1}\n}\n", "r {\n  b { a = 1 }\n}\n");
}

#[test]
fn crlf_input_gives_lf_output() {
    check("a = 1\r\nbb = 2\r\n", "a  = 1\nbb = 2\n");
    check(
        "r {\r\n  p = <<EOT\r\nline\r\nEOT\r\n}\r\n",
        "r {\r\n  p = <<EOT\nline\nEOT\n}\n"
            .replace("\r\n", "\n")
            .as_str(),
    );
}

#[test]
fn missing_final_newline_is_added() {
    check("a = 1", "a = 1\n");
    check("r {}", "r {}\n");
}

#[test]
fn tabs_as_indentation() {
    check(
        "x {\n\ta = 1\n\t\tbb = 2\n}\n",
        "x {\n  a  = 1\n  bb = 2\n}\n",
    );
}

#[test]
fn blank_lines_between_top_level_blocks() {
    check(
        "\n\n\na {}\nb {}\n\n\n\nc {\n}\n# about d\n// more about d\nd {}\n\n\n",
        "a {}\n\nb {}\n\nc {\n}\n\n# about d\n// more about d\nd {}\n",
    );
}

#[test]
fn blank_lines_collapse_inside_blocks() {
    check(
        "r {\n\n\n  a = 1\n\n\n\n  b = 2\n}\n",
        "r {\n\n  a = 1\n\n  b = 2\n}\n",
    );
}

#[test]
fn attributes_next_to_blocks_get_no_extra_blank_line() {
    check("a = 1\nb {}\nc = 2\n", "a = 1\nb {}\nc = 2\n");
}

#[test]
fn empty_and_whitespace_only_files() {
    check("", "");
    check("\n\n  \n", "");
    check("# only a comment", "# only a comment\n");
}

#[test]
fn provider_functions_keep_their_namespace_together() {
    check(
        "x = provider::tf::encode( var.a )\n",
        "x = provider::tf::encode(var.a)\n",
    );
}

#[test]
fn operators_are_spaced() {
    check(
        "x = a+b*c/d%e\ny = a>=b&&c<d||e<=f\nz = (a)\n",
        "x = a + b * c / d % e\ny = a >= b && c < d || e <= f\nz = (a)\n",
    );
}

#[test]
fn parse_errors_carry_line_and_column() {
    let err = format_source("a = 1\nb = = 2\n").unwrap_err();
    let FmtError::Parse { line, column, .. } = err else {
        panic!("expected a parse error, got {err:?}");
    };
    assert_eq!((line, column), (2, 5));

    let err = format_source("r {\n  x = [1,\n}\n").unwrap_err();
    assert!(matches!(err, FmtError::Parse { line: 3, .. }), "{err:?}");
}

#[test]
fn parse_error_message_is_reported() {
    let err = format_source("a = \"unterminated\n").unwrap_err();
    let FmtError::Parse { message, .. } = &err else {
        panic!("expected a parse error, got {err:?}");
    };
    assert!(!message.is_empty());
    assert!(err.to_string().starts_with("1:"), "{err}");
}

#[test]
fn formats_a_realistic_aks_cluster_file() {
    let messy = include_str!("testdata/aks_messy.tf");
    let expected = include_str!("testdata/aks_expected.tf");
    check(messy, expected);
    // The expected file is itself canonical.
    check(expected, expected);
}

#[test]
fn every_prefix_of_a_realistic_file_formats_or_errors() {
    let src = include_str!("testdata/aks_messy.tf");
    for (end, _) in src.char_indices().chain([(src.len(), ' ')]) {
        let prefix = &src[..end];
        match format_source(prefix) {
            Ok(out) => assert_eq!(format_source(&out).as_ref(), Ok(&out)),
            Err(FmtError::Parse { .. }) => {}
            Err(err) => panic!("prefix of {end} bytes: {err}\n{prefix}"),
        }
    }
}

/// Valid HCL exercising templates, heredocs, comments and CRLF, for the prefix test below.
const TRICKY: &str = "# c\r\nr \"a\" {\r\n  x = \"${f(\"}\", { k = \"${v}\" })}%{ if y ~}z%{ endif }\"\r\n  /* m\r\n  n */ h = [<<-EOT\r\n    ${ q }\r\n    EOT\r\n  , -1, !b, a[*].c, d.0.e]\r\n}\r\nlocals { o = { for k, v in m : k => v... if v != \"\" } } // t\r\n";

#[test]
fn every_prefix_of_tricky_input_formats_or_errors() {
    assert!(format_source(TRICKY).is_ok());
    for (end, _) in TRICKY.char_indices() {
        let prefix = &TRICKY[..end];
        match format_source(prefix) {
            Ok(out) => assert_eq!(format_source(&out).as_ref(), Ok(&out)),
            Err(FmtError::Parse { .. }) => {}
            Err(err) => panic!("prefix of {end} bytes: {err}\n{prefix}"),
        }
    }
}

#[test]
fn comments_on_closing_lines_and_heredocs_in_lists() {
    check(
        "r {\n  a = [<<EOT\nx\nEOT\n  , 2]\n} # end of r\n",
        "r {\n  a = [<<EOT\nx\nEOT\n  , 2]\n} # end of r\n",
    );
}

#[test]
fn object_keys_of_every_kind_align() {
    check(
        "x = {\n\"quoted\" = 1\nplain = 2\n(var.k) = 3\n\"${p}-s\" = 4\n}\n",
        "x = {\n  \"quoted\" = 1\n  plain    = 2\n  (var.k)  = 3\n  \"${p}-s\" = 4\n}\n",
    );
}

#[test]
fn garbage_never_panics() {
    let pieces = [
        "\"", "${", "%{", "}", "~}", "<<", "<<-EOT", "EOT", "\n", "\r", "/*", "*/", "#", "//",
        "\\", "{", "[", "(", ")", "]", "=", "-", "!", "a", "1.5e", "é", "\t", " ", "...", "::",
        "$${", "%%{", "\"${\"", "=>", "?", ":", ",", ".", "0.",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut src = String::new();
        for _ in 0..(seed % 12) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            src.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let _ = lexer::lex(&src);
        match format_source(&src) {
            Ok(_) | Err(FmtError::Parse { .. }) => {}
            Err(err) => panic!("{err}\n--- input: {src:?}"),
        }
    }
}

#[test]
fn the_safety_check_compares_meaning() {
    assert!(same_meaning("a = 1\n", "a=1"));
    assert!(same_meaning("a = \"${ x }\"\n", "a = \"${x}\"\n"));
    assert!(same_meaning("b {\n  c = [1,2]\n}\n", "b { c = [1, 2] }\n"));
    assert!(!same_meaning("a = 1\n", "a = 2\n"));
    assert!(!same_meaning("a = \"x \"\n", "a = \"x\"\n"));
    assert!(!same_meaning(
        "a = <<EOT\n  x\nEOT\n",
        "a = <<EOT\nx\nEOT\n"
    ));
    assert!(!same_meaning("a = \"${x} \"\n", "a = \"${x}\"\n"));
    assert!(!same_meaning("a = 1\n", "a = (\n"));
}

#[test]
fn a_meaning_change_is_an_internal_error() {
    let expected = semantic_body("a = 1\n").map_err(|e| e.to_string());
    let Ok(expected) = expected else {
        panic!("{expected:?}");
    };
    assert!(verify(&expected, "a = 1\n").is_ok());
    assert!(matches!(
        verify(&expected, "a = 2\n"),
        Err(FmtError::Internal(_))
    ));
    assert!(matches!(
        verify(&expected, "a = \n"),
        Err(FmtError::Internal(_))
    ));
    // Not stable under formatting: also refused.
    assert!(matches!(
        verify(&expected, "a  =  1\n"),
        Err(FmtError::Internal(_))
    ));
}

#[test]
fn unified_diff_has_headers_and_context() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
    let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
    let diff = unified_diff("main.tf", old, new);
    assert!(
        diff.starts_with("--- a/main.tf\n+++ b/main.tf\n@@ -2,7 +2,7 @@\n"),
        "{diff}"
    );
    assert!(diff.contains("-e\n+E\n"), "{diff}");
    assert_eq!(unified_diff("main.tf", old, old), "");
}
