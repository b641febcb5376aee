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
//! ever decompressed: a compressed entry is refused before it is read. A
//! large bundle is never held in memory: [`entries`] lists where each entry's
//! data lies in the file, and [`check_written_by_tothon`] streams the data
//! once to prove the container is exactly what [`write`] makes of it.

use std::io::{Cursor, Read, Seek, SeekFrom};

use zip::{CompressionMethod, ZipArchive};

use crate::stored_zip;

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

/// Writes the entries, in this order, into a zip (stored, with the same
/// header bytes on every system: see [`crate::stored_zip`]).
pub fn write(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, BundleError> {
    stored_zip::write(entries).map_err(|e| BundleError::NotAZip {
        detail: e.to_string(),
    })
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

/// One entry of a zip: its name and where its data lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// Offset of the first data byte in the file.
    pub start: u64,
    pub size: u64,
}

/// Lists the entries of an untrusted zip of `len` bytes without reading
/// their data. `limit_of(name)` is the size limit of an expected entry,
/// `None` for a name that has no business in a bundle.
pub fn entries<R: Read + Seek>(
    source: &mut R,
    len: u64,
    limits: &Limits,
    limit_of: impl Fn(&str) -> Option<u64>,
) -> Result<Vec<Entry>, BundleError> {
    if len > limits.bundle {
        return Err(BundleError::TooBig {
            size: len,
            limit: limits.bundle,
        });
    }
    let not_a_zip = |e: zip::result::ZipError| BundleError::NotAZip {
        detail: e.to_string(),
    };
    let mut archive = ZipArchive::new(&mut *source).map_err(not_a_zip)?;
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
        let file = archive.by_index_raw(i).map_err(not_a_zip)?;
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        if !is_plain_name(&name) {
            return Err(BundleError::UnsafeName {
                name: crate::domain::text::printable(&name, 64),
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
        let size = file.size();
        if size.max(file.compressed_size()) > limit {
            return Err(BundleError::EntryTooBig {
                name,
                size: size.max(file.compressed_size()),
                limit,
            });
        }
        let start = file.data_start().ok_or_else(|| BundleError::NotAZip {
            detail: format!("{name}: no data offset"),
        })?;
        if start.checked_add(size).is_none_or(|end| end > len) {
            return Err(BundleError::Truncated { name });
        }
        out.push(Entry { name, start, size });
    }
    Ok(out)
}

/// Reads the whole of a (small) entry.
pub fn read_entry<R: Read + Seek>(source: &mut R, entry: &Entry) -> Result<Vec<u8>, BundleError> {
    let mut data = Vec::with_capacity(entry.size as usize);
    entry_reader(source, entry)?
        .read_to_end(&mut data)
        .map_err(|e| BundleError::NotAZip {
            detail: format!("{}: {e}", entry.name),
        })?;
    if data.len() as u64 != entry.size {
        return Err(BundleError::Truncated {
            name: entry.name.clone(),
        });
    }
    Ok(data)
}

/// A reader over an entry's data, never past its end.
pub fn entry_reader<'a, R: Read + Seek>(
    source: &'a mut R,
    entry: &Entry,
) -> Result<std::io::Take<&'a mut R>, BundleError> {
    source
        .seek(SeekFrom::Start(entry.start))
        .map_err(|e| BundleError::NotAZip {
            detail: format!("{}: {e}", entry.name),
        })?;
    Ok(source.take(entry.size))
}

/// Proves that the `len` bytes of `source` are exactly what [`write`] makes
/// of these entries, so that no byte of the zip escapes the checks: each
/// entry's data is read once, in chunks, shown to `visit` (which hashes it)
/// and its CRC taken; then every header the writer would put around the
/// data is compared with the file's, and the file must end where the
/// writer's would. Returns whether the container is as written; an
/// unreadable file is an error.
pub fn check_written_by_tothon<R: Read + Seek>(
    source: &mut R,
    len: u64,
    entries: &[Entry],
    mut visit: impl FnMut(usize, &[u8]),
) -> Result<bool, BundleError> {
    let io_err = |e: std::io::Error| BundleError::NotAZip {
        detail: e.to_string(),
    };
    let mut chunk = vec![0u8; 256 * 1024];
    let mut stored = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let mut data = entry_reader(source, entry)?;
        let mut crc = crc32fast::Hasher::new();
        let mut seen = 0u64;
        loop {
            let n = data.read(&mut chunk).map_err(io_err)?;
            if n == 0 {
                break;
            }
            seen += n as u64;
            visit(i, &chunk[..n]);
            crc.update(&chunk[..n]);
        }
        if seen != entry.size {
            return Err(BundleError::Truncated {
                name: entry.name.clone(),
            });
        }
        stored.push(stored_zip::Stored {
            name: &entry.name,
            size: entry.size,
            crc: crc.finalize(),
        });
    }
    let (starts, directory_start) = stored_zip::offsets(&stored);
    let Ok(directory) = stored_zip::central_directory(&stored) else {
        return Ok(false);
    };
    if directory_start + directory.len() as u64 != len {
        return Ok(false);
    }
    let mut regions = vec![(directory_start, directory)];
    for (entry, start) in stored.iter().zip(starts) {
        match stored_zip::local_header(entry) {
            Ok(header) => regions.push((start, header)),
            Err(_) => return Ok(false),
        }
    }
    let mut found = Vec::new();
    for (start, bytes) in &regions {
        source.seek(SeekFrom::Start(*start)).map_err(io_err)?;
        found.resize(bytes.len(), 0);
        if source.read_exact(&mut found).is_err() || &found != bytes {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Reads every entry of an untrusted zip held in memory.
pub fn read(
    bytes: &[u8],
    limits: &Limits,
    limit_of: impl Fn(&str) -> Option<u64>,
) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let mut source = Cursor::new(bytes);
    let listed = entries(&mut source, bytes.len() as u64, limits, limit_of)?;
    listed
        .into_iter()
        .map(|e| Ok((e.name.clone(), read_entry(&mut source, &e)?)))
        .collect()
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

    /// The container's bytes as the Linux build has always written them.
    /// Every build, on every system, must write exactly these: the container
    /// check compares headers byte for byte, so a Windows build that wrote
    /// its own "made by" system (it once did) refused every Linux bundle,
    /// and the reverse.
    const GOLDEN_ZIP: &str = "504b03040a00000000000000210019883feb050000000500000005000000612e\
        637376782c790d0a504b01020a030a00000000000000210019883feb05000000\
        05000000050000000000000000000000a48100000000612e637376504b050600\
        0000000100010033000000280000000000";

    #[test]
    fn every_system_writes_the_same_container_bytes() {
        let z = write(&[("a.csv", b"x,y\r\n")]).unwrap();
        let hex: String = z.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, GOLDEN_ZIP);
        let cd = find(&z, b"PK\x01\x02");
        assert_eq!(z[cd + 5], 3, "made by: Unix");
    }

    #[test]
    fn the_container_check_accepts_what_write_makes_and_nothing_else() {
        let entries_of = |z: &[u8]| entries(&mut Cursor::new(z), z.len() as u64, &LIMITS, any_name);
        let z = write(&[
            ("a.csv", b"x,y\r\n"),
            ("b.csv", b""),
            ("c.csv", &[7u8; 1000]),
        ])
        .unwrap();
        let listed = entries_of(&z).unwrap();
        let mut seen = vec![Vec::new(); 3];
        let ok = check_written_by_tothon(&mut Cursor::new(&z), z.len() as u64, &listed, |i, d| {
            seen[i].extend_from_slice(d)
        })
        .unwrap();
        assert!(ok);
        assert_eq!(seen[0], b"x,y\r\n");
        assert_eq!(seen[2].len(), 1000);
        // Any changed byte outside the data, or anything added, is caught.
        for i in 0..z.len() {
            let mut bad = z.clone();
            bad[i] ^= 0x20;
            let Ok(listed) = entries_of(&bad) else {
                continue;
            };
            let data = listed
                .iter()
                .any(|e| (e.start..e.start + e.size).contains(&(i as u64)));
            let ok = check_written_by_tothon(
                &mut Cursor::new(&bad),
                bad.len() as u64,
                &listed,
                |_, _| {},
            )
            .unwrap_or(false);
            assert!(data || !ok, "byte {i}");
        }
        let mut longer = z.clone();
        longer.push(0);
        let listed = entries_of(&z).unwrap();
        assert!(
            !check_written_by_tothon(
                &mut Cursor::new(&longer),
                longer.len() as u64,
                &listed,
                |_, _| {}
            )
            .unwrap()
        );
    }

    fn find(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len())
            .position(|w| w == needle)
            .expect("present")
    }
}
