//! `invalid-name`: names and namespaces that Kubernetes rejects (DNS-1123 subdomain or label by
//! kind; RBAC names are path segments; CronJob names at most 52 characters).

use super::Sink;
use crate::lint::set::LintSet;

/// A DNS-1123 label: lowercase alphanumerics and `-`, alphanumeric at both ends, at most 63.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!("must be at most 63 characters (has {})", s.len()));
    }
    let ok_chars = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ends = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !ok_chars || !ends(s.bytes().next()) || !ends(s.bytes().last()) {
        return Err("must be a DNS-1123 label: lowercase letters, digits and -, starting and ending with a letter or digit".into());
    }
    Ok(())
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!("must be at most 253 characters (has {})", s.len()));
    }
    if s.split('.').any(|part| dns_label(part).is_err()) {
        return Err("must be a DNS-1123 subdomain: lowercase letters, digits, - and ., starting and ending with a letter or digit".into());
    }
    Ok(())
}

/// RBAC names: anything that is a valid path segment.
fn path_segment(s: &str) -> Result<(), String> {
    if s == "." || s == ".." || s.contains(['/', '%']) {
        return Err("may not be `.` or `..` or contain / or %".into());
    }
    Ok(())
}

fn check_name(kind: &str, name: &str) -> Result<(), String> {
    match kind {
        "Namespace" | "Service" => dns_label(name),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => path_segment(name),
        "CronJob" => {
            dns_subdomain(name)?;
            if name.len() > 52 {
                return Err(format!("must be at most 52 characters, so Job names with their 11-character suffix stay valid (has {})", name.len()));
            }
            Ok(())
        }
        _ => dns_subdomain(name),
    }
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let name = r.name();
        if !name.is_empty() && crate::k8s::is_known_kind(r.api_version(), r.kind()) {
            if let Err(e) = check_name(r.kind(), name) {
                sink.object(
                    i,
                    "metadata.name",
                    format!("{} name `{name}` {e}", r.kind()),
                );
            }
        }
        let ns = r.namespace();
        if !ns.is_empty() {
            if let Err(e) = dns_label(ns) {
                sink.object(i, "metadata.namespace", format!("namespace `{ns}` {e}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns_subdomain("web-1.example").is_ok());
        assert!(dns_subdomain("Web").is_err());
        assert!(dns_subdomain("-web").is_err());
        assert!(dns_subdomain("web_1").is_err());
        assert!(dns_label("a.b").is_err());
        assert!(check_name("ClusterRole", "system:controller:x").is_ok());
        assert!(check_name("CronJob", &"a".repeat(53)).is_err());
    }
}
