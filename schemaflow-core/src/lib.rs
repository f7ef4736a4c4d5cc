//! schemaflow-core: the migration model, schema replay, safety rules,
//! rollback derivation and (with the `dsl` feature) the `migration!` DSL
//! parser shared by the proc-macro, the CLI and the tests.
//!
//! Most users depend on the `schemaflow` facade crate instead.

#![warn(missing_docs)]

#[cfg(feature = "dsl")]
pub mod baseline;
pub mod config;
pub mod database_url;
pub mod dialect;
pub mod diff;
pub mod files;
#[cfg(feature = "harness")]
pub mod harness;
pub mod location;
pub mod model;
pub mod plan;
#[cfg(feature = "raw-sql")]
pub mod raw_sql;
pub mod rollback;
pub mod rules;
pub mod runner;
pub mod schema;
pub mod spelling;
pub mod sql_text;
pub mod testing;
pub mod transform;
pub mod type_change;

#[cfg(feature = "dsl")]
pub mod dsl;
#[cfg(feature = "dsl")]
pub mod import;

pub use config::Targets;
pub use model::*;
pub use schema::Schema;
