//! The backfill engine: keyset batches over a table's primary key, each
//! batch one transaction that also records how far the backfill got.
//!
//! The loop lives here: where to resume, how many rows there are in all,
//! the progress event after each batch, and what happens between batches
//! (a requested stop, the pause). Each database supplies its statements
//! through [`BatchSource`], so SQLite and PostgreSQL resume, report and
//! stop the same way.

use std::time::Instant;

use super::{BatchDone, ExecError, between_batches};
use crate::model::{Backfill, TransformSpec};
use crate::transform::{TransformFn, Transforms, Value};

/// Where a backfill stands, as its last committed batch recorded it.
pub(crate) enum Resume<K> {
    /// No batch has committed yet.
    Start,
    /// Batches committed up to `key`, changing `rows_done` rows.
    After { key: K, rows_done: u64 },
    /// The last batch committed; only the phase's own record is missing.
    Finished,
}

/// What one committed batch did.
pub(crate) struct Committed<K> {
    /// The batch's last key, or `None` when it was the last batch.
    pub upper: Option<K>,
    /// Rows it changed.
    pub changed: u64,
}

/// One database's statements for a backfill.
pub(crate) trait BatchSource {
    /// A primary-key value, in the form the database's statements bind.
    type Key;
    /// What the progress table says of this backfill.
    fn resume(&mut self) -> Result<Resume<Self::Key>, ExecError>;
    /// The rows still to change after `after` (all of them for `None`).
    fn remaining(&mut self, after: Option<&Self::Key>) -> Result<u64, ExecError>;
    /// In one transaction: finds the batch's upper key (the batch size-th
    /// key after `after`, or none when fewer rows are left), changes the
    /// rows in that range and records the upper key with `rows_done` plus
    /// the rows changed, out of `rows_total`.
    fn batch(
        &mut self,
        after: Option<&Self::Key>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Self::Key>, ExecError>;
}

/// Runs a backfill's batches from where the last run stopped to the end
/// of the table, reporting each committed batch to `on_batch`.
pub(crate) fn run<S: BatchSource>(
    source: &mut S,
    backfill: &Backfill,
    on_batch: &mut dyn FnMut(BatchDone),
) -> Result<(), ExecError> {
    let (mut last, mut rows_done) = match source.resume()? {
        Resume::Finished => return Ok(()),
        Resume::Start => (None, 0),
        Resume::After { key, rows_done } => (Some(key), rows_done),
    };
    let rows_total = rows_done + source.remaining(last.as_ref())?;
    loop {
        let started = Instant::now();
        let batch = source.batch(last.as_ref(), rows_done, rows_total)?;
        rows_done += batch.changed;
        on_batch(BatchDone { table: backfill.table.clone(), rows_done, rows_total, took: started.elapsed() });
        let Some(upper) = batch.upper else { return Ok(()) };
        last = Some(upper);
        between_batches(backfill.pause_ms)?;
    }
}

/// Calls a backfill's Rust transform on one row's inputs: its outputs, one
/// per column it sets, or an error that names the function and the row's
/// `key`.
pub(crate) fn call_transform(
    spec: &TransformSpec,
    function: &TransformFn,
    inputs: Vec<Value>,
    key: &dyn std::fmt::Debug,
) -> Result<Vec<Value>, ExecError> {
    let failed = |message: String| ExecError::Statement {
        sql: format!("{}({})", spec.function, spec.inputs.join(", ")),
        message,
    };
    // A panic in the user's function is that row's failure, reported like
    // an error it returned: the batch rolls back and the run ends with the
    // message (also as a JSON error event), not with the process aborting.
    let called = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| function(inputs)));
    let outputs = match called {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            Err(format!("it panicked: {what}"))
        }
    }
    .map_err(|why| failed(format!("the transform failed on the row with key {key:?}: {why}")))?;
    if outputs.len() != spec.outputs.len() {
        return Err(failed(format!(
            "the transform returned {} values for the {} columns it sets",
            outputs.len(),
            spec.outputs.len()
        )));
    }
    Ok(outputs)
}

/// A backfill's Rust transform with the function registered for it, or an
/// error when this build registers none under its path.
pub(crate) fn registered_transform<'a>(
    backfill: &'a Backfill,
    transforms: &'a Transforms,
) -> Result<Option<(&'a TransformSpec, &'a TransformFn)>, ExecError> {
    let Some(spec) = &backfill.transform else { return Ok(None) };
    let function = transforms.get(&spec.function).ok_or_else(|| {
        ExecError::Database(format!("the transform `{}` is not registered in this build", spec.function))
    })?;
    Ok(Some((spec, function)))
}
