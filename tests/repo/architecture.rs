//! `ARCHITECTURE.md` matches the code: every `src/...` path it names exists, every function of
//! the walk (a table row `` | ... | `src/FILE.rs` | `NAME` | ``) is defined in that file, and
//! every top-level module declared in `src/lib.rs` is named on the page.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn page() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md at the root")
}

/// The backticked spans of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Whether `file` defines a function `name` (`fn name(` or `fn name<`).
fn defines(file: &Path, name: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.contains(&format!("fn {name}(")) || text.contains(&format!("fn {name}<"))
}

/// The top-level modules `src/lib.rs` declares.
fn top_level_modules() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect()
}

#[test]
fn every_path_the_page_names_exists() {
    let page = page();
    let mut named = 0;
    for span in code_spans(&page) {
        for path in span.split([',', ' ']).map(str::trim) {
            if path.starts_with("src/") || path.starts_with("tests/") {
                let p = root().join(path.trim_end_matches('/'));
                assert!(
                    p.exists(),
                    "ARCHITECTURE.md names {path}, which does not exist"
                );
                named += 1;
            }
        }
    }
    assert!(
        named > 20,
        "the page names the files it describes ({named} paths)"
    );
}

#[test]
fn every_function_of_the_walk_is_where_the_page_says() {
    let page = page();
    let mut hops = 0;
    for line in page.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | hop | `src/FILE.rs` | `NAME` |
        let [_, _, file, name, _] = cells[..] else {
            continue;
        };
        let (Some(file), Some(name)) = (
            file.strip_prefix('`').and_then(|f| f.strip_suffix('`')),
            name.strip_prefix('`').and_then(|n| n.strip_suffix('`')),
        ) else {
            continue;
        };
        if !file.ends_with(".rs") {
            continue;
        }
        assert!(
            defines(&root().join(file), name),
            "ARCHITECTURE.md: {file} does not define `{name}`"
        );
        hops += 1;
    }
    assert!(hops >= 10, "the walk has its hops ({hops})");
}

#[test]
fn every_top_level_module_is_on_the_page() {
    let page = page();
    let modules = top_level_modules();
    assert!(modules.len() > 10, "{modules:?}");
    for m in modules {
        let as_file = format!("`src/{m}.rs`");
        let as_folder = format!("`src/{m}/`");
        assert!(
            page.contains(&as_file) || page.contains(&as_folder),
            "ARCHITECTURE.md does not name the module `{m}` (as {as_file} or {as_folder})"
        );
    }
}
