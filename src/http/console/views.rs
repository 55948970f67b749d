//! The pages' templates (`templates/*.html`, compiled by askama and HTML-escaped) and the
//! small formatting helpers they share.

use super::auth::AdminSession;
use super::charts::Chart;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Renders a template into a response (a template error is a 500, logged).
pub(super) fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(text) => Html(text).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A short page with a message and `status`.
pub(super) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let page = MessagePage {
        title: title.to_owned(),
        text: text.to_owned(),
    };
    (status, html(&page)).into_response()
}

/// The answer to a form posted without its CSRF token.
pub(super) fn csrf_refused() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Refused",
        "This form was sent without its security token (CSRF). Reload the page and try again.",
    )
}

/// `YYYY-MM-DD HH:MM` (UTC) of a Unix time in milliseconds, with how long ago.
pub(super) fn when(ms: i64) -> String {
    let Ok(t) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let ago = (crate::store::now_ms() - ms).max(0) / 1000;
    let rel = match ago {
        0..60 => format!("{ago}s ago"),
        60..3600 => format!("{}m ago", ago / 60),
        3600..86400 => format!("{}h ago", ago / 3600),
        _ => format!("{}d ago", ago / 86400),
    };
    format!("{} ({rel})", t.strftime("%Y-%m-%d %H:%M"))
}

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    pub error: Option<String>,
    pub next: String,
}

/// A message page.
#[derive(Template)]
#[template(path = "message.html")]
pub(super) struct MessagePage {
    pub title: String,
    pub text: String,
}

/// A partner's last input, for the dashboard.
pub(super) struct LastIn {
    pub when: String,
    pub file: String,
    pub outcome: String,
}

/// One dashboard row.
pub(super) struct PartnerRow {
    pub name: String,
    pub role: &'static str,
    pub format: String,
    pub last_login: String,
    pub last_in: Option<LastIn>,
    pub last_out: String,
    pub errors: usize,
    pub orders: Vec<(&'static str, u64)>,
    pub spark: Chart,
}

/// `/`.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub(super) struct DashboardPage {
    pub title: &'static str,
    pub nav: &'static str,
    pub session: AdminSession,
    pub partners: Vec<PartnerRow>,
    pub orders_chart: Chart,
}

/// One order in the list.
pub(super) struct OrderRow {
    pub cust_ref: String,
    pub source: String,
    pub order_no: String,
    pub name: String,
    pub status: &'static str,
    pub since: String,
    pub first: String,
}

/// `/orders`.
#[derive(Template)]
#[template(path = "orders.html")]
pub(super) struct OrdersPage {
    pub title: &'static str,
    pub nav: &'static str,
    pub session: AdminSession,
    pub statuses: Vec<&'static str>,
    pub partners: Vec<String>,
    pub status: String,
    pub partner: String,
    pub q: String,
    pub rows: Vec<OrderRow>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// One history line.
pub(super) struct HistoryRow {
    pub time: String,
    pub event: String,
    pub file: String,
}

/// `/orders/{cust_ref}`.
#[derive(Template)]
#[template(path = "order.html")]
pub(super) struct OrderPage {
    pub title: String,
    pub nav: &'static str,
    pub session: AdminSession,
    pub cust_ref: String,
    pub source: String,
    pub order_no: String,
    pub status: &'static str,
    pub reason: Option<String>,
    pub history: Vec<HistoryRow>,
    pub json: String,
}

/// One file in `error/`.
pub(super) struct ErrorRow {
    pub partner: String,
    pub rel: String,
    pub size: u64,
    pub when: String,
    pub reason: String,
}

/// `/errors`.
#[derive(Template)]
#[template(path = "errors.html")]
pub(super) struct ErrorsPage {
    pub title: &'static str,
    pub nav: &'static str,
    pub session: AdminSession,
    pub files: Vec<ErrorRow>,
    pub total: usize,
    pub shown: usize,
    pub requeued: Option<String>,
}

/// `/error?partner=&file=`.
#[derive(Template)]
#[template(path = "error_file.html")]
pub(super) struct ErrorFilePage {
    pub title: String,
    pub nav: &'static str,
    pub session: AdminSession,
    pub partner: String,
    pub rel: String,
    pub size: u64,
    pub report: String,
}

/// One configured alert.
pub(super) struct RuleRow {
    pub id: String,
    pub rule: String,
    pub to: String,
}

/// One alert log line.
pub(super) struct EventRow {
    pub at: String,
    pub state: String,
    pub rule: String,
    pub partner: String,
    pub message: String,
}

/// `/alerts`.
#[derive(Template)]
#[template(path = "alerts.html")]
pub(super) struct AlertsPage {
    pub title: &'static str,
    pub nav: &'static str,
    pub session: AdminSession,
    pub rules: Vec<RuleRow>,
    pub events: Vec<EventRow>,
}
