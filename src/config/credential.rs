//! A partner's password credential: an argon2 PHC hash (the normal case), a plain password
//! (the demo, `password_file` holding the password itself, or `password = "..."` with a
//! warning), or none (key-only SFTP partners). `Debug` never shows the secret.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::fmt;

use super::ConfigError;

/// How a partner proves its password.
#[derive(Clone)]
pub enum Credential {
    /// An argon2 PHC string (`$argon2id$v=19$m=...`), as `wharf passwd` prints.
    Hash(String),
    /// The password itself.
    Plain(String),
    /// No password: the partner logs in with an SSH key only.
    None,
}

impl Credential {
    /// Whether `password` is this credential's password. Always false for [`Credential::None`]
    /// and for a hash that does not parse.
    ///
    /// Verifying an argon2 hash costs tens of milliseconds of CPU: call it from
    /// `spawn_blocking` in async code.
    pub fn verify(&self, password: &str) -> bool {
        match self {
            Credential::Hash(phc) => verify_phc(phc, password),
            Credential::Plain(expected) => constant_time_eq(expected, password),
            Credential::None => false,
        }
    }

    /// Whether a password login is possible at all.
    pub fn is_none(&self) -> bool {
        matches!(self, Credential::None)
    }

    /// The same credential, checked in the same time as every other: a plain password is
    /// hashed now with argon2id and the parameters of [`hash_password`] (those of the login
    /// decoy), so a wrong password costs what an unknown name costs. Comparing a plain password
    /// took 0.4 ms against the decoy's 19 ms: the timing told which names exist.
    pub fn hardened(&self) -> Result<Credential, ConfigError> {
        match self {
            Credential::Plain(p) => hash_password(p).map(Credential::Hash),
            other => Ok(other.clone()),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Hash(_) => "Credential::Hash(***)",
            Credential::Plain(_) => "Credential::Plain(***)",
            Credential::None => "Credential::None",
        })
    }
}

/// Hashes `password` with argon2id (default parameters: 19 MiB, 2 passes) and a random 16-byte
/// salt, returning the PHC string to put in `password_hash`.
pub fn hash_password(password: &str) -> Result<String, ConfigError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| ConfigError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ConfigError::Hash(e.to_string()))
}

/// Checks that `phc` is an argon2 PHC string that [`Credential::verify`] can use. The error
/// completes "… is …" in a configuration problem.
pub(crate) fn check_phc(phc: &str) -> Result<(), String> {
    let reason = match PasswordHash::new(phc) {
        Err(e) => Some(e.to_string()),
        Ok(parsed) if argon2::Algorithm::try_from(parsed.algorithm).is_err() => Some(format!(
            "algorithm {:?} is not argon2",
            parsed.algorithm.as_str()
        )),
        Ok(parsed) if parsed.hash.is_none() => Some("no hash part".to_owned()),
        Ok(_) => None,
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(format!(
            "not a valid argon2 PHC string ({reason}); generate one with `wharf passwd`"
        )),
    }
}

thread_local! {
    /// argon2's working memory, kept per thread and reused: `Argon2::verify_password` allocates
    /// it afresh each time, and glibc did not give those ~19 MiB blocks back (measured: resident
    /// memory grew by 19 MiB with every login, on the same thread).
    static SCRATCH: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Verifies `password` against an argon2 PHC string, reusing this thread's working memory.
fn verify_phc(phc: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(parsed.algorithm),
        argon2::Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from) {
        None => argon2::Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    let hasher = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = SCRATCH.with(|scratch| {
        let mut memory = scratch.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        hasher.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut memory[..blocks],
        )
    });
    hashed.is_ok() && bytes_eq(&out, expected.as_bytes())
}

/// Equal bytes, compared without an early exit.
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && std::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

/// Compares two secrets in time that depends on neither: both are digested first, and the
/// fixed-length digests are compared without an early exit.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let da = Sha256::digest(a.as_bytes());
    let db = Sha256::digest(b.as_bytes());
    let diff = da
        .iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_from_hash_password_verifies_its_password_only() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        check_phc(&phc).unwrap();
        let cred = Credential::Hash(phc.clone());
        assert!(cred.verify("correct horse"));
        assert!(!cred.verify("correct horse "));
        assert!(!cred.verify(""));
        let again = hash_password("correct horse").unwrap();
        assert_ne!(phc, again, "each hash gets its own random salt");
    }

    #[test]
    fn plain_and_none() {
        let cred = Credential::Plain("s3cret".into());
        assert!(cred.verify("s3cret"));
        assert!(!cred.verify("s3cre"));
        assert!(!cred.verify("s3cret!"));
        assert!(!Credential::None.verify(""));
        assert!(!Credential::None.verify("anything"));
        assert!(Credential::None.is_none());
    }

    #[test]
    fn a_broken_hash_never_verifies() {
        assert!(!Credential::Hash("$argon2id$nonsense".into()).verify("x"));
        assert!(check_phc("$argon2id$nonsense").is_err());
        assert!(check_phc("plain text").is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let phc = hash_password("hunter2").unwrap();
        assert_eq!(
            format!("{:?}", Credential::Hash(phc.clone())),
            "Credential::Hash(***)"
        );
        assert_eq!(
            format!("{:?}", Credential::Plain("hunter2".into())),
            "Credential::Plain(***)"
        );
        assert_eq!(format!("{:?}", Credential::None), "Credential::None");
        assert!(!format!("{:#?}", Credential::Hash(phc.clone())).contains(&phc));
    }
}
