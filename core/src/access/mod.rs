//! The access proof's policy side: a request context per hop of a flow, and
//! an evaluator of the policies Linkplan writes (endpoint, identity, trust
//! and resource policies) for that request.

pub mod authorize;
pub mod eval;
pub mod request;

pub use authorize::{Identity, Policies, Target, Verdict, authorize};
pub use eval::{Decision, PolicyKind, evaluate};
pub use request::{Action, Caller, Context, Request};
