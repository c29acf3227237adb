//! Reading Rust sources as items (with syn): which functions a starter
//! leaves as TODO, the bodies of a reference's functions (to prove none
//! reaches a handout), and a copy of a crate with one function's body
//! replaced by a panic (to prove each TODO is covered by a case group).

use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

/// A function (free or in an impl) and its body as normalised tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnBody {
    /// The function's name.
    pub name: String,
    /// Its body, as a token string (whitespace and comments normalised away).
    pub body: String,
    /// Number of tokens in the body.
    pub tokens: usize,
}

struct Collect {
    found: Vec<FnBody>,
}

impl Collect {
    fn push(&mut self, name: &syn::Ident, block: &syn::Block) {
        let stream = block.to_token_stream();
        let tokens = count_tokens(stream.clone());
        self.found.push(FnBody {
            name: name.to_string(),
            body: stream.to_string(),
            tokens,
        });
    }
}

fn count_tokens(stream: proc_macro2::TokenStream) -> usize {
    stream
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => 1 + count_tokens(group.stream()),
            _ => 1,
        })
        .sum()
}

impl<'ast> Visit<'ast> for Collect {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.push(&item.sig.ident, &item.block);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.push(&item.sig.ident, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }
}

/// Every function body in `source`; `None` when it does not parse.
pub fn fn_bodies(source: &str) -> Option<Vec<FnBody>> {
    let file = syn::parse_file(source).ok()?;
    let mut collect = Collect { found: Vec::new() };
    collect.visit_file(&file);
    Some(collect.found)
}

/// Names of the functions whose body calls `todo!`.
pub fn todo_fns(source: &str) -> Option<Vec<String>> {
    Some(
        fn_bodies(source)?
            .into_iter()
            .filter(|f| f.body.contains("todo !"))
            .map(|f| f.name)
            .collect(),
    )
}

struct Replace<'a> {
    name: &'a str,
    body: syn::Block,
    replaced: usize,
}

impl VisitMut for Replace<'_> {
    fn visit_item_fn_mut(&mut self, item: &mut syn::ItemFn) {
        if item.sig.ident == self.name {
            *item.block = self.body.clone();
            self.replaced += 1;
        }
        syn::visit_mut::visit_item_fn_mut(self, item);
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        if item.sig.ident == self.name {
            item.block = self.body.clone();
            self.replaced += 1;
        }
        syn::visit_mut::visit_impl_item_fn_mut(self, item);
    }
}

/// `source` with the body of every function called `name` replaced by a
/// panic (what a TODO body does); `None` when it does not parse or has no
/// such function.
pub fn with_panicking_body(source: &str, name: &str) -> Option<String> {
    let mut file = syn::parse_file(source).ok()?;
    let mut replace = Replace {
        name,
        body: syn::parse_quote!({ panic!("not yet implemented: removed by grader verify") }),
        replaced: 0,
    };
    replace.visit_file_mut(&mut file);
    (replace.replaced > 0).then(|| file.to_token_stream().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real starters: the detector must find exactly their TODOs.
    const LAB02_STARTER: &str = include_str!("../../labs/02-cosine-similarity/src/lib.rs");
    const LAB04_PRECISION: &str = include_str!("../../labs/04-memory-calculator/src/precision.rs");

    #[test]
    fn the_starters_todo_functions_are_found_in_impls_too() {
        let lab02 = [
            "dot",
            "norm",
            "cosine_similarity",
            "l2_normalize",
            "top_k",
            "analogy",
        ];
        assert_eq!(todo_fns(LAB02_STARTER).unwrap(), lab02);
        assert_eq!(todo_fns(LAB04_PRECISION).unwrap(), ["bits"]);
    }

    #[test]
    fn a_body_can_be_replaced_by_a_panic() {
        let replaced = with_panicking_body(LAB04_PRECISION, "from_str").unwrap();
        let body = fn_bodies(&replaced)
            .unwrap()
            .into_iter()
            .find(|f| f.name == "from_str")
            .unwrap();
        assert!(body.body.contains("panic !"), "{}", body.body);
        assert_eq!(todo_fns(&replaced).unwrap(), ["bits"]);
        assert!(with_panicking_body(LAB04_PRECISION, "missing").is_none());
    }

    #[test]
    fn bodies_ignore_comments_and_whitespace() {
        let a = fn_bodies("fn f() { let x = 1; // why\n x }").unwrap();
        let b = fn_bodies("fn g() {\n    let x = 1;\n    x\n}").unwrap();
        assert_eq!(a[0].body, b[0].body);
        assert_eq!(a[0].tokens, 7);
    }
}
