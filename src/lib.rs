//! kiln turns charts (Helm's Go templates, or Jinja templates rendered by minijinja, plus Helm's
//! values rules) and kustomize overlays into the final Kubernetes YAML stream, lints it, and turns
//! plain manifests into charts.
//!
//! The pipeline, one module per stage, in order:
//!
//! ```text
//! chart::load_chart      load Chart.yaml, values.yaml, templates/, crds/, charts/ (dirs or .tgz)
//!   -> values            merge chart defaults, -f files and the --set family (Helm's rules)
//!   -> render            one folder per engine: gotmpl/ (Go text/template as Helm runs it, with
//!                        functions/: Helm's function map) and jinja/ (minijinja)
//!   -> resource          split rendered text into documents, parse, keep origins
//!   -> overlay           kustomization transforms, one file each, one registry table
//!   -> order             install order (Helm's) or kustomize's legacy order
//!   -> emit / lint       write the YAML stream, or check it
//! ```
//!
//! Around the pipeline: `commands/` (one options struct per command; `cli/` only parses flags into
//! them), `fs` (every file read and write, confined to its root, with budgets and staged output),
//! `budget` (the limits on what input can make kiln do). Every stage returns [`Error`], which
//! carries a kind and a source location.

pub mod budget;
pub mod chart;
pub mod chartify;
pub mod cli;
pub mod commands;
pub mod emit;
pub mod error;
pub mod fs;
pub mod functions;
pub mod k8s;
pub mod lint;
pub mod order;
pub mod overlay;
pub mod parallel;
pub mod patch;
pub mod pipeline;
pub mod render;
pub mod resource;
pub mod values;
pub mod yaml;

pub use error::{Error, ErrorKind, Location, Result};
