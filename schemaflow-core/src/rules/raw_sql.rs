//! SF034 unreadable-sql and SF035 unanalysed-sql: raw SQL whose effect on
//! a live database schemaflow cannot tell. Nothing is trusted blindly: the
//! author acknowledges it, with a reason the plan shows.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, RawClass};

/// SF034: a statement the SQL parser cannot read.
pub(super) const UNREADABLE: Rule = Rule {
    code: "SF034",
    name: "unreadable-sql",
    summary: "a raw SQL statement the SQL parser cannot read",
    why: "what schemaflow cannot read, it cannot check: the statement may lock a large table, rewrite it or change rows, and nothing in the dry run or the plan would say so",
    allowable: true,
    advice: false,
};

/// SF035: a statement read, but whose effect on tables is not analysed.
pub(super) const UNANALYSED: Rule = Rule {
    code: "SF035",
    name: "unanalysed-sql",
    summary: "a raw SQL statement whose locks and effect on tables schemaflow does not model (a DO block, LOCK, SET UNLOGGED, REFRESH MATERIALIZED VIEW, CREATE TABLE AS…)",
    why: "such a statement may take a strong lock, rewrite a table or change rows, and the dry run and the plan cannot say which",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql(statement) = &cx.step.op else { return };
    match &statement.class {
        RawClass::Unreadable(why) => out.push(Diagnostic::new(
            &UNREADABLE,
            cx.at(Part::Sql),
            format!("schemaflow cannot read this `{}` statement: {why}", statement.kind),
            "write it in the DSL, or in SQL the parser reads; if it is safe, acknowledge it with what it does",
        )),
        RawClass::Unanalysed => {
            let on = statement.table.as_deref().map(|t| format!(" on `{t}`")).unwrap_or_default();
            out.push(Diagnostic::new(
                &UNANALYSED,
                cx.at(Part::Sql),
                format!("schemaflow does not analyse what this `{}` statement{on} locks or changes", statement.kind),
                "use the DSL operation for it if there is one; otherwise acknowledge it with what it locks and for how long",
            ));
        }
        _ => {}
    }
}
