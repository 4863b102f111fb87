//! `chart-render`: the chart renders with its values (as given on the command line).

use super::Sink;
use crate::lint::set::LintSet;

pub fn check(set: &LintSet, sink: &mut Sink) {
    for chart in &set.charts {
        let Some(e) = &chart.render_error else {
            continue;
        };
        if e.kind() == crate::ErrorKind::Schema
            || (e.kind() == crate::ErrorKind::Chart && e.message().starts_with("Chart.yaml"))
        {
            continue; // chart-values-schema and chart-metadata report these
        }
        let (file, line) = match e.location() {
            Some(l) => (chart.file_path(&l.file), l.line),
            None => (chart.shown("Chart.yaml"), 1),
        };
        let mut message = format!("the chart does not render: {}", e.message());
        for n in e.notes() {
            message.push_str(&format!(" ({n})"));
        }
        sink.file(file, line, message);
    }
}
