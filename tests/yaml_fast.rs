//! The YAML fast path must give exactly serde-saphyr's value whenever it answers, and must
//! answer for the bulk of real manifests.

mod common;
use common::root;

use kiln::yaml::{is_blank_document, parse_fast, parse_saphyr, split_documents, Flavor};
use serde_json::Value;
use std::path::{Path, PathBuf};

const FLAVORS: [Flavor; 2] = [Flavor::Kubectl, Flavor::Kustomize];

/// What `parse_document_as` returns without the fast path (`None` for an error).
fn reference(text: &str, flavor: Flavor) -> Option<Value> {
    parse_saphyr(text, flavor).map(|v| {
        if is_blank_document(text) {
            Value::Null
        } else {
            v
        }
    })
}

/// Whether `text` holds a YAML 1.1 boolean word in mixed case (`tRue`, `oN`): kubectl and helm
/// read it as a string (go-yaml's table has three spellings of each word), the fast path too,
/// serde-saphyr as a boolean.
fn has_mixed_case_bool_word(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
        let lower = w.to_ascii_lowercase();
        let first_upper = |w: &str| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        };
        matches!(
            lower.as_str(),
            "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off"
        ) && w != lower
            && w != w.to_ascii_uppercase()
            && w != first_upper(w)
    })
}

/// Whether `text` holds a decimal literal too large for a float (`1e400`): text to go-yaml and
/// to the fast path, an error to serde-saphyr.
fn has_float_overflow(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .any(|w| {
            w.parse::<f64>().is_ok_and(|f| f.is_infinite()) && w.bytes().any(|b| b.is_ascii_digit())
        })
}

/// Checks one document in both flavors; returns how many flavors the fast path handled.
fn check(text: &str, origin: &str) -> usize {
    let mut handled = 0;
    for flavor in FLAVORS {
        if let Some(fast) = parse_fast(text, flavor) {
            handled += 1;
            if flavor == Flavor::Kubectl && has_mixed_case_bool_word(text)
                || has_float_overflow(text)
            {
                continue;
            }
            match reference(text, flavor) {
                Some(slow) => assert_eq!(
                    fast, slow,
                    "fast path differs from serde-saphyr ({flavor:?}) for {origin}:\n{text}"
                ),
                None => panic!(
                    "fast path accepted what serde-saphyr rejects ({flavor:?}) for {origin}:\n{text}"
                ),
            }
        }
    }
    handled
}

fn yaml_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(root().join(dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let p = entry.path();
            if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                files.push(p.to_path_buf());
            }
        }
    }
    files
}

/// The documents of a file: YAML files as they are, snapshots without their header.
fn documents_of(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let body = if path.extension().is_some_and(|e| e == "snap") {
        // insta header: `---`, metadata, `---`.
        let mut parts = text.splitn(3, "\n---\n");
        let _ = parts.next();
        let _ = parts.next();
        parts.next().unwrap_or("").to_string()
    } else {
        text
    };
    split_documents(&body)
        .iter()
        .map(|d| d.text.to_string())
        .collect()
}

/// (documents, handled) over files, counting a document as handled when both flavors were.
fn run(files: &[PathBuf]) -> (usize, usize) {
    let (mut total, mut handled) = (0, 0);
    for f in files {
        let origin = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        for doc in documents_of(f) {
            total += 1;
            if check(&doc, &origin) == FLAVORS.len() {
                handled += 1;
            }
        }
    }
    (total, handled)
}

#[test]
fn fast_path_matches_serde_saphyr_on_repository_yaml() {
    let files = yaml_files(&["tests", "charts", "overlays"]);
    assert!(files.len() > 100, "found only {} YAML files", files.len());
    let (total, handled) = run(&files);
    eprintln!("repository YAML: {handled}/{total} documents on the fast path");
    assert!(total > 500);
}

#[test]
fn fast_path_handles_most_overlay_outputs() {
    let files: Vec<_> = yaml_files(&["tests/overlays"])
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "expected.yaml"))
        .collect();
    assert!(!files.is_empty());
    let (total, handled) = run(&files);
    eprintln!("overlay expected.yaml: {handled}/{total} documents on the fast path");
    assert!(
        handled * 10 >= total * 9,
        "only {handled} of {total} documents on the fast path"
    );
}

#[test]
fn fast_path_handles_most_rendered_example_charts() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/snapshots"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("examples__") && n.ends_with(".snap"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let (total, handled) = run(&files);
    eprintln!("rendered examples: {handled}/{total} documents on the fast path");
    assert!(total > 50);
    assert!(
        handled * 10 >= total * 9,
        "only {handled} of {total} documents on the fast path"
    );
}

// ---------------------------------------------------------------------------------------
// Generated documents.

/// xorshift64*: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PLAIN: &[&str] = &[
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "true",
    "True",
    "TRUE",
    "tRue",
    "false",
    "False",
    "yes",
    "Yes",
    "YES",
    "y",
    "Y",
    "n",
    "N",
    "no",
    "No",
    "on",
    "On",
    "off",
    "OFF",
    "0",
    "-0",
    "+0",
    "00",
    "007",
    "08",
    "0644",
    "0755",
    "1",
    "-1",
    "+12",
    "42",
    "8080",
    "65536",
    "123456789012345678901",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "-9223372036854775809",
    "1.5",
    "-1.5",
    "+1.5",
    "1e3",
    "1E3",
    "1.5e-3",
    "1e400",
    "0.5",
    "00.5",
    ".5",
    "5.",
    "-.5",
    "1_000",
    "0x1F",
    "0x1f",
    "0X1F",
    "0o17",
    "0O17",
    "0b101",
    "0B101",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".nan",
    ".NaN",
    "+.nan",
    "-.nan",
    "inf",
    "-inf",
    "nan",
    "infinity",
    "1.2.3",
    "10.0.0.1",
    "10.0.0.0/8",
    "100m",
    "128Mi",
    "1Gi",
    "0.25",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "1:30",
    "1-2",
    "1e",
    "1.5e",
    "v1.2",
    "-a",
    "--",
    "---",
    "-.",
    "...",
    "?a",
    ":a",
    "a:b",
    "a#b",
    "x y z",
    "é ü",
    "日本",
    "http://x.example/y?z=1",
    "a'b",
    "a\"b",
    "nginx:1.25",
    "IfNotPresent",
    "ClusterIP",
    "TCP",
    "app",
    "a,b",
    "a[0]",
    "a]",
    "x}",
    "=",
    "<<",
    "%",
    "@",
    "`",
    "!x",
    "&a",
    "*a",
    "|",
    ">",
    "a b ",
    "-1-",
    "+",
    "-",
    "_",
    "0_1",
    "1__0",
    "0x_1",
    "0o_7",
    "+0x1",
    "-0x1",
    "0xg",
    "0b2",
    "0o8",
    "1.5.",
];

const KEYS: &[&str] = &[
    "a",
    "b",
    "name",
    "app.kubernetes.io/name",
    "x_y",
    "b-c",
    "with space",
    "é",
    "日本",
    "yes",
    "on",
    "true",
    "y",
    "null",
    "~",
    "1",
    "1x",
    "80/tcp",
    "0x1",
    "1.5",
    "-a",
    "a b",
    "<<",
    "a#b",
    "k:v",
    "'q'",
    "\"dq\"",
    "'it''s'",
    "\"\\u00e9\"",
    "\"a: b\"",
    "'#'",
    "''",
    "\"\"",
    "?",
    "[k]",
    "{k}",
    "a ",
    "*a",
    "&a",
    "!a",
    ".a",
    "+a",
];

const FLOW_PLAIN: &[&str] = &[
    "a", "b c", "1", "-1", "1.5", "true", "yes", "null", "~", "0x1", "010", "-a", "x.y", "a:b",
    "?a", "a#b", "é",
];

fn quoted(r: &mut Rng) -> String {
    if r.chance(50) {
        let s = r.pick(&[
            "", "a", "it''s", "#", "a: b", " x ", "a # b", "\"", "\\", "é", "yes", "1", "''",
            "a\tb", "null",
        ]);
        format!("'{s}'")
    } else {
        let s = r.pick(&[
            "",
            "a",
            "it's",
            "#",
            "a: b",
            " x ",
            "a # b",
            "\\\"",
            "\\\\",
            "\\n",
            "\\t",
            "\\u00e9",
            "\\x41",
            "\\/",
            "\\0",
            "\\e",
            "\\N",
            "\\_",
            "\\U0001F600",
            "\\ud800",
            "\\q",
            "\\'",
            "a\tb",
            "\\u12",
            "1",
            "yes",
        ]);
        format!("\"{s}\"")
    }
}

fn key(r: &mut Rng) -> String {
    if r.chance(70) {
        r.pick(&KEYS[..8]).to_string()
    } else if r.chance(20) {
        quoted(r)
    } else {
        r.pick(KEYS).to_string()
    }
}

fn scalar(r: &mut Rng) -> String {
    match r.below(10) {
        0..=5 => r.pick(PLAIN).to_string(),
        6 | 7 => quoted(r),
        8 => flow(r, 0),
        _ => format!("{} {}", r.pick(PLAIN), r.pick(PLAIN)),
    }
}

fn flow(r: &mut Rng, depth: usize) -> String {
    let n = r.below(4);
    let sep = |r: &mut Rng| r.pick(&[", ", ",", " , ", ",  "]).to_string();
    let item = |r: &mut Rng, depth: usize| -> String {
        match r.below(8) {
            0 if depth < 2 => flow(r, depth + 1),
            1 => quoted(r),
            _ => r.pick(FLOW_PLAIN).to_string(),
        }
    };
    let mut out = String::new();
    if r.chance(50) {
        out.push('[');
        out.push_str(r.pick(&["", " "]));
        for i in 0..n {
            if i > 0 {
                out.push_str(&sep(r));
            }
            out.push_str(&item(r, depth));
        }
        if n > 0 && r.chance(10) {
            out.push(',');
        }
        out.push_str(r.pick(&["", " "]));
        out.push(']');
    } else {
        out.push('{');
        out.push_str(r.pick(&["", " "]));
        for i in 0..n {
            if i > 0 {
                out.push_str(&sep(r));
            }
            let k = if r.chance(80) {
                r.pick(&["a", "b", "c", "x y", "yes", "1"]).to_string()
            } else {
                quoted(r)
            };
            out.push_str(&k);
            out.push_str(r.pick(&[": ", ":  ", ": ", " : ", ":"]));
            if r.chance(90) {
                out.push_str(&item(r, depth));
            }
        }
        if n > 0 && r.chance(10) {
            out.push(',');
        }
        out.push_str(r.pick(&["", " "]));
        out.push('}');
    }
    out
}

fn comment(r: &mut Rng) -> &'static str {
    if r.chance(15) {
        r.pick(&[" # c", "  # c: d", " #", "\t# t", " # - x"])
    } else {
        ""
    }
}

fn block_scalar(r: &mut Rng, out: &mut String, parent: usize) {
    out.push('|');
    let chomp = r.pick(&["", "", "-", "+"]);
    let indicator = if r.chance(15) { 1 + r.below(3) } else { 0 };
    if r.chance(50) {
        out.push_str(chomp);
        if indicator > 0 {
            out.push_str(&indicator.to_string());
        }
    } else {
        if indicator > 0 {
            out.push_str(&indicator.to_string());
        }
        out.push_str(chomp);
    }
    out.push_str(comment(r));
    out.push('\n');
    let ind = if indicator > 0 {
        parent + indicator
    } else {
        parent + 1 + r.below(4)
    };
    let lines = r.below(5);
    for _ in 0..lines {
        match r.below(10) {
            0 => out.push('\n'),
            1 => {
                out.push_str(&" ".repeat(r.below(ind + 3)));
                out.push('\n');
            }
            2 => {
                out.push_str(&" ".repeat(ind + 1 + r.below(3)));
                out.push_str("more\n");
            }
            3 => {
                out.push_str(&" ".repeat(ind));
                out.push_str("# not a comment\n");
            }
            _ => {
                out.push_str(&" ".repeat(ind));
                let text = r.pick(&["x", "line: two", "'q' \"d\"", "a\tb", "- item", "  "]);
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    for _ in 0..r.below(3) {
        out.push('\n');
    }
}

fn mapping(r: &mut Rng, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
    let n = 1 + r.below(4);
    for i in 0..n {
        if !(i == 0 && first_inline) {
            if r.chance(8) {
                out.push_str(&" ".repeat(r.below(indent + 3)));
                out.push_str("# comment\n");
            }
            if r.chance(5) {
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key(r));
        out.push_str(r.pick(&[":", ":", ":", " :"]));
        value(r, out, indent, depth, true);
    }
}

fn sequence(r: &mut Rng, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
    let n = 1 + r.below(4);
    for i in 0..n {
        if !(i == 0 && first_inline) {
            if r.chance(5) {
                out.push_str(&" ".repeat(r.below(indent + 3)));
                out.push_str("# comment\n");
            }
            out.push_str(&" ".repeat(indent));
        }
        out.push('-');
        let gap = 1 + if r.chance(20) { r.below(3) } else { 0 };
        let col = indent + 1 + gap;
        match r.below(10) {
            0..=2 if depth < 5 => {
                out.push_str(&" ".repeat(gap));
                mapping(r, out, col, depth + 1, true);
            }
            3 if depth < 5 => {
                out.push_str(&" ".repeat(gap));
                sequence(r, out, col, depth + 1, true);
            }
            _ => value(r, out, indent, depth, false),
        }
    }
}

/// After `key:` (in a mapping at `indent`) or `-` (in a sequence at `indent`).
fn value(r: &mut Rng, out: &mut String, indent: usize, depth: usize, in_map: bool) {
    let step = 1 + r.below(4);
    match r.below(14) {
        13 => {
            // A quoted scalar folded over several lines.
            let double = r.chance(50);
            let q = if double { '"' } else { '\'' };
            out.push(' ');
            out.push(q);
            out.push_str(r.pick(&["long text", "", "a: b", " x", "it''s", "#"]));
            for _ in 0..1 + r.below(3) {
                out.push_str(r.pick(&["", "", " ", "  ", "\t"]));
                if double && r.chance(30) {
                    out.push_str(r.pick(&["\\", "\\ ", "\\t"]));
                }
                out.push('\n');
                for _ in 0..r.below(3).saturating_sub(1) {
                    out.push_str(&" ".repeat(r.below(3)));
                    out.push('\n');
                }
                let extra = if r.chance(85) { 1 + r.below(3) } else { 0 };
                out.push_str(&" ".repeat(indent + extra));
                out.push_str(r.pick(&["more words", "x", "- y", "a: b", "# c", "\\ z", "", " w"]));
            }
            out.push(q);
            out.push_str(comment(r));
            out.push('\n');
        }
        12 => {
            // A plain scalar folded over several lines.
            out.push(' ');
            out.push_str(r.pick(&["long text", "x", "1", "yes", "a b", "~", "-a", "é"]));
            for _ in 0..1 + r.below(3) {
                for _ in 0..r.below(3).saturating_sub(1) {
                    out.push_str(&" ".repeat(r.below(3)));
                    out.push('\n');
                }
                out.push('\n');
                let extra = if r.chance(85) { 1 + r.below(3) } else { 0 };
                out.push_str(&" ".repeat(indent + extra));
                out.push_str(r.pick(&[
                    "more words",
                    "x",
                    "1",
                    "- y",
                    "a: b",
                    "#c",
                    "q # c",
                    "it's",
                    "[z]",
                    "w  ",
                    "k:v",
                    "\"q\"",
                ]));
            }
            out.push_str(comment(r));
            out.push('\n');
        }
        0..=4 => {
            out.push(' ');
            out.push_str(&scalar(r));
            out.push_str(comment(r));
            out.push('\n');
        }
        5 | 6 if depth < 5 => {
            out.push_str(comment(r));
            out.push('\n');
            mapping(r, out, indent + step, depth + 1, false);
        }
        7 if depth < 5 => {
            out.push_str(comment(r));
            out.push('\n');
            let same = in_map && r.chance(50);
            sequence(
                r,
                out,
                if same { indent } else { indent + step },
                depth + 1,
                false,
            );
        }
        8 => {
            out.push(' ');
            block_scalar(r, out, indent);
        }
        9 => {
            out.push_str(comment(r));
            out.push('\n');
        }
        _ => {
            out.push(' ');
            out.push_str(r.pick(PLAIN));
            out.push('\n');
        }
    }
}

/// A root flow collection spread over lines, like a JSON values file.
fn json_document(r: &mut Rng) -> String {
    let mut out = String::new();
    for c in flow(r, 0).chars() {
        out.push(c);
        if matches!(c, '[' | '{' | ',') && r.chance(60) {
            out.push('\n');
            out.push_str(&" ".repeat(r.below(4)));
        }
    }
    if r.chance(50) {
        out.push('\n');
    }
    out
}

fn document(r: &mut Rng) -> String {
    if r.chance(10) {
        return json_document(r);
    }
    let mut out = String::new();
    if r.chance(5) {
        out.push_str("---\n");
    }
    if r.chance(10) {
        out.push_str("# leading comment\n\n");
    }
    if r.chance(75) {
        mapping(r, &mut out, 0, 0, false);
    } else {
        sequence(r, &mut out, 0, 0, false);
    }
    if r.chance(10) {
        out.pop();
    }
    out
}

/// Random small damage: the fast path must then still agree or give up.
fn mutate(r: &mut Rng, doc: &mut String) {
    let bytes: Vec<char> = doc.chars().collect();
    if bytes.is_empty() {
        return;
    }
    let at = r.below(bytes.len());
    let mut chars = bytes;
    match r.below(3) {
        0 => {
            chars.remove(at);
        }
        1 => {
            let c = r.pick(&[
                "\t", ":", "#", "-", "[", "\"", "'", "&", "!", " ", "\n", "|", "?",
            ]);
            chars.insert(at, c.chars().next().unwrap());
        }
        _ => {
            chars.insert(at, ' ');
            chars.insert(at, ' ');
        }
    }
    *doc = chars.into_iter().collect();
}

#[test]
fn fast_path_matches_serde_saphyr_on_generated_documents() {
    let seeds = [
        0x9e37_79b9_7f4a_7c15,
        0xdead_beef_cafe_f00d,
        0x0bad_5eed_1234_0007,
    ];
    let per_seed = 6000;
    let cases = seeds.len() * per_seed;
    let mut r = Rng(seeds[0]);
    let mut handled = 0;
    let mut mutated_handled = 0;
    for i in 0..cases {
        if i % per_seed == 0 {
            r = Rng(seeds[i / per_seed]);
        }
        let mut doc = document(&mut r);
        let mutated = i % 4 == 3;
        if mutated {
            mutate(&mut r, &mut doc);
        }
        let h = check(&doc, &format!("generated case {i}"));
        if mutated {
            mutated_handled += h;
        } else {
            handled += h;
        }
    }
    eprintln!(
        "generated: {handled} of {} clean and {mutated_handled} of {} damaged (document, flavor) pairs on the fast path",
        cases * 3 / 4 * 2,
        cases / 4 * 2
    );
    // The generator must mostly stay inside the supported subset, or the test proves little.
    assert!(handled * 4 >= cases * 3 / 4 * 2, "only {handled} handled");
}

/// Throughput of the fast path against serde-saphyr on manifest-like text:
/// `scripts/bench-yaml.sh` (release build, ignored by default).
#[test]
#[ignore]
fn throughput() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/snapshots"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    files.sort();
    let docs: Vec<String> = files
        .iter()
        .flat_map(|f| documents_of(f))
        .filter(|d| parse_fast(d, Flavor::Kubectl).is_some() && !is_blank_document(d))
        .collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    let json = serde_json::to_string_pretty(
        &docs
            .iter()
            .map(|d| parse_fast(d, Flavor::Kubectl).unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let rounds = (32 << 20) / bytes.max(1) + 1;
    let mbps = |secs: f64, n: usize| n as f64 / secs / 1e6;
    // CPU time of this thread (the machine may be shared), wall time as a fallback.
    let cpu = || -> Option<f64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
    };
    let time = |f: &dyn Fn()| {
        let (c, t) = (cpu(), std::time::Instant::now());
        f();
        match (c, cpu()) {
            (Some(a), Some(b)) => b - a,
            _ => t.elapsed().as_secs_f64(),
        }
    };
    let fast = time(&|| {
        for _ in 0..rounds {
            for d in &docs {
                std::hint::black_box(parse_fast(d, Flavor::Kubectl));
            }
        }
    });
    // The same without dropping the values (building them is what parsing costs).
    let kept = std::cell::RefCell::new(Vec::with_capacity(docs.len() * rounds));
    let build = time(&|| {
        let mut kept = kept.borrow_mut();
        for _ in 0..rounds {
            for d in &docs {
                kept.push(parse_fast(d, Flavor::Kubectl));
            }
        }
    });
    let dropping = time(&|| kept.borrow_mut().clear());
    eprintln!(
        "manifests: fast path {:.0} MB/s without dropping the values ({:.0} MB/s to drop them)",
        mbps(build, bytes * rounds),
        mbps(dropping, bytes * rounds)
    );
    let slow = time(&|| {
        for _ in 0..rounds.div_ceil(8) {
            for d in &docs {
                std::hint::black_box(parse_saphyr(d, Flavor::Kubectl));
            }
        }
    });
    let json_rounds = (8 << 20) / json.len() + 1;
    let fast_json = time(&|| {
        for _ in 0..json_rounds {
            std::hint::black_box(parse_fast(&json, Flavor::Kubectl));
        }
    });
    let slow_json = time(&|| {
        for _ in 0..json_rounds.div_ceil(8) {
            std::hint::black_box(parse_saphyr(&json, Flavor::Kubectl));
        }
    });
    eprintln!(
        "manifests ({} docs, {} KB): fast path {:.0} MB/s, serde-saphyr {:.0} MB/s",
        docs.len(),
        bytes / 1024,
        mbps(fast, bytes * rounds),
        mbps(slow, bytes * rounds.div_ceil(8))
    );
    eprintln!(
        "pretty JSON ({} KB): fast path {:.0} MB/s, serde-saphyr {:.0} MB/s",
        json.len() / 1024,
        mbps(fast_json, json.len() * json_rounds),
        mbps(slow_json, json.len() * json_rounds.div_ceil(8))
    );
}
