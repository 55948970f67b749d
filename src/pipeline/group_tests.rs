//! A group of files decided and settled together, stopped before each of its steps as a crash
//! there would stop it, on every store back-end: at the stop exactly the steps before it are
//! done for every file of the group; after the restart and replay every order went out once,
//! every input is in exactly one place with its report, and no job, mark or attempt is left.
//! And a group whose decisions cannot stand together is decided file by file instead.

use super::crash_tests::{Taken, files_under, put, uc_file, uc_order};
use super::settle_group::STEPS;
use super::tests::{DS, Env, ORDER};
use super::*;
use crate::store::testing::{Kind, kinds};

/// Ships by UPS only: an order shipped by FedEx is rejected.
const UPS_ONLY: &str = "ship_methods = { \"UPS: Ground\" = \"UPS_G\" }";

/// Three files of the cart `uc`: one order, one order and one rejected order, one unreadable.
fn three_files(env: &Env) -> Vec<Arrival> {
    vec![
        put(
            env,
            "uc",
            "g1.xml",
            &uc_file(&[uc_order("R-1", "UPS: Ground", 1)]),
        ),
        put(
            env,
            "uc",
            "g2.xml",
            &uc_file(&[
                uc_order("R-2", "UPS: Ground", 1),
                uc_order("R-3", "FedEx: Air", 1),
            ]),
        ),
        put(env, "uc", "bad.xml", "<export><order>"),
    ]
}

#[test]
fn a_group_stopped_before_each_step_is_finished_by_the_restart() {
    for kind in kinds() {
        group_stopped_on(kind);
    }
}

fn group_stopped_on(kind: Kind) {
    for n in 0..=STEPS {
        let what = format!("{kind:?}, group stopped before step {n}");
        let env = Env::build_on(kind, UPS_ONLY, ORDER, DS);
        let p = env.pipeline();
        let files = three_files(&env);
        let outcomes = {
            let _stop = crate::faults::stop_before(n);
            p.process_batch(files.clone())
        };
        let mut taken = Taken::default();
        if n < STEPS {
            for o in &outcomes {
                let e = o.as_ref().expect_err(&what);
                assert!(e.contains(&format!("before step {n} ")), "{what}: {e}");
            }
            if n == 0 {
                // One step for the three files: the group's outputs are counted together.
                assert!(outcomes[0].as_ref().unwrap_err().contains("0..2"), "{what}");
            }
            assert_stopped_state(&env, &p, &files, n, &what);
            drop(p);
            taken.take_all(&env);
            let p = env.pipeline();
            p.recover().unwrap();
            for a in files.iter().filter(|a| a.path.exists()) {
                p.process(a).unwrap();
            }
        } else {
            let got: Vec<String> = outcomes
                .iter()
                .map(|o| match o {
                    Ok(Outcome::Settled { outcome, .. }) => outcome.clone(),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(got, ["archived", "partial", "rejected"], "{what}");
            drop(p);
        }
        taken.take_all(&env);
        assert_group_done(&env, &files, &taken, &what);
    }
}

/// At the stop before step `n` (see `settle_group.rs`): each file's job is recorded, and the
/// steps before `n` are done for every file, the others for none.
fn assert_stopped_state(env: &Env, p: &Pipeline, files: &[Arrival], n: usize, what: &str) {
    for a in files {
        let key = job_key("uc", &a.rel);
        let job = p.store().job(&key).unwrap();
        let plan = job
            .unwrap_or_else(|| panic!("{what}: no job for {}", a.rel.display()))
            .plan;
        for (i, out) in plan.outputs.iter().enumerate() {
            let staged = out.dir.join(crate::layout::names::staged_name(&out.name));
            assert_eq!(out.dir.join(&out.name).exists(), n > 2, "{what}: published");
            assert_eq!(staged.exists(), n == 1 || n == 2, "{what}: staged");
            assert_eq!(p.store().written(&key, i).unwrap(), n > 1, "{what}: mark");
        }
        if let Some((path, _)) = &plan.report {
            assert_eq!(
                path.exists(),
                n > 3,
                "{what}: report of {}",
                a.rel.display()
            );
        }
        assert_eq!(
            a.path.exists(),
            n <= 4,
            "{what}: {} in in/",
            a.rel.display()
        );
        assert_eq!(plan.settle_to.exists(), n > 4, "{what}: settled");
    }
    let _ = env;
}

/// Every order once, every input in one place with its report, nothing left in the store.
fn assert_group_done(env: &Env, files: &[Arrival], taken: &Taken, what: &str) {
    let mut names: Vec<&str> = taken.all().iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["wh/order_R-1.json", "wh/order_R-2.json"], "{what}");
    let home = env.config.partner_home("uc");
    let name_of = |p: &std::path::PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    let mut archived: Vec<String> = files_under(&home.join("archive"))
        .iter()
        .map(name_of)
        .collect();
    archived.sort();
    assert_eq!(archived, ["g1.xml", "g2.xml"], "{what}");
    let mut errors: Vec<String> = files_under(&home.join("error"))
        .iter()
        .map(name_of)
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        ["bad.xml", "bad.xml.error.txt", "g2.xml.error.txt"],
        "{what}"
    );
    assert!(files_under(&home.join("in")).is_empty(), "{what}");
    let p = env.pipeline();
    for (r, event, times) in [
        ("R-1", "sent to warehouse", 1),
        ("R-2", "sent to warehouse", 1),
        ("R-3", "rejected:", 1),
        ("R-3", "sent to warehouse", 0),
    ] {
        let rec = p.store().order_by_ref(r).unwrap().unwrap();
        let n = rec
            .history
            .iter()
            .filter(|h| h.event.contains(event))
            .count();
        assert_eq!(n, times, "{what}: {r} {event}");
    }
    assert!(
        p.store().jobs().unwrap().is_empty(),
        "{what}: a job is left"
    );
    for a in files {
        let key = job_key("uc", &a.rel);
        assert!(p.store().attempts(&key).unwrap().is_none(), "{what}");
        for i in 0..2 {
            assert!(!p.store().written(&key, i).unwrap(), "{what}: mark left");
        }
    }
}

/// `a.xml`'s report and the input `a.xml.error.txt` would both land as
/// `error/a.xml.error.txt` if decided together (names are chosen free on disk, where neither
/// is yet): the group is not committed, each file is decided alone, and both are kept.
#[test]
fn a_group_whose_plans_clash_is_decided_file_by_file() {
    for kind in kinds() {
        let env = Env::build_on(kind, "", ORDER, "");
        let p = env.pipeline();
        let files = vec![
            put(&env, "uc", "a.xml", "<export><order>"),
            put(&env, "uc", "a.xml.error.txt", "not an order file"),
        ];
        let outcomes = p.process_batch(files.clone());
        for o in &outcomes {
            assert!(
                matches!(o, Ok(Outcome::Settled { outcome, .. }) if outcome == "rejected"),
                "{kind:?}: {o:?}"
            );
        }
        let error = env.config.partner_home("uc").join("error");
        let mut texts: Vec<String> = files_under(&error)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        texts.sort();
        assert_eq!(
            texts.len(),
            4,
            "{kind:?}: two inputs, two reports: {texts:#?}"
        );
        assert!(texts.contains(&"<export><order>".to_string()), "{kind:?}");
        assert!(texts.contains(&"not an order file".to_string()), "{kind:?}");
        assert!(p.store().jobs().unwrap().is_empty());
    }
}

/// The upload and the folder watcher both queue a file: the second arrival, in the same batch,
/// is not decided a second time, and the batch's other files still share their group.
#[test]
fn a_file_queued_twice_in_a_batch_is_decided_once() {
    let env = Env::build_on(Kind::Redb, "", ORDER, "");
    let p = env.pipeline();
    let a1 = put(
        &env,
        "uc",
        "g1.xml",
        &uc_file(&[uc_order("R-1", "UPS: Ground", 1)]),
    );
    let a2 = put(
        &env,
        "uc",
        "g2.xml",
        &uc_file(&[uc_order("R-2", "UPS: Ground", 1)]),
    );
    let outcomes = {
        // Stopped before the group's first step: the three arrivals are one group of two.
        let _stop = crate::faults::stop_before(0);
        p.process_batch(vec![a1.clone(), a2.clone(), a1.clone()])
    };
    assert_eq!(outcomes.len(), 3);
    assert!(
        matches!(outcomes[0], Ok(Outcome::Skipped("queued twice"))),
        "{outcomes:?}"
    );
    for o in &outcomes[1..] {
        assert!(
            o.as_ref().is_err_and(|e| e.contains("stage outputs 0..2")),
            "{o:?}"
        );
    }
    drop(p);
    let p = env.pipeline();
    p.recover().unwrap();
    let outcomes = p.process_batch(vec![a1.clone(), a2, a1]);
    let settled = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Outcome::Settled { .. })))
        .count();
    assert_eq!(settled, 2, "{outcomes:?}");
    let mut taken = Taken::default();
    taken.take_all(&env);
    let mut names: Vec<&str> = taken.all().iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["wh/order_R-1.json", "wh/order_R-2.json"]);
    assert!(p.store().jobs().unwrap().is_empty());
}
