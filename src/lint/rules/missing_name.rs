//! `missing-name`: objects without `metadata.name`.

use super::Sink;
use crate::lint::set::{str_at, LintSet};

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if r.name().is_empty() && str_at(&r.value, &["metadata", "generateName"]).is_empty() {
            sink.object(
                i,
                "metadata",
                format!("{} has no metadata.name: give it a name", r.kind()),
            );
        }
    }
}
