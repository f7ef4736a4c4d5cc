//! SF018 unbatched-backfill: raw SQL that updates or deletes the rows of an
//! existing table in one statement.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, SqlDown};
use crate::sql_text::{keywords, statements};

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
        let words = keywords(&statement);
        let Some(table) = changed_table(&words).into_iter().find(|t| cx.is_existing(t)) else { continue };
        out.push(Diagnostic::new(
            &RULE,
            cx.at(Part::Sql),
            format!("raw SQL changes every matching row of existing table `{table}` in one statement"),
            format!(
                "use `backfill {table} set … where \"…\"`: it runs in batches (1000 rows by default), one short transaction each, with an optional pause between batches"
            ),
        ));
        return;
    }
}

/// The table an `UPDATE` or `DELETE` may change (one or two candidate
/// words: `schema.table`, or `table alias`), among the words of a
/// statement (`UPDATE [ONLY] [schema.]t SET …`, `DELETE FROM [ONLY]
/// [schema.]t …`, also after a `WITH` clause). `… FOR UPDATE`, `ON UPDATE`
/// and trigger events are not changes.
fn changed_table(words: &[String]) -> Vec<String> {
    if words.first().is_some_and(|w| w != "update" && w != "delete" && w != "with") {
        return Vec::new();
    }
    let not_a_change = ["for", "on", "before", "after", "of", "or", "instead"];
    for (i, w) in words.iter().enumerate() {
        if i > 0 && not_a_change.contains(&words[i - 1].as_str()) {
            continue;
        }
        let rest = match w.as_str() {
            "update" => &words[i + 1..],
            "delete" if words.get(i + 1).is_some_and(|f| f == "from") => &words[i + 2..],
            _ => continue,
        };
        let rest: Vec<&String> = rest.iter().skip_while(|w| *w == "only").collect();
        let end = rest
            .iter()
            .position(|w| ["set", "where", "using", "returning", "as"].contains(&w.as_str()))
            .unwrap_or(rest.len());
        return rest[..end.min(2)].iter().map(|w| w.to_string()).collect();
    }
    Vec::new()
}
