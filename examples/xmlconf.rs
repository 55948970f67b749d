//! W3C/OASIS XML conformance runner: Wharf's validator (`Mode::Document`) and
//! `xmllint --valid --noout --nonet` side by side.
//!
//! ```sh
//! cargo run --example xmlconf -- ../shared/conformance/xmlconf
//! ```
//!
//! The scored set is the one `xmlconf/README.md` defines (type valid/invalid/not-wf, version
//! not 1.1, recommendation exactly `XML1.0`, edition empty or containing 5); the errata rows
//! (recommendation `XML1.0-errata*`, same other filters) are run and reported apart. Prints
//! both scores per category and every test where Wharf disagrees with the expected result;
//! exits 1 when Wharf is below: valid ≥ 95 % accepted, invalid ≥ 98 % rejected, not-wf ≥ 98 %
//! rejected. xmllint missing: its column says so and only Wharf is scored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use wharf::validate::{self, Mode, Options};

#[derive(Clone)]
struct Test {
    id: String,
    kind: String,
    input: PathBuf,
    errata: bool,
}

struct Outcome {
    /// Wharf accepted (no problem); None: error (unreadable) = rejected.
    wharf_ok: bool,
    wharf_first: String,
    xmllint_ok: Option<bool>,
}

fn load(dir: &Path) -> Vec<Test> {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut tests = Vec::new();
    for line in index.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            continue;
        }
        let (id, kind, input, version, edition, rec) = (f[1], f[2], f[3], f[5], f[6], f[7]);
        if !matches!(kind, "valid" | "invalid" | "not-wf") || version == "1.1" {
            continue;
        }
        if !(edition.is_empty() || edition.contains('5')) {
            continue;
        }
        let errata = match rec {
            "XML1.0" => false,
            r if r.starts_with("XML1.0-errata") => true,
            _ => continue,
        };
        tests.push(Test {
            id: id.to_string(),
            kind: kind.to_string(),
            input: dir.join(input),
            errata,
        });
    }
    tests
}

fn xmllint_available() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn run_one(t: &Test, xmllint: bool) -> Outcome {
    let opts = Options::new(Mode::Document);
    let (wharf_ok, wharf_first) = match validate::validate_file(&t.input, &opts) {
        Ok(p) if p.is_empty() => (true, String::new()),
        Ok(p) => (false, format!("{}", p[0])),
        Err(e) => (false, format!("error: {e}")),
    };
    let xmllint_ok = xmllint.then(|| {
        Command::new("xmllint")
            .args(["--valid", "--noout", "--nonet"])
            .arg(&t.input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    });
    Outcome {
        wharf_ok,
        wharf_first,
        xmllint_ok,
    }
}

fn expected_ok(kind: &str) -> bool {
    kind == "valid"
}

fn main() -> ExitCode {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/conformance/xmlconf".into()),
    );
    if !dir.join("INDEX.tsv").is_file() {
        eprintln!("xmlconf: {}/INDEX.tsv not found", dir.display());
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let tests = load(&dir);
    let xmllint = xmllint_available();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..tests.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(t) = tests.get(i) else { break };
                    let o = run_one(t, xmllint);
                    results.lock().unwrap()[i] = Some(o);
                }
            });
        }
    });
    let results: Vec<Outcome> = results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect();

    let mut failed = false;
    for errata in [false, true] {
        println!(
            "\n{}",
            if errata {
                "errata rows (XML1.0-errata*, reported apart, not gated)"
            } else {
                "scored set (XML1.0, edition empty or 5)"
            }
        );
        println!(
            "{:<8} {:>6}  {:>16}  {:>16}",
            "type", "tests", "wharf", "xmllint"
        );
        for (kind, threshold) in [("valid", 95.0), ("invalid", 98.0), ("not-wf", 98.0)] {
            let idx: Vec<usize> = (0..tests.len())
                .filter(|&i| tests[i].errata == errata && tests[i].kind == kind)
                .collect();
            let n = idx.len();
            let good = |ok: bool| ok == expected_ok(kind);
            let w = idx.iter().filter(|&&i| good(results[i].wharf_ok)).count();
            let x = idx
                .iter()
                .filter(|&&i| results[i].xmllint_ok.is_some_and(good))
                .count();
            let pct = |k: usize| {
                if n == 0 {
                    100.0
                } else {
                    100.0 * k as f64 / n as f64
                }
            };
            let xs = if xmllint {
                format!("{x}/{n} {:5.1}%", pct(x))
            } else {
                "not installed".into()
            };
            println!(
                "{kind:<8} {n:>6}  {:>16}  {xs:>16}",
                format!("{w}/{n} {:5.1}%", pct(w))
            );
            if !errata && pct(w) < threshold {
                println!("  FAIL: wharf below {threshold}% on {kind}");
                failed = true;
            }
        }
    }
    println!("\nWharf disagrees with the expected result:");
    let mut any = false;
    for (t, o) in tests.iter().zip(&results) {
        if o.wharf_ok != expected_ok(&t.kind) {
            any = true;
            let x = match o.xmllint_ok {
                Some(ok) if ok == expected_ok(&t.kind) => "xmllint agrees with the catalog",
                Some(_) => "xmllint disagrees too",
                None => "",
            };
            println!(
                "  {}{} [{}] {}: wharf {}; {x}{}",
                if t.errata { "(errata) " } else { "" },
                t.id,
                t.kind,
                t.input.strip_prefix(&dir).unwrap_or(&t.input).display(),
                if o.wharf_ok { "accepted" } else { "rejected" },
                if o.wharf_first.is_empty() {
                    String::new()
                } else {
                    format!("\n      first problem: {}", o.wharf_first)
                }
            );
        }
    }
    if !any {
        println!("  (none)");
    }
    if xmllint {
        let theirs: Vec<String> = tests
            .iter()
            .zip(&results)
            .filter(|(t, o)| o.xmllint_ok.is_some_and(|ok| ok != expected_ok(&t.kind)))
            .map(|(t, _)| {
                format!(
                    "{}{} [{}]",
                    if t.errata { "(errata) " } else { "" },
                    t.id,
                    t.kind
                )
            })
            .collect();
        println!(
            "\nxmllint disagrees with the expected result on {}: {}",
            theirs.len(),
            if theirs.is_empty() {
                "(none)".to_string()
            } else {
                theirs.join(", ")
            }
        );
    }
    println!(
        "\n{} tests in {:.1}s ({workers} threads)",
        tests.len(),
        started.elapsed().as_secs_f64()
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
