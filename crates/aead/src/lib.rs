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

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};

/// The length of a Poly1305 tag.
pub const TAG: usize = 16;

/// Encrypts `text` in place under `key` and `nonce`, authenticating `ad`
/// with it; returns the tag.
pub fn seal(key: &[u8; 32], nonce: &[u8; 12], ad: &[u8], text: &mut [u8]) -> [u8; TAG] {
    ChaCha20Poly1305::new(key.into())
        .encrypt_in_place_detached(Nonce::from_slice(nonce), ad, text)
        // Only a message longer than 256 GiB is refused.
        .expect("a message far below ChaCha20's limit")
        .into()
}

/// Decrypts `text` in place when `tag` authenticates it and `ad` under
/// `key` and `nonce`; otherwise `false`, and `text` must not be used.
#[must_use]
pub fn open(key: &[u8; 32], nonce: &[u8; 12], ad: &[u8], text: &mut [u8], tag: &[u8; TAG]) -> bool {
    ChaCha20Poly1305::new(key.into())
        .decrypt_in_place_detached(Nonce::from_slice(nonce), ad, text, Tag::from_slice(tag))
        .is_ok()
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
}
