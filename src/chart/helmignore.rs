//! `.helmignore` of a chart directory, as Helm 4 applies it when it loads a directory: the rules
//! of the top chart's file cover the whole tree (subchart directories under `charts/` included,
//! their own `.helmignore` is not read), plus Helm's default rule `templates/.?*`. An ignored
//! directory hides everything below it. Rules, in order, as Helm evaluates them:
//! - blank lines and `#` comments are skipped; a rule with `**` is an error;
//! - a trailing `/` makes a rule match directories only; a leading `/` or any `/` inside
//!   matches the whole path (`templates/x.yaml`), otherwise only the file name (`*.bak`);
//!   patterns are Go's `filepath.Match` (`*`, `?`, `[a-z]`, `[^a]`, `\` escapes, never across `/`);
//! - a `!` rule is Helm's own reading of negation: a path it does NOT match is ignored right
//!   there (so `!keep.txt` hides every other file, `Chart.yaml` included), a match goes on to
//!   the next rule.
//!
//! Packaged charts (`.tgz`) were filtered when `helm package` made them: rules do not apply.

use crate::error::{Error, ErrorKind, Location, Result};
use std::sync::Arc;

struct Rule {
    pattern: String,
    negate: bool,
    dir_only: bool,
    /// Match the whole path (the rule has a `/`), else the last path element.
    whole_path: bool,
    shape: Shape,
}

/// What a pattern needs to be matched (every file of a chart is checked against every rule,
/// once per directory above it too: most rules are a plain name or `*.ext`).
enum Shape {
    /// No `*`, `?`, `[` or `\`: the text itself.
    Literal,
    /// `*` and then a literal: any text without `/` ending with it.
    AnyThen(String),
    /// Anything else: Go's `filepath.Match`.
    Glob,
}

/// The rules of one chart tree, and where a chart sits in it (`""` at the top,
/// `charts/sub/` for a subchart directory).
#[derive(Clone, Default)]
pub struct Ignore {
    rules: Arc<Vec<Rule>>,
    prefix: String,
}

impl Ignore {
    /// Helm's rules for a chart directory: its `.helmignore` (when `text` is given) plus the default.
    pub fn parse(text: Option<&str>, file: &str) -> Result<Ignore> {
        let mut rules = Vec::new();
        for (i, line) in text.unwrap_or_default().lines().enumerate() {
            let raw = line.trim();
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            if raw.contains("**") {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!(
                        "{file}: double-star (**) syntax is not supported (Helm refuses it too)"
                    ),
                )
                .with_location(Location::in_source(
                    file,
                    text.unwrap_or_default(),
                    i + 1,
                    1,
                    raw.len(),
                )));
            }
            rules.push(Rule::new(raw));
        }
        rules.push(Rule::new("templates/.?*"));
        Ok(Ignore {
            rules: Arc::new(rules),
            prefix: String::new(),
        })
    }

    /// The same rules for the subchart directory `charts/<name>` of this chart.
    pub fn subchart(&self, name: &str) -> Ignore {
        Ignore {
            rules: self.rules.clone(),
            prefix: format!("{}charts/{name}/", self.prefix),
        }
    }

    /// Whether the file `rel` (relative to this chart, `/`-separated) is ignored, by itself or
    /// through one of its directories.
    pub fn ignores_file(&self, rel: &str) -> bool {
        let full = format!("{}{rel}", self.prefix);
        let mut end = 0;
        while let Some(i) = full[end..].find('/') {
            end += i;
            if self.ignores(&full[..end], true) {
                return true;
            }
            end += 1;
        }
        self.ignores(&full, false)
    }

    /// Whether the directory `rel` (relative to this chart) is ignored, by itself or a parent.
    pub fn ignores_dir(&self, rel: &str) -> bool {
        let full = format!("{}{rel}", self.prefix);
        let mut end = 0;
        loop {
            match full[end..].find('/') {
                Some(i) => {
                    end += i;
                    if self.ignores(&full[..end], true) {
                        return true;
                    }
                    end += 1;
                }
                None => return self.ignores(&full, true),
            }
        }
    }

    /// Helm's `Rules.Ignore` for one path of the tree.
    fn ignores(&self, path: &str, is_dir: bool) -> bool {
        // The last path element, found once for all the rules that match only it.
        let name = path.rsplit('/').next().unwrap_or(path);
        for rule in self.rules.iter() {
            if rule.negate {
                if rule.dir_only && !is_dir {
                    return true;
                }
                if !rule.matches(path, name) {
                    return true;
                }
                continue;
            }
            if rule.dir_only && !is_dir {
                continue;
            }
            if rule.matches(path, name) {
                return true;
            }
        }
        false
    }
}

impl Rule {
    fn new(raw: &str) -> Rule {
        let (negate, rest) = match raw.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, raw),
        };
        let (dir_only, rest) = match rest.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let whole_path = rest.contains('/');
        let pattern = rest.trim_start_matches('/').to_string();
        let is_literal = |p: &str| !p.contains(['*', '?', '[', '\\']);
        let shape = match pattern.strip_prefix('*') {
            _ if is_literal(&pattern) => Shape::Literal,
            Some(tail) if is_literal(tail) => Shape::AnyThen(tail.to_string()),
            _ => Shape::Glob,
        };
        Rule {
            pattern,
            negate,
            dir_only,
            whole_path,
            shape,
        }
    }

    /// Whether the rule matches `path`, whose last element is `name`.
    fn matches(&self, path: &str, name: &str) -> bool {
        let name = if self.whole_path { path } else { name };
        match &self.shape {
            Shape::Literal => name == self.pattern,
            Shape::AnyThen(tail) => name
                .strip_suffix(tail.as_str())
                .is_some_and(|head| !head.contains('/')),
            Shape::Glob => go_match(self.pattern.as_bytes(), name.as_bytes()),
        }
    }
}

/// Go's `filepath.Match` on `/`-separated paths (a malformed pattern matches nothing).
fn go_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => {
            let mut i = 0;
            loop {
                if go_match(rest, &name[i..]) {
                    return true;
                }
                if i == name.len() || name[i] == b'/' {
                    return false;
                }
                i += 1;
            }
        }
        Some((b'?', rest)) => match name.split_first() {
            Some((&c, tail)) if c != b'/' => {
                let skip = utf8_len(c).min(name.len());
                let _ = tail;
                go_match(rest, &name[skip..])
            }
            _ => false,
        },
        Some((b'[', rest)) => {
            let Some((&c, _)) = name.split_first() else {
                return false;
            };
            if c == b'/' {
                return false;
            }
            let (negated, mut p) = match rest.split_first() {
                Some((b'^', r)) => (true, r),
                _ => (false, rest),
            };
            let mut matched = false;
            let mut first = true;
            loop {
                match p.split_first() {
                    None => return false,
                    Some((b']', r)) if !first => {
                        p = r;
                        break;
                    }
                    _ => {}
                }
                first = false;
                let Some((lo, r)) = class_char(p) else {
                    return false;
                };
                p = r;
                let hi = match p {
                    [b'-', r @ ..] if r.first() != Some(&b']') => {
                        let Some((hi, r)) = class_char(r) else {
                            return false;
                        };
                        p = r;
                        hi
                    }
                    _ => lo,
                };
                if lo <= c && c <= hi {
                    matched = true;
                }
            }
            matched != negated && go_match(p, &name[1..])
        }
        Some((b'\\', rest)) => match (rest.split_first(), name.split_first()) {
            (Some((p, prest)), Some((n, nrest))) if p == n => go_match(prest, nrest),
            _ => false,
        },
        Some((&p, rest)) => match name.split_first() {
            Some((&n, nrest)) if n == p => go_match(rest, nrest),
            _ => false,
        },
    }
}

fn class_char(p: &[u8]) -> Option<(u8, &[u8])> {
    match p {
        [b'\\', c, rest @ ..] => Some((*c, rest)),
        [c, rest @ ..] => Some((*c, rest)),
        [] => None,
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        for (p, n, want) in [
            ("*.bak", "x.bak", true),
            ("*.bak", "dir/x.bak", false),
            ("files/*.txt", "files/a.txt", true),
            ("files/*", "files/sub/a.txt", false),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("[a-c]x", "bx", true),
            ("[^a-c]x", "bx", false),
            ("[^a-c]x", "dx", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
        ] {
            assert_eq!(go_match(p.as_bytes(), n.as_bytes()), want, "{p} {n}");
        }
    }

    #[test]
    fn plain_shapes_match_as_go_would() {
        let patterns = [
            "OWNERS",
            "*.bak",
            "*~",
            "*",
            "ci",
            "files/x.txt",
            "files/*.txt",
            "a]b",
            "*.t]gz",
            "kube-*.tgz",
            "[ab]",
            "\\*",
            "",
        ];
        let names = [
            "OWNERS",
            "x.bak",
            ".bak",
            "a/x.bak",
            "x~",
            "",
            "ci",
            "ci2",
            "files/x.txt",
            "files/y.txt",
            "files/a/y.txt",
            "a]b",
            "x.t]gz",
            "kube-a.tgz",
            "a",
            "*",
        ];
        for p in patterns {
            for whole_path in [false, true] {
                let mut rule = Rule::new(p);
                rule.whole_path = whole_path;
                for n in names {
                    let name = if whole_path {
                        n
                    } else {
                        n.rsplit('/').next().unwrap_or(n)
                    };
                    let go = go_match(rule.pattern.as_bytes(), name.as_bytes());
                    let last = n.rsplit('/').next().unwrap_or(n);
                    assert_eq!(rule.matches(n, last), go, "pattern {p:?} name {n:?}");
                }
            }
        }
        assert!(matches!(Rule::new("*.bak").shape, Shape::AnyThen(_)));
        assert!(matches!(Rule::new("OWNERS").shape, Shape::Literal));
        assert!(matches!(Rule::new("a*b").shape, Shape::Glob));
    }

    #[test]
    fn rules_as_helm_reads_them() {
        let ig = Ignore::parse(
            Some("# c\n*.bak\n/top.txt\nskipped/\nfiles/secret.txt\n"),
            ".helmignore",
        )
        .unwrap();
        assert!(ig.ignores_file("a.bak"));
        assert!(ig.ignores_file("files/deep/a.bak"));
        assert!(ig.ignores_file("top.txt"));
        assert!(!ig.ignores_file("files/top.txt"));
        assert!(ig.ignores_file("templates/skipped/x.yaml"));
        assert!(!ig.ignores_file("templates/skipped"));
        assert!(ig.ignores_dir("templates/skipped"));
        assert!(ig.ignores_file("files/secret.txt"));
        assert!(ig.ignores_file("templates/.hidden.yaml"));
        assert!(ig.subchart("sub").ignores_file("values.bak"));
        let neg = Ignore::parse(Some("!keep.txt\n"), ".helmignore").unwrap();
        assert!(!neg.ignores_file("keep.txt"));
        assert!(neg.ignores_file("Chart.yaml"));
        assert!(Ignore::parse(Some("a/**/b\n"), ".helmignore").is_err());
    }
}
