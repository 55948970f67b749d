//! `wharf validate`: output lines, exit codes, refusals (network, XXE, entity
//! expansion), encodings and streaming, on the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn wharf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/xml")
        .join(name)
}

fn validate(args: &[&Path]) -> (Option<i32>, String, String) {
    let out: Output = wharf().arg("validate").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_valid_file_prints_nothing_and_exits_0() {
    let f = fixture("valid.xml");
    let (code, out, err) = validate(&[&f]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(out, "");
    // --dtd validates against the given DTD.
    let dtd = fixture("order.dtd");
    let (code, out, _) = validate(&[Path::new("--dtd"), &dtd, &fixture("no-doctype.xml")]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn problems_are_file_line_col_lines_and_exit_1() {
    let f = fixture("invalid.xml");
    let (code, out, _) = validate(&[&f]);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = out.lines().collect();
    let name = f.display().to_string();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(&format!("{name}:4:23: error: ")) && lines[0].contains("status"),
        "{out}"
    );
    assert_eq!(
        lines[1],
        format!(
            "{name}:11:11: error: element order: content does not follow the DTD: expecting (id,item+,note?), got (item,id)"
        )
    );
    let nwf = fixture("not-well-formed.xml");
    let (code, out, _) = validate(&[&nwf]);
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with(&format!("{}:6:23: error: ", nwf.display())),
        "{out}"
    );
    // Several files: every problem, the worst exit.
    let (code, out, _) = validate(&[&fixture("valid.xml"), &f, &nwf]);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn unreadable_files_and_usage_errors_exit_2() {
    let (code, _, err) = validate(&[&fixture("no-such-file.xml")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no-such-file.xml"), "{err}");
    let (code, _, err) = validate(&[
        Path::new("--dtd"),
        &fixture("no-such.dtd"),
        &fixture("valid.xml"),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no-such.dtd"), "{err}");
    // A DOCTYPE naming a DTD that does not exist.
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("d.xml");
    std::fs::write(&f, "<!DOCTYPE r SYSTEM \"gone.dtd\"><r/>").unwrap();
    let (code, _, err) = validate(&[&f]);
    assert_eq!(code, Some(2), "{err}");
    // No file at all, an unknown option.
    let out = wharf().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = wharf()
        .args(["validate", "--bogus"])
        .arg(fixture("valid.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_network_dtd_is_refused_with_a_message_never_fetched() {
    let f = fixture("network-dtd.xml");
    let t = Instant::now();
    let (code, out, _) = validate(&[&f]);
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(code, Some(1));
    assert!(
        out.contains("http://example.com/x.dtd") && out.contains("never the network"),
        "{out}"
    );
}

#[test]
fn billion_laughs_is_refused_quickly() {
    for name in [
        "billion-laughs.xml",
        "parameter-laughs.xml",
        "many-refs.xml",
    ] {
        let f = fixture(name);
        let t = Instant::now();
        let (code, out, _) = validate(&[&f]);
        let took = t.elapsed();
        assert!(took < Duration::from_secs(5), "{name} took {took:?}");
        assert_eq!(code, Some(1), "{name}: {out}");
        assert!(out.contains("entity expansion exceeds"), "{name}: {out}");
    }
}

#[test]
fn xxe_leaks_nothing_into_the_output() {
    // Document mode reads local files like `xmllint --nonet` does, but prints only problems:
    // nothing of /etc/passwd may appear.
    let (code, out, err) = validate(&[&fixture("xxe.xml")]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        !out.contains("root:") && !err.contains("root:"),
        "{out}{err}"
    );
    // Against a DTD, the internal subset still declares the entity; still nothing leaks.
    let (_, out, err) = validate(&[
        Path::new("--dtd"),
        &fixture("order.dtd"),
        &fixture("xxe.xml"),
    ]);
    assert!(
        !out.contains("root:") && !err.contains("root:"),
        "{out}{err}"
    );
}

#[test]
fn utf16_and_the_japanese_streaming_regression() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("u16.xml");
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE r [<!ELEMENT r (#PCDATA)>]>\n<r>日本</r>\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in xml.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&f, bytes).unwrap();
    let (code, out, err) = validate(&[&f]);
    assert_eq!(code, Some(0), "{out}{err}");

    let jp = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/xmlconf/japanese/pr-xml-utf-8.xml");
    if !jp.is_file() {
        super::support::skip(&format!(
            "the japanese/pr-xml-utf-8.xml regression: {} is absent",
            jp.display()
        ));
        return;
    }
    let (code, out, err) = validate(&[&jp]);
    assert_eq!(code, Some(0), "{out}{err}");
}

/// Peak resident memory of a running child, polled from /proc until it exits.
fn run_measuring_peak(cmd: &mut Command) -> (Output, u64) {
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let status_shown = status_path.clone();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if let Ok(s) = std::fs::read_to_string(&status_path) {
                    for line in s.lines() {
                        if let Some(v) = line.strip_prefix("VmHWM:") {
                            let kb: u64 =
                                v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                            peak.fetch_max(kb, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watcher.join().unwrap();
    let peak = peak.load(std::sync::atomic::Ordering::SeqCst) * 1024;
    // 0 would mean /proc was never read: no measurement, not a small one.
    assert!(
        peak > 0,
        "the peak memory was never measured ({status_shown})"
    );
    (out, peak)
}

#[test]
fn a_50_mb_batch_validates_in_bounded_memory() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("order.dtd"), d.path().join("order.dtd")).unwrap();
    let f = d.path().join("batch.xml");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
        writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE orders SYSTEM \"order.dtd\">\n<orders>").unwrap();
        let mut written = 0usize;
        let mut n = 0u64;
        while written < 50_000_000 {
            let rec = format!(
                "  <order status=\"paid\" ref=\"o{n}\">\n    <id>{n}</id>\n    <item qty=\"2\">Caf\u{e9} \u{65e5}\u{672c}\u{8a9e} Bj\u{f6}rk &amp; S\u{f6}ner</item>\n    <note>gift <b>wrap</b></note>\n  </order>\n"
            );
            w.write_all(rec.as_bytes()).unwrap();
            written += rec.len();
            n += 1;
        }
        writeln!(w, "</orders>").unwrap();
    }
    let t = Instant::now();
    let (out, peak) = run_measuring_peak(wharf().arg("validate").arg(&f));
    let took = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{text}");
    eprintln!("50 MB batch: {took:?}, peak RSS {} MiB", peak >> 20);
    assert!(peak < 64 << 20, "peak RSS {} MiB", peak >> 20);
}

/// `wharf validate` aborted with a stack overflow at 5,000 nested elements.
#[test]
fn deep_nesting_is_a_problem_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("deep.xml");
    std::fs::write(
        &f,
        format!(
            "<?xml version=\"1.0\"?>\n<export>{}{}</export>\n",
            "<order>".repeat(5_000),
            "</order>".repeat(5_000)
        ),
    )
    .unwrap();
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd");
    for args in [vec![f.as_path()], vec![Path::new("--dtd"), &dtd, &f]] {
        let (code, out, err) = validate(&args);
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(out.contains("nesting deeper than 256"), "{out}");
    }
}
