//! libFuzzer entry point of `wharf_fuzz::sftp_requests` (what it checks is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wharf_fuzz::sftp_requests::run(data));
