//! Errors of delimited files, shared by every CSV-like format: `row N, column C` as a
//! spreadsheet counts them (header = row 1).

use super::DecodeError;

/// A `row N, column C` error.
pub(crate) fn csv_error(row: u64, column: &str, message: impl Into<String>) -> DecodeError {
    DecodeError::Csv {
        row,
        column: column.to_string(),
        message: message.into(),
    }
}

/// A record the csv reader could not read (not UTF-8, a wrong number of fields — e.g. a file
/// cut short); `name(i)` is the header's name of column `i`.
pub(crate) fn unreadable_record(
    e: &csv::Error,
    row: u64,
    name: impl Fn(usize) -> String,
) -> DecodeError {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => csv_error(row, &name(err.field()), "not valid UTF-8"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            let column = if len < expected_len {
                name(*len as usize)
            } else {
                format!("field {} (past the header's last column)", expected_len + 1)
            };
            csv_error(
                row,
                &column,
                format!(
                    "the row has {len} fields, the header {expected_len} (is the file complete?)"
                ),
            )
        }
        _ => csv_error(row, "", e.to_string()),
    }
}
