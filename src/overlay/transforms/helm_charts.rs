//! kustomize's `helmCharts:` (with `helmGlobals:`), the HelmChartInflationGenerator that
//! `kubectl kustomize --enable-helm` runs through `helm template`. kiln renders the chart natively
//! through the chart pipeline, from where kustomize would find it:
//!
//! - `<chartHome>/<name>` (chartHome defaults to `charts`, relative to the kustomization), or
//!   `<chartHome>/<name>-<version>/<name>` when both `version` and `repo` are set (where
//!   kustomize's own `helm pull --untar` puts a downloaded chart). Failing that, the packaged
//!   chart `helm pull` leaves without `--untar`: `<chartHome>/<name>-<version>.tgz`, or without
//!   `version` the one `<chartHome>/<name>-<SemVer>.tgz` (kustomize itself would download the
//!   chart again). kiln downloads nothing: a chart that is not there is an error that says how to
//!   vendor it.
//! - Values as kustomize builds them: `valuesFile` (default: the chart's own `values.yaml`), then
//!   `valuesInline` merged over it (`valuesMerge: override`, the default), under it (`merge`) or
//!   instead of it (`replace`), with kustomize's merge rules (maps merge, a `null` removes the
//!   key, lists are replaced); then each `additionalValuesFiles` entry.
//!   With `valuesInline`, kustomize reads the values file itself (kyaml) and hands helm the merge,
//!   so YAML 1.2 rules apply to it (see [`parse_as_kyaml`]).
//! - `helm template` flags: `releaseName` (default `release-name`) or a plain `nameTemplate`,
//!   `namespace`, `kubeVersion`, `apiVersions`, `includeCRDs`, `skipTests`, `skipHooks`.
//!
//! The objects join the build as generated resources, after `configMapGenerator` and
//! `secretGenerator` (kustomize's generator order), and every transform applies to them.

use crate::error::{Error, Result};
use crate::overlay::build::{check_inside, parse_objects, read_file};
use crate::overlay::kustomization::Loaded;
use crate::overlay::Obj;
use crate::pipeline::{self, ChartRenderConfig};
use crate::values::{self, ValueFlags};
use serde::Deserialize;
use serde_json::{Map, Value};

/// One `helmCharts:` entry (kustomize's `types.HelmChart`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HelmChart {
    pub name: String,
    pub version: String,
    pub repo: String,
    pub release_name: String,
    pub namespace: String,
    pub additional_values_files: Vec<String>,
    pub values_file: String,
    pub values_inline: Option<Map<String, Value>>,
    pub values_merge: String,
    #[serde(rename = "includeCRDs")]
    pub include_crds: bool,
    pub skip_hooks: bool,
    pub api_versions: Vec<String>,
    pub kube_version: String,
    pub name_template: String,
    pub skip_tests: bool,
    pub debug: bool,
    pub devel: bool,
}

/// `helmGlobals:` (kustomize's `types.HelmGlobals`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HelmGlobals {
    pub chart_home: String,
    /// Helm's configuration directory for downloads; kiln downloads nothing and ignores it.
    pub config_home: String,
}

/// `kustomize build --helm-kube-version/--helm-api-versions`: what a `helmCharts:` entry without
/// `kubeVersion:` (or without `apiVersions:`) renders with; the entry's own field wins.
#[derive(Debug, Clone, Default)]
pub struct HelmDefaults {
    pub kube_version: String,
    /// Each flag's value split at commas.
    pub api_versions: Vec<String>,
}

/// kustomize's default chart home.
const DEFAULT_CHART_HOME: &str = "charts";
/// The release name `helm template` uses when kustomize passes none.
const DEFAULT_RELEASE_NAME: &str = "release-name";

pub fn apply(k: &Loaded, objs: &mut Vec<Obj>) -> Result<()> {
    if k.k.helm_charts.is_empty() {
        return Ok(());
    }
    let globals: HelmGlobals = match &k.k.helm_globals {
        None | Some(Value::Null) => HelmGlobals::default(),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| k.error("helmGlobals", format!("helmGlobals: {e}")))?,
    };
    for raw in &k.k.helm_charts {
        let chart: HelmChart = serde_json::from_value(raw.clone())
            .map_err(|e| k.error("helmCharts", format!("helmCharts: {e}")))?;
        for obj in render(k, &globals, &chart)? {
            if let Some(existing) = objs.iter().find(|o| o.id() == obj.id()) {
                return Err(k.error(
                    "helmCharts",
                    format!(
                        "may not add resource with an already registered id: {} (from helm chart `{}`; already loaded from {})",
                        obj.id(),
                        chart.name,
                        existing.source
                    ),
                ));
            }
            objs.push(obj);
        }
    }
    Ok(())
}

/// `chartHome` as written, and the directory kustomize looks for the chart in.
fn chart_dir(globals: &HelmGlobals, c: &HelmChart) -> (String, String) {
    let home = if globals.chart_home.is_empty() {
        DEFAULT_CHART_HOME.to_string()
    } else {
        globals.chart_home.trim_end_matches('/').to_string()
    };
    let base = if !c.version.is_empty() && !c.repo.is_empty() {
        format!("{home}/{}-{}", c.name, c.version)
    } else {
        home.clone()
    };
    (home, format!("{base}/{}", c.name))
}

fn render(k: &Loaded, globals: &HelmGlobals, c: &HelmChart) -> Result<Vec<Obj>> {
    if c.name.is_empty() {
        return Err(k.error("helmCharts", "helmCharts: chart name cannot be empty"));
    }
    let merge = match c.values_merge.as_str() {
        "" | "override" => ValuesMerge::Override,
        "merge" => ValuesMerge::Merge,
        "replace" => ValuesMerge::Replace,
        other => {
            return Err(k.error(
                "valuesMerge",
                format!(
                    "helmCharts `{}`: valuesMerge must be one of [merge override replace], not `{other}`",
                    c.name
                ),
            ))
        }
    };
    let release_name = release_name(k, c)?;
    let (home, rel) = chart_dir(globals, c);
    let dir = k.dir.join(&rel);
    // kustomize's rule: a directory at <chartHome>/<name> (or <chartHome>/<name>-<version>/<name>
    // with a repo). kiln also takes the archive `helm pull` leaves: <chartHome>/<name>-<version>.tgz.
    let (chart_rel, chart_path) = if dir.join("Chart.yaml").is_file() {
        check_inside(k, &rel, &dir)?;
        (rel.clone(), dir)
    } else if let Some(archive) = find_archive(&k.dir, &home, c).map_err(|m| k.error(&c.name, m))? {
        let path = k.dir.join(&archive);
        check_inside(k, &archive, &path)?;
        (archive, path)
    } else {
        return Err(not_found(k, c, &home, &rel));
    };
    let chart = crate::chart::load_chart(&chart_path).map_err(|e| {
        e.with_note(format!(
            "in helmCharts `{}` ({chart_rel}) of {}",
            c.name, k.file
        ))
    })?;

    // The values file kustomize hands to `helm template -f`: `valuesFile`, else the chart's own
    // values.yaml (read from the archive for a packaged chart).
    // With inline values to merge, kustomize reads that file itself (kyaml, YAML 1.2) and hands
    // helm what it read; without, helm reads the file (YAML 1.1).
    let parse = |text: &str, display: &str| {
        if has_inline(c) {
            parse_as_kyaml(text, display)
        } else {
            values::parse_values_file(text, display)
        }
    };
    let base = if merge == ValuesMerge::Replace && has_inline(c) {
        Map::new()
    } else if !c.values_file.is_empty() {
        let (text, display) = read_file(k, &c.values_file)?;
        parse(&text, &display)?
    } else {
        match &chart.values_file {
            // kustomize fails on a chart without values.yaml; an empty file means the same.
            None => Map::new(),
            Some(f) => parse(&f.text, &chart.file_shown("values.yaml"))?,
        }
    };
    let mut user = match (&c.values_inline, merge) {
        (Some(inline), ValuesMerge::Override) if !inline.is_empty() => {
            kyaml_merge(base, inline.clone())
        }
        (Some(inline), ValuesMerge::Merge) if !inline.is_empty() => {
            kyaml_merge(inline.clone(), base)
        }
        (Some(inline), ValuesMerge::Replace) if !inline.is_empty() => inline.clone(),
        _ => base,
    };
    for f in &c.additional_values_files {
        let (text, display) = read_file(k, f)?;
        let extra = values::parse_values_file(&text, &display)?;
        let mut v = Value::Object(user);
        values::merge_user(&mut v, Value::Object(extra));
        let Value::Object(m) = v else { unreachable!() };
        user = m;
    }

    let cfg = ChartRenderConfig {
        chart_dir: chart_path,
        values: ValueFlags::default(),
        inline_values: Some(Value::Object(user)),
        release_name: Some(release_name),
        namespace: c.namespace.clone(),
        kube_version: match c.kube_version.is_empty() {
            true => k.helm_defaults.kube_version.clone(),
            false => c.kube_version.clone(),
        },
        api_versions: match c.api_versions.is_empty() {
            true => k.helm_defaults.api_versions.clone(),
            false => c.api_versions.clone(),
        },
        show_only: Vec::new(),
        include_crds: c.include_crds,
        debug: false,
        is_upgrade: false,
        skip_schema_validation: false,
        random_seed: None,
        heads_only: false,
    };
    let rendered = pipeline::render_loaded(chart, &cfg).map_err(|e| {
        e.with_note(format!(
            "in helmCharts `{}` ({chart_rel}) of {}",
            c.name, k.file
        ))
    })?;
    let mut out = Vec::new();
    for r in rendered.resources {
        let hook = hook_events(&r.value);
        if !hook.is_empty() && (c.skip_hooks || (c.skip_tests && is_test_hook(&hook))) {
            continue;
        }
        // kustomize reads helm's output as YAML of its own: parse the text the same way.
        out.extend(parse_objects(&r.text, &r.source).map_err(|e: Error| {
            e.with_note(format!("in the output of helmCharts `{}`", c.name))
        })?);
    }
    Ok(out)
}

/// The release name `helm template` gets from kustomize: `releaseName`, else `nameTemplate`
/// (helm refuses both at once), else helm's `release-name`. A name template with Go-template
/// actions is refused, as by `kiln template --name-template`: they are usually random.
fn release_name(k: &Loaded, c: &HelmChart) -> Result<String> {
    let name = match (c.release_name.is_empty(), c.name_template.is_empty()) {
        (false, false) => {
            return Err(k.error(
                "nameTemplate",
                format!(
                    "helmCharts `{}`: cannot set nameTemplate and also releaseName (helm: cannot set --name-template and also specify a name)",
                    c.name
                ),
            ))
        }
        (false, true) => c.release_name.clone(),
        (true, false) if c.name_template.contains("{{") => {
            return Err(k.error(
                "nameTemplate",
                format!(
                    "helmCharts `{}`: nameTemplate `{}`: kiln does not run Go-template actions in release names (they are usually random, e.g. randAlphaNum); set releaseName",
                    c.name, c.name_template
                ),
            ))
        }
        (true, false) => c.name_template.clone(),
        (true, true) => return Ok(DEFAULT_RELEASE_NAME.to_string()),
    };
    let field = if c.release_name.is_empty() {
        "nameTemplate"
    } else {
        "releaseName"
    };
    crate::commands::template::check_release_name(&name)
        .map_err(|e| k.error(field, format!("helmCharts `{}`: {}", c.name, e.message())))?;
    Ok(name)
}

/// A packaged chart under chartHome, where `helm pull` (without `--untar`) leaves it:
/// `<chartHome>/<name>-<version>.tgz`; without `version`, the one `<name>-<SemVer>.tgz` there (an
/// error when there are several).
fn find_archive(
    dir: &std::path::Path,
    home: &str,
    c: &HelmChart,
) -> std::result::Result<Option<String>, String> {
    if !c.version.is_empty() {
        let rel = format!("{home}/{}-{}.tgz", c.name, c.version);
        return Ok(dir.join(&rel).is_file().then_some(rel));
    }
    let Ok(entries) = std::fs::read_dir(dir.join(home)) else {
        return Ok(None);
    };
    let prefix = format!("{}-", c.name);
    let mut found: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(".tgz"))
                .is_some_and(|v| semver::Version::parse(v.trim_start_matches('v')).is_ok())
        })
        .collect();
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(Some(format!("{home}/{}", found[0]))),
        _ => Err(format!(
            "helmCharts `{}`: several packaged charts in {home}/ ({}): set `version` to pick one",
            c.name,
            found.join(", ")
        )),
    }
}

/// Where the charts of a kustomization's `helmCharts:` are found (a directory or a packaged
/// chart), for `kiln lint` to show the files of their objects; entries that do not resolve are
/// left out (the build reports them).
pub fn chart_paths(dir: &std::path::Path, kustomization: &Value) -> Vec<std::path::PathBuf> {
    let globals: HelmGlobals = kustomization
        .get("helmGlobals")
        .and_then(|g| serde_json::from_value(g.clone()).ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    for raw in kustomization
        .get("helmCharts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Ok(c) = serde_json::from_value::<HelmChart>(raw.clone()) else {
            continue;
        };
        let (home, rel) = chart_dir(&globals, &c);
        let path = if dir.join(&rel).join("Chart.yaml").is_file() {
            Some(dir.join(&rel))
        } else {
            find_archive(dir, &home, &c)
                .ok()
                .flatten()
                .map(|a| dir.join(a))
        };
        out.extend(path);
    }
    out
}

/// The error for a chart found neither as a directory nor as an archive, saying how to vendor it.
fn not_found(k: &Loaded, c: &HelmChart, home: &str, rel: &str) -> Error {
    let archive = if c.version.is_empty() {
        format!("{home}/{}-<version>.tgz", c.name)
    } else {
        format!("{home}/{}-{}.tgz", c.name, c.version)
    };
    let version = if c.version.is_empty() {
        String::new()
    } else {
        format!(" --version {}", c.version)
    };
    let untar_dir = rel.rsplit_once('/').map_or(home, |(d, _)| d);
    let how = if c.repo.is_empty() {
        format!("put the chart directory at {rel} or the packaged chart at {archive}")
    } else if let Some(oci) = c.repo.strip_prefix("oci://") {
        format!(
            "vendor it once with `helm pull --untar --untardir {untar_dir} oci://{}/{}{version}` and commit it",
            oci.trim_end_matches('/'),
            c.name
        )
    } else {
        format!(
            "vendor it once with `helm pull --untar --untardir {untar_dir} --repo {} {}{version}` and commit it",
            c.repo, c.name
        )
    };
    k.error(
        &c.name,
        format!(
            "helmCharts: chart `{}` not found at {rel} nor as {archive} (kiln does not download charts: {how})",
            c.name
        ),
    )
}

/// A values file as kustomize reads it before merging `valuesInline` into it (kyaml, then back
/// to YAML through JSON for helm): only `true`/`false` (any case) are booleans, so `yes`, `on`,
/// `y` stay strings; a plain timestamp (`2024-01-02`, `2024-01-02 10:20:30`) becomes its RFC 3339
/// text (`2024-01-02T00:00:00Z`).
fn parse_as_kyaml(text: &str, display: &str) -> Result<Map<String, Value>> {
    let mut map =
        match crate::yaml::parse_document_as(text, display, 0, crate::yaml::Flavor::Kustomize)? {
            Value::Null => Map::new(),
            Value::Object(m) => m,
            _ => {
                return Err(Error::new(
                    crate::error::ErrorKind::Values,
                    format!("{display}: a values file must be a map"),
                ))
            }
        };
    for v in map.values_mut() {
        timestamps_as_rfc3339(v, text, 0);
    }
    Ok(map)
}

/// Rewrites the plain timestamps of a value read by kyaml (a timestamp written quoted in `text`
/// stays as written). Nesting is bounded by the YAML parser's own depth limit.
fn timestamps_as_rfc3339(v: &mut Value, text: &str, depth: usize) {
    if depth > 256 {
        return;
    }
    match v {
        Value::String(s) => {
            if let Some(t) = rfc3339(s) {
                if written_plain(text, s) {
                    *s = t;
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| timestamps_as_rfc3339(i, text, depth + 1)),
        Value::Object(m) => m
            .values_mut()
            .for_each(|i| timestamps_as_rfc3339(i, text, depth + 1)),
        _ => {}
    }
}

/// Whether `s` is written somewhere in `text` without quotes (the values are not tied back to
/// their lines: a timestamp written both plain and quoted is taken as plain everywhere).
fn written_plain(text: &str, s: &str) -> bool {
    text.match_indices(s).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + s.len()..].chars().next();
        let quote = |c: Option<char>| matches!(c, Some('"' | '\''));
        !quote(before) && !quote(after)
    })
}

/// A YAML timestamp as Go's yaml.v3 reads one (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`
/// with `T` or `t`, `2006-1-2 15:4:5.999999999` in UTC), written as Go's JSON writes a
/// `time.Time` (RFC 3339 with nanoseconds, trailing zeros cut, `Z` for UTC); `None` when `s` is
/// not one.
fn rfc3339(s: &str) -> Option<String> {
    fn digits(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n < min || n > max {
            return None;
        }
        Some((s[..n].parse().ok()?, &s[n..]))
    }
    let (year, rest) = digits(s, 4, 4)?;
    let (month, rest) = digits(rest.strip_prefix('-')?, 1, 2)?;
    let (day, rest) = digits(rest.strip_prefix('-')?, 1, 2)?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let (zoned, rest) = match rest.as_bytes()[0] {
        b'T' | b't' => (true, &rest[1..]),
        b' ' => (false, &rest[1..]),
        _ => return None,
    };
    let (hour, rest) = digits(rest, 1, 2)?;
    let (min, rest) = digits(rest.strip_prefix(':')?, 1, 2)?;
    let (sec, mut rest) = digits(rest.strip_prefix(':')?, 1, 2)?;
    if hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    let mut frac = String::new();
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        frac = r[..n].trim_end_matches('0').to_string();
        rest = &r[n..];
    }
    let zone = if !zoned {
        if !rest.is_empty() {
            return None;
        }
        "Z".to_string()
    } else if rest == "Z" {
        "Z".to_string()
    } else {
        let sign = rest.chars().next().filter(|c| *c == '+' || *c == '-')?;
        let (zh, r) = digits(&rest[1..], 2, 2)?;
        let (zm, r) = digits(r.strip_prefix(':')?, 2, 2)?;
        if !r.is_empty() || zh > 23 || zm > 59 {
            return None;
        }
        if zh == 0 && zm == 0 {
            "Z".to_string()
        } else {
            format!("{sign}{zh:02}:{zm:02}")
        }
    };
    let frac = if frac.is_empty() {
        frac
    } else {
        format!(".{frac}")
    };
    Some(format!("{date}T{hour:02}:{min:02}:{sec:02}{frac}{zone}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValuesMerge {
    Override,
    Merge,
    Replace,
}

fn has_inline(c: &HelmChart) -> bool {
    c.values_inline.as_ref().is_some_and(|m| !m.is_empty())
}

/// kustomize's `merge2.Merge(src, dest)` on values: maps merge recursively, `src` wins for
/// scalars and lists, a `null` in `src` removes the key from `dest`.
fn kyaml_merge(mut dest: Map<String, Value>, src: Map<String, Value>) -> Map<String, Value> {
    for (key, value) in src {
        match value {
            Value::Null => {
                dest.remove(&key);
            }
            Value::Object(src_map) => match dest.remove(&key) {
                Some(Value::Object(dest_map)) => {
                    dest.insert(key, Value::Object(kyaml_merge(dest_map, src_map)));
                }
                _ => {
                    dest.insert(key, Value::Object(kyaml_merge(Map::new(), src_map)));
                }
            },
            other => {
                dest.insert(key, other);
            }
        }
    }
    dest
}

/// The `helm.sh/hook` events of an object (empty when it is not a hook).
fn hook_events(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/annotations/helm.sh~1hook")
        .and_then(Value::as_str)
        .map(|s| {
            s.split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Helm's test hooks (`test`, and the older `test-success` / `test-failure`).
fn is_test_hook(events: &[String]) -> bool {
    events
        .iter()
        .any(|e| e == "test" || e == "test-success" || e == "test-failure")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn kyaml_merge_drops_nulls_and_replaces_lists() {
        let dest = map(json!({"a": {"b": 1, "c": [1, 2]}, "d": 1, "e": "x"}));
        let src = map(json!({"a": {"c": [3], "n": null}, "d": null, "f": {"g": null, "h": 2}}));
        assert_eq!(
            Value::Object(kyaml_merge(dest, src)),
            json!({"a": {"b": 1, "c": [3]}, "e": "x", "f": {"h": 2}})
        );
    }

    #[test]
    fn timestamps_read_as_yaml_v3_and_written_as_go_json() {
        for (input, want) in [
            ("2024-01-02", Some("2024-01-02T00:00:00Z")),
            ("2024-1-2", Some("2024-01-02T00:00:00Z")),
            ("2024-01-02 10:20:30", Some("2024-01-02T10:20:30Z")),
            ("2024-01-02t10:20:30.50Z", Some("2024-01-02T10:20:30.5Z")),
            (
                "2024-01-02T10:20:30+02:00",
                Some("2024-01-02T10:20:30+02:00"),
            ),
            ("2024-01-02T10:20:30-00:00", Some("2024-01-02T10:20:30Z")),
            ("2024-02-30", None),
            ("2024-01-02T10:20:30", None),
            ("2024-01-02 10:20:30Z", None),
            ("24-01-02", None),
            ("1:30", None),
        ] {
            assert_eq!(rfc3339(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn chart_dir_follows_kustomize() {
        let c = HelmChart {
            name: "redis".into(),
            version: "1.2.3".into(),
            repo: "https://charts.example.com".into(),
            ..Default::default()
        };
        let g = HelmGlobals::default();
        assert_eq!(chart_dir(&g, &c).1, "charts/redis-1.2.3/redis");
        let local = HelmChart {
            name: "redis".into(),
            version: "1.2.3".into(),
            ..Default::default()
        };
        let g = HelmGlobals {
            chart_home: "vendor/".into(),
            ..Default::default()
        };
        assert_eq!(chart_dir(&g, &local).1, "vendor/redis");
    }
}
