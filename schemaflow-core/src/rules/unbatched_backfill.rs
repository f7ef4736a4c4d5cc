//! SF018 unbatched-backfill: raw SQL that changes the rows of an existing
//! table in one statement.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, RawClass};

pub(super) const RULE: Rule = Rule {
    code: "SF018",
    name: "unbatched-backfill",
    summary: "an UPDATE, DELETE, INSERT … SELECT, MERGE or TRUNCATE of an existing table in raw SQL, in one statement",
    why: "one statement holds its row locks until the migration commits (with the DDL's locks too), blocks the writers that touch those rows, bloats the WAL and makes replicas lag",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql(statement) = &cx.step.op else { return };
    if statement.class != RawClass::Data {
        return;
    }
    let Some(table) = statement.table.as_deref().filter(|t| cx.is_existing(t)) else { return };
    let help = match statement.kind.as_str() {
        "UPDATE" => format!(
            "use `backfill {table} set … where \"…\"`: it runs in batches (1000 rows by default), one short transaction each, with an optional pause between batches"
        ),
        "DELETE" | "TRUNCATE" => format!(
            "use `delete_rows {table} where \"…\"`: it deletes in batches (1000 rows by default), one short transaction each, with an optional pause between batches, and resumes where it stopped"
        ),
        "INSERT … SELECT" => format!(
            "use `copy_rows source into {table} (column, column = \"sql\", …) where \"…\"`: it copies in batches of the source's primary key (1000 rows by default), one short transaction each, with an optional pause between batches, and resumes where it stopped"
        ),
        _ => "copy by ranges of the source's primary key, a few thousand rows per statement; or acknowledge it, with the number of rows as the reason".to_owned(),
    };
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Sql),
        format!("raw `{}` changes the rows of existing table `{table}` in one statement", statement.kind),
        help,
    ));
}
