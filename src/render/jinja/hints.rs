//! Hints for template errors that come from writing Helm's Go-template spelling in a Jinja chart
//! (`toYaml`, `.Values.x`, `nindent 4`, `include "x" .`, `default "x"`), and for a block tag
//! that is never closed (named with its line, rather than "unexpected end of input").

use crate::error::{Error, Location};

/// Helm's function names and their kiln Jinja spelling.
const HELM_NAMES: &[(&str, &str)] = &[
    ("toYaml", "toyaml"),
    ("fromYaml", "fromyaml"),
    ("toJson", "tojson"),
    ("fromJson", "fromjson"),
    ("mustToJson", "tojson"),
    ("toPrettyJson", "tojson"),
    ("trimSuffix", "trimsuffix"),
    ("trimPrefix", "trimprefix"),
    ("semverCompare", "semver_compare"),
    ("regexReplaceAll", "regex_replace"),
    ("regexMatch", "regex_match"),
    ("kebabcase", "kebabcase"),
    ("snakecase", "snakecase"),
    ("camelcase", "camelcase"),
    ("b64enc", "b64enc"),
    ("b64dec", "b64dec"),
    ("quote", "quote"),
    ("squote", "squote"),
    ("nindent", "nindent"),
    ("indent", "indent"),
    ("trunc", "trunc"),
    ("default", "default"),
    ("required", "required"),
    ("include", "a macro"),
    ("tpl", "tpl"),
    ("upper", "upper"),
    ("lower", "lower"),
    ("trim", "trim"),
    ("replace", "replace"),
];

/// Adds a hint (or a better message) to a template error; `src` is the failing template's text.
pub fn explain(err: Error, src: Option<&str>) -> Error {
    let msg = err.message().to_string();
    if let Some(name) = unknown_name(&msg) {
        if let Some((_, jinja)) = HELM_NAMES
            .iter()
            .find(|(helm, _)| *helm == name || helm.eq_ignore_ascii_case(name))
        {
            let note = if *jinja == "a macro" {
                "`include` is Helm's Go-template function; in a Jinja chart, import the helpers and call the macro: `{% import \"_helpers.tpl\" as h %}` then `{{ h.name() }}`".to_string()
            } else {
                format!(
                    "did you mean `{jinja}`? `{name}` is Helm's Go-template spelling; kiln's Jinja filters are written `value | {jinja}`"
                )
            };
            return err.with_note(note);
        }
        return err;
    }
    if !msg.starts_with("syntax error") {
        return err;
    }
    let Some(src) = src else { return err };
    if msg.contains("unexpected end of input") {
        return unclosed_block(err, src);
    }
    let Some(loc) = err.location().cloned() else {
        return err;
    };
    let line = loc.source_line.clone().unwrap_or_default();
    let col = loc.column.saturating_sub(1);
    let before: String = line.chars().take(col).collect();
    let at: String = line.chars().skip(col).collect();
    let helm_object = [".Values", ".Release", ".Chart", ".Capabilities", ".Files"]
        .iter()
        .any(|o| at.starts_with(o));
    if msg.contains("unexpected `.`") && helm_object {
        let name: String = at[1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        return err.with_note(format!(
            "this is Go-template syntax: a Jinja chart writes `{name}` (no leading dot)"
        ));
    }
    if msg.contains("unexpected `.`") {
        return err.with_note(
            "a lone `.` is Go-template syntax (the current context); Jinja charts name what they use: `Values`, `Release`, `Chart`…",
        );
    }
    let argument = [
        "unexpected string",
        "unexpected integer",
        "unexpected float",
        "unexpected identifier",
    ]
    .iter()
    .any(|t| msg.contains(t));
    if argument
        && (msg.contains("expected end of variable block") || msg.contains("expected end of block"))
    {
        // `name arg…` where Jinja wants `name(arg…)`.
        let trimmed = before.trim_end();
        let word: String = trimmed
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !word.is_empty() {
            let args: String = at
                .split("}}")
                .next()
                .unwrap_or("")
                .split('|')
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches('-')
                .trim()
                .to_string();
            let piped = trimmed[..trimmed.len() - word.len()]
                .trim_end()
                .ends_with('|');
            let note = if word == "include" {
                format!(
                    "`include {args}` is Go-template syntax; in a Jinja chart, import the helpers and call the macro: `{{% import \"_helpers.tpl\" as h %}}` then `{{{{ h.name() }}}}`"
                )
            } else if piped {
                let args = args.replace(' ', ", ");
                format!(
                    "`{word} {}` is Go-template syntax (arguments separated by spaces); in Jinja write `{word}({args})`",
                    at.split("}}").next().unwrap_or("").trim()
                )
            } else {
                format!(
                    "`{word} …` with space-separated arguments is Go-template syntax; in Jinja call `{word}(…)` or pipe a value: `value | {word}(…)`"
                )
            };
            return err.with_note(note);
        }
    }
    err
}

/// `unknown filter: filter toYaml is unknown` / `unknown function: toYaml is unknown` → the name.
fn unknown_name(msg: &str) -> Option<&str> {
    let rest = msg
        .strip_prefix("unknown filter: filter ")
        .or_else(|| msg.strip_prefix("unknown function: "))
        .or_else(|| msg.strip_prefix("unknown test: test "))?;
    rest.strip_suffix(" is unknown")
}

/// The innermost block tag left open at the end of `src`, with its 1-based line.
fn open_block(src: &str) -> Option<(String, usize)> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut rest = src;
    let mut offset = 0;
    while let Some(i) = rest.find("{%") {
        let start = offset + i;
        let after = &rest[i + 2..];
        let Some(end) = after.find("%}") else { break };
        let inner = after[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        let tag: String = inner
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let line = src[..start].matches('\n').count() + 1;
        match tag.as_str() {
            "if" | "for" | "macro" | "block" | "with" | "filter" | "call" | "autoescape" => {
                stack.push((tag, line))
            }
            "set" if !inner.contains('=') => stack.push((tag, line)),
            t if t.starts_with("end") => {
                stack.pop();
            }
            "raw" => {
                // Skip to the end of the raw block.
                if let Some(e) = src[start..].find("endraw") {
                    let consumed = start + e;
                    offset = consumed;
                    rest = &src[consumed..];
                    continue;
                }
            }
            _ => {}
        }
        offset = start + 2 + end + 2;
        rest = &src[offset..];
    }
    stack.pop()
}

fn unclosed_block(err: Error, src: &str) -> Error {
    let Some((tag, line)) = open_block(src) else {
        return err;
    };
    let file = err.location().map(|l| l.file.clone()).unwrap_or_default();
    let text = src.lines().nth(line - 1).unwrap_or("");
    let column = text.find("{%").map_or(1, |c| c + 1);
    let len = text[column - 1..].find("%}").map_or(2, |e| e + 2);
    let mut out = Error::new(
        err.kind(),
        format!(
            "syntax error: `{{% {tag} %}}` on line {line} is never closed (add `{{% end{tag} %}}`)"
        ),
    )
    .with_location(Location {
        file,
        line,
        column,
        len,
        source_line: Some(text.to_string()),
    });
    for n in err.notes() {
        out = out.with_note(n.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::open_block;

    #[test]
    fn finds_the_innermost_open_tag() {
        let src = "x\n{% if a %}\n{% for b in c %}\n{% endfor %}\n";
        assert_eq!(open_block(src), Some(("if".into(), 2)));
        assert_eq!(open_block("{% set x = 1 %}{% if a %}{% endif %}"), None);
        assert_eq!(
            open_block("{% macro m() %}\n{% set x %}y{% endset %}\n"),
            Some(("macro".into(), 1))
        );
    }
}
