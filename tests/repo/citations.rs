//! Code docs state the rule they follow, or point to a file in the repository: no source file
//! cites a section of the interface spec, the stack or style notes, a format spec, or an issue,
//! none of which is in the repository.

use std::path::{Path, PathBuf};

/// What a citation of a document outside the repository looks like.
const OUTSIDE: &[&str] = &[
    "INTERFACE §",
    "INTERFACE.md",
    "STACK.md",
    "STYLE.md",
    "STYLE item",
    "formats/canonical.md",
    "formats/ultracart.md",
    "formats/dsco.md",
    "(issue ",
    "issue #",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_source_file_cites_a_document_outside_the_repository() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "{} files", files.len());
    let this = Path::new(file!()).file_name();
    let mut found = Vec::new();
    for f in files.iter().filter(|f| f.file_name() != this) {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if OUTSIDE.iter().any(|c| line.contains(c)) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "citations of documents not in the repository:\n{}",
        found.join("\n")
    );
}
