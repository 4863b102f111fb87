//! sprig's encodings: `b64enc`, `b64dec`, `b32enc`, `b32dec`. Decoding failures are not errors in
//! sprig: the function returns Go's error text instead, and so do these.

use base64::Engine as _;

/// sprig's `b64enc`: standard base64 with padding.
pub fn b64enc(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// sprig's `b64dec`: the decoded bytes, or Go's error text for bad input.
pub fn b64dec(text: &str) -> Vec<u8> {
    match go_base64_decode(text.as_bytes()) {
        Ok(bytes) => bytes,
        Err(at) => format!("illegal base64 data at input byte {at}").into_bytes(),
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n`
/// skipped, non-zero trailing bits accepted. The error is the byte offset Go reports.
pub fn go_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let skip_newlines = |si: &mut usize| {
        while *si < src.len() && (src[*si] == b'\n' || src[*si] == b'\r') {
            *si += 1;
        }
    };
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut buf = [0u8; 4];
        let mut j = 0;
        let mut dlen = 4;
        let mut done = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = sextet(c) {
                buf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    skip_newlines(&mut si);
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            skip_newlines(&mut si);
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            done = true;
            break;
        }
        let n = (u32::from(buf[0]) << 18)
            | (u32::from(buf[1]) << 12)
            | (u32::from(buf[2]) << 6)
            | u32::from(buf[3]);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if done {
            return Ok(out);
        }
    }
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// sprig's `b32enc`: RFC 4648 base32 with padding.
pub fn b32enc(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// sprig's `b32dec`: the decoded bytes, or Go's error text for bad input.
pub fn b32dec(text: &str) -> Vec<u8> {
    match base32_decode(text.as_bytes()) {
        Ok(bytes) => bytes,
        Err(at) => format!("illegal base32 data at input byte {at}").into_bytes(),
    }
}

/// Go's `base32.StdEncoding.DecodeString`: `\r` and `\n` dropped first, padding required; the
/// error is a byte offset into the text without newlines, as Go reports it.
fn base32_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let src: Vec<u8> = src
        .iter()
        .copied()
        .filter(|c| *c != b'\n' && *c != b'\r')
        .collect();
    let total = src.len();
    let mut out = Vec::with_capacity(total / 8 * 5);
    let mut at = 0;
    while at < total {
        let mut buf = [0u8; 8];
        let mut j = 0;
        let mut dlen = 8;
        let mut end = false;
        while j < 8 {
            if at == total {
                return Err(at - j);
            }
            let c = src[at];
            at += 1;
            let left = total - at;
            if c == b'=' && j >= 2 && left < 8 {
                if left + j < 7 {
                    return Err(total);
                }
                for k in 0..7 - j {
                    if left > k && src[at + k] != b'=' {
                        return Err(at + k - 1);
                    }
                }
                if matches!(j, 1 | 3 | 6) {
                    return Err(at - 1);
                }
                dlen = j;
                end = true;
                break;
            }
            buf[j] = B32.iter().position(|&b| b == c).ok_or(at - 1)? as u8;
            j += 1;
        }
        let n = buf.iter().fold(0u64, |acc, &v| (acc << 5) | u64::from(v));
        let bytes = match dlen {
            2 => 1,
            4 => 2,
            5 => 3,
            7 => 4,
            _ => 5,
        };
        for i in 0..bytes {
            out.push((n >> (32 - 8 * i)) as u8);
        }
        if end {
            break;
        }
    }
    Ok(out)
}

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::str_arg;
    use crate::render::gotmpl::{Arity::Exact, Value};
    fn text(bytes: Vec<u8>) -> Value {
        Value::from(String::from_utf8_lossy(&bytes).into_owned())
    }
    map.add("b64enc", Exact(1), |_, a| {
        Ok(Value::from(b64enc(str_arg(&a[0])?.as_bytes())))
    });
    map.add("b64dec", Exact(1), |_, a| Ok(text(b64dec(str_arg(&a[0])?))));
    map.add("b32enc", Exact(1), |_, a| {
        Ok(Value::from(b32enc(str_arg(&a[0])?.as_bytes())))
    });
    map.add("b32dec", Exact(1), |_, a| Ok(text(b32dec(str_arg(&a[0])?))));
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn base64_and_base32_round_trip_and_report_go_errors() {
        assert_eq!(b64enc(b"kiln"), "a2lsbg==");
        assert_eq!(b64dec("a2lsbg=="), b"kiln");
        assert_eq!(b64dec("a2lsbg="), b"illegal base64 data at input byte 7");
        assert_eq!(b32enc(b"kiln"), "NNUWY3Q=");
        assert_eq!(b32enc(b"hello world"), "NBSWY3DPEB3W64TMMQ======");
        assert_eq!(b32dec("NBSWY3DPEB3W64TMMQ======"), b"hello world");
        assert_eq!(b32dec("NNUWY3Q="), b"kiln");
        assert_eq!(b32dec("NNUW1"), b"illegal base32 data at input byte 4");
        assert_eq!(b32dec("NNUW1A=="), b"illegal base32 data at input byte 4");
        assert_eq!(b32dec("NBSWY3DP"), b"hello");
    }
}
