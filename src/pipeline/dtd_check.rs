//! The DTD check of a cart's XML file, and what its verdict becomes with `dtd_mode`.
//!
//! The file is validated against the partner's DTD whatever its DOCTYPE says, loading no other
//! file and refusing an internal subset. A well-formed file whose only problems are validity
//! errors is [`DtdVerdict::Invalid`]: rejected in `dtd_mode = "reject"`, processed with its
//! errors written to `archive/DAY/NAME.warnings.txt` in `dtd_mode = "report"`. Anything else
//! (not well-formed, a refused load, a limit, an unreadable DTD) is [`DtdVerdict::Refused`] in
//! both modes. `wharf validate --dtd` runs the same validator on the same DTD.

use crate::validate;
use std::path::Path;
use tracing::warn;

/// The validity errors of a file processed in `dtd_mode = "report"`.
pub(super) struct DtdWarnings {
    /// The DTD's file name.
    pub(super) dtd: String,
    /// How many errors.
    pub(super) count: usize,
    /// `LINE:COL: message`, one per line.
    pub(super) text: String,
}

fn errors_word(n: usize) -> &'static str {
    if n == 1 { "error" } else { "errors" }
}

/// What the DTD check found.
pub(super) enum DtdVerdict {
    /// Well-formed and valid.
    Valid,
    /// Well-formed, loading nothing it may not, but not valid: only validity errors.
    Invalid(DtdWarnings),
    /// Anything else (not well-formed, a refused load, a limit, the DTD unreadable): the
    /// reason, every problem as `LINE:COL: message`.
    Refused(String),
}

impl DtdWarnings {
    /// The one WARN line of a file processed in spite of its errors (`rel` under `in/`), whose
    /// warnings are at `warnings` (under the partner home).
    pub(super) fn log(&self, rel: &Path, warnings: &str) {
        warn!(
            errors = self.count,
            warnings,
            "{} does not pass the check against the DTD {} ({} {}); processed all the same (dtd_mode = \"report\")",
            crate::layout::Folder::In.show(rel),
            self.dtd,
            self.count,
            errors_word(self.count),
        );
    }

    /// The rejection reason (`reject` mode, or a file the decoder cannot read either).
    pub(super) fn reason(&self) -> String {
        format!(
            "the file does not pass the check against the DTD {} ({} {}):\n{}",
            self.dtd,
            self.count,
            errors_word(self.count),
            self.text.trim_end()
        )
    }
}

/// Validates a partner's XML file against the partner's DTD (whatever its DOCTYPE says,
/// loading no other file, no internal subset). Problems read `LINE:COL: message`, one per
/// line. Validates what `content` reads: the bytes already read, or the input file kept open
/// since it was hashed (the same content the decoder reads), not the file by its name again.
pub(super) fn check_dtd(dtd: &Path, path: &Path, content: impl std::io::Read) -> DtdVerdict {
    let name = dtd.file_name().map_or_else(
        || dtd.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = validate::Options::new(validate::Mode::Partner(dtd.to_path_buf()));
    match validate::check_reader(content, path, &opts) {
        Ok(c) if c.problems.is_empty() => DtdVerdict::Valid,
        Ok(c) => {
            let text: String = c
                .problems
                .iter()
                .map(|p| {
                    format!(
                        "{}:{}: {}\n",
                        p.line,
                        p.column,
                        p.message.replace('\n', " ")
                    )
                })
                .collect();
            let w = DtdWarnings {
                dtd: name,
                count: c.problems.len(),
                text,
            };
            if c.only_validity {
                DtdVerdict::Invalid(w)
            } else {
                DtdVerdict::Refused(w.reason())
            }
        }
        Err(e) => DtdVerdict::Refused(format!("cannot check the file against the DTD {name}: {e}")),
    }
}
