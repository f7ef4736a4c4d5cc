//! Column types (`i64`, `Option<Varchar<100>>`, …) and values (literals,
//! known functions, `sql("…")`).

use super::*;

/// The type names a column may have (generic ones without their arguments).
const COLUMN_TYPES: &str = "bool, i16, i32, i64, f32, f64, Decimal, String, Varchar, Citext, Date, Time, Timestamp, TimestampTz, Uuid, Json, Enum, Vec, Option";

pub(super) fn suggest_type(name: &str) -> &'static str {
    match name {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i128" | "u128" | "isize" => {
            "databases have no unsigned or 8/128-bit integers: use `i16`, `i32` or `i64`; "
        }
        "str" | "Text" | "text" | "char" | "Char" => "for text write `String` (or `Varchar<N>`); ",
        "citext" | "CiText" | "CIText" => "write `Citext`; ",
        "Array" | "array" => "for an array write `Vec<T>`, e.g. `Vec<String>`; ",
        "Integer" | "int" | "Int" | "integer" | "bigint" | "BigInt" => "write the Rust name: `i32` or `i64`; ",
        "DateTime" | "OffsetDateTime" => "for a point in time write `TimestampTz`; ",
        "NaiveDateTime" | "PrimitiveDateTime" => "write `Timestamp` (or better `TimestampTz`); ",
        "NaiveDate" => "write `Date`; ",
        "NaiveTime" => "write `Time`; ",
        "Value" | "JsonValue" | "Jsonb" | "jsonb" => "write `Json` (stored as jsonb on PostgreSQL); ",
        "UUID" | "uuid" => "write `Uuid`; ",
        "Bytes" | "Blob" | "bytea" => "write `Vec<u8>`; ",
        "Numeric" | "BigDecimal" | "decimal" => "write `Decimal<P, S>`, e.g. `Decimal<10, 2>`; ",
        "Bool" | "boolean" | "Boolean" => "write `bool`; ",
        _ => "",
    }
}

/// A value: a literal, a known function call, or `sql("…")`.
pub(super) fn value(input: ParseStream) -> Result<(DefaultValue, Span)> {
    let span = input.span();
    if input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        let (v, _) = value(input)?;
        return match v {
            DefaultValue::Int(s) => Ok((DefaultValue::Int(format!("-{s}")), span)),
            DefaultValue::Float(s) => Ok((DefaultValue::Float(format!("-{s}")), span)),
            _ => Err(err(span, "`-` goes before a number")),
        };
    }
    if input.peek(syn::LitBool) {
        let b: syn::LitBool = input.parse()?;
        return Ok((DefaultValue::Bool(b.value), span));
    }
    if input.peek(LitInt) {
        let n: LitInt = input.parse()?;
        if !n.suffix().is_empty() {
            return Err(err(n.span(), format!("write the number without a suffix (`{}`)", n.base10_digits())));
        }
        return Ok((DefaultValue::Int(n.base10_digits().to_owned()), span));
    }
    if input.peek(syn::LitFloat) {
        let n: syn::LitFloat = input.parse()?;
        if !n.suffix().is_empty() {
            return Err(err(n.span(), format!("write the number without a suffix (`{}`)", n.base10_digits())));
        }
        return Ok((DefaultValue::Float(n.base10_digits().to_owned()), span));
    }
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        return Ok((DefaultValue::Text(s.value()), span));
    }
    let ident = input.call(Ident::parse_any).map_err(|e| {
        err(
            e.span(),
            "expected a value: a literal (`false`, `0`, `\"text\"`), a function (`now()`) or `sql(\"expression\")`",
        )
    })?;
    if matches!(ident.to_string().as_str(), "None" | "null" | "NULL" | "Null") {
        return Err(err(
            ident.span(),
            "a nullable column already defaults to NULL: leave out `= …` (and use `drop_default` to remove a default)",
        ));
    }
    if !input.peek(syn::token::Paren) {
        return Err(err(
            ident.span(),
            format!(
                "`{ident}` is not a value: write a literal (`false`, `0`, `\"text\"`), a function (`now()`) or `sql(\"expression\")`"
            ),
        ));
    }
    let content;
    parenthesized!(content in input);
    let text = ident.to_string();
    if text == "sql" {
        let s: LitStr = content.parse().map_err(|e| err(e.span(), "expected `sql(\"expression\")`"))?;
        if s.value().trim().is_empty() {
            return Err(err(s.span(), "the SQL expression is empty"));
        }
        return Ok((DefaultValue::Sql(s.value()), span));
    }
    if !content.is_empty() {
        return Err(err(content.span(), "default functions take no arguments"));
    }
    match DefaultFunction::from_name(&text) {
        Some(f) => Ok((DefaultValue::Function(f), span)),
        None => {
            let known: Vec<String> = DefaultFunction::ALL.iter().map(|f| format!("{}()", f.name())).collect();
            Err(err(
                ident.span(),
                format!(
                    "unknown function `{text}()`; known: {}; for anything else write `sql(\"{text}()\")`",
                    known.join(", ")
                ),
            ))
        }
    }
}

impl Builder {
    /// A column type: `bool`, `i64`, `Option<T>`, `Decimal<P, S>`, `Varchar<N>`, `Vec<u8>`, …
    pub(super) fn column_type(&mut self, input: ParseStream) -> Result<(ColumnType, bool, Span)> {
        let ident = input
            .call(Ident::parse_any)
            .map_err(|e| err(e.span(), "expected a column type, e.g. `i64`, `String`, `Option<bool>`"))?;
        let span = ident.span();
        let text = ident.to_string();
        let ty = match text.as_str() {
            "Option" => {
                input.parse::<Token![<]>()?;
                let (inner, nullable, inner_span) = self.column_type(input)?;
                input.parse::<Token![>]>()?;
                if nullable {
                    return Err(err(inner_span, "`Option<Option<…>>` is not a column type"));
                }
                return Ok((inner, true, span));
            }
            "bool" => ColumnType::Bool,
            "i16" => ColumnType::I16,
            "i32" => ColumnType::I32,
            "i64" => ColumnType::I64,
            "f32" => ColumnType::F32,
            "f64" => ColumnType::F64,
            "String" => ColumnType::Text,
            "Date" => ColumnType::Date,
            "Time" => ColumnType::Time,
            "Timestamp" => ColumnType::Timestamp,
            "TimestampTz" => ColumnType::TimestampTz,
            "Uuid" => ColumnType::Uuid,
            "Json" => ColumnType::Json,
            "Citext" => ColumnType::Citext,
            "Enum" => {
                input.parse::<Token![<]>()?;
                let n = name(input, "enum")?;
                input.parse::<Token![>]>()?;
                ColumnType::Enum(n.text)
            }
            "sql" if input.peek(syn::token::Paren) => {
                // A type the DSL has no name for, passed to the database as
                // written: `sql("char(36)")`, `sql("inet")`.
                let content;
                parenthesized!(content in input);
                let s: LitStr =
                    content.parse().map_err(|e| err(e.span(), "expected the SQL type as a string: `sql(\"inet\")`"))?;
                let text = s.value().split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
                if text.is_empty() {
                    return Err(err(s.span(), "the SQL type is empty"));
                }
                ColumnType::Sql(text)
            }
            "Decimal" => {
                input.parse::<Token![<]>()?;
                let p: LitInt = input.parse()?;
                input.parse::<Token![,]>()?;
                let s: LitInt = input.parse()?;
                input.parse::<Token![>]>()?;
                let (precision, scale): (u32, u32) = (p.base10_parse()?, s.base10_parse()?);
                if !(1..=1000).contains(&precision) {
                    return Err(err(p.span(), "decimal precision must be between 1 and 1000"));
                }
                if scale > precision {
                    return Err(err(s.span(), format!("decimal scale {scale} exceeds its precision {precision}")));
                }
                ColumnType::Decimal { precision, scale }
            }
            "Varchar" => {
                input.parse::<Token![<]>()?;
                let n: LitInt = input.parse()?;
                input.parse::<Token![>]>()?;
                let len: u32 = n.base10_parse()?;
                if !(1..=10_485_760).contains(&len) {
                    return Err(err(n.span(), "varchar length must be between 1 and 10485760"));
                }
                ColumnType::Varchar(len)
            }
            "Vec" => {
                input.parse::<Token![<]>()?;
                if input.peek(Ident) && input.fork().call(Ident::parse_any).is_ok_and(|i| i == "u8") {
                    input.call(Ident::parse_any)?;
                    input.parse::<Token![>]>()?;
                    return Ok((ColumnType::Bytes, false, span));
                }
                let (inner, nullable, inner_span) = self.column_type(input)?;
                input.parse::<Token![>]>()?;
                if nullable {
                    return Err(err(inner_span, "write the element type without `Option`: array elements may be NULL"));
                }
                if matches!(inner, ColumnType::Array(_) | ColumnType::Bytes) {
                    return Err(err(
                        inner_span,
                        "an array of arrays (or of bytes) is not a column type; store it as `Json`",
                    ));
                }
                ColumnType::Array(Box::new(inner))
            }
            _ => {
                // Skip generic arguments so the error stays on the name.
                if input.peek(Token![<]) {
                    let _ = input.step(|cursor| {
                        let mut depth = 0i32;
                        let mut rest = *cursor;
                        while let Some((tt, next)) = rest.token_tree() {
                            if let proc_macro2::TokenTree::Punct(p) = &tt {
                                match p.as_char() {
                                    '<' => depth += 1,
                                    '>' => {
                                        depth -= 1;
                                        if depth == 0 {
                                            return Ok(((), next));
                                        }
                                    }
                                    _ => {}
                                }
                            }
                            rest = next;
                        }
                        Ok(((), rest))
                    });
                }
                let rule = &rules::parse::UNKNOWN_TYPE;
                let suggestion = match suggest_type(&text) {
                    "" => {
                        did_you_mean(&text, COLUMN_TYPES).map(|t| format!("did you mean `{t}`? ")).unwrap_or_default()
                    }
                    known => known.to_owned(),
                };
                self.errors.push(err(
                    span,
                    format!(
                        "[{} {}] unknown column type `{text}`\n  = why: {}\n  = help: {suggestion}the column types are bool, i16, i32, i64, f32, f64, Decimal<P, S>, String, Varchar<N>, Citext, Vec<u8>, Date, Time, Timestamp, TimestampTz, Uuid, Json, Enum<name>, Vec<T> (an array), sql(\"type\"), and Option<T> for a nullable column",
                        rule.code, rule.name, rule.why
                    ),
                ));
                ColumnType::Text
            }
        };
        Ok((ty, false, span))
    }
}
