//! Just enough of the Compound File Binary format (the container of .xls
//! workbooks and of password-protected Office files) to list its streams and
//! read one, so a workbook can be measured before calamine parses it.
//!
//! Every offset, length and sector chain comes from the file and is checked
//! here: a damaged or hostile file gives `None`, never a panic, and no chain
//! is followed further than the file has sectors.

/// Sector numbers at or above this mark the end of a chain or a special sector.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams smaller than this live in the mini stream (the format's fixed
/// cutoff, which calamine also uses).
const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;
const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A directory entry: a stream (or storage) and where its bytes are.
struct Entry {
    name: String,
    is_stream: bool,
    start: u32,
    size: u64,
}

pub struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
    entries: Vec<Entry>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

impl<'a> Cfb<'a> {
    /// Whether the bytes start like a compound file.
    pub fn is_compound(bytes: &[u8]) -> bool {
        bytes.starts_with(&SIGNATURE)
    }

    pub fn open(bytes: &'a [u8]) -> Option<Cfb<'a>> {
        if !Cfb::is_compound(bytes) || bytes.len() < 512 {
            return None;
        }
        let sector = match u16_at(bytes, 30)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let major = u16_at(bytes, 26)?;
        let mut cfb = Cfb {
            bytes,
            sector,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
            entries: Vec::new(),
        };
        // The FAT's sectors: 109 listed in the header, the rest in a chain
        // of DIFAT sectors (each ending with the next one's number).
        let mut fat_sectors: Vec<u32> = words(bytes.get(76..512)?).collect();
        let mut difat = u32_at(bytes, 68)?;
        let mut hops = 0;
        while difat < MAX_REGULAR {
            hops += 1;
            if hops > cfb.sectors() {
                return None;
            }
            let data = cfb.sector_bytes(difat)?;
            let mut ids: Vec<u32> = words(data).collect();
            difat = ids.pop()?;
            fat_sectors.extend(ids);
        }
        for id in fat_sectors.into_iter().filter(|&id| id < MAX_REGULAR) {
            if cfb.fat.len() / (sector / 4) > cfb.sectors() {
                return None;
            }
            let data = cfb.sector_bytes(id)?;
            cfb.fat.extend(words(data));
        }
        let directory = cfb.chain_bytes(u32_at(bytes, 48)?, None)?;
        for raw in directory.chunks_exact(128) {
            let name_len = usize::from(u16_at(raw, 64)?).min(64);
            let units: Vec<u16> = raw[..name_len.saturating_sub(2)]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let size = u64_at(raw, 120)?;
            cfb.entries.push(Entry {
                name: String::from_utf16_lossy(&units),
                is_stream: raw[66] == 2,
                start: u32_at(raw, 116)?,
                // Version 3 files keep only the low half meaningful.
                size: if major == 3 { size & 0xFFFF_FFFF } else { size },
            });
        }
        let root = cfb.entries.first()?;
        let (root_start, root_size) = (root.start, root.size);
        if root_start < MAX_REGULAR {
            cfb.mini_stream = cfb.chain_bytes(root_start, Some(root_size))?;
        }
        let mini_fat_start = u32_at(bytes, 60)?;
        if mini_fat_start < MAX_REGULAR {
            cfb.mini_fat = words(&cfb.chain_bytes(mini_fat_start, None)?).collect();
        }
        Some(cfb)
    }

    /// How many sectors the file has after its header (the last may be
    /// cut short, as some writers leave it; calamine reads it so too).
    fn sectors(&self) -> usize {
        self.bytes.len().div_ceil(self.sector).saturating_sub(1)
    }

    fn sector_bytes(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.sector)?;
        let end = start.checked_add(self.sector)?.min(self.bytes.len());
        self.bytes.get(start..end).filter(|s| !s.is_empty())
    }

    /// The bytes of a chain of regular sectors, cut to `size` when given.
    /// A chain that ends before `size` gives what it has, as calamine reads
    /// it; one that runs past the file's sectors (a loop) gives `None`.
    fn chain_bytes(&self, start: u32, size: Option<u64>) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if id >= MAX_REGULAR || out.len() / self.sector > self.sectors() {
                return None;
            }
            out.extend_from_slice(self.sector_bytes(id)?);
            if size.is_some_and(|s| out.len() as u64 >= s) {
                break;
            }
            id = *self.fat.get(id as usize)?;
        }
        if let Some(size) = size {
            out.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        }
        Some(out)
    }

    /// The bytes of a chain of mini sectors, cut to `size` (or shorter when
    /// the chain ends first).
    fn mini_chain_bytes(&self, start: u32, size: u64) -> Option<Vec<u8>> {
        let size = usize::try_from(size).ok()?;
        let mut out = Vec::new();
        let mut id = start;
        while out.len() < size && id != END_OF_CHAIN {
            if id >= MAX_REGULAR || out.len() > self.mini_stream.len() {
                return None;
            }
            let at = (id as usize).checked_mul(MINI_SECTOR)?;
            out.extend_from_slice(self.mini_stream.get(at..at.checked_add(MINI_SECTOR)?)?);
            id = *self.mini_fat.get(id as usize)?;
        }
        out.truncate(size);
        Some(out)
    }

    /// Whether an entry of this name exists (case ignored, as Office does).
    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The whole of a stream, if it exists and its chain is sound.
    pub fn stream(&self, name: &str) -> Option<Vec<u8>> {
        let entry = self
            .entries
            .iter()
            .find(|e| e.is_stream && e.name.eq_ignore_ascii_case(name))?;
        if entry.size < MINI_CUTOFF {
            self.mini_chain_bytes(entry.start, entry.size)
        } else {
            self.chain_bytes(entry.start, Some(entry.size))
        }
    }
}

/// Builds compound files for tests: every stream in the mini stream when
/// small, in regular sectors otherwise, one FAT sector (files up to ~64 KB).
#[cfg(any(test, feature = "test-hooks"))]
pub mod write {
    use super::*;

    const FREE: u32 = 0xFFFF_FFFF;
    const FAT_SECTOR: u32 = 0xFFFF_FFFD;

    pub fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let sector = 512usize;
        let mut sectors: Vec<Vec<u8>> = Vec::new();
        let mut fat: Vec<u32> = Vec::new();
        let add_chain = |data: &[u8], sectors: &mut Vec<Vec<u8>>, fat: &mut Vec<u32>| {
            let first = sectors.len() as u32;
            let chunks: Vec<&[u8]> = data.chunks(sector).collect();
            for (i, c) in chunks.iter().enumerate() {
                let mut s = c.to_vec();
                s.resize(sector, 0);
                sectors.push(s);
                fat.push(if i + 1 == chunks.len() {
                    END_OF_CHAIN
                } else {
                    first + i as u32 + 1
                });
            }
            if chunks.is_empty() {
                END_OF_CHAIN
            } else {
                first
            }
        };
        // Sector 0 is the FAT itself.
        sectors.push(vec![0; sector]);
        fat.push(FAT_SECTOR);
        let mut mini = Vec::new();
        let mut mini_fat: Vec<u32> = Vec::new();
        let mut placed = Vec::new();
        for (name, data) in streams {
            if (data.len() as u64) < MINI_CUTOFF {
                let first = (mini.len() / MINI_SECTOR) as u32;
                let n = data.len().div_ceil(MINI_SECTOR);
                for i in 0..n {
                    mini_fat.push(if i + 1 == n {
                        END_OF_CHAIN
                    } else {
                        first + i as u32 + 1
                    });
                }
                mini.extend_from_slice(data);
                mini.resize(mini_fat.len() * MINI_SECTOR, 0);
                placed.push((*name, if n == 0 { END_OF_CHAIN } else { first }, data.len()));
            } else {
                let first = add_chain(data, &mut sectors, &mut fat);
                placed.push((*name, first, data.len()));
            }
        }
        let mini_start = add_chain(&mini, &mut sectors, &mut fat);
        let mini_fat_bytes: Vec<u8> = mini_fat.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mini_fat_start = add_chain(&mini_fat_bytes, &mut sectors, &mut fat);
        let entry = |name: &str, kind: u8, start: u32, size: usize, child: u32, right: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (i, u) in units.iter().enumerate() {
                e[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
            e[66] = kind;
            e[68..72].copy_from_slice(&FREE.to_le_bytes());
            e[72..76].copy_from_slice(&right.to_le_bytes());
            e[76..80].copy_from_slice(&child.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..128].copy_from_slice(&(size as u64).to_le_bytes());
            e
        };
        let mut dir = entry(
            "Root Entry",
            5,
            if mini.is_empty() {
                END_OF_CHAIN
            } else {
                mini_start
            },
            mini.len(),
            if placed.is_empty() { FREE } else { 1 },
            FREE,
        );
        for (i, (name, start, size)) in placed.iter().enumerate() {
            let right = if i + 1 < placed.len() {
                i as u32 + 2
            } else {
                FREE
            };
            dir.extend(entry(name, 2, *start, *size, FREE, right));
        }
        let dir_start = add_chain(&dir, &mut sectors, &mut fat);
        assert!(fat.len() <= sector / 4, "test compound file too large");
        fat.resize(sector / 4, FREE);
        sectors[0] = fat.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(&SIGNATURE);
        header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        header[26..28].copy_from_slice(&3u16.to_le_bytes());
        header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        header[30..32].copy_from_slice(&9u16.to_le_bytes());
        header[32..34].copy_from_slice(&6u16.to_le_bytes());
        header[44..48].copy_from_slice(&1u32.to_le_bytes());
        header[48..52].copy_from_slice(&dir_start.to_le_bytes());
        header[56..60].copy_from_slice(&4096u32.to_le_bytes());
        header[60..64].copy_from_slice(&mini_fat_start.to_le_bytes());
        header[64..68].copy_from_slice(&(mini_fat.len().div_ceil(128) as u32).to_le_bytes());
        header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for i in 0..109 {
            let id = if i == 0 { 0 } else { FREE };
            header[76 + i * 4..80 + i * 4].copy_from_slice(&id.to_le_bytes());
        }
        let mut out = header;
        for s in sectors {
            out.extend(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::write::compound;
    use super::*;

    #[test]
    fn streams_are_read_back_from_the_mini_and_regular_sectors() {
        let small = b"small stream".to_vec();
        let big: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        let file = compound(&[("Workbook", &big), ("Tiny", &small), ("Empty", b"")]);
        let cfb = Cfb::open(&file).unwrap();
        assert_eq!(cfb.stream("workbook").unwrap(), big);
        assert_eq!(cfb.stream("Tiny").unwrap(), small);
        assert_eq!(cfb.stream("Empty").unwrap(), b"");
        assert!(cfb.has("TINY"));
        assert!(cfb.stream("Book").is_none());
    }

    #[test]
    fn damaged_files_give_none_without_panicking() {
        let file = compound(&[("Workbook", &[7u8; 5000]), ("Tiny", b"abc")]);
        // Cut short: whatever comes back, no panic and nothing past the end.
        if let Some(cfb) = Cfb::open(&file[..1600]) {
            assert!(cfb.stream("Workbook").is_none_or(|s| s.len() <= 5000));
        }
        assert!(Cfb::open(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").is_none());
        // Every byte of the header and directory flipped in turn.
        for at in (0..file.len()).step_by(7) {
            let mut bad = file.clone();
            bad[at] ^= 0xFF;
            if let Some(cfb) = Cfb::open(&bad) {
                let _ = cfb.stream("Workbook");
                let _ = cfb.stream("Tiny");
            }
        }
        // A stream whose chain loops back on itself stops at its size.
        let mut looped = file.clone();
        looped[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(
            Cfb::open(&looped)
                .unwrap()
                .stream("Workbook")
                .unwrap()
                .len(),
            5000
        );
        // A directory (read to its end, no size) that loops is refused.
        let dir = u32::from_le_bytes(file[48..52].try_into().unwrap()) as usize;
        let mut looped = file.clone();
        looped[512 + dir * 4..512 + dir * 4 + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        assert!(Cfb::open(&looped).is_none());
    }
}
