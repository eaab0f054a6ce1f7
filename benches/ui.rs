//! `cargo bench --bench ui`: what the lab's drawing costs, from the hand-built
//! fixture snapshot (two models, 64 filters of 28×28): a whole frame at
//! 120x40 and 80x24, and one page of filters rastered, in each draw mode.
//! Median time of one call (no timed assertions: figures only).

use aelab::ui::{Action, App, ColorDepth, UiOptions, fixture, frame, render_buffer};

mod common;
use common::{report, time};

fn main() {
    let mut app = App::new(UiOptions {
        ascii: false,
        colors: ColorDepth::Truecolor,
    });
    app.absorb(fixture::snapshot(0, 0..400));
    app.absorb(fixture::snapshot(0, 400..1600));
    for (w, h) in [(120, 40), (80, 24), (200, 60)] {
        for mode in ["half-blocks", "braille", "ascii"] {
            frame::fit(&mut app, w, h);
            let name = format!("frame {w}x{h} {mode}");
            report(&name, time(|| drop(render_buffer(&app, w, h))), 0);
            app.update(Action::NextDrawMode);
        }
    }
}
