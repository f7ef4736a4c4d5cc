//! Name handling used by the data migrations.

/// Splits a display name at its first space: "Ada Lovelace" becomes
/// ("Ada", "Lovelace"); a single word is a first name only.
pub fn split_display_name(display_name: Option<String>) -> (Option<String>, Option<String>) {
    match display_name.as_deref().map(str::trim).and_then(|n| n.split_once(' ')) {
        Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
        None => (display_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_display_name;

    #[test]
    fn splits_at_the_first_space() {
        let s = |n: &str| split_display_name(Some(n.to_owned()));
        assert_eq!(s("Ada Lovelace"), (Some("Ada".into()), Some("Lovelace".into())));
        assert_eq!(s("Plato"), (Some("Plato".into()), None));
        assert_eq!(s("Gabriel García Márquez"), (Some("Gabriel".into()), Some("García Márquez".into())));
        assert_eq!(split_display_name(None), (None, None));
    }
}
