use super::Chart;
use crate::Result;
use std::path::Path;

pub fn load_chart(dir: &Path) -> Result<Chart> {
    let _ = dir;
    todo!()
}
