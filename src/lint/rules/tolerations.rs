//! `toleration-invalid`: operator, effect, value and tolerationSeconds of every toleration.

use super::Sink;
use crate::lint::pods::{pod_template, str_of};
use crate::lint::set::LintSet;
use serde_json::Value;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let Some(pod) = pod_template(&r.value) else {
            continue;
        };
        let Some(list) = pod.get("tolerations").and_then(Value::as_array) else {
            continue;
        };
        for (t, tol) in list.iter().enumerate() {
            let path = format!("{}[{t}]", pod.path("tolerations"));
            let operator = str_of(tol, "operator");
            let effect = str_of(tol, "effect");
            let value = str_of(tol, "value");
            match operator {
                "" | "Equal" => {
                    if str_of(tol, "key").is_empty() {
                        sink.object(
                            i,
                            format!("{path}.operator"),
                            "a toleration without a key must use operator: Exists (it then tolerates every taint)",
                        );
                    }
                }
                "Exists" => {
                    if !value.is_empty() {
                        sink.object(
                            i,
                            format!("{path}.value"),
                            format!("operator Exists takes no value (got `{value}`): remove value, or use operator: Equal"),
                        );
                    }
                }
                other => sink.object(
                    i,
                    format!("{path}.operator"),
                    format!("unknown operator `{other}`: use Exists or Equal"),
                ),
            }
            if !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                sink.object(
                    i,
                    format!("{path}.effect"),
                    format!("unknown effect `{effect}`: use NoSchedule, PreferNoSchedule, NoExecute, or leave it empty for all"),
                );
            }
            if tol.get("tolerationSeconds").is_some_and(|v| !v.is_null()) && effect != "NoExecute" {
                sink.object(
                    i,
                    format!("{path}.tolerationSeconds"),
                    "tolerationSeconds only applies to effect NoExecute: set effect: NoExecute or remove tolerationSeconds",
                );
            }
        }
    }
}
