//! `kiln lint` (stub: being written).
use crate::cli::args::LintArgs;
use crate::cli::Output;
use crate::error::{Error, ErrorKind, Result};

pub fn run(args: &LintArgs) -> Result<Output> {
    let _ = args;
    Err(Error::new(
        ErrorKind::Usage,
        "kiln lint is not implemented yet",
    ))
}
