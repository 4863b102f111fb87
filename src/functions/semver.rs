//! sprig's `semver` and `semverCompare` with Masterminds/semver v3 rules, also behind the Jinja
//! `semver_compare` filter and Helm's check of a chart's `kubeVersion`.

/// sprig's `semverCompare constraint version`: whether the version meets a Masterminds/semver v3
/// constraint.
///
/// Constraint syntax: alternatives joined by `||`; within one, comparisons
/// separated by spaces or commas; operators `=`, `!=`, `>`, `<`, `>=`, `=>`,
/// `<=`, `=<`, `~`, `~>`, `^` (none means `=`); versions may be partial or
/// use `x`/`X`/`*` wildcards (`1.x`, `~1.2`); `1.2 - 1.4.5` is a range.
/// Masterminds rules kept: a version with a pre-release only satisfies an
/// AND group in which some comparison names a pre-release (`>= 1.30.0-0`
/// admits `v1.30.2-eks-1`, `>=1.30.0` does not), missing parts are wildcards (`>1.2` needs 1.3+), build
/// metadata is ignored. (The semver crate's `VersionReq` follows Cargo's
/// rules, which differ, so only its version parts are used here.)
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, String> {
    let groups = parse_constraint(constraint)?;
    let v = parse_version(version).ok_or_else(|| INVALID.to_owned())?;
    Ok(groups.iter().any(|all| {
        // One comparison naming a pre-release admits pre-releases for its whole group.
        let with_pre = all.iter().any(|c| !c.v.pre.is_empty());
        all.iter().all(|c| c.check(&v, with_pre))
    }))
}

/// Whether `version` satisfies a Masterminds-style constraint (`>=1.30.0-0`,
/// `^1.2`, `~1.2`, `1.x`, `>=1.2 <2`, alternatives with `||`): the check
/// behind `semverCompare`, and Helm's check of Chart.yaml `kubeVersion`.
pub fn semver_satisfies(version: &str, constraint: &str) -> Result<bool, String> {
    semver_compare(constraint, version)
}

/// Masterminds' error for a text that is no version.
const INVALID: &str = "invalid semantic version";

#[derive(Debug, Clone)]
struct SemVer {
    major: u64,
    minor: u64,
    patch: u64,
    pre: semver::Prerelease,
}

impl SemVer {
    fn cmp(&self, other: &SemVer) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}

/// Masterminds' loose `NewVersion`: optional `v`, one to three numeric
/// parts, optional `-prerelease` and `+build`.
fn parse_version(text: &str) -> Option<SemVer> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (text, build) = match text.split_once('+') {
        Some((t, b)) => (t, Some(b)),
        None => (text, None),
    };
    if let Some(b) = build {
        semver::BuildMetadata::new(b).ok()?;
    }
    let (core, pre) = match text.split_once('-') {
        Some((c, p)) => (c, semver::Prerelease::new(p).ok()?),
        None => (text, semver::Prerelease::EMPTY),
    };
    let mut parts = core.split('.');
    let mut num = |required: bool| -> Option<Option<u64>> {
        match parts.next() {
            None if !required => Some(None),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Some(p.parse().ok()?))
            }
            _ => None,
        }
    };
    let major = num(true)??;
    let minor = num(false)?.unwrap_or(0);
    let patch = num(false)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Some(SemVer {
        major,
        minor,
        patch,
        pre,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Comparison {
    op: Op,
    v: SemVer,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn improper(constraint: &str) -> String {
    format!("improper constraint: {constraint}")
}

fn parse_constraint(constraint: &str) -> Result<Vec<Vec<Comparison>>, String> {
    let mut groups = Vec::new();
    for alternative in constraint.split("||") {
        let tokens: Vec<&str> = alternative
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() {
            return Err(improper(constraint));
        }
        let mut all = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            // `A - B` hyphen range.
            if i + 2 < tokens.len() && tokens[i + 1] == "-" && !starts_with_op(tokens[i]) {
                all.push(parse_comparison(&format!(">={}", tokens[i]), constraint)?);
                all.push(parse_comparison(
                    &format!("<={}", tokens[i + 2]),
                    constraint,
                )?);
                i += 3;
                continue;
            }
            // An operator separated from its version by spaces (`>= 1.30.0-0`).
            if is_op(tokens[i]) && i + 1 < tokens.len() {
                all.push(parse_comparison(
                    &format!("{}{}", tokens[i], tokens[i + 1]),
                    constraint,
                )?);
                i += 2;
                continue;
            }
            all.push(parse_comparison(tokens[i], constraint)?);
            i += 1;
        }
        groups.push(all);
    }
    Ok(groups)
}

const OPS: [(&str, Op); 11] = [
    ("!=", Op::Ne),
    (">=", Op::Ge),
    ("=>", Op::Ge),
    ("<=", Op::Le),
    ("=<", Op::Le),
    ("~>", Op::Tilde),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

fn is_op(token: &str) -> bool {
    OPS.iter().any(|(s, _)| *s == token)
}

fn starts_with_op(token: &str) -> bool {
    OPS.iter().any(|(s, _)| token.starts_with(s))
}

fn parse_comparison(token: &str, constraint: &str) -> Result<Comparison, String> {
    let (op, rest) = OPS
        .iter()
        .find_map(|(s, op)| token.strip_prefix(s).map(|rest| (*op, rest)))
        .unwrap_or((Op::Eq, token));
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    // Split off `-pre` / `+build` from the numeric part (wildcards allowed there).
    let split = rest.find(['-', '+']).unwrap_or(rest.len());
    let (core, tail) = rest.split_at(split);
    let parts: Vec<&str> = core.split('.').collect();
    let is_x = |p: &str| matches!(p, "x" | "X" | "*");
    let valid = |p: &str| is_x(p) || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() > 3 || !parts.iter().all(|p| valid(p)) {
        return Err(improper(constraint));
    }
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let text = if is_x(parts[0]) {
        dirty = true;
        format!("0.0.0{tail}")
    } else if parts.len() < 2 || is_x(parts[1]) {
        dirty = true;
        minor_dirty = true;
        format!("{}.0.0{tail}", parts[0])
    } else if parts.len() < 3 || is_x(parts[2]) {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{tail}", parts[0], parts[1])
    } else {
        rest.to_owned()
    };
    let v = parse_version(&text).ok_or_else(|| improper(constraint))?;
    Ok(Comparison {
        op,
        v,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Comparison {
    fn check(&self, v: &SemVer, with_pre: bool) -> bool {
        use std::cmp::Ordering::*;
        let c = &self.v;
        // A pre-release version only satisfies a group that names one.
        if !with_pre && !v.pre.is_empty() {
            return false;
        }
        match self.op {
            Op::Eq if self.dirty => self.tilde(v),
            Op::Eq => v.cmp(c) == Equal,
            Op::Ne => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if self.minor_dirty {
                        return false;
                    }
                    if c.minor != v.minor {
                        return true;
                    }
                    if self.patch_dirty {
                        return false;
                    }
                }
                v.cmp(c) != Equal
            }
            Op::Gt => {
                if !self.dirty {
                    return v.cmp(c) == Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.cmp(c) == Greater
            }
            Op::Lt => v.cmp(c) == Less,
            Op::Ge => v.cmp(c) != Less,
            Op::Le => {
                if !self.dirty {
                    return v.cmp(c) != Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if v.cmp(c) == Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                v.patch == c.patch
            }
        }
    }

    fn tilde(&self, v: &SemVer) -> bool {
        let c = &self.v;
        if v.cmp(c) == std::cmp::Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        self.minor_dirty || v.minor == c.minor
    }
}

/// sprig's `semver`: a parsed version (Masterminds' `*semver.Version`). Templates read `.Major`,
/// `.Minor`, `.Patch`, `.Prerelease`, `.Metadata`, `.Original` and print it without its `v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub prerelease: String,
    pub metadata: String,
    pub original: String,
}

impl Version {
    /// Masterminds' loose `NewVersion`: optional `v`, one to three numeric parts, optional
    /// `-prerelease` and `+metadata`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let v = parse_version(text).ok_or_else(|| INVALID.to_owned())?;
        let metadata = text.split_once('+').map_or("", |(_, m)| m).to_owned();
        Ok(Version {
            major: v.major,
            minor: v.minor,
            patch: v.patch,
            prerelease: v.pre.as_str().to_owned(),
            metadata,
            original: text.to_owned(),
        })
    }

    fn key(&self) -> SemVer {
        SemVer {
            major: self.major,
            minor: self.minor,
            patch: self.patch,
            pre: semver::Prerelease::new(&self.prerelease).unwrap_or(semver::Prerelease::EMPTY),
        }
    }

    /// Masterminds' `Compare`: -1, 0 or 1 by precedence (metadata ignored).
    pub fn compare(&self, other: &Version) -> i64 {
        match self.key().cmp(&other.key()) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        }
    }

    /// `IncMajor`, `IncMinor`, `IncPatch`: the next version (a pre-release's patch is itself).
    pub fn increment(&self, part: &str) -> Version {
        let mut v = Version {
            prerelease: String::new(),
            metadata: String::new(),
            ..self.clone()
        };
        match part {
            "major" => {
                v.major += 1;
                v.minor = 0;
                v.patch = 0;
            }
            "minor" => {
                v.minor += 1;
                v.patch = 0;
            }
            _ => {
                if self.prerelease.is_empty() {
                    v.patch += 1;
                }
            }
        }
        v.original = v.to_string();
        v
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.prerelease.is_empty() {
            write!(f, "-{}", self.prerelease)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ Go template functions

use crate::render::gotmpl::{FuncError, Object, Value};

/// A version as templates see it: Masterminds' `*semver.Version` (or the `semver.Version` value the
/// `Inc*` methods return).
#[derive(Debug)]
struct VersionObject {
    v: Version,
    pointer: bool,
}

impl VersionObject {
    fn value(v: Version, pointer: bool) -> Value {
        Value::object(VersionObject { v, pointer })
    }

    fn other(args: &[Value]) -> Result<Version, FuncError> {
        match args.first() {
            Some(Value::Object(o)) => o
                .as_any()
                .downcast_ref::<VersionObject>()
                .map(|o| o.v.clone())
                .ok_or_else(|| crate::functions::wrong_type("*semver.Version", &args[0])),
            Some(other) => Err(crate::functions::wrong_type("*semver.Version", other)),
            None => Err(FuncError::Plain(
                "wrong number of args: want 1 got 0".into(),
            )),
        }
    }
}

impl Object for VersionObject {
    fn type_name(&self) -> String {
        if self.pointer {
            "*semver.Version"
        } else {
            "semver.Version"
        }
        .into()
    }

    fn kind(&self) -> &'static str {
        if self.pointer {
            "ptr"
        } else {
            "struct"
        }
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Major"
                | "Minor"
                | "Patch"
                | "Prerelease"
                | "Metadata"
                | "Original"
                | "String"
                | "IncMajor"
                | "IncMinor"
                | "IncPatch"
                | "Compare"
                | "LessThan"
                | "GreaterThan"
                | "Equal"
                | "LessThanEqual"
                | "GreaterThanEqual"
        )
    }

    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let v = &self.v;
        Some(Ok(match name {
            "Major" => Value::Uint64(v.major),
            "Minor" => Value::Uint64(v.minor),
            "Patch" => Value::Uint64(v.patch),
            "Prerelease" => Value::str(&v.prerelease),
            "Metadata" => Value::str(&v.metadata),
            "Original" => Value::str(&v.original),
            "String" => Value::from(v.to_string()),
            "IncMajor" => VersionObject::value(v.increment("major"), false),
            "IncMinor" => VersionObject::value(v.increment("minor"), false),
            "IncPatch" => VersionObject::value(v.increment("patch"), false),
            "Compare" | "LessThan" | "GreaterThan" | "Equal" | "LessThanEqual"
            | "GreaterThanEqual" => {
                let other = match VersionObject::other(args) {
                    Ok(o) => o,
                    Err(e) => return Some(Err(e)),
                };
                let c = v.compare(&other);
                match name {
                    "Compare" => Value::Int(c),
                    "LessThan" => Value::Bool(c < 0),
                    "GreaterThan" => Value::Bool(c > 0),
                    "Equal" => Value::Bool(c == 0),
                    "LessThanEqual" => Value::Bool(c <= 0),
                    _ => Value::Bool(c >= 0),
                }
            }
            _ => return None,
        }))
    }

    fn fmt_v(&self) -> String {
        self.v.to_string()
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::String(self.v.to_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::{call_err, str_arg};
    use crate::render::gotmpl::Arity::Exact;
    map.add("semver", Exact(1), |_, a| {
        let v = Version::parse(str_arg(&a[0])?).map_err(call_err)?;
        Ok(VersionObject::value(v, true))
    });
    map.add("semverCompare", Exact(2), |_, a| {
        let ok = semver_compare(str_arg(&a[0])?, str_arg(&a[1])?).map_err(call_err)?;
        Ok(Value::Bool(ok))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn versions_read_and_print_like_masterminds() {
        let v = Version::parse("v1.2.3-rc.1+b5").unwrap();
        assert_eq!(v.to_string(), "1.2.3-rc.1+b5");
        assert_eq!(
            (v.major, v.prerelease.as_str(), v.metadata.as_str()),
            (1, "rc.1", "b5")
        );
        assert_eq!(v.original, "v1.2.3-rc.1+b5");
        assert_eq!(Version::parse("1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(v.increment("minor").to_string(), "1.3.0");
        assert_eq!(v.compare(&Version::parse("1.0.0").unwrap()), 1);
        assert_eq!(
            Version::parse("bad").unwrap_err(),
            "invalid semantic version"
        );
    }

    #[test]
    fn constraints() {
        assert!(semver_compare(">=1.30.0-0", "v1.30.2-eks-1").unwrap());
        assert!(!semver_compare(">=1.30.0", "v1.30.2-eks-1").unwrap());
        assert!(semver_compare("^1.2", "1.9.0").unwrap());
        assert!(!semver_compare("~1.2", "1.3.0").unwrap());
        assert_eq!(
            semver_compare(">>1.2", "1.2").unwrap_err(),
            "improper constraint: >>1.2"
        );
        assert_eq!(
            semver_compare(">1.2", "x1.2").unwrap_err(),
            "invalid semantic version"
        );
    }
}
