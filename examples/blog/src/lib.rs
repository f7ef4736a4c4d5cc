//! The blog example's migrations, embedded from `migrations/`.

schemaflow::embed_migrations!();
