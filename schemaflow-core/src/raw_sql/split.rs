//! Statements cut out of a literal with the SQL tokenizer: a `;` ends a
//! statement only where the tokenizer sees one, not inside a string, a
//! quoted name, a comment or a dollar-quoted body.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// The statements of `sql`, each as written (trimmed, without its `;`),
/// skipping empty ones and ones that hold only comments.
pub fn split(sql: &str) -> Result<Vec<String>, String> {
    Ok(pieces(sql)?.into_iter().map(|p| p.text).collect())
}

/// A statement cut out of a literal: its text, and its tokens as
/// PostgreSQL's tokenizer read them (so the parser need not read it again).
pub(super) struct Piece {
    /// The statement as written, trimmed, without its `;`.
    pub text: String,
    /// Its tokens, from the first to the last that is not a space or a comment.
    pub tokens: Vec<TokenWithSpan>,
}

/// The statements of `sql` with their tokens (see [`split`]).
pub(super) fn pieces(sql: &str) -> Result<Vec<Piece>, String> {
    let tokens = tokens(sql)?;
    let mut offsets = Offsets::new(sql);
    // Each statement's token range and byte range.
    let mut ranges: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    let mut end = (0, 0);
    // Inside a `CREATE …` statement, a body written `BEGIN … END` (a
    // SQLite trigger, a standard SQL function) holds statements of its
    // own: `;` ends the statement only outside it. `CASE … END` nests.
    let mut creates = false;
    let mut depth = 0usize;
    for (index, t) in tokens.iter().enumerate() {
        match &t.token {
            Token::SemiColon if depth == 0 => {
                if let Some((first, from)) = start.take() {
                    ranges.push((first..end.0, from..end.1));
                }
                creates = false;
            }
            Token::Whitespace(_) | Token::EOF => {}
            token => {
                if let Token::Word(w) = token {
                    if w.value.eq_ignore_ascii_case("CREATE") && start.is_none() {
                        creates = true;
                    } else if creates && (w.value.eq_ignore_ascii_case("BEGIN") || w.value.eq_ignore_ascii_case("CASE"))
                    {
                        depth += 1;
                    } else if creates && w.value.eq_ignore_ascii_case("END") {
                        depth = depth.saturating_sub(1);
                    }
                }
                if start.is_none() {
                    start = Some((index, offsets.byte(t.span.start)));
                }
                end = (index + 1, offsets.byte(t.span.end));
            }
        }
    }
    if let Some((first, from)) = start {
        ranges.push((first..end.0, from..end.1));
    }
    let mut tokens = tokens.into_iter().enumerate();
    Ok(ranges
        .into_iter()
        .map(|(token_range, bytes)| {
            let statement_tokens =
                tokens.by_ref().skip_while(|(i, _)| *i < token_range.start).take_while(|(i, _)| *i < token_range.end);
            let statement_tokens = statement_tokens.map(|(_, t)| t).collect();
            Piece { text: sql[bytes].trim().to_owned(), tokens: statement_tokens }
        })
        .collect())
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

/// Turns the tokenizer's (line, column) locations, counted in characters,
/// into byte offsets. Tokens come in order, so each lookup walks on from
/// the previous one: linear in the text, also for a long single line.
struct Offsets<'a> {
    sql: &'a str,
    line_starts: Vec<usize>,
    /// The last location looked up, and its byte offset.
    last: (u64, u64, usize),
}

impl<'a> Offsets<'a> {
    fn new(sql: &'a str) -> Offsets<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        Offsets { sql, line_starts, last: (1, 1, 0) }
    }

    fn byte(&mut self, at: Location) -> usize {
        let (line, column, byte) = self.last;
        let (from_column, from_byte) = if at.line == line && at.column >= column {
            (column, byte)
        } else {
            match self.line_starts.get((at.line as usize).saturating_sub(1)) {
                Some(&start) => (1, start),
                None => return self.sql.len(),
            }
        };
        let steps = (at.column.saturating_sub(from_column)) as usize;
        let offset = self.sql[from_byte..].char_indices().nth(steps).map_or(self.sql.len(), |(i, _)| from_byte + i);
        self.last = (at.line, at.column, offset);
        offset
    }
}
