//! `kiln chartify` (stub: being written).
use crate::cli::args::ChartifyArgs;
use crate::cli::Output;
use crate::error::{Error, ErrorKind, Result};

pub fn run(args: &ChartifyArgs) -> Result<Output> {
    let _ = args;
    Err(Error::new(
        ErrorKind::Usage,
        "kiln chartify is not implemented yet",
    ))
}
