//! Reading the claims of a JWT access token (the middle, base64url-encoded part) without
//! verifying it: aksform only reports who it runs as; Azure verifies the token.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The claims object, or an empty object when `token` is not a JWT.
pub fn decode(token: &str) -> Value {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return Value::Object(Map::new());
    };
    URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// An unsigned token carrying `claims` (the built-in emulator's, which accepts any bearer).
pub fn unsigned(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{body}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_round_trip_and_garbage_is_empty() {
        let claims = json!({"tid": "t", "oid": "o"});
        assert_eq!(decode(&unsigned(&claims)), claims);
        assert_eq!(decode("not a token"), json!({}));
        assert_eq!(decode("a.!!!.c"), json!({}));
        assert_eq!(
            decode(&format!("a.{}.c", URL_SAFE_NO_PAD.encode("[1]"))),
            json!({})
        );
    }
}
