//! The store's values that hold personal data, sealed at rest.
//!
//! Each value of the tables that hold people's data (case versions, the
//! work list's lines with their index entries and search keys, work items,
//! the register, drafts, the imports log) is sealed on its own with
//! XChaCha20-Poly1305 under the store's data key: a 24-byte nonce (16 random
//! bytes drawn when the store is unlocked, then a counter), the ciphertext,
//! the 16-byte tag. XChaCha20-Poly1305 is ChaCha20-Poly1305 under the key
//! HChaCha20 derives from the data key and the nonce's first 16 bytes, with
//! the last 8 as its nonce; it is built so here, from the ChaCha20-Poly1305
//! the bundles use, and the derived key is made once a sitting, not once a
//! value. The row's table and key are its associated
//! data, so a value moved to another row, or one bit changed anywhere,
//! fails to open and is reported as damage: never read as something else.
//! Table keys are record ids, person keys and numbers: no personal data.
//!
//! The data key is random, made once per store, and kept in `meta` wrapped
//! (sealed) under a key derived from the device's signing key: the
//! passphrase that opens the signing key opens the store.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Result, StoreError};

const NONCE: usize = 24;
const TAG: usize = tothon_aead::TAG;

/// What a sealed value costs in bytes beyond its plain text.
pub const OVERHEAD: usize = NONCE + TAG;

/// The tables whose values are sealed, each with the byte that names it in
/// a value's associated data.
#[derive(Clone, Copy, Debug)]
pub enum Sealed {
    Versions = 1,
    Lines = 2,
    WorkItems = 3,
    People = 4,
    Drafts = 5,
    Imports = 6,
    /// The settings that name people (see [`PERSONAL_SETTINGS`]).
    Settings = 7,
}

/// The settings (in `meta`) that hold people's names: the team's members
/// and who worked last. Sealed like the tables; every other setting is
/// plain, read before the store is unlocked.
pub const PERSONAL_SETTINGS: [&str; 2] = ["members", "last_member"];

impl Sealed {
    fn what(self) -> &'static str {
        match self {
            Sealed::Versions => "version",
            Sealed::Lines => "list row",
            Sealed::WorkItems => "work item",
            Sealed::People => "person",
            Sealed::Drafts => "draft",
            Sealed::Imports => "import",
            Sealed::Settings => "setting",
        }
    }
}

/// A row's key, as its value's associated data.
pub trait RowKey {
    fn ad(&self, table: Sealed, out: &mut Vec<u8>);
    fn shown(&self) -> String;
}

impl RowKey for &str {
    fn ad(&self, table: Sealed, out: &mut Vec<u8>) {
        out.push(table as u8);
        out.extend_from_slice(self.as_bytes());
    }
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl RowKey for (&str, &str) {
    fn ad(&self, table: Sealed, out: &mut Vec<u8>) {
        out.push(table as u8);
        out.extend_from_slice(self.0.as_bytes());
        // Never in UTF-8: ("a", "bc") and ("ab", "c") differ.
        out.push(0xff);
        out.extend_from_slice(self.1.as_bytes());
    }
    fn shown(&self) -> String {
        format!("{} {}", self.0, self.1)
    }
}

impl RowKey for u64 {
    fn ad(&self, table: Sealed, out: &mut Vec<u8>) {
        out.push(table as u8);
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn shown(&self) -> String {
        self.to_string()
    }
}

thread_local! {
    /// The memory each thread builds associated data in (a value is sealed
    /// or opened for every row a merge or a list reads: no allocation each).
    static ASSOCIATED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f` given the associated data of the row `key` of `table`.
fn with_associated<T>(table: Sealed, key: &impl RowKey, f: impl FnOnce(&[u8]) -> T) -> T {
    ASSOCIATED.with(|ad| {
        let mut ad = ad.borrow_mut();
        ad.clear();
        key.ad(table, &mut ad);
        f(&ad)
    })
}

/// The store's data key at work: seals and opens values.
pub struct Seal {
    key: [u8; 32],
    /// The nonces' random part, drawn when the store was unlocked, and the
    /// ChaCha20-Poly1305 key HChaCha20 derives with it.
    prefix: [u8; 16],
    subkey: [u8; 32],
    /// The nonces' counted part.
    counter: AtomicU64,
    /// The key of the last other prefix a value was opened under (most
    /// values of a store were sealed in one sitting).
    opened: std::sync::Mutex<Option<([u8; 16], [u8; 32])>>,
}

/// The ChaCha20 nonce of an XChaCha20 nonce's last 8 bytes.
fn short_nonce(tail: &[u8]) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(tail);
    nonce
}

/// The secret a store's data key is wrapped under (derived from the
/// device's signing key, never stored).
pub struct WrapKey(pub [u8; 32]);

/// A new data key, 32 random bytes.
pub fn new_data_key() -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| StoreError::Db(e.to_string()))?;
    Ok(key)
}

/// The layout of a wrapped data key: this byte, then the data key sealed.
const WRAPPED_V1: u8 = 1;
const WRAP_AD: &[u8] = b"tothon store data key v1";

/// `data_key` wrapped under `wrap`, to keep in `meta`.
pub fn wrap(data_key: &[u8; 32], wrap: &WrapKey) -> Result<Vec<u8>> {
    let seal = Seal::new(&wrap.0)?;
    let mut out = vec![WRAPPED_V1];
    seal.seal_raw(WRAP_AD, data_key, &mut out);
    Ok(out)
}

/// The data key `wrapped` holds, if `wrap` opens it.
pub fn unwrap(wrapped: &[u8], wrap: &WrapKey) -> Result<[u8; 32]> {
    let damaged = || StoreError::DataKeyDoesNotOpen;
    let Some((&WRAPPED_V1, sealed)) = wrapped.split_first() else {
        return Err(damaged());
    };
    let seal = Seal::new(&wrap.0)?;
    let mut out = Vec::new();
    seal.open_raw(WRAP_AD, sealed, &mut out)
        .ok_or_else(damaged)?;
    out.as_slice().try_into().map_err(|_| damaged())
}

impl Seal {
    pub fn new(key: &[u8; 32]) -> Result<Seal> {
        let mut prefix = [0u8; 16];
        getrandom::fill(&mut prefix).map_err(|e| StoreError::Db(e.to_string()))?;
        Ok(Seal {
            key: *key,
            prefix,
            subkey: tothon_aead::hchacha20(key, &prefix),
            counter: AtomicU64::new(0),
            opened: std::sync::Mutex::new(None),
        })
    }

    /// `plain` sealed, appended to `out`.
    fn seal_raw(&self, ad: &[u8], plain: &[u8], out: &mut Vec<u8>) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed).to_le_bytes();
        let start = out.len();
        out.reserve(plain.len() + OVERHEAD);
        out.extend_from_slice(&self.prefix);
        out.extend_from_slice(&n);
        out.extend_from_slice(plain);
        let tag = tothon_aead::seal(
            &self.subkey,
            &short_nonce(&n),
            ad,
            &mut out[start + NONCE..],
        );
        out.extend_from_slice(&tag);
    }

    fn open_raw(&self, ad: &[u8], sealed: &[u8], out: &mut Vec<u8>) -> Option<()> {
        if sealed.len() < OVERHEAD {
            return None;
        }
        let (nonce, rest) = sealed.split_at(NONCE);
        let (text, tag) = rest.split_at(rest.len() - TAG);
        let (prefix, tail) = nonce.split_at(16);
        let prefix: [u8; 16] = prefix.try_into().ok()?;
        let tag: &[u8; TAG] = tag.try_into().ok()?;
        let subkey = if prefix == self.prefix {
            self.subkey
        } else {
            let mut opened = self.opened.lock().ok()?;
            match *opened {
                Some((known, subkey)) if known == prefix => subkey,
                _ => {
                    let subkey = tothon_aead::hchacha20(&self.key, &prefix);
                    *opened = Some((prefix, subkey));
                    subkey
                }
            }
        };
        out.clear();
        out.extend_from_slice(text);
        tothon_aead::open(&subkey, &short_nonce(tail), ad, out, tag).then_some(())
    }
}

/// How a store's values are read and written: sealed once the store is
/// unlocked; plain only for a store from before sealing, which is read
/// plain while it is migrated.
#[derive(Clone)]
pub enum Vault {
    Plain,
    Sealed(Arc<Seal>),
}

impl Vault {
    /// The value to store for `plain` in the row `key` of `table`: `plain`
    /// itself, or its sealed form made in `out`.
    pub fn seal<'a>(
        &self,
        table: Sealed,
        key: impl RowKey,
        plain: &'a [u8],
        out: &'a mut Vec<u8>,
    ) -> &'a [u8] {
        match self {
            Vault::Plain => plain,
            Vault::Sealed(seal) => {
                out.clear();
                with_associated(table, &key, |ad| seal.seal_raw(ad, plain, out));
                out
            }
        }
    }

    /// What [`Vault::seal`] stores for `plain`, appended to `out`.
    pub fn seal_append(&self, table: Sealed, key: impl RowKey, plain: &[u8], out: &mut Vec<u8>) {
        match self {
            Vault::Plain => out.extend_from_slice(plain),
            Vault::Sealed(seal) => with_associated(table, &key, |ad| seal.seal_raw(ad, plain, out)),
        }
    }

    /// The plain value of a stored one: `stored` itself, or opened into
    /// `out`. A value that does not open (damaged, or moved from another
    /// row) is `Corrupt`, naming the row.
    pub fn open<'a>(
        &self,
        table: Sealed,
        key: impl RowKey,
        stored: &'a [u8],
        out: &'a mut Vec<u8>,
    ) -> Result<&'a [u8]> {
        match self {
            Vault::Plain => Ok(stored),
            Vault::Sealed(seal) => {
                match with_associated(table, &key, |ad| seal.open_raw(ad, stored, out)) {
                    Some(()) => Ok(out),
                    None => Err(StoreError::Corrupt {
                        what: table.what(),
                        detail: key.shown(),
                    }),
                }
            }
        }
    }

    /// [`Vault::open`] into a value of its own.
    pub fn open_owned(&self, table: Sealed, key: impl RowKey, stored: &[u8]) -> Result<Vec<u8>> {
        match self {
            Vault::Plain => Ok(stored.to_vec()),
            Vault::Sealed(_) => {
                let mut out = Vec::new();
                self.open(table, key, stored, &mut out)?;
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::Sealed(Arc::new(Seal::new(&[7; 32]).unwrap()))
    }

    #[test]
    fn a_value_opens_in_its_own_row_only_and_any_changed_byte_is_damage() {
        let v = vault();
        let mut buf = Vec::new();
        let sealed = v
            .seal(Sealed::People, "NK-1", "Nguyễn Văn A".as_bytes(), &mut buf)
            .to_vec();
        assert_eq!(sealed.len(), "Nguyễn Văn A".len() + OVERHEAD);
        assert!(!sealed.windows(6).any(|w| w == b"Nguy\xe1\xbb"));
        let mut out = Vec::new();
        assert_eq!(
            v.open(Sealed::People, "NK-1", &sealed, &mut out).unwrap(),
            "Nguyễn Văn A".as_bytes()
        );
        // Another row, another table: refused.
        assert!(v.open(Sealed::People, "NK-2", &sealed, &mut out).is_err());
        assert!(v.open(Sealed::Drafts, "NK-1", &sealed, &mut out).is_err());
        for at in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert!(v.open(Sealed::People, "NK-1", &bad, &mut out).is_err());
        }
        for cut in 0..sealed.len() {
            assert!(
                v.open(Sealed::People, "NK-1", &sealed[..cut], &mut out)
                    .is_err()
            );
        }
        // Another data key: refused.
        let other = Vault::Sealed(Arc::new(Seal::new(&[8; 32]).unwrap()));
        assert!(
            other
                .open(Sealed::People, "NK-1", &sealed, &mut out)
                .is_err()
        );
        // The same value twice seals differently (the nonce moves on).
        let again = v.seal(Sealed::People, "NK-1", "Nguyễn Văn A".as_bytes(), &mut buf);
        assert_ne!(again, sealed.as_slice());
    }

    /// The draft-irtf-cfrg-xchacha test vector (section A.3.1): what is
    /// built here is XChaCha20-Poly1305 itself.
    #[test]
    fn it_is_xchacha20_poly1305() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let key: [u8; 32] = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
            .try_into()
            .unwrap();
        let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657");
        let ad = hex("50515253c0c1c2c3c4c5c6c7");
        let plain = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let want_tag = hex("c0875924c1c7987947deafd8780acf49");
        let want_start = hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb");
        let mut sealed = nonce.clone();
        sealed.extend_from_slice(&hex(concat!(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
            "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452",
            "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9",
            "21f9664c97637da9768812f615c68b13b52e"
        )));
        sealed.extend_from_slice(&want_tag);
        assert_eq!(&sealed[24..56], want_start.as_slice());
        let seal = Seal::new(&key).unwrap();
        let mut out = Vec::new();
        seal.open_raw(&ad, &sealed, &mut out).unwrap();
        assert_eq!(out, plain);
    }

    #[test]
    fn version_keys_are_told_apart_where_their_halves_meet() {
        let v = vault();
        let mut buf = Vec::new();
        let sealed = v
            .seal(Sealed::Versions, ("a", "bc"), b"x", &mut buf)
            .to_vec();
        let mut out = Vec::new();
        assert!(
            v.open(Sealed::Versions, ("a", "bc"), &sealed, &mut out)
                .is_ok()
        );
        assert!(
            v.open(Sealed::Versions, ("ab", "c"), &sealed, &mut out)
                .is_err()
        );
    }

    #[test]
    fn a_data_key_unwraps_with_its_wrap_key_only() {
        let data = [3u8; 32];
        let wrapped = wrap(&data, &WrapKey([1; 32])).unwrap();
        assert_eq!(unwrap(&wrapped, &WrapKey([1; 32])).unwrap(), data);
        assert!(unwrap(&wrapped, &WrapKey([2; 32])).is_err());
        assert!(unwrap(&wrapped[..10], &WrapKey([1; 32])).is_err());
        assert!(unwrap(&[], &WrapKey([1; 32])).is_err());
    }

    #[test]
    fn plain_is_passed_through() {
        let mut buf = Vec::new();
        let plain = Vault::Plain.seal(Sealed::Lines, "AC-1", b"abc", &mut buf);
        assert_eq!(plain, b"abc");
        assert_eq!(
            Vault::Plain
                .open_owned(Sealed::Lines, "AC-1", b"abc")
                .unwrap(),
            b"abc"
        );
    }
}
