//! The XML validator in the pipeline's partner mode, against the UltraCart DTD
//! (`dtd/ultracart-export.dtd`), on any bytes, transcoded first as the pipeline does (UTF-16 to
//! UTF-8): no panic (a panic caught inside the validator still aborts here: libFuzzer's panic
//! hook runs first), no hang, bounded memory (`-timeout`, `-rss_limit_mb`), every problem with
//! a line and column of at least 1, and one differential check: a file the validator finds
//! well-formed and valid is one the UltraCart decoder can read.

use std::path::Path;
use std::sync::OnceLock;
use wharf::formats::{self, DecodeOptions, Format};
use wharf::validate::{Mode, Options, check_reader};

fn options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| {
        let dtd = super::repo_path("dtd/ultracart-export.dtd");
        assert!(dtd.is_file(), "{} is missing", dtd.display());
        Options::new(Mode::Partner(dtd))
    })
}

/// The name of the encoding the XML declaration gives, if any (lower case).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let decl = head.strip_prefix('\u{feff}').unwrap_or(&head);
    let decl = decl.strip_prefix("<?xml")?.split("?>").next()?;
    let rest = decl
        .split("encoding")
        .nth(1)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    Some(rest[1..].split(quote).next()?.to_string())
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let transcoded = formats::to_utf8(Format::UltraCart, data);
    let bytes = transcoded.as_deref().unwrap_or(data);
    let base = Path::new("/nonexistent-wharf-fuzz/partners/cart/in/upload.xml");
    let checked = match check_reader(bytes, base, options()) {
        Ok(c) => c,
        // Only the DTD or the document unreadable: neither can happen on bytes in memory.
        Err(e) => panic!("the validator could not run: {e}"),
    };
    for p in &checked.problems {
        assert!(
            p.line >= 1 && p.column >= 1,
            "a problem without a place: {p}"
        );
        assert!(
            !p.message.is_empty(),
            "a problem without a message at {}:{}",
            p.line,
            p.column
        );
        // The parser's panic, caught by the validator (under libFuzzer the panic hook has
        // already stopped the run; under `cargo test` this is where it shows).
        assert!(
            !p.message.contains("internal error"),
            "the parser panicked: {p}"
        );
    }
    if checked.problems.is_empty() {
        let utf8_only =
            declared_encoding(bytes).is_none_or(|e| e == "utf-8" || e == "utf8" || e == "utf-16");
        let opts = DecodeOptions {
            source: super::SOURCE.into(),
            ..DecodeOptions::default()
        };
        match formats::ultracart::decode(bytes, &opts) {
            Ok(decoded) => super::check_decoded(&decoded, &opts),
            Err(e) if !utf8_only => drop(e),
            Err(e) => panic!("valid against the DTD, yet the decoder cannot read it: {e}"),
        }
    }
}
