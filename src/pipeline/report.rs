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

    /// Some orders were refused; the file went on.
    pub fn orders_rejected(&mut self, total: usize, lines: &[String]) {
        let mut body = format!(
            "result: {} of {total} orders rejected; the other orders went on\n",
            lines.len()
        );
        for l in lines {
            body.push_str(l);
            body.push('\n');
        }
        self.body = body;
    }

    /// The text, naming where the input itself now is.
    pub fn render(&self, input_now_at: &str) -> String {
        format!("{}input now at: {input_now_at}\n{}", self.head, self.body)
    }
}
