//! The one rule for partner text: no control characters but tab, line feed and carriage
//! return. A NUL in an UltraCart name reached the warehouse's JSON as `\u0000`; a warehouse
//! label printer, a CSV reader or a cart's import would choke on it further down. Every
//! decoder refuses such a value with the field and its place: per order where the format
//! judges orders one by one (UltraCart, DSCO), for the whole file where it judges files whole
//! (the warehouse's JSON and CSV, canonical JSON).

/// The first character of `s` that partner text may not hold.
pub(crate) fn forbidden(s: &str) -> Option<char> {
    s.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Why a value holding `c` is refused (completes "FIELD …").
pub(crate) fn forbidden_reason(c: char) -> String {
    format!(
        "holds the control character U+{:04X}; only tab, line feed and carriage return are allowed in text",
        u32::from(c)
    )
}

/// Why a JSON document's text is refused, if it is: its line and column (1-based, in
/// characters) and the message. Either a string (a value or a key) holds a forbidden
/// character, which JSON can carry escaped (`\u0000`, `\b`, `\f`) or, for DEL and the C1
/// controls, raw; the message then starts with the string's JSON path. Or the bytes are not
/// UTF-8 anywhere in the document: serde_json checks UTF-8 only in the values it reads, so a
/// value under a key the decoder ignores would otherwise hide bytes no reader downstream can
/// take, and hide a forbidden character from the path search. The document is assumed to be
/// JSON that the decoder has read.
pub(crate) fn json_refusal(body: &[u8]) -> Option<(u64, u64, String)> {
    if let Err(e) = std::str::from_utf8(body) {
        let bad = body.get(e.valid_up_to()).copied().unwrap_or_default();
        let (line, column) = line_column(body, e.valid_up_to());
        return Some((line, column, crate::validate::not_utf8(bad)));
    }
    let (at, c) = first_forbidden_escape(body)?;
    let (line, column) = line_column(body, at);
    let path = serde_json::from_slice(body)
        .ok()
        .and_then(|value| path_to_forbidden(&value, "$".to_string()))
        .unwrap_or_else(|| "$".into());
    Some((line, column, format!("{path}: {}", forbidden_reason(c))))
}

/// The 1-based line and column (in characters) of byte offset `at`.
fn line_column(body: &[u8], at: usize) -> (u64, u64) {
    let before = String::from_utf8_lossy(body.get(..at).unwrap_or(body));
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// The byte offset of the first forbidden character in a JSON text: escaped, or raw (JSON
/// lets DEL and the C1 controls U+0080–U+009F stand unescaped in a string).
fn first_forbidden_escape(b: &[u8]) -> Option<(usize, char)> {
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            let raw = match (b[i], b.get(i + 1)) {
                (0x7f, _) => Some('\u{7f}'),
                (0xc2, Some(&n @ 0x80..=0x9f)) => char::from_u32(u32::from(n)),
                (c @ 0..0x20, _) if !matches!(c, b'\t' | b'\n' | b'\r') => Some(char::from(c)),
                _ => None,
            };
            if let Some(c) = raw {
                return Some((i, c));
            }
            i += 1;
            continue;
        }
        let c = match b.get(i + 1) {
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'u') => b
                .get(i + 2..i + 6)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            _ => None,
        };
        if let Some(c) = c.filter(|c| forbidden(&c.to_string()).is_some()) {
            return Some((i, c));
        }
        i += 2;
    }
    None
}

/// The JSON path of the first string (in document order) holding a forbidden character.
fn path_to_forbidden(v: &serde_json::Value, at: String) -> Option<String> {
    match v {
        serde_json::Value::String(s) => forbidden(s).map(|_| at),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| path_to_forbidden(item, format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
            let here = format!("{at}.{k}");
            if forbidden(k).is_some() {
                return Some(here);
            }
            path_to_forbidden(item, here)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tab_lf_and_cr_pass() {
        assert_eq!(forbidden("a\tb\r\nc"), None);
        assert_eq!(forbidden("Ada\u{0}"), Some('\u{0}'));
        assert_eq!(forbidden("x\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden("del\u{7f}"), Some('\u{7f}'));
        // Found by the warehouse fuzz target: JSON may carry DEL and the C1 controls raw.
        let raw = "[{\"method\": \"Home Deli\u{7f}ery\"}]";
        assert_eq!(
            json_refusal(raw.as_bytes()),
            Some((
                1,
                23,
                format!("$[0].method: {}", forbidden_reason('\u{7f}'))
            ))
        );
        let c1 = "{\"a\": \"x\u{85}\"}";
        assert_eq!(
            json_refusal(c1.as_bytes()).map(|f| f.2),
            Some(format!("$.a: {}", forbidden_reason('\u{85}')))
        );
        assert_eq!(
            forbidden_reason('\u{0}'),
            "holds the control character U+0000; only tab, line feed and carriage return are allowed in text"
        );
    }

    #[test]
    fn json_escapes_are_found_with_their_place_and_path() {
        let j = br#"{"cust_ref":"C\\u0000-1","shipments":[{"tracking_no":"1Z\u0000","n":"a\tb"}]}"#;
        // `C\\u0000` is a backslash then text: not a control character.
        let (line, col, message) = json_refusal(j).unwrap();
        assert_eq!(
            (line, col, message),
            (
                1,
                57,
                format!("$.shipments[0].tracking_no: {}", forbidden_reason('\0'))
            )
        );
        assert_eq!(json_refusal(br#"{"a":"tab\t, newline\n, \\b"}"#), None);
        let (.., message) = json_refusal(b"[\n {\"k\\f\": 1}]").unwrap();
        assert_eq!(
            message,
            format!("$[0].k\u{c}: {}", forbidden_reason('\u{c}'))
        );
    }

    /// Found by the warehouse fuzz target: bytes that are not UTF-8 under a key the decoder
    /// ignores hid a raw DEL elsewhere in the file (the path search could not read the
    /// document, and the check gave up).
    #[test]
    fn bytes_that_are_not_utf8_are_refused_where_they_are() {
        let body = b"[{\"method\": \"Deli\x7fery\",\n  \"tate\": \"1\x9f2\"}]";
        assert_eq!(
            json_refusal(body),
            Some((2, 13, crate::validate::not_utf8(0x9f)))
        );
        assert_eq!(json_refusal("{\"a\": \"caf\u{e9}\"}".as_bytes()), None);
    }
}
