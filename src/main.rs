//! The `kiln` binary: everything lives in the library; this only hands over the exit code.

// kiln builds and frees many small maps and strings (thousands of objects per run); mimalloc
// halves the time glibc's allocator spends on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(kiln::cli::main());
}
