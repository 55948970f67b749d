//! The world the SFTP request target runs in: a data folder with one cart partner (`acme`,
//! whose home the requests act on), a second partner's home, and a canary folder outside every
//! home; links planted in `acme`'s `in/` lead to all three. Made once per run; the homes are
//! put back before every input, and everything outside `acme`'s home is compared with its
//! snapshot after every input.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wharf::config::Config;

/// The partner the requests come from.
pub const PARTNER: &str = "acme";
/// `max_upload_size` in the world's configuration: small, so writes reach it.
pub const MAX_UPLOAD: u64 = 64 * 1024;

/// Links planted in `acme`'s `in/` (name, target): to its own `out/`, to the other partner's
/// home, to the canary folder and file outside, and one under the marker name an upload of
/// `in/a.xml` uses.
pub fn planted_links(w: &World) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("inlink", PathBuf::from("../out")),
        ("otherlink", w.data.join("partners/other")),
        ("abslink", w.outside.clone()),
        ("filelink", w.outside.join("canary.txt")),
        (".b.xml.uploading", w.outside.join("canary.txt")),
    ]
}

/// The world (see the module doc).
pub struct World {
    _dir: tempfile::TempDir,
    /// The temp folder holding everything.
    pub root: PathBuf,
    /// `data_dir`.
    pub data: PathBuf,
    /// The canary folder, outside every home.
    pub outside: PathBuf,
    /// The configuration (one cart, one warehouse, the small upload limit).
    pub config: Arc<Config>,
    /// What must never change: everything under `root` but `acme`'s home.
    snapshot: BTreeMap<PathBuf, String>,
}

fn write(p: &Path, content: &[u8]) {
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    std::fs::write(p, content).expect("write");
}

impl World {
    /// Makes the world.
    pub fn new() -> World {
        // On a tmpfs when there is one: every completed upload is fsynced.
        let dir = match Path::new("/dev/shm") {
            shm if shm.is_dir() => tempfile::tempdir_in(shm),
            _ => tempfile::tempdir(),
        }
        .expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let data = root.join("data");
        let outside = root.join("outside");
        write(&outside.join("canary.txt"), b"canary: never touched\n");
        write(&outside.join("sub/deep.xml"), b"<export/>\n");
        let toml = format!(
            "data_dir = \"{}\"\n[limits]\nmax_upload_size = \"{MAX_UPLOAD}\"\n\
             [[partner]]\nname = \"{PARTNER}\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"x\"\nwarehouse = \"other\"\n\
             [[partner]]\nname = \"other\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword = \"y\"\n",
            data.display()
        );
        let file = root.join("wharf.toml");
        write(&file, toml.as_bytes());
        let config = Arc::new(
            wharf::config::load(&file)
                .expect("the world's config")
                .config,
        );
        wharf::server::prepare_homes(&config).expect("homes");
        let other = data.join("partners/other");
        write(&other.join("in/secret.xml"), b"<export/>\n");
        write(&other.join("out/order_X.json"), b"{}\n");
        let mut w = World {
            _dir: dir,
            root,
            data,
            outside,
            config,
            snapshot: BTreeMap::new(),
        };
        w.reset_home();
        w.snapshot = w.outside_state();
        w
    }

    /// `acme`'s home.
    pub fn home(&self) -> PathBuf {
        self.config.partner_home(PARTNER).root().to_path_buf()
    }

    /// Puts `acme`'s home back as it was: the four folders, a file in each, the links.
    pub fn reset_home(&self) {
        let home = self.home();
        // remove_dir_all does not follow links.
        let _ = std::fs::remove_dir_all(&home);
        for f in wharf::layout::FOLDERS {
            std::fs::create_dir_all(home.join(f)).expect("mkdir");
        }
        write(&home.join("in/sub/c.xml"), b"<export/>\n");
        write(&home.join("out/order_1.json"), b"{\"cust_ref\": \"1\"}\n");
        write(&home.join("archive/2024-01-01/old.xml"), b"<export/>\n");
        write(&home.join("error/bad.xml.error.txt"), b"why\n");
        for (name, target) in planted_links(self) {
            std::os::unix::fs::symlink(target, home.join("in").join(name)).expect("symlink");
        }
    }

    /// Every path under `root` but `acme`'s home: files with their content, size, mode, inode
    /// and time; links with their target; folders with their mode and inode.
    fn outside_state(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        let home = self.home();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p == home {
                    continue;
                }
                let Ok(m) = std::fs::symlink_metadata(&p) else {
                    continue;
                };
                // A folder's own size and time change with its entries (the home is made
                // afresh in `partners/` for every input): its entries are compared instead.
                let what = if m.file_type().is_symlink() {
                    format!("link {:?}", std::fs::read_link(&p).ok())
                } else if m.is_dir() {
                    stack.push(p.clone());
                    format!("dir mode={:o} ino={}", m.mode(), m.ino())
                } else {
                    format!(
                        "file {:?} len={} mode={:o} ino={} mtime={}.{}",
                        std::fs::read(&p).ok(),
                        m.len(),
                        m.mode(),
                        m.ino(),
                        m.mtime(),
                        m.mtime_nsec()
                    )
                };
                out.insert(p, what);
            }
        }
        out
    }

    /// Panics if anything outside `acme`'s home changed.
    pub fn assert_outside_untouched(&self) {
        let now = self.outside_state();
        if now != self.snapshot {
            let mut diff = Vec::new();
            for (p, was) in &self.snapshot {
                match now.get(p) {
                    Some(is) if is == was => {}
                    Some(is) => diff.push(format!("changed {}: {was} -> {is}", p.display())),
                    None => diff.push(format!("removed {}", p.display())),
                }
            }
            for p in now.keys().filter(|p| !self.snapshot.contains_key(*p)) {
                diff.push(format!("created {}", p.display()));
            }
            panic!("outside the partner's home:\n{}", diff.join("\n"));
        }
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}
