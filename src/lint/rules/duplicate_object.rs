//! `duplicate-object`: two objects with the same group, kind, namespace and name.

use super::Sink;
use crate::lint::set::LintSet;
use std::collections::HashMap;

pub fn check(set: &LintSet, sink: &mut Sink) {
    let mut seen: HashMap<(&str, &str, &str, &str), usize> = HashMap::new();
    for (i, r) in set.iter() {
        if r.name().is_empty() {
            continue;
        }
        let group = r.api_version().rsplit_once('/').map_or("", |(g, _)| g);
        let key = (group, r.kind(), set.namespace_of(r), r.name());
        match seen.get(&key) {
            Some(&first) => {
                let f = &set.objects[first];
                let hint = if f.source != r.source && set.charts.is_empty() {
                    " (if the two files are independent releases, `--group file` lints each file as a set of its own)"
                } else {
                    ""
                };
                sink.object(
                    i,
                    "metadata.name",
                    format!(
                        "{} `{}` is defined twice (first in {}:{}): the later one overwrites the first on apply; rename or remove one{hint}",
                        r.kind(),
                        r.name(),
                        f.source,
                        f.line
                    ),
                );
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
}
