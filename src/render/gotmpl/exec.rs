//! Executes parsed templates: Go's `text/template` semantics (variables and their scopes, `if`/`with`/
//! `range`/`template`, field chains, pipelines, function calls), with budgets for steps, output size
//! and call depth, and errors located on the failing action with the chain of calls that led there.

use std::collections::HashMap;

/// The hasher of the engine's name maps: fast on short keys, seeded per process (so input cannot
/// choose colliding names), never iterated (so output does not depend on the seed).
type FastHash = foldhash::fast::RandomState;

/// Named templates by name.
type Defs<'s> = HashMap<Rc<str>, Rc<TemplateDef<'s>>, FastHash>;
use std::borrow::Cow;
use std::rc::Rc;

use super::funcs::{Arity, CallCtx, FuncError, FuncMap, Host};
use super::parse::{parse, Arg, ArgKind, Cmd, Node, ParseError, Parsed, Pipe};
use super::value::Value;
use crate::error::{Error, ErrorKind, Location};

/// A template source: what error locations point into. A chart's template is borrowed from
/// the chart (not copied); a `tpl` text is owned.
#[derive(Debug)]
pub struct SourceText<'s> {
    /// Display name (`chart/templates/x.yaml`).
    pub name: String,
    pub text: Cow<'s, str>,
}

/// A named template: a file's body or a `define`.
#[derive(Debug)]
pub struct TemplateDef<'s> {
    pub name: Rc<str>,
    pub source: Rc<SourceText<'s>>,
    pub body: Vec<Node>,
}

/// All templates that `template`/`include` can reach, by name.
#[derive(Debug, Default)]
pub struct TemplateSet<'s> {
    map: Defs<'s>,
}

/// Whether a body is Go's "empty tree" (only whitespace text): such a `define` does not replace an
/// existing one.
fn is_empty_tree(source: &str, body: &[Node]) -> bool {
    body.iter()
        .all(|n| matches!(n, Node::Text { start, end } if source[*start..*end].trim().is_empty()))
}

impl<'s> TemplateSet<'s> {
    pub fn new() -> TemplateSet<'s> {
        TemplateSet::default()
    }

    /// Parses `text` as the template `name` and adds it and its `define`s; a later definition of a
    /// name replaces an earlier one unless it is empty (Go's rule).
    pub fn add_file(&mut self, name: &str, text: &'s str, funcs: &FuncMap) -> Result<(), Error> {
        let is_func = |n: &str| is_func(funcs, n);
        self.add_parsed(name, text, parse(text, &is_func))
    }

    /// Adds a file parsed beforehand (see [`super::parse::parse_reusing`]), or its parse error
    /// located in the file.
    pub fn add_parsed(
        &mut self,
        name: &str,
        text: &'s str,
        parsed: Result<Parsed, ParseError>,
    ) -> Result<(), Error> {
        self.add_defs(file_defs(name, text, parsed)?);
        Ok(())
    }

    /// Adds the named templates of one file (see [`file_defs`]).
    pub fn add_defs(&mut self, defs: Vec<TemplateDef<'s>>) {
        for d in defs {
            self.insert(d);
        }
    }

    fn insert(&mut self, def: TemplateDef<'s>) {
        if let Some(old) = self.map.get(&def.name) {
            if is_empty_tree(&def.source.text, &def.body)
                && !is_empty_tree(&old.source.text, &old.body)
            {
                return;
            }
        }
        self.map.insert(def.name.clone(), Rc::new(def));
    }

    pub fn get(&self, name: &str) -> Option<&Rc<TemplateDef<'s>>> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

/// The named templates of a file parsed beforehand (its body first, then its `define`s), or its
/// parse error located in the file.
pub fn file_defs<'s>(
    name: &str,
    text: &'s str,
    parsed: Result<Parsed, ParseError>,
) -> Result<Vec<TemplateDef<'s>>, Error> {
    let source = Rc::new(SourceText {
        name: name.to_string(),
        text: Cow::Borrowed(text),
    });
    defs_of(&source, parsed)
}

/// Helm's removal of `<no value>` from a template's output (without copying an output that has
/// none).
pub fn strip_no_value(out: String) -> String {
    if memchr::memmem::find(out.as_bytes(), b"<no value>").is_some() {
        out.replace("<no value>", "")
    } else {
        out
    }
}

/// Whether `name` can be called in a pipeline (`and`/`or` are the engine's own).
pub fn is_func(funcs: &FuncMap, name: &str) -> bool {
    funcs.contains(name) || name == "and" || name == "or"
}

/// Parses a source into its body template and its defines (body first).
fn parse_defs<'s>(
    source: &Rc<SourceText<'s>>,
    funcs: &FuncMap,
) -> Result<Vec<TemplateDef<'s>>, Error> {
    let is_func = |n: &str| is_func(funcs, n);
    defs_of(source, parse(&source.text, &is_func))
}

/// A parse result as named templates: the body first, then its defines.
fn defs_of<'s>(
    source: &Rc<SourceText<'s>>,
    parsed: Result<Parsed, ParseError>,
) -> Result<Vec<TemplateDef<'s>>, Error> {
    let parsed = parsed.map_err(|e| {
        Error::new(ErrorKind::Template, e.message).with_location(Location::at_offset(
            &source.name,
            &source.text,
            e.pos,
            e.len,
        ))
    })?;
    let mut out = vec![TemplateDef {
        name: Rc::from(source.name.as_str()),
        source: source.clone(),
        body: parsed.body,
    }];
    for (name, body, _) in parsed.defines {
        out.push(TemplateDef {
            name,
            source: source.clone(),
            body,
        });
    }
    Ok(out)
}

/// Budgets of one render (all charts, all templates; steps per template).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Nested `template`/`include`/`tpl` calls.
    pub max_depth: usize,
    /// Helm's limit on one name being included inside itself.
    pub max_include_per_name: usize,
    /// Execution steps per rendered template (nodes, commands, loop iterations, function charges).
    pub max_steps: u64,
    /// Bytes one template's output may reach.
    pub max_template_output: usize,
    /// Bytes written by all templates, `include`s and `tpl`s together.
    pub max_total_output: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        // kiln's budgets, with the same meaning as in the Jinja engine (see `crate::budget`).
        Limits {
            max_depth: crate::budget::TEMPLATE_INCLUDE_DEPTH,
            max_include_per_name: 1000,
            max_steps: crate::budget::TEMPLATE_FUEL,
            max_template_output: crate::budget::TEMPLATE_OUTPUT_BYTES,
            max_total_output: crate::budget::RENDER_OUTPUT_BYTES as u64,
        }
    }
}

/// The output of a template called with a map as its dot, kept while nothing has changed since
/// (see [`Exec::run_reusing`]).
struct Reuse {
    /// The dot (kept, so that its address is not taken by another map while this is kept).
    dot: super::value::Map,
    /// [`super::value::map_writes`] when the output was made.
    writes: u64,
    /// [`super::value::file_epoch`] when the output was made, if making it read the file's
    /// `.Template`.
    file: Option<u64>,
    out: Rc<str>,
}

/// How many outputs of one template are kept for different dots.
const REUSE_PER_TEMPLATE: usize = 4;

/// Control flow out of a list.
enum Flow {
    Normal,
    Break,
    Continue,
}

/// Variables of one template invocation.
struct Frame {
    vars: Vec<(Rc<str>, Value)>,
}

impl Frame {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v)
    }

    fn set(&mut self, name: &str, v: Value) {
        if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| &**n == name) {
            slot.1 = v;
        }
    }
}

/// The executor of one render.
pub struct Exec<'e> {
    set: &'e TemplateSet<'e>,
    funcs: &'e FuncMap,
    limits: Limits,
    steps: u64,
    written: u64,
    /// Templates being executed, innermost last.
    stack: Vec<Rc<TemplateDef<'e>>>,
    includes: HashMap<String, usize, FastHash>,
    /// `define`s of the `tpl` text being executed (seen after the chart's own).
    overlay: Vec<Rc<Defs<'e>>>,
    seed: u64,
    /// The file whose rendering started this execution (`.Template.Name` of the caller).
    root_name: String,
    /// The template the innermost failing `include` named, for the error's call chain.
    failed_include: Option<String>,
    /// Templates of the chart not in `set` yet, added as execution reaches them.
    late: Option<&'e LateTemplates<'e>>,
    /// Outputs of `include` and `template` calls by template name, for the same call again.
    reuse: HashMap<Rc<str>, Vec<Reuse>, FastHash>,
    /// `$` of every template call (one name, not a new one per call).
    dollar: Rc<str>,
}

type ExecResult<T> = Result<T, Error>;

/// Finds a template that is not in the set yet by its name (see [`Exec::with_late`]).
pub type LateTemplates<'a> = dyn Fn(&str) -> Option<Rc<TemplateDef<'a>>> + 'a;

impl<'e> Exec<'e> {
    pub fn new(
        set: &'e TemplateSet<'e>,
        funcs: &'e FuncMap,
        limits: Limits,
        seed: u64,
    ) -> Exec<'e> {
        Exec {
            set,
            funcs,
            limits,
            steps: 0,
            written: 0,
            stack: Vec::new(),
            includes: HashMap::default(),
            overlay: Vec::new(),
            seed,
            root_name: String::new(),
            failed_include: None,
            late: None,
            reuse: HashMap::default(),
            dollar: Rc::from("$"),
        }
    }

    /// Looks up templates missing from the set in `late` (before the `define`s of `tpl` texts):
    /// the chart's templates that are parsed as execution reaches them.
    pub fn with_late(mut self, late: &'e LateTemplates<'e>) -> Exec<'e> {
        self.late = Some(late);
        self
    }

    fn lookup(&self, name: &str) -> Option<Rc<TemplateDef<'e>>> {
        if let Some(t) = self.set.get(name) {
            return Some(t.clone());
        }
        if let Some(t) = self.late.and_then(|late| late(name)) {
            return Some(t);
        }
        self.overlay.last().and_then(|o| o.get(name).cloned())
    }

    /// Executes the template `name` with `data` as dot and `$`.
    pub fn execute(&mut self, name: &str, data: &Value) -> ExecResult<String> {
        self.root_name = name.to_string();
        // The step budget is per rendered template, like the Jinja engine's fuel.
        self.steps = 0;
        let Some(t) = self.lookup(name) else {
            return Err(Error::new(
                ErrorKind::Template,
                format!("no template named \"{name}\""),
            ));
        };
        self.run(t, data)
    }

    fn run(&mut self, t: Rc<TemplateDef<'e>>, data: &Value) -> ExecResult<String> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Error::new(
                ErrorKind::Template,
                format!(
                    "template calls nest deeper than the limit of {} (template \"{}\"): is a template including itself?",
                    self.limits.max_depth, t.name
                ),
            ));
        }
        if !crate::budget::stack_left() {
            return Err(crate::budget::exceeded(
                ErrorKind::Template,
                &format!(
                    "template calls nest too deeply (template \"{}\", {} calls deep)",
                    t.name,
                    self.stack.len()
                ),
                "render stack",
                &crate::budget::bytes(crate::budget::RENDER_STACK_BYTES),
                "nest fewer `include`/`tpl` calls inside each other",
            ));
        }
        self.stack.push(t.clone());
        let mut frame = Frame {
            vars: vec![(self.dollar.clone(), data.clone())],
        };
        let mut out = String::new();
        let r = self.walk_list(&mut frame, data, &t.body, &mut out);
        self.stack.pop();
        r.map(|_| out)
    }

    /// Runs a template called by `include` or `template`, or gives the output of the same call
    /// made before when nothing it could read has changed since.
    ///
    /// Executing a template reads nothing but its dot (and `$`, the same value), the maps and
    /// lists reachable from it, and the chart's templates; its output is the same again as long
    /// as the dot is the same map and no map anywhere has changed (lists never change). So an
    /// output is kept when the dot is a map, the run changed no map itself, and it drew no
    /// randomness and read no clock ([`crate::functions::unrepeatable_calls`]); and it is
    /// reused while [`super::value::map_writes`] stays where it was. The file's `.Template`,
    /// which changes for every rendered file, is the exception: an output whose making read it
    /// ([`super::value::file_reads`]) is reused only in the same file. Not inside a `tpl` text,
    /// whose own `define`s could stand for a template's name.
    fn run_reusing(&mut self, t: Rc<TemplateDef<'e>>, data: &Value) -> ExecResult<Rc<str>> {
        let dot = match data {
            Value::Map(m) if self.overlay.is_empty() => m,
            _ => return self.run(t, data).map(Rc::from),
        };
        let writes = super::value::map_writes();
        if let Some(kept) = self.reuse.get(&t.name).and_then(|kept| {
            kept.iter()
                .find(|r| {
                    r.writes == writes
                        && r.dot.ptr_eq(dot)
                        && r.file.is_none_or(|e| e == super::value::file_epoch())
                })
                .map(|r| (r.out.clone(), r.file.is_some()))
        }) {
            let (kept, read_file) = kept;
            if read_file {
                super::value::note_file_read();
            }
            // The same output counts against the total as if it were written again.
            self.written += kept.len() as u64;
            if self.written > self.limits.max_total_output {
                return Err(Error::new(
                    ErrorKind::Template,
                    self.total_output_exceeded(),
                ));
            }
            return Ok(kept);
        }
        let drawn = crate::functions::unrepeatable_calls();
        let file_reads = super::value::file_reads();
        let out: Rc<str> = Rc::from(self.run(t.clone(), data)?);
        if super::value::map_writes() == writes
            && crate::functions::unrepeatable_calls() == drawn
            && self.overlay.is_empty()
        {
            let kept = self.reuse.entry(t.name.clone()).or_default();
            kept.retain(|r| r.writes == writes);
            if kept.len() >= REUSE_PER_TEMPLATE {
                kept.remove(0);
            }
            kept.push(Reuse {
                dot: dot.clone(),
                writes,
                file: (super::value::file_reads() != file_reads).then(super::value::file_epoch),
                out: out.clone(),
            });
        }
        Ok(out)
    }

    fn here(&self) -> &TemplateDef<'e> {
        self.stack.last().expect("executing a template")
    }

    fn error_at(&self, message: impl Into<String>, pos: usize, end: usize) -> Error {
        let t = self.here();
        let mut e = Error::new(ErrorKind::Template, message).with_location(Location::at_offset(
            &t.source.name,
            &t.source.text,
            pos,
            end.saturating_sub(pos).max(1),
        ));
        if *t.name != *t.source.name {
            e = e.with_note(format!("in template \"{}\"", t.name));
        }
        e
    }

    fn step(&mut self, pos: usize) -> ExecResult<()> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(self.error_at(
                format!(
                    "template execution exceeded its budget of {} steps (an endless or very large loop?)",
                    self.limits.max_steps
                ),
                pos,
                pos + 1,
            ));
        }
        Ok(())
    }

    /// The message when all templates together wrote more than the render's output budget.
    fn total_output_exceeded(&self) -> String {
        format!(
            "rendering wrote more than the limit of {} bytes in total",
            self.limits.max_total_output
        )
    }

    fn write(&mut self, out: &mut String, s: &str, pos: usize) -> ExecResult<()> {
        self.written += s.len() as u64;
        if out.len() + s.len() > self.limits.max_template_output {
            return Err(self.error_at(
                format!(
                    "template output exceeds the limit of {} bytes",
                    self.limits.max_template_output
                ),
                pos,
                pos + 1,
            ));
        }
        if self.written > self.limits.max_total_output {
            return Err(self.error_at(self.total_output_exceeded(), pos, pos + 1));
        }
        out.push_str(s);
        Ok(())
    }

    fn walk_list(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        list: &[Node],
        out: &mut String,
    ) -> ExecResult<Flow> {
        for n in list {
            match self.walk(fr, dot, n, out)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        node: &Node,
        out: &mut String,
    ) -> ExecResult<Flow> {
        match node {
            Node::Text { start, end } => {
                let t = self.stack.last().expect("executing a template").clone();
                self.write(out, &t.source.text[*start..*end], 0)?;
            }
            Node::Action(pipe) => {
                self.step(pipe.pos)?;
                let v = self.eval_pipe(fr, dot, pipe, true)?;
                if pipe.decl.is_empty() {
                    let s = match &v {
                        Value::Nil => "<no value>".to_string(),
                        Value::Object(o) => o.fmt_action().unwrap_or_else(|| v.to_go_string()),
                        v => v.to_go_string(),
                    };
                    self.check_depth(pipe.pos)?;
                    self.write(out, &s, pipe.pos)?;
                }
            }
            Node::If(b) | Node::With(b) => {
                self.step(b.pos)?;
                let mark = fr.vars.len();
                let v = self.eval_pipe(fr, dot, &b.pipe, true)?;
                let is_with = matches!(node, Node::With(_));
                let flow = if v.truthy() {
                    let d = if is_with { v } else { dot.clone() };
                    self.walk_list(fr, &d, &b.list, out)?
                } else if let Some(e) = &b.else_list {
                    self.walk_list(fr, dot, e, out)?
                } else {
                    Flow::Normal
                };
                fr.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range(b) => {
                self.step(b.pos)?;
                let mark = fr.vars.len();
                let r = self.walk_range(fr, dot, b, out);
                fr.vars.truncate(mark);
                r?;
            }
            Node::Template(call) => {
                let (pos, end, name, pipe) = (&call.pos, &call.end, &call.name, &call.pipe);
                self.step(*pos)?;
                let data = match pipe {
                    Some(p) => self.eval_pipe(fr, dot, p, false)?,
                    None => Value::Nil,
                };
                let Some(t) = self.lookup(name) else {
                    return Err(self.error_at(
                        format!("template \"{name}\" not defined"),
                        *pos,
                        *end,
                    ));
                };
                let s = self.run_reusing(t, &data).map_err(|e| {
                    self.called_from(e, &format!("template \"{name}\""), *pos, *end)
                })?;
                self.write(out, &s, *pos)?;
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    /// Adds "called from" to an error raised inside a nested template.
    fn called_from(&self, e: Error, what: &str, pos: usize, end: usize) -> Error {
        // The innermost calls are the telling ones; a chain a thousand calls deep prints a few.
        const SHOWN: usize = 20;
        match e.notes().len() {
            n if n > SHOWN => return e,
            SHOWN => return e.with_note("… further calls not shown"),
            _ => {}
        }
        let t = self.here();
        let loc = Location::at_offset(&t.source.name, &t.source.text, pos, end - pos);
        let note = format!(
            "{what} called from {}:{}:{}",
            loc.file, loc.line, loc.column
        );
        e.with_note(note)
    }

    fn walk_range(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        b: &super::parse::Branch,
        out: &mut String,
    ) -> ExecResult<()> {
        let v = self.eval_pipe(fr, dot, &b.pipe, false)?;
        // Declared variables: `$v` or `$i, $v`.
        let decl = &b.pipe.decl;
        if !b.pipe.is_assign {
            for d in decl {
                fr.vars.push((d.clone(), Value::Nil));
            }
        }
        let mut ran = false;
        let mut iterate = |this: &mut Self,
                           fr: &mut Frame,
                           key: Value,
                           elem: Value,
                           out: &mut String|
         -> ExecResult<bool> {
            this.step(b.pos)?;
            ran = true;
            match decl.len() {
                1 => fr.set(&decl[0], elem.clone()),
                2 => {
                    fr.set(&decl[0], key);
                    fr.set(&decl[1], elem.clone());
                }
                _ => {}
            }
            let mark = fr.vars.len();
            let flow = this.walk_list(fr, &elem, &b.list, out);
            fr.vars.truncate(mark);
            Ok(matches!(flow?, Flow::Break))
        };
        match &v {
            Value::Nil => {}
            Value::List(l) => {
                for (i, e) in l.items().iter().enumerate() {
                    if iterate(self, fr, Value::Int(i as i64), e.clone(), out)? {
                        break;
                    }
                }
            }
            Value::Bytes(bs) => {
                for (i, e) in bs.iter().enumerate() {
                    if iterate(self, fr, Value::Int(i as i64), Value::Uint8(*e), out)? {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                for k in m.keys() {
                    let e = m.get(&k).unwrap_or(Value::Nil);
                    if iterate(self, fr, Value::str(&k), e, out)? {
                        break;
                    }
                }
            }
            Value::Int(n) | Value::Int64(n) => {
                if decl.len() > 1 {
                    return Err(self.error_at(
                        format!("can't use {n} to iterate over more than one variable"),
                        b.pipe.pos,
                        b.pipe.end,
                    ));
                }
                let ctor = |i: i64| match v {
                    Value::Int64(_) => Value::Int64(i),
                    _ => Value::Int(i),
                };
                for i in 0..*n {
                    if iterate(self, fr, ctor(i), ctor(i), out)? {
                        break;
                    }
                }
            }
            Value::Object(o) if o.range_pairs().is_some() => {
                for (k, e) in o.range_pairs().unwrap_or_default() {
                    if iterate(self, fr, k, e, out)? {
                        break;
                    }
                }
            }
            Value::Object(o) if o.range_items().is_some() => {
                for (i, e) in o.range_items().unwrap_or_default().into_iter().enumerate() {
                    if iterate(self, fr, Value::Int(i as i64), e, out)? {
                        break;
                    }
                }
            }
            other => {
                return Err(self.error_at(
                    format!("range can't iterate over {}", other.to_go_string()),
                    b.pipe.pos,
                    b.pipe.end,
                ))
            }
        }
        if !ran {
            if let Some(e) = &b.else_list {
                self.walk_list(fr, dot, e, out)?;
            }
        }
        Ok(())
    }

    /// Evaluates a pipeline; `declare`: handle its variable declarations (not for `range`).
    fn eval_pipe(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        pipe: &Pipe,
        declare: bool,
    ) -> ExecResult<Value> {
        let mut val: Option<Value> = None;
        for cmd in &pipe.cmds {
            val = Some(self.eval_cmd(fr, dot, cmd, val)?);
        }
        let val = val.unwrap_or(Value::Nil);
        if declare {
            for d in &pipe.decl {
                if pipe.is_assign {
                    fr.set(d, val.clone());
                } else {
                    fr.vars.push((d.clone(), val.clone()));
                }
            }
        } else if pipe.is_assign && pipe.decl.len() == 1 {
            fr.set(&pipe.decl[0], val.clone());
        }
        Ok(val)
    }

    fn not_a_function(&self, what: &str, a: &Arg) -> Error {
        self.error_at(
            format!("can't give argument to non-function {what}"),
            a.pos,
            a.end,
        )
    }

    /// Fails when the last command printed or converted a value nested deeper than the value
    /// depth budget (printing stopped there; see [`super::value::take_too_deep`]).
    fn check_depth(&self, pos: usize) -> ExecResult<()> {
        if let Some(why) = super::value::take_overrun() {
            return Err(self.error_at(super::value::overrun_message(why), pos, pos + 1));
        }
        Ok(())
    }

    fn eval_cmd(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        cmd: &Cmd,
        fin: Option<Value>,
    ) -> ExecResult<Value> {
        let v = self.eval_cmd_inner(fr, dot, cmd, fin);
        self.check_depth(cmd.pos)?;
        v
    }

    fn eval_cmd_inner(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        cmd: &Cmd,
        fin: Option<Value>,
    ) -> ExecResult<Value> {
        self.step(cmd.pos)?;
        let first = &cmd.args[0];
        let rest = &cmd.args[1..];
        let has_args = !rest.is_empty() || fin.is_some();
        match &first.kind {
            ArgKind::Field(names) => self.eval_chain(fr, dot, dot.clone(), names, rest, fin, first),
            ArgKind::Chain(inner, names) => {
                let recv = self.eval_arg(fr, dot, inner)?;
                self.eval_chain(fr, dot, recv, names, rest, fin, first)
            }
            ArgKind::Var(name, names) => {
                let v = fr.get(name).cloned().unwrap_or(Value::Nil);
                if names.is_empty() {
                    if has_args {
                        return Err(self.not_a_function(name, first));
                    }
                    return Ok(v);
                }
                self.eval_chain(fr, dot, v, names, rest, fin, first)
            }
            ArgKind::Func(name) => self.eval_function(fr, dot, name, rest, fin, first, cmd),
            ArgKind::Pipe(p) => {
                if has_args {
                    return Err(self.not_a_function("(pipeline)", first));
                }
                let mark = fr.vars.len();
                let v = self.eval_pipe(fr, dot, p, true);
                fr.vars.truncate(mark);
                v
            }
            ArgKind::Nil => Err(self.error_at("nil is not a command", first.pos, first.end)),
            _ => {
                let v = self.eval_arg(fr, dot, first)?;
                if has_args {
                    let what = match &first.kind {
                        ArgKind::Dot => ".".to_string(),
                        ArgKind::Str(s) => super::fmt::quote(s),
                        _ => v.to_go_string(),
                    };
                    return Err(self.not_a_function(&what, first));
                }
                Ok(v)
            }
        }
    }

    /// Evaluates an argument (no arguments of its own).
    fn eval_arg(&mut self, fr: &mut Frame, dot: &Value, a: &Arg) -> ExecResult<Value> {
        Ok(match &a.kind {
            ArgKind::Dot => dot.clone(),
            ArgKind::Nil => Value::Nil,
            ArgKind::Bool(b) => Value::Bool(*b),
            ArgKind::Int(i) => Value::Int(*i),
            ArgKind::Float(f) => Value::Float(*f),
            ArgKind::Str(s) => Value::String(s.clone()),
            ArgKind::Field(names) => self.eval_chain(fr, dot, dot.clone(), names, &[], None, a)?,
            ArgKind::Var(name, names) => {
                let v = fr.get(name).cloned().unwrap_or(Value::Nil);
                if names.is_empty() {
                    v
                } else {
                    self.eval_chain(fr, dot, v, names, &[], None, a)?
                }
            }
            ArgKind::Func(name) => {
                let cmd = Cmd {
                    pos: a.pos,
                    end: a.end,
                    args: vec![a.clone()],
                };
                self.eval_function(fr, dot, name, &[], None, a, &cmd)?
            }
            ArgKind::Pipe(p) => {
                let mark = fr.vars.len();
                let v = self.eval_pipe(fr, dot, p, true);
                fr.vars.truncate(mark);
                v?
            }
            ArgKind::Chain(inner, names) => {
                let recv = self.eval_arg(fr, dot, inner)?;
                self.eval_chain(fr, dot, recv, names, &[], None, a)?
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_chain(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        mut recv: Value,
        names: &[Rc<str>],
        args: &[Arg],
        fin: Option<Value>,
        node: &Arg,
    ) -> ExecResult<Value> {
        let mut fin = fin;
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            let (a, f) = if last {
                (args, fin.take())
            } else {
                (&[][..], None)
            };
            if i == 0 && recv.is_nil() {
                // Go: a field of "no value" (a nil dot, variable or parenthesised result) is no
                // value; only a nil found inside this chain is a nil-pointer error.
                return Ok(Value::Nil);
            }
            recv = self.eval_field(fr, dot, name, recv, a, f, node)?;
        }
        Ok(recv)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        name: &str,
        recv: Value,
        args: &[Arg],
        fin: Option<Value>,
        node: &Arg,
    ) -> ExecResult<Value> {
        let has_args = !args.is_empty() || fin.is_some();
        match &recv {
            Value::Nil => Err(self.error_at(
                format!("nil pointer evaluating interface {{}}.{name}"),
                node.pos,
                node.end,
            )),
            Value::Map(m)
                if m.ty == super::value::MapType::Values
                    && matches!(name, "Table" | "AsMap" | "YAML" | "PathValue") =>
            {
                let mut argv = Vec::with_capacity(args.len() + 1);
                for a in args {
                    argv.push(self.eval_arg(fr, dot, a)?);
                }
                argv.extend(fin);
                match super::objects::values_method(m, name, &argv) {
                    Some(Ok(v)) => Ok(v),
                    Some(Err(e)) => Err(self.func_error(name, e, node.pos, node.end)),
                    None => Ok(m.get(name).unwrap_or(Value::Nil)),
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.error_at(
                        format!("{name} is not a method but has arguments"),
                        node.pos,
                        node.end,
                    ));
                }
                Ok(m.get(name).unwrap_or(Value::Nil))
            }
            Value::Object(o) => {
                if o.has_method(name) {
                    let mut argv = Vec::with_capacity(args.len() + 1);
                    for a in args {
                        argv.push(self.eval_arg(fr, dot, a)?);
                    }
                    if let Some(f) = fin {
                        argv.push(f);
                    }
                    match o.method(name, &argv) {
                        Some(Ok(v)) => Ok(v),
                        Some(Err(e)) => Err(self.func_error(name, e, node.pos, node.end)),
                        None => Err(self.error_at(
                            format!("can't evaluate field {name} in type {}", o.type_name()),
                            node.pos,
                            node.end,
                        )),
                    }
                } else if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.error_at(
                            format!("{name} has arguments but cannot be invoked as function"),
                            node.pos,
                            node.end,
                        ));
                    }
                    Ok(v)
                } else {
                    Err(self.error_at(
                        format!("can't evaluate field {name} in type {}", o.type_name()),
                        node.pos,
                        node.end,
                    ))
                }
            }
            other => Err(self.error_at(
                format!("can't evaluate field {name} in type {}", other.type_name()),
                node.pos,
                node.end,
            )),
        }
    }

    fn func_error(&self, name: &str, e: FuncError, pos: usize, end: usize) -> Error {
        match e {
            FuncError::Call(m) => self.error_at(format!("error calling {name}: {m}"), pos, end),
            FuncError::Plain(m) | FuncError::Fail(m) => self.error_at(m, pos, end),
            FuncError::Located(err) => {
                let what = match (&self.failed_include, name) {
                    (Some(t), "include") => format!("include \"{t}\""),
                    _ => name.to_string(),
                };
                self.called_from(*err, &what, pos, end)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        fr: &mut Frame,
        dot: &Value,
        name: &str,
        args: &[Arg],
        fin: Option<Value>,
        node: &Arg,
        cmd: &Cmd,
    ) -> ExecResult<Value> {
        let n = args.len() + usize::from(fin.is_some());
        if name == "and" || name == "or" {
            if n == 0 {
                return Err(self.error_at(
                    format!("wrong number of args for {name}: want at least 1 got 0"),
                    node.pos,
                    cmd.end,
                ));
            }
            let want = name == "or";
            let mut last = Value::Nil;
            for a in args {
                last = self.eval_arg(fr, dot, a)?;
                if last.truthy() == want {
                    return Ok(last);
                }
            }
            if let Some(f) = fin {
                last = f;
            }
            return Ok(last);
        }
        let Some(spec) = self.funcs.get(name).copied() else {
            return Err(self.error_at(
                format!("function \"{name}\" not defined"),
                node.pos,
                node.end,
            ));
        };
        if !spec.arity.accepts(n) {
            return Err(self.error_at(
                format!(
                    "wrong number of args for {name}: want {} got {n}",
                    spec.arity.describe()
                ),
                node.pos,
                cmd.end,
            ));
        }
        let mut argv = Vec::with_capacity(n);
        for a in args {
            argv.push(self.eval_arg(fr, dot, a)?);
        }
        if let Some(f) = fin {
            argv.push(f);
        }
        // Go names `call`'s callee as written.
        let source = self.stack.last().map(|t| t.source.clone());
        let first_arg = match (name, args.first(), &source) {
            ("call", Some(a), Some(src)) => {
                let written = src.text.get(a.pos..a.end).unwrap_or("");
                match a.kind {
                    // A parenthesised pipeline prints without its parentheses.
                    ArgKind::Pipe(_) => written
                        .strip_prefix('(')
                        .and_then(|w| w.strip_suffix(')'))
                        .map_or(written, str::trim),
                    _ => written,
                }
            }
            _ => "",
        };
        let r = {
            let mut ctx = CallCtx::new(name, self);
            ctx.first_arg = first_arg;
            (spec.func)(&mut ctx, &argv)
        };
        // A function's result costs its size, as data a Jinja template creates costs fuel: lists
        // are rebuilt by every `append`/`concat`, so building one item by item is quadratic.
        let r = r.and_then(|v| {
            let bytes = match &v {
                Value::List(l) => l.len().saturating_mul(16),
                Value::String(s) => s.len(),
                _ => 0,
            };
            Host::charge(self, bytes as u64).map(|_| v)
        });
        r.map_err(|e| self.func_error(name, e, node.pos, cmd.end.max(node.end)))
    }
}

impl Host for Exec<'_> {
    fn include(&mut self, name: &str, data: &Value) -> Result<Rc<str>, FuncError> {
        // (The name is copied only the first time it is included.)
        let count = match self.includes.get_mut(name) {
            Some(c) => c,
            None => self.includes.entry(name.to_string()).or_insert(0),
        };
        *count += 1;
        if *count > self.limits.max_include_per_name {
            *count -= 1;
            return Err(FuncError::Call(format!(
                "rendering template has a nested reference name: {name}: unable to execute template (more than {} nested includes)",
                self.limits.max_include_per_name
            )));
        }
        let r = match self.lookup(name) {
            Some(t) => self
                .run_reusing(t, data)
                .map_err(|e| FuncError::Located(Box::new(e))),
            None => Err(FuncError::Call(format!(
                "template: no template \"{name}\" associated with template \"gotpl\""
            ))),
        };
        if let Some(c) = self.includes.get_mut(name) {
            *c -= 1;
        }
        if r.is_err() {
            self.failed_include = Some(name.to_string());
        }
        r
    }

    fn tpl(&mut self, text: &str, data: &Value) -> Result<String, FuncError> {
        let name = match data {
            Value::Map(m) => m
                .get("Template")
                .and_then(|t| t.as_map().and_then(|t| t.get("Name")))
                .and_then(|n| n.as_str().map(str::to_string)),
            _ => None,
        };
        let Some(name) = name else {
            return Err(FuncError::Call(format!(
                "cannot retrieve Template.Name from values inside tpl function: {text}"
            )));
        };
        let source = Rc::new(SourceText {
            name: format!("{name} (tpl)"),
            text: Cow::Owned(text.to_string()),
        });
        // A secret value used as tpl text: its errors never quote a piece of it (a token of the
        // text, a snippet line), only say where it failed.
        let secret = crate::error::holds_secret(text);
        let hide = |e: Error| match secret {
            true => FuncError::Plain(format!(
                "the tpl text (a secret value, {}) fails at line {} column {}",
                crate::error::REDACTED,
                e.location().map_or(0, |l| l.line),
                e.location().map_or(0, |l| l.column),
            )),
            false => FuncError::Located(Box::new(e)),
        };
        let defs = parse_defs(&source, self.funcs).map_err(hide)?;
        let mut defs = defs.into_iter();
        let body = Rc::new(defs.next().expect("body"));
        let mut overlay = Defs::default();
        for d in defs {
            overlay.insert(d.name.clone(), Rc::new(d));
        }
        self.overlay.push(Rc::new(overlay));
        let r = self.run(body, data);
        self.overlay.pop();
        match r {
            Ok(s) => Ok(strip_no_value(s)),
            Err(e) => Err(hide(e)),
        }
    }

    fn charge(&mut self, units: u64) -> Result<(), FuncError> {
        self.steps = self.steps.saturating_add(units / 64);
        if self.steps > self.limits.max_steps {
            return Err(FuncError::Plain(format!(
                "template execution exceeded its budget of {} steps",
                self.limits.max_steps
            )));
        }
        Ok(())
    }

    fn seed(&self) -> u64 {
        self.seed
    }

    fn template_name(&self) -> &str {
        &self.root_name
    }
}

/// Declares arity for the engine's own `and`/`or` so parse-time checks know them.
pub fn register_control(map: &mut FuncMap) {
    fn unreachable_fn(_: &mut CallCtx<'_>, _: &[Value]) -> Result<Value, FuncError> {
        Err(FuncError::Plain(
            "and/or are evaluated by the engine".into(),
        ))
    }
    map.add("and", Arity::AtLeast(1), unreachable_fn);
    map.add("or", Arity::AtLeast(1), unreachable_fn);
}

/// Runs `f` on a thread with [`crate::budget::RENDER_STACK_BYTES`] of stack, marked so that a
/// template call that would not fit in what is left is an error ([`crate::budget::stack_left`]).
pub fn on_render_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    on_render_stack_while(f, || ())
}

/// [`on_render_stack`], with this thread running `meanwhile` before it waits for `f`.
pub fn on_render_stack_while<T: Send>(f: impl FnOnce() -> T + Send, meanwhile: impl FnOnce()) -> T {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("kiln-render".into())
            .stack_size(crate::budget::RENDER_STACK_BYTES)
            .spawn_scoped(s, || {
                crate::budget::mark_render_stack(crate::budget::RENDER_STACK_BYTES);
                f()
            })
            .expect("spawning the render thread");
        meanwhile();
        match handle.join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
