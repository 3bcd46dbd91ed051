//! Text classifier, the zygote showcase. `engine_init` compiles 320 case-insensitive
//! regexes with Unicode classes (8 categories x 8 keywords x 5 word-form templates): the expensive
//! part, followed by one pass over a warm-up text to fill the regexes' caches.
//! `engine_start` (filter convention) labels each input line with the category whose
//! regexes match it most often (the first category on a tie, `other` when none match) and
//! writes one label per line, each followed by `\n`. When `engine_init` was not called,
//! `engine_start` runs it first, so the output is the same either way.
//!
//! Errors: labels larger than the output span -> BUFFER_TOO_SMALL.

use hermetic_engine::Status;
use once_cell::sync::OnceCell;
use regex::bytes::Regex;

hermetic_engine::span_window!();
hermetic_engine::engine_init!(init);
hermetic_engine::filter!(run);

/// Category names with their keywords; a label is one of these names or `other`.
const CATEGORIES: [(&str, [&str; 8]); 8] = [
    ("network", ["packet", "socket", "router", "latency", "bandwidth", "dns", "tcp", "firewall"]),
    ("storage", ["disk", "volume", "partition", "inode", "sector", "filesystem", "backup", "snapshot"]),
    ("security", ["password", "login", "token", "certificate", "breach", "malware", "exploit", "permission"]),
    ("finance", ["invoice", "payment", "refund", "ledger", "credit", "balance", "tax", "budget"]),
    ("weather", ["rain", "storm", "forecast", "temperature", "wind", "snow", "humidity", "cloud"]),
    ("sports", ["goal", "match", "league", "tournament", "score", "coach", "player", "referee"]),
    ("food", ["recipe", "bake", "flour", "spice", "oven", "dessert", "soup", "garlic"]),
    ("health", ["fever", "doctor", "vaccine", "symptom", "clinic", "dose", "therapy", "nurse"]),
];

/// Word forms of a keyword `{}`: itself, inflected, prefixed, and as either side of a
/// compound joined by `-`, `_`, `/` or `.`. Word boundaries are ASCII: a Unicode `\b`
/// would push every search off the fast lazy DFA onto the slow NFA simulation.
const TEMPLATES: [&str; 5] = [
    r"(?i)(?-u:\b){}(?-u:\b)",
    r"(?i)(?-u:\b){}(?:s|es|ed|ing|er|ers)(?-u:\b)",
    r"(?i)(?-u:\b)(?:re|un|pre|over|under){}\w*(?-u:\b)",
    r"(?i)(?-u:\b){}[-_/.]\w+(?-u:\b)",
    r"(?i)(?-u:\b)\w+[-_/.]{}(?-u:\b)",
];

/// The compiled regexes; entry `i` holds category `i`'s regexes. Built once per process.
static MODEL: OnceCell<Vec<Vec<Regex>>> = OnceCell::new();

fn build() -> Vec<Vec<Regex>> {
    CATEGORIES
        .iter()
        .map(|(_, keywords)| {
            keywords
                .iter()
                .flat_map(|keyword| TEMPLATES.iter().map(move |t| t.replace("{}", keyword)))
                .map(|pattern| Regex::new(&pattern).expect("built-in pattern compiles"))
                .collect()
        })
        .collect()
}

/// Builds the model, then labels a warm-up text once: every keyword in every word form,
/// upper-cased too, and every printable ASCII byte. That fills each regex's lazy DFA cache
/// before a snapshot instead of during the first `engine_start`.
fn init() {
    let model = MODEL.get_or_init(build);
    let mut warm_up = String::new();
    for keyword in CATEGORIES.iter().flat_map(|(_, keywords)| keywords.iter()) {
        let upper = keyword.to_uppercase();
        warm_up += &format!("{keyword} {keyword}s un{keyword}ing {keyword}-x y/{upper}, ({upper}ED).\n");
    }
    warm_up.extend((0x20u8..0x7f).map(char::from));
    for line in warm_up.lines() {
        label(model, line.as_bytes());
    }
}

fn label(model: &[Vec<Regex>], line: &[u8]) -> &'static str {
    let mut best = ("other", 0);
    for ((name, _), regexes) in CATEGORIES.iter().zip(model) {
        let hits: usize = regexes.iter().map(|r| r.find_iter(line).count()).sum();
        if hits > best.1 {
            best = (name, hits);
        }
    }
    best.0
}

fn run(input: &[u8], output: &mut [u8]) -> Result<usize, Status> {
    if MODEL.get().is_none() {
        init();
    }
    let model = MODEL.get().expect("init builds the model");
    let mut written = 0;
    if input.is_empty() {
        return Ok(0);
    }
    let text = input.strip_suffix(b"\n").unwrap_or(input);
    for line in text.split(|&b| b == b'\n') {
        let name = label(model, line).as_bytes();
        let slot = output
            .get_mut(written..written + name.len() + 1)
            .ok_or(Status::BUFFER_TOO_SMALL)?;
        slot[..name.len()].copy_from_slice(name);
        slot[name.len()] = b'\n';
        written += slot.len();
    }
    Ok(written)
}
