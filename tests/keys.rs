//! Key files from any Windows shell: `key show --out` writes the file
//! itself, and `trust` reads a `.pub` file in UTF-8 with or without a
//! byte-order mark, or in UTF-16 with one (Windows PowerShell 5.1's `>`
//! writes UTF-16 little-endian with CRLF line ends).

mod common;

use common::{COMMUNE, stdout, tothon};

/// A commune and team 3's device, not yet trusting each other; returns
/// their folders and team 3's public key as `key show` prints it.
fn two_devices(root: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let (commune, team) = (root.join("commune"), root.join("team3"));
    stdout(tothon(&commune).args(["init", "commune", "--name", COMMUNE]));
    stdout(tothon(&team).args(["init", "team", "--team", "3", "--commune", COMMUNE]));
    let key = stdout(tothon(&team).args(["key", "show"]));
    (commune, team, key)
}

fn trusts(commune: &std::path::Path, file: &std::path::Path) -> String {
    stdout(
        tothon(commune)
            .args(["--lang", "en", "trust", "--team", "3"])
            .arg(file),
    )
}

#[test]
fn key_show_out_writes_the_file_and_the_commune_trusts_it() {
    let root = tempfile::tempdir().unwrap();
    let (commune, team, key) = two_devices(root.path());
    let file = root.path().join("team3.pub");
    stdout(tothon(&team).args(["key", "show", "--out"]).arg(&file));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), key);
    assert!(trusts(&commune, &file).contains("team 3"));
}

#[test]
fn a_powershell_utf16_key_file_and_a_utf8_bom_one_are_trusted() {
    let root = tempfile::tempdir().unwrap();
    let (commune, _, key) = two_devices(root.path());
    let crlf = key.replace('\n', "\r\n");
    let mut utf16 = vec![0xff, 0xfe];
    for unit in crlf.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let file = root.path().join("team3-powershell.pub");
    std::fs::write(&file, &utf16).unwrap();
    let id = common::key_id_of(&key);
    let said = trusts(&commune, &file);
    assert!(said.contains(&id) && said.contains("team 3"), "{said}");

    let bom = root.path().join("team3-bom.pub");
    std::fs::write(&bom, [&[0xef, 0xbb, 0xbf][..], key.as_bytes()].concat()).unwrap();
    assert!(trusts(&commune, &bom).contains("team 3"));

    let odd = root.path().join("odd.pub");
    std::fs::write(&odd, [0xff, 0xfe, 0x41]).unwrap();
    let err = common::fails(
        tothon(&commune)
            .args(["--lang", "en", "trust", "--team", "3"])
            .arg(&odd),
    );
    assert!(err.contains("odd.pub"), "{err}");
}
