//! Bytes to UTF-8 text for the work-list reader: the size bound, the
//! byte-order mark (UTF-8, UTF-16 LE/BE), Excel's plain "CSV" of a
//! Vietnamese Windows (Windows-1258) told from UTF-8, streaming decoding
//! (encoding_rs), and a filter that keeps blank lines visible to the CSV
//! reader.
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
    /// Excel's plain "CSV" on a Vietnamese Windows: the Windows code page
    /// for Vietnamese, its tone marks as combining characters (made whole,
    /// NFC, as every cell is).
    Windows1258,
}

impl Encoding {
    /// The decoder of a text not already UTF-8.
    fn decoder(self) -> Option<encoding_rs::Decoder> {
        let encoding = match self {
            Encoding::Utf8 | Encoding::Utf8Bom => return None,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1258 => encoding_rs::WINDOWS_1258,
        };
        // The mark, if any, is already dropped: a text without one must
        // not have its first characters taken for one.
        Some(encoding.new_decoder_without_bom_handling())
    }
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
        crate::progress::advance(n as u64);
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

/// How much of a file without a byte-order mark is looked at to tell UTF-8
/// from Windows-1258: valid UTF-8 this far is taken as UTF-8 (a later byte
/// that is not is then refused naming its row).
const SNIFF_BYTES: usize = 64 * 1024;

/// Opens raw bytes as UTF-8 text: reads the first bytes to find the encoding,
/// drops the byte-order mark and decodes anything else on the fly. Fails
/// with [`TooBig`] (inside the `io::Error`) once more than `max_bytes` are
/// read.
pub fn text_reader<'a, R: Read + 'a>(
    raw: R,
    max_bytes: u64,
) -> io::Result<(Encoding, Box<dyn BufRead + 'a>)> {
    let mut limited = Limited {
        inner: raw,
        left: max_bytes,
    };
    let mut head = vec![0u8; SNIFF_BYTES];
    let got = read_head(&mut limited, &mut head)?;
    head.truncate(got);
    let (encoding, skip) = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8Bom, 3),
        [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
        [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
        // No mark, but ASCII text in UTF-16 shows as a zero byte next to
        // each character: some tools write "Unicode" without the mark.
        [a, 0, ..] if *a != 0 => (Encoding::Utf16Le, 0),
        [0, b, ..] if *b != 0 => (Encoding::Utf16Be, 0),
        text if is_utf8(text, got < SNIFF_BYTES) => (Encoding::Utf8, 0),
        // UTF-8 letters beside a byte that is not: a UTF-8 file with a
        // stray byte, refused naming its row, not read as another encoding.
        text if has_utf8_letters(text) => (Encoding::Utf8, 0),
        _ => (Encoding::Windows1258, 0),
    };
    let rest = Cursor::new(head.split_off(skip)).chain(limited);
    let text: Box<dyn BufRead + 'a> = match encoding.decoder() {
        None => Box::new(BufReader::with_capacity(64 * 1024, rest)),
        Some(decoder) => Box::new(BufReader::with_capacity(
            64 * 1024,
            Decoding::new(rest, decoder),
        )),
    };
    Ok((encoding, text))
}

/// Whether the first bytes of a file are UTF-8: all of it when `whole`,
/// else all but a character the sample's end cut in two.
fn is_utf8(head: &[u8], whole: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none(),
    }
}

/// Whether some of the bytes are letters beyond ASCII written in UTF-8
/// (which Windows-1258 text almost never forms by chance: a lead byte
/// followed by the right number of continuation bytes).
fn has_utf8_letters(head: &[u8]) -> bool {
    head.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// Any encoding in, UTF-8 out, a chunk at a time (encoding_rs). Broken
/// input (a lone surrogate, an odd last byte) becomes U+FFFD rather than
/// an error: the row it lands in then fails its checks and is reported,
/// which says more than "bad file".
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    /// The part of `input` not yet decoded.
    start: usize,
    end: usize,
    eof: bool,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        Decoding {
            inner,
            decoder,
            input: vec![0; 8 * 1024],
            start: 0,
            end: 0,
            eof: false,
            out: Vec::with_capacity(32 * 1024),
            at: 0,
            done: false,
        }
    }

    /// Decodes the next chunk into `out`; may produce nothing (one odd byte
    /// of UTF-16).
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.at = 0;
        if self.start == self.end && !self.eof {
            let n = read_some(&mut self.inner, &mut self.input)?;
            (self.start, self.end, self.eof) = (0, n, n == 0);
        }
        let src = &self.input[self.start..self.end];
        let room = self
            .decoder
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len() * 3 + 16);
        self.out.resize(room, 0);
        let (result, read, written, _) = self.decoder.decode_to_utf8(src, &mut self.out, self.eof);
        self.start += read;
        self.out.truncate(written);
        if self.eof && result == encoding_rs::CoderResult::InputEmpty {
            self.done = true;
        }
        Ok(())
    }
}

impl<R: Read> Read for Decoding<R> {
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
    fn excel_csv_of_a_vietnamese_windows_is_read_as_windows_1258() {
        // "Họ tên;Thôn\nNguyễn Văn Đông;Hạ\n" as Excel's "CSV" writes it on
        // a Vietnamese Windows: tone marks as combining characters.
        let bytes = b"Ho\xF2 t\xEAn;Th\xF4n\nNguy\xEA\xDEn V\xE3n \xD0\xF4ng;Ha\xF2\n";
        let (enc, s) = decode_all(bytes);
        assert_eq!(enc, Encoding::Windows1258);
        assert_eq!(
            crate::domain::text::clean(&s),
            crate::domain::text::clean("Họ tên;Thôn\nNguyễn Văn Đông;Hạ\n")
        );
        // One byte at a time, the same.
        let (_, mut r) = text_reader(Trickle(bytes), 1 << 20).unwrap();
        let mut trickled = String::new();
        r.read_to_string(&mut trickled).unwrap();
        assert_eq!(trickled, s);
        // UTF-8 with one stray byte stays UTF-8 (the row is then refused).
        let mut stray = "Họ tên;Thôn\nNguyễn Văn;Đông\n".as_bytes().to_vec();
        stray.extend(b"\xA0;x\n");
        assert_eq!(text_reader(&stray[..], 1 << 20).unwrap().0, Encoding::Utf8);
        // UTF-8 cut at the end of the sample is still UTF-8.
        let mut long = "a".repeat(SNIFF_BYTES - 1).into_bytes();
        long.extend("ễ;x\n".as_bytes());
        assert_eq!(decode_all(&long).0, Encoding::Utf8);
    }

    #[test]
    fn refuses_more_than_the_bound_instead_of_cutting() {
        let data = [b'x'; 100];
        let (_, mut r) = text_reader(&data[..], 100).unwrap();
        assert_eq!(r.read_to_end(&mut Vec::new()).unwrap(), 100);
        // Found while the first bytes are read to tell the encoding, or
        // later: refused either way.
        let err = match text_reader(&data[..], 99) {
            Err(e) => e,
            Ok((_, mut r)) => r.read_to_end(&mut Vec::new()).unwrap_err(),
        };
        assert!(is_too_big(&err), "{err}");
        let long = vec![b'x'; SNIFF_BYTES * 2];
        let (_, mut r) = text_reader(&long[..], SNIFF_BYTES as u64 + 10).unwrap();
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
