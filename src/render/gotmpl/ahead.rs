//! Parsing ahead: the templates of a chart's Go charts do not depend on its values, so they are
//! parsed on a helper thread while the values are computed, and then by every thread that would
//! otherwise wait (the render thread before it executes, the thread that started the render).
//!
//! The work is one shared list of files, taken one at a time in order (largest first); each
//! thread keeps its results until it finds the list empty, then hands them over as a whole. The
//! render thread takes the results it needs by file. Each file's parse is what [`parse`] alone
//! gives it, whichever thread ran it and whatever ran before, so the output never depends on the
//! threads. Templates of subcharts that turn out disabled are parsed for nothing, and their
//! errors are never seen (Helm does not parse them either).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use super::parse::{parse_reusing, ParseError, Parsed, Scratch, PARSE_STACK_BYTES};
use crate::chart::{Chart, TemplateEngine};

/// Below this many bytes of template text, parsing is left to the render thread.
const AHEAD_FROM_BYTES: usize = 64 << 10;

/// One parse result, with the index of its file.
type Done = (usize, Result<Parsed, ParseError>);

/// The results one thread parsed: they move, as a whole, to the render thread.
struct Batch(Vec<Done>);

// SAFETY: a parse tree holds `Rc<str>`s, which are not `Send` because two threads could change
// one count at once. Every `Rc` in a `Batch` was made by the parses of one thread, and every
// clone of it is either inside that thread's results or in its `Scratch` (tokens, node stack,
// names), which the thread drops before it builds the `Batch` (see `AheadParse::work`); the
// parser keeps nothing in statics or thread-locals. So a `Batch` holds every owner of each count
// it holds when it moves (under the mutex of `Shared`), and only the thread that holds it
// touches the counts; the render thread takes results out only after every batch is in.
unsafe impl Send for Batch {}

/// The results handed over so far, and how many files they cover.
#[derive(Default)]
struct Shared {
    batches: Vec<Batch>,
    finished: usize,
}

/// The Go templates of a chart tree, being parsed.
pub struct AheadParse<'c> {
    /// Display path and text of every template to parse, largest first.
    files: Vec<(&'c str, &'c str)>,
    /// Where each text is in `files` (by address and length: the same `SourceFile`).
    index: HashMap<(usize, usize), usize>,
    next: AtomicUsize,
    stop: AtomicBool,
    shared: Mutex<Shared>,
    all_in: Condvar,
    is_func: Box<dyn Fn(&str) -> bool + Sync>,
}

impl<'c> AheadParse<'c> {
    /// The templates of every Go chart of `chart` (enabled or not; only the partials of a library
    /// chart); `None` when there are none.
    pub fn new(chart: &'c Chart) -> Option<Self> {
        let mut files = Vec::new();
        collect(chart, &mut files);
        if files.is_empty() {
            return None;
        }
        let funcs = super::helm::func_map();
        let is_func = Box::new(move |n: &str| super::exec::is_func(&funcs, n));
        files.sort_by(|a: &(&str, &str), b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        let index = files
            .iter()
            .enumerate()
            .map(|(i, (_, text))| ((text.as_ptr() as usize, text.len()), i))
            .collect();
        Some(AheadParse {
            files,
            index,
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            shared: Mutex::new(Shared::default()),
            all_in: Condvar::new(),
            is_func,
        })
    }

    /// Whether a helper thread is worth starting (enough text, more than one core).
    pub fn worth_a_thread(&self) -> bool {
        crate::parallel::threads() >= 2
            && self.files.iter().map(|(_, t)| t.len()).sum::<usize>() >= AHEAD_FROM_BYTES
    }

    /// Starts a helper thread in `scope` that parses until the list is empty.
    pub fn start<'s>(&'s self, scope: &'s std::thread::Scope<'s, '_>) {
        if !self.worth_a_thread() {
            return;
        }
        // A thread that cannot start leaves its share to the others.
        let _ = std::thread::Builder::new()
            .name("kiln-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, move || self.work());
    }

    /// No more files are taken (the render failed before it needed them).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Parses files from the list until it is empty, then hands the results over.
    pub fn work(&self) {
        let mut scratch = Scratch::default();
        let mut done = Vec::new();
        // Should a parse panic, the files this thread took still count as finished (the render
        // thread then parses them itself) so that nobody waits for them forever.
        let mut guard = Unwinding {
            ahead: self,
            taken: 0,
        };
        loop {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some((_, text)) = self.files.get(i) else {
                break;
            };
            guard.taken += 1;
            done.push((i, parse_reusing(text, &*self.is_func, &mut scratch)));
        }
        guard.taken = 0;
        // The scratch holds clones of the names in the results: gone before they move.
        drop(scratch);
        if done.is_empty() {
            return;
        }
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.finished += done.len();
        shared.batches.push(Batch(done));
        self.all_in.notify_all();
    }

    /// The parse results of `texts` (each a template text of the chart this was made for),
    /// in their order: helps with what is left, then waits for the other threads' results.
    pub fn results(&self, texts: &[&str]) -> Vec<Result<Parsed, ParseError>> {
        self.work();
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        while shared.finished < self.files.len().min(self.next.load(Ordering::SeqCst)) {
            shared = self.all_in.wait(shared).unwrap_or_else(|e| e.into_inner());
        }
        let mut by_index: Vec<Option<Result<Parsed, ParseError>>> =
            (0..self.files.len()).map(|_| None).collect();
        for batch in std::mem::take(&mut shared.batches) {
            for (i, r) in batch.0 {
                by_index[i] = Some(r);
            }
        }
        drop(shared);
        let mut scratch = Scratch::default();
        texts
            .iter()
            .map(|text| {
                let found = self.index.get(&(text.as_ptr() as usize, text.len()));
                match found.and_then(|&i| by_index[i].take()) {
                    Some(r) => r,
                    // Not among the files listed (or listed twice): parsed here.
                    None => parse_reusing(text, &*self.is_func, &mut scratch),
                }
            })
            .collect()
    }
}

/// Counts a thread's taken files as finished when it unwinds before handing them over.
struct Unwinding<'a, 'c> {
    ahead: &'a AheadParse<'c>,
    taken: usize,
}

impl Drop for Unwinding<'_, '_> {
    fn drop(&mut self) {
        if self.taken > 0 {
            let mut shared = self.ahead.shared.lock().unwrap_or_else(|e| e.into_inner());
            shared.finished += self.taken;
            self.ahead.all_in.notify_all();
        }
    }
}

/// Display path and text of the templates of every Go chart below `chart` (included).
fn collect<'c>(chart: &'c Chart, out: &mut Vec<(&'c str, &'c str)>) {
    if chart.meta.engine == TemplateEngine::Go {
        for t in &chart.templates {
            if chart.meta.is_library() && !super::helm::is_partial(&t.rel) {
                continue;
            }
            out.push((t.display.as_str(), t.text.as_str()));
        }
    }
    for sub in &chart.subcharts {
        collect(sub, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chart directory with `n` templates of about 1 KiB each (one with a parse error).
    fn chart_dir(n: usize) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kiln-ahead-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        )
        .unwrap();
        for i in 0..n {
            let mut text =
                format!("kind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-{i}\n");
            for j in 0..40 {
                text.push_str(&format!(
                    "  k{j}: {{{{ .Values.a{j} | default \"x\" | quote }}}}\n"
                ));
            }
            if i == n / 2 {
                text.push_str("{{ if }}\n");
            }
            std::fs::write(dir.join(format!("templates/t{i:03}.yaml")), text).unwrap();
        }
        dir
    }

    #[test]
    fn results_are_each_files_own_parse_whichever_thread_ran_it() {
        let dir = chart_dir(120);
        let chart = crate::chart::load_chart(&dir).unwrap();
        let texts: Vec<&str> = chart.templates.iter().map(|t| t.text.as_str()).collect();
        let funcs = super::super::helm::func_map();
        let is_func = |n: &str| super::super::exec::is_func(&funcs, n);
        let alone: Vec<String> = texts
            .iter()
            .map(|t| format!("{:?}", super::super::parse::parse(t, &is_func)))
            .collect();
        assert!(alone.iter().any(|r| r.starts_with("Err")));
        let ahead = AheadParse::new(&chart).unwrap();
        assert!(ahead.files.iter().map(|f| f.1.len()).sum::<usize>() >= AHEAD_FROM_BYTES);
        let shared: Vec<String> = std::thread::scope(|s| {
            ahead.start(s);
            s.spawn(|| ahead.work());
            // In another order than listed, and one text twice.
            let mut asked = texts.clone();
            asked.reverse();
            asked.push(texts[0]);
            let mut got: Vec<String> = ahead
                .results(&asked)
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            let again = got.pop().unwrap();
            assert_eq!(again, alone[0]);
            got.reverse();
            got
        });
        assert_eq!(shared, alone);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
