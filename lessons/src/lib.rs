//! ec2lab's curriculum crate.
//!
//! The learning layer (lesson and quiz files, their loader and checker, exam mode, saved progress)
//! is the next piece of work (issue 3) and lands here. Until then this crate holds no lessons,
//! and the app shows none; see `lessons/README.md`.
