//! `prometheus-port`: the `prometheus.io/port` annotation is a port number, and on a Service one
//! that the Service or the pods it selects declare.
//!
//! On a pod template only the value is checked: the common `kubernetes-pods` scrape job rewrites
//! the target address to the pod IP and the annotated port, so the port need not be declared as a
//! containerPort (Istio's gateways serve 15020 that way on purpose). The
//! `kubernetes-service-endpoints` job scrapes the annotated port on the endpoints (the selected
//! pods): a Service's annotation must name one of its ports, its targetPorts (a named targetPort
//! resolved through the selected pods' container ports) or a port those pods declare. When a
//! named targetPort cannot be resolved (its pods are not in the set), the port is not judged.

use super::Sink;
use crate::lint::locate::join;
use crate::lint::pods::{pod_template, selector_matches};
use crate::lint::set::LintSet;
use serde_json::Value;

const ANNOTATION: &str = "prometheus.io/port";

fn port_number(v: &Value) -> Option<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    (1..=65535).contains(&n).then_some(n)
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let (annotations, path) = if let Some(pod) = pod_template(&r.value) {
            (
                pod.metadata.and_then(|m| m.get("annotations")),
                join(&format!("{}.annotations", pod.metadata_path), ANNOTATION),
            )
        } else if r.kind() == "Service" {
            (
                r.value.pointer("/metadata/annotations"),
                join("metadata.annotations", ANNOTATION),
            )
        } else {
            continue;
        };
        let Some(value) = annotations.and_then(|a| a.get(ANNOTATION)) else {
            continue;
        };
        let Some(p) = port_number(value) else {
            let shown = crate::lint::pods::label_text(value);
            sink.object(
                i,
                path,
                format!("prometheus.io/port `{shown}` is not a port number: write the number of the metrics port, quoted (\"9100\")"),
            );
            continue;
        };
        if r.kind() != "Service" {
            continue;
        }
        let Some(ports) = service_ports(set, i) else {
            continue;
        };
        if !ports.contains(&p) {
            let have: Vec<String> = ports.iter().map(i64::to_string).collect();
            sink.object(
                i,
                path,
                format!(
                    "prometheus.io/port {p} is no port of the Service or of the pods it selects ({}): Prometheus would scrape nothing; point it at the metrics port",
                    if have.is_empty() { "none declared".to_string() } else { format!("declared: {}", have.join(", ")) }
                ),
            );
        }
    }
}

/// The ports a Service's scrape may target: its ports, numeric targetPorts and the container
/// ports of the pods it selects. `None` when that cannot be known: a named targetPort that no
/// selected pod of the set declares, or no selector (endpoints managed elsewhere).
fn service_ports(set: &LintSet, svc: usize) -> Option<Vec<i64>> {
    let r = &set.objects[svc];
    let selector = r
        .value
        .pointer("/spec/selector")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))?;
    let as_selector = serde_json::json!({ "matchLabels": selector });
    let ns = set.namespace_of(r);
    let mut container_ports: Vec<(String, i64)> = Vec::new();
    for (_, x) in set.iter() {
        let Some(pod) = pod_template(&x.value) else {
            continue;
        };
        if set.namespace_of(x) != ns || !selector_matches(&as_selector, pod.labels()) {
            continue;
        }
        for c in pod.containers() {
            for port in c
                .value
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = port.get("containerPort").and_then(Value::as_i64) {
                    let name = port.get("name").and_then(Value::as_str).unwrap_or("");
                    container_ports.push((name.to_string(), n));
                }
            }
        }
    }
    let mut ports: Vec<i64> = container_ports.iter().map(|(_, n)| *n).collect();
    for sp in r
        .value
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        ports.extend(sp.get("port").and_then(port_number));
        match sp.get("targetPort") {
            Some(Value::String(name)) if port_number(&Value::String(name.clone())).is_none() => {
                let resolved: Vec<i64> = container_ports
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, p)| *p)
                    .collect();
                if resolved.is_empty() {
                    return None;
                }
                ports.extend(resolved);
            }
            Some(t) => ports.extend(port_number(t)),
            None => {}
        }
    }
    ports.sort_unstable();
    ports.dedup();
    Some(ports)
}
