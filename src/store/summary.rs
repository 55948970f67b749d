//! Order summaries: what the console's order list, the `wharf_orders{status}` gauge and the
//! `order_not_taken` alert need, kept up to date in the transaction that records the order, so
//! none of them reads 100,000 full order records.
//!
//! A summary is one short line (status, since when, first seen, source, order number,
//! `cust_ref`, name), fields separated by U+001F (a control character partner text never
//! holds: every decoder refuses them). Splitting that line is what makes a text search over
//! 100,000 orders cheap; JSON would be ten times slower to read back. The filters and paging
//! over those lines ([`PageWalk`], [`ListWalk`]) live here once: each back-end only feeds them
//! the lines in the order asked for.

use crate::model::OrderStatus;
use crate::store::OrderRecord;

/// The separator of a summary line's fields (and of index keys).
pub(crate) const SEP: char = '\u{1f}';

/// One order in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    /// Its status.
    pub status: OrderStatus,
    /// When it got that status (Unix milliseconds).
    pub since_ms: i64,
    /// When Wharf first recorded it (Unix milliseconds).
    pub first_ms: i64,
    /// The cart partner that sent it.
    pub source: String,
    /// The cart's order number (`cust_po_no`).
    pub order_no: String,
    /// The number the warehouse sees.
    pub cust_ref: String,
    /// The customer's name (ship-to, else bill-to, else company), may be empty.
    pub name: String,
}

impl OrderSummary {
    pub(crate) fn of(rec: &OrderRecord, since_ms: i64, first_ms: i64) -> OrderSummary {
        let name = rec
            .order
            .as_ref()
            .map(|o| {
                let join = |a: &Option<String>, b: &Option<String>| {
                    [a.as_deref(), b.as_deref()]
                        .into_iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let ship = join(&o.ship_first_name, &o.ship_last_name);
                let bill = join(&o.cust_first_name, &o.cust_last_name);
                [ship, bill, o.ship_company.clone().unwrap_or_default()]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        OrderSummary {
            status: rec.status,
            since_ms,
            first_ms,
            source: rec.source.clone(),
            order_no: rec.order_no.clone(),
            cust_ref: rec.cust_ref.clone(),
            name: clean(&name),
        }
    }

    /// The summary `rec` gets when recorded over `old`, `None` when it is unchanged. `times`
    /// forces (since, first seen); otherwise a new status is since now and the first-seen
    /// time is kept.
    pub(crate) fn next(
        rec: &OrderRecord,
        old: Option<&OrderSummary>,
        times: Option<(i64, i64)>,
    ) -> Option<OrderSummary> {
        let now = now_ms();
        let (since, first) = match (times, old) {
            (Some(t), _) => t,
            (None, Some(o)) if o.status == rec.status => (o.since_ms, o.first_ms),
            (None, Some(o)) => (now, o.first_ms),
            (None, None) => (now, now),
        };
        let new = OrderSummary::of(rec, since, first);
        (old != Some(&new)).then_some(new)
    }

    pub(crate) fn line(&self) -> String {
        format!(
            "{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}{SEP}{}",
            self.status.as_str(),
            self.since_ms,
            self.first_ms,
            clean(&self.source),
            clean(&self.order_no),
            clean(&self.cust_ref),
            clean(&self.name)
        )
    }

    pub(crate) fn parse(line: &str) -> Option<OrderSummary> {
        let mut f = line.split(SEP);
        Some(OrderSummary {
            status: OrderStatus::parse(f.next()?)?,
            since_ms: f.next()?.parse().ok()?,
            first_ms: f.next()?.parse().ok()?,
            source: f.next()?.to_owned(),
            order_no: f.next()?.to_owned(),
            cust_ref: f.next()?.to_owned(),
            name: f.next()?.to_owned(),
        })
    }

    pub(crate) fn key(&self) -> String {
        super::order_key(&self.source, &self.order_no)
    }

    pub(crate) fn status_key(&self) -> String {
        format!(
            "{}{SEP}{:015}{SEP}{}",
            self.status.as_str(),
            self.since_ms.max(0),
            self.key()
        )
    }

    pub(crate) fn time_key(&self) -> String {
        format!("{:015}{SEP}{}", self.first_ms.max(0), self.key())
    }

    pub(crate) fn day_key(&self) -> String {
        format!("{}{SEP}{}", day_of(self.first_ms), self.status.as_str())
    }
}

/// Case-insensitive substring test without allocating for ASCII haystacks.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The text without the separator.
pub(crate) fn clean(s: &str) -> String {
    s.replace(SEP, " ")
}

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn day_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// One day (`YYYY-MM-DD`) and its orders by status.
pub type DayCounts = (String, Vec<(OrderStatus, u64)>);

/// What the order list asks for.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only this cart.
    pub partner: Option<String>,
    /// Only orders whose `cust_ref`, order number or name contains this (any case).
    pub text: Option<String>,
    /// Orders to skip (page × page size).
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

/// What the merchant API's order list asks for.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Any of these statuses (empty: any).
    pub statuses: Vec<OrderStatus>,
    /// From these carts only.
    pub sources: Vec<String>,
    /// First recorded at or after (Unix milliseconds).
    pub from_ms: i64,
    /// First recorded at or before (Unix milliseconds).
    pub to_ms: i64,
    /// Orders to skip.
    pub offset: usize,
    /// At most this many.
    pub limit: usize,
}

/// One page of orders, newest first.
#[derive(Debug, Clone, Default)]
pub struct OrderPage {
    /// The orders on the page.
    pub rows: Vec<OrderSummary>,
    /// How many orders match in all.
    pub total: usize,
}

/// Walks summary lines (newest first) into one page of the console's order list.
pub(crate) struct PageWalk<'q> {
    q: &'q OrderQuery,
    needle: Option<String>,
    partner: Option<&'q str>,
    page: OrderPage,
}

impl<'q> PageWalk<'q> {
    /// A walk for `q`.
    pub(crate) fn new(q: &'q OrderQuery) -> Self {
        let needle = q
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let partner = q.partner.as_deref().filter(|p| !p.is_empty());
        PageWalk {
            q,
            needle,
            partner,
            page: OrderPage::default(),
        }
    }

    /// Whether the query filters (then every line is read and counted; otherwise the total
    /// comes from the counts and the walk stops at the page's end).
    pub(crate) fn filtered(&self) -> bool {
        self.needle.is_some() || self.partner.is_some()
    }

    /// Filters run on the stored line itself, without building a summary: only the rows on
    /// the page are parsed (a text search reads every line).
    fn keep(&self, line: &str) -> bool {
        let mut f = line.split(SEP).skip(3);
        let (Some(source), Some(no), Some(cust_ref), Some(name)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return false;
        };
        self.partner.is_none_or(|p| source == p)
            && self.needle.as_deref().is_none_or(|n| {
                contains_ci(cust_ref, n) || contains_ci(no, n) || contains_ci(name, n)
            })
    }

    /// Takes the next line; whether to go on.
    pub(crate) fn visit(&mut self, line: &str) -> bool {
        let filtered = self.filtered();
        if filtered && !self.keep(line) {
            return true;
        }
        if self.page.total >= self.q.offset
            && self.page.rows.len() < self.q.limit
            && let Some(s) = OrderSummary::parse(line)
        {
            self.page.rows.push(s);
        }
        self.page.total += 1;
        filtered || self.page.rows.len() < self.q.limit
    }

    /// The page; `total` is the number of matching orders when unfiltered (from the counts).
    pub(crate) fn finish(mut self, total: Option<u64>) -> OrderPage {
        if !self.filtered()
            && let Some(total) = total
        {
            self.page.total = usize::try_from(total).unwrap_or(usize::MAX);
        }
        self.page
    }
}

/// Walks summary lines (oldest first) into the keys of one page of the merchant API's list.
pub(crate) struct ListWalk<'q> {
    q: &'q ListQuery,
    seen: usize,
    keys: Vec<String>,
}

impl<'q> ListWalk<'q> {
    /// A walk for `q`.
    pub(crate) fn new(q: &'q ListQuery) -> Self {
        ListWalk {
            q,
            seen: 0,
            keys: Vec::new(),
        }
    }

    /// Takes the next line; whether to go on.
    pub(crate) fn visit(&mut self, line: &str) -> bool {
        let q = self.q;
        let mut f = line.split(SEP);
        let (Some(status), Some(_since), Some(first), Some(source), Some(no)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return true;
        };
        let first: i64 = first.parse().unwrap_or(0);
        let wanted = (q.statuses.is_empty() || q.statuses.iter().any(|s| s.as_str() == status))
            && q.sources.iter().any(|s| s == source)
            && first >= q.from_ms
            && first <= q.to_ms;
        if wanted {
            if self.seen >= q.offset {
                self.keys.push(super::order_key(source, no));
            }
            self.seen += 1;
        }
        self.keys.len() < q.limit
    }

    /// The keys of the orders on the page, in order.
    pub(crate) fn finish(self) -> Vec<String> {
        self.keys
    }
}

impl OrderRecord {
    /// The order as `wharf orders show` and the console show it: the canonical JSON with its
    /// `order_status`, `status_reason` and `history` (a skipped or rejected order without
    /// canonical content: its identity, status and reason).
    pub fn view(&self) -> serde_json::Value {
        let mut v = match &self.order {
            Some(o) => serde_json::to_value(o).unwrap_or_default(),
            None => serde_json::json!({
                "cust_ref": self.cust_ref,
                "cust_po_no": self.order_no,
                "order_source": self.source,
            }),
        };
        if let Some(map) = v.as_object_mut() {
            map.insert("order_status".into(), self.status.as_str().into());
            if let Some(reason) = &self.reason {
                map.insert("status_reason".into(), reason.clone().into());
            }
            map.insert(
                "history".into(),
                serde_json::to_value(&self.history).unwrap_or_default(),
            );
        }
        v
    }
}
