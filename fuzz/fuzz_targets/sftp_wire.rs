//! libFuzzer entry point of `wharf_fuzz::sftp_wire` (what it checks is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wharf_fuzz::sftp_wire::run(data));
