//! napi-rs bindings of the Linkplan core.
//!
//! Placeholder: the napi exports (`validate`, `plan`) arrive with the CDK
//! construct library. The crate is a workspace member already so that the
//! workspace layout is final and `cargo test --workspace` covers it.

pub use linkplan_core::VERSION;
