//! Terraform's hash functions: `md5`, `sha1`, `sha256`, `sha512` (lowercase hex of the UTF-8
//! bytes), `base64sha256`, and the name-based `uuidv5`.

use std::fmt::Write as _;

use sha2::Digest as _;
use uuid::Uuid;

use super::encoding::encode_base64;
use super::support::describe;
use super::{FuncCtx, FuncError, FuncSpec, Param, simple};
use crate::config::value::Value;

pub(super) const FUNCTIONS: &[FuncSpec] = &[
    simple("md5", &[Param::String], md5),
    simple("sha1", &[Param::String], sha1),
    simple("sha256", &[Param::String], sha256),
    simple("sha512", &[Param::String], sha512),
    simple("base64sha256", &[Param::String], base64sha256),
    simple("uuidv5", &[Param::String, Param::String], uuidv5),
];

fn bytes(args: &[Value], i: usize) -> &[u8] {
    args.get(i)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .as_bytes()
}

fn hex(digest: &[u8]) -> Value {
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    Value::String(out)
}

fn md5(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(hex(&md5::Md5::digest(bytes(&args, 0))))
}

fn sha1(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(hex(&sha1::Sha1::digest(bytes(&args, 0))))
}

fn sha256(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(hex(&sha2::Sha256::digest(bytes(&args, 0))))
}

fn sha512(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(hex(&sha2::Sha512::digest(bytes(&args, 0))))
}

fn base64sha256(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    Ok(Value::String(encode_base64(&sha2::Sha256::digest(bytes(
        &args, 0,
    )))))
}

/// `uuidv5(namespace, name)`: the namespace is `"dns"`, `"url"`, `"oid"`, `"x500"` or a UUID.
fn uuidv5(_: &FuncCtx<'_>, args: Vec<Value>) -> Result<Value, FuncError> {
    let namespace = args.first().and_then(Value::as_str).unwrap_or_default();
    let namespace = match namespace {
        "dns" => Uuid::NAMESPACE_DNS,
        "url" => Uuid::NAMESPACE_URL,
        "oid" => Uuid::NAMESPACE_OID,
        "x500" => Uuid::NAMESPACE_X500,
        other => Uuid::parse_str(other).map_err(|_| {
            FuncError::arg(
                0,
                format!(
                    "uuidv5(): the namespace must be \"dns\", \"url\", \"oid\", \"x500\" or a UUID, \
                     not {}",
                    describe(&args[0])
                ),
            )
        })?,
    };
    let id = Uuid::new_v5(&namespace, bytes(&args, 1));
    Ok(Value::String(id.hyphenated().to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn hash(name: &str, input: &str) -> Value {
        call_fn(name, vec![Value::from(input)]).unwrap_or_else(|e| panic!("{name}: {}", e.message))
    }

    #[test]
    fn digests_of_hello_world() {
        // Documented examples for "hello world".
        assert_eq!(
            hash("md5", "hello world"),
            s("5eb63bbbe01eeed093cb22bb8f5acdc3")
        );
        assert_eq!(
            hash("sha1", "hello world"),
            s("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
        );
        assert_eq!(
            hash("sha256", "hello world"),
            s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        assert_eq!(
            hash("sha512", "hello world"),
            s(
                "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f\
               989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
            )
        );
        assert_eq!(
            hash("base64sha256", "hello world"),
            s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
        assert_eq!(hash("md5", ""), s("d41d8cd98f00b204e9800998ecf8427e"));
    }

    #[test]
    fn digests_reject_collections() {
        for name in ["md5", "sha1", "sha256", "sha512", "base64sha256"] {
            let e = call_fn(name, vec![Value::List(vec![])]).unwrap_err();
            assert_eq!(e.arg, Some(0), "{name}");
            assert!(e.message.contains(name), "{}", e.message);
        }
        // Numbers are hashed in their string form.
        assert_eq!(
            call_fn("md5", vec![Value::from(1.0)]).unwrap(),
            hash("md5", "1")
        );
    }

    #[test]
    fn uuidv5_namespaces() {
        // Documented examples.
        let v5 = |ns: &str, name: &str| call_fn("uuidv5", vec![s(ns), s(name)]).unwrap();
        assert_eq!(
            v5("dns", "www.terraform.io"),
            s("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
        );
        assert_eq!(
            v5("url", "https://www.terraform.io/"),
            s("9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5")
        );
        assert_eq!(
            v5("oid", "1.3.6.1.4"),
            s("af9d40a5-7a36-5c07-b23a-851cd99fbfa5")
        );
        assert_eq!(
            v5("x500", "CN=Example,C=GB"),
            s("84e09961-4aa4-57f8-95b7-03edb1073253")
        );
        assert_eq!(
            v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io"),
            s("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
        );
        let e = call_fn("uuidv5", vec![s("nope"), s("x")]).unwrap_err();
        assert_eq!(e.arg, Some(0));
        assert!(e.message.contains("\"nope\""), "{}", e.message);
    }
}
