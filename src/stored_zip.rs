//! Zips of *stored* entries (no compression), laid out exactly as the zip
//! crate 9 lays them out for tothon's options: version 1.0, no flags, the
//! time 1980-01-01 00:00, "made by" Unix with mode 0644, no extra fields.
//! Bundles and workbooks are both written this way.
//!
//! Written here rather than through the zip crate's writer because the
//! layout is fixed and small, and the crate's writer brings every
//! compressor it knows into the binary (about 100 KB of its 6 MB budget,
//! BENCHMARKS.md). The zip crate still reads. Every bundle ever written
//! keeps passing the container check, which compares these bytes: a unit
//! test writes the same entries with the crate's writer and with this one,
//! and the golden bundles (tests/cross_os.rs) were written by the crate.

/// The largest entry or zip this layout can describe (no zip64).
pub const MAX_SIZE: u64 = u32::MAX as u64;

const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const END_SIGNATURE: u32 = 0x0605_4b50;
/// The version needed to extract a stored entry: 1.0.
const VERSION: u16 = 10;
/// Unix (3) in the high byte, the version in the low one.
const MADE_BY: u16 = (3 << 8) | VERSION;
/// 1980-01-01 in the DOS date format (the time is 00:00:00, zero).
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file, rw-r--r--, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100644 << 16;
/// Bytes of a local header before the name.
pub const LOCAL_HEADER_LEN: u64 = 30;

/// Why a zip could not be laid out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("{name}: too big for a zip without zip64 ({size} bytes)")]
    TooBig { name: String, size: u64 },
    #[error("{name}: a zip entry's name must be plain ASCII")]
    Name { name: String },
    #[error("too many entries for a zip without zip64 ({0})")]
    TooMany(usize),
}

/// What the headers say of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<'a> {
    pub name: &'a str,
    pub size: u64,
    pub crc: u32,
}

/// The CRC-32 a zip keeps of an entry's data.
pub fn crc(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

fn check(entry: &Stored) -> Result<(u32, u16), LayoutError> {
    let name_len = u16::try_from(entry.name.len())
        .ok()
        .filter(|_| entry.name.bytes().all(|b| b.is_ascii_graphic()));
    let Some(name_len) = name_len.filter(|n| *n > 0) else {
        return Err(LayoutError::Name {
            name: entry.name.into(),
        });
    };
    let size = u32::try_from(entry.size).map_err(|_| LayoutError::TooBig {
        name: entry.name.into(),
        size: entry.size,
    })?;
    Ok((size, name_len))
}

/// The fields a local header and a central record share, from the version
/// needed to the extra field's length.
fn common(out: &mut Vec<u8>, entry: &Stored, size: u32, name_len: u16) {
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&entry.crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes()); // compressed
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra field
}

/// The local header that goes right before an entry's data.
pub fn local_header(entry: &Stored) -> Result<Vec<u8>, LayoutError> {
    let (size, name_len) = check(entry)?;
    let mut out = Vec::with_capacity(LOCAL_HEADER_LEN as usize + entry.name.len());
    out.extend_from_slice(&LOCAL_SIGNATURE.to_le_bytes());
    common(&mut out, entry, size, name_len);
    out.extend_from_slice(entry.name.as_bytes());
    Ok(out)
}

/// Where each entry's local header starts, the entries following each other
/// from the start of the file, and where the central directory starts.
pub fn offsets(entries: &[Stored]) -> (Vec<u64>, u64) {
    let mut at = 0u64;
    let starts = entries
        .iter()
        .map(|e| {
            let start = at;
            at += LOCAL_HEADER_LEN + e.name.len() as u64 + e.size;
            start
        })
        .collect();
    (starts, at)
}

/// The central directory and its end record: everything after the last
/// entry's data.
pub fn central_directory(entries: &[Stored]) -> Result<Vec<u8>, LayoutError> {
    let count = u16::try_from(entries.len()).map_err(|_| LayoutError::TooMany(entries.len()))?;
    let (starts, directory_start) = offsets(entries);
    let too_big = |size| LayoutError::TooBig {
        name: "zip".into(),
        size,
    };
    let mut out = Vec::new();
    for (entry, start) in entries.iter().zip(starts) {
        let (size, name_len) = check(entry)?;
        let start = u32::try_from(start).map_err(|_| too_big(start))?;
        out.extend_from_slice(&CENTRAL_SIGNATURE.to_le_bytes());
        out.extend_from_slice(&MADE_BY.to_le_bytes());
        common(&mut out, entry, size, name_len);
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        out.extend_from_slice(&0u16.to_le_bytes()); // disk
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&EXTERNAL_ATTRIBUTES.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(entry.name.as_bytes());
    }
    let directory_len = out.len() as u32;
    let directory_start = u32::try_from(directory_start).map_err(|_| too_big(directory_start))?;
    out.extend_from_slice(&END_SIGNATURE.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // the directory's disk
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    Ok(out)
}

/// A whole zip of these entries, stored, in this order.
pub fn write(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, LayoutError> {
    let stored: Vec<Stored> = entries
        .iter()
        .map(|(name, data)| Stored {
            name,
            size: data.len() as u64,
            crc: crc(data),
        })
        .collect();
    let directory = central_directory(&stored)?;
    let data_len: usize = entries.iter().map(|(n, d)| 30 + n.len() + d.len()).sum();
    let mut out = Vec::with_capacity(data_len + directory.len());
    for (entry, (_, data)) in stored.iter().zip(entries) {
        out.extend_from_slice(&local_header(entry)?);
        out.extend_from_slice(data);
    }
    out.extend_from_slice(&directory);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read, Write};

    use super::*;

    /// The zip crate's writer, with the options bundles were always written
    /// with.
    fn by_the_crate(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use zip::write::SimpleFileOptions;
        let options = SimpleFileOptions::default()
            .system(zip::System::Unix)
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(false);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn the_same_bytes_as_the_zip_crate_writes() {
        let long = vec![0xA5u8; 300_000];
        let cases: Vec<Vec<(&str, &[u8])>> = vec![
            vec![],
            vec![("a.csv", b"")],
            vec![
                ("manifest.csv", b"file,rows\n"),
                ("manifest.csv.minisig", b"sig"),
            ],
            vec![
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/worksheets/sheet1.xml", &long),
                ("activation.csv.age", b"\x00\x01\xff"),
            ],
        ];
        for entries in cases {
            assert_eq!(
                write(&entries).unwrap(),
                by_the_crate(&entries),
                "{entries:?}"
            );
        }
    }

    #[test]
    fn the_zip_crate_reads_it_back() {
        let bytes = write(&[("a.csv", b"x,y\n"), ("b.txt", b"hello")]).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name("b.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello");
    }

    #[test]
    fn what_the_layout_cannot_hold_is_refused() {
        assert!(matches!(
            write(&[("tên.csv", b"")]),
            Err(LayoutError::Name { .. })
        ));
        assert!(matches!(write(&[("", b"")]), Err(LayoutError::Name { .. })));
        let big = Stored {
            name: "big",
            size: MAX_SIZE + 1,
            crc: 0,
        };
        assert!(matches!(
            local_header(&big),
            Err(LayoutError::TooBig { .. })
        ));
    }
}
