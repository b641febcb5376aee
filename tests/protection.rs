//! Citizens' data protected (issue 18): what tothon encrypts opens with the
//! real `age` command and nothing else, and what `age` encrypts opens in
//! tothon; a bundle is checked by anyone with `minisign` and `sha256sum`
//! and read by its receiver alone; keys cost what minisign's cost, and a
//! weak passphrase is refused.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{COMMUNE, PASS, content, fails, save_activation, stdout, tothon};
use tothon::bundle::age::{self, Decrypt, Identity};
use tothon::bundle::key::Cost;
use tothon::store::Store;

/// Runs `cmd` in `dir` through `sh`; returns whether it succeeded and what
/// it printed (both streams).
fn sh(dir: &Path, cmd: &str) -> (bool, String) {
    let out = Command::new("sh")
        .args(["-c", cmd])
        .current_dir(dir)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), said)
}

/// Runs a tool that must succeed; returns what it printed.
fn succeeded(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The entries of a bundle, written as `unzip` would write them.
fn unzip(bundle: &Path, into: &Path) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(into).unwrap();
    let bytes = std::fs::read(bundle).unwrap();
    let entries =
        tothon::bundle::archive::read(&bytes, &tothon::bundle::archive::LIMITS, |_| Some(1 << 30))
            .unwrap();
    entries
        .into_iter()
        .map(|(name, data)| {
            let path = into.join(name);
            std::fs::write(&path, data).unwrap();
            path
        })
        .collect()
}

/// Every way a text can lie in a file: as written, in UTF-16 (both byte
/// orders) and folded (no accents, no case, no spaces).
fn forms_of(text: &str) -> Vec<Vec<u8>> {
    let utf16 = |le: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    };
    vec![
        text.as_bytes().to_vec(),
        utf16(true),
        utf16(false),
        tothon::domain::text::key(text).into_bytes(),
    ]
}

/// Every file under `dir`, in its folders too.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The files under `dir` (recursively) holding any form of any of `secrets`.
/// One pass a file: each form is looked up by its first four bytes.
fn holding(dir: &Path, secrets: &[&str]) -> Vec<String> {
    let mut by_start: std::collections::HashMap<[u8; 4], Vec<(Vec<u8>, &str)>> =
        std::collections::HashMap::new();
    for s in secrets {
        for form in forms_of(s) {
            if let Some(start) = form.get(..4) {
                let start: [u8; 4] = start.try_into().unwrap();
                by_start.entry(start).or_default().push((form, s));
            }
        }
    }
    let mut found = Vec::new();
    for p in files_under(dir) {
        let bytes = std::fs::read(&p).unwrap();
        let mut held = std::collections::BTreeSet::new();
        for at in 0..bytes.len().saturating_sub(3) {
            let start: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
            for (form, secret) in by_start.get(&start).into_iter().flatten() {
                if bytes[at..].starts_with(form) {
                    held.insert(*secret);
                }
            }
        }
        found.extend(
            held.into_iter()
                .map(|s| format!("{} holds {s}", p.display())),
        );
    }
    found
}

/// Whether a command-line tool is installed (a failure on CI when not).
fn have(tool: &str) -> bool {
    common::installed(&[tool]).is_some()
}

#[test]
fn the_age_format_is_the_age_commands_both_ways() {
    if !have("age") || !have("age-keygen") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    let made = Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .unwrap();
    assert!(made.status.success());
    let text = std::fs::read_to_string(&key).unwrap();
    let secret = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap();
    let identity = Identity::parse(secret).unwrap();
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap();
    assert_eq!(identity.recipient().to_string(), public);

    // Ours to theirs, over several chunks.
    let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    let other = Identity::from_secret([5; 32]);
    let sealed = age::encrypt(&plain, &[other.recipient(), identity.recipient()]).unwrap();
    let file = dir.path().join("data.csv.age");
    std::fs::write(&file, &sealed).unwrap();
    let out = succeeded(Command::new("age").arg("-d").arg("-i").arg(&key).arg(&file));
    assert_eq!(out.stdout, plain);

    // Theirs to ours, to us and to someone else.
    let theirs = dir.path().join("theirs.age");
    succeeded(
        Command::new("age")
            .args(["-r", public, "-r"])
            .arg(other.recipient().to_string())
            .arg("-o")
            .arg(&theirs)
            .arg(dir.path().join("data.csv.age")),
    );
    let bytes = std::fs::read(&theirs).unwrap();
    for id in [&identity, &other] {
        let mut back = Vec::new();
        Decrypt::new(bytes.as_slice(), id)
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, sealed);
    }
    assert!(Decrypt::new(bytes.as_slice(), &Identity::from_secret([6; 32])).is_err());
}

/// The identity an age key file (`tothon key identity`) holds.
fn identity_in(file: &Path) -> Identity {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1"));
    Identity::parse(line.unwrap()).unwrap()
}

/// What a team sends the office: checked by anyone with the standard tools
/// (the README's commands), read by the office's identity with `age`, and
/// by no other device's; nothing personal in any file of it, encrypted or
/// not.
#[test]
fn a_team_bundle_is_checked_by_anyone_and_read_by_the_office_alone() {
    let c = common::Commune::with_teams([2, 3]);
    let id = "034090123456";
    save_activation(
        &c.team(3),
        id,
        "activated_level2",
        &["--set", "phone=0912345678"],
    );
    let bundle = c.export(&c.team(3), "out")[0].clone();
    let unpacked = c.path("unpacked");
    let files = unzip(&bundle, &unpacked);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&"activation.csv.age".to_string()),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".age") || n.starts_with("manifest")),
        "{names:?}"
    );
    let secrets = [id, "0912345678", "Nguyễn Văn An"];
    assert_eq!(holding(&unpacked, &secrets), Vec::<String>::new());
    assert_eq!(
        holding(bundle.parent().unwrap(), &secrets),
        Vec::<String>::new()
    );

    let key = |dir: &Path, name: &str| {
        let file = c.path(name);
        stdout(tothon(dir).args(["key", "identity", "--out"]).arg(&file));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{name} is readable by others: {mode:o}");
        }
        file
    };
    let office_key = key(&c.commune(), "commune.key");
    let team2_key = key(&c.team(2), "team2.key");
    // The identity file is age's own: the public key it names is the one
    // `key show` prints.
    let shown = stdout(tothon(&c.commune()).args(["key", "show"]));
    let office_age = shown.lines().nth(2).unwrap();
    assert!(
        std::fs::read_to_string(&office_key)
            .unwrap()
            .contains(office_age)
    );

    // With the library, the same: the office reads it, team 2 cannot.
    let sealed = std::fs::read(unpacked.join("activation.csv.age")).unwrap();
    let office = identity_in(&office_key);
    let mut plain = String::new();
    Decrypt::new(sealed.as_slice(), &office)
        .unwrap()
        .read_to_string(&mut plain)
        .unwrap();
    assert!(plain.contains(id), "{plain}");
    let team2 = identity_in(&team2_key);
    assert!(matches!(
        Decrypt::new(sealed.as_slice(), &team2).map(|_| ()),
        Err(age::AgeError::NotForUs)
    ));

    for tool in ["minisign", "age", "sha256sum"] {
        if !have(tool) {
            return;
        }
    }
    std::fs::write(
        c.path("team3.pub"),
        stdout(tothon(&c.team(3)).args(["key", "show"])),
    )
    .unwrap();
    let (ok, said) = sh(
        &unpacked,
        &format!(
            "minisign -Vm manifest.csv -p '{}'",
            c.path("team3.pub").display()
        ),
    );
    assert!(ok && said.contains("sender: team-3"), "{said}");
    let (ok, said) = sh(
        &unpacked,
        "awk -F, '$1==\"file\" {print $3 \"  \" $2}' manifest.csv | sha256sum -c",
    );
    assert!(ok && said.contains("activation.csv.age: OK"), "{said}");
    let (ok, said) = sh(
        &unpacked,
        &format!("age -d -i '{}' activation.csv.age", office_key.display()),
    );
    assert!(ok && said.contains(id), "{said}");
    let (ok, said) = sh(
        &unpacked,
        &format!("age -d -i '{}' activation.csv.age", team2_key.display()),
    );
    assert!(!ok && !said.contains(id), "{said}");
}

/// The office's bundle for team 3 is encrypted to team 3's devices only:
/// team 2's identity opens none of its files, and team 2's device refuses it.
#[test]
fn a_bundle_for_team_3_cannot_be_read_with_team_2s_identity() {
    let c = common::Commune::with_teams([2, 3]);
    save_activation(&c.team(3), "034090123456", "activated_level2", &[]);
    let from3 = c.export(&c.team(3), "from3")[0].clone();
    stdout(tothon(&c.commune()).args(["bundle", "import"]).arg(&from3));
    let for3 = c.export_for_team(3, "back")[0].clone();
    let (two, _) = c.signer(2);
    let (three, _) = c.signer(3);
    let bytes = std::fs::read(&for3).unwrap();
    let read = |id: &Identity| tothon::bundle::read(&bytes, Some(id));
    assert!(matches!(
        read(two.identity()),
        Err(tothon::bundle::BundleError::NotForThisDevice { .. })
    ));
    assert!(read(three.identity()).is_ok());
    let err = fails(tothon(&c.team(2)).args(["bundle", "import"]).arg(&for3));
    assert!(err.contains("tổ 3"), "{err}");
}

/// A wrong passphrase opens nothing and writes nothing: no case, no log
/// entry, nothing set aside.
#[test]
fn a_wrong_passphrase_opens_nothing_and_writes_nothing() {
    let c = common::Commune::with_teams([3]);
    save_activation(&c.team(3), "034090123456", "activated_level2", &[]);
    let bundle = c.export(&c.team(3), "out")[0].clone();
    let before = content(&c.commune());
    let logged = stdout(tothon(&c.commune()).args(["imports"]));
    let err = fails(
        tothon(&c.commune())
            .env("TOTHON_PASSPHRASE", "không phải mật khẩu")
            .args(["bundle", "import"])
            .arg(&bundle),
    );
    assert!(err.contains("Mật khẩu không đúng"), "{err}");
    assert_eq!(content(&c.commune()), before);
    assert_eq!(stdout(tothon(&c.commune()).args(["imports"])), logged);
    assert!(!c.commune().join("rejected").exists());
    // And with the right one it goes in.
    stdout(tothon(&c.commune()).args(["bundle", "import"]).arg(&bundle));
    assert_ne!(content(&c.commune()), before);
}

/// A key made by `init` is encrypted at minisign's own default work within
/// 256 MiB, and the `minisign` command signs with it.
#[test]
fn keys_cost_what_minisigns_cost_and_minisign_signs_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("commune");
    stdout(
        tothon(&office)
            .env_remove("TOTHON_LIGHT_KDF")
            .args(["init", "commune", "--name", COMMUNE]),
    );
    let store = common::open(&office);
    let own = store.own_key().unwrap().unwrap();
    drop(store);
    let cost = Cost::of_secret(&own.encrypted_secret).unwrap();
    // minisign's command-line default: libsodium's "sensitive" limits.
    let minisign_default = Cost {
        opslimit: 1 << 25,
        memlimit: 1 << 30,
    };
    assert!(cost.meets_floor(), "{cost:?}");
    assert!(cost.work() >= minisign_default.work(), "{cost:?}");
    assert!(cost.memory() >= 256 << 20, "{cost:?}");
    assert!(
        cost.memory() <= 512 << 20,
        "an old 2 GB laptop pays it: {cost:?}"
    );

    if !have("minisign") {
        return;
    }
    let key_file = dir.path().join("tothon.key");
    std::fs::write(&key_file, &own.encrypted_secret).unwrap();
    std::fs::write(dir.path().join("note.txt"), "Biên bản họp tổ").unwrap();
    std::fs::write(
        dir.path().join("commune.pub"),
        stdout(tothon(&office).args(["key", "show"])),
    )
    .unwrap();
    let (ok, said) = sh(
        dir.path(),
        &format!("printf '%s\\n' '{PASS}' | minisign -S -s tothon.key -m note.txt"),
    );
    assert!(ok, "{said}");
    let (ok, said) = sh(dir.path(), "minisign -Vm note.txt -p commune.pub");
    assert!(ok, "{said}");
}

/// A passphrase that is short or among the most common is refused when a
/// device is set up, in one sentence, and nothing is written.
#[test]
fn a_weak_passphrase_is_refused_at_set_up() {
    let dir = tempfile::tempdir().unwrap();
    for (weak, why) in [
        ("1234567", "quá ngắn"),
        ("        ", "quá ngắn"),
        ("12345678", "phổ biến"),
        ("Mật Khẩu 123", "phổ biến"),
        ("aaaaaaaaaa", "phổ biến"),
    ] {
        let office = dir.path().join("commune");
        let err = fails(
            tothon(&office)
                .env("TOTHON_PASSPHRASE", weak)
                .args(["init", "commune", "--name", COMMUNE]),
        );
        assert!(err.contains(why), "{weak}: {err}");
        assert!(!Store::exists_in(&office), "{weak}: nothing is written");
    }
}

/// A device set up before bundles were encrypted kept a `.pub` text with no
/// age key: `key show` opens the key (the passphrase), prints the age line
/// and its signature, and keeps them, so the next `key show` asks nothing.
#[test]
fn a_key_from_before_encryption_shows_its_age_key_once_opened() {
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("commune");
    stdout(tothon(&office).args(["init", "commune", "--name", COMMUNE]));
    let full = stdout(tothon(&office).args(["key", "show"]));
    let store = common::open(&office);
    let mut own = store.own_key().unwrap().unwrap();
    own.public = full.lines().take(2).collect::<Vec<_>>().join("\n") + "\n";
    store.set_own_key(&own).unwrap();
    drop(store);
    let err = fails(
        tothon(&office)
            .env_remove("TOTHON_PASSPHRASE")
            .args(["key", "show"]),
    );
    assert!(err.contains("TOTHON_PASSPHRASE"), "{err}");
    let opened = stdout(tothon(&office).args(["key", "show"]));
    // The same keys (the signature of the age key is made anew).
    assert_eq!(
        opened.lines().take(3).collect::<Vec<_>>(),
        full.lines().take(3).collect::<Vec<_>>()
    );
    assert!(tothon::bundle::key::Public::parse(&opened).is_ok_and(|p| p.age.is_some()));
    // Kept: asked again, without the passphrase, the same file.
    let again = stdout(
        tothon(&office)
            .env_remove("TOTHON_PASSPHRASE")
            .args(["key", "show"]),
    );
    assert_eq!(again, opened);
    // And an export (which opens the key) does not change it.
    stdout(
        tothon(&office)
            .args(["bundle", "export", "--out"])
            .arg(dir.path().join("out")),
    );
    assert_eq!(stdout(tothon(&office).args(["key", "show"])), opened);
}

/// Every personal ID, phone and name the demo holds (its register, its
/// work items, every version), read through the stores themselves; only
/// texts of 6 bytes or more (shorter ones turn up by chance in ciphertext).
fn personal_data_of_demo(dir: &Path) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    let personal =
        |field: &str| field.ends_with("_id") || field.contains("phone") || field.contains("name");
    let mut stores = vec![dir.to_path_buf()];
    stores.extend((1..=6).map(|t| tothon::demo::team_dir(dir, t)));
    for d in stores {
        let store = common::open(&d);
        for p in store.people().unwrap() {
            out.extend([p.personal_id, p.full_name, p.phone]);
        }
        for w in store.work_items().unwrap() {
            out.extend(
                w.prefill
                    .into_iter()
                    .filter(|(k, _)| personal(k))
                    .map(|(_, v)| v),
            );
        }
        for v in store.all_versions().unwrap() {
            out.extend(
                v.values
                    .into_iter()
                    .filter(|(k, _)| personal(k))
                    .map(|(_, v)| v),
            );
        }
        let members: Vec<String> = store.setting("members").unwrap().unwrap_or_default();
        out.extend(members);
    }
    out.into_iter().filter(|s| s.len() >= 6).collect()
}

/// Done means: the demo built, a team's bundle sent and taken at the
/// office, a refused bundle kept, a crash note left; then every file
/// tothon wrote (stores, keys, bundles, rejected/, notes) scanned for every
/// personal ID, phone and name of the demo, as written, in UTF-16 and
/// folded: none. The same of every file inside every bundle.
#[test]
fn no_file_tothon_wrote_holds_personal_data_in_plain_text() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("demo");
    common::demo(&dir, 400);
    let team3 = tothon::demo::team_dir(&dir, 3);
    save_activation(
        &team3,
        "034090123456",
        "activated_level2",
        &["--set", "phone=0912345678"],
    );
    let sent = dir.join("sent");
    stdout(
        tothon(&team3)
            .args(["bundle", "export", "--out"])
            .arg(&sent),
    );
    for b in std::fs::read_dir(&sent).unwrap() {
        stdout(
            tothon(&dir)
                .args(["bundle", "import"])
                .arg(b.unwrap().path()),
        );
    }
    let crashed = tothon(&dir)
        .arg("cases")
        .env("TOTHON_PANIC_FOR_TEST", "1")
        .output()
        .unwrap();
    assert!(!crashed.status.success());
    assert_eq!(common::crash_notes(&dir).len(), 1);
    assert!(dir.join("rejected").read_dir().unwrap().count() > 0);

    let secrets = personal_data_of_demo(&dir);
    assert!(secrets.iter().any(|s| s == "034090123456"));
    assert!(secrets.iter().any(|s| s == "0912345678"));
    assert!(secrets.len() > 500, "{} texts", secrets.len());
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let found = holding(&dir, &secrets);
    assert!(found.is_empty(), "{found:#?}");
    // The scan finds what is there: an explicit export (plain on purpose,
    // written outside the folder scanned) holds the people it lists.
    let exports = root.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let list = exports.join("danh-sach.csv");
    let said = stdout(tothon(&dir).args(["worklist", "list", "--out"]).arg(&list));
    assert!(
        said.contains("cá nhân"),
        "the export says it holds personal data: {said}"
    );
    assert!(!holding(&exports, &secrets).is_empty());

    let bundles: Vec<_> = files_under(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    assert!(bundles.len() > 10, "{bundles:?}");
    for (n, b) in bundles.iter().enumerate() {
        let into = root.path().join(format!("unzipped-{n}"));
        // The bundle the demo cuts short on purpose is not a zip at all
        // (the scan above read it whole).
        if b.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("cut-short")
        {
            continue;
        }
        unzip(b, &into);
        let found = holding(&into, &secrets);
        assert!(found.is_empty(), "{}: {found:#?}", b.display());
    }
}

/// `key new --replace` takes the old passphrase first; the data is then
/// under the new key alone. A wrong old passphrase changes nothing.
#[test]
fn a_replaced_key_keeps_the_data_under_the_new_passphrase_only() {
    let c = common::Commune::with_teams([3]);
    let team = c.team(3);
    let record = save_activation(&team, "034090123456", "activated_level2", &[]);
    let key_before = stdout(tothon(&team).args(["key", "show"]));
    let new = "mật khẩu mới của tổ ba";
    let err = fails(
        tothon(&team)
            .env("TOTHON_PASSPHRASE", "không phải mật khẩu")
            .env("TOTHON_NEW_PASSPHRASE", new)
            .args(["key", "new", "--replace"]),
    );
    assert!(err.contains("Mật khẩu không đúng"), "{err}");
    assert_eq!(stdout(tothon(&team).args(["key", "show"])), key_before);
    stdout(
        tothon(&team)
            .env("TOTHON_NEW_PASSPHRASE", new)
            .args(["key", "new", "--replace"]),
    );
    assert_ne!(stdout(tothon(&team).args(["key", "show"])), key_before);
    let err = fails(tothon(&team).args(["cases"]));
    assert!(
        err.contains("Mật khẩu không đúng"),
        "the old passphrase opens nothing: {err}"
    );
    let listed = stdout(tothon(&team).env("TOTHON_PASSPHRASE", new).args(["cases"]));
    assert!(listed.contains(&record), "{listed}");
}
