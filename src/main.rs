//! The `kiln` binary: everything lives in the library; this only hands over the exit code.

// kiln builds and frees many small maps and strings (thousands of objects per run); mimalloc
// halves the time glibc's allocator spends on them. Running out of memory is a clean error
// (exit 1), not an abort (see `kiln::budget::OutOfMemoryExit`). (mimalloc asks for transparent
// huge pages; the `no_thp` feature would take a third off a small chart's peak memory, but makes
// a 6,000-object render a tenth slower: measured with scripts/bench-helm-charts.sh. mimalloc's v2
// series (the `v2` feature) touches fewer fresh pages than v3: kube-prometheus-stack 5-8%
// faster, the 6,000-object chart 78 MB peak instead of 91, in paired runs.)
#[global_allocator]
static ALLOCATOR: kiln::budget::OutOfMemoryExit<mimalloc::MiMalloc> =
    kiln::budget::OutOfMemoryExit(mimalloc::MiMalloc);

extern "C" {
    /// POSIX `_exit`: ends the process without running exit handlers.
    fn _exit(status: i32) -> !;
}

fn main() {
    // The process ends with `_exit` below: the parsed trees of up to 32 MiB of template source
    // (all the input one run may read, see `kiln::fs::MAX_TOTAL_BYTES`) may be left to the end
    // of the process instead of freed node by node.
    kiln::budget::leave_unfreed_at_exit(kiln::fs::MAX_TOTAL_BYTES as usize);
    kiln::budget::grow_main_stack();
    let code = kiln::cli::main();
    // Everything is written; what `exit` would still do is flush stdout and run the exit
    // handlers, among them mimalloc's, which hands every free page back to the system one
    // `madvise` at a time (a twentieth of a chart render) just before the process ends anyway.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // SAFETY: `_exit` takes any status and never returns; the only thread that may still run
    // is the one that keeps a core awake (`kiln::parallel::keep_awake`), which holds nothing.
    unsafe { _exit(code) }
}
