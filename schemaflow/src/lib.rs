//! schemaflow: database migrations written in a Rust DSL and checked when
//! they compile, so that an unsafe migration does not compile.
//!
//! ```text
//! // migrations/202611241530_add_user_verified.rs
//! schemaflow::migration! {
//!     alter_table users {
//!         add_column verified: bool = false,
//!     }
//! }
//! ```
//!
//! A crate gathers its migrations with `schemaflow::embed_migrations!();`.
//! See the user guide in `docs/guide.md` and the rules in `docs/rules.md`.

#![warn(missing_docs)]

pub use schemaflow_core::*;
pub use schemaflow_macros::{embed_migrations, migration};
