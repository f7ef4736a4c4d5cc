//! SF005 no-such-object, SF006 already-exists and SF028 broken-reference:
//! a step that does not fit the schema the earlier migrations produced.
//! [`crate::schema::Schema::apply`] finds these; this module names them.

use super::{Diagnostic, Rule};
use crate::location::Location;
use crate::schema::{SchemaError, SchemaErrorKind};

pub(super) const NO_SUCH_OBJECT: Rule = Rule {
    code: "SF005",
    name: "no-such-object",
    summary: "a table, column, index or constraint that does not exist at this point of the history",
    why: "the statement would fail when it runs; the migrations before this one never created it (or dropped or renamed it)",
    allowable: false,
    advice: false,
};

pub(super) const ALREADY_EXISTS: Rule = Rule {
    code: "SF006",
    name: "already-exists",
    summary: "creating a table, column, index or constraint that already exists, or a change to the state an object is already in",
    why: "the statement would fail when it runs, or do nothing while the author believes it did something",
    allowable: false,
    advice: false,
};

pub(super) const BROKEN_REFERENCE: Rule = Rule {
    code: "SF028",
    name: "broken-reference",
    summary: "a foreign key to columns that are not a key, or a drop or change of something a foreign key, a view, a trigger, an expression index or an online change still uses",
    why: "the database refuses it, or leaves the object that used it broken until it next runs: a foreign key must reference a primary key or unique constraint, and a column or table cannot go while something still uses it",
    allowable: false,
    advice: false,
};

pub(super) fn diagnostic(location: Location, error: &SchemaError) -> Diagnostic {
    let (rule, help) = match error.kind {
        SchemaErrorKind::Missing => (
            &NO_SUCH_OBJECT,
            "check the name against the earlier migrations in this directory (a rename or drop may come first)",
        ),
        SchemaErrorKind::Exists => (&ALREADY_EXISTS, "remove this step, or choose another name"),
        SchemaErrorKind::BrokenReference => (
            &BROKEN_REFERENCE,
            "reference a primary key or unique column set, and drop the dependent foreign keys first",
        ),
    };
    let help = match (&error.suggestion, &error.help) {
        (_, Some(own)) => own.clone(),
        (Some(name), None) => format!("did you mean `{name}`? {help}"),
        (None, None) => help.to_owned(),
    };
    Diagnostic::new(rule, location, error.message.clone(), help)
}
