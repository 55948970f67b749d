//! The start-up reconcile of deliveries taken while their acknowledgment was lost.

use super::tests::{Env, ORDER, decide_only};
use crate::layout::names::staged_name;
use crate::model::OrderStatus;

/// An order processed and its file published in the warehouse's `out/`; the pipeline dropped
/// as a kill would drop it. Returns the published file.
fn published(env: &Env) -> std::path::PathBuf {
    let a = env.drop_in("a.xml");
    let p = env.pipeline();
    p.process(&a).unwrap();
    let out = env.config.partner_home("wh").join("out");
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one order file published: {files:?}");
    files.into_iter().next().unwrap()
}

/// Restarts the way `serve` does and returns the count found taken and the one order.
fn restart(env: &Env) -> (usize, crate::store::OrderRecord) {
    let p = env.pipeline();
    p.recover().unwrap();
    let n = p.found_taken_at_start().unwrap();
    let orders = p.store().orders().unwrap();
    assert_eq!(orders.len(), 1);
    (n, orders.into_iter().next().unwrap())
}

#[test]
fn a_file_gone_from_out_is_recorded_as_taken_at_start_up() {
    let env = Env::with("", ORDER);
    let file = published(&env);
    std::fs::remove_file(&file).unwrap(); // the warehouse took it; the ack never got recorded
    let (n, rec) = restart(&env);
    assert_eq!(n, 1);
    assert_eq!(rec.status, OrderStatus::AtWms);
    let last = rec.history.last().unwrap();
    assert!(
        format!("{last:?}").contains("found taken at start-up"),
        "history: {:?}",
        rec.history
    );
    // Recorded once: a second start finds nothing more.
    let (n, again) = restart(&env);
    assert_eq!(n, 0);
    assert_eq!(again.history.len(), rec.history.len());
}

#[test]
fn a_file_still_in_out_is_left_alone() {
    let env = Env::with("", ORDER);
    published(&env);
    let (n, rec) = restart(&env);
    assert_eq!(n, 0);
    assert_eq!(rec.status, OrderStatus::New);
}

#[test]
fn a_staged_output_is_not_taken() {
    let env = Env::with("", ORDER);
    let file = published(&env);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::rename(&file, file.with_file_name(staged_name(&name))).unwrap();
    let (n, rec) = restart(&env);
    assert_eq!(n, 0);
    assert_eq!(rec.status, OrderStatus::New);
}

#[test]
fn an_output_planned_but_never_written_is_not_taken() {
    let env = Env::with("", ORDER);
    let a = env.drop_in("a.xml");
    drop(decide_only(&env, &a)); // the plan is recorded, nothing is written yet
    let p = env.pipeline();
    assert_eq!(p.found_taken_at_start().unwrap(), 0);
    let rec = p.store().orders().unwrap().pop().unwrap();
    assert_eq!(rec.status, OrderStatus::New);
}
