//! A set of API types with their patch metadata and kinds, built from an OpenAPI document.
//!
//! [`Schema::from_openapi`] reads the definitions of an OpenAPI v2 document (`definitions`), an
//! OpenAPI v3 document (`components.schemas`) or a JSON schema bundle (`$defs`, the form of
//! `_definitions.json` in the `kubernetes-validate` package). Per property it keeps what strategic
//! merge patch needs:
//!
//! - `x-kubernetes-patch-strategy` (`merge`, `replace`, `retainKeys`, `merge,retainKeys`),
//!   `x-kubernetes-patch-merge-key` and `x-kubernetes-list-map-keys`;
//! - the type to walk into: a `$ref` (also inside `allOf`), an array's `items`, an inline object schema
//!   with `properties`, or a map's `additionalProperties`.
//!
//! Definitions with `x-kubernetes-group-version-kind` become kinds; `x-kiln-namespaced` (written by
//! `scripts/extract-k8s-openapi.py` into the embedded data) gives their scope. [`Schema::add_crd`]
//! adds the kinds of a CustomResourceDefinition (scope from `spec.scope`, types from each version's
//! `openAPIV3Schema`).
//!
//! Lookups are hash-map reads on prepared indexes; a [`PatchMeta`] is a copyable handle (a schema
//! reference and a type index), so walking a document allocates nothing.

use std::collections::HashMap;

use serde_json::Value;

use crate::{Error, ErrorKind, Result};

/// How a field is patched (`x-kubernetes-patch-strategy`, a comma-separated list).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatchStrategy {
    /// `merge`: a list is merged (by its merge key, or as a set of primitives) instead of replaced.
    pub merge: bool,
    /// `replace`: a map is replaced instead of merged.
    pub replace: bool,
    /// `retainKeys`: clients send `$retainKeys` for this map (a union); applying a patch honours a
    /// `$retainKeys` directive wherever it appears, so this flag is informational.
    pub retain_keys: bool,
}

impl PatchStrategy {
    /// Parses `merge`, `replace`, `retainKeys` or a comma-separated combination; unknown words are
    /// ignored (as the API server ignores them).
    pub fn parse(text: &str) -> PatchStrategy {
        let mut s = PatchStrategy::default();
        for word in text.split(',') {
            match word.trim() {
                "merge" => s.merge = true,
                "replace" => s.replace = true,
                "retainKeys" => s.retain_keys = true,
                _ => {}
            }
        }
        s
    }
}

/// The patch metadata of one field, as seen from the type that holds it.
#[derive(Debug, Clone, Copy)]
pub struct FieldMeta<'a> {
    /// The field's type (for a list, its elements' type); `None` when nothing is known about it.
    pub meta: Option<PatchMeta<'a>>,
    /// The field's patch strategy (default: lists replaced, maps merged).
    pub strategy: PatchStrategy,
    /// The merge key of a list of maps with the merge strategy (`name` for containers).
    pub merge_key: Option<&'a str>,
    /// `x-kubernetes-list-map-keys` of a merged list, where the embedded data or the document has
    /// them (`[containerPort, protocol]` for container ports); empty otherwise.
    pub list_map_keys: &'a [String],
}

impl FieldMeta<'_> {
    /// A field nothing is known about: maps merge, lists are replaced.
    pub const UNKNOWN: FieldMeta<'static> = FieldMeta {
        meta: None,
        strategy: PatchStrategy {
            merge: false,
            replace: false,
            retain_keys: false,
        },
        merge_key: None,
        list_map_keys: &[],
    };
}

/// Patch metadata of one API type, to walk a document with: [`PatchMeta::field`] descends into a
/// field (a list field gives its elements' type), [`PatchMeta::lookup`] also tells the field's
/// strategy and merge key.
///
/// ```
/// let deploy = kiln::k8s::patch_meta("apps/v1", "Deployment").unwrap();
/// let pod = deploy.field("spec").and_then(|m| m.field("template")).and_then(|m| m.field("spec")).unwrap();
/// let containers = pod.lookup("containers");
/// assert!(containers.strategy.merge);
/// assert_eq!(containers.merge_key, Some("name"));
/// assert_eq!(pod.lookup("tolerations").merge_key, None); // tolerations are replaced
/// ```
#[derive(Clone, Copy)]
pub struct PatchMeta<'a> {
    schema: &'a Schema,
    ty: u32,
}

impl std::fmt::Debug for PatchMeta<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.schema.types[self.ty as usize]
            .name
            .as_deref()
            .unwrap_or("<inline>");
        write!(f, "PatchMeta({name})")
    }
}

impl<'a> PatchMeta<'a> {
    /// The type of field `name` (for a list field: of its elements), if known.
    pub fn field(&self, name: &str) -> Option<PatchMeta<'a>> {
        self.lookup(name).meta
    }

    /// Everything known about field `name`: its type, strategy and merge key.
    pub fn lookup(&self, name: &str) -> FieldMeta<'a> {
        let ty = &self.schema.types[self.ty as usize];
        let field = ty.fields.get(name).or(ty.additional.as_ref());
        match field {
            Some(f) => FieldMeta {
                meta: f.ty.map(|ty| PatchMeta {
                    schema: self.schema,
                    ty,
                }),
                strategy: f.strategy,
                merge_key: f.merge_key.as_deref(),
                list_map_keys: &f.list_map_keys,
            },
            None => FieldMeta::UNKNOWN,
        }
    }

    /// The definition name of this type (`io.k8s.api.core.v1.PodSpec`); `None` for inline schemas.
    pub fn definition(&self) -> Option<&'a str> {
        self.schema.types[self.ty as usize].name.as_deref()
    }
}

/// What the schema knows about one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    /// API group (`""` for the core group).
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The definition name of the kind's type (`io.k8s.api.apps.v1.Deployment`), or for a CRD
    /// `<plural>.<group>/<version>`.
    pub definition: String,
    /// `Some(true)` for namespaced kinds, `Some(false)` for cluster-scoped ones, `None` when the
    /// document does not say.
    pub namespaced: Option<bool>,
    ty: u32,
}

#[derive(Debug, Default)]
struct TypeDef {
    name: Option<String>,
    fields: HashMap<Box<str>, Field>,
    /// The values of a map type (`additionalProperties`).
    additional: Option<Field>,
}

#[derive(Debug, Clone, Default)]
struct Field {
    ty: Option<u32>,
    strategy: PatchStrategy,
    merge_key: Option<Box<str>>,
    list_map_keys: Vec<String>,
}

/// Types with patch metadata, and the kinds that use them.
#[derive(Debug, Default)]
pub struct Schema {
    types: Vec<TypeDef>,
    /// kind -> every (group, version) it is known in, with its [`KindInfo`].
    kinds: HashMap<String, Vec<KindInfo>>,
    /// definition name -> type index.
    names: HashMap<String, u32>,
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (`""`, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

/// Orders API versions as Kubernetes does for preference: GA over beta over alpha, higher first.
fn version_rank(version: &str) -> (u8, u32, u32) {
    let rest = version.strip_prefix('v').unwrap_or(version);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    let (stage, minor) = if let Some(n) = tail.strip_prefix("beta") {
        (1, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (0, n.parse().unwrap_or(0))
    } else if tail.is_empty() {
        (2, 0)
    } else {
        (0, 0)
    };
    (stage, major, minor)
}

impl Schema {
    /// The embedded Kubernetes 1.35 data (parsed once, on first use).
    pub fn builtin() -> &'static Schema {
        super::builtin()
    }

    /// Builds a schema from an OpenAPI v2/v3 document or a JSON schema `$defs` bundle, keeping the
    /// `x-kubernetes-patch-*` metadata (see the module docs). Errors when the document has no
    /// definitions or a `$ref` points to a missing one.
    pub fn from_openapi(doc: &Value) -> Result<Schema> {
        let defs = doc
            .get("definitions")
            .or_else(|| doc.pointer("/components/schemas"))
            .or_else(|| doc.get("$defs"))
            .and_then(Value::as_object)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Overlay,
                    "OpenAPI document has no `definitions`, `components.schemas` or `$defs`",
                )
            })?;
        let mut schema = Schema::default();
        let mut index: HashMap<&str, u32> = HashMap::with_capacity(defs.len());
        for name in defs.keys() {
            index.insert(name.as_str(), schema.types.len() as u32);
            schema.names.insert(name.clone(), schema.types.len() as u32);
            schema.types.push(TypeDef {
                name: Some(name.clone()),
                ..TypeDef::default()
            });
        }
        let mut builder = Builder {
            schema: &mut schema,
            index: &index,
        };
        for (name, def) in defs {
            let ty = index[name.as_str()];
            builder.fill(ty, def)?;
        }
        for (name, def) in defs {
            let Some(gvks) = def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
            else {
                continue;
            };
            let namespaced = def.get("x-kiln-namespaced").and_then(Value::as_bool);
            for gvk in gvks {
                let field = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                schema.add_kind(KindInfo {
                    group: field("group"),
                    version: field("version"),
                    kind: field("kind"),
                    definition: name.clone(),
                    namespaced,
                    ty: index[name.as_str()],
                });
            }
        }
        Ok(schema)
    }

    /// Adds the kinds of a CustomResourceDefinition object (`apiextensions.k8s.io/v1`): one per
    /// entry of `spec.versions`, typed by its `schema.openAPIV3Schema` (which may carry
    /// `x-kubernetes-patch-*` extensions), scoped by `spec.scope`.
    pub fn add_crd(&mut self, crd: &Value) -> Result<()> {
        let crd = super::crd::read(crd).map_err(|msg| {
            Error::new(
                ErrorKind::Overlay,
                format!("CustomResourceDefinition: {msg}"),
            )
        })?;
        let (group, kind, plural, namespaced) = (crd.group, crd.kind, crd.plural, crd.namespaced);
        let index = HashMap::new();
        for (version, openapi) in crd.versions {
            let ty = self.types.len() as u32;
            self.names.insert(format!("{plural}.{group}/{version}"), ty);
            self.types.push(TypeDef {
                name: Some(format!("{plural}.{group}/{version}")),
                ..TypeDef::default()
            });
            if let Some(s) = openapi {
                Builder {
                    schema: self,
                    index: &index,
                }
                .fill(ty, s)?;
            }
            self.add_kind(KindInfo {
                group: group.to_string(),
                version: version.to_string(),
                kind: kind.to_string(),
                definition: format!("{plural}.{group}/{version}"),
                namespaced,
                ty,
            });
        }
        Ok(())
    }

    fn add_kind(&mut self, info: KindInfo) {
        let list = self.kinds.entry(info.kind.clone()).or_default();
        list.retain(|k| !(k.group == info.group && k.version == info.version));
        list.push(info);
    }

    /// The kind with exactly this apiVersion (`v1`, `apps/v1`) and kind.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<&KindInfo> {
        let (group, version) = split_api_version(api_version);
        self.kinds
            .get(kind)?
            .iter()
            .find(|k| k.group == group && k.version == version)
    }

    /// The kind in the same group in any version, the preferred version first (GA over beta over
    /// alpha): scope and structure rarely change between versions.
    fn kind_in_group(&self, group: &str, kind: &str) -> Option<&KindInfo> {
        self.kinds
            .get(kind)?
            .iter()
            .filter(|k| k.group == group)
            .max_by_key(|k| version_rank(&k.version))
    }

    /// Whether the group/kind is namespaced; any version of the group counts. `None` when the
    /// schema does not know the kind or its scope.
    pub fn is_namespaced(&self, api_version: &str, kind: &str) -> Option<bool> {
        let (group, _) = split_api_version(api_version);
        self.kinds
            .get(kind)?
            .iter()
            .filter(|k| k.group == group)
            .find_map(|k| k.namespaced)
    }

    /// The patch metadata of a kind's objects: for the exact apiVersion, else for the same group and
    /// kind in its preferred known version (an older `batch/v1beta1` CronJob is patched like
    /// `batch/v1`). `None` for kinds the schema does not know.
    pub fn patch_meta(&self, api_version: &str, kind: &str) -> Option<PatchMeta<'_>> {
        let (group, _) = split_api_version(api_version);
        let info = self
            .kind(api_version, kind)
            .or_else(|| self.kind_in_group(group, kind))?;
        Some(PatchMeta {
            schema: self,
            ty: info.ty,
        })
    }

    /// The patch metadata of a named definition (`io.k8s.api.core.v1.PodSpec`).
    pub fn definition(&self, name: &str) -> Option<PatchMeta<'_>> {
        let ty = *self.names.get(name)?;
        Some(PatchMeta { schema: self, ty })
    }

    /// Every kind in the schema.
    pub fn kinds(&self) -> impl Iterator<Item = &KindInfo> {
        self.kinds.values().flatten()
    }
}

struct Builder<'s, 'i> {
    schema: &'s mut Schema,
    index: &'i HashMap<&'i str, u32>,
}

impl Builder<'_, '_> {
    /// Fills type `ty` from an object schema: its properties and additionalProperties.
    fn fill(&mut self, ty: u32, def: &Value) -> Result<()> {
        let Some(def) = def.as_object() else {
            return Ok(());
        };
        // `allOf: [{$ref}]` on a definition: take the referenced type's fields too.
        if let Some(all) = def.get("allOf").and_then(Value::as_array) {
            for part in all {
                if part.get("$ref").is_none() {
                    self.fill(ty, part)?;
                }
            }
        }
        if let Some(props) = def.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let field = self.field(prop)?;
                self.schema.types[ty as usize]
                    .fields
                    .insert(name.as_str().into(), field);
            }
        }
        if let Some(extra) = def.get("additionalProperties").filter(|v| v.is_object()) {
            let field = self.field(extra)?;
            self.schema.types[ty as usize].additional = Some(field);
        }
        Ok(())
    }

    fn field(&mut self, prop: &Value) -> Result<Field> {
        let obj = prop.as_object();
        let ext = |k: &str| obj.and_then(|o| o.get(k)).and_then(Value::as_str);
        Ok(Field {
            ty: self.walk_type(prop)?,
            strategy: ext("x-kubernetes-patch-strategy")
                .map(PatchStrategy::parse)
                .unwrap_or_default(),
            merge_key: ext("x-kubernetes-patch-merge-key").map(Into::into),
            list_map_keys: obj
                .and_then(|o| o.get("x-kubernetes-list-map-keys"))
                .and_then(Value::as_array)
                .map(|keys| {
                    keys.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The type a property walks into: `$ref`, `allOf` with a `$ref`, array items, or an inline object.
    fn walk_type(&mut self, prop: &Value) -> Result<Option<u32>> {
        let Some(obj) = prop.as_object() else {
            return Ok(None);
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            return self.resolve(r).map(Some);
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for part in all {
                if let Some(r) = part.get("$ref").and_then(Value::as_str) {
                    return self.resolve(r).map(Some);
                }
            }
        }
        if let Some(items) = obj.get("items") {
            return self.walk_type(items);
        }
        if obj.contains_key("properties")
            || obj
                .get("additionalProperties")
                .is_some_and(Value::is_object)
        {
            let ty = self.schema.types.len() as u32;
            self.schema.types.push(TypeDef::default());
            self.fill(ty, prop)?;
            return Ok(Some(ty));
        }
        Ok(None)
    }

    fn resolve(&self, reference: &str) -> Result<u32> {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        self.index.get(name).copied().ok_or_else(|| {
            Error::new(
                ErrorKind::Overlay,
                format!("OpenAPI document: `$ref` to a missing definition `{reference}`"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategy_parse() {
        let s = PatchStrategy::parse("merge,retainKeys");
        assert!(s.merge && s.retain_keys && !s.replace);
        assert!(PatchStrategy::parse("replace").replace);
        assert_eq!(PatchStrategy::parse("bogus"), PatchStrategy::default());
    }

    #[test]
    fn version_preference() {
        assert!(version_rank("v1") > version_rank("v1beta2"));
        assert!(version_rank("v1beta2") > version_rank("v1beta1"));
        assert!(version_rank("v1beta1") > version_rank("v1alpha3"));
        assert!(version_rank("v2") > version_rank("v1"));
        assert!(version_rank("v2beta1") < version_rank("v1"));
    }

    #[test]
    fn openapi_v3_inline_and_all_of() {
        let doc = json!({"components": {"schemas": {
            "com.example.v1.Thing": {
                "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Thing"}],
                "properties": {
                    "spec": {"allOf": [{"$ref": "#/components/schemas/com.example.v1.ThingSpec"}]},
                }
            },
            "com.example.v1.ThingSpec": {"properties": {
                "rules": {"type": "array", "items": {"type": "object", "properties": {
                    "ports": {"type": "array", "x-kubernetes-patch-strategy": "merge",
                              "x-kubernetes-patch-merge-key": "port"}}},
                          "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "host"},
                "byName": {"type": "object", "additionalProperties": {"properties": {
                    "tags": {"x-kubernetes-patch-strategy": "merge"}}}}
            }}
        }}});
        let schema = Schema::from_openapi(&doc).unwrap();
        let meta = schema.patch_meta("example.com/v1", "Thing").unwrap();
        let spec = meta.field("spec").unwrap();
        assert_eq!(spec.definition(), Some("com.example.v1.ThingSpec"));
        let rules = spec.lookup("rules");
        assert_eq!(rules.merge_key, Some("host"));
        assert_eq!(rules.meta.unwrap().lookup("ports").merge_key, Some("port"));
        let entry = spec.field("byName").unwrap().field("anything").unwrap();
        assert!(entry.lookup("tags").strategy.merge);
        assert_eq!(schema.is_namespaced("example.com/v1", "Thing"), None);
        assert!(schema.patch_meta("example.com/v1", "Other").is_none());
    }

    #[test]
    fn missing_ref_is_an_error() {
        let doc = json!({"definitions": {"A": {"properties": {"b": {"$ref": "#/definitions/B"}}}}});
        let err = Schema::from_openapi(&doc).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Overlay);
        assert!(
            err.message().contains("#/definitions/B"),
            "{}",
            err.message()
        );
        let err = Schema::from_openapi(&json!({"swagger": "2.0"})).unwrap_err();
        assert!(err.message().contains("no `definitions`"));
    }

    #[test]
    fn crd_kinds_and_scope() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "scaledobjects.keda.sh"},
            "spec": {"group": "keda.sh", "scope": "Namespaced",
                     "names": {"kind": "ScaledObject", "plural": "scaledobjects"},
                     "versions": [{"name": "v1alpha1", "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": {"type": "object", "properties": {
                            "triggers": {"type": "array", "items": {"type": "object"},
                                         "x-kubernetes-patch-strategy": "merge",
                                         "x-kubernetes-patch-merge-key": "name"}}}}}}}]}});
        let mut schema = Schema::default();
        schema.add_crd(&crd).unwrap();
        assert_eq!(
            schema.is_namespaced("keda.sh/v1alpha1", "ScaledObject"),
            Some(true)
        );
        let meta = schema
            .patch_meta("keda.sh/v1alpha1", "ScaledObject")
            .unwrap();
        assert_eq!(
            meta.field("spec").unwrap().lookup("triggers").merge_key,
            Some("name")
        );
        let mut cluster = crd.clone();
        cluster["spec"]["scope"] = json!("Cluster");
        schema.add_crd(&cluster).unwrap();
        assert_eq!(
            schema.is_namespaced("keda.sh/v1alpha1", "ScaledObject"),
            Some(false)
        );
        assert_eq!(
            schema.kinds().count(),
            1,
            "re-adding a CRD replaces its kinds"
        );
    }
}
