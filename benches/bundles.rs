//! Measures the bundle budgets of the budgets (BENCHMARKS.md): exporting a signed bundle of
//! 100,000 versions, verifying and merging it (against `sqlite3` importing
//! the same rows from CSV, in the same run), and verifying and merging
//! 1,000,000 versions with its peak memory. `cargo bench --bench bundles`.
//!
//! The versions are activation follow-ups of one team, valid by the form,
//! made here (the demo spreads its cases over six teams). Peak memory is
//! measured in a child process (this binary, `--import DIR BUNDLE`).
//!
//! It also measures, on this machine, the floors the budgets (BENCHMARKS.md) sets the
//! budgets from (redb writing 100,000 small rows in one transaction,
//! csv+serde parsing), to tell how this machine compares with the
//! prototype's.
//!
//! Then the comparison run that matters to users: a commune of 10,000 people
//! (the demo generator's) receives its six teams' bundles, imports them one
//! after the other as the office does, and opens the report on screen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::DateTime;
use tothon::domain::commune::{Commune, Device, Role};
use tothon::domain::version::{Draft, Status, Version};
use tothon::i18n::Lang;
use tothon::ops::exchange;
use tothon::store::Store;

const PASS: &str = "bench";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bundles")
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-26T10:00:00+07:00").unwrap()
}

/// A name part made of letters only (names may not hold digits).
fn letters(mut i: usize) -> String {
    let mut out = String::from("Th");
    loop {
        out.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return out;
        }
    }
}

fn versions(n: usize, device: &str) -> Vec<Version> {
    let at = now() - chrono::Duration::days(3);
    (0..n)
        .map(|i| {
            let values = BTreeMap::from([
                (
                    "person_id".to_string(),
                    format!("034090{:06}", i % 1_000_000),
                ),
                (
                    "full_name".to_string(),
                    format!("Nguyễn Văn {}", letters(i)),
                ),
                ("target_level".to_string(), "level2".to_string()),
                ("status".to_string(), "activated_level2".to_string()),
                ("visit_date".to_string(), "2026-11-20".to_string()),
                ("phone".to_string(), format!("09{:08}", i)),
            ]);
            Draft {
                record: format!("AC-{device}-{:07}", i + 1),
                parents: Vec::new(),
                form: "activation".into(),
                team: 1,
                device: device.to_string(),
                author: "Bench".into(),
                edited_at: at,
                status: Status::Done,
                values,
                confirmed: Vec::new(),
            }
            .seal()
        })
        .collect()
}

/// A team store holding `n` versions, a commune store trusting its key, and
/// the team's exported bundle (export timed).
fn setup(n: usize) -> (PathBuf, PathBuf, Duration) {
    let dir = root().join(format!("v{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    let commune = Commune::with_numbered_villages("Xã Thử", 6);
    let team_dir = dir.join("team-1");
    let team = Store::create(
        &team_dir,
        &commune,
        &Device {
            id: "T1BENCH".into(),
            role: Role::Team(1),
        },
    )
    .unwrap();
    let (team, signer) = exchange::new_key(team, PASS, false, now()).unwrap();
    let public = signer.public.clone();
    // The office's key, which the team's bundle is encrypted to.
    let commune_dir = dir.join("commune");
    let office = Store::create(
        &commune_dir,
        &commune,
        &Device {
            id: "XABENCH".into(),
            role: Role::Commune,
        },
    )
    .unwrap();
    let (office, office_signer) = exchange::new_key(office, PASS, false, now()).unwrap();
    let office_key = office_signer.public;
    exchange::trust(&team, None, &office_key, now()).unwrap();
    team.add_versions(&versions(n, "T1BENCH")).unwrap();
    let out = dir.join("out");
    let t = Instant::now();
    let exported = exchange::export(&team, &signer, &out, now()).unwrap();
    let took = t.elapsed();
    drop(team);
    exchange::trust(&office, Some(1), &public, now()).unwrap();
    drop(office);
    // Keep an untouched commune store to import into again.
    std::fs::copy(Store::file_in(&commune_dir), dir.join("commune.redb.clean")).unwrap();
    (commune_dir, exported[0].path.clone(), took)
}

fn fresh_commune(commune_dir: &Path) {
    let clean = commune_dir.parent().unwrap().join("commune.redb.clean");
    std::fs::copy(clean, Store::file_in(commune_dir)).unwrap();
}

fn import(commune_dir: &Path, bundle: &Path) -> Duration {
    fresh_commune(commune_dir);
    // The passphrase is asked once a sitting, before any import: not timed.
    let (store, _) = exchange::unlock(Store::open(commune_dir).unwrap(), PASS).unwrap();
    // The set-up just wrote a few hundred MB (team store, bundle, copies);
    // flush them first, or the kernel writes them back during the import
    // and its commit waits behind them.
    #[cfg(unix)]
    let _ = Command::new("sync").status();
    let t = Instant::now();
    let done = exchange::import_file(&store, bundle, now()).unwrap();
    let took = t.elapsed();
    assert!(done.summary.new > 0);
    took
}

/// The same rows as CSV, for sqlite3 to import.
fn sqlite_rows(n: usize, dir: &Path) -> PathBuf {
    let csv = dir.join("rows.csv");
    let mut w = csv::Writer::from_path(&csv).unwrap();
    // The bundle's version columns, then the fields the rows fill.
    let fields = [
        "person_id",
        "full_name",
        "target_level",
        "status2",
        "visit_date",
        "phone",
    ];
    w.write_record(tothon::bundle::VERSION_COLUMNS.iter().chain(&fields))
        .unwrap();
    for v in versions(n, "T1BENCH") {
        let g = |k: &str| v.values.get(k).cloned().unwrap_or_default();
        w.write_record([
            v.id.clone(),
            v.record.clone(),
            String::new(),
            v.form.clone(),
            v.team.to_string(),
            v.device.clone(),
            v.author.clone(),
            v.edited_at_text(),
            v.status.as_str().to_string(),
            String::new(),
            g("person_id"),
            g("full_name"),
            g("target_level"),
            g("status"),
            g("visit_date"),
            g("phone"),
        ])
        .unwrap();
    }
    w.flush().unwrap();
    csv
}

/// sqlite3 importing `csv` into memory.
fn sqlite_import(sqlite: &Path, csv: &Path) -> Option<Duration> {
    let t = Instant::now();
    let out = Command::new(sqlite)
        .arg(":memory:")
        .arg(".mode csv")
        .arg(format!(".import {} t", csv.display()))
        .output()
        .ok()?;
    let took = t.elapsed();
    out.status.success().then_some(took)
}

/// The floors the budgets (BENCHMARKS.md) sets its budgets from, measured on this
/// machine: how much slower (or faster) it is than the prototype's.
fn floors(csv_path: &Path) {
    const ROWS: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("rows");
    let dir = root().join("floor");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = redb::Database::create(dir.join("floor.redb")).unwrap();
    let value = [7u8; 100];
    let t = Instant::now();
    let txn = db.begin_write().unwrap();
    {
        let mut table = txn.open_table(ROWS).unwrap();
        for i in 0..100_000 {
            table
                .insert(format!("R-{i:07}").as_str(), value.as_slice())
                .unwrap();
        }
    }
    txn.commit().unwrap();
    let redb_took = t.elapsed();
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{:<58} {:>14}",
        "floor: redb, 100,000 small rows, one transaction (~0.2 s)",
        ms(redb_took)
    );

    // The rows sqlite3 imported (written only where it was found).
    let Ok(mut reader) = csv::Reader::from_path(csv_path) else {
        return;
    };
    let bytes = std::fs::metadata(csv_path).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    let cells: usize = reader
        .deserialize::<Vec<String>>()
        .map(|row| row.unwrap().len())
        .sum();
    let took = t.elapsed();
    assert!(cells > 0);
    println!(
        "{:<58} {:>14}",
        "floor: csv+serde parsing (~130 MB/s)",
        format!("{:.0} MB/s", bytes as f64 / 1e6 / took.as_secs_f64())
    );
}

fn which(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_some() {
        return found;
    }
    // The bench installs what it compares against where it can (Debian, root).
    let _ = Command::new("apt-get")
        .args(["install", "-y", "sqlite3"])
        .output();
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn peak_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn line(what: &str, value: String, budget: String, ok: bool) {
    println!(
        "{what:<58} {value:>14}   budget {budget:>12}   {}",
        if ok { "ok" } else { "OVER" }
    );
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Six bundles arriving at a commune of 10,000 people, to the report on
/// screen. The office is set up as it stands before they arrive: the
/// demo commune's people, work list and its own corrections, every team's
/// key trusted; the teams' bundles carry their full state.
fn arrival() -> (Duration, usize, u64) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    // Built since bundles are encrypted: an older copy's teams trust a
    // commune key with no age key, and could write no bundle.
    let demo =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/people-10000-sealed");
    if !Store::exists_in(&demo) {
        tothon::demo::build(
            &demo,
            &tothon::demo::Options {
                people: 10_000,
                seed: 6,
            },
        )
        .unwrap();
    }
    let dir = root().join("arrival");
    let _ = std::fs::remove_dir_all(&dir);
    let (source, source_signer) = exchange::unlock(Store::open(&demo).unwrap(), "demo").unwrap();
    let device = source.device().unwrap();
    let office_dir = dir.join("office");
    let office = Store::create(&office_dir, &source.commune().unwrap(), &device).unwrap();
    // The demo office's own key, which the teams' bundles are encrypted to.
    office
        .set_own_key_wrapping(
            &source.own_key().unwrap().unwrap(),
            &source_signer.store_key(),
        )
        .unwrap();
    office.put_people(&source.people().unwrap()).unwrap();
    office
        .put_work_items(&source.work_items().unwrap())
        .unwrap();
    let own: Vec<Version> = source
        .all_versions()
        .unwrap()
        .into_iter()
        .filter(|v| v.device == device.id)
        .collect();
    office.add_versions(&own).unwrap();
    drop(source);
    let mut bundles = Vec::new();
    for team in 1..=6u8 {
        let store = Store::open(&tothon::demo::team_dir(&demo, team)).unwrap();
        let (store, signer) = exchange::unlock(store, "demo").unwrap();
        let public = exchange::own_public(&store).unwrap();
        exchange::trust(&office, Some(team), &public, now()).unwrap();
        let out = exchange::export(&store, &signer, &dir.join("bundles"), now()).unwrap();
        bundles.push(out[0].path.clone());
    }
    drop(office);
    let clean = dir.join("office.redb.clean");
    std::fs::copy(Store::file_in(&office_dir), &clean).unwrap();
    let mut versions = 0;
    let mut bytes = 0;
    let runs = (0..5)
        .map(|_| {
            std::fs::copy(&clean, Store::file_in(&office_dir)).unwrap();
            // The passphrase is asked once a sitting, before: not timed.
            let (office, _) = exchange::unlock(Store::open(&office_dir).unwrap(), "demo").unwrap();
            let t = Instant::now();
            versions = 0;
            bytes = 0;
            for b in &bundles {
                let done = exchange::import_file(&office, b, now()).unwrap();
                versions += done.summary.new;
                bytes += std::fs::metadata(b).map(|m| m.len()).unwrap_or(0);
            }
            let mut app = tothon::tui::App::open(office, Lang::Vi).unwrap();
            // Who is working (a new name at a new office), then the report.
            let keys = "Lan".chars().map(KeyCode::Char);
            for code in keys.chain([KeyCode::Enter, KeyCode::F(5)]) {
                app.key(KeyEvent::new(code, KeyModifiers::NONE));
            }
            app.finish_work();
            let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
            term.draw(|f| app.render(f)).unwrap();
            let took = t.elapsed();
            let screen: String = term
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol())
                .collect();
            assert!(
                screen.contains("BÁO CÁO") || screen.contains("Báo cáo"),
                "not the report: {screen}"
            );
            took
        })
        .collect();
    (median(runs), versions, bytes)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(p) = args.iter().position(|a| a == "--import") {
        let took = import(Path::new(&args[p + 1]), Path::new(&args[p + 2]));
        println!("{} {}", took.as_millis(), peak_kib().unwrap_or(0));
        return;
    }
    // `--export TEAM_DIR OUT_DIR`: one export alone, to profile it.
    if let Some(p) = args.iter().position(|a| a == "--export") {
        let team = Store::open(Path::new(&args[p + 1])).unwrap();
        let (team, signer) = exchange::unlock(team, PASS).unwrap();
        let t = Instant::now();
        exchange::export(&team, &signer, Path::new(&args[p + 2]), now()).unwrap();
        println!("{}", t.elapsed().as_millis());
        return;
    }

    let (commune, bundle, export_took) = setup(100_000);
    let size = std::fs::metadata(&bundle).map(|m| m.len()).unwrap_or(0);
    line(
        &format!(
            "export a signed bundle of 100,000 versions ({:.1} MB)",
            size as f64 / 1e6
        ),
        ms(export_took),
        "500.0 ms".into(),
        export_took <= Duration::from_millis(500),
    );
    // The two imports take turns, five times each, and each side's median is
    // compared: the host's load (which moves both by up to 40 % from one
    // second to the next on a shared machine) then weighs on both alike.
    let csv = sqlite_rows(100_000, commune.parent().unwrap());
    let sqlite = which("sqlite3");
    let mut merges = Vec::new();
    let mut sqlites = Vec::new();
    for _ in 0..5 {
        merges.push(import(&commune, &bundle));
        sqlites.extend(sqlite.as_deref().and_then(|s| sqlite_import(s, &csv)));
    }
    let merge = median(merges);
    match (!sqlites.is_empty()).then(|| median(sqlites)) {
        Some(sqlite) => {
            let ratio = merge.as_secs_f64() / sqlite.as_secs_f64();
            line(
                &format!(
                    "verify + merge 100,000 versions (sqlite3 .import: {})",
                    ms(sqlite)
                ),
                format!("{} = {ratio:.2}x", ms(merge)),
                "2.00x".into(),
                ratio <= 2.0,
            );
        }
        None => line(
            "verify + merge 100,000 versions (no sqlite3 to compare)",
            ms(merge),
            "2x sqlite3".into(),
            false,
        ),
    }

    floors(&commune.parent().unwrap().join("rows.csv"));

    let (took, versions, bytes) = arrival();
    println!(
        "{:<58} {:>14}",
        format!(
            "10,000 people: six bundles ({versions} versions, {:.1} MB) to the report",
            bytes as f64 / 1e6
        ),
        ms(took)
    );

    if std::env::var_os("TOTHON_BENCH_SMALL").is_some() {
        return;
    }
    let (commune, bundle, export_took) = setup(1_000_000);
    println!(
        "{:<58} {:>14}",
        "export 1,000,000 versions (no budget)",
        ms(export_took)
    );
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .arg("--import")
        .arg(&commune)
        .arg(&bundle)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let took: u64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::MAX);
    let kib: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    line(
        "verify + merge 1,000,000 versions",
        format!("{:.2} s", took as f64 / 1e3),
        "8.00 s".into(),
        took <= 8_000,
    );
    // the budgets' megabytes are millions of bytes, as in the budgets bench.
    let mb = kib as f64 * 1024.0 / 1e6;
    line(
        "peak memory, verify + merge 1,000,000 versions",
        format!("{mb:.1} MB"),
        "300 MB".into(),
        kib > 0 && mb <= 300.0,
    );
    if std::env::var_os("TOTHON_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(root());
    }
}
