//! Workspace-level tests of schemaflow; see `tests/`.
