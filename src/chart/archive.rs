//! Chart archives (`.tgz`, as `helm package` writes them and `helm dependency build` leaves them in
//! `charts/`), read whole into memory.
//!
//! An archive is hostile input. Helm's rules apply (the first path component is the chart's folder
//! and is dropped; `\` separators from Windows are accepted; a UTF-8 byte-order mark is trimmed from
//! every file), and kiln refuses more than Helm does: absolute names, any `..` component, links
//! (symbolic and hard), devices and other special entries, duplicate names. Every read counts
//! against one [`Budget`] shared by a chart and all archives nested in it: decompressed bytes
//! (Helm's 100 MiB per chart), entries, bytes per file and nesting depth, so a gzip bomb stops
//! early with an error naming the archive.

use crate::error::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::io::Read;

/// Limits for loading one chart, its subcharts and every archive nested in them.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Decompressed bytes still allowed (tar headers and padding included).
    pub bytes: u64,
    /// Archive entries still allowed.
    pub entries: usize,
    /// Largest decompressed file.
    pub file_bytes: u64,
    /// Deepest nesting of subcharts (directories and archives alike).
    pub depth: usize,
}

/// Helm's limit on the decompressed size of a chart archive.
pub const MAX_BYTES: u64 = 100 * 1024 * 1024;
/// Entries allowed over a chart and its nested archives.
pub const MAX_ENTRIES: usize = 50_000;
/// Bytes allowed for one file of an archive.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Subchart nesting allowed (Helm charts rarely go past 3).
pub const MAX_DEPTH: usize = 32;

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            bytes: MAX_BYTES,
            entries: MAX_ENTRIES,
            file_bytes: MAX_FILE_BYTES,
            depth: MAX_DEPTH,
        }
    }
}

/// The files of an archive, by their path inside the chart (`templates/x.yaml`).
#[derive(Debug, Clone, Default)]
pub struct ArchiveFiles {
    /// The chart's folder inside the archive (the first path component), from the first entry.
    pub folder: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

fn err(archive: &str, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Chart, format!("{archive}: {message}"))
}

/// A reader that fails once more than `left` bytes went through it.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.left + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            self.over = true;
            return Err(std::io::Error::other("decompressed size budget exceeded"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Reads a gzip-compressed tar archive (`archive` names it in messages).
pub fn read(bytes: &[u8], archive: &str, budget: &mut Budget) -> Result<ArchiveFiles> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(err(
            archive,
            "not a gzip-compressed chart archive (expected a .tgz made by `helm package`)",
        ));
    }
    let too_big = || {
        err(
            archive,
            format!(
                "the chart decompresses to more than {} MiB (kiln's and Helm's limit for a chart with its archives)",
                MAX_BYTES / (1024 * 1024)
            ),
        )
    };
    // Go's gzip reader reads every member of a multi-member stream; so does this one.
    let mut capped = Capped {
        inner: flate2::read::MultiGzDecoder::new(bytes),
        left: budget.bytes,
        over: false,
    };
    let mut out = ArchiveFiles::default();
    let result = read_entries(&mut capped, archive, budget, &mut out);
    let over = capped.over;
    budget.bytes = capped.left;
    match result {
        Err(_) if over => Err(too_big()),
        Err(e) => Err(e),
        Ok(()) if out.files.is_empty() => Err(err(archive, "no files in the chart archive")),
        Ok(()) => Ok(out),
    }
}

fn read_entries<R: Read>(
    reader: &mut R,
    archive: &str,
    budget: &mut Budget,
    out: &mut ArchiveFiles,
) -> Result<()> {
    let mut tar = tar::Archive::new(reader);
    let entries = tar
        .entries()
        .map_err(|e| err(archive, format!("not a readable tar archive: {e}")))?;
    for entry in entries {
        let mut entry =
            entry.map_err(|e| err(archive, format!("not a readable tar archive: {e}")))?;
        if budget.entries == 0 {
            return Err(err(
                archive,
                format!("more than {MAX_ENTRIES} entries in the chart's archives"),
            ));
        }
        budget.entries -= 1;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        let what = match kind {
            tar::EntryType::Directory
            | tar::EntryType::XGlobalHeader
            | tar::EntryType::XHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink => continue,
            tar::EntryType::Regular | tar::EntryType::Continuous => None,
            tar::EntryType::Symlink => Some("a symbolic link"),
            tar::EntryType::Link => Some("a hard link"),
            _ => Some("not a regular file"),
        };
        if let Some(what) = what {
            return Err(err(
                archive,
                format!("entry `{raw}` is {what}; chart archives may hold only regular files"),
            ));
        }
        let (folder, rel) =
            entry_path(&raw).map_err(|m| err(archive, format!("entry `{raw}`: {m}")))?;
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > budget.file_bytes {
            return Err(err(
                archive,
                format!(
                    "entry `{raw}` is larger than {} MiB",
                    budget.file_bytes / (1024 * 1024)
                ),
            ));
        }
        let mut data = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
        (&mut entry)
            .take(budget.file_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| err(archive, format!("entry `{raw}`: {e}")))?;
        if data.len() as u64 > budget.file_bytes {
            return Err(err(
                archive,
                format!(
                    "entry `{raw}` is larger than {} MiB",
                    budget.file_bytes / (1024 * 1024)
                ),
            ));
        }
        if data.starts_with(UTF8_BOM) {
            data.drain(..UTF8_BOM.len());
        }
        if out.folder.is_empty() {
            out.folder = folder;
        }
        if out.files.insert(rel.clone(), data).is_some() {
            return Err(err(
                archive,
                format!("entry `{raw}` is in the archive twice"),
            ));
        }
    }
    Ok(())
}

/// Splits an entry name into the chart's folder and the path inside the chart, with Helm's rules
/// (a `\` anywhere makes `\` the separator) and kiln's refusals.
fn entry_path(raw: &str) -> std::result::Result<(String, String), &'static str> {
    let sep = if raw.contains('\\') { '\\' } else { '/' };
    if raw.starts_with(sep) || raw.starts_with('/') {
        return Err("absolute paths are not allowed in a chart archive");
    }
    let bytes = raw.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("drive-letter paths are not allowed in a chart archive");
    }
    let mut parts = raw.split(sep);
    let folder = parts.next().unwrap_or_default().to_string();
    if folder == "Chart.yaml" {
        return Err("Chart.yaml must be inside the chart's folder");
    }
    let mut kept: Vec<&str> = Vec::new();
    for part in parts {
        match part {
            "" | "." => {}
            ".." => return Err("`..` is not allowed in a chart archive"),
            p if p.contains('\0') => return Err("NUL in a file name"),
            p => kept.push(p),
        }
    }
    if folder == ".." {
        return Err("`..` is not allowed in a chart archive");
    }
    if kept.is_empty() {
        return Err("a file outside the chart's folder");
    }
    Ok((folder, kept.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_follow_helm_and_refuse_escapes() {
        assert_eq!(
            entry_path("web/templates/a.yaml").unwrap(),
            ("web".into(), "templates/a.yaml".into())
        );
        assert_eq!(
            entry_path("web\\templates\\a.yaml").unwrap(),
            ("web".into(), "templates/a.yaml".into())
        );
        assert_eq!(
            entry_path("web/./x//y").unwrap(),
            ("web".into(), "x/y".into())
        );
        for bad in [
            "/etc/passwd",
            "web/../../etc/passwd",
            "../x/Chart.yaml",
            "c:/x/y",
            "Chart.yaml",
            "README",
            "web/",
        ] {
            assert!(entry_path(bad).is_err(), "{bad} must be refused");
        }
    }
}
