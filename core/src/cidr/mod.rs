//! IPv4 address planning: CIDR values, free-space bookkeeping, the VPC
//! allocator over the pools, and the subnet planner.

pub mod aggregate;
mod free;
mod net;
pub mod pools;
pub mod subnets;

pub use free::FreeSpace;
pub use net::{Ipv4Net, Ipv4NetError, block_size};
