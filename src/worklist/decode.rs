//! Bytes to UTF-8 text for the work-list reader: the size bound, the
//! byte-order mark (UTF-8, UTF-16 LE/BE), a streaming UTF-16 decoder, and a
//! filter that keeps blank lines visible to the CSV reader.
//!
//! Knows nothing of columns, forms or the store. Everything here streams: no
//! step holds more than a buffer of the file, so a large file costs time, not
//! memory.

use std::io::{self, BufRead, BufReader, Cursor, Read};

/// How the file's text was encoded, as found from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte-order mark: Excel's "CSV UTF-8".
    Utf8Bom,
    /// Excel's "Unicode Text" (tab-separated), with or without a mark.
    Utf16Le,
    Utf16Be,
}

/// The marker error a [`Limited`] reader raises past its bound; the caller
/// finds it inside the `io::Error` (even one wrapped by the CSV reader).
#[derive(Debug)]
pub struct TooBig;

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("input larger than the limit")
    }
}

impl std::error::Error for TooBig {}

/// Whether an I/O error is the size bound speaking.
pub fn is_too_big(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooBig>())
}

/// Passes at most `left` bytes through and fails, rather than truncating,
/// when there are more: a silently cut work list would lose rows.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match read_some(&mut self.inner, &mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(TooBig)),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// One `read`, retried when interrupted.
fn read_some(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the input.
pub fn read_head(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match read_some(r, &mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// The whole input, in memory (a workbook is read at random, not in order);
/// fails with [`TooBig`] past `max_bytes` rather than cutting it.
pub fn read_bounded(raw: impl Read, max_bytes: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    Limited {
        inner: raw,
        left: max_bytes,
    }
    .read_to_end(&mut out)?;
    Ok(out)
}

/// Opens raw bytes as UTF-8 text: reads the first bytes to find the encoding,
/// drops the byte-order mark and decodes UTF-16 on the fly. Fails with
/// [`TooBig`] (inside the `io::Error`) once more than `max_bytes` are read.
pub fn text_reader<'a, R: Read + 'a>(
    raw: R,
    max_bytes: u64,
) -> io::Result<(Encoding, Box<dyn BufRead + 'a>)> {
    let mut limited = Limited {
        inner: raw,
        left: max_bytes,
    };
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        let n = read_some(&mut limited, &mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let head = &head[..got];
    let (encoding, skip) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8Bom, 3),
        [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
        [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
        // No mark, but ASCII text in UTF-16 shows as a zero byte next to
        // each character: some tools write "Unicode" without the mark.
        [a, 0, ..] if *a != 0 => (Encoding::Utf16Le, 0),
        [0, b, ..] if *b != 0 => (Encoding::Utf16Be, 0),
        _ => (Encoding::Utf8, 0),
    };
    let rest = Cursor::new(head[skip..].to_vec()).chain(limited);
    let text: Box<dyn BufRead + 'a> = match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => Box::new(BufReader::with_capacity(64 * 1024, rest)),
        Encoding::Utf16Le | Encoding::Utf16Be => Box::new(BufReader::with_capacity(
            64 * 1024,
            Utf16Decoder::new(rest, encoding == Encoding::Utf16Be),
        )),
    };
    Ok((encoding, text))
}

const REPLACEMENT: char = '\u{FFFD}';

/// UTF-16 in, UTF-8 out, a chunk at a time. Broken input (a lone surrogate,
/// an odd last byte) becomes U+FFFD rather than an error: the row it lands in
/// then fails its checks and is reported, which says more than "bad file".
struct Utf16Decoder<R> {
    inner: R,
    big_endian: bool,
    /// A high surrogate waiting for its partner from the next chunk.
    high: Option<u16>,
    /// The first byte of a unit split across two reads.
    odd: Option<u8>,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Utf16Decoder<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16Decoder {
            inner,
            big_endian,
            high: None,
            odd: None,
            out: Vec::with_capacity(16 * 1024),
            at: 0,
            done: false,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    fn push_unit(&mut self, unit: u16) {
        if let Some(high) = self.high.take() {
            if (0xDC00..=0xDFFF).contains(&unit) {
                let code =
                    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                self.push_char(char::from_u32(code).unwrap_or(REPLACEMENT));
                return;
            }
            self.push_char(REPLACEMENT);
        }
        match unit {
            0xD800..=0xDBFF => self.high = Some(unit),
            0xDC00..=0xDFFF => self.push_char(REPLACEMENT),
            _ => self.push_char(char::from_u32(u32::from(unit)).unwrap_or(REPLACEMENT)),
        }
    }

    fn unit(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }

    /// Decodes the next chunk into `out`; may produce nothing (one odd byte).
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.at = 0;
        let mut bytes = [0u8; 8 * 1024];
        let n = read_some(&mut self.inner, &mut bytes)?;
        if n == 0 {
            self.done = true;
            if self.odd.take().is_some() || self.high.take().is_some() {
                self.push_char(REPLACEMENT);
            }
            return Ok(());
        }
        let mut i = 0;
        if let Some(first) = self.odd.take() {
            let unit = self.unit(first, bytes[0]);
            self.push_unit(unit);
            i = 1;
        }
        while i + 1 < n {
            let unit = self.unit(bytes[i], bytes[i + 1]);
            self.push_unit(unit);
            i += 2;
        }
        if i < n {
            self.odd = Some(bytes[i]);
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Puts a space on every empty line outside quotes.
///
/// The CSV reader skips empty lines without a trace (and its positions do not
/// count them), which would shift every row number after one and lose the
/// blank-row count. With a space, an empty line reads as a row of one blank
/// cell, so record *n* is spreadsheet row *n*. Quote state is tracked by
/// toggling on `"`, exact for well-formed files; in a malformed one the worst
/// case is a space inside a quoted blank line, which cleaning removes.
pub struct KeepBlankLines<R> {
    inner: R,
    in_quotes: bool,
    at_line_start: bool,
}

impl<R> KeepBlankLines<R> {
    pub fn new(inner: R) -> Self {
        KeepBlankLines {
            inner,
            in_quotes: false,
            at_line_start: true,
        }
    }
}

impl<R: BufRead> Read for KeepBlankLines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = loop {
            match self.inner.fill_buf() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let mut used = 0;
        let mut n = 0;
        while used < buf.len() && n < out.len() {
            let b = buf[used];
            if self.at_line_start && !self.in_quotes && (b == b'\n' || b == b'\r') {
                out[n] = b' ';
                n += 1;
                self.at_line_start = false;
                continue;
            }
            out[n] = b;
            n += 1;
            used += 1;
            if b == b'"' {
                self.in_quotes = !self.in_quotes;
            }
            self.at_line_start = b == b'\n' && !self.in_quotes;
        }
        self.inner.consume(used);
        Ok(n)
    }
}

/// How much of the top of the file is looked at to find the header row.
pub const SCAN_LINES: usize = 30;
const SCAN_BYTES: usize = 256 * 1024;

/// Reads the first lines (whole lines, bounded) so the header row and the
/// delimiter can be found before the real read starts over from the top.
pub fn read_prefix(text: &mut dyn BufRead) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::new();
    let mut lines = 0;
    while lines < SCAN_LINES && prefix.len() < SCAN_BYTES {
        let room = (SCAN_BYTES - prefix.len()) as u64;
        let n = text.take(room).read_until(b'\n', &mut prefix)?;
        if n == 0 {
            break;
        }
        lines += 1;
    }
    Ok(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> (Encoding, String) {
        let (enc, mut r) = text_reader(bytes, 1 << 20).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (enc, s)
    }

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if big_endian {
                [0xFE, 0xFF]
            } else {
                [0xFF, 0xFE]
            });
        }
        for u in s.encode_utf16() {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    /// Hands out one byte per read, the worst a reader may do.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn finds_the_encoding_and_drops_the_mark() {
        let text = "Họ tên;Thôn\nNguyễn Văn 𝔸;Đông\n";
        assert_eq!(decode_all(text.as_bytes()), (Encoding::Utf8, text.into()));
        let bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        assert_eq!(decode_all(&bom), (Encoding::Utf8Bom, text.into()));
        for be in [false, true] {
            for mark in [true, false] {
                let (enc, s) = decode_all(&utf16(text, be, mark));
                let want = if be {
                    Encoding::Utf16Be
                } else {
                    Encoding::Utf16Le
                };
                assert_eq!((enc, s.as_str()), (want, text), "be={be} mark={mark}");
            }
        }
        assert_eq!(decode_all(b""), (Encoding::Utf8, String::new()));
        assert_eq!(decode_all(b"a"), (Encoding::Utf8, "a".into()));
    }

    #[test]
    fn utf16_survives_one_byte_reads_and_broken_input() {
        let text = "Ngô Thị 𝔸nh\tThôn Hạ\r\n";
        let bytes = utf16(text, false, true);
        let (_, mut r) = text_reader(Trickle(&bytes), 1 << 20).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, text);

        // A lone low surrogate, a lone high surrogate, then an odd last byte.
        let broken = [0xFF, 0xFE, 0x00, 0xDC, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
        assert_eq!(decode_all(&broken).1, "\u{FFFD}a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn refuses_more_than_the_bound_instead_of_cutting() {
        let data = [b'x'; 100];
        let (_, mut r) = text_reader(&data[..], 100).unwrap();
        assert_eq!(r.read_to_end(&mut Vec::new()).unwrap(), 100);
        let (_, mut r) = text_reader(&data[..], 99).unwrap();
        let err = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(is_too_big(&err), "{err}");
        assert!(!is_too_big(&io::Error::other("disk")));
    }

    #[test]
    fn empty_lines_outside_quotes_become_blank_rows() {
        let input = b"a;b\r\n\r\n1;2\n\n\"x\n\ny\";3\n";
        let mut out = Vec::new();
        KeepBlankLines::new(&input[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"a;b\r\n \r\n1;2\n \n\"x\n\ny\";3\n");
        // One record per spreadsheet row, the quoted blank line kept as data.
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(b';')
            .from_reader(KeepBlankLines::new(&input[..]));
        let rows: Vec<Vec<String>> = csv
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["a", "b"],
                vec![" "],
                vec!["1", "2"],
                vec![" "],
                vec!["x\n\ny", "3"]
            ]
        );
    }

    #[test]
    fn the_prefix_is_whole_lines_and_bounded() {
        let mut text: &[u8] = b"title\nh1;h2\nv1;v2\n";
        assert_eq!(read_prefix(&mut text).unwrap(), b"title\nh1;h2\nv1;v2\n");
        let many = "x\n".repeat(100);
        let mut r = many.as_bytes();
        assert_eq!(read_prefix(&mut r).unwrap().len(), SCAN_LINES * 2);
    }
}
