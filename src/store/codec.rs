//! How values are written into redb: one codec byte, then JSON.
//!
//! The codec byte lets a later release change the encoding and still read
//! what an earlier one wrote; JSON with serde defaults lets fields be added
//! without a migration.

use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

const CODEC_JSON: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![CODEC_JSON];
    // Serialising plain data structs to a Vec cannot fail.
    serde_json::to_writer(&mut out, value).expect("store values serialise");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&CODEC_JSON, json)) => {
            serde_json::from_slice(json).map_err(|e| StoreError::Corrupt {
                what,
                detail: e.to_string(),
            })
        }
        _ => Err(StoreError::Corrupt {
            what,
            detail: "unknown codec".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refuses_garbage() {
        let v = vec!["Nguyễn".to_string(), "Văn".to_string()];
        let back: Vec<String> = decode(&encode(&v), "test").unwrap();
        assert_eq!(back, v);
        assert!(decode::<Vec<String>>(&[9, b'[', b']'], "test").is_err());
        assert!(decode::<Vec<String>>(&[], "test").is_err());
        assert!(decode::<Vec<String>>(&[CODEC_JSON, b'{'], "test").is_err());
    }
}
