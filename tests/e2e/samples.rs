//! The real UltraCart files in ../shared/samples (read from there, never copied): they decode,
//! non-SD stages are skipped, and the same orders in the SD stage become canonical orders.

use super::support::*;
use std::path::PathBuf;
use std::process::Command;

fn samples() -> Option<PathBuf> {
    shared_samples("ultracart")
}

#[test]
fn real_ultracart_files_convert() {
    let Some(dir) = samples() else { return };
    let tmp = tempfile::tempdir().unwrap();
    for name in ["batch-co.xml", "postback-ar-2012.xml"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
            .args(["convert", "--format", "ultracart"])
            .arg(dir.join(name)));
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("skipped"),
            "{name}: not in SD"
        );
        let sd = tmp.path().join(name);
        let staged = text
            .replace("<current_stage>CO<", "<current_stage>SD<")
            .replace("<current_stage>AR<", "<current_stage>SD<");
        std::fs::write(&sd, staged).unwrap();
        let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
            .args(["convert", "--format", "ultracart"])
            .arg(&sd));
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let orders: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let n = text.matches("<order>").count();
        assert_eq!(orders.as_array().unwrap().len(), n, "{name}");
        for o in orders.as_array().unwrap() {
            assert_eq!(o["cust_country"], "US", "{name}");
            assert!(
                o["order_date"].as_str().unwrap().contains("-05:00"),
                "{name}: winter in New York"
            );
            assert!(!o["items"].as_array().unwrap().is_empty());
        }
    }
}
