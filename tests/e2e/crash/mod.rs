//! Never lose a file, never send anything twice, across `kill -9`: the proof (see [`run`] and
//! [`check`]), as a test of one trial and as the long soak `scripts/crash-soak.sh` runs.
//!
//! The seed decides the files, the clients' pauses, and where the kills land; it is printed,
//! and `WHARF_CRASH_SEED` replays it.

mod bodies;
mod check;
mod clients;
mod run;

use super::support::*;
use bodies::Rng;
use run::Aim;

/// `WHARF_CRASH_SEED`, or a fresh seed.
fn seed() -> u64 {
    std::env::var("WHARF_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 % 1_000_000_007)
        })
}

/// `aims` in a seeded order.
fn shuffle(aims: &mut [Aim], rng: &mut Rng) {
    for i in (1..aims.len()).rev() {
        aims.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

/// What one trial came to.
struct Outcome {
    verdict: check::Verdict,
    kills: usize,
    mid_processing: usize,
    mid_upload: usize,
}

/// Runs and judges trial `t`; prints one line about it.
fn judged(t: usize, files: usize, rng: &mut Rng, aims: &[Aim]) -> (run::Trial, Outcome) {
    let trial = run::trial(t, files, rng, aims);
    let verdict = check::check(&trial);
    let mid_processing = (0..trial.kills.len())
        .filter(|&i| run::landed_mid_processing(&trial.s.g.log, &trial.kills, i))
        .count();
    let mid_upload = trial.kills.iter().filter(|k| k.cut_upload).count();
    let aimed: Vec<String> = trial
        .kills
        .iter()
        .map(|k| format!("{:?}{}", k.aim, if k.on_target { "" } else { " (missed)" }))
        .collect();
    eprintln!(
        "trial {t}: {files} files, {} kills [{}]: {mid_processing} mid-processing, {mid_upload} mid-upload; \
         {} cut uploads in error/, {} lost, {} duplicated, {} other problems, {} acknowledgments lost; {:.1}s",
        trial.kills.len(),
        aimed.join(", "),
        verdict.cut,
        verdict.lost.len(),
        verdict.duplicated.len(),
        verdict.problems.len(),
        verdict.unacknowledged,
        trial.took.as_secs_f64()
    );
    for line in verdict
        .lost
        .iter()
        .map(|l| format!("LOST {l}"))
        .chain(verdict.duplicated.iter().map(|d| format!("DUPLICATED {d}")))
        .chain(verdict.problems.iter().map(|p| format!("PROBLEM {p}")))
        .take(40)
    {
        eprintln!("  {line}");
    }
    let kills = trial.kills.len();
    (
        trial,
        Outcome {
            verdict,
            kills,
            mid_processing,
            mid_upload,
        },
    )
}

/// One trial of 200 files with four kills — aimed at a plan in progress, at a plan whose
/// outputs were taken, at an upload in progress, and anywhere: every file and order accounted
/// for exactly once.
#[test]
fn kill_9_at_seeded_points_loses_nothing_and_sends_nothing_twice() {
    let seed = seed();
    eprintln!("crash test: seed {seed} (WHARF_CRASH_SEED={seed} replays it)");
    let mut rng = Rng::new(seed);
    let mut aims = [Aim::Processing, Aim::Upload, Aim::Published, Aim::Anywhere];
    shuffle(&mut aims, &mut rng);
    let (trial, o) = judged(0, 200, &mut rng, &aims);
    let v = &o.verdict;
    assert!(v.is_sound(), "seed {seed}: {v:#?}");
    assert!(
        o.mid_processing >= 1,
        "seed {seed}: no kill landed in the middle of processing: {:#?}",
        trial.kills
    );
    assert!(
        o.mid_upload >= 1 && v.cut >= 1,
        "seed {seed}: no kill cut an upload ({} cut reports): {:#?}",
        v.cut,
        trial.kills
    );
}

/// The long run behind `scripts/crash-soak.sh TRIALS FILES`: TRIALS trials of FILES uploads,
/// 2 to 4 kills each, aimed at random; prints the totals as its last line.
#[test]
#[ignore = "a long run: scripts/crash-soak.sh"]
fn crash_soak() {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (trials, files) = (var("WHARF_SOAK_TRIALS", 2), var("WHARF_SOAK_FILES", 200));
    let seed = seed();
    eprintln!("crash soak: seed {seed} (WHARF_CRASH_SEED={seed} replays it)");
    let mut rng = Rng::new(seed);
    let (mut kills, mut mid, mut lost, mut duplicated, mut problems) = (0, 0, 0, 0, 0);
    for t in 0..trials {
        let aims: Vec<Aim> = (0..2 + rng.below(3))
            .map(|_| match rng.below(10) {
                0..=3 => Aim::Processing,
                4..=5 => Aim::Published,
                6..=7 => Aim::Upload,
                _ => Aim::Anywhere,
            })
            .collect();
        let (_, o) = judged(t, files, &mut rng, &aims);
        kills += o.kills;
        mid += o.mid_processing;
        lost += o.verdict.lost.len();
        duplicated += o.verdict.duplicated.len();
        problems += o.verdict.problems.len();
    }
    println!(
        "{trials} trials, {files} files each: {kills} kills ({mid} mid-processing), {lost} lost, {duplicated} duplicated"
    );
    assert!(
        lost == 0 && duplicated == 0 && problems == 0,
        "seed {seed}: {lost} lost, {duplicated} duplicated, {problems} other problems (above)"
    );
}

#[test]
fn an_upload_cut_off_by_a_crash_goes_to_error_not_to_the_warehouse() {
    if missing("curl") {
        return;
    }
    let mut g = Gateway::start();
    // A complete order followed by padding: a cut copy could even look complete.
    let body = uc_sd("CUT-1") + &"<!-- pad -->\n".repeat(50_000);
    let local = g.dir.path().join("cut.xml");
    std::fs::write(&local, &body).unwrap();
    let mut client = std::process::Command::new("curl")
        .args(["-sS", "--limit-rate", "100K", "-T"])
        .arg(&local)
        .arg(g.url("uc", CART_PASSWORD, "in/cut.xml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = g.home("uc").join("in/cut.xml");
    wait_for(30, "the upload to start", || {
        std::fs::metadata(&partial)
            .map(|m| m.len() > 4096)
            .unwrap_or(false)
    });
    assert!(
        g.home("uc").join("in/.cut.xml.uploading").exists(),
        "the upload is marked"
    );
    g.kill9();
    let _ = client.kill();
    let _ = client.wait();
    g.spawn();
    let report = g.home("uc").join("error/cut.xml.error.txt");
    g.wait_file(&report);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("cut off when Wharf stopped"), "{text}");
    g.wait_in_empty("uc");
    assert!(
        g.files("wh", "out").is_empty(),
        "half a file is never an order"
    );
}
