//! The writes. `POST shipments`, `inventory`, `products` and `cancels` hand their body to the
//! pipeline as the warehouse file it is (`in/shipment-api-STAMP-N.json`,
//! `in/product-api-…`, the name starting as the pipeline expects for that kind), through the
//! upload life cycle, and answer once that input has settled: `archive/` is a success;
//! `error/` (the whole body refused) or a report of refused items is `Invalid` with the
//! report's own text. `POST orders/received` records, in one transaction, what the warehouse
//! deleting each `out/order_<cust_ref>.json` records, then removes those files.
//!
//! Every write goes through [`post`] (the request under its `Idempotency-Key`, the answer
//! envelope) and every file-shaped one through [`warehouse_file`]: an endpoint is its route,
//! its kind of file and its document.

use super::answer::{Answer, Envelope};
use super::idempotency::{self, Start as Idem};
use super::reads::ApiOrder;
use super::{Caller, answered};
use crate::formats::canonical::warehouse_files::{WAREHOUSE_FILES, WarehouseFile, json};
use crate::http::Shared;
use crate::intake::Via;
use crate::layout::Folder;
use crate::model::{Cancellation, InventoryLevel, OrderStatus, Product, ShipmentNotice};
use crate::pipeline::waiters::Settled;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;
use utoipa::ToSchema;

/// How long a write waits for its input to settle before answering `Failure` (the input is
/// still processed; a retry with the same body is absorbed).
const SETTLE_WAIT: Duration = Duration::from_secs(60);

/// Every POST: the request (its route and body) under its `Idempotency-Key`, then `run`.
async fn post<F: std::future::Future<Output = Answer>>(
    state: &Shared,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body: Bytes,
    run: impl FnOnce(Bytes) -> F,
) -> Response {
    let what = [format!("POST {route}\n").as_bytes(), &body].concat();
    let answer = match idempotency::start(state, &caller.api_user, headers, &what).await {
        Idem::Answer(a) => a,
        Idem::Run => run(body).await,
        Idem::RunAndRecord(claim) => {
            let a = run(body).await;
            claim.record(&a).await;
            a
        }
    };
    answered(caller, answer)
}

/// A POST whose body is the warehouse file of `kind`, at `route`.
async fn warehouse_file(
    state: &Shared,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    kind: WarehouseFile,
    body: Bytes,
) -> Response {
    post(state, caller, headers, route, body, |body| {
        as_file(state, caller, kind, body)
    })
    .await
}

/// A successful write's answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Processed {
    /// Where the body now is, as the warehouse's folders show it (`archive/DAY/NAME`).
    pub input: String,
    /// `archived`.
    pub outcome: String,
    /// What the report says besides (for instance that the cart takes no cancellation file
    /// and the merchant must cancel the order in the cart), when it says something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The name a file of `kind` starts with (the pipeline tells warehouse files by it).
fn prefix(kind: WarehouseFile) -> &'static str {
    WAREHOUSE_FILES
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("unknown", |(p, _)| p)
}

/// Hands `body` to the pipeline as `in/PREFIX-api-STAMP-N.json` of the caller (PREFIX the
/// name a file of `kind` starts with) and waits for its outcome.
async fn as_file(state: &Shared, caller: &Caller, kind: WarehouseFile, body: Bytes) -> Answer {
    let Some(api) = &state.api else {
        return Answer::failure("the merchant API is not running");
    };
    let kind = prefix(kind);
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("{kind}-api-{stamp}-{}-{n}.json", std::process::id());
    let home_dir = state.config.partner_home(&caller.partner.name);
    let disk = home_dir.in_dir().join(&name);
    let waiter = api.waiters.wait_for(&disk);
    let uploads = api.uploads.clone();
    let partner = caller.partner.name.clone();
    let span = tracing::Span::current();
    let handed = tokio::task::spawn_blocking(move || {
        let home = uploads.open_home(&partner).map_err(|e| e.to_string())?;
        let client_path = format!("/{}/{name}", Folder::In.name());
        let up = uploads
            .begin(
                &home,
                Path::new(&client_path),
                crate::upload::Start::New,
                Via::Api,
                &span,
            )
            .map_err(|e| e.to_string())?;
        up.writer()
            .write(Some(0), &body)
            .map_err(|e| e.to_string())?;
        up.finish().map(|_| ()).map_err(|e| e.to_string())
    })
    .await;
    match handed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            api.waiters.forget(&disk);
            return Answer::failure(format!("the body could not be saved: {e}"));
        }
        Err(_) => {
            api.waiters.forget(&disk);
            return Answer::failure("the body could not be saved");
        }
    }
    match tokio::time::timeout(SETTLE_WAIT, waiter).await {
        Ok(Ok(settled)) => outcome(&home_dir, settled),
        _ => {
            api.waiters.forget(&disk);
            Answer::failure(format!(
                "still being processed after {} s (it will be; sending the same body again is absorbed)",
                SETTLE_WAIT.as_secs()
            ))
        }
    }
}

/// The answer for a settled input: archived is a success (with the report's notes, if it
/// has a report); anything else is `Invalid` with the report's text.
fn outcome(home: &crate::layout::HomeLayout, s: Settled) -> Answer {
    let input = home.show(&s.to);
    // The report's own words: from its `result:` line on (the head names the file).
    let text = s.report.unwrap_or_default();
    let body = text
        .find("result:")
        .map_or(text.as_str(), |i| &text[i..])
        .trim_end();
    if s.outcome == "archived" {
        return Answer::ok(Processed {
            input,
            outcome: s.outcome,
            notes: (!body.is_empty()).then(|| body.to_owned()),
        });
    }
    Answer::invalid(format!("{body}\ninput now at: {input}"))
}

/// The `Idempotency-Key` header every write takes.
const KEY_DOC: &str = "A retry with the same key gets the first answer";

/// Shipments, in the shape of `shipment*.json`: one notice or an array of them.
#[utoipa::path(
    post,
    path = "/v1/merchant/shipments",
    request_body(content = ShipmentsBody, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    responses((status = 200, description = "Processed, or why not", body = Envelope<Processed>)),
    security(("basic" = [])),
    tag = "writes"
)]
pub(super) async fn shipments(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kind = WarehouseFile::Shipments;
    warehouse_file(&state, &caller, &headers, "shipments", kind, body).await
}

/// A shipments body (for the document only: the pipeline's decoder reads the body): the
/// notices of `shipment*.json`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum ShipmentsBody {
    /// One notice.
    One(ShipmentNotice),
    /// Several.
    Many(Vec<ShipmentNotice>),
}

/// Inventory levels, in the shape of `inventory*.json`: an array of levels.
#[utoipa::path(
    post,
    path = "/v1/merchant/inventory",
    request_body(content = Vec<InventoryLevel>, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    responses((status = 200, description = "Processed, or why not", body = Envelope<Processed>)),
    security(("basic" = [])),
    tag = "writes"
)]
pub(super) async fn inventory(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kind = WarehouseFile::Inventory;
    warehouse_file(&state, &caller, &headers, "inventory", kind, body).await
}

/// Products upserted into the warehouse's catalog, in the shape of `product*.json`: an array
/// of products (`"active": false` retires a SKU). Held orders the catalog now passes are sent.
#[utoipa::path(
    post,
    path = "/v1/merchant/products",
    request_body(content = Vec<Product>, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    responses((status = 200, description = "Processed, or why not", body = Envelope<Processed>)),
    security(("basic" = [])),
    tag = "writes"
)]
pub(super) async fn products(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kind = WarehouseFile::Products;
    warehouse_file(&state, &caller, &headers, "products", kind, body).await
}

/// Orders or lines the warehouse cannot fill, in the shape of `cancel*.json`: one
/// cancellation or an array of them. Each cart hears of it in its own format (DSCO
/// `Cancel_*.csv`); a format that takes no cancellation file gets a note instead.
#[utoipa::path(
    post,
    path = "/v1/merchant/cancels",
    request_body(content = CancelsBody, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    responses((status = 200, description = "Processed, or why not", body = Envelope<Processed>)),
    security(("basic" = [])),
    tag = "writes"
)]
pub(super) async fn cancels(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let kind = WarehouseFile::Cancel;
    warehouse_file(&state, &caller, &headers, "cancels", kind, body).await
}

/// A cancellations body (for the document only): the cancellations of `cancel*.json`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum CancelsBody {
    /// One cancellation.
    One(Cancellation),
    /// Several.
    Many(Vec<Cancellation>),
}

/// `POST orders/received`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Received {
    /// The orders the warehouse has taken.
    #[schema(min_items = 1)]
    pub cust_refs: Vec<String>,
}

/// The warehouse has taken these orders: `new` → `at_wms`, as deleting their
/// `order_<cust_ref>.json` does, and those files leave `out/`. All or nothing: an unknown
/// `cust_ref` refuses the whole request.
#[utoipa::path(
    post,
    path = "/v1/merchant/orders/received",
    request_body(content = Received, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = KEY_DOC)),
    responses((status = 200, description = "The orders, or why not", body = Envelope<Vec<ApiOrder>>)),
    security(("basic" = [])),
    tag = "orders"
)]
pub(super) async fn received(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    post(&state, &caller, &headers, "orders/received", body, |body| {
        take_orders(&state, &caller, body)
    })
    .await
}

async fn take_orders(state: &Shared, caller: &Caller, body: Bytes) -> Answer {
    let refs = match json::<Received>(&body) {
        Ok(r) if r.cust_refs.is_empty() => {
            return Answer::invalid("$.cust_refs: must not be empty");
        }
        Ok(r) => r.cust_refs,
        Err(e) => return Answer::invalid(e.to_string()),
    };
    let wh = caller.partner.name.clone();
    let carts: Vec<String> = state
        .config
        .partners
        .iter()
        .filter(|p| p.warehouse.as_deref() == Some(wh.as_str()))
        .map(|p| p.name.clone())
        .collect();
    let store = state.store.clone();
    let out_dir = state.config.partner_home(&wh).out_dir();
    let done = tokio::task::spawn_blocking(move || {
        let result = store.write(|t| {
            let mut orders = Vec::new();
            for (i, cust_ref) in refs.iter().enumerate() {
                let Some(rec) = t.order_by_ref(cust_ref)?.filter(|r| carts.contains(&r.source)) else {
                    return Ok(Err(format!("$.cust_refs[{i}]: no order with cust_ref '{cust_ref}'")));
                };
                if matches!(rec.status, OrderStatus::Skipped | OrderStatus::Error) {
                    return Ok(Err(format!(
                        "$.cust_refs[{i}]: order '{cust_ref}' was never sent to the warehouse ({})",
                        rec.status.as_str()
                    )));
                }
                let name = crate::pipeline::order_file_name(cust_ref);
                let label = format!("{} via api", Folder::Out.show(Path::new(&name)));
                crate::pipeline::take(t, &wh, &name, &label)?;
                orders.push((cust_ref.clone(), name));
            }
            Ok(Ok(orders))
        });
        match result {
            Ok(Ok(names)) => {
                for (_, name) in &names {
                    match std::fs::remove_file(out_dir.join(name)) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => tracing::warn!(file = %name, error = %e, "received over the API, but the file could not be removed from out/"),
                    }
                }
                let mut out = Vec::new();
                for (cust_ref, _) in names {
                    if let Some(rec) = store.order_by_ref(&cust_ref)? {
                        out.push(ApiOrder::of(rec));
                    }
                }
                Ok(Ok(out))
            }
            Ok(Err(why)) => Ok(Err(why)),
            Err(e) => Err(e),
        }
    })
    .await;
    match done {
        Ok(Ok(Ok(orders))) => Answer::ok(orders),
        Ok(Ok(Err(why))) => Answer::invalid(why),
        Ok(Err(e)) => Answer::failure(format!("the store could not be written: {e}")),
        Err(_) => Answer::failure("the request failed"),
    }
}
