//! Patch algorithms (stub on main: the real module is being written).
pub mod json6902;
pub mod strategic_merge;
