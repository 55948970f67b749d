//! Small bar charts as inline SVG, drawn on the server (no script): orders per day stacked by
//! status, and each partner's files per day over the last week. Colours come from the
//! stylesheet's classes, so the SVG carries none.

use askama::Template;

/// One bar segment.
#[derive(Debug, Clone)]
pub(super) struct Bar {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub class: String,
    pub title: String,
}

/// One label.
#[derive(Debug, Clone)]
pub(super) struct Label {
    pub x: u32,
    pub y: u32,
    pub class: &'static str,
    pub text: String,
}

/// A chart ready to render.
#[derive(Debug, Clone, Template)]
#[template(path = "chart.svg", escape = "html")]
pub(super) struct Chart {
    pub width: u32,
    pub height: u32,
    pub label: String,
    pub bars: Vec<Bar>,
    pub texts: Vec<Label>,
}

impl Chart {
    /// The SVG markup.
    pub fn svg(&self) -> String {
        self.render().unwrap_or_default()
    }
}

/// One column of a stacked chart: its label and its segments (class, count, tooltip).
pub(super) struct Column {
    pub label: String,
    pub segments: Vec<(String, u64, String)>,
}

/// A stacked bar chart of `columns`, `height` pixels tall, with day labels when `labels`.
pub(super) fn stacked(
    columns: &[Column],
    bar_width: u32,
    height: u32,
    labels: bool,
    label: &str,
) -> Chart {
    let gap = (bar_width / 4).max(1);
    let foot = if labels { 14 } else { 0 };
    let top = if labels { 12 } else { 0 };
    let plot = height.saturating_sub(foot + top).max(1);
    let max = columns
        .iter()
        .map(|c| c.segments.iter().map(|s| s.1).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut bars = Vec::new();
    let mut texts = Vec::new();
    for (i, col) in columns.iter().enumerate() {
        let x = gap + i as u32 * (bar_width + gap);
        let mut y = top + plot;
        let total: u64 = col.segments.iter().map(|s| s.1).sum();
        for (class, n, title) in &col.segments {
            if *n == 0 {
                continue;
            }
            let h = ((*n as f64 / max as f64) * plot as f64).round().max(1.0) as u32;
            y = y.saturating_sub(h);
            bars.push(Bar {
                x,
                y,
                w: bar_width,
                h,
                class: class.clone(),
                title: title.clone(),
            });
        }
        if labels {
            texts.push(Label {
                x,
                y: height - 3,
                class: "day",
                text: col.label.clone(),
            });
            if total > 0 {
                texts.push(Label {
                    x,
                    y: y.saturating_sub(2).max(9),
                    class: "n",
                    text: total.to_string(),
                });
            }
        }
    }
    Chart {
        width: gap + columns.len() as u32 * (bar_width + gap),
        height,
        label: label.to_owned(),
        bars,
        texts,
    }
}
