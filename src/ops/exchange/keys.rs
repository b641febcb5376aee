//! This device's key pair and the keys it trusts: made, opened, read from a
//! `.pub` file, trusted and revoked. Keys only; no bundle is read here.

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use super::{ExchangeError, Result, file_error, stamp};
use crate::bundle::key::{self, Cost, KeyError, Public, Signer};
use crate::domain::commune::Role;
use crate::store::{OwnKey, Store, StoreError, TrustedKey};

/// Makes this device's key pair and keeps it, the secret half encrypted with
/// `passphrase` (at [`Cost::for_new_keys`]), and the store's data key
/// wrapped under it. Refuses to replace a key unless `replace`, and to
/// replace one before the store was unlocked with it (its old passphrase).
/// Returns the store, unlocked, and the key opened, to sign with at once.
pub fn new_key(
    store: Store,
    passphrase: &str,
    replace: bool,
    now: DateTime<FixedOffset>,
) -> Result<(Store, Signer)> {
    new_key_at(store, passphrase, replace, Cost::for_new_keys(), now)
}

/// [`new_key`] at `cost` (the demo's keys, whose passphrase is known to
/// all, at [`Cost::LIGHT`]).
pub fn new_key_at(
    store: Store,
    passphrase: &str,
    replace: bool,
    cost: Cost,
    now: DateTime<FixedOffset>,
) -> Result<(Store, Signer)> {
    if let Some(old) = store.own_key()? {
        if !replace {
            return Err(ExchangeError::KeyExists { id: old.id });
        }
        if store.is_locked() {
            return Err(StoreError::Locked.into());
        }
    }
    let generated = key::generate(passphrase, cost)?;
    let wrap = generated.signer.store_key();
    // Kept with the data key wrapped under it, in one transaction: a store
    // that never had a key gets its data key (and is sealed, if it holds
    // data from before sealing) with it.
    let own = OwnKey {
        id: generated.public.id.clone(),
        public: generated.public.to_text(),
        encrypted_secret: generated.encrypted_secret,
        created_at: stamp(now),
    };
    let store = store.unlock_with_new_key(&own, &wrap)?;
    store.hold_identity(generated.signer.identity().clone());
    Ok((store, generated.signer))
}

/// Whether `passphrase` may be chosen for a key (see
/// [`key::check_new_passphrase`]): checked where a person chooses one,
/// before anything is written.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    Ok(key::check_new_passphrase(passphrase)?)
}

/// This device's public key.
pub fn own_public(store: &Store) -> Result<Public> {
    let own = store.own_key()?.ok_or(ExchangeError::NoKey)?;
    Ok(Public::parse(&own.public)?)
}

/// Keeps this device's public key as `signer` gives it, with its age key
/// and the signature of it, when the stored one has none (a key made
/// before bundles were encrypted). One that has is kept as it is: the
/// signature differs each time it is made, and the `.pub` file handed out
/// should not.
pub fn refresh_public(store: &Store, signer: &Signer) -> Result<()> {
    let mut own = store.own_key()?.ok_or(ExchangeError::NoKey)?;
    let has_age = Public::parse(&own.public).is_ok_and(|p| p.age.is_some());
    if own.id == signer.public.id && !has_age {
        own.public = signer.public.to_text();
        store.set_own_key(&own)?;
    }
    Ok(())
}

/// Opens this device's secret key to sign with; the store keeps its age
/// identity for the rest of the sitting, to read the bundles sent here (and
/// a key made before bundles were encrypted gets its age key written
/// beside it, for `key show`). A wrong passphrase changes nothing.
pub fn open_key(store: &Store, passphrase: &str) -> Result<Signer> {
    let own = store.own_key()?.ok_or(ExchangeError::NoKey)?;
    let signer = Signer::unlock(&own.encrypted_secret, passphrase)?;
    store.hold_identity(signer.identity().clone());
    refresh_public(store, &signer)?;
    Ok(signer)
}

/// Opens this device's key with `passphrase`, and with it the store: one
/// passphrase a sitting opens signing, reading bundles and the data. A
/// store from before sealing is sealed now (see [`Store::unlock`]). A
/// wrong passphrase changes nothing.
pub fn unlock(store: Store, passphrase: &str) -> Result<(Store, Signer)> {
    let signer = open_key(&store, passphrase)?;
    let store = unlock_with(store, &signer)?;
    Ok((store, signer))
}

/// Unlocks the store with the key `signer` opened ([`open_key`]): the
/// screens keep the store while a passphrase is tried, and unlock it so.
/// A store that was not closed cleanly is checked whole first (see
/// [`Store::check`]), and a damaged one is not opened.
pub fn unlock_with(store: Store, signer: &Signer) -> Result<Store> {
    let mut store = store.unlock(&signer.store_key())?;
    if store.check_due() {
        let checked = store.check()?;
        if !checked.is_whole() {
            return Err(ExchangeError::Damaged(Box::new(checked)));
        }
    }
    Ok(store)
}

/// Reads a `.pub` file, in UTF-8 with or without a byte-order mark, or in
/// UTF-16 with one (what `tothon key show > team3.pub` writes in Windows
/// PowerShell 5.1).
pub fn read_public(path: &Path) -> Result<Public> {
    let meta = std::fs::metadata(path).map_err(|e| file_error(path, e))?;
    if meta.len() > 4096 {
        return Err(ExchangeError::PublicKeyFile {
            path: path.to_path_buf(),
            error: KeyError::NotAPublicKey("file too large".into()),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| file_error(path, e))?;
    let text = key_text(&bytes).ok_or_else(|| ExchangeError::PublicKeyFile {
        path: path.to_path_buf(),
        error: KeyError::NotAPublicKey("not UTF-8 or UTF-16 text".into()),
    })?;
    Public::parse(&text).map_err(|error| ExchangeError::PublicKeyFile {
        path: path.to_path_buf(),
        error,
    })
}

/// The text of a key file: UTF-8 (a byte-order mark is dropped), or UTF-16
/// little- or big-endian after its byte-order mark; anything not exactly
/// text in its encoding is refused (encoding_rs, without replacement).
fn key_text(bytes: &[u8]) -> Option<String> {
    let (encoding, rest) = match bytes {
        [0xef, 0xbb, 0xbf, rest @ ..] => (encoding_rs::UTF_8, rest),
        [0xff, 0xfe, rest @ ..] => (encoding_rs::UTF_16LE, rest),
        [0xfe, 0xff, rest @ ..] => (encoding_rs::UTF_16BE, rest),
        _ => (encoding_rs::UTF_8, bytes),
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(rest)
        .map(std::borrow::Cow::into_owned)
}

/// Trusts a public key: on the commune a team device's key for `team`; on a
/// team device the commune's key (`team` = `None`). Trusting a key again
/// replaces what was known of it (and lifts a revocation).
pub fn trust(
    store: &Store,
    team: Option<u8>,
    public: &Public,
    now: DateTime<FixedOffset>,
) -> Result<TrustedKey> {
    trust_as(store, team, public, now, false)
}

/// [`trust`], for a key that was revoked too: it is trusted again (what
/// it signed while revoked is taken from now on). A revoked key is trusted
/// again only so, on purpose: `trust` refuses it and says when it was
/// revoked.
pub fn trust_again(
    store: &Store,
    team: Option<u8>,
    public: &Public,
    now: DateTime<FixedOffset>,
) -> Result<TrustedKey> {
    trust_as(store, team, public, now, true)
}

fn trust_as(
    store: &Store,
    team: Option<u8>,
    public: &Public,
    now: DateTime<FixedOffset>,
    again: bool,
) -> Result<TrustedKey> {
    let role = store.device()?.role;
    match (role, team) {
        (Role::Commune, None) => return Err(ExchangeError::TeamNeeded),
        (Role::Team(_), Some(_)) => return Err(ExchangeError::NoTeamHere),
        (Role::Commune, Some(t)) if store.commune()?.village(t).is_none() => {
            return Err(ExchangeError::NoSuchTeam { team: t });
        }
        _ => {}
    }
    if store.own_key()?.is_some_and(|k| k.id == public.id) {
        return Err(ExchangeError::OwnKey);
    }
    // A `.pub` file from before the age key does not forget the one
    // already known for the same key.
    let known = store
        .trusted_keys()?
        .into_iter()
        .find(|k| k.id == public.id);
    if let Some(revoked_at) = known.as_ref().and_then(|k| k.revoked_at.clone())
        && !again
    {
        return Err(ExchangeError::RevokedKey {
            key_id: public.id.clone(),
            revoked_at,
        });
    }
    let known_age = known.and_then(|k| k.age);
    let key = TrustedKey {
        id: public.id.clone(),
        public: public.base64(),
        team,
        added_at: stamp(now),
        revoked_at: None,
        device: None,
        age: public.age.map(|a| a.to_string()).or(known_age),
    };
    store.trust_key(&key)?;
    Ok(key)
}

/// Revokes a trusted key: bundles it signs are refused from now on.
pub fn untrust(store: &Store, key_id: &str, now: DateTime<FixedOffset>) -> Result<TrustedKey> {
    let key_id = key_id.trim().to_ascii_uppercase();
    store
        .revoke_key(&key_id, &stamp(now))?
        .ok_or(ExchangeError::UnknownKey { key_id })
}
