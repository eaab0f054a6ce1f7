//! Progress of long work (training, PCA, probes, loading a large folder): a bar with an ETA when stderr is a terminal, plain
//! lines (every tenth of the way) otherwise, so logs stay readable.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    len: u64,
    /// The last tenth reported as a plain line.
    tenth: u64,
    /// Whether to print plain lines when there is no terminal.
    plain: bool,
}

impl Progress {
    pub fn new(label: &str, len: u64) -> Progress {
        Self::with_plain_lines(label, len, true)
    }

    /// A bar on a terminal and nothing otherwise, for work that prints its own lines.
    pub fn bar_only(label: &str, len: u64) -> Progress {
        Self::with_plain_lines(label, len, false)
    }

    fn with_plain_lines(label: &str, len: u64, plain: bool) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(len);
            let style =
                ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} ({eta} left)")
                    .expect("a valid template")
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(label.to_string());
            bar
        });
        Progress {
            bar,
            label: label.to_string(),
            len,
            tenth: 0,
            plain,
        }
    }

    /// `done` units of `len` are finished.
    pub fn set(&mut self, done: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None if !self.plain => {}
            None => {
                let tenth = done * 10 / self.len.max(1);
                if tenth > self.tenth {
                    self.tenth = tenth;
                    eprintln!("{}: {done}/{}", self.label, self.len);
                }
            }
        }
    }

    /// Prints a line above the bar (or plainly). A closed standard output
    /// (`aelab train … | head`) is not an error: the work goes on, unprinted.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => {
                use std::io::Write;
                let _ = writeln!(std::io::stdout(), "{line}");
            }
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
