//! `dtd_mode = "report"`: a file that fails only the DTD check is processed, and its
//! `archive/DAY/NAME.warnings.txt` is part of the recorded plan, so a crash at any step neither
//! loses nor duplicates it.

use super::tests::{Env, decide_only};
use super::*;
use crate::store::Plan;
use std::path::Path;

/// A valid SD order, but for one element the DTD does not declare (line 5).
pub(super) const ORDER: &str = r#"<?xml version="1.0"?>
<export><export_location>x</export_location>
<order><merchant_id>M</merchant_id><order_id>W-1</order_id><order_date>01 JUL 2025 10:00:00</order_date><order_type>cc</order_type><current_stage>SD</current_stage><payment_status>Processed</payment_status>
<bill_to_company/><bill_to_title/><bill_to_first_name>A</bill_to_first_name><bill_to_last_name>B</bill_to_last_name><bill_to_address1>1 St</bill_to_address1><bill_to_address2/><bill_to_city>C</bill_to_city><bill_to_state>NC</bill_to_state><bill_to_zip>1</bill_to_zip><bill_to_country>United States</bill_to_country><tax_county/>
<shipping_method>UPS: Ground</shipping_method><lift_gate>N</lift_gate><gift>N</gift><email>a@b.c</email><loyalty_tier>gold</loyalty_tier><mailing_list>N</mailing_list><day_phone>1</day_phone><evening_phone/><fax/><payment_method>CC</payment_method>
<item><merchant_id>M</merchant_id><order_id>W-1</order_id><item_id>S</item_id><item_index>1</item_index><quantity>1</quantity><description>d</description><cost>1.00</cost><unit_cost_with_discount>1.00</unit_cost_with_discount><total_cost_with_discount>1.00</total_cost_with_discount><cogs/><actual_cogs/><item_weight>1 LB</item_weight><tax_free>N</tax_free><special_product_type/><free_shipping>N</free_shipping><accounting_code/><discount>0</discount><distribution_center_code>DFLT</distribution_center_code><kit>N</kit><kit_component>N</kit_component></item>
<weight>1 LB</weight><subtotal>1.00</subtotal><tax_rate>0</tax_rate><tax>0.00</tax><shipping_handling_total>0.00</shipping_handling_total><shipping_handling_total_discount>0</shipping_handling_total_discount><surcharge_transaction_fee>0</surcharge_transaction_fee><surcharge_transaction_percentage>0</surcharge_transaction_percentage><surcharge>0</surcharge><total>1.00</total><currency_code>USD</currency_code><actual_profit_analyzed>N</actual_profit_analyzed><actual_profit_review>N</actual_profit_review><special_instructions/><merchant_notes/><subtotal_discount>0</subtotal_discount><gift_charge_accounting_code/><gift_wrap_accounting_code/><surcharge_accounting_code/><shipping_method_accounting_code/><payment_method_accounting_code/><payment_method_deposit_to_account/><tax_country_accounting_code/><tax_state_accounting_code/><tax_county_accounting_code/><tax_city_accounting_code/><tax_postal_code_accounting_code/><screen_branding_theme_code>D</screen_branding_theme_code>
</order></export>
"#;

/// The shared replay environment, with the shipped DTD in `mode`.
fn env(mode: &str) -> Env {
    let dtd = Path::new(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd");
    Env::with(
        &format!("dtd = \"{}\"\ndtd_mode = \"{mode}\"", dtd.display()),
        ORDER,
    )
}

/// Every file under `partner/folder`, relative, sorted.
fn files(env: &Env, partner: &str, folder: &str) -> Vec<String> {
    fn walk(base: &Path, p: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(base, &e.path(), out);
            } else {
                let rel = e.path().strip_prefix(base).unwrap().to_path_buf();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let base = env.config.partner_home(partner).join(folder);
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// One output, the input archived once with exactly one warnings file beside it that names
/// the element with its line and column.
fn assert_done_once(env: &Env) {
    assert_eq!(files(env, "wh", "out").len(), 1, "exactly one output");
    assert!(files(env, "uc", "in").is_empty());
    let errors = files(env, "uc", "error");
    assert!(errors.is_empty(), "{errors:?}");
    let archived = files(env, "uc", "archive");
    assert_eq!(
        archived.len(),
        2,
        "the input and its warnings: {archived:?}"
    );
    assert!(archived[0].ends_with("/a.xml"), "{archived:?}");
    assert!(archived[1].ends_with("/a.xml.warnings.txt"), "{archived:?}");
    let text = std::fs::read_to_string(
        env.config
            .partner_home("uc")
            .join("archive")
            .join(&archived[1]),
    )
    .unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("5:") && l.contains("loyalty_tier")),
        "{text}"
    );
}

#[test]
fn the_warnings_are_in_the_recorded_plan() {
    let env = env("report");
    let a = env.drop_in("a.xml");
    let (p, key, plan) = decide_only(&env, &a);
    let (path, text) = plan.warnings.clone().expect("warnings planned");
    assert_eq!(
        path,
        plan.settle_to
            .with_file_name(crate::layout::warnings_name("a.xml"))
    );
    assert!(text.contains("loyalty_tier"), "{text}");
    assert_eq!(p.store().job(&key).unwrap().unwrap().plan, plan);
}

#[test]
fn reject_mode_plans_no_warnings_and_rejects() {
    let env = env("reject");
    let a = env.drop_in("a.xml");
    let (_, _, plan) = decide_only(&env, &a);
    assert_eq!(plan.warnings, None);
    assert_eq!(plan.outcome, "rejected");
    assert!(plan.outputs.is_empty());
}

#[test]
fn crash_after_the_decision_is_committed() {
    let env = env("report");
    let a = env.drop_in("a.xml");
    drop(decide_only(&env, &a));
    env.restart_and_replay(&a);
    assert_done_once(&env);
}

#[test]
fn crash_after_the_warnings_were_written_but_before_the_input_moved() {
    let env = env("report");
    let a = env.drop_in("a.xml");
    let (p, _, plan) = decide_only(&env, &a);
    for o in &plan.outputs {
        crate::durable::write_atomic(&o.dir, &o.name, o.content.as_bytes()).unwrap();
    }
    let (path, text) = plan.warnings.clone().unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    crate::durable::write_atomic(path.parent().unwrap(), &name, text.as_bytes()).unwrap();
    drop(p);
    env.restart_and_replay(&a);
    assert_done_once(&env);
}

#[test]
fn crash_after_the_input_moved_but_before_the_job_was_forgotten() {
    let env = env("report");
    let a = env.drop_in("a.xml");
    let (p, key, plan) = decide_only(&env, &a);
    let job = p.store().job(&key).unwrap().unwrap();
    settle::execute(p.store(), &key, &a.path, plan, || true).unwrap();
    p.store().write(|t| t.put_job(&key, &job)).unwrap(); // as if the delete never committed
    drop(p);
    env.restart_and_replay(&a);
    assert_done_once(&env);
}

#[test]
fn a_second_file_of_the_same_name_gets_its_own_warnings() {
    let env = env("report");
    let a = env.drop_in("a.xml");
    env.pipeline().process(&a).unwrap();
    let b = env.drop_in("a.xml");
    env.pipeline().process(&b).unwrap();
    let archived = files(&env, "uc", "archive");
    assert_eq!(archived.len(), 4, "{archived:?}");
    assert!(
        archived.iter().any(|f| f.ends_with("/a~2.xml")),
        "{archived:?}"
    );
    assert!(
        archived
            .iter()
            .any(|f| f.ends_with("/a~2.xml.warnings.txt")),
        "{archived:?}"
    );
}

#[test]
fn a_plan_recorded_before_warnings_existed_still_reads() {
    let old = r#"{"outputs":[],"settle_to":"/d/archive/2026-01-01/a.xml","report":null,"outcome":"archived"}"#;
    let plan: Plan = serde_json::from_str(old).unwrap();
    assert_eq!(plan.warnings, None);
    assert_eq!(plan.outcome, "archived");
}
