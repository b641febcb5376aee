//! Citizens' data protected (issue 18): what tothon encrypts opens with the
//! real `age` command and nothing else, and what `age` encrypts opens in
//! tothon.

mod common;

use std::io::Read;
use std::process::Command;

use tothon::bundle::age::{self, Decrypt, Identity};

/// Whether a command-line tool is installed; on CI (which installs them,
/// `.ci/run`) a missing one is a failure.
fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed"
        );
        eprintln!("note: {tool} is not installed; the check against it was skipped");
    }
    found
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
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, plain);

    // Theirs to ours, to us and to someone else.
    let theirs = dir.path().join("theirs.age");
    let out = Command::new("age")
        .args(["-r", public, "-r"])
        .arg(other.recipient().to_string())
        .arg("-o")
        .arg(&theirs)
        .arg(dir.path().join("data.csv.age"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
