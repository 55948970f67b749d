//! The console's pages. Each gathers its data off the async threads (store reads, folder
//! listings) and renders one template.

use super::auth::AdminSession;
use super::charts::{self, Column};
use super::views::{self, *};
use crate::config::Role;
use crate::http::Shared;
use crate::model::OrderStatus;
use crate::store::{OrderQuery, day_of, now_ms};
use axum::Extension;
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Orders per page.
pub const PAGE_SIZE: usize = 50;
/// Days in the orders chart.
const CHART_DAYS: i64 = 14;
/// Files listed on `/errors` at most.
const ERRORS_SHOWN: usize = 500;

/// Runs `f` on the blocking pool; a store failure becomes a 500 page.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "console: store read failed");
            Err(views::message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Store error",
                &e.to_string(),
            ))
        }
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// The last `n` days (UTC), oldest first.
fn last_days(n: i64) -> Vec<String> {
    let now = now_ms();
    (0..n).rev().map(|i| day_of(now - i * 86_400_000)).collect()
}

/// `GET /`.
pub(super) async fn dashboard(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
) -> Response {
    let s = state.clone();
    let data = blocking(move || {
        let activity = s.store.activity()?;
        let week = last_days(7);
        let files = s.store.files_per_day(&week)?;
        let days = last_days(CHART_DAYS);
        let per_day = s.store.orders_per_day(&days)?;
        let mut rows = Vec::new();
        for p in &s.config.partners {
            let a = activity
                .iter()
                .find(|(n, _)| n == &p.name)
                .map(|(_, a)| a.clone())
                .unwrap_or_default();
            let counts = match p.role {
                Role::Cart => s.store.order_counts_of(&p.name)?,
                Role::Warehouse => {
                    let mut sum: Vec<(OrderStatus, u64)> =
                        OrderStatus::ALL.iter().map(|st| (*st, 0)).collect();
                    for cart in s
                        .config
                        .partners
                        .iter()
                        .filter(|c| c.warehouse.as_deref() == Some(p.name.as_str()))
                    {
                        for (i, (_, n)) in s.store.order_counts_of(&cart.name)?.iter().enumerate() {
                            sum[i].1 += n;
                        }
                    }
                    sum
                }
            };
            let columns: Vec<Column> = week
                .iter()
                .map(|day| Column {
                    label: day[5..].to_owned(),
                    segments: ["archived", "partial", "rejected"]
                        .iter()
                        .map(|o| {
                            let n = files
                                .iter()
                                .filter(|f| &f.day == day && f.partner == p.name && f.outcome == *o)
                                .map(|f| f.count)
                                .sum();
                            (format!("o-{o}"), n, format!("{day}: {n} {o}"))
                        })
                        .collect(),
                })
                .collect();
            rows.push(PartnerRow {
                name: p.name.clone(),
                role: p.role.as_str(),
                format: format!("{:?}", p.format).to_lowercase(),
                last_login: crate::ops::board::board()
                    .last_login(&p.name)
                    .map_or("—".into(), |l| {
                        format!("{} {}", views::when(l.at_ms), l.protocol)
                    }),
                last_in: a.last_in.map(|f| LastIn {
                    when: views::when(f.at_ms),
                    file: f.file,
                    outcome: f.outcome,
                }),
                last_out: a.last_out_ms.map_or("—".into(), views::when),
                errors: crate::ops::errors::count(&s.config, &p.name),
                orders: counts
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(st, n)| (st.as_str(), n))
                    .collect(),
                spark: charts::stacked(&columns, 8, 28, false, "files per day, last 7 days"),
            });
        }
        let columns: Vec<Column> = per_day
            .into_iter()
            .map(|(day, counts)| Column {
                label: day[5..].to_owned(),
                segments: counts
                    .into_iter()
                    .map(|(st, n)| {
                        (
                            format!("s-{}", st.as_str()),
                            n,
                            format!("{day}: {n} {}", st.as_str()),
                        )
                    })
                    .collect(),
            })
            .collect();
        let chart = charts::stacked(&columns, 34, 160, true, "orders per day by status");
        Ok((rows, chart))
    })
    .await;
    match data {
        Ok((partners, orders_chart)) => views::html(&DashboardPage {
            title: "Dashboard",
            nav: "dashboard",
            session,
            partners,
            orders_chart,
        }),
        Err(r) => r,
    }
}

/// Query of `/orders`.
#[derive(Debug, Deserialize, Default)]
pub(super) struct OrdersQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<usize>,
}

/// `/orders?status=&partner=&q=&page=`.
fn orders_url(status: &str, partner: &str, q: &str, page: usize) -> String {
    let query: Vec<(&str, String)> = [
        ("status", status.to_owned()),
        ("partner", partner.to_owned()),
        ("q", q.to_owned()),
        ("page", page.to_string()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    format!(
        "/orders?{}",
        serde_urlencoded::to_string(query).unwrap_or_default()
    )
}

/// `GET /orders`: filtered by status, cart and text; newest first; paginated.
pub(super) async fn orders(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    Query(q): Query<OrdersQuery>,
) -> Response {
    let status = OrderStatus::parse(q.status.trim());
    let page = q.page.unwrap_or(1).max(1);
    let query = OrderQuery {
        status,
        partner: Some(q.partner.trim().to_owned()).filter(|p| !p.is_empty()),
        text: Some(q.q.trim().to_owned()).filter(|t| !t.is_empty()),
        offset: (page - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
    };
    let s = state.clone();
    let result = match blocking(move || s.store.order_page(&query)).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let pages = result.total.div_ceil(PAGE_SIZE).max(1);
    let status_text = status.map_or("", OrderStatus::as_str);
    let url = |p| orders_url(status_text, q.partner.trim(), q.q.trim(), p);
    views::html(&OrdersPage {
        title: "Orders",
        nav: "orders",
        session,
        statuses: OrderStatus::ALL.iter().map(|s| s.as_str()).collect(),
        partners: state
            .config
            .partners
            .iter()
            .filter(|p| p.role == Role::Cart)
            .map(|p| p.name.clone())
            .collect(),
        status: status_text.to_owned(),
        partner: q.partner.trim().to_owned(),
        q: q.q.trim().to_owned(),
        rows: result
            .rows
            .into_iter()
            .map(|o| OrderRow {
                cust_ref: o.cust_ref,
                source: o.source,
                order_no: o.order_no,
                name: o.name,
                status: o.status.as_str(),
                since: views::when(o.since_ms),
                first: views::when(o.first_ms),
            })
            .collect(),
        total: result.total,
        page,
        pages,
        prev: (page > 1).then(|| url(page - 1)),
        next: (page < pages).then(|| url(page + 1)),
    })
}

/// `GET /orders/{cust_ref}`: the canonical JSON and the history.
pub(super) async fn order(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    Path(cust_ref): Path<String>,
) -> Response {
    let s = state.clone();
    let key = cust_ref.clone();
    let rec = match blocking(move || s.store.order_by_ref(&key)).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return views::message(
                StatusCode::NOT_FOUND,
                "No such order",
                &format!("No order has cust_ref {cust_ref:?}."),
            );
        }
        Err(r) => return r,
    };
    views::html(&OrderPage {
        title: format!("Order {}", rec.cust_ref),
        nav: "orders",
        session,
        json: serde_json::to_string_pretty(&rec.view()).unwrap_or_default(),
        cust_ref: rec.cust_ref,
        source: rec.source,
        order_no: rec.order_no,
        status: rec.status.as_str(),
        reason: rec.reason,
        history: rec
            .history
            .into_iter()
            .map(|h| HistoryRow {
                time: h.time,
                event: h.event,
                file: h.file.unwrap_or_default(),
            })
            .collect(),
    })
}

/// Query of `/errors`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorsQuery {
    partner: Option<String>,
    requeued: Option<String>,
}

/// `GET /errors`: every file in a partner's `error/`, newest first, with its reason.
pub(super) async fn errors(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    Query(q): Query<ErrorsQuery>,
) -> Response {
    let s = state.clone();
    let only = q.partner.clone().filter(|p| !p.is_empty());
    let listed = blocking(move || {
        let mut all = Vec::new();
        for p in &s.config.partners {
            if only.as_ref().is_none_or(|o| o == &p.name) {
                all.extend(crate::ops::errors::list(&s.config, &p.name));
            }
        }
        all.sort_by_key(|b| std::cmp::Reverse(b.modified));
        let total = all.len();
        let rows: Vec<ErrorRow> = all
            .into_iter()
            .take(ERRORS_SHOWN)
            .map(|f| {
                let path = s.config.partner_home(&f.partner).error_dir().join(&f.rel);
                let reason = crate::ops::errors::report(&path)
                    .map(|r| summary_of(&r))
                    .unwrap_or_default();
                ErrorRow {
                    when: f
                        .modified
                        .and_then(|m| jiff::Timestamp::try_from(m).ok())
                        .map_or(String::new(), |t| views::when(t.as_millisecond())),
                    partner: f.partner,
                    rel: f.rel,
                    size: f.size,
                    reason,
                }
            })
            .collect();
        Ok((rows, total))
    })
    .await;
    match listed {
        Ok((files, total)) => views::html(&ErrorsPage {
            title: "Errors",
            nav: "errors",
            session,
            shown: files.len(),
            files,
            total,
            requeued: q.requeued,
        }),
        Err(r) => r,
    }
}

/// The reason line of a report (what the list shows).
fn summary_of(report: &str) -> String {
    report
        .lines()
        .find_map(|l| l.strip_prefix("reason: "))
        .or_else(|| report.lines().find_map(|l| l.strip_prefix("result: ")))
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Query naming one file in `error/`.
#[derive(Debug, Deserialize)]
pub(super) struct FileQuery {
    partner: String,
    file: String,
}

fn not_found() -> Response {
    views::message(
        StatusCode::NOT_FOUND,
        "No such file",
        "That file is not in the partner's error/ folder (it may have been requeued).",
    )
}

/// `GET /error?partner=&file=`: the report, a download link and the requeue button.
pub(super) async fn error_file(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    Query(q): Query<FileQuery>,
) -> Response {
    let Some(path) = crate::ops::errors::resolve(&state.config, &q.partner, &q.file) else {
        return not_found();
    };
    let size = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
    let report =
        crate::ops::errors::report(&path).unwrap_or_else(|| "(no report beside this file)".into());
    views::html(&ErrorFilePage {
        title: format!("{}: error/{}", q.partner, q.file),
        nav: "errors",
        session,
        partner: q.partner,
        rel: q.file,
        size,
        report,
    })
}

/// `GET /error/download?partner=&file=`: the input as it was received.
pub(super) async fn download(State(state): State<Shared>, Query(q): Query<FileQuery>) -> Response {
    let Some(path) = crate::ops::errors::resolve(&state.config, &q.partner, &q.file) else {
        return not_found();
    };
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return not_found();
    };
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The requeue form.
#[derive(Deserialize)]
pub(super) struct RequeueForm {
    #[serde(default)]
    csrf: String,
    partner: String,
    file: String,
}

/// `POST /requeue`: what `wharf requeue` does, for one file in `error/`.
pub(super) async fn requeue(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    Form(form): Form<RequeueForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return views::csrf_refused();
    }
    let Some(path) = crate::ops::errors::resolve(&state.config, &form.partner, &form.file) else {
        return not_found();
    };
    let moved = tokio::task::spawn_blocking(move || crate::intake::requeue::requeue(&path)).await;
    match moved {
        Ok(Ok(to)) => {
            tracing::info!(admin = %session.name, partner = %form.partner, file = %form.file, to = %to.display(), "requeued from the console");
            let query = serde_urlencoded::to_string([("requeued", &form.file)]).unwrap_or_default();
            Redirect::to(&format!("/errors?{query}")).into_response()
        }
        Ok(Err(e)) => views::message(StatusCode::CONFLICT, "Not requeued", &e.to_string()),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `GET /alerts`: the configured alerts and the log.
pub(super) async fn alerts(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
) -> Response {
    let s = state.clone();
    let events = match blocking(move || s.store.alert_log(200)).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    views::html(&AlertsPage {
        title: "Alerts",
        nav: "alerts",
        session,
        rules: state
            .config
            .alerts
            .iter()
            .map(|a| RuleRow {
                id: a.id(),
                rule: crate::alerts::describe(&a.rule),
                to: [
                    a.webhook.as_ref().map(|w| w.url.clone()),
                    a.email.clone(),
                    Some("log".into()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventRow {
                at: e.at,
                state: e.state,
                rule: e.rule,
                partner: e.partner.unwrap_or_default(),
                message: e.message,
            })
            .collect(),
    })
}
