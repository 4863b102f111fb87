//! YAML in and out. Documents are held as `serde_json::Value` (with preserved key order).

pub mod emit;
mod parse;

pub use emit::{to_yaml, Style};
pub use parse::{
    is_blank_document, parse_document, parse_document_as, parse_document_at, parse_file,
    split_documents, Document, Flavor,
};
