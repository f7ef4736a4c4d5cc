//! SF026 unused-allow: an acknowledgement that acknowledges nothing.
//! This module also applies the acknowledgements.

use super::{Diagnostic, Rule, find};
use crate::location::{Location, Part, Section};
use crate::model::{Down, Migration, Step};

pub(super) const RULE: Rule = Rule {
    code: "SF026",
    name: "unused-allow",
    summary: "an `#[allow(rule, \"reason\")]` on a step that does not trigger the rule, or on a rule that states a fact",
    why: "a stale acknowledgement hides the next real hazard on that step, and it records a reason for a risk that is not there",
    allowable: false,
    advice: false,
};

/// Removes the diagnostics acknowledged by their step's `#[allow]`, and
/// reports every `#[allow]` that removed nothing. The allows of forward
/// steps in `failed` (steps that do not fit the schema) are not judged.
pub(super) fn apply_allows(
    migration: &Migration,
    found: Vec<Diagnostic>,
    failed: &std::collections::HashSet<(Section, usize)>,
) -> Vec<Diagnostic> {
    let down_steps: &[Step] = match &migration.down {
        Down::Explicit(steps) => steps,
        _ => &[],
    };
    let step_of = |location: &Location| -> Option<&Step> {
        match location.section {
            Section::Up => migration.steps.get(location.step),
            Section::Down => down_steps.get(location.step),
        }
    };
    // Written allows (by id) that acknowledged at least one diagnostic.
    let mut used = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for d in found {
        let allow = step_of(&d.location)
            .and_then(|step| step.allows.iter().find(|a| d.rule.allowable && a.rule == d.rule.name));
        match allow {
            Some(a) => {
                used.insert((d.location.section, a.id));
            }
            None => kept.push(d),
        }
    }
    let mut reported = std::collections::HashSet::new();
    let sections = [(Section::Up, &migration.steps[..]), (Section::Down, down_steps)];
    for (section, steps) in sections {
        for (index, step) in steps.iter().enumerate() {
            for (k, allow) in step.allows.iter().enumerate() {
                let allowable = find(&allow.rule).is_some_and(|r| r.allowable);
                let step_failed = failed.contains(&(section, index));
                if used.contains(&(section, allow.id))
                    || (allowable && step_failed)
                    || !reported.insert((section, allow.id))
                {
                    continue;
                }
                let location = Location { section, step: index, part: Part::Allow(k) };
                let message = match find(&allow.rule) {
                    Some(rule) if !rule.allowable => {
                        format!("rule `{}` ({}) states a fact and cannot be acknowledged", rule.allow_name(), rule.code)
                    }
                    _ => format!(
                        "`#[allow({})]` acknowledges nothing: the rule does not fire on this `{}` step",
                        allow.rule.replace('-', "_"),
                        step.op.keyword()
                    ),
                };
                kept.push(Diagnostic::new(&RULE, location, message, "remove this `#[allow]`"));
            }
        }
    }
    kept
}
