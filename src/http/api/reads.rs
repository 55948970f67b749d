//! The reads: orders by status (a page, oldest first), one order with its status, shipments
//! and history, the inventory levels the warehouse last reported, and one SKU of its catalog.
//! A warehouse sees the orders of the carts routed to it, nothing else.

use super::answer::{Answer, Envelope};
use super::{Caller, answered};
use crate::http::Shared;
use crate::model::{Order, OrderStatus, Shipment};
use crate::store::{HistoryEntry, KnownLevel, ListQuery, OrderRecord, StoreError};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Orders per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 20;
/// The most orders on one page.
pub const MAX_LIMIT: usize = 100;

/// An order as the API shows it: the canonical order, its status, and what happened to it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiOrder {
    /// The canonical order (for an order that was skipped or rejected: its identity).
    #[serde(flatten)]
    pub order: Order,
    /// Where it stands.
    pub order_status: OrderStatus,
    /// Why it was skipped or rejected, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// Every package the warehouse reported, oldest first.
    pub shipments: Vec<Shipment>,
    /// Every change, oldest first.
    pub history: Vec<HistoryEntry>,
}

impl ApiOrder {
    pub(super) fn of(rec: OrderRecord) -> ApiOrder {
        let order = rec.order.unwrap_or_else(|| Order {
            cust_po_no: rec.order_no.clone(),
            order_source: rec.source.clone(),
            ..Order::default()
        });
        ApiOrder {
            order: Order {
                cust_ref: Some(rec.cust_ref),
                order_status: None,
                ..order
            },
            order_status: rec.status,
            status_reason: rec.reason,
            shipments: rec.shipments,
            history: rec.history,
        }
    }
}

/// A page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (default 20, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Which page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
}

impl PageParams {
    /// (offset, limit), or why not.
    fn window(&self) -> Result<(usize, usize), Answer> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT as i64);
        if !(1..=MAX_LIMIT as i64).contains(&limit) {
            return Err(Answer::invalid(format!(
                "limit must be 1 to {MAX_LIMIT}, not {limit}"
            )));
        }
        let page = self.page.unwrap_or(1);
        if page < 1 {
            return Err(Answer::invalid(format!("page starts at 1, not {page}")));
        }
        let limit = limit as usize;
        let offset = usize::try_from(page - 1)
            .ok()
            .and_then(|p| p.checked_mul(limit))
            .ok_or_else(|| Answer::invalid("page is too large"))?;
        Ok((offset, limit))
    }
}

/// A page of orders within dates.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Orders per page (default 20, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Which page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Orders Wharf received on or after: `YYYY-MM-DD` (UTC) or an RFC 3339 date-time.
    pub from_date: Option<String>,
    /// Orders Wharf received on or before: `YYYY-MM-DD` (UTC, the whole day) or an RFC 3339
    /// date-time.
    pub to_date: Option<String>,
}

/// A date parameter as Unix milliseconds: a day starts (or, `end`, ends) at UTC midnight.
fn date_ms(name: &str, value: &str, end: bool) -> Result<i64, Answer> {
    if let Ok(t) = value.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    let bad = || {
        Answer::invalid(format!(
            "{name} must be YYYY-MM-DD or an RFC 3339 date-time, not '{value}'"
        ))
    };
    let day: jiff::civil::Date = value.parse().map_err(|_| bad())?;
    let start = day
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_err(|_| bad())?
        .timestamp()
        .as_millisecond();
    Ok(if end { start + 86_400_000 - 1 } else { start })
}

/// The statuses a list name stands for (empty: any).
fn statuses(name: &str) -> Option<Vec<OrderStatus>> {
    use OrderStatus as S;
    Some(match name {
        "any" => vec![],
        "new_or_at_wms" => vec![S::New, S::AtWms],
        "shipped_or_confirmed" => vec![S::Shipped, S::Confirmed],
        _ => vec![OrderStatus::parse(name)?],
    })
}

/// The carts routed to the warehouse `caller`.
fn carts_of(state: &Shared, caller: &Caller) -> Vec<String> {
    state
        .config
        .partners
        .iter()
        .filter(|p| p.warehouse.as_deref() == Some(caller.partner.name.as_str()))
        .map(|p| p.name.clone())
        .collect()
}

/// Runs a store read off the async threads.
async fn read<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Answer> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "merchant API: store read failed");
            Err(Answer::failure(format!("the store could not be read: {e}")))
        }
        Err(_) => Err(Answer::failure("the read failed")),
    }
}

/// Orders with a status, oldest first.
#[utoipa::path(
    get,
    path = "/v1/merchant/orders/list/{status}",
    params(
        ("status" = String, Path, description = "a status (new, at_wms, partial, shipped, confirmed, skipped, error, held, canceled), or new_or_at_wms, shipped_or_confirmed, any"),
        ListParams
    ),
    responses((status = 200, description = "The orders (oldest first), or an error", body = Envelope<Vec<ApiOrder>>)),
    security(("basic" = [])),
    tag = "orders"
)]
pub(super) async fn list_orders(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(status): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    let answer = async {
        let statuses = statuses(&status).ok_or_else(|| {
            Answer::invalid(format!(
                "unknown status '{status}': {}, new_or_at_wms, shipped_or_confirmed or any",
                OrderStatus::names()
            ))
        })?;
        let (offset, limit) = PageParams {
            limit: params.limit,
            page: params.page,
        }
        .window()?;
        let from_ms = match &params.from_date {
            Some(d) => date_ms("from_date", d, false)?,
            None => i64::MIN,
        };
        let to_ms = match &params.to_date {
            Some(d) => date_ms("to_date", d, true)?,
            None => i64::MAX,
        };
        let q = ListQuery {
            statuses,
            sources: carts_of(&state, &caller),
            from_ms,
            to_ms,
            offset,
            limit,
        };
        let store = state.store.clone();
        let orders = read(move || store.order_list(&q)).await?;
        Ok::<_, Answer>(Answer::ok(
            orders.into_iter().map(ApiOrder::of).collect::<Vec<_>>(),
        ))
    }
    .await
    .unwrap_or_else(|e| e);
    answered(&caller, answer)
}

/// One order by its `cust_ref`.
#[utoipa::path(
    get,
    path = "/v1/merchant/orders/status/{cust_ref}",
    params(("cust_ref" = String, Path, description = "The order's cust_ref")),
    responses((status = 200, description = "The order, or an error", body = Envelope<ApiOrder>)),
    security(("basic" = [])),
    tag = "orders"
)]
pub(super) async fn order_status(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(cust_ref): Path<String>,
) -> Response {
    let carts = carts_of(&state, &caller);
    let store = state.store.clone();
    let wanted = cust_ref.clone();
    let answer = match read(move || store.order_by_ref(&wanted)).await {
        Ok(Some(rec)) if carts.contains(&rec.source) => Answer::ok(ApiOrder::of(rec)),
        Ok(_) => Answer::invalid(format!("no order with cust_ref '{cust_ref}'")),
        Err(a) => a,
    };
    answered(&caller, answer)
}

/// The warehouse's inventory levels, by SKU.
#[utoipa::path(
    get,
    path = "/v1/merchant/inventory",
    params(PageParams),
    responses((status = 200, description = "The levels (SKU order), or an error", body = Envelope<Vec<KnownLevel>>)),
    security(("basic" = [])),
    tag = "inventory"
)]
pub(super) async fn inventory(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<PageParams>,
) -> Response {
    let answer = async {
        let (offset, limit) = params.window()?;
        let store = state.store.clone();
        let wh = caller.partner.name.clone();
        let (levels, _) = read(move || store.inventory(&wh, offset, limit)).await?;
        Ok::<_, Answer>(Answer::ok(levels))
    }
    .await
    .unwrap_or_else(|e| e);
    answered(&caller, answer)
}

/// One SKU's level.
#[utoipa::path(
    get,
    path = "/v1/merchant/inventory/{sku}",
    params(("sku" = String, Path, description = "The warehouse's SKU")),
    responses((status = 200, description = "The level, or an error", body = Envelope<KnownLevel>)),
    security(("basic" = [])),
    tag = "inventory"
)]
pub(super) async fn inventory_sku(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(sku): Path<String>,
) -> Response {
    let missing = format!("no inventory level known for SKU '{sku}'");
    one_sku(&state, &caller, sku, missing, |store, wh, sku| {
        store.inventory_level(wh, sku)
    })
    .await
}

/// One SKU of the warehouse's catalog (from its product files, or known from its inventory).
#[utoipa::path(
    get,
    path = "/v1/merchant/product/{sku}",
    params(("sku" = String, Path, description = "The warehouse's SKU")),
    responses((status = 200, description = "The product, or an error", body = Envelope<crate::model::Product>)),
    security(("basic" = [])),
    tag = "products"
)]
pub(super) async fn product(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(sku): Path<String>,
) -> Response {
    let missing = format!("SKU '{sku}' is not in the catalog");
    one_sku(&state, &caller, sku, missing, |store, wh, sku| {
        store.catalog_product(wh, sku)
    })
    .await
}

/// One SKU of the caller's warehouse looked up in the store (off the async threads): the
/// record, or Invalid with `missing` when the store has none.
async fn one_sku<T, F>(
    state: &Shared,
    caller: &Caller,
    sku: String,
    missing: String,
    lookup: F,
) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&crate::store::Store, &str, &str) -> Result<Option<T>, crate::store::StoreError>
        + Send
        + 'static,
{
    let store = state.store.clone();
    let wh = caller.partner.name.clone();
    let answer = match read(move || lookup(&store, &wh, &sku)).await {
        Ok(Some(found)) => Answer::ok(found),
        Ok(None) => Answer::invalid(missing),
        Err(a) => a,
    };
    answered(caller, answer)
}
