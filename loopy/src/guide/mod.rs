//! Guides: prose with compiled examples, and no code of their own.
//!
//! - [`coming_from_tokio`]: every tokio habit, and what to reach for on
//!   loopy instead.

pub mod coming_from_tokio;
