//! Replay after a crash at each step of a file's processing: the result is the same as if
//! nothing had happened — one output per order, the input in exactly one place, no job left.

use super::*;
use crate::intake::{Arrival, Via};
use crate::store::Plan;
use crate::store::testing::{Kind, Place};
use std::path::Path;

pub(super) const ORDER: &str = r#"<?xml version="1.0"?>
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
    /// Where the store lives (redb in the data folder, or a PostgreSQL database).
    place: Place,
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
        Env::build(cart_extra, body, "")
    }

    /// With more `[[partner]]` tables after `uc` and `wh`.
    fn with_partners(extra: &str) -> Env {
        Env::build("", ORDER, extra)
    }

    pub(super) fn build(cart_extra: &str, body: &'static str, extra: &str) -> Env {
        Env::build_on(Kind::Redb, cart_extra, body, extra)
    }

    /// As [`Env::build`], with the store on the back-end `kind`.
    pub(super) fn build_on(kind: Kind, cart_extra: &str, body: &'static str, extra: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let toml = format!(
            "data_dir = \"data\"\n\
            [[partner]]\nname = \"uc\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"p\"\nwarehouse = \"wh\"\n\
            {cart_extra}\n\
            [[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword = \"p\"\n\
            {extra}"
        );
        let path = dir.path().join("wharf.toml");
        std::fs::write(&path, toml).unwrap();
        let config = Arc::new(crate::config::load(&path).unwrap().config);
        crate::server::prepare_homes(&config).unwrap();
        let place = match kind {
            Kind::Redb => Place::redb_at(config.data_dir.join("wharf.redb")),
            Kind::Postgres => Place::postgres().expect("PostgreSQL, as kinds() said"),
        };
        Env {
            dir,
            config,
            body,
            place,
        }
    }

    /// A pipeline over the store, as after a (re)start.
    pub(super) fn pipeline(&self) -> Pipeline {
        let store = self.place.open().unwrap();
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
            arrived: std::time::Instant::now(),
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
    let plan = p.decide_read(&partner, a, &bytes, &hash, &key).unwrap();
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
        crate::durable::write_atomic(&o.dir, &o.name, o.content.as_bytes()).unwrap();
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

impl Env {
    fn drop_bytes(&self, name: &str, bytes: &[u8]) -> Arrival {
        let a = self.drop_in(name);
        std::fs::write(&a.path, bytes).unwrap();
        a
    }

    fn report(&self, name: &str) -> String {
        let p = self
            .config
            .partner_home("uc")
            .join("error")
            .join(format!("{name}.error.txt"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

/// A panic inside a decoder (injected by a debug-only processing instruction) refuses the file
/// with the reason: it used to fail the file's task and leave the file in `in/` for ever.
#[test]
fn a_decoder_panic_sends_the_file_to_error() {
    let env = Env::new();
    let body = ORDER.replace("<export>", "<export><?wharf-test-panic?>");
    let a = env.drop_bytes("p.xml", body.as_bytes());
    let p = env.pipeline();
    let out = p.process(&a).unwrap();
    assert!(matches!(out, Outcome::Settled { ref outcome, .. } if outcome == "rejected"));
    let report = env.report("p.xml");
    assert!(
        report
            .contains("the XML parser failed on this file (internal error: injected parser panic"),
        "{report}"
    );
    assert_eq!(env.count("uc", "in"), 0);
    assert!(
        p.store()
            .attempts(&job_key("uc", &a.rel))
            .unwrap()
            .is_none()
    );
}

/// A file too large to hold is refused unread (a 40 GB sparse file took "out of memory … will
/// be retried at the next start" at every start).
#[test]
fn a_file_too_large_to_process_goes_to_error_unread() {
    let env = Env::new();
    let a = env.drop_in("huge.xml");
    std::fs::File::options()
        .write(true)
        .open(&a.path)
        .unwrap()
        .set_len(40_000_000_000)
        .unwrap();
    let p = env.pipeline();
    p.process(&a).unwrap();
    let report = env.report("huge.xml");
    assert!(
        report.contains("the file is 40000000000 bytes, more than this server processes"),
        "{report}"
    );
    assert_eq!(env.count("uc", "in"), 0);
    assert_eq!(env.count("wh", "out"), 0);
}

/// Two runs that died while deciding a file (their attempts were never cleared): the third
/// start sets it aside instead of parsing it again.
#[test]
fn a_file_that_stopped_the_server_twice_is_set_aside() {
    let env = Env::new();
    let a = env.drop_in("poison.xml");
    let key = job_key("uc", &a.rel);
    let hash = sha256_hex(&std::fs::read(&a.path).unwrap());
    for _ in 0..attempts::MAX_CRASHES {
        let p = env.pipeline();
        assert_eq!(
            attempts::begin(p.store(), &key, &hash).unwrap(),
            attempts::Begin::Go
        );
        drop(p); // the process dies here, before a plan is recorded
    }
    let p = env.pipeline();
    p.recover().unwrap();
    p.process(&a).unwrap();
    let report = env.report("poison.xml");
    assert!(
        report.contains("processing this file stopped the server twice; set aside"),
        "{report}"
    );
    assert_eq!(env.count("wh", "out"), 0, "not parsed a third time");
    assert!(p.store().attempts(&key).unwrap().is_none());
    assert!(p.store().jobs().unwrap().is_empty());
    // The next file under that name is processed normally.
    let again = env.drop_in("poison.xml");
    p.process(&again).unwrap();
    assert_eq!(env.count("wh", "out"), 1);
}

/// One crash while deciding is retried (a kill -9 can land anywhere); the retry clears it.
#[test]
fn one_crash_is_retried_and_the_attempt_cleared() {
    let env = Env::new();
    let a = env.drop_in("a.xml");
    let key = job_key("uc", &a.rel);
    let hash = sha256_hex(&std::fs::read(&a.path).unwrap());
    attempts::begin(env.pipeline().store(), &key, &hash).unwrap();
    let p = env.pipeline();
    p.process(&a).unwrap();
    env.assert_done_once();
    assert!(p.store().attempts(&key).unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------
// The same package sent twice is absorbed.

pub(super) const DS: &str = "[[partner]]\nname = \"ds\"\nrole = \"cart\"\nformat = \"dsco\"\npassword = \"p\"\nwarehouse = \"wh\"\n";

impl Env {
    /// Drops `name` with `content` into `partner`'s in/ and processes it.
    pub(super) fn feed(&self, p: &Pipeline, partner: &str, name: &str, content: &str) {
        let path = self.config.partner_home(partner).join("in").join(name);
        std::fs::write(&path, content).unwrap();
        let a = Arrival {
            partner: partner.into(),
            path,
            rel: name.into(),
            via: Via::Scan,
            kind: crate::intake::Kind::Input,
            arrived: std::time::Instant::now(),
        };
        p.process(&a).unwrap();
    }

    /// Files in `partner`'s out/ whose names start with `prefix`, with their content.
    fn out(&self, partner: &str, prefix: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.config.partner_home(partner).join("out"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        v.sort();
        v
    }

    fn order(&self, p: &Pipeline, cust_ref: &str) -> crate::store::OrderRecord {
        p.store().order_by_ref(cust_ref).unwrap().unwrap()
    }
}

/// R-1 with 2 units of S, sent to the warehouse.
fn two_units(env: &Env, p: &Pipeline) {
    let order = ORDER.replace("<quantity>1</quantity>", "<quantity>2</quantity>");
    env.feed(p, "uc", "r1.xml", &order);
    assert_eq!(env.count("wh", "out"), 1);
}

const DUP_JSON: &str = r#"{"cust_ref":"R-1","shipments":[{"carrier":"UPS","tracking_no":"1ZDUP","date":"2026-11-20T23:30:00-05:00","items":[{"item":"S","quantity":1}]}]}"#;

fn absorbed_in_history(rec: &crate::store::OrderRecord) -> usize {
    rec.history
        .iter()
        .filter(|h| {
            h.event
                .contains("absorbed: tracking 1ZDUP (1 x S) was already recorded")
        })
        .count()
}

/// Two files with identical content were both applied: two shipments, two confirmations with
/// the same tracking number, and the real second package refused ("only 0 remain").
#[test]
fn a_shipment_file_sent_twice_is_absorbed_and_a_new_package_still_ships() {
    let env = Env::new();
    let p = env.pipeline();
    two_units(&env, &p);
    env.feed(&p, "wh", "shipment-1.json", DUP_JSON);
    env.feed(&p, "wh", "shipment-2.json", DUP_JSON);
    let rec = env.order(&p, "R-1");
    assert_eq!(rec.shipments.len(), 1, "{:?}", rec.shipments);
    assert_eq!(rec.shipped.get("S"), Some(&1));
    assert_eq!(rec.status, crate::model::OrderStatus::Partial);
    assert_eq!(absorbed_in_history(&rec), 1);
    assert_eq!(env.out("uc", "ship").len(), 1, "one confirmation");
    assert_eq!(env.count("wh", "archive"), 2, "both files archived");
    assert_eq!(env.count("wh", "error"), 0, "nothing rejected");
    // A real second package ships.
    let real = DUP_JSON.replace("1ZDUP", "1ZREAL");
    env.feed(&p, "wh", "shipment-3.json", &real);
    let rec = env.order(&p, "R-1");
    assert_eq!(rec.status, crate::model::OrderStatus::Shipped);
    assert_eq!(rec.shipped.get("S"), Some(&2));
    assert_eq!(env.out("uc", "ship").len(), 2);
    assert_eq!(env.count("wh", "error"), 0);
}

#[test]
fn the_same_package_twice_in_one_file_ships_once() {
    let env = Env::new();
    let p = env.pipeline();
    two_units(&env, &p);
    let pkg = r#"{"tracking_no":"1ZDUP","items":[{"item":"S","quantity":1}]}"#;
    let file = format!(
        r#"[{{"cust_ref":"R-1","shipments":[{pkg},{pkg}]}},{{"cust_ref":"R-1","shipments":[{pkg}]}}]"#
    );
    env.feed(&p, "wh", "shipment-1.json", &file);
    let rec = env.order(&p, "R-1");
    assert_eq!(rec.shipped.get("S"), Some(&1));
    assert_eq!(absorbed_in_history(&rec), 2);
    let ships = env.out("uc", "ship");
    assert_eq!(ships.len(), 1);
    assert_eq!(ships[0].matches("1ZDUP").count(), 1, "{}", ships[0]);
    assert_eq!(env.count("wh", "error"), 0);
}

#[test]
fn a_csv_shipment_sent_twice_is_absorbed() {
    let env = Env::new();
    let p = env.pipeline();
    two_units(&env, &p);
    let csv = "cust_ref,carrier,method,tracking_no,date,item,quantity\nR-1,UPS,Ground,1ZDUP,2026-11-20T23:30:00-05:00,S,1\n";
    env.feed(&p, "wh", "shipment-1.csv", csv);
    env.feed(&p, "wh", "shipment-2.csv", csv);
    let rec = env.order(&p, "R-1");
    assert_eq!(rec.shipped.get("S"), Some(&1));
    assert_eq!(absorbed_in_history(&rec), 1);
    assert_eq!(env.out("uc", "ship").len(), 1);
}

/// DSCO: no second Shipment_ file, and the package is not invoiced twice.
#[test]
fn a_dsco_shipment_sent_twice_is_neither_confirmed_nor_invoiced_twice() {
    let env = Env::with_partners(DS);
    let p = env.pipeline();
    let po = "po_number,consumer_order_date,ship_first_name,ship_last_name,ship_address_1,ship_city,ship_region,ship_postal,ship_country,ship_carrier,ship_method,line_item_line_number,line_item_sku,line_item_quantity,line_item_expected_cost,dsco_order_id\n\
        PO-77,2026-11-20T10:00:00-05:00,Ada,Lovelace,1 Main St,Cary,NC,27513,US,UPS,Ground,1,MUG-1,2,19.99,9001\n";
    env.feed(&p, "ds", "Purchase_Order_1.csv", po);
    assert_eq!(env.count("wh", "out"), 1, "the order went to the warehouse");
    let ship = r#"{"cust_ref":"PO-77","shipments":[{"carrier":"UPS","method":"Ground","tracking_no":"1ZDUP","date":"2026-11-21T09:00:00-05:00","items":[{"item":"MUG-1","quantity":1}]}]}"#;
    env.feed(&p, "wh", "shipment-1.json", ship);
    env.feed(&p, "wh", "shipment-2.json", ship);
    assert_eq!(env.out("ds", "Shipment_").len(), 1);
    let invoices = env.out("ds", "Invoice_");
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    assert!(invoices[0].contains("19.99"), "{}", invoices[0]);
    let rec = env.order(&p, "PO-77");
    assert_eq!(rec.shipped.get("MUG-1"), Some(&1));
}

/// An output marked written is never written again, even after the warehouse took it and a
/// crash made the plan replay; marking it leaves the plan record as it was (a batch of 7,420
/// orders rewrote its 15 MB plan once per output).
#[test]
fn an_output_marked_written_is_not_written_again_by_a_replay() {
    let env = Env::new();
    let order = &ORDER[ORDER.find("<order>").unwrap()..ORDER.find("</export>").unwrap()];
    let two = ORDER.replace(
        "</export>",
        &format!("{}</export>", order.replace("R-1", "R-2")),
    );
    let a = env.drop_bytes("two.xml", two.as_bytes());
    let (p, key, plan) = decide_only(&env, &a);
    assert_eq!(plan.outputs.len(), 2);
    let before = p.store().job(&key).unwrap();
    let first = &plan.outputs[0];
    crate::durable::write_atomic(&first.dir, &first.name, first.content.as_bytes()).unwrap();
    p.store().write(|t| t.mark_written(&key, 0)).unwrap();
    assert_eq!(
        p.store().job(&key).unwrap(),
        before,
        "the plan is not rewritten"
    );
    std::fs::remove_file(first.dir.join(&first.name)).unwrap(); // the warehouse took it
    drop(p);
    env.restart_and_replay(&a);
    let out: Vec<String> = std::fs::read_dir(env.config.partner_home("wh").join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        out,
        [plan.outputs[1].name.clone()],
        "only the second is written"
    );
    assert!(
        !env.pipeline().store().written(&key, 0).unwrap(),
        "marks go with the job"
    );
}
