//! Parsing and validating the arguments of `#[smoke_test(...)]`, `#[smoke_suite(...)]`
//! and `#[smoke(...)]`.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::duration::parse_duration;
use crate::errors::Errors;

/// Which attribute the arguments belong to; each accepts a slightly different set.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// `#[smoke_test(...)]`.
    Test,
    /// `#[smoke_suite(...)]`: defaults for every test of the suite.
    Suite,
    /// `#[smoke(...)]` on a `test_*` method of a suite.
    Method,
}

impl Site {
    fn attribute(self) -> &'static str {
        match self {
            Site::Test => "#[smoke_test]",
            Site::Suite => "#[smoke_suite]",
            Site::Method => "#[smoke]",
        }
    }

    fn accepted(self) -> &'static str {
        match self {
            Site::Test | Site::Suite => {
                "`name = \"...\"`, `timeout = \"2s\"`, `tags(\"db\", ...)`, `skip = \"reason\"`, \
                 `serial`, `requires(test, ...)`, `fail_after = 3`, `pass_after = 2`, \
                 `fail_after_duration = \"30s\"`, `crate = path`"
            }
            Site::Method => {
                "`name = \"...\"`, `timeout = \"2s\"`, `tags(\"db\", ...)`, `skip = \"reason\"`, \
                 `serial`, `requires(test, ...)`, `fail_after = 3`, `pass_after = 2`, \
                 `fail_after_duration = \"30s\"`"
            }
        }
    }
}

/// The arguments, validated.
#[derive(Default)]
pub struct Args {
    /// `crate = path`.
    pub krate: Option<syn::Path>,
    /// `name = "..."`.
    pub name: Option<LitStr>,
    /// `timeout = "..."`, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// `tags(...)`.
    pub tags: Vec<LitStr>,
    /// `skip = "reason"`.
    pub skip: Option<LitStr>,
    /// `serial`.
    pub serial: bool,
    /// `requires(path, ...)`: the paths of the prerequisite test functions.
    pub requires: Vec<syn::Path>,
    /// `fail_after = N`: failing runs in a row before the test is reported failing.
    pub fail_after: Option<u64>,
    /// `pass_after = N`: passing runs in a row before it is reported passing again.
    pub pass_after: Option<u64>,
    /// `fail_after_duration = "..."`, in milliseconds: how long failing before it is
    /// reported failing.
    pub fail_after_duration_ms: Option<u64>,
}

/// Parses `tokens` (what is inside the attribute's parentheses), adding every problem to
/// `errors` and going on with the next argument.
pub fn parse_args(tokens: TokenStream, site: Site, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = |input: ParseStream| {
        parse_all(input, site, &mut args, errors);
        Ok(())
    };
    // `parse_all` never fails: it reports into `errors` and skips to the next comma.
    let _ = parser.parse2(tokens);
    args
}

fn parse_all(input: ParseStream, site: Site, args: &mut Args, errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    while !input.is_empty() {
        if let Err(e) = parse_one(input, site, args, &mut seen) {
            errors.push(e);
            skip_to_comma(input);
        }
        if input.is_empty() {
            break;
        }
        if let Err(e) = input.parse::<Token![,]>() {
            errors.push(syn::Error::new(e.span(), "expected `,` between arguments"));
            skip_to_comma(input);
            let _ = input.parse::<Option<Token![,]>>();
        }
    }
}

fn skip_to_comma(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if let TokenTree::Punct(p) = &tt {
                if p.as_char() == ',' {
                    return Ok(((), rest));
                }
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

fn parse_one(
    input: ParseStream,
    site: Site,
    args: &mut Args,
    seen: &mut Vec<String>,
) -> syn::Result<()> {
    if !input.peek(Ident::peek_any) {
        let span = input.span();
        return Err(syn::Error::new(
            span,
            format!(
                "expected an argument such as `timeout = \"2s\"`; {} takes {}",
                site.attribute(),
                site.accepted()
            ),
        ));
    }
    let key = Ident::parse_any(input)?;
    let name = key.to_string();
    if seen.contains(&name) {
        return Err(syn::Error::new(
            key.span(),
            format!("`{name}` is given twice; keep one"),
        ));
    }
    seen.push(name.clone());
    match name.as_str() {
        "name" => {
            let lit = string_value(input, &key, "name = \"users_readable\"")?;
            if lit.value().trim().is_empty() {
                return Err(syn::Error::new(lit.span(), "the name must not be empty"));
            }
            if lit.value().contains("::") {
                return Err(syn::Error::new(
                    lit.span(),
                    "the name must not contain `::`: the module path is added to it",
                ));
            }
            args.name = Some(lit);
        }
        "timeout" => {
            let zero = "a zero timeout would time the test out before it starts";
            args.timeout_ms = Some(duration_value(input, &key, "2s", zero)?);
        }
        "fail_after_duration" => {
            let zero = "a zero duration would report every failure at once (as \
                        `fail_after = 1` does)";
            args.fail_after_duration_ms = Some(duration_value(input, &key, "30s", zero)?);
        }
        "skip" => {
            let lit = string_value(input, &key, "skip = \"why it is skipped\"")?;
            if lit.value().trim().is_empty() {
                return Err(syn::Error::new(
                    lit.span(),
                    "give the reason the test is skipped: `skip = \"needs the staging bucket\"`",
                ));
            }
            args.skip = Some(lit);
        }
        "tags" => {
            if input.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span(),
                    "write the tags in parentheses: `tags(\"db\", \"readiness\")`",
                ));
            }
            if !input.peek(syn::token::Paren) {
                return Err(syn::Error::new(
                    key.span(),
                    "`tags` needs a list of strings: `tags(\"db\", \"readiness\")`",
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            let tags = content
                .parse_terminated(|i: ParseStream| i.parse::<LitStr>(), Token![,])
                .map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "each tag is a string literal: `tags(\"db\", \"readiness\")`",
                    )
                })?;
            if tags.is_empty() {
                return Err(syn::Error::new(
                    key.span(),
                    "`tags()` is empty: name at least one, as in `tags(\"db\")`, or leave `tags` out",
                ));
            }
            for tag in tags {
                let value = tag.value();
                if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c == ',') {
                    return Err(syn::Error::new(
                        tag.span(),
                        "a tag is one word, without spaces or commas, as in `\"db\"`",
                    ));
                }
                args.tags.push(tag);
            }
        }
        "requires" => {
            if !input.peek(syn::token::Paren) {
                return Err(syn::Error::new(
                    key.span(),
                    "write the prerequisites in parentheses, as paths to their test \
                     functions: `requires(db_reachable, crate::net::dns_resolves)`",
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            let paths = content
                .parse_terminated(syn::Path::parse_mod_style, Token![,])
                .map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "each prerequisite is the path to a #[smoke_test] function: \
                         `requires(db_reachable, crate::net::dns_resolves)`",
                    )
                })?;
            if paths.is_empty() {
                return Err(syn::Error::new(
                    key.span(),
                    "`requires()` is empty: name at least one prerequisite test, as in \
                     `requires(db_reachable)`, or leave `requires` out",
                ));
            }
            args.requires.extend(paths);
        }
        "fail_after" => args.fail_after = Some(runs_value(input, &key)?),
        "pass_after" => args.pass_after = Some(runs_value(input, &key)?),
        "serial" => {
            if input.peek(Token![=]) || input.peek(syn::token::Paren) {
                return Err(syn::Error::new(
                    key.span(),
                    "`serial` takes no value: write `serial` alone",
                ));
            }
            args.serial = true;
        }
        "crate" if site != Site::Method => {
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span(),
                    "write the path to smoke_runtime: `crate = my_crate::smoke`",
                ));
            }
            input.parse::<Token![=]>()?;
            let path = if input.peek(LitStr) {
                let lit: LitStr = input.parse()?;
                lit.parse_with(syn::Path::parse_mod_style)?
            } else {
                syn::Path::parse_mod_style(input).map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected a path to smoke_runtime: `crate = my_crate::smoke`",
                    )
                })?
            };
            args.krate = Some(path);
        }
        "crate" => {
            return Err(syn::Error::new(
                key.span(),
                "`crate = ...` goes on the #[smoke_suite] attribute, not on a method",
            ))
        }
        other => {
            let hint = match other {
                "tag" => " (did you mean `tags(\"...\")`?)",
                "ignore" | "ignored" | "skipped" => " (did you mean `skip = \"reason\"`?)",
                "timeout_ms" | "time_limit" | "deadline" => " (did you mean `timeout = \"...\"`?)",
                "sequential" | "exclusive" => " (did you mean `serial`?)",
                "require" | "depends" | "depends_on" | "after" | "needs" => {
                    " (did you mean `requires(...)`?)"
                }
                _ => "",
            };
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "unknown argument `{other}`{hint}; {} takes {}",
                    site.attribute(),
                    site.accepted()
                ),
            ));
        }
    }
    Ok(())
}

/// `= N` after `key`: a count of runs, at least 1.
fn runs_value(input: ParseStream, key: &Ident) -> syn::Result<u64> {
    let example = format!("{key} = 3");
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}` needs a number of runs: `{example}`"),
        ));
    }
    input.parse::<Token![=]>()?;
    let lit: syn::LitInt = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a whole number of runs: `{example}`"),
        )
    })?;
    match lit.base10_parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(syn::Error::new(
            lit.span(),
            format!("`{key}` is a number of runs, at least 1: `{example}`"),
        )),
    }
}

/// `= "1m30s"` after `key`: a duration in milliseconds, not zero (`zero` says why).
fn duration_value(input: ParseStream, key: &Ident, example: &str, zero: &str) -> syn::Result<u64> {
    let lit = string_value(input, key, &format!("{key} = \"{example}\""))?;
    let invalid = |why: &str| {
        syn::Error::new(
            lit.span(),
            format!(
                "invalid {key} {:?}: {why}; write a number and a unit (`ms`, `s`, `m`, `h`), \
                 as in `{key} = \"250ms\"`, `\"2s\"`, `\"1m30s\"`",
                lit.value()
            ),
        )
    };
    match parse_duration(&lit.value()) {
        Ok(0) => Err(invalid(zero)),
        Ok(ms) => Ok(ms),
        Err(why) => Err(invalid(&why)),
    }
}

/// `= "..."` after `key`.
fn string_value(input: ParseStream, key: &Ident, example: &str) -> syn::Result<LitStr> {
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}` needs a value: `{example}`"),
        ));
    }
    input.parse::<Token![=]>()?;
    if input.peek(LitStr) {
        return input.parse();
    }
    let span = if input.is_empty() {
        key.span()
    } else {
        input.span()
    };
    Err(syn::Error::new(
        span,
        format!("`{key}` takes a string literal: `{example}`"),
    ))
}
