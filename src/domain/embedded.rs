//! The data files compiled into the binary (`data/`): reference lists, the
//! form specs, the report spec. `build.rs` deflates them; [`text!`] inflates
//! one when it is first parsed. They are about 62 KB of text and 17 KB
//! deflated, and the inflater is linked anyway (the zip reader's, for
//! workbooks), so the binary is 38 KB smaller. Nothing is kept
//! inflated: each caller parses the text once and keeps what it parsed.

/// The text of a data file, by its path under `data/`, inflated.
macro_rules! text {
    ($path:literal) => {
        $crate::domain::embedded::inflate(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/data/",
            $path,
            ".deflate"
        )))
    };
}
pub(crate) use text;

/// A data file's deflated bytes back to its text. The bytes were made by
/// `build.rs` from the source's files, so they are whole UTF-8: a failure
/// here is a broken build, found by any test that reads a spec or a list.
pub fn inflate(packed: &[u8]) -> String {
    let mut inflater = flate2::Decompress::new(false);
    // The files are text that deflates 3–6 times; the loop grows the buffer
    // for any that does better.
    let mut out = Vec::with_capacity(packed.len() * 8);
    loop {
        let status = inflater
            .decompress_vec(
                &packed[inflater.total_in() as usize..],
                &mut out,
                flate2::FlushDecompress::Finish,
            )
            .expect("the data files are deflated by build.rs");
        match status {
            flate2::Status::StreamEnd => break,
            _ if out.len() == out.capacity() => out.reserve(out.capacity().max(1024)),
            _ => panic!("a data file is cut short: the build is broken"),
        }
    }
    String::from_utf8(out).expect("the data files are UTF-8")
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_file_inflates_to_its_source() {
        let pairs = [
            (
                text!("provinces.csv"),
                include_str!("../../data/provinces.csv"),
            ),
            (
                text!("synonyms.csv"),
                include_str!("../../data/synonyms.csv"),
            ),
            (text!("report.json"), include_str!("../../data/report.json")),
            (
                text!("forms/activation.json"),
                include_str!("../../data/forms/activation.json"),
            ),
        ];
        for (inflated, source) in pairs {
            assert_eq!(inflated, source);
        }
    }
}
