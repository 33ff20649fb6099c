//! The shared `~/.aws/config` and `~/.aws/credentials` files, read as botocore reads them
//! (Python's configparser: `[section]`, `key = value` or `key: value`, keys lower-cased, `#`/`;`
//! comment lines, indented continuation lines; `[profile NAME]` sections in the config file,
//! plain `[NAME]` in the credentials file, whose values override the config file's) and written
//! as the CLI's `ConfigFileWriter` writes them (existing keys rewritten in place, new keys added
//! after the section's last option, new sections appended).

use super::Failure;
use std::collections::BTreeMap;

/// One parsed INI file: sections in order, each with its (lower-cased) keys in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ini {
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

impl Ini {
    pub fn section(&self, name: &str) -> Option<&[(String, String)]> {
        self.sections.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }
}

/// Why a file is not valid configparser input (botocore reports every one of these as
/// "Unable to parse config file: PATH").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError;

/// Parse like `configparser.RawConfigParser` (strict, no value-less keys, no inline comments).
pub fn parse(text: &str) -> Result<Ini, ParseError> {
    let mut ini = Ini::default();
    // (section index, key index, indent of the key line) of the value a continuation extends.
    let mut current: Option<(usize, Option<(usize, usize)>)> = None;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let stripped = line.trim();
        let indent = line.len() - line.trim_start().len();
        if stripped.starts_with('#') || stripped.starts_with(';') {
            continue;
        }
        if stripped.is_empty() {
            continue; // an empty line ends nothing botocore cares about
        }
        // A continuation line: indented deeper than the key it continues.
        if let Some((s, Some((k, key_indent)))) = current
            && indent > key_indent
        {
            let v = &mut ini.sections[s].1[k].1;
            v.push('\n');
            v.push_str(stripped);
            continue;
        }
        if let Some(rest) = stripped.strip_prefix('[')
            && let Some(end) = rest.rfind(']')
        {
            let name = rest[..end].to_string();
            if name.is_empty() || ini.sections.iter().any(|(n, _)| *n == name) {
                return Err(ParseError); // DuplicateSectionError (or `[]`)
            }
            ini.sections.push((name, Vec::new()));
            current = Some((ini.sections.len() - 1, None));
            continue;
        }
        let Some((s, _)) = current else { return Err(ParseError) }; // MissingSectionHeaderError
        let Some(p) = stripped.find(['=', ':']) else { return Err(ParseError) };
        let key = stripped[..p].trim().to_lowercase();
        let value = stripped[p + 1..].trim().to_string();
        if key.is_empty() || ini.sections[s].1.iter().any(|(k, _)| *k == key) {
            return Err(ParseError); // DuplicateOptionError
        }
        ini.sections[s].1.push((key, value));
        current = Some((s, Some((ini.sections[s].1.len() - 1, indent))));
    }
    Ok(ini)
}

/// The profile a config-file section names: `default`, or `profile NAME` (shlex-split into
/// exactly two words).
fn config_section_profile(section: &str) -> Option<String> {
    if section == "default" {
        return Some("default".into());
    }
    if !section.starts_with("profile") {
        return None;
    }
    let words = shlex_split(section)?;
    match words.as_slice() {
        [p, name] if p == "profile" => Some(name.clone()),
        _ => None,
    }
}

/// A small `shlex.split`: whitespace-separated words, single and double quotes.
fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(cur);
    }
    Some(words)
}

/// The section a profile's settings go to in the config file (`profile_to_section`).
pub fn profile_to_section(profile: &str) -> String {
    if profile == "default" {
        return "default".into();
    }
    if profile.contains([' ', '\t']) {
        format!("profile '{}'", profile.replace('\'', "'\"'\"'"))
    } else {
        format!("profile {profile}")
    }
}

/// The CLI's view of its two files for one command.
#[derive(Clone, Debug, Default)]
pub struct AwsConfig {
    /// The config file as `configure list` names it (`~/.aws/config` or `$AWS_CONFIG_FILE`).
    pub config_shown: String,
    /// Expanded paths.
    pub config_path: String,
    pub creds_path: String,
    pub config: Ini,
    pub creds: Ini,
    /// The raw text of each file (None: missing), for the writer.
    pub config_text: Option<String>,
    pub creds_text: Option<String>,
    /// `--profile`, if given.
    pub flag_profile: Option<String>,
    /// `AWS_PROFILE`, if set.
    pub env_profile: Option<String>,
}

impl AwsConfig {
    /// The files' paths for this environment (what the console reads before running `aws`).
    pub fn paths(env: &BTreeMap<String, String>) -> (String, String) {
        let expand = |p: &str| {
            let home = env.get("HOME").cloned().unwrap_or_else(|| "/home/learner".into());
            match p.strip_prefix("~/") {
                Some(rest) => format!("{}/{rest}", home.trim_end_matches('/')),
                None if p == "~" => home,
                None => p.to_string(),
            }
        };
        let config = env.get("AWS_CONFIG_FILE").filter(|v| !v.is_empty()).cloned().unwrap_or_else(|| "~/.aws/config".into());
        let creds = env.get("AWS_SHARED_CREDENTIALS_FILE").filter(|v| !v.is_empty()).cloned().unwrap_or_else(|| "~/.aws/credentials".into());
        (expand(&config), expand(&creds))
    }

    /// Read and parse both files.
    pub fn load(files: &super::Files<'_>, env: &BTreeMap<String, String>, flag_profile: Option<String>) -> Result<AwsConfig, Failure> {
        let config_shown = env.get("AWS_CONFIG_FILE").filter(|v| !v.is_empty()).cloned().unwrap_or_else(|| "~/.aws/config".into());
        let (config_path, creds_path) = Self::paths(env);
        let read = |p: &str| files.read(p).map(|b| String::from_utf8_lossy(&b).into_owned());
        let config_text = read(&config_path);
        let creds_text = read(&creds_path);
        let parse_file = |text: &Option<String>, path: &str| match text {
            None => Ok(Ini::default()),
            Some(t) => parse(t).map_err(|_| Failure::general(format!("Unable to parse config file: {path}"))),
        };
        let config = parse_file(&config_text, &config_path)?;
        let creds = parse_file(&creds_text, &creds_path)?;
        let env_profile = env.get("AWS_PROFILE").filter(|v| !v.is_empty()).cloned();
        Ok(AwsConfig { config_shown, config_path, creds_path, config, creds, config_text, creds_text, flag_profile, env_profile })
    }

    /// The profile named by `--profile` or `AWS_PROFILE`, if any (`session.profile`).
    pub fn named_profile(&self) -> Option<&str> {
        self.flag_profile.as_deref().or(self.env_profile.as_deref())
    }

    /// The profile in use: the named one, else `default`.
    pub fn profile(&self) -> &str {
        self.named_profile().unwrap_or("default")
    }

    /// The config file's settings for `profile`.
    pub fn config_profile(&self, profile: &str) -> Option<BTreeMap<String, String>> {
        let mut found = None;
        for (name, values) in &self.config.sections {
            if config_section_profile(name).as_deref() == Some(profile) {
                found.get_or_insert_with(BTreeMap::new).extend(values.iter().cloned());
            }
        }
        found
    }

    /// The credentials file's settings for `profile`.
    pub fn creds_profile(&self, profile: &str) -> Option<BTreeMap<String, String>> {
        self.creds.section(profile).map(|v| v.iter().cloned().collect())
    }

    /// Every profile with its merged settings (credentials file over config file).
    pub fn profiles(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (name, values) in &self.config.sections {
            if let Some(p) = config_section_profile(name) {
                out.entry(p).or_default().extend(values.iter().cloned());
            }
        }
        for (name, values) in &self.creds.sections {
            out.entry(name.clone()).or_default().extend(values.iter().cloned());
        }
        out
    }

    /// The profile names in the order the files list them (config first), each once.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let from_config = self.config.sections.iter().filter_map(|(n, _)| config_section_profile(n));
        let from_creds = self.creds.sections.iter().map(|(n, _)| n.clone());
        for n in from_config.chain(from_creds) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }

    /// `session.get_scoped_config()`: the profile's merged settings; a named profile must exist.
    pub fn scoped(&self) -> Result<BTreeMap<String, String>, Failure> {
        let profiles = self.profiles();
        match self.named_profile() {
            None => Ok(profiles.get("default").cloned().unwrap_or_default()),
            Some(p) => profiles.get(p).cloned().ok_or_else(|| Failure::general(format!("The config profile ({p}) could not be found"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing (awscli's ConfigFileWriter)
// ---------------------------------------------------------------------------------------------

/// Lines with their newlines, as Python's `readlines()`.
fn lines_keep(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(text[start..=i].to_string());
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(text[start..].to_string());
    }
    out
}

/// `^\s*\[(?P<header>[^]]+)\]`: the whole match (leading blanks included), if the line is a
/// section header.
fn section_header(line: &str) -> Option<&str> {
    let lead = line.len() - line.trim_start().len();
    let rest = line[lead..].strip_prefix('[')?;
    let end = rest.find(']')?;
    if end == 0 {
        return None;
    }
    Some(&line[..lead + 1 + end + 1])
}

/// `(?P<option>[^:=][^:=]*)\s*[:=]`: the option name (stripped) of an option line.
fn option_name(line: &str) -> Option<String> {
    let body = line.strip_suffix('\n').unwrap_or(line);
    for (s, c) in body.char_indices() {
        if c == ':' || c == '=' {
            continue;
        }
        let sep = body[s..].find([':', '='])?;
        return Some(body[s..s + sep].trim().to_string());
    }
    None
}

fn matches_section(header: &str, section: &str) -> bool {
    if header == format!("[{section}]") {
        return true;
    }
    let parts: Vec<&str> = section.split(' ').collect();
    parts.len() > 1 && header == format!("[{} \"{}\"]", parts[0], parts[1..].join(" "))
}

fn insert_values(contents: &mut Vec<String>, line_number: usize, values: &mut Vec<(String, String)>) {
    let text: String = values.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
    values.clear();
    let at = (line_number + 1).min(contents.len());
    contents.insert(at, text);
}

/// Update `section` of a file whose current text is `existing` (None: no such file) with
/// `values`, as the CLI does; returns the new text.
pub fn update_config(existing: Option<&str>, section: &str, values: &[(String, String)]) -> String {
    let new_section = |text: &str| {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("[{section}]\n"));
        for (k, v) in values {
            out.push_str(&format!("{k} = {v}\n"));
        }
        out
    };
    let Some(text) = existing else { return new_section("") };
    let mut contents = lines_keep(text);
    let start = contents.iter().position(|l| {
        let t = l.trim();
        !(t.starts_with('#') || t.starts_with(';')) && section_header(l).is_some_and(|h| matches_section(h, section))
    });
    let Some(start) = start else { return new_section(text) };
    let mut pending: Vec<(String, String)> = values.to_vec();
    let mut last = start;
    let mut j = start + 1;
    while j < contents.len() {
        if section_header(&contents[j]).is_some() {
            insert_values(&mut contents, last, &mut pending);
            return contents.concat();
        }
        if let Some(key) = option_name(&contents[j]) {
            last = j;
            if let Some(pos) = pending.iter().position(|(k, _)| *k == key) {
                let (k, v) = pending.remove(pos);
                contents[j] = format!("{k} = {v}\n");
            }
        }
        j += 1;
    }
    if !pending.is_empty() {
        if contents.last().is_some_and(|l| !l.ends_with('\n')) {
            contents.push("\n".into());
        }
        insert_values(&mut contents, last + 1, &mut pending);
    }
    contents.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_configparser() {
        let ini = parse("# c\n[default]\nRegion = us-east-1\noutput: json\n\n[profile dev]\ns3 =\n  max_concurrent_requests = 5\n").unwrap();
        assert_eq!(ini.section("default").unwrap(), &[("region".into(), "us-east-1".into()), ("output".into(), "json".into())]);
        assert_eq!(ini.section("profile dev").unwrap()[0].1, "\nmax_concurrent_requests = 5");
        assert_eq!(parse("region = x\n"), Err(ParseError), "a key before any section");
        assert_eq!(parse("[a]\n[a]\n"), Err(ParseError), "a duplicate section");
        assert_eq!(parse("[a]\nk = 1\nk = 2\n"), Err(ParseError), "a duplicate key");
        assert_eq!(parse("[a]\njust words\n"), Err(ParseError), "a line that is not key = value");
    }

    #[test]
    fn profiles_merge_credentials_over_config() {
        let c = AwsConfig {
            config: parse("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n[sso-session x]\nsso_region = y\n").unwrap(),
            creds: parse("[default]\naws_access_key_id = A\n[ci]\naws_access_key_id = B\n").unwrap(),
            ..Default::default()
        };
        let p = c.profiles();
        assert_eq!(p["default"]["region"], "us-east-1");
        assert_eq!(p["default"]["aws_access_key_id"], "A");
        assert_eq!(p["dev"]["region"], "eu-west-1");
        assert!(p.contains_key("ci") && !p.contains_key("x"));
        assert_eq!(c.profile_names(), vec!["default", "dev", "ci"]);
    }

    #[test]
    fn writer_updates_in_place_appends_and_creates() {
        assert_eq!(update_config(None, "default", &[("region".into(), "us-west-2".into())]), "[default]\nregion = us-west-2\n");
        let text = "[default]\nregion = us-east-1\noutput = json\n\n[profile dev]\nregion = x\n";
        assert_eq!(
            update_config(Some(text), "default", &[("region".into(), "eu-west-1".into()), ("cli_pager".into(), "".into())]),
            "[default]\nregion = eu-west-1\noutput = json\ncli_pager = \n\n[profile dev]\nregion = x\n"
        );
        assert_eq!(update_config(Some(text), "profile dev", &[("output".into(), "text".into())]), format!("{text}output = text\n"));
        assert_eq!(update_config(Some("[default]\nregion = a"), "profile new", &[("region".into(), "b".into())]), "[default]\nregion = a\n[profile new]\nregion = b\n");
        // A comment line that looks like a header is not the section.
        assert_eq!(update_config(Some("# [default]\n"), "default", &[("k".into(), "v".into())]), "# [default]\n[default]\nk = v\n");
    }
}
