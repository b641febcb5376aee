//! ChaCha20-Poly1305 (RFC 8439) and HChaCha20 behind plain, non-generic
//! functions.
//!
//! The RustCrypto crates are generic, and generic code is compiled in the
//! crate that uses it, at that crate's optimisation level. tothon's own
//! crate is built for size (`opt-level = "s"`), where the ciphers' SIMD
//! intrinsics stay calls instead of instructions and every value sealed or
//! opened costs several times what it should (measured: a fifth of a
//! bundle export's time in one such function). Here the generic code is
//! instantiated once, in a crate built at `opt-level = 3` (see tothon's
//! `Cargo.toml`), and tothon calls it through these functions: the store's
//! sealing and the age format's chunks both.
//!
//! Short values (the store's: a case version, a list line, a few hundred
//! bytes) take their own path to the same RFC 8439 construction. The
//! ChaCha20 crate makes a message's keystream block by block unless it is
//! asked for four blocks at once, and one block alone is a chain of twenty
//! dependent rounds: a 150-byte value (the Poly1305 key's block, two whole
//! blocks and a tail) cost four such chains, about 800 ns. Here the
//! keystream of a short value, its Poly1305 key block included, is made in
//! whole groups of four blocks, which the SIMD backends make side by side in
//! the time of one (measured on the sealing bench: see BENCHMARKS.md).

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};
use poly1305::Poly1305;
use poly1305::universal_hash::UniversalHash;

/// The length of a Poly1305 tag.
pub const TAG: usize = 16;

/// ChaCha20's block, and how many of them its SIMD backends make at once.
const BLOCK: usize = 64;
const GROUP: usize = 4 * BLOCK;
/// The longest text sealed through one keystream made in groups: with the
/// Poly1305 key's block, two groups.
const SHORT: usize = 2 * GROUP - BLOCK;

/// Encrypts `text` in place under `key` and `nonce`, authenticating `ad`
/// with it; returns the tag.
pub fn seal(key: &[u8; 32], nonce: &[u8; 12], ad: &[u8], text: &mut [u8]) -> [u8; TAG] {
    if text.len() > SHORT {
        return ChaCha20Poly1305::new(key.into())
            .encrypt_in_place_detached(Nonce::from_slice(nonce), ad, text)
            // Only a message longer than 256 GiB is refused.
            .expect("a message far below ChaCha20's limit")
            .into();
    }
    let (stream, mac) = short_stream(key, nonce, text.len());
    xor(text, &stream[BLOCK..]);
    mac.chain(ad, text).finalize().into()
}

/// Decrypts `text` in place when `tag` authenticates it and `ad` under
/// `key` and `nonce`; otherwise `false`, and `text` must not be used.
#[must_use]
pub fn open(key: &[u8; 32], nonce: &[u8; 12], ad: &[u8], text: &mut [u8], tag: &[u8; TAG]) -> bool {
    if text.len() > SHORT {
        return ChaCha20Poly1305::new(key.into())
            .decrypt_in_place_detached(Nonce::from_slice(nonce), ad, text, Tag::from_slice(tag))
            .is_ok();
    }
    let (stream, mac) = short_stream(key, nonce, text.len());
    // `verify` compares in constant time.
    if mac.chain(ad, text).verify(tag.into()).is_err() {
        return false;
    }
    xor(text, &stream[BLOCK..]);
    true
}

/// The keystream for a text of `len` bytes (at most `SHORT`), made in whole
/// groups of blocks, and the Poly1305 its first block keys.
fn short_stream(key: &[u8; 32], nonce: &[u8; 12], len: usize) -> ([u8; 2 * GROUP], Mac) {
    let mut stream = [0u8; 2 * GROUP];
    let made = (BLOCK + len).div_ceil(GROUP) * GROUP;
    ChaCha20::new(key.into(), nonce.into()).apply_keystream(&mut stream[..made]);
    let mac = Mac(Poly1305::new(stream[..32].into()));
    (stream, mac)
}

/// RFC 8439's Poly1305 input: the associated data, the ciphertext, each
/// padded to 16 bytes, then both lengths.
struct Mac(Poly1305);

impl Mac {
    fn chain(mut self, ad: &[u8], text: &[u8]) -> Poly1305 {
        self.0.update_padded(ad);
        self.0.update_padded(text);
        let mut lengths = poly1305::Block::default();
        lengths[..8].copy_from_slice(&(ad.len() as u64).to_le_bytes());
        lengths[8..].copy_from_slice(&(text.len() as u64).to_le_bytes());
        self.0.update(&[lengths]);
        self.0
    }
}

fn xor(text: &mut [u8], stream: &[u8]) {
    for (t, k) in text.iter_mut().zip(stream) {
        *t ^= k;
    }
}

/// HChaCha20 (the key derivation of XChaCha20): the 32-byte key that
/// `key` and the 16 bytes `input` give.
pub fn hchacha20(key: &[u8; 32], input: &[u8; 16]) -> [u8; 32] {
    chacha20::hchacha::<chacha20::cipher::consts::U10>(key.into(), input.into()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8439, section 2.8.2.
    #[test]
    fn the_rfc_8439_vector() {
        let key: [u8; 32] = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
            .try_into()
            .unwrap();
        let nonce: [u8; 12] = hex("070000004041424344454647").try_into().unwrap();
        let ad = hex("50515253c0c1c2c3c4c5c6c7");
        let plain = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let mut text = plain.to_vec();
        let tag = seal(&key, &nonce, &ad, &mut text);
        assert_eq!(tag.to_vec(), hex("1ae10b594f09e26a7e902ecbd0600691"));
        assert_eq!(&text[..8], hex("d31a8d34648e60db").as_slice());
        assert!(open(&key, &nonce, &ad, &mut text, &tag));
        assert_eq!(text, plain);
        text[0] ^= 1;
        assert!(!open(&key, &nonce, &ad, &mut text, &tag));
    }

    /// The short path gives what the crate's own ChaCha20-Poly1305 gives, at
    /// every length around its groups' edges, and refuses what it refuses.
    #[test]
    fn short_values_match_the_crate() {
        let key = [0x42u8; 32];
        let mut n = 0u64;
        for len in 0..=SHORT + 70 {
            for ad_len in [0usize, 1, 15, 16, 17, 40] {
                n += 1;
                let mut nonce = [0u8; 12];
                nonce[4..].copy_from_slice(&n.to_le_bytes());
                let ad: Vec<u8> = (0..ad_len).map(|i| (i * 7 + len) as u8).collect();
                let plain: Vec<u8> = (0..len).map(|i| (i * 31 + 5) as u8).collect();
                let mut ours = plain.clone();
                let tag = seal(&key, &nonce, &ad, &mut ours);
                let mut theirs = plain.clone();
                let their_tag = ChaCha20Poly1305::new((&key).into())
                    .encrypt_in_place_detached(Nonce::from_slice(&nonce), &ad, &mut theirs)
                    .unwrap();
                assert_eq!(
                    (&ours, tag.as_slice()),
                    (&theirs, their_tag.as_slice()),
                    "{len} {ad_len}"
                );
                let mut back = ours.clone();
                assert!(open(&key, &nonce, &ad, &mut back, &tag));
                assert_eq!(back, plain);
                if len > 0 {
                    let mut flipped = ours.clone();
                    flipped[len - 1] ^= 0x80;
                    assert!(!open(&key, &nonce, &ad, &mut flipped, &tag));
                    // Refused text is left as it came.
                    assert_eq!(flipped[..len - 1], ours[..len - 1]);
                }
                let mut bad_tag = tag;
                bad_tag[15] ^= 1;
                assert!(!open(&key, &nonce, &ad, &mut ours.clone(), &bad_tag));
            }
        }
    }
}
