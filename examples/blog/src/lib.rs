//! The blog example's migrations, embedded from `migrations/`, and the
//! Rust functions its data migrations call.

pub mod names;

schemaflow::embed_migrations!();
