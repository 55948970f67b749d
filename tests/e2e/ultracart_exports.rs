//! Real UltraCart exports differ by account, year and feature: the shipped DTD accepts every
//! variant found (`fixtures/ultracart/variant-*.xml` reproduce them, the real samples in
//! ../shared are read in place), and a cart configured with that DTD does what each order's
//! stage calls for, over FTP and over SFTP: an SD order becomes a warehouse order, any other
//! stage is skipped and the file archived, never sent to `error/`.
//!
//! An element no UltraCart export has, inserted in any container, stays invalid: in
//! `dtd_mode = "reject"` the file goes to `error/`; in `dtd_mode = "report"` the order goes on
//! and `archive/DAY/NAME.warnings.txt` names the element with its line and column.

use super::dtd::{against_dtd, dtd, wharf_validate};
use super::support::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use wharf::validate::validate_file;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ultracart")
        .join(name)
}

/// The variant fixtures, sorted.
fn variants() -> Vec<PathBuf> {
    let dir = fixture("");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("variant-"))
        })
        .collect();
    out.sort();
    assert!(out.len() >= 8, "{out:?}");
    out
}

/// The real samples in ../shared/samples/ultracart: `None` (skipped, with the reason printed)
/// where ../shared is absent; in CI its absence is a failure.
pub(super) fn real_samples() -> Option<Vec<PathBuf>> {
    let dir = shared_samples("ultracart")?;
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no XML sample");
    Some(out)
}

/// The variants and, where present, the real samples.
fn all_exports() -> Vec<PathBuf> {
    let mut files = variants();
    files.extend(real_samples().unwrap_or_default());
    files
}

/// `(order_id, current_stage)` of every order of an export, read from its text.
fn orders_of(text: &str) -> Vec<(String, String)> {
    let between = |s: &str, tag: &str| -> Option<String> {
        let open = format!("<{tag}>");
        let start = s.find(&open)? + open.len();
        let end = s[start..].find(&format!("</{tag}>"))? + start;
        Some(s[start..end].trim().to_string())
    };
    text.split("<order>")
        .skip(1)
        .map(|o| {
            (
                between(o, "order_id").unwrap_or_default(),
                between(o, "current_stage").unwrap_or_default(),
            )
        })
        .collect()
}

/// The warehouse files the SD orders of `files` must give.
fn expected_outputs(files: &[PathBuf]) -> BTreeSet<String> {
    files
        .iter()
        .flat_map(|f| orders_of(&std::fs::read_to_string(f).unwrap()))
        .filter(|(_, stage)| stage == "SD")
        .map(|(id, _)| format!("order_{id}.json"))
        .collect()
}

/// xmllint's output for `files` against the shipped DTD.
fn xmllint(files: &[PathBuf]) -> std::process::Output {
    run(Command::new("xmllint")
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(dtd())
        .args(files))
}

// ---------------------------------------------------------------------------------------------
// The DTD
// ---------------------------------------------------------------------------------------------

/// Where an element no UltraCart export has can be put: as the first and as the last child of
/// every container the DTD has (the two variants together hold one of each).
fn probes() -> Vec<(String, String)> {
    const PROBE: &str = "<wharf_probe>1</wharf_probe>";
    let containers = [
        "export",
        "order",
        "item",
        "option",
        "lot",
        "coupon",
        "customer_profile",
        "transaction_details",
        "transaction_detail",
        "extended_details",
        "extended_detail",
    ];
    let bases = [
        std::fs::read_to_string(fixture("variant-channel-partner-sd.xml")).unwrap(),
        std::fs::read_to_string(fixture("variant-refunds-insurance-rej.xml")).unwrap(),
    ];
    let mut out = Vec::new();
    for c in containers {
        let base = bases
            .iter()
            .find(|b| b.contains(&format!("<{c}>")))
            .unwrap_or_else(|| panic!("no <{c}> in the base fixtures"));
        let open = format!("<{c}>");
        let first = base.replacen(&open, &format!("{open}{PROBE}"), 1);
        let close = format!("</{c}>");
        let at = base.rfind(&close).unwrap();
        let last = format!("{}{PROBE}{}", &base[..at], &base[at..]);
        out.push((format!("{c}-first.xml"), first));
        out.push((format!("{c}-last.xml"), last));
    }
    out
}

/// The 1-based line of the first `<wharf_probe>` in `text`.
fn probe_line(text: &str) -> u64 {
    let at = text.find("<wharf_probe>").expect("a probe");
    1 + text[..at].matches('\n').count() as u64
}

#[test]
fn an_element_no_export_has_is_invalid_in_every_container() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = against_dtd();
    let mut files = Vec::new();
    for (name, body) in probes() {
        let path = tmp.path().join(&name);
        std::fs::write(&path, &body).unwrap();
        let problems = validate_file(&path, &opts).unwrap();
        let line = probe_line(&body);
        assert!(
            problems
                .iter()
                .any(|p| p.line == line && p.message.contains("wharf_probe")),
            "{name}: expected a problem naming wharf_probe at line {line}: {problems:?}"
        );
        files.push(path);
    }
    let out = wharf_validate(&files);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    if missing("xmllint") {
        return;
    }
    for f in &files {
        let out = xmllint(std::slice::from_ref(f));
        assert!(
            text(&out).contains("wharf_probe"),
            "xmllint accepts {}: {}",
            f.display(),
            text(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The pipeline, over FTP and SFTP
// ---------------------------------------------------------------------------------------------

fn dtd_line(mode: &str) -> String {
    format!("dtd = \"{}\"\ndtd_mode = \"{mode}\"", dtd().display())
}

/// Upload name of the n-th file: the sample names could clash with the variants' otherwise.
fn upload_name(n: usize, f: &Path) -> String {
    format!("{n:02}-{}", f.file_name().unwrap().to_string_lossy())
}

/// Uploads `body` as the cart's `in/NAME` over FTP (curl).
fn put(g: &Gateway, name: &str, body: &[u8]) {
    let out = curl_upload(&g.url("uc", CART_PASSWORD, &format!("in/{name}")), body);
    assert!(out.status.success(), "curl: {}", text(&out));
}

/// The statuses `wharf orders list` shows, by order number.
fn statuses(g: &Gateway) -> Vec<(String, String)> {
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&g.config)
        .arg("list"));
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.get(2)?.to_string(), cols.get(3)?.to_string()))
        })
        .collect()
}

/// After every file was uploaded: nothing in `error/`, every file archived, the SD orders at
/// the warehouse and the others recorded as skipped.
fn assert_each_stage_handled(g: &Gateway, files: &[PathBuf]) {
    g.wait_in_empty("uc");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}\n{}",
        g.files("uc", "error"),
        g.files("uc", "error")
            .iter()
            .map(
                |f| std::fs::read_to_string(g.home("uc").join("error").join(f)).unwrap_or_default()
            )
            .collect::<String>()
    );
    let archived = g.files("uc", "archive");
    for (n, f) in files.iter().enumerate() {
        let name = upload_name(n, f);
        assert!(
            archived.iter().any(|a| a.ends_with(&format!("/{name}"))),
            "{name} not archived: {archived:?}"
        );
    }
    assert!(
        !archived.iter().any(|a| a.ends_with(".warnings.txt")),
        "valid files have no warnings: {archived:?}"
    );
    let expected = expected_outputs(files);
    assert!(expected.len() >= 3, "{expected:?}");
    for name in &expected {
        g.wait_file(&g.home("wh").join("out").join(name));
    }
    let got: BTreeSet<String> = g.files("wh", "out").into_iter().collect();
    assert_eq!(got, expected);
    let statuses = statuses(g);
    for f in files {
        for (id, stage) in orders_of(&std::fs::read_to_string(f).unwrap()) {
            let want = if stage == "SD" { "new" } else { "skipped" };
            assert!(
                statuses.iter().any(|(o, s)| *o == id && s == want),
                "{id} ({stage}) should be {want}: {statuses:?}"
            );
        }
    }
}

#[test]
fn every_variant_uploaded_over_ftp_does_what_its_stage_calls_for() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&dtd_line("reject"), "");
    let files = all_exports();
    for (n, f) in files.iter().enumerate() {
        put(&g, &upload_name(n, f), &std::fs::read(f).unwrap());
    }
    assert_each_stage_handled(&g, &files);
}

#[test]
fn every_variant_uploaded_over_sftp_does_what_its_stage_calls_for() {
    if missing("sftp") || missing("sshpass") {
        return;
    }
    let s = SftpGateway::start_with("", &dtd_line("reject"), "");
    let files = all_exports();
    let script: String = files
        .iter()
        .enumerate()
        .map(|(n, f)| format!("put {} /in/{}\n", f.display(), upload_name(n, f)))
        .collect();
    let out = s.sftp_password("uc", CART_PASSWORD, &script);
    assert!(out.status.success(), "sftp: {}", text(&out));
    assert_each_stage_handled(&s.g, &files);
}

#[test]
fn reject_mode_sends_a_file_with_an_unknown_element_to_error() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&dtd_line("reject"), "");
    let probes = probes();
    for (name, body) in &probes {
        put(&g, name, body.as_bytes());
    }
    g.wait_in_empty("uc");
    for (name, body) in &probes {
        let report = g.home("uc").join(format!("error/{name}.error.txt"));
        g.wait_file(&report);
        let report = std::fs::read_to_string(report).unwrap();
        let line = probe_line(body);
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&format!("{line}:")) && l.contains("wharf_probe")),
            "{name}: the report should name wharf_probe at line {line}:\n{report}"
        );
    }
    assert!(
        g.files("wh", "out").is_empty(),
        "{:?}",
        g.files("wh", "out")
    );
    assert!(g.files("uc", "archive").is_empty());
}

#[test]
fn report_mode_processes_the_order_and_writes_the_warnings_beside_the_archived_file() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&dtd_line("report"), "");
    // One SD order per file (each its own order number), the unknown element in each
    // container the SD variant has.
    let probes: Vec<(String, String)> = probes()
        .into_iter()
        .filter(|(_, body)| body.contains("KTL-7300"))
        .enumerate()
        .map(|(i, (name, body))| (name, body.replace("KTL-7300", &format!("KTL-74{i:02}"))))
        .collect();
    assert!(probes.len() >= 10, "{}", probes.len());
    for (name, body) in &probes {
        put(&g, name, body.as_bytes());
    }
    g.wait_in_empty("uc");
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
    let archived = g.files("uc", "archive");
    for (i, (name, body)) in probes.iter().enumerate() {
        g.wait_file(&g.home("wh").join(format!("out/order_KTL-74{i:02}.json")));
        let warnings = archived
            .iter()
            .find(|a| a.ends_with(&format!("/{name}.warnings.txt")))
            .unwrap_or_else(|| panic!("no warnings for {name}: {archived:?}"));
        assert!(
            archived.iter().any(|a| a.ends_with(&format!("/{name}"))),
            "{name} not archived: {archived:?}"
        );
        let day = warnings.split('/').next().unwrap();
        assert_eq!(day.len(), 10, "archive/YYYY-MM-DD/: {warnings}");
        let text = std::fs::read_to_string(g.home("uc").join("archive").join(warnings)).unwrap();
        let line = probe_line(body);
        assert!(
            text.lines().any(|l| {
                let mut parts = l.splitn(3, ':');
                parts.next() == Some(&line.to_string())
                    && parts.next().is_some_and(|c| c.parse::<u64>().is_ok())
                    && parts.next().is_some_and(|m| m.contains("wharf_probe"))
            }),
            "{name}: expected `{line}:COL: ... wharf_probe ...` in:\n{text}"
        );
        assert!(
            text.lines().all(|l| l
                .split(':')
                .next()
                .is_some_and(|n| n.parse::<u64>().is_ok())),
            "{name}: every line reads LINE:COL: message:\n{text}"
        );
        // One WARN line naming the file and the error count.
        let log = g.log_text();
        let warn_lines: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("WARN") && l.contains(&format!("in/{name} ")))
            .collect();
        assert_eq!(warn_lines.len(), 1, "{name}: {warn_lines:?}");
        let count = text.lines().count();
        assert!(
            warn_lines[0].contains(&format!("errors={count}")),
            "{name}: {}",
            warn_lines[0]
        );
    }
}

#[test]
fn report_mode_still_rejects_what_cannot_be_read() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&dtd_line("report"), "");
    let sd = std::fs::read_to_string(fixture("variant-no-export-location-sd.xml")).unwrap();
    let cases = [
        // Not well-formed.
        (
            "truncated.xml",
            std::fs::read_to_string(fixture("not-well-formed.xml")).unwrap(),
        ),
        // Well-formed and invalid, but not an UltraCart export the decoder can read.
        (
            "wrong-root.xml",
            sd.replace("<export>", "<orders>")
                .replace("</export>", "</orders>"),
        ),
        // An internal subset: refused before validation, whatever the mode.
        (
            "subset.xml",
            sd.replacen(
                "<export>",
                "<!DOCTYPE export [<!ELEMENT wharf_probe (#PCDATA)>]>\n<export>",
                1,
            ),
        ),
    ];
    for (name, body) in &cases {
        put(&g, name, body.as_bytes());
    }
    g.wait_in_empty("uc");
    for (name, _) in &cases {
        let report = g.home("uc").join(format!("error/{name}.error.txt"));
        g.wait_file(&report);
        let report = std::fs::read_to_string(report).unwrap();
        assert!(report.contains("result: rejected"), "{name}: {report}");
    }
    assert!(
        g.files("wh", "out").is_empty(),
        "{:?}",
        g.files("wh", "out")
    );
    assert!(
        g.files("uc", "archive").is_empty(),
        "{:?}",
        g.files("uc", "archive")
    );
}

#[test]
fn wharf_validate_and_the_pipeline_give_the_same_verdict_on_every_file() {
    if missing("curl") {
        return;
    }
    let g = Gateway::start_with(&dtd_line("reject"), "");
    let tmp = tempfile::tempdir().unwrap();
    // Every fixture (the not-well-formed one too), the real samples, and the probes.
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files.extend(real_samples().unwrap_or_default());
    for (name, body) in probes() {
        let path = tmp.path().join(name);
        std::fs::write(&path, body).unwrap();
        files.push(path);
    }
    for (n, f) in files.iter().enumerate() {
        put(&g, &upload_name(n, f), &std::fs::read(f).unwrap());
    }
    g.wait_in_empty("uc");
    let archived = g.files("uc", "archive");
    let (mut valid, mut invalid) = (0, 0);
    for (n, f) in files.iter().enumerate() {
        let name = upload_name(n, f);
        let out = wharf_validate(std::slice::from_ref(f));
        let says_valid = match out.status.code() {
            Some(0) => true,
            Some(1) => false,
            other => panic!("{name}: wharf validate exited {other:?}: {}", text(&out)),
        };
        let in_error = g.home("uc").join("error").join(&name).exists();
        let in_archive = archived.iter().any(|a| a.ends_with(&format!("/{name}")));
        assert_ne!(in_error, in_archive, "{name}: in exactly one place");
        assert_eq!(
            says_valid,
            in_archive,
            "{name}: wharf validate says {}, the pipeline put it in {}",
            if says_valid { "valid" } else { "invalid" },
            if in_archive { "archive/" } else { "error/" }
        );
        if says_valid {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid >= 15 && invalid >= 20,
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn wharf_check_reports_a_bad_dtd_mode_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("wharf.toml");
    let toml = format!(
        "data_dir = \"data\"\n\n[[partner]]\nname = \"uc\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword_hash = \"{}\"\nwarehouse = \"wh\"\ndtd = \"{}\"\ndtd_mode = \"lenient\"\n\n[[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword_hash = \"{}\"\n",
        wharf::config::hash_password("a").unwrap(),
        dtd().display(),
        wharf::config::hash_password("b").unwrap(),
    );
    std::fs::write(&config, &toml).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["check", "--config"])
        .arg(&config));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains(&format!("{}:10:", config.display())) && said.contains("lenient"),
        "{said}"
    );
    std::fs::write(&config, toml.replace("lenient", "report")).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["check", "--config"])
        .arg(&config));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
