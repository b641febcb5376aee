//! The zip container of a bundle.
//!
//! Writing: entries are *stored* (not compressed), in the order given, with a
//! fixed time and mode, so the same files always give the same zip bytes and
//! nothing in the container escapes the checks (every byte of a data file is
//! under a SHA-256 in the signed manifest, and the container itself must be
//! exactly what [`write`] makes of its entries).
//!
//! Reading: the zip is untrusted. Names are checked, sizes are checked as
//! declared and again while reading through a bounded reader, and nothing is
//! ever decompressed: a compressed entry is refused before it is read.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::BundleError;

/// How much a bundle may hold. A commune of 100,000 people makes team bundles
/// of a few MB; the bounds leave room for a million versions while refusing a
/// file that would exhaust an old laptop's memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The whole `.zip` file.
    pub bundle: u64,
    /// Any one data file (CSV) inside.
    pub data_file: u64,
    /// `manifest.csv` and its signature.
    pub manifest: u64,
    /// Number of entries.
    pub entries: usize,
}

pub const LIMITS: Limits = Limits {
    bundle: 512 * 1024 * 1024,
    data_file: 256 * 1024 * 1024,
    manifest: 64 * 1024,
    entries: 16,
};

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(false)
}

/// Writes the entries, in this order, into a zip.
pub fn write(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, BundleError> {
    let zip_err = |e: zip::result::ZipError| BundleError::NotAZip {
        detail: e.to_string(),
    };
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, options()).map_err(zip_err)?;
        w.write_all(data).map_err(|e| BundleError::NotAZip {
            detail: e.to_string(),
        })?;
    }
    Ok(w.finish().map_err(zip_err)?.into_inner())
}

/// True for a plain file name: no folders, no way out of the folder it is
/// unpacked into, nothing a file system would read specially.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.contains("..")
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Untrusted text (an entry name, a manifest value) as it may be shown in an
/// error message: at most 64 characters, and no control characters or bidi
/// overrides, which would break the message's line or let a hostile file
/// drive the terminal. Those are written as `\u{1b}`.
pub fn printable(s: &str) -> String {
    escaped(s, 64)
}

/// Like [`printable`] but at most `max` characters (for paths, which are
/// long but must be shown whole enough to be found).
pub fn escaped(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads every entry of an untrusted zip. `limit_of(name)` is the size limit
/// of an expected entry, `None` for a name that has no business in a bundle.
pub fn read(
    bytes: &[u8],
    limits: &Limits,
    limit_of: impl Fn(&str) -> Option<u64>,
) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    if bytes.len() as u64 > limits.bundle {
        return Err(BundleError::TooBig {
            size: bytes.len() as u64,
            limit: limits.bundle,
        });
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| BundleError::NotAZip {
        detail: e.to_string(),
    })?;
    if archive.len() > limits.entries {
        return Err(BundleError::TooManyEntries {
            count: archive.len(),
            limit: limits.entries,
        });
    }
    if archive.has_duplicate_names() {
        return Err(BundleError::DuplicateName);
    }
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index_raw(i).map_err(|e| BundleError::NotAZip {
            detail: e.to_string(),
        })?;
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        if !is_plain_name(&name) {
            return Err(BundleError::UnsafeName {
                name: printable(&name),
            });
        }
        let limit =
            limit_of(&name).ok_or_else(|| BundleError::UnexpectedName { name: name.clone() })?;
        if file.encrypted() {
            return Err(BundleError::Encrypted { name });
        }
        if file.compression() != CompressionMethod::Stored || file.is_dir() {
            return Err(BundleError::NotAsWritten { name });
        }
        let declared = file.size().max(file.compressed_size());
        if declared > limit {
            return Err(BundleError::EntryTooBig {
                name,
                size: declared,
                limit,
            });
        }
        // The declared size is not trusted either: read at most one byte more
        // than the limit, whatever the headers say.
        // Nor is it a size to allocate: a stored entry holds at most the
        // bytes of the whole zip.
        let mut data = Vec::with_capacity(declared.min(bytes.len() as u64) as usize);
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut data)
            .map_err(|e| BundleError::NotAZip {
                detail: format!("{name}: {e}"),
            })?;
        if data.len() as u64 > limit {
            return Err(BundleError::EntryTooBig {
                name,
                size: data.len() as u64,
                limit,
            });
        }
        if data.len() as u64 != file.size() {
            return Err(BundleError::Truncated { name });
        }
        out.push((name, data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_name(_: &str) -> Option<u64> {
        Some(1024)
    }

    #[test]
    fn the_same_entries_give_the_same_bytes_and_read_back() {
        let a = write(&[("a.csv", b"x,y\r\n"), ("b.csv", b"")]).unwrap();
        let b = write(&[("a.csv", b"x,y\r\n"), ("b.csv", b"")]).unwrap();
        assert_eq!(a, b);
        let back = read(&a, &LIMITS, any_name).unwrap();
        assert_eq!(
            back,
            vec![
                ("a.csv".to_string(), b"x,y\r\n".to_vec()),
                ("b.csv".to_string(), Vec::new())
            ]
        );
    }

    #[test]
    fn names_with_paths_are_refused() {
        for name in ["../x.csv", "a/b.csv", "a\\b.csv", "..", ".hidden", "c:x"] {
            let z = write(&[(name, b"1")]).unwrap();
            assert!(
                matches!(
                    read(&z, &LIMITS, any_name),
                    Err(BundleError::UnsafeName { .. })
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn unexpected_names_and_sizes_over_the_limit_are_refused() {
        let z = write(&[("a.csv", b"12345")]).unwrap();
        assert!(matches!(
            read(&z, &LIMITS, |_| None),
            Err(BundleError::UnexpectedName { .. })
        ));
        assert!(matches!(
            read(&z, &LIMITS, |_| Some(4)),
            Err(BundleError::EntryTooBig {
                size: 5,
                limit: 4,
                ..
            })
        ));
        let small = Limits {
            bundle: 10,
            ..LIMITS
        };
        assert!(matches!(
            read(&z, &small, any_name),
            Err(BundleError::TooBig { .. })
        ));
        let few = Limits {
            entries: 1,
            ..LIMITS
        };
        let two = write(&[("a.csv", b"1"), ("b.csv", b"2")]).unwrap();
        assert!(matches!(
            read(&two, &few, any_name),
            Err(BundleError::TooManyEntries { .. })
        ));
    }

    #[test]
    fn compressed_and_encrypted_entries_are_refused_before_reading() {
        // Flip the method field of a stored entry to 8 (deflate) in both headers.
        let mut z = write(&[("a.csv", b"hello")]).unwrap();
        z[8] = 8;
        let cd = find(&z, b"PK\x01\x02");
        z[cd + 10] = 8;
        assert!(matches!(
            read(&z, &LIMITS, any_name),
            Err(BundleError::NotAsWritten { .. }) | Err(BundleError::NotAZip { .. })
        ));
        // Set the "encrypted" flag bit in both headers.
        let mut z = write(&[("a.csv", b"hello")]).unwrap();
        z[6] |= 1;
        let cd = find(&z, b"PK\x01\x02");
        z[cd + 8] |= 1;
        assert!(matches!(
            read(&z, &LIMITS, any_name),
            Err(BundleError::Encrypted { .. }) | Err(BundleError::NotAZip { .. })
        ));
    }

    #[test]
    fn duplicate_names_are_refused() {
        // Rename the second entry to the first one's name in both headers.
        let mut z = write(&[("a.csv", b"1"), ("b.csv", b"2")]).unwrap();
        let positions: Vec<usize> = z
            .windows(5)
            .enumerate()
            .filter(|(_, w)| *w == b"b.csv")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(positions.len(), 2);
        for p in positions {
            z[p] = b'a';
        }
        assert!(matches!(
            read(&z, &LIMITS, any_name),
            Err(BundleError::DuplicateName)
        ));
    }

    #[test]
    fn a_lying_size_header_is_caught() {
        let mut z = write(&[("a.csv", b"hello")]).unwrap();
        let cd = find(&z, b"PK\x01\x02");
        // Declare 4 GB in the central directory: refused before reading.
        z[cd + 20..cd + 28].copy_from_slice(&[0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfe]);
        assert!(read(&z, &LIMITS, any_name).is_err());
    }

    #[test]
    fn truncated_and_garbage_input_gives_an_error() {
        let z = write(&[("a.csv", b"hello"), ("b.csv", b"world")]).unwrap();
        for n in 0..z.len() {
            assert!(read(&z[..n], &LIMITS, any_name).is_err(), "{n}");
        }
        assert!(read(b"not a zip at all", &LIMITS, any_name).is_err());
    }

    fn find(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len())
            .position(|w| w == needle)
            .expect("present")
    }
}
