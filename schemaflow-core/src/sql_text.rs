//! The little the model needs to know about SQL text it keeps as written
//! (checks, predicates, index keys): the words outside quotes, so a column
//! rename reaches the checks that name it. Raw SQL statements are read by
//! the SQL parser instead (see `raw_sql`).

/// The inside of parentheses that wrap all of `sql` (`(a > 0)` → `a > 0`),
/// or `None` when it has none (`(a) OR (b)` is not wrapped). Parentheses in
/// string literals do not count.
pub fn enclosed(sql: &str) -> Option<&str> {
    let inner = sql.strip_prefix('(')?.strip_suffix(')')?;
    let mut depth = 0i32;
    let mut quoted = false;
    for c in inner.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    (depth == 0).then_some(inner)
}

/// Calls `f` with each word (an identifier or keyword, or the text of a
/// quoted identifier) outside string literals, comments and dollar-quoted
/// bodies, with its byte range.
fn words(sql: &str, f: impl FnMut(std::ops::Range<usize>)) {
    words_in(sql, false, f)
}

/// [`words`], reading dollar-quoted bodies (a function's code) as SQL
/// too when `into_bodies`.
fn words_in(sql: &str, into_bodies: bool, mut f: impl FnMut(std::ops::Range<usize>)) {
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            i = skip_quoted(bytes, i, c);
        } else if c == b'"' {
            // A quoted identifier is a word too: its text between the quotes.
            let end = skip_quoted(bytes, i, c);
            if end > i + 1 && bytes[end - 1] == b'"' {
                f(i + 1..end - 1);
            }
            i = end;
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if c == b'$'
            && into_bodies
            && let Some(tag_len) = sql[i + 1..].find('$')
            && sql[i + 1..i + 1 + tag_len].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            // The body's delimiter; what it encloses is read as code.
            i += tag_len + 2;
        } else if c == b'$'
            && let Some(end) = dollar_end(sql, i)
        {
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            f(start..i);
        } else {
            i += 1;
        }
    }
}

fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// For `$tag$…$tag$` starting at `start`, the index after its end.
fn dollar_end(sql: &str, start: usize) -> Option<usize> {
    let rest = &sql[start + 1..];
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    if !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let delimiter = format!("${tag}$");
    let body_start = start + delimiter.len();
    let close = sql[body_start..].find(&delimiter)?;
    Some(body_start + close + delimiter.len())
}

/// Whether `sql` uses `name` as a word (case-insensitive, outside quotes).
pub fn mentions(sql: &str, name: &str) -> bool {
    let mut found = false;
    words(sql, |r| found |= sql[r].eq_ignore_ascii_case(name));
    found
}

/// Whether `sql` uses `name` as a word, reading the bodies of functions
/// (dollar-quoted) as code too.
pub fn mentions_in_code(sql: &str, name: &str) -> bool {
    let mut found = false;
    words_in(sql, true, |r| found |= sql[r].eq_ignore_ascii_case(name));
    found
}

/// `sql` with every word `from` replaced by `to`.
pub fn rename(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    words(sql, |r| {
        if sql[r.clone()].eq_ignore_ascii_case(from) {
            out.push_str(&sql[last..r.start]);
            out.push_str(to);
            last = r.end;
        }
    });
    out.push_str(&sql[last..]);
    out
}

/// Whether a stored column default is NULL, through any casts
/// (`NULL::character varying`, `(NULL)::integer`): an explicit `DEFAULT
/// NULL`, which the databases keep and the model calls no default.
pub fn is_null_default(default: &str) -> bool {
    let bare = default.split("::").next().unwrap_or_default().trim().trim_matches(['(', ')']).trim();
    bare.eq_ignore_ascii_case("null")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_null_default_is_no_default() {
        assert!(is_null_default("NULL::character varying"));
        assert!(is_null_default("(NULL)::integer"));
        assert!(is_null_default("NULL"));
        assert!(!is_null_default("'NULL'::text"));
        assert!(!is_null_default("nullif(a, b)"));
    }

    #[test]
    fn only_enclosing_parentheses_are_unwrapped() {
        assert_eq!(enclosed("('')"), Some("''"));
        assert_eq!(enclosed("(lower('a') || 'b')"), Some("lower('a') || 'b'"));
        assert_eq!(enclosed("('a') || ('b')"), None);
        assert_eq!(enclosed("(')')"), Some("')'"));
        assert_eq!(enclosed("now()"), None);
    }

    #[test]
    fn renames_words_outside_quotes_only() {
        assert_eq!(
            rename("qty > 0 AND qty_max > qty AND note <> 'qty'", "qty", "n"),
            "n > 0 AND qty_max > n AND note <> 'qty'"
        );
        assert!(mentions("length(\"body\") > 0 OR body IS NULL", "body"));
        assert_eq!(rename("\"qty\" > 0", "qty", "n"), "\"n\" > 0");
        assert!(!mentions("'age' = x", "age"));
    }
}
