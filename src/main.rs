//! The `kiln` binary: everything lives in the library; this only hands over the exit code.

// kiln builds and frees many small maps and strings (thousands of objects per run); mimalloc
// halves the time glibc's allocator spends on them. Running out of memory is a clean error
// (exit 1), not an abort (see `kiln::budget::OutOfMemoryExit`).
#[global_allocator]
static ALLOCATOR: kiln::budget::OutOfMemoryExit<mimalloc::MiMalloc> =
    kiln::budget::OutOfMemoryExit(mimalloc::MiMalloc);

fn main() {
    std::process::exit(kiln::cli::main());
}
