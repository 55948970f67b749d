//! Console accounts and sessions: the login form, the session cookie, the CSRF token, and the
//! check in front of every private page.

use super::views::{self, LoginPage};
use crate::config::{Admin, Credential, Limits};
use crate::http::{Peer, Shared};
use crate::login::Lockout;
use axum::Extension;
use axum::extract::{Form, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rand::Rng;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "wharf_session";
/// How long a console session lasts after its login.
const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// A logged-in console user, as the pages see it.
#[derive(Debug, Clone)]
pub struct AdminSession {
    /// The admin's name.
    pub name: String,
    /// The token every form of this session carries.
    pub csrf: String,
}

impl AdminSession {
    /// Whether `token` is this session's CSRF token (compared without an early exit).
    pub fn csrf_ok(&self, token: &str) -> bool {
        use sha2::{Digest, Sha256};
        let a = Sha256::digest(self.csrf.as_bytes());
        let b = Sha256::digest(token.as_bytes());
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

#[derive(Debug)]
struct Session {
    admin: AdminSession,
    expires: Instant,
}

/// The console's accounts, lockout and sessions (sessions live in memory: a restart logs
/// everyone out).
#[derive(Debug)]
pub struct Console {
    admins: HashMap<String, Credential>,
    decoy: Credential,
    lockout: Lockout,
    sessions: Mutex<HashMap<String, Session>>,
}

impl Console {
    /// The console for these accounts, locking out like partner logins (`[limits]`).
    pub fn new(admins: &[Admin], limits: &Limits) -> Console {
        let admins = admins
            .iter()
            .map(|a| {
                let c = a.credential.hardened().unwrap_or(Credential::None);
                (a.name.clone(), c)
            })
            .collect();
        let decoy = crate::config::hash_password("decoy-console-password")
            .map(Credential::Hash)
            .unwrap_or(Credential::None);
        Console {
            admins,
            decoy,
            lockout: Lockout::new(
                limits.lockout_failures,
                limits.lockout_window,
                limits.lockout_duration,
            ),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// The session behind a cookie value, if it is live.
    fn session(&self, token: &str) -> Option<AdminSession> {
        let mut sessions = self.sessions.lock().ok()?;
        let now = Instant::now();
        match sessions.get(token) {
            Some(s) if s.expires > now => Some(s.admin.clone()),
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        }
    }

    /// Opens a session for `name`; returns the cookie value.
    fn open(&self, name: &str) -> String {
        let token = random_token();
        if let Ok(mut sessions) = self.sessions.lock() {
            let now = Instant::now();
            sessions.retain(|_, s| s.expires > now);
            sessions.insert(
                token.clone(),
                Session {
                    admin: AdminSession {
                        name: name.to_owned(),
                        csrf: random_token(),
                    },
                    expires: now + SESSION_LIFETIME,
                },
            );
        }
        token
    }

    fn close(&self, token: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(token);
        }
    }
}

/// 32 random bytes as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where to go after the login: a path on this site only.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The login page with `status`.
fn login_response(status: StatusCode, error: Option<String>, next: String) -> Response {
    (status, views::html(&LoginPage { error, next })).into_response()
}

/// Lets a request with a live session through (the session in its extensions); any other
/// gets the login page.
pub(super) async fn require_admin(
    State(state): State<Shared>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    match jar
        .get(COOKIE)
        .and_then(|c| state.console.session(c.value()))
    {
        Some(s) => {
            req.extensions_mut().insert(s);
            next.run(req).await
        }
        None => {
            let next = if req.method() == Method::GET {
                req.uri()
                    .path_and_query()
                    .map_or("/".to_owned(), |p| p.to_string())
            } else {
                "/".to_owned()
            };
            login_response(StatusCode::UNAUTHORIZED, None, safe_next(Some(&next)))
        }
    }
}

/// Query of `GET /login`.
#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub(super) async fn login_page(
    axum::extract::Query(q): axum::extract::Query<NextQuery>,
) -> Response {
    login_response(StatusCode::OK, None, safe_next(q.next.as_deref()))
}

/// The login form.
#[derive(Deserialize)]
pub(super) struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: checks the password (argon2 off the async threads), counts failures like
/// partner logins, and on success sets the session cookie.
pub(super) async fn login(
    State(state): State<Shared>,
    Extension(Peer(peer)): Extension<Peer>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let console = &state.console;
    let ip = peer.ip();
    let user = form.username.trim().to_owned();
    if console.lockout.is_locked(ip, &user) {
        tracing::warn!(protocol = "http", user = %user.escape_debug(), %ip, reason = "locked out", "console login refused");
        return login_response(
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many failed logins: try again later.".into()),
            next,
        );
    }
    let (credential, real) = match console.admins.get(&user) {
        Some(c @ Credential::Hash(_)) => (c.clone(), true),
        _ => (console.decoy.clone(), false),
    };
    let password = form.password;
    let ok = tokio::task::spawn_blocking(move || credential.verify(&password) && real)
        .await
        .unwrap_or(false);
    if !ok {
        if console.lockout.failed(ip, &user) {
            tracing::warn!(protocol = "http", user = %user.escape_debug(), %ip, "locked out: too many failed console logins");
        }
        tracing::warn!(protocol = "http", user = %user.escape_debug(), %ip, reason = "wrong name or password", "console login refused");
        crate::ops::metrics::console_login(false);
        return login_response(
            StatusCode::UNAUTHORIZED,
            Some("Wrong name or password.".into()),
            next,
        );
    }
    console.lockout.succeeded(ip, &user);
    crate::ops::metrics::console_login(true);
    tracing::info!(protocol = "http", admin = %user, %ip, "console login");
    let token = console.open(&user);
    let cookie = Cookie::build((COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.tls)
        .path("/")
        .build();
    (jar.add(cookie), Redirect::to(&next)).into_response()
}

/// The logout form (its CSRF token only).
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub(super) async fn logout(
    State(state): State<Shared>,
    Extension(session): Extension<AdminSession>,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !session.csrf_ok(&form.csrf) {
        return views::csrf_refused();
    }
    if let Some(c) = jar.get(COOKIE) {
        state.console.close(c.value());
    }
    let gone = Cookie::build((COOKIE, "")).path("/").build();
    (jar.remove(gone), Redirect::to("/login")).into_response()
}
