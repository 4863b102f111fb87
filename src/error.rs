//! The one error type of kiln: a kind, a message, and (where the failing stage
//! knows it) a source location rendered as a caret snippet.

use std::fmt;

/// What went wrong, by pipeline stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The command line is wrong (exit code 2).
    Usage,
    /// A file could not be read or written.
    Io,
    /// `Chart.yaml` or the chart layout is invalid.
    Chart,
    /// A values file is invalid.
    Values,
    /// A `--set`-family flag does not parse.
    SetFlag,
    /// Merged values violate `values.schema.json`.
    Schema,
    /// A template failed to compile or render (syntax, undefined value, `required`, `fail`).
    Template,
    /// YAML that does not parse (a values file, or a template's output).
    Yaml,
    /// A kustomization is invalid or cannot be built.
    Overlay,
    /// A patch cannot be applied.
    Patch,
    /// Lint found errors.
    Lint,
}

impl ErrorKind {
    /// A short lowercase name shown in the error header.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::Io => "io",
            ErrorKind::Chart => "chart",
            ErrorKind::Values => "values",
            ErrorKind::SetFlag => "set",
            ErrorKind::Schema => "schema",
            ErrorKind::Template => "template",
            ErrorKind::Yaml => "yaml",
            ErrorKind::Overlay => "overlay",
            ErrorKind::Patch => "patch",
            ErrorKind::Lint => "lint",
        }
    }
}

/// Where in a source file an error points. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as shown to the user (chart-relative like `web/templates/api.yaml`, or a path).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// How many characters the caret underline covers (at least 1).
    pub len: usize,
    /// The text of the line, for the snippet.
    pub source_line: Option<String>,
}

impl Location {
    /// A location without a snippet.
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Location {
        Location {
            file: file.into(),
            line,
            column,
            len: 1,
            source_line: None,
        }
    }

    /// A location whose snippet line is taken from `source` (the whole file text).
    pub fn in_source(
        file: impl Into<String>,
        source: &str,
        line: usize,
        column: usize,
        len: usize,
    ) -> Location {
        let source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.to_string());
        Location {
            file: file.into(),
            line,
            column: column.max(1),
            len: len.max(1),
            source_line,
        }
    }

    /// A location for a byte offset into `source`.
    pub fn at_offset(file: impl Into<String>, source: &str, offset: usize, len: usize) -> Location {
        let offset = offset.min(source.len());
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = source[line_start..offset].chars().count() + 1;
        let end = (offset + len).min(source.len());
        let span = &source[offset..end];
        let span_len = span.split('\n').next().unwrap_or("").chars().count();
        Location::in_source(file, source, line, column, span_len)
    }
}

/// The error of every kiln stage (boxed: results stay one pointer wide).
#[derive(Debug, Clone)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Debug, Clone)]
struct Repr {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    notes: Vec<String>,
}

/// kiln's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                message: message.into(),
                location: None,
                notes: Vec::new(),
            }),
        }
    }

    /// An I/O error about `path`.
    pub fn io(path: impl fmt::Display, err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io, format!("{path}: {err}"))
    }

    pub fn with_location(mut self, location: Location) -> Error {
        self.repr.location = Some(location);
        self
    }

    /// Sets the location only if none is set yet.
    pub fn or_location(mut self, location: impl FnOnce() -> Location) -> Error {
        if self.repr.location.is_none() {
            self.repr.location = Some(location());
        }
        self
    }

    /// Adds a `= note:` line under the snippet.
    pub fn with_note(mut self, note: impl Into<String>) -> Error {
        self.repr.notes.push(note.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    pub fn message(&self) -> &str {
        &self.repr.message
    }

    pub fn location(&self) -> Option<&Location> {
        self.repr.location.as_ref()
    }

    pub fn notes(&self) -> &[String] {
        &self.repr.notes
    }

    /// The process exit code for this error: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.repr.kind == ErrorKind::Usage {
            2
        } else {
            1
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.repr;
        write!(f, "error[{}]: {}", r.kind.name(), r.message)?;
        if let Some(loc) = &r.location {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            write!(f, "\n{pad}--> {}:{}:{}", loc.file, loc.line, loc.column)?;
            if let Some(src) = &loc.source_line {
                let src = src.trim_end();
                let shown: String = src
                    .chars()
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .collect();
                let indent = " ".repeat(loc.column.saturating_sub(1));
                let width = shown.chars().count();
                let len = loc.len.min(width.saturating_sub(loc.column - 1)).max(1);
                write!(
                    f,
                    "\n{pad} |\n{num} | {shown}\n{pad} | {indent}{}",
                    "^".repeat(len)
                )?;
            }
        }
        for note in &r.notes {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
