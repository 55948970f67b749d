//! The life cycle's rules, on a real partner home in a temp folder (no transport).

use super::*;
use crate::intake::{Intake, Kind, Queue};
use std::path::PathBuf;
use std::time::Duration;

struct World {
    _dir: tempfile::TempDir,
    uploads: Uploads,
    queue: Queue,
    home: Home,
}

fn world(limits: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "data_dir = \"{}\"\n[limits]\n{limits}\n[[partner]]\nname = \"acme\"\nrole = \"cart\"\nformat = \"ultracart\"\npassword = \"x\"\nwarehouse = \"wh\"\n[[partner]]\nname = \"wh\"\nrole = \"warehouse\"\nformat = \"canonical\"\npassword = \"y\"\n",
        dir.path().display()
    );
    let path = dir.path().join("wharf.toml");
    std::fs::write(&path, toml).unwrap();
    let config = Arc::new(crate::config::load(&path).unwrap().config);
    crate::server::prepare_homes(&config).unwrap();
    let (intake, queue) = Intake::new(config.data_dir.join("partners"));
    let uploads = Uploads::new(config, intake);
    let home = uploads.open_home("acme").unwrap();
    World {
        _dir: dir,
        uploads,
        queue,
        home,
    }
}

fn span() -> Span {
    Span::none()
}

fn put(w: &World, path: &str, data: &[u8]) -> u64 {
    let up = w
        .uploads
        .begin(&w.home, Path::new(path), Start::New, Via::Ftp, &span())
        .unwrap();
    up.writer().write(None, data).unwrap();
    up.finish().unwrap()
}

#[test]
fn a_finished_upload_goes_to_the_intake_and_stays_visible_after_it_moved() {
    let mut w = world("");
    assert_eq!(put(&w, "/in/a.xml", b"<x/>"), 4);
    let a = w.queue.try_next().expect("queued");
    assert_eq!(a.kind, Kind::Input);
    // The pipeline moves it away; the partner's sessions still see it.
    std::fs::remove_file(w.home.path().join("in/a.xml")).unwrap();
    let (_, m) = w.home.stat(Path::new("/in/a.xml")).unwrap();
    assert_eq!(m.len, 4);
    let names: Vec<String> = w
        .home
        .list(Path::new("/in"))
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["a.xml"]);
    // Setting its time succeeds and shows.
    let t = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000);
    w.uploads
        .set_times(&w.home, Path::new("/in/a.xml"), t, &span())
        .unwrap();
    assert_eq!(w.home.stat(Path::new("/in/a.xml")).unwrap().1.modified, t);
    // A home opened without the overlay (an operator's view) does not show it.
    let plain = Home::open(w.home.path()).unwrap();
    assert!(matches!(
        plain.stat(Path::new("/in/a.xml")),
        Err(HomeError::NotFound)
    ));
    // Nothing the partner did not upload shows up.
    assert!(matches!(
        w.uploads
            .set_times(&w.home, Path::new("/in/other.xml"), t, &span()),
        Err(UploadError::Home(HomeError::NotFound))
    ));
}

#[test]
fn setting_the_time_of_a_waiting_upload_leaves_the_disk_file_alone() {
    let w = world("");
    put(&w, "/in/a.xml", b"<x/>");
    let disk = w.home.path().join("in/a.xml");
    let before = std::fs::metadata(&disk).unwrap().modified().unwrap();
    let t = std::time::UNIX_EPOCH + Duration::from_secs(5);
    w.uploads
        .set_times(&w.home, Path::new("/in/a.xml"), t, &span())
        .unwrap();
    assert_eq!(
        std::fs::metadata(&disk).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(w.home.stat(Path::new("/in/a.xml")).unwrap().1.modified, t);
}

#[test]
fn resuming_only_within_the_file_and_never_past_the_limit() {
    let w = world("max_upload_size = 10");
    let e = w
        .uploads
        .begin(
            &w.home,
            Path::new("/in/a.xml"),
            Start::Resume(2_000_000_000),
            Via::Ftp,
            &span(),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            UploadError::ResumeBeyondEnd {
                size: 0,
                offset: 2_000_000_000
            }
        ),
        "{e}"
    );
    let up = w
        .uploads
        .begin(
            &w.home,
            Path::new("/in/b.xml"),
            Start::New,
            Via::Ftp,
            &span(),
        )
        .unwrap();
    let writer = up.writer();
    writer.write(None, b"123456").unwrap();
    assert!(matches!(
        writer.write(None, b"789012"),
        Err(UploadError::TooLarge { limit: 10 })
    ));
    assert!(matches!(
        writer.write(Some(0), b"1"),
        Err(UploadError::TooLarge { .. })
    ));
    let e = up.finish().unwrap_err();
    assert!(matches!(e, UploadError::TooLarge { .. }));
    // Set aside under a hidden name, not left as in/b.xml.
    assert!(!w.home.path().join("in/b.xml").exists());
}

#[test]
fn an_aborted_upload_is_reported_with_its_reason_and_a_temp_name_stays() {
    let mut w = world("");
    let up = w
        .uploads
        .begin(
            &w.home,
            Path::new("/in/c.xml"),
            Start::New,
            Via::Ftp,
            &span(),
        )
        .unwrap();
    up.writer().write(None, b"<half").unwrap();
    up.abort(Abort::ClientAborted);
    let a = w.queue.try_next().expect("reported");
    match a.kind {
        Kind::Aborted(reason) => {
            assert!(
                reason.contains("aborted the FTP transfer after 5 bytes"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(a.rel, PathBuf::from("c.xml"));
    // A client temp name stays where it is, for the client to resume.
    let up = w
        .uploads
        .begin(
            &w.home,
            Path::new("/in/d.xml.filepart"),
            Start::New,
            Via::Sftp,
            &span(),
        )
        .unwrap();
    up.writer().write(None, b"<half").unwrap();
    drop(up); // the session ended
    assert!(w.home.path().join("in/d.xml.filepart").exists());
    assert!(w.queue.try_next().is_none());
}

#[test]
fn renames_and_deletes_wait_for_the_uploads_they_touch() {
    let w = world("");
    std::fs::create_dir(w.home.path().join("in/batch")).unwrap();
    let up = w
        .uploads
        .begin(
            &w.home,
            Path::new("/in/batch/a.xml"),
            Start::New,
            Via::Ftp,
            &span(),
        )
        .unwrap();
    for (from, to) in [
        ("/in/batch/a.xml", "/in/batch/b.xml"),
        ("/in/batch", "/in/other"),
    ] {
        let e = w
            .uploads
            .rename(
                &w.home,
                Path::new(from),
                Path::new(to),
                true,
                Via::Ftp,
                &span(),
            )
            .unwrap_err();
        assert!(matches!(e, UploadError::Busy), "{from}: {e}");
    }
    up.writer().write(None, b"<x/>").unwrap();
    up.finish().unwrap();
    w.uploads
        .rename(
            &w.home,
            Path::new("/in/batch/a.xml"),
            Path::new("/in/batch/b.xml"),
            true,
            Via::Ftp,
            &span(),
        )
        .unwrap();
    assert!(w.home.path().join("in/batch/b.xml").exists());
}

/// A power loss soon after an upload's "complete" can bring its marker back (the marker's
/// removal is not fsynced): the start-up scan then finds a marker beside a complete file. The
/// seal made durable by the file's fsync says it is complete, and it is processed; a file cut
/// off mid-upload (marker, no seal) still goes to `error/`, and so does one cut while a new
/// upload rewrote a file an earlier upload had sealed.
#[test]
fn a_marker_brought_back_by_a_power_loss_does_not_refuse_a_complete_upload() {
    let w = world("");
    let in_dir = w.home.path().join("in");
    put(&w, "/in/done.xml", b"<x/>");
    if !crate::intake::markers::sealed(&in_dir.join("done.xml")) {
        eprintln!("skipped: no user extended attributes on this file system");
        return;
    }
    put(&w, "/in/again.xml", b"<x/>");
    // The crash: an upload cut off after some bytes, and another rewriting `again.xml` with
    // as many bytes as its earlier, sealed upload had. Neither finishes (the process died).
    for (name, bytes) in [("/in/cut.xml", &b"<x"[..]), ("/in/again.xml", b"<y/>")] {
        let up = w
            .uploads
            .begin(&w.home, Path::new(name), Start::New, Via::Ftp, &span())
            .unwrap();
        up.writer().write(None, bytes).unwrap();
        std::mem::forget(up);
    }
    // The power loss undoes the removal of `done.xml`'s marker.
    crate::intake::markers::mark(&in_dir.join("done.xml"));
    // The next start: a fresh intake scans in/.
    let (intake, mut queue) = Intake::new(w.home.path().parent().unwrap().to_path_buf());
    crate::intake::scan::scan_in_folder(&intake, &in_dir);
    let mut found = Vec::new();
    while let Some(a) = queue.try_next() {
        let name = a.rel.to_string_lossy().into_owned();
        found.push((name, matches!(a.kind, Kind::Aborted(_))));
    }
    found.sort();
    // Arrivals name a set-aside file by its uploaded name.
    let want = [("again.xml", true), ("cut.xml", true), ("done.xml", false)];
    let want: Vec<(String, bool)> = want.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(found, want, "(name, set aside as cut)");
}
