//! Languages, for every text written for people (member pages, mail, the
//! console): the six UN languages, which one a reader gets, the Fluent
//! catalogue every text comes from (`locales/*.ftl`), dates with month and
//! weekday names in the language (chrono's locale data), and how running
//! text keeps each piece's direction (isolates, `<bdi>` in HTML).

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::domain::time::{Slot, Zone};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the pages are written in. The order is the UN's (the English
/// alphabet of their names), which the language switch follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// The BCP 47 tag, for `<html lang>` and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Ar => "العربية",
            Lang::Zh => "中文",
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Ru => "Русский",
            Lang::Es => "Español",
        }
    }

    /// Writing direction, for `<html dir>`: the layout mirrors with it.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// Whose month and weekday names dates take. Egyptian Arabic's are the
    /// Gregorian month names used across the Arab world (Saudi Arabia's
    /// locale names the Hijri months instead).
    fn locale(self) -> chrono::Locale {
        match self {
            Lang::Ar => chrono::Locale::ar_EG,
            Lang::Zh => chrono::Locale::zh_CN,
            Lang::En => chrono::Locale::en_GB,
            Lang::Fr => chrono::Locale::fr_FR,
            Lang::Ru => chrono::Locale::ru_RU,
            Lang::Es => chrono::Locale::es_ES,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Ar => include_str!("locales/ar.ftl"),
            Lang::Zh => include_str!("locales/zh.ftl"),
            Lang::En => include_str!("locales/en.ftl"),
            Lang::Fr => include_str!("locales/fr.ftl"),
            Lang::Ru => include_str!("locales/ru.ftl"),
            Lang::Es => include_str!("locales/es.ftl"),
        }
    }

    fn index(self) -> usize {
        Lang::ALL.iter().position(|l| *l == self).unwrap_or(2)
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language of a page: the visitor's explicit choice (`?lang=`, the
    /// language switch), else the member's own language, else the
    /// browser's `Accept-Language`, else English. Each is matched the way
    /// Fluent negotiates (`fr-CH` gets French, `zh-Hans-CN` Chinese).
    ///
    /// The choice made on the page comes first so that the switch works for
    /// every member: one whose organiser set French still reads English
    /// after picking it.
    pub fn negotiate(query: Option<&str>, member: Option<&str>, accept: Option<&str>) -> Lang {
        let one = |tag: &str| {
            LanguageIdentifier::from_str(tag)
                .ok()
                .and_then(|id| best(&[id]))
        };
        query
            .and_then(one)
            .or_else(|| member.and_then(one))
            .or_else(|| accept.and_then(|h| best(&fluent_langneg::accepted_languages::parse(h))))
            .unwrap_or(Lang::En)
    }

    /// A message of the catalogue.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with its variables.
    pub fn t_with(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(id, Some(&fa))
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &CATALOGUE[self.index()];
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            // A test proves every message exists in every language; should
            // one go missing anyway, the page shows its id, not a crash.
            tracing::warn!(message = id, lang = self.code(), "missing message");
            return id.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// A day written out, "Friday 10 July 2026" / "2026年7月10日星期五".
    pub fn day(self, d: NaiveDate) -> String {
        d.format_localized(&self.t("format-day"), self.locale())
            .to_string()
    }

    /// An option's time in `zone`, written in the language, and its offset
    /// from UTC ("UTC+02:00"); all-day options are dates, the same everywhere.
    pub fn when(self, slot: &Slot, zone: Zone) -> (String, String) {
        let lang = self;
        match *slot {
            Slot::AllDay { start, end } if start == end => (lang.day(start), String::new()),
            Slot::AllDay { start, end } => (
                lang.t_with(
                    "when-all-day-range",
                    &[
                        ("start", lang.day(start).into()),
                        ("end", lang.day(end).into()),
                    ],
                ),
                String::new(),
            ),
            Slot::Timed { start, end } => {
                let (s, e) = (zone.local(start), zone.local(end));
                let text = if s.date() == e.date() {
                    lang.t_with(
                        "when-timed",
                        &[
                            ("day", lang.day(s.date()).into()),
                            ("start", lang.time(s).into()),
                            ("end", lang.time(e).into()),
                        ],
                    )
                } else {
                    lang.t_with(
                        "when-timed-span",
                        &[
                            ("start_day", lang.day(s.date()).into()),
                            ("start", lang.time(s).into()),
                            ("end_day", lang.day(e.date()).into()),
                            ("end", lang.time(e).into()),
                        ],
                    )
                };
                (text, lang.offset(zone, start))
            }
        }
    }

    /// The offset from UTC of `zone` at `at`, "UTC+02:00".
    pub fn offset(self, zone: Zone, at: DateTime<Utc>) -> String {
        self.ltr(self.t_with(
            "utc-offset",
            &[("offset", zone.offset_at(at).to_string().into())],
        ))
    }

    /// A wall-clock time, "13:00".
    pub fn time(self, t: NaiveDateTime) -> String {
        // Times have no names to translate, only a pattern.
        self.ltr(t.format(&self.t("format-time")).to_string())
    }

    /// An instant in `zone` with its offset, as running text says it:
    /// "Wednesday 30 June 2027 08:00 UTC-04:00".
    pub fn instant(self, zone: Zone, at: DateTime<Utc>) -> String {
        let local = zone.local(at);
        format!(
            "{} {} {}",
            self.day(local.date()),
            self.time(local),
            self.offset(zone, at)
        )
    }

    /// Text that reads left to right in every language (a time, an offset).
    /// Inside a right-to-left sentence its digits, colons and signs would
    /// otherwise be reordered ("+02:00UTC"), so there it is isolated as
    /// left-to-right (LRI … PDI): plain-text mail keeps the marks, pages
    /// turn them into `<bdi>` ([`isolates_to_html`]). Left-to-right
    /// languages need no marks.
    fn ltr(self, text: String) -> String {
        if self.dir() == "rtl" {
            format!("{LRI}{text}{PDI}")
        } else {
            text
        }
    }

    /// A value put into running text outside the catalogue (a place, a
    /// date in a "label: value" line of a plain-text mail), isolated in a
    /// right-to-left language with its own direction (FSI … PDI), as
    /// Fluent isolates a message's variables.
    pub fn isolate(self, text: &str) -> String {
        if self.dir() == "rtl" {
            format!("{FSI}{text}{PDI}")
        } else {
            text.to_string()
        }
    }
}

/// Unicode's directional isolates: left-to-right, right-to-left, first
/// strong (what Fluent puts around a message's variables), and their end.
const LRI: char = '\u{2066}';
const RLI: char = '\u{2067}';
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// HTML for catalogue text: escaped, with each Unicode isolate written as
/// the element HTML isolates with (`<bdi dir="ltr">`, `<bdi dir="rtl">`,
/// `<bdi>`), so a page says in markup what mail says with marks. Unmatched
/// marks (a name may carry its own) never unbalance the page: an end
/// without a start is dropped, and starts left open are closed.
pub fn isolates_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut open = 0usize;
    for c in text.chars() {
        match c {
            LRI => out.push_str("<bdi dir=\"ltr\">"),
            RLI => out.push_str("<bdi dir=\"rtl\">"),
            FSI => out.push_str("<bdi>"),
            PDI if open > 0 => out.push_str("</bdi>"),
            PDI => continue,
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
        match c {
            LRI | RLI | FSI => open += 1,
            PDI if open > 0 => open -= 1,
            _ => {}
        }
    }
    for _ in 0..open {
        out.push_str("</bdi>");
    }
    out
}

/// The askama filter both the pages and the mails write catalogue text
/// with: `{{ text|isolated }}`.
pub mod filters {
    #[askama::filter_fn]
    pub fn isolated<T: std::fmt::Display>(
        text: T,
        _: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<String>> {
        Ok(askama::filters::Safe(super::isolates_to_html(
            &text.to_string(),
        )))
    }
}

/// The supported language that best fits the requested ones, if any does.
fn best(requested: &[LanguageIdentifier]) -> Option<Lang> {
    static AVAILABLE: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
        Lang::ALL
            .iter()
            .map(|l| l.code().parse().expect("a language tag"))
            .collect()
    });
    fluent_langneg::negotiate_languages(
        requested,
        &AVAILABLE,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    )
    .first()
    .and_then(|id| Lang::parse(&id.to_string()))
}

/// Every language's messages, parsed once. Arabic keeps Fluent's Unicode
/// isolation marks around variables, so a Latin name or a date inside an
/// Arabic sentence keeps its own direction; left-to-right languages do not
/// need them.
static CATALOGUE: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| {
            let resource =
                FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(res, _)| res);
            let id: LanguageIdentifier = lang.code().parse().expect("a language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(*lang == Lang::Ar);
            let _ = bundle.add_resource(resource);
            bundle
        })
        .collect()
});

/// The ids of a catalogue's messages, for the completeness test.
#[cfg(test)]
fn message_ids(source: &str) -> Vec<String> {
    use fluent_syntax::ast::Entry;
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("a catalogue does not parse: {errors:?}"),
    };
    resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_every_language_and_none_is_an_english_copy() {
        let english = message_ids(Lang::En.source());
        assert!(english.len() > 40, "the English catalogue is the reference");
        for lang in Lang::ALL {
            let ids = message_ids(lang.source());
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
            if lang == Lang::En {
                continue;
            }
            // Formats, technical labels and single words ("No" is Spanish
            // too) may equal English; sentences may not.
            let copies: Vec<_> = english
                .iter()
                .filter(|id| !id.starts_with("format-") && !id.starts_with("when-"))
                .filter(|id| !["utc-offset", "site-name"].contains(&id.as_str()))
                .filter(|id| Lang::En.t(id).split_whitespace().count() > 1)
                .filter(|id| lang.t(id) == Lang::En.t(id))
                .collect();
            assert!(
                copies.is_empty(),
                "{}: English copies {copies:?}",
                lang.code()
            );
        }
    }

    /// A message defined twice is dropped by the bundle (the first wins),
    /// so one page would show another page's words.
    #[test]
    fn no_catalogue_defines_a_message_twice() {
        for lang in Lang::ALL {
            let mut ids = message_ids(lang.source());
            let all = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(
                ids.len(),
                all,
                "{}: a message id is defined twice",
                lang.code()
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        let args = [
            ("name", FluentValue::from("Yoichi")),
            ("zone", FluentValue::from("Asia/Tokyo")),
            ("when", FluentValue::from("x")),
            ("max", FluentValue::from(2000)),
            ("count", FluentValue::from(3)),
            ("start", FluentValue::from("07:00")),
            ("end", FluentValue::from("22:00")),
            ("day", FluentValue::from("d")),
            ("start_day", FluentValue::from("d")),
            ("end_day", FluentValue::from("d")),
            ("offset", FluentValue::from("+02:00")),
            ("title", FluentValue::from("Second Open Consultations")),
            ("mode", FluentValue::from("In person")),
            ("taken", FluentValue::from(10)),
            ("capacity", FluentValue::from(10)),
            ("waiting", FluentValue::from(190)),
            ("email", FluentValue::from("anriette@example.org")),
            ("workspace", FluentValue::from("IGF Secretariat")),
            ("role", FluentValue::from("editor")),
            ("minutes", FluentValue::from("10")),
            ("n", FluentValue::from(1)),
            ("mailed", FluentValue::from(38)),
            ("language", FluentValue::from("Français")),
            ("answered", FluentValue::from(12)),
            ("invited", FluentValue::from(40)),
            ("percent", FluentValue::from(30)),
            ("mine", FluentValue::from(31)),
            ("theirs", FluentValue::from(29)),
            ("why", FluentValue::from("x")),
            ("page", FluentValue::from(1)),
            ("pages", FluentValue::from(100)),
            ("error", FluentValue::from("550 mailbox unavailable")),
            ("status", FluentValue::from("closed")),
            ("host", FluentValue::from("calendar.example.org")),
            ("reason", FluentValue::from("the server answered HTTP 404")),
            ("member", FluentValue::from("Amara")),
            (
                "id",
                FluentValue::from("0196a2e7-c000-7000-8000-000000000500"),
            ),
        ];
        let mut fa = FluentArgs::new();
        for (k, v) in &args {
            fa.set(*k, v.clone());
        }
        for lang in Lang::ALL {
            let bundle = &CATALOGUE[lang.index()];
            for id in message_ids(lang.source()) {
                let pattern = bundle.get_message(&id).and_then(|m| m.value()).unwrap();
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&fa), &mut errors);
                assert!(errors.is_empty(), "{} {id}: {errors:?}", lang.code());
            }
        }
    }

    #[test]
    fn the_explicit_choice_wins_then_the_member_then_the_browser() {
        use Lang::*;
        assert_eq!(Lang::negotiate(None, None, None), En);
        assert_eq!(Lang::negotiate(None, None, Some("fr-CH, en;q=0.5")), Fr);
        assert_eq!(Lang::negotiate(None, None, Some("de, ru;q=0.8")), Ru);
        assert_eq!(Lang::negotiate(None, None, Some("de")), En);
        assert_eq!(Lang::negotiate(None, Some("zh-Hans-CN"), Some("fr")), Zh);
        assert_eq!(Lang::negotiate(Some("ar"), Some("zh"), Some("fr")), Ar);
        assert_eq!(Lang::negotiate(Some("xx"), Some("es-MX"), None), Es);
        assert_eq!(Lang::negotiate(None, Some("ja"), Some("ru")), Ru);
    }

    #[test]
    fn times_and_offsets_keep_their_order_inside_right_to_left_text() {
        let zone = Zone::parse("Europe/Vienna").unwrap();
        let at: DateTime<Utc> = "2027-06-30T16:00:00Z".parse().unwrap();
        assert_eq!(Lang::En.offset(zone, at), "UTC+02:00");
        assert_eq!(
            Lang::En.instant(zone, at),
            "Wednesday 30 June 2027 18:00 UTC+02:00"
        );
        let ar = Lang::Ar.instant(zone, at);
        assert!(ar.contains("\u{2066}18:00\u{2069}"), "{ar:?}");
        assert!(
            ar.contains("\u{2066}UTC\u{2068}+02:00\u{2069}\u{2069}"),
            "{ar:?}"
        );
        // In a sentence, Fluent isolates the whole; the pieces stay isolated.
        let sentence = Lang::Ar.t_with("deadline", &[("when", ar.clone().into())]);
        let html = isolates_to_html(&sentence);
        assert!(html.contains("<bdi dir=\"ltr\">18:00</bdi>"), "{html}");
        assert!(
            html.contains("<bdi dir=\"ltr\">UTC<bdi>+02:00</bdi></bdi>"),
            "{html}"
        );
        assert_eq!(html.matches("<bdi").count(), html.matches("</bdi>").count());
    }

    #[test]
    fn html_isolation_escapes_and_stays_balanced_whatever_the_marks() {
        assert_eq!(
            isolates_to_html("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(
            isolates_to_html("\u{2069}x\u{2067}y"),
            "x<bdi dir=\"rtl\">y</bdi>"
        );
        assert_eq!(
            isolates_to_html("\u{2068}\u{2068}z\u{2069}"),
            "<bdi><bdi>z</bdi></bdi>"
        );
    }

    #[test]
    fn dates_have_the_language_s_month_and_weekday_names() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 10).unwrap();
        assert_eq!(Lang::En.day(d), "Friday 10 July 2026");
        assert!(Lang::Fr.day(d).contains("juillet"), "{}", Lang::Fr.day(d));
        assert!(Lang::Es.day(d).contains("julio"), "{}", Lang::Es.day(d));
        assert!(Lang::Ru.day(d).contains("июля"), "{}", Lang::Ru.day(d));
        assert!(Lang::Zh.day(d).contains("星期五"), "{}", Lang::Zh.day(d));
        assert!(Lang::Ar.day(d).contains("يوليو"), "{}", Lang::Ar.day(d));
    }
}
