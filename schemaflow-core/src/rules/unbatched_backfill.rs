//! SF018 unbatched-backfill: raw SQL that updates or deletes the rows of an
//! existing table in one statement.

use super::{Diagnostic, Rule, StepContext, raw_sql_transaction_control::statements};
use crate::location::Part;
use crate::model::{Op, SqlDown};

pub(super) const RULE: Rule = Rule {
    code: "SF018",
    name: "unbatched-backfill",
    summary: "an UPDATE or DELETE over an existing table in raw SQL, in one statement",
    why: "one statement holds its row locks until the migration commits (with the DDL's locks too), blocks the writers that touch those rows, bloats the WAL and makes replicas lag",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql { up, down } = &cx.step.op else { return };
    let down_sql = match down {
        SqlDown::Sql(d) => d.as_str(),
        _ => "",
    };
    for statement in statements(up).into_iter().chain(statements(down_sql)) {
        let words: Vec<String> = statement
            .split(|c: char| c.is_whitespace() || c == '(')
            .filter(|w| !w.is_empty())
            .take(3)
            .map(|w| w.trim_matches('"').to_ascii_lowercase())
            .collect();
        let table = match words.as_slice() {
            [first, table, ..] if first == "update" => table,
            [first, from, table] if first == "delete" && from == "from" => table,
            _ => continue,
        };
        if cx.is_existing(table) {
            out.push(Diagnostic::new(
                &RULE,
                cx.at(Part::Sql),
                format!("raw SQL changes every matching row of existing table `{table}` in one statement"),
                format!(
                    "use `backfill {table} set … where \"…\"`: it runs in batches of 1000 rows, one short transaction each, with a pause between batches, and resumes where it stopped"
                ),
            ));
            return;
        }
    }
}
