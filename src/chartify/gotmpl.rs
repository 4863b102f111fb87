//! `kiln chartify --template-language go`: the same chart written in Go templates, as Helm charts
//! are (`_helpers.tpl` with `define`/`include`, `{{ .Values... }}`, `toYaml | nindent`), so that
//! `helm template` itself renders it to the input objects.
//!
//! The extraction stages build the chart once, with its expressions in the small Jinja subset
//! chartify writes (a values path, `Release.Namespace`, `h.fullname()`, `x or Chart.AppVersion`,
//! then the filters `quote`, `b64enc`, `required(msg)`); this module says each of them in Go.

/// The template language of a generated chart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    /// kiln's Jinja charts (`kiln.dev/template-engine: jinja` in Chart.yaml).
    #[default]
    Jinja,
    /// Helm's Go templates.
    Go,
}

impl Language {
    /// Parses the `--template-language` value.
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "jinja" => Some(Language::Jinja),
            "go" | "gotmpl" | "helm" => Some(Language::Go),
            _ => None,
        }
    }
}

/// Escapes `{{` in literal text so Go's text/template prints it as it is.
pub fn escape(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// Translates every `{{ … }}` action of chartify's Jinja text into Go; the text between actions
/// is kept.
pub fn inline(text: &str, chart: &str) -> String {
    if let Some(inner) = text.strip_prefix("{{ ").and_then(|t| t.strip_suffix(" }}")) {
        let bare = inner.starts_with("Values") && !inner.contains(' ') && !inner.contains("}}");
        if bare {
            // A number or a bool field printed plainly: `toYaml` keeps integers whole (Go prints
            // a values file's 1000000 as 1e+06) and reads back as the same YAML type.
            return format!("{{{{ {} | toYaml }}}}", values(inner));
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find("{{ ") {
        let Some(len) = rest[start..].find(" }}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 3..start + len];
        out.push_str("{{ ");
        out.push_str(&expr(inner, chart));
        out.push_str(" }}");
        rest = &rest[start + len + 3..];
    }
    out.push_str(rest);
    out
}

/// One Jinja expression of chartify (`Values.web.replicas | quote`) in Go.
pub fn expr(jinja: &str, chart: &str) -> String {
    let mut parts = split_filters(jinja).into_iter();
    let term = parts.next().unwrap_or_default();
    let mut cmd = term_go(term.trim(), chart);
    let mut pipes = String::new();
    for f in parts {
        let f = f.trim();
        if let Some(msg) = f
            .strip_prefix("required(")
            .and_then(|m| m.strip_suffix(')'))
        {
            cmd = format!("required {msg} {}", paren(&cmd));
        } else {
            pipes.push_str(" | ");
            pipes.push_str(f);
        }
    }
    format!("{cmd}{pipes}")
}

/// Splits `a | b("x | y") | c` at the pipes outside string literals.
fn split_filters(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut in_str, mut escaped) = (0, false, false);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
        } else if b == b'"' {
            in_str = true;
        } else if b == b'|' {
            out.push(&text[start..i]);
            start = i + 1;
        }
    }
    out.push(&text[start..]);
    out
}

/// A command as an argument: parenthesised unless it is a single operand.
fn paren(cmd: &str) -> String {
    if cmd.contains(' ') {
        format!("({cmd})")
    } else {
        cmd.to_string()
    }
}

fn term_go(term: &str, chart: &str) -> String {
    if let Some((a, b)) = term.split_once(" or ") {
        return format!(
            "or {} {}",
            paren(&term_go(a.trim(), chart)),
            paren(&term_go(b.trim(), chart))
        );
    }
    match term {
        "h.fullname()" => format!("include \"{chart}.fullname\" ."),
        "h.name()" => format!("include \"{chart}.name\" ."),
        t if t.starts_with("Values") => values(t),
        t => format!(".{t}"),
    }
}

/// `Values.a["b-c"].d` → `(index .Values "a" "b-c" "d")`; plain identifiers stay a field chain.
pub fn values(jinja_path: &str) -> String {
    let keys = path_keys(jinja_path);
    let ident = |k: &str| {
        k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if keys.iter().all(|k| ident(k)) {
        let mut s = String::from(".Values");
        for k in &keys {
            s.push('.');
            s.push_str(k);
        }
        s
    } else {
        let quoted: Vec<String> = keys
            .iter()
            .map(|k| serde_json::to_string(k).unwrap())
            .collect();
        format!("(index .Values {})", quoted.join(" "))
    }
}

/// The keys of a Jinja values path written by `extract::values_expr`.
fn path_keys(path: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = path.strip_prefix("Values").unwrap_or(path);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            keys.push(r[..end].to_string());
            rest = &r[end..];
        } else if rest.starts_with("[\"") {
            // A JSON string literal, then `]`.
            let mut de = serde_json::Deserializer::from_str(&rest[1..]).into_iter::<String>();
            match de.next() {
                Some(Ok(k)) => {
                    let used = 1 + de.byte_offset();
                    keys.push(k);
                    rest = rest[used..].strip_prefix(']').unwrap_or("");
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    keys
}

/// The lines of a block value: `key:` (already written), then the value as YAML on the lines
/// below, indented by `indent`; with a condition, the whole field only when the value is set.
pub fn block(head: &str, jinja_expr: &str, cond: Option<&str>, indent: usize) -> String {
    let mut out = String::new();
    if let Some(c) = cond {
        out.push_str(&format!("{{{{- if {} }}}}\n", values(c)));
    }
    out.push_str(head.trim_end());
    out.push('\n');
    out.push_str(&format!(
        "{}{{{{- toYaml {} | nindent {indent} }}}}\n",
        " ".repeat(indent),
        values(jinja_expr)
    ));
    if cond.is_some() {
        out.push_str("{{- end }}\n");
    }
    out
}

/// `{{- include "<chart>.<helper>" . | nindent N }}` for a labels block.
pub fn labels(chart: &str, helper: &str, indent: usize) -> String {
    let helper = match helper {
        "selector_labels" => "selectorLabels",
        h => h,
    };
    format!(
        "{}{{{{- include \"{chart}.{helper}\" . | nindent {indent} }}}}\n",
        " ".repeat(indent)
    )
}

/// `_helpers.tpl`: the chart name, the object-name prefix and the shared labels, as `define`s.
pub fn helpers(chart: &str, labels_yaml: &str, selector_yaml: &str) -> String {
    format!(
        r#"{{{{/* Helpers of the {chart} chart, used with include "{chart}.<name>" . */}}}}

{{{{/* The chart name, or nameOverride. */}}}}
{{{{- define "{chart}.name" -}}}}
{{{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}

{{{{/* The prefix of object names: fullnameOverride, else the release name when it contains the
   chart name, else <release>-<chart>; at most 63 characters. */}}}}
{{{{- define "{chart}.fullname" -}}}}
{{{{- if .Values.fullnameOverride }}}}
{{{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}}}
{{{{- else }}}}
{{{{- $name := default .Chart.Name .Values.nameOverride }}}}
{{{{- if contains $name .Release.Name }}}}
{{{{- .Release.Name | trunc 63 | trimSuffix "-" }}}}
{{{{- else }}}}
{{{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}}}
{{{{- end }}}}
{{{{- end }}}}
{{{{- end }}}}

{{{{/* Labels every input object had. */}}}}
{{{{- define "{chart}.labels" -}}}}
{labels}
{{{{- end }}}}

{{{{/* Labels every input selector had (Service selectors, workload matchLabels). */}}}}
{{{{- define "{chart}.selectorLabels" -}}}}
{selector}
{{{{- end }}}}
"#,
        labels = escape(labels_yaml),
        selector = escape(selector_yaml),
    )
}

/// `NOTES.txt`: what was installed (names as template text, already Go).
pub fn notes(objects: &[(String, String)]) -> String {
    let mut out = String::from(
        "{{ .Chart.Name }} {{ .Chart.Version }} is installed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.\n\nObjects:\n",
    );
    for (kind, name) in objects {
        out.push_str(&format!("  - {kind} {name}\n"));
    }
    out.push_str("\nvalues.yaml and README.md name the field each value sets.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_in_go() {
        let c = "shop";
        assert_eq!(
            inline("{{ Values.web.replicas }}", c),
            "{{ .Values.web.replicas | toYaml }}"
        );
        assert_eq!(
            inline("\"{{ Values.a.repo }}@{{ Values.a.digest }}\"", c),
            "\"{{ .Values.a.repo }}@{{ .Values.a.digest }}\""
        );
        assert_eq!(
            expr("Values.web.type | quote", c),
            ".Values.web.type | quote"
        );
        assert_eq!(
            expr("Values.web.env[\"LOG.LEVEL\"] | quote", c),
            "(index .Values \"web\" \"env\" \"LOG.LEVEL\") | quote"
        );
        assert_eq!(
            expr("Values.web.image.tag or Chart.AppVersion", c),
            "or .Values.web.image.tag .Chart.AppVersion"
        );
        assert_eq!(
            expr(
                "Values.db.data.password | required(\"db.data.password is required | x\") | b64enc | quote",
                c
            ),
            "required \"db.data.password is required | x\" .Values.db.data.password | b64enc | quote"
        );
        assert_eq!(expr("Release.Namespace", c), ".Release.Namespace");
        assert_eq!(
            inline("{{ h.fullname() }}-web", c),
            "{{ include \"shop.fullname\" . }}-web"
        );
        assert_eq!(
            inline(
                "\"{{ Values.a.image.repository }}:{{ Values.a.image.tag or Chart.AppVersion }}\"",
                c
            ),
            "\"{{ .Values.a.image.repository }}:{{ or .Values.a.image.tag .Chart.AppVersion }}\""
        );
    }

    #[test]
    fn escapes_only_go_delimiters() {
        assert_eq!(escape("a {{ b }} {% c %}"), "a {{ \"{{\" }} b }} {% c %}");
    }
}
