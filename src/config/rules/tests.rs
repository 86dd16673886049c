//! Tests of the cross-field rules.
