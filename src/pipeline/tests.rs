//! Replay after a crash at each step of a file's processing: the result is the same as if
//! nothing had happened — one output per order, the input in exactly one place, no job left.

use super::*;
use crate::intake::{Arrival, Via};
use crate::store::Plan;
use std::path::Path;

const ORDER: &str = r#"<?xml version="1.0"?>
<export><export_location>x</export_location>
<order><merchant_id>M</merchant_id><order_id>R-1</order_id><order_date>01 JUL 2025 10:00:00</order_date><order_type>cc</order_type><current_stage>SD</current_stage><payment_status>Processed</payment_status>
<bill_to_company/><bill_to_title/><bill_to_first_name>A</bill_to_first_name><bill_to_last_name>B</bill_to_last_name><bill_to_address1>1 St</bill_to_address1><bill_to_address2/><bill_to_city>C</bill_to_city><bill_to_state>NC</bill_to_state><bill_to_zip>1</bill_to_zip><bill_to_country>United States</bill_to_country><tax_county/>
<shipping_method>UPS: Ground</shipping_method><lift_gate>N</lift_gate><gift>N</gift><email>a@b.c</email><mailing_list>N</mailing_list><day_phone>1</day_phone><evening_phone/><fax/><payment_method>CC</payment_method>
<item><merchant_id>M</merchant_id><order_id>R-1</order_id><item_id>S</item_id><item_index>1</item_index><quantity>1</quantity><description>d</description><cost>1.00</cost><unit_cost_with_discount>1.00</unit_cost_with_discount><total_cost_with_discount>1.00</total_cost_with_discount><cogs/><actual_cogs/><item_weight>1 LB</item_weight><tax_free>N</tax_free><special_product_type/><free_shipping>N</free_shipping><accounting_code/><discount>0</discount><distribution_center_code>DFLT</distribution_center_code><kit>N</kit><kit_component>N</kit_component></item>
<weight>1 LB</weight><subtotal>1.00</subtotal><tax_rate>0</tax_rate><tax>0.00</tax><shipping_handling_total>0.00</shipping_handling_total><shipping_handling_total_discount>0</shipping_handling_total_discount><surcharge_transaction_fee>0</surcharge_transaction_fee><surcharge_transaction_percentage>0</surcharge_transaction_percentage><surcharge>0</surcharge><total>1.00</total><currency_code>USD</currency_code>
</order></export>
"#;

pub(super) struct Env {
    dir: tempfile::TempDir,
    pub(super) config: Arc<Config>,
    /// What `drop_in` writes.
    body: &'static str,
}

impl Env {
    fn new() -> Env {
        Env::with("", ORDER)
    }

    /// Partners `uc` (an UltraCart cart with `cart_extra` keys) and `wh`; `drop_in` writes
    /// `body`.
    pub(super) fn with(cart_extra: &str, body: &'static str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let toml = format!(
            "data_dir = \"data\"\n\
            [[partner]]\nname = \"uc\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"p\"\nwarehouse = \"wh\"\n\
            {cart_extra}\n\
            [[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword = \"p\"\n"
        );
        let path = dir.path().join("wharf.toml");
        std::fs::write(&path, toml).unwrap();
        let config = Arc::new(crate::config::load(&path).unwrap().config);
        crate::server::prepare_homes(&config).unwrap();
        Env { dir, config, body }
    }

    /// A pipeline over the store, as after a (re)start.
    pub(super) fn pipeline(&self) -> Pipeline {
        let store = Store::open(&self.config.data_dir.join("wharf.redb")).unwrap();
        Pipeline::new(
            self.config.clone(),
            Arc::new(store),
            UploadRegistry::default(),
        )
    }

    pub(super) fn drop_in(&self, name: &str) -> Arrival {
        let path = self.config.partner_home("uc").join("in").join(name);
        std::fs::write(&path, self.body).unwrap();
        Arrival {
            partner: "uc".into(),
            path,
            rel: name.into(),
            via: Via::Scan,
            kind: crate::intake::Kind::Input,
        }
    }

    fn count(&self, partner: &str, folder: &str) -> usize {
        fn walk(p: &Path) -> usize {
            std::fs::read_dir(p)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| {
                            if e.path().is_dir() {
                                walk(&e.path())
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.config.partner_home(partner).join(folder))
    }

    /// Restarts and replays the way `serve` does: forget settled jobs, process what is in in/.
    pub(super) fn restart_and_replay(&self, a: &Arrival) {
        let p = self.pipeline();
        p.recover().unwrap();
        if a.path.exists() {
            p.process(a).unwrap();
        }
        assert!(p.store().jobs().unwrap().is_empty(), "no job left");
    }

    fn assert_done_once(&self) {
        assert_eq!(self.count("wh", "out"), 1, "exactly one output");
        assert_eq!(self.count("uc", "in"), 0);
        assert_eq!(self.count("uc", "archive"), 1, "archived once");
        assert_eq!(self.count("uc", "error"), 0);
        let _ = &self.dir;
    }
}

/// Decides a file (the job is committed) and stops, as a crash right after the commit.
pub(super) fn decide_only(env: &Env, a: &Arrival) -> (Pipeline, String, Plan) {
    let p = env.pipeline();
    let partner = env.config.partner("uc").unwrap().clone();
    let bytes = std::fs::read(&a.path).unwrap();
    let hash = sha256_hex(&bytes);
    let key = job_key("uc", &a.rel);
    let plan = decide::decide(&p, &partner, a, &bytes, &hash, &key).unwrap();
    (p, key, plan)
}

#[test]
fn crash_after_the_decision_is_committed() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    drop(decide_only(&env, &a));
    env.restart_and_replay(&a);
    env.assert_done_once();
}

#[test]
fn crash_after_an_output_was_written_but_not_marked() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    let (p, _, plan) = decide_only(&env, &a);
    for o in &plan.outputs {
        crate::outbox::write_atomic(&o.dir, &o.name, o.content.as_bytes()).unwrap();
    }
    drop(p);
    env.restart_and_replay(&a);
    env.assert_done_once();
}

#[test]
fn crash_after_the_input_moved_but_before_the_job_was_forgotten() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    let (p, key, plan) = decide_only(&env, &a);
    let job = p.store().job(&key).unwrap().unwrap();
    settle::execute(p.store(), &key, &a.path, plan, || true).unwrap();
    p.store().write(|t| t.put_job(&key, &job)).unwrap(); // as if the delete never committed
    drop(p);
    env.restart_and_replay(&a);
    env.assert_done_once();
    // The same file uploaded again later is absorbed, not replayed from the stale plan.
    let again = env.drop_in("a.xml");
    env.restart_and_replay(&again);
    assert_eq!(env.count("wh", "out"), 1, "still one output");
    assert_eq!(env.count("uc", "archive"), 2);
}

#[test]
fn crash_after_the_output_was_taken_by_the_warehouse_does_not_resend_it() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    let p = env.pipeline();
    p.process(&a).unwrap();
    drop(p);
    // The warehouse takes its file; the same upload comes again (a client retry).
    for e in std::fs::read_dir(env.config.partner_home("wh").join("out")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let again = env.drop_in("a.xml");
    env.restart_and_replay(&again);
    assert_eq!(env.count("wh", "out"), 0, "absorbed: not sent again");
}

#[test]
fn a_file_overwritten_while_processed_is_left_for_its_new_upload() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    let (p, key, plan) = decide_only(&env, &a);
    let moved = settle::execute(p.store(), &key, &a.path, plan, || false).unwrap();
    assert!(!moved);
    assert!(a.path.exists(), "left in in/");
}
