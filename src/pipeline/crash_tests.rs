//! A crash before each step of carrying out a plan, for every kind of plan: the run is stopped
//! before step N (the debug-only hook in [`crate::faults`]), the partners take whatever is in
//! their `out/` while the server is down, the server restarts and replays, the partners take
//! what is there again. Then, whatever N was: every planned output was received exactly once,
//! with the planned content; the input is in `archive/` or `error/` as planned, byte for byte,
//! with its report and warnings; the store's history holds each event once; no job, mark or
//! attempt is left. At the crash itself, exactly the steps before N are done.
//!
//! Shipments and inventory name their outputs afresh at each decision (a time and a counter),
//! so deciding such a file a second time would show as a second file; orders keep their name,
//! so deciding one twice would show as the warehouse receiving it twice.

use super::settle::{Step, steps};
use super::tests::{DS, Env, ORDER};
use super::*;
use crate::intake::{Arrival, Via};
use crate::store::Plan;
use crate::store::testing::{Kind, kinds};
use std::path::Path;

/// One kind of file, and what processing it must give.
struct Case {
    what: &'static str,
    /// Extra keys for the cart `uc`.
    cart_extra: String,
    /// Extra keys for the warehouse `wh`.
    wh_extra: &'static str,
    /// Files processed first (partner, name, content); their outputs are taken before the run.
    before: Vec<(&'static str, &'static str, String)>,
    /// The file under test: partner, name under `in/`, content.
    partner: &'static str,
    name: &'static str,
    body: String,
    /// `archived`, `partial` or `rejected`.
    outcome: &'static str,
    /// The outputs' name prefixes (partner/prefix), sorted.
    outputs: Vec<&'static str>,
    report: bool,
    warnings: bool,
    /// (cust_ref, words of a history event, how many such events).
    history: Vec<(&'static str, &'static str, usize)>,
}

/// What the partners took from their `out/` folders: (partner/name, content), in order.
#[derive(Default)]
pub(super) struct Taken(Vec<(String, String)>);

impl Taken {
    /// What was taken, as (partner/name, content).
    pub(super) fn all(&self) -> &[(String, String)] {
        &self.0
    }

    /// Every partner takes (reads and deletes) every file in its `out/`.
    pub(super) fn take_all(&mut self, env: &Env) {
        for p in &env.config.partners {
            let out = env.config.partner_home(&p.name).join("out");
            let mut names: Vec<_> = std::fs::read_dir(&out)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
            names.sort();
            for n in names {
                let path = out.join(&n);
                let content = std::fs::read_to_string(&path).unwrap();
                std::fs::remove_file(&path).unwrap();
                self.0.push((format!("{}/{n}", p.name), content));
            }
        }
    }
}

/// The partner whose `out/` is `dir`.
fn owner(env: &Env, dir: &Path) -> String {
    env.config
        .partners
        .iter()
        .find(|p| env.config.partner_home(&p.name).join("out") == dir)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| panic!("{} is no partner's out/", dir.display()))
}

pub(super) fn put(env: &Env, partner: &str, name: &str, body: &str) -> Arrival {
    let path = env.config.partner_home(partner).join("in").join(name);
    std::fs::write(&path, body).unwrap();
    Arrival {
        partner: partner.into(),
        path,
        rel: name.into(),
        via: Via::Scan,
        kind: crate::intake::Kind::Input,
        arrived: std::time::Instant::now(),
    }
}

pub(super) fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// Outputs are settled in chunks of this many here: a plan of three outputs has a chunk of two
/// and a chunk of one.
const TEST_CHUNK: usize = 2;

/// Runs `case` on every store back-end, stopped before each step in turn, then once without a
/// stop.
fn at_every_step(case: &Case) {
    let _chunks = super::settle::chunks_of(TEST_CHUNK);
    for kind in kinds() {
        at_every_step_on(kind, case);
    }
}

fn at_every_step_on(kind: Kind, case: &Case) {
    let mut planned_steps = None;
    for n in 0.. {
        let env = Env::build_on(
            kind,
            &case.cart_extra,
            ORDER,
            &format!("{}\n{DS}", case.wh_extra),
        );
        let p = env.pipeline();
        for (partner, name, body) in &case.before {
            env.feed(&p, partner, name, body);
        }
        Taken::default().take_all(&env);
        let a = put(&env, case.partner, case.name, &case.body);
        let key = job_key(case.partner, &a.rel);
        let result = {
            let _stop = crate::faults::stop_before(n);
            p.process(&a)
        };
        let what = format!("{}, stopped before step {n}", case.what);
        let mut taken = Taken::default();
        let plan = match result {
            Ok(outcome) => {
                drop(p);
                let Outcome::Settled { outcome, .. } = outcome else {
                    panic!("{what}: {outcome:?}");
                };
                assert_eq!(outcome, case.outcome, "{what}");
                assert_eq!(Some(n), planned_steps, "{what}: ran to the end");
                None
            }
            Err(e) => {
                assert!(
                    e.to_string().contains(&format!("before step {n} ")),
                    "{what}: {e}"
                );
                let plan = p
                    .store()
                    .job(&key)
                    .unwrap()
                    .expect("the plan is recorded before its first step")
                    .plan;
                let all = steps(&plan);
                assert!(n < all.len(), "{what}: stopped past the last step");
                *planned_steps.get_or_insert(all.len()) = all.len();
                assert_crash_state(&env, &p, &key, &a, &plan, &all[..n], &what);
                drop(p);
                taken.take_all(&env);
                env.restart_and_replay(&a);
                Some(plan)
            }
        };
        taken.take_all(&env);
        assert_done(&env, case, &a, &key, plan.as_ref(), &taken, &what);
        if plan.is_none() {
            break;
        }
    }
    let steps = planned_steps.expect("at least one stop");
    let chunks = case.outputs.len().div_ceil(TEST_CHUNK);
    let least = 3 * chunks + 2 + usize::from(case.report) + usize::from(case.warnings);
    assert_eq!(steps, least, "{}: every step was tried", case.what);
}

/// At the stop: the steps before it are done, the others not.
fn assert_crash_state(
    env: &Env,
    p: &Pipeline,
    key: &str,
    a: &Arrival,
    plan: &Plan,
    done: &[Step],
    what: &str,
) {
    for (i, out) in plan.outputs.iter().enumerate() {
        let did = |kind: fn(&Step) -> bool| {
            done.iter()
                .any(|s| kind(s) && s.outputs().is_some_and(|r| r.contains(&i)))
        };
        let published = did(|s| matches!(s, Step::Publish(_)));
        assert_eq!(
            out.dir.join(&out.name).exists(),
            published,
            "{what}: output {i} ({}) published",
            out.name
        );
        assert_eq!(
            out.dir
                .join(crate::layout::names::staged_name(&out.name))
                .exists(),
            did(|s| matches!(s, Step::Stage(_))) && !published,
            "{what}: output {i} staged"
        );
        assert_eq!(
            p.store().written(key, i).unwrap(),
            did(|s| matches!(s, Step::Mark(_))),
            "{what}: mark {i}"
        );
    }
    for (file, step) in [
        (&plan.report, Step::WriteReport),
        (&plan.warnings, Step::WriteWarnings),
    ] {
        if let Some((path, _)) = file {
            assert_eq!(path.exists(), done.contains(&step), "{what}: {step}");
        }
    }
    let moved = done.contains(&Step::MoveInput);
    assert_eq!(a.path.exists(), !moved, "{what}: input in in/");
    assert_eq!(plan.settle_to.exists(), moved, "{what}: input settled");
    let _ = env;
}

/// After the replay (or an uninterrupted run): everything done exactly once.
fn assert_done(
    env: &Env,
    case: &Case,
    a: &Arrival,
    key: &str,
    plan: Option<&Plan>,
    taken: &Taken,
    what: &str,
) {
    let p = env.pipeline();
    // Outputs: received once each, as planned.
    let mut received = taken.0.clone();
    received.sort();
    let mut prefixes: Vec<&str> = case.outputs.clone();
    prefixes.sort_unstable();
    assert_eq!(received.len(), prefixes.len(), "{what}: {received:#?}");
    for ((name, _), prefix) in received.iter().zip(&prefixes) {
        assert!(name.starts_with(prefix), "{what}: {name} is not {prefix}*");
    }
    if let Some(plan) = plan {
        let mut want: Vec<(String, String)> = plan
            .outputs
            .iter()
            .map(|o| {
                (
                    format!("{}/{}", owner(env, &o.dir), o.name),
                    o.content.clone(),
                )
            })
            .collect();
        want.sort();
        assert_eq!(received, want, "{what}: the planned outputs, once each");
    }
    // The input: settled once, unchanged; in/ empty.
    let home = env.config.partner_home(case.partner);
    assert!(!a.path.exists(), "{what}: input left in in/");
    let folder = if case.outcome == "rejected" {
        "error"
    } else {
        "archive"
    };
    let settled: Vec<_> = files_under(&home.join(folder))
        .into_iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy() == case.name)
        })
        .collect();
    assert_eq!(settled.len(), 1, "{what}: {settled:?}");
    assert_eq!(
        std::fs::read_to_string(&settled[0]).unwrap(),
        case.body,
        "{what}: the input as uploaded"
    );
    if let Some(plan) = plan {
        assert_eq!(settled[0], plan.settle_to, "{what}");
    }
    // The report and the warnings, once, with the planned text.
    for (wanted, suffix, planned) in [
        (case.report, ".error.txt", plan.map(|p| &p.report)),
        (case.warnings, ".warnings.txt", plan.map(|p| &p.warnings)),
    ] {
        let found: Vec<_> = files_under(&home)
            .into_iter()
            .filter(|f| f.to_string_lossy().ends_with(suffix))
            .collect();
        assert_eq!(found.len(), usize::from(wanted), "{what}: {found:?}");
        if let Some(Some((path, text))) = planned {
            assert_eq!(found[0], *path, "{what}");
            assert_eq!(&std::fs::read_to_string(path).unwrap(), text, "{what}");
        }
    }
    // The store: each event once; nothing left of the job.
    for (cust_ref, event, times) in &case.history {
        let rec = p
            .store()
            .order_by_ref(cust_ref)
            .unwrap()
            .unwrap_or_else(|| panic!("{what}: no order {cust_ref}"));
        let n = rec
            .history
            .iter()
            .filter(|h| h.event.contains(event))
            .count();
        assert_eq!(
            n, *times,
            "{what}: {cust_ref} {event:?}: {:#?}",
            rec.history
        );
    }
    assert!(
        p.store().jobs().unwrap().is_empty(),
        "{what}: a job is left"
    );
    assert!(p.store().attempts(key).unwrap().is_none(), "{what}");
    for i in 0..case.outputs.len() {
        assert!(!p.store().written(key, i).unwrap(), "{what}: mark {i} left");
    }
}

/// An UltraCart order `id` (shipping method `method`, `qty` units of S).
pub(super) fn uc_order(id: &str, method: &str, qty: u32) -> String {
    let order = &ORDER[ORDER.find("<order>").unwrap()..ORDER.find("</export>").unwrap()];
    order
        .replace("R-1", id)
        .replace("UPS: Ground", method)
        .replace(
            "<quantity>1</quantity>",
            &format!("<quantity>{qty}</quantity>"),
        )
}

pub(super) fn uc_file(orders: &[String]) -> String {
    format!(
        "{}{}</export>\n",
        &ORDER[..ORDER.find("<order>").unwrap()],
        orders.concat()
    )
}

const PO: &str = "po_number,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,line_item_sku,line_item_quantity,line_item_expected_cost,dsco_order_id\n\
    PO-77,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,1,MUG-1,2,19.99,9001\n";

/// R-1 (2 units) from the UltraCart cart and PO-77 (2 units) from the DSCO cart.
fn two_carts_orders() -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "uc",
            "r1.xml",
            uc_file(&[uc_order("R-1", "UPS: Ground", 2)]),
        ),
        ("ds", "Purchase_Order_1.csv", PO.to_string()),
    ]
}

#[test]
fn an_order_file() {
    at_every_step(&Case {
        what: "an order file",
        cart_extra: String::new(),
        wh_extra: "",
        before: vec![],
        partner: "uc",
        name: "a.xml",
        body: ORDER.to_string(),
        outcome: "archived",
        outputs: vec!["wh/order_R-1.json"],
        report: false,
        warnings: false,
        history: vec![("R-1", "sent to warehouse", 1)],
    });
}

#[test]
fn a_file_with_a_rejected_order_writes_its_report() {
    at_every_step(&Case {
        what: "a rejected order",
        cart_extra: "ship_methods = { \"UPS: Ground\" = \"UPS_G\" }".into(),
        wh_extra: "",
        before: vec![],
        partner: "uc",
        name: "two.xml",
        body: uc_file(&[
            uc_order("R-1", "UPS: Ground", 1),
            uc_order("R-2", "FedEx: Air", 1),
        ]),
        outcome: "partial",
        outputs: vec!["wh/order_R-1.json"],
        report: true,
        warnings: false,
        history: vec![
            ("R-1", "sent to warehouse", 1),
            ("R-2", "rejected:", 1),
            ("R-2", "sent to warehouse", 0),
        ],
    });
}

#[test]
fn an_error_plan() {
    at_every_step(&Case {
        what: "an error plan",
        cart_extra: String::new(),
        wh_extra: "",
        before: vec![],
        partner: "uc",
        name: "bad.xml",
        body: "<export><order>".into(),
        outcome: "rejected",
        outputs: vec![],
        report: true,
        warnings: false,
        history: vec![],
    });
}

#[test]
fn a_plan_with_several_outputs() {
    at_every_step(&Case {
        what: "several outputs",
        cart_extra: String::new(),
        wh_extra: "",
        before: vec![],
        partner: "uc",
        name: "three.xml",
        body: uc_file(&[
            uc_order("R-1", "UPS: Ground", 1),
            uc_order("R-2", "UPS: Ground", 1),
            uc_order("R-3", "UPS: Ground", 1),
        ]),
        outcome: "archived",
        outputs: vec![
            "wh/order_R-1.json",
            "wh/order_R-2.json",
            "wh/order_R-3.json",
        ],
        report: false,
        warnings: false,
        history: vec![
            ("R-1", "sent to warehouse", 1),
            ("R-2", "sent to warehouse", 1),
            ("R-3", "sent to warehouse", 1),
        ],
    });
}

#[test]
fn a_file_processed_in_dtd_report_mode_writes_its_warnings() {
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd");
    at_every_step(&Case {
        what: "dtd_mode = report",
        cart_extra: format!("dtd = \"{}\"\ndtd_mode = \"report\"", dtd.display()),
        wh_extra: "",
        before: vec![],
        partner: "uc",
        name: "w.xml",
        body: super::report_mode_tests::ORDER.to_string(),
        outcome: "archived",
        outputs: vec!["wh/order_W-1.json"],
        report: false,
        warnings: true,
        history: vec![("W-1", "sent to warehouse", 1)],
    });
}

#[test]
fn a_shipment_file_confirms_and_invoices_each_package_once() {
    at_every_step(&Case {
        what: "a shipment file",
        cart_extra: String::new(),
        wh_extra: "",
        before: two_carts_orders(),
        partner: "wh",
        name: "shipment-1.json",
        body: r#"[{"cust_ref":"R-1","shipments":[{"carrier":"UPS","tracking_no":"1ZA","date":"2026-11-21T09:00:00-05:00","items":[{"item":"S","quantity":1}]}]},
{"cust_ref":"PO-77","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZB","date":"2026-11-21T09:00:00-05:00","items":[{"item":"MUG-1","quantity":1}]}]}]"#
            .into(),
        outcome: "archived",
        outputs: vec!["ds/Invoice_", "ds/Shipment_", "uc/ship"],
        report: false,
        warnings: false,
        history: vec![
            ("R-1", "shipped 1 x S (tracking 1ZA)", 1),
            ("R-1", "confirmation out/ship", 1),
            ("PO-77", "shipped 1 x MUG-1 (tracking 1ZB)", 1),
            ("PO-77", "confirmation out/Shipment_", 1),
        ],
    });
}

#[test]
fn an_inventory_file_goes_once_to_each_cart() {
    at_every_step(&Case {
        what: "an inventory file",
        cart_extra: String::new(),
        wh_extra: "",
        before: vec![],
        partner: "wh",
        name: "inventory-1.json",
        body: r#"[{"sku":"S","qty_available":5},{"sku":"MUG-1","qty_available":0}]"#.into(),
        outcome: "archived",
        outputs: vec!["ds/Inventory_", "uc/inv"],
        report: false,
        warnings: false,
        history: vec![],
    });
}

/// The file changed while its plan was carried out: the outputs already out stay out (the
/// decision stands), nothing else is done, and the job waits for the new upload.
#[test]
fn a_file_overwritten_while_processed_keeps_its_job_and_its_outputs() {
    for kind in kinds() {
        overwritten_while_processed_on(kind);
    }
}

fn overwritten_while_processed_on(kind: Kind) {
    let env = Env::build_on(kind, "", ORDER, "");
    let two = uc_file(&[
        uc_order("R-1", "UPS: Ground", 1),
        uc_order("R-2", "UPS: Ground", 1),
    ]);
    let a = put(&env, "uc", "a.xml", &two);
    let (p, key, plan) = super::tests::decide_only(&env, &a);
    let job = p.store().job(&key).unwrap();
    let moved = settle::execute(p.store(), &key, &a.path, plan.clone(), || false).unwrap();
    assert!(!moved, "not settled");
    assert!(a.path.exists(), "left in in/");
    assert_eq!(
        p.store().job(&key).unwrap(),
        job,
        "the job is kept as it was"
    );
    for (i, out) in plan.outputs.iter().enumerate() {
        assert_eq!(
            std::fs::read_to_string(out.dir.join(&out.name)).unwrap(),
            out.content,
            "output {i} is out"
        );
        assert!(p.store().written(&key, i).unwrap(), "output {i} is marked");
    }
    assert_eq!(plan.outputs.len(), 2);
    assert!(!plan.settle_to.exists(), "nothing settled");
    let home = env.config.partner_home("uc");
    assert!(files_under(&home.join("archive")).is_empty());
    assert!(files_under(&home.join("error")).is_empty());
}

/// A crash in the middle of a plan, then the partner replaces the file before the restart:
/// the decision already recorded its orders as sent, so its outputs still go out (once), and
/// the new file is decided on its own.
#[test]
fn a_file_replaced_after_a_crash_still_sends_what_was_decided() {
    // One output per chunk: a stop between the two outputs too.
    let _chunks = super::settle::chunks_of(1);
    for kind in kinds() {
        replaced_after_a_crash_on(kind);
    }
}

fn replaced_after_a_crash_on(kind: Kind) {
    let steps_to_try = 3 * 2;
    for n in 0..steps_to_try {
        let env = Env::build_on(kind, "", ORDER, "");
        let first = uc_file(&[
            uc_order("R-1", "UPS: Ground", 1),
            uc_order("R-2", "UPS: Ground", 1),
        ]);
        let a = put(&env, "uc", "a.xml", &first);
        let p = env.pipeline();
        let stopped = {
            let _stop = crate::faults::stop_before(n);
            p.process(&a)
        };
        assert!(stopped.is_err(), "stopped before step {n}");
        drop(p);
        let mut taken = Taken::default();
        taken.take_all(&env);
        // The partner uploads another file under the same name while Wharf is down.
        let second = uc_file(&[
            uc_order("R-2", "UPS: Ground", 1),
            uc_order("R-3", "UPS: Ground", 1),
        ]);
        put(&env, "uc", "a.xml", &second);
        env.restart_and_replay(&a);
        taken.take_all(&env);
        let mut names: Vec<&str> = taken.0.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "wh/order_R-1.json",
                "wh/order_R-2.json",
                "wh/order_R-3.json"
            ],
            "stopped before step {n}: every order sent once"
        );
        let p = env.pipeline();
        for r in ["R-1", "R-2", "R-3"] {
            let rec = p.store().order_by_ref(r).unwrap().unwrap();
            let sent = rec
                .history
                .iter()
                .filter(|h| h.event.starts_with("sent to warehouse"))
                .count();
            assert_eq!(sent, 1, "stopped before step {n}: {r}");
        }
        assert!(p.store().jobs().unwrap().is_empty());
    }
}

/// A catalog that knows `OTHER` only (`S`, the SKU of the test orders, is unknown).
fn catalog_without_s() -> (&'static str, &'static str, String) {
    ("wh", "product-1.csv", "sku,description\nOTHER,x\n".into())
}

#[test]
fn an_order_held_for_an_unknown_sku() {
    at_every_step(&Case {
        what: "a held order",
        cart_extra: String::new(),
        wh_extra: "check_skus = true",
        before: vec![catalog_without_s()],
        partner: "uc",
        name: "held.xml",
        body: uc_file(&[uc_order("R-1", "UPS: Ground", 1)]),
        outcome: "held",
        outputs: vec![],
        report: true,
        warnings: false,
        history: vec![("R-1", "held: unknown SKU S (line 1)", 1)],
    });
}

#[test]
fn a_product_file_sends_the_order_it_releases() {
    at_every_step(&Case {
        what: "a product file releasing a held order",
        cart_extra: String::new(),
        wh_extra: "check_skus = true",
        before: vec![
            catalog_without_s(),
            (
                "uc",
                "held.xml",
                uc_file(&[uc_order("R-1", "UPS: Ground", 1)]),
            ),
        ],
        partner: "wh",
        name: "product-2.json",
        body: r#"[{"sku":"S","description":"the test SKU"}]"#.into(),
        outcome: "archived",
        outputs: vec!["wh/order_R-1.json"],
        report: false,
        warnings: false,
        history: vec![
            ("R-1", "the catalog learned a SKU", 1),
            ("R-1", "sent to warehouse", 1),
        ],
    });
}

#[test]
fn a_dsco_cancellation_goes_once_to_the_warehouse() {
    at_every_step(&Case {
        what: "a DSCO Cancel_ file",
        cart_extra: String::new(),
        wh_extra: "",
        before: two_carts_orders(),
        partner: "ds",
        name: "Cancel_20261121090000.csv",
        body: "po_number,order_cancel_reason\nPO-77,customer request\n".into(),
        outcome: "archived",
        outputs: vec!["wh/cancel_PO-77.json"],
        report: false,
        warnings: false,
        history: vec![("PO-77", "order canceled by the cart", 1)],
    });
}

#[test]
fn an_ultracart_order_sent_again_rejected_is_canceled_once() {
    at_every_step(&Case {
        what: "an UltraCart REJ re-send",
        cart_extra: String::new(),
        wh_extra: "",
        before: two_carts_orders(),
        partner: "uc",
        name: "rej.xml",
        body: uc_file(&[uc_order("R-1", "UPS: Ground", 2)])
            .replace("<current_stage>SD", "<current_stage>REJ"),
        outcome: "archived",
        outputs: vec!["wh/cancel_R-1.json"],
        report: false,
        warnings: false,
        history: vec![("R-1", "order canceled by the cart", 1)],
    });
}

#[test]
fn a_warehouse_line_cancel_goes_once_to_the_dsco_cart() {
    at_every_step(&Case {
        what: "a warehouse cancel of one line",
        cart_extra: String::new(),
        wh_extra: "",
        before: two_carts_orders(),
        partner: "wh",
        name: "cancel-1.json",
        body:
            r#"{"cust_ref":"PO-77","reason":"out_of_stock","items":[{"line_no":1,"quantity":1}]}"#
                .into(),
        outcome: "archived",
        outputs: vec!["ds/Cancel_"],
        report: false,
        warnings: false,
        history: vec![(
            "PO-77",
            "line 1 (MUG-1) 1 units canceled by the warehouse",
            1,
        )],
    });
}

#[test]
fn a_release_stopped_before_each_step_is_finished_by_the_restart() {
    for kind in kinds() {
        release_stopped_on(kind);
    }
}

fn release_stopped_on(kind: Kind) {
    for n in 0..3 {
        let env = Env::build_on(kind, "", ORDER, &format!("check_skus = true\n{DS}"));
        let p = env.pipeline();
        let (partner, name, body) = catalog_without_s();
        env.feed(&p, partner, name, &body);
        env.feed(
            &p,
            "uc",
            "held.xml",
            &uc_file(&[uc_order("R-1", "UPS: Ground", 1)]),
        );
        let stopped = {
            let _stop = crate::faults::stop_before(n);
            p.release("R-1")
        };
        assert!(stopped.is_err(), "stopped before step {n}: {stopped:?}");
        drop(p);
        let p = env.pipeline();
        p.recover().unwrap();
        let out = env.config.partner_home("wh").join("out/order_R-1.json");
        assert!(out.exists(), "step {n}: the released order is sent");
        assert!(
            p.store().jobs().unwrap().is_empty(),
            "step {n}: no job left"
        );
        let rec = p.store().order("uc", "R-1").unwrap().unwrap();
        assert_eq!(rec.status, crate::model::OrderStatus::New);
        let sent = rec
            .history
            .iter()
            .filter(|h| h.event.contains("released"))
            .count();
        assert_eq!(sent, 1, "step {n}");
        assert_eq!(
            p.release("R-1").unwrap(),
            Done::Refused("order R-1 is new, not held: only a held order is released".into())
        );
    }
}

/// Five orders decided in parts of two (R-1 R-2 | R-3 R-4 | R-5, R-3 rejected), each part's
/// outputs settled in chunks of one: stopped before every step — inside a part's outputs and
/// between two parts — then restarted. Every accepted order reaches the warehouse once, the
/// rejected one is in the report, the input is archived once, and nothing is left.
#[test]
fn a_batch_decided_in_parts_stopped_anywhere_sends_each_order_once() {
    let _parts = super::cart_file::parts_of(2);
    let _chunks = super::settle::chunks_of(1);
    for kind in kinds() {
        batch_in_parts_on(kind);
    }
}

fn batch_in_parts_on(kind: Kind) {
    let body = uc_file(&[
        uc_order("R-1", "UPS: Ground", 1),
        uc_order("R-2", "UPS: Ground", 1),
        uc_order("R-3", "FedEx: Air", 1),
        uc_order("R-4", "UPS: Ground", 1),
        uc_order("R-5", "UPS: Ground", 1),
    ]);
    let cart_extra = "ship_methods = { \"UPS: Ground\" = \"UPS_G\" }";
    let sent = ["R-1", "R-2", "R-4", "R-5"];
    let mut stops = 0;
    let mut between_parts = 0;
    for n in 0.. {
        let env = Env::build_on(kind, cart_extra, ORDER, &format!("\n{DS}"));
        let p = env.pipeline();
        let a = put(&env, "uc", "batch.xml", &body);
        let key = job_key("uc", &a.rel);
        let what = format!("a batch in parts, stopped before step {n}");
        let result = {
            let _stop = crate::faults::stop_before(n);
            p.process(&a)
        };
        let mut taken = Taken::default();
        let finished = match result {
            Ok(Outcome::Settled { outcome, .. }) => {
                assert_eq!(outcome, "partial", "{what}");
                drop(p);
                true
            }
            Ok(other) => panic!("{what}: {other:?}"),
            Err(e) => {
                assert!(
                    e.to_string().contains(&format!("before step {n} ")),
                    "{what}: {e}"
                );
                stops += 1;
                let job = p.store().job(&key).unwrap().expect("a part is recorded");
                let parts = job.parts.expect("decided in parts");
                if e.to_string().contains("decide the next part") {
                    between_parts += 1;
                    // Between two parts: the part before is out whole, none of the next.
                    assert!(!parts.last, "{what}");
                    for out in &job.plan.outputs {
                        assert!(out.dir.join(&out.name).exists(), "{what}: {}", out.name);
                    }
                }
                if !e.to_string().contains("forget the job") {
                    assert!(
                        a.path.exists(),
                        "{what}: the input stays in in/ until it settles"
                    );
                }
                drop(p);
                taken.take_all(&env);
                env.restart_and_replay(&a);
                false
            }
        };
        taken.take_all(&env);
        let mut received: Vec<&str> = taken.0.iter().map(|(n, _)| n.as_str()).collect();
        received.sort_unstable();
        let want: Vec<String> = sent.iter().map(|r| format!("wh/order_{r}.json")).collect();
        assert_eq!(received, want, "{what}: each accepted order once");
        let home = env.config.partner_home("uc");
        assert!(!a.path.exists(), "{what}: input left in in/");
        let archived: Vec<_> = files_under(&home.join("archive"))
            .into_iter()
            .filter(|f| f.ends_with("batch.xml"))
            .collect();
        assert_eq!(archived.len(), 1, "{what}: {archived:?}");
        assert_eq!(
            std::fs::read_to_string(&archived[0]).unwrap(),
            body,
            "{what}"
        );
        let reports: Vec<_> = files_under(&home.join("error"))
            .into_iter()
            .filter(|f| f.to_string_lossy().ends_with(".error.txt"))
            .collect();
        assert_eq!(reports.len(), 1, "{what}: {reports:?}");
        let report = std::fs::read_to_string(&reports[0]).unwrap();
        assert!(report.contains("order R-3 at"), "{what}: {report}");
        assert!(!report.contains("order R-1 at"), "{what}: {report}");
        let p = env.pipeline();
        for r in sent {
            let rec = p.store().order_by_ref(r).unwrap().expect(r);
            let n = rec
                .history
                .iter()
                .filter(|h| h.event.contains("sent to warehouse"))
                .count();
            assert_eq!(n, 1, "{what}: {r}: {:#?}", rec.history);
        }
        assert!(
            p.store().jobs().unwrap().is_empty(),
            "{what}: a job is left"
        );
        if finished {
            break;
        }
    }
    // Parts of 2, 2 and 1 with 2, 1 and 1 outputs: 3 steps per output, a decision between
    // parts twice, then the report, the move and the job.
    assert_eq!(stops, 3 * 4 + 2 + 3, "every step was tried");
    assert_eq!(between_parts, 2);
}

/// A batch whose end is not well-formed is rejected whole: none of its orders is decided,
/// though the first parts read well.
#[test]
fn a_truncated_batch_decides_none_of_its_orders() {
    let _parts = super::cart_file::parts_of(2);
    let whole = uc_file(&[
        uc_order("R-1", "UPS: Ground", 1),
        uc_order("R-2", "UPS: Ground", 1),
        uc_order("R-3", "UPS: Ground", 1),
    ]);
    let body = &whole[..whole.rfind("</export>").unwrap()];
    for kind in kinds() {
        let env = Env::build_on(kind, "", ORDER, &format!("\n{DS}"));
        let p = env.pipeline();
        let a = put(&env, "uc", "cut.xml", body);
        let Outcome::Settled { outcome, .. } = p.process(&a).unwrap() else {
            panic!("not settled")
        };
        assert_eq!(outcome, "rejected");
        let mut taken = Taken::default();
        taken.take_all(&env);
        assert!(taken.0.is_empty(), "{:?}", taken.0);
        for r in ["R-1", "R-2", "R-3"] {
            assert!(p.store().order_by_ref(r).unwrap().is_none(), "{r} decided");
        }
    }
}

/// A batch whose going-on stopped the server twice (two runs died after its first part) is
/// set aside in `error/` with the reason, not retried at every start; the part sent before
/// stays sent once, and nothing is left.
#[test]
fn a_batch_whose_next_part_stops_the_server_twice_is_set_aside() {
    let _parts = super::cart_file::parts_of(2);
    for kind in kinds() {
        let body = uc_file(&[
            uc_order("P-1", "UPS: Ground", 1),
            uc_order("P-2", "UPS: Ground", 1),
            uc_order("P-3", "UPS: Ground", 1),
        ]);
        let cart_extra = "ship_methods = { \"UPS: Ground\" = \"UPS_G\" }";
        // Stop at the first "decide the next part": the first part is out whole.
        let (env, a, key, p) = (0..64)
            .find_map(|n| {
                let env = Env::build_on(kind, cart_extra, ORDER, &format!("\n{DS}"));
                let a = put(&env, "uc", "batch.xml", &body);
                let key = job_key("uc", &a.rel);
                let p = env.pipeline();
                let stopped = {
                    let _stop = crate::faults::stop_before(n);
                    p.process(&a)
                };
                match stopped {
                    Err(e) if e.to_string().contains("decide the next part") => {
                        Some((env, a, key, p))
                    }
                    _ => None,
                }
            })
            .expect("a stop between two parts");
        let hash = p.store().job(&key).unwrap().expect("a part").file_hash;
        // Two runs died going on with it (each began an attempt and never recorded a part).
        for _ in 0..super::attempts::MAX_CRASHES {
            assert_eq!(
                super::attempts::begin(p.store(), &key, &hash).unwrap(),
                super::attempts::Begin::Go
            );
        }
        drop(p);
        let mut taken = Taken::default();
        env.restart_and_replay(&a);
        taken.take_all(&env);
        let mut received: Vec<&str> = taken.0.iter().map(|(n, _)| n.as_str()).collect();
        received.sort_unstable();
        assert_eq!(
            received,
            ["wh/order_P-1.json", "wh/order_P-2.json"],
            "{kind:?}"
        );
        let home = env.config.partner_home("uc");
        assert!(!a.path.exists(), "{kind:?}: input left in in/");
        let report = std::fs::read_to_string(home.join("error/batch.xml.error.txt")).unwrap();
        assert!(report.contains("stopped the server twice"), "{report}");
        assert!(report.contains("first 2 orders"), "{report}");
        assert!(home.join("error/batch.xml").exists(), "{kind:?}");
        assert!(
            env.pipeline().store().jobs().unwrap().is_empty(),
            "{kind:?}"
        );
    }
}
