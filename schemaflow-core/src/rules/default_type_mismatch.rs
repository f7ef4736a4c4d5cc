//! SF002 default-type-mismatch: a default or assigned literal that does not
//! fit its column's type.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ColumnType, DefaultValue, Op};

pub(super) const RULE: Rule = Rule {
    code: "SF002",
    name: "default-type-mismatch",
    summary: "a default (or a value a data step assigns) that does not fit the column's type, length or precision",
    why: "the database rejects the statement when it runs, or silently casts or truncates the value; either way the mistake reaches production instead of the compiler",
    allowable: false,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let mut report = |column: &str, ty: ColumnType, value: &DefaultValue| {
        if let Err(why) = value_fits(value, &ty).and_then(|()| enum_value_fits(cx, value, &ty)) {
            out.push(Diagnostic::new(
                &RULE,
                cx.at(Part::Default(column.to_owned())),
                format!("default `{value}` does not fit column `{column}` of type `{ty}`: {why}"),
                help_for(&ty),
            ));
        }
    };
    match &cx.step.op {
        Op::CreateTable(t) => {
            for c in &t.columns {
                if let Some(d) = &c.default {
                    report(&c.name, c.ty.clone(), d);
                }
            }
        }
        Op::AddColumn { column, .. } => {
            if let Some(d) = &column.default {
                report(&column.name, column.ty.clone(), d);
            }
        }
        Op::SetDefault { table, column, default } => {
            if let Some(c) = cx.schema.table(table).and_then(|t| t.column(column)) {
                report(column, c.ty.clone(), default);
            }
        }
        Op::Backfill(b) => {
            if let Some(t) = cx.schema.table(&b.table) {
                for a in &b.assignments {
                    if let Some(c) = t.column(&a.column) {
                        report(&a.column, c.ty.clone(), &a.value);
                    }
                }
            }
        }
        _ => {}
    }
}

/// An enum column's literal must be one of the enum's values, and (on
/// PostgreSQL) not one this same migration adds: PostgreSQL refuses a
/// value in the transaction that added it.
fn enum_value_fits(cx: &StepContext, value: &DefaultValue, ty: &ColumnType) -> Result<(), String> {
    let (ColumnType::Enum(name), DefaultValue::Text(v)) = (ty, value) else { return Ok(()) };
    let Some(values) = cx.schema.enums.get(name) else { return Ok(()) };
    if !values.contains(v) {
        return Err(format!("enum `{name}` has no value `{v}` (its values: {})", values.join(", ")));
    }
    let added_here =
        cx.earlier.iter().any(|s| matches!(&s.op, Op::AddEnumValue { name: n, value, .. } if n == name && value == v));
    if added_here && cx.targets.postgres {
        return Err(format!(
            "`{v}` is added to enum `{name}` by this same migration, and PostgreSQL refuses a new enum value in the transaction that added it; use it from the next migration on"
        ));
    }
    Ok(())
}

fn help_for(ty: &ColumnType) -> String {
    let example = match ty {
        ColumnType::Bool => "`true` or `false`".to_owned(),
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => {
            "an integer literal in the type's range, e.g. `0`".to_owned()
        }
        ColumnType::F32 | ColumnType::F64 => "a number, e.g. `0.0`".to_owned(),
        ColumnType::Decimal { precision, scale } => format!(
            "a number with at most {} digit(s) before the point and {scale} after, e.g. `0.{}`",
            precision - scale,
            "0".repeat(*scale as usize)
        ),
        ColumnType::Text => "a string literal, e.g. `\"\"`".to_owned(),
        ColumnType::Varchar(n) => format!("a string literal of at most {n} characters"),
        ColumnType::Bytes => "`sql(\"…\")` with a database expression; byte columns take no literal".to_owned(),
        ColumnType::Date => "`\"YYYY-MM-DD\"` or `current_date()`".to_owned(),
        ColumnType::Time => "`\"HH:MM:SS\"`".to_owned(),
        ColumnType::Timestamp => "`\"YYYY-MM-DD HH:MM:SS\"` or `now()`".to_owned(),
        ColumnType::TimestampTz => "`\"YYYY-MM-DD HH:MM:SS+00:00\"` or `now()`".to_owned(),
        ColumnType::Uuid => "`\"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"` or `gen_random_uuid()`".to_owned(),
        ColumnType::Json => "a string literal holding valid JSON, e.g. `\"{}\"`".to_owned(),
        ColumnType::Citext => "a string literal, e.g. `\"\"`".to_owned(),
        ColumnType::Array(_) => {
            "an array literal in PostgreSQL's text form, e.g. `\"{}\"` (empty) or `\"{a,b}\"`".to_owned()
        }
        ColumnType::Enum(name) => format!("a string literal naming one of the values of enum `{name}`"),
        ColumnType::Sql(_) => "a literal the database accepts for it".to_owned(),
    };
    format!("a column of type `{ty}` takes {example}; for an expression the DSL cannot check, write `sql(\"…\")`")
}

/// Whether `value` is a valid literal for a column of type `ty`; the error
/// says why not. `sql("…")` is opaque and always accepted.
pub fn value_fits(value: &DefaultValue, ty: &ColumnType) -> Result<(), String> {
    match value {
        DefaultValue::Sql(_) => Ok(()),
        DefaultValue::Function(f) => {
            if f.fits(ty) {
                Ok(())
            } else {
                Err(format!("`{}()` does not return a `{ty}`", f.name()))
            }
        }
        DefaultValue::Bool(_) => {
            if *ty == ColumnType::Bool {
                Ok(())
            } else {
                Err("a boolean is not a value of this type".into())
            }
        }
        DefaultValue::Int(text) => match ty {
            ColumnType::I16 => int_in_range(text, i16::MIN.into(), i16::MAX.into()),
            ColumnType::I32 => int_in_range(text, i32::MIN.into(), i32::MAX.into()),
            ColumnType::I64 => int_in_range(text, i64::MIN.into(), i64::MAX.into()),
            ColumnType::F32 | ColumnType::F64 => float_fits(text, ty),
            ColumnType::Decimal { precision, scale } => decimal_fits(text, *precision, *scale),
            ColumnType::Bool => Err("write `true` or `false`, not a number".into()),
            _ => Err("a number is not a value of this type".into()),
        },
        DefaultValue::Float(text) => match ty {
            ColumnType::F32 | ColumnType::F64 => float_fits(text, ty),
            ColumnType::Decimal { precision, scale } => decimal_fits(text, *precision, *scale),
            ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => {
                Err("an integer column cannot hold a fractional number".into())
            }
            _ => Err("a number is not a value of this type".into()),
        },
        DefaultValue::Text(text) => text_fits(text, ty),
    }
}

/// A number within the float type's range (PostgreSQL refuses `real`
/// values beyond about 3.4e38, and `double precision` beyond 1.8e308).
fn float_fits(text: &str, ty: &ColumnType) -> Result<(), String> {
    let value: f64 = text.parse().map_err(|_| format!("`{text}` is not a number"))?;
    let (max, name) = if *ty == ColumnType::F32 { (f64::from(f32::MAX), "f32") } else { (f64::MAX, "f64") };
    if value.is_finite() && value.abs() <= max {
        Ok(())
    } else {
        Err(format!("`{text}` is out of the range of `{name}` (at most {max:e})"))
    }
}

fn int_in_range(text: &str, min: i128, max: i128) -> Result<(), String> {
    match text.parse::<i128>() {
        Ok(v) if (min..=max).contains(&v) => Ok(()),
        _ => Err(format!("it is outside the type's range {min}..={max}")),
    }
}

fn decimal_fits(text: &str, precision: u32, scale: u32) -> Result<(), String> {
    let digits = text.trim_start_matches(['-', '+']);
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let int_digits = int_part.trim_start_matches('0').len() as u32;
    let frac_digits = frac_part.trim_end_matches('0').len() as u32;
    if frac_digits > scale {
        return Err(format!("it has {frac_digits} digit(s) after the point, the scale allows {scale}"));
    }
    if int_digits > precision - scale {
        return Err(format!(
            "it has {int_digits} digit(s) before the point, precision {precision} with scale {scale} allows {}",
            precision - scale
        ));
    }
    Ok(())
}

fn text_fits(text: &str, ty: &ColumnType) -> Result<(), String> {
    let ok = match ty {
        ColumnType::Text | ColumnType::Citext => return Ok(()),
        // Checked against the enum's values where the schema is known.
        ColumnType::Enum(_) => return Ok(()),
        ColumnType::Array(_) => {
            let t = text.trim();
            return if t.starts_with('{') && t.ends_with('}') {
                Ok(())
            } else {
                Err(format!("`{text}` is not an array literal: write it as `\"{{a,b}}\"` (or `\"{{}}\"` for none)"))
            };
        }
        ColumnType::Varchar(n) => {
            let len = text.chars().count();
            return if len <= *n as usize {
                Ok(())
            } else {
                Err(format!("it is {len} characters long, the column holds at most {n}"))
            };
        }
        ColumnType::Json => {
            return serde_json::from_str::<serde_json::Value>(text)
                .map(|_| ())
                .map_err(|e| format!("it is not valid JSON ({e})"));
        }
        ColumnType::Date => is_date(text),
        ColumnType::Time => is_time(text),
        ColumnType::Timestamp => split_timestamp(text).is_some_and(|(d, t)| is_date(d) && is_time(t)),
        ColumnType::TimestampTz => split_timestamp(text)
            .and_then(|(d, t)| strip_offset(t).map(|t| (d, t)))
            .is_some_and(|(d, t)| is_date(d) && is_time(t)),
        ColumnType::Uuid => is_uuid(text),
        ColumnType::Bool => return Err("write `true` or `false` without quotes".into()),
        ColumnType::I16
        | ColumnType::I32
        | ColumnType::I64
        | ColumnType::F32
        | ColumnType::F64
        | ColumnType::Decimal { .. } => {
            return Err("write the number without quotes".into());
        }
        ColumnType::Bytes => return Err("byte columns take no string literal".into()),
        // A type known only by its SQL name: the database checks the literal.
        ColumnType::Sql(_) => return Ok(()),
    };
    if ok { Ok(()) } else { Err(format!("`{text}` is not a valid `{ty}` literal")) }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn is_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn is_time(s: &str) -> bool {
    let (hms, frac) = s.split_once('.').unwrap_or((s, "0"));
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    let ranges = [23, 59, 59];
    (2..=3).contains(&parts.len()) && parts.iter().zip(ranges).all(|(p, max)| digits(p, 2).is_some_and(|v| v <= max))
}

fn split_timestamp(s: &str) -> Option<(&str, &str)> {
    s.split_once(' ').or_else(|| s.split_once('T'))
}

fn strip_offset(t: &str) -> Option<&str> {
    if let Some(rest) = t.strip_suffix('Z') {
        return Some(rest);
    }
    let at = t.rfind(['+', '-'])?;
    let (time, offset) = t.split_at(at);
    let offset = &offset[1..];
    let ok = match offset.split_once(':') {
        Some((h, m)) => digits(h, 2).is_some_and(|h| h <= 14) && digits(m, 2).is_some_and(|m| m <= 59),
        None => digits(offset, 2).is_some_and(|h| h <= 14),
    };
    ok.then_some(time)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DefaultFunction;

    fn text(s: &str) -> DefaultValue {
        DefaultValue::Text(s.into())
    }

    #[test]
    fn literals_that_fit() {
        assert!(value_fits(&DefaultValue::Bool(false), &ColumnType::Bool).is_ok());
        assert!(value_fits(&DefaultValue::Int("32767".into()), &ColumnType::I16).is_ok());
        assert!(
            value_fits(&DefaultValue::Float("12345678.99".into()), &ColumnType::Decimal { precision: 10, scale: 2 })
                .is_ok()
        );
        assert!(value_fits(&text("abc"), &ColumnType::Varchar(3)).is_ok());
        assert!(value_fits(&text("2024-02-29"), &ColumnType::Date).is_ok());
        assert!(value_fits(&text("2024-02-29 23:59:59.5"), &ColumnType::Timestamp).is_ok());
        assert!(value_fits(&text("2024-02-29T23:59:59+05:30"), &ColumnType::TimestampTz).is_ok());
        assert!(value_fits(&text("123e4567-e89b-12d3-a456-426614174000"), &ColumnType::Uuid).is_ok());
        assert!(value_fits(&text("{\"a\": [1]}"), &ColumnType::Json).is_ok());
        assert!(value_fits(&DefaultValue::Function(DefaultFunction::Now), &ColumnType::TimestampTz).is_ok());
        assert!(value_fits(&DefaultValue::Sql("anything".into()), &ColumnType::Bytes).is_ok());
        assert!(value_fits(&DefaultValue::Float("3.4e38".into()), &ColumnType::F32).is_ok());
        assert!(value_fits(&DefaultValue::Float("1e39".into()), &ColumnType::F64).is_ok());
    }

    #[test]
    fn floats_beyond_their_type_do_not_fit() {
        for (text, ty) in [("1e39", ColumnType::F32), ("-1e39", ColumnType::F32), ("1e309", ColumnType::F64)] {
            let why = value_fits(&DefaultValue::Float(text.into()), &ty).unwrap_err();
            assert!(why.contains("out of the range"), "{text}: {why}");
        }
    }

    #[test]
    fn literals_that_do_not_fit() {
        assert!(value_fits(&text("no"), &ColumnType::Bool).is_err());
        assert!(value_fits(&DefaultValue::Int("32768".into()), &ColumnType::I16).is_err());
        assert!(value_fits(&DefaultValue::Float("1.5".into()), &ColumnType::I64).is_err());
        assert!(
            value_fits(&DefaultValue::Float("123456789.99".into()), &ColumnType::Decimal { precision: 10, scale: 2 })
                .is_err()
        );
        assert!(
            value_fits(&DefaultValue::Float("1.999".into()), &ColumnType::Decimal { precision: 10, scale: 2 }).is_err()
        );
        assert!(value_fits(&text("abcd"), &ColumnType::Varchar(3)).is_err());
        assert!(value_fits(&text("2023-02-29"), &ColumnType::Date).is_err());
        assert!(value_fits(&text("24:00:00"), &ColumnType::Time).is_err());
        assert!(value_fits(&text("2024-01-01 10:00:00"), &ColumnType::TimestampTz).is_err());
        assert!(value_fits(&text("not-a-uuid"), &ColumnType::Uuid).is_err());
        assert!(value_fits(&text("{oops"), &ColumnType::Json).is_err());
        assert!(value_fits(&DefaultValue::Function(DefaultFunction::Now), &ColumnType::Date).is_err());
        assert!(value_fits(&DefaultValue::Function(DefaultFunction::GenRandomUuid), &ColumnType::Text).is_err());
    }
}
