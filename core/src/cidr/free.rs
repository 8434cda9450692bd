//! Free address space as aligned blocks, buddy-allocator style.
//!
//! One ordered set of free blocks per prefix length. Allocation takes the
//! smallest free block that fits (lowest address first) and splits it; so
//! every allocation costs O(32 · log n) and the result depends only on what
//! is free, not on the order things were declared in.

use super::net::{Ipv4Net, mask};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct FreeSpace {
    /// `free[p]`: network addresses of free /p blocks.
    free: Vec<BTreeSet<u32>>,
}

impl FreeSpace {
    /// All of `net` free.
    pub fn new(net: Ipv4Net) -> Self {
        let mut free = vec![BTreeSet::new(); 33];
        if let Some(set) = free.get_mut(usize::from(net.prefix())) {
            set.insert(net.addr());
        }
        Self { free }
    }

    /// Marks `net` as used: the parts of it that are free are taken out,
    /// whatever blocks they were in.
    pub fn take(&mut self, net: Ipv4Net) {
        let p = usize::from(net.prefix());
        // a free block that contains `net`: split it down to `net`
        for q in (0..=p).rev() {
            let Ok(qp) = u8::try_from(q) else { continue };
            let block = net.addr() & mask(qp);
            if self.remove(q, block) {
                self.split_around(Ipv4Net::new_trunc(block, qp), net);
                return;
            }
        }
        // else free blocks inside `net` (smaller than it): drop them all
        let (start, last) = (net.addr(), (net.end() - 1) as u32);
        for q in p + 1..=32 {
            if let Some(set) = self.free.get_mut(q) {
                let inside: Vec<u32> = set.range(start..=last).copied().collect();
                for a in inside {
                    set.remove(&a);
                }
            }
        }
    }

    /// Takes the lowest free block of the smallest size that holds a
    /// `/prefix`, and returns the `/prefix` at its start.
    pub fn allocate(&mut self, prefix: u8) -> Option<Ipv4Net> {
        let want = usize::from(prefix.min(32));
        for q in (0..=want).rev() {
            let Some(&addr) = self.free.get(q).and_then(|s| s.first()) else { continue };
            self.remove(q, addr);
            let Ok(qp) = u8::try_from(q) else { continue };
            let got = Ipv4Net::new_trunc(addr, prefix);
            self.split_around(Ipv4Net::new_trunc(addr, qp), got);
            return Some(got);
        }
        None
    }

    /// Free addresses in all.
    pub fn free_addresses(&self) -> u64 {
        self.free.iter().enumerate().map(|(p, s)| s.len() as u64 * super::block_size(p as u8)).sum()
    }

    /// The largest free block's prefix length.
    pub fn largest_free(&self) -> Option<u8> {
        (0..=32u8).find(|&p| self.free.get(usize::from(p)).is_some_and(|s| !s.is_empty()))
    }

    fn remove(&mut self, prefix: usize, addr: u32) -> bool {
        self.free.get_mut(prefix).is_some_and(|s| s.remove(&addr))
    }

    /// `block` (just removed) minus `used` (inside it) goes back as free
    /// buddies, one per level between them.
    fn split_around(&mut self, block: Ipv4Net, used: Ipv4Net) {
        for q in block.prefix() + 1..=used.prefix() {
            // the half at level q that does not hold `used` is free
            let half = Ipv4Net::new_trunc(used.addr(), q);
            let buddy = half.addr() ^ (1u32 << (32 - u32::from(q)));
            if let Some(set) = self.free.get_mut(usize::from(q)) {
                set.insert(buddy);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn allocates_lowest_first_and_packs() {
        let mut f = FreeSpace::new(n("10.0.0.0/16"));
        assert_eq!(f.allocate(20), Some(n("10.0.0.0/20")));
        assert_eq!(f.allocate(24), Some(n("10.0.16.0/24")));
        assert_eq!(f.allocate(20), Some(n("10.0.32.0/20")));
        // the /24 hole's siblings are used before larger blocks are split
        assert_eq!(f.allocate(24), Some(n("10.0.17.0/24")));
        assert_eq!(f.free_addresses(), 65536 - 2 * 4096 - 2 * 256);
    }

    #[test]
    fn take_carves_holes() {
        let mut f = FreeSpace::new(n("10.0.0.0/16"));
        f.take(n("10.0.0.0/24"));
        f.take(n("10.0.8.0/21"));
        assert_eq!(f.allocate(21), Some(n("10.0.16.0/21")));
        assert_eq!(f.allocate(22), Some(n("10.0.4.0/22")));
        assert_eq!(f.free_addresses(), 65536 - 256 - 2048 - 2048 - 1024);
    }

    #[test]
    fn take_larger_than_the_free_blocks() {
        let mut f = FreeSpace::new(n("10.0.0.0/16"));
        assert_eq!(f.allocate(24), Some(n("10.0.0.0/24")));
        // taking the whole /16 drops every smaller free block
        f.take(n("10.0.0.0/16"));
        assert_eq!(f.free_addresses(), 0);
        assert_eq!(f.allocate(28), None);
    }

    #[test]
    fn take_outside_changes_nothing() {
        let mut f = FreeSpace::new(n("10.0.0.0/16"));
        f.take(n("192.168.0.0/24"));
        assert_eq!(f.free_addresses(), 65536);
        assert_eq!(f.largest_free(), Some(16));
    }

    #[test]
    fn runs_out() {
        let mut f = FreeSpace::new(n("10.0.0.0/23"));
        assert!(f.allocate(24).is_some());
        assert!(f.allocate(24).is_some());
        assert_eq!(f.allocate(28), None);
    }
}
