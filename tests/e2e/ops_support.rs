//! Helpers for the operations tests: a gateway with `[http]` and a console admin, curl as the
//! HTTP client (with a cookie jar for the console), and the Prometheus text read back.

use super::support::*;
use std::path::PathBuf;
use std::process::Command;

pub const ADMIN: &str = "ops";
pub const ADMIN_PASSWORD: &str = "console-Secret-7";

/// A gateway with `[http]` on a free port and the admin `ops`.
pub struct Ops {
    pub g: Gateway,
    pub http_port: u16,
}

impl Ops {
    /// With extra `[limits]` keys and TOML after the `[http]` tables (alerts, `[smtp]`).
    pub fn start(limits: &str, extra: &str) -> Ops {
        Self::start_with(limits, "", extra)
    }

    /// As [`Ops::start`], with keys for the cart `uc`.
    pub fn start_with(limits: &str, cart_extra: &str, extra: &str) -> Ops {
        let http_port = free_port();
        let hash = wharf::config::hash_password(ADMIN_PASSWORD).expect("hash");
        let http = format!(
            "\n[http]\nlisten = \"127.0.0.1:{http_port}\"\n\n[[http.admin]]\nname = \"{ADMIN}\"\npassword_hash = \"{hash}\"\n{extra}\n"
        );
        let g = Gateway::start_custom(limits, cart_extra, &http);
        let o = Ops { g, http_port };
        o.wait_http();
        o
    }

    pub fn wait_http(&self) {
        let port = self.http_port;
        wait_for(30, "the HTTP port to accept connections", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http_port)
    }

    /// `GET path` with curl: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        curl_http(&[&self.url(path)])
    }

    /// The cookie jar of the console session.
    pub fn jar(&self) -> PathBuf {
        self.g.dir.path().join("cookies.txt")
    }

    /// Logs the admin in (the cookie goes to [`Ops::jar`]); returns the status of `POST /login`.
    pub fn login(&self, password: &str) -> u16 {
        let jar = self.jar();
        let (status, _) = curl_http(&[
            "-c",
            jar.to_str().unwrap(),
            "--data-urlencode",
            &format!("username={ADMIN}"),
            "--data-urlencode",
            &format!("password={password}"),
            &self.url("/login"),
        ]);
        status
    }

    /// `GET path` with the session cookie.
    pub fn get_in(&self, path: &str) -> (u16, String) {
        let jar = self.jar();
        curl_http(&["-b", jar.to_str().unwrap(), &self.url(path)])
    }

    /// `POST path` with the session cookie and form `fields`.
    pub fn post_in(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let jar = self.jar();
        let mut args: Vec<String> = vec!["-b".into(), jar.to_str().unwrap().into()];
        for (k, v) in fields {
            args.push("--data-urlencode".into());
            args.push(format!("{k}={v}"));
        }
        if fields.is_empty() {
            args.extend(["--data".into(), String::new()]);
        }
        args.push(self.url(path));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        curl_http(&refs)
    }

    /// The metrics now, as (series, value) pairs.
    pub fn metrics(&self) -> Vec<(String, f64)> {
        let (status, body) = self.get("/metrics");
        assert_eq!(status, 200, "{body}");
        parse_metrics(&body)
    }
}

/// curl with `args`; returns (HTTP status, body).
pub fn curl_http(args: &[&str]) -> (u16, String) {
    let out = run(Command::new("curl")
        .args(["-sS", "--max-time", "20", "-w", "\n%{http_code}"])
        .args(args));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

/// Prometheus text → (series with labels, value); comments dropped.
pub fn parse_metrics(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

/// The value of `series` (exact, labels included), 0 when absent.
pub fn value(metrics: &[(String, f64)], series: &str) -> f64 {
    metrics
        .iter()
        .find(|(k, _)| k == series)
        .map_or(0.0, |(_, v)| *v)
}

/// The `csrf` hidden field of a page.
pub fn csrf_of(page: &str) -> String {
    let i = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[i..].split('"').next().unwrap().to_owned()
}

/// The warehouse `wh`'s merchant-API user and key.
pub const API_USER: &str = "wh-api";
pub const API_KEY: &str = "wh-Api-Key-99";

impl Ops {
    /// A gateway whose warehouse `wh` has the API user [`API_USER`], with extra `[limits]`
    /// keys.
    pub fn start_api(limits: &str) -> Ops {
        Ops::start_api_with(limits, "", "")
    }

    /// As [`Ops::start_api`], with extra keys for the warehouse `wh` and more TOML after the
    /// `[http]` table (more partners).
    pub fn start_api_with(limits: &str, wh_extra: &str, partners: &str) -> Ops {
        let hash = wharf::config::hash_password(API_KEY).expect("hash");
        let wh = format!("api_user = \"{API_USER}\"\napi_key_hash = \"{hash}\"\n{wh_extra}\n");
        let http_port = free_port();
        let admin = wharf::config::hash_password(ADMIN_PASSWORD).expect("hash");
        let http = format!(
            "{wh}\n[http]\nlisten = \"127.0.0.1:{http_port}\"\n\n[[http.admin]]\nname = \"{ADMIN}\"\npassword_hash = \"{admin}\"\n{partners}"
        );
        let g = Gateway::start_custom(limits, "", &http);
        let o = Ops { g, http_port };
        o.wait_http();
        o
    }

    /// A merchant-API call with curl as `user:key`: (status, JSON answer, headers).
    pub fn api_as(
        &self,
        user: &str,
        key: &str,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[&str],
    ) -> (u16, serde_json::Value, String) {
        let head = self.g.dir.path().join("api-headers.txt");
        let mut args: Vec<String> = vec![
            "-u".into(),
            format!("{user}:{key}"),
            "-X".into(),
            method.into(),
            "-D".into(),
            head.display().to_string(),
        ];
        for h in headers {
            args.push("-H".into());
            args.push((*h).into());
        }
        if let Some(b) = body {
            args.extend(["-H".into(), "content-type: application/json".into()]);
            args.extend(["--data-binary".into(), b.into()]);
        }
        args.push(self.url(&format!("/v1/merchant/{path}")));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (status, text) = curl_http(&refs);
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
        (
            status,
            json,
            std::fs::read_to_string(&head).unwrap_or_default(),
        )
    }

    /// A merchant-API call as the warehouse: the JSON answer (always HTTP 200).
    pub fn api(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        let (status, json, _) = self.api_as(API_USER, API_KEY, method, path, body, &[]);
        assert_eq!(status, 200, "{method} {path}: {json}");
        json
    }
}
