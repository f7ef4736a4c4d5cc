//! SF023 raw-sql-transaction-control: raw SQL that controls transactions
//! itself or cannot run inside one.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, SqlDown};

pub(super) const RULE: Rule = Rule {
    code: "SF023",
    name: "raw-sql-transaction-control",
    summary: "raw SQL with BEGIN, COMMIT, ROLLBACK, SAVEPOINT, CONCURRENTLY or VACUUM",
    why: "schemaflow runs each migration in a transaction and records it in the same one: a COMMIT inside ends it early (a later failure leaves half a migration applied and the bookkeeping wrong), and CONCURRENTLY or VACUUM cannot run in a transaction at all",
    allowable: false,
    advice: false,
};

/// Splits SQL text into statements at semicolons outside quotes and comments.
pub(crate) fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    current.push(c);
                }
                '-' if chars.peek() == Some(&'-') => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    current.push(' ');
                }
                ';' => out.push(std::mem::take(&mut current)),
                _ => current.push(c),
            },
        }
    }
    out.push(current);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql { up, down } = &cx.step.op else { return };
    let down_sql = match down {
        SqlDown::Sql(d) => d.as_str(),
        _ => "",
    };
    for statement in statements(up).into_iter().chain(statements(down_sql)) {
        let upper = statement.to_ascii_uppercase();
        let mut words = upper.split_whitespace();
        let first = words.next().unwrap_or("");
        let offending = match first {
            "BEGIN" | "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" | "END" => Some(first.to_owned()),
            "START" if words.next() == Some("TRANSACTION") => Some("START TRANSACTION".to_owned()),
            "VACUUM" => Some("VACUUM".to_owned()),
            _ if upper.split_whitespace().any(|w| w == "CONCURRENTLY") => Some("CONCURRENTLY".to_owned()),
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

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn splits_outside_quotes_and_comments() {
        let s = statements("INSERT INTO t VALUES ('a;b'); -- c; d\nSELECT \";\" ;");
        assert_eq!(s, vec!["INSERT INTO t VALUES ('a;b')", "SELECT \";\""]);
    }
}
