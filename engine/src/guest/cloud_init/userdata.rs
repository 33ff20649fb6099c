//! From the raw user data to typed parts, the way cloud-init's `user_data.py` reads it:
//! gzip by its magic bytes, MIME when `MIME-Version:` appears near the start, otherwise one part
//! whose type comes from its first line (`#!`, `#cloud-config`, `#cloud-boothook`, …).
//!
//! Everything here takes hostile bytes: no input panics, gzip output is capped, MIME nesting and
//! part counts are bounded.

use std::io::Read;

/// Largest decompressed user data accepted (cloud-init itself has no cap; a browser tab needs
/// one against gzip bombs). UNCONFIRMED as a real-world number: it only bounds the simulation.
pub const MAX_DECOMPRESSED: usize = 1 << 20;
/// Most parts one user data may hold (MIME parts and archive items together).
pub const MAX_PARTS: usize = 100;
const MAX_MIME_DEPTH: u32 = 8;

/// One piece of user data after decoding, with its (possibly guessed) content type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub ctype: String,
    /// `Content-Disposition` filename, else `part-NNN` in order of appearance.
    pub filename: String,
    pub body: Vec<u8>,
}

/// A message for cloud-init's log while reading the user data: (logger file, level, text).
pub type Note = (&'static str, &'static str, String);

/// The parts of the user data and what reading it logged.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub parts: Vec<Part>,
    pub notes: Vec<Note>,
    /// The MIME rendering cloud-init keeps as `user-data.txt.i`.
    pub processed: String,
    /// More than [`MAX_PARTS`] parts: the rest were dropped (and a note says so).
    pub truncated: bool,
}

/// Header prefixes and the types they stand for (cloud-init's `INCLUSION_TYPES_MAP`); the longest
/// matching prefix wins, compared case-insensitively after leading whitespace.
const STARTS_WITH: &[(&str, &str)] = &[
    ("#include", "text/x-include-url"),
    ("#include-once", "text/x-include-once-url"),
    ("#!", "text/x-shellscript"),
    ("#cloud-config", "text/cloud-config"),
    ("#part-handler", "text/part-handler"),
    ("#cloud-boothook", "text/cloud-boothook"),
    ("#cloud-config-archive", "text/cloud-config-archive"),
    ("#cloud-config-jsonp", "text/cloud-config-jsonp"),
    ("## template: jinja", "text/jinja2"),
];

/// The content type announced by the first line, if any.
pub fn type_from_starts_with(body: &[u8]) -> Option<&'static str> {
    let head = &body[..body.len().min(64)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start();
    STARTS_WITH.iter().filter(|(p, _)| text.starts_with(p)).max_by_key(|(p, _)| p.len()).map(|(_, t)| *t)
}

/// Gzip's magic bytes.
pub fn is_gzip(b: &[u8]) -> bool {
    b.len() >= 2 && b[0] == 0x1f && b[1] == 0x8b
}

/// Decompress gzip data, refusing output beyond [`MAX_DECOMPRESSED`].
pub fn gunzip(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let d = flate2::read::MultiGzDecoder::new(b);
    match d.take(MAX_DECOMPRESSED as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_DECOMPRESSED => Err(format!("decompressed size exceeds {} bytes", MAX_DECOMPRESSED)),
        Ok(_) => Ok(out),
        Err(e) => Err(e.to_string()),
    }
}

/// Read the raw user data (already base64-decoded) into parts. `boundary` seeds the MIME
/// boundary of the `.i` rendering (Python's email module draws it at random; ours is derived
/// from the instance so it is stable).
pub fn parse(raw: &[u8], boundary: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut data = raw.to_vec();
    if is_gzip(&data) {
        match gunzip(&data) {
            Ok(d) => {
                p.notes.push(("util.py", "DEBUG", format!("Decompressed user data: {} bytes from {} gzip bytes", d.len(), raw.len())));
                data = d;
            }
            Err(e) if e.starts_with("decompressed size") => {
                p.notes.push(("userdata", "WARNING", format!(
                    "ec2lab: the gzip user data expands beyond {} MiB; ec2lab stops there (a limit of the simulation, not of cloud-init) and processes none of it",
                    MAX_DECOMPRESSED >> 20
                )));
                p.processed = render_processed(&[], boundary);
                return p;
            }
            // cloud-init decompresses quietly and falls back to the data as given.
            Err(e) => p.notes.push(("util.py", "DEBUG", format!("Failed decompressing user data: {e}; using it as-is"))),
        }
    }
    if data.is_empty() {
        p.processed = render_processed(&[], boundary);
        return p;
    }
    let mut count = 0usize;
    let head = String::from_utf8_lossy(&data[..data.len().min(4096)]).to_ascii_lowercase();
    if head.contains("mime-version:") {
        walk_mime(&data, 0, &mut count, &mut p);
    } else {
        count += 1;
        let ctype = type_from_starts_with(&data).unwrap_or("text/x-not-multipart");
        push_part(&mut p, ctype.to_string(), format!("part-{count:03}"), data, &mut count, 0);
    }
    p.processed = render_processed(&p.parts, boundary);
    p
}

/// Add a part, expanding `#cloud-config-archive` items in place.
fn push_part(p: &mut Parsed, ctype: String, filename: String, body: Vec<u8>, count: &mut usize, depth: u32) {
    if p.parts.len() >= MAX_PARTS {
        if !p.truncated {
            p.truncated = true;
            p.notes.push(("userdata", "WARNING", format!("ec2lab: user data holds more than {MAX_PARTS} parts; the rest are ignored (a limit of the simulation)")));
        }
        return;
    }
    if ctype == "text/cloud-config-archive" && depth < MAX_MIME_DEPTH {
        explode_archive(p, &body, count, depth + 1);
        return;
    }
    p.parts.push(Part { ctype, filename, body });
}

/// `#cloud-config-archive`: a YAML list of parts (`content`, `type`, `filename`), or plain strings.
fn explode_archive(p: &mut Parsed, body: &[u8], count: &mut usize, depth: u32) {
    use super::yaml::{load, Yaml};
    let text = String::from_utf8_lossy(body);
    let items = match load(&text) {
        Ok(Yaml::Seq(items)) => items,
        Ok(other) => {
            p.notes.push(("user_data.py", "WARNING", format!("Unable to load cloud-config-archive: expected a list, got {}", other.type_name())));
            return;
        }
        Err(e) => {
            p.notes.push(("util.py", "WARNING", format!("Failed loading yaml blob. {}", describe_yaml_error(&e))));
            return;
        }
    };
    for item in items {
        let (content, ctype, filename) = match &item {
            Yaml::Str(s) => (s.clone(), None, None),
            Yaml::Map(_) => {
                let content = item.get("content").and_then(|c| c.as_key()).unwrap_or_default();
                (content, item.get("type").and_then(|t| t.as_key()), item.get("filename").and_then(|t| t.as_key()))
            }
            _ => continue,
        };
        *count += 1;
        let body = content.into_bytes();
        let ctype = match ctype {
            Some(t) => t,
            None => type_from_starts_with(&body).unwrap_or("text/plain").to_string(),
        };
        let filename = safe_name(&filename.unwrap_or_else(|| format!("part-{:03}", *count)));
        push_part(p, ctype, filename, body, count, depth);
        if p.truncated {
            return;
        }
    }
}

/// cloud-init's wording for a YAML load failure.
pub fn describe_yaml_error(e: &super::yaml::LoadError) -> String {
    match e.at {
        Some((l, c)) => format!("Invalid format at line {l} column {c}: \"{}\"", e.message),
        None => format!("Invalid format: \"{}\"", e.message),
    }
}

/// Headers of a MIME entity and where its body starts.
struct Entity<'a> {
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

fn split_entity(data: &[u8]) -> Entity<'_> {
    // Headers end at the first empty line (LF or CRLF line ends).
    let mut i = 0;
    let mut lines: Vec<String> = Vec::new();
    let mut body_start = data.len();
    while i < data.len() {
        let end = data[i..].iter().position(|&b| b == b'\n').map(|e| i + e).unwrap_or(data.len());
        let mut line = &data[i..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        let next = (end + 1).min(data.len());
        if line.is_empty() {
            body_start = next;
            break;
        }
        let text = String::from_utf8_lossy(line).into_owned();
        if text.starts_with([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push(' ');
                last.push_str(text.trim());
            }
        } else if text.contains(':') {
            lines.push(text);
        } else {
            // Not a header at all: Python's parser treats the rest as the body.
            body_start = i;
            break;
        }
        i = next;
        if i >= data.len() {
            body_start = data.len();
        }
    }
    let headers = lines
        .into_iter()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    Entity { headers, body: data.get(body_start..).unwrap_or(&[]) }
}

impl Entity<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// The media type, lowercased (`text/plain` when absent, as in Python's email module).
    fn content_type(&self) -> String {
        self.header("content-type")
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter(|t| t.contains('/'))
            .unwrap_or_else(|| "text/plain".into())
    }
    fn param(&self, header: &str, name: &str) -> Option<String> {
        header_param(self.header(header)?, name)
    }
}

/// A parameter of a structured header: `boundary="abc"`, `filename=x.sh`.
pub fn header_param(value: &str, name: &str) -> Option<String> {
    let mut rest = value;
    // Skip the leading value (`multipart/mixed`).
    let semi = find_unquoted(rest, ';')?;
    rest = &rest[semi + 1..];
    loop {
        let end = find_unquoted(rest, ';').unwrap_or(rest.len());
        let item = rest[..end].trim();
        if let Some((k, v)) = item.split_once('=')
            && k.trim().eq_ignore_ascii_case(name)
        {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            return Some(v.replace("\\\"", "\""));
        }
        if end >= rest.len() {
            return None;
        }
        rest = &rest[end + 1..];
    }
}

fn find_unquoted(s: &str, c: char) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match ch {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ch if ch == c && !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn walk_mime(data: &[u8], depth: u32, count: &mut usize, p: &mut Parsed) {
    let ent = split_entity(data);
    let ctype = ent.content_type();
    if ctype.starts_with("multipart/") {
        if depth >= MAX_MIME_DEPTH {
            p.notes.push(("userdata", "WARNING", format!("ec2lab: MIME parts nested more than {MAX_MIME_DEPTH} deep are ignored (a limit of the simulation)")));
            return;
        }
        let Some(boundary) = ent.param("content-type", "boundary").filter(|b| !b.is_empty()) else {
            // Python's email module keeps a boundary-less multipart as one opaque payload,
            // which cloud-init then does not recognise.
            p.notes.push(("__init__.py", "WARNING", format!("Unhandled unknown content-type ({ctype}) userdata: {}", preview(ent.body))));
            return;
        };
        for body in split_multipart(ent.body, &boundary) {
            if p.truncated {
                return;
            }
            walk_mime(body, depth + 1, count, p);
        }
        return;
    }
    *count += 1;
    let mut payload = decode_transfer(&ent);
    let filename = ent
        .param("content-disposition", "filename")
        .or_else(|| ent.param("content-type", "name"))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| format!("part-{:03}", *count));
    let mut ctype = ctype;
    if matches!(ctype.as_str(), "application/gzip" | "application/gzip-compressed" | "application/gzipped" | "application/x-compress" | "application/x-compressed" | "application/x-gunzip" | "application/x-gzip" | "application/x-gzip-compressed") {
        match gunzip(&payload) {
            Ok(d) => {
                payload = d;
                ctype = "text/plain".into();
            }
            Err(e) => {
                p.notes.push(("user_data.py", "WARNING", format!("Failed decompressing payload from {ctype} of length {} due to: {e}", payload.len())));
                return;
            }
        }
    }
    if matches!(ctype.as_str(), "text/plain" | "text/x-not-multipart" | "text/x-shellscript")
        && let Some(t) = type_from_starts_with(&payload)
    {
        ctype = t.to_string();
    }
    push_part(p, ctype, safe_name(&filename), payload, count, depth);
}

/// A part's filename becomes a file name under `scripts/`: keep only its last component.
fn safe_name(f: &str) -> String {
    let base = f.rsplit(['/', '\\']).next().unwrap_or(f).trim();
    if base.is_empty() || base == "." || base == ".." { "part".into() } else { base.chars().take(200).collect() }
}

/// The bodies between `--boundary` lines (the preamble and epilogue are dropped).
fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i <= body.len() {
        let end = body[i..].iter().position(|&b| b == b'\n').map(|e| i + e).unwrap_or(body.len());
        let line = &body[i..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let trimmed = trim_end_ws(line);
        let is_delim = trimmed.starts_with(delim.as_bytes());
        if is_delim {
            let rest = &trimmed[delim.len()..];
            let closing = rest == b"--";
            if rest.is_empty() || closing {
                if let Some(s) = start {
                    // The line break before the delimiter belongs to the delimiter.
                    let mut e = i;
                    if e > s && body.get(e - 1) == Some(&b'\n') {
                        e -= 1;
                        if e > s && body.get(e - 1) == Some(&b'\r') {
                            e -= 1;
                        }
                    }
                    parts.push(&body[s..e.max(s)]);
                }
                if closing {
                    return parts;
                }
                start = Some((end + 1).min(body.len()));
            }
        }
        if end >= body.len() {
            break;
        }
        i = end + 1;
    }
    // No closing delimiter: Python keeps what it has, including the last part.
    if let Some(s) = start
        && s < body.len()
    {
        parts.push(&body[s..]);
    }
    parts
}

fn trim_end_ws(b: &[u8]) -> &[u8] {
    let mut e = b.len();
    while e > 0 && (b[e - 1] == b' ' || b[e - 1] == b'\t') {
        e -= 1;
    }
    &b[..e]
}

fn decode_transfer(ent: &Entity) -> Vec<u8> {
    let enc = ent.header("content-transfer-encoding").unwrap_or("").trim().to_ascii_lowercase();
    match enc.as_str() {
        "base64" => {
            use base64::Engine as _;
            let clean: Vec<u8> = ent.body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true),
            );
            // Python decodes what it can; undecodable base64 leaves the raw text.
            engine.decode(&clean).unwrap_or_else(|_| ent.body.to_vec())
        }
        "quoted-printable" => quoted_printable(ent.body),
        _ => ent.body.to_vec(),
    }
}

fn quoted_printable(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            // Soft line break.
            if b.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if let (Some(h), Some(l)) = (b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The start of a payload as cloud-init shows unrecognised data: its first line (at most 24
/// characters), escaped, in quotes.
pub fn preview(body: &[u8]) -> String {
    const SIZE: usize = 24;
    let first_line = body.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let start = if first_line.len() >= SIZE { &first_line[..SIZE] } else { &body[..body.len().min(SIZE)] };
    let mut s = String::new();
    for chunk in start.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                '\\' => s.push_str("\\\\"),
                c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    format!("'{s}...'")
}

/// The MIME message cloud-init writes to `user-data.txt.i`.
fn render_processed(parts: &[Part], boundary: &str) -> String {
    let b = format!("==============={boundary}==");
    let mut s = format!("Content-Type: multipart/mixed; boundary=\"{b}\"\nMIME-Version: 1.0\nNumber-Attachments: {}\n\n", parts.len());
    for part in parts {
        let text = String::from_utf8_lossy(&part.body);
        s.push_str(&format!(
            "--{b}\nContent-Type: {}\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\nContent-Disposition: attachment; filename=\"{}\"\n\n{}\n",
            part.ctype, part.filename, text
        ));
    }
    s.push_str(&format!("--{b}--\n"));
    s
}
