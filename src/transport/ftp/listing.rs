//! Listing formats: `LIST` lines as vsftpd writes them (what every client's parser knows),
//! `NLST` names (RFC 959 §4.1.3), and `MLSD`/`MLST` facts (RFC 3659 §7: `type;size;modify;perm;`,
//! times in UTC `YYYYMMDDHHMMSS`). The `perm` fact comes from the folder rules, so a client
//! sees what it may do before it tries.

use crate::home::Meta;
use crate::policy::{self, Op};
use std::path::Path;
use std::time::SystemTime;

/// One file or folder to list.
#[derive(Debug, Clone)]
pub struct Item {
    /// The name shown.
    pub name: String,
    /// Its path as the client sees it (for the permissions).
    pub path: String,
    /// A folder.
    pub is_dir: bool,
    /// Size in bytes.
    pub len: u64,
    /// Last modification.
    pub modified: Option<SystemTime>,
}

impl Item {
    /// From a home entry or stat.
    pub fn new(name: String, path: String, meta: &Meta) -> Item {
        Item {
            name,
            path,
            is_dir: meta.is_dir(),
            len: meta.len,
            modified: Some(meta.modified),
        }
    }
}

/// The MLST facts a client asked for (`OPTS MLST`); all four by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// `type`
    pub kind: bool,
    /// `size`
    pub size: bool,
    /// `modify`
    pub modify: bool,
    /// `perm`
    pub perm: bool,
}

impl Facts {
    /// Every fact.
    pub fn all() -> Facts {
        Facts {
            kind: true,
            size: true,
            modify: true,
            perm: true,
        }
    }

    /// The facts named (unknown names ignored, RFC 3659 §7.9).
    pub fn from_names(names: &[String]) -> Facts {
        let has = |n: &str| names.iter().any(|x| x == n);
        Facts {
            kind: has("type"),
            size: has("size"),
            modify: has("modify"),
            perm: has("perm"),
        }
    }

    /// The `OPTS MLST` reply text and the FEAT line: `type*;size*;modify*;perm*;`.
    pub fn feat(&self) -> String {
        let mut s = String::new();
        for (name, on) in [
            ("type", self.kind),
            ("size", self.size),
            ("modify", self.modify),
            ("perm", self.perm),
        ] {
            s.push_str(name);
            if on {
                s.push('*');
            }
            s.push(';');
        }
        s
    }

    /// The facts in force, for `OPTS MLST`'s reply: `type;size;`.
    pub fn selected(&self) -> String {
        self.feat()
            .split(';')
            .filter(|f| f.ends_with('*'))
            .map(|f| format!("{};", f.trim_end_matches('*')))
            .collect()
    }
}

/// `UTC YYYYMMDDHHMMSS` (RFC 3659 §2.3).
pub fn time_val(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .map(|ts| ts.strftime("%Y%m%d%H%M%S").to_string())
        .unwrap_or_else(|_| "19700101000000".to_string())
}

/// One `LIST` line: `-rw-r--r--    1 ftp      ftp          6968 Dec 17 08:37 name` (dates
/// in UTC; the year instead of the time when older than six months or in the future).
pub fn list_line(item: &Item, now: SystemTime) -> String {
    let mode = if item.is_dir {
        "drwxr-xr-x"
    } else {
        "-rw-r--r--"
    };
    let links = if item.is_dir { 2 } else { 1 };
    let date = match item
        .modified
        .and_then(|m| jiff::Timestamp::try_from(m).ok())
    {
        Some(ts) => {
            let age = now
                .duration_since(item.modified.unwrap_or(SystemTime::UNIX_EPOCH))
                .map(|d| d.as_secs())
                .unwrap_or(u64::MAX);
            if age < 182 * 24 * 3600 {
                ts.strftime("%b %e %H:%M").to_string()
            } else {
                ts.strftime("%b %e  %Y").to_string()
            }
        }
        None => "Jan  1  1970".to_string(),
    };
    format!(
        "{mode} {links:>4} {:<8} {:<8} {:>12} {date} {}\r\n",
        "ftp", "ftp", item.len, item.name
    )
}

/// One `MLSD` line, or the `MLST` fact line (without its leading space): `facts name`.
pub fn mlsx_line(item: &Item, facts: Facts, shown: &str) -> String {
    let mut s = String::new();
    if facts.kind {
        s.push_str(if item.is_dir {
            "type=dir;"
        } else {
            "type=file;"
        });
    }
    if facts.size {
        s.push_str(&format!("size={};", item.len));
    }
    if facts.modify
        && let Some(m) = item.modified
    {
        s.push_str(&format!("modify={};", time_val(m)));
    }
    if facts.perm {
        s.push_str(&format!("perm={};", perms(item)));
    }
    format!("{s} {shown}")
}

/// RFC 3659 §7.5.5 permissions, from the folder rules.
fn perms(item: &Item) -> String {
    let path = Path::new(&item.path);
    let may = |op: Op, p: &Path| policy::check(op, p).is_ok();
    let child = path.join("x");
    let mut s = String::new();
    if item.is_dir {
        for (c, op, target) in [
            ('c', Op::Write, child.as_path()),
            ('d', Op::RemoveDir, path),
            ('e', Op::List, path),
            ('f', Op::RenameFrom, path),
            ('l', Op::List, path),
            ('m', Op::MakeDir, child.as_path()),
        ] {
            if may(op, target) {
                s.push(c);
            }
        }
    } else {
        for (c, op) in [
            ('a', Op::Write),
            ('d', Op::Delete),
            ('f', Op::RenameFrom),
            ('r', Op::Read),
            ('w', Op::Write),
        ] {
            if may(op, path) {
                s.push(c);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn item(path: &str, is_dir: bool, secs: u64) -> Item {
        Item {
            name: path.rsplit('/').next().unwrap_or("").to_string(),
            path: path.to_string(),
            is_dir,
            len: 6968,
            modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)),
        }
    }

    #[test]
    fn list_lines_look_like_vsftpd() {
        // 2025-12-17 08:37:38 UTC
        let t = 1_765_960_658;
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(t + 3600);
        assert_eq!(
            list_line(&item("/out/a.xml", false, t), now),
            "-rw-r--r--    1 ftp      ftp              6968 Dec 17 08:37 a.xml\r\n"
        );
        let later = now + Duration::from_secs(400 * 24 * 3600);
        assert!(list_line(&item("/out/a.xml", false, t), later).contains("Dec 17  2025 a.xml"));
        assert!(list_line(&item("/in", true, t), now).starts_with("drwxr-xr-x    2 "));
    }

    #[test]
    fn facts_and_permissions_follow_the_folder_rules() {
        let t = 1_765_960_658;
        assert_eq!(
            mlsx_line(&item("/out/o.json", false, t), Facts::all(), "o.json"),
            "type=file;size=6968;modify=20251217083738;perm=dr; o.json"
        );
        assert_eq!(
            mlsx_line(&item("/in/x.xml", false, t), Facts::all(), "x.xml"),
            "type=file;size=6968;modify=20251217083738;perm=afw; x.xml"
        );
        let dir = mlsx_line(&item("/in", true, t), Facts::all(), "in");
        assert!(
            dir.starts_with("type=dir;") && dir.contains("perm=celm;"),
            "{dir}"
        );
        let only = Facts::from_names(&["size".into(), "type".into()]);
        assert_eq!(only.selected(), "type;size;");
        assert_eq!(
            mlsx_line(&item("/in/x", false, t), only, "x"),
            "type=file;size=6968; x"
        );
    }
}
