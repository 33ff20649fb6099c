//! `#cloud-config` YAML, loaded with a budget.
//!
//! User data is hostile input: a 16 KB document can use anchors and aliases to describe
//! millions of nodes ("billion laughs"), and gzip lifts the 16 KB limit further. The parser
//! (serde_norway, a pure-Rust libyaml) expands aliases lazily while we build the tree, so
//! counting nodes and string bytes as they are built stops such a document early with an error,
//! before it costs memory. Within the budget every YAML document loads into [`Yaml`].

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// Most nodes one document may expand to.
pub const MAX_NODES: u64 = 100_000;
/// Most bytes of scalar text one document may expand to.
pub const MAX_TEXT: u64 = 4 << 20;
/// Deepest nesting accepted (serde_norway refuses beyond 128 on its own).
const MAX_DEPTH: u32 = 64;

/// A loaded YAML node. Numbers keep their text form (cloud-init passes most values through
/// `str()`), mappings keep document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

impl Yaml {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(m) => m.iter().rev().find(|(k, _)| k.as_key().as_deref() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A mapping key or scalar as text (`None` for collections and null).
    pub fn as_key(&self) -> Option<String> {
        match self {
            Yaml::Str(s) | Yaml::Num(s) => Some(s.clone()),
            Yaml::Bool(b) => Some(if *b { "true".into() } else { "false".into() }),
            _ => None,
        }
    }

    /// A scalar as Python's `str()` would print it (`True`, `None`, `3`).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Yaml::Str(s) | Yaml::Num(s) => Some(s.clone()),
            Yaml::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
            Yaml::Null => Some("None".into()),
            _ => None,
        }
    }

    /// cloud-init's truthiness for booleans given as YAML 1.1 words (`yes`, `on`, `true`).
    pub fn truthy(&self) -> bool {
        match self {
            Yaml::Bool(b) => *b,
            Yaml::Str(s) => matches!(s.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "y" | "1"),
            Yaml::Num(n) => n != "0",
            _ => false,
        }
    }

    /// The Python type name cloud-init's schema messages use.
    pub fn type_name(&self) -> &'static str {
        match self {
            Yaml::Null => "None",
            Yaml::Bool(_) => "bool",
            Yaml::Num(n) if n.contains(['.', 'e', 'E']) => "float",
            Yaml::Num(_) => "int",
            Yaml::Str(_) => "str",
            Yaml::Seq(_) => "list",
            Yaml::Map(_) => "dict",
        }
    }
}

/// Why a document did not load: cloud-init's wording plus where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub message: String,
    /// 1-based line and column, when the parser knows them.
    pub at: Option<(usize, usize)>,
}

/// Load one YAML document within the budget.
pub fn load(text: &str) -> Result<Yaml, LoadError> {
    let budget = Budget { nodes: Cell::new(0), text: Cell::new(0) };
    let de = serde_norway::Deserializer::from_str(text);
    match (Seed { budget: &budget, depth: 0 }).deserialize(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let at = e.location().map(|l| (l.line(), l.column()));
            let mut message = e.to_string();
            // serde_norway appends " at line L column C"; the location is reported separately.
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            Err(LoadError { message, at })
        }
    }
}

struct Budget {
    nodes: Cell<u64>,
    text: Cell<u64>,
}

impl Budget {
    fn node<E: de::Error>(&self, text: usize) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        self.text.set(self.text.get().saturating_add(text as u64));
        if self.nodes.get() > MAX_NODES || self.text.get() > MAX_TEXT {
            return Err(E::custom(format!(
                "document too large: it expands to more than {MAX_NODES} nodes or {} MiB of text (ec2lab's limit)",
                MAX_TEXT >> 20
            )));
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    budget: &'a Budget,
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Yaml;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Yaml;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Num(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Num(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Num(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Num(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yaml, E> {
        self.budget.node(0)?;
        // Python prints 1.0 as "1.0" (Rust's Debug does too).
        Ok(Yaml::Num(format!("{v:?}")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Yaml, E> {
        self.budget.node(v.len())?;
        Ok(Yaml::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Yaml, E> {
        self.budget.node(v.len())?;
        Ok(Yaml::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Yaml, E> {
        self.budget.node(v.len())?;
        Ok(Yaml::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Yaml, E> {
        self.budget.node(0)?;
        Ok(Yaml::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Yaml, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        self.budget.node(0)?;
        let inner = self.deeper::<A::Error>()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Yaml::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        self.budget.node(0)?;
        let inner = self.deeper::<A::Error>()?;
        let mut out = Vec::new();
        while let Some(k) = map.next_key_seed(inner)? {
            let v = map.next_value_seed(inner)?;
            out.push((k, v));
        }
        Ok(Yaml::Map(out))
    }
    /// A tagged node (`!foo value`): cloud-init's loader would refuse unknown tags; keeping the
    /// value is the closest harmless reading.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Yaml, A::Error> {
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

impl Seed<'_> {
    fn deeper<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!("document nested more than {MAX_DEPTH} levels deep (ec2lab's limit)")));
        }
        Ok(Seed { budget: self.budget, depth: self.depth + 1 })
    }
}

/// Write a node back as YAML (for `cloud-config.txt`): block style, strings quoted when a plain
/// scalar would read back differently.
pub fn dump(v: &Yaml) -> String {
    let mut out = String::new();
    dump_into(v, 0, &mut out, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn dump_into(v: &Yaml, indent: usize, out: &mut String, inline_first: bool) {
    let pad = " ".repeat(indent);
    match v {
        Yaml::Map(m) if !m.is_empty() => {
            for (i, (k, val)) in m.iter().enumerate() {
                if !(inline_first && i == 0) {
                    out.push_str(&pad);
                }
                out.push_str(&scalar(k));
                out.push(':');
                dump_value(val, indent, out);
            }
        }
        Yaml::Seq(s) if !s.is_empty() => {
            for (i, item) in s.iter().enumerate() {
                if !(inline_first && i == 0) {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                match item {
                    Yaml::Map(m) if !m.is_empty() => dump_into(item, indent + 2, out, true),
                    Yaml::Seq(s) if !s.is_empty() => dump_into(item, indent + 2, out, true),
                    _ => {
                        out.push_str(&scalar(item));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn dump_value(v: &Yaml, indent: usize, out: &mut String) {
    match v {
        Yaml::Map(m) if !m.is_empty() => {
            out.push('\n');
            dump_into(v, indent + 2, out, false);
        }
        Yaml::Seq(s) if !s.is_empty() => {
            out.push('\n');
            dump_into(v, indent, out, false);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn scalar(v: &Yaml) -> String {
    match v {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => if *b { "true".into() } else { "false".into() },
        Yaml::Num(n) => n.clone(),
        Yaml::Str(s) => {
            let plain = !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+=@%".contains(c))
                && !s.starts_with(['-', '.', '%', '@'])
                && load(s).ok() == Some(Yaml::Str(s.clone()));
            if plain { s.clone() } else { serde_json::to_string(s).unwrap_or_default() }
        }
        Yaml::Seq(_) => "[]".into(),
        Yaml::Map(_) => "{}".into(),
    }
}
