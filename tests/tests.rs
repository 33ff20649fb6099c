//! Cross-crate tests: console transcripts, determinism, hostile input, the `ec2lab` binary.
//! One integration-test target for the whole workspace (ripgrep's layout).

mod determinism;
mod hostile;
mod scenarios;
mod transcripts;
