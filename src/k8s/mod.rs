//! Embedded Kubernetes API knowledge (stub: being written).
