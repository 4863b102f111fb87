//! kiln's coverage-guided fuzzer, on the stable toolchain.
//!
//! Built with `RUSTFLAGS="-C instrument-coverage"`, every function and branch of kiln and its
//! dependencies gets an LLVM profile counter; the counters live between the linker symbols
//! `__start___llvm_prf_cnts` and `__stop___llvm_prf_cnts`, so the fuzzer reads them after each
//! run: an input that makes a counter non-zero for the first time found new code and joins the
//! queue. Inputs are mutated (bit flips, byte edits, deletions, duplications, dictionary tokens,
//! splices) from the committed corpus (`fuzz/corpus/<target>/`) and the queue
//! (`fuzz/runs/<target>/queue/`). A panic is saved under `fuzz/runs/<target>/crashes/`; the input
//! being run is always in `fuzz/runs/<target>/current`, so an abort leaves its reproducer.
//!
//! ```text
//! cd fuzz && RUSTFLAGS="-C instrument-coverage" LLVM_PROFILE_FILE=/dev/null \
//!     cargo run --release -- TARGET [SECONDS] [SEED]
//! ```

mod targets;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

extern "C" {
    static __start___llvm_prf_cnts: u8;
    static __stop___llvm_prf_cnts: u8;
}

/// The profile counters of the whole program.
fn counters() -> &'static [u64] {
    // SAFETY: the linker defines both symbols around the counter section that
    // `-C instrument-coverage` emits; the section is an array of u64 that lives for the whole
    // program. Counters are plain increments; reading them races with nothing (one thread runs
    // the target at a time, and a torn read only changes a count, never zero/non-zero).
    unsafe {
        let start = std::ptr::addr_of!(__start___llvm_prf_cnts) as *const u64;
        let end = std::ptr::addr_of!(__stop___llvm_prf_cnts) as *const u64;
        let len = end.offset_from(start).max(0) as usize;
        std::slice::from_raw_parts(start, len)
    }
}

/// xorshift64*: deterministic for a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that matter to YAML, Jinja, `--set` and kustomize; inserted whole by the mutator.
const DICTIONARY: &[&str] = &[
    "\n",
    ": ",
    "- ",
    "---\n",
    "  ",
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "{%- ",
    " -%}",
    "{# ",
    " #}",
    "[0]",
    "[65536]",
    ".",
    ",",
    "=",
    "{",
    "}",
    "\\",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!!int ",
    "|\n",
    ">-\n",
    "'",
    "\"",
    "#",
    "~",
    "null",
    "true",
    "yes",
    "0x1F",
    "1e3",
    "007",
    "Values.",
    "tpl(",
    "include(",
    "range(",
    "for x in ",
    "endfor",
    "if ",
    "elif ",
    "else",
    "endif",
    "set ",
    "macro ",
    "endmacro",
    " | nindent(",
    " | indent(",
    " | toyaml",
    " | quote",
    // Go templates (Helm charts)
    "{{- ",
    " -}}",
    "{{/* ",
    " */}}",
    ".Values.",
    ".Release.Name",
    "$x := ",
    "$x = ",
    "$",
    " | ",
    "(",
    ")",
    "{{ end }}",
    "{{ else }}",
    "{{ if ",
    "{{ range $i, $v := ",
    "{{ with ",
    "{{ define \"a\" }}",
    "{{ template \"a\" . }}",
    "include \"a\" . ",
    "tpl ",
    "toYaml ",
    "fromYaml ",
    "printf \"%v\" ",
    "dict \"a\" ",
    "list ",
    "set ",
    "index ",
    "required ",
    "default ",
    "nindent 4",
    "until 100000",
    "apiVersion: v1\n",
    "kind: ConfigMap\n",
    "kind: Secret\n",
    "kind: List\n",
    "kind: Deployment\n",
    "apiVersion: apps/v1\n",
    "metadata:\n  name: x\n",
    "data:\n",
    "stringData:\n",
    "items:\n",
    "spec:\n",
    "containers:\n",
    "- name: c\n",
    "image: nginx\n",
    "labels:\n",
    "$patch: delete",
    "$patch: replace",
    "$setElementOrder/containers",
    "$retainKeys",
    "op: remove\n",
    "op: replace\n",
    "op: add\n",
    "op: move\n",
    "path: /kind\n",
    "path: \"\"\n",
    "value: ",
    "resources:\n",
    "- ../base\n",
    "patches:\n",
    "commonLabels:\n",
    "namePrefix: p-\n",
    "namespace: n\n",
    "configMapGenerator:\n",
    "literals:\n",
    "- a=b\n",
    "images:\n",
    "replicas:\n",
    "components:\n",
    "==> kustomization.yaml\n",
    "==> base/kustomization.yaml\n",
    "==> cm.yaml\n",
    "==> values.yaml\n",
    "==> templates/a.yaml\n",
    "==> templates/_h.tpl\n",
    "==> values.schema.json\n",
    "==> patch\n",
    "\u{1b}[31m",
    "\u{feff}",
    "\t",
    "\r\n",
    "\0",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], max_len: usize) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let n = 1 + rng.below((len - a).min(64));
                input.drain(a..a + n);
            }
            4 if len > 1 => {
                let a = rng.below(len);
                let n = 1 + rng.below((len - a).min(64));
                let chunk: Vec<u8> = input[a..a + n].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            5 | 6 => {
                let tok = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                let at = rng.below(len + 1);
                input.splice(at..at, tok.iter().copied());
            }
            7 if !pool.is_empty() => {
                let other = &pool[rng.below(pool.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - a).min(256));
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[a..a + n].iter().copied());
                }
            }
            8 if len > 0 => {
                // Repeat a slice: grows nesting and lists.
                let a = rng.below(len);
                let n = 1 + rng.below((len - a).min(16));
                let chunk: Vec<u8> = input[a..a + n].to_vec();
                for _ in 0..1 + rng.below(32) {
                    input.splice(a..a, chunk.iter().copied());
                }
            }
            _ => {}
        }
    }
    input.truncate(max_len);
}

fn read_dir_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.is_file() && !p.ends_with("current"));
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn hash(data: &[u8]) -> u64 {
    // FNV-1a: names saved inputs.
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(target) = args.get(1).and_then(|n| targets::target(n)) else {
        eprintln!(
            "usage: kiln-fuzz TARGET [SECONDS] [SEED]\ntargets: {}",
            targets::TARGETS
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
        std::process::exit(2);
    };
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = root.join("corpus").join(target.name);
    let work = root.join("runs").join(target.name);
    let queue_dir = work.join("queue");
    let crash_dir = work.join("crashes");
    let slow_dir = work.join("slow");
    for d in [&queue_dir, &crash_dir, &slow_dir] {
        std::fs::create_dir_all(d).unwrap();
    }
    let scratch =
        std::env::temp_dir().join(format!("kiln-fuzz-{}-{}", target.name, std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let current = work.join("current");

    // Panics are expected findings: keep them short on stderr.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("PANIC: {info}");
    }));

    let cnt = counters();
    let total = cnt.len();
    let mut seen = vec![false; total];
    let mut covered = 0usize;
    let update = |seen: &mut Vec<bool>| -> usize {
        let mut new = 0;
        for (i, &c) in counters().iter().enumerate() {
            if c != 0 && !seen[i] {
                seen[i] = true;
                new += 1;
            }
        }
        new
    };
    covered += update(&mut seen);
    let baseline = covered;

    let mut pool: Vec<Vec<u8>> = read_dir_files(&corpus_dir);
    let seeds = pool.len();
    pool.extend(read_dir_files(&queue_dir));
    if pool.is_empty() {
        pool.push(Vec::new());
    }
    let mut rng = Rng(seed | 1);
    let mut execs: u64 = 0;
    let mut crashes = 0usize;
    let mut slow = 0usize;
    let max_len = 64 * 1024;
    let start = Instant::now();
    let mut last_report = Instant::now();

    let run = |data: &[u8], execs: &mut u64, crashes: &mut usize, slow: &mut usize| {
        let _ = std::fs::write(&current, data);
        let t0 = Instant::now();
        let ok = std::panic::catch_unwind(|| (target.run)(data, &scratch)).is_ok();
        let took = t0.elapsed();
        *execs += 1;
        let name = format!("{:016x}", hash(data));
        if !ok {
            *crashes += 1;
            let _ = std::fs::write(crash_dir.join(&name), data);
        }
        if took > Duration::from_secs(2) {
            *slow += 1;
            let _ = std::fs::write(slow_dir.join(&name), data);
            eprintln!(
                "slow input ({:.1}s): {}",
                took.as_secs_f64(),
                slow_dir.join(&name).display()
            );
        }
    };

    // Replay everything first: the coverage the corpus already reaches.
    for data in pool.clone() {
        run(&data, &mut execs, &mut crashes, &mut slow);
    }
    covered += update(&mut seen);
    let after_corpus = covered;

    let deadline = Duration::from_secs(secs);
    while start.elapsed() < deadline {
        let mut input = pool[rng.below(pool.len())].clone();
        mutate(&mut rng, &mut input, &pool, max_len);
        run(&input, &mut execs, &mut crashes, &mut slow);
        let new = update(&mut seen);
        if new > 0 {
            covered += new;
            let name = format!("{:016x}", hash(&input));
            let _ = std::fs::write(queue_dir.join(name), &input);
            pool.push(input);
        }
        if last_report.elapsed() > Duration::from_secs(10) {
            last_report = Instant::now();
            eprintln!(
                "[{}] {:>5}s execs {} ({:.0}/s) queue {} covered {}/{} counters crashes {} slow {}",
                target.name,
                start.elapsed().as_secs(),
                execs,
                execs as f64 / start.elapsed().as_secs_f64(),
                pool.len(),
                covered,
                total,
                crashes,
                slow
            );
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = std::fs::remove_file(&current);
    println!(
        "target {}: {} execs in {}s ({:.0}/s); corpus {} seeds + {} queued; counters covered: {} at start, {} after the corpus, {} at the end, of {} ({:.1}%); crashes {}; slow inputs {}",
        target.name,
        execs,
        start.elapsed().as_secs(),
        execs as f64 / start.elapsed().as_secs_f64(),
        seeds,
        pool.len() - seeds,
        baseline,
        after_corpus,
        covered,
        total,
        100.0 * covered as f64 / total.max(1) as f64,
        crashes,
        slow
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}
