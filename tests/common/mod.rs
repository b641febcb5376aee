//! Helpers the test files share: the binary as a process, run as a user or
//! a script would, with its answers checked the same way everywhere; the
//! devices and data the tests start from; and (in `tui`) the screens driven
//! with keys.
#![allow(dead_code)] // each test file uses its own part of these

pub mod tui;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tothon::bundle::key::Signer;
use tothon::store::Store;

/// The first of `tools` (other names of one command-line tool) that is
/// installed. On CI (which installs them, `.ci/run`) none is a failure;
/// elsewhere the test says so and skips the check.
pub fn installed<'a>(tools: &[&'a str]) -> Option<&'a str> {
    let found = tools.iter().copied().find(|tool| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    });
    if found.is_none() {
        let tool = tools.join(" or ");
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed"
        );
        eprintln!("note: {tool} is not installed; the check against it was skipped");
    }
    found
}

/// The clock every test's commands run at.
pub const NOW: &str = "2026-11-26T10:00:00+07:00";
/// The passphrase of every key a test makes.
pub const PASS: &str = "mật khẩu thử";
pub const COMMUNE: &str = "Xã Tân Phong";

/// The store in `dir`, opened and unlocked as a sitting opens it: with the
/// tests' passphrase, or the demo's for a demo's store.
pub fn open(dir: &Path) -> Store {
    sitting(dir).0
}

/// [`open`], and the device's key it was opened with (to sign bundles).
pub fn sitting(dir: &Path) -> (Store, Signer) {
    let passphrase = passphrase_of(dir);
    let store = Store::open(dir).unwrap();
    tothon::ops::exchange::unlock(store, passphrase).unwrap()
}

/// The passphrase of the store in `dir`: the demo's for a demo's store
/// (every demo device's is known to all), the tests' for any other.
pub fn passphrase_of(dir: &Path) -> &'static str {
    // A store damaged on purpose may make redb panic as it reads.
    // Looked at only: the forms of this store stay out of the tests' force.
    let demo = tothon::crash::quietly(|| {
        Store::open_to_look(dir)
            .ok()
            .and_then(|s| s.setting::<bool>("demo").ok().flatten())
    })
    .flatten()
    .unwrap_or(false);
    if demo {
        tothon::demo::DEMO_PASSPHRASE
    } else {
        PASS
    }
}

/// A new store for `device` of `commune` in `dir`, set up as `init` sets
/// one up (its key made with the tests' passphrase, at the light cost), and
/// open. Returns a `Result` to be unwrapped, as `Store::create` does.
pub fn create(
    dir: &Path,
    commune: &tothon::domain::commune::Commune,
    device: &tothon::domain::commune::Device,
) -> Result<Store, String> {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let passphrase = (PASS, tothon::bundle::key::Cost::LIGHT);
    tothon::ops::device::set_up_as(dir, commune, device, passphrase, None, now)
        .map(|(store, _)| store)
        .map_err(|e| e.to_string())
}

/// `tothon --data-dir DIR`, at [`NOW`], with [`PASS`] as the passphrase and
/// no `TOTHON_HOME` from the environment.
pub fn tothon(dir: &Path) -> Command {
    Command::from_std(process(dir))
}

/// The same command as [`tothon`], as a plain process: for a test that
/// reads its output as it comes, or kills it.
pub fn process(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tothon"));
    cmd.env("TOTHON_NOW", NOW)
        .env("TOTHON_PASSPHRASE", passphrase_of(dir))
        .env_remove("TOTHON_HOME")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// Runs a command that must succeed; returns its standard output.
pub fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail cleanly; returns its standard error,
/// checked to be one line, with no panic (Rust exits 101 on a panic) and
/// nothing that would reach the terminal raw: no escape sequences, carriage
/// returns, NULs or bidi overrides.
pub fn fails(cmd: &mut Command) -> String {
    refusal(&cmd.output().unwrap())
}

/// [`fails`] for a refusal that lists its problems, one a line (a form
/// spec's): each line as clean as [`fails`] holds its one.
pub fn fails_listing(cmd: &mut Command) -> String {
    checked_refusal(&cmd.output().unwrap(), false)
}

/// The checks of [`fails`], on a command's output already at hand.
pub fn refusal(out: &std::process::Output) -> String {
    checked_refusal(out, true)
}

fn checked_refusal(out: &std::process::Output, one_line: bool) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_ne!(out.status.code(), Some(101), "panic exit: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    if one_line {
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    }
    assert!(
        !err.trim_end().chars().any(|c| (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
        "control characters in: {err:?}"
    );
    err
}

/// The rows of a CSV with a header, each as a map from column name to cell,
/// so a test reads a column by its name and never by its position.
pub fn csv_maps(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// `tothon cases --format csv`: the listing as the office sees it.
pub fn cases_csv(dir: &Path) -> String {
    stdout(tothon(dir).args(["cases", "--format", "csv"]))
}

/// The rows of [`cases_csv`], read by column name. The header is checked to
/// be there, so that no listing at all is never taken for an empty one.
pub fn cases(dir: &Path) -> Vec<HashMap<String, String>> {
    let text = cases_csv(dir);
    assert!(
        text.trim_start_matches('\u{feff}').starts_with("record,"),
        "not a listing: {text:?}"
    );
    csv_maps(&text)
}

/// The listed row of one case, read by column name.
pub fn case_row(dir: &Path, record: &str) -> HashMap<String, String> {
    cases(dir)
        .into_iter()
        .find(|r| r["record"] == record)
        .unwrap_or_else(|| panic!("{record} is not listed in {}", dir.display()))
}

/// Everything a store holds as case data, read through the library: every
/// version, every case's heads, every work item.
pub fn store_content(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = store
        .all_versions()
        .unwrap()
        .into_iter()
        .map(|v| format!("{}:{:?}", v.id, v.values))
        .collect();
    out.extend(
        store
            .cases()
            .unwrap()
            .into_iter()
            .map(|c| format!("{}:{}:{:?}", c.record, c.team, c.heads)),
    );
    out.extend(store.work_items().unwrap().into_iter().map(|w| w.id));
    out
}

/// The listing the office sees plus everything the store holds.
pub fn content(dir: &Path) -> (String, Vec<String>) {
    (cases_csv(dir), store_content(&open(dir)))
}

/// A copy of the store in `from` as the store in `to` (made if need be):
/// the same device, its data as of now.
pub fn copy_store(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(Store::file_in(from), Store::file_in(to)).unwrap();
}

/// The crash notes tothon left in a data folder.
pub fn crash_notes(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("crash-")
        })
        .collect()
}

/// `tothon demo --no-tui` of about `people` people built in `dir` (the
/// commune there, its teams below it); returns what it said.
pub fn demo(dir: &Path, people: usize) -> String {
    stdout(
        tothon(dir)
            .args(["demo", "--no-tui", "--people", &people.to_string(), "--dir"])
            .arg(dir),
    )
}

/// The same demo commune built through the library, for tests that open
/// its screens or need what was planted in it.
pub fn demo_built(dir: &Path, people: usize, seed: u64) -> tothon::demo::Summary {
    tothon::demo::build(dir, &tothon::demo::Options { people, seed }).unwrap()
}

/// Saves a valid activation follow-up of the person `id` with `status`
/// (warnings confirmed), plus any `extra` arguments; returns its record.
pub fn save_activation(dir: &Path, id: &str, status: &str, extra: &[&str]) -> String {
    let out = stdout(
        tothon(dir)
            .args(["case", "new", "--form", "activation", "--author", "Lan"])
            .args(["--set", &format!("person_id={id}")])
            .args([
                "--set",
                "full_name=Nguyễn Văn An",
                "--set",
                "birth_date=1/5/1990",
            ])
            .args(["--set", "sex=Nam", "--set", "target_level=level2"])
            .args(["--set", &format!("status={status}")])
            .args(["--set", "visit_date=20/11/2026", "--confirm"])
            .args(extra),
    );
    out.split_whitespace()
        .find(|w| w.starts_with("AC-"))
        .unwrap()
        .to_string()
}

/// The first work item of `form` nobody has begun, as `worklist list`
/// lists them.
pub fn item_not_started(dir: &Path, form: &str) -> String {
    csv_maps(&stdout(
        tothon(dir).args(["worklist", "list", "--format", "csv"]),
    ))
    .into_iter()
    .find(|r| r["form"] == form && r["status"] == "not_started")
    .unwrap_or_else(|| panic!("no {form} item not started"))["item"]
        .clone()
}

/// Two drafts with an error (a visit on 31/02/2026) on the demo commune
/// in `dir`: one over an activation done at level 2, saying it failed for
/// want of a smartphone, and one on an activation nobody had begun,
/// claiming level 2. Returns the done case's row in `cases` as it was, and
/// the begun item.
pub fn drafts_with_errors(dir: &Path) -> (HashMap<String, String>, String) {
    let done = csv_maps(&stdout(tothon(dir).args([
        "cases",
        "--form",
        "activation",
        "--stage",
        "done",
        "--format",
        "csv",
    ])))
    .into_iter()
    .find(|r| r["field_status"] == "activated_level2")
    .expect("a case done at level 2");
    let item = item_not_started(dir, "activation");
    let over_done = ["case", "edit", &done["record"], "--set", "status=failed"];
    let on_item = ["case", "new", "--form", "activation", "--work-item", &item];
    for (args, set) in [
        (&over_done[..], "blocker=no_smartphone"),
        (&on_item[..], "status=activated_level2"),
    ] {
        let out = stdout(tothon(dir).args(args).args([
            "--set",
            set,
            "--set",
            "visit_date=31/02/2026",
            "--draft",
        ]));
        assert!(out.contains("nháp"), "{out}");
    }
    (done, item)
}

pub use tothon::demo::VILLAGES;

/// The commune of [`VILLAGES`], the N-th village being team N's.
pub fn named_commune() -> tothon::domain::commune::Commune {
    tothon::domain::commune::Commune {
        name: COMMUNE.into(),
        villages: VILLAGES
            .iter()
            .zip(1..)
            .map(|(name, team)| tothon::domain::commune::Village {
                team,
                name: name.to_string(),
            })
            .collect(),
    }
}

/// A commune office and the devices of some of its teams, set up through
/// the binary, keys exchanged, in one folder: `commune/`, `team-N/`, public
/// keys as `commune.pub`, `teamN.pub`.
pub struct Commune {
    root: tempfile::TempDir,
}

impl Commune {
    /// The commune's villages numbered ("Thôn 1".."Thôn 6").
    pub fn with_teams(teams: impl IntoIterator<Item = u8>) -> Commune {
        Commune::with_villages(&[], teams)
    }

    /// The commune set up with its villages named (`init commune --village`
    /// for each, in team order; numbered when `villages` is empty).
    pub fn with_villages(villages: &[&str], teams: impl IntoIterator<Item = u8>) -> Commune {
        let root = tempfile::tempdir().unwrap();
        let c = Commune { root };
        let mut init = tothon(&c.commune());
        init.args(["init", "commune", "--name", COMMUNE]);
        for v in villages {
            init.args(["--village", v]);
        }
        stdout(&mut init);
        let key = stdout(tothon(&c.commune()).args(["key", "show"]));
        std::fs::write(c.path("commune.pub"), key).unwrap();
        for t in teams {
            c.set_up_device(t, &c.team(t), &format!("team{t}.pub"));
        }
        c
    }

    /// Sets a device up for team `t` in `dir` as README says: `init team`
    /// with the commune's key, its own `.pub` file written to `pub_name` in
    /// the folder and trusted by the commune. Returns that file.
    pub fn set_up_device(&self, t: u8, dir: &Path, pub_name: &str) -> PathBuf {
        stdout(
            tothon(dir)
                .args(["init", "team", "--commune", COMMUNE, "--team"])
                .arg(t.to_string())
                .arg("--commune-key")
                .arg(self.path("commune.pub")),
        );
        let file = self.path(pub_name);
        std::fs::write(&file, stdout(tothon(dir).args(["key", "show"]))).unwrap();
        stdout(
            tothon(&self.commune())
                .args(["trust", "--team"])
                .arg(t.to_string())
                .arg(&file),
        );
        file
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    pub fn commune(&self) -> PathBuf {
        self.path("commune")
    }

    pub fn team(&self, t: u8) -> PathBuf {
        self.path(&format!("team-{t}"))
    }

    /// Exports from `dir` into a fresh folder; returns the bundle paths.
    pub fn export(&self, dir: &Path, into: &str) -> Vec<PathBuf> {
        let out = self.path(into);
        stdout(tothon(dir).args(["bundle", "export", "--out"]).arg(&out));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// Exports the commune's bundles into a fresh folder; returns the one
    /// for team `t`.
    pub fn export_for_team(&self, t: u8, into: &str) -> Vec<PathBuf> {
        let tag = format!("-to-team{t}-");
        self.export(&self.commune(), into)
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&tag))
            .collect()
    }

    /// The commune's own signing key, opened: its identity reads what the
    /// teams send.
    pub fn commune_signer(&self) -> Signer {
        let store = Store::open(&self.commune()).unwrap();
        let own = store.own_key().unwrap().unwrap();
        Signer::unlock(&own.encrypted_secret, PASS).unwrap()
    }

    /// Team `t`'s own signing key and device id, as its device would use them.
    pub fn signer(&self, t: u8) -> (Signer, String) {
        let store = Store::open(&self.team(t)).unwrap();
        let own = store.own_key().unwrap().unwrap();
        let device = store.device().unwrap().id;
        (Signer::unlock(&own.encrypted_secret, PASS).unwrap(), device)
    }

    /// Writes a (hand-made) bundle file into the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// The key id a `.pub` file names in its first line ("… public key ID").
pub fn key_id_of(public: &str) -> String {
    public
        .lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or_default()
        .to_string()
}

/// A tmpfs mounted for the length of a test, unmounted on drop (also when
/// the test fails): a disk that can be filled. `None`, with a note why,
/// where none can be mounted (not root, not Linux, a sandbox without mount).
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    pub fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        let skip = |why: &str| {
            eprintln!("note: full-disk test skipped: {why}");
            None
        };
        if !cfg!(target_os = "linux") {
            return skip("a tmpfs needs Linux");
        }
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs(at.to_path_buf())),
            Ok(o) => skip(&format!(
                "cannot mount a tmpfs (root needed): {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => skip(&format!("cannot run mount: {e}")),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Fills the file system `dir` is on to its last byte, with a file `filler`
/// in `dir`.
pub fn fill(dir: &Path) {
    use std::io::Write;
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut len = chunk.len();
    while len > 0 {
        match filler.write(&chunk[..len]) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => len /= 2,
        }
    }
    let _ = filler.sync_all();
}

/// A form spec as the commune adds one (`tothon form add`): a clean-water
/// check of households, version 1.
pub const WATER: &str = r#"{
  "id": "water_check", "code": "NS", "version": 1,
  "label": {"vi": "Kiểm tra nước sạch", "en": "Clean water check"},
  "short": {"vi": "Nước sạch", "en": "Water"},
  "subject": "household", "title": ["head_name"], "search": ["head_name"],
  "outcome": "result",
  "fields": [
    {"id": "head_name", "label": {"vi": "Chủ hộ", "en": "Head"}, "kind": "name", "required": true},
    {"id": "result", "label": {"vi": "Kết quả", "en": "Result"}, "kind": "choice", "choices": [
      {"id": "clean", "vi": "Có nước sạch", "en": "Clean water"},
      {"id": "none", "vi": "Không có", "en": "None"}]}
  ],
  "done_when": [[{"field": "result", "set": true}]], "blocked_when": []
}"#;

/// Version 2 of [`WATER`], changed by `change`.
pub fn water_v2(change: impl Fn(String) -> String) -> String {
    change(WATER.replace(r#""version": 1"#, r#""version": 2"#))
}
