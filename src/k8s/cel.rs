//! The CEL validation rules of a CustomResourceDefinition (`x-kubernetes-validations`), evaluated
//! on an object as the API server does on create, with the `cel` crate (cel-rust).
//!
//! Each rule sits on a schema node and sees that node's value as `self`; rules of a node the
//! object does not set are not evaluated, rules under `items` and `additionalProperties` run once
//! per element. A rule that gives `false` fails with its `message` (or `messageExpression`, or
//! `failed rule: RULE`) at the node, or at its `fieldPath`. A rule that fails at run time because
//! a field it reads is absent (`no such key`) fails too, as on the API server.
//!
//! Transition rules (those that read `oldSelf`) are not evaluated: there is no old object when an
//! object is created. A rule the crate cannot evaluate (a Kubernetes CEL library function such as
//! `quantity()` or `url()`, a syntax it does not parse, a result that is not a bool) is returned
//! among [`Outcome::unevaluated`] with the reason, never dropped silently.

use super::validate::escape_pointer as escape;
use super::validate::Violation;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// Evaluations per object at most (rules × elements): a budget for input-driven work.
const MAX_EVALUATIONS: usize = 10_000;
/// Schema depth followed at most.
const MAX_DEPTH: usize = 64;

/// What the CEL rules said about one object.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Rules the object fails: JSON pointer of the node (or `fieldPath`) and the message.
    pub failures: Vec<Violation>,
    /// Rules that could not be evaluated: the node and why (`rule `…`: reason`).
    pub unevaluated: Vec<Violation>,
}

fn env() -> &'static Arc<cel::Env> {
    static ENV: OnceLock<Arc<cel::Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        // Kubernetes enables the strings, lists and math extension libraries in CRD rules.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        let _ = env.add_extension(cel::extensions::math);
        Arc::new(env)
    })
}

/// Whether a schema (a CRD version's `openAPIV3Schema`) has any CEL rule.
pub fn has_rules(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => m.contains_key("x-kubernetes-validations") || m.values().any(has_rules),
        Value::Array(a) => a.iter().any(has_rules),
        _ => false,
    }
}

/// Evaluates every rule of `schema` that applies to `obj`.
pub fn evaluate(schema: &Value, obj: &Value) -> Outcome {
    let mut walk = Walk {
        outcome: Outcome::default(),
        evaluations: 0,
    };
    walk.node(schema, obj, "", 0);
    walk.outcome
}

struct Walk {
    outcome: Outcome,
    evaluations: usize,
}

impl Walk {
    fn node(&mut self, schema: &Value, value: &Value, pointer: &str, depth: usize) {
        if depth > MAX_DEPTH || value.is_null() {
            return;
        }
        if let Some(rules) = schema
            .get("x-kubernetes-validations")
            .and_then(Value::as_array)
        {
            for rule in rules {
                self.rule(rule, value, pointer);
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        if let (Some(props), Some(map)) = (props, value.as_object()) {
            for (key, sub) in props {
                if let Some(v) = map.get(key) {
                    self.node(sub, v, &format!("{pointer}/{}", escape(key)), depth + 1);
                }
            }
        }
        if let (Some(extra), Some(map)) = (
            schema.get("additionalProperties").filter(|s| s.is_object()),
            value.as_object(),
        ) {
            for (key, v) in map {
                if props.is_some_and(|p| p.contains_key(key)) {
                    continue;
                }
                self.node(extra, v, &format!("{pointer}/{}", escape(key)), depth + 1);
            }
        }
        if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
            for (i, v) in list.iter().enumerate() {
                self.node(items, v, &format!("{pointer}/{i}"), depth + 1);
            }
        }
    }

    fn rule(&mut self, rule: &Value, value: &Value, pointer: &str) {
        let Some(text) = rule.get("rule").and_then(Value::as_str) else {
            return;
        };
        let mut unevaluated = |why: String| {
            self.outcome.unevaluated.push(Violation {
                path: pointer.to_string(),
                message: format!("rule `{text}`: {why}"),
            });
        };
        let program = match env().compile(text) {
            Ok(p) => p,
            Err(e) => return unevaluated(format!("does not parse here: {e}")),
        };
        if program.references().has_variable("oldSelf") {
            return; // a transition rule: no old object on create
        }
        if self.evaluations >= MAX_EVALUATIONS {
            return unevaluated(format!(
                "not evaluated: more than {MAX_EVALUATIONS} rule evaluations in one object"
            ));
        }
        self.evaluations += 1;
        let mut context = cel::Context::with_env(env().clone());
        match cel::to_value(value) {
            Ok(v) => context.add_variable_from_value("self", v),
            Err(e) => return unevaluated(format!("its value cannot be passed to CEL: {e}")),
        }
        let failed = match program.execute(&context) {
            Ok(cel::Value::Bool(true)) => return,
            Ok(cel::Value::Bool(false)) => None,
            Ok(other) => return unevaluated(format!("gives {other:?}, not a bool")),
            Err(cel::ExecutionError::NoSuchKey(key)) => {
                Some(format!("no such key: {key} evaluating rule: {text}"))
            }
            Err(e) => return unevaluated(format!("cannot be evaluated by kiln: {e}")),
        };
        let message = failed.unwrap_or_else(|| {
            let expression = rule
                .get("messageExpression")
                .and_then(Value::as_str)
                .and_then(|m| env().compile(m).ok())
                .and_then(|p| match p.execute(&context) {
                    Ok(cel::Value::String(s)) if !s.is_empty() => Some(s.to_string()),
                    _ => None,
                });
            let message = rule
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(str::to_string);
            expression
                .or(message)
                .unwrap_or_else(|| format!("failed rule: {text}"))
        });
        let path = match rule.get("fieldPath").and_then(Value::as_str) {
            Some(fp) if fp.starts_with('.') => format!("{pointer}{}", field_path_pointer(fp)),
            _ => pointer.to_string(),
        };
        self.outcome.failures.push(Violation { path, message });
    }
}

/// `.spec.ports[0]` or `.spec['a.b']` (a CEL rule's fieldPath) as a JSON pointer suffix.
fn field_path_pointer(fp: &str) -> String {
    let mut out = String::new();
    let mut rest = fp;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push('/');
            out.push_str(&escape(&r[..end]));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            let key = r[..end].trim_matches(['\'', '"']);
            out.push('/');
            out.push_str(&escape(key));
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {"spec": {
                "type": "object",
                "x-kubernetes-validations": [
                    {"rule": "self.min <= self.max", "message": "min must not exceed max"},
                    {"rule": "self.mode == oldSelf.mode"},
                    {"rule": "quantity(self.size).isGreaterThan(quantity('1Gi'))"},
                    {"rule": "self.max < 10", "messageExpression": "'max is ' + string(self.max)"}
                ],
                "properties": {
                    "min": {"type": "integer"}, "max": {"type": "integer"},
                    "size": {"type": "string"}, "mode": {"type": "string"},
                    "ports": {"type": "array", "items": {
                        "type": "object",
                        "x-kubernetes-validations": [{"rule": "self.port > 1024", "fieldPath": ".port"}],
                        "properties": {"port": {"type": "integer"}}
                    }}
                }
            }}
        })
    }

    #[test]
    fn rules_fail_pass_and_are_reported_when_not_evaluable() {
        let obj = json!({"spec": {"min": 5, "max": 20, "size": "2Gi", "ports": [{"port": 80}, {"port": 8080}]}});
        let out = evaluate(&schema(), &obj);
        let failures: Vec<String> = out.failures.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            failures,
            [
                "/spec: max is 20",
                "/spec/ports/0/port: failed rule: self.port > 1024",
            ]
        );
        // oldSelf is skipped; quantity() is reported as not evaluated.
        assert_eq!(out.unevaluated.len(), 1, "{:?}", out.unevaluated);
        assert!(out.unevaluated[0].message.contains("quantity"));

        let ok = json!({"spec": {"min": 1, "max": 2}});
        let out = evaluate(&schema(), &ok);
        assert!(out.failures.is_empty(), "{:?}", out.failures);
    }

    #[test]
    fn an_absent_field_fails_as_on_the_api_server() {
        let out = evaluate(&schema(), &json!({"spec": {"max": 2, "size": "2Gi"}}));
        assert_eq!(out.failures.len(), 1, "{:?}", out.failures);
        assert!(out.failures[0].message.contains("no such key: min"));
    }
}
