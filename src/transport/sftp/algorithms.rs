//! What the SSH server offers, and the russh server configuration built from it.
//!
//! Modern algorithms come first (curve25519, Ed25519, ChaCha20-Poly1305 / AES-GCM); then what
//! older clients need — Java JSch 0.1.5x knows neither Ed25519 nor curve25519, so
//! `ecdh-sha2-nistp256`, an ECDSA P-256 host key, `rsa-sha2-*`, `aes*-ctr` and
//! `hmac-sha2-256` stay on offer. SHA-1 (`ssh-rsa` signatures, `diffie-hellman-group14-sha1`)
//! only with `legacy_algorithms = true`. Algorithms are negotiated before the user name is
//! known, so this is per listener, not per partner.

use crate::config::Limits;
use russh::keys::{Algorithm, EcdsaCurve, HashAlg, PrivateKey};
use russh::{MethodKind, MethodSet, Preferred, SshId, cipher, compression, kex, mac};
use std::borrow::Cow;
use std::time::Duration;

/// The algorithm lists, most preferred first.
pub fn preferred(legacy: bool) -> Preferred {
    let mut kexes = vec![
        kex::MLKEM768X25519_SHA256,
        kex::CURVE25519,
        kex::CURVE25519_PRE_RFC_8731,
        kex::ECDH_SHA2_NISTP256,
        kex::ECDH_SHA2_NISTP384,
        kex::ECDH_SHA2_NISTP521,
        kex::DH_GEX_SHA256,
        kex::DH_G16_SHA512,
        kex::DH_G14_SHA256,
    ];
    if legacy {
        kexes.push(kex::DH_G14_SHA1);
    }
    kexes.extend([
        kex::EXTENSION_SUPPORT_AS_SERVER,
        kex::EXTENSION_OPENSSH_STRICT_KEX_AS_SERVER,
    ]);

    let mut keys = vec![
        Algorithm::Ed25519,
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256,
        },
        Algorithm::Rsa {
            hash: Some(HashAlg::Sha512),
        },
        Algorithm::Rsa {
            hash: Some(HashAlg::Sha256),
        },
    ];
    if legacy {
        keys.push(Algorithm::Rsa { hash: None });
    }

    Preferred {
        kex: Cow::Owned(kexes),
        key: Cow::Owned(keys),
        host_key_certificates: Cow::Borrowed(&[]),
        cipher: Cow::Borrowed(&[
            cipher::CHACHA20_POLY1305,
            cipher::AES_256_GCM,
            cipher::AES_128_GCM,
            cipher::AES_256_CTR,
            cipher::AES_192_CTR,
            cipher::AES_128_CTR,
        ]),
        mac: Cow::Borrowed(&[
            mac::HMAC_SHA512_ETM,
            mac::HMAC_SHA256_ETM,
            mac::HMAC_SHA512,
            mac::HMAC_SHA256,
        ]),
        compression: Cow::Borrowed(&[compression::NONE]),
    }
}

/// The russh server configuration: our host keys and algorithms, password and public-key logins
/// only, the idle timeout from `[limits]`.
pub fn server_config(
    keys: Vec<PrivateKey>,
    legacy: bool,
    limits: &Limits,
) -> russh::server::Config {
    russh::server::Config {
        server_id: SshId::Standard(Cow::Borrowed("SSH-2.0-Wharf")),
        methods: MethodSet::from(&[MethodKind::Password, MethodKind::PublicKey][..]),
        // Every refusal takes this long (the first "none" probe of OpenSSH clients excepted),
        // so timing tells nothing about which names or keys exist.
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        keys,
        preferred: preferred(legacy),
        inactivity_timeout: Some(limits.idle_timeout.max(Duration::from_secs(1))),
        nodelay: true,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_only_when_legacy_is_on() {
        let modern = preferred(false);
        assert!(!modern.kex.contains(&kex::DH_G14_SHA1));
        assert!(!modern.key.contains(&Algorithm::Rsa { hash: None }));
        let legacy = preferred(true);
        assert!(legacy.kex.contains(&kex::DH_G14_SHA1));
        assert!(legacy.key.contains(&Algorithm::Rsa { hash: None }));
    }

    #[test]
    fn old_java_clients_find_something() {
        // JSch 0.1.54: no curve25519, no Ed25519.
        let p = preferred(false);
        assert!(p.kex.contains(&kex::ECDH_SHA2_NISTP256));
        assert!(p.key.contains(&Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256
        }));
        assert!(p.cipher.contains(&cipher::AES_128_CTR));
        assert!(p.mac.contains(&mac::HMAC_SHA256));
    }
}
