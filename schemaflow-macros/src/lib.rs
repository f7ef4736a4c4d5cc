//! The proc-macros of schemaflow: a thin shell over `schemaflow_core::dsl`.
//! Tokens in, model out (checked by the core rules), model back out as
//! tokens that rebuild it at run time.

#![warn(missing_docs)]

use proc_macro::TokenStream;
use quote::quote;

use schemaflow_core::dsl::{self, Invocation};

/// One migration: `schemaflow::migration! { create_table users { … } }`.
///
/// Checked at compile time against the earlier migrations of the same
/// directory. Expands to `pub fn migration() -> schemaflow::Migration`.
#[proc_macro]
pub fn migration(input: TokenStream) -> TokenStream {
    let file = proc_macro::Span::call_site().local_file();
    // The crate's targets, from the `Cargo.toml` that owns the file (the
    // one the history loader reads too), else the crate being compiled.
    let targets = match file.as_deref().map_or_else(dsl::crate_targets, dsl::targets_of) {
        Ok(targets) => targets,
        Err(why) => {
            let message = format!("[package.metadata.schemaflow]: {why}");
            return quote!(::core::compile_error!(#message);).into();
        }
    };
    let invocation = Invocation { file, targets };
    match dsl::check_migration(input.into(), &invocation) {
        Ok(checked) => {
            let migration = expand_migration(&checked.migration, &checked.transforms);
            let warnings = checked.warnings.iter().enumerate().map(|(i, (span, text))| warning(i, *span, text));
            quote!(#migration #(#warnings)*).into()
        }
        Err(errors) => {
            let errors = errors.to_compile_error();
            // Keep `migration()` defined so the embedding compiles and only
            // the real errors show.
            quote! {
                #errors
                #[doc(hidden)]
                pub fn migration() -> ::schemaflow::Migration {
                    ::core::unreachable!()
                }
            }
            .into()
        }
    }
}

/// Stable Rust has no proc-macro warnings; a deprecated item used at the
/// offending token makes the compiler show the advice there, as a warning.
fn warning(index: usize, span: proc_macro2::Span, text: &str) -> proc_macro2::TokenStream {
    let name = quote::format_ident!("schemaflow_advice_{}", index);
    let used = quote::format_ident!("schemaflow_advice_{}", index, span = span);
    let usage = quote::quote_spanned!(span=> const _: () = #used;);
    quote! {
        #[deprecated(note = #text)]
        #[allow(non_upper_case_globals)]
        #[doc(hidden)]
        const #name: () = ();
        #usage
    }
}

/// Registers a transform: a wrapper that converts the row's values to the
/// Rust types the replayed schema gives its input columns, calls the
/// function (so rustc checks its signature against the schema) and
/// converts the result to values for the output columns.
fn register_transform(t: &dsl::TransformSignature) -> proc_macro2::TokenStream {
    let span = t.span;
    let parse = |text: &str| -> proc_macro2::TokenStream {
        let tokens: proc_macro2::TokenStream = text.parse().unwrap_or_default();
        tokens
            .into_iter()
            .map(|mut tt| {
                tt.set_span(span);
                tt
            })
            .collect()
    };
    let function = parse(&t.function);
    let path = &t.function;
    let args: Vec<proc_macro2::Ident> =
        (0..t.inputs.len()).map(|i| quote::format_ident!("input_{}", i, span = span)).collect();
    let input_types: Vec<proc_macro2::TokenStream> = t.inputs.iter().map(|ty| parse(ty)).collect();
    let output_types: Vec<proc_macro2::TokenStream> = t.outputs.iter().map(|ty| parse(ty)).collect();
    let output = quote::format_ident!("output", span = span);
    let (declared, values) = if output_types.len() == 1 {
        let ty = &output_types[0];
        (quote!(#ty), quote!(::std::vec![::schemaflow::transform::IntoValue::into_value(#output)]))
    } else {
        let fields = (0..output_types.len()).map(proc_macro2::Literal::usize_unsuffixed);
        (
            quote!((#(#output_types,)*)),
            quote!(::std::vec![#(::schemaflow::transform::IntoValue::into_value(#output.#fields)),*]),
        )
    };
    // The function, coerced to the exact signature the schema gives it:
    // a mismatch is one error at the function's path, "expected fn pointer
    // `fn(Option<String>) -> …`", rather than rustc's advice about the
    // generated call.
    let typed = quote::format_ident!("function", span = span);
    let signature = quote::quote_spanned!(span=> fn(#(#input_types),*) -> #declared);
    let bind = quote::quote_spanned!(span=> let #typed: #signature = #function;);
    let call = quote::quote_spanned!(span=> #typed(#(#args),*));
    quote! {
        migration.transforms.register(#path, ::std::sync::Arc::new(|row: ::std::vec::Vec<::schemaflow::transform::Value>| {
            #bind
            let mut row = row.into_iter();
            #(
                let #args: #input_types = ::schemaflow::transform::FromValue::from_value(
                    row.next().unwrap_or(::schemaflow::transform::Value::Null),
                )?;
            )*
            let #output: #declared = #call;
            ::std::result::Result::Ok(#values)
        }));
    }
}

fn expand_migration(
    migration: &schemaflow_core::Migration,
    transforms: &[dsl::TransformSignature],
) -> proc_macro2::TokenStream {
    let json = match serde_json::to_string(migration) {
        Ok(json) => json,
        Err(e) => {
            let message = format!("schemaflow could not encode the migration: {e}");
            return quote!(::core::compile_error!(#message););
        }
    };
    let registrations = transforms.iter().map(register_transform);
    quote! {
        /// This file's migration, as checked at compile time.
        pub fn migration() -> ::schemaflow::Migration {
            #[allow(unused_mut)]
            let mut migration = ::schemaflow::Migration::from_embedded(#json);
            #(#registrations)*
            migration
        }
    }
}

/// Embeds every migration of a directory (default `migrations`, relative
/// to the crate's `Cargo.toml`): `schemaflow::embed_migrations!();` or
/// `schemaflow::embed_migrations!("db/migrations");`.
///
/// Expands to one module per file and `pub fn migrations() ->
/// Vec<schemaflow::Migration>` in version order. Pair it with a `build.rs`
/// containing `println!("cargo:rerun-if-changed=migrations");` so that a new
/// file is picked up by the next `cargo build`.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    let span = proc_macro2::Span::call_site();
    let relative = if input.is_empty() {
        "migrations".to_owned()
    } else {
        match syn::parse2::<syn::LitStr>(input) {
            Ok(lit) => lit.value(),
            Err(e) => return e.to_compile_error().into(),
        }
    };
    let Ok(manifest_dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return quote!(::core::compile_error!("embed_migrations! needs CARGO_MANIFEST_DIR: build with cargo");).into();
    };
    let dir = std::path::Path::new(&manifest_dir).join(&relative);
    let files = match dsl::embed_directory(&dir, span) {
        Ok(files) => files,
        Err(e) => return e.to_compile_error().into(),
    };
    let modules = files.iter().map(|f| {
        let module = quote::format_ident!("m{}_{}", f.version, f.name);
        let path = f.path.to_string_lossy().into_owned();
        quote! {
            #[doc(hidden)]
            #[path = #path]
            pub mod #module;
        }
    });
    let calls = files.iter().map(|f| {
        let module = quote::format_ident!("m{}_{}", f.version, f.name);
        quote!(#module::migration())
    });
    quote! {
        #[doc(hidden)]
        pub mod __schemaflow_migrations {
            #(#modules)*
        }
        /// Every migration of the crate, in version order.
        pub fn migrations() -> ::std::vec::Vec<::schemaflow::Migration> {
            use __schemaflow_migrations::*;
            ::std::vec![#(#calls),*]
        }
    }
    .into()
}
