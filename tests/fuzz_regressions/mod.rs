//! Every input a fuzz target once crashed on, replayed through the same target code
//! (`fuzz/src/`, included here) by a normal `cargo test`: stable toolchain, no libFuzzer.
//! The inputs live in `fixtures/fuzz-regressions/TARGET/`, one file each, named after what
//! they found; `scripts/fuzz.sh` also hands them to libFuzzer first as seeds.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod wharf_fuzz;

use std::path::Path;

/// The target each folder's inputs go to.
fn target(name: &str) -> Option<fn(&[u8])> {
    Some(match name {
        "config" => wharf_fuzz::config::run,
        "dsco" => wharf_fuzz::dsco::run,
        "ftp_commands" => wharf_fuzz::ftp_commands::run,
        "sftp_requests" => wharf_fuzz::sftp_requests::run,
        "sftp_wire" => wharf_fuzz::sftp_wire::run,
        "ultracart" => wharf_fuzz::ultracart::run,
        "validate_dtd" => wharf_fuzz::validate_dtd::run,
        "warehouse" => wharf_fuzz::warehouse::run,
        _ => return None,
    })
}

#[test]
fn fuzz_regressions_still_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions");
    let mut replayed = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let run = target(&name).unwrap_or_else(|| panic!("{}: no such fuzz target", dir.display()));
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            eprintln!("replaying {}", input.display());
            run(&data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no input in {}", root.display());
}
