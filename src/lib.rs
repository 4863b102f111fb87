//! kiln turns charts (Jinja templates rendered by minijinja, plus values) and
//! kustomize-style overlays into the final Kubernetes YAML stream.
//!
//! The pipeline, one module per stage, in order:
//!
//! ```text
//! chart::load_chart      load Chart.yaml, values.yaml, templates/, crds/, charts/
//!   -> values            merge chart defaults, -f files and the --set family (Helm's rules)
//!   -> render            minijinja environment with Helm-named context objects and filters
//!   -> resource          split rendered text into documents, parse, keep origins
//!   -> overlay           kustomization transforms, one file each, one registry table
//!   -> order             install order (Helm's) or kustomize's legacy order
//!   -> emit / lint       write the YAML stream, or check it
//! ```
//!
//! Every stage returns [`Error`], which carries a kind and a source location.

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
pub mod patch;
pub mod pipeline;
pub mod render;
pub mod resource;
pub mod values;
pub mod yaml;

pub use error::{Error, ErrorKind, Location, Result};
