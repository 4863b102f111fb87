//! A whole chart through the Go engine, as Helm 4 renders it: one template namespace shared by the
//! chart and its subcharts (parsed deepest path first, so a parent's `define` wins over a
//! subchart's), every template of every enabled Go chart parsed, each non-partial template executed
//! with its chart's `.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files`, `.Subcharts` and
//! `.Template`, and Helm's `<no value>` stripped from the output.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use super::ahead::{may_define, AheadParse};
use super::exec::{file_defs, on_render_stack_while, Exec, Limits, TemplateDef, TemplateSet};
use super::funcs::FuncMap;
use super::objects::{Capabilities, Files};
use super::parse::{parse_reusing, Scratch};
use super::value::{ElemType, List, Map, MapType, NumberMode, Value};
use crate::chart::{Chart, TemplateEngine};
use crate::error::{Error, Result};
use crate::render::{RenderOptions, RenderedFile};
use crate::values::ValueTree;

/// Lookups by name only (nothing iterates these maps): a fast hash.
type FastHash = foldhash::fast::RandomState;

/// Every function a Helm chart can call: Go's builtins, Helm's function map, Helm's engine-bound
/// functions. Later registrations win, as Helm's functions shadow Go's builtins (`slice`).
/// Built once per process (the parse ahead and the render share it).
pub fn func_map() -> &'static FuncMap {
    static MAP: std::sync::OnceLock<FuncMap> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = FuncMap::new();
        super::builtins::register(&mut map);
        register_library(&mut map);
        super::helmfuncs::register(&mut map);
        map
    })
}

/// The sprig/Helm function library (the `functions` module).
fn register_library(map: &mut FuncMap) {
    crate::functions::register(map);
}

/// Renders the Go charts of the tree (charts of the Jinja engine are left to it).
/// `ahead`: the chart's templates being parsed already (see [`AheadParse`]); `reader` gets each
/// rendered file as soon as the render finishes it. On the main thread, when its stack can
/// hold the render ([`crate::budget::main_render_floor`]) and a helper parses ahead, the
/// render runs right here and the helper reads the files once it has parsed everything;
/// otherwise a render thread is started, and this thread helps parse until execution starts,
/// then reads the files.
pub fn render_chart<'p>(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
    ahead: Option<&AheadParse<'p>>,
    reader: Option<&'p (dyn Fn(&RenderedFile) + Sync)>,
) -> Result<Vec<RenderedFile>> {
    let (done, finished) = std::sync::mpsc::channel::<RenderedFile>();
    // On the main thread, when its stack can hold the render and a helper parses ahead: the
    // render runs here, with nothing to start and wait for, and the helper reads the rendered
    // files once it has parsed everything.
    if let (Some(ahead), Some(reader)) = (ahead.filter(|a| a.helping()), reader) {
        if let Some(floor) = crate::budget::main_render_floor() {
            ahead.read_after_parsing(finished, reader);
            return crate::budget::render_here(floor, || {
                render_here(chart, tree, opts, Some(ahead), Some(done))
            });
        }
    }
    if let Some(ahead) = ahead {
        ahead.no_reading();
    }
    let done = reader.map(|_| done);
    on_render_stack_while(
        move || render_here(chart, tree, opts, ahead, done),
        || {
            if let Some(ahead) = ahead {
                ahead.work_until_executing();
            }
            if let Some(reader) = reader {
                // Ends when the render thread drops its sender (finished or failed).
                for file in finished {
                    reader(&file);
                }
            }
        },
    )
}

/// The rendered `text` of template `t`.
fn rendered_file(t: &crate::chart::SourceFile, text: Arc<String>) -> RenderedFile {
    RenderedFile {
        display: t.display.clone(),
        rel: t.rel.clone(),
        text,
        is_notes: t.rel == "templates/NOTES.txt",
    }
}

/// One Go chart of the tree with its top-level data.
struct Scope<'c> {
    chart: &'c Chart,
    data: Map,
}

pub(super) fn is_partial(rel: &str) -> bool {
    rel.rsplit('/').next().is_some_and(|n| n.starts_with('_'))
}

/// Helm's parse (and execution) order: more `/` in the name first; equal depth in reverse order.
pub(super) fn helm_order(a: &str, b: &str) -> std::cmp::Ordering {
    // Counted byte by byte (a char searcher per comparison made sorting a big chart's
    // templates take half a millisecond).
    let slashes = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    let (ca, cb) = (slashes(a), slashes(b));
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

fn render_here(
    chart: &Chart,
    tree: &ValueTree,
    opts: &RenderOptions,
    ahead: Option<&AheadParse<'_>>,
    done: Option<std::sync::mpsc::Sender<RenderedFile>>,
) -> Result<Vec<RenderedFile>> {
    let funcs = func_map();
    let versions = api_versions(opts);
    let caps = Value::object(Capabilities::new(&opts.kube_version, versions));
    let release = release(&opts.release_name, &opts.namespace, opts.is_upgrade);
    let mut scopes: Vec<Scope<'_>> = Vec::new();
    let root = collect(chart, tree, None, &caps, &release, true, &mut scopes);
    if let Some(Value::Map(values)) = root.get("Values") {
        for path in &opts.set_int_paths {
            set_int64(&values, path);
        }
    }

    // Every template of every enabled Go chart, in Helm's order (of parsing and of execution).
    let mut names: Vec<(&str, &str)> = Vec::new();
    for s in &scopes {
        for t in &s.chart.templates {
            if s.chart.meta.is_library() && !is_partial(&t.rel) {
                continue;
            }
            names.push((t.display.as_str(), t.text.as_str()));
        }
    }
    names.sort_by(|a, b| helm_order(a.0, b.0));
    let is_func = |n: &str| super::exec::is_func(funcs, n);
    let templates = Templates::new(&names, ahead, &is_func);
    let set = templates.defining_set()?;
    if let Some(ahead) = ahead {
        ahead.executing();
    }
    let late = |name: &str| templates.late(name);

    // Execute in Helm's order (side effects on shared maps happen in the same sequence).
    let by_display: HashMap<&str, (usize, &crate::chart::SourceFile), FastHash> = scopes
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.chart
                .templates
                .iter()
                .map(move |t| (t.display.as_str(), (i, t)))
        })
        .collect();
    let seed = seed_of(chart, opts);
    // Random functions start their stream afresh for every render.
    crate::functions::random::reset();
    // Reads of a chart's `.Template` count from the first file on (see `Map::set_file_template`).
    super::value::reset_file_maps();
    for s in &scopes {
        s.data.mark_file_map();
    }
    let mut exec = Exec::new(&set, funcs, Limits::default(), seed).with_late(&late);
    let mut rendered: HashMap<String, Arc<String>, FastHash> = HashMap::default();
    for (name, _) in &names {
        let Some((i, t)) = by_display.get(name) else {
            continue;
        };
        let s = &scopes[*i];
        if is_partial(&t.rel) || s.chart.meta.is_library() {
            continue;
        }
        let tmpl = Map::with_type(MapType::Values, BTreeMap::new());
        tmpl.insert("Name", Value::str(&t.display));
        tmpl.insert(
            "BasePath",
            Value::str(format!("{}/templates", s.chart.display_root)),
        );
        s.data.set_file_template(Value::Map(tmpl));
        crate::budget::working_on(name);
        let out = exec.execute(name, &Value::Map(s.data.clone()));
        crate::budget::working_on("");
        // Helm parses every template before it executes one: a parse error anywhere wins.
        let out = out.map_err(|e| templates.first_error().unwrap_or(e))?;
        let text = Arc::new(super::exec::strip_no_value(out));
        if let Some(done) = &done {
            // Nobody listening any more is no reason to stop rendering.
            let _ = done.send(rendered_file(t, text.clone()));
        }
        rendered.insert(t.display.clone(), text);
    }

    if let Some(e) = templates.first_error() {
        return Err(e);
    }

    // kiln's order: chart by chart (parent first), templates by path.
    let mut out = Vec::new();
    for s in &scopes {
        for t in &s.chart.templates {
            if let Some(text) = rendered.remove(&t.display) {
                out.push(rendered_file(t, text));
            }
        }
    }
    // What is left of this render (the parsed templates, the values shared with them) needs no
    // freeing node by node when the process ends right after.
    let source_bytes = names.iter().map(|(_, text)| text.len()).sum();
    crate::budget::dispose(exec, 0);
    crate::budget::dispose(
        (set, templates.late.into_inner(), scopes, root),
        source_bytes,
    );
    Ok(out)
}

/// Where the parse of one template stands.
enum Parse {
    NotYet,
    Fine,
    Failed(Error),
}

/// The templates of one render, in Helm's order, parsed as the render needs them: the files
/// that may hold `define`s before anything executes (they are the template set), the others
/// when execution reaches them (each is its body alone, under its own name), whatever is left
/// after the last one executed. The parse results come from [`AheadParse`] when the chart's
/// templates are parsed ahead. The outcome is Helm's: every template is parsed, the first
/// parse error in Helm's order fails the render before any execution error, and a name defined
/// twice is the later definition.
struct Templates<'a, 'c, 'p> {
    names: &'a [(&'c str, &'c str)],
    /// The files that define nothing, by name (index in `names`).
    plain: HashMap<&'c str, usize, FastHash>,
    ahead: Option<&'a AheadParse<'p>>,
    is_func: &'a dyn Fn(&str) -> bool,
    scratch: RefCell<Scratch>,
    state: RefCell<Vec<Parse>>,
    /// The files that define nothing, once execution reached them.
    late: RefCell<HashMap<&'c str, Rc<TemplateDef<'c>>, FastHash>>,
    /// Every file is in the set (see [`Templates::defining_set`]).
    eager: Cell<bool>,
}

impl<'a, 'c, 'p> Templates<'a, 'c, 'p> {
    fn new(
        names: &'a [(&'c str, &'c str)],
        ahead: Option<&'a AheadParse<'p>>,
        is_func: &'a dyn Fn(&str) -> bool,
    ) -> Self {
        let plain = names
            .iter()
            .enumerate()
            // Scanned once: the parse ahead has looked already.
            .filter(|(_, (_, text))| {
                !ahead
                    .and_then(|a| a.may_define(text))
                    .unwrap_or_else(|| may_define(text))
            })
            .map(|(i, (name, _))| (*name, i))
            .collect();
        Templates {
            names,
            plain,
            ahead,
            is_func,
            scratch: RefCell::default(),
            state: RefCell::new(names.iter().map(|_| Parse::NotYet).collect()),
            late: RefCell::default(),
            eager: Cell::new(false),
        }
    }

    /// The named templates of file `i`, or `None` when it failed to parse (the error is kept).
    fn defs(&self, i: usize) -> Option<Vec<TemplateDef<'c>>> {
        let (name, text) = self.names[i];
        let parsed = {
            let mut scratch = self.scratch.borrow_mut();
            match self.ahead {
                // Asked twice (in the eager case), it parses the file again.
                Some(ahead) => ahead.take(text, &mut scratch),
                None => parse_reusing(text, self.is_func, &mut scratch),
            }
        };
        let (state, defs) = match file_defs(name, text, parsed) {
            Ok(defs) => (Parse::Fine, Some(defs)),
            Err(e) => (Parse::Failed(jinja_hint(e, text, name)), None),
        };
        self.state.borrow_mut()[i] = state;
        defs
    }

    /// The files that may define templates, added in Helm's order. Should a `define` take the
    /// name of a file that defines nothing, the order of those files matters too: then every
    /// file is added, in Helm's order.
    fn defining_set(&self) -> Result<TemplateSet<'c>> {
        let mut set = TemplateSet::new();
        let plain = |i: &usize| self.plain.get(self.names[*i].0) == Some(i);
        for i in (0..self.names.len()).filter(|i| !plain(i)) {
            match self.defs(i) {
                Some(defs) => set.add_defs(defs),
                None => return Err(self.first_error().expect("a failed parse")),
            }
        }
        if !self.plain.keys().any(|name| set.contains(name)) {
            return Ok(set);
        }
        self.eager.set(true);
        let mut set = TemplateSet::new();
        for i in 0..self.names.len() {
            match self.defs(i) {
                Some(defs) => set.add_defs(defs),
                None => return Err(self.first_error().expect("a failed parse")),
            }
        }
        Ok(set)
    }

    /// A file that defines nothing, when execution reaches its name.
    fn late(&self, name: &str) -> Option<Rc<TemplateDef<'c>>> {
        if let Some(t) = self.late.borrow().get(name) {
            return Some(t.clone());
        }
        let &i = self.plain.get(name)?;
        if self.eager.get() || !matches!(self.state.borrow()[i], Parse::NotYet) {
            return None;
        }
        // Its body alone (it defines nothing).
        let body = Rc::new(self.defs(i)?.swap_remove(0));
        self.late.borrow_mut().insert(self.names[i].0, body.clone());
        Some(body)
    }

    /// The first parse error in Helm's order, every file parsed.
    fn first_error(&self) -> Option<Error> {
        for i in 0..self.names.len() {
            if matches!(self.state.borrow()[i], Parse::NotYet) {
                self.defs(i);
            }
        }
        let mut state = self.state.borrow_mut();
        state
            .iter_mut()
            .find_map(|s| match std::mem::replace(s, Parse::Fine) {
                Parse::Failed(e) => Some(e),
                _ => None,
            })
    }
}

/// The API versions `helm template` reports without a cluster (recorded from helm by
/// `scripts/record-helm-gotmpl.sh`).
const HELM_API_VERSIONS: &str = include_str!("helm-api-versions.txt");

/// `.Capabilities.APIVersions`: helm's own list plus what `--api-versions` added.
fn api_versions(opts: &RenderOptions) -> Vec<String> {
    // Sorted, without duplicates.
    let kiln_defaults = crate::render::context::default_api_versions();
    let mut out: Vec<String> = HELM_API_VERSIONS.lines().map(str::to_string).collect();
    for v in &opts.api_versions {
        if kiln_defaults.binary_search(v).is_err() && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// The seed of the random functions (`randAlphaNum`, `genCA`, ...). Like helm, each render draws
/// a fresh one from the operating system, so generated passwords and keys cannot be predicted from
/// the chart and release names. `--random-seed N` fixes it (mixed with the chart and release), for
/// byte-identical output across runs where a chart generates values.
fn seed_of(chart: &Chart, opts: &RenderOptions) -> u64 {
    let Some(fixed) = opts.random_seed else {
        return rand::random::<u64>();
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ fixed;
    for b in chart
        .meta
        .name
        .bytes()
        .chain(chart.meta.version.bytes())
        .chain(opts.release_name.bytes())
        .chain(opts.namespace.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Builds the top-level data of every enabled Go chart; subchart `.Values` are shared with the
/// parent's values (`.Values.sub` in the parent is the subchart's `.Values`).
#[allow(clippy::too_many_arguments)]
fn collect<'c>(
    chart: &'c Chart,
    tree: &ValueTree,
    parent_values: Option<&Map>,
    caps: &Value,
    release: &Value,
    is_root: bool,
    out: &mut Vec<Scope<'c>>,
) -> Map {
    // The sections of enabled subcharts are converted from their own trees below (and put in
    // their place here), not twice.
    let mut values = match &tree.values {
        serde_json::Value::Object(map) => {
            let sections: Vec<&str> = tree
                .children
                .iter()
                .map(|(i, _)| chart.subcharts[*i].values_key.as_str())
                .collect();
            Map::from_entries(
                map.iter()
                    .filter(|(k, _)| !sections.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), Value::from_json(v, NumberMode::Float64)))
                    .collect(),
            )
        }
        _ => Map::new(),
    };
    values.ty = MapType::Values;
    if let Some(p) = parent_values {
        p.insert(chart.values_key.clone(), Value::Map(values.clone()));
    }
    let data = Map::new();
    data.insert("Values", Value::Map(values.clone()));
    data.insert("Chart", chart_map(chart, is_root));
    data.insert("Release", release.clone());
    data.insert("Capabilities", caps.clone());
    data.insert(
        "Files",
        Value::object(Files {
            dir: chart.dir.clone(),
            packed: chart.packed.clone(),
            paths: Rc::new(chart.files.clone()),
        }),
    );
    let is_go = chart.meta.engine == TemplateEngine::Go;
    let idx = out.len();
    if is_go {
        out.push(Scope {
            chart,
            data: data.clone(),
        });
    }
    let subcharts = Map::new();
    for (i, child) in &tree.children {
        let sub = &chart.subcharts[*i];
        let d = collect(sub, child, Some(&values), caps, release, false, out);
        subcharts.insert(sub.meta.name.clone(), Value::Map(d));
    }
    data.insert("Subcharts", Value::Map(subcharts));
    let _ = idx;
    data
}

/// Turns the number at `path` into an `int64` (`--set` integers), where it still is one.
fn set_int64(values: &Map, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = values.clone();
    for p in parents {
        match cur.get(p) {
            Some(Value::Map(m)) => cur = m,
            _ => return,
        }
    }
    if let Some(Value::Float(f)) = cur.get(last) {
        if f.fract() == 0.0 && f.abs() < 9.2e18 {
            cur.insert(last.clone(), Value::Int64(f as i64));
        }
    }
}

fn release(name: &str, namespace: &str, is_upgrade: bool) -> Value {
    let m = Map::new();
    m.insert("Name", Value::str(name));
    m.insert("Namespace", Value::str(namespace));
    m.insert("IsInstall", Value::Bool(!is_upgrade));
    m.insert("IsUpgrade", Value::Bool(is_upgrade));
    m.insert("Revision", Value::Int(1));
    m.insert("Service", Value::str("Helm"));
    Value::Map(m)
}

/// `.Chart` as Helm 4 gives it: a map of the metadata with Go's field names and zero values.
fn chart_map(chart: &Chart, is_root: bool) -> Value {
    let raw = chart.meta.raw.as_object();
    let get = |k: &str| raw.and_then(|r| r.get(k));
    let s = |k: &str| {
        Value::str(match get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        })
    };
    let strings = |k: &str| {
        let items: Vec<Value> = match get(k) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .map(|v| Value::str(v.as_str().unwrap_or_default()))
                .collect(),
            _ => Vec::new(),
        };
        Value::List(List::typed(ElemType::String, items))
    };
    let m = Map::new();
    m.insert("APIVersion", s("apiVersion"));
    let ann = Map::with_type(MapType::String, BTreeMap::new());
    if let Some(serde_json::Value::Object(a)) = get("annotations") {
        for (k, v) in a {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            ann.insert(k.clone(), Value::str(text));
        }
    }
    m.insert("Annotations", Value::Map(ann));
    m.insert("AppVersion", s("appVersion"));
    m.insert("Condition", s("condition"));
    let deps = match get("dependencies") {
        Some(d @ serde_json::Value::Array(_)) => Value::from_json(d, NumberMode::Float64),
        _ => Value::list(Vec::new()),
    };
    m.insert("Dependencies", deps);
    m.insert(
        "Deprecated",
        Value::Bool(matches!(
            get("deprecated"),
            Some(serde_json::Value::Bool(true))
        )),
    );
    m.insert("Description", s("description"));
    m.insert("Home", s("home"));
    m.insert("Icon", s("icon"));
    m.insert("IsRoot", Value::Bool(is_root));
    m.insert("Keywords", strings("keywords"));
    m.insert("KubeVersion", s("kubeVersion"));
    let maint = match get("maintainers") {
        Some(d @ serde_json::Value::Array(_)) => Value::from_json(d, NumberMode::Float64),
        _ => Value::list(Vec::new()),
    };
    m.insert("Maintainers", maint);
    m.insert("Name", Value::str(&chart.meta.name));
    m.insert("Sources", strings("sources"));
    m.insert("Tags", s("tags"));
    m.insert("Type", s("type"));
    m.insert("Version", s("version"));
    Value::Map(m)
}

/// Adds a hint when a template that failed to parse as Go looks like Jinja.
fn jinja_hint(e: Error, text: &str, name: &str) -> Error {
    let looks_jinja = text.contains("{% ")
        || text.contains("{%- ")
        || text.contains("| toyaml")
        || text.contains("|toyaml")
        || text.contains("{# ");
    if !looks_jinja {
        return e;
    }
    let chart = name.split("/templates/").next().unwrap_or(name);
    e.with_note(format!(
        "this template looks like Jinja, but chart `{chart}` renders with Go templates (Helm's engine, the default); \
         to render it with Jinja, add to its Chart.yaml:\n      annotations:\n        {}: jinja",
        crate::chart::ENGINE_ANNOTATION
    ))
}
