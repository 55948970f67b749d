//! Country names and codes → ISO 3166-1 alpha-2 (UltraCart writes `*_country` as a full name
//! such as `United States`; canonical wants alpha-2).
//!
//! # Why `celes` plus a small table
//!
//! The [`celes`] crate carries the whole ISO 3166-1 list (alpha-2, alpha-3, the official short
//! names and a set of common aliases such as "United States", "United Kingdom", "Russia",
//! "South Korea"), so we do not maintain 250 rows by hand. Carts, though, write names in the
//! styles of older ISO and US lists, which celes keys differently. Before asking celes the
//! input is normalised:
//!
//! - trimmed and compared case-insensitively, with accents folded (`Curaçao`, `Réunion`,
//!   `Åland Islands`, `Côte d'Ivoire`) and punctuation and spaces removed (`U.S.A.` → `usa`);
//! - `&` read as `and` and a leading `St`/`St.` as `Saint` (`St. Kitts & Nevis`);
//! - the inverted list form `Korea, Republic of` also tried as `Republic of Korea`;
//! - the official names celes keeps with a leading "The" (`The Russian Federation`,
//!   `The Philippines`) also found without it.
//!
//! What still does not match goes through [`EXTRA_NAMES`], a short table of the spellings
//! UltraCart-style lists use that celes does not know (`Taiwan, Province of China`,
//! `Virgin Islands (U.S.)`, `Slovak Republic`, `UK`, ...).
//!
//! Codes are accepted too: any alpha-2 (`us`, `GB`) or alpha-3 (`USA`, `DEU`) code. Numeric
//! codes are not: a number in a country field is more likely a mistake than `840`.
//!
//! The answer is always upper case (`"US"`). An unknown name is `None`; the caller decides
//! (the UltraCart decoder rejects the order and names the value).

use celes::Country;

/// Spellings celes does not know, as normalised keys (see [`normalise`]) → alpha-2.
const EXTRA_NAMES: &[(&str, &str)] = &[
    ("uk", "GB"),
    ("wales", "GB"),
    ("britain", "GB"),
    ("unitedstatesofamericathe", "US"),
    ("korea", "KR"),
    ("koreasouth", "KR"),
    ("koreanorth", "KP"),
    ("taiwanprovinceofchina", "TW"),
    ("republicofchina", "TW"),
    ("virginislandsus", "VI"),
    ("usvirginislands", "VI"),
    ("virginislandsbritish", "VG"),
    ("slovakrepublic", "SK"),
    ("kyrgyzrepublic", "KG"),
    ("plurinationalstateofbolivia", "BO"),
    ("formeryugoslavrepublicofmacedonia", "MK"),
    ("theformeryugoslavrepublicofmacedonia", "MK"),
    ("palestinianterritory", "PS"),
    ("occupiedpalestinianterritory", "PS"),
    ("holyseevaticancitystate", "VA"),
    ("libyanarabjamahiriya", "LY"),
    ("saintmartinfrenchpart", "MF"),
    ("sintmaartendutchpart", "SX"),
    ("sintmaarten", "SX"),
    ("bonairesinteustatiusandsaba", "BQ"),
    ("saintbarthelemy", "BL"),
    ("sainthelenaascensionandtristandacunha", "SH"),
    ("congobrazzaville", "CG"),
    ("congokinshasa", "CD"),
    ("republicofthecongo", "CG"),
    ("unitedstatesvirginislands", "VI"),
    ("unitedstatesminoroutlyingislands", "UM"),
    ("vaticancitystate", "VA"),
    ("svalbard", "SJ"),
    ("hongkongsar", "HK"),
    ("macaosar", "MO"),
];

/// The alpha-2 code for a country name or code, if known (case-insensitive, trimmed).
pub fn to_alpha2(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Some(code) = from_code(name) {
        return Some(code);
    }
    let mut keys = vec![normalise(name)];
    if let Some(swapped) = uninvert(name) {
        keys.push(normalise(&swapped));
    }
    keys.iter().find_map(|key| from_key(key))
}

/// An alpha-2 or alpha-3 code as written (`us`, `GBR`).
fn from_code(s: &str) -> Option<&'static str> {
    if !s.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let country = match s.len() {
        2 => Country::from_alpha2(s).ok(),
        3 => Country::from_alpha3(s).ok(),
        _ => None,
    };
    country.map(|c| c.alpha2)
}

/// A normalised name (see [`normalise`]) through celes and [`EXTRA_NAMES`].
fn from_key(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return None;
    }
    let celes = Country::from_name(key)
        .or_else(|_| Country::from_alias(key))
        .or_else(|_| Country::from_name(format!("the{key}")))
        .ok()
        .map(|c| c.alpha2);
    celes.or_else(|| {
        EXTRA_NAMES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, code)| *code)
    })
}

/// `Korea, Republic of` → `Republic of Korea`: the inverted form of ISO-style lists.
fn uninvert(name: &str) -> Option<String> {
    let (head, tail) = name.split_once(',')?;
    let (head, tail) = (head.trim(), tail.trim());
    if head.is_empty() || tail.is_empty() || tail.contains(',') {
        return None;
    }
    Some(format!("{tail} {head}"))
}

/// Lower case, accents folded, `&` → `and`, a leading `St` → `Saint`, everything that is not
/// a letter or digit removed: `St. Kitts & Nevis` → `saintkittsandnevis`.
fn normalise(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(normalise_word)
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(first) = words.first_mut().filter(|w| *w == "st") {
        *first = "saint".to_string();
    }
    words.concat()
}

/// One word of [`normalise`].
fn normalise_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c == '&' {
            out.push_str("and");
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold_accent(c) {
            out.push(folded);
        }
    }
    out
}

/// The plain letter for the accented Latin letters country names use.
fn fold_accent(c: char) -> Option<char> {
    let folded = match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    };
    Some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_carts_write_them() {
        for (name, code) in [
            ("United States", "US"),
            ("united states", "US"),
            ("  UNITED STATES  ", "US"),
            ("United States of America", "US"),
            ("Canada", "CA"),
            ("United Kingdom", "GB"),
            ("Great Britain", "GB"),
            ("UK", "GB"),
            ("Germany", "DE"),
            ("Australia", "AU"),
            ("Puerto Rico", "PR"),
            ("Mexico", "MX"),
            ("France", "FR"),
            ("Netherlands", "NL"),
            ("The Netherlands", "NL"),
            ("New Zealand", "NZ"),
            ("Ireland", "IE"),
            ("Japan", "JP"),
            ("Hong Kong", "HK"),
            ("Russian Federation", "RU"),
            ("Philippines", "PH"),
            ("Korea, Republic of", "KR"),
            ("Korea, South", "KR"),
            ("South Korea", "KR"),
            ("Iran, Islamic Republic of", "IR"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("Taiwan", "TW"),
            ("Taiwan, Province of China", "TW"),
            ("Virgin Islands, U.S.", "VI"),
            ("Virgin Islands (U.S.)", "VI"),
            ("U.S. Virgin Islands", "VI"),
            ("Virgin Islands, British", "VG"),
            ("Guam", "GU"),
            ("Curaçao", "CW"),
            ("Réunion", "RE"),
            ("Côte d'Ivoire", "CI"),
            ("Åland Islands", "AX"),
            ("St. Kitts & Nevis", "KN"),
            ("Trinidad & Tobago", "TT"),
            ("Bosnia and Herzegovina", "BA"),
            ("Czech Republic", "CZ"),
            ("Slovak Republic", "SK"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Congo, the Democratic Republic of the", "CD"),
            ("Falkland Islands (Malvinas)", "FK"),
        ] {
            assert_eq!(to_alpha2(name), Some(code), "{name}");
        }
    }

    #[test]
    fn codes_pass_through_in_upper_case() {
        for (code, alpha2) in [
            ("US", "US"),
            ("us", "US"),
            ("GB", "GB"),
            ("ca", "CA"),
            ("USA", "US"),
            ("deu", "DE"),
            ("PRI", "PR"),
        ] {
            assert_eq!(to_alpha2(code), Some(alpha2), "{code}");
        }
    }

    #[test]
    fn unknown_and_empty_are_none() {
        for name in [
            "", "   ", "Narnia", "Atlantis", "840", "ZZ", "XXX", "United",
        ] {
            assert_eq!(to_alpha2(name), None, "{name}");
        }
    }
}
