//! An in-memory Linux-like filesystem, one per machine (the workstation and every instance).
//!
//! Paths are absolute and normalised (`/a/b`, never `/a/./b/` or `/a//b`). Every method that
//! takes a path accepts anything and normalises it first (relative paths are taken from `/`);
//! use [`Fs::resolve`] to interpret a path typed by a user against a working directory.
//! `/dev/null` is special: writes vanish and reads are empty.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fs {
    /// Absolute, normalised path -> node. `/` always exists.
    nodes: BTreeMap<String, Node>,
    /// Owner of paths that are not owned by root (`chown` is not modelled beyond this).
    owners: BTreeMap<String, String>,
    /// Virtual modification times (ms since the epoch), when known.
    mtimes: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Dir { mode: u32 },
    File { data: Vec<u8>, mode: u32 },
}

/// Why a filesystem operation failed; `Display` gives the coreutils wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    NotEmpty,
    PermissionDenied,
    /// Moving a directory into itself, removing `/`, …
    Invalid,
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::PermissionDenied => "Permission denied",
            FsError::Invalid => "Invalid argument",
        })
    }
}

impl std::error::Error for FsError {}

/// Largest file the simulated disk accepts (keeps memory bounded in the browser).
pub const MAX_FILE: usize = 8 << 20;

const OS_RELEASE_AL2023: &str = "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023.6.20250115\"\nANSI_COLOR=\"0;33\"\nCPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2023\"\nHOME_URL=\"https://aws.amazon.com/linux/amazon-linux-2023/\"\nDOCUMENTATION_URL=\"https://docs.aws.amazon.com/linux/\"\nSUPPORT_URL=\"https://aws.amazon.com/premiumsupport/\"\nBUG_REPORT_URL=\"https://github.com/amazonlinux/amazon-linux-2023\"\nVENDOR_NAME=\"AWS\"\nVENDOR_URL=\"https://aws.amazon.com/\"\nSUPPORT_END=\"2029-06-30\"\n";

/// Normalise `path` as an absolute path: collapse `//`, `.`, `..` (never above `/`).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        "/".into()
    } else {
        let mut s = String::with_capacity(path.len() + 1);
        for p in parts {
            s.push('/');
            s.push_str(p);
        }
        s
    }
}

/// Parent of a normalised path (`/` for top-level entries and for `/` itself).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// Last component of a normalised path (`/` for the root).
pub fn file_name(path: &str) -> &str {
    if path == "/" {
        return "/";
    }
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

impl Fs {
    /// A small Linux tree: /, /etc, /tmp, /var/log, /home/<user> (the home), /root, /usr/bin …
    /// `/etc/os-release` describes Amazon Linux 2023 (see [`Fs::with_os_release`]).
    pub fn linux(user: &str, home: &str) -> Fs {
        let mut fs = Fs::default();
        fs.nodes.insert("/".into(), Node::Dir { mode: 0o755 });
        for d in [
            "/bin", "/dev", "/etc", "/home", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
            "/tmp", "/usr", "/usr/bin", "/usr/local", "/usr/local/bin", "/usr/sbin", "/usr/share",
            "/var", "/var/log", "/var/tmp",
        ] {
            fs.mkdir_p(d);
        }
        let _ = fs.set_mode("/tmp", 0o1777);
        let _ = fs.set_mode("/root", 0o550);
        fs.nodes.insert("/dev/null".into(), Node::File { data: Vec::new(), mode: 0o666 });
        fs.write("/etc/hostname", b"localhost\n".to_vec());
        fs.write("/etc/os-release", OS_RELEASE_AL2023.as_bytes().to_vec());
        fs.write("/etc/system-release", b"Amazon Linux release 2023.6.20250115 (Amazon Linux)\n".to_vec());
        fs.write(
            "/etc/passwd",
            format!(
                "root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n{user}:x:1000:1000::{home}:/bin/bash\n"
            )
            .into_bytes(),
        );
        fs.write("/etc/group", format!("root:x:0:\nwheel:x:10:{user}\n{user}:x:1000:\n").into_bytes());
        fs.write("/etc/shells", b"/bin/sh\n/bin/bash\n/usr/bin/sh\n/usr/bin/bash\n".to_vec());
        fs.write("/var/log/messages", Vec::new());
        fs.mkdir_p(home);
        if user != "root" && !user.is_empty() {
            fs.chown(home, user);
            let _ = fs.set_mode(home, 0o700);
        }
        fs
    }

    /// Replace `/etc/os-release` (for Ubuntu or Amazon Linux 2 machines, say).
    pub fn with_os_release(mut self, contents: &str) -> Fs {
        self.write("/etc/os-release", contents.as_bytes().to_vec());
        self
    }

    /// Interpret `path` typed at `cwd` (`~` and `~/…` are left to the shell, except that a lone
    /// leading `~` is *not* expanded here). Returns an absolute, normalised path.
    pub fn resolve(cwd: &str, path: &str) -> String {
        if path.starts_with('/') {
            normalize(path)
        } else {
            normalize(&format!("{cwd}/{path}"))
        }
    }

    pub fn read(&self, path: &str) -> Option<&[u8]> {
        let p = normalize(path);
        match self.nodes.get(&p) {
            Some(Node::File { data, .. }) => Some(data),
            _ => None,
        }
    }

    /// Like [`Fs::read`] but says why it failed.
    pub fn read_file(&self, path: &str) -> Result<&[u8], FsError> {
        let p = normalize(path);
        match self.nodes.get(&p) {
            Some(Node::File { data, .. }) => Ok(data),
            Some(Node::Dir { .. }) => Err(FsError::IsADirectory),
            None => Err(self.missing_reason(&p)),
        }
    }

    /// NotFound, or NotADirectory when some ancestor is a file.
    fn missing_reason(&self, p: &str) -> FsError {
        let mut cur = parent(p);
        loop {
            match self.nodes.get(cur) {
                Some(Node::File { .. }) => return FsError::NotADirectory,
                Some(Node::Dir { .. }) => return FsError::NotFound,
                None => {}
            }
            if cur == "/" {
                return FsError::NotFound;
            }
            cur = parent(cur);
        }
    }

    /// Write (create or replace) a file; parent directories must exist. Returns false otherwise.
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> bool {
        self.write_file(path, data).is_ok()
    }

    /// Create or replace a file (keeps the mode of an existing file).
    pub fn write_file(&mut self, path: &str, mut data: Vec<u8>) -> Result<(), FsError> {
        let p = normalize(path);
        if p == "/dev/null" {
            return Ok(());
        }
        data.truncate(MAX_FILE);
        match self.nodes.get_mut(&p) {
            Some(Node::Dir { .. }) => Err(FsError::IsADirectory),
            Some(Node::File { data: d, .. }) => {
                *d = data;
                Ok(())
            }
            None => {
                match self.nodes.get(parent(&p)) {
                    Some(Node::Dir { .. }) => {}
                    Some(Node::File { .. }) => return Err(FsError::NotADirectory),
                    None => return Err(self.missing_reason(&p)),
                }
                self.nodes.insert(p, Node::File { data, mode: 0o644 });
                Ok(())
            }
        }
    }

    /// Append to a file, creating it if needed.
    pub fn append(&mut self, path: &str, data: &[u8]) -> Result<(), FsError> {
        let p = normalize(path);
        if p == "/dev/null" {
            return Ok(());
        }
        if let Some(Node::File { data: d, .. }) = self.nodes.get_mut(&p) {
            let room = MAX_FILE.saturating_sub(d.len());
            d.extend_from_slice(&data[..data.len().min(room)]);
            return Ok(());
        }
        self.write_file(&p, data.to_vec())
    }

    /// Create a directory and its parents.
    pub fn mkdir_p(&mut self, path: &str) {
        let _ = self.mkdir_all(path);
    }

    /// `mkdir -p` that reports a file in the way.
    pub fn mkdir_all(&mut self, path: &str) -> Result<(), FsError> {
        let p = normalize(path);
        let mut cur = String::new();
        for comp in p.split('/').filter(|c| !c.is_empty()) {
            cur.push('/');
            cur.push_str(comp);
            match self.nodes.get(&cur) {
                Some(Node::Dir { .. }) => {}
                Some(Node::File { .. }) => return Err(FsError::NotADirectory),
                None => {
                    self.nodes.insert(cur.clone(), Node::Dir { mode: 0o755 });
                }
            }
        }
        self.nodes.entry("/".into()).or_insert(Node::Dir { mode: 0o755 });
        Ok(())
    }

    /// Plain `mkdir`: the parent must exist and the path must not.
    pub fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        let p = normalize(path);
        if self.nodes.contains_key(&p) {
            return Err(FsError::Exists);
        }
        match self.nodes.get(parent(&p)) {
            Some(Node::Dir { .. }) => {
                self.nodes.insert(p, Node::Dir { mode: 0o755 });
                Ok(())
            }
            Some(Node::File { .. }) => Err(FsError::NotADirectory),
            None => Err(self.missing_reason(&p)),
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(&normalize(path))
    }
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.nodes.get(&normalize(path)), Some(Node::Dir { .. }))
    }
    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.nodes.get(&normalize(path)), Some(Node::File { .. }))
    }
    pub fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.get(&normalize(path))
    }
    /// Size in bytes (0 for directories shown as 4096 by `ls`, the caller decides).
    pub fn size(&self, path: &str) -> Option<usize> {
        match self.nodes.get(&normalize(path))? {
            Node::File { data, .. } => Some(data.len()),
            Node::Dir { .. } => Some(4096),
        }
    }

    /// Names (not paths) of the entries of a directory, sorted by byte order.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, FsError> {
        let p = normalize(path);
        match self.nodes.get(&p) {
            Some(Node::Dir { .. }) => {}
            Some(Node::File { .. }) => return Err(FsError::NotADirectory),
            None => return Err(self.missing_reason(&p)),
        }
        let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
        let mut out = Vec::new();
        for (k, _) in self.nodes.range(prefix.clone()..) {
            let Some(rest) = k.strip_prefix(&prefix) else { break };
            if !rest.is_empty() && !rest.contains('/') {
                out.push(rest.to_string());
            }
        }
        Ok(out)
    }

    fn subtree_keys(&self, p: &str) -> Vec<String> {
        let prefix = format!("{p}/");
        let mut keys = vec![p.to_string()];
        for (k, _) in self.nodes.range(prefix.clone()..) {
            if !k.starts_with(&prefix) {
                break;
            }
            keys.push(k.clone());
        }
        keys
    }

    /// Remove a file, or a directory (with `recursive`, including its contents; without it,
    /// only when empty).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let p = normalize(path);
        if p == "/" {
            return Err(FsError::Invalid);
        }
        match self.nodes.get(&p) {
            None => Err(self.missing_reason(&p)),
            Some(Node::File { .. }) => {
                if p != "/dev/null" {
                    self.nodes.remove(&p);
                    self.owners.remove(&p);
                    self.mtimes.remove(&p);
                }
                Ok(())
            }
            Some(Node::Dir { .. }) => {
                let keys = self.subtree_keys(&p);
                if keys.len() > 1 && !recursive {
                    return Err(FsError::NotEmpty);
                }
                for k in keys {
                    self.nodes.remove(&k);
                    self.owners.remove(&k);
                    self.mtimes.remove(&k);
                }
                Ok(())
            }
        }
    }

    /// Move a file or directory tree. Replaces an existing file at `to`; `to` must not be an
    /// existing directory (callers handle "move into directory").
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let f = normalize(from);
        let t = normalize(to);
        if !self.nodes.contains_key(&f) {
            return Err(self.missing_reason(&f));
        }
        if f == t {
            return Ok(());
        }
        if f == "/" || t.starts_with(&format!("{f}/")) {
            return Err(FsError::Invalid);
        }
        match self.nodes.get(parent(&t)) {
            Some(Node::Dir { .. }) => {}
            Some(Node::File { .. }) => return Err(FsError::NotADirectory),
            None => return Err(self.missing_reason(&t)),
        }
        let src_is_dir = self.is_dir(&f);
        match self.nodes.get(&t) {
            Some(Node::Dir { .. }) if !src_is_dir => return Err(FsError::IsADirectory),
            Some(Node::Dir { .. }) => {
                if self.subtree_keys(&t).len() > 1 {
                    return Err(FsError::NotEmpty);
                }
                self.nodes.remove(&t);
            }
            Some(Node::File { .. }) if src_is_dir => return Err(FsError::NotADirectory),
            _ => {}
        }
        for k in self.subtree_keys(&f) {
            let nk = format!("{t}{}", &k[f.len()..]);
            if let Some(n) = self.nodes.remove(&k) {
                self.nodes.insert(nk.clone(), n);
            }
            if let Some(o) = self.owners.remove(&k) {
                self.owners.insert(nk.clone(), o);
            }
            if let Some(m) = self.mtimes.remove(&k) {
                self.mtimes.insert(nk, m);
            }
        }
        Ok(())
    }

    /// Permission bits (e.g. `0o644`, `0o400`).
    pub fn mode(&self, path: &str) -> Option<u32> {
        match self.nodes.get(&normalize(path))? {
            Node::Dir { mode } | Node::File { mode, .. } => Some(*mode),
        }
    }
    pub fn set_mode(&mut self, path: &str, new: u32) -> Result<(), FsError> {
        let p = normalize(path);
        match self.nodes.get_mut(&p) {
            Some(Node::Dir { mode }) | Some(Node::File { mode, .. }) => {
                *mode = new & 0o7777;
                Ok(())
            }
            None => Err(self.missing_reason(&p)),
        }
    }

    /// Owner of a path: set with `chown`, else that of the nearest directory above it that has
    /// one (so files made in a user's home belong to the user), else `root`.
    pub fn owner(&self, path: &str) -> String {
        let mut p = normalize(path);
        loop {
            if let Some(o) = self.owners.get(&p) {
                return o.clone();
            }
            if p == "/" {
                return "root".into();
            }
            p = parent(&p).to_string();
        }
    }
    pub fn chown(&mut self, path: &str, user: &str) {
        let p = normalize(path);
        if self.nodes.contains_key(&p) {
            if user == "root" {
                self.owners.remove(&p);
            } else {
                self.owners.insert(p, user.into());
            }
        }
    }

    /// Last modification time in ms, if one was recorded.
    pub fn mtime(&self, path: &str) -> Option<u64> {
        self.mtimes.get(&normalize(path)).copied()
    }
    pub fn set_mtime(&mut self, path: &str, ms: u64) {
        let p = normalize(path);
        if self.nodes.contains_key(&p) {
            self.mtimes.insert(p, ms);
        }
    }

    /// All paths, in order (for debugging and snapshots).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.nodes.keys().map(|s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_and_resolve() {
        assert_eq!(normalize("//a/./b/../c/"), "/a/c");
        assert_eq!(normalize("/../.."), "/");
        assert_eq!(Fs::resolve("/home/u", "../x//y"), "/home/x/y");
        assert_eq!(Fs::resolve("/home/u", "/etc"), "/etc");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(file_name("/a/b"), "b");
    }

    #[test]
    fn basic_tree_and_ops() {
        let mut fs = Fs::linux("ec2-user", "/home/ec2-user");
        assert!(fs.is_dir("/home/ec2-user"));
        assert_eq!(fs.owner("/home/ec2-user"), "ec2-user");
        assert!(String::from_utf8_lossy(fs.read("/etc/os-release").unwrap()).contains("Amazon Linux"));
        assert_eq!(fs.write_file("/nope/x", vec![]), Err(FsError::NotFound));
        assert!(fs.write("/tmp/a", b"hi".to_vec()));
        assert_eq!(fs.write_file("/tmp/a/b", vec![]), Err(FsError::NotADirectory));
        fs.append("/tmp/a", b"!").unwrap();
        assert_eq!(fs.read("/tmp/a"), Some(&b"hi!"[..]));
        fs.set_mode("/tmp/a", 0o400).unwrap();
        assert_eq!(fs.mode("/tmp/a"), Some(0o400));
        fs.mkdir_p("/tmp/d/e");
        fs.write("/tmp/d/e/f", b"x".to_vec());
        assert_eq!(fs.list_dir("/tmp").unwrap(), vec!["a", "d"]);
        assert_eq!(fs.remove("/tmp/d", false), Err(FsError::NotEmpty));
        fs.rename("/tmp/d", "/tmp/z").unwrap();
        assert!(fs.is_file("/tmp/z/e/f"));
        assert!(!fs.exists("/tmp/d/e"));
        fs.remove("/tmp/z", true).unwrap();
        assert!(!fs.exists("/tmp/z/e/f"));
        assert_eq!(fs.mkdir("/tmp/a"), Err(FsError::Exists));
        fs.write("/dev/null", b"gone".to_vec());
        assert_eq!(fs.read("/dev/null"), Some(&b""[..]));
        assert_eq!(fs.rename("/tmp", "/tmp/x"), Err(FsError::Invalid));
    }
}
