//! End-to-end tests: the real `wharf` binary on loopback ports, driven by real clients (curl,
//! lftp, and the suppaftp crate). One test binary (ripgrep's layout); each test gets its own
//! temp folder and ports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod e2e;
mod fuzz_regressions;
mod repo;
