#!/bin/sh
# The GitHub Action's lint step (action.yml runs this; tests/ci.rs runs it too).
#   KILN_PATHS  what to lint (space-separated; default: .)
#   KILN_ARGS   more `kiln lint` flags (e.g. --strict --kube-version 1.33)
#   KILN_SARIF  where to write the report (default: kiln.sarif)
# Writes the SARIF report, prints a one-line summary, and exits with kiln's status (0 clean,
# 1 findings that fail the run, 2 usage error), after the report is on disk.
set -u
sarif="${KILN_SARIF:-kiln.sarif}"
# shellcheck disable=SC2086 # KILN_PATHS and KILN_ARGS are word lists on purpose.
kiln lint ${KILN_PATHS:-.} ${KILN_ARGS:-} --format sarif > "$sarif"
status=$?
results=$(grep -c '"ruleId"' "$sarif" 2>/dev/null || true)
echo "kiln lint: ${results:-0} findings, report in $sarif (exit $status)"
exit "$status"
