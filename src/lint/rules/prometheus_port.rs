//! `prometheus-port`: the `prometheus.io/port` annotation names a declared port.

use super::Sink;
use crate::lint::locate::join;
use crate::lint::pods::pod_template;
use crate::lint::set::LintSet;
use serde_json::Value;

const ANNOTATION: &str = "prometheus.io/port";

fn port_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let (annotations, path, ports): (Option<&Value>, String, Vec<i64>) =
            if let Some(pod) = pod_template(&r.value) {
                let ports = pod
                    .containers()
                    .iter()
                    .flat_map(|c| {
                        c.value
                            .get("ports")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .filter_map(|p| p.get("containerPort").and_then(Value::as_i64))
                    .collect();
                (
                    pod.metadata.and_then(|m| m.get("annotations")),
                    join(&format!("{}.annotations", pod.metadata_path), ANNOTATION),
                    ports,
                )
            } else if r.kind() == "Service" {
                let ports = r
                    .value
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .flat_map(|p| [p.get("port"), p.get("targetPort")])
                    .flatten()
                    .filter_map(port_number)
                    .collect();
                (
                    r.value.pointer("/metadata/annotations"),
                    join("metadata.annotations", ANNOTATION),
                    ports,
                )
            } else {
                continue;
            };
        let Some(value) = annotations.and_then(|a| a.get(ANNOTATION)) else {
            continue;
        };
        let shown = crate::lint::pods::label_text(value);
        match port_number(value) {
            None => sink.object(
                i,
                path,
                format!("prometheus.io/port `{shown}` is not a port number: write the number of the metrics port, quoted (\"9100\")"),
            ),
            Some(p) if !ports.contains(&p) => {
                let what = if r.kind() == "Service" { "Service port or targetPort" } else { "containerPort" };
                let have: Vec<String> = ports.iter().map(i64::to_string).collect();
                sink.object(
                    i,
                    path,
                    format!(
                        "prometheus.io/port {p} is no {what} ({}): Prometheus would scrape nothing; point it at the metrics port",
                        if have.is_empty() { "none declared".to_string() } else { format!("declared: {}", have.join(", ")) }
                    ),
                );
            }
            Some(_) => {}
        }
    }
}
