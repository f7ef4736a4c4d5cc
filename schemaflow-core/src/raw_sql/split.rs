//! Statements cut out of a literal with the SQL tokenizer: a `;` ends a
//! statement only where the tokenizer sees one, not inside a string, a
//! quoted name, a comment or a dollar-quoted body.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// The statements of `sql`, each as written (trimmed, without its `;`),
/// skipping empty ones and ones that hold only comments.
pub fn split(sql: &str) -> Result<Vec<String>, String> {
    let tokens = tokens(sql)?;
    let offsets = LineStarts::new(sql);
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    // Inside a `CREATE …` statement, a body written `BEGIN … END` (a
    // SQLite trigger, a standard SQL function) holds statements of its
    // own: `;` ends the statement only outside it. `CASE … END` nests.
    let mut creates = false;
    let mut depth = 0usize;
    for t in &tokens {
        match &t.token {
            Token::SemiColon if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(sql[s..end].trim().to_owned());
                }
                creates = false;
            }
            Token::Whitespace(_) | Token::EOF => {}
            token => {
                if let Token::Word(w) = token {
                    let word = w.value.to_ascii_uppercase();
                    match word.as_str() {
                        "CREATE" if start.is_none() => creates = true,
                        "BEGIN" | "CASE" if creates => depth += 1,
                        "END" if creates => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                let from = offsets.byte(sql, t.span.start);
                start.get_or_insert(from);
                end = offsets.byte(sql, t.span.end);
            }
        }
    }
    if let Some(s) = start {
        out.push(sql[s..end].trim().to_owned());
    }
    Ok(out)
}

/// The first `n` words of a statement (keywords or names), upper-cased,
/// skipping comments: what a statement the parser cannot read is called.
pub fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let Ok(tokens) = tokens(sql) else { return Vec::new() };
    tokens
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.value.to_ascii_uppercase()),
            _ => None,
        })
        .take(n)
        .collect()
}

/// The tokens of `sql`, comments and spaces included.
pub(super) fn tokens(sql: &str) -> Result<Vec<TokenWithSpan>, String> {
    Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location().map_err(|e| e.to_string())
}

/// Byte offsets of the starts of lines, to turn the tokenizer's
/// (line, column) locations, counted in characters, into byte offsets.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(sql: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    fn byte(&self, sql: &str, at: Location) -> usize {
        let Some(&line_start) = self.0.get((at.line as usize).saturating_sub(1)) else { return sql.len() };
        let column = (at.column as usize).saturating_sub(1);
        sql[line_start..].char_indices().nth(column).map_or(sql.len(), |(i, _)| line_start + i)
    }
}
