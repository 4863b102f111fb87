//! YAML in and out. Documents are held as `serde_json::Value` (with preserved key order).

pub mod emit;
mod fast;
pub mod go_json;
mod helm;
mod parse;

pub use emit::{to_yaml, Style};
#[doc(hidden)]
pub use fast::{parse as parse_fast, parse_saphyr};
pub use parse::{
    decode_text, is_blank_document, parse_document, parse_document_as, parse_document_at,
    parse_file, split_documents, split_documents_helm, Document, Flavor,
};
