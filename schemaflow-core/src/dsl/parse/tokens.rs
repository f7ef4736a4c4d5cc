//! Token helpers shared by every construct: keywords, names, durations,
//! reasons, and the error recovery that skips a malformed step.

use super::*;

pub(super) fn err(span: Span, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(span, message)
}

pub(super) fn peek_keyword(input: ParseStream, keyword: &str) -> bool {
    input.cursor().ident().is_some_and(|(i, _)| i == keyword)
}

pub(super) fn keyword(input: ParseStream, keyword: &str) -> Result<Span> {
    let ident = input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected `{keyword}`")))?;
    if ident != keyword {
        return Err(err(ident.span(), format!("expected `{keyword}`, found `{ident}`")));
    }
    Ok(ident.span())
}

/// A lowercase SQL name: `[a-z_][a-z0-9_]*`, raw identifiers allowed (`r#type`).
pub(super) fn name(input: ParseStream, what: &str) -> Result<Name> {
    let ident = input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected {what} name")))?;
    let text = ident.to_string();
    let text = text.strip_prefix("r#").unwrap_or(&text).to_owned();
    let valid = text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(err(
            ident.span(),
            format!(
                "{what} name `{text}` must be lowercase snake_case ASCII: PostgreSQL folds unquoted names to lowercase, so any other spelling must be quoted in every query"
            ),
        ));
    }
    Ok(Name { text, span: ident.span() })
}

pub(super) fn name_list(input: ParseStream, what: &str) -> Result<Vec<Name>> {
    let content;
    let paren = parenthesized!(content in input);
    let mut list = Vec::new();
    while !content.is_empty() {
        list.push(name(&content, what)?);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if list.is_empty() {
        return Err(err(paren.span.join(), format!("expected at least one {what} name")));
    }
    Ok(list)
}

pub(super) fn texts(names: &[Name]) -> Vec<String> {
    names.iter().map(|n| n.text.clone()).collect()
}

/// The word of `candidates` (a comma-separated list) closest to `word`, when
/// it is close enough to be a slip (see [`crate::spelling::closest`]).
pub(super) fn did_you_mean<'a>(word: &str, candidates: &'a str) -> Option<&'a str> {
    crate::spelling::closest(word, candidates.split(", "))
}

/// Top-level operation keywords, where parsing resumes after an error.
pub(super) const RESUME_AT: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "alter_table",
    "create_index",
    "drop_index",
    "backfill",
    "delete_rows",
    "copy_rows",
    "create_extension",
    "create_enum",
    "alter_enum",
    "drop_enum",
    "deploy_boundary",
    "sql",
    "online_change",
    "down",
    "irreversible",
];

/// Error recovery: skips the rest of a malformed step, up to and including
/// the next `;`, or up to the next operation keyword (not a call such as
/// `sql(…)`), so that the steps after it are still checked.
pub(super) fn skip_step(input: ParseStream, progressed: bool) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        // Without progress, resuming at the current keyword would loop.
        let mut first = !progressed;
        while let Some((tt, next)) = rest.token_tree() {
            match &tt {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ';' => return Ok(((), next)),
                proc_macro2::TokenTree::Ident(i) if !first && RESUME_AT.iter().any(|k| i == k) => {
                    let next_group = match next.token_tree() {
                        Some((proc_macro2::TokenTree::Group(g), _)) => Some(g.delimiter()),
                        _ => None,
                    };
                    // `sql("…")` is a value and a step's own `down "…"` is not
                    // a block: only resume at a real step.
                    let resumes = if i == "down" {
                        next_group == Some(proc_macro2::Delimiter::Brace)
                    } else {
                        next_group != Some(proc_macro2::Delimiter::Parenthesis)
                    };
                    if resumes {
                        return Ok(((), rest));
                    }
                }
                _ => {}
            }
            first = false;
            rest = next;
        }
        Ok(((), rest))
    });
}

/// A duration literal: `500ms`, `5s` or `2min`, in milliseconds.
pub(super) fn duration_ms(input: ParseStream) -> Result<u64> {
    let n: LitInt = input.parse().map_err(|e| err(e.span(), "expected a duration: `500ms`, `5s` or `2min`"))?;
    let amount: u64 = n.base10_parse()?;
    match n.suffix() {
        "ms" => Ok(amount),
        "s" => Ok(amount.saturating_mul(1000)),
        "min" => Ok(amount.saturating_mul(60_000)),
        _ => Err(err(n.span(), "write the duration with its unit: `500ms`, `5s` or `2min`")),
    }
}

pub(super) fn reason(input: ParseStream, span: Span, what: &str) -> Result<String> {
    let r: LitStr = input
        .parse()
        .map_err(|_| err(span, format!("`{what}` needs a reason: `{what} \"why there is no way back\"`")))?;
    if r.value().trim().is_empty() {
        return Err(err(r.span(), "the reason must say why"));
    }
    Ok(r.value())
}

/// A Rust function's path, `name` or `path::to::name`, and where its first
/// segment is written.
pub(super) fn function_path(input: ParseStream) -> Result<(String, Span)> {
    let first = input.call(Ident::parse_any)?;
    let span = first.span();
    let mut path = vec![first.to_string()];
    while input.peek(Token![::]) {
        input.parse::<Token![::]>()?;
        path.push(input.call(Ident::parse_any)?.to_string());
    }
    Ok((path.join("::"), span))
}
