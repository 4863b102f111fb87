//! Budgets: every limit kiln puts on work, depth and memory that input can drive, in one place.
//!
//! kiln runs on untrusted input (pull requests, GitOps repositories), so every loop, recursion and
//! allocation whose size comes from a chart, a values file, a flag or an overlay has a budget
//! here. Exceeding one is an ordinary error that names the budget (see [`exceeded`]); it never
//! aborts the process. The numbers are chosen so that real charts stay far below them and the
//! worst input stays well inside 1 GiB of memory.
//!
//! Templates cannot raise a budget (no function, flag or environment variable reachable from a
//! template touches them). Both template engines (Jinja today, the Go-template engine) use the
//! `TEMPLATE_*` budgets with the same meaning:
//!
//! | budget | value | what it bounds |
//! |---|---|---|
//! | [`TEMPLATE_FUEL`] | 10,000,000 | work per rendered template: one unit per step, one per 64 bytes created |
//! | [`TEMPLATE_RECURSION`] | 500 | macro/include/loop nesting inside one render (minijinja's limit) |
//! | [`TEMPLATE_TPL_DEPTH`] | 20 | `tpl` called from text rendered by `tpl` |
//! | [`TEMPLATE_INCLUDE_DEPTH`] | 1000 | `include` nesting (Helm's own limit) |
//! | [`TEMPLATE_VALUE_DEPTH`] | 500 | nesting of a list or map a template prints or converts |
//! | [`TEMPLATE_VALUE_NODES`] | 2,000,000 | lists, maps and items one conversion of a value visits (Go-template engine) |
//! | [`TEMPLATE_OUTPUT_BYTES`] | 64 MiB | text one template may print |
//! | [`RENDER_OUTPUT_BYTES`] | 256 MiB | text all templates of a chart (subcharts included) print |
//! | [`TEMPLATE_EXPRESSION_OPERATORS`] | 1,000 | operators in one `{{ }}` / `{% %}` tag |
//! | [`TEMPLATE_ELIF_BRANCHES`] | 1,000 | `elif` branches in one template |
//! | [`RENDER_STACK_BYTES`] | 64 MiB | the stack of the thread that renders (both engines; a large Go chart renders on the main thread, whose stack limit [`grow_main_stack`] raises to this plus 8 MiB); a template call that would leave less than [`RENDER_STACK_RESERVE`] is refused |
//! | [`SET_MAX_INDEX`] | 65,536 | a `--set` list index (Helm's limit) |
//! | [`SET_MAX_NESTING`] | 30 | `.`-separated names in a `--set` path (Helm's limit) |
//! | [`SET_MAX_PATH_DEPTH`] | 64 | names and `[N]` indexes together in a `--set` path |
//! | [`SET_MAX_LIST_ITEMS`] | 1,048,576 | list items all `--set` flags of one command create |
//! | [`SNIPPET_WIDTH`] | 160 | characters of a source line shown in an error snippet |
//!
//! Input file sizes and directory walks are budgeted where files are read (the file-system layer).

use crate::error::{Error, ErrorKind};

/// Work one template render may do, in minijinja fuel: one unit per executed instruction and
/// about one per 64 bytes of data the template creates (output, strings, lists), so it bounds
/// both time (ten million steps, well under a second) and memory (640 MB created over the whole
/// render, of which far less is alive at once; [`TEMPLATE_OUTPUT_BYTES`] caps the output).
/// `tpl` text spends the fuel of the template that calls it.
pub const TEMPLATE_FUEL: u64 = 10_000_000;

/// Nesting of macro calls, includes and blocks inside one render (minijinja's own safe maximum).
pub const TEMPLATE_RECURSION: usize = 500;

/// How deeply `tpl` may call itself: text rendered by `tpl` calling `tpl` again, and so on.
pub const TEMPLATE_TPL_DEPTH: usize = 20;

/// How deeply named templates may `include` each other (Helm's limit; the Go-template engine).
pub const TEMPLATE_INCLUDE_DEPTH: usize = 1000;

/// How deeply nested a list or map may be when a template prints it or converts it (`toyaml`,
/// `tojson`, `quote`): values read from files nest at most 64 (YAML) or 128 (JSON) levels, but a
/// template can nest lists without end through `namespace` in a loop.
pub const TEMPLATE_VALUE_DEPTH: usize = 500;

/// Lists, maps and items one conversion or printing of a value may visit (`toYaml`, `toJson`,
/// `%v`): a map `set` into itself twice is small but unfolds without end.
pub const TEMPLATE_VALUE_NODES: usize = 2_000_000;

/// Text one template (or one `tpl` call) may print.
pub const TEMPLATE_OUTPUT_BYTES: usize = 64 << 20;

/// Text all templates of one chart, subcharts included, may print together.
pub const RENDER_OUTPUT_BYTES: usize = 256 << 20;

/// Operators (`+`, `~`, `|`, `.`, `[`, `and`, …) in one tag. Parsers build one tree level per
/// operator, so a tag of 40,000 `+` would need a stack no thread has; real tags use a handful.
pub const TEMPLATE_EXPRESSION_OPERATORS: usize = 1000;

/// `elif` branches in one template: each one nests the rest of the `if` one level deeper.
pub const TEMPLATE_ELIF_BRANCHES: usize = 1000;

/// The stack of the thread templates render on: room for [`TEMPLATE_RECURSION`] at every one of
/// the [`TEMPLATE_TPL_DEPTH`] levels, in debug builds too.
pub const RENDER_STACK_BYTES: usize = 64 << 20;

/// The largest list index a `--set` flag may set (Helm's limit).
pub const SET_MAX_INDEX: i64 = 65536;

/// The most `.`-separated names below the top one in a `--set` path (Helm's limit).
pub const SET_MAX_NESTING: usize = 30;

/// The most levels, names and `[N]` indexes together, in a `--set` path. Helm counts only the
/// names; kiln also bounds `a[0][0][0]…`, which would otherwise recurse without end.
pub const SET_MAX_PATH_DEPTH: usize = 64;

/// List items all `--set` flags of one command may create, padding nulls included
/// (`--set a[65536]=1` creates 65,537). Larger lists belong in a values file (`-f`).
pub const SET_MAX_LIST_ITEMS: usize = 1 << 20;

/// Stack a render thread keeps free below its deepest template call: room for the error path and
/// for dropping values (see [`stack_left`]).
pub const RENDER_STACK_RESERVE: usize = 8 << 20;

/// Characters of a source line an error snippet shows around its caret.
pub const SNIPPET_WIDTH: usize = 160;

/// The error for an exceeded budget: `what` exceeded, the budget's name and value, and what to
/// do instead (`remedy`).
pub fn exceeded(kind: ErrorKind, what: &str, budget: &str, limit: &str, remedy: &str) -> Error {
    Error::new(
        kind,
        format!("{what}: exceeds kiln's {budget} budget of {limit}"),
    )
    .with_note(remedy.to_string())
}

thread_local! {
    /// The lowest stack address the current render thread may reach before a template call is
    /// refused (0 on threads that are not render threads).
    static STACK_FLOOR: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// An address on the current stack (stacks grow down on every platform kiln builds for).
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Marks the current thread as a render thread whose stack holds `size` bytes: from now on
/// [`stack_left`] says whether a template call still fits, whatever each level of nesting costs
/// (debug and release builds differ several times over).
pub fn mark_render_stack(size: usize) {
    let floor = stack_address().saturating_sub(size.saturating_sub(RENDER_STACK_RESERVE));
    STACK_FLOOR.with(|f| f.set(floor));
}

/// The process's main thread, when its stack may hold a render (see [`grow_main_stack`]): its id
/// and the lowest address its stack may grow to.
static MAIN_STACK: std::sync::OnceLock<(std::thread::ThreadId, usize)> = std::sync::OnceLock::new();

/// Stack the main thread is given beyond a render thread's: room for what runs below the render
/// (the command and the pipeline that call it).
const MAIN_STACK_BELOW_RENDER: usize = 8 << 20;

/// Lets the process's main thread render a chart itself instead of starting a render thread and
/// waiting for it (a thread that must first wake an idle core costs milliseconds on a virtual
/// machine). Linux grows the main thread's stack on demand up to the soft `RLIMIT_STACK`, checked
/// at every growth: this raises it to [`RENDER_STACK_BYTES`] plus what runs below the render when
/// the hard limit allows, then asks where the stack may end (glibc also counts the mapping just
/// below it). Call it first thing on the main thread. Anywhere else, or when the limit or the
/// room below the stack is short, renders run on a thread of their own as before.
pub fn grow_main_stack() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Some(lowest) = linux::grow_main_stack(RENDER_STACK_BYTES + MAIN_STACK_BELOW_RENDER) {
        let _ = MAIN_STACK.set((std::thread::current().id(), lowest));
    }
}

/// The floor to render with on this thread (see [`render_here`]): `Some` only on the main
/// thread, with its stack grown by [`grow_main_stack`], and not rendering already.
pub fn main_render_floor() -> Option<usize> {
    let &(main, lowest) = MAIN_STACK.get()?;
    if std::thread::current().id() != main || STACK_FLOOR.with(|f| f.get()) != 0 {
        return None;
    }
    let floor = lowest.checked_add(RENDER_STACK_RESERVE)?;
    // At least a render thread's room left above the floor.
    (stack_address().checked_sub(floor)? >= RENDER_STACK_BYTES - RENDER_STACK_RESERVE)
        .then_some(floor)
}

/// Runs `f` on this thread as a render thread whose stack ends at `floor` (from
/// [`main_render_floor`]); the mark is taken off afterwards, even when `f` panics.
pub fn render_here<T>(floor: usize, f: impl FnOnce() -> T) -> T {
    struct Unmark;
    impl Drop for Unmark {
        fn drop(&mut self) {
            STACK_FLOOR.with(|f| f.set(0));
        }
    }
    STACK_FLOOR.with(|f| f.set(floor));
    let _unmark = Unmark;
    f()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod linux {
    /// The gap Linux keeps between a growing stack and the mapping below it (`stack_guard_gap`,
    /// 256 pages by default): not counted as room.
    const STACK_GUARD_GAP: usize = 1 << 20;

    /// Raises the soft stack limit to `bytes` (when lower, and the hard limit allows) and returns
    /// the lowest address the calling (main) thread's stack may now grow to.
    pub fn grow_main_stack(bytes: usize) -> Option<usize> {
        let want = bytes as libc::rlim_t;
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut limit) } != 0 {
            return None;
        }
        if limit.rlim_cur != libc::RLIM_INFINITY && limit.rlim_cur < want {
            if limit.rlim_max != libc::RLIM_INFINITY && limit.rlim_max < want {
                return None;
            }
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: setrlimit reads the struct it is given.
            if unsafe { libc::setrlimit(libc::RLIMIT_STACK, &raised) } != 0 {
                return None;
            }
        }
        // glibc's answer for the main thread: the stack's top, and the smaller of the limit and
        // the room down to the next mapping.
        // SAFETY: the attribute is initialised by pthread_getattr_np before it is read, and
        // destroyed once.
        unsafe {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
            if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
                return None;
            }
            let mut attr = attr.assume_init();
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            (r == 0).then_some(addr as usize + STACK_GUARD_GAP)
        }
    }
}

/// Whether the current thread has more than [`RENDER_STACK_RESERVE`] of stack left (always true
/// on a thread not marked by [`mark_render_stack`]).
pub fn stack_left() -> bool {
    let floor = STACK_FLOOR.with(|f| f.get());
    floor == 0 || stack_address() > floor
}

/// What kiln was working on when memory ran out (see [`OutOfMemoryExit`]): a template's display
/// name, kept in a fixed buffer so that reading it needs no allocation.
static WORKING_ON: std::sync::Mutex<([u8; 240], usize)> = std::sync::Mutex::new(([0; 240], 0));

/// Records the input kiln is working on (a template being rendered), for the out-of-memory
/// message.
pub fn working_on(name: &str) {
    if let Ok(mut w) = WORKING_ON.lock() {
        let mut n = name.len().min(w.0.len());
        while !name.is_char_boundary(n) {
            n -= 1;
        }
        w.0[..n].copy_from_slice(&name.as_bytes()[..n]);
        w.1 = n;
    }
}

/// The global allocator of the `kiln` binary, wrapping `A`: an allocation that fails ends the
/// process with a clear error naming the input being worked on and exit code 1, instead of
/// Rust's abort. It is the last line of defence behind the budgets above (which stop known
/// blowups with precise errors); nothing has been written to stdout at that point (output is
/// staged until everything succeeded), so nothing partial is left either.
pub struct OutOfMemoryExit<A>(pub A);

impl<A> OutOfMemoryExit<A> {
    #[cold]
    fn fail(&self, size: usize) -> ! {
        use std::io::Write as _;
        static FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if !FAILED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            // No allocation from here on: fixed buffers and the unbuffered stderr.
            let mut digits = [0u8; 20];
            let mut i = digits.len();
            let mut mb = size >> 20;
            loop {
                i -= 1;
                digits[i] = b'0' + (mb % 10) as u8;
                mb /= 10;
                if mb == 0 {
                    break;
                }
            }
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"error[memory]: kiln ran out of memory (");
            let _ = err.write_all(&digits[i..]);
            let _ = err.write_all(b" MiB more were needed)");
            if let Ok(w) = WORKING_ON.try_lock() {
                if w.1 > 0 {
                    let _ = err.write_all(b" while rendering ");
                    for &b in &w.0[..w.1] {
                        // Names are input: control characters print as `?`.
                        let _ = err.write_all(&[if b < 0x20 || b == 0x7f { b'?' } else { b }]);
                    }
                }
            }
            let _ = err.write_all(
                b"\n  = note: a template or input builds more data than fits in memory; check loops that double strings or lists, and raise the memory limit if the input is genuinely this large\n",
            );
        }
        std::process::exit(1)
    }
}

// SAFETY: every method forwards to `A` unchanged; a failed allocation ends the process instead
// of returning null.
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for OutOfMemoryExit<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc(layout) };
        if p.is_null() {
            self.fail(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if p.is_null() {
            self.fail(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if p.is_null() {
            self.fail(new_size);
        }
        p
    }
}

/// `1234567` as `1,234,567`, for budget messages.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count as `64 MiB` (or plain bytes below 1 KiB).
pub fn bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// How many bytes of source the process may still leave unfreed at its end (see [`dispose`]).
static LEAVE_UNFREED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Called by the binary, which ends with `_exit`: up to `bytes` of source text (template
/// sources; their trees take some times more) may have their trees left to the end of the
/// process instead of being freed node by node. A library caller never calls it, so everything
/// is freed there.
pub fn leave_unfreed_at_exit(bytes: usize) {
    LEAVE_UNFREED.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// Drops `value` (built from `source_bytes` of input), unless the process is about to end and
/// the budget of [`leave_unfreed_at_exit`] still covers it: freeing a chart's parsed templates
/// node by node takes a twentieth of a render, for memory the process hands back at once.
pub fn dispose<T>(value: T, source_bytes: usize) {
    use std::sync::atomic::Ordering;
    // Nothing is left unfreed unless the binary asked for it (a budget of 0 is used up).
    let left = LEAVE_UNFREED.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
        (left > 0).then(|| left.checked_sub(source_bytes)).flatten()
    });
    match left {
        Ok(_) => std::mem::forget(value),
        Err(_) => drop(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(10_000_000), "10,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(bytes(TEMPLATE_OUTPUT_BYTES), "64 MiB");
        assert_eq!(bytes(2048), "2 KiB");
        assert_eq!(bytes(100), "100 bytes");
    }

    #[test]
    fn dispose_frees_unless_the_binary_asked_to_leave_it() {
        struct Flag<'a>(&'a std::cell::Cell<bool>);
        impl Drop for Flag<'_> {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        // Tests never call `leave_unfreed_at_exit`: everything is freed, whatever its size.
        for size in [0, 1, 1 << 30] {
            let dropped = std::cell::Cell::new(false);
            dispose(Flag(&dropped), size);
            assert!(dropped.get(), "size {size}");
        }
    }
}
