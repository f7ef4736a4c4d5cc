//! SF023 raw-sql-transaction-control: raw SQL that controls transactions
//! itself or cannot run inside one.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, SqlDown};
use crate::sql_text::{keywords, statements};

pub(super) const RULE: Rule = Rule {
    code: "SF023",
    name: "raw-sql-transaction-control",
    summary: "raw SQL with BEGIN, COMMIT, ROLLBACK, SAVEPOINT, CONCURRENTLY or VACUUM",
    why: "schemaflow runs each migration in a transaction and records it in the same one: a COMMIT inside ends it early (a later failure leaves half a migration applied and the bookkeeping wrong), and CONCURRENTLY or VACUUM cannot run in a transaction at all",
    allowable: false,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql { up, down } = &cx.step.op else { return };
    let down_sql = match down {
        SqlDown::Sql(d) => d.as_str(),
        _ => "",
    };
    for statement in statements(up).into_iter().chain(statements(down_sql)) {
        let words = keywords(&statement);
        let first = words.first().map(String::as_str).unwrap_or("");
        let offending = match first {
            "begin" | "commit" | "rollback" | "savepoint" | "release" | "end" => Some(first.to_ascii_uppercase()),
            "start" if words.get(1).is_some_and(|w| w == "transaction") => Some("START TRANSACTION".to_owned()),
            "vacuum" => Some("VACUUM".to_owned()),
            _ if words.iter().any(|w| w == "concurrently") => Some("CONCURRENTLY".to_owned()),
            _ => None,
        };
        if let Some(word) = offending {
            let help = if word == "CONCURRENTLY" {
                "use `create_index … concurrently` or `drop_index … concurrently`: schemaflow runs them outside the transaction and retries a failed build safely"
            } else {
                "leave transactions to schemaflow: each migration runs in one transaction, and batched data changes belong in `backfill`"
            };
            out.push(Diagnostic::new(
                &RULE,
                cx.at(Part::Sql),
                format!("raw SQL uses `{word}`, which breaks the migration's transaction"),
                help,
            ));
            return;
        }
    }
}
