//! Patch algorithms (stub: being written).
