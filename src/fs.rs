//! The one place kiln touches the file system: every file it reads and every file it writes
//! goes through this module.
//!
//! Reads:
//! - [`Root`] confines reads to a directory (a chart, a kustomization's directory): the path is
//!   resolved with every symlink followed and must stay inside the root's resolved path, as
//!   kustomize's `LoadRestrictionsRootOnly` (the default) demands; [`LoadRestrictor::None`] lifts
//!   the confinement (kustomize's `LoadRestrictionsNone`) but none of the other checks.
//! - Only regular files are read (never a FIFO, a device such as `/dev/zero`, a socket), and no
//!   file larger than [`MAX_FILE_BYTES`] (and, in a `kiln` command, no more than
//!   [`MAX_TOTAL_BYTES`] in all). The type is checked before the file is opened, except where
//!   the kernel resolves a path of plain names below a root in one call refusing any symlink
//!   (Linux's `openat2`): that open never blocks and never takes a terminal, and its handle is
//!   checked instead (anything but a regular file is closed unread and checked the slow way).
//! - [`read_user_file`] reads a path named on the command line (`-f`, `--set-file`, lint and
//!   chartify inputs): not confined, the other checks apply; [`read_stdin`] has the same budget.
//! - [`walk`] lists the regular files below a directory: symlinks must resolve inside the root,
//!   a symlink loop is never followed twice, at most [`MAX_WALK_ENTRIES`] entries.
//!
//! Writes:
//! - [`OutputFile`] paths are built from components checked by [`file_name`] (no empty name,
//!   `.`, `..`, `/`, `\`, control character, or absolute path), so they stay inside the output
//!   directory by construction.
//! - [`write_staged`] writes everything into a staging directory next to the output directory
//!   and moves it into place only when every file was written; existing files it replaces are
//!   restored if a move fails. It never writes through a symlink inside the output directory
//!   and never replaces a file that was an input of the run.

use crate::error::{Error, ErrorKind, Result};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The largest file kiln reads: 16 MiB. Larger inputs are refused with an error naming the file
/// and this limit. Parsed, YAML takes 15–25 times its size in memory, so this keeps one file well
/// under a 1 GiB memory limit (Helm refuses chart files over 5 MiB for the same reason).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most bytes one `kiln` command reads in all (every file, counted once, and stdin): 32 MiB, so
/// that no input makes the process run out of memory under a 1 GiB limit. Enforced once
/// [`limit_total_input`] was called (the command line does; library users choose).
pub const MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024;

static TOTAL_LIMIT: AtomicU64 = AtomicU64::new(u64::MAX);
static TOTAL_READ: AtomicU64 = AtomicU64::new(0);
/// Files already counted (device, inode).
static COUNTED: Mutex<BTreeSet<(u64, u64)>> = Mutex::new(BTreeSet::new());

/// From now on, every read counts against [`MAX_TOTAL_BYTES`] (the bytes read so far start at 0).
pub fn limit_total_input() {
    TOTAL_READ.store(0, Ordering::SeqCst);
    TOTAL_LIMIT.store(MAX_TOTAL_BYTES, Ordering::SeqCst);
}

/// The most directory entries one [`walk`] visits: 100,000.
pub const MAX_WALK_ENTRIES: usize = 100_000;

/// Which files a root may read (kustomize's `--load-restrictor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    /// `LoadRestrictionsRootOnly`: files must resolve inside the root (the default).
    #[default]
    RootOnly,
    /// `LoadRestrictionsNone`: files may resolve anywhere (still regular files, still budgeted).
    None,
}

/// A directory that reads are confined to.
#[derive(Debug, Clone)]
pub struct Root {
    /// The directory as given (joined paths keep the user's spelling).
    dir: PathBuf,
    /// The directory with every symlink resolved.
    canon: PathBuf,
    restrictor: LoadRestrictor,
    /// What the root is, for messages (`the chart`, `the kustomization directory`).
    what: &'static str,
}

impl Root {
    /// A root at `dir` (which must exist); `what` names it in errors ("the chart").
    pub fn new(dir: &Path, what: &'static str) -> Result<Root> {
        let canon = dir
            .canonicalize()
            .map_err(|e| Error::io(dir.display(), e))?;
        Ok(Root {
            dir: dir.to_path_buf(),
            canon,
            restrictor: LoadRestrictor::RootOnly,
            what,
        })
    }

    /// The same root with another load restrictor.
    pub fn with_restrictor(mut self, restrictor: LoadRestrictor) -> Root {
        self.restrictor = restrictor;
        self
    }

    /// The directory as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory with symlinks resolved.
    pub fn canonical(&self) -> &Path {
        &self.canon
    }

    /// Resolves `rel` (relative to the root, or absolute) to its real path, checked to be inside
    /// the root. `shown` is the path as the user wrote it, for messages.
    pub fn resolve(&self, rel: &Path, shown: &str) -> Result<PathBuf> {
        self.resolve_meta(rel, shown).map(|(canon, _)| canon)
    }

    /// [`Root::resolve`], with the metadata of the resolved path when it was read on the way.
    ///
    /// A plain relative path (names only: no `..`, `.` or root) is looked up below the root's
    /// resolved path one name at a time, without following symlinks: when none of them is a
    /// symlink, the path is its own real path and inside the root by construction (one `lstat`
    /// per name instead of resolving every directory from `/`). Anything else (an absolute path,
    /// `..`, a symlink on the way, a missing file) is resolved in full and checked.
    fn resolve_meta(
        &self,
        rel: &Path,
        shown: &str,
    ) -> Result<(PathBuf, Option<std::fs::Metadata>)> {
        if let Some(found) = self.lookup_plain(rel) {
            return Ok(found);
        }
        let joined = self.dir.join(rel);
        let canon = joined.canonicalize().map_err(|e| Error::io(shown, e))?;
        self.check_inside(&canon, shown)?;
        Ok((canon, None))
    }

    /// The fast path of [`Root::resolve_meta`]: `rel` made of names only, none of them a symlink
    /// (and every name but the last a directory). `None` sends the caller to the full resolution.
    fn lookup_plain(&self, rel: &Path) -> Option<(PathBuf, Option<std::fs::Metadata>)> {
        let mut path = self.canon.clone();
        let mut meta = None;
        let mut names = rel.components().peekable();
        names.peek()?;
        while let Some(c) = names.next() {
            let Component::Normal(name) = c else {
                return None;
            };
            path.push(name);
            let m = std::fs::symlink_metadata(&path).ok()?;
            if m.file_type().is_symlink() || (names.peek().is_some() && !m.is_dir()) {
                return None;
            }
            meta = Some(m);
        }
        Some((path, meta))
    }

    /// Whether `rel` names a regular file inside the root (a file outside, a directory or a
    /// missing path all answer false; reading it then gives the reason).
    pub fn is_file(&self, rel: &Path) -> bool {
        self.dir.join(rel).is_file()
    }

    /// Whether `rel` exists at all (even as a dangling or escaping symlink).
    pub fn exists(&self, rel: &Path) -> bool {
        self.dir.join(rel).symlink_metadata().is_ok()
    }

    fn check_inside(&self, canon: &Path, shown: &str) -> Result<()> {
        if self.restrictor == LoadRestrictor::RootOnly && !canon.starts_with(&self.canon) {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{shown}: resolves to {}, outside {} ({}); kiln reads only files inside it",
                    canon.display(),
                    self.what,
                    self.dir.display()
                ),
            ));
        }
        Ok(())
    }

    /// Reads the regular file `rel`, confined to the root.
    pub fn read(&self, rel: &Path, shown: &str) -> Result<Vec<u8>> {
        if let Some((file, meta)) = self.open_plain(rel) {
            return read_handle(file, Some(meta), shown);
        }
        let (canon, meta) = self.resolve_meta(rel, shown)?;
        read_regular(&canon, meta, shown)
    }

    /// The fast path of [`Root::read`] on Linux: `rel` made of names only, opened below the
    /// root's resolved path in one call that the kernel refuses when any part of the path is a
    /// symlink (`openat2` with `RESOLVE_NO_SYMLINKS`), so the file is inside the root by
    /// construction, with no gap between the check and the open. Opened without blocking (a
    /// FIFO) and never as a terminal; kept only when the handle is a regular file. `None`
    /// (anything else, or a kernel without `openat2`) sends the caller to the checks of
    /// [`Root::resolve_meta`], which give each error its message.
    #[cfg(target_os = "linux")]
    fn open_plain(&self, rel: &Path) -> Option<(std::fs::File, std::fs::Metadata)> {
        use std::os::fd::FromRawFd;
        use std::os::unix::ffi::OsStrExt;
        if rel.as_os_str().is_empty()
            || !rel.components().all(|c| matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let path = std::ffi::CString::new(self.canon.join(rel).as_os_str().as_bytes()).ok()?;
        // SAFETY: `open_how` is plain data; all-zero is its empty value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = (libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY) as u64;
        how.resolve = libc::RESOLVE_NO_SYMLINKS;
        // SAFETY: a NUL-terminated path and an `open_how` of the size given, both alive for the
        // call; the result is a new descriptor this function alone owns, or negative.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                libc::AT_FDCWD,
                path.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` was just opened here and nothing else owns it.
        let file = unsafe { std::fs::File::from_raw_fd(fd as i32) };
        let meta = file.metadata().ok()?;
        meta.is_file().then_some((file, meta))
    }

    #[cfg(not(target_os = "linux"))]
    fn open_plain(&self, _rel: &Path) -> Option<(std::fs::File, std::fs::Metadata)> {
        None
    }

    /// Reads the regular file `rel` as UTF-8 text, confined to the root.
    pub fn read_to_string(&self, rel: &Path, shown: &str) -> Result<String> {
        into_text(self.read(rel, shown)?, shown)
    }
}

/// Reads a file the user named directly (command-line paths): not confined to a root, but
/// only a regular file, at most [`MAX_FILE_BYTES`].
pub fn read_user_file(path: &Path, shown: &str) -> Result<Vec<u8>> {
    let canon = path.canonicalize().map_err(|e| Error::io(shown, e))?;
    read_regular(&canon, None, shown)
}

/// [`read_user_file`] as UTF-8 text.
pub fn read_user_text(path: &Path, shown: &str) -> Result<String> {
    into_text(read_user_file(path, shown)?, shown)
}

/// Reads standard input as UTF-8 text, at most [`MAX_FILE_BYTES`].
pub fn read_stdin(shown: &str) -> Result<String> {
    let bytes = read_limited(std::io::stdin().lock(), shown)?;
    count(None, bytes.len() as u64, shown)?;
    into_text(bytes, shown)
}

/// UTF-8 text (a byte-order mark dropped); anything else names the byte offset and line, and
/// says when the file is UTF-16 (see [`crate::yaml::decode_text`]).
fn into_text(bytes: Vec<u8>, shown: &str) -> Result<String> {
    crate::yaml::decode_text(bytes, shown)
}

fn too_large(shown: &str) -> Error {
    Error::new(
        ErrorKind::Io,
        format!(
            "{shown}: larger than kiln's input file limit of {} MiB (MAX_FILE_BYTES); split the file",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// Reads `canon` (a path without symlinks) if it is a regular file within the size budget. The
/// type is checked before opening (opening a FIFO would block): with `meta` when the caller has
/// just read the path's metadata, else here.
fn read_regular(canon: &Path, meta: Option<std::fs::Metadata>, shown: &str) -> Result<Vec<u8>> {
    let meta = match meta {
        Some(m) => m,
        None => std::fs::metadata(canon).map_err(|e| Error::io(shown, e))?,
    };
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        return Err(Error::new(
            ErrorKind::Io,
            format!("{shown}: is {what}; kiln reads only regular files"),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(shown));
    }
    let file = std::fs::File::open(canon).map_err(|e| Error::io(shown, e))?;
    // The file may have changed since it was checked: check again on the open handle.
    read_handle(file, None, shown)
}

/// Reads an open file if it is a regular file within the size budget (`meta`: the handle's
/// metadata when the caller has just read it).
fn read_handle(
    file: std::fs::File,
    meta: Option<std::fs::Metadata>,
    shown: &str,
) -> Result<Vec<u8>> {
    let meta = match meta {
        Some(m) => m,
        None => file.metadata().map_err(|e| Error::io(shown, e))?,
    };
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::Io,
            format!("{shown}: is not a regular file; kiln reads only regular files"),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(shown));
    }
    use std::os::unix::fs::MetadataExt;
    // A regular file of a known size is read up to that size (one read as a rule, and no
    // second one to see the end): what a file growing meanwhile adds is not read, as if it
    // had been read a moment earlier. Files that report no size (those of /proc) are read to
    // their end.
    let bytes = match meta.len() {
        0 => read_limited(file, shown)?,
        len => read_sized(file, len as usize, shown)?,
    };
    count(Some((meta.dev(), meta.ino())), bytes.len() as u64, shown)?;
    Ok(bytes)
}

/// What the run's total input counted at one moment (see [`input_restore`]).
pub struct InputCheckpoint {
    read: u64,
    counted: BTreeSet<(u64, u64)>,
}

/// The run's total input as counted so far.
pub fn input_checkpoint() -> InputCheckpoint {
    InputCheckpoint {
        read: TOTAL_READ.load(Ordering::SeqCst),
        counted: COUNTED.lock().unwrap_or_else(|e| e.into_inner()).clone(),
    }
}

/// Counts the run's total input as at `checkpoint` again: the files read since are read again
/// (and counted in the order they are read then).
pub fn input_restore(checkpoint: InputCheckpoint) {
    TOTAL_READ.store(checkpoint.read, Ordering::SeqCst);
    *COUNTED.lock().unwrap_or_else(|e| e.into_inner()) = checkpoint.counted;
}

/// Counts `len` bytes against the run's total; a file read again (same device and inode) is
/// counted once.
fn count(id: Option<(u64, u64)>, len: u64, shown: &str) -> Result<()> {
    if let Some(id) = id {
        let mut seen = COUNTED.lock().unwrap_or_else(|e| e.into_inner());
        if !seen.insert(id) {
            return Ok(());
        }
    }
    let total = TOTAL_READ.fetch_add(len, Ordering::SeqCst) + len;
    if total > TOTAL_LIMIT.load(Ordering::SeqCst) {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "{shown}: reading it takes this run over kiln's total input limit of {} MiB (MAX_TOTAL_BYTES); run kiln on fewer files at a time",
                MAX_TOTAL_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// All of `r`, at most [`MAX_FILE_BYTES`] (more is an error).
fn read_limited(r: impl Read, shown: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(shown, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(shown));
    }
    Ok(bytes)
}

/// Up to `len` bytes of `r` (fewer when it ends first): once `len` bytes are in, no further
/// read is made.
fn read_sized(r: impl Read, len: usize, shown: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    r.take(len as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(shown, e))?;
    Ok(bytes)
}

/// Every regular file below `dir` (a directory inside `root`), sorted by path. Symlinks are
/// followed only when they resolve inside the root (any restrictor other than RootOnly lifts
/// that); a directory already being walked is never entered again (a symlink to `.` does not
/// loop); devices, FIFOs and sockets are skipped; `skip_hidden` leaves out names starting with
/// `.`. At most [`MAX_WALK_ENTRIES`] entries.
pub fn walk(root: &Root, dir: &Path, skip_hidden: bool) -> Result<Vec<PathBuf>> {
    walk_except(root, dir, skip_hidden, None)
}

/// [`walk`], without entering the directory `except` (a path as the walk spells it: `dir`
/// joined with names).
pub fn walk_except(
    root: &Root,
    dir: &Path,
    skip_hidden: bool,
    except: Option<&Path>,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut w = DirWalk::new(root, dir)?;
    walk_into(&mut w, dir, skip_hidden, except, &mut out)?;
    Ok(out)
}

fn walk_into(
    w: &mut DirWalk,
    dir: &Path,
    skip_hidden: bool,
    except: Option<&Path>,
    out: &mut Vec<PathBuf>,
) -> Result<()> {
    for (path, kind) in w.entries(dir, skip_hidden)? {
        match kind {
            EntryKind::Dir(canon) => {
                if except != Some(path.as_path()) && w.enter(canon) {
                    walk_into(w, &path, skip_hidden, except, out)?;
                    w.leave();
                }
            }
            EntryKind::File => out.push(path),
        }
    }
    Ok(())
}

/// What a directory entry is, symlinks resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A directory, with its resolved path (pass it to [`DirWalk::enter`]).
    Dir(PathBuf),
    /// A regular file.
    File,
}

/// A directory walk driven by its caller (`kiln lint DIR` decides per directory whether it is a
/// chart, an overlay or more manifests): lists entries with symlinks checked against the root,
/// skips anything but directories and regular files, refuses to enter a directory it is already
/// inside (symlink loops), and counts entries against [`MAX_WALK_ENTRIES`].
#[derive(Debug)]
pub struct DirWalk<'r> {
    root: &'r Root,
    ancestors: Vec<PathBuf>,
    seen: usize,
}

impl<'r> DirWalk<'r> {
    /// A walk starting at `dir` (inside `root`).
    pub fn new(root: &'r Root, dir: &Path) -> Result<DirWalk<'r>> {
        let shown = dir.display().to_string();
        let canon = dir.canonicalize().map_err(|e| Error::io(&shown, e))?;
        root.check_inside(&canon, &shown)?;
        Ok(DirWalk {
            root,
            ancestors: vec![canon],
            seen: 0,
        })
    }

    /// Enters the directory `canon` (from [`EntryKind::Dir`]); false if the walk is already
    /// inside it (a loop: do not descend).
    pub fn enter(&mut self, canon: PathBuf) -> bool {
        if self.ancestors.contains(&canon) {
            return false;
        }
        self.ancestors.push(canon);
        true
    }

    /// Leaves the directory last entered.
    pub fn leave(&mut self) {
        self.ancestors.pop();
    }

    /// The directories and regular files in `dir`, sorted by path. `dir` is the directory the
    /// walk is in: where it started, or the one last entered.
    ///
    /// Entry types come from the directory listing itself; only symlinks (and entries whose type
    /// the file system does not report) cost a lookup. A real directory's resolved path is its
    /// parent's joined with its name, so only symlinks are resolved.
    pub fn entries(&mut self, dir: &Path, skip_hidden: bool) -> Result<Vec<(PathBuf, EntryKind)>> {
        let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir.display(), e))?
            .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?))))
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::io(dir.display(), e))?;
        self.seen += entries.len();
        if self.seen > MAX_WALK_ENTRIES {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{}: more than {MAX_WALK_ENTRIES} files and directories below it (MAX_WALK_ENTRIES); point kiln at a smaller directory",
                    self.root.dir.display()
                ),
            ));
        }
        // One directory's entries: their paths differ in the last name only, which orders them
        // as whole paths would (names are unique, so the order is total).
        fn name(p: &Path) -> &[u8] {
            p.file_name().unwrap_or_default().as_encoded_bytes()
        }
        entries.sort_unstable_by(|a, b| name(&a.0).cmp(name(&b.0)));
        let parent = self.ancestors.last().cloned();
        let mut out = Vec::with_capacity(entries.len());
        for (path, ftype) in entries {
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if skip_hidden && hidden {
                continue;
            }
            if ftype.is_file() {
                out.push((path, EntryKind::File));
                continue;
            }
            if ftype.is_dir() {
                let canon = match (&parent, path.file_name()) {
                    (Some(p), Some(name)) => p.join(name),
                    _ => {
                        let shown = path.display().to_string();
                        path.canonicalize().map_err(|e| Error::io(&shown, e))?
                    }
                };
                out.push((path, EntryKind::Dir(canon)));
                continue;
            }
            if !ftype.is_symlink() {
                // A device, FIFO or socket: skipped.
                continue;
            }
            let shown = path.display().to_string();
            let canon = path.canonicalize().map_err(|e| Error::io(&shown, e))?;
            self.root.check_inside(&canon, &shown)?;
            let meta = std::fs::metadata(&canon).map_err(|e| Error::io(&shown, e))?;
            if meta.is_dir() {
                out.push((path, EntryKind::Dir(canon)));
            } else if meta.is_file() {
                out.push((path, EntryKind::File));
            }
        }
        Ok(out)
    }
}

/// Whether `dir` is a directory with nothing in it.
pub fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Checks that `name` can be one file name (one path component) and returns it. `what` names
/// the object or chart it came from, for the error.
pub fn file_name<'a>(name: &'a str, what: &str) -> Result<&'a str> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name == "." || name == ".." {
        Some("`.` and `..` are not file names")
    } else if name.contains('/') || name.contains('\\') {
        Some("it contains a path separator (`/` or `\\`)")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.len() > 255 {
        Some("it is longer than 255 bytes")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::new(
            ErrorKind::Usage,
            format!("{what}: the name {name:?} cannot be used as a file name: {why}"),
        )),
        None => Ok(name),
    }
}

/// A file to write: its path below the output directory as checked components, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    parts: Vec<String>,
    pub text: String,
}

impl OutputFile {
    /// A file at `rel` (`/`-separated) below the output directory: every component is checked
    /// with [`file_name`]; `what` names where the path came from.
    pub fn new(rel: &str, text: String, what: &str) -> Result<OutputFile> {
        let parts = rel
            .split('/')
            .map(|p| file_name(p, what).map(str::to_string))
            .collect::<Result<Vec<_>>>()?;
        Ok(OutputFile { parts, text })
    }

    /// The same file one directory `prefix` further down (checked like every component).
    pub fn under(mut self, prefix: &str, what: &str) -> Result<OutputFile> {
        self.parts.insert(0, file_name(prefix, what)?.to_string());
        Ok(self)
    }

    /// The path relative to the output directory.
    pub fn rel(&self) -> PathBuf {
        self.parts.iter().collect()
    }
}

/// How [`write_staged`] treats an existing output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Files are added to it, replacing files of the same name (`render -o`, as `helm template
    /// --output-dir` does).
    Merge,
    /// It is replaced as a whole (`chartify --force`).
    Replace,
}

/// Writes `files` below `out`: all of them into a staging directory next to `out` first, then
/// moved into place. Nothing in `out` changes unless every file was written; existing files
/// that a failing move would lose are put back. Refuses to write through a symlink below `out`
/// or to replace a file inside one of `inputs` (directories read by this run). Returns the
/// written paths (`out` joined with each file's path).
pub fn write_staged(
    out: &Path,
    files: &[OutputFile],
    existing: Existing,
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let shown_out = out.display().to_string();
    if out.exists() && !out.is_dir() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{shown_out}: exists and is not a directory"),
        ));
    }
    // Work on the real path of an existing directory (`-o .` names the current one); `out`
    // as given is kept for the paths reported back.
    let given = out;
    let real = if out.exists() {
        out.canonicalize().map_err(|e| Error::io(&shown_out, e))?
    } else {
        out.to_path_buf()
    };
    let out = real.as_path();
    let (parent, base) = match (out.parent(), out.components().next_back()) {
        (Some(p), Some(Component::Normal(name))) => (
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            },
            name.to_string_lossy().into_owned(),
        ),
        _ => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("{shown_out}: cannot be an output directory (use a directory below it)"),
            ))
        }
    };
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    // Check every target before anything is written.
    if out.is_dir() && existing == Existing::Merge {
        for f in files {
            check_target(given, out, f, &inputs)?;
        }
    }
    // The directories above `out` that do not exist yet: created now, removed again on failure.
    let missing: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    let unmake = || {
        for dir in &missing {
            let _ = std::fs::remove_dir(dir);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&parent) {
        unmake();
        return Err(Error::io(parent.display(), e));
    }
    let stage = parent.join(format!(".{base}.kiln-stage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stage);
    let staged = (|| -> Result<()> {
        std::fs::create_dir(&stage).map_err(|e| Error::io(stage.display(), e))?;
        for f in files {
            let path = stage.join(f.rel());
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(|e| Error::io(p.display(), e))?;
            }
            std::fs::write(&path, &f.text).map_err(|e| Error::io(path.display(), e))?;
        }
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&stage);
        unmake();
        return Err(e);
    }
    let result = if out.is_dir() && existing == Existing::Merge {
        merge_into(out, &stage, files)
    } else {
        replace_dir(out, &stage, &parent, &base)
    };
    let _ = std::fs::remove_dir_all(&stage);
    if result.is_err() {
        unmake();
    }
    result?;
    Ok(files.iter().map(|f| given.join(f.rel())).collect())
}

/// Every existing directory on the way to `f` is a real directory (not a symlink), and the
/// target itself is not a directory, a symlink, or a file inside an input directory.
fn check_target(given: &Path, out: &Path, f: &OutputFile, inputs: &[PathBuf]) -> Result<()> {
    let mut path = out.to_path_buf();
    let mut shown = given.to_path_buf();
    for (i, part) in f.parts.iter().enumerate() {
        path.push(part);
        shown.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return Ok(());
        };
        let last = i + 1 == f.parts.len();
        let bad = if meta.file_type().is_symlink() {
            Some("is a symlink; kiln never writes through one")
        } else if last && meta.is_dir() {
            Some("is a directory")
        } else if !last && !meta.is_dir() {
            Some("is not a directory")
        } else {
            None
        };
        if let Some(why) = bad {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "cannot write {}: {} {why}",
                    given.join(f.rel()).display(),
                    shown.display()
                ),
            ));
        }
        if last {
            let canon = path
                .canonicalize()
                .map_err(|e| Error::io(path.display(), e))?;
            if let Some(input) = inputs.iter().find(|i| canon.starts_with(i)) {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "refusing to write {}: it would replace a file of the input {} (choose an output directory outside it)",
                        shown.display(),
                        input.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Moves each staged file into `out`; on a failure, undoes the moves already made.
fn merge_into(out: &Path, stage: &Path, files: &[OutputFile]) -> Result<()> {
    let backup = stage.join(".kiln-replaced");
    // (target, backup of what it replaced) per move done, and directories created.
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut created: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<()> {
        for (i, f) in files.iter().enumerate() {
            let target = out.join(f.rel());
            let mut dir = out.to_path_buf();
            for part in &f.parts[..f.parts.len() - 1] {
                dir.push(part);
                if !dir.exists() {
                    std::fs::create_dir(&dir).map_err(|e| Error::io(dir.display(), e))?;
                    created.push(dir.clone());
                }
            }
            let saved = if target.exists() {
                std::fs::create_dir_all(&backup).map_err(|e| Error::io(backup.display(), e))?;
                let b = backup.join(i.to_string());
                std::fs::rename(&target, &b).map_err(|e| Error::io(target.display(), e))?;
                Some(b)
            } else {
                None
            };
            let moved = std::fs::rename(stage.join(f.rel()), &target);
            done.push((target.clone(), saved));
            moved.map_err(|e| Error::io(target.display(), e))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (target, saved) in done.iter().rev() {
            let _ = std::fs::remove_file(target);
            if let Some(b) = saved {
                let _ = std::fs::rename(b, target);
            }
        }
        for dir in created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

/// Moves the staged directory to `out`, the old `out` (if any) aside until then.
fn replace_dir(out: &Path, stage: &Path, parent: &Path, base: &str) -> Result<()> {
    let old = parent.join(format!(".{base}.kiln-old-{}", std::process::id()));
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, &old).map_err(|e| Error::io(out.display(), e))?;
    }
    if let Err(e) = std::fs::rename(stage, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        return Err(Error::io(out.display(), e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kiln-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/sub")).unwrap();
        std::fs::write(dir.join("outside.txt"), "outside").unwrap();
        std::fs::write(dir.join("root/in.txt"), "inside").unwrap();
        symlink("../outside.txt", dir.join("root/out.txt")).unwrap();
        symlink("../in.txt", dir.join("root/sub/in-link.txt")).unwrap();
        symlink("..", dir.join("root/sub/up")).unwrap();
        dir
    }

    #[test]
    fn load_restrictor_confines_symlinks() {
        let dir = temp("restrictor");
        let root = Root::new(&dir.join("root"), "the chart").unwrap();
        assert_eq!(
            root.read(Path::new("sub/in-link.txt"), "x").unwrap(),
            b"inside"
        );
        let err = root.read(Path::new("out.txt"), "root/out.txt").unwrap_err();
        assert!(
            err.message().starts_with("root/out.txt: resolves to "),
            "{err}"
        );
        assert!(root.read(Path::new("../outside.txt"), "x").is_err());
        let open = root.with_restrictor(LoadRestrictor::None);
        assert_eq!(open.read(Path::new("out.txt"), "x").unwrap(), b"outside");
        assert!(
            open.read(Path::new("sub"), "sub").is_err(),
            "a directory is not read"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn plain_paths_open_in_one_call_and_symlinked_ones_are_resolved_and_checked() {
        let dir = temp("plain");
        let root = Root::new(&dir.join("root"), "the chart").unwrap();
        // Names only, no symlink: the one-call open (on Linux).
        #[cfg(target_os = "linux")]
        assert!(root.open_plain(Path::new("in.txt")).is_some());
        assert_eq!(root.read(Path::new("in.txt"), "x").unwrap(), b"inside");
        // A symlink anywhere on the path: refused by that open, then resolved and checked.
        for symlinked in ["sub/in-link.txt", "sub/up/in.txt", "out.txt"] {
            assert!(
                root.open_plain(Path::new(symlinked)).is_none(),
                "{symlinked}"
            );
        }
        assert_eq!(
            root.read(Path::new("sub/up/in.txt"), "x").unwrap(),
            b"inside"
        );
        assert!(root.read(Path::new("out.txt"), "x").is_err());
        // Not a regular file: closed unread, and the slow path names what it is.
        assert!(root.open_plain(Path::new("sub")).is_none());
        let err = root.read(Path::new("sub"), "root/sub").unwrap_err();
        assert_eq!(
            err.message(),
            "root/sub: is a directory; kiln reads only regular files"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn walks_follow_no_loop_and_stay_inside() {
        let dir = temp("walk");
        let root = Root::new(&dir.join("root"), "the chart").unwrap();
        // root/out.txt escapes: an error naming it.
        let err = walk(&root, &dir.join("root"), false).unwrap_err();
        assert!(err.message().contains("out.txt: resolves to"), "{err}");
        std::fs::remove_file(dir.join("root/out.txt")).unwrap();
        let files: Vec<String> = walk(&root, &dir.join("root"), false)
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(dir.join("root"))
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        // `sub/up` points back at the root: entered never.
        assert_eq!(files, ["in.txt", "sub/in-link.txt"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn file_names() {
        for bad in ["", ".", "..", "a/b", "a\\b", "/x", "a\nb", "\u{1b}[31m"] {
            assert!(file_name(bad, "ConfigMap x").is_err(), "{bad:?}");
        }
        for good in ["web", "a.b", "...", "web-config.yaml"] {
            assert_eq!(file_name(good, "x").unwrap(), good);
        }
        assert!(OutputFile::new("../x", String::new(), "x").is_err());
        assert!(OutputFile::new("/x", String::new(), "x").is_err());
        assert!(OutputFile::new("a//x", String::new(), "x").is_err());
        assert_eq!(
            OutputFile::new("a/b.yaml", String::new(), "x")
                .unwrap()
                .rel(),
            PathBuf::from("a/b.yaml")
        );
    }
}
