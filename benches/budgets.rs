//! Measures the budgets of the budgets (BENCHMARKS.md) that concern the screens and the
//! store, on data from the demo generator, in a release build:
//! `cargo bench --bench budgets`. Prints one line per budget with the median
//! of several runs and the budget beside it.
//!
//! Data is built once into `target/bench-data/people-<n>` and reused.
//! Memory is measured in a child process (this same binary, `--memory DIR`)
//! so the data building does not count.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tothon::i18n::Lang;
use tothon::store::Store;
use tothon::tui::App;

/// A commune of 10,000 people, and one with about 100,000 cases.
const SMALL: usize = 10_000;
const LARGE: usize = 210_000;

fn data_dir(people: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("people-{people}"));
    if !Store::exists_in(&dir) {
        let t = Instant::now();
        let s = tothon::demo::build(&dir, &tothon::demo::Options { people, seed: 6 }).unwrap();
        eprintln!(
            "built {} people, {} cases, {} versions in {:.1?}",
            s.people,
            s.cases,
            s.versions,
            t.elapsed()
        );
    }
    dir
}

/// The demo's store in `dir`, unlocked with the demo's passphrase (a
/// sitting's first step; a store from before sealing is sealed now).
fn unlocked(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    tothon::ops::exchange::unlock(store, tothon::demo::DEMO_PASSPHRASE)
        .unwrap()
        .0
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn report(what: &str, took: Duration, budget: Duration) {
    let ok = if took <= budget { "ok" } else { "OVER" };
    println!(
        "{what:<62} {:>9.3} ms   budget {:>7.1} ms   {ok}",
        took.as_secs_f64() * 1e3,
        budget.as_secs_f64() * 1e3
    );
}

fn key(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
    app.finish_work();
}

fn frame(app: &mut App, term: &mut Terminal<TestBackend>) -> Duration {
    let t = Instant::now();
    term.draw(|f| app.render(f)).unwrap();
    t.elapsed()
}

/// Open the store and unlock it (timed on its own: the key's derivation,
/// at the demo's light cost); then build the screens and draw the first
/// frame ("who is working", drawn while the work list loads); then, as if
/// the user answered at once, Enter and the home screen drawn from the
/// whole list.
fn first_frame(dir: &Path) -> (Duration, Duration, Duration) {
    let t = Instant::now();
    let store = unlocked(dir);
    let unlock = t.elapsed();
    let t = Instant::now();
    let mut app = App::open(store, Lang::Vi).unwrap();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| app.render(f)).unwrap();
    let first = t.elapsed();
    key(&mut app, KeyCode::Enter);
    term.draw(|f| app.render(f)).unwrap();
    (unlock, first, t.elapsed())
}

/// An app past the "who is working" screen, on the work list.
fn on_list(dir: &Path) -> App {
    let mut app = App::open(unlocked(dir), Lang::Vi).unwrap();
    key(&mut app, KeyCode::Enter);
    // The commune opens on the progress table; Esc goes to the list.
    key(&mut app, KeyCode::Esc);
    app
}

fn frames(app: &mut App, n: usize) -> Duration {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    frame(app, &mut term);
    median((0..n).map(|_| frame(app, &mut term)).collect())
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The child's part: open, browse, search, and print peak memory.
fn memory_child(dir: &Path) {
    let mut app = on_list(dir);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for c in "nguyen van".chars() {
        key(&mut app, KeyCode::Char(c));
        frame(&mut app, &mut term);
    }
    for _ in 0..200 {
        key(&mut app, KeyCode::PageDown);
        frame(&mut app, &mut term);
    }
    key(&mut app, KeyCode::F(7));
    frame(&mut app, &mut term);
    match peak_memory_kib() {
        Some(k) => println!("{k}"),
        None => println!("0"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(Store::file_in(from), Store::file_in(to)).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--memory") {
        memory_child(Path::new(&args[pos + 1]));
        return;
    }
    // `cargo bench --bench budgets -- register`: the register's search alone.
    if args.iter().any(|a| a == "register") {
        register_search(&data_dir(LARGE));
        return;
    }
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    for (people, budget_ms) in [(SMALL, 50u64), (LARGE, 150)] {
        let dir = data_dir(people);
        let cases = unlocked(&dir).case_count().unwrap();
        let (mut unlock, mut first, mut home) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..7 {
            let (u, f, h) = first_frame(&dir);
            unlock.push(u);
            first.push(f);
            home.push(h);
        }
        println!(
            "{:<62} {:>9.3} ms   (no budget: the demo key's light cost)",
            format!("unlock (open the key and the store), {people} people"),
            median(unlock).as_secs_f64() * 1e3
        );
        report(
            &format!("after the unlock, first frame, {people} people / {cases} cases"),
            median(first),
            Duration::from_millis(budget_ms),
        );
        println!(
            "{:<62} {:>9.3} ms   (no budget: the whole list loaded)",
            format!("  and to the home screen at once after Enter, {people} people"),
            median(home).as_secs_f64() * 1e3
        );
    }

    let dir = data_dir(LARGE);
    let one_ms = Duration::from_millis(1);
    let mut app = on_list(&dir);
    report(
        "one frame, work list, 100,000 cases, 120x40",
        frames(&mut app, 50),
        one_ms,
    );
    key(&mut app, KeyCode::F(7));
    report(
        "one frame, progress table (commune home), 120x40",
        frames(&mut app, 50),
        one_ms,
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    report(
        "one frame, form screen, 120x40",
        frames(&mut app, 50),
        one_ms,
    );
    key(&mut app, KeyCode::Esc);

    // Search as you type: each keystroke is handled and drawn.
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (per_key, _) = search_as_you_type(&mut app, &mut term);
    report(
        "search as you type, 100,000 cases, median keystroke",
        median(per_key.clone()),
        Duration::from_millis(10),
    );
    report(
        "search as you type, 100,000 cases, slowest keystroke",
        *per_key.last().unwrap(),
        Duration::from_millis(10),
    );
    drop(app);

    // Saving one case: Ctrl+S on an edited form, on a copy of the data.
    let copy = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/save-copy");
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&dir, &copy);
    let mut app = on_list(&copy);
    let mut saves = Vec::new();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let text = |app: &mut App, term: &mut Terminal<TestBackend>| {
        term.draw(|f| app.render(f)).unwrap();
        let cells = term.backend().buffer().content();
        cells.iter().map(|c| c.symbol()).collect::<String>()
    };
    for i in 0..21 {
        key(&mut app, KeyCode::Enter);
        // Conflicts open side by side, not as a form: take the next case.
        while text(&mut app, &mut term).contains("Xung đột ·") {
            key(&mut app, KeyCode::Esc);
            key(&mut app, KeyCode::Down);
            key(&mut app, KeyCode::Enter);
        }
        for _ in 0..30 {
            key(&mut app, KeyCode::Tab);
        }
        for c in format!("ghi chú {i}").chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let t = Instant::now();
        app.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let mut took = t.elapsed();
        // A case not begun still has required fields open: the form offers
        // to keep it as a draft, which is the same one transaction.
        if text(&mut app, &mut term).contains("Enter: lưu nháp") {
            let t = Instant::now();
            key(&mut app, KeyCode::Enter);
            took += t.elapsed();
        }
        saves.push(took);
        let after = text(&mut app, &mut term);
        assert!(after.contains("Đã lưu"), "the save did not happen: {after}");
        key(&mut app, KeyCode::Down);
    }
    report(
        "save one case (one committed transaction)",
        median(saves),
        Duration::from_millis(5),
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&copy);

    register_import(&dir);
    register_search(&dir);

    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .arg("--memory")
        .arg(&dir)
        .output()
        .unwrap();
    let kib: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    if kib == 0 {
        println!("peak memory while browsing 100,000 cases: not measured on this platform");
    } else {
        println!(
            "{:<62} {}",
            "peak memory while browsing 100,000 cases",
            against_megabytes(kib * 1024, 60.0)
        );
    }
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/tothon");
    if let Ok(meta) = std::fs::metadata(&binary) {
        println!(
            "{:<62} {}",
            "release binary (target/release/tothon)",
            against_megabytes(meta.len(), 6.0)
        );
    }
}

/// Importing a register of 100,000 people from the commune's spreadsheet
/// (CSV, as a commune's export writes it) into a fresh commune store: the
/// preview (read, checked, planned) and the write, as `tothon register
/// import --yes` does them. Median of 3.
fn register_import(from: &Path) {
    use tothon::domain::commune::{Device, Role};
    let source = unlocked(from);
    let commune = source.commune().unwrap();
    let people: Vec<_> = source.people().unwrap().into_iter().take(100_000).collect();
    drop(source);
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let file = base.join("register-100000.csv");
    let mut w = csv::Writer::from_path(&file).unwrap();
    w.write_record([
        "Số định danh",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Mã hộ",
        "Quan hệ với chủ hộ",
        "Thôn",
        "Dân tộc",
        "Tôn giáo",
    ])
    .unwrap();
    for p in &people {
        let sex = match p.sex {
            Some(tothon::domain::rules::Sex::Male) => "Nam",
            Some(tothon::domain::rules::Sex::Female) => "Nữ",
            None => "",
        };
        let village = commune.village(p.team).map_or("", |v| v.name.as_str());
        w.write_record([
            p.personal_id.as_str(),
            &p.full_name,
            &p.birth_date,
            sex,
            &p.household,
            &p.relation,
            village,
            &p.ethnicity,
            &p.religion,
        ])
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let mut took = Vec::new();
    for _ in 0..3 {
        let dir = base.join("register-import");
        let _ = std::fs::remove_dir_all(&dir);
        let device = Device {
            id: "BENCH0".into(),
            role: Role::Commune,
        };
        let store = Store::create(&dir, &commune, &device).unwrap();
        let t = Instant::now();
        let options = tothon::ops::register::options(false);
        let preview = tothon::ops::register::preview_file(&store, &file, &options).unwrap();
        let written = tothon::ops::register::apply(&store, &preview).unwrap();
        took.push(t.elapsed());
        assert_eq!(written, people.len(), "every row imported");
    }
    report(
        "import a register of 100,000 people (preview and write)",
        median(took),
        Duration::from_secs(5),
    );
    let _ = std::fs::remove_dir_all(base.join("register-import"));
    let _ = std::fs::remove_file(&file);
}

/// "nguyen van an" typed letter by letter and erased again, 5 times: how
/// long each letter typed, and each erased, took to be handled and drawn;
/// each list shortest first.
fn search_as_you_type(
    app: &mut App,
    term: &mut Terminal<TestBackend>,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut press = |app: &mut App, code: KeyCode| {
        let t = Instant::now();
        key(app, code);
        term.draw(|f| app.render(f)).unwrap();
        t.elapsed()
    };
    let (mut typed, mut erased) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        for c in "nguyen van an".chars() {
            typed.push(press(app, KeyCode::Char(c)));
        }
        for _ in 0.."nguyen van an".len() {
            erased.push(press(app, KeyCode::Backspace));
        }
    }
    typed.sort();
    erased.sort();
    (typed, erased)
}

/// The median and slowest of `per_key` (shortest first) against the
/// budget of a keystroke.
fn report_keystrokes(what: &str, per_key: &[Duration]) {
    let budget = Duration::from_millis(10);
    report(&format!("{what}, median"), median(per_key.to_vec()), budget);
    report(
        &format!("{what}, slowest"),
        per_key[per_key.len() - 1],
        budget,
    );
}

/// A new case's search of the register as you type. The search alone over
/// the budget's 100,000 people (the commune's first), then through the
/// screens on the whole commune of 210,000: F8, the household check chosen
/// (the register is read then, once: reported, no budget), "nguyen van an"
/// typed letter by letter and erased, 5 times, each keystroke handled and
/// drawn at 120x40.
fn register_search(dir: &Path) {
    let all = unlocked(dir).people().unwrap();
    let people = all.len();
    let register: tothon::domain::register::Register = all.into_iter().take(100_000).collect();
    let mut found = register.find("");
    let query = "nguyen van an";
    let mut typed = Vec::new();
    for _ in 0..5 {
        for n in 1..=query.len() {
            let t = Instant::now();
            register.refine(&mut found, &query[..n]);
            typed.push(t.elapsed());
        }
        register.refine(&mut found, "");
    }
    drop(register);
    typed.sort();
    report_keystrokes("search the register alone, 100,000 people", &typed);

    let mut app = on_list(dir);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    key(&mut app, KeyCode::F(8));
    let t = Instant::now();
    key(&mut app, KeyCode::Enter);
    term.draw(|f| app.render(f)).unwrap();
    let loaded = t.elapsed();
    println!(
        "{:<62} {:>9.3} ms   (no budget: once a screen)",
        format!("read the register for a new case, {people} people"),
        loaded.as_secs_f64() * 1e3
    );
    let (typed, erased) = search_as_you_type(&mut app, &mut term);
    report_keystrokes(
        &format!("search the register, {people} people, typing"),
        &typed,
    );
    report_keystrokes(
        &format!("search the register, {people} people, erasing"),
        &erased,
    );
}

/// A size against a budget the budgets give in MB, read strictly as
/// millions of bytes (a MiB is 5 % more): the size in MB and in MiB.
fn against_megabytes(bytes: u64, budget: f64) -> String {
    let mb = bytes as f64 / 1e6;
    let ok = if mb <= budget { "ok" } else { "OVER" };
    let mib = bytes as f64 / 1024.0 / 1024.0;
    format!("{mb:>9.2} MB   budget {budget:>7.1} MB   {ok}  ({mib:.2} MiB)")
}
