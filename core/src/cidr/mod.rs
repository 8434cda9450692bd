//! IPv4 address planning: CIDR values, free-space bookkeeping, the VPC
//! allocator over the pools, and the subnet planner.

mod free;
mod net;
pub mod pools;
pub mod subnets;

pub use free::FreeSpace;
pub use net::{Net, NetError};
