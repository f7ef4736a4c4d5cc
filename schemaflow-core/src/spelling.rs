//! "Did you mean …": the known word closest to a misspelled one, for
//! keywords, types, and the names of tables, columns, indexes and
//! constraints.

/// The candidate closest to `word` when it is close enough to be a slip:
/// at most one edit in four letters, and two at most, ignoring case. Ties go
/// to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 4).clamp(1, 2);
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting an insertion, a deletion, a substitution or a
/// swap of two neighbouring letters as one edit (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn a_slip_finds_the_word_and_a_stranger_finds_nothing() {
        assert_eq!(closest("post", ["users", "posts", "comments"]), Some("posts"));
        assert_eq!(closest("Strng", ["bool", "String", "Uuid"]), Some("String"));
        assert_eq!(closest("emial", ["id", "email"]), Some("email"));
        assert_eq!(closest("orders", ["users", "posts"]), None);
        assert_eq!(closest("x", ["y"]), Some("y"), "one edit is a slip in a short word");
    }
}
