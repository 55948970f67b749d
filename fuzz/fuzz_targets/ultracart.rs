//! libFuzzer entry point of `wharf_fuzz::ultracart` (what it checks is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wharf_fuzz::ultracart::run(data));
