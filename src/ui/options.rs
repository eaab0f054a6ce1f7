//! What the terminal can show: colour depth and whether glyphs beyond ASCII
//! are safe. Detected once from the environment, overridable by `--ascii`.

/// How many colours the terminal renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    /// 24-bit RGB (`COLORTERM=truecolor` or `24bit`).
    Truecolor,
    /// The xterm 256-colour palette (`TERM=*256color*`).
    Ansi256,
    /// The 16 basic colours.
    Ansi16,
    /// No colour at all (`NO_COLOR`): shading only through glyphs.
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UiOptions {
    /// `--ascii`: no braille, no block glyphs, no Greek letters.
    pub ascii: bool,
    pub colors: ColorDepth,
}

impl UiOptions {
    /// Reads COLORTERM, TERM, NO_COLOR and the locale variables.
    pub fn detect(ascii_flag: bool) -> Self {
        Self::from_env(ascii_flag, |key| std::env::var(key).ok())
    }

    /// `detect` over any environment, so it can be tested without touching the process's.
    pub fn from_env(ascii_flag: bool, var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |key: &str| var(key).filter(|v| !v.is_empty());
        let colorterm = set("COLORTERM").unwrap_or_default().to_lowercase();
        let term = set("TERM").unwrap_or_default().to_lowercase();
        // A dumb terminal knows neither colours nor anything beyond ASCII.
        let dumb = term == "dumb";
        let colors = if set("NO_COLOR").is_some() || dumb {
            ColorDepth::None
        } else if colorterm == "truecolor" || colorterm == "24bit" {
            ColorDepth::Truecolor
        } else if term.contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        };
        // The first locale variable that is set decides, as in setlocale(3).
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| set(k))
            .unwrap_or_default()
            .to_lowercase();
        let utf8 = locale.contains("utf-8") || locale.contains("utf8");
        UiOptions {
            ascii: ascii_flag || !utf8 || dumb,
            colors,
        }
    }
}

impl Default for UiOptions {
    /// Unicode glyphs on a 256-colour terminal: the common case, and the one tests pin.
    fn default() -> Self {
        UiOptions {
            ascii: false,
            colors: ColorDepth::Ansi256,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn colour_depth_follows_colorterm_then_term_and_no_color_wins() {
        let utf = ("LANG", "en_US.UTF-8");
        let o = UiOptions::from_env(false, env(&[utf, ("COLORTERM", "truecolor")]));
        assert_eq!(o.colors, ColorDepth::Truecolor);
        let o = UiOptions::from_env(false, env(&[utf, ("TERM", "xterm-256color")]));
        assert_eq!(o.colors, ColorDepth::Ansi256);
        let o = UiOptions::from_env(false, env(&[utf, ("TERM", "xterm")]));
        assert_eq!(o.colors, ColorDepth::Ansi16);
        let o = UiOptions::from_env(
            false,
            env(&[utf, ("COLORTERM", "24bit"), ("NO_COLOR", "1")]),
        );
        assert_eq!(o.colors, ColorDepth::None);
        let o = UiOptions::from_env(false, env(&[utf, ("TERM", "xterm"), ("NO_COLOR", "")]));
        assert_eq!(o.colors, ColorDepth::Ansi16, "an empty NO_COLOR is unset");
    }

    #[test]
    fn a_non_utf8_locale_means_ascii() {
        assert!(!UiOptions::from_env(false, env(&[("LC_ALL", "C.utf8")])).ascii);
        assert!(UiOptions::from_env(false, env(&[("LANG", "C")])).ascii);
        assert!(UiOptions::from_env(false, env(&[])).ascii);
        assert!(
            UiOptions::from_env(false, env(&[("LC_ALL", "POSIX"), ("LANG", "en_US.UTF-8")])).ascii
        );
        assert!(UiOptions::from_env(true, env(&[("LANG", "en_US.UTF-8")])).ascii);
    }

    #[test]
    fn a_dumb_terminal_gets_ascii_without_colour() {
        let o = UiOptions::from_env(false, env(&[("TERM", "dumb"), ("LANG", "en_US.UTF-8")]));
        assert_eq!((o.ascii, o.colors), (true, ColorDepth::None));
    }
}
