//! Device keys in minisign's format (Ed25519): generating a pair, keeping the
//! secret half encrypted with a passphrase, reading public keys that users
//! carry around as `.pub` files, and the key ids minisign prints.
//!
//! The secret key only ever leaves this module as minisign's encrypted
//! secret-key text (the same as a `minisign.key` file), which the store keeps;
//! nothing here writes it anywhere else. It is encrypted at [`Cost::FLOOR`]
//! or more, which the file records, and `minisign -S -s` opens it too.
//!
//! Each device also has an age identity (X25519), to which the bundles it
//! receives are encrypted. It is derived from the signing key's secret
//! (HKDF, its own label), so the one passphrase opens both and nothing more
//! is kept; its public half travels beside the minisign key in the `.pub`
//! file.

use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox};

use super::age;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the passphrase does not open this device's key")]
    WrongPassphrase,
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    #[error("not a minisign public key: {0}")]
    NotAPublicKey(String),
    #[error("the stored secret key is damaged: {0}")]
    Damaged(String),
    #[error("key generation failed: {0}")]
    Generate(String),
    #[error("the passphrase is shorter than {min} characters")]
    ShortPassphrase { min: usize },
    #[error("the passphrase is one of the most common ones")]
    CommonPassphrase,
    #[error("not an age public key: {0}")]
    NotAnAgeKey(String),
}

/// What deriving a secret key's encryption key from its passphrase costs,
/// as minisign's secret-key file records it: libsodium's `opslimit` and
/// `memlimit` for scrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub opslimit: u64,
    pub memlimit: u64,
}

impl Cost {
    /// More work than the minisign command's default (libsodium's
    /// "sensitive" level: scrypt N = 2^20, r = 8, p = 1 in 1 GiB), within
    /// 256 MiB of memory, which an old 2 GB laptop can pay: N = 2^18,
    /// r = 8, p = 6, 1.5 times the work, because a quarter of the memory
    /// is faster to fill (measured: 2.8 s at p = 4 where minisign took
    /// 3.4 s; BENCHMARKS.md). In memory × time, what an attacker with
    /// special hardware pays, it is about 0.4 of minisign's default: the
    /// price of a memory an old laptop can spare.
    pub const FLOOR: Cost = Cost {
        opslimit: 3 << 24,
        memlimit: 1 << 28,
    };
    /// What the minisign library writes (N = 2^15 in 32 MiB): for keys
    /// whose passphrase everyone knows (the demo's "demo"), where a costly
    /// derivation would protect nothing and only make the demo wait half a
    /// minute, and for the tests, which make hundreds.
    pub const LIGHT: Cost = Cost {
        opslimit: 1 << 20,
        memlimit: 1 << 25,
    };

    /// The cost new keys are made at: [`Cost::FLOOR`]. The library's own
    /// unit tests make light keys; a test build (the `test-hooks` feature)
    /// does when `TOTHON_LIGHT_KDF` is set, as the test suite sets it for
    /// every process (`.cargo/config.toml`); a release build has no such
    /// switch.
    pub fn for_new_keys() -> Cost {
        #[cfg(test)]
        return Cost::LIGHT;
        #[cfg(all(not(test), feature = "test-hooks"))]
        if std::env::var_os("TOTHON_LIGHT_KDF").is_some() {
            return Cost::LIGHT;
        }
        #[allow(unreachable_code)]
        Cost::FLOOR
    }

    /// scrypt's log2(N), r and p for this cost, chosen as libsodium (and so
    /// minisign) chooses them.
    pub fn scrypt(&self) -> (u8, u32, u32) {
        let ops = self.opslimit.max(32768);
        let r = 8u32;
        let log_n_below = |max_n: u64| {
            let mut n = 1u8;
            while n < 63 && (1u64 << n) <= max_n / 2 {
                n += 1;
            }
            n
        };
        if ops < self.memlimit / 32 {
            (log_n_below(ops / (u64::from(r) * 4)), r, 1)
        } else {
            let log_n = log_n_below(self.memlimit / (u64::from(r) * 128));
            let rp = ((ops / 4) >> log_n).min(0x3fff_ffff) as u32;
            (log_n, r, rp / r)
        }
    }

    /// scrypt's work: N × r × p (saturating: a hostile file's limits
    /// cannot overflow it).
    pub fn work(&self) -> u64 {
        let (log_n, r, p) = self.scrypt();
        (1u64 << log_n)
            .saturating_mul(u64::from(r))
            .saturating_mul(u64::from(p))
    }

    /// The memory scrypt takes: 128 × r × N bytes (saturating).
    pub fn memory(&self) -> u64 {
        (1u64 << self.scrypt().0).saturating_mul(128 * 8)
    }

    /// As costly as [`Cost::FLOOR`] in work and in memory.
    pub fn meets_floor(&self) -> bool {
        self.work() >= Cost::FLOOR.work() && self.memory() >= Cost::FLOOR.memory()
    }

    /// The cost an encrypted secret key (minisign's text) was made at.
    pub fn of_secret(encrypted_secret: &str) -> Result<Cost, KeyError> {
        // The key's line, in base64: the parameters lie before what the
        // passphrase encrypts, readable without it.
        let line = encrypted_secret
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or_else(|| KeyError::Damaged("no key line".into()))?;
        let bytes = age::base64::decode(line.trim_end_matches('=').as_bytes())
            .filter(|b| b.len() == SECRET_KEY_BYTES)
            .ok_or_else(|| KeyError::Damaged("not a minisign secret key".into()))?;
        // A key kept without encryption costs nothing, whatever it says.
        if &bytes[KDF_ALG_AT..KDF_ALG_AT + 2] != b"Sc" {
            return Ok(Cost {
                opslimit: 0,
                memlimit: 0,
            });
        }
        let le = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
        Ok(Cost {
            opslimit: le(OPSLIMIT_AT),
            memlimit: le(MEMLIMIT_AT),
        })
    }
}

/// Where the parts of minisign's secret key lie in its bytes: algorithms
/// (2 × 3), salt (32), opslimit and memlimit (8 each), then what the
/// passphrase encrypts: key number (8), Ed25519 secret (64), checksum (32).
const KDF_ALG_AT: usize = 2;
const SALT_AT: usize = 6;
const OPSLIMIT_AT: usize = 38;
const MEMLIMIT_AT: usize = 46;
const ENCRYPTED_AT: usize = 54;
const SEED_AT: usize = 62;
const SECRET_KEY_BYTES: usize = 158;

/// Shortest passphrase accepted when one is chosen.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Passphrases people choose most, in Vietnam as elsewhere, compared
/// without case, accents or spaces: refused when a passphrase is chosen.
const COMMON_PASSPHRASES: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "99999999",
    "12341234",
    "11223344",
    "password",
    "password1",
    "password123",
    "passw0rd",
    "matkhau",
    "matkhau123",
    "matkhau1",
    "matkhaumoi",
    "iloveyou",
    "anhyeuem",
    "emyeuanh",
    "yeuemnhieu",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "12345678a",
    "a12345678",
    "1q2w3e4r",
    "1qaz2wsx",
    "asdfghjk",
    "zxcvbnm1",
    "admin123",
    "administrator",
    "welcome1",
    "letmein1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "tothon123",
    "tothon06",
    "dean06",
    "dean0606",
    "congan123",
    "vietnam1",
    "vietnam123",
    "hanoi123",
    "saigon123",
    "khongbiet",
    "khongco",
    "xinchao123",
];

/// Whether `passphrase` may protect a key: at least
/// [`MIN_PASSPHRASE_CHARS`] letters and digits (spaces and marks do not
/// count), at least three different ones, not among the most common
/// passphrases, not a date of birth written as eight digits.
pub fn check_new_passphrase(passphrase: &str) -> Result<(), KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let folded = crate::domain::text::key(passphrase);
    if folded.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::ShortPassphrase {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    let distinct = folded
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len();
    let a_date = folded.len() == 8
        && folded.bytes().all(|b| b.is_ascii_digit())
        && chrono::NaiveDate::parse_from_str(&folded, "%d%m%Y").is_ok();
    if distinct < 3 || a_date || COMMON_PASSPHRASES.contains(&folded.as_str()) {
        return Err(KeyError::CommonPassphrase);
    }
    Ok(())
}

/// A minisign key id as minisign prints it: 16 upper-case hex digits of the
/// key number read as a little-endian integer.
pub fn key_id(keynum: &[u8]) -> String {
    let mut n: u64 = 0;
    for (i, b) in keynum.iter().take(8).enumerate() {
        n |= u64::from(*b) << (8 * i);
    }
    format!("{n:016X}")
}

/// A public key with the id users see and the text form they exchange.
#[derive(Clone, Debug)]
pub struct Public {
    pub key: PublicKey,
    pub id: String,
    /// The device's age public key, to encrypt to it; `None` in a `.pub`
    /// file made before bundles were encrypted.
    pub age: Option<age::Recipient>,
    /// The minisign key's signature of the age key (its signature and
    /// global signature, in base64), so the age line of a `.pub` file
    /// cannot be changed on its way without the file being refused.
    age_proof: Option<String>,
}

/// The trusted comment of an age key's signature.
const AGE_PROOF_COMMENT: &str = "tothon age key";

impl Public {
    /// Reads a public key in minisign's text form (the `.pub` file: an
    /// untrusted comment line, then the key in base64), or the base64 line
    /// alone as `minisign -P` takes it; then, on the next line, the
    /// device's age public key (`age1…`) when the file has one.
    pub fn parse(text: &str) -> Result<Public, KeyError> {
        let text = text.trim_start_matches('\u{FEFF}');
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("untrusted comment:"));
        let line = lines
            .next()
            .ok_or_else(|| KeyError::NotAPublicKey("no key line".into()))?;
        let (age_line, proof) = (lines.next(), lines.next());
        if lines.next().is_some() {
            return Err(KeyError::NotAPublicKey(
                "more lines than a key file has".into(),
            ));
        }
        // minisign's decoder indexes into the bytes it decodes; only a line of
        // the exact length of a key may reach it.
        if line.len() != 56 || !line.bytes().all(is_base64_byte) {
            return Err(KeyError::NotAPublicKey("not 56 base64 characters".into()));
        }
        let key =
            PublicKey::from_base64(line).map_err(|e| KeyError::NotAPublicKey(e.to_string()))?;
        if key.to_base64() != line || !line.starts_with("RW") {
            return Err(KeyError::NotAPublicKey(
                "not an Ed25519 minisign key".into(),
            ));
        }
        let id = key_id(key.keynum());
        let age = match age_line {
            None => None,
            Some(age) => {
                let recipient =
                    age::Recipient::parse(age).map_err(|e| KeyError::NotAnAgeKey(e.to_string()))?;
                let proof = proof.ok_or_else(|| KeyError::NotAnAgeKey("not signed".into()))?;
                check_age_proof(&key, &id, age, proof)?;
                Some((recipient, proof.to_string()))
            }
        };
        let (age, age_proof) = age.unzip();
        Ok(Public {
            key,
            id,
            age,
            age_proof,
        })
    }

    /// The `.pub` file content: as `minisign -G` writes it, so the file
    /// works with the minisign tool too, then the age public key on a line
    /// of its own and the minisign key's signature of it (minisign reads
    /// no further than the key's line).
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.id,
            self.key.to_base64()
        );
        if let (Some(age), Some(proof)) = (&self.age, &self.age_proof) {
            text.push_str(&format!("{age}\n{proof}\n"));
        }
        text
    }

    /// The base64 line alone (what `minisign -P` takes).
    pub fn base64(&self) -> String {
        self.key.to_base64()
    }
}

/// Checks that `proof` is the minisign key's signature of the age key
/// `age` (see [`Public::age_proof`]).
fn check_age_proof(key: &PublicKey, id: &str, age: &str, proof: &str) -> Result<(), KeyError> {
    let unsigned = || KeyError::NotAnAgeKey("not signed by this minisign key".into());
    let b64 = |s: &str, len: usize| s.len() == len && s.bytes().all(is_base64_byte);
    // minisign's own parser trusts lengths: checked first.
    let (signature, global) = proof.split_once(' ').ok_or_else(unsigned)?;
    if !b64(signature, 100) || !b64(global, 88) {
        return Err(unsigned());
    }
    let text = format!(
        "untrusted comment: {}\n{signature}\ntrusted comment: {AGE_PROOF_COMMENT}\n{global}\n",
        super::format::untrusted_comment(id)
    );
    let sig_box = minisign::SignatureBox::from_string(&text).map_err(|_| unsigned())?;
    if !sig_box.is_prehashed() {
        return Err(unsigned());
    }
    minisign::verify(key, &sig_box, std::io::Cursor::new(age), true, false, false)
        .map_err(|_| unsigned())
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// A freshly generated pair: the public key, the secret key already
/// encrypted with the passphrase (minisign's secret-key text), and the
/// secret opened, to sign with at once.
pub struct Generated {
    pub public: Public,
    pub encrypted_secret: String,
    pub signer: Signer,
}

/// Generates a device key pair, the secret half encrypted with `passphrase`
/// at `cost`, in minisign's format (so `minisign -S -s` can use it too).
pub fn generate(passphrase: &str, cost: Cost) -> Result<Generated, KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let generate_err = |e: &dyn std::fmt::Display| KeyError::Generate(e.to_string());
    let pair = KeyPair::generate_unencrypted_keypair().map_err(|e| generate_err(&e))?;
    let id = key_id(pair.pk.keynum());
    let mut bytes = pair.sk.to_bytes();
    if bytes.len() != SECRET_KEY_BYTES {
        return Err(generate_err(&"unexpected secret key layout"));
    }
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| generate_err(&e))?;
    bytes[KDF_ALG_AT..KDF_ALG_AT + 2].copy_from_slice(b"Sc");
    bytes[SALT_AT..SALT_AT + 32].copy_from_slice(&salt);
    bytes[OPSLIMIT_AT..OPSLIMIT_AT + 8].copy_from_slice(&cost.opslimit.to_le_bytes());
    bytes[MEMLIMIT_AT..MEMLIMIT_AT + 8].copy_from_slice(&cost.memlimit.to_le_bytes());
    let (log_n, r, p) = cost.scrypt();
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(|e| generate_err(&e))?;
    let mut stream = [0u8; SECRET_KEY_BYTES - ENCRYPTED_AT];
    scrypt::scrypt(passphrase.as_bytes(), &salt, &params, &mut stream)
        .map_err(|e| generate_err(&e))?;
    for (b, s) in bytes[ENCRYPTED_AT..].iter_mut().zip(stream) {
        *b ^= s;
    }
    let encrypted_secret = SecretKey::from_bytes(&bytes)
        .and_then(|sk| sk.to_box(Some(&format!("tothon secret key {id}"))))
        .map_err(|e| generate_err(&e))?
        .to_string();
    let signer = Signer::from_secret(pair.sk)?;
    Ok(Generated {
        public: signer.public.clone(),
        encrypted_secret,
        signer,
    })
}

/// A secret key opened with its passphrase, able to sign, and the age
/// identity that comes with it, able to read what is sent to this device.
pub struct Signer {
    pub(crate) secret: SecretKey,
    pub public: Public,
    identity: age::Identity,
}

impl Signer {
    /// Opens the stored (encrypted) secret key.
    pub fn unlock(encrypted_secret: &str, passphrase: &str) -> Result<Signer, KeyError> {
        let sk_box = SecretKeyBox::from_string(encrypted_secret)
            .map_err(|e| KeyError::Damaged(e.to_string()))?;
        let secret = SecretKey::from_box(sk_box, Some(passphrase.to_string())).map_err(|e| {
            if e.to_string().contains("Wrong password") {
                KeyError::WrongPassphrase
            } else {
                KeyError::Damaged(e.to_string())
            }
        })?;
        Signer::from_secret(secret)
    }

    /// A signer from an unencrypted key, for tests that must not pay for scrypt.
    pub fn generate_unencrypted() -> Result<Signer, KeyError> {
        let pair = KeyPair::generate_unencrypted_keypair()
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Signer::from_secret(pair.sk)
    }

    fn from_secret(secret: SecretKey) -> Result<Signer, KeyError> {
        let key =
            PublicKey::from_secret_key(&secret).map_err(|e| KeyError::Damaged(e.to_string()))?;
        let id = key_id(key.keynum());
        let identity = age_identity(&secret)?;
        let age = identity.recipient();
        let signed = minisign::sign(
            Some(&key),
            &secret,
            std::io::Cursor::new(age.to_string()),
            Some(AGE_PROOF_COMMENT),
            Some(&super::format::untrusted_comment(&id)),
        )
        .map_err(|e| KeyError::Damaged(e.to_string()))?
        .into_string();
        // The box's second and fourth lines: the signature and the global
        // signature.
        let lines: Vec<&str> = signed.lines().collect();
        let proof = match lines.as_slice() {
            [_, signature, _, global] => format!("{signature} {global}"),
            _ => return Err(KeyError::Damaged("unexpected signature layout".into())),
        };
        Ok(Signer {
            secret,
            public: Public {
                key,
                id,
                age: Some(age),
                age_proof: Some(proof),
            },
            identity,
        })
    }

    /// The age identity bundles to this device are encrypted to.
    pub fn identity(&self) -> &age::Identity {
        &self.identity
    }

    /// The key this device's store keeps its data key wrapped under:
    /// opening the signing key opens the store.
    pub fn store_key(&self) -> crate::store::seal::WrapKey {
        // A key that opened has a seed of the right length (its age
        // identity was derived from it the same way).
        crate::store::seal::WrapKey(
            derived(&self.secret, b"tothon store data key wrap v1")
                .expect("an opened key has its seed"),
        )
    }
}

/// The device's age identity: an X25519 secret derived from the Ed25519
/// seed with HKDF-SHA-256 under a label of its own, so it is never the
/// signing secret itself and comes back whenever the key is opened.
fn age_identity(secret: &SecretKey) -> Result<age::Identity, KeyError> {
    Ok(age::Identity::from_secret(derived(
        secret,
        b"tothon device age identity v1",
    )?))
}

/// A secret derived from the signing key's Ed25519 seed with HKDF-SHA-256
/// under `label`: each use has its own, and none is the seed itself.
fn derived(secret: &SecretKey, label: &[u8]) -> Result<[u8; 32], KeyError> {
    let bytes = secret.to_bytes();
    let seed = bytes
        .get(SEED_AT..SEED_AT + 32)
        .ok_or_else(|| KeyError::Damaged("secret key too short".into()))?;
    let mut out = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(None, seed)
        .expand(label, &mut out)
        .map_err(|e| KeyError::Damaged(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_opens_with_its_passphrase_only() {
        let g = generate("mật khẩu", Cost::for_new_keys()).unwrap();
        assert_eq!(g.public.id.len(), 16);
        assert!(!g.encrypted_secret.contains(&g.public.base64()));
        let s = Signer::unlock(&g.encrypted_secret, "mật khẩu").unwrap();
        assert_eq!(s.public.id, g.public.id);
        assert_eq!(s.public.base64(), g.public.base64());
        assert!(matches!(
            Signer::unlock(&g.encrypted_secret, "sai"),
            Err(KeyError::WrongPassphrase)
        ));
        assert!(matches!(
            generate("", Cost::for_new_keys()),
            Err(KeyError::EmptyPassphrase)
        ));
        // Opened, the key brings back the same age identity.
        assert_eq!(s.identity().recipient(), g.signer.identity().recipient());
        assert_eq!(s.public.age, g.public.age);
    }

    #[test]
    fn costs_give_scrypt_parameters_as_libsodium_picks_them() {
        assert_eq!(Cost::FLOOR.scrypt(), (18, 8, 6));
        // minisign's command-line default, and its library's.
        let command = Cost {
            opslimit: 1 << 25,
            memlimit: 1 << 30,
        };
        assert_eq!(command.scrypt(), (20, 8, 1));
        assert_eq!(Cost::LIGHT.scrypt(), (15, 8, 1));
        assert_eq!(2 * Cost::FLOOR.work(), 3 * command.work());
        assert_eq!(Cost::FLOOR.memory(), 256 << 20);
        assert!(Cost::FLOOR.meets_floor());
        assert!(!Cost::LIGHT.meets_floor());
        // The cost is read back from the key, without its passphrase.
        let g = generate("mật khẩu dài", Cost::LIGHT).unwrap();
        assert_eq!(Cost::of_secret(&g.encrypted_secret).unwrap(), Cost::LIGHT);
        // Limits no honest file holds do not overflow.
        let huge = Cost {
            opslimit: u64::MAX,
            memlimit: u64::MAX,
        };
        assert!(huge.work() > 0 && huge.memory() > 0);
    }

    #[test]
    fn chosen_passphrases_are_long_and_uncommon() {
        for weak in [
            "",
            "ngắn",
            "1234567",
            "12345678",
            "PASSWORD",
            "Mật khẩu",
            "zzzzzzzzzz",
            "        ",
            "!!!!!!!!",
            "ab      ",
            "abababab",
            "15081990",
        ] {
            assert!(check_new_passphrase(weak).is_err(), "{weak}");
        }
        assert!(check_new_passphrase("trâu ăn cỏ bờ đê").is_ok());
    }

    #[test]
    fn public_keys_round_trip_through_their_text_form() {
        let s = Signer::generate_unencrypted().unwrap();
        let text = s.public.to_text();
        assert!(text.starts_with("untrusted comment: minisign public key "));
        let back = Public::parse(&text).unwrap();
        assert_eq!(back.id, s.public.id);
        assert_eq!(back.age, s.public.age);
        assert!(back.age.is_some());
        // The age line changed on its way: refused, whoever's key it is.
        let other = Signer::generate_unencrypted().unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let swapped = format!(
            "{}\n{}\n{}\n{}\n",
            lines[0],
            lines[1],
            other.public.age.unwrap(),
            lines[3]
        );
        assert!(matches!(
            Public::parse(&swapped),
            Err(KeyError::NotAnAgeKey(_))
        ));
        let unsigned = lines[..3].join("\n");
        assert!(Public::parse(&unsigned).is_err());
        // A .pub file from before the age key: the minisign key alone.
        let old = Public::parse(&text.lines().take(2).collect::<Vec<_>>().join("\n")).unwrap();
        assert_eq!((old.id, old.age), (s.public.id.clone(), None));
        assert_eq!(Public::parse(&s.public.base64()).unwrap().id, s.public.id);
    }

    #[test]
    fn garbage_is_not_a_public_key() {
        for bad in [
            "",
            "untrusted comment: x\n",
            "RWQ",
            &"A".repeat(56),
            &"é".repeat(28),
            "untrusted comment: x\nRWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3!!\n",
        ] {
            assert!(Public::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_ids_read_the_key_number_little_endian() {
        assert_eq!(key_id(&[1, 0, 0, 0, 0, 0, 0, 0xAB]), "AB00000000000001");
    }
}
