//! Files of different partners are processed side by side; one partner's files in the order
//! they arrived.

use super::support::*;
use std::path::Path;

/// Places `body` in `partner`'s `in/` as `name` (written beside, then renamed in).
fn place(g: &Gateway, partner: &str, name: &str, body: &str) {
    let staged = g.dir.path().join(format!("{partner}-{name}"));
    std::fs::write(&staged, body).unwrap();
    std::fs::rename(&staged, g.home(partner).join("in").join(name)).unwrap();
}

/// An export of one SD order whose plan waits `ms` before each step that writes an output.
fn held_sd(order_id: &str, ms: u64) -> String {
    uc_sd(order_id).replacen("?>\n", &format!("?>\n<?wharf-test-hold {ms} 0?>\n"), 1)
}

#[test]
fn a_cart_s_file_does_not_wait_behind_another_cart_s_but_behind_its_own_earlier_file() {
    let g = Gateway::start();
    let out = g.home("wh").join("out");
    let (held, after_held, other) = (
        out.join("order_9001.json"),
        out.join("order_9002.json"),
        out.join("order_9101.json"),
    );
    place(&g, "uc", "a.xml", &held_sd("9001", 8000));
    wait_for(30, "uc's first file to be held before its output", || {
        g.log_text().contains("holding before this step")
    });
    place(&g, "uc", "b.xml", &uc_sd("9002"));
    place(&g, "uc2", "c.xml", &uc_sd("9101"));
    // uc2's order goes out while uc's file is held (its outputs take 3 holds of 8 s).
    wait_for(20, "uc2's order while uc's file is held", || other.exists());
    assert!(
        !held.exists(),
        "uc2's order waited for uc's held file:\n{}",
        g.log_text()
    );
    assert!(!after_held.exists(), "uc's second file overtook its first");
    // uc's second file comes after its first.
    wait_for(90, "uc's second order", || after_held.exists());
    assert!(held.exists(), "uc's second file overtook its first");
    g.wait_in_empty("uc");
    g.wait_in_empty("uc2");
    assert_eq!(g.files("uc", "archive").len(), 2);
    assert_eq!(g.files("uc2", "archive").len(), 1);
    assert!(
        Path::new(&g.home("uc").join("error"))
            .read_dir()
            .unwrap()
            .next()
            .is_none()
    );
}
