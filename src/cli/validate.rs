//! `wharf validate [--dtd FILE] [--catalog FILE] FILE...`: well-formedness and DTD validity,
//! one `FILE:LINE:COL: error: MESSAGE` line per problem (exit 0 valid, 1 problems, 2
//! unreadable).
//!
//! Without `--dtd` each file is validated against its DOCTYPE (`Mode::Document`, like
//! `xmllint --valid --nonet`); with it, against that DTD (`Mode::AgainstDtd`, like
//! `xmllint --dtdvalid`). `--catalog` is the only way to give a catalog here: the
//! configuration's `xml_catalog` is not read by this command.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wharf::validate::{self, Mode, Options};

/// Validates `files`; exit 0 all valid, 1 any problem, 2 a file, DTD or catalog unreadable.
pub(crate) fn run(
    dtd: Option<&Path>,
    catalog: Option<&Path>,
    files: &[PathBuf],
) -> Result<ExitCode, anyhow::Error> {
    let opts = Options {
        mode: match dtd {
            Some(d) => Mode::AgainstDtd(d.to_path_buf()),
            None => Mode::Document,
        },
        catalog: catalog.map(Path::to_path_buf),
        limits: validate::Limits::default(),
    };
    let mut code = 0u8;
    let stdout = std::io::stdout();
    for file in files {
        match validate::validate_file(file, &opts) {
            Ok(problems) => {
                let mut out = stdout.lock();
                for p in &problems {
                    let message = p.message.replace('\n', " ");
                    writeln!(
                        out,
                        "{}:{}:{}: error: {message}",
                        file.display(),
                        p.line,
                        p.column
                    )?;
                }
                if !problems.is_empty() {
                    code = code.max(1);
                }
            }
            Err(e) => {
                eprintln!("wharf: {}: {e}", file.display());
                code = 2;
            }
        }
    }
    Ok(ExitCode::from(code))
}
