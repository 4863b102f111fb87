//! YAML parsing (stub).
use crate::Result;
use serde_json::Value;

/// One document of a multi-document stream.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub text: &'a str,
    /// 0-based line of the document's first line within the whole text.
    pub line_offset: usize,
}

pub fn split_documents(text: &str) -> Vec<Document<'_>> {
    vec![Document { text, line_offset: 0 }]
}

pub fn parse_document(text: &str, file: &str) -> Result<Value> {
    let _ = file;
    serde_saphyr::from_str(text).map_err(|e| crate::Error::new(crate::ErrorKind::Yaml, e.to_string()))
}

pub fn parse_file(path: &std::path::Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path.display(), e))?;
    parse_document(&text, &path.display().to_string())
}
