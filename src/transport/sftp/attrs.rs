//! File attributes as SFTP clients see them (draft-ietf-secsh-filexfer-02 §5), and the `ls -l`
//! style long names of folder listings. Modes are fixed (folders `drwxr-xr-x`, files
//! `-rw-r--r--`): what a partner may do is the folder rules', not the disk's.

use super::wire::Attrs;
use super::wire::encode::NameEntry;
use std::time::{SystemTime, UNIX_EPOCH};

const DIR: u32 = 0o040_000;
const REG: u32 = 0o100_000;
const LNK: u32 = 0o120_000;

/// What a listing shows of a file, from either kind of metadata.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    mode: u32,
    len: u64,
    mtime: u32,
    atime: u32,
}

fn secs(t: std::io::Result<SystemTime>) -> u32 {
    t.ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

fn mode(is_dir: bool, is_symlink: bool) -> u32 {
    if is_symlink {
        LNK | 0o777
    } else if is_dir {
        DIR | 0o755
    } else {
        REG | 0o644
    }
}

impl From<&crate::home::Meta> for Facts {
    fn from(m: &crate::home::Meta) -> Self {
        Facts {
            mode: mode(m.is_dir(), m.is_symlink()),
            len: m.len,
            mtime: secs(Ok(m.modified)),
            atime: secs(Ok(m.accessed)),
        }
    }
}

impl Facts {
    /// The attributes sent in `SSH_FXP_ATTRS` and listings.
    pub fn attributes(&self) -> Attrs {
        Attrs {
            size: Some(self.len),
            permissions: Some(self.mode),
            times: Some((self.atime, self.mtime)),
            uid_gid: None,
        }
    }

    /// One listing entry, with its `ls -l` long name (OpenSSH's layout) showing `owner`.
    pub fn entry(&self, name: &str, owner: &str) -> NameEntry {
        NameEntry {
            filename: name.to_string(),
            longname: self.long_name(name, owner, SystemTime::now()),
            attrs: self.attributes(),
        }
    }

    fn long_name(&self, name: &str, owner: &str, now: SystemTime) -> String {
        let kind = match self.mode & 0o170_000 {
            DIR => 'd',
            LNK => 'l',
            _ => '-',
        };
        let mut perms = String::with_capacity(9);
        for shift in [6, 3, 0] {
            let bits = (self.mode >> shift) & 7;
            perms.push(if bits & 4 != 0 { 'r' } else { '-' });
            perms.push(if bits & 2 != 0 { 'w' } else { '-' });
            perms.push(if bits & 1 != 0 { 'x' } else { '-' });
        }
        let links = if kind == 'd' { 2 } else { 1 };
        format!(
            "{kind}{perms} {links:>4} {owner:<8} {owner:<8} {len:>8} {date} {name}",
            len = self.len,
            date = ls_date(self.mtime, now),
        )
    }
}

/// `Mon dd HH:MM` for the last six months, `Mon dd  YYYY` before (as `ls -l`), in UTC.
fn ls_date(mtime: u32, now: SystemTime) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(i64::from(mtime)) else {
        return "Jan  1  1970".into();
    };
    let now = secs(Ok(now));
    let half_year = 182 * 24 * 3600;
    if now.saturating_sub(mtime) < half_year && mtime <= now.saturating_add(3600) {
        ts.strftime("%b %e %H:%M").to_string()
    } else {
        ts.strftime("%b %e  %Y").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn long_names_read_like_ls() {
        let f = Facts {
            mode: mode(false, false),
            len: 1234,
            mtime: 1_765_960_000, // 2025-12-17 08:26:40 UTC
            atime: 0,
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_766_000_000);
        assert_eq!(
            f.long_name("order.xml", "uc", now),
            "-rw-r--r--    1 uc       uc           1234 Dec 17 08:26 order.xml"
        );
        let later = now + Duration::from_secs(400 * 24 * 3600);
        assert!(
            f.long_name("order.xml", "uc", later)
                .contains("Dec 17  2025")
        );
        let d = Facts {
            mode: mode(true, false),
            ..f
        };
        assert!(d.long_name("in", "uc", now).starts_with("drwxr-xr-x    2 "));
        assert!(d.attributes().is_dir());
    }
}
