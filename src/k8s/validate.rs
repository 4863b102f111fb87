//! Schema validation of Kubernetes objects, strict like `kubernetes-validate --strict`.
//!
//! A [`Validator`] checks objects against the JSON schemas of one Kubernetes version (1.33 to 1.37,
//! [`SCHEMA_VERSIONS`]) and against the CustomResourceDefinitions given to it
//! ([`Validator::add_crd`]). [`Validator::validate`] gives a [`Verdict`]: valid, invalid with its
//! [`Violation`]s (a JSON pointer and a short message), or skipped with the reason (a custom resource
//! without a CRD, an apiVersion the version no longer serves).
//!
//! # Data
//!
//! `src/k8s/schemas/k8s-schemas.json` is written by `scripts/extract-k8s-schemas.py` from the strict
//! schemas of the `kubernetes-validate` PyPI package (Apache-2.0): for each version, every
//! definition of `_definitions.json` and the root schema of every kind, with descriptions, formats
//! and `x-kubernetes-*` extensions stripped and schemas shared by several versions stored once (about
//! 860 kB, embedded with `include_str!`). It is parsed on first use; each version's definitions
//! become one `jsonschema` registry resource, built once per version on first use.
//!
//! # How an object finds its schema
//!
//! Like kubernetes-validate: the key is the kind lowercased and the apiVersion with its group cut
//! at the first dot (`rbac.authorization.k8s.io/v1` ClusterRole → `clusterrole-rbac-v1`), so
//! `kind: deployment` finds the Deployment schema and fails on its `kind` enum. One deliberate
//! difference: a group that only starts like a built-in one (`apps.example.com/v1` Deployment) is a
//! custom resource here (skipped without a CRD), where kubernetes-validate checks it against the
//! built-in schema and reports the apiVersion. A definition that is not a kind (`v1` Affinity) is
//! invalid, as it is there. A CRD's kinds take precedence over the built-in ones.
//!
//! # Strictness
//!
//! The strict schemas say `additionalProperties: false` wherever a type lists its properties, so
//! unknown fields are errors (`unknown field "restartPolicey"`). Every type admits `null` (as in
//! kubernetes-validate), except that an int-or-string or quantity field set to `null` is invalid
//! (its schema is `oneOf` string/integer, and `null` matches both). Formats (`date-time`, `int32`,
//! `byte`) are not checked: kubernetes-validate does not check them either. The schemas have enums
//! only for `apiVersion` and `kind`, so values like `restartPolicy: Sometimes` pass here (the lint
//! rules check those). Compiled validators are cached per version and root schema (shared by
//! every [`Validator`] of that version) and per CRD kind, so each kind is compiled once.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Registry, ValidationError};
use serde_json::{json, Map, Value};

use crate::{Error, ErrorKind, Result};

/// The Kubernetes minor versions whose schemas are embedded, oldest first.
pub const SCHEMA_VERSIONS: &[&str] = &["1.33", "1.34", "1.35", "1.36", "1.37"];

const DATA: &str = include_str!("schemas/k8s-schemas.json");

/// The URI of a version's definitions document inside its registry (the `$id` kubernetes-validate
/// gives `_definitions.json`); every `$ref` of the data points into it.
const DEFS_URI: &str = "https://kubernetes.io/api/_definitions.json";

/// API groups Kubernetes no longer serves at all (their kinds moved to other groups), so that
/// `extensions/v1beta1` Ingress is reported as removed rather than as a custom resource.
const REMOVED_GROUPS: &[&str] = &["extensions"];

/// Definition name of object metadata, which CRD schemas reference at their root.
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// The outcome of validating one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The object matches its schema.
    Valid,
    /// The object violates its schema; never empty.
    Invalid(Vec<Violation>),
    /// No schema applies; the reason says why, e.g. `custom resource keda.sh/v1alpha1 ScaledObject
    /// has no schema: pass --crd`.
    Skipped(String),
}

impl Verdict {
    /// Whether this is [`Verdict::Invalid`].
    pub fn is_invalid(&self) -> bool {
        matches!(self, Verdict::Invalid(_))
    }
}

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// A JSON pointer to the offending value (`/spec/template/spec/restartPolicey`; `~1` escapes a
    /// `/` in a key, `~0` a `~`); empty for the whole object.
    pub path: String,
    /// A short message: `unknown field "restartPolicey"`, `got string, want integer`,
    /// `missing required field "containers"`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Validates objects against the schemas of one Kubernetes version and of registered CRDs.
///
/// ```
/// use kiln::k8s::validate::{Validator, Verdict};
/// let v = Validator::new("1.35").unwrap();
/// let cm = serde_json::json!({
///     "apiVersion": "v1", "kind": "ConfigMap",
///     "metadata": {"name": "x"}, "data": {"a": "b"}, "dta": {}});
/// let Verdict::Invalid(violations) = v.validate(&cm) else { panic!() };
/// assert_eq!(violations[0].path, "/dta");
/// assert_eq!(violations[0].message, r#"unknown field "dta""#);
/// ```
///
/// Cloning is cheap and shares the compiled CRD schemas: register the CRDs common to many sets
/// once, then clone and add each set's own.
#[derive(Clone)]
pub struct Validator {
    builtin: &'static Builtin,
    /// CRD schemas by apiVersion and kind, compiled on first use: a CRD whose kind no object uses
    /// costs only its registration.
    crds: HashMap<String, HashMap<String, Arc<CrdSchema>>>,
    /// The versions each CRD serves, by group and kind.
    crd_versions: HashMap<(String, String), BTreeSet<String>>,
}

/// One served version of a CRD: its `openAPIV3Schema`, compiled when an object first needs it.
struct CrdSchema {
    /// The version's schema as written (`None`: the version has none and admits any fields).
    source: Option<Value>,
    compiled: OnceLock<std::result::Result<Arc<jsonschema::Validator>, String>>,
}

impl Validator {
    /// Compiles a CRD schema (once).
    fn crd_validator(
        &self,
        crd: &CrdSchema,
    ) -> std::result::Result<Arc<jsonschema::Validator>, String> {
        crd.compiled
            .get_or_init(|| {
                let schema = match &crd.source {
                    Some(s) => crd_root_schema(s),
                    None => json!({"type": ["object", "null"]}),
                };
                self.builtin
                    .compile(&schema)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("kube_version", &self.builtin.version)
            .field("crds", &self.crd_versions)
            .finish()
    }
}

impl Validator {
    /// A validator for a Kubernetes version: `1.35`, `1.35.0` or `v1.35.2` (the patch level is
    /// ignored). A version without embedded schemas is an [`ErrorKind::Usage`] error naming the
    /// shipped ones.
    pub fn new(kube_version: &str) -> Result<Validator> {
        let index = version_index(kube_version)?;
        Ok(Validator {
            builtin: builtin(index),
            crds: HashMap::new(),
            crd_versions: HashMap::new(),
        })
    }

    /// The Kubernetes minor version validated against (`1.35`).
    pub fn kube_version(&self) -> &'static str {
        self.builtin.version
    }

    /// Registers a CustomResourceDefinition (`apiextensions.k8s.io/v1`, or the `v1beta1` form with
    /// `spec.validation`): each served version's `openAPIV3Schema` validates objects of
    /// `<group>/<version>` and the CRD's kind from then on. The schema is read as a structural
    /// schema, strictly: an object type admits only its `properties` (plus `apiVersion`, `kind` and
    /// `metadata` at the root and in `x-kubernetes-embedded-resource` objects) unless it has
    /// `additionalProperties` or `x-kubernetes-preserve-unknown-fields: true`;
    /// `x-kubernetes-int-or-string` admits integers and strings; `nullable` is implied (the API
    /// server drops `null` fields). Formats are not checked; CEL rules (`x-kubernetes-validations`)
    /// are evaluated by [`super::cel::evaluate`] on [`Validator::crd_schema`] (`kiln lint` does).
    /// A version without a schema admits any fields. The schema compiles when the first object
    /// of its kind is validated.
    pub fn add_crd(&mut self, crd: &Value) -> Result<()> {
        let crd = super::crd::read(crd).map_err(|what| {
            Error::new(
                ErrorKind::Usage,
                format!("not a valid CustomResourceDefinition: {what}"),
            )
        })?;
        let (group, kind, versions) = (crd.group, crd.kind, crd.versions);
        for (version, schema) in versions {
            let api_version = format!("{group}/{version}");
            self.crds.entry(api_version).or_default().insert(
                kind.to_string(),
                Arc::new(CrdSchema {
                    source: schema.cloned(),
                    compiled: OnceLock::new(),
                }),
            );
            self.crd_versions
                .entry((group.to_string(), kind.to_string()))
                .or_default()
                .insert(version.to_string());
        }
        Ok(())
    }

    /// The `openAPIV3Schema` as written of the CRD that serves `api_version` `kind`, if one was
    /// registered (for its CEL rules, [`super::cel::evaluate`]).
    pub fn crd_schema(&self, api_version: &str, kind: &str) -> Option<&Value> {
        self.crds.get(api_version)?.get(kind)?.source.as_ref()
    }

    /// Registers every CustomResourceDefinition among `objects` (other objects are ignored) and
    /// returns how many there were: the CRDs "found in the same input". Stops at the first CRD
    /// that cannot be read.
    pub fn add_crds<'a>(&mut self, objects: impl IntoIterator<Item = &'a Value>) -> Result<usize> {
        let mut n = 0;
        for obj in objects {
            if is_crd(obj) {
                self.add_crd(obj)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Whether `api_version` names a group that is not built into Kubernetes (nor a removed
    /// built-in group like `extensions`): its objects are custom resources, skipped without a CRD.
    /// A [`Verdict::Skipped`] for an object that is *not* a custom resource means its apiVersion
    /// or kind does not exist in this Kubernetes version (`batch/v1beta1` CronJob in 1.35).
    pub fn is_custom_resource(&self, api_version: &str) -> bool {
        let group = api_version.split_once('/').map_or("", |(g, _)| g);
        !self.builtin.groups.contains_key(group) && !REMOVED_GROUPS.contains(&group)
    }

    /// Validates one object (a parsed manifest document).
    pub fn validate(&self, obj: &Value) -> Verdict {
        let Some(map) = obj.as_object() else {
            return invalid("", format!("got {}, want object", json_type(obj)));
        };
        let api_version = match map.get("apiVersion") {
            Some(Value::String(s)) => s.as_str(),
            None => return invalid("", "missing required field \"apiVersion\"".into()),
            Some(other) => {
                return invalid(
                    "/apiVersion",
                    format!("got {}, want string", json_type(other)),
                )
            }
        };
        let kind = match map.get("kind") {
            Some(Value::String(s)) => s.as_str(),
            None => return invalid("", "missing required field \"kind\"".into()),
            Some(other) => {
                return invalid("/kind", format!("got {}, want string", json_type(other)))
            }
        };
        if let Some(crd) = self.crds.get(api_version).and_then(|kinds| kinds.get(kind)) {
            return match self.crd_validator(crd) {
                Ok(v) => run(&v, obj),
                Err(e) => Verdict::Skipped(format!(
                    "the CustomResourceDefinition of {api_version} {kind} has an invalid openAPIV3Schema: {e}"
                )),
            };
        }
        let verdict = self.builtin.validate(api_version, kind, obj);
        if matches!(verdict, Verdict::Skipped(_)) {
            if let Some((group, _)) = api_version.split_once('/') {
                let key = (group.to_string(), kind.to_string());
                if let Some(versions) = self.crd_versions.get(&key) {
                    let served: Vec<String> =
                        versions.iter().map(|v| format!("{group}/{v}")).collect();
                    return Verdict::Skipped(format!(
                        "{api_version} {kind} is not served by its CustomResourceDefinition: use {}",
                        served.join(" or ")
                    ));
                }
            }
        }
        verdict
    }
}

/// Whether an object is a CustomResourceDefinition (`apiextensions.k8s.io`, any version).
pub fn is_crd(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|av| av.starts_with("apiextensions.k8s.io/"))
}

fn invalid(path: &str, message: String) -> Verdict {
    Verdict::Invalid(vec![Violation {
        path: path.to_string(),
        message,
    }])
}

/// Maps `1.35`, `1.35.0`, `v1.35.2` to an index into [`SCHEMA_VERSIONS`].
fn version_index(kube_version: &str) -> Result<usize> {
    let v = kube_version.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut parts = v.split('.');
    let minor = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), patch, None)
            if is_number(a) && is_number(b) && patch.is_none_or(is_number) =>
        {
            format!("{}.{}", a.trim_start_matches('0'), b)
        }
        _ => String::new(),
    };
    SCHEMA_VERSIONS
        .iter()
        .position(|s| *s == minor)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Usage,
                format!(
                    "no schemas for Kubernetes version {kube_version:?}: kiln ships {}",
                    SCHEMA_VERSIONS.join(", ")
                ),
            )
        })
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The embedded data, parsed once.
struct Data {
    pool: Vec<Value>,
    versions: Map<String, Value>,
}

fn data() -> &'static Data {
    static DATA_CELL: OnceLock<Data> = OnceLock::new();
    DATA_CELL.get_or_init(|| {
        let mut doc: Value = serde_json::from_str(DATA).expect("embedded schemas are valid JSON");
        let pool = match doc["pool"].take() {
            Value::Array(a) => a,
            _ => panic!("embedded schemas have a pool"),
        };
        let versions = match doc["versions"].take() {
            Value::Object(m) => m,
            _ => panic!("embedded schemas have versions"),
        };
        Data { pool, versions }
    })
}

/// One version's schemas: the registry, the root schema index and the compiled-validator cache.
struct Builtin {
    version: &'static str,
    registry: Registry<'static>,
    /// Root key (`deployment-apps-v1`) → the group of its kind.
    roots: HashMap<String, String>,
    /// Root keys of definitions that are not kinds (`affinity-v1`).
    fields: HashSet<String>,
    /// Built-in groups ("" is the core group) → kind → versions served.
    groups: HashMap<String, HashMap<String, BTreeSet<String>>>,
    /// Compiled validators by root key.
    cache: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn builtin(index: usize) -> &'static Builtin {
    static CELLS: [OnceLock<Builtin>; 5] = [const { OnceLock::new() }; 5];
    CELLS[index].get_or_init(|| Builtin::load(SCHEMA_VERSIONS[index]))
}

impl Builtin {
    fn load(version: &'static str) -> Builtin {
        let data = data();
        let entry = &data.versions[version];
        let mut defs = Map::new();
        for (name, idx) in entry["defs"].as_object().expect("defs") {
            defs.insert(name.clone(), pool_item(data, idx));
        }
        let mut roots = HashMap::new();
        let mut groups: HashMap<String, HashMap<String, BTreeSet<String>>> = HashMap::new();
        for (key, root) in entry["roots"].as_object().expect("roots") {
            let gvk = &root[1];
            let (group, kind, ver) = (str_at(gvk, 0), str_at(gvk, 1), str_at(gvk, 2));
            defs.insert(root_def(key), pool_item(data, &root[0]));
            roots.insert(key.clone(), group.to_string());
            groups
                .entry(group.to_string())
                .or_default()
                .entry(kind.to_string())
                .or_default()
                .insert(ver.to_string());
        }
        let fields = entry["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let doc = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs});
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(DEFS_URI, doc)
            .and_then(|b| b.prepare())
            .expect("embedded schemas form a valid registry");
        Builtin {
            version,
            registry,
            roots,
            fields,
            groups,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn compile(
        &self,
        schema: &Value,
    ) -> std::result::Result<jsonschema::Validator, ValidationError<'static>> {
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(false)
            .with_registry(&self.registry)
            .build(schema)
    }

    fn validator(&self, key: &str) -> Arc<jsonschema::Validator> {
        if let Some(v) = self.cache.lock().expect("cache lock").get(key) {
            return v.clone();
        }
        let schema = json!({"$ref": format!("{DEFS_URI}#/$defs/{}", root_def(key))});
        let compiled = Arc::new(
            self.compile(&schema)
                .expect("embedded root schemas compile"),
        );
        self.cache
            .lock()
            .expect("cache lock")
            .entry(key.to_string())
            .or_insert(compiled)
            .clone()
    }

    fn validate(&self, api_version: &str, kind: &str, obj: &Value) -> Verdict {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        // kubernetes-validate's file name: `<kind>-<group up to its first dot>-<version>`.
        let short_group = group.split('.').next().unwrap_or("");
        let key = if api_version.contains('/') {
            format!("{}-{short_group}-{version}", kind.to_lowercase())
        } else {
            format!("{}-{api_version}", kind.to_lowercase())
        };
        if let Some(root_group) = self.roots.get(&key) {
            if root_group == group {
                return run(&self.validator(&key), obj);
            }
        } else if self.fields.contains(&key) && self.groups.contains_key(group) {
            return invalid(
                "/kind",
                format!("{api_version} has no kind {kind:?} (it is the name of a field type)"),
            );
        }
        if !self.groups.contains_key(group) && !REMOVED_GROUPS.contains(&group) {
            // Keep in step with `Validator::is_custom_resource`.
            return Verdict::Skipped(format!(
                "custom resource {api_version} {kind} has no schema: pass --crd"
            ));
        }
        // A built-in group: name where this version serves the kind, if anywhere.
        let mut served: Vec<String> = Vec::new();
        let mut groups: Vec<&String> = self.groups.keys().collect();
        groups.sort_by_key(|g| (g.as_str() != group, g.as_str()));
        for g in groups {
            if let Some(versions) = self.groups[g].get(kind) {
                served.extend(versions.iter().map(|v| {
                    if g.is_empty() {
                        v.clone()
                    } else {
                        format!("{g}/{v}")
                    }
                }));
            }
        }
        if served.is_empty() {
            Verdict::Skipped(format!(
                "{api_version} {kind} is not a kind of Kubernetes {}",
                self.version
            ))
        } else {
            Verdict::Skipped(format!(
                "{api_version} {kind} is not served by Kubernetes {}: use {}",
                self.version,
                served.join(" or ")
            ))
        }
    }
}

fn pool_item(data: &Data, idx: &Value) -> Value {
    let i = idx.as_u64().expect("pool index") as usize;
    data.pool[i].clone()
}

fn str_at(v: &Value, i: usize) -> &str {
    v[i].as_str().unwrap_or("")
}

/// The name under which a root schema sits in a version's `$defs`.
fn root_def(key: &str) -> String {
    format!("kiln.root.{key}")
}

fn run(validator: &jsonschema::Validator, obj: &Value) -> Verdict {
    if validator.is_valid(obj) {
        return Verdict::Valid;
    }
    let mut violations = Vec::new();
    for error in validator.iter_errors(obj) {
        push_violations(&error, &mut violations);
    }
    if violations.is_empty() {
        return Verdict::Valid;
    }
    for v in &mut violations {
        redact_secret(obj, v);
    }
    violations.sort();
    violations.dedup();
    Verdict::Invalid(violations)
}

/// Takes a value that may be secret out of a violation's message: any value under a key named
/// like a secret, and every value in a Secret's `data` and `stringData`.
fn redact_secret(obj: &Value, v: &mut Violation) {
    let segments: Vec<String> = v
        .path
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let in_secret_data = obj.get("kind").and_then(Value::as_str) == Some("Secret")
        && matches!(
            segments.first().map(String::as_str),
            Some("data" | "stringData")
        );
    if !in_secret_data && !segments.iter().any(|s| crate::error::is_secret_key(s)) {
        return;
    }
    let Some(value) = obj.pointer(&v.path) else {
        return;
    };
    let mut shown = vec![value.to_string()];
    if let Some(text) = value.as_str() {
        shown.push(format!("{text:?}"));
        shown.push(text.to_string());
    }
    for s in shown.iter().filter(|s| !s.is_empty()) {
        v.message = v.message.replace(s.as_str(), crate::error::REDACTED);
    }
}

fn push_violations(error: &ValidationError<'_>, out: &mut Vec<Violation>) {
    let path = error.instance_path().as_str().to_string();
    let instance: &Value = error.instance();
    let message = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for field in unexpected {
                out.push(Violation {
                    path: format!("{path}/{}", escape_pointer(field)),
                    message: format!("unknown field {field:?}"),
                });
            }
            return;
        }
        ValidationErrorKind::FalseSchema => {
            // `additionalProperties: false` reached through a property name.
            let field = path.rsplit('/').next().unwrap_or("");
            format!("unknown field {:?}", unescape_pointer(field))
        }
        ValidationErrorKind::Type { kind } => {
            format!("got {}, want {}", json_type(instance), type_names(kind))
        }
        ValidationErrorKind::Required { property } => match property.as_str() {
            Some(p) => format!("missing required field {p:?}"),
            None => format!("missing required field {property}"),
        },
        ValidationErrorKind::Enum { options } => {
            let options = match options.as_ref() {
                Value::Array(items) => items.iter().map(Value::to_string).collect::<Vec<_>>(),
                other => vec![other.to_string()],
            };
            format!("{instance} is not one of {}", options.join(", "))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("got {instance}, want {expected_value}")
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let mut want = BTreeSet::new();
            let all_types = context.iter().flatten().all(|e| {
                if let ValidationErrorKind::Type { kind } = e.kind() {
                    want.insert(type_names(kind));
                    true
                } else {
                    false
                }
            });
            if all_types && !want.is_empty() {
                let want: Vec<String> = want.into_iter().collect();
                format!("got {}, want {}", json_type(instance), want.join(" or "))
            } else {
                // Report the failures of the alternative that came closest.
                let best = context.iter().min_by_key(|c| c.len());
                let mut inner = Vec::new();
                for e in best.into_iter().flatten() {
                    push_violations(e, &mut inner);
                }
                if inner.is_empty() {
                    "matches none of the allowed forms".to_string()
                } else {
                    out.extend(inner);
                    return;
                }
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            if instance.is_null() {
                "got null, want integer or string".to_string()
            } else {
                "matches more than one of the allowed forms".to_string()
            }
        }
        ValidationErrorKind::Minimum { limit } => format!("got {instance}, want at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("got {instance}, want at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("got {instance}, want more than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("got {instance}, want less than {limit}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("too short: want at least {limit} characters")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("too long: want at most {limit} characters")
        }
        ValidationErrorKind::MinItems { limit } => format!("want at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("want at most {limit} items"),
        ValidationErrorKind::UniqueItems => "items are not unique".to_string(),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{instance} does not match {pattern:?}")
        }
        _ => error.to_string(),
    };
    out.push(Violation { path, message });
}

fn type_names(kind: &TypeKind) -> String {
    let mut names: Vec<&str> = match kind {
        TypeKind::Single(t) => vec![t.as_str()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
    };
    names.retain(|n| *n != "null");
    names.sort_unstable();
    if names.is_empty() {
        "null".to_string()
    } else {
        names.join(" or ")
    }
}

/// The JSON-schema type name of a value (`integer` for whole numbers).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `s` as one JSON pointer token (`~` and `/` escaped).
pub(crate) fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// The strict JSON schema of a CRD version's `openAPIV3Schema`: the root admits `apiVersion`,
/// `kind` and `metadata` (object metadata), whatever the CRD says about them.
fn crd_root_schema(schema: &Value) -> Value {
    let mut root = crd_schema(schema, true);
    add_resource_fields(&mut root);
    root
}

/// Adds `apiVersion`, `kind` and `metadata` to an object schema (the root, or an
/// `x-kubernetes-embedded-resource`).
fn add_resource_fields(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let props = map
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(props) = props.as_object_mut() {
        props.insert("apiVersion".into(), json!({"type": ["string", "null"]}));
        props.insert("kind".into(), json!({"type": ["string", "null"]}));
        props.insert(
            "metadata".into(),
            json!({"$ref": format!("{DEFS_URI}#/$defs/{OBJECT_META}")}),
        );
    }
}

/// Converts an OpenAPI v3 structural schema to a JSON schema. `strict` is false inside
/// `allOf`/`anyOf`/`oneOf`/`not`, whose branches only add value checks in a structural schema.
fn crd_schema(schema: &Value, strict: bool) -> Value {
    let Some(src) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    let preserve = src.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    let int_or_string = src.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    for (key, value) in src {
        match key.as_str() {
            "type" if !int_or_string => {
                if let Some(t) = value.as_str() {
                    out.insert(key.clone(), json!([t, "null"]));
                }
            }
            "properties" => {
                if let Some(props) = value.as_object() {
                    let props: Map<String, Value> = props
                        .iter()
                        .map(|(k, v)| (k.clone(), crd_schema(v, strict)))
                        .collect();
                    out.insert(key.clone(), Value::Object(props));
                }
            }
            "items" | "additionalProperties" => {
                let v = if value.is_object() {
                    crd_schema(value, strict)
                } else {
                    value.clone()
                };
                out.insert(key.clone(), v);
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = value.as_array() {
                    let list = list.iter().map(|s| crd_schema(s, false)).collect();
                    out.insert(key.clone(), Value::Array(list));
                }
            }
            "not" => {
                out.insert(key.clone(), crd_schema(value, false));
            }
            "minimum" | "maximum" => {
                let exclusive = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                if src.get(exclusive) == Some(&Value::Bool(true)) {
                    out.insert(exclusive.to_string(), value.clone());
                } else {
                    out.insert(key.clone(), value.clone());
                }
            }
            "required" => {
                // The API server applies schema defaults before validating: a required field
                // with a default is never missing.
                let props = src.get("properties").and_then(Value::as_object);
                let required: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|name| {
                        let defaulted = name
                            .as_str()
                            .and_then(|n| props?.get(n))
                            .is_some_and(|p| p.get("default").is_some());
                        !defaulted
                    })
                    .cloned()
                    .collect();
                out.insert(key.clone(), Value::Array(required));
            }
            "enum" | "pattern" | "minLength" | "maxLength" | "minItems" | "maxItems"
            | "uniqueItems" | "multipleOf" | "minProperties" | "maxProperties" => {
                out.insert(key.clone(), value.clone());
            }
            _ => {} // descriptions, formats, defaults, nullable, x-kubernetes-* and the like
        }
    }
    if int_or_string {
        out.insert(
            "anyOf".into(),
            json!([{"type": ["integer", "null"]}, {"type": ["string", "null"]}]),
        );
    }
    let is_object =
        src.get("type").and_then(Value::as_str) == Some("object") || src.contains_key("properties");
    if strict && is_object && !preserve && !src.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    let mut out = Value::Object(out);
    if src.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
        add_resource_fields(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(v: &Validator, obj: Value) -> Vec<String> {
        match v.validate(&obj) {
            Verdict::Invalid(vs) => vs.iter().map(|v| v.to_string()).collect(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn versions() {
        for v in ["1.35", "1.35.0", "v1.35.2", " 1.33 ", "1.37"] {
            assert!(Validator::new(v).is_ok(), "{v}");
        }
        for v in ["1.32", "1.38", "1", "1.35.x", "latest", ""] {
            let err = Validator::new(v).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Usage);
            assert!(err.message().contains("1.33, 1.34, 1.35, 1.36, 1.37"));
        }
        assert_eq!(Validator::new("v1.36.1").unwrap().kube_version(), "1.36");
        let data = data();
        let shipped: Vec<&str> = data.versions.keys().map(String::as_str).collect();
        assert_eq!(shipped, SCHEMA_VERSIONS);
    }

    #[test]
    fn strict_messages() {
        let v = Validator::new("1.35").unwrap();
        let job = json!({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "spec": {"backoffLimit": "3", "template": {"spec": {
                "restartPolicey": "Never",
                "restartPolicy": "Sometimes",
                "containers": [{"image": "busybox"}]}}}});
        assert_eq!(
            violations(&v, job),
            [
                "/spec/backoffLimit: got string, want integer",
                "/spec/template/spec/containers/0: missing required field \"name\"",
                "/spec/template/spec/restartPolicey: unknown field \"restartPolicey\"",
            ]
        );
        // The schemas have no enum for restartPolicy (the lint rules check it); kinds have one.
        let pod = json!({"apiVersion": "v1", "kind": "pod", "metadata": {"name": "p"},
            "spec": {"restartPolicy": "Sometimes", "containers": [{"name": "c"}]}});
        assert_eq!(
            violations(&v, pod),
            ["/kind: \"pod\" is not one of \"Pod\""]
        );
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 80, "targetPort": true}]}});
        assert_eq!(
            violations(&v, svc),
            ["/spec/ports/0/targetPort: got boolean, want integer or string"]
        );
    }

    #[test]
    fn skipped() {
        let v = Validator::new("1.35").unwrap();
        let skip = |av: &str, kind: &str| match v.validate(&json!({"apiVersion": av, "kind": kind}))
        {
            Verdict::Skipped(reason) => reason,
            other => panic!("{av} {kind}: {other:?}"),
        };
        assert_eq!(
            skip("keda.sh/v1alpha1", "ScaledObject"),
            "custom resource keda.sh/v1alpha1 ScaledObject has no schema: pass --crd"
        );
        assert_eq!(
            skip("batch/v1beta1", "CronJob"),
            "batch/v1beta1 CronJob is not served by Kubernetes 1.35: use batch/v1"
        );
        assert_eq!(
            skip("apps.example.com/v1", "Deployment"),
            "custom resource apps.example.com/v1 Deployment has no schema: pass --crd"
        );
        assert!(v.is_custom_resource("keda.sh/v1alpha1"));
        assert!(v.is_custom_resource("apps.example.com/v1"));
        assert!(!v.is_custom_resource("batch/v1beta1"));
        assert!(!v.is_custom_resource("extensions/v1beta1"));
        assert!(!v.is_custom_resource("v1"));
        assert_eq!(
            skip("apps/v1", "Foo"),
            "apps/v1 Foo is not a kind of Kubernetes 1.35"
        );
        assert_eq!(
            skip("extensions/v1beta1", "Ingress"),
            "extensions/v1beta1 Ingress is not served by Kubernetes 1.35: use networking.k8s.io/v1"
        );
        assert_eq!(
            skip("v1", "Deployment"),
            "v1 Deployment is not served by Kubernetes 1.35: use apps/v1"
        );
    }

    #[test]
    fn every_kind_of_every_version_compiles() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Validator>();
        for (i, version) in SCHEMA_VERSIONS.iter().enumerate() {
            let b = builtin(i);
            assert_eq!(b.version, *version);
            assert!(b.roots.len() > 80, "{version}: {} kinds", b.roots.len());
            for key in b.roots.keys() {
                b.validator(key);
            }
        }
    }

    #[test]
    fn crd() {
        let mut v = Validator::new("1.35").unwrap();
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"kind": "Widget", "plural": "widgets"},
                "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "required": ["size"], "properties": {
                        "size": {"type": "integer", "minimum": 1},
                        "port": {"x-kubernetes-int-or-string": true},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}}}]}});
        assert_eq!(
            v.add_crds([&crd, &json!({"kind": "ConfigMap"})]).unwrap(),
            1
        );
        let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"size": 2, "port": "http", "extra": {"anything": [1]}}});
        assert_eq!(v.validate(&ok), Verdict::Valid);
        let mut v2 = ok.clone();
        v2["apiVersion"] = json!("example.com/v2");
        assert_eq!(
            v.validate(&v2),
            Verdict::Skipped(
                "example.com/v2 Widget is not served by its CustomResourceDefinition: use example.com/v1"
                    .into()
            )
        );
        let bad = json!({"apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w", "lables": {}},
            "spec": {"size": 0, "sise": 1, "port": 1.5}});
        assert_eq!(
            violations(&v, bad),
            [
                "/metadata/lables: unknown field \"lables\"",
                "/spec/port: got number, want integer or string",
                "/spec/sise: unknown field \"sise\"",
                "/spec/size: got 0, want at least 1",
            ]
        );
    }

    #[test]
    fn secret_values_are_redacted_in_violations() {
        let mut v = Validator::new("1.35").unwrap();
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "dbs.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"kind": "Db", "plural": "dbs"},
                "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "properties": {
                        "adminPassword": {"type": "string", "enum": ["a", "b"]},
                        "mode": {"type": "string", "enum": ["a", "b"]}}}}}}}]}});
        v.add_crds([&crd]).unwrap();
        let bad = json!({"apiVersion": "example.com/v1", "kind": "Db", "metadata": {"name": "d"},
            "spec": {"adminPassword": "hunter2SECRET", "mode": "visible"}});
        let out = violations(&v, bad).join("\n");
        assert!(!out.contains("hunter2SECRET"), "{out}");
        assert!(out.contains("/spec/adminPassword: <redacted>"), "{out}");
        assert!(out.contains("visible"), "{out}");
    }
}
