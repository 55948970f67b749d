//! The shipped UltraCart DTD (`dtd/ultracart-export.dtd`) and Wharf's DTD validation:
//!
//! - the real samples (../shared, read in place) and the fixtures validate; out-of-order and
//!   undeclared elements do not, with `LINE:COL`;
//! - a differential property test: hundreds of mutated UltraCart documents, Wharf's verdict
//!   against xmllint's (`--noout --nonet --dtdvalid`) on each; `WHARF_DTD_SEED` replays a run,
//!   `WHARF_DTD_CASES` sets the number of documents;
//! - the pipeline over FTP with `dtd` set on the cart: valid orders flow, invalid files land
//!   in `error/` with every error, XXE and internal subsets are refused.

use super::rng::Rng;
use super::support::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use wharf::validate::{Limits, Mode, Options, validate_file};

pub(super) fn dtd() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dtd/ultracart-export.dtd")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/ultracart")
}

pub(super) fn against_dtd() -> Options {
    Options {
        mode: Mode::AgainstDtd(dtd()),
        catalog: None,
        limits: Limits::default(),
    }
}

/// `wharf validate --dtd dtd/ultracart-export.dtd FILES...`
pub(super) fn wharf_validate(files: &[PathBuf]) -> std::process::Output {
    run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .arg("validate")
        .arg("--dtd")
        .arg(dtd())
        .args(files))
}

/// True when some line of `text` holds `LINE:COL` (two numbers joined by a colon, the first
/// after a colon or at the start of the line).
fn has_line_col(text: &str) -> bool {
    text.lines().any(|line| {
        let b = line.as_bytes();
        (0..b.len()).any(|i| {
            (i == 0 || b[i - 1] == b':' || b[i - 1] == b' ') && b[i].is_ascii_digit() && {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                j + 1 < b.len() && b[j] == b':' && b[j + 1].is_ascii_digit()
            }
        })
    })
}

/// The LINE of every report line that starts with `LINE:COL: `.
fn reported_lines(report: &str) -> Vec<u64> {
    report
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let line = parts.next()?.trim().parse().ok()?;
            let _col: u64 = parts.next()?.parse().ok()?;
            parts.next()?.starts_with(' ').then_some(line)
        })
        .collect()
}

/// The well-formed fixtures (all but `not-well-formed.xml`).
fn good_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "xml")
                && p.file_name().is_some_and(|n| n != "not-well-formed.xml")
        })
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// The DTD against known documents
// ---------------------------------------------------------------------------------------------

#[test]
fn real_samples_and_fixtures_are_valid() {
    let mut files = good_fixtures();
    assert!(files.len() >= 8, "{files:?}");
    files.extend(super::ultracart_exports::real_samples().unwrap_or_default());
    let opts = against_dtd();
    for f in &files {
        let problems = validate_file(f, &opts).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(problems.is_empty(), "{}: {problems:?}", f.display());
    }
    let out = wharf_validate(&files);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    if !missing("xmllint") {
        let out = run(Command::new("xmllint")
            .args(["--noout", "--nonet", "--dtdvalid"])
            .arg(dtd())
            .args(&files));
        assert!(out.status.success(), "xmllint: {}", text(&out));
        // libxml2 reports a content model that is not deterministic (XML 1.0 requires it) when
        // it first validates an element of that type: the fixtures use every container.
        assert!(
            !text(&out).contains("determinist"),
            "xmllint: {}",
            text(&out)
        );
    }
}

#[test]
fn out_of_order_and_undeclared_elements_are_invalid_with_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let valid = uc_sd("7001");
    // order_type before order_date.
    let swapped = valid.replace(
        "<order_date>17 DEC 2025 08:37:38</order_date><order_type>credit card</order_type>",
        "<order_type>credit card</order_type><order_date>17 DEC 2025 08:37:38</order_date>",
    );
    // An element the DTD does not declare.
    let undeclared = valid.replace("<bill_to_company/>", "<bill_to_company/><bogus>1</bogus>");
    assert_ne!(swapped, valid);
    assert_ne!(undeclared, valid);
    let opts = against_dtd();
    // The order spans lines 4 to 9 (uc_order's layout).
    for (name, body) in [("swapped.xml", &swapped), ("undeclared.xml", &undeclared)] {
        let path = tmp.path().join(name);
        std::fs::write(&path, body).unwrap();
        let problems = validate_file(&path, &opts).unwrap();
        assert!(!problems.is_empty(), "{name} passed");
        assert!(
            problems.iter().all(|p| p.line > 0 && p.column > 0),
            "{name}: {problems:?}"
        );
        assert!(
            problems.iter().all(|p| (4..=9).contains(&p.line)),
            "{name}: expected problems within the order (lines 4 to 9): {problems:?}"
        );
        let out = wharf_validate(std::slice::from_ref(&path));
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        assert!(has_line_col(&text(&out)), "{name}: {}", text(&out));
        if name == "undeclared.xml" {
            assert!(text(&out).contains("bogus"), "{}", text(&out));
        }
    }
    let ok = tmp.path().join("ok.xml");
    std::fs::write(&ok, &valid).unwrap();
    assert_eq!(validate_file(&ok, &opts).unwrap(), vec![]);
}

// ---------------------------------------------------------------------------------------------
// Differential property test: Wharf against xmllint on mutated documents
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Node {
    El(String, Vec<Node>),
    Text(String),
    /// Markup written as is: a comment, a processing instruction, a CDATA section.
    Raw(String),
}

/// The content models of the shipped DTD along one path through its alternatives (the order
/// real exports use), `?` optional, `*` repeated; `ship_to?` is the whole ship_to_* group.
/// Mutations (swaps, drops, insertions) reach the other orders the DTD allows.
const MODELS: [(&str, &str); 10] = [
    ("export", "export_location? order*"),
    (
        "order",
        "merchant_id order_id channel_partner_code? channel_partner_order_id? order_date \
         order_type current_stage payment_status payment_date? payment_date_time? shipping_date? \
         shipping_date_time? bill_to_company bill_to_title bill_to_first_name bill_to_last_name \
         bill_to_address1 bill_to_address2 bill_to_city bill_to_state bill_to_zip bill_to_country \
         tax_county ship_to? shipping_method? lift_gate? shipping_tracking_number? gift email \
         gift_email? mailing_list day_phone evening_phone fax check_number? \
         purchase_order_number? card_type? card_number? card_exp_month? card_exp_year? \
         card_auth_ticket? payment_method item* gift_wrap_title? gift_wrap_cost? weight subtotal \
         tax_rate tax_rate_country? tax_rate_state? tax_rate_county? tax_rate_city? \
         tax_rate_postal_code? tax shipping_handling_total? shipping_handling_total_discount? \
         gift_charge? surcharge_transaction_fee surcharge_transaction_percentage surcharge total \
         currency_code actual_profit_analyzed actual_profit_review actual_shipping? \
         actual_other_cost? actual_fulfillment? actual_payment_processing? actual_profit? \
         subtotal_discount_refunded? subtotal_refunded? other_refunded? tax_refunded? \
         shipping_handling_refunded? buysafe_refunded? total_refunded? refund_by_user? \
         refund_dts? rma? gift_certificate_oid? gift_certificate_amount? \
         gift_certificate_code? special_instructions gift_message? merchant_notes \
         delivery_date? subtotal_discount gift_charge_accounting_code gift_wrap_accounting_code \
         surcharge_accounting_code shipping_method_accounting_code? \
         payment_method_accounting_code payment_method_deposit_to_account \
         tax_country_accounting_code tax_state_accounting_code tax_county_accounting_code \
         tax_city_accounting_code tax_postal_code_accounting_code referral_code? \
         advertising_source? screen_branding_theme_code custom_field_1? custom_field_2? \
         custom_field_3? custom_field_4? custom_field_5? custom_field_6? custom_field_7? \
         buysafe_bond_cost? buysafe_bond_shopping_cart_id? buysafe_bond_available? \
         buysafe_bond_free? buysafe_bond_wanted? insureship_available? insureship_refunded? \
         insureship_separate? insureship_wanted? coupon* sales_rep_code? \
         has_customer_profile? customer_profile? \
         transaction_details? customer_ip_address? tier_1_affiliate_oid? \
         tier_1_affiliate_sub_id? tier_2_affiliate_oid? tier_3_affiliate_oid? \
         tier_4_affiliate_oid? tier_5_affiliate_oid? auto_order_code? \
         auto_order_original_order_id? auto_order_status? auto_order_last_rebill? \
         upsell_path_code? test_order?",
    ),
    (
        "item",
        "merchant_id order_id item_id item_index quantity description cost \
         unit_cost_with_discount total_cost_with_discount cogs actual_cogs pricing_tier_name? \
         barcode? manufacturer_sku? customs_description? country_of_origin? item_weight tax_free \
         special_product_type free_shipping accounting_code discount channel_partner_item_id? \
         distribution_center_code kit kit_component component_unit_value? \
         quantity_refunded? total_refunded? option* lot*",
    ),
    (
        "option",
        "merchant_id order_id item_id item_index option_id option_name option_value cost_change \
         weight_change",
    ),
    ("lot", "lot_number lot_expiration lot_quantity"),
    (
        "coupon",
        "merchant_id order_id coupon_code coupon_accounting_code base_coupon_code?",
    ),
    (
        "customer_profile",
        "email terms qb_class qb_code? track_separately? tax_exempt?",
    ),
    ("transaction_details", "transaction_detail*"),
    (
        "transaction_detail",
        "transaction_id transaction_gateway transaction_timestamp transaction_successful \
         extended_details",
    ),
    ("extended_details", "extended_detail*"),
];

const SHIP_TO: &str = "ship_to_company ship_to_title ship_to_first_name ship_to_last_name \
     ship_to_address1 ship_to_address2 ship_to_city ship_to_state ship_to_zip ship_to_country";

/// `extended_detail` is a container too; kept out of MODELS to keep the table short.
const EXTENDED_DETAIL: &str = "extended_detail_name extended_detail_value";

fn model(name: &str) -> Option<&'static str> {
    if name == "extended_detail" {
        return Some(EXTENDED_DETAIL);
    }
    MODELS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// Names the DTD declares off the path MODELS follows (the other branch of an alternative).
const OFF_PATH: [&str; 6] = [
    "actual_profit_shipping",
    "actual_profit_other_cost",
    "actual_profit_fulfillment",
    "actual_profit_payment_processing",
    "actual_profit_profit",
    "Country_of_origin",
];

/// Every name the DTD declares.
fn declared_names() -> Vec<String> {
    let mut names: Vec<String> = MODELS.iter().map(|(n, _)| n.to_string()).collect();
    names.push("extended_detail".into());
    names.extend(OFF_PATH.iter().map(|n| n.to_string()));
    let all = MODELS
        .iter()
        .map(|(_, m)| *m)
        .chain([SHIP_TO, EXTENDED_DETAIL]);
    for m in all {
        for t in m.split_whitespace() {
            let t = t.trim_end_matches(['?', '*']);
            if t != "ship_to" && !names.iter().any(|n| n == t) {
                names.push(t.to_string());
            }
        }
    }
    names
}

const VALUES: [&str; 10] = [
    "",
    "N",
    "12.50",
    "17 DEC 2025 08:37:38",
    "Göteborg",
    "A & B <Co>",
    "USPS: First Class",
    "  spaced  ",
    "Ünïcödé ✓",
    "12474-201212170837-388136",
];

const UNDECLARED: [&str; 6] = [
    "bogus",
    "Order_ID",
    "shipTo",
    "x-extra",
    "ship_to_phone",
    "custom_field_8",
];

/// A valid element `name` (random optional parts, repeats, values).
fn gen_element(name: &str, rng: &mut Rng) -> Node {
    match model(name) {
        Some(m) => Node::El(name.to_string(), gen_content(m, rng)),
        None => {
            let v = *rng.pick(&VALUES);
            let kids = if v.is_empty() {
                vec![]
            } else {
                vec![Node::Text(v.to_string())]
            };
            Node::El(name.to_string(), kids)
        }
    }
}

fn gen_content(m: &str, rng: &mut Rng) -> Vec<Node> {
    let mut out = Vec::new();
    for t in m.split_whitespace() {
        let (name, n) = if let Some(n) = t.strip_suffix('?') {
            (n, usize::from(rng.chance(50)))
        } else if let Some(n) = t.strip_suffix('*') {
            (n, rng.index(3))
        } else {
            (t, 1)
        };
        for _ in 0..n {
            if name == "ship_to" {
                out.extend(SHIP_TO.split_whitespace().map(|s| gen_element(s, rng)));
            } else {
                out.push(gen_element(name, rng));
            }
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn render(n: &Node, pretty: bool, depth: usize, out: &mut String) {
    match n {
        Node::Text(t) => out.push_str(&escape(t)),
        Node::Raw(r) => out.push_str(r),
        Node::El(name, kids) if kids.is_empty() => out.push_str(&format!("<{name}/>")),
        Node::El(tag, kids) => {
            // `tag` may carry an attribute after the name (the attribute mutation).
            let name = tag.split(' ').next().unwrap_or(tag);
            out.push_str(&format!("<{tag}>"));
            let block = pretty && kids.iter().any(|k| matches!(k, Node::El(..)));
            for k in kids {
                if block {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth + 1));
                }
                render(k, pretty, depth + 1, out);
            }
            if block {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            out.push_str(&format!("</{name}>"));
        }
    }
}

fn document(root: &Node, pretty: bool) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    render(root, pretty, 0, &mut s);
    s.push('\n');
    s
}

/// Paths (child indexes from the root) of every element matching `pred`.
fn paths(n: &Node, here: &mut Vec<usize>, pred: &dyn Fn(&str) -> bool, out: &mut Vec<Vec<usize>>) {
    if let Node::El(name, kids) = n {
        if pred(name) {
            out.push(here.clone());
        }
        for (i, k) in kids.iter().enumerate() {
            here.push(i);
            paths(k, here, pred, out);
            here.pop();
        }
    }
}

fn at<'a>(n: &'a mut Node, path: &[usize]) -> &'a mut Vec<Node> {
    let Node::El(_, kids) = n else {
        unreachable!("paths only lead to elements")
    };
    match path.split_first() {
        None => kids,
        Some((i, rest)) => at(&mut kids[*i], rest),
    }
}

/// Indexes of the element children.
fn element_kids(kids: &[Node]) -> Vec<usize> {
    (0..kids.len())
        .filter(|i| matches!(kids[*i], Node::El(..)))
        .collect()
}

/// Applies one random mutation; returns what it did.
fn mutate(root: &mut Node, rng: &mut Rng, declared: &[String]) -> String {
    let mut containers = Vec::new();
    paths(root, &mut vec![], &|n| model(n).is_some(), &mut containers);
    let mut leaves = Vec::new();
    paths(root, &mut vec![], &|n| model(n).is_none(), &mut leaves);
    let kind = rng.index(13);
    if kind == 12 {
        // An attribute: the DTD declares none (namespace declarations and xml:* included).
        let mut all = Vec::new();
        paths(root, &mut vec![], &|_| true, &mut all);
        let p = rng.pick(&all).clone();
        let attr = *rng.pick(&["a=\"1\"", "xml:lang=\"en\"", "xmlns=\"urn:x\""]);
        let mut node = &mut *root;
        for i in &p {
            let Node::El(_, kids) = node else {
                unreachable!("paths only lead to elements")
            };
            node = &mut kids[*i];
        }
        if let Node::El(name, _) = node
            && !name.contains(' ')
        {
            name.push(' ');
            name.push_str(attr);
        }
        return format!("attribute {attr} on {p:?}");
    }
    if kind >= 9 && kind != 10 && !leaves.is_empty() {
        let p = rng.pick(&leaves).clone();
        let kids = at(root, &p);
        let pos = rng.index(kids.len() + 1);
        if kind == 9 {
            // An element inside a (#PCDATA) leaf: invalid.
            kids.insert(pos, Node::El(rng.pick(declared).clone(), vec![]));
            return format!("element inside leaf {p:?}");
        }
        // Markup allowed in (#PCDATA): comment, PI, CDATA section.
        let markup = *rng.pick(&[
            "<!-- c -->",
            "<?pi x?>",
            "<![CDATA[a<b>&c]]>",
            "<![CDATA[]]>",
        ]);
        kids.insert(pos, Node::Raw(markup.into()));
        return format!("{markup} inside leaf {p:?}");
    }
    if containers.is_empty() {
        // Earlier mutations renamed every container (the root too): nothing left to mutate.
        return "no container left to mutate".into();
    }
    let p = rng.pick(&containers).clone();
    let kids = at(root, &p);
    let els = element_kids(kids);
    let pos = rng.index(kids.len() + 1);
    match kind {
        0 if !els.is_empty() => {
            let i = *rng.pick(&els);
            kids.remove(i);
            format!("dropped child {i} of {p:?}")
        }
        1 if !els.is_empty() => {
            let i = *rng.pick(&els);
            let copy = kids[i].clone();
            kids.insert(i + 1, copy);
            format!("duplicated child {i} of {p:?}")
        }
        2 if els.len() >= 2 => {
            let k = rng.index(els.len() - 1);
            kids.swap(els[k], els[k + 1]);
            format!("swapped children {} and {} of {p:?}", els[k], els[k + 1])
        }
        3 if !els.is_empty() => {
            let i = *rng.pick(&els);
            let new = if rng.chance(60) {
                rng.pick(declared).clone()
            } else {
                rng.pick(&UNDECLARED).to_string()
            };
            if let Node::El(name, _) = &mut kids[i] {
                *name = new.clone();
            }
            format!("renamed child {i} of {p:?} to {new}")
        }
        4 => {
            let name = rng.pick(&UNDECLARED).to_string();
            kids.insert(pos, Node::El(name.clone(), vec![Node::Text("1".into())]));
            format!("inserted undeclared {name} at {pos} in {p:?}")
        }
        5 => {
            kids.insert(
                pos,
                Node::Text(rng.pick(&["x", " text ", "0", "&"]).to_string()),
            );
            format!("inserted text at {pos} in {p:?}")
        }
        6 => {
            // Allowed in element content: white space, a comment, a processing instruction.
            let noise = match rng.index(3) {
                0 => Node::Text(" \r\n\t ".into()),
                1 => Node::Raw("<!-- note -->".into()),
                _ => Node::Raw("<?wharf note?>".into()),
            };
            kids.insert(pos, noise);
            format!("inserted white space, comment or PI at {pos} in {p:?}")
        }
        10 => {
            // A CDATA section in element content is character data, even when it holds only
            // white space (XML 1.0 §3, VC Element Valid): invalid.
            let cdata = *rng.pick(&["<![CDATA[ ]]>", "<![CDATA[x]]>"]);
            kids.insert(pos, Node::Raw(cdata.into()));
            format!("inserted {cdata} at {pos} in {p:?}")
        }
        7 => {
            // A declared element, valid in itself, somewhere it may or may not belong.
            let name = rng.pick(declared).clone();
            kids.insert(pos, gen_element(&name, rng));
            format!("inserted declared {name} at {pos} in {p:?}")
        }
        _ => {
            kids.clear();
            format!("emptied {p:?}")
        }
    }
}

/// xmllint's verdicts (true = valid) for `names` in `dir`, all in one run.
fn xmllint_verdicts(dir: &Path, names: &[String]) -> BTreeMap<String, (bool, String)> {
    let out = run(Command::new("xmllint")
        .current_dir(dir)
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(dtd())
        .args(names));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut verdicts: BTreeMap<String, (bool, String)> = names
        .iter()
        .map(|n| (n.clone(), (true, String::new())))
        .collect();
    for line in stderr.lines() {
        let file = if let Some(rest) = line.strip_prefix("Document ") {
            rest.split(' ')
                .next()
                .filter(|_| rest.contains("does not validate"))
        } else if line.contains(": parser error") || line.contains("validity error") {
            line.split(':').next()
        } else {
            None
        };
        if let Some(v) = file.and_then(|f| verdicts.get_mut(f)) {
            v.0 = false;
            v.1.push_str(line);
            v.1.push('\n');
        }
    }
    verdicts
}

#[test]
fn wharf_and_xmllint_agree_on_mutated_documents() {
    if missing("xmllint") {
        return;
    }
    let seed: u64 = std::env::var("WHARF_DTD_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        // A fixed seed by default, so CI is reproducible; set WHARF_DTD_SEED (and
        // WHARF_DTD_CASES) to explore others.
        .unwrap_or(20_261_121);
    let cases: usize = std::env::var("WHARF_DTD_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    eprintln!(
        "differential DTD test: seed {seed} (WHARF_DTD_SEED={seed} replays it), {cases} documents"
    );
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let declared = declared_names();
    let tmp = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    let mut history = BTreeMap::new();
    // The generated documents no mutation touched: valid by construction.
    let mut untouched = Vec::new();
    for i in 0..cases {
        let orders = 1 + rng.index(3);
        let mut root = Node::El("export".into(), gen_content(MODELS[0].1, &mut rng));
        if let Node::El(_, kids) = &mut root {
            // At least one order (gen_content may give none).
            let have = kids
                .iter()
                .filter(|k| matches!(k, Node::El(n, _) if n == "order"))
                .count();
            kids.extend((have..orders).map(|_| gen_element("order", &mut rng)));
        }
        // 15% untouched, 55% one mutation, 30% two or three.
        let n_mut = match rng.index(20) {
            0..=2 => 0,
            3..=13 => 1,
            _ => 2 + rng.index(2),
        };
        let done: Vec<String> = (0..n_mut)
            .map(|_| mutate(&mut root, &mut rng, &declared))
            .collect();
        let name = format!("m{i:04}.xml");
        if n_mut == 0 {
            untouched.push(name.clone());
        }
        std::fs::write(tmp.path().join(&name), document(&root, rng.chance(70))).unwrap();
        history.insert(name.clone(), done);
        names.push(name);
    }
    let generated = started.elapsed();
    let xmllint = xmllint_verdicts(tmp.path(), &names);
    let after_xmllint = started.elapsed();
    let opts = against_dtd();
    let mut disagreements = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for name in &names {
        let path = tmp.path().join(name);
        let (lint_ok, lint_says) = &xmllint[name];
        // An error is no verdict (the file or the DTD could not be read): never "invalid".
        let wharf = validate_file(&path, &opts)
            .unwrap_or_else(|e| panic!("seed {seed}: {name}: Wharf gave no verdict: {e}"));
        let wharf_ok = wharf.is_empty();
        if untouched.contains(name) {
            assert!(
                *lint_ok && wharf_ok,
                "seed {seed}: {name} is a generated document no mutation touched, so it is valid; xmllint says {}, Wharf {wharf:?}\n{}",
                lint_says.trim(),
                std::fs::read_to_string(&path).unwrap()
            );
        }
        if *lint_ok {
            valid += 1;
        } else {
            invalid += 1;
        }
        if wharf_ok != *lint_ok {
            disagreements.push(format!(
                "{name}: xmllint says {}, Wharf says {}\n  mutations: {:?}\n  xmllint: {}\n  Wharf: {:?}\n  document:\n{}",
                if *lint_ok { "valid" } else { "invalid" },
                if wharf_ok { "valid" } else { "invalid" },
                history[name],
                lint_says.trim(),
                wharf,
                std::fs::read_to_string(&path).unwrap()
            ));
        }
    }
    eprintln!(
        "{cases} documents ({valid} valid, {invalid} invalid by xmllint): generated in {generated:?}, \
         xmllint {:?}, Wharf {:?}",
        after_xmllint - generated,
        started.elapsed() - after_xmllint
    );
    assert!(
        disagreements.is_empty(),
        "seed {seed}: {} of {cases} verdicts differ; first ones:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    if cases >= 200 {
        assert!(
            untouched.len() >= cases / 20,
            "{} untouched documents of {cases}",
            untouched.len()
        );
        assert!(
            valid >= cases / 10 && invalid >= cases / 10,
            "the mutations should give both verdicts: {valid} valid, {invalid} invalid"
        );
    }
    // The command line agrees with the library on the valid ones, all in one run.
    let valid_files: Vec<PathBuf> = names
        .iter()
        .filter(|n| xmllint[*n].0)
        .map(|n| tmp.path().join(n))
        .collect();
    let out = wharf_validate(&valid_files);
    assert_eq!(out.status.code(), Some(0), "seed {seed}: {}", text(&out));
}

// ---------------------------------------------------------------------------------------------
// The pipeline: a cart with `dtd` set
// ---------------------------------------------------------------------------------------------

fn gateway_with_dtd() -> Gateway {
    Gateway::start_with(&format!("dtd = \"{}\"", dtd().display()), "")
}

/// Uploads `body` as `in/NAME` and waits until it is processed.
fn upload(g: &Gateway, name: &str, body: &str) {
    let out = curl_upload(
        &g.url("uc", CART_PASSWORD, &format!("in/{name}")),
        body.as_bytes(),
    );
    assert!(out.status.success(), "curl: {}", text(&out));
    g.wait_in_empty("uc");
}

/// The report of a rejected `NAME`, after checking the file itself is in `error/`.
fn rejection(g: &Gateway, name: &str) -> String {
    let report = g.home("uc").join(format!("error/{name}.error.txt"));
    g.wait_file(&report);
    // The report is written before the input moves beside it: wait for the input too.
    g.wait_file(&g.home("uc").join(format!("error/{name}")));
    std::fs::read_to_string(report).unwrap()
}

/// Every file under the data folder and the log, as text.
fn everything(g: &Gateway) -> String {
    fn walk(dir: &Path, out: &mut String) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    let mut all = g.log_text();
    walk(&g.data(), &mut all);
    all
}

#[test]
fn a_valid_order_flows_through_the_dtd_check() {
    if missing("curl") {
        return;
    }
    let g = gateway_with_dtd();
    upload(&g, "ok.xml", &uc_sd("8001"));
    g.wait_file(&g.home("wh").join("out/order_8001.json"));
    // A DOCTYPE naming a DTD by a relative path that does not exist here, as UltraCart sends
    // it: the partner's DTD is used instead.
    upload(
        &g,
        "with-doctype.xml",
        &std::fs::read_to_string(fixtures().join("with-doctype.xml")).unwrap(),
    );
    assert!(
        g.files("uc", "error").is_empty(),
        "{:?}",
        g.files("uc", "error")
    );
    assert_eq!(g.files("uc", "archive").len(), 2);
    assert_eq!(g.files("wh", "out").len(), 2, "{:?}", g.files("wh", "out"));
}

#[test]
fn an_invalid_file_goes_to_error_with_every_validity_error() {
    if missing("curl") {
        return;
    }
    let g = gateway_with_dtd();
    // Two orders out of order and one with an undeclared element: lines 4-9, 10-15, 16-21.
    let bad = |id: &str| {
        uc_order(id, "SD", &[("SKU-1", 1, "1.00")], "1.00").replace(
            "<order_date>17 DEC 2025 08:37:38</order_date><order_type>credit card</order_type>",
            "<order_type>credit card</order_type><order_date>17 DEC 2025 08:37:38</order_date>",
        )
    };
    let undeclared = uc_order("8013", "SD", &[("SKU-1", 1, "1.00")], "1.00")
        .replace("<bill_to_company/>", "<bill_to_company/><bogus/>");
    let body = uc_export(&[bad("8011"), bad("8012"), undeclared]);
    upload(&g, "bad.xml", &body);
    let report = rejection(&g, "bad.xml");
    eprintln!("{report}");
    let lines = reported_lines(&report);
    for (first, last) in [(4, 9), (10, 15), (16, 21)] {
        assert!(
            lines.iter().any(|l| (first..=last).contains(l)),
            "no `LINE:COL: message` for lines {first}-{last} in:\n{report}"
        );
    }
    assert!(report.contains("bogus"), "{report}");
    assert!(g.files("wh", "out").is_empty(), "nothing decoded");
    assert!(g.files("uc", "archive").is_empty());

    upload(
        &g,
        "broken.xml",
        &std::fs::read_to_string(fixtures().join("not-well-formed.xml")).unwrap(),
    );
    let report = rejection(&g, "broken.xml");
    assert!(has_line_col(&report), "{report}");
}

#[test]
fn an_xxe_attempt_is_refused_and_leaks_nothing() {
    if missing("curl") {
        return;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let secret = passwd.lines().next().unwrap_or("root:x:0:0").to_string();
    let g = gateway_with_dtd();
    let body = uc_sd("8021")
        .replacen(
            "<export>",
            "<!DOCTYPE export [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<export>",
            1,
        )
        .replace("<merchant_notes/>", "<merchant_notes>&x;</merchant_notes>");
    upload(&g, "xxe.xml", &body);
    let report = rejection(&g, "xxe.xml");
    assert!(has_line_col(&report), "{report}");
    assert!(g.files("wh", "out").is_empty());
    // A parameter entity pulling a file into the DTD: refused the same way.
    let body = uc_sd("8022").replacen(
        "<export>",
        "<!DOCTYPE export [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n<export>",
        1,
    );
    upload(&g, "xxe-pe.xml", &body);
    let report = rejection(&g, "xxe-pe.xml");
    assert!(has_line_col(&report), "{report}");
    // An external subset naming the file (or a URL): never loaded; the partner's DTD decides.
    for (name, system) in [
        ("xxe-sys.xml", "file:///etc/passwd"),
        ("xxe-url.xml", "http://127.0.0.1:9/ultracart-export.dtd"),
    ] {
        let body = uc_sd("8023")
            .replacen(
                "<export>",
                &format!("<!DOCTYPE export SYSTEM \"{system}\">\n<export>"),
                1,
            )
            .replace("<merchant_notes/>", "<merchant_notes>&x;</merchant_notes>");
        upload(&g, name, &body);
        let report = rejection(&g, name);
        assert!(has_line_col(&report), "{report}");
    }
    assert!(g.files("wh", "out").is_empty());
    // Without the entity reference the DOCTYPE's own DTD is never read: the partner's DTD
    // decides, and this file is valid against it.
    let body = uc_sd("8024").replacen(
        "<export>",
        "<!DOCTYPE export SYSTEM \"file:///etc/passwd\">\n<export>",
        1,
    );
    upload(&g, "doctype-passwd.xml", &body);
    g.wait_file(&g.home("wh").join("out/order_8024.json"));
    assert!(!g.home("uc").join("error/doctype-passwd.xml").exists());
    let all = everything(&g);
    assert!(
        !secret.is_empty() && !all.contains(&secret),
        "/etc/passwd content leaked:\n{report}"
    );
}

#[test]
fn an_internal_subset_cannot_loosen_the_dtd() {
    if missing("curl") {
        return;
    }
    let g = gateway_with_dtd();
    // Declares `bogus` and lets an order hold anything: refused all the same.
    let body = uc_sd("8031")
        .replacen(
            "<export>",
            "<!DOCTYPE export [<!ELEMENT order ANY><!ELEMENT bogus (#PCDATA)>]>\n<export>",
            1,
        )
        .replace("<bill_to_company/>", "<bill_to_company/><bogus>x</bogus>");
    upload(&g, "subset.xml", &body);
    let report = rejection(&g, "subset.xml");
    assert!(
        report.contains("an internal DTD subset is not allowed in partner files"),
        "{report}"
    );
    assert!(g.files("wh", "out").is_empty());
    // Even when the document would be valid without it.
    let body = uc_sd("8032").replacen(
        "<export>",
        "<!DOCTYPE export [<!ELEMENT note (#PCDATA)>]>\n<export>",
        1,
    );
    upload(&g, "subset2.xml", &body);
    rejection(&g, "subset2.xml");
    assert!(!g.home("wh").join("out/order_8032.json").exists());
}
