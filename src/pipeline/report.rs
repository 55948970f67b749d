//! The rejection report, `error/NAME.error.txt`, beside the refused file: the file, the rule broken and
//! where (`LINE:COL` for XML, `row N, column C` for CSV, the order number for business rules).

use crate::layout::Folder;
use std::path::Path;

/// A report under construction.
#[derive(Debug, Clone)]
pub(super) struct Report {
    head: String,
    body: String,
}

impl Report {
    /// Starts a report for `in/REL` of `partner`, `size` bytes.
    pub fn new(partner: &str, rel: &Path, size: usize) -> Self {
        Report {
            head: format!(
                "file: {}\npartner: {partner}\nsize: {size} bytes\nprocessed: {}\n",
                Folder::In.show(rel),
                jiff::Timestamp::now()
            ),
            body: String::new(),
        }
    }

    /// The whole file was refused.
    pub fn file_rejected(&mut self, reason: &str) {
        self.body =
            format!("result: rejected; nothing in this file was processed\nreason: {reason}\n");
    }

    /// Some orders were refused or held; the file went on.
    pub fn orders_not_sent(&mut self, total: usize, rejected: &[String], held: &[String]) {
        let mut counts = Vec::new();
        if !rejected.is_empty() {
            counts.push(format!("{} of {total} orders rejected", rejected.len()));
        }
        if !held.is_empty() {
            counts.push(format!("{} of {total} orders held", held.len()));
        }
        let mut body = if counts.is_empty() {
            "result: processed\n".to_string()
        } else {
            format!("result: {}; the other orders went on\n", counts.join(", "))
        };
        for l in rejected.iter().chain(held) {
            body.push_str(l);
            body.push('\n');
        }
        self.body = body;
    }

    /// Lines to read though nothing was refused (`note: ...`).
    pub fn notices(&mut self, lines: &[String]) {
        for l in lines {
            self.body.push_str("note: ");
            self.body.push_str(l);
            self.body.push('\n');
        }
    }

    /// The text, naming where the input itself now is.
    pub fn render(&self, input_now_at: &str) -> String {
        format!("{}input now at: {input_now_at}\n{}", self.head, self.body)
    }
}
