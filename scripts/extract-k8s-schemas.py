#!/usr/bin/env python3
"""Extract the Kubernetes JSON schemas kiln validates against (src/k8s/schemas/k8s-schemas.json).

Source: the strict schemas of the `kubernetes-validate` PyPI package (Apache-2.0), directories
`kubernetes-json-schema/v<X.Y>.0-local-strict/` for every Kubernetes version in VERSIONS the package
ships. Each directory holds `_definitions.json` (every OpenAPI definition as JSON schema draft 2020-12,
`additionalProperties: false` wherever a definition lists properties) and one root schema per definition,
`<kind>-<group>-<version>.json` (`deployment-apps-v1.json`, `pod-v1.json`), which kubernetes-validate
picks by the object's kind (lowercased) and apiVersion (group up to its first dot).

Usage:
    scripts/extract-k8s-schemas.py [SCHEMA_ROOT] [OUTPUT]

SCHEMA_ROOT is the package's `kubernetes-json-schema` directory; without it the package is found
through the reference tools (shared/tools/get-reference-tools.sh, or KILN_REFERENCE_BIN naming their
bin directory; the venv beside it) or the interpreter running this script.

Output (minified JSON, read by src/k8s/validate.rs):

    {"x-kiln": {...provenance...},
     "pool": [schema, ...],                      # every distinct schema once, across all versions
     "versions": {
       "1.35": {
         "defs": {"io.k8s.api.apps.v1.Deployment": 17, ...},     # definition name -> pool index
         "roots": {"deployment-apps-v1": [412, ["apps", "Deployment", "v1"]], ...},
         "fields": ["affinity-v1", ...]}}}       # root schemas of definitions that are not kinds

What is kept: the validation keywords (type, properties, additionalProperties, items, required, enum,
oneOf/anyOf/allOf, $ref). What is dropped: descriptions, `format` (kubernetes-validate's validator
runs without a format checker, so formats never fail), and the `x-kubernetes-*` extensions (patch and
list metadata; src/k8s/data keeps what kiln needs of it). The script fails on any other keyword, so a
new one cannot be dropped silently. Definitions identical across versions (most of them) are stored
once in `pool`.

Roots: `roots` lists the root schemas of kinds (definitions with `x-kubernetes-group-version-kind`),
keyed like kubernetes-validate's file names without `.json`, with the root's group, kind and version.
A root differs from its definition in nullability (the top level is `object`, not `[object, null]`,
and inline properties of the root are nullable), so roots are extracted from their own files. Root
schemas of other definitions (`affinity-v1`) are only listed in `fields`: kubernetes-validate would
validate `kind: Affinity` against them and fail on `apiVersion`/`kind` (unknown fields); kiln
reports such an object as invalid without needing the schema.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kubernetes_validate_path  # noqa: E402

VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]

KEEP = {"type", "properties", "additionalProperties", "items", "required", "enum", "oneOf", "anyOf",
        "allOf", "not", "$ref", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems",
        "maxItems", "uniqueItems", "const"}
DROP = {"description", "format", "discriminator", "default", "example", "$schema", "$id"}
REF_PREFIX = "/api/_definitions.json#/$defs/"


def find_root():
    root = kubernetes_validate_path.schema_root()
    if root:
        return root
    sys.exit("kubernetes-validate not found: pass the path of its kubernetes-json-schema directory")


def strip(schema, where):
    """A copy of `schema` with only validation keywords; `$ref`s point into `#/$defs/`."""
    if isinstance(schema, bool):
        return schema
    out = {}
    for key, value in schema.items():
        if key in DROP or key.startswith("x-kubernetes-"):
            continue
        if key not in KEEP:
            sys.exit("%s: unexpected keyword %r: add it to KEEP or DROP" % (where, key))
        if key == "properties":
            out[key] = {name: strip(s, where + "/" + name) for name, s in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = strip(value, where + "/" + key) if isinstance(value, dict) else value
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [strip(s, where + "/" + key) for s in value]
        elif key == "$ref":
            if value.startswith(REF_PREFIX):
                value = "#/$defs/" + value[len(REF_PREFIX):]
            if not value.startswith("#/$defs/"):
                sys.exit("%s: unexpected $ref %r" % (where, value))
            out[key] = value
        else:
            out[key] = value
    return out


def root_key(definition):
    """kubernetes-validate's file name (without `.json`) for a definition name."""
    parts = definition.split(".")
    kind, version, group = parts[-1].lower(), parts[-2], parts[-3]
    if definition == "io.k8s.apimachinery.pkg.api.resource.Quantity":
        return "quantity-resource"  # the one name the package derives differently
    return "%s-%s" % (kind, version) if group == "core" else "%s-%s-%s" % (kind, group, version)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else find_root()
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "src", "k8s", "schemas", "k8s-schemas.json")

    pool, index = [], {}

    def intern(schema):
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
        if text not in index:
            index[text] = len(pool)
            pool.append(schema)
        return index[text]

    versions = {}
    for version in VERSIONS:
        directory = os.path.join(root, "v%s.0-local-strict" % version)
        if not os.path.isdir(directory):
            print("note: kubernetes-validate has no schemas for %s" % version, file=sys.stderr)
            continue
        with open(os.path.join(directory, "_definitions.json")) as f:
            defs = json.load(f)["$defs"]
        files = {name[:-5] for name in os.listdir(directory) if name.endswith(".json")}
        files -= {"_definitions", "all"}
        entry = {"defs": {}, "roots": {}, "fields": []}
        for name in sorted(defs):
            entry["defs"][name] = intern(strip(defs[name], "%s %s" % (version, name)))
            key = root_key(name)
            if key not in files:
                sys.exit("%s: no root schema %s.json for %s" % (version, key, name))
            files.discard(key)
            gvks = defs[name].get("x-kubernetes-group-version-kind")
            if not gvks:
                entry["fields"].append(key)
                continue
            with open(os.path.join(directory, key + ".json")) as f:
                root_schema = strip(json.load(f), "%s %s.json" % (version, key))
            # The file's kind: the one whose kind and group match the file name.
            own = [g for g in gvks if g["kind"].lower() == key.split("-")[0]]
            g = (own or gvks)[0]
            entry["roots"][key] = [intern(root_schema), [g["group"], g["kind"], g["version"]]]
        if files:
            sys.exit("%s: root schemas without a definition: %s" % (version, sorted(files)))
        versions[version] = entry

    result = {
        "x-kiln": {
            "source": "kubernetes-validate kubernetes-json-schema/v<version>.0-local-strict (Apache-2.0), "
                      "stripped by scripts/extract-k8s-schemas.py",
            "versions": sorted(versions),
        },
        "pool": pool,
        "versions": versions,
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: versions %s, %d distinct schemas, %d bytes"
          % (os.path.relpath(out), ", ".join(sorted(versions)), len(pool), os.path.getsize(out)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
