//! Colour depth → styles. Every colour the panes use comes from here, so
//! NO_COLOR and 16-colour terminals are handled in one place.

use super::options::{ColorDepth, UiOptions};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};

/// Borders drawn with `+`, `-` and `|` for `--ascii`.
const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub depth: ColorDepth,
    pub ascii: bool,
}

impl Theme {
    pub fn new(options: UiOptions) -> Self {
        Theme {
            depth: options.colors,
            ascii: options.ascii,
        }
    }

    /// A grey for v in [0, 1] (0 black, 1 white); `None` without colours.
    pub fn grey(&self, v: f32) -> Option<Color> {
        let v = if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        };
        match self.depth {
            ColorDepth::Truecolor => {
                let g = (v * 255.0).round() as u8;
                Some(Color::Rgb(g, g, g))
            }
            // 232..=255 is the xterm grey ramp, darkest first.
            ColorDepth::Ansi256 => Some(Color::Indexed(232 + (v * 23.0).round() as u8)),
            // The four greys of the 16 colours sit at about 0, 1/3, 2/3 and 1.
            ColorDepth::Ansi16 => Some(match (v * 3.0).round() as u8 {
                0 => Color::Black,
                1 => Color::DarkGray,
                2 => Color::Gray,
                _ => Color::White,
            }),
            ColorDepth::None => None,
        }
    }

    fn fg(&self, color: Color) -> Style {
        match self.depth {
            ColorDepth::None => Style::new(),
            _ => Style::new().fg(color),
        }
    }

    /// The focused model's titles stand out by colour and, without colour, by weight.
    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Cyan)
        }
    }

    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Red)
    }
    /// The three loss curves: objective, reconstruction, penalties.
    pub fn series(&self, i: usize) -> Style {
        self.fg([Color::White, Color::Cyan, Color::Magenta][i % 3])
    }

    /// A colour per class label (the code-space scatter), `None` without colours.
    pub fn label(&self, label: u8) -> Option<Color> {
        const PALETTE: [Color; 10] = [
            Color::Red,
            Color::Green,
            Color::Yellow,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::White,
            Color::LightRed,
            Color::LightGreen,
            Color::LightBlue,
        ];
        match self.depth {
            ColorDepth::None => None,
            _ => Some(PALETTE[label as usize % PALETTE.len()]),
        }
    }

    /// A bordered pane with its title; ASCII borders under `--ascii`.
    pub fn block<'a>(&self, title: String, focused: bool) -> Block<'a> {
        let block = Block::new().borders(Borders::ALL).border_style(self.dim());
        let block = if self.ascii {
            block.border_set(ASCII_BORDER)
        } else {
            block
        };
        block.title(ratatui::text::Span::styled(title, self.title(focused)))
    }

    /// `unicode` unless `--ascii`, then `ascii` (λ → lambda, ‖J‖ → |J|, …).
    pub fn sym<'a>(&self, unicode: &'a str, ascii: &'a str) -> &'a str {
        if self.ascii { ascii } else { unicode }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greys_span_each_palette_from_black_to_white() {
        let t = |colors| {
            Theme::new(UiOptions {
                ascii: false,
                colors,
            })
        };
        assert_eq!(t(ColorDepth::Ansi256).grey(0.0), Some(Color::Indexed(232)));
        assert_eq!(t(ColorDepth::Ansi256).grey(1.0), Some(Color::Indexed(255)));
        assert_eq!(
            t(ColorDepth::Truecolor).grey(1.0),
            Some(Color::Rgb(255, 255, 255))
        );
        assert_eq!(t(ColorDepth::Ansi16).grey(0.4), Some(Color::DarkGray));
        assert_eq!(t(ColorDepth::Ansi16).grey(f32::NAN), Some(Color::Black));
        assert_eq!(t(ColorDepth::None).grey(0.5), None);
    }
}
