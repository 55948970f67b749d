//! Stage two of loading: checks the sections [`raw`](super::raw) read, section by section,
//! and builds the typed [`Config`]. Every problem is collected with its line; nothing stops at
//! the first. Checking may read files (`password_file`, and checks that `dtd`, `xml_catalog`
//! and TLS files exist) but never writes and never opens sockets: this is `wharf check`.

use std::path::Path;

use super::context::Ctx;
use super::listeners::{self, Listeners};
use super::{Config, ConfigErrors, Loaded, LogFormat, alerts, http, limits, partner, raw, store};

/// Checks `text`, the content of `file`, and builds the configuration.
pub(crate) fn check(text: &str, file: &Path) -> Result<Loaded, ConfigErrors> {
    let mut ctx = Ctx::new(text, file);
    let Some(doc) = raw::parse(text, &mut ctx) else {
        return Err(ctx.into_problems());
    };

    let data_dir = match &doc.data_dir {
        Some(value) => ctx.path(value, "data_dir"),
        None => Some(ctx.dir().join(super::DEFAULT_DATA_DIR)),
    }
    .unwrap_or_default();
    let xml_catalog = doc
        .xml_catalog
        .as_ref()
        .and_then(|value| ctx.existing_file(value, "xml_catalog"));

    let mut seen = Listeners::default();
    let ftp = doc.ftp.and_then(|f| listeners::ftp(f, &mut ctx, &mut seen));
    let sftp = doc
        .sftp
        .and_then(|s| listeners::sftp(s, &data_dir, &mut ctx, &mut seen));
    let limits = doc
        .limits
        .map(|l| limits::limits(l, &mut ctx))
        .unwrap_or_default();
    let http = doc
        .http
        .and_then(|h| http::check_http(h, &mut ctx, &mut seen));
    let partners = partner::validate_partners(doc.partners, &mut ctx);
    let log_format = LogFormat::check(doc.log_format.as_ref(), &mut ctx);
    let smtp = doc.smtp.and_then(|s| alerts::check_smtp(s, &mut ctx));
    let (store, cluster) = doc
        .store
        .map(|s| store::check_store(s, &mut ctx))
        .unwrap_or_default();
    let alerts = alerts::check_alerts(doc.alerts, &partners, smtp.is_some(), &mut ctx);

    let (file, warnings) = ctx.finish()?;
    Ok(Loaded {
        config: Config {
            file: Some(file),
            data_dir,
            xml_catalog,
            ftp,
            sftp,
            limits,
            partners,
            http,
            alerts,
            smtp,
            store,
            cluster,
            log_format,
        },
        warnings,
    })
}
