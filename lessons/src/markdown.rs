//! Markdown to HTML for lesson and question text, rendered safely: the result can be set as
//! `innerHTML` without letting a content file run script or fetch anything.
//!
//! - raw HTML in the source (blocks and inline) is shown as text, escaped — never passed through;
//! - links keep their target only for `http:`, `https:`, `mailto:` and in-page / site-relative
//!   targets (`#…`, `/…`); any other target (`javascript:`, `data:`, relative paths, …) renders
//!   the link's text without a link;
//! - images are never embedded (the app is offline and a file must not make it fetch): an image
//!   renders as a link to its target, with its alt text (or the target) as the link text, or as
//!   the bare alt text when the target is not allowed or it sits inside another link;
//! - fenced code blocks become `<pre><code class="language-x">` with escaped content (the
//!   language keeps only letters, digits, `_`, `+`, `-`, `.` and `#`);
//! - tables and ~~strikethrough~~ are enabled; footnotes, math and the rest are not.
//!
//! ```
//! let html = lessons::markdown::to_html("**Hi** <script>alert(1)</script>");
//! assert_eq!(html, "<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
//! ```

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Render `md` (CommonMark + tables + strikethrough) as HTML that is safe to insert into the page.
pub fn to_html(md: &str) -> String {
    let events = sanitize(Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    let mut out = String::with_capacity(md.len() + md.len() / 2);
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// Whether a link target is allowed: `http(s):`, `mailto:`, `#…` or `/…`.
pub fn safe_url(url: &str) -> bool {
    let u = url.trim();
    if u.starts_with('#') || u.starts_with('/') {
        // A site-relative path; `/\evil` would be taken as `//evil` by browsers: refuse it.
        return !u.starts_with("/\\");
    }
    ["http://", "https://", "mailto:"].iter().any(|p| u.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p)))
}

fn safe_lang(lang: &str) -> String {
    lang.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | '#')).take(40).collect()
}

/// Rewrite the parser's events into safe ones (see the module documentation).
fn sanitize<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // One entry per open link: whether its start was kept (so its end is kept too).
    let mut links: Vec<bool> = Vec::new();
    // While inside an image: its nesting depth, target, title and collected alt text.
    let mut image: Option<(usize, CowStr<'a>, CowStr<'a>, String)> = None;
    for ev in parser {
        if let Some((depth, _, _, alt)) = image.as_mut() {
            match ev {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    if let Some((_, url, title, alt)) = image.take() {
                        let in_kept_link = links.iter().any(|kept| *kept);
                        if safe_url(&url) && !in_kept_link {
                            let text = if alt.trim().is_empty() { url.to_string() } else { alt };
                            out.push(Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url: url, title, id: CowStr::Borrowed("") }));
                            out.push(Event::Text(text.into()));
                            out.push(Event::End(TagEnd::Link));
                        } else if !alt.is_empty() {
                            out.push(Event::Text(alt.into()));
                        }
                    }
                }
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Html(t) | Event::InlineHtml(t) => out.push(Event::Text(t)),
            Event::Start(Tag::HtmlBlock) => out.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Image { dest_url, title, .. }) => image = Some((0, dest_url, title, String::new())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let ok = match link_type {
                    // `<me@example.com>`: the writer adds `mailto:` itself.
                    LinkType::Email => true,
                    _ => safe_url(&dest_url),
                };
                links.push(ok);
                if ok {
                    out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) => {
                let lang = safe_lang(info.split([' ', '\t', ',', '{']).next().unwrap_or(""));
                out.push(Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(lang.into()))));
            }
            // Not enabled, but never let them through should options change.
            Event::InlineMath(t) | Event::DisplayMath(t) => out.push(Event::Code(t)),
            Event::TaskListMarker(done) => out.push(Event::Text(if done { "[x] " } else { "[ ] " }.into())),
            Event::FootnoteReference(t) => out.push(Event::Text(format!("[^{t}]").into())),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tag in `html` (text is escaped, so a `<` in the output always opens a real tag).
    fn tags(html: &str) -> Vec<&str> {
        let mut v = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            let after = &rest[i..];
            let end = after.find('>').map(|j| j + 1).unwrap_or(after.len());
            v.push(&after[..end]);
            rest = &after[end..];
        }
        v
    }

    /// A tag's name and its attributes (name, value), read the way a browser would.
    fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
        let inner = tag.trim_start_matches('<').trim_start_matches('/').trim_end_matches('>').trim_end_matches('/');
        let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let mut attrs = Vec::new();
        let mut rest = &inner[name.len()..];
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let n = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
            let key = rest[..n].to_ascii_lowercase();
            rest = &rest[n..];
            let mut value = String::new();
            if let Some(r) = rest.strip_prefix('=') {
                if let Some(r) = r.strip_prefix('"') {
                    let e = r.find('"').unwrap_or(r.len());
                    value = r[..e].to_string();
                    rest = r.get(e + 1..).unwrap_or("");
                } else {
                    let e = r.find(char::is_whitespace).unwrap_or(r.len());
                    value = r[..e].to_string();
                    rest = &r[e..];
                }
            }
            attrs.push((key, value));
        }
        (name, attrs)
    }

    /// The output is safe: only a fixed set of tags and attributes (no event handlers, no `src`,
    /// no free `style`), and every `href` is allowed.
    fn assert_safe(md: &str, html: &str) {
        const ALLOWED: &[&str] = &[
            "p", "em", "strong", "del", "code", "pre", "a", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5",
            "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
        ];
        assert!(!html.to_ascii_lowercase().contains("<script"), "{md:?} -> {html}");
        for t in tags(html) {
            let (name, attrs) = parse_tag(t);
            assert!(ALLOWED.contains(&name.as_str()), "tag {t:?} from {md:?} -> {html}");
            for (k, v) in attrs {
                match k.as_str() {
                    "href" => assert!(safe_url(&v) || v.starts_with("mailto:"), "href {v:?} from {md:?}"),
                    "title" | "start" => {}
                    "class" => assert!(v.starts_with("language-"), "{t:?}"),
                    // Column alignment in tables is the writer's own fixed text.
                    "style" => assert!(["left", "center", "right"].iter().any(|a| v == format!("text-align: {a}")), "{t:?}"),
                    _ => panic!("attribute {k:?} in {t:?} from {md:?} -> {html}"),
                }
            }
        }
    }

    fn render(md: &str) -> String {
        let html = to_html(md);
        assert_safe(md, &html);
        html
    }

    #[test]
    fn plain_markdown() {
        assert_eq!(render("Hello *world*"), "<p>Hello <em>world</em></p>\n");
        assert_eq!(render("# Title\n\ntext"), "<h1>Title</h1>\n<p>text</p>\n");
        assert_eq!(render("- a\n- b\n"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
        assert_eq!(render("`aws ec2 run-instances`"), "<p><code>aws ec2 run-instances</code></p>\n");
        assert_eq!(render(""), "");
    }

    #[test]
    fn nested_emphasis() {
        assert_eq!(render("***both***"), "<p><em><strong>both</strong></em></p>\n");
        assert_eq!(render("*a **b** c*"), "<p><em>a <strong>b</strong> c</em></p>\n");
        assert_eq!(render("**a *b* c**"), "<p><strong>a <em>b</em> c</strong></p>\n");
        assert_eq!(render("~~old~~ new"), "<p><del>old</del> new</p>\n");
        assert_eq!(render("*unclosed"), "<p>*unclosed</p>\n");
    }

    #[test]
    fn script_tags_are_escaped() {
        let h = render("<script>alert(1)</script>");
        assert_eq!(h, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
        let h = render("text <script src=x></script> more");
        assert!(h.contains("&lt;script src=x&gt;&lt;/script&gt;"), "{h}");
        let h = render("<div>\n<script>\nalert(1)\n</script>\n</div>\n\nafter");
        assert!(h.contains("&lt;div&gt;") && h.contains("&lt;script&gt;") && h.ends_with("<p>after</p>\n"), "{h}");
        let h = render("<SCRIPT>x</SCRIPT>");
        assert!(h.contains("&lt;SCRIPT&gt;"), "{h}");
        let h = render("<!-- comment --> <?php x ?> <![CDATA[x]]>");
        assert!(h.contains("&lt;!-- comment --&gt;"), "{h}");
    }

    #[test]
    fn img_onerror_is_escaped() {
        let h = render("<img src=x onerror=alert(1)>");
        assert!(h.contains("&lt;img src=x onerror=alert(1)&gt;"), "{h}");
        let h = render("hi <img src=\"x\" onerror=\"alert(1)\"> there");
        assert_eq!(h, "<p>hi &lt;img src=\"x\" onerror=\"alert(1)\"&gt; there</p>\n");
        let h = render("<a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>");
        assert!(!h.contains("<a"), "{h}");
    }

    #[test]
    fn javascript_links_lose_their_target() {
        assert_eq!(render("[click](javascript:alert(1))"), "<p>click</p>\n");
        assert_eq!(render("[click](JaVaScRiPt:alert(1))"), "<p>click</p>\n");
        assert_eq!(render("[click]( javascript:alert(1) )"), "<p>click</p>\n");
        assert_eq!(render("[x](data:text/html;base64,PHNjcmlwdD4=)"), "<p>x</p>\n");
        assert_eq!(render("[x](vbscript:msgbox)"), "<p>x</p>\n");
        assert_eq!(render("[x](relative/path)"), "<p>x</p>\n");
        assert_eq!(render("[x](/\\evil.example)"), "<p>x</p>\n");
        assert_eq!(render("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
        assert_eq!(render("[**bold** link](javascript:x)"), "<p><strong>bold</strong> link</p>\n");
        assert_eq!(render("[r]: javascript:alert(1)\n\n[r] and [text][r]"), "<p>r and text</p>\n");
    }

    #[test]
    fn allowed_links_are_kept() {
        assert_eq!(render("[docs](https://docs.aws.amazon.com/ec2/)"), "<p><a href=\"https://docs.aws.amazon.com/ec2/\">docs</a></p>\n");
        assert_eq!(render("[a](HTTP://example.com)"), "<p><a href=\"HTTP://example.com\">a</a></p>\n");
        assert_eq!(render("[home](/)"), "<p><a href=\"/\">home</a></p>\n");
        assert_eq!(render("[lesson](/lesson/first-instance)"), "<p><a href=\"/lesson/first-instance\">lesson</a></p>\n");
        assert_eq!(render("[up](#top)"), "<p><a href=\"#top\">up</a></p>\n");
        assert_eq!(render("[mail](mailto:a@example.com)"), "<p><a href=\"mailto:a@example.com\">mail</a></p>\n");
        assert_eq!(render("<a@example.com>"), "<p><a href=\"mailto:a@example.com\">a@example.com</a></p>\n");
        assert_eq!(render("<https://example.com>"), "<p><a href=\"https://example.com\">https://example.com</a></p>\n");
        let h = render("[t](https://example.com \"a \\\"title\\\" onmouseover=x\")");
        assert!(h.contains("title=\"a &quot;title&quot; onmouseover=x\""), "{h}");
        let h = render("[q](https://example.com/?a=\"><script>)");
        assert!(!h.contains("\"><"), "{h}");
    }

    #[test]
    fn images_are_never_embedded() {
        assert_eq!(render("![a diagram](https://example.com/d.png)"), "<p><a href=\"https://example.com/d.png\">a diagram</a></p>\n");
        assert_eq!(render("![](https://example.com/d.png)"), "<p><a href=\"https://example.com/d.png\">https://example.com/d.png</a></p>\n");
        assert_eq!(render("![x](javascript:alert(1))"), "<p>x</p>\n");
        assert_eq!(render("![*nested* ![inner](y.png)](z.png)"), "<p>nested inner</p>\n");
        assert_eq!(render("[![logo](https://e.com/l.png)](https://e.com)"), "<p><a href=\"https://e.com\">logo</a></p>\n");
        assert_eq!(render("![<img src=x onerror=alert(1)>](https://e.com/a.png)"), "<p><a href=\"https://e.com/a.png\">&lt;img src=x onerror=alert(1)&gt;</a></p>\n");
    }

    #[test]
    fn html_entities() {
        assert_eq!(render("a &amp; b &lt;c&gt; &copy; &#65; &#x42;"), "<p>a &amp; b &lt;c&gt; © A B</p>\n");
        assert_eq!(render("&lt;script&gt;alert(1)&lt;/script&gt;"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
        assert_eq!(render("5 < 6 & 7 > 3 \"q\" 'a'"), "<p>5 &lt; 6 &amp; 7 &gt; 3 \"q\" 'a'</p>\n");
        assert_eq!(render("&bogus; &#0;"), "<p>&amp;bogus; \u{FFFD}</p>\n");
    }

    #[test]
    fn code_blocks() {
        assert_eq!(render("```bash\necho <b>hi</b> && ls\n```"), "<pre><code class=\"language-bash\">echo &lt;b&gt;hi&lt;/b&gt; &amp;&amp; ls\n</code></pre>\n");
        assert_eq!(render("```\nplain\n```"), "<pre><code>plain\n</code></pre>\n");
        assert_eq!(render("    indented <x>\n"), "<pre><code>indented &lt;x&gt;\n</code></pre>\n");
        assert_eq!(render("```json title=x\n{}\n```"), "<pre><code class=\"language-json\">{}\n</code></pre>\n");
        let h = render("```x\"onmouseover=alert(1)\ny\n```");
        assert!(h.starts_with("<pre><code class=\"language-xonmouseoveralert1\">"), "{h}");
        let h = render("```\n</code></pre><script>alert(1)</script>\n```");
        assert!(h.contains("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"), "{h}");
    }

    #[test]
    fn tables() {
        let h = render("| state | code |\n| --- | ---: |\n| running | 16 |\n| `stopped` | <b>80</b> |\n");
        assert!(h.starts_with("<table><thead><tr><th>state</th><th style=\"text-align: right\">code</th></tr></thead>"), "{h}");
        assert!(h.contains("<td>running</td>") && h.contains("<td><code>stopped</code></td>") && h.contains("&lt;b&gt;80&lt;/b&gt;"), "{h}");
    }

    #[test]
    fn hostile_soup_is_always_safe() {
        let pieces = [
            "<", ">", "[", "]", "(", ")", "!", "*", "_", "`", "```", "~~", "|", "---", "\n", "\n\n", " ", "    ", "#", "&",
            ";", "\"", "'", "javascript:", "https://e.com", "<script>", "<img src=x onerror=y>", "onload=", "\\", ":", "-",
            "> ", "1. ", "<a href=", "&lt;", "&#x3C;", "[r]: ", "<!--", "-->", "é", "\u{0}", "\t",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(x % 40) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            render(&s);
        }
    }

    /// Tables are the one place the writer emits a `style` attribute (column alignment).
    #[test]
    fn table_alignment_style_is_fixed_text() {
        let h = to_html("| a |\n| :-: |\n| b |\n");
        assert!(h.contains("<th style=\"text-align: center\">a</th>"), "{h}");
    }

    #[test]
    fn every_builtin_text_renders_safely() {
        let catalog = crate::Catalog::builtin().expect("the built-in content is valid");
        let mut n = 0;
        let mut check = |s: &str| {
            let html = to_html(s);
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{s:?}");
            for t in tags(&html) {
                for (k, _) in parse_tag(t).1 {
                    assert!(!k.starts_with("on"), "{t:?} from {s:?}");
                }
            }
            n += 1;
        };
        for t in &catalog.topics {
            check(&t.summary);
        }
        for l in &catalog.lessons {
            check(&l.summary);
            for s in &l.steps {
                check(&s.prose);
                check(&s.task);
                check(&s.explain);
                for h in &s.hints {
                    check(h);
                }
            }
        }
        for q in &catalog.questions {
            check(&q.scenario);
            for o in &q.options {
                check(&o.text);
                check(&o.why);
            }
        }
        assert!(n > 100, "only {n} texts");
    }
}
