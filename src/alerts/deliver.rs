//! Sending alert events: a webhook (POST of the event as JSON, signed with HMAC-SHA256 when
//! the alert has a `secret`: header `X-Wharf-Signature: sha256=HEX` over the exact body) and
//! e-mail through `[smtp]` (lettre, STARTTLS). Each destination has its own queue and worker,
//! events in order; a failed send is retried after 1, 2, 4, 8 and 16 seconds, then dropped
//! with a warning (the event stays in the log and the console's alert log).

use crate::config::{Config, SmtpConfig, Webhook};
use crate::store::AlertEvent;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Delays between attempts.
const RETRIES: [u64; 5] = [1, 2, 4, 8, 16];
/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Wharf-Signature";

/// The queues of every alert's destinations.
pub struct Outbox {
    /// Per alert (same index as `config.alerts`): its destinations' queues.
    queues: Vec<Vec<mpsc::UnboundedSender<AlertEvent>>>,
    workers: Vec<JoinHandle<()>>,
}

impl Outbox {
    /// Starts one worker per destination.
    pub fn start(config: &Config) -> Outbox {
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .user_agent(concat!("wharf/", env!("CARGO_PKG_VERSION")))
            .build()
            .ok();
        let mailer = config.smtp.as_ref().and_then(|s| match mailer(s) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "[smtp]: e-mail alerts cannot be sent");
                None
            }
        });
        let mut queues = Vec::new();
        let mut workers = Vec::new();
        for a in &config.alerts {
            let mut mine = Vec::new();
            if let (Some(w), Some(client)) = (&a.webhook, &client) {
                let (tx, rx) = mpsc::unbounded_channel();
                workers.push(tokio::spawn(webhook_worker(rx, client.clone(), w.clone())));
                mine.push(tx);
            }
            if let (Some(to), Some((mailer, smtp))) = (&a.email, &mailer) {
                let (tx, rx) = mpsc::unbounded_channel();
                workers.push(tokio::spawn(email_worker(
                    rx,
                    mailer.clone(),
                    smtp.from.clone(),
                    to.clone(),
                )));
                mine.push(tx);
            }
            queues.push(mine);
        }
        Outbox { queues, workers }
    }

    /// Queues `e` for every destination of alert `index`.
    pub fn send(&self, index: usize, e: AlertEvent) {
        for q in self.queues.get(index).into_iter().flatten() {
            let _ = q.send(e.clone());
        }
    }

    /// Stops taking events and gives the workers a moment to finish what they hold.
    pub async fn close(self) {
        drop(self.queues);
        for w in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(2), w).await;
        }
    }
}

/// `sha256=HEX` of HMAC-SHA256(`secret`, `body`).
pub fn signature(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Tries `attempt` now and after each delay of [`RETRIES`]; logs the final failure.
async fn with_retries<F, Fut>(what: &str, mut attempt: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut delays = RETRIES.iter();
    loop {
        match attempt().await {
            Ok(()) => return,
            Err(e) => match delays.next() {
                Some(d) => {
                    tracing::debug!(destination = what, error = %e, retry_in = d, "alert not delivered yet");
                    tokio::time::sleep(Duration::from_secs(*d)).await;
                }
                None => {
                    tracing::warn!(destination = what, error = %e, "alert could not be delivered; it stays in the alert log");
                    return;
                }
            },
        }
    }
}

async fn webhook_worker(
    mut rx: mpsc::UnboundedReceiver<AlertEvent>,
    client: reqwest::Client,
    hook: Webhook,
) {
    while let Some(e) = rx.recv().await {
        let Ok(body) = serde_json::to_vec(&e) else {
            continue;
        };
        let sig = hook.secret.as_ref().map(|s| signature(&s.0, &body));
        with_retries(&hook.url, || {
            let mut req = client
                .post(&hook.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
            if let Some(sig) = &sig {
                req = req.header(SIGNATURE_HEADER, sig);
            }
            async move {
                let resp = req.send().await.map_err(|e| e.to_string())?;
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("HTTP {}", resp.status()))
                }
            }
        })
        .await;
    }
}

type Mailer = lettre::AsyncSmtpTransport<lettre::Tokio1Executor>;

/// The SMTP transport for `[smtp]` (with its settings).
fn mailer(s: &SmtpConfig) -> Result<(Mailer, SmtpConfig), String> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let mut b = Mailer::builder_dangerous(&s.host)
        .port(s.port)
        .timeout(Some(ATTEMPT_TIMEOUT));
    if s.starttls {
        let mut params = TlsParameters::builder(s.host.clone());
        if let Some(ca) = &s.ca_file {
            let pem = std::fs::read(ca).map_err(|e| format!("{}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", ca.display()))?;
            params = params.add_root_certificate(cert);
        }
        let params = params.build_rustls().map_err(|e| e.to_string())?;
        b = b.tls(Tls::Required(params));
    } else {
        b = b.tls(Tls::None);
    }
    if let (Some(user), Some(pw)) = (&s.username, &s.password) {
        b = b.credentials(Credentials::new(user.clone(), pw.0.clone()));
    }
    Ok((b.build(), s.clone()))
}

async fn email_worker(
    mut rx: mpsc::UnboundedReceiver<AlertEvent>,
    mailer: Mailer,
    from: String,
    to: String,
) {
    use lettre::AsyncTransport;
    while let Some(e) = rx.recv().await {
        let subject = format!(
            "[wharf] {} {}{}",
            e.state,
            e.rule,
            e.partner
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        );
        let mut body = format!(
            "{}\n\nrule: {}\nstate: {}\nat: {}\n",
            e.message, e.rule, e.state, e.at
        );
        for (k, v) in [
            ("partner", &e.partner),
            ("file", &e.file),
            ("cust_ref", &e.cust_ref),
        ] {
            if let Some(v) = v {
                body.push_str(&format!("{k}: {v}\n"));
            }
        }
        let message = match (from.parse(), to.parse()) {
            (Ok(f), Ok(t)) => lettre::Message::builder()
                .from(f)
                .to(t)
                .subject(subject)
                .body(body),
            _ => continue,
        };
        let Ok(message) = message else { continue };
        with_retries(&to, || {
            let (mailer, message) = (mailer.clone(), message.clone());
            async move {
                mailer
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        })
        .await;
    }
}
