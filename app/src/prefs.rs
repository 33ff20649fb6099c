//! Browser odds and ends: localStorage preferences, the `?seed=` parameter, `<html>` attributes.
//! Every access is fallible and silently ignored on failure (private mode, sandboxed frames).

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Set an attribute on `<html>` (used for `data-theme` and `data-size`).
pub fn set_root_attr(name: &str, value: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute(name, value);
    }
}

pub const THEME_KEY: &str = "ec2lab-theme";
pub const SIZE_KEY: &str = "ec2lab-size";

/// The stored theme, else the system preference, else light.
pub fn initial_theme() -> bool {
    match load(THEME_KEY).as_deref() {
        Some("dark") => return true,
        Some("light") => return false,
        _ => {}
    }
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

pub fn initial_large() -> bool {
    load(SIZE_KEY).as_deref() == Some("large")
}

pub fn apply_theme(dark: bool) {
    set_root_attr("data-theme", if dark { "dark" } else { "light" });
}

pub fn apply_size(large: bool) {
    set_root_attr("data-size", if large { "large" } else { "normal" });
}

/// `?seed=N` from the page URL, default 1.
pub fn seed_from_url() -> u64 {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse_seed(&search).unwrap_or(1)
}

/// `?try=<question id>` from the page URL: open the sandbox in the state a question describes.
pub fn try_from_url() -> Option<String> {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse_try(&search)
}

fn parse_try(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("try="))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn parse_seed(search: &str) -> Option<u64> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("seed="))
        .and_then(|v| v.trim().parse().ok())
}

pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed() {
        assert_eq!(super::parse_seed("?seed=42"), Some(42));
        assert_eq!(super::parse_seed("?a=1&seed=7"), Some(7));
        assert_eq!(super::parse_seed("?seed=x"), None);
        assert_eq!(super::parse_seed(""), None);
    }
}
