//! Helpers shared by the cross-crate tests (see tests.rs).
