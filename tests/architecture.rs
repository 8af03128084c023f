//! The layout's rules, checked. No file in `src/` depends, through a chain
//! of `crate::`/`super::` paths, on a file that depends back on it: a cycle
//! means two files' rules cannot be read (or changed) apart; the cure is to
//! move what both need into the layer below (`domain/` for rules). And the
//! layers point one way: the faces (the JSON API, the member pages, the
//! console) stand side by side on the core and never import each other;
//! mail, the shared HTTP plumbing (`web/`) and languages (`lang/`) import no
//! face; the store imports no face or plumbing; the rules (`domain/`) import
//! nothing but rules, and no database, HTTP or runtime crate.
//!
//! Run alone with `cargo test --test architecture -- --nocapture` to print
//! the dependency counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/api/polls.rs` → `["api", "polls"]`,
/// `src/api/mod.rs` → `["api"]`, `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src/");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Strips comments and string literals, which may mention paths in prose.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a path that starts at `text` (after `crate::` or `super::`) into
/// every full path it names: `a::{b, c::d}` → `a::b`, `a::c::d`.
fn expand(text: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == '{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_whitespace() || bytes[i] == ',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == '}' {
                    return i + 1;
                }
                let rest: String = bytes[i..].iter().collect();
                i += expand(&rest, path.clone(), out);
                // Skip an `as alias` and anything else up to the separator.
                while i < bytes.len() && bytes[i] != ',' && bytes[i] != '}' {
                    i += 1;
                }
            }
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i == start {
            out.push(path);
            return i;
        }
        path.push(bytes[start..i].iter().collect());
        if bytes[i..].starts_with(&[':', ':']) {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// The files each file refers to.
fn dependencies(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| {
            let name = f.strip_prefix(src).unwrap().to_string_lossy().to_string();
            (module_of(src, f), name)
        })
        .collect();
    let mut graph = BTreeMap::new();
    for (module, name) in &modules {
        let file = src.join(name);
        let mut code = code_only(&std::fs::read_to_string(&file).expect("readable"));
        // Unit tests at the end of a file may reach anywhere; they are not
        // part of the layering (and their `super::` means the file itself).
        if let Some(at) = code.find("#[cfg(test)]\nmod tests") {
            code.truncate(at);
        }
        let children: BTreeSet<String> = code
            .lines()
            .filter_map(|l| {
                let l = l
                    .trim()
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        let mut paths = Vec::new();
        for (at, _) in code.match_indices("::") {
            let head_start = code[..at]
                .rfind(|c: char| !is_ident(c) && c != '$')
                .map_or(0, |p| p + 1);
            let head = &code[head_start..at];
            let base = match head {
                "crate" | "$crate" => Vec::new(),
                "super" => module[..module.len().saturating_sub(1)].to_vec(),
                "self" => module.clone(),
                // A child module named by its bare name (`polls::PollsApi`
                // in api/mod.rs).
                child if children.contains(child) => {
                    let mut m = module.clone();
                    m.push(child.to_string());
                    m
                }
                _ => continue,
            };
            expand(&code[at + 2..], base, &mut paths);
        }
        let mut deps = BTreeSet::new();
        for path in paths {
            // The longest prefix of the path that is a file's module.
            let target = (0..=path.len())
                .rev()
                .find_map(|n| modules.get(&path[..n]))
                .expect("the crate root is a module");
            if target != name && target != "lib.rs" {
                deps.insert(target.clone());
            }
        }
        graph.insert(name.clone(), deps);
    }
    graph
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_file_in_src_depends_on_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = dependencies(&src);
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    println!("{} files, {edges} file-to-file dependencies", graph.len());
    let found = cycles(&graph);
    for c in &found {
        println!("cycle: {}", c.join(" ⇄ "));
    }
    assert!(
        found.is_empty(),
        "import cycles among files of src/: {found:#?}"
    );
}

/// The top folder (or file) of a file of `src/`: `api/polls.rs` → `api`.
fn layer(file: &str) -> &str {
    file.split('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rs")
}

const FACES: [&str; 3] = ["api", "pages", "console"];

/// What each layer must not import, by top folder of `src/`.
fn forbidden(from: &str) -> Vec<&'static str> {
    match from {
        // The tables are the store's: a face reads what the store returns.
        "api" | "pages" | "console" => FACES
            .into_iter()
            .filter(|f| *f != from)
            .chain(["entity"])
            .collect(),
        "mail" | "web" | "lang" => [FACES.as_slice(), &["entity"]].concat(),
        "delivery" | "webhooks" | "outbound" | "oidc" => FACES.to_vec(),
        "store" | "entity" => [FACES.as_slice(), &["web", "mail", "lang"]].concat(),
        _ => Vec::new(),
    }
}

/// Every dependency that breaks the layers' direction, as `from -> to`.
fn wrong_way(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (from, deps) in graph {
        let no = forbidden(layer(from));
        for to in deps {
            if no.contains(&layer(to)) {
                found.push(format!("{from} -> {to}"));
            }
            if layer(from) == "domain" && layer(to) != "domain" {
                found.push(format!("{from} -> {to} (rules import only rules)"));
            }
        }
    }
    found
}

#[test]
fn faces_stand_side_by_side_and_every_layer_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = wrong_way(&dependencies(&src));
    assert!(found.is_empty(), "imports against the layers: {found:#?}");
}

#[test]
fn the_rules_use_no_database_http_or_runtime_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join("domain");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let code = code_only(&std::fs::read_to_string(&file).expect("readable"));
        for krate in [
            "sea_orm",
            "sqlx",
            "poem",
            "poem_openapi",
            "tokio",
            "hyper",
            "reqwest",
            "lettre",
        ] {
            let used = code.match_indices(krate).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + krate.len()..].chars().next();
                !before.is_some_and(|c| is_ident(c) || c == ':') && !after.is_some_and(is_ident)
            });
            if used {
                found.push(format!("{} uses {krate}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_direction_checker_sees_a_face_importing_another() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("pages/view.rs", vec!["api/results.rs", "domain/access.rs"]),
        ("mail/mod.rs", vec!["pages/mod.rs", "lang/mod.rs"]),
        ("domain/access.rs", vec!["store/mod.rs"]),
        ("api/polls.rs", vec!["web/problem.rs", "domain/poll.rs"]),
        ("api/groups.rs", vec!["entity/member.rs"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        wrong_way(&graph),
        vec![
            "api/groups.rs -> entity/member.rs",
            "domain/access.rs -> store/mod.rs (rules import only rules)",
            "mail/mod.rs -> pages/mod.rs",
            "pages/view.rs -> api/results.rs",
        ]
    );
}

#[test]
fn the_checker_sees_a_cycle_and_grouped_imports() {
    let mut paths = Vec::new();
    expand("domain::{poll::{self, Poll}, time}", vec![], &mut paths);
    assert_eq!(
        paths,
        vec![
            vec!["domain", "poll", "self"],
            vec!["domain", "poll", "Poll"],
            vec!["domain", "time"],
        ]
        .into_iter()
        .map(|p| p.into_iter().map(String::from).collect::<Vec<_>>())
        .collect::<Vec<_>>()
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a.rs", vec!["b.rs"]),
        ("b.rs", vec!["c.rs"]),
        ("c.rs", vec!["a.rs"]),
        ("d.rs", vec!["a.rs"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&graph), vec![vec!["a.rs", "b.rs", "c.rs"]]);
}
