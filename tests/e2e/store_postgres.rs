//! The real `wharf serve` on the shared PostgreSQL store (`[store] postgres_file`): an
//! UltraCart upload goes through end to end, `wharf orders show` reads the order back from the
//! database, and it is still there after a restart — with no embedded store file anywhere.

use super::pg_cluster::PgCluster;
use super::support::*;
use std::process::Command;

fn show(g: &Gateway, cust_ref: &str) -> serde_json::Value {
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&g.config)
        .args(["show", cust_ref]));
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)))
}

#[test]
fn serve_on_postgres_processes_an_ultracart_upload_and_orders_show_reads_it() {
    let Some(cluster) = PgCluster::shared() else {
        return;
    };
    let secrets = tempfile::tempdir().unwrap();
    let url_file = secrets.path().join("store-url");
    std::fs::write(&url_file, format!("{}\n", cluster.database_url())).unwrap();
    let mut g = Gateway::start_with(
        "",
        &format!("\n[store]\npostgres_file = \"{}\"\n", url_file.display()),
    );
    let body = uc_export(&[uc_order("PG-1", "SD", &[("S", 2, "3.00")], "6.00")]);
    let out = curl_upload(&g.url("uc", CART_PASSWORD, "/in/pg.xml"), body.as_bytes());
    assert!(out.status.success(), "{}", text(&out));
    g.wait_file(&g.home("wh").join("out/order_PG-1.json"));
    g.wait_in_empty("uc");

    let shown = show(&g, "PG-1");
    assert_eq!(shown["order_status"], "new", "{shown}");
    assert_eq!(shown["cust_po_no"], "PG-1", "{shown}");
    assert!(
        !g.data().join("wharf.redb").exists(),
        "the embedded store is not used"
    );

    // The state is the database's: a restart finds the order and its history as they were.
    let mut child = g.child.take().expect("running");
    child.kill().unwrap();
    child.wait().unwrap();
    g.spawn();
    assert_eq!(show(&g, "PG-1")["history"], shown["history"]);
}

#[test]
fn orders_show_on_a_database_serve_never_started_on_says_so() {
    let Some(cluster) = PgCluster::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url_file = dir.path().join("store-url");
    std::fs::write(&url_file, cluster.database_url()).unwrap();
    let config = dir.path().join("wharf.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"data\"\n\n[store]\npostgres_file = \"{}\"\n\n[[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword = \"x\"\n",
            url_file.display()
        ),
    )
    .unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["orders", "--config"])
        .arg(&config)
        .args(["show", "PG-1"]));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("holds no Wharf store yet: `wharf serve` creates it"),
        "{}",
        text(&out)
    );
}
