#!/usr/bin/env bash
# Throughput of the YAML fast path against serde-saphyr (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test yaml_fast -- --ignored --nocapture throughput 2>&1 | grep -E "MB/s|test result"
