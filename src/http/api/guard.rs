//! Who is calling, and whether they may call now: HTTP Basic authentication with a
//! warehouse's `api_user` and key (through the login policy, so failures count toward the
//! partner's lockout and `allowed_ips` applies), then a rate limit per API user: a bucket of
//! [`BURST`] calls refilled at one call per [`REFILL`], as CartRover's (`governor`'s keyed
//! limiter: GCRA, the same arithmetic as a token bucket without a timer).

use super::Caller;
use super::answer::Answer;
use crate::http::{Peer, Shared};
use axum::Extension;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Basic;
use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;

/// Calls one API user may make at once.
pub const BURST: u32 = 100;
/// One call more per this much time.
pub const REFILL: Duration = Duration::from_millis(600);

/// The per-user limiter.
pub(super) type Limiter =
    RateLimiter<String, governor::state::keyed::DefaultKeyedStateStore<String>, DefaultClock>;

/// A limiter with [`BURST`] and [`REFILL`].
pub(super) fn limiter() -> Limiter {
    let burst = NonZeroU32::new(BURST).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(REFILL)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::keyed(quota)
}

/// Authenticates, rate-limits, and attaches the [`Caller`] to the request.
pub(super) async fn guard(
    State(state): State<Shared>,
    Extension(Peer(peer)): Extension<Peer>,
    auth: Option<TypedHeader<Authorization<Basic>>>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(api) = state.api.as_ref() else {
        return Answer::failure("the merchant API is not running").into_response();
    };
    let Some(TypedHeader(Authorization(basic))) = auth else {
        return Answer::invalid("authentication required: HTTP Basic with api_user:api_key")
            .into_response();
    };
    let partner = match api
        .logins
        .api_key(basic.username(), basic.password(), peer.ip())
        .await
    {
        Ok(p) => p,
        Err(crate::login::LoginError::LockedOut) => {
            return Answer::invalid(
                "locked out after repeated failed logins from this address; try again later",
            )
            .into_response();
        }
        Err(_) => return Answer::invalid("wrong api_user or api_key").into_response(),
    };
    if let Err(not_until) = api.limiter.check_key(&basic.username().to_owned()) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        tracing::info!(api_user = %basic.username(), retry_after = secs, "merchant API: rate limit");
        return Answer::rate_limited(secs.max(1)).into_response();
    }
    req.extensions_mut().insert(Caller {
        api_user: basic.username().to_owned(),
        partner,
    });
    next.run(req).await
}
