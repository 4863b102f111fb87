//! Parsing ahead: the templates of a chart's Go charts do not depend on its values, so they are
//! parsed on a helper thread while the values are computed, then by every thread that would
//! otherwise wait, while the render thread already executes the templates parsed so far.
//!
//! The work is one shared list of files, taken one at a time in the order the render needs
//! them: first the files that may hold `define`s (every one is needed before anything
//! executes), largest first, then the others in Helm's execution order. Each file's result goes
//! into its own slot as soon as it is parsed; the render thread takes the result of a file when
//! it reaches it, parses it itself when nobody has taken it yet, and while another thread parses
//! it, parses the next file nobody has taken (waiting only when none is left). Each file's
//! parse is what [`parse`] alone gives it, whichever thread ran it and whatever ran before, so
//! the output never depends on the threads.
//! Templates of subcharts that turn out disabled are parsed for nothing, and their errors are
//! never seen (Helm does not parse them either).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use super::parse::{parse_reusing, ParseError, Parsed, Scratch, PARSE_STACK_BYTES};
use crate::chart::{Chart, SourceFile, TemplateEngine};
use crate::render::RenderedFile;
use std::sync::mpsc::Receiver;

/// Below this many bytes of template text, parsing is left to the render thread.
const AHEAD_FROM_BYTES: usize = 64 << 10;

/// One file's parse result, on its way from the thread that parsed it to the render thread.
struct One(Result<Parsed, ParseError>);

// SAFETY: a parse tree holds `Rc<str>`s, which are not `Send` because two threads could change
// one count at once. A helper parses each file with names of its own (`Scratch::forget_names`
// drops the names it shared with earlier files, and the token buffer and node stack are empty
// after every parse), so when a result is put into its slot every clone of each of its `Rc`s
// is inside that result; the parser keeps nothing in statics or thread-locals. The result then
// moves, whole, under the mutex of the slots, and only the thread that takes it out touches
// its counts from then on. The render thread fills slots the same way while it would wait
// (see [`AheadParse::take`]), and so does the thread that read the chart (the render thread)
// while it waited for the rest of the chart ([`EarlyParse`]): a helper may move such a result
// into its slot, whole, without touching its counts.
unsafe impl Send for One {}

/// Where one file's parse stands.
enum Slot {
    /// Nobody has taken it yet.
    Waiting,
    /// A thread is parsing it.
    Taken,
    Done(One),
    /// Its result was handed out.
    Gone,
}

/// The templates in the order they are parsed.
struct List<'c> {
    /// Display path and text of every template to parse, in the order they are taken.
    files: Vec<(&'c str, &'c str)>,
    /// How many of `files` (the first ones) may define templates (see [`may_define`]).
    defining: usize,
    /// Where each text is in `files` (by address and length: the same `SourceFile`).
    index: HashMap<(usize, usize), usize>,
}

impl<'c> List<'c> {
    /// Files with `define`s first (largest first), then the render's order.
    fn new(collected: &[(&'c str, &'c str)]) -> List<'c> {
        let mut keyed: Vec<(bool, (&str, &str))> =
            collected.iter().map(|&f| (may_define(f.1), f)).collect();
        keyed.sort_by(parse_order);
        let defining = keyed.iter().filter(|(d, _)| *d).count();
        let files: Vec<(&str, &str)> = keyed.into_iter().map(|(_, f)| f).collect();
        let index = files
            .iter()
            .enumerate()
            .map(|(i, (_, text))| ((text.as_ptr() as usize, text.len()), i))
            .collect();
        List {
            files,
            defining,
            index,
        }
    }
}

/// The order files are parsed in, each as whether it may define templates, its display path
/// and its text: files with `define`s first (largest first), then the render's order.
fn parse_order(
    (da, a): &(bool, (&str, &str)),
    (db, b): &(bool, (&str, &str)),
) -> std::cmp::Ordering {
    db.cmp(da).then_with(|| {
        if *da {
            b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0))
        } else {
            super::helm::helm_order(a.0, b.0)
        }
    })
}

/// The top chart's templates parsed by the thread that read them, while it waited for the rest
/// of the chart (see [`crate::chart::load_chart_meanwhile`]), in the order [`AheadParse`] takes
/// them; [`AheadParse`] then hands out these results instead of parsing the files again.
#[derive(Default)]
pub struct EarlyParse {
    /// Indices of the templates in the order they are parsed (made on the first step).
    order: Option<Vec<usize>>,
    next: usize,
    scratch: Scratch,
    /// The results by the address and length of their text (the chart's own, which stays put).
    done: HashMap<(usize, usize), One>,
}

impl EarlyParse {
    /// Parses the next file of `templates` (the top chart's, in engine `meta.engine`): false
    /// when none is left, or the chart is not rendered with Go templates.
    pub fn step(&mut self, meta: &crate::chart::ChartMeta, templates: &[SourceFile]) -> bool {
        if meta.engine != TemplateEngine::Go || meta.is_library() {
            return false;
        }
        let order = self.order.get_or_insert_with(|| {
            let keyed: Vec<(bool, (&str, &str))> = templates
                .iter()
                .map(|t| (may_define(&t.text), (t.display.as_str(), t.text.as_str())))
                .collect();
            let mut order: Vec<usize> = (0..templates.len()).collect();
            order.sort_by(|&a, &b| parse_order(&keyed[a], &keyed[b]));
            order
        });
        let Some(text) = order.get(self.next).map(|&i| &templates[i].text) else {
            return false;
        };
        self.next += 1;
        let funcs = super::helm::func_map();
        let r = parse_reusing(text, &|n| super::exec::is_func(funcs, n), &mut self.scratch);
        // Each result holds its own names only (see [`One`]).
        self.scratch.forget_names();
        self.done
            .insert((text.as_ptr() as usize, text.len()), One(r));
        true
    }
}

/// The Go templates of a chart tree, being parsed.
pub struct AheadParse<'c> {
    /// Display path and text of every template to parse, as the chart lists them.
    collected: Vec<(&'c str, &'c str)>,
    /// Their bytes together.
    total_bytes: usize,
    /// The order they are taken in, made by the first thread that needs it (the helper, as a
    /// rule, while the render thread computes the values).
    list: OnceLock<List<'c>>,
    next: AtomicUsize,
    stop: AtomicBool,
    /// The render thread executes: threads that help only until then stop taking files.
    executing: AtomicBool,
    slots: Mutex<Vec<Slot>>,
    /// Signalled whenever a slot is done (or given back by a thread that panicked).
    done: Condvar,
    is_func: Box<dyn Fn(&str) -> bool + Sync>,
    /// Constant `regex*` patterns of the files parsed so far (see [`Parsed::patterns`]).
    patterns: Mutex<Vec<String>>,
    /// A helper thread was started.
    helping: AtomicBool,
    /// Files parsed while the chart was read (see [`EarlyParse`]), until they are handed out or
    /// moved into their slot. Locked after `slots` when both are.
    early: Mutex<HashMap<(usize, usize), One>>,
    /// What the helper thread does once nothing is left to parse.
    reading: Mutex<Reading<'c>>,
    /// Signalled when `reading` is decided.
    reading_decided: Condvar,
}

/// What the helper thread does once nothing is left to parse (see [`AheadParse::read_rendered`]).
enum Reading<'c> {
    /// Not known yet: the render has not started.
    Undecided,
    /// Reads each file the render thread sends, with the reader, until the render ends.
    Files(Receiver<RenderedFile>, &'c (dyn Fn(&RenderedFile) + Sync)),
    /// Nothing: the thread ends.
    Nothing,
}

/// How many patterns [`AheadParse::work_until_executing`] compiles ahead at most.
const MAX_WARM_PATTERNS: usize = 64;

/// Whether a template text may define named templates: such files are added to the set before
/// anything executes; the others are parsed as execution reaches them. A `define` or `block`
/// action starts with its keyword right after `{{` (and a trim marker, and blanks): a word
/// `define` or `block` anywhere else (`blocked` in a rule's text, a comment) defines nothing.
/// The test errs on the safe side: `{{-define` is no trim marker, but is counted.
pub fn may_define(text: &str) -> bool {
    use memchr::memmem::Finder;
    static WORDS: std::sync::OnceLock<[Finder<'static>; 2]> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| [Finder::new("define"), Finder::new("block")]);
    let b = text.as_bytes();
    words
        .iter()
        .any(|word| word.find_iter(b).any(|at| opens_action(&b[..at])))
}

/// Whether `before` ends with `{{`, an optional `-` and blanks (Go's space: ` \t\r\n`).
fn opens_action(before: &[u8]) -> bool {
    let mut end = before.len();
    while end > 0 && matches!(before[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    if end > 0 && before[end - 1] == b'-' {
        end -= 1;
    }
    before[..end].ends_with(b"{{")
}

impl<'c> AheadParse<'c> {
    /// The templates of every Go chart of `chart` (enabled or not; only the partials of a library
    /// chart); `None` when there are none. The files `early` parsed are not parsed again.
    pub fn new(chart: &'c Chart, early: EarlyParse) -> Option<Self> {
        let mut files = Vec::new();
        collect(chart, &mut files);
        if files.is_empty() {
            return None;
        }
        let funcs = super::helm::func_map();
        let is_func = Box::new(move |n: &str| super::exec::is_func(funcs, n));
        let slots = files.iter().map(|_| Slot::Waiting).collect();
        Some(AheadParse {
            total_bytes: files.iter().map(|(_, t)| t.len()).sum(),
            collected: files,
            list: OnceLock::new(),
            next: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            executing: AtomicBool::new(false),
            slots: Mutex::new(slots),
            done: Condvar::new(),
            is_func,
            patterns: Mutex::default(),
            early: Mutex::new(early.done),
            helping: AtomicBool::new(false),
            reading: Mutex::new(Reading::Undecided),
            reading_decided: Condvar::new(),
        })
    }

    /// Whether a helper thread is worth starting (enough text, more than one core).
    pub fn worth_a_thread(&self) -> bool {
        crate::parallel::threads() >= 2 && self.total_bytes >= AHEAD_FROM_BYTES
    }

    /// The templates in the order they are parsed (made on first use).
    fn list(&self) -> &List<'c> {
        self.list.get_or_init(|| List::new(&self.collected))
    }

    /// Whether `text` (a template text of the chart this was made for) may define templates,
    /// as [`may_define`] said when the list was made; `None` for a text not listed.
    pub fn may_define(&self, text: &str) -> Option<bool> {
        let list = self.list();
        list.index
            .get(&(text.as_ptr() as usize, text.len()))
            .map(|&i| i < list.defining)
    }

    /// Starts a helper thread in `scope` that parses until the list is empty, then does what
    /// the render decides (see [`AheadParse::read_rendered`]). Before `scope` ends, the render
    /// must have decided it, or [`AheadParse::stop`] been called: the helper waits for that.
    pub fn start<'s>(&'s self, scope: &'s std::thread::Scope<'s, '_>) {
        if !self.worth_a_thread() {
            return;
        }
        // A thread that cannot start leaves its share to the others.
        let started = std::thread::Builder::new()
            .name("kiln-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, move || {
                self.work();
                self.warm_patterns();
                self.read_rendered();
            });
        self.helping.store(started.is_ok(), Ordering::SeqCst);
    }

    /// Whether a helper thread was started.
    pub fn helping(&self) -> bool {
        self.helping.load(Ordering::SeqCst)
    }

    /// No more files are taken (the render is over, or failed before it needed them), and the
    /// helper thread reads no rendered files unless it was given them already.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.decide(Reading::Nothing);
    }

    /// The helper thread, once nothing is left to parse, reads each rendered file `files`
    /// brings with `reader` (the render thread sends them as it finishes them).
    pub fn read_after_parsing(
        &self,
        files: Receiver<RenderedFile>,
        reader: &'c (dyn Fn(&RenderedFile) + Sync),
    ) {
        self.decide(Reading::Files(files, reader));
    }

    /// The helper thread ends once nothing is left to parse.
    pub fn no_reading(&self) {
        self.decide(Reading::Nothing);
    }

    /// Sets what the helper does after parsing, unless it was set already.
    fn decide(&self, what: Reading<'c>) {
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*reading, Reading::Undecided) {
            *reading = what;
            self.reading_decided.notify_all();
        }
    }

    /// The helper's work after parsing: waits for the render to decide, then reads the rendered
    /// files it was given until the render thread drops its sender.
    fn read_rendered(&self) {
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        while matches!(*reading, Reading::Undecided) {
            reading = self
                .reading_decided
                .wait(reading)
                .unwrap_or_else(|e| e.into_inner());
        }
        if let Reading::Files(files, reader) = std::mem::replace(&mut *reading, Reading::Nothing) {
            drop(reading);
            for file in files {
                reader(&file);
            }
        }
    }

    fn slots(&self) -> MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The render thread starts executing templates (see [`AheadParse::work_until_executing`]).
    pub fn executing(&self) {
        self.executing.store(true, Ordering::SeqCst);
    }

    /// Parses files from the list until it is empty, each result into its slot at once.
    pub fn work(&self) {
        self.work_while(|| true);
    }

    /// [`AheadParse::work`] until the render thread starts executing: with one thread parsing
    /// and one executing, a third would only take the processor from them.
    /// Then it compiles the constant `regex*` patterns seen so far.
    pub fn work_until_executing(&self) {
        self.work_while(|| !self.executing.load(Ordering::SeqCst));
        self.warm_patterns();
    }

    /// Compiles the constant `regex*` patterns seen so far, which the render thread would
    /// otherwise compile when it first calls them.
    fn warm_patterns(&self) {
        let patterns =
            std::mem::take(&mut *self.patterns.lock().unwrap_or_else(|e| e.into_inner()));
        for p in patterns.iter().take(MAX_WARM_PATTERNS) {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            crate::functions::regex::warm(p);
        }
    }

    /// Parses files from the front of the list while `more` says so, until it is empty.
    fn work_while(&self, more: impl Fn() -> bool) {
        let mut scratch = Scratch::default();
        loop {
            if self.stop.load(Ordering::SeqCst) || !more() {
                break;
            }
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            if i >= self.list().files.len() {
                break;
            }
            self.parse_slot(i, &mut scratch);
        }
    }

    /// Parses file `i` into its slot (with `scratch`, whose names it then forgets), unless
    /// another thread has taken it.
    fn parse_slot(&self, i: usize, scratch: &mut Scratch) {
        {
            let mut slots = self.slots();
            if !matches!(slots[i], Slot::Waiting) {
                return;
            }
            if let Some(done) = self.take_early(self.list().files[i].1) {
                slots[i] = Slot::Done(done);
                drop(slots);
                self.done.notify_all();
                return;
            }
            slots[i] = Slot::Taken;
        }
        // Should the parse panic, the slot is given back, and the render thread parses the
        // file itself rather than wait for it forever.
        let guard = GiveBack { ahead: self, i };
        let r = parse_reusing(self.list().files[i].1, &*self.is_func, scratch);
        if let Ok(parsed) = &r {
            if !parsed.patterns.is_empty() {
                let mut seen = self.patterns.lock().unwrap_or_else(|e| e.into_inner());
                for p in &parsed.patterns {
                    if seen.len() < MAX_WARM_PATTERNS && !seen.iter().any(|s| **s == **p) {
                        seen.push(p.to_string());
                    }
                }
            }
        }
        scratch.forget_names();
        std::mem::forget(guard);
        self.slots()[i] = Slot::Done(One(r));
        self.done.notify_all();
    }

    /// The parse result of `text` (a template text of the chart this was made for): taken from
    /// its slot, or parsed here (with `scratch`) when nobody has taken it yet or it is not
    /// listed. While another thread parses it, this one parses the next file nobody has taken
    /// (the render needs it soon) instead of waiting, and waits only when there is none.
    pub fn take(&self, text: &str, scratch: &mut Scratch) -> Result<Parsed, ParseError> {
        let list = self.list();
        if let Some(&i) = list.index.get(&(text.as_ptr() as usize, text.len())) {
            let mut slots = self.slots();
            if matches!(slots[i], Slot::Waiting) {
                if let Some(One(r)) = self.take_early(text) {
                    slots[i] = Slot::Gone;
                    return r;
                }
            }
            loop {
                match std::mem::replace(&mut slots[i], Slot::Gone) {
                    Slot::Done(One(r)) => return r,
                    Slot::Taken => {
                        slots[i] = Slot::Taken;
                        // Rather than wait for the helper: the next file nobody has taken yet,
                        // which the render is about to need (the list is in its order).
                        let Some(j) =
                            (i + 1..slots.len()).find(|&j| matches!(slots[j], Slot::Waiting))
                        else {
                            slots = self.done.wait(slots).unwrap_or_else(|e| e.into_inner());
                            continue;
                        };
                        drop(slots);
                        self.parse_slot(j, scratch);
                        slots = self.slots();
                    }
                    // Waiting (now marked gone, so no helper takes it), or asked twice.
                    Slot::Waiting | Slot::Gone => break,
                }
            }
        }
        match self.take_early(text) {
            Some(One(r)) => r,
            None => parse_reusing(text, &*self.is_func, scratch),
        }
    }

    /// The result of `text` parsed while the chart was read, taken out.
    fn take_early(&self, text: &str) -> Option<One> {
        let mut early = self.early.lock().unwrap_or_else(|e| e.into_inner());
        if early.is_empty() {
            return None;
        }
        early.remove(&(text.as_ptr() as usize, text.len()))
    }
}

/// Gives a slot back when the thread parsing it unwinds.
struct GiveBack<'a, 'c> {
    ahead: &'a AheadParse<'c>,
    i: usize,
}

impl Drop for GiveBack<'_, '_> {
    fn drop(&mut self) {
        self.ahead.slots()[self.i] = Slot::Waiting;
        self.ahead.done.notify_all();
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

    /// A chart directory with `n` templates of about 1 KiB each (one with a parse error, some
    /// with `define`s).
    fn chart_dir(n: usize) -> std::path::PathBuf {
        // One directory per test (tests run at once): named by its size too.
        let dir = std::env::temp_dir().join(format!("kiln-ahead-{}-{n}", std::process::id()));
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
            if i % 7 == 0 {
                text.push_str(&format!(
                    "{{{{ define \"d{i}\" }}}}{{{{ .x }}}}{{{{ end }}}}\n"
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
    fn may_define_looks_for_actions_that_start_with_the_keyword() {
        for yes in [
            "{{ define \"a\" }}{{ end }}",
            "x\n{{- define \"a\" -}}{{ end }}",
            "{{-\n\t block \"b\" . }}{{ end }}",
            "{{define \"a\"}}{{end}}",
            "blocked {{ .x }} {{block \"b\" .}}{{end}}",
        ] {
            assert!(may_define(yes), "{yes}");
        }
        for no in [
            "rules: blocked {{ .x }} undefined",
            "{{/* define \"a\" */}}",
            "{{ $x := \"define\" }}{{ .block }}",
            "{ define }} {{ x define }}",
            "",
        ] {
            assert!(!may_define(no), "{no}");
        }
    }

    #[test]
    fn the_render_parses_the_next_files_while_another_thread_parses_the_one_it_needs() {
        let dir = chart_dir(20);
        let chart = crate::chart::load_chart(&dir).unwrap();
        let funcs = super::super::helm::func_map();
        let is_func = |n: &str| super::super::exec::is_func(funcs, n);
        let ahead = AheadParse::new(&chart, EarlyParse::default()).unwrap();
        let alone: Vec<String> = ahead
            .list()
            .files
            .iter()
            .map(|f| format!("{:?}", super::super::parse::parse(f.1, &is_func)))
            .collect();
        // Another thread has taken the first file and is slow to finish it.
        ahead.slots()[0] = Slot::Taken;
        let first = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let r = parse_reusing(
                    ahead.list().files[0].1,
                    &*ahead.is_func,
                    &mut Scratch::default(),
                );
                ahead.slots()[0] = Slot::Done(One(r));
                ahead.done.notify_all();
            });
            let mut scratch = Scratch::default();
            format!("{:?}", ahead.take(ahead.list().files[0].1, &mut scratch))
        });
        assert_eq!(first, alone[0]);
        // Meanwhile every other file was parsed into its slot, and reads as its own parse.
        assert!(ahead.slots()[1..]
            .iter()
            .all(|s| matches!(s, Slot::Done(_))));
        let mut scratch = Scratch::default();
        for (f, want) in ahead.list().files.iter().zip(&alone).skip(1) {
            assert_eq!(&format!("{:?}", ahead.take(f.1, &mut scratch)), want);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_parsed_while_the_chart_was_read_are_handed_out_as_their_own_parse() {
        let dir = chart_dir(90);
        let mut work = crate::render::EarlyWork::default();
        let chart = crate::chart::load_chart_meanwhile(&dir, &mut work).unwrap();
        let mut early = work.go;
        let plain = crate::chart::load_chart(&dir).unwrap();
        let texts = |c: &Chart| -> Vec<(String, String)> {
            c.templates
                .iter()
                .map(|t| (t.display.clone(), t.text.clone()))
                .collect()
        };
        assert_eq!(texts(&chart), texts(&plain));
        // Whatever the loading left undone (it parses only while it would wait), parsed now:
        // every file of the chart, in the order the render takes them.
        while early.step(&chart.meta, &chart.templates) {}
        assert_eq!(early.done.len(), chart.templates.len());
        let funcs = super::super::helm::func_map();
        let is_func = |n: &str| super::super::exec::is_func(funcs, n);
        let alone: Vec<String> = chart
            .templates
            .iter()
            .map(|t| format!("{:?}", super::super::parse::parse(&t.text, &is_func)))
            .collect();
        assert!(alone.iter().any(|r| r.starts_with("Err")));
        let ahead = AheadParse::new(&chart, early).unwrap();
        let shared: Vec<String> = std::thread::scope(|s| {
            // A helper moves results into their slots while the render takes them.
            ahead.start(s);
            let mut scratch = Scratch::default();
            let got = chart
                .templates
                .iter()
                .map(|t| format!("{:?}", ahead.take(&t.text, &mut scratch)))
                .collect();
            ahead.stop();
            got
        });
        assert_eq!(shared, alone);
        assert!(ahead.early.lock().unwrap().is_empty());
        // Read again (the parallel read failed): nothing parsed before is kept.
        let mut work = crate::render::EarlyWork::default();
        use crate::chart::Meanwhile;
        assert!(work.step(&chart.meta, &chart.templates));
        work.forget();
        assert!(work.go.done.is_empty() && work.go.next == 0);
        // A Jinja chart: nothing to do.
        let mut jinja = plain.meta.clone();
        jinja.engine = TemplateEngine::Jinja;
        assert!(!EarlyParse::default().step(&jinja, &plain.templates));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn results_are_each_files_own_parse_whichever_thread_ran_it() {
        let dir = chart_dir(120);
        let chart = crate::chart::load_chart(&dir).unwrap();
        let texts: Vec<&str> = chart.templates.iter().map(|t| t.text.as_str()).collect();
        let funcs = super::super::helm::func_map();
        let is_func = |n: &str| super::super::exec::is_func(funcs, n);
        let alone: Vec<String> = texts
            .iter()
            .map(|t| format!("{:?}", super::super::parse::parse(t, &is_func)))
            .collect();
        assert!(alone.iter().any(|r| r.starts_with("Err")));
        let ahead = AheadParse::new(&chart, EarlyParse::default()).unwrap();
        assert!(ahead.list().files.iter().map(|f| f.1.len()).sum::<usize>() >= AHEAD_FROM_BYTES);
        // The files with `define`s come first.
        let defining = texts.iter().filter(|t| may_define(t)).count();
        assert!(defining > 0 && defining < texts.len());
        assert!(ahead.list().files[..defining]
            .iter()
            .all(|f| may_define(f.1)));
        assert_eq!(ahead.list().defining, defining);
        assert!(texts
            .iter()
            .all(|t| ahead.may_define(t) == Some(may_define(t))));
        assert_eq!(ahead.may_define("{{ define \"x\" }}{{ end }}"), None);
        let shared: Vec<String> = std::thread::scope(|s| {
            ahead.start(s);
            s.spawn(|| ahead.work());
            // In another order than listed, and one text twice.
            let mut asked = texts.clone();
            asked.reverse();
            asked.push(texts[0]);
            let mut scratch = Scratch::default();
            let mut got: Vec<String> = asked
                .iter()
                .map(|t| format!("{:?}", ahead.take(t, &mut scratch)))
                .collect();
            let again = got.pop().unwrap();
            assert_eq!(again, alone[0]);
            got.reverse();
            // The helper ends (it reads no rendered files).
            ahead.stop();
            got
        });
        assert_eq!(shared, alone);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
