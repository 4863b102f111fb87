//! The chart's own files: Chart.yaml, values.yaml (a comment above each value naming where it
//! came from), values.schema.json inferred from the values, `_helpers.tpl`, NOTES.txt, README.md.

use super::extract::{values_expr, ValueInfo};
use super::gotmpl::{self, Language};
use super::template::escape_jinja;
use super::Object;
use crate::yaml::{to_yaml, Style};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

pub struct Meta<'a> {
    pub name: &'a str,
    pub app_version: Option<&'a str>,
    pub objects: &'a [Object],
    pub values: &'a [ValueInfo],
    pub common: &'a Map<String, Value>,
    pub selector_common: &'a Map<String, Value>,
    /// (kind, name as template text) of each templated object, for NOTES.txt.
    pub notes: &'a [(String, String)],
    pub language: Language,
}

pub fn chart_files(m: &Meta) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("Chart.yaml".to_string(), chart_yaml(m));
    files.insert("values.yaml".to_string(), values_yaml(m));
    files.insert(
        "values.schema.json".to_string(),
        serde_json::to_string_pretty(&schema(m)).unwrap() + "\n",
    );
    if m.language == Language::Go {
        let yaml = |map: &Map<String, Value>| {
            if map.is_empty() {
                String::new()
            } else {
                to_yaml(&Value::Object(map.clone()), Style::Helm)
                    .trim_end()
                    .to_string()
            }
        };
        files.insert(
            "templates/_helpers.tpl".to_string(),
            gotmpl::helpers(m.name, &yaml(m.common), &yaml(m.selector_common)),
        );
        files.insert("templates/NOTES.txt".to_string(), gotmpl::notes(m.notes));
    } else {
        files.insert("templates/_helpers.tpl".to_string(), helpers(m));
        files.insert("templates/NOTES.txt".to_string(), notes(m));
    }
    files.insert("README.md".to_string(), readme(m));
    files
}

fn chart_yaml(m: &Meta) -> String {
    let mut doc = Map::new();
    doc.insert("apiVersion".into(), json!("v2"));
    doc.insert("name".into(), json!(m.name));
    doc.insert(
        "description".into(),
        json!(format!(
            "{} object{} made into a chart by kiln chartify.",
            m.objects.len(),
            if m.objects.len() == 1 { "" } else { "s" }
        )),
    );
    doc.insert("type".into(), json!("application"));
    doc.insert("version".into(), json!("0.1.0"));
    if let Some(v) = m.app_version {
        doc.insert("appVersion".into(), json!(v));
    }
    if m.language == Language::Jinja {
        // Jinja templates: say so, as Go templates are the default engine.
        doc.insert(
            "annotations".into(),
            json!({ crate::chart::ENGINE_ANNOTATION: "jinja" }),
        );
    }
    // Chart.yaml reads best in Helm's conventional order, not sorted.
    let mut out = String::new();
    for (k, v) in doc {
        let mut one = Map::new();
        one.insert(k, v);
        out.push_str(&to_yaml(&Value::Object(one), Style::Helm));
    }
    out
}

/// `key:` for an intermediate map (quoted when YAML needs it).
fn key_line(key: &str) -> String {
    let mut one = Map::new();
    one.insert(key.to_string(), json!({}));
    let text = to_yaml(&Value::Object(one), Style::Helm);
    text.trim_end()
        .trim_end_matches("{}")
        .trim_end()
        .to_string()
}

/// The values tree, in extraction order.
fn tree(values: &[ValueInfo]) -> Map<String, Value> {
    let mut root = Map::new();
    for v in values {
        let mut cur = &mut root;
        let (last, parents) = v.path.split_last().unwrap();
        for p in parents {
            cur = cur
                .entry(p.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .unwrap();
        }
        cur.insert(last.clone(), v.default.clone());
    }
    root
}

fn values_yaml(m: &Meta) -> String {
    let mut out = format!(
        "# Values of the {} chart, extracted by kiln chartify.\n# The comment above each value names the object and field it came from.\n\n",
        m.name
    );
    out.push_str("# -- Replaces the chart name in object names.\nnameOverride: \"\"\n");
    out.push_str(
        "# -- Replaces the <release>-<chart> prefix of object names.\nfullnameOverride: \"\"\n",
    );
    let by_path: BTreeMap<&[String], &ValueInfo> =
        m.values.iter().map(|v| (v.path.as_slice(), v)).collect();
    let root = tree(m.values);
    // The first object per values key (a map: one lookup per key, not a scan).
    let mut by_key: HashMap<&str, &Object> = HashMap::new();
    for o in m.objects {
        by_key.entry(o.key.as_str()).or_insert(o);
    }
    emit(&root, &[], 0, &by_path, &by_key, &mut out);
    out
}

fn emit(
    map: &Map<String, Value>,
    prefix: &[String],
    indent: usize,
    by_path: &BTreeMap<&[String], &ValueInfo>,
    by_key: &HashMap<&str, &Object>,
    out: &mut String,
) {
    let pad = " ".repeat(indent);
    for (k, v) in map {
        let mut path = prefix.to_vec();
        path.push(k.clone());
        if let Some(info) = by_path.get(path.as_slice()) {
            out.push_str(&format!("{pad}# -- {}\n", info.comment));
            let mut one = Map::new();
            one.insert(k.clone(), v.clone());
            for line in to_yaml(&Value::Object(one), Style::Helm).lines() {
                out.push_str(&pad);
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        if prefix.is_empty() {
            out.push('\n');
            if let Some(o) = by_key.get(k.as_str()) {
                out.push_str(&format!(
                    "# {} {} ({})\n",
                    o.value["kind"].as_str().unwrap_or(""),
                    o.value["metadata"]["name"].as_str().unwrap_or(""),
                    o.file
                ));
            }
        }
        out.push_str(&format!("{pad}{}\n", key_line(k)));
        if let Value::Object(sub) = v {
            emit(sub, &path, indent + 2, by_path, by_key, out);
        }
    }
}

fn schema(m: &Meta) -> Value {
    let by_path: BTreeMap<&[String], &ValueInfo> =
        m.values.iter().map(|v| (v.path.as_slice(), v)).collect();
    let mut root = schema_node(&Value::Object(tree(m.values)), &[], &by_path);
    let obj = root.as_object_mut().unwrap();
    let props = obj
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .unwrap();
    let mut all = Map::new();
    for k in ["nameOverride", "fullnameOverride"] {
        all.insert(
            k.into(),
            json!({"description": if k == "nameOverride" {
                "Replaces the chart name in object names."
            } else {
                "Replaces the <release>-<chart> prefix of object names."
            }, "type": "string", "maxLength": 63}),
        );
    }
    all.extend(std::mem::take(props));
    *props = all;
    let mut top = Map::new();
    top.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    top.insert(
        "title".into(),
        json!(format!("Values of the {} chart", m.name)),
    );
    top.extend(std::mem::take(obj));
    Value::Object(top)
}

fn schema_node(v: &Value, path: &[String], by_path: &BTreeMap<&[String], &ValueInfo>) -> Value {
    if let Some(info) = by_path.get(path) {
        let mut s = Map::new();
        s.insert("description".into(), json!(info.comment));
        match info.allowed {
            Some(allowed) => {
                s.insert("enum".into(), json!(allowed));
            }
            None if info.text => {
                s.insert("type".into(), json!(["string", "number", "boolean"]));
            }
            None => {
                s.insert("type".into(), json!(crate::k8s::validate::json_type(v)));
            }
        }
        return Value::Object(s);
    }
    let Value::Object(map) = v else {
        return json!({"type": crate::k8s::validate::json_type(v)});
    };
    let mut props = Map::new();
    for (k, sub) in map {
        let mut p = path.to_vec();
        p.push(k.clone());
        props.insert(k.clone(), schema_node(sub, &p, by_path));
    }
    let required: Vec<&String> = map.keys().collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

fn yaml_lines(map: &Map<String, Value>) -> String {
    if map.is_empty() {
        return String::new();
    }
    escape_jinja(to_yaml(&Value::Object(map.clone()), Style::Helm).trim_end())
}

fn helpers(m: &Meta) -> String {
    format!(
        r#"{{# Helpers of the {name} chart, imported with {{% import "_helpers.tpl" as h %}}. #}}

{{# The chart name, or nameOverride. #}}
{{%- macro name() -%}}
{{{{ (Values.nameOverride or Chart.Name) | trunc(63) | trimsuffix("-") }}}}
{{%- endmacro %}}

{{# The prefix of object names: fullnameOverride, else the release name when it contains the
   chart name, else <release>-<chart>; at most 63 characters. #}}
{{%- macro fullname() -%}}
{{%- if Values.fullnameOverride -%}}
{{{{ Values.fullnameOverride | trunc(63) | trimsuffix("-") }}}}
{{%- elif (Values.nameOverride or Chart.Name) in Release.Name -%}}
{{{{ Release.Name | trunc(63) | trimsuffix("-") }}}}
{{%- else -%}}
{{{{ (Release.Name ~ "-" ~ (Values.nameOverride or Chart.Name)) | trunc(63) | trimsuffix("-") }}}}
{{%- endif %}}
{{%- endmacro %}}

{{# Labels every input object had. #}}
{{%- macro labels() -%}}
{labels}
{{%- endmacro %}}

{{# Labels every input selector had (Service selectors, workload matchLabels). #}}
{{%- macro selector_labels() -%}}
{selector}
{{%- endmacro %}}
"#,
        name = m.name,
        labels = yaml_lines(m.common),
        selector = yaml_lines(m.selector_common),
    )
}

fn notes(m: &Meta) -> String {
    let mut out = String::from(
        "{%- import \"_helpers.tpl\" as h -%}\n{{ Chart.Name }} {{ Chart.Version }} is installed as release {{ Release.Name }} in namespace {{ Release.Namespace }}.\n\nObjects:\n",
    );
    for (kind, name) in m.notes {
        out.push_str(&format!("  - {kind} {name}\n"));
    }
    out.push_str("\nvalues.yaml and README.md name the field each value sets.\n");
    out
}

/// A values path as `--set` spells it (`a.b\\.c` for the keys `a`, `b.c`).
pub fn set_key(path: &[String]) -> String {
    path.iter()
        .map(|k| {
            k.replace('\\', "\\\\")
                .replace('.', "\\.")
                .replace(',', "\\,")
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn readme(m: &Meta) -> String {
    let mut out = format!(
        "# {name}\n\nMade by `kiln chartify` from {n} object{s}. Rendering it with its default values gives \
the objects it was made from (server-populated fields dropped); each value below sets one field of one object.\n\n\
```sh\nkiln render {name}{secrets}\n```\n\n## Objects\n\n| Kind | Name | Template |\n|---|---|---|\n",
        name = m.name,
        n = m.objects.len(),
        s = if m.objects.len() == 1 { "" } else { "s" },
        secrets = m
            .values
            .iter()
            .filter(|v| v.required)
            .map(|v| format!(" --set {}=…", set_key(&v.path)))
            .collect::<String>(),
    );
    for o in m.objects {
        out.push_str(&format!(
            "| {} | {} | `{}` |\n",
            o.value["kind"].as_str().unwrap_or(""),
            o.value["metadata"]["name"].as_str().unwrap_or(""),
            o.file
        ));
    }
    out.push_str("\n## Values\n\n| Key | Type | Default | Description |\n|---|---|---|---|\n");
    out.push_str(
        "| `nameOverride` | string | `\"\"` | Replaces the chart name in object names. |\n",
    );
    out.push_str("| `fullnameOverride` | string | `\"\"` | Replaces the <release>-<chart> prefix of object names. |\n");
    for v in m.values {
        let key = values_expr(&v.path);
        let key = key.trim_start_matches("Values.");
        let default = serde_json::to_string(&v.default).unwrap();
        let default = if default.len() > 60 {
            "see values.yaml".to_string()
        } else {
            format!("`{default}`")
        };
        let ty = match v.allowed {
            Some(a) => a.join(" \\| "),
            None => crate::k8s::validate::json_type(&v.default).to_string(),
        };
        out.push_str(&format!(
            "| `{key}` | {ty} | {} | {}{} |\n",
            default.replace('|', "\\|"),
            v.comment.replace('|', "\\|"),
            if v.required { " **Required.**" } else { "" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_keys_escape_dots() {
        let path = [
            "registryPull".to_string(),
            "data".into(),
            ".dockerconfigjson".into(),
        ];
        assert_eq!(set_key(&path), "registryPull.data.\\.dockerconfigjson");
        let flag = format!("{}=x", set_key(&path));
        let parsed =
            crate::values::set_flag::parse(crate::values::set_flag::FlagKind::Set, &flag).unwrap();
        assert_eq!(
            parsed["registryPull"]["data"][".dockerconfigjson"],
            serde_json::json!("x")
        );
    }
}
