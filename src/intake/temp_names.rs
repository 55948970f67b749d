//! Client temp names (INTERFACE §6): names starting with `.` or ending in `.tmp`, `.part`,
//! `.partial` or `.filepart` (WinSCP) wait until they are renamed.

/// Endings that mark a client's temp name, compared case-insensitively.
const TEMP_ENDINGS: [&str; 4] = [".tmp", ".part", ".partial", ".filepart"];

/// True for a name that waits for its rename.
pub fn is_temp_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.') || TEMP_ENDINGS.iter().any(|e| lower.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::is_temp_name;

    #[test]
    fn temp_names() {
        for (name, temp) in [
            ("a.xml", false),
            ("a.xml.filepart", true),
            ("a.XML.PART", true),
            ("a.partial", true),
            ("a.tmp", true),
            (".a.xml", true),
            ("parted.xml", false),
            ("tmp.xml", false),
        ] {
            assert_eq!(is_temp_name(name), temp, "{name}");
        }
    }
}
