//! The age file format (age-encryption.org/v1) with X25519 recipients, the
//! one way a bundle's data files are encrypted to the devices that receive
//! them: `age -d -i KEY file.csv.age` reads what this writes, and this
//! reads what `age -r age1… ` writes.
//!
//! The format is written here over the RustCrypto primitives (X25519,
//! ChaCha20-Poly1305, HKDF and HMAC over SHA-256) rather than with the
//! `age` crate, whose localisation layer alone would take the binary past
//! its size budget (BENCHMARKS.md). Only X25519 stanzas are ever written;
//! stanzas of other types (the reference implementation adds random
//! "grease" ones) are read and skipped. Interoperability with the `age`
//! command is tested (`tests/protection.rs`).
//!
//! Decryption streams: a 64 KiB chunk is released only once its tag has
//! been checked, and a file cut short, or with bytes after its last chunk,
//! is refused. Nothing here knows of bundles, keys on disk or passphrases.

use std::io::{self, Read};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

const INTRO: &[u8] = b"age-encryption.org/v1\n";
const X25519_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
const CHUNK: usize = 64 * 1024;
const TAG: usize = tothon_aead::TAG;
/// More header than any honest file has (one stanza a receiving device);
/// a hostile file is refused before it makes us read more.
const MAX_HEADER: usize = 64 * 1024;
const RECIPIENT_HRP: &str = "age";
const IDENTITY_HRP: &str = "age-secret-key-";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    #[error("not an age file: {0}")]
    NotAge(&'static str),
    #[error("no identity of this device can open it")]
    NotForUs,
    #[error("its header was changed")]
    HeaderChanged,
    #[error("its content was changed or cut short")]
    Damaged,
    #[error("not an age recipient (age1…)")]
    NotARecipient,
    #[error("not an age identity (AGE-SECRET-KEY-1…)")]
    NotAnIdentity,
    #[error("no recipient to encrypt to")]
    NoRecipient,
    #[error("no random numbers: {0}")]
    Random(String),
}

/// Whom a file is encrypted to: an X25519 public key, written `age1…`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Recipient(PublicKey);

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({self})")
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&bech32::encode(RECIPIENT_HRP, self.0.as_bytes()))
    }
}

impl Recipient {
    /// Reads `age1…` (lower case, as age writes it). A point of small
    /// order (the all-zero key, say) is refused: whatever is encrypted to
    /// it, anyone could read.
    pub fn parse(text: &str) -> Result<Recipient, AgeError> {
        match bech32::decode(text) {
            Some((hrp, data)) if hrp == RECIPIENT_HRP && text.starts_with("age1") => {
                let bytes: [u8; 32] = data.try_into().map_err(|_| AgeError::NotARecipient)?;
                let key = PublicKey::from(bytes);
                let probe = StaticSecret::from([0x5a; 32]).diffie_hellman(&key);
                if !probe.was_contributory() {
                    return Err(AgeError::NotARecipient);
                }
                Ok(Recipient(key))
            }
            _ => Err(AgeError::NotARecipient),
        }
    }
}

/// What opens files encrypted to its [`Recipient`]: an X25519 secret.
#[derive(Clone)]
pub struct Identity(StaticSecret);

/// The public key of `secret`, by the Montgomery ladder from the base
/// point: the same key `PublicKey::from` gives, without the precomputed
/// Edwards table it uses (30 KB of the binary, for a few key computations
/// a bundle).
fn public_of(secret: &StaticSecret) -> PublicKey {
    PublicKey::from(x25519_dalek::x25519(
        secret.to_bytes(),
        x25519_dalek::X25519_BASEPOINT_BYTES,
    ))
}

impl Identity {
    /// The identity whose secret scalar is `secret` (clamped when used, as
    /// X25519 does).
    pub fn from_secret(secret: [u8; 32]) -> Identity {
        Identity(StaticSecret::from(secret))
    }

    pub fn recipient(&self) -> Recipient {
        Recipient(public_of(&self.0))
    }

    /// The identity as age's key files write it (`AGE-SECRET-KEY-1…`), for
    /// `age -d -i`. A secret: written only where the person asked for it.
    pub fn secret_text(&self) -> String {
        bech32::encode(IDENTITY_HRP, self.0.as_bytes()).to_uppercase()
    }

    /// Reads `AGE-SECRET-KEY-1…`.
    pub fn parse(text: &str) -> Result<Identity, AgeError> {
        match bech32::decode(text) {
            Some((hrp, data)) if hrp == IDENTITY_HRP && text.starts_with("AGE-SECRET-KEY-1") => {
                let bytes: [u8; 32] = data.try_into().map_err(|_| AgeError::NotAnIdentity)?;
                Ok(Identity::from_secret(bytes))
            }
            _ => Err(AgeError::NotAnIdentity),
        }
    }

    /// The file key an X25519 stanza wraps for this identity, if it is for it.
    fn unwrap(&self, share: &[u8], body: &[u8]) -> Option<[u8; 16]> {
        let share: [u8; 32] = share.try_into().ok()?;
        let share = PublicKey::from(share);
        let shared = self.0.diffie_hellman(&share);
        if shared.as_bytes().iter().all(|&b| b == 0) {
            return None;
        }
        let ours = self.recipient();
        let key = wrap_key(shared.as_bytes(), share.as_bytes(), ours.0.as_bytes());
        if body.len() != 16 + TAG {
            return None;
        }
        let (sealed, tag) = body.split_at(16);
        let mut file_key: [u8; 16] = sealed.try_into().ok()?;
        let tag: &[u8; TAG] = tag.try_into().ok()?;
        tothon_aead::open(&key, &[0; 12], &[], &mut file_key, tag).then_some(file_key)
    }
}

fn random<const N: usize>() -> Result<[u8; N], AgeError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| AgeError::Random(e.to_string()))?;
    Ok(out)
}

fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut out)
        .expect("32 bytes is a valid HKDF-SHA-256 length");
    out
}

fn wrap_key(shared: &[u8; 32], share: &[u8; 32], recipient: &[u8; 32]) -> [u8; 32] {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(recipient);
    hkdf(shared, &salt, X25519_LABEL)
}

fn header_mac(file_key: &[u8; 16], header: &[u8]) -> Hmac<Sha256> {
    let key = hkdf(file_key, &[], b"header");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key");
    mac.update(header);
    mac
}

fn chunk_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// `plain` encrypted to every one of `recipients` (any of them can open it).
pub fn encrypt(plain: &[u8], recipients: &[Recipient]) -> Result<Vec<u8>, AgeError> {
    if recipients.is_empty() {
        return Err(AgeError::NoRecipient);
    }
    let file_key: [u8; 16] = random()?;
    let mut out = Vec::with_capacity(plain.len() + plain.len() / CHUNK * TAG + 256);
    out.extend_from_slice(INTRO);
    for r in recipients {
        let ephemeral = StaticSecret::from(random::<32>()?);
        let share = public_of(&ephemeral);
        let shared = ephemeral.diffie_hellman(&r.0);
        if !shared.was_contributory() {
            return Err(AgeError::NotARecipient);
        }
        let key = wrap_key(shared.as_bytes(), share.as_bytes(), r.0.as_bytes());
        let mut body = file_key.to_vec();
        let tag = tothon_aead::seal(&key, &[0; 12], &[], &mut body);
        body.extend_from_slice(&tag);
        out.extend_from_slice(b"-> X25519 ");
        out.extend_from_slice(base64::encode(share.as_bytes()).as_bytes());
        out.push(b'\n');
        // A 32-byte body is one line shorter than 64 characters.
        out.extend_from_slice(base64::encode(&body).as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"---");
    let mac = header_mac(&file_key, &out).finalize().into_bytes();
    out.push(b' ');
    out.extend_from_slice(base64::encode(&mac).as_bytes());
    out.push(b'\n');

    let nonce: [u8; 16] = random()?;
    out.extend_from_slice(&nonce);
    let key = hkdf(&file_key, &nonce, b"payload");
    let chunks = plain.len().div_ceil(CHUNK).max(1);
    for i in 0..chunks {
        let part = &plain[(i * CHUNK).min(plain.len())..((i + 1) * CHUNK).min(plain.len())];
        let start = out.len();
        out.extend_from_slice(part);
        let nonce = chunk_nonce(i as u64, i + 1 == chunks);
        let tag = tothon_aead::seal(&key, &nonce, &[], &mut out[start..]);
        out.extend_from_slice(&tag);
    }
    Ok(out)
}

/// Reads the plain text of an age file from `source`, as it streams.
pub struct Decrypt<R> {
    source: R,
    /// The payload's key.
    key: [u8; 32],
    counter: u64,
    /// The current chunk: sealed as read, then opened in place.
    buf: Vec<u8>,
    /// How much of `buf` has been handed out.
    at: usize,
    /// The byte read past a full chunk to learn it was not the last: the
    /// first of the next one.
    pending: Option<u8>,
    done: bool,
    /// A chunk failed its check: every later read fails too, and nothing
    /// more is released.
    failed: bool,
}

/// A reader that stops at the first `\n`, one byte at a time (the header
/// is short), and never reads more than [`MAX_HEADER`] bytes in all.
struct Header<'a, R> {
    source: &'a mut R,
    bytes: Vec<u8>,
}

impl<R: Read> Header<'_, R> {
    fn line(&mut self) -> Result<&[u8], AgeError> {
        let start = self.bytes.len();
        let mut byte = [0u8; 1];
        loop {
            if self.bytes.len() >= MAX_HEADER {
                return Err(AgeError::NotAge("header too long"));
            }
            match self.source.read(&mut byte) {
                Ok(0) => return Err(AgeError::NotAge("cut short in its header")),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(AgeError::NotAge("unreadable")),
            }
            self.bytes.push(byte[0]);
            if byte[0] == b'\n' {
                return Ok(&self.bytes[start..self.bytes.len() - 1]);
            }
        }
    }
}

impl<R: Read> Decrypt<R> {
    /// Reads and checks the header of the age file `source` holds, with
    /// `identity`. The first chunk is read when the plain text is.
    pub fn new(mut source: R, identity: &Identity) -> Result<Decrypt<R>, AgeError> {
        let mut header = Header {
            source: &mut source,
            bytes: Vec::new(),
        };
        if header.line()? != &INTRO[..INTRO.len() - 1] {
            return Err(AgeError::NotAge("no age header"));
        }
        let mut file_key = None;
        let mac = loop {
            let line = header.line()?.to_vec();
            if let Some(mac) = line.strip_prefix(b"--- ") {
                break base64::decode(mac).ok_or(AgeError::NotAge("bad header MAC"))?;
            }
            let Some(args) = line.strip_prefix(b"-> ") else {
                return Err(AgeError::NotAge("bad stanza"));
            };
            let args: Vec<&[u8]> = args.split(|&b| b == b' ').collect();
            if args
                .iter()
                .any(|a| a.is_empty() || !a.iter().all(|&b| (33..=126).contains(&b)))
            {
                return Err(AgeError::NotAge("bad stanza"));
            }
            let mut body = Vec::new();
            loop {
                let part = header.line()?;
                let decoded = base64::decode(part).ok_or(AgeError::NotAge("bad stanza body"))?;
                let full = part.len() == 64;
                if part.len() > 64 {
                    return Err(AgeError::NotAge("bad stanza body"));
                }
                body.extend_from_slice(&decoded);
                if !full {
                    break;
                }
            }
            if args[0] == b"X25519" && file_key.is_none() {
                let [_, share] = args.as_slice() else {
                    return Err(AgeError::NotAge("bad X25519 stanza"));
                };
                let share = base64::decode(share).ok_or(AgeError::NotAge("bad X25519 stanza"))?;
                if share.len() != 32 || body.len() != 32 {
                    return Err(AgeError::NotAge("bad X25519 stanza"));
                }
                file_key = identity.unwrap(&share, &body);
            }
        };
        let file_key = file_key.ok_or(AgeError::NotForUs)?;
        // The MAC covers the header up to and including "---".
        let covered = header.bytes.len() - (1 + 4 + base64::encoded_len(mac.len()));
        header_mac(&file_key, &header.bytes[..covered + 3])
            .verify_slice(&mac)
            .map_err(|_| AgeError::HeaderChanged)?;
        let mut nonce = [0u8; 16];
        source
            .read_exact(&mut nonce)
            .map_err(|_| AgeError::Damaged)?;
        let key = hkdf(&file_key, &nonce, b"payload");
        Ok(Decrypt {
            source,
            key,
            counter: 0,
            buf: Vec::with_capacity(CHUNK + TAG + 1),
            at: 0,
            pending: None,
            done: false,
            failed: false,
        })
    }

    /// Reads, checks and opens the next chunk into `buf`.
    fn next_chunk(&mut self) -> io::Result<()> {
        let damaged = || io::Error::new(io::ErrorKind::InvalidData, AgeError::Damaged);
        // Until this chunk has passed its check, nothing in `buf` is out.
        self.failed = true;
        // One byte more than a full chunk tells whether this one is the last.
        self.buf.clear();
        self.buf.extend(self.pending.take());
        let mut filled = self.buf.len();
        self.buf.resize(CHUNK + TAG + 1, 0);
        while filled < self.buf.len() {
            match self.source.read(&mut self.buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let last = filled <= CHUNK + TAG;
        if !last {
            self.pending = Some(self.buf[CHUNK + TAG]);
        }
        let sealed = filled.min(CHUNK + TAG);
        // Only a file with no content at all ends in an empty chunk.
        if sealed < TAG || (sealed == TAG && self.counter > 0) {
            return Err(damaged());
        }
        self.buf.truncate(sealed);
        let (text, tag) = self.buf.split_at_mut(sealed - TAG);
        let tag: &[u8; TAG] = (&*tag).try_into().map_err(|_| damaged())?;
        if !tothon_aead::open(&self.key, &chunk_nonce(self.counter, last), &[], text, tag) {
            return Err(damaged());
        }
        self.buf.truncate(sealed - TAG);
        self.counter += 1;
        self.done = last;
        self.at = 0;
        self.failed = false;
        Ok(())
    }
}

impl<R: Read> Read for Decrypt<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                AgeError::Damaged,
            ));
        }
        while self.at == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Standard base64 without padding, as age writes it; decoding refuses
/// anything but the canonical form.
pub(crate) mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encoded_len(n: usize) -> usize {
        (n * 8).div_ceil(6)
    }

    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(encoded_len(data.len()));
        for group in data.chunks(3) {
            let n = group
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..=group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
        if text.len() % 4 == 1 {
            return None;
        }
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        for group in text.chunks(4) {
            let mut n = 0u32;
            for (i, &c) in group.iter().enumerate() {
                let v = ALPHABET.iter().position(|&a| a == c)? as u32;
                n |= v << (18 - 6 * i);
            }
            let bytes = group.len() - 1;
            for i in 0..bytes {
                out.push((n >> (16 - 8 * i)) as u8);
            }
            // Bits past the last whole byte must be zero (canonical form).
            if n & ((1 << (24 - 8 * bytes)) - 1) != 0 {
                return None;
            }
        }
        Some(out)
    }
}

/// Bech32 (BIP 173), as age writes its keys, without the 90-character
/// limit; decoding accepts one case only.
mod bech32 {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GENERATOR: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    fn polymod(values: impl Iterator<Item = u8>) -> u32 {
        let mut chk = 1u32;
        for v in values {
            let top = chk >> 25;
            chk = (chk & 0x1ff_ffff) << 5 ^ u32::from(v);
            for (i, g) in GENERATOR.iter().enumerate() {
                if top >> i & 1 == 1 {
                    chk ^= g;
                }
            }
        }
        chk
    }

    fn expanded(hrp: &str) -> impl Iterator<Item = u8> + '_ {
        hrp.bytes()
            .map(|b| b >> 5)
            .chain([0])
            .chain(hrp.bytes().map(|b| b & 31))
    }

    fn to_five_bits(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for &b in data {
            acc = acc << 8 | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push((acc >> bits & 31) as u8);
            }
        }
        if bits > 0 {
            out.push((acc << (5 - bits) & 31) as u8);
        }
        out
    }

    /// `hrp` in lower case.
    pub fn encode(hrp: &str, data: &[u8]) -> String {
        let five = to_five_bits(data);
        let chk = polymod(expanded(hrp).chain(five.iter().copied()).chain([0; 6])) ^ 1;
        let mut out = format!("{hrp}1");
        for v in five
            .iter()
            .copied()
            .chain((0..6).map(|i| (chk >> (5 * (5 - i)) & 31) as u8))
        {
            out.push(CHARSET[v as usize] as char);
        }
        out
    }

    /// The human-readable part (lower case) and the data.
    pub fn decode(text: &str) -> Option<(String, Vec<u8>)> {
        let lower = text.to_ascii_lowercase();
        if text != lower && text != text.to_ascii_uppercase() {
            return None;
        }
        let sep = lower.rfind('1')?;
        let (hrp, rest) = (&lower[..sep], &lower[sep + 1..]);
        if hrp.is_empty() || rest.len() < 6 || !hrp.bytes().all(|b| (33..=126).contains(&b)) {
            return None;
        }
        let values: Vec<u8> = rest
            .bytes()
            .map(|c| CHARSET.iter().position(|&x| x == c).map(|p| p as u8))
            .collect::<Option<_>>()?;
        if polymod(expanded(hrp).chain(values.iter().copied())) != 1 {
            return None;
        }
        let five = &values[..values.len() - 6];
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for &v in five {
            acc = acc << 5 | u32::from(v);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
        }
        // Padding: fewer than 5 bits, all zero.
        if bits >= 5 || acc & ((1 << bits) - 1) != 0 {
            return None;
        }
        Some((hrp.to_string(), out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_gives_the_public_key_the_table_gives() {
        for seed in [[1u8; 32], [0x5a; 32], [0xff; 32]] {
            let secret = StaticSecret::from(seed);
            assert_eq!(public_of(&secret), PublicKey::from(&secret));
        }
    }

    fn identity(n: u8) -> Identity {
        Identity::from_secret([n; 32])
    }

    fn decrypt(file: &[u8], id: &Identity) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        Decrypt::new(file, id)
            .map_err(|e| e.to_string())?
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn what_is_encrypted_to_two_devices_opens_with_either_and_no_other() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file =
                encrypt(&plain, &[identity(1).recipient(), identity(2).recipient()]).unwrap();
            assert_eq!(decrypt(&file, &identity(1)).unwrap(), plain, "{len}");
            assert_eq!(decrypt(&file, &identity(2)).unwrap(), plain, "{len}");
            assert!(
                decrypt(&file, &identity(3))
                    .unwrap_err()
                    .contains("no identity")
            );
        }
    }

    #[test]
    fn a_changed_cut_or_lengthened_file_is_refused() {
        let plain = vec![7u8; 2 * CHUNK + 10];
        let file = encrypt(&plain, &[identity(1).recipient()]).unwrap();
        let header_end = file.windows(4).position(|w| w == b"--- ").unwrap();
        for at in [
            30,
            header_end + 10,
            file.len() - 1,
            file.len() - 20,
            file.len() / 2,
        ] {
            let mut bad = file.clone();
            bad[at] ^= 1;
            assert!(decrypt(&bad, &identity(1)).is_err(), "flip at {at}");
        }
        for cut in [
            file.len() - 1,
            file.len() - 10 - TAG,
            file.len() - 10 - TAG - 1,
        ] {
            assert!(decrypt(&file[..cut], &identity(1)).is_err(), "cut at {cut}");
        }
        // Cut exactly after a full chunk: the last chunk flag is missing.
        let body_start = file.len() - (plain.len() + 3 * TAG);
        let cut = body_start + 2 * (CHUNK + TAG);
        assert!(decrypt(&file[..cut], &identity(1)).is_err());
        let mut longer = file.clone();
        longer.push(0);
        assert!(decrypt(&longer, &identity(1)).is_err());
        assert!(decrypt(b"age-encryption.org/v1\n", &identity(1)).is_err());
        assert!(decrypt(b"PK\x03\x04", &identity(1)).is_err());
    }

    #[test]
    fn a_point_of_small_order_is_no_recipient() {
        let zero = bech32::encode(RECIPIENT_HRP, &[0; 32]);
        assert!(Recipient::parse(&zero).is_err(), "{zero}");
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(Recipient::parse(&bech32::encode(RECIPIENT_HRP, &one)).is_err());
    }

    #[test]
    fn the_header_mac_covers_every_stanza_and_a_bad_chunk_releases_nothing() {
        let plain = vec![3u8; CHUNK + 100];
        let file = encrypt(&plain, &[identity(1).recipient(), identity(2).recipient()]).unwrap();
        // The second stanza's body (the first one identity 1 opens) changed,
        // and its base64 kept canonical: only the MAC can tell.
        let text =
            String::from_utf8_lossy(&file[..file.windows(4).position(|w| w == b"--- ").unwrap()])
                .into_owned();
        let second_body = text.lines().nth(4).unwrap().to_string();
        let mut body = base64::decode(second_body.as_bytes()).unwrap();
        body[0] ^= 1;
        let changed = text.replacen(&second_body, &base64::encode(&body), 1);
        let mut bad = changed.into_bytes();
        bad.extend_from_slice(&file[bad.len()..]);
        assert!(matches!(
            Decrypt::new(bad.as_slice(), &identity(1)).map(|_| ()),
            Err(AgeError::HeaderChanged)
        ));
        // A flipped byte in the first chunk: the read fails, and fails
        // again, and never hands out a byte.
        let mut flipped = file.clone();
        // The last chunk holds 100 bytes and a tag; the first lies before it.
        let first_chunk = flipped.len() - (100 + TAG) - (CHUNK + TAG);
        flipped[first_chunk + 10] ^= 1;
        let mut reader = Decrypt::new(flipped.as_slice(), &identity(1)).unwrap();
        let mut out = vec![0u8; 4096];
        assert!(reader.read(&mut out).is_err());
        assert!(reader.read(&mut out).is_err());
    }

    #[test]
    fn keys_are_written_as_age_writes_them() {
        // age-keygen's own output for one key, in both forms.
        let id = Identity::parse(
            "AGE-SECRET-KEY-1A5G66GU75SPL3K8PUPPPP2QZQF79GXX8WSD9NUGWLGEN8HAT6HQQWSTHNZ",
        )
        .unwrap();
        assert_eq!(
            id.recipient().to_string(),
            "age1pjcf0peetsrxxysp0l042necgq67k77eey0x39fje682ary8qpeqz8jk8z"
        );
        let r = identity(9).recipient();
        assert_eq!(Recipient::parse(&r.to_string()).unwrap(), r);
        let text = identity(9).secret_text();
        assert!(text.starts_with("AGE-SECRET-KEY-1"), "{text}");
        assert_eq!(Identity::parse(&text).unwrap().recipient(), r);
        for bad in [
            "",
            "age1",
            "age1qqqq",
            &r.to_string().to_uppercase()[..10],
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ] {
            assert!(Recipient::parse(bad).is_err(), "{bad}");
        }
        let mut typo = r.to_string();
        typo.replace_range(10..11, if &typo[10..11] == "q" { "p" } else { "q" });
        assert!(Recipient::parse(&typo).is_err());
    }

    #[test]
    fn base64_round_trips_and_refuses_what_is_not_canonical() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i: u32| (i * 37) as u8).collect();
            assert_eq!(
                base64::decode(base64::encode(&data).as_bytes()).unwrap(),
                data
            );
        }
        assert_eq!(base64::encode(b"hi"), "aGk");
        assert!(base64::decode(b"aGl").is_none(), "non-zero trailing bits");
        assert!(base64::decode(b"aGk=").is_none(), "padding");
        assert!(base64::decode(b"a").is_none());
    }
}
