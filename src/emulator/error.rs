//! Errors in the shapes Azure sends them: ARM's wrapped `{"error":{...}}` and the AKS resource
//! provider's unwrapped `{"code","message","target","subcode","details"}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// An error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmError {
    /// HTTP status.
    pub status: StatusCode,
    /// The PascalCase error code.
    pub code: String,
    /// The message.
    pub message: String,
    /// The property the error is about.
    pub target: Option<String>,
    /// Sent without the `error` envelope, as the AKS resource provider does for its own errors.
    pub unwrapped: bool,
    /// `Retry-After` seconds, for throttling.
    pub retry_after: Option<u64>,
}

impl ArmError {
    /// A wrapped (ARM-level) error.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ArmError {
            status,
            code: code.to_string(),
            message: message.into(),
            target: None,
            unwrapped: false,
            retry_after: None,
        }
    }

    /// An error of the AKS resource provider (unwrapped body).
    pub fn aks(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ArmError {
            unwrapped: true,
            ..ArmError::new(status, code, message)
        }
    }

    /// Sets the target property.
    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// 400 `InvalidParameter` about `target`.
    pub fn invalid(target: &str, message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::BAD_REQUEST, "InvalidParameter", message).target(target)
    }

    /// 404 `ResourceNotFound`.
    pub fn not_found(kind: &str, name: &str, rg: &str) -> Self {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!(
                "The Resource '{kind}/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
            ),
        )
    }

    /// 404 `ResourceGroupNotFound`.
    pub fn rg_not_found(rg: &str) -> Self {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            format!("Resource group '{rg}' could not be found."),
        )
    }

    /// 412 `PreconditionFailed`.
    pub fn precondition(message: impl Into<String>) -> Self {
        ArmError::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            message,
        )
    }

    /// 400 `InvalidRequestContent` for a body that is not the expected JSON.
    pub fn bad_body(message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::BAD_REQUEST, "InvalidRequestContent", message)
    }

    /// The error object (without envelope).
    pub fn object(&self) -> Value {
        let mut o = json!({ "code": self.code, "message": self.message });
        if let Some(t) = &self.target {
            o["target"] = json!(t);
        }
        o
    }

    /// The response body.
    pub fn body(&self) -> Value {
        if self.unwrapped {
            let mut o = self.object();
            o["subcode"] = json!("");
            o["details"] = Value::Null;
            o
        } else {
            json!({ "error": self.object() })
        }
    }
}

/// Result of a handler.
pub type ArmResult<T> = Result<T, ArmError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_and_unwrapped_bodies() {
        let e = ArmError::invalid("properties.dnsPrefix", "bad");
        assert_eq!(
            e.body(),
            json!({"error": {"code": "InvalidParameter", "message": "bad", "target": "properties.dnsPrefix"}})
        );
        let a = ArmError::aks(StatusCode::CONFLICT, "OperationNotAllowed", "busy");
        assert_eq!(
            a.body(),
            json!({"code": "OperationNotAllowed", "message": "busy", "subcode": "", "details": null})
        );
    }
}
