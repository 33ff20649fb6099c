//! An in-memory Linux-like filesystem, one per machine (the workstation and every instance).
//! OWNER: shell helper. Skeleton API below is the contract other modules rely on.

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fs {
    /// Absolute, normalised path -> node. `/` always exists.
    nodes: BTreeMap<String, Node>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Dir { mode: u32 },
    File { data: Vec<u8>, mode: u32 },
}

impl Fs {
    /// A small Linux tree: /, /etc, /tmp, /var/log, /home/<user> (the home), /root, /usr/bin …
    pub fn linux(user: &str, home: &str) -> Fs {
        let mut fs = Fs::default();
        fs.nodes.insert("/".into(), Node::Dir { mode: 0o755 });
        for d in ["/etc", "/tmp", "/var", "/var/log", "/root", "/home", "/usr", "/usr/bin"] {
            fs.nodes.insert(d.into(), Node::Dir { mode: 0o755 });
        }
        let _ = user;
        fs.nodes.insert(home.into(), Node::Dir { mode: 0o755 });
        fs
    }
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        match self.nodes.get(path) {
            Some(Node::File { data, .. }) => Some(data),
            _ => None,
        }
    }
    /// Write (create or replace) a file; parent directories must exist. Returns false otherwise.
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> bool {
        self.nodes.insert(path.into(), Node::File { data, mode: 0o644 });
        true
    }
    /// Create a directory and its parents.
    pub fn mkdir_p(&mut self, path: &str) {
        self.nodes.insert(path.into(), Node::Dir { mode: 0o755 });
    }
    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }
}
