//! Replays every committed fuzz input (`fuzz/corpus/<target>/*`) through its target: none may
//! panic. New crashes found by the fuzzer (`fuzz/README.md`) are added there as regressions.

// The fuzzer also uses `targets::target` (lookup by name); the replay walks them all.
#[allow(dead_code)]
#[path = "../fuzz/src/targets.rs"]
mod targets;

use std::path::PathBuf;

#[test]
fn fuzz_corpus_replays_without_panics() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let scratch = std::env::temp_dir().join(format!("kiln-fuzz-replay-{}", std::process::id()));
    let mut replayed = 0;
    let mut failures = Vec::new();
    for t in targets::TARGETS {
        let dir = root.join(t.name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for target {}", t.name);
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let scratch = scratch.join(t.name);
            std::fs::create_dir_all(&scratch).unwrap();
            if std::panic::catch_unwind(|| (t.run)(&data, &scratch)).is_err() {
                failures.push(f.display().to_string());
            }
            replayed += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "panicked on: {failures:#?}");
    assert!(replayed > 0);
}
