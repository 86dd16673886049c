//! End-to-end cases for `format_source`.

use super::*;

#[test]
fn smoke() {
    let out = format_source("a=1\nbb = \"${ x }\"\n").unwrap();
    assert_eq!(out, "a  = 1\nbb = \"${x}\"\n");
}
