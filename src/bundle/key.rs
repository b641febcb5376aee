//! Device keys in minisign's format (Ed25519): generating a pair, keeping the
//! secret half encrypted with a passphrase, reading public keys that users
//! carry around as `.pub` files, and the key ids minisign prints.
//!
//! The secret key only ever leaves this module as minisign's encrypted
//! secret-key text (the same as a `minisign.key` file), which the store keeps;
//! nothing here writes it anywhere else.

use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox};

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
}

impl Public {
    /// Reads a public key in minisign's text form (the `.pub` file: an
    /// untrusted comment line, then the key in base64), or the base64 line
    /// alone as `minisign -P` takes it.
    pub fn parse(text: &str) -> Result<Public, KeyError> {
        let text = text.trim_start_matches('\u{FEFF}');
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or_else(|| KeyError::NotAPublicKey("no key line".into()))?;
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
        Ok(Public { key, id })
    }

    /// The `.pub` file content, exactly as `minisign -G` writes it, so the file
    /// works with the minisign tool too.
    pub fn to_text(&self) -> String {
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.id,
            self.key.to_base64()
        )
    }

    /// The base64 line alone (what `minisign -P` takes).
    pub fn base64(&self) -> String {
        self.key.to_base64()
    }
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// A freshly generated pair: the public key and the secret key, already
/// encrypted with the passphrase, as minisign's secret-key text.
pub struct Generated {
    pub public: Public,
    pub encrypted_secret: String,
}

/// Generates a device key pair, the secret half encrypted with `passphrase`
/// (minisign's scrypt parameters, so `minisign -S -s` could use it too).
pub fn generate(passphrase: &str) -> Result<Generated, KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let pair = KeyPair::generate_encrypted_keypair(Some(passphrase.to_string()))
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let id = key_id(pair.pk.keynum());
    let encrypted_secret = pair
        .sk
        .to_box(Some(&format!("tothon secret key {id}")))
        .map_err(|e| KeyError::Generate(e.to_string()))?
        .to_string();
    Ok(Generated {
        public: Public { key: pair.pk, id },
        encrypted_secret,
    })
}

/// A secret key opened with its passphrase, able to sign.
pub struct Signer {
    pub(crate) secret: SecretKey,
    pub public: Public,
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
        Ok(Signer {
            secret,
            public: Public { key, id },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_opens_with_its_passphrase_only() {
        let g = generate("mật khẩu").unwrap();
        assert_eq!(g.public.id.len(), 16);
        assert!(!g.encrypted_secret.contains(&g.public.base64()));
        let s = Signer::unlock(&g.encrypted_secret, "mật khẩu").unwrap();
        assert_eq!(s.public.id, g.public.id);
        assert_eq!(s.public.base64(), g.public.base64());
        assert!(matches!(
            Signer::unlock(&g.encrypted_secret, "sai"),
            Err(KeyError::WrongPassphrase)
        ));
        assert!(matches!(generate(""), Err(KeyError::EmptyPassphrase)));
    }

    #[test]
    fn public_keys_round_trip_through_their_text_form() {
        let s = Signer::generate_unencrypted().unwrap();
        let text = s.public.to_text();
        assert!(text.starts_with("untrusted comment: minisign public key "));
        let back = Public::parse(&text).unwrap();
        assert_eq!(back.id, s.public.id);
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
