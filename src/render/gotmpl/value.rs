//! Go's dynamic values as Helm's templates see them.
//!
//! * Maps are shared: cloning a [`Value::Map`] clones a pointer, so `set`, `unset`, `merge` change the map
//!   where it lives (also when reached through `range`, a variable or `.Values`). Keys iterate in sorted
//!   byte order, which is the order Go's templates, `%v`, `toJson` and `toYaml` use.
//! * Lists are immutable once built (no Helm function changes a slice in place); clones share them.
//! * Go's types stay distinct, so `typeOf`/`kindOf`/`printf "%T"` and comparison errors match Go:
//!   numbers read from values files are `float64`, `--set` integers are `int64`, integer constants in a
//!   template are `int`.
//! * Helm's objects (`.Files`, `.Capabilities`, semver versions, times, ...) are [`Object`]s with fields
//!   and methods.

use std::any::Any;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use serde_json::Value as Json;

/// The element type of a Go slice, for `typeOf` (`[]interface {}`, `[]string`, `[]int`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElemType {
    Interface,
    String,
    Int,
}

/// The Go type of a map value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapType {
    /// `map[string]interface {}`
    Interface,
    /// `map[string]string`
    String,
    /// Helm's named map type of `.Values` and `.Template`, `common.Values`.
    Values,
}

thread_local! {
    /// How many times a map was (or may have been) changed on this thread (see [`map_writes`]).
    static MAP_WRITES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// The maps whose `Template` entry is set for each rendered file (see
    /// [`Map::set_file_template`]), by address.
    static FILE_MAPS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// How many times a file's `Template` entry was set on this thread.
    static FILE_EPOCH: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// How many times a file's `Template` entry (or all of such a map) was read on this thread.
    static FILE_READS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Forgets the maps of earlier renders (see [`Map::set_file_template`]).
pub fn reset_file_maps() {
    FILE_MAPS.with(|m| m.borrow_mut().clear());
}

/// How many times a `Template` entry set per file has been set (see [`Map::set_file_template`]).
pub fn file_epoch() -> u64 {
    FILE_EPOCH.with(|c| c.get())
}

/// How many times a `Template` entry set per file (or all of a map that has one) has been read.
pub fn file_reads() -> u64 {
    FILE_READS.with(|c| c.get())
}

/// Counts a read in [`file_reads`] (for an output reused instead of made again, whose making
/// read the entry).
pub fn note_file_read() {
    FILE_READS.with(|c| c.set(c.get().wrapping_add(1)));
}

/// A count that grows whenever any map on this thread may change: equal counts mean that no map
/// changed in between, so everything a template can read through its dot is as it was.
pub fn map_writes() -> u64 {
    MAP_WRITES.with(|c| c.get())
}

/// A shared Go map with string keys.
#[derive(Clone)]
pub struct Map {
    pub ty: MapType,
    inner: Rc<RefCell<BTreeMap<String, Value>>>,
}

impl Map {
    /// Where the entries live: the map's identity in [`FILE_MAPS`].
    fn address(&self) -> usize {
        Rc::as_ptr(&self.inner) as *const () as usize
    }

    /// Whether this map's `Template` entry is set per file (see [`Map::set_file_template`]).
    fn is_file_map(&self) -> bool {
        FILE_MAPS.with(|m| m.borrow().contains(&self.address()))
    }

    /// Marks this map as one whose `Template` entry is set per file (see
    /// [`Map::set_file_template`]): from now on reading that entry is counted. Every chart's
    /// top-level data is marked before the first file renders, as one chart's data can reach
    /// another's (`.Subcharts`).
    pub fn mark_file_map(&self) {
        if !self.is_file_map() {
            FILE_MAPS.with(|m| m.borrow_mut().push(self.address()));
        }
    }

    /// Sets the `Template` entry of a chart's top-level data for the file about to be rendered.
    /// This change is not counted in [`map_writes`]; it has its own count ([`file_epoch`]), and
    /// reads of the entry, or of the whole map, are counted in [`file_reads`]: an output made
    /// without reading it stays the same from file to file.
    pub fn set_file_template(&self, template: Value) {
        self.mark_file_map();
        FILE_EPOCH.with(|c| c.set(c.get().wrapping_add(1)));
        self.inner
            .borrow_mut()
            .insert("Template".to_string(), template);
    }

    /// Counts a change of this map in [`map_writes`], unless this handle is its only holder (a
    /// map being built): then no other value can reach it, so nothing read before can change.
    fn note_write(&self) {
        if Rc::strong_count(&self.inner) > 1 {
            MAP_WRITES.with(|c| c.set(c.get().wrapping_add(1)));
        }
    }

    pub fn new() -> Map {
        Map::with_type(MapType::Interface, BTreeMap::new())
    }

    pub fn with_type(ty: MapType, entries: BTreeMap<String, Value>) -> Map {
        Map {
            ty,
            inner: Rc::new(RefCell::new(entries)),
        }
    }

    pub fn from_entries(entries: BTreeMap<String, Value>) -> Map {
        Map::with_type(MapType::Interface, entries)
    }

    /// The entries, read-only. Do not hold the guard across calls that may change the map.
    pub fn borrow(&self) -> Ref<'_, BTreeMap<String, Value>> {
        if self.is_file_map() {
            note_file_read();
        }
        self.inner.borrow()
    }

    /// The entries, writable: every holder of this map sees the change.
    pub fn borrow_mut(&self) -> RefMut<'_, BTreeMap<String, Value>> {
        self.note_write();
        self.inner.borrow_mut()
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        if key == "Template" && self.is_file_map() {
            note_file_read();
        }
        self.inner.borrow().get(key).cloned()
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.inner.borrow().contains_key(key)
    }

    pub fn insert(&self, key: impl Into<String>, value: Value) {
        self.note_write();
        self.inner.borrow_mut().insert(key.into(), value);
    }

    pub fn remove(&self, key: &str) -> Option<Value> {
        self.note_write();
        self.inner.borrow_mut().remove(key)
    }

    pub fn len(&self) -> usize {
        self.inner.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.borrow().is_empty()
    }

    /// Sorted keys (a snapshot).
    pub fn keys(&self) -> Vec<String> {
        self.inner.borrow().keys().cloned().collect()
    }

    /// Whether two handles point at the same map.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Default for Map {
    fn default() -> Self {
        Map::new()
    }
}

/// A Go slice. Clones share the elements.
#[derive(Clone)]
pub struct List {
    pub elem: ElemType,
    items: Rc<Vec<Value>>,
}

impl List {
    pub fn new(items: Vec<Value>) -> List {
        List::typed(ElemType::Interface, items)
    }

    pub fn typed(elem: ElemType, items: Vec<Value>) -> List {
        List {
            elem,
            items: Rc::new(items),
        }
    }

    pub fn items(&self) -> &[Value] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&Value> {
        self.items.get(i)
    }

    /// The elements as an owned vector (clones the element handles, not nested maps).
    pub fn to_vec(&self) -> Vec<Value> {
        self.items.as_ref().clone()
    }
}

/// Why printing or converting a value stopped early (see [`take_overrun`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    /// Nested deeper than [`crate::budget::TEMPLATE_VALUE_DEPTH`].
    Deep,
    /// More text than [`crate::budget::TEMPLATE_OUTPUT_BYTES`], or more than
    /// [`crate::budget::TEMPLATE_VALUE_NODES`] lists, maps and items.
    Large,
}

thread_local! {
    /// Set when a value too deep or too large was printed or converted (see [`take_overrun`]).
    static OVERRUN: std::cell::Cell<Option<Overrun>> = const { std::cell::Cell::new(None) };
    /// How deep the current `%v`/`%#v` printing is (see [`Nest`]).
    static NEST: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Records that a value too deep or too large to print or convert was met: printing stops there
/// and the engine turns the record into an error at the action that printed it.
pub fn note_overrun(why: Overrun) {
    OVERRUN.with(|f| {
        if f.get().is_none() {
            f.set(Some(why));
        }
    });
}

/// What overran since the last call, if anything (and clears it).
pub fn take_overrun() -> Option<Overrun> {
    OVERRUN.with(|f| f.take())
}

/// The error text for an overrun (a template can nest lists and maps without end: `$x = list $x`
/// in a `range`, or a map `set` into itself).
pub fn overrun_message(why: Overrun) -> String {
    match why {
        Overrun::Deep => format!(
            "value nested more than {} levels deep: exceeds kiln's value depth budget (does a map contain itself?)",
            crate::budget::TEMPLATE_VALUE_DEPTH
        ),
        Overrun::Large => format!(
            "value too large to print or convert: exceeds kiln's value size budget of {} or {} items (does a map contain itself?)",
            crate::budget::bytes(crate::budget::TEMPLATE_OUTPUT_BYTES),
            crate::budget::thousands(crate::budget::TEMPLATE_VALUE_NODES as u64)
        ),
    }
}

/// One level of recursive printing: [`Nest::enter`] fails (and records [`Overrun::Deep`]) past
/// the value depth budget; the level ends when the guard drops.
pub struct Nest(());

impl Nest {
    pub fn enter() -> Option<Nest> {
        if OVERRUN.with(|f| f.get()).is_some() {
            return None;
        }
        let depth = NEST.with(|n| n.get()) + 1;
        if depth > crate::budget::TEMPLATE_VALUE_DEPTH {
            note_overrun(Overrun::Deep);
            return None;
        }
        NEST.with(|n| n.set(depth));
        Some(Nest(()))
    }
}

impl Drop for Nest {
    fn drop(&mut self) {
        NEST.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// Whether printed text has passed the output budget (records [`Overrun::Large`]), or printing
/// already overran.
pub fn too_long(text: &str) -> bool {
    if OVERRUN.with(|f| f.get()).is_some() {
        return true;
    }
    if text.len() > crate::budget::TEMPLATE_OUTPUT_BYTES {
        note_overrun(Overrun::Large);
        return true;
    }
    false
}

/// Whether dropping `v` may free nested lists or maps.
fn is_container(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_))
}

/// Frees values with a work list instead of recursion: a template can nest lists or maps a
/// million levels deep (`$x = list $x` in a `range`), and dropping such a value recursively would
/// overflow any stack. Each list or map whose last owner is here hands its items to the work list
/// before it is dropped (empty).
fn drop_flat(mut todo: Vec<Value>) {
    while let Some(v) = todo.pop() {
        match v {
            Value::List(mut l) => {
                if let Some(items) = Rc::get_mut(&mut l.items) {
                    todo.append(items);
                }
            }
            Value::Map(mut m) => {
                if let Some(cell) = Rc::get_mut(&mut m.inner) {
                    todo.extend(std::mem::take(cell.get_mut()).into_values());
                }
            }
            _ => {}
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        if let Some(items) = Rc::get_mut(&mut self.items) {
            if items.iter().any(is_container) {
                drop_flat(std::mem::take(items));
            }
        }
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        if let Some(cell) = Rc::get_mut(&mut self.inner) {
            let entries = cell.get_mut();
            if entries.values().any(is_container) {
                drop_flat(std::mem::take(entries).into_values().collect());
            }
        }
    }
}

/// Error of a method or function, see [`super::funcs::FuncError`].
pub use super::funcs::FuncError;

/// A Helm object with Go fields and methods (`.Files`, `.Capabilities`, `.Chart`, a semver version, a
/// time). The engine resolves `.Name` by asking [`Object::method`] first (Go prefers methods on the
/// pointer), then [`Object::field`].
pub trait Object: fmt::Debug {
    /// The Go type, as `%T` and `typeOf` print it (`*chart.Metadata`, `chartutil.Files`).
    fn type_name(&self) -> String;

    /// Go's kind, as `kindOf` prints it (`ptr`, `struct`, `map`, `slice`).
    fn kind(&self) -> &'static str {
        "ptr"
    }

    /// A field by its Go name; `None` when the type has no such field.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// Calls a method by its Go name; `None` when the type has no such method.
    fn method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, FuncError>> {
        None
    }

    /// Whether the type has a method of that name (without calling it).
    fn has_method(&self, _name: &str) -> bool {
        false
    }

    /// How `%v` (and plain `{{ . }}`) prints the object (its `String()` method when Go has one).
    fn fmt_v(&self) -> String;

    /// How an action (`{{ .Capabilities.KubeVersion }}`) prints the object when that differs from
    /// [`Object::fmt_v`]: text/template reaches `String` methods with pointer receivers there,
    /// which a copy passed to a function does not have.
    fn fmt_action(&self) -> Option<String> {
        None
    }

    /// What `toJson`/`toYaml` see (Go marshals the exported fields).
    fn to_json(&self) -> Json {
        Json::String(self.fmt_v())
    }

    /// `len` of the object, when Go's `len` accepts it.
    fn go_len(&self) -> Option<usize> {
        None
    }

    /// The elements `range` visits, for objects Go can range over (slice types such as
    /// `.Capabilities.APIVersions`); `None` when `range` cannot iterate over it.
    fn range_items(&self) -> Option<Vec<Value>> {
        None
    }

    /// Key and element pairs `range` visits, in Go's sorted key order, for objects that are
    /// Go maps (`.Files` and what `.Files.Glob` returns); `None` otherwise.
    fn range_pairs(&self) -> Option<Vec<(Value, Value)>> {
        None
    }

    /// Truth in `if`/`with`: Go's non-nil pointers and structs are true.
    fn truthy(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any;
}

/// A Go value.
#[derive(Clone, Default)]
pub enum Value {
    /// `nil` (an empty interface). Also what a missing map key gives.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int`: template integer constants, `len`, `atoi`, `int`.
    Int(i64),
    /// Go `int64`: `--set` integers, sprig's integer math.
    Int64(i64),
    /// Go `uint8` (`index` of a string).
    Uint8(u8),
    /// Go `uint64` (semver's Major/Minor/Patch).
    Uint64(u64),
    /// Go `float64`: every number from a values file or JSON.
    Float(f64),
    String(Rc<str>),
    /// Go `[]byte`.
    Bytes(Rc<[u8]>),
    List(List),
    Map(Map),
    Object(Rc<dyn Object>),
}

impl Value {
    pub fn str(s: impl AsRef<str>) -> Value {
        Value::String(Rc::from(s.as_ref()))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }

    /// A `[]string`.
    pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::List(List::typed(
            ElemType::String,
            items.into_iter().map(|s| Value::str(s)).collect(),
        ))
    }

    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Map::from_entries(entries))
    }

    pub fn object(o: impl Object + 'static) -> Value {
        Value::Object(Rc::new(o))
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Truth as Go's `if`, `with`, `and`, `or`, `not` see it: false, 0, nil, and empty strings, slices
    /// and maps are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint8(u) => *u != 0,
            Value::Uint64(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.truthy(),
        }
    }

    /// Go's type name, as `%T` and sprig's `typeOf` print it (`<nil>` for nil).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint8(_) => "uint8".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => match l.elem {
                ElemType::Interface => "[]interface {}".into(),
                ElemType::String => "[]string".into(),
                ElemType::Int => "[]int".into(),
            },
            Value::Map(m) => match m.ty {
                MapType::Interface => "map[string]interface {}".into(),
                MapType::String => "map[string]string".into(),
                MapType::Values => "common.Values".into(),
            },
            Value::Object(o) => o.type_name(),
        }
    }

    /// Go's kind, as sprig's `kindOf` prints it (`invalid` for nil).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint8(_) => "uint8",
            Value::Uint64(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// Go's `len`: strings (bytes), slices, maps; `None` for other kinds.
    pub fn go_len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::Bytes(b) => Some(b.len()),
            Value::List(l) => Some(l.len()),
            Value::Map(m) => Some(m.len()),
            Value::Object(o) => o.go_len(),
            _ => None,
        }
    }

    /// The integer value of any Go integer kind.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) | Value::Int64(i) => Some(*i),
            Value::Uint8(u) => Some(i64::from(*u)),
            Value::Uint64(u) => i64::try_from(*u).ok(),
            _ => None,
        }
    }

    /// Whether the value is one of Go's integer kinds.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Uint64(_)
        )
    }

    /// Go's `%v` printing (what `{{ . }}`, `print` and `toString` write).
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        super::fmt::write_v(&mut out, self);
        out
    }

    /// Converts JSON into Go values. `numbers` says how JSON numbers become Go numbers.
    pub fn from_json(json: &Json, numbers: NumberMode) -> Value {
        match json {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match numbers {
                NumberMode::Float64 => Value::Float(n.as_f64().unwrap_or(0.0)),
                NumberMode::Int64 => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => Value::Int64(i),
                    (None, Some(u)) => Value::Uint64(u),
                    _ => Value::Float(n.as_f64().unwrap_or(0.0)),
                },
            },
            Json::String(s) => Value::str(s),
            Json::Array(items) => {
                Value::list(items.iter().map(|v| Value::from_json(v, numbers)).collect())
            }
            Json::Object(map) => Value::Map(Map::from_entries(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v, numbers)))
                    .collect(),
            )),
        }
    }

    /// Converts into JSON as Go's `encoding/json` sees the value: maps with sorted keys, `[]byte` as
    /// base64, integral floats as integers (Go prints `1e6` as `1000000`). NaN and infinities, which
    /// Go refuses to marshal, are an error.
    pub fn to_json(&self) -> Result<Json, String> {
        self.to_json_at(0, &mut 0)
    }

    fn to_json_at(&self, depth: usize, nodes: &mut usize) -> Result<Json, String> {
        *nodes += 1;
        let why = if depth > crate::budget::TEMPLATE_VALUE_DEPTH {
            Some(Overrun::Deep)
        } else if *nodes > crate::budget::TEMPLATE_VALUE_NODES {
            Some(Overrun::Large)
        } else {
            None
        };
        if let Some(why) = why {
            note_overrun(why);
            return Err(overrun_message(why));
        }
        Ok(match self {
            Value::Nil => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) | Value::Int64(i) => Json::from(*i),
            Value::Uint8(u) => Json::from(*u),
            Value::Uint64(u) => Json::from(*u),
            Value::Float(f) => float_json(*f)?,
            Value::String(s) => Json::String(s.to_string()),
            Value::Bytes(b) => {
                use base64::Engine as _;
                Json::String(base64::engine::general_purpose::STANDARD.encode(b))
            }
            Value::List(l) => Json::Array(
                l.items()
                    .iter()
                    .map(|v| v.to_json_at(depth + 1, nodes))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(m) => {
                let mut out = serde_json::Map::new();
                for (k, v) in m.borrow().iter() {
                    out.insert(k.clone(), v.to_json_at(depth + 1, nodes)?);
                }
                Json::Object(out)
            }
            Value::Object(o) => o.to_json(),
        })
    }
}

fn float_json(f: f64) -> Result<Json, String> {
    if !f.is_finite() {
        return Err(format!(
            "json: unsupported value: {}",
            super::fmt::format_float_v(f)
        ));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f.abs() < 9.007_199_254_740_992e15 {
            return Ok(Json::from(f as i64));
        }
        if let Ok(n) = format!("{f:.0}").parse::<serde_json::Number>() {
            return Ok(Json::Number(n));
        }
    }
    Ok(serde_json::Number::from_f64(f)
        .map(Json::Number)
        .unwrap_or(Json::Null))
}

/// How JSON numbers become Go numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberMode {
    /// Every number is a `float64` (values files: Helm reads them through JSON).
    Float64,
    /// Integers are `int64`, others `float64` (`--set` values).
    Int64,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.type_name(), self.to_go_string())
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_go_string())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Rc::from(s))
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

impl From<List> for Value {
    fn from(l: List) -> Value {
        Value::List(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_are_shared_between_clones() {
        let m = Map::new();
        let v = Value::Map(m.clone());
        if let Value::Map(inner) = v.clone() {
            inner.insert("k", Value::str("v"));
        }
        assert_eq!(m.get("k").unwrap().to_go_string(), "v");
    }

    #[test]
    fn values_file_numbers_are_float64() {
        let v = Value::from_json(&json!({"big": 1000000, "s": [1, "a"]}), NumberMode::Float64);
        let big = v.as_map().unwrap().get("big").unwrap();
        assert_eq!(big.type_name(), "float64");
        assert_eq!(big.to_go_string(), "1e+06");
        assert_eq!(v.to_go_string(), "map[big:1e+06 s:[1 a]]");
        let set = Value::from_json(&json!(12), NumberMode::Int64);
        assert_eq!(set.type_name(), "int64");
    }

    #[test]
    fn json_round_trip_sorts_keys_and_prints_integral_floats_as_integers() {
        let v = Value::from_json(&json!({"b": 1.5, "a": 2}), NumberMode::Float64);
        assert_eq!(v.to_json().unwrap().to_string(), r#"{"a":2,"b":1.5}"#);
    }

    #[test]
    fn truthiness_follows_go() {
        assert!(!Value::Nil.truthy());
        assert!(!Value::Int(0).truthy());
        assert!(!Value::str("").truthy());
        assert!(!Value::list(vec![]).truthy());
        assert!(!Value::Map(Map::new()).truthy());
        assert!(Value::Float(0.5).truthy());
    }

    #[test]
    fn type_names_match_go() {
        assert_eq!(Value::Nil.type_name(), "<nil>");
        assert_eq!(Value::list(vec![]).type_name(), "[]interface {}");
        assert_eq!(Value::string_list(["a"]).type_name(), "[]string");
        assert_eq!(
            Value::Map(Map::new()).type_name(),
            "map[string]interface {}"
        );
        assert_eq!(Value::Bytes(Rc::from(&b"x"[..])).type_name(), "[]uint8");
        assert_eq!(Value::Map(Map::new()).kind_name(), "map");
    }
}
