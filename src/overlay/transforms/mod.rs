//! The built-in transforms of a kustomization, one file each, registered in the two tables
//! below. Each has the same shape: `fn apply(kustomization, objects) -> Result<()>`.
//! Tables run in kustomize's order.

// Every transform takes `&mut Vec<Obj>` (one signature for the table), though only some add or
// remove objects.
#![allow(clippy::ptr_arg)]

pub mod builtin_plugins;
pub mod charts;
mod common_annotations;
mod config_map_generator;
mod generator;
pub mod helm_charts;
mod images;
mod labels;
mod name_affix;
mod namespace;
mod patches;
mod patches_json6902;
mod patches_strategic_merge;
mod patching;
mod replacements;
mod replicas;
mod secret_generator;
pub mod sort;

use super::kustomization::Loaded;
use super::Obj;
use crate::error::Result;

/// A transform: reads its fields from the kustomization, edits the objects in place.
pub type Transform = fn(&Loaded, &mut Vec<Obj>) -> Result<()>;

/// Generators, run after `resources` (and `charts`), before `components`.
pub const GENERATORS: &[(&str, Transform)] = &[
    ("configMapGenerator", config_map_generator::apply),
    ("secretGenerator", secret_generator::apply),
    ("helmCharts", helm_charts::apply),
];

/// Transforms, run after `components`, in kustomize's order.
pub const TRANSFORMS: &[(&str, Transform)] = &[
    ("patchesStrategicMerge", patches_strategic_merge::apply),
    ("patches", patches::apply),
    ("namespace", namespace::apply),
    ("namePrefix/nameSuffix", name_affix::apply),
    ("labels/commonLabels", labels::apply),
    ("commonAnnotations", common_annotations::apply),
    ("patchesJson6902", patches_json6902::apply),
    ("replicas", replicas::apply),
    ("images", images::apply),
    ("replacements", replacements::apply),
];
