//! sprig's random values: `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii`, `randBytes`,
//! `randInt`, `uuidv4` (and the randomness behind `shuffle`, keys, certificates, `bcrypt` salts and
//! `encryptAES` IVs).
//!
//! The randomness is a ChaCha12 generator (`StdRng`) seeded by the engine for each render
//! ([`with_rng`]): from the operating system by default, as helm draws new passwords and keys on
//! every run, or from `--random-seed N`, so a render that generates values can repeat byte for byte.

use std::cell::RefCell;

use base64::Engine as _;
use rand::{RngExt as _, SeedableRng as _};

thread_local! {
    static SOURCE: RefCell<Option<(u64, rand::rngs::StdRng)>> = const { RefCell::new(None) };
}

/// Starts the stream for a render: the next [`with_rng`] with `seed` starts from its beginning.
pub fn reset() {
    SOURCE.with(|s| *s.borrow_mut() = None);
}

/// Runs `f` with the render's generator for `seed` (created on first use, and again whenever the seed
/// changes or after [`reset`]).
pub fn with_rng<T>(seed: u64, f: impl FnOnce(&mut rand::rngs::StdRng) -> T) -> T {
    super::note_unrepeatable();
    SOURCE.with(|s| {
        let mut s = s.borrow_mut();
        if s.as_ref().is_none_or(|(current, _)| *current != seed) {
            *s = Some((seed, rand::rngs::StdRng::seed_from_u64(seed)));
        }
        let (_, rng) = s.as_mut().expect("set above");
        f(rng)
    })
}

const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";

fn pick(rng: &mut dyn rand::Rng, count: usize, alphabet: &[u8]) -> String {
    (0..count)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// sprig's `randAlphaNum n`: letters and digits.
pub fn rand_alpha_num(rng: &mut dyn rand::Rng, count: usize) -> String {
    pick(rng, count, ALNUM)
}

/// sprig's `randAlpha n`: letters.
pub fn rand_alpha(rng: &mut dyn rand::Rng, count: usize) -> String {
    pick(rng, count, ALPHA)
}

/// sprig's `randNumeric n`: digits.
pub fn rand_numeric(rng: &mut dyn rand::Rng, count: usize) -> String {
    pick(rng, count, DIGITS)
}

/// sprig's `randAscii n`: printable ASCII, space to `~`.
pub fn rand_ascii(rng: &mut dyn rand::Rng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(rng.random_range(b' '..=b'~')))
        .collect()
}

/// sprig's `randBytes n`: `n` random bytes, base64-encoded.
pub fn rand_bytes(rng: &mut dyn rand::Rng, count: usize) -> String {
    let mut buf = vec![0u8; count];
    rng.fill_bytes(&mut buf);
    base64::engine::general_purpose::STANDARD.encode(buf)
}

/// sprig's `randInt min max`: in `min..max`; Go panics when the range is empty.
pub fn rand_int(rng: &mut dyn rand::Rng, min: i64, max: i64) -> Result<i64, String> {
    if max <= min {
        return Err("invalid argument to Intn".into());
    }
    Ok(rng.random_range(min..max))
}

/// sprig's `uuidv4`: a random (version 4) UUID, lower-case and hyphenated.
pub fn uuidv4(rng: &mut dyn rand::Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// xstrings' `Shuffle` (sprig's `shuffle`): the characters in a random order.
pub fn shuffle(rng: &mut dyn rand::Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = rng.random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

// ------------------------------------------------------------------ Go template functions

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::{call_err, charge, int_arg, str_arg};
    use crate::render::gotmpl::{Arity::Exact, CallCtx, FuncError, Value};
    fn count(ctx: &mut CallCtx<'_>, v: &Value) -> Result<usize, FuncError> {
        let n = int_arg(v)?;
        if n < 0 {
            return Err(call_err(format!(
                "randomstringutils illegal argument: Requested random string length {n} is less than 0."
            )));
        }
        charge(ctx, n as usize)?;
        Ok(n as usize)
    }
    fn string_of(
        ctx: &mut CallCtx<'_>,
        a: &[Value],
        f: fn(&mut dyn rand::Rng, usize) -> String,
    ) -> Result<Value, FuncError> {
        let n = count(ctx, &a[0])?;
        Ok(Value::from(with_rng(ctx.seed(), |rng| f(rng, n))))
    }
    map.add("randAlphaNum", Exact(1), |ctx, a| {
        string_of(ctx, a, rand_alpha_num)
    });
    map.add("randAlpha", Exact(1), |ctx, a| {
        string_of(ctx, a, rand_alpha)
    });
    map.add("randNumeric", Exact(1), |ctx, a| {
        string_of(ctx, a, rand_numeric)
    });
    map.add("randAscii", Exact(1), |ctx, a| {
        string_of(ctx, a, rand_ascii)
    });
    map.add("randBytes", Exact(1), |ctx, a| {
        let n = int_arg(&a[0])?;
        if n < 0 {
            return Err(call_err("runtime error: makeslice: len out of range"));
        }
        charge(ctx, n as usize)?;
        Ok(Value::from(with_rng(ctx.seed(), |rng| {
            rand_bytes(rng, n as usize)
        })))
    });
    map.add("randInt", Exact(2), |ctx, a| {
        let (min, max) = (int_arg(&a[0])?, int_arg(&a[1])?);
        let n = with_rng(ctx.seed(), |rng| rand_int(rng, min, max)).map_err(call_err)?;
        Ok(Value::Int(n))
    });
    map.add("uuidv4", Exact(0), |ctx, _| {
        Ok(Value::from(with_rng(ctx.seed(), |rng| uuidv4(rng))))
    });
    map.add("shuffle", Exact(1), |ctx, a| {
        let s = str_arg(&a[0])?;
        Ok(Value::from(with_rng(ctx.seed(), |rng| shuffle(rng, s))))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets_lengths_and_formats() {
        with_rng(7, |rng| {
            let s = rand_alpha_num(rng, 64);
            assert_eq!(s.len(), 64);
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(rand_alpha(rng, 40).bytes().all(|b| b.is_ascii_alphabetic()));
            assert!(rand_numeric(rng, 40).bytes().all(|b| b.is_ascii_digit()));
            assert!(rand_ascii(rng, 40)
                .bytes()
                .all(|b| (b' '..=b'~').contains(&b)));
            assert_eq!(rand_bytes(rng, 32).len(), 44);
            let n = rand_int(rng, 5, 8).unwrap();
            assert!((5..8).contains(&n));
            assert!(rand_int(rng, 5, 5).is_err());
            let u = uuidv4(rng);
            let parsed = uuid::Uuid::parse_str(&u).unwrap();
            assert_eq!(parsed.get_version_num(), 4);
            let mut sorted: Vec<char> = shuffle(rng, "kiln").chars().collect();
            sorted.sort_unstable();
            assert_eq!(sorted, ['i', 'k', 'l', 'n']);
        });
    }

    #[test]
    fn one_seed_gives_one_stream_and_reset_restarts_it() {
        reset();
        let first = with_rng(42, |rng| (rand_alpha_num(rng, 16), rand_alpha_num(rng, 16)));
        assert_ne!(first.0, first.1, "successive calls differ");
        reset();
        let again = with_rng(42, |rng| (rand_alpha_num(rng, 16), rand_alpha_num(rng, 16)));
        assert_eq!(first, again);
        let other = with_rng(43, |rng| rand_alpha_num(rng, 16));
        assert_ne!(other, first.0);
    }
}
