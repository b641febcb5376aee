//! Keeps the release binary under its 6 MB budget (BENCHMARKS.md, issue 18):
//!
//! * deflates the data files the binary carries (`data/*.csv`,
//!   `data/*.json`, `data/forms/*.json`) into `OUT_DIR`, where
//!   `src/domain/embedded.rs` includes them: 62 KB of text take about 17 KB
//!   so, and the inflater is in the binary anyway (the zip reader's, for
//!   workbooks);
//! * on x86-64 Linux, links the `tothon` binary with identical code folding
//!   (see `link_args`).

use std::io::Write;
use std::path::Path;

fn main() {
    deflate_data();
    link_args();
}

/// LLD, rustc's linker for x86-64 Linux since Rust 1.90 (the
/// rust-version), folds functions whose code is identical (`--icf=all`):
/// the many copies of generic code that differ only in type end up the
/// same machine code (−46 KB). Rust promises no distinct addresses for
/// functions (rustc marks them `unnamed_addr`), so folding them is sound.
///
/// Not `-no-pie` (137 KB less): the binary's own code and data would load
/// at a fixed address, which makes a memory bug easier to exploit in a
/// program that reads bundles and workbooks from anyone's USB stick; nor
/// packed relocations, which need glibc 2.36 to run. The Windows build
/// (`.ci/windows`, GNU ld) is linked as before.
fn link_args() {
    if std::env::var("TARGET").as_deref() == Ok("x86_64-unknown-linux-gnu") {
        println!("cargo::rustc-link-arg-bins=-Wl,--icf=all");
    }
}

fn deflate_data() {
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out).join("data");
    // A folder is watched whole: any file in it changed, added or removed.
    println!("cargo::rerun-if-changed=data");
    for dir in ["data", "data/forms"] {
        std::fs::create_dir_all(out.join(dir.trim_start_matches("data").trim_start_matches('/')))
            .expect("OUT_DIR is writable");
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("the data folder is part of the source")
            .map(|e| e.expect("the data folder is readable").path())
            .filter(|p| {
                p.is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("csv" | "json"))
            })
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read(&path).expect("a data file is readable");
            let relative = path.strip_prefix("data").expect("under data/");
            let mut packed = flate2::write::DeflateEncoder::new(
                Vec::with_capacity(text.len() / 2),
                flate2::Compression::best(),
            );
            packed.write_all(&text).expect("deflating into memory");
            let packed = packed.finish().expect("deflating into memory");
            let mut name = relative.as_os_str().to_owned();
            name.push(".deflate");
            std::fs::write(out.join(name), packed).expect("OUT_DIR is writable");
        }
    }
}
