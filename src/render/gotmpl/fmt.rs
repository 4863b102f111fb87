//! Go's `fmt` as templates use it: `%v` printing of every value, `print`/`println` (Sprint/Sprintln)
//! and `printf` (Sprintf) with Go's verbs, flags, width, precision and its in-band error texts
//! (`%!d(float64=2)`, `%!s(<nil>)`, `%!d(MISSING)`, `%!(EXTRA int=1)`).

use super::value::Value;

/// Appends Go's `%v` of `v`.
pub fn write_v(out: &mut String, v: &Value) {
    write_v_at(out, v, 0)
}

/// `%v` of `v` found `depth` levels down. Past the value depth or output budget it stops and
/// records the overrun ([`super::value::note_overrun`]), which the engine reports as an error.
fn write_v_at(out: &mut String, v: &Value, depth: usize) {
    if depth > crate::budget::TEMPLATE_VALUE_DEPTH {
        super::value::note_overrun(super::value::Overrun::Deep);
        return;
    }
    if super::value::too_long(out) {
        return;
    }
    match v {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint8(u) => out.push_str(&u.to_string()),
        Value::Uint64(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&format_float_v(*f)),
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push('[');
            for (i, byte) in b.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&byte.to_string());
            }
            out.push(']');
        }
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.items().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v_at(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, item)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v_at(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Object(o) => out.push_str(&o.fmt_v()),
    }
}

/// Go's `fmt.Sprint`: operands printed with `%v`, a space between two operands when neither is a
/// string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::String(_)) && !matches!(args[i - 1], Value::String(_)) {
            out.push(' ');
        }
        write_v(&mut out, a);
    }
    out
}

/// Go's `fmt.Sprintln`: operands separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_v(&mut out, a);
    }
    out.push('\n');
    out
}

/// A float as `%v` prints it: strconv's shortest `'g'` (`1e+06`, `1.2345675e+06`, `0.5`, `+Inf`).
pub fn format_float_v(f: f64) -> String {
    format_float(f, 'g', None)
}

/// Decimal digits (no leading zeros, at least one digit) and the position of the decimal point.
struct Digits {
    digits: Vec<u8>,
    /// Decimal point position: value = 0.d1d2d3... × 10^dp.
    dp: i32,
}

/// Parses Rust's `{:e}` output (`1.2345e6`, `5e-1`) into digits.
fn digits_from_exp(s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.iter().all(|d| *d == b'0') {
        return Digits {
            digits: vec![b'0'],
            dp: 1,
        };
    }
    Digits {
        digits,
        dp: exp + 1,
    }
}

/// Formats like Go's `strconv.FormatFloat(f, verb, prec, 64)` for verbs `e E f F g G`; `prec` `None` is
/// the shortest representation that reads back exactly.
pub fn format_float(f: f64, verb: char, prec: Option<usize>) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = f.is_sign_negative();
    let a = f.abs();
    let lower = verb.to_ascii_lowercase();
    let upper = verb.is_ascii_uppercase();
    // A float64 has at most 767 significant decimal digits; past them every digit is 0, and
    // Rust's formatter refuses precisions above 65,535, so digits are asked for up to EXACT and
    // the rest is padded.
    const EXACT: usize = 1100;
    let body = match (lower, prec) {
        ('f', Some(p)) if p > EXACT => {
            let mut s = format!("{a:.EXACT$}");
            s.extend(std::iter::repeat_n('0', p - EXACT));
            s
        }
        ('f', Some(p)) => format!("{a:.p$}"),
        ('f', None) => {
            let d = digits_from_exp(&format!("{a:e}"));
            let p = (d.digits.len() as i32 - d.dp).max(0) as usize;
            fmt_f(&d, p)
        }
        ('e', p) => {
            let d = match p {
                Some(p) => {
                    let p = p.min(EXACT);
                    digits_from_exp(&format!("{a:.p$e}"))
                }
                None => digits_from_exp(&format!("{a:e}")),
            };
            let p = p.unwrap_or(d.digits.len() - 1);
            fmt_e(&d, p, upper)
        }
        _ => {
            // 'g'
            let shortest = prec.is_none();
            let (d, mut p) = match prec {
                None => {
                    let d = digits_from_exp(&format!("{a:e}"));
                    let n = d.digits.len();
                    (d, n)
                }
                Some(p) => {
                    let p = p.max(1);
                    let d = digits_from_exp(&format!("{a:.*e}", (p - 1).min(EXACT)));
                    (d, p)
                }
            };
            let nd = d.digits.len() as i32;
            let mut eprec = p as i32;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p as i32 > nd {
                    p = nd as usize;
                }
                fmt_e(&d, p.saturating_sub(1), upper)
            } else {
                if p as i32 > d.dp {
                    p = nd as usize;
                }
                fmt_f(&d, (p as i32 - d.dp).max(0) as usize)
            }
        }
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

fn fmt_e(d: &Digits, prec: usize, upper: bool) -> String {
    let mut s = String::new();
    s.push(d.digits[0] as char);
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(d.digits.get(i).map(|b| *b as char).unwrap_or('0'));
        }
    }
    s.push(if upper { 'E' } else { 'e' });
    let exp = if d.digits == [b'0'] { 0 } else { d.dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let e = exp.abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
    s
}

fn fmt_f(d: &Digits, prec: usize) -> String {
    let mut s = String::new();
    if d.dp > 0 {
        for i in 0..d.dp as usize {
            s.push(d.digits.get(i).map(|b| *b as char).unwrap_or('0'));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 1..=prec as i32 {
            let idx = d.dp + i - 1;
            let c = if idx >= 0 {
                d.digits
                    .get(idx as usize)
                    .map(|b| *b as char)
                    .unwrap_or('0')
            } else {
                '0'
            };
            s.push(c);
        }
    }
    s
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        quote_char(&mut out, c, '"', false);
    }
    out.push('"');
    out
}

fn quote_char(out: &mut String, c: char, delim: char, ascii_only: bool) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == delim => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if ascii_only && !c.is_ascii() || is_unprintable(c) => {
            if (c as u32) < 0x10000 {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push_str(&format!("\\U{:08x}", c as u32));
            }
        }
        c => out.push(c),
    }
}

fn is_unprintable(c: char) -> bool {
    c.is_control() || matches!(c as u32, 0xfffe | 0xffff | 0x2028 | 0x2029 | 0xad)
}

#[derive(Default, Clone, Copy)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut argi = 0usize;
    let mut chars = format.char_indices().peekable();
    let bytes = format.as_bytes();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        // flags
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                _ => break,
            }
            chars.next();
        }
        // width
        if chars.peek().map(|p| p.1) == Some('*') {
            chars.next();
            match args.get(argi).and_then(Value::as_i64) {
                Some(w) => {
                    if w < 0 {
                        spec.minus = true;
                    }
                    spec.width = Some(w.unsigned_abs().min(1_000_000) as usize);
                }
                None => out.push_str("%!(BADWIDTH)"),
            }
            argi += 1;
        } else {
            spec.width = read_num(&mut chars, bytes);
        }
        // precision
        if chars.peek().map(|p| p.1) == Some('.') {
            chars.next();
            if chars.peek().map(|p| p.1) == Some('*') {
                chars.next();
                match args.get(argi).and_then(Value::as_i64) {
                    Some(p) if p >= 0 => spec.prec = Some(p.min(1_000_000) as usize),
                    _ => out.push_str("%!(BADPREC)"),
                }
                argi += 1;
            } else {
                spec.prec = Some(read_num(&mut chars, bytes).unwrap_or(0));
            }
        }
        if !spec.minus && spec.zero {
            // zero padding applies
        } else {
            spec.zero = spec.zero && !spec.minus;
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(argi) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        argi += 1;
        format_arg(&mut out, arg, verb, spec);
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args[argi..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match a {
                Value::Nil => out.push_str("<nil>"),
                _ => {
                    out.push_str(&a.type_name());
                    out.push('=');
                    write_v(&mut out, a);
                }
            }
        }
        out.push(')');
    }
    out
}

fn read_num(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    _bytes: &[u8],
) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(&(_, d)) = chars.peek() {
        let Some(v) = d.to_digit(10) else { break };
        n = Some((n.unwrap_or(0) * 10 + v as usize).min(1_000_000));
        chars.next();
    }
    n
}

fn bad_verb(out: &mut String, verb: char, arg: &Value) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    match arg {
        Value::Nil => out.push_str("<nil>"),
        _ => {
            out.push_str(&arg.type_name());
            out.push('=');
            write_v(out, arg);
        }
    }
    out.push(')');
}

/// Pads `body` to the width; `sign_aware` zero padding goes after a leading sign.
fn pad(out: &mut String, body: &str, spec: Spec, zero_ok: bool) {
    let len = body.chars().count();
    let w = spec.width.unwrap_or(0);
    if len >= w {
        out.push_str(body);
        return;
    }
    let fill = w - len;
    if spec.minus {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if spec.zero && zero_ok {
        let (sign, rest) = match body.chars().next() {
            Some(c @ ('+' | '-' | ' ')) => (Some(c), &body[1..]),
            _ => (None, body),
        };
        if let Some(s) = sign {
            out.push(s);
        }
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(rest);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

fn format_arg(out: &mut String, arg: &Value, verb: char, spec: Spec) {
    let Some(_level) = super::value::Nest::enter() else {
        return;
    };
    if super::value::too_long(out) {
        return;
    }
    match verb {
        'T' => {
            pad(out, &arg.type_name(), spec, false);
            return;
        }
        'v' if spec.sharp => {
            pad(out, &go_syntax(arg), spec, false);
            return;
        }
        _ => {}
    }
    match arg {
        Value::Nil => match verb {
            'v' => pad(out, "<nil>", spec, false),
            _ => bad_verb(out, verb, arg),
        },
        Value::Bool(b) => match verb {
            'v' | 't' => pad(out, if *b { "true" } else { "false" }, spec, false),
            _ => bad_verb(out, verb, arg),
        },
        Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Uint64(_) => {
            let (neg, mag) = match arg {
                Value::Int(i) | Value::Int64(i) => (*i < 0, i.unsigned_abs()),
                Value::Uint8(u) => (false, u64::from(*u)),
                Value::Uint64(u) => (false, *u),
                _ => unreachable!(),
            };
            format_int(out, neg, mag, verb, spec, arg);
        }
        Value::Float(f) => format_float_verb(out, *f, verb, spec, arg),
        Value::String(s) => format_str(out, s.as_bytes(), verb, spec, arg),
        Value::Bytes(b) => match verb {
            's' | 'q' | 'x' | 'X' => format_str(out, b, verb, spec, arg),
            _ => {
                let items: Vec<Value> = b.iter().map(|x| Value::Uint8(*x)).collect();
                format_seq(out, &items, verb, spec);
            }
        },
        Value::List(l) => format_seq(out, l.items(), verb, spec),
        Value::Map(m) => {
            let mut body = String::from("map[");
            for (i, (k, v)) in m.borrow().iter().enumerate() {
                if super::value::too_long(&body) {
                    break;
                }
                if i > 0 {
                    body.push(' ');
                }
                format_arg(&mut body, &Value::str(k), verb, spec);
                body.push(':');
                format_arg(&mut body, v, verb, spec);
            }
            body.push(']');
            out.push_str(&body);
        }
        Value::Object(o) => match verb {
            'v' | 's' => pad(out, &o.fmt_v(), spec, false),
            'q' => pad(out, &quote(&o.fmt_v()), spec, false),
            _ => bad_verb(out, verb, arg),
        },
    }
}

fn format_seq(out: &mut String, items: &[Value], verb: char, spec: Spec) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        format_arg(out, item, verb, spec);
    }
    out.push(']');
}

fn format_int(out: &mut String, neg: bool, mag: u64, verb: char, spec: Spec, arg: &Value) {
    let digits = match verb {
        'v' | 'd' => mag.to_string(),
        'b' => format!("{mag:b}"),
        'o' | 'O' => format!("{mag:o}"),
        'x' => format!("{mag:x}"),
        'X' => format!("{mag:X}"),
        'c' => {
            let c = char::from_u32(mag as u32).unwrap_or('\u{fffd}');
            pad(out, &c.to_string(), spec, false);
            return;
        }
        'q' => {
            let c = char::from_u32(mag as u32).unwrap_or('\u{fffd}');
            let mut s = String::from("'");
            quote_char(&mut s, c, '\'', spec.plus);
            s.push('\'');
            pad(out, &s, spec, false);
            return;
        }
        'U' => {
            let mut s = format!("U+{mag:04X}");
            if spec.sharp {
                if let Some(c) = char::from_u32(mag as u32) {
                    s.push_str(&format!(" '{c}'"));
                }
            }
            pad(out, &s, spec, false);
            return;
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            bad_verb(out, verb, arg);
            return;
        }
        _ => {
            bad_verb(out, verb, arg);
            return;
        }
    };
    let mut digits = digits;
    if let Some(p) = spec.prec {
        if p == 0 && mag == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let prefix = if spec.sharp {
        match verb {
            'x' => "0x",
            'X' => "0X",
            'o' => "0",
            'b' => "0b",
            _ => "",
        }
    } else if verb == 'O' {
        "0o"
    } else {
        ""
    };
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    // Zero padding goes between the sign/prefix and the digits; not with a precision.
    let zero = spec.zero && spec.prec.is_none() && !spec.minus;
    let head = format!("{sign}{prefix}");
    let w = spec.width.unwrap_or(0);
    let len = head.len() + digits.len();
    if zero && len < w {
        out.push_str(&head);
        out.extend(std::iter::repeat_n('0', w - len));
        out.push_str(&digits);
    } else {
        pad(out, &format!("{head}{digits}"), spec, false);
    }
}

fn format_float_verb(out: &mut String, f: f64, verb: char, spec: Spec, arg: &Value) {
    let body = match verb {
        'v' => format_float(f, 'g', spec.prec),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let prec = match verb {
                'g' | 'G' => spec.prec,
                _ => Some(spec.prec.unwrap_or(6)),
            };
            format_float(f, verb, prec)
        }
        _ => {
            bad_verb(out, verb, arg);
            return;
        }
    };
    let body = if !body.starts_with('-') && (spec.plus || spec.space) && !f.is_nan() {
        format!("{}{body}", if spec.plus { '+' } else { ' ' })
    } else if body == "+Inf" && !spec.plus {
        "+Inf".into()
    } else {
        body
    };
    let zero_ok = f.is_finite();
    pad(out, &body, spec, zero_ok);
}

fn format_str(out: &mut String, b: &[u8], verb: char, spec: Spec, arg: &Value) {
    let s = String::from_utf8_lossy(b);
    match verb {
        'v' | 's' => {
            let s: String = match spec.prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.into_owned(),
            };
            pad(out, &s, spec, false)
        }
        'q' => {
            let q = if spec.sharp
                && !s.contains('`')
                && !s.chars().any(|c| c.is_control() && c != '\t')
            {
                format!("`{s}`")
            } else if spec.plus {
                let mut o = String::from("\"");
                for c in s.chars() {
                    quote_char(&mut o, c, '"', true);
                }
                o.push('"');
                o
            } else {
                quote(&s)
            };
            pad(out, &q, spec, false)
        }
        'x' | 'X' => {
            let mut h = String::new();
            let bytes = match spec.prec {
                Some(p) => &b[..p.min(b.len())],
                None => b,
            };
            for (i, byte) in bytes.iter().enumerate() {
                if spec.space && i > 0 {
                    h.push(' ');
                }
                if spec.sharp && (spec.space || i == 0) {
                    h.push_str(if verb == 'x' { "0x" } else { "0X" });
                }
                if verb == 'x' {
                    h.push_str(&format!("{byte:02x}"));
                } else {
                    h.push_str(&format!("{byte:02X}"));
                }
            }
            pad(out, &h, spec, false)
        }
        _ => bad_verb(out, verb, arg),
    }
}

/// `%#v`: Go syntax.
fn go_syntax(v: &Value) -> String {
    let Some(_level) = super::value::Nest::enter() else {
        return String::new();
    };
    match v {
        Value::Nil => "<nil>".into(),
        Value::String(s) => quote(s),
        Value::Int(i) => i.to_string(),
        Value::Int64(i) => format!("{i}"),
        Value::Uint8(u) => format!("0x{u:x}"),
        Value::Uint64(u) => format!("0x{u:x}"),
        Value::Float(f) => format_float_v(*f),
        Value::Bool(b) => b.to_string(),
        Value::Bytes(b) => {
            let parts: Vec<String> = b.iter().map(|x| format!("0x{x:x}")).collect();
            format!("[]byte{{{}}}", parts.join(", "))
        }
        Value::List(l) => {
            let mut len = 0;
            let parts: Vec<String> = l
                .items()
                .iter()
                .map_while(|x| {
                    let s = go_syntax(x);
                    len += s.len();
                    (len <= crate::budget::TEMPLATE_OUTPUT_BYTES).then_some(s)
                })
                .collect();
            format!("{}{{{}}}", v.type_name(), parts.join(", "))
        }
        Value::Map(m) => {
            let mut len = 0;
            let parts: Vec<String> = m
                .borrow()
                .iter()
                .map_while(|(k, x)| {
                    let s = format!("{}:{}", quote(k), go_syntax(x));
                    len += s.len();
                    (len <= crate::budget::TEMPLATE_OUTPUT_BYTES).then_some(s)
                })
                .collect();
            format!("{}{{{}}}", v.type_name(), parts.join(", "))
        }
        Value::Object(o) => o.fmt_v(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str, args: &[Value]) -> String {
        sprintf(s, args)
    }

    #[test]
    fn floats_print_like_strconv_shortest_g() {
        assert_eq!(format_float_v(1_000_000.0), "1e+06");
        assert_eq!(format_float_v(100_000.0), "100000");
        assert_eq!(format_float_v(1_234_567.5), "1.2345675e+06");
        assert_eq!(format_float_v(0.5), "0.5");
        assert_eq!(format_float_v(3.0), "3");
        assert_eq!(format_float_v(0.0001), "0.0001");
        assert_eq!(format_float_v(0.00001), "1e-05");
        assert_eq!(format_float_v(-2.5), "-2.5");
        assert_eq!(format_float_v(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_float_v(f64::INFINITY), "+Inf");
    }

    #[test]
    fn huge_float_precisions_pad_with_zeros() {
        let f = |verb: &str| sprintf(&format!("%.100000{verb}"), &[Value::Float(0.5)]);
        let fixed = f("f");
        assert_eq!(fixed.len(), 100_002);
        assert!(fixed.starts_with("0.5000") && fixed.ends_with("000"));
        let exp = f("e");
        assert!(
            exp.starts_with("5.000") && exp.ends_with("0e-01"),
            "{}",
            &exp[exp.len() - 10..]
        );
        assert!(f("g").starts_with("0.5"));
    }

    #[test]
    fn printf_verbs_flags_width_precision() {
        let args = [Value::Float(1.5), Value::str("ab"), Value::Int(255)];
        assert_eq!(f("%5.1f|%-4s|%x", &args), "  1.5|ab  |ff");
        assert_eq!(f("%d", &[Value::Float(3.0)]), "%!d(float64=3)");
        assert_eq!(f("%s", &[Value::Nil]), "%!s(<nil>)");
        assert_eq!(
            f(
                "%05d|%+d|%x|%X|%o",
                &[
                    Value::Int(-42),
                    Value::Int(3),
                    Value::str("hi"),
                    Value::Int(255),
                    Value::Int(8)
                ]
            ),
            "-0042|+3|6869|FF|10"
        );
        assert_eq!(
            f(
                "%q %v %t %T",
                &[
                    Value::str("a\"b\n"),
                    Value::Nil,
                    Value::Bool(true),
                    Value::Float(1.0)
                ]
            ),
            "\"a\\\"b\\n\" <nil> true float64"
        );
        assert_eq!(
            f(
                "%e|%g|%.2e|%8.3f|%.3g",
                &[
                    Value::Float(1_000_000.0),
                    Value::Float(1e21),
                    Value::Float(123456.0),
                    Value::Float(1.23456),
                    Value::Float(2.0 / 3.0)
                ]
            ),
            "1.000000e+06|1e+21|1.23e+05|   1.235|0.667"
        );
        assert_eq!(f("%d %d", &[Value::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(
            f("%d", &[Value::Int(1), Value::str("x")]),
            "1%!(EXTRA string=x)"
        );
        assert_eq!(f("100%%", &[]), "100%");
        assert_eq!(f("%s", &[Value::string_list(["a", "b"])]), "[a b]");
        assert_eq!(f("%6.2f%%", &[Value::Float(99.5)]), " 99.50%");
        assert_eq!(f("%-5d|", &[Value::Int(7)]), "7    |");
        assert_eq!(f("%c%c", &[Value::Int(72), Value::Int(105)]), "Hi");
    }

    #[test]
    fn sprint_spaces_only_between_non_strings() {
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2)]), "1 2");
        assert_eq!(
            sprint(&[Value::str("a"), Value::Int(2), Value::str("b")]),
            "a2b"
        );
        assert_eq!(sprintln(&[Value::str("a"), Value::str("b")]), "a b\n");
    }
}
