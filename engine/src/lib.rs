//! ec2lab engine: a deterministic, clock-free simulation of the Amazon EC2 model.
//!
//! The engine is a plain struct ([`World`]) with `&mut self` methods and no I/O: the caller
//! hands it a seed and moves its virtual clock. The console ([`Lab`]) is the only module that
//! knows about text; everything else speaks typed requests and typed errors.
//! See ARCHITECTURE.md for the code map and invariants.

pub mod api;
pub mod catalog;
pub mod clock;
pub mod compute;
pub mod dedicated;
pub mod console;
pub mod faults;
pub mod fs;
pub mod guest;
pub mod iam;
pub mod hardware;
pub mod images;
pub mod imds;
pub mod kms;
pub mod net;
pub mod placement;
pub mod ram;
pub mod rng;
pub mod ssm;
pub mod sts;
pub mod view;
pub mod world;

pub use console::{Lab, Output, Step};
pub use world::World;
