//! Persistent SSH host keys: each configured file is loaded (OpenSSH private key format) or, when
//! missing, created with mode 0600 (and its `.pub` beside it), so clients see the same host key
//! after every restart. The algorithm of a new key follows its file name: `ed25519`, `ecdsa`
//! (NIST P-256, for clients without Ed25519 such as old JSch) or `rsa` (3072 bits); any other
//! name gets Ed25519.

use russh::keys::ssh_key::private::{KeypairData, RsaKeypair};
use russh::keys::ssh_key::{self, LineEnding};
use russh::keys::{Algorithm, EcdsaCurve, PrivateKey};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Size of a new RSA host key.
const RSA_BITS: usize = 3072;

/// A host key that could not be loaded or created.
#[derive(Debug, thiserror::Error)]
#[error("host key {}: {message}", path.display())]
pub struct HostKeyError {
    /// The key file.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

/// Loads every key in `paths`, creating the missing ones.
pub fn load_or_create(paths: &[PathBuf]) -> Result<Vec<PrivateKey>, HostKeyError> {
    paths.iter().map(|p| load_or_create_one(p)).collect()
}

fn load_or_create_one(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let err = |message: String| HostKeyError {
        path: path.to_path_buf(),
        message,
    };
    if path.exists() {
        let key = PrivateKey::read_openssh_file(path).map_err(|e| err(e.to_string()))?;
        if key.is_encrypted() {
            return Err(err("encrypted host keys are not supported".into()));
        }
        warn_if_readable_by_others(path);
        return Ok(key);
    }
    let key = generate(algorithm_for(path)).map_err(|e| err(e.to_string()))?;
    write_new(path, &key).map_err(|e| err(e.to_string()))?;
    tracing::info!(
        path = %path.display(),
        fingerprint = %key.fingerprint(Default::default()),
        "created SSH host key"
    );
    Ok(key)
}

/// The algorithm for a new key, from its file name.
fn algorithm_for(path: &Path) -> Algorithm {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.contains("ed25519") {
        Algorithm::Ed25519
    } else if name.contains("ecdsa") {
        Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256,
        }
    } else if name.contains("rsa") {
        Algorithm::Rsa { hash: None }
    } else {
        Algorithm::Ed25519
    }
}

fn generate(algorithm: Algorithm) -> Result<PrivateKey, ssh_key::Error> {
    let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
    let mut key = match algorithm {
        Algorithm::Rsa { .. } => PrivateKey::new(
            KeypairData::from(RsaKeypair::random(&mut rng, RSA_BITS)?),
            "",
        )?,
        other => PrivateKey::random(&mut rng, other)?,
    };
    key.set_comment("wharf host key");
    Ok(key)
}

/// Writes the key under a temporary name (0600) and renames it into place, so a crash never
/// leaves half a key; then the public half as `PATH.pub`.
fn write_new(path: &Path, key: &PrivateKey) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let pem = key
        .to_openssh(LineEnding::LF)
        .map_err(std::io::Error::other)?;
    let tmp = path.with_extension("tmp-new");
    let _ = fs::remove_file(&tmp);
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(pem.as_bytes())?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    if let Ok(public) = key.public_key().to_openssh() {
        let mut pub_path = path.as_os_str().to_owned();
        pub_path.push(".pub");
        let _ = fs::write(PathBuf::from(pub_path), format!("{public}\n"));
    }
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

fn warn_if_readable_by_others(path: &Path) {
    if let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "SSH host key is readable by group or others (chmod 600 it)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_is_private_and_loads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = ["ssh_host_ed25519_key", "ssh_host_ecdsa_key"]
            .iter()
            .map(|n| dir.path().join(n))
            .collect();
        let first = load_or_create(&paths).unwrap();
        for p in &paths {
            let mode = fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
        assert_eq!(first[0].algorithm(), Algorithm::Ed25519);
        assert_eq!(
            first[1].algorithm(),
            Algorithm::Ecdsa {
                curve: EcdsaCurve::NistP256
            }
        );
        let again = load_or_create(&paths).unwrap();
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a.public_key(), b.public_key());
        }
    }

    #[test]
    fn a_broken_key_file_is_a_start_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ssh_host_ed25519_key");
        fs::write(&p, "not a key").unwrap();
        let e = load_or_create(&[p]).unwrap_err();
        assert!(e.to_string().contains("ssh_host_ed25519_key"), "{e}");
    }
}
