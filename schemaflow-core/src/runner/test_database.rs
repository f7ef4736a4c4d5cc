//! Throwaway PostgreSQL databases for tests: each test creates its own
//! (so tests run in parallel) and drops it when done.
//!
//! The server is `SCHEMAFLOW_TEST_POSTGRES_URL`, or
//! `postgres://postgres@127.0.0.1:5432/postgres`. When it cannot be reached,
//! a test is skipped with a printed reason, except under `CI=true`, where it
//! fails: CI must run the PostgreSQL tests.

use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};

/// A database created for one test.
pub struct TestDatabase {
    /// The URL of the new database.
    pub url: String,
    admin_url: String,
    name: String,
}

/// The server tests use.
pub fn server_url() -> String {
    std::env::var("SCHEMAFLOW_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDatabase {
    /// Creates a database named after `label`, or returns `None` (after
    /// printing why) when no server is reachable outside CI.
    pub fn create(label: &str) -> Option<TestDatabase> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let admin_url = server_url();
        let mut admin = match Client::connect(&admin_url, NoTls) {
            Ok(client) => client,
            Err(e) => {
                let reason = format!("PostgreSQL at {} is unreachable: {e}", crate::database_url::redact(&admin_url));
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{reason}; under CI=true the PostgreSQL tests must run");
                }
                eprintln!("skipping {label}: {reason}");
                return None;
            }
        };
        let name = format!("sf_{label}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
            .to_ascii_lowercase();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\"")).expect("drop an old test database");
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create a test database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("the server URL {admin_url} names no database"),
        };
        Some(TestDatabase { url, admin_url, name })
    }

    /// A new connection to the test database.
    pub fn connect(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.admin_url, NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}
