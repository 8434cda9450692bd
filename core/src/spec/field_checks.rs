//! Field-level checks run by `validator`, each with its rule code as the
//! error code so that the pipeline can report it as is.

use std::borrow::Cow;
use validator::ValidationError;

fn error(code: &'static str, message: String) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Owned(message))
}

/// LP012: exactly 12 ASCII digits.
pub fn account_id(id: &str) -> Result<(), ValidationError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let found = if id.bytes().all(|b| b.is_ascii_digit()) {
        format!("{} digits", id.len())
    } else {
        "characters other than digits".to_owned()
    };
    Err(error("LP012", format!("account ID `{id}` has {found}; expected exactly 12 digits")))
}

/// LP014: `o-` then 10 to 32 lowercase letters or digits (the form
/// AWS Organizations documents for organization IDs).
pub fn organization_id(id: &str) -> Result<(), ValidationError> {
    let ok = id.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err(error(
            "LP014",
            format!("organization ID `{id}` is not of the form `o-` followed by 10 to 32 lowercase letters or digits"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        assert!(account_id("012345678901").is_ok());
        assert!(account_id("12345678901").is_err());
        assert!(account_id("12345678901a").is_err());
        assert_eq!(account_id("1").unwrap_err().code, "LP012");
    }

    #[test]
    fn organization_ids() {
        assert!(organization_id("o-exampleorg1").is_ok());
        assert!(organization_id("o-short").is_err());
        assert!(organization_id("x-exampleorg1").is_err());
    }
}
