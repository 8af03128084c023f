//! Reading an iCalendar file (RFC 5545 §3.1) into components and
//! properties: lines unfolded, parameters split (quoted values kept whole),
//! values left as written. Text values are never unescaped or kept beyond
//! the parse: the busy computation reads dates, rules and a few flags only.

use std::fmt;

/// Why a file is not a calendar we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    NotText,
    NotACalendar,
    /// A content line without `name:value` (1-based line number).
    BrokenLine(usize),
    /// BEGIN and END do not nest.
    Unbalanced(usize),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotText => write!(f, "the file is not UTF-8 text"),
            ParseError::NotACalendar => {
                write!(f, "the file is not an iCalendar (no BEGIN:VCALENDAR)")
            }
            ParseError::BrokenLine(n) => write!(f, "line {n} is not a `NAME:value` content line"),
            ParseError::Unbalanced(n) => write!(f, "line {n}: BEGIN and END do not match"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Property {
    /// Upper case.
    pub name: String,
    /// (upper-case name, value without quotes).
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Property {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Component {
    /// Upper case.
    pub name: String,
    pub props: Vec<Property>,
    pub children: Vec<Component>,
}

impl Component {
    pub fn prop(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }
}

/// Splits `NAME;P=V;Q="a;b":value` at the first colon outside quotes.
fn content_line(line: &str) -> Option<Property> {
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = vec![];
    let mut cur = String::new();
    let mut in_quotes = false;
    for c in head.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    let mut parts = parts.into_iter();
    let name = parts.next()?.trim().to_ascii_uppercase();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let params = parts
        .filter_map(|p| {
            let (n, v) = p.split_once('=')?;
            Some((n.trim().to_ascii_uppercase(), v.to_string()))
        })
        .collect();
    Some(Property {
        name,
        params,
        value: value.to_string(),
    })
}

/// Parses the file's top-level VCALENDAR components.
pub fn parse(bytes: &[u8]) -> Result<Vec<Component>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ParseError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Unfold: a line starting with a space or tab continues the previous one.
    let mut lines: Vec<(usize, String)> = vec![];
    for (n, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match lines.last_mut() {
                Some((_, last)) => last.push_str(rest),
                None => return Err(ParseError::BrokenLine(n + 1)),
            }
        } else if !raw.trim().is_empty() {
            lines.push((n + 1, raw.to_string()));
        }
    }
    let mut stack: Vec<Component> = vec![];
    let mut out = vec![];
    for (n, line) in lines {
        let prop = content_line(&line).ok_or(ParseError::BrokenLine(n))?;
        match prop.name.as_str() {
            "BEGIN" => stack.push(Component {
                name: prop.value.trim().to_ascii_uppercase(),
                ..Default::default()
            }),
            "END" => {
                let done = stack.pop().ok_or(ParseError::Unbalanced(n))?;
                if done.name != prop.value.trim().to_ascii_uppercase() {
                    return Err(ParseError::Unbalanced(n));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => out.push(done),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.props.push(prop),
                None => return Err(ParseError::NotACalendar),
            },
        }
    }
    if !stack.is_empty() {
        return Err(ParseError::Unbalanced(0));
    }
    if !out.iter().any(|c| c.name == "VCALENDAR") {
        return Err(ParseError::NotACalendar);
    }
    Ok(out)
}
