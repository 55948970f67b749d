//! Assigning `cust_ref`, the order number the warehouse sees, unique across every cart.
//!
//! The cart's own number when it fits the warehouse (at most `max_len`, only `A-Z a-z 0-9 -`)
//! and no other order holds it; otherwise the number's distinctive tail (sanitised), `-`, and
//! base-36 characters derived from (source, number), lengthened until unique. Deterministic, so
//! `wharf convert` on an empty store shows what the gateway would assign.

use sha2::{Digest, Sha256};

/// Fewest hash characters in a shortened ref.
const MIN_HASH: usize = 4;

/// Picks the `cust_ref` for (source, order_no); `taken(candidate)` says whether another order
/// already holds a candidate.
pub fn assign_cust_ref<E>(
    source: &str,
    order_no: &str,
    max_len: usize,
    mut taken: impl FnMut(&str) -> Result<bool, E>,
) -> Result<String, E> {
    let fits = !order_no.is_empty()
        && order_no.len() <= max_len
        && order_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if fits && !taken(order_no)? {
        return Ok(order_no.to_string());
    }
    let hash = base36_hash(source, order_no);
    let clean: String = order_no
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let max_len = max_len.max(MIN_HASH + 2);
    let mut last = String::new();
    for n in MIN_HASH..=hash.len().min(max_len) {
        let room = max_len.saturating_sub(n + 1);
        let tail = tail_of(&clean, room);
        let candidate = if tail.is_empty() {
            hash[..n].to_string()
        } else {
            format!("{tail}-{}", &hash[..n])
        };
        if !taken(&candidate)? {
            return Ok(candidate);
        }
        last = candidate;
    }
    Ok(last)
}

/// The last `room` characters of the number, without leading dashes.
fn tail_of(clean: &str, room: usize) -> &str {
    let start = clean.len().saturating_sub(room);
    clean[start..].trim_start_matches('-')
}

/// SHA-256 of (source, number) in base 36, upper case.
fn base36_hash(source: &str, order_no: &str) -> String {
    let digest = Sha256::new()
        .chain_update(source.as_bytes())
        .chain_update([0u8])
        .chain_update(order_no.as_bytes())
        .finalize();
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut n: Vec<u8> = digest.to_vec();
    let mut out = Vec::new();
    // Repeated division of the big-endian number by 36: 24 digits are plenty.
    while out.len() < 24 {
        let mut rem: u32 = 0;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 36) as u8;
            rem = cur % 36;
        }
        out.push(DIGITS[rem as usize]);
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::convert::Infallible;

    fn assign(source: &str, no: &str, max: usize, taken: &HashSet<String>) -> String {
        assign_cust_ref::<Infallible>(source, no, max, |c| Ok(taken.contains(c))).unwrap()
    }

    #[test]
    fn keeps_a_number_that_fits() {
        assert_eq!(assign("uc", "1001", 20, &HashSet::new()), "1001");
        assert_eq!(assign("uc", "ABC-12345", 20, &HashSet::new()), "ABC-12345");
    }

    #[test]
    fn shortens_a_long_number_to_its_tail_plus_hash() {
        let r = assign("uc", "12474-201212170837-388136", 20, &HashSet::new());
        assert!(r.len() <= 20, "{r}");
        assert!(
            r.starts_with("0837-388136-") || r.contains("388136-"),
            "{r}"
        );
        assert!(r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        // Stable: the same inputs give the same ref.
        assert_eq!(
            r,
            assign("uc", "12474-201212170837-388136", 20, &HashSet::new())
        );
    }

    #[test]
    fn second_cart_with_the_same_number_gets_another_ref() {
        let mut taken = HashSet::new();
        let first = assign("cart-a", "1001", 20, &taken);
        taken.insert(first.clone());
        let second = assign("cart-b", "1001", 20, &taken);
        assert_eq!(first, "1001");
        assert_ne!(second, "1001");
        assert!(second.starts_with("1001-"), "{second}");
    }

    #[test]
    fn sanitises_characters_the_warehouse_refuses() {
        let r = assign("uc", "PO#55/7", 20, &HashSet::new());
        assert!(r.starts_with("PO557-"), "{r}");
    }

    #[test]
    fn lengthens_the_hash_until_unique() {
        let no = "X-VERY-LONG-ORDER-NUMBER-0001";
        let hash_of = |r: &str| r.rsplit('-').next().unwrap_or_default().to_string();
        let mut taken = HashSet::new();
        let a = assign("uc", no, 12, &taken);
        assert_eq!(hash_of(&a).len(), MIN_HASH, "{a}");
        // Another order holds that one: the next candidate has one hash character more (the
        // same hash, lengthened), within the length.
        taken.insert(a.clone());
        let b = assign("uc", no, 12, &taken);
        assert_eq!(hash_of(&b).len(), MIN_HASH + 1, "{a} then {b}");
        assert!(hash_of(&b).starts_with(&hash_of(&a)), "{a} then {b}");
        assert!(b.len() <= 12, "{b}");
        taken.insert(b.clone());
        let c = assign("uc", no, 12, &taken);
        assert_eq!(hash_of(&c).len(), MIN_HASH + 2, "{b} then {c}");
        assert!(hash_of(&c).starts_with(&hash_of(&b)), "{b} then {c}");
    }
}
