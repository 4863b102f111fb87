//! `input-invalid`: every input loads. A manifest whose YAML does not parse (a duplicate key, a
//! bad indent) or an overlay that does not build is reported at its file and line, and every
//! other input is still linted: one bad file never hides the report.

use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for f in &set.failures {
        sink.file(f.file.clone(), f.line, f.message.clone());
    }
}
