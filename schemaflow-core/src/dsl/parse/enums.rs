//! Enum types: `create_enum`, `alter_enum … add_value` and `drop_enum`.

use super::*;

/// One enum value: a name (`active`) or a string literal (`"on hold"`).
fn enum_value(input: ParseStream) -> Result<Name> {
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        if s.value().is_empty() {
            return Err(err(s.span(), "an enum value cannot be empty"));
        }
        if s.value().len() > 63 {
            return Err(err(s.span(), "PostgreSQL keeps enum values of at most 63 bytes"));
        }
        return Ok(Name { text: s.value(), span: s.span() });
    }
    let ident = input
        .call(Ident::parse_any)
        .map_err(|e| err(e.span(), "expected an enum value: a name (`active`) or a string (`\"on hold\"`)"))?;
    let text = ident.to_string();
    Ok(Name { text: text.strip_prefix("r#").unwrap_or(&text).to_owned(), span: ident.span() })
}

impl Builder {
    /// `create_enum name { a, b, "c d" }`.
    pub(super) fn create_enum(&mut self, input: ParseStream, steps: &mut Vec<Step>, span: Span) -> Result<()> {
        let n = name(input, "enum")?;
        let content;
        let brace = braced!(content in input);
        let mut values: Vec<Name> = Vec::new();
        while !content.is_empty() {
            let v = enum_value(&content)?;
            if values.iter().any(|w| w.text == v.text) {
                return Err(err(v.span, format!("enum `{}` lists `{}` twice", n.text, v.text)));
            }
            values.push(v);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if values.is_empty() {
            return Err(err(brace.span.join(), format!("enum `{}` needs at least one value", n.text)));
        }
        let i = steps.len();
        self.mark(i, Part::Op, span);
        self.mark(i, Part::Name, n.span);
        for v in &values {
            self.mark(i, Part::Column(v.text.clone()), v.span);
        }
        steps.push(Step::new(Op::CreateEnum { name: n.text, values: values.into_iter().map(|v| v.text).collect() }));
        Ok(())
    }

    /// `alter_enum name add_value v [before | after w]`.
    pub(super) fn alter_enum(&mut self, input: ParseStream, steps: &mut Vec<Step>, span: Span) -> Result<()> {
        let n = name(input, "enum")?;
        if !peek_keyword(input, "add_value") {
            return Err(err(
                input.span(),
                "expected `add_value`: `alter_enum mood add_value \"meh\" after \"ok\"` (PostgreSQL can add a value to an enum, not remove or reorder one)",
            ));
        }
        keyword(input, "add_value")?;
        let value = enum_value(input)?;
        let i = steps.len();
        self.mark(i, Part::Op, span);
        self.mark(i, Part::Name, n.span);
        self.mark(i, Part::Column(value.text.clone()), value.span);
        let position = if peek_keyword(input, "before") || peek_keyword(input, "after") {
            let before = peek_keyword(input, "before");
            input.call(Ident::parse_any)?;
            let neighbour = enum_value(input)?;
            self.mark(i, Part::Column(neighbour.text.clone()), neighbour.span);
            Some((before, neighbour.text))
        } else {
            None
        };
        steps.push(Step::new(Op::AddEnumValue { name: n.text, value: value.text, position }));
        Ok(())
    }

    /// `drop_enum name`.
    pub(super) fn drop_enum(&mut self, input: ParseStream, steps: &mut Vec<Step>, span: Span) -> Result<()> {
        let n = name(input, "enum")?;
        let i = steps.len();
        self.mark(i, Part::Op, span);
        self.mark(i, Part::Name, n.span);
        steps.push(Step::new(Op::DropEnum { name: n.text, if_exists: false }));
        Ok(())
    }
}
