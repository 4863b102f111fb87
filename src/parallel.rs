//! Independent pieces of work spread over the machine's cores, results in input order.
//! The output never depends on the number of threads: each piece is computed alone, and the
//! caller reads the results in the order of the input.

use std::sync::OnceLock;

/// How many threads kiln runs at once (at most four; asking reads cgroup files, so once).
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4)
    })
}

/// How long [`keep_awake`] keeps a core awake at most.
const AWAKE_FOR: std::time::Duration = std::time::Duration::from_millis(60);

/// Set when no core needs to be kept awake any more (see [`keep_awake`]).
static AWAKE_DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keeps a second core from going idle for the first moments of the run, by a thread that
/// does nothing but give its core away ([`std::thread::yield_now`]) until [`awake_done`] or
/// [`AWAKE_FOR`] has passed. The threads kiln starts to load and parse then start on a core that
/// is running, at once: a virtual machine's idle core takes milliseconds to wake up (2.3 ms,
/// the median of 20 on the 2-core machine kiln is measured on, against 0.1 ms with this
/// thread). The thread first runs `first`: work that depends on nothing and that the run may
/// need (its result must not depend on which thread computed it).
pub fn keep_awake(first: fn()) {
    use std::sync::atomic::Ordering;
    if threads() < 2 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("kiln-awake".into())
        .stack_size(64 << 10)
        .spawn(move || {
            let t0 = std::time::Instant::now();
            first();
            while !AWAKE_DONE.load(Ordering::Relaxed) && t0.elapsed() < AWAKE_FOR {
                std::thread::yield_now();
            }
        });
}

/// The threads that needed a core awake have started (see [`keep_awake`]).
pub fn awake_done() {
    AWAKE_DONE.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Below this much work (in the caller's units, bytes of input) one thread does everything.
const PARALLEL_FROM: usize = 64 << 10;

/// `items` cut into at most `parts` runs of consecutive items of about equal total `size`.
pub fn runs<'a, T>(items: &'a [T], sizes: &[usize], parts: usize) -> Vec<&'a [T]> {
    let total: usize = sizes.iter().sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut runs = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, s) in sizes.iter().enumerate().take(items.len()) {
        size += s;
        if size >= share * (runs.len() + 1) && runs.len() + 1 < parts {
            runs.push(&items[start..=i]);
            start = i + 1;
        }
    }
    runs.push(&items[start..]);
    runs
}

/// Stack of the helper thread of [`join`], as deep as the main thread's.
const JOIN_STACK_BYTES: usize = 8 << 20;

/// `a` on a helper thread while `b` runs on this one; both on this thread, `a` first, with
/// fewer than two cores or when the helper cannot be started.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    join_waiting(a, b, |_| false)
}

/// [`join`], and should `b` end first, this thread then calls `meanwhile` with `b`'s result
/// until `a` ends or `meanwhile` returns false (it has nothing left to do): work that would
/// otherwise be done later, in the time this thread would wait. `meanwhile` is never called
/// when `a` runs on this thread.
pub fn join_waiting<A: Send, B>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
    mut meanwhile: impl FnMut(&B) -> bool,
) -> (A, B) {
    if threads() < 2 {
        return (a(), b());
    }
    let a = std::sync::Mutex::new(Some(a));
    let take = || a.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|s| {
        let helper = std::thread::Builder::new()
            .name("kiln-worker".into())
            .stack_size(JOIN_STACK_BYTES)
            .spawn_scoped(s, || (take().expect("run once"))());
        match helper {
            Ok(h) => {
                let b = b();
                while !h.is_finished() && meanwhile(&b) {}
                match h.join() {
                    Ok(a) => (a, b),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Err(_) => ((take().expect("not run"))(), b()),
        }
    })
}

/// `f` applied to every item, the items shared out in runs of about equal `sizes` (one size per
/// item) over up to [`threads`] threads; the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], sizes: &[usize], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let total: usize = sizes.iter().sum();
    if threads() < 2 || items.len() < 2 || total < PARALLEL_FROM {
        return items.iter().map(&f).collect();
    }
    let per_run = map_runs(items, sizes, None, |run| {
        run.iter().map(&f).collect::<Vec<R>>()
    });
    per_run.into_iter().flatten().collect()
}

/// `run` applied to each run of consecutive items (runs of about equal `sizes`, one per thread
/// of [`threads`]), the first run on this thread; the results in the runs' order. Threads get
/// `stack` bytes of stack when given. A thread that cannot be started leaves its run to this one.
pub fn map_runs<T: Sync, R: Send>(
    items: &[T],
    sizes: &[usize],
    stack: Option<usize>,
    run: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let runs = runs(items, sizes, threads().min(items.len()).max(1));
    let run = &run;
    std::thread::scope(|s| {
        let helpers: Vec<_> = runs[1..]
            .iter()
            .map(|&part| {
                let mut builder = std::thread::Builder::new().name("kiln-worker".into());
                if let Some(bytes) = stack {
                    builder = builder.stack_size(bytes);
                }
                builder.spawn_scoped(s, move || run(part)).map_err(|_| part)
            })
            .collect();
        let mut out = vec![run(runs[0])];
        for h in helpers {
            match h {
                Ok(h) => match h.join() {
                    Ok(r) => out.push(r),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(part) => out.push(run(part)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_items_in_order_with_about_equal_sizes() {
        let items: Vec<usize> = (0..10).collect();
        let sizes = vec![10; 10];
        let runs = runs(&items, &sizes, 3);
        assert_eq!(runs.len(), 3);
        assert_eq!(runs.concat(), items);
        assert!(runs.iter().all(|r| (3..=4).contains(&r.len())), "{runs:?}");
        // One huge item: the rest go to the next runs, none is empty of meaning.
        let sizes = [1000, 1, 1, 1];
        let runs = super::runs(&items[..4], &sizes, 2);
        assert_eq!(runs, vec![&items[..1], &items[1..4]]);
        assert_eq!(super::runs(&items[..0], &[], 4), vec![&items[..0]]);
    }

    #[test]
    fn join_gives_both_results() {
        let (a, b) = join(|| (0..1000u64).sum::<u64>(), || "here");
        assert_eq!((a, b), (499_500, "here"));
    }

    #[test]
    fn join_waiting_works_meanwhile_until_the_helper_ends_or_nothing_is_left() {
        use std::sync::atomic::{AtomicBool, Ordering};
        // The helper ends only once this thread has done its work meanwhile.
        let go = AtomicBool::new(false);
        let mut steps = 0;
        let (a, b) = join_waiting(
            || {
                // (On one core `a` runs first, alone: it gives up after a while.)
                let t0 = std::time::Instant::now();
                while !go.load(Ordering::SeqCst) && t0.elapsed().as_secs() < 5 {
                    std::thread::yield_now();
                }
                "helper"
            },
            || 7,
            |b: &i32| {
                assert_eq!(*b, 7);
                steps += 1;
                if steps == 3 {
                    go.store(true, Ordering::SeqCst);
                }
                true
            },
        );
        assert_eq!((a, b), ("helper", 7));
        if threads() >= 2 {
            assert!(steps >= 3, "{steps}");
        } else {
            // `a` ran first on this thread: nothing is done meanwhile.
            assert_eq!(steps, 0);
        }
        // Nothing left to do: no more calls, and the helper's result still comes back.
        let mut calls = 0;
        let (a, _) = join_waiting(
            || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                1
            },
            || (),
            |_| {
                calls += 1;
                false
            },
        );
        assert_eq!(a, 1);
        assert!(calls <= 1, "{calls}");
    }

    #[test]
    fn map_keeps_the_order_whatever_the_threads() {
        let items: Vec<u64> = (0..5000).collect();
        let sizes = vec![100; items.len()];
        let out = map(&items, &sizes, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        let small = map(&items[..3], &[1, 1, 1], |x| x + 1);
        assert_eq!(small, vec![1, 2, 3]);
    }
}
