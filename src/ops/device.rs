//! Setting a device up, and what it remembers between sittings: who works
//! on it, the typing mode, what was being typed.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::exchange;
use crate::bundle::key::{Cost, Public, Signer};
use crate::domain::commune::{Commune, Device, Role};
use crate::error::Result;
use crate::paths;
use crate::store::{SavedDraft, Store, StoreError};

/// Sets the folder `dir` up as a device of `commune` in `role`: its store,
/// its signing key (kept encrypted with `passphrase`) and, on a team
/// device, the commune's key when it is given. Refuses a folder that is set
/// up already, before anything is written.
pub fn set_up(
    dir: &Path,
    commune: &Commune,
    role: Role,
    passphrase: &str,
    commune_key: Option<&Public>,
    now: DateTime<FixedOffset>,
) -> Result<Public> {
    exchange::check_new_passphrase(passphrase)?;
    let device = Device {
        id: paths::new_device_id(dir),
        role,
    };
    let passphrase = (passphrase, Cost::for_new_keys());
    let (_, signer) = set_up_as(dir, commune, &device, passphrase, commune_key, now)?;
    Ok(signer.public)
}

/// [`set_up`] as the device `device` (the demo's devices have ids its seed
/// decides), its key derived from the passphrase at the cost given, with
/// no check of the passphrase (the demo's is known to all, and its keys
/// are light: a costly derivation would protect nothing). Returns the
/// store, open, and the device's key, opened.
pub fn set_up_as(
    dir: &Path,
    commune: &Commune,
    device: &Device,
    passphrase: (&str, Cost),
    commune_key: Option<&Public>,
    now: DateTime<FixedOffset>,
) -> Result<(Store, Signer)> {
    if Store::exists_in(dir) {
        return Err(StoreError::AlreadySetUp(dir.to_path_buf()).into());
    }
    let store = Store::create(dir, commune, device)?;
    let (passphrase, cost) = passphrase;
    let (store, signer) = exchange::new_key_at(store, passphrase, false, cost, now)?;
    if let Some(key) = commune_key {
        exchange::trust(&store, None, key, now)?;
    }
    Ok((store, signer))
}

/// Remembers a setting of this device (the typing mode, the tone style).
pub fn remember<T: Serialize>(store: &Store, key: &'static str, value: &T) -> Result<()> {
    Ok(store.set_setting(key, value)?)
}

/// The people who work on this device, as the "who is working" list shows
/// them.
pub fn set_members(store: &Store, members: &[String]) -> Result<()> {
    remember(store, "members", &members)
}

/// Keeps what is being typed in a form, stamped `now`, so a closed window
/// or a power cut loses at most the field being typed.
pub fn keep_typing(
    store: &Store,
    key: &str,
    mut draft: SavedDraft,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    draft.saved_at = now.to_rfc3339();
    Ok(store.put_draft(key, &draft)?)
}

/// Forgets what was being typed (the person threw it away).
pub fn drop_typing(store: &Store, key: &str) -> Result<()> {
    Ok(store.drop_draft(key)?)
}
